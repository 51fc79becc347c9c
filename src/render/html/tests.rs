//! Unit tests of the HTML writer on small hand-made documents.

use super::*;
use crate::render::colour::{contrast, parse_colour};
use crate::tree::{BandCell, Chart, Column, Furniture, HouseStyle, Meta, RiskPoint, Row, Series, SeriesStyle};

fn style() -> HouseStyle {
    crate::render::test_support::house_style()
}

fn doc(blocks: Vec<Block>) -> Document {
    Document {
        template: None,
        meta: Meta {
            title: "A <b>Report</b> & \"more\"".into(),
            author: "Example Borough Council".into(),
            subject: "Report to Cabinet, 18 January 2024".into(),
            lang: "en-GB".into(),
            date: time::macros::date!(2024 - 01 - 18),
            keywords: Vec::new(),
        },
        style: style(),
        furniture: Furniture { header: None, footer: "Page {page} of {pages}".into() },
        blocks,
    }
}

fn html(d: &Document) -> String {
    String::from_utf8(render(d).expect("renders")).expect("utf-8")
}

fn para(s: &str) -> Block {
    Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, s))
}

fn cell(s: &str) -> Vec<Block> {
    vec![para(s)]
}

fn heading(level: u8, number: Option<&str>, text: &str, anchor: Option<&str>) -> Block {
    Block::Heading(Heading {
        level,
        number: number.map(Into::into),
        text: text.into(),
        anchor: anchor.map(Into::into),
        caps: false,
    })
}

/// The built-in template's bands, as the assembler makes them.
fn bands() -> Vec<Vec<BandCell>> {
    crate::document::assemble::risk_matrix_bands(&crate::template::Template::builtin().expect("built-in template"))
}

fn matrix_figure() -> Figure {
    Figure {
        palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
        caption: "Risk matrix".into(),
        alt: "Risk matrix plotting 2 risks: risk 1 <likelihood 3>, \"impact\" 5 & more".into(),
        chart: Chart::RiskMatrix {
            points: vec![
                RiskPoint { number: 1, likelihood: 3, impact: 5 },
                RiskPoint { number: 2, likelihood: 3, impact: 5 },
                RiskPoint { number: 3, likelihood: 1, impact: 1 },
            ],
            bands: bands(),
        },
    }
}

fn series_figure(style: SeriesStyle) -> Figure {
    Figure {
        palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
        caption: "Budget".into(),
        alt: "Chart of the budget".into(),
        chart: Chart::Series {
            style,
            categories: vec!["2024/25".into(), "2025/26".into(), "2026/27".into()],
            series: vec![
                Series { name: "Phase 1 <reviews>".into(), values: vec![1500.0, 3500.0, 4000.0] },
                Series { name: "Phase 2".into(), values: vec![-200.0, 1200.0, 2500.0] },
                Series { name: "Total".into(), values: vec![1300.0, 4700.0, 6500.0] },
            ],
            unit: "£000".into(),
        },
    }
}

