//! Tests of the DOCX writer: the package is unzipped and its XML checked with roxmltree.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::sync::OnceLock;

use crate::render::figure_png::Rasteriser;
use crate::render::RenderError;
use crate::tree::*;

mod columns;
mod report;
mod robustness;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const WP: &str = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing";
const A: &str = "http://schemas.openxmlformats.org/drawingml/2006/main";
const PIC: &str = "http://schemas.openxmlformats.org/drawingml/2006/picture";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The rasteriser over the built-in template's fonts, as the pipeline builds it.
fn figures() -> &'static Rasteriser {
    static FIGURES: OnceLock<Rasteriser> = OnceLock::new();
    FIGURES.get_or_init(|| Rasteriser::new(&crate::template::Template::builtin().expect("built-in template").fonts))
}

fn words() -> &'static crate::render::columns::WordMeasure<'static> {
    static FONTS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    static WORDS: OnceLock<crate::render::columns::WordMeasure<'static>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let fonts = FONTS.get_or_init(|| crate::template::Template::builtin().expect("built-in template").fonts);
        crate::render::columns::WordMeasure::new(fonts.iter().map(Vec::as_slice), "Liberation Sans")
            .expect("the house font")
    })
}

fn render(doc: &Document) -> Result<Vec<u8>, RenderError> {
    super::render(doc, figures(), Some(words()))
}

fn style() -> HouseStyle {
    HouseStyle {
        font: "Liberation Sans".into(),
        body_size: 12.0,
        title_size: 16.0,
        heading_size: 14.0,
        subheading_size: 12.0,
        line_spacing: 1.15,
        heading_colour: "#1f3864".into(),
        table_header_fill: "#1f3864".into(),
        table_header_text: "#ffffff".into(),
        page_width_mm: 210.0,
        page_height_mm: 297.0,
        margin_mm: 25.0,
        title_centred: false,
        heading_font: None,
        margins_mm: None,
        logo: None,
    }
}

fn heading(level: u8, number: Option<&str>, text: &str, caps: bool) -> Block {
    Block::Heading(Heading {
        level,
        number: number.map(Into::into),
        text: text.into(),
        anchor: number.map(|n| format!("sec-{}", n.trim_end_matches('.'))),
        caps,
    })
}

fn para(style: ParagraphStyle, s: &str) -> Block {
    Block::Paragraph(Paragraph::plain(style, s))
}

fn body(s: &str) -> Block {
    para(ParagraphStyle::Body, s)
}

fn cell(s: &str) -> Vec<Block> {
    vec![body(s)]
}

/// A small report exercising every feature.
fn sample() -> Document {
    let bullets = Block::List(List {
        ordered: false,
        start: 1,
        items: vec![
            vec![body("Roads resurfaced")],
            vec![
                body("Schools"),
                Block::List(List {
                    ordered: false,
                    start: 1,
                    items: vec![vec![body("Two new classrooms")], vec![body("A new roof")]],
                }),
            ],
        ],
    });
    let recommendations = Block::List(List {
        ordered: true,
        start: 1,
        items: vec![vec![body("Approve the programme.")], vec![body("Delegate authority to the Director.")]],
    });
    let continued = Block::List(List { ordered: true, start: 3, items: vec![vec![body("Note the risks.")]] });
    let money = Block::Table(Table {
        caption: Some("Table 1: Capital programme".into()),
        anchor: Some("table-1".into()),
        columns: vec![
            Column { header: "Scheme".into(), align: Align::Left, width: 3.0, full: None },
            Column { header: "Cost (£000)".into(), align: Align::Right, width: 1.0, full: None },
        ],
        rows: vec![
            Row { cells: vec![cell("Bridge"), cell("1,200")], total: false },
            Row { cells: vec![cell("Roads"), cell("800")], total: false },
            Row { cells: vec![cell("Total"), cell("2,000")], total: true },
        ],
        spans: Vec::new(),
    });
    let bands =
        crate::document::assemble::risk_matrix_bands(&crate::template::Template::builtin().expect("built-in template"));
    let matrix = Block::Figure(Figure {
        palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
        caption: "Figure 1: Risk matrix".into(),
        alt: "Risk matrix: risk 1 likelihood 4 impact 5 (High); risk 2 likelihood 2 impact 3 (Medium).".into(),
        chart: Chart::RiskMatrix {
            points: vec![
                RiskPoint { number: 1, likelihood: 4, impact: 5 },
                RiskPoint { number: 2, likelihood: 2, impact: 3 },
                RiskPoint { number: 3, likelihood: 2, impact: 3 },
            ],
            bands,
        },
    });
    let series = Block::Figure(Figure {
        palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
        caption: "Figure 2: Spend by year".into(),
        alt: "Spend rises from £1,000k to £1,500k.".into(),
        chart: Chart::Series {
            style: SeriesStyle::Bar,
            categories: vec!["2024/25".into(), "2025/26".into()],
            series: vec![Series { name: "Capital".into(), values: vec![1000.0, 1500.5] }],
            unit: "£000".into(),
        },
    });
    let contact = Block::Paragraph(Paragraph {
        style: ParagraphStyle::Contact,
        content: vec![
            Inline::strong("Email Address: "),
            Inline::Link {
                url: "mailto:jane.smith@example.gov.uk".into(),
                content: vec![Inline::text("jane.smith@example.gov.uk")],
            },
        ],
    });
    let tricky = Block::Paragraph(Paragraph {
        style: ParagraphStyle::Body,
        content: vec![
            Inline::text("Odd\u{000B}text {{x}} and <b> & more\nsecond line\tafter tab"),
            Inline::Strong {
                content: vec![Inline::text(" bold "), Inline::Emph { content: vec![Inline::text("bold italic")] }],
            },
            Inline::LineBreak,
            Inline::text("See "),
            Inline::Link { url: "#sec-1".into(), content: vec![Inline::text("section 1")] },
            Inline::text(" and "),
            Inline::Link { url: "https://example.gov.uk/a?b=1&c=2".into(), content: vec![Inline::text("the website")] },
        ],
    });
    Document {
        template: None,
        meta: Meta {
            title: "Powering our Future".into(),
            author: "Example Borough Council".into(),
            subject: "Report to Cabinet, 18 January 2024".into(),
            lang: "en-GB".into(),
            date: "2024-01-18".into(),
            keywords: Vec::new(),
        },
        style: style(),
        furniture: Furniture { header: Some("NOT FOR PUBLICATION".into()), footer: "Page {page} of {pages}".into() },
        blocks: vec![
            para(ParagraphStyle::Banner, "NOT FOR PUBLICATION — by virtue of paragraph 3 of Part 1 of Schedule 12A"),
            para(ParagraphStyle::HeaderLine, "AGENDA ITEM 5"),
            para(ParagraphStyle::HeaderLine, "REPORT TO CABINET"),
            heading(1, None, "Powering our Future", false),
            heading(2, None, "SUMMARY", true),
            body("This report sets out the capital programme."),
            heading(2, None, "RECOMMENDATIONS", true),
            body("Cabinet is recommended to:"),
            recommendations,
            continued,
            heading(2, Some("1."), "Introduction", false),
            body("The programme has three parts."),
            bullets,
            heading(3, None, "Mission: Net zero", false),
            para(ParagraphStyle::Aim, "Aim: a carbon-neutral borough by 2030."),
            para(ParagraphStyle::Status, "Status: On track"),
            money,
            para(ParagraphStyle::Note, "Figures are in thousands of pounds."),
            matrix,
            series,
            tricky,
            contact,
            Block::PageBreak,
            heading(2, None, "Appendix 1 – Scheme list", false),
            body("The schemes."),
        ],
    }
}

