//! The sample report as Word-native structure: styles, outline, lists, tables, fields, properties.

use super::*;

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
    use crate::render::docx::figure::{DPI, EMU_PER_INCH};
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
fn an_internal_link_has_a_tooltip_naming_the_heading_it_leads_to() {
    let bytes = render(&sample()).expect("renders");
    let parts = unzip(&bytes);
    let xml = roxmltree::Document::parse(part(&parts, "word/document.xml")).expect("document.xml parses");
    let links: Vec<_> = xml.descendants().filter(|n| n.has_tag_name((W, "hyperlink"))).collect();
    let internal = links.iter().find(|n| n.attribute((W, "anchor")) == Some("sec_1")).expect("the link to section 1");
    assert_eq!(internal.attribute((W, "tooltip")), Some("1. Introduction"));
    // A web link's address is its description already: no tooltip of ours.
    assert!(links
        .iter()
        .filter(|n| n.attribute((W, "anchor")).is_none())
        .all(|n| n.attribute((W, "tooltip")).is_none()));
}
