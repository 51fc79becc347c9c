use super::builder::plain_of_blocks;
use super::*;

fn xrefs() -> Xrefs {
    let mut x = Xrefs { one: "Section".into(), many: "Sections".into(), ..Default::default() };
    x.numbers.insert("statement".into(), 2);
    x.numbers.insert("missions".into(), 3);
    x.numbers.insert("transformation".into(), 6);
    x
}

fn text_of(blocks: &[Block]) -> String {
    plain_of_blocks(blocks)
}

#[test]
fn cross_references_print_computed_numbers() {
    let mut p = Vec::new();
    let b = parse(
        "See [Sections](#statement,#missions), [Section](#transformation) and [](#missions).",
        &xrefs(),
        "x",
        &mut p,
    );
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(text_of(&b), "See Sections\u{a0}2 & 3, Section\u{a0}6 and 3.");
}

#[test]
fn cross_reference_label_and_number_are_joined_by_a_no_break_space() {
    let mut p = Vec::new();
    let b = parse("As set out at [Section](#transformation).", &xrefs(), "x", &mut p);
    let text = text_of(&b);
    assert!(text.contains("Section\u{a0}6"), "{text:?}");
    assert!(!text.contains("Section 6"), "{text:?}");
}

#[test]
fn unknown_cross_reference_is_an_error_with_a_suggestion() {
    let mut p = Vec::new();
    parse("[Section](#transformaton)", &xrefs(), "sections[0].body", &mut p);
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].path, "sections[0].body");
    assert_eq!(p[0].help.as_deref(), Some("did you mean `#transformation`?"));
}

#[test]
fn html_and_template_code_stay_literal() {
    let mut p = Vec::new();
    let b = parse("Hello <script>alert(1)</script> {{x}} <b>bold</b>", &xrefs(), "x", &mut p);
    assert_eq!(text_of(&b), "Hello <script>alert(1)</script> {{x}} <b>bold</b>");
}

#[test]
fn nested_lists_and_emphasis() {
    let mut p = Vec::new();
    let b = parse("Intro:\n\n- one\n  - one a\n- **two** *it*\n", &xrefs(), "x", &mut p);
    assert_eq!(b.len(), 2);
    let Block::List(l) = &b[1] else { panic!("expected a list: {b:?}") };
    assert!(!l.ordered);
    assert_eq!(l.items.len(), 2);
    assert!(matches!(l.items[0][1], Block::List(_)), "nested list kept: {:?}", l.items[0]);
    let Block::Paragraph(para) = &l.items[1][0] else { panic!() };
    assert!(matches!(para.content[0], Inline::Strong { .. }));
}

/// A folder holding `map.png` (a 4 × 2 PNG), and its pictures source.
fn with_map() -> (tempfile::TempDir, Xrefs) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut png = Vec::new();
    {
        let mut e = png::Encoder::new(&mut png, 4, 2);
        e.set_color(png::ColorType::Grayscale);
        let mut w = e.write_header().expect("header");
        w.write_image_data(&[0; 8]).expect("data");
    }
    std::fs::write(dir.path().join("map.png"), png).expect("write");
    let scope = crate::input::file::Scope::new(dir.path(), Default::default());
    let pictures = Pictures { dir: dir.path().to_path_buf(), scope };
    (dir, Xrefs { pictures: Some(pictures), ..xrefs() })
}

#[test]
fn a_picture_splits_its_paragraph_and_carries_alt_text_and_caption() {
    let (_dir, x) = with_map();
    let mut p = Vec::new();
    let b = parse("See ![A map of  the wards](map.png \"The wards\") here.", &x, "summary", &mut p);
    assert!(p.is_empty(), "{p:?}");
    assert_eq!(b.len(), 3, "{b:?}");
    let Block::Paragraph(before) = &b[0] else { panic!("{b:?}") };
    assert_eq!(crate::tree::plain_text(&before.content), "See");
    let Block::Picture(pic) = &b[1] else { panic!("{b:?}") };
    assert_eq!((pic.alt.as_str(), pic.caption.as_deref()), ("A map of the wards", Some("The wards")));
    assert_eq!((pic.image.width, pic.image.height, pic.source.as_str()), (4, 2, "map.png"));
    let Block::Paragraph(after) = &b[2] else { panic!("{b:?}") };
    assert_eq!(crate::tree::plain_text(&after.content), "here.");
    // Alone in its paragraph, and in a list item: the picture alone.
    let b = parse("![Map](map.png)\n\n- ![Map](map.png)", &x, "summary", &mut p);
    assert!(
        matches!(&b[..], [Block::Picture(_), Block::List(l)] if matches!(&l.items[0][..], [Block::Picture(_)])),
        "{b:?}"
    );
    assert!(p.is_empty(), "{p:?}");
}

#[test]
fn a_picture_with_no_alt_text_is_kept_with_a_warning() {
    let (_dir, x) = with_map();
    let mut p = Vec::new();
    let b = parse("![](map.png)", &x, "summary", &mut p);
    assert!(matches!(&b[..], [Block::Picture(pic)] if pic.alt.is_empty()), "{b:?}");
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].severity, crate::diag::Severity::Warning);
    assert!(p[0].message.contains("has no alt text"), "{}", p[0].message);
    assert_eq!(p[0].needle.as_deref(), Some("map.png"));
}