type Parts = BTreeMap<String, (zip::CompressionMethod, Vec<u8>)>;

/// The package's parts by name, with their compression methods.
fn unzip(bytes: &[u8]) -> Parts {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
    let mut parts = BTreeMap::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("an entry");
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("readable");
        parts.insert(f.name().to_owned(), (f.compression(), data));
    }
    parts
}

/// An XML part's text.
fn part<'a>(parts: &'a Parts, name: &str) -> &'a str {
    let data = &parts.get(name).unwrap_or_else(|| panic!("{name} missing")).1;
    std::str::from_utf8(data).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every XML part parses.
fn parse_all(parts: &Parts) {
    for name in parts.keys().filter(|n| n.ends_with(".xml") || n.ends_with(".rels")) {
        roxmltree::Document::parse(part(parts, name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

/// A PNG's width and height, from its header (and the whole image decodes).
fn png_size(data: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(Cursor::new(data));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a sensible size")];
    let info = reader.next_frame(&mut pixels).expect("the image decodes");
    (info.width, info.height)
}

/// Each image in document.xml: `wp:docPr` attributes (id, name, descr, title), the
/// `wp:extent` in EMU, and the media part its blip points at.
#[derive(Debug)]
struct Image {
    id: String,
    descr: String,
    title: Option<String>,
    extent: (u64, u64),
    media: String,
}

fn images(parts: &Parts) -> Vec<Image> {
    let xml = roxmltree::Document::parse(part(parts, "word/document.xml")).expect("document.xml parses");
    let rels = roxmltree::Document::parse(part(parts, "word/_rels/document.xml.rels")).expect("rels parse");
    xml.descendants()
        .filter(|n| n.has_tag_name((W, "drawing")))
        .map(|d| {
            let pr = d.descendants().find(|n| n.has_tag_name((WP, "docPr"))).expect("wp:docPr");
            let extent = d.descendants().find(|n| n.has_tag_name((WP, "extent"))).expect("wp:extent");
            let emu = |a: &str| extent.attribute(a).and_then(|v| v.parse().ok()).expect("extent in EMU");
            let blip = d.descendants().find(|n| n.has_tag_name((A, "blip"))).expect("a:blip");
            let rid = blip.attribute((R, "embed")).expect("r:embed");
            let target = rels
                .root_element()
                .children()
                .find(|r| r.attribute("Id") == Some(rid))
                .and_then(|r| r.attribute("Target"))
                .unwrap_or_else(|| panic!("relationship {rid}"));
            let pic = d.descendants().find(|n| n.has_tag_name((PIC, "cNvPr"))).expect("pic:cNvPr");
            assert_eq!(pic.attribute("descr"), pr.attribute("descr"), "pic:cNvPr carries the description too");
            Image {
                id: pr.attribute("id").unwrap_or("").to_owned(),
                descr: pr.attribute("descr").unwrap_or("").to_owned(),
                title: pr.attribute("title").map(str::to_owned),
                extent: (emu("cx"), emu("cy")),
                media: format!("word/{target}"),
            }
        })
        .collect()
}

fn w<'a, 'i>(node: roxmltree::Node<'a, 'i>, name: &str) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| c.has_tag_name((W, name)))
}

fn cells<'a, 'i>(r: roxmltree::Node<'a, 'i>) -> Vec<roxmltree::Node<'a, 'i>> {
    r.children().filter(|n| n.has_tag_name((W, "tc"))).collect()
}

fn val<'a>(node: roxmltree::Node<'a, '_>) -> Option<&'a str> {
    node.attribute((W, "val"))
}
