//! The PDFs as a screen reader reads them: `tests/tools/pdf_structure.py` walks the structure
//! tree in order, decodes each element's text from its marked content through the fonts'
//! ToUnicode maps, and compares headings (with levels), lists (with their nesting), table cells
//! and figures' alternative texts with the document tree (`-f tree`). It also fails a nested
//! list tagged as a sibling of its item, and a link whose description does not name its target.

use crate::common::*;
use std::path::Path;
use std::process::Command;

const EXAMPLES: [&str; 3] = ["powering-our-future", "highways-capital-programme", "land-disposal"];

/// Runs the structure reader on a PDF and the trees of its parts (`-` for a part bound in as
/// it is). Returns whether it found the PDF as the trees, and what it printed.
pub(crate) fn read_structure(pdf: &Path, trees: &[&str]) -> (bool, String) {
    let script = root().join("tests/tools/pdf_structure.py");
    // The Debian interpreter, named in full: python3-pikepdf and python3-pdfminer install their
    // modules for it, and another python3 earlier on PATH would not have them.
    let out = Command::new("/usr/bin/python3")
        .arg(&script)
        .arg(pdf)
        .args(trees)
        .output()
        .expect("/usr/bin/python3 is required for this test (CI installs python3-pikepdf and python3-pdfminer)");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!text.contains("Traceback"), "the structure reader failed:\n{text}");
    (out.status.success(), text)
}

