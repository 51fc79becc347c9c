//! The sample report typeset as tagged A4: every block kind in order, charts, no warnings.

use super::*;

#[test]
fn renders_every_block_kind_in_order_as_tagged_a4() {
    let doc = sample(MARKUP_TITLE);
    let started = Instant::now();
    let bytes = writer().render(&doc).expect("render");
    eprintln!("first render (includes the writer's setup): {:?}", started.elapsed());
    assert!(bytes.starts_with(b"%PDF-"));

    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = write_pdf(dir.path(), "sample.pdf", &bytes);

    let info = poppler("pdfinfo", &[], &pdf);
    assert_eq!(field(&info, "Tagged"), "yes", "{info}");
    assert_eq!(field(&info, "Title"), MARKUP_TITLE, "{info}");
    assert_eq!(field(&info, "Author"), "Example Borough Council");
    assert_eq!(field(&info, "Subject"), "Report to Cabinet, 18 January 2024");
    let size = field(&info, "Page size");
    let dims: Vec<f64> = size.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    assert!(
        dims.len() == 2 && (dims[0] - 595.28).abs() < 0.01 && (dims[1] - 841.89).abs() < 0.01,
        "page size is {size}"
    );
    let pages: usize = field(&info, "Pages").parse().expect("page count");
    assert!((4..=9).contains(&pages), "expected a ~6 page report, got {pages}");

    let text = poppler("pdftotext", &["-layout"], &pdf);
    let flat = squash(&text);
    // The markup-characters title, verbatim (it may wrap).
    assert!(flat.contains(MARKUP_TITLE), "title not verbatim in:\n{text}");
    assert_in_order(
        &flat,
        &[
            "NOT FOR PUBLICATION",
            "NOT FOR PUBLICATION — by virtue of paragraph 3",
            "AGENDA ITEM 7",
            "REPORT TO CABINET",
            "DATE: 18 JANUARY 2024",
            "CABINET DECISION",
            "Portfolio Title – Leader of the Council, Councillor Bob Cook",
            MARKUP_TITLE,
            "SUMMARY",
            "• Draft Mission Statement",
            "◦ Building intelligence",
            "RECOMMENDATIONS",
            "1. Agree the draft Mission Statement",
            "3. Agree in principle",
            "4. Agree the Smart Working Policy",
            "1. Introduction",
            "We will be a bold, brave and innovative Council.",
            "A second line after a line break.",
            "2. Council Missions",
            "Changing our relationship",
            "Status: On track",
            "Milestones",
            "Table 1: Milestones",
            "Milestone Due Status",
            "Residents survey closes March 2024 On track",
            "3. Transformation Powering Our Future",
            "Table 2: Phase 1 reviews",
            "Theme Project Name Scope",
            "Review 1 ",
            "Review 14 ",
            "Financial implications",
            "Table 3: Budget gap (£000)",
            "Pressures 4,200 6,100 8,300",
            "Total 2,700 4,000 5,500",
            "Figures are rounded",
            "Figure 1: Budget gap by year",
            "Figure 2: Council Tax base",
            "RISK",
            "Table 4: Risk register",
            "Savings are not achieved",
            "Figure 3: Risk matrix",
            "BACKGROUND PAPERS",
            "Name of Contact Officer: Geraldine Brown",
            "Email Address: geraldine.brown@example.gov.uk",
            "Appendix 1 – Smart Working Policy",
            "THE END",
        ],
    );
    // The footer on every page, with the final count.
    for n in 1..=pages {
        assert!(flat.contains(&format!("Page {n} of {pages}")), "no footer for page {n}");
    }
    // The running header on every page and the long table's header row repeated.
    assert_eq!(text.matches("NOT FOR PUBLICATION").count(), pages + 1, "running header on every page");
    assert!(text.matches("Project Name").count() >= 2, "the long table's header row should repeat");
    // The appendix starts a new page.
    let last_page = text.split('\u{c}').rfind(|p| !p.trim().is_empty()).expect("pages");
    assert!(last_page.contains("Appendix 1"), "appendix not on its own page:\n{last_page}");

    // The risk matrix is drawn: band labels and axis titles are on the page.
    assert!(flat.contains("Likelihood") && flat.contains("Impact") && flat.contains("Very high"));

    // Every font embedded (and subset).
    let fonts = poppler("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert!(!rows.is_empty(), "no fonts listed:\n{fonts}");
    for r in &rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "font not embedded: {r}");
        assert!(r.contains("LiberationSans"), "unexpected font: {r}");
    }
}

#[test]
fn the_sample_compiles_without_warnings() {
    // A warning would mean e.g. a glyph the shipped font lacks (a list marker) or an unknown font.
    let doc = sample("Warnings");
    let date = crate::render::pdf::midnight(doc.meta.date);
    // The view as the writer serves it: each figure with its drawing, each picture with its file.
    let job = crate::render::pdf::prepare(&doc, writer().typesetter().font_data(), &[]).expect("the view is built");
    let pictures = job.pictures.into_iter().map(typst::foundations::Bytes::new).collect();
    let world =
        crate::render::pdf::world::ReportWorld::new(writer().typesetter(), job.data, date).with_pictures(pictures);
    let warned = typst::compile::<typst_layout::PagedDocument>(&world);
    let messages: Vec<_> = warned.warnings.iter().map(|w| w.message.to_string()).collect();
    assert!(messages.is_empty(), "warnings: {messages:?}");
    assert!(warned.output.is_ok());
}

#[test]
fn odd_charts_still_render() {
    // No series, a missing (NaN → null) value, more values than categories, all zero, one point.
    let mut doc = sample("Unusual charts");
    let chart = |series: Vec<Series>, style| {
        Block::Figure(Figure {
            palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
            caption: "Odd".into(),
            alt: "An odd chart.".into(),
            chart: Chart::Series { style, categories: vec!["A".into(), "B".into()], series, unit: "£".into() },
        })
    };
    for style in [SeriesStyle::Bar, SeriesStyle::Line] {
        doc.blocks.push(chart(vec![], style));
        doc.blocks.push(chart(vec![Series { name: "S".into(), values: vec![f64::NAN, 0.25, 9.0] }], style));
        doc.blocks.push(chart(vec![Series { name: "Z".into(), values: vec![0.0, 0.0] }], style));
        doc.blocks.push(chart(vec![Series { name: "One".into(), values: vec![-3.0] }], style));
    }
    doc.blocks.push(Block::Figure(Figure {
        palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
        caption: "Empty matrix".into(),
        alt: "No risks.".into(),
        chart: Chart::RiskMatrix { points: vec![], bands: vec![] },
    }));
    let bytes = writer().render(&doc).expect("odd charts render");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_pdf(dir.path(), "odd.pdf", &bytes);
    // Every odd chart is still drawn with its caption, and the empty matrix too, in order.
    let text = poppler("pdftotext", &["-layout"], &path);
    assert_eq!(text.matches("Odd").count(), 8, "eight odd charts, each with its caption:\n{text}");
    assert_in_order(&text, &["Odd", "Empty matrix"]);
    // The missing value leaves no "NaN" or "null" in the drawing's text.
    assert!(!text.contains("NaN") && !text.contains("null"), "{text}");
}
