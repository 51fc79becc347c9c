//! The accessibility gate for PDF and DOCX (HTML is gated with axe-core in `tests/it/html.rs`):
//! every example report, read back with independent tools.

use crate::common::*;
use std::path::Path;

const EXAMPLES: [&str; 3] = ["powering-our-future", "highways-capital-programme", "land-disposal"];

fn build_all(dir: &Path) {
    let out = cabrep(&["build", "inputs/", "-q", "-o", dir.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// All objects of a PDF as JSON values, via qpdf.
fn pdf_objects(pdf: &Path) -> Vec<serde_json::Value> {
    let out = std::process::Command::new("qpdf")
        .arg("--json=2")
        .arg(pdf)
        .output()
        .expect("qpdf is required for this test (CI installs it)");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("qpdf json");
    v["qpdf"][1].as_object().expect("objects").values().filter_map(|o| o.get("value").cloned()).collect()
}

#[test]
fn pdf_catalog_and_structure_tree_are_accessible() {
    let dir = tempdir();
    build_all(dir.path());
    for stem in EXAMPLES {
        let objs = pdf_objects(&dir.path().join(format!("{stem}.pdf")));
        let catalog = objs.iter().find(|o| o["/Type"] == "/Catalog").expect("catalog");
        assert_eq!(catalog["/Lang"], "u:en-GB", "{stem}: /Lang");
        assert_eq!(catalog["/MarkInfo"]["/Marked"], true, "{stem}: marked");
        assert_eq!(catalog["/ViewerPreferences"]["/DisplayDocTitle"], true, "{stem}: DisplayDocTitle");
        assert!(catalog.get("/StructTreeRoot").is_some(), "{stem}: structure tree");
        let kinds: Vec<&str> = objs.iter().filter_map(|o| o["/S"].as_str()).collect();
        let with_tables = stem != "land-disposal";
        let wanted: &[&str] =
            if with_tables { &["/H1", "/H2", "/Table", "/TH", "/L", "/LI"] } else { &["/H1", "/H2", "/L", "/LI"] };
        for k in wanted {
            assert!(kinds.contains(k), "{stem}: {k} in the structure tree");
        }
        // Every figure has alt text.
        for f in objs.iter().filter(|o| o["/S"] == "/Figure") {
            let alt = f["/Alt"].as_str().unwrap_or("");
            assert!(alt.len() > 20, "{stem}: a figure without alt text: {f}");
        }
    }
    // The examples with a risk register have figures.
    let objs = pdf_objects(&dir.path().join("highways-capital-programme.pdf"));
    assert_eq!(objs.iter().filter(|o| o["/S"] == "/Figure").count(), 2, "bar chart and risk matrix");
}

#[test]
fn docx_headings_tables_images_title_and_language() {
    let dir = tempdir();
    build_all(dir.path());
    for stem in EXAMPLES {
        let docx = dir.path().join(format!("{stem}.docx"));
        let xml = docx_part(&docx, "word/document.xml");
        let doc = roxmltree::Document::parse(&xml).expect("document.xml");
        // Headings use Heading styles, in order, never skipping a level.
        let mut last = 0;
        let mut seen = 0;
        for s in doc.descendants().filter(|n| n.tag_name().name() == "pStyle") {
            let val = s.attributes().find(|a| a.name() == "val").map(|a| a.value()).unwrap_or("");
            if let Some(level) = val.strip_prefix("Heading").and_then(|l| l.parse::<u32>().ok()) {
                assert!(level <= last + 1, "{stem}: Heading{level} after Heading{last}");
                last = level;
                seen += 1;
            }
        }
        assert!(seen > 5, "{stem}: headings use Heading styles");
        // Every table's first row is a marked, repeating header row.
        for tbl in doc.descendants().filter(|n| n.tag_name().name() == "tbl") {
            let first_row = tbl.children().find(|n| n.tag_name().name() == "tr").expect("a row");
            assert!(first_row.descendants().any(|n| n.tag_name().name() == "tblHeader"), "{stem}: header row marked");
        }
        // Every image has a description, and its picture is in the package.
        let drawings: Vec<_> = doc.descendants().filter(|n| n.tag_name().name() == "drawing").collect();
        let described: Vec<&str> = doc
            .descendants()
            .filter(|n| n.tag_name().name() == "docPr")
            .map(|pr| pr.attributes().find(|a| a.name() == "descr").map(|a| a.value()).unwrap_or(""))
            .collect();
        assert_eq!(described.len(), drawings.len(), "{stem}: one wp:docPr per image");
        for descr in &described {
            assert!(descr.trim().len() > 20, "{stem}: an image without a description: {descr:?}");
        }
        let media = docx_media(&docx);
        assert_eq!(media.len(), drawings.len(), "{stem}: one picture per image");
        for (name, data) in &media {
            assert!(data.starts_with(b"\x89PNG\r\n\x1a\n"), "{stem}: {name} is a PNG");
        }
        // The examples with a risk register and a charted table have those figures as images.
        if stem == "highways-capital-programme" {
            assert!(drawings.len() >= 2, "{stem}: bar chart and risk matrix are images");
            assert!(described.iter().any(|d| d.starts_with("Risk matrix")), "{stem}: {described:?}");
        }
        let core = docx_part(&docx, "docProps/core.xml");
        assert!(core.contains("<dc:title>") && !core.contains("<dc:title></dc:title>"), "{stem}: title");
        assert!(docx_part(&docx, "word/styles.xml").contains(r#"w:val="en-GB""#), "{stem}: language");
    }
}
