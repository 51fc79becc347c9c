//! One report end to end: the example reports built by the binary, and their DOCX and PDF read
//! back with independent readers.

use crate::common::*;
use std::path::Path;

fn build_to(dir: &Path, input: &str) {
    let out = cabrep(&["build", input, "-o", dir.to_str().expect("utf-8"), "-q"]);
    assert!(out.status.success(), "build failed: {}", stderr(&out));
}

#[test]
fn reference_report_pdf_has_content_in_order_with_computed_numbers() {
    let dir = tempdir();
    build_to(dir.path(), "inputs/powering-our-future.yaml");
    let pdf = dir.path().join("powering-our-future.pdf");
    let text = squash(&pdf_text(&pdf));
    assert_in_order(
        &text,
        &[
            "AGENDA ITEM",
            "REPORT TO CABINET",
            "DATE: 18 JANUARY 2024",
            "REPORT OF THE CORPORATE MANAGEMENT TEAM",
            "CABINET DECISION",
            "Portfolio Title – Leader of the Council, Councillor Bob Cook",
            "Powering Our Future – Programme Update",
            "SUMMARY",
            "REASONS FOR RECOMMENDATION(S)/DECISION(S)",
            "RECOMMENDATIONS",
            "Cabinet is recommended to:",
            // Cross-references computed from section ids.
            "1. Agree the draft Mission Statement and Council Missions set out at Sections 2 & 3",
            "2. Agree the approach to Communities Powering Our Future, set out at Section 4",
            "1. Introduction",
            "2. Council Mission Statement",
            "3. Council Missions",
            "Mission status summary",
            "4. Communities Powering Our Future",
            "5. Partnerships Powering Our Future",
            "6. Transformation Powering Our Future",
            "Phase 1 Transformation Programme reviews",
            // Table cells wrap, so look for single words of the first and last rows.
            "Xentrall",
            "Waste",
            "7. Our Colleagues Powering Our Future",
            "8. Regeneration Powering Our Future",
            "COMMUNITY IMPACT IMPLICATIONS",
            "CORPORATE PARENTING IMPLICATIONS",
            "FINANCIAL IMPLICATIONS",
            "LEGAL IMPLICATIONS",
            "RISK ASSESSMENT",
            "WARDS AFFECTED AND CONSULTATION WITH WARD/COUNCILLORS",
            "BACKGROUND PAPERS",
            "Name of Contact Officer: Geraldine Brown",
            "Email Address:",
        ],
    );
    // The financial table's total row is computed: 6,000 + 3,000.
    let layout = squash(&poppler("pdftotext", &["-layout", pdf.to_str().expect("utf-8"), "-"]));
    assert!(layout.contains("Total 1,500 4,500 9,000"), "computed totals: {layout}");
    // Risk score and band computed: 3 × 5 = 15, High.
    assert!(layout.contains("3 5 15 High"), "risk score and band: {layout}");
    // The mission status is shown as text, not colour alone.
    assert!(text.contains("Status: At risk"));
    // Footer counts the pages.
    let info = poppler("pdfinfo", &[pdf.to_str().expect("utf-8")]);
    let pages: usize =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("page count");
    assert!(text.contains(&format!("Page 1 of {pages}")));
    assert!(text.contains(&format!("Page {pages} of {pages}")));
    assert!(info.contains("Tagged:          yes"), "{info}");
    assert!(info.contains("Title:           Powering Our Future – Programme Update"), "{info}");
    assert!(info.contains("A4"), "{info}");
}

#[test]
fn reference_report_pdf_embeds_every_font() {
    let dir = tempdir();
    build_to(dir.path(), "inputs/powering-our-future.yaml");
    let fonts = poppler("pdffonts", &[dir.path().join("powering-our-future.pdf").to_str().expect("utf-8")]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "fonts listed: {fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // name type encoding emb sub uni object ID: "emb" is the 4th-from-last-but-2 column.
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "font not embedded: {row}");
        assert!(row.contains("LiberationSans"), "only the shipped font is used: {row}");
    }
}