#[test]
fn page_skeleton_and_metadata() {
    let h = html(&doc(vec![heading(1, None, "Title", Some("title"))]));
    assert!(h.starts_with("<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">"), "{h}");
    assert!(h.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"));
    assert!(h.contains("<title>A &lt;b&gt;Report&lt;/b&gt; &amp; \"more\"</title>"), "{h}");
    assert!(h.contains("<meta name=\"author\" content=\"Example Borough Council\">"));
    assert!(h.contains("<meta name=\"description\" content=\"Report to Cabinet, 18 January 2024\">"));
    // The skip link is the first thing in the body, aimed at main.
    let body = &h[h.find("<body>").unwrap()..];
    assert!(body.starts_with("<body>\n<a class=\"skip-link\" href=\"#content\">Skip to content</a>"), "{body}");
    assert!(h.contains("<main id=\"content\" tabindex=\"-1\">"));
    assert!(h.contains("<h1 id=\"title\">Title</h1>"));
    assert!(!h.contains("running-header\">"), "no running header unless set");
    assert!(!h.to_ascii_lowercase().contains("<script"));
}

#[test]
fn running_header_and_print_furniture() {
    let mut d = doc(vec![para("x")]);
    d.furniture.header = Some("NOT FOR PUBLICATION".into());
    let h = html(&d);
    assert!(h.contains("<header class=\"running-header\">\n<p>NOT FOR PUBLICATION</p>\n</header>\n<main"), "{h}");
    assert!(h.contains("@top-center { content: \"NOT FOR PUBLICATION\""), "{h}");
    assert!(h.contains("@bottom-center { content: \"Page \" counter(page) \" of \" counter(pages);"), "{h}");
    assert!(h.contains("size: 210mm 297mm;") && h.contains("margin: 25mm;"));
    assert!(h.contains("thead { display: table-header-group; }"));
    assert!(h.contains(".skip-link, .running-header { display: none; }"));
}

#[test]
fn author_text_is_escaped_and_control_characters_dropped() {
    let d = doc(vec![
        para("<script>alert(1)</script> & \u{0}\u{7}\u{1b}[0m\u{85}ok\ttab"),
        Block::Heading(Heading {
            level: 2,
            number: Some("1.".into()),
            text: "<img src=x onerror=alert(1)>".into(),
            anchor: Some("a\"b><script>".into()),
            caps: false,
        }),
    ]);
    let h = html(&d);
    assert!(h.contains("<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; [0mok\ttab</p>"), "{h}");
    assert!(h.contains("<h2 id=\"a&quot;b&gt;&lt;script&gt;\"><span class=\"secnum\">1.</span> &lt;img src=x onerror=alert(1)&gt;</h2>"), "{h}");
    assert!(!h.contains("<script"));
    assert!(!h.contains("<img"));
    assert!(!h.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
}

#[test]
fn inline_formatting_and_links() {
    let p = Block::Paragraph(Paragraph {
        style: ParagraphStyle::Contact,
        content: vec![
            Inline::strong("Email Address: "),
            Inline::Link { url: "mailto:a.b@example.gov.uk".into(), content: vec![Inline::text("a.b@example.gov.uk")] },
            Inline::LineBreak,
            Inline::Emph { content: vec![Inline::text("it")] },
            Inline::Link { url: " JaVa\tScRipt:alert(1)".into(), content: vec![Inline::text("bad")] },
            Inline::Link { url: "data:text/html,<script>".into(), content: vec![Inline::text("data")] },
            Inline::Link { url: "https://example.org/?a=1&b=\"2\"".into(), content: vec![] },
            Inline::Link { url: "#summary".into(), content: vec![Inline::text("Summary")] },
        ],
    });
    let h = html(&doc(vec![p]));
    assert!(h.contains(
        "<p class=\"contact\"><strong>Email Address: </strong><a href=\"mailto:a.b@example.gov.uk\">a.b@example.gov.uk</a><br><em>it</em>baddata<a href=\"https://example.org/?a=1&amp;b=&quot;2&quot;\">https://example.org/?a=1&amp;b=\"2\"</a><a href=\"#summary\">Summary</a></p>"
    ), "{h}");
    assert!(!h.to_ascii_lowercase().contains("javascript"));
    assert!(!h.contains("data:text"));
}

#[test]
fn paragraph_styles_become_classes() {
    let styles = [
        (ParagraphStyle::HeaderLine, "header-line"),
        (ParagraphStyle::Banner, "banner"),
        (ParagraphStyle::Aim, "aim"),
        (ParagraphStyle::Status, "status"),
        (ParagraphStyle::Contact, "contact"),
        (ParagraphStyle::Note, "note"),
    ];
    let blocks = styles.iter().map(|(s, _)| Block::Paragraph(Paragraph::plain(*s, "x"))).collect();
    let h = html(&doc(blocks));
    for (_, class) in styles {
        assert!(h.contains(&format!("<p class=\"{class}\">x</p>")), "{class}");
    }
}

#[test]
fn headings_numbers_and_unique_ids() {
    let h = html(&doc(vec![
        heading(1, None, "Title", Some("title")),
        heading(2, Some("1."), "Introduction", Some("intro")),
        heading(3, None, "Detail", None),
        heading(2, Some("2."), "Again", Some("intro")),
        heading(2, None, "Main", Some("content")),
    ]));
    assert!(h.contains("<h2 id=\"intro\"><span class=\"secnum\">1.</span> Introduction</h2>"), "{h}");
    assert!(h.contains("<h3>Detail</h3>"));
    assert!(h.contains("<h2 id=\"intro-2\">"), "duplicate anchors get a suffix");
    assert!(h.contains("<h2 id=\"content-2\">"), "`content` is the main element's");
}

#[test]
fn lists_ordered_with_start_and_nested() {
    let nested = Block::List(List { ordered: false, start: 1, items: vec![cell("inner")] });
    let h = html(&doc(vec![
        Block::List(List { ordered: true, start: 1, items: vec![cell("one"), vec![para("two"), nested]] }),
        Block::List(List { ordered: true, start: 4, items: vec![cell("four")] }),
    ]));
    assert!(h.contains("<ol>\n<li>one</li>\n<li>\n<p>two</p>\n<ul>\n<li>inner</li>\n</ul>\n</li>\n</ol>"), "{h}");
    assert!(h.contains("<ol start=\"4\">\n<li>four</li>"));
}

fn money_table() -> Table {
    Table {
        caption: Some("Budget gap".into()),
        anchor: Some("budget".into()),
        columns: vec![
            Column { header: "".into(), align: Align::Left, width: 3.0, full: None },
            Column { header: "2024/25 (£000)".into(), align: Align::Right, width: 1.0, full: None },
        ],
        rows: vec![
            Row { cells: vec![cell("Phase 1 reviews"), cell("1,500")], total: false },
            Row { cells: vec![cell("Total"), cell("1,500")], total: true },
        ],
        spans: Vec::new(),
    }
}

#[test]
fn tables_have_captions_headers_and_row_headers() {
    let h = html(&doc(vec![Block::Table(money_table())]));
    assert!(h.contains("<table id=\"budget\">\n<caption>Budget gap</caption>"), "{h}");
    assert!(h.contains("<col style=\"width: 75.0%\"><col style=\"width: 25.0%\">"));
    assert!(
        h.contains("<thead>\n<tr><td></td><th scope=\"col\" class=\"num\">2024/25 (£000)</th></tr>\n</thead>"),
        "{h}"
    );
    assert!(h.contains("<tr><th scope=\"row\">Phase 1 reviews</th><td class=\"num\">1,500</td></tr>"), "{h}");
    assert!(h.contains("<tr class=\"total\"><th scope=\"row\">Total</th><td class=\"num\">1,500</td></tr>"), "{h}");
}

#[test]
fn risk_register_labels_rows_by_risk_and_uncaptioned_tables_get_a_hidden_caption() {
    let t = Table {
        caption: None,
        anchor: None,
        columns: vec![
            Column { header: "No.".into(), align: Align::Left, width: 0.6, full: None },
            Column { header: "Risk".into(), align: Align::Left, width: 3.0, full: None },
            Column { header: "Score".into(), align: Align::Right, width: 1.0, full: None },
        ],
        rows: vec![Row { cells: vec![cell("1"), cell("Costs rise"), cell("15")], total: false }],
        spans: Vec::new(),
    };
    let h = html(&doc(vec![Block::Table(t)]));
    assert!(h.contains("<caption class=\"visually-hidden\">Table of No., Risk and Score</caption>"), "{h}");
    assert!(h.contains("<tr><td>1</td><th scope=\"row\">Costs rise</th><td class=\"num\">15</td></tr>"), "{h}");
}

#[test]
fn numeric_first_column_is_not_a_row_header() {
    let t = Table {
        caption: Some("Numbers".into()),
        anchor: None,
        columns: vec![
            Column { header: "A".into(), align: Align::Right, width: 1.0, full: None },
            Column { header: "B".into(), align: Align::Right, width: 1.0, full: None },
        ],
        rows: vec![Row { cells: vec![cell("1"), cell("2")], total: false }],
        spans: Vec::new(),
    };
    let h = html(&doc(vec![Block::Table(t)]));
    assert!(!h.contains("scope=\"row\""), "{h}");
}

#[test]
fn figures_are_named_svg_with_captions() {
    let d = doc(vec![
        Block::Figure(matrix_figure()),
        Block::Figure(series_figure(SeriesStyle::Bar)),
        Block::Figure(series_figure(SeriesStyle::Line)),
    ]);
    let h = html(&d);
    assert_eq!(h.matches("<figure>\n<figcaption>").count(), 3, "{h}");
    assert_eq!(h.matches("role=\"img\"").count(), 3);
    let alt = "Risk matrix plotting 2 risks: risk 1 &lt;likelihood 3&gt;, &quot;impact&quot; 5 &amp; more";
    assert!(h.contains(&format!("aria-label=\"{alt}\">\n<title>Risk matrix plotting 2 risks: risk 1 &lt;likelihood 3&gt;, \"impact\" 5 &amp; more</title>")), "{h}");
    // Band names are printed in the cells; risks are numbered circles (two share a cell).
    for label in ["Low", "Medium", "High", "Very high"] {
        assert!(
            h.contains(&format!(">\n{label}\n</text>")) || h.contains(&format!(">{label}</text>")),
            "band label {label}"
        );
    }
    assert!(h.matches("<circle").count() >= 6);
    // Series text is escaped in the SVG too.
    assert!(h.contains("Phase 1 &lt;reviews&gt;"));
    assert!(!h.contains("<reviews>"));
    assert!(h.contains("2024/25") && h.contains("£000"));
}

#[test]
fn output_is_deterministic() {
    let d = doc(vec![
        Block::Figure(matrix_figure()),
        Block::Table(money_table()),
        Block::Figure(series_figure(SeriesStyle::Bar)),
    ]);
    assert_eq!(render(&d).unwrap(), render(&d).unwrap());
}

#[test]
fn poor_house_colours_are_replaced_by_readable_ones() {
    let mut d = doc(vec![para("x")]);
    d.style.heading_colour = "#ffff00".into();
    d.style.table_header_fill = "#ffcc00".into();
    d.style.table_header_text = "#ffffff".into();
    d.style.font = "Evil\"; } body { display: none } </style><script>".into();
    let h = html(&d);
    assert!(h.contains("h1, h2, h3, h4, h5, h6 { color: #0b0c0c;"), "{h}");
    assert!(h.contains("thead th, thead td { background: #ffcc00; color: #000000;"), "{h}");
    assert!(!h.contains("</style><script>"));
    assert_eq!(h.matches("</style>").count(), 1);
    assert!(!h.contains("display: none } "));
}

#[test]
fn chart_colours_have_enough_contrast() {
    // Text in the charts: ink on white tabs/background, white on the risk markers.
    let ink = (0x0b, 0x0c, 0x0c);
    let white = (255, 255, 255);
    assert!(contrast(ink, white) >= 4.5);
    assert!(contrast(white, (0x1f, 0x38, 0x64)) >= 4.5);
    // Every band fill of the default template would carry ink text at AA too.
    for fill in ["#d9ead3", "#fff2cc", "#f9cb9c", "#ea9999"] {
        assert!(contrast(ink, parse_colour(fill).unwrap()) >= 4.5, "{fill}");
    }
}

#[test]
fn bad_language_tag_falls_back() {
    let mut d = doc(vec![]);
    d.meta.lang = "en\"><script>".into();
    assert!(html(&d).contains("<html lang=\"en\">"));
}