#[test]
fn a_missing_or_escaping_picture_is_an_error_at_its_name() {
    let (_dir, x) = with_map();
    for (md, message) in [
        ("![Plan](plan.png)", "cannot read the picture `plan.png`: No such file or directory"),
        (
            "![Plan](https://example.org/plan.png)",
            "the picture `https://example.org/plan.png` is an address, not a file",
        ),
        (
            "![Plan](data:image/png;base64,iVBORw0KGgo=)",
            "the picture `data:image/png;base64,iVBORw0KGgo=` is an address, not a file",
        ),
        ("![Plan](../../../../../../etc/passwd)", "the picture `../../../../../../etc/passwd` is outside the folder"),
    ] {
        let mut p = Vec::new();
        let b = parse(md, &x, "summary", &mut p);
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].severity, crate::diag::Severity::Error);
        assert!(p[0].message.starts_with(message), "{}", p[0].message);
        // The alt text stands in, so nothing typed is lost from the error's context.
        assert_eq!(crate::tree::plain_text(&[Inline::text(plain_of_blocks(&b))]), "Plan");
    }
    // Where no folder is known, a picture is an error too.
    let mut p = Vec::new();
    parse("![Map](map.png)", &xrefs(), "summary", &mut p);
    assert!(p[0].severity == crate::diag::Severity::Error && p[0].message.contains("cannot be read here"), "{p:?}");
}

#[test]
fn a_picture_where_no_block_can_stand_prints_its_alt_text_with_a_warning() {
    let (_dir, x) = with_map();
    for md in ["**bold ![Map](map.png)**", "### A ![Map](map.png)", "| A |\n|---|\n| ![Map](map.png) |"] {
        let mut p = Vec::new();
        let b = parse(md, &x, "summary", &mut p);
        assert!(format!("{b:?}").contains("Map"), "{md}: {b:?}");
        assert_eq!(p.len(), 1, "{md}: {p:?}");
        assert!(p[0].message.contains("is not shown: its alt text is printed"), "{}", p[0].message);
    }
    let mut p = Vec::new();
    let inl = parse_inline("Agree ![Map](map.png)", &x, "recommendations[0]", &mut p);
    assert_eq!(crate::tree::plain_text(&inl), "Agree Map", "{inl:?}");
    assert!(p[0].message.contains("this text is one paragraph"), "{p:?}");
}

#[test]
fn a_footnote_in_a_table_header_is_printed_as_typed_with_a_warning() {
    let mut p = Vec::new();
    let b = parse("| Spend[^n] | B |\n|---|---|\n| 1 | 2 |\n\n[^n]: In £000.", &xrefs(), "x", &mut p);
    let Block::Table(t) = &b[0] else { panic!("{b:?}") };
    assert_eq!(t.columns[0].header, "Spend[^n]");
    let warned: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
    assert!(
        warned.iter().any(|m| m.starts_with("the footnote `[^n]` in a table's header row is not supported")),
        "{warned:?}"
    );
}

#[test]
fn dangerous_links_become_their_text_with_a_warning() {
    for md in [
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](&#106;avascript:alert(1))",
        "[click](<java\tscript:x>)",
        "[click](data:text/html,x)",
    ] {
        let mut p = Vec::new();
        let b = parse(md, &xrefs(), "summary", &mut p);
        let Block::Paragraph(para) = &b[0] else { panic!("{b:?}") };
        assert_eq!(para.content, vec![Inline::text("click")], "{md}");
        assert_eq!(p.len(), 1, "{md}: {p:?}");
        assert_eq!(p[0].severity, crate::diag::Severity::Warning);
        assert!(p[0].message.contains("is not kept"), "{}", p[0].message);
    }
    let mut p = Vec::new();
    let b = parse("[site](https://example.gov.uk)", &xrefs(), "summary", &mut p);
    assert!(p.is_empty());
    let Block::Paragraph(para) = &b[0] else { panic!("{b:?}") };
    assert!(matches!(&para.content[0], Inline::Link { url, .. } if url == "https://example.gov.uk"));
}

#[test]
fn pipe_tables_become_tables() {
    let mut p = Vec::new();
    let b = parse("| A | B |\n|---|--:|\n| x | 1 |\n", &xrefs(), "x", &mut p);
    let Block::Table(t) = &b[0] else { panic!("{b:?}") };
    assert_eq!(t.columns[0].header, "A");
    assert_eq!(t.columns[1].align, Align::Right);
    assert_eq!(t.rows.len(), 1);
}
fn warnings(p: &[Problem]) -> Vec<String> {
    p.iter().filter(|p| p.severity == crate::diag::Severity::Warning).map(|p| p.message.clone()).collect()
}