fn build_examples(dir: &Path) {
    let out = cabrep(&["build", "inputs/", "-f", "pdf,tree", "-q", "-o", s(dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// How many events of a kind the reader counted in one part ("LI=152").
fn count(report: &str, part: usize, kind: &str) -> usize {
    let line = report.lines().find(|l| l.starts_with(&format!("part {part}:"))).unwrap_or("");
    line.split([' ', '(', ')'])
        .find_map(|w| w.strip_prefix(&format!("{kind}=")))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {kind} count for part {part} in:\n{report}"))
}

#[test]
fn every_example_report_reads_as_its_document_tree() {
    let dir = tempdir();
    build_examples(dir.path());
    for stem in EXAMPLES {
        let pdf = dir.path().join(format!("{stem}.pdf"));
        let tree = dir.path().join(format!("{stem}.tree.json"));
        let (ok, report) = read_structure(&pdf, &[s(&tree)]);
        assert!(ok, "{stem}:\n{report}");
        assert!(report.contains("part 1:") && report.contains("as the tree"), "{stem}:\n{report}");
        assert!(count(&report, 1, "H2") > 5 && count(&report, 1, "LI") > 0, "{stem}:\n{report}");
    }
}

#[test]
fn nested_lists_are_tagged_inside_their_items_body() {
    let dir = tempdir();
    build_examples(dir.path());
    let tree = dir.path().join("powering-our-future.tree.json");
    // The example's summary nests lists: the test means something only while it does.
    let json: serde_json::Value = serde_json::from_str(&read_text(&tree)).expect("tree json");
    let nested = json["blocks"].as_array().expect("blocks").iter().any(|b| {
        b["type"] == "list"
            && b["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|item| item.as_array().expect("item blocks").iter().any(|x| x["type"] == "list"))
    });
    assert!(nested, "the example has a nested list");
    let (ok, report) = read_structure(&dir.path().join("powering-our-future.pdf"), &[s(&tree)]);
    assert!(ok, "{report}");
    assert!(!report.contains("child of an L"), "{report}");
}

#[test]
fn link_descriptions_name_the_heading_they_lead_to() {
    let dir = tempdir();
    build_examples(dir.path());
    let pdf = dir.path().join("powering-our-future.pdf");
    let tree = dir.path().join("powering-our-future.tree.json");
    let (ok, report) = read_structure(&pdf, &[s(&tree)]);
    assert!(ok, "{report}");
    // The contents list links every main heading, and the contact's address is linked.
    let links: usize = report
        .lines()
        .find_map(|l| l.strip_prefix("links: "))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no link count in:\n{report}"));
    assert!(links > 10, "{report}");
    let raw = std::fs::read(&pdf).expect("read pdf");
    let has = |needle: &str| raw.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!has("(Section, page"), "a link still described as \"Section, page N\"");
}

#[test]
fn the_example_pack_reads_as_its_trees() {
    let dir = tempdir();
    build_examples(dir.path());
    let meeting = "inputs/cabinet-2024-01-18.yaml";
    let out = cabrep(&["pack", meeting, "-f", "pdf,tree", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    // In a pack a report has no contents list of its own: its tree is the report's without one.
    let single = tempdir();
    copy_inputs(single.path(), &["powering-our-future.yaml", "missions.yaml"]);
    let yaml = single.path().join("powering-our-future.yaml");
    write(single.path(), "powering-our-future.yaml", &format!("{}\ncontents: false\n", read_text(&yaml)));
    let out = cabrep(&["build", s(&yaml), "-f", "tree", "-q", "-o", s(single.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let without_contents = s(&single.path().join("powering-our-future.tree.json")).to_owned();
    let tree = |stem: &str| dir.path().join(format!("{stem}.tree.json")).to_str().expect("utf-8").to_owned();
    // The public pack: its front sheet, the previous minutes (bound in as they are), the
    // public reports; Part 2: its front sheet (which has no tree of its own: not compared) and
    // the exempt report.
    let public = [tree("cabinet-2024-01-18-pack"), "-".into(), without_contents, tree("highways-capital-programme")];
    let public: Vec<&str> = public.iter().map(String::as_str).collect();
    let (ok, report) = read_structure(&dir.path().join("cabinet-2024-01-18-pack.pdf"), &public);
    assert!(ok, "public pack:\n{report}");
    assert!(count(&report, 1, "Table") == 1 && count(&report, 3, "LI") > 0, "{report}");
    // Each part's element IDs are renamed apart in a pack: the cells' headers with them (the
    // reader fails a header that names no TH of its table), and there are headers to follow.
    assert!(headers(&report) > 100, "{report}");
    let part2 = ["-".to_owned(), tree("land-disposal")];
    let part2: Vec<&str> = part2.iter().map(String::as_str).collect();
    let (ok, report) = read_structure(&dir.path().join("cabinet-2024-01-18-part2.pdf"), &part2);
    assert!(ok, "Part 2 pack:\n{report}");
    assert!(headers(&report) > 0, "{report}");
}

/// How many table cells' headers the reader followed to a header cell ("headers: 205").
fn headers(report: &str) -> usize {
    report
        .lines()
        .find_map(|l| l.strip_prefix("headers: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no headers count in:\n{report}"))
}

#[test]
fn the_decision_record_reads_as_its_document_tree() {
    let dir = tempdir();
    let out = cabrep(&[
        "decisions",
        "inputs/cabinet-2024-01-18.yaml",
        "inputs/cabinet-2024-01-18-outcome.yaml",
        "-f",
        "pdf,tree",
        "-q",
        "-o",
        s(dir.path()),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    for stem in ["cabinet-2024-01-18-decisions", "cabinet-2024-01-18-decisions-part2"] {
        let tree = dir.path().join(format!("{stem}.tree.json"));
        let (ok, report) = read_structure(&dir.path().join(format!("{stem}.pdf")), &[s(&tree)]);
        assert!(ok, "{stem}:\n{report}");
        assert!(count(&report, 1, "H3") > 0, "{stem}:\n{report}");
    }
}

#[test]
fn the_structure_reader_fails_a_pdf_that_does_not_read_as_the_tree() {
    let dir = tempdir();
    build_examples(dir.path());
    let other = dir.path().join("land-disposal.tree.json");
    let (ok, report) = read_structure(&dir.path().join("highways-capital-programme.pdf"), &[s(&other)]);
    assert!(!ok, "{report}");
    assert!(report.contains("NOT as the tree"), "{report}");
}

#[test]
fn the_discussion_paper_reads_as_its_tree_with_its_merged_cells_and_footnote_links() {
    let dir = tempdir();
    let out = cabrep(&["build", "inputs/hwb-mission-led-approach.yaml", "-f", "pdf,tree", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = dir.path().join("hwb-mission-led-approach.pdf");
    let tree = dir.path().join("hwb-mission-led-approach.tree.json");
    let (ok, report) = read_structure(&pdf, &[s(&tree)]);
    assert!(ok, "{report}");
    // Sub-sections at three levels; the missions table's 27 cells less the 6 its spans cover.
    assert!(count(&report, 1, "H3") >= 5 && count(&report, 1, "TD") == 21, "{report}");
}