#[test]
fn reference_report_docx_is_word_native() {
    let dir = tempdir();
    build_to(dir.path(), "inputs/powering-our-future.yaml");
    let docx = dir.path().join("powering-our-future.docx");
    let document = docx_part(&docx, "word/document.xml");
    let styles = docx_part(&docx, "word/styles.xml");
    let numbering = docx_part(&docx, "word/numbering.xml");
    let core = docx_part(&docx, "docProps/core.xml");
    let footer_xml = {
        let f = std::fs::File::open(&docx).expect("open");
        let mut z = zip::ZipArchive::new(f).expect("zip");
        let names: Vec<String> = z.file_names().filter(|n| n.starts_with("word/footer")).map(str::to_owned).collect();
        assert!(!names.is_empty(), "a footer part exists");
        let mut s = String::new();
        for n in names {
            use std::io::Read;
            z.by_name(&n).expect("footer").read_to_string(&mut s).expect("read");
        }
        s
    };

    // Real heading styles, used in order.
    assert!(styles.contains(r#"w:styleId="Heading1""#) && styles.contains(r#"w:styleId="Heading2""#));
    assert!(document.contains(r#"<w:pStyle w:val="Heading1"/>"#));
    assert!(document.contains(r#"<w:pStyle w:val="Heading2"/>"#));
    // A default paragraph style and the document language.
    let sdoc = roxmltree::Document::parse(&styles).expect("styles.xml parses");
    let normal = sdoc
        .descendants()
        .find(|n| {
            n.tag_name().name() == "style" && n.attributes().any(|a| a.name() == "styleId" && a.value() == "Normal")
        })
        .expect("Normal style");
    assert!(normal.attributes().any(|a| a.name() == "default" && a.value() == "1"), "Normal is the default style");
    assert!(styles.contains(r#"w:val="en-GB""#), "language en-GB in styles");
    // Real numbering definitions, ids from 2.
    assert!(numbering.contains("w:abstractNum") && numbering.contains(r#"w:numFmt w:val="decimal""#));
    assert!(document.contains("<w:numPr>"), "lists use numbering");
    // Header rows repeat.
    assert!(document.contains("<w:tblHeader"), "table header rows marked");
    // Page X of Y from fields.
    assert!(footer_xml.contains("PAGE") && footer_xml.contains("NUMPAGES"), "footer fields: {footer_xml}");
    // Core properties.
    assert!(core.contains("<dc:title>Powering Our Future – Programme Update</dc:title>"), "{core}");
    assert!(core.contains("<dc:creator>Stockton-on-Tees Borough Council</dc:creator>"), "{core}");
    assert!(core.contains("2024-01-18T00:00:00Z"), "dates from the meeting date: {core}");
    // A4 with 2.5 cm margins (in twentieths of a point).
    assert!(document.contains(r#"w:w="11906""#) && document.contains(r#"w:h="16838""#), "A4 page");
    assert!(document.contains(r#"w:top="1417""#) && document.contains(r#"w:left="1417""#), "25 mm margins");
    // mailto link in the contact block.
    let rels = docx_part(&docx, "word/_rels/document.xml.rels");
    assert!(rels.contains("mailto:Gerladine.brown@stockton.gov.uk"), "{rels}");
    // The text, in order.
    let text = squash(&docx_text(&document));
    assert_in_order(
        &text,
        &[
            "AGENDA ITEM",
            "Powering Our Future – Programme Update",
            "SUMMARY",
            "RECOMMENDATIONS",
            "Agree the draft Mission Statement and Council Missions set out at Sections 2 & 3",
            "1. Introduction",
            "6. Transformation Powering Our Future",
            "Customer Contact and Access to Services",
            "FINANCIAL IMPLICATIONS",
            "9,000",
            "BACKGROUND PAPERS",
        ],
    );
}

#[test]
fn docx_entries_are_compressed() {
    let dir = tempdir();
    build_to(dir.path(), "inputs/powering-our-future.yaml");
    let f = std::fs::File::open(dir.path().join("powering-our-future.docx")).expect("open");
    let mut z = zip::ZipArchive::new(f).expect("zip");
    for i in 0..z.len() {
        let e = z.by_index(i).expect("entry");
        assert_eq!(e.compression(), zip::CompressionMethod::Deflated, "{} is deflated", e.name());
    }
}

#[test]
fn two_builds_are_byte_identical() {
    let a = tempdir();
    let b = tempdir();
    build_to(a.path(), "inputs/highways-capital-programme.yaml");
    build_to(b.path(), "inputs/highways-capital-programme.yaml");
    for ext in ["docx", "pdf"] {
        let name = format!("highways-capital-programme.{ext}");
        let x = std::fs::read(a.path().join(&name)).expect("read a");
        let y = std::fs::read(b.path().join(&name)).expect("read b");
        assert!(x == y, "{name} differs between two builds");
    }
}

#[test]
fn source_date_epoch_sets_metadata_dates() {
    let dir = tempdir();
    let out = cabrep_with_env(
        &["build", "inputs/highways-capital-programme.yaml", "-f", "docx", "-q", "-o", s(dir.path())],
        &[("SOURCE_DATE_EPOCH", "1700000000")],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let core = docx_part(&dir.path().join("highways-capital-programme.docx"), "docProps/core.xml");
    assert!(core.contains("2023-11-14T00:00:00Z"), "{core}");
}

/// Author text with markup characters of every output format prints exactly as typed.
#[test]
fn markup_characters_in_author_text_survive_verbatim() {
    let dir = tempdir();
    let nasty = r#"Costs #set page(fill: red) $x^2$ *a* _b_ @ref <l> \ [ {{x}} <b>bold</b> <script>alert(1)</script>"#;
    let src = std::fs::read_to_string(root().join("inputs/highways-capital-programme.yaml")).expect("read");
    let title_line = src.lines().find(|l| l.starts_with("title:")).expect("title line");
    let yaml_title = format!("title: '{}'", nasty.replace('\'', "''"));
    // In Markdown fields, characters that are not Markdown stay literal too (HTML is not run).
    let md_nasty = "Summary with #set page(fill: red) $x^2$ @ref {{x}} <b>bold</b> <script>alert(1)</script> end.";
    let changed =
        src.replacen(title_line, &yaml_title, 1).replacen("summary: |\n", &format!("summary: |\n  {md_nasty}\n\n"), 1);
    // (A control character typed through a YAML escape is refused by validation: see the
    // hostile corpus, `check_refuses_characters_the_house_font_lacks_naming_field_and_code_point`.)
    let input = dir.path().join("nasty.yaml");
    std::fs::write(&input, changed).expect("write");
    let out = cabrep(&["build", input.to_str().expect("utf-8"), "-o", dir.path().to_str().expect("utf-8"), "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let pdf_text = pdf_text(&dir.path().join("nasty.pdf"));
    // Line wrapping may split the text anywhere, so compare without white space.
    assert!(nospace(&pdf_text).contains(&nospace(nasty)), "PDF keeps the title verbatim:\n{pdf_text}");
    assert!(nospace(&pdf_text).contains(&nospace(md_nasty)), "PDF keeps non-Markdown characters in Markdown verbatim");
    let info = poppler("pdfinfo", &[dir.path().join("nasty.pdf").to_str().expect("utf-8")]);
    assert!(info.contains("#set page(fill: red)"), "PDF title metadata verbatim: {info}");

    let document = docx_part(&dir.path().join("nasty.docx"), "word/document.xml");
    let text = squash(&docx_text(&document));
    assert!(text.contains(&squash(nasty)), "DOCX keeps the title verbatim:\n{text}");
    assert!(text.contains(md_nasty), "DOCX keeps non-Markdown characters in Markdown verbatim");
}

/// A mission section's own `title:` is its heading (as the reference report words it); the
/// register still supplies the aim under it and names the mission in the summary table and the
/// milestones caption.
#[test]
fn a_mission_sections_own_title_heads_it_and_the_register_still_names_and_aims_it() {
    let dir = tempdir();
    let out = cabrep(&["build", "inputs/powering-our-future.yaml", "-f", "tree", "-o", s(dir.path()), "-q"]);
    assert!(out.status.success(), "build failed: {}", stderr(&out));
    let tree: serde_json::Value =
        serde_json::from_str(&read_text(&dir.path().join("powering-our-future.tree.json"))).expect("tree JSON");
    let blocks = tree["blocks"].as_array().expect("blocks");
    let at = blocks.iter().position(|b| b["type"] == "heading" && b["number"] == "7.").expect("section 7");
    assert_eq!(blocks[at]["text"], "Our Colleagues Powering Our Future");
    assert_eq!(blocks[at + 1]["style"], "aim");
    assert_eq!(
        blocks[at + 1]["content"][0]["text"],
        "empowering our colleagues to do the best they can for communities"
    );
    let all = tree.to_string();
    assert!(
        all.contains("\"Colleagues Powering Our Future (Section\u{a0}7)\""),
        "the summary row keeps the register's name"
    );
    assert!(all.contains("\"Colleagues Powering Our Future – Milestones\""), "the caption keeps the register's name");
    assert!(all.contains("\"7. Our Colleagues Powering Our Future\""), "the contents list gives the heading");
    assert!(!all.contains("7. Colleagues Powering Our Future"), "no trace of the register's name as the heading");
}

#[test]
fn a_cross_reference_keeps_its_label_and_number_together_in_every_format() {
    let dir = tempdir();
    let out = cabrep(&["build", "inputs/powering-our-future.yaml", "-f", "docx,pdf,html", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The PDF: no line ends on "Section" with its number on the next (a recommendation once
    // had a line starting "6. It is recommended…").
    let pdf = dir.path().join("powering-our-future.pdf");
    let layout = poppler("pdftotext", &["-layout", s(&pdf), "-"]);
    assert!(squash(&layout).contains("set out at Section 6. It is recommended"), "{layout}");
    for line in layout.lines() {
        let line = line.trim_end();
        assert!(!line.ends_with("Section") && !line.ends_with("Sections"), "a line ends on its label: {line}");
    }
    // HTML and DOCX: a no-break space between the label and the number.
    let html = read_text(&dir.path().join("powering-our-future.html"));
    assert!(html.contains("set out at Section\u{a0}6.") && !html.contains("Section 6"), "HTML");
    let docx = docx_text(&docx_part(&dir.path().join("powering-our-future.docx"), "word/document.xml"));
    assert!(docx.contains("set out at Section\u{a0}6.") && !docx.contains("Section 6"), "DOCX");
}

#[test]
fn a_register_with_short_headers_prints_their_key_under_it_in_every_format() {
    let dir = tempdir();
    let out = cabrep(&["build", "inputs/powering-our-future.yaml", "-f", "docx,pdf,html", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let key = "L: Likelihood. I: Impact.";
    assert!(squash(&pdf_text(&dir.path().join("powering-our-future.pdf"))).contains(key), "PDF");
    assert!(read_text(&dir.path().join("powering-our-future.html")).contains(key), "HTML");
    let docx = docx_text(&docx_part(&dir.path().join("powering-our-future.docx"), "word/document.xml"));
    assert!(docx.contains(key), "DOCX");
}
