//! Figures, the footer pattern and odd input: escaped, deterministic, never a panic.

use super::*;

#[test]
fn figure_descriptions_are_escaped_and_images_deterministic() {
    let mut doc = sample();
    let tricky = "Spend \"rises\" <sharply> & then\nfalls \u{1}'back'.";
    for b in &mut doc.blocks {
        if let Block::Figure(f) = b {
            f.alt = format!("{tricky} {}", f.alt);
            f.caption = format!("{} <&>", f.caption);
        }
    }
    let bytes = render(&doc).expect("renders");
    let parts = unzip(&bytes);
    parse_all(&parts);
    let document = part(&parts, "word/document.xml");
    assert!(
        document.contains(
            r#"descr="Spend &quot;rises&quot; &lt;sharply&gt; &amp; then falls &#39;back&#39;. Risk matrix:"#
        ),
        "{document}"
    );
    let imgs = images(&parts);
    assert_eq!(imgs.len(), 2);
    assert!(
        imgs[0].descr.starts_with("Spend \"rises\" <sharply> & then falls 'back'. Risk matrix:"),
        "{}",
        imgs[0].descr
    );
    assert_eq!(imgs[1].title.as_deref(), Some("Figure 2: Spend by year <&>"));
    // Two media parts, one per figure, named by our own counter.
    let media: Vec<&String> = parts.keys().filter(|n| n.starts_with("word/media/")).collect();
    assert_eq!(media, ["word/media/rIdImage1.png", "word/media/rIdImage2.png"]);
    // The same document gives the same package, images included (docx-rs would number them
    // from a process-wide counter).
    assert_eq!(render(&doc).expect("renders again"), bytes);
}

#[test]
fn footer_pattern_splits_on_placeholders() {
    use crate::render::docx::{footer_parts, FooterPart::*};
    assert_eq!(footer_parts("Page {page} of {pages}"), [Text("Page ".into()), Page, Text(" of ".into()), Pages]);
    assert_eq!(footer_parts("{pages}{page}{"), [Pages, Page, Text("{".into())]);
    assert!(footer_parts("").is_empty());
}

#[test]
fn odd_input_never_panics() {
    let mut doc = sample();
    doc.style = HouseStyle {
        font: "A&B \"Sans\"\u{1}".into(),
        body_size: f32::NAN,
        title_size: -3.0,
        heading_size: 1e9,
        subheading_size: 0.0,
        line_spacing: f32::INFINITY,
        heading_colour: "not a colour".into(),
        table_header_fill: "".into(),
        table_header_text: "#12".into(),
        page_width_mm: f32::NAN,
        page_height_mm: -1.0,
        margin_mm: 1e6,
        title_centred: false,
        heading_font: None,
        margins_mm: None,
        logo: None,
    };
    doc.meta = Meta {
        title: "\u{0}<x>".into(),
        author: "".into(),
        subject: "&".into(),
        lang: "\"".into(),
        date: time::Date::MIN,
        keywords: Vec::new(),
    };
    doc.furniture = Furniture { header: Some("\u{c}".into()), footer: "{page".into() };
    let deep = (0..20)
        .fold(vec![body("leaf")], |inner, _| vec![Block::List(List { ordered: true, start: 0, items: vec![inner] })]);
    doc.blocks.extend([
        Block::Heading(Heading {
            level: 0,
            number: Some("\u{b}".into()),
            text: "".into(),
            anchor: Some("1 2".into()),
            caps: false,
        }),
        Block::Heading(Heading { level: 9, number: None, text: "x\ny".into(), anchor: Some("".into()), caps: true }),
        Block::Table(Table { caption: None, anchor: None, columns: vec![], rows: vec![], spans: Vec::new() }),
        Block::Table(Table {
            caption: Some("".into()),
            anchor: None,
            columns: vec![Column { header: "a".into(), align: Align::Right, width: f32::NAN, full: None }],
            rows: vec![
                Row { cells: vec![], total: true },
                Row {
                    cells: vec![
                        cell("1"),
                        cell("2"),
                        vec![
                            Block::PageBreak,
                            Block::Table(Table {
                                caption: Some("nested".into()),
                                anchor: None,
                                columns: vec![Column {
                                    header: "n".into(),
                                    align: Align::Left,
                                    width: 0.0,
                                    full: None,
                                }],
                                rows: vec![Row {
                                    cells: vec![vec![Block::List(List {
                                        ordered: false,
                                        start: 1,
                                        items: vec![vec![], vec![body("x")]],
                                    })]],
                                    total: false,
                                }],
                                spans: Vec::new(),
                            }),
                        ],
                    ],
                    total: false,
                },
            ],
            spans: Vec::new(),
        }),
        Block::List(List { ordered: false, start: 1, items: vec![deep] }),
        Block::List(List {
            ordered: true,
            start: u32::MAX,
            items: vec![
                vec![Block::PageBreak],
                vec![Block::Heading(Heading { level: 3, number: None, text: "h".into(), anchor: None, caps: false })],
            ],
        }),
        Block::Figure(Figure {
            palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
            caption: "".into(),
            alt: "".into(),
            chart: Chart::RiskMatrix {
                points: vec![RiskPoint { number: 9, likelihood: 0, impact: 7 }],
                bands: vec![vec![]],
            },
        }),
        Block::Figure(Figure {
            palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
            caption: "s".into(),
            alt: "a".into(),
            chart: Chart::Series {
                style: SeriesStyle::Line,
                categories: vec![],
                series: vec![Series { name: "\u{7f}".into(), values: vec![f64::NAN, -0.0, 1e300] }],
                unit: "".into(),
            },
        }),
        Block::Paragraph(Paragraph {
            style: ParagraphStyle::Body,
            content: vec![
                Inline::Link { url: "".into(), content: vec![] },
                Inline::Link {
                    url: "\"><script>".into(),
                    content: vec![Inline::Link { url: "https://x".into(), content: vec![Inline::text("in")] }],
                },
                Inline::Emph { content: vec![] },
            ],
        }),
        Block::PageBreak,
    ]);
    let bytes = render(&doc).expect("renders");
    let parts = unzip(&bytes);
    parse_all(&parts);
    // Odd figures are still drawn, and their images still carry a (here empty) description.
    assert_eq!(images(&parts).len(), 4);
    let core = part(&parts, "docProps/core.xml");
    assert!(!core.contains("created"), "a date W3CDTF cannot write must not produce a timestamp");
    let empty = Document { blocks: vec![], ..doc };
    let parts = unzip(&render(&empty).expect("renders an empty document"));
    assert!(part(&parts, "word/document.xml").contains("<w:p "));
}