#[test]
fn block_quotes_are_kept_as_quotes_or_callouts() {
    let mut p = Vec::new();
    let b = parse("> Quoted\n> passage.\n\nAfter.", &xrefs(), "x", &mut p);
    assert!(p.is_empty(), "{p:?}");
    let Block::Quote(q) = &b[0] else { panic!("a quote: {b:?}") };
    assert!(!q.callout);
    assert_eq!(text_of(&q.blocks), "Quoted passage.");
    let x = Xrefs { layout: Layout { callout_quotes: true, ..Layout::default() }, ..xrefs() };
    let b = parse("> Boxed.", &x, "x", &mut p);
    assert!(matches!(&b[0], Block::Quote(q) if q.callout), "{b:?}");
}

#[test]
fn footnotes_carry_their_text_to_the_reference() {
    let mut p = Vec::new();
    let b = parse("Offers[^a] were made.\n\n[^a]: Five of them.", &xrefs(), "x", &mut p);
    assert!(p.is_empty(), "{p:?}");
    let Block::Paragraph(para) = &b[0] else { panic!("{b:?}") };
    assert_eq!(para.content[1], Inline::Footnote { content: vec![Inline::text("Five of them.")] });
    assert_eq!(b.len(), 1, "the definition is no block of its own: {b:?}");
}

#[test]
fn an_undefined_or_unused_footnote_is_a_located_warning() {
    let mut p = Vec::new();
    let b = parse("See[^gone].\n\n[^spare]: Never used.", &xrefs(), "x", &mut p);
    assert_eq!(text_of(&b), "See[^gone].");
    let w = warnings(&p);
    assert!(w.iter().any(|m| m.contains("`[^gone]` has no text")), "{w:?}");
    assert!(w.iter().any(|m| m.contains("`[^spare]` is defined but never referred to")), "{w:?}");
    assert!(p.iter().any(|p| p.needle.as_deref() == Some("[^gone]")), "located at the reference");
}

#[test]
fn strikethrough_is_kept() {
    let mut p = Vec::new();
    let b = parse("Was ~~£1m~~ now.", &xrefs(), "x", &mut p);
    let Block::Paragraph(para) = &b[0] else { panic!("{b:?}") };
    assert_eq!(para.content[1], Inline::Strike { content: vec![Inline::text("£1m")] });
}

#[test]
fn headings_go_down_to_the_template_depth_without_skipping() {
    let level = |b: &Block| match b {
        Block::Heading(h) => h.level,
        other => panic!("a heading: {other:?}"),
    };
    let mut p = Vec::new();
    let b = parse("# A\n\n### B\n\n#### C\n\n##### D", &xrefs(), "x", &mut p);
    assert_eq!(b.iter().map(level).collect::<Vec<_>>(), vec![3, 3, 4, 4]);
    assert_eq!(warnings(&p).len(), 1, "{p:?}");
    assert!(warnings(&p)[0].contains("a level-5 heading (`#####`)"), "{p:?}");
    let mut p = Vec::new();
    let b = parse("#### First", &xrefs(), "x", &mut p);
    assert_eq!(level(&b[0]), 3, "no level skipped under the field's heading");
    assert!(warnings(&p)[0].contains("with no level-3 heading before it"), "{p:?}");
}

#[test]
fn raw_html_and_rules_are_named_in_warnings() {
    let mut p = Vec::new();
    let b = parse("One <i>two</i>\n\n---\n\nThree", &xrefs(), "x", &mut p);
    assert_eq!(text_of(&b), "One <i>two</i> Three");
    let w = warnings(&p);
    assert!(w.iter().any(|m| m.starts_with("raw HTML `<i>`")), "{w:?}");
    assert!(w.iter().any(|m| m.starts_with("a horizontal rule")), "{w:?}");
}

#[test]
fn a_table_in_a_recommendation_is_printed_row_by_row_with_a_located_warning() {
    let mut p = Vec::new();
    let md = "Approve the tax base:\n\n| Area | Band D |\n|---|---|\n| Yarm | 71,482.6 |\n| Billingham | 11,234.5 |";
    let inl = parse_inline(md, &xrefs(), "recommendations.items[0]", &mut p);
    let text = crate::tree::plain_text(&inl);
    for want in ["Approve the tax base:", "Area: Yarm; Band D: 71,482.6", "Area: Billingham; Band D: 11,234.5"] {
        assert!(text.contains(want), "{want} in {text:?}");
    }
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.starts_with("the table is not shown as a table"), "{p:?}");
    assert_eq!(p[0].needle.as_deref(), Some("| Area | Band D |"));
}

#[test]
fn a_list_in_a_recommendation_keeps_its_items_and_their_bold_with_a_located_warning() {
    let mut p = Vec::new();
    let inl = parse_inline("Agree:\n\n1. the **budget**\n2. the [plan](https://example.org/p)", &xrefs(), "r", &mut p);
    let text = crate::tree::plain_text(&inl);
    assert!(text.contains("1. the budget") && text.contains("2. the plan"), "{text:?}");
    assert!(format!("{inl:?}").contains("Strong") && format!("{inl:?}").contains("https://example.org/p"), "{inl:?}");
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].message.starts_with("the list is printed as lines"), "{p:?}");
    assert_eq!(p[0].needle.as_deref(), Some("1. the **budget**"));
}
