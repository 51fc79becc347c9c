//! Tests of the DOCX writer: the package is unzipped and its XML checked with roxmltree.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::sync::OnceLock;

use crate::render::figure_png::Rasteriser;
use crate::render::RenderError;
use crate::tree::*;

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
            Column { header: "Scheme".into(), align: Align::Left, width: 3.0 },
            Column { header: "Cost (£000)".into(), align: Align::Right, width: 1.0 },
        ],
        rows: vec![
            Row { cells: vec![cell("Bridge"), cell("1,200")], total: false },
            Row { cells: vec![cell("Roads"), cell("800")], total: false },
            Row { cells: vec![cell("Total"), cell("2,000")], total: true },
        ],
    });
    let bands =
        crate::document::assemble::risk_matrix_bands(&crate::template::Template::builtin().expect("built-in template"));
    let matrix = Block::Figure(Figure {
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
        files: Vec::new(),
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

#[test]
fn renders_a_word_native_report() {
    let doc = sample();
    let bytes = render(&doc).expect("renders");
    let parts = unzip(&bytes);

    // Every entry deflated; no directory entries.
    for (name, (method, _)) in &parts {
        assert_eq!(*method, zip::CompressionMethod::Deflated, "{name} is not deflated");
        assert!(!name.ends_with('/'), "directory entry {name}");
    }
    parse_all(&parts);

    let document = part(&parts, "word/document.xml");
    let xml = roxmltree::Document::parse(document).expect("document.xml parses");
    let body = w(xml.root_element(), "body").expect("a body");

    // Headings use the built-in styles; the number is plain text before the heading text.
    let para_text = |p: roxmltree::Node| -> String {
        p.descendants().filter(|n| n.has_tag_name((W, "t"))).filter_map(|n| n.text()).collect()
    };
    let style_of = |p: roxmltree::Node| -> Option<String> {
        w(p, "pPr").and_then(|ppr| w(ppr, "pStyle")).and_then(val).map(str::to_owned)
    };
    let paras: Vec<_> = xml.descendants().filter(|n| n.has_tag_name((W, "p"))).collect();
    let with_style = |s: &str| {
        paras.iter().filter(|p| style_of(**p).as_deref() == Some(s)).map(|p| para_text(*p)).collect::<Vec<_>>()
    };
    assert_eq!(with_style("Heading1"), ["Powering our Future"]);
    assert_eq!(with_style("Heading2"), ["SUMMARY", "RECOMMENDATIONS", "1. Introduction", "Appendix 1 – Scheme list"]);
    assert_eq!(with_style("Heading3"), ["Mission: Net zero"]);
    assert_eq!(with_style("HeaderLine"), ["AGENDA ITEM 5", "REPORT TO CABINET"]);
    assert_eq!(with_style("Caption").len(), 3);
    assert!(with_style("Aim").len() == 1 && with_style("Status").len() == 1 && with_style("Banner").len() == 1);
    // The heading carrying the anchor holds a bookmark the internal link points at.
    let bookmark = xml.descendants().find(|n| n.has_tag_name((W, "bookmarkStart"))).expect("bookmark");
    assert_eq!(bookmark.attribute((W, "name")), Some("sec_1"));
    assert!(xml.descendants().any(|n| n.has_tag_name((W, "hyperlink")) && n.attribute((W, "anchor")) == Some("sec_1")));
    // The page break became "page break before" on the appendix heading.
    let appendix = paras.iter().find(|p| para_text(**p).starts_with("Appendix")).expect("appendix");
    assert!(w(w(*appendix, "pPr").expect("pPr"), "pageBreakBefore").is_some());

    // Every table's first row is a repeating header row, and only the first.
    let tables: Vec<_> = xml.descendants().filter(|n| n.has_tag_name((W, "tbl"))).collect();
    // Only the money table: figures are images, not tables of their data.
    assert_eq!(tables.len(), 1);
    for t in &tables {
        let rows: Vec<_> = t.children().filter(|n| n.has_tag_name((W, "tr"))).collect();
        let header = |r: &roxmltree::Node| w(*r, "trPr").and_then(|p| w(p, "tblHeader")).is_some();
        assert!(header(&rows[0]), "first row is not a header");
        assert!(rows[1..].iter().all(|r| !header(r)));
        let tblpr = w(*t, "tblPr").expect("tblPr");
        assert!(w(tblpr, "tblCaption").is_some());
    }
    // Money table: grid 3:1 of the text width (210 - 2×25 mm = 9072 twips), right-aligned
    // money, bold total row.
    let money = tables[0];
    let grid: Vec<u32> = w(money, "tblGrid")
        .expect("grid")
        .children()
        .filter_map(|c| c.attribute((W, "w")))
        .map(|v| v.parse().expect("number"))
        .collect();
    assert_eq!(grid.iter().sum::<u32>(), 9072);
    assert_eq!(grid, [6804, 2268]);
    assert!(!document.contains("<w:gridCol w:w=\"6804\" w:type"));
    let rows: Vec<_> = money.children().filter(|n| n.has_tag_name((W, "tr"))).collect();
    let jc = |c: roxmltree::Node| c.descendants().find(|n| n.has_tag_name((W, "jc"))).and_then(val).map(str::to_owned);
    assert_eq!(jc(cells(rows[1])[1]).as_deref(), Some("right"));
    assert_eq!(jc(cells(rows[1])[0]), None);
    let total = rows[3];
    assert!(total
        .descendants()
        .filter(|n| n.has_tag_name((W, "r")))
        .all(|r| w(w(r, "rPr").expect("rPr"), "b").is_some()));
    // Header cells are filled.
    let shd = cells(rows[0])[0].descendants().find(|n| n.has_tag_name((W, "shd"))).expect("header fill");
    assert_eq!(shd.attribute((W, "fill")), Some("1F3864"));

    // Figures: the caption, then the chart as an image in a centred paragraph of its own,
    // described by the alt text and titled by the caption, as wide as the text (160 mm).
    use super::figure::{DPI, EMU_PER_INCH};
    let text_px = 9072 * DPI / 1440;
    let emu_per_px = u64::from(EMU_PER_INCH / DPI);
    let figures: Vec<&Figure> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Figure(f) => Some(f),
            _ => None,
        })
        .collect();
    let imgs = images(&parts);
    let drawings: Vec<_> = xml.descendants().filter(|n| n.has_tag_name((W, "drawing"))).collect();
    assert_eq!(imgs.len(), figures.len());
    for (k, (img, fig)) in imgs.iter().zip(&figures).enumerate() {
        assert_eq!(img.id, (k + 1).to_string(), "docPr ids are unique, in document order");
        assert_eq!(img.descr, fig.alt);
        assert_eq!(img.title.as_deref(), Some(fig.caption.as_str()));
        assert_eq!(img.extent.0, 5_760_720, "the text width");
        let data = &parts.get(&img.media).unwrap_or_else(|| panic!("{} missing", img.media)).1;
        assert!(img.media.starts_with("word/media/") && img.media.ends_with(".png"), "{}", img.media);
        let (pw, ph) = png_size(data);
        assert_eq!(pw, text_px);
        assert_eq!(img.extent.1, u64::from(ph) * emu_per_px, "shown at the size drawn");
        assert!((text_px / 2..text_px).contains(&ph), "a sensible height: {ph}");
        let p = drawings[k].ancestors().find(|n| n.has_tag_name((W, "p"))).expect("the image's paragraph");
        assert_eq!(style_of(p), None, "in Normal");
        assert_eq!(w(p, "pPr").and_then(|ppr| w(ppr, "jc")).and_then(val), Some("center"));
        let before = p.prev_sibling_element().expect("a caption before the image");
        assert_eq!((style_of(before).as_deref(), para_text(before)), (Some("Caption"), fig.caption.clone()));
    }
    // The risk matrix (640 × 560) keeps its aspect ratio.
    assert_eq!(png_size(&parts[&imgs[0].media].1), (text_px, (f64::from(text_px) * 560.0 / 640.0).round() as u32));
    // No alt-text note after a figure: the description carries it.
    assert!(with_style("Note").iter().all(|t| !t.contains("Risk matrix:")), "{:?}", with_style("Note"));
    let types = part(&parts, "[Content_Types].xml");
    assert!(types.contains(r#"Extension="png""#) && types.contains("image/png"), "{types}");

    // Lists: real numbering, nested bullets one level deeper, ordered lists with their start.
    let numbered: Vec<(String, String, String)> = paras
        .iter()
        .filter_map(|p| {
            let numpr = w(w(*p, "pPr")?, "numPr")?;
            Some((para_text(*p), val(w(numpr, "numId")?)?.to_owned(), val(w(numpr, "ilvl")?)?.to_owned()))
        })
        .collect();
    let level = |t: &str| numbered.iter().find(|n| n.0 == t).map(|n| (n.1.as_str(), n.2.as_str())).expect(t);
    assert_eq!(level("Schools").1, "0");
    assert_eq!(level("Two new classrooms").1, "1");
    assert_eq!(level("Two new classrooms").0, level("Schools").0);
    assert_ne!(level("Approve the programme.").0, level("Note the risks.").0);

    let numbering = part(&parts, "word/numbering.xml");
    let nx = roxmltree::Document::parse(numbering).expect("numbering parses");
    let abstract_ids: Vec<_> = nx
        .root_element()
        .children()
        .filter(|n| n.has_tag_name((W, "abstractNum")))
        .filter_map(|n| n.attribute((W, "abstractNumId")))
        .collect();
    assert_eq!(abstract_ids, ["1", "2", "3"]);
    let start_of = |num_id: &str| -> Option<String> {
        let num = nx
            .root_element()
            .children()
            .find(|n| n.has_tag_name((W, "num")) && n.attribute((W, "numId")) == Some(num_id))?;
        let o = num.descendants().find(|n| n.has_tag_name((W, "startOverride")))?;
        val(o).map(str::to_owned)
    };
    assert_eq!(start_of(level("Approve the programme.").0).as_deref(), Some("1"));
    assert_eq!(start_of(level("Note the risks.").0).as_deref(), Some("3"));
    assert!(numbering.contains("w:numFmt w:val=\"bullet\"") && numbering.contains("w:lvlText w:val=\"%1.\""));

    // Text: control character gone, braces and markup survive as text, newline and tab kept.
    assert!(!document.contains('\u{b}'));
    let all_text: String = xml.descendants().filter(|n| n.has_tag_name((W, "t"))).filter_map(|n| n.text()).collect();
    assert!(all_text.contains("Oddtext {{x}} and <b> & more"), "{all_text}");
    let tricky = paras.iter().find(|p| para_text(**p).starts_with("Oddtext")).expect("tricky paragraph");
    assert!(tricky.descendants().any(|n| n.has_tag_name((W, "br"))));
    assert!(tricky.descendants().any(|n| n.has_tag_name((W, "tab"))));
    let bold_italic = tricky
        .descendants()
        .filter(|n| n.has_tag_name((W, "r")))
        .find(|r| para_text(*r) == "bold italic")
        .expect("nested run");
    let rpr = w(bold_italic, "rPr").expect("rPr");
    assert!(w(rpr, "b").is_some() && w(rpr, "i").is_some());

    // Hyperlinks: external relationships, mailto kept.
    let rels = part(&parts, "word/_rels/document.xml.rels");
    let rx = roxmltree::Document::parse(rels).expect("rels parse");
    let targets: Vec<_> = rx
        .root_element()
        .children()
        .filter(|r| r.attribute("Type").is_some_and(|t| t.ends_with("/hyperlink")))
        .map(|r| (r.attribute("Target").unwrap_or(""), r.attribute("TargetMode").unwrap_or("")))
        .collect();
    assert!(targets.contains(&("mailto:jane.smith@example.gov.uk", "External")), "{targets:?}");
    assert!(targets.contains(&("https://example.gov.uk/a?b=1&c=2", "External")), "{targets:?}");
    for link in xml.descendants().filter(|n| n.has_tag_name((W, "hyperlink"))) {
        if let Some(id) = link.attribute(("http://schemas.openxmlformats.org/officeDocument/2006/relationships", "id"))
        {
            assert!(rx.root_element().children().any(|r| r.attribute("Id") == Some(id)), "dangling {id}");
        }
    }

    // Page: A4, margins of 25 mm in twips, header/footer 12.5 mm from the edge.
    let sect = w(body, "sectPr").expect("sectPr");
    let pg = w(sect, "pgSz").expect("pgSz");
    assert_eq!((pg.attribute((W, "w")), pg.attribute((W, "h"))), (Some("11906"), Some("16838")));
    let mar = w(sect, "pgMar").expect("pgMar");
    for side in ["top", "bottom", "left", "right"] {
        assert_eq!(mar.attribute((W, side)), Some("1417"), "{side}");
    }
    assert_eq!(mar.attribute((W, "header")), Some("709"));
    // Schema order: references first in sectPr.
    assert!(sect.first_element_child().is_some_and(|c| c.has_tag_name((W, "headerReference"))));

    // Styles: Normal is the default; language and house font in the defaults; heading styles
    // carry the built-in names and outline levels.
    let styles = part(&parts, "word/styles.xml");
    let sx = roxmltree::Document::parse(styles).expect("styles parse");
    let style = |id: &str| sx.root_element().children().find(|n| n.attribute((W, "styleId")) == Some(id)).expect(id);
    assert_eq!(style("Normal").attribute((W, "default")), Some("1"));
    let defaults = sx.descendants().find(|n| n.has_tag_name((W, "rPrDefault"))).expect("rPrDefault");
    let lang = defaults.descendants().find(|n| n.has_tag_name((W, "lang"))).expect("w:lang");
    assert_eq!(val(lang), Some("en-GB"));
    let fonts = defaults.descendants().find(|n| n.has_tag_name((W, "rFonts"))).expect("rFonts");
    assert_eq!(fonts.attribute((W, "ascii")), Some("Liberation Sans"));
    assert_eq!(defaults.descendants().find(|n| n.has_tag_name((W, "sz"))).and_then(val), Some("24"));
    for (i, id) in ["Heading1", "Heading2", "Heading3"].iter().enumerate() {
        let s = style(id);
        assert_eq!(w(s, "name").and_then(val), Some(format!("heading {}", i + 1).as_str()));
        let lvl = s.descendants().find(|n| n.has_tag_name((W, "outlineLvl"))).and_then(val);
        assert_eq!(lvl, Some(i.to_string().as_str()));
    }
    let h1 = style("Heading1");
    assert_eq!(h1.descendants().find(|n| n.has_tag_name((W, "sz"))).and_then(val), Some("32"));

    // Core properties from the metadata, dated the document's date.
    let core = part(&parts, "docProps/core.xml");
    let cx = roxmltree::Document::parse(core).expect("core parses");
    let dc =
        |name: &str| cx.descendants().find(|n| n.tag_name().name() == name).and_then(|n| n.text()).map(str::to_owned);
    assert_eq!(dc("title").as_deref(), Some("Powering our Future"));
    assert_eq!(dc("creator").as_deref(), Some("Example Borough Council"));
    assert_eq!(dc("subject").as_deref(), Some("Report to Cabinet, 18 January 2024"));
    assert_eq!(dc("created").as_deref(), Some("2024-01-18T00:00:00Z"));
    assert_eq!(dc("modified").as_deref(), Some("2024-01-18T00:00:00Z"));

    // Furniture: PAGE and NUMPAGES fields in the footer, bold header text.
    let footer = parts.keys().find(|n| n.starts_with("word/footer")).map(|n| part(&parts, n)).expect("footer");
    let fx = roxmltree::Document::parse(footer).expect("footer parses");
    let instr: Vec<String> = fx
        .descendants()
        .filter(|n| n.has_tag_name((W, "instrText")))
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_owned())
        .collect();
    assert!(
        instr.iter().any(|i| i.starts_with("PAGE")) && instr.iter().any(|i| i.starts_with("NUMPAGES")),
        "{instr:?}"
    );
    let ftext: String = fx.descendants().filter(|n| n.has_tag_name((W, "t"))).filter_map(|n| n.text()).collect();
    assert!(ftext.starts_with("Page ") && ftext.contains(" of "), "{ftext}");
    let header = parts.keys().find(|n| n.starts_with("word/header")).map(|n| part(&parts, n)).expect("header");
    assert!(header.contains("NOT FOR PUBLICATION") && header.contains("w:val=\"Header\""));
    assert!(document.contains("r:id=\"rIdHeader") || document.contains("w:headerReference"));

    // Package integrity: no orphan parts; every content-type override names a part.
    assert!(!parts.contains_key("word/comments.xml") && !parts.contains_key("word/footnotes.xml"));
    assert!(!part(&parts, "word/_rels/document.xml.rels").contains("commentsExtended"));
    let types = roxmltree::Document::parse(part(&parts, "[Content_Types].xml")).expect("content types parse");
    for o in types.root_element().children().filter(|n| n.tag_name().name() == "Override") {
        let name = o.attribute("PartName").unwrap_or("").trim_start_matches('/');
        assert!(parts.contains_key(name), "override for missing part {name}");
    }
    assert!(part(&parts, "word/fontTable.xml").contains("w:name=\"Liberation Sans\""));
    // Tables draw their borders from the table style only.
    assert!(tables
        .iter()
        .all(|t| w(w(*t, "tblPr").expect("tblPr"), "tblBorders").is_none_or(|b| b.children().next().is_none())));

    // Settings: no East-Asian layout flags.
    let settings = part(&parts, "word/settings.xml");
    assert!(!settings.contains("useFELayout") && !settings.contains("spaceForUL"));

    // Deterministic: two renders are byte-identical.
    assert_eq!(render(&doc).expect("renders again"), bytes);
}

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
    use super::{footer_parts, FooterPart::*};
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
    };
    doc.meta = Meta {
        title: "\u{0}<x>".into(),
        author: "".into(),
        subject: "&".into(),
        lang: "\"".into(),
        date: "soon".into(),
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
        Block::Table(Table { caption: None, anchor: None, columns: vec![], rows: vec![] }),
        Block::Table(Table {
            caption: Some("".into()),
            anchor: None,
            columns: vec![Column { header: "a".into(), align: Align::Right, width: f32::NAN }],
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
                                columns: vec![Column { header: "n".into(), align: Align::Left, width: 0.0 }],
                                rows: vec![Row {
                                    cells: vec![vec![Block::List(List {
                                        ordered: false,
                                        start: 1,
                                        items: vec![vec![], vec![body("x")]],
                                    })]],
                                    total: false,
                                }],
                            }),
                        ],
                    ],
                    total: false,
                },
            ],
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
            caption: "".into(),
            alt: "".into(),
            chart: Chart::RiskMatrix {
                points: vec![RiskPoint { number: 9, likelihood: 0, impact: 7 }],
                bands: vec![vec![]],
            },
        }),
        Block::Figure(Figure {
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
    assert!(!core.contains("created"), "an invalid date must not produce a timestamp");
    let empty = Document { blocks: vec![], ..doc };
    let parts = unzip(&render(&empty).expect("renders an empty document"));
    assert!(part(&parts, "word/document.xml").contains("<w:p "));
}

/// Writes `target/docx-sample.docx` for checking by hand (LibreOffice, pandoc, Word).
#[test]
fn writes_sample() {
    let bytes = render(&sample()).expect("renders");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target").join("docx-sample.docx");
    std::fs::write(&path, bytes).expect("writes the sample");
}

#[test]
fn no_column_is_narrower_than_its_longest_word() {
    // A register-like table: the tree gives "Likelihood" and "Band" a sliver each.
    let mut doc = sample();
    doc.blocks = vec![Block::Table(Table {
        caption: None,
        anchor: None,
        columns: vec![
            Column { header: "Risk".into(), align: Align::Left, width: 8.0 },
            Column { header: "Likelihood".into(), align: Align::Right, width: 0.3 },
            Column { header: "Band".into(), align: Align::Left, width: 0.3 },
        ],
        rows: vec![Row {
            cells: vec![cell("Inflation exceeds the allowance"), cell("3"), cell("Medium")],
            total: false,
        }],
    })];
    let parts = unzip(&render(&doc).expect("renders"));
    let xml = roxmltree::Document::parse(part(&parts, "word/document.xml")).expect("parses");
    let grid: Vec<f64> = xml
        .descendants()
        .filter(|n| n.has_tag_name((W, "gridCol")))
        .map(|c| c.attribute((W, "w")).expect("width").parse().expect("number"))
        .collect();
    assert_eq!(grid.iter().sum::<f64>(), 9072.0, "the table spans the text width");
    // Each word and the cell padding (216 twips) fit in its column.
    let need = |word: &str, bold: bool| words().widest(word, bold, 12.0) * 20.0 + 216.0;
    assert!(grid[1] >= need("Likelihood", true), "{grid:?}");
    assert!(grid[2] >= need("Medium", false), "{grid:?}");
    // Without a measure the tree's shares stand, and the slivers are too narrow.
    let bare = unzip(&super::render(&doc, figures(), None).expect("renders"));
    let bare_xml = roxmltree::Document::parse(part(&bare, "word/document.xml")).expect("parses");
    let first_narrow: f64 = bare_xml
        .descendants()
        .filter(|n| n.has_tag_name((W, "gridCol")))
        .nth(1)
        .and_then(|c| c.attribute((W, "w")))
        .and_then(|v| v.parse().ok())
        .expect("width");
    assert!(first_narrow < need("Likelihood", true));
}

#[test]
fn only_cells_too_narrow_for_their_words_are_hyphenated() {
    // Six columns whose longest words cannot all fit: the widest columns give way.
    let long = "Incomprehensibilities";
    let mut doc = sample();
    doc.blocks = vec![Block::Table(Table {
        caption: None,
        anchor: None,
        columns: (0..6)
            .map(|i| Column { header: format!("H{i}"), align: Align::Left, width: if i == 0 { 4.0 } else { 1.0 } })
            .collect(),
        rows: vec![Row { cells: (0..6).map(|_| cell(long)).collect(), total: false }],
    })];
    let parts = unzip(&render(&doc).expect("renders"));
    let settings = part(&parts, "word/settings.xml");
    assert!(
        settings.contains("<w:defaultTabStop w:val=\"720\"/><w:autoHyphenation/>"),
        "hyphenation on, in schema order"
    );
    let styles = roxmltree::Document::parse(part(&parts, "word/styles.xml")).expect("parses");
    let default_ppr = styles.descendants().find(|n| n.has_tag_name((W, "pPrDefault"))).expect("paragraph defaults");
    assert!(default_ppr.descendants().any(|n| n.has_tag_name((W, "suppressAutoHyphens"))), "but off by default");
    let xml = roxmltree::Document::parse(part(&parts, "word/document.xml")).expect("parses");
    let rows: Vec<_> = xml.descendants().filter(|n| n.has_tag_name((W, "tr"))).collect();
    let allowed = |tc: roxmltree::Node| {
        tc.descendants().any(|n| n.has_tag_name((W, "suppressAutoHyphens")) && n.attribute((W, "val")) == Some("0"))
    };
    let header: Vec<bool> = cells(rows[0]).into_iter().map(allowed).collect();
    let body: Vec<bool> = cells(rows[1]).into_iter().map(allowed).collect();
    assert_eq!(header, vec![false; 6], "header cells are never hyphenated");
    assert!(body[0], "the widest column gave way and is hyphenated: {body:?}");
    assert!(body.iter().any(|h| !h), "columns that hold their word are not: {body:?}");
}
