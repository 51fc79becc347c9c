//! What assistive technology is told, checked with independent readers: a footnote's label is
//! tagged as PDF/UA-1 asks (no `Lbl` outside a list item) with its links still described; a
//! pack binding a tagged PDF that draws content outside its tags does not claim PDF/UA-1 and
//! says why, while the example's public and Part 2 packs keep the claim; a DOCX table whose
//! first column names its rows says so to Word; and every HTML page the examples produce
//! reflows at 320 CSS px (no sideways scroll, WCAG 1.4.10).

use crate::audit::verapdf;
use crate::common::*;
use crate::screen_reader::read_structure;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The structure reader's `notes: N` line.
fn notes(report: &str) -> usize {
    report
        .lines()
        .find_map(|l| l.strip_prefix("notes: "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no notes line in:\n{report}"))
}

#[test]
fn a_footnotes_reference_and_number_are_not_labels_outside_a_list_and_its_links_keep_their_descriptions() {
    let dir = tempdir();
    let out = cabrep(&["build", "inputs/hwb-mission-led-approach.yaml", "-f", "pdf,tree", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = dir.path().join("hwb-mission-led-approach.pdf");
    let tree = dir.path().join("hwb-mission-led-approach.tree.json");
    // The reader fails a Lbl whose parent is not an LI, and a link described otherwise than by
    // the heading it leads to ("…, page N") or the address it opens.
    let (ok, report) = read_structure(&pdf, &[s(&tree)]);
    assert!(ok, "{report}");
    assert!(notes(&report) >= 1, "the paper has a footnote:\n{report}");
    assert!(report.contains("links: 2"), "{report}");
    // The footnote's reference is a Reference in its paragraph, its number a Span in the Note.
    let roles = pikepdf_script(
        r#"
import sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
seen = set()
def walk(e, parent):
    if not isinstance(e, pikepdf.Dictionary) or "/S" not in e:
        return
    if e.is_indirect:
        if e.objgen in seen:
            return
        seen.add(e.objgen)
    s = str(e.S)[1:]
    if parent in ("P", "Note") and s in ("Lbl", "Reference", "Span"):
        print(parent, s)
    k = e.get("/K")
    for c in (k if isinstance(k, pikepdf.Array) else [k] if k is not None else []):
        walk(c, s)
for k in pdf.Root.StructTreeRoot.K if isinstance(pdf.Root.StructTreeRoot.K, pikepdf.Array) else [pdf.Root.StructTreeRoot.K]:
    walk(k, "")
"#,
        &pdf,
    );
    assert!(roles.lines().any(|l| l == "P Reference"), "{roles}");
    assert!(roles.lines().any(|l| l == "Note Span"), "{roles}");
    assert!(!roles.lines().any(|l| l.ends_with(" Lbl")), "{roles}");
    let (ok, report) = verapdf(&[pdf]);
    assert!(ok, "{report}");
}

#[test]
fn the_structure_reader_fails_a_label_outside_a_list_item() {
    // The check can fail: a footnote reference tagged Lbl in its paragraph, as the typesetter
    // first tags it, put back with pikepdf.
    let dir = tempdir();
    let out = cabrep(&["build", "inputs/hwb-mission-led-approach.yaml", "-f", "pdf,tree", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = dir.path().join("hwb-mission-led-approach.pdf");
    let bad = dir.path().join("relabelled.pdf");
    let done = pikepdf_script(
        &format!(
            r#"
import sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
n = 0
for o in pdf.objects:
    if isinstance(o, pikepdf.Dictionary) and o.get("/S") == "/Reference":
        o.S = pikepdf.Name("/Lbl")
        n += 1
pdf.save({:?})
print(n)
"#,
            s(&bad)
        ),
        &pdf,
    );
    assert!(done.trim().parse::<usize>().expect("a count") >= 1, "{done}");
    let tree = dir.path().join("hwb-mission-led-approach.tree.json");
    let (ok, report) = read_structure(&bad, &[s(&tree)]);
    assert!(!ok, "{report}");
    assert!(report.contains("PROBLEM: a Lbl in a P, not in a list item (LI)"), "{report}");
}

#[test]
fn a_docx_table_whose_first_column_names_its_rows_is_marked_for_word_and_stays_valid() {
    let dir = tempdir();
    let out = cabrep(&["build", "inputs/powering-our-future.yaml", "-f", "docx", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let docx = dir.path().join("powering-our-future.docx");
    let xml = docx_part(&docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).expect("document.xml parses");
    let w = |n: roxmltree::Node, name: &str| n.tag_name().name() == name;
    let (mut marked, mut unmarked) = (0, 0);
    for tbl in doc.descendants().filter(|n| w(*n, "tbl")) {
        let look = tbl
            .children()
            .find(|c| w(*c, "tblPr"))
            .and_then(|p| p.children().find(|c| w(*c, "tblLook")))
            .and_then(|l| l.attributes().find(|a| a.name() == "firstColumn").map(|a| a.value().to_owned()));
        let rows: Vec<_> = tbl.children().filter(|c| w(*c, "tr")).collect();
        let first_cell_marked = |tr: &roxmltree::Node| {
            tr.children()
                .find(|c| w(*c, "tc"))
                .and_then(|tc| tc.children().find(|c| w(*c, "tcPr")))
                .and_then(|p| p.children().find(|c| w(*c, "cnfStyle")))
                .is_some_and(|c| c.attributes().any(|a| a.name() == "firstColumn" && a.value() == "1"))
        };
        if look.as_deref() == Some("1") {
            marked += 1;
            assert!(rows.len() > 1, "a marked table has body rows");
            assert!(!first_cell_marked(&rows[0]), "the header row is not a row header");
            assert!(rows[1..].iter().all(first_cell_marked), "every body row's first cell is marked");
        } else {
            unmarked += 1;
            assert!(!rows.iter().any(first_cell_marked), "a table without row headers marks no cell");
        }
    }
    // The financial tables and the milestones name their rows; the risk register (numbered)
    // does not in its first column.
    assert!(marked >= 2 && unmarked >= 1, "marked {marked}, unmarked {unmarked}");
    crate::markdown::assert_valid_part(&docx, "word/document.xml");
}

/// Runs the reflow gate (`tests/a11y/reflow.mjs`) over pages; returns (success, output).
fn reflow(pages: &[PathBuf]) -> (bool, String) {
    let out = Command::new("node")
        .arg(root().join("tests/a11y/reflow.mjs"))
        .args(pages)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("`node` is required for the reflow gate (Debian package nodejs): {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_ne!(out.status.code(), Some(2), "the reflow gate could not run (it needs chromium):\n{text}");
    (out.status.success(), text)
}

fn html_pages(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            html_pages(&p, out);
        } else if p.extension().is_some_and(|x| x == "html") {
            out.push(p);
        }
    }
}

#[test]
fn every_html_page_of_the_examples_reflows_at_320_px_without_scrolling_sideways() {
    let dir = tempdir();
    let d = dir.path();
    let runs: [&[&str]; 4] = [
        &["build", "inputs/", "-f", "html", "-q", "-o"],
        &["pack", "inputs/cabinet-2024-01-18.yaml", "-f", "html", "-q", "-o"],
        &[
            "decisions",
            "inputs/cabinet-2024-01-18.yaml",
            "inputs/cabinet-2024-01-18-outcome.yaml",
            "-f",
            "html",
            "-q",
            "-o",
        ],
        &["forward-plan", "inputs/", "--published", "2023-12-15", "-f", "html", "-q", "-o"],
    ];
    for (i, args) in runs.iter().enumerate() {
        let to = d.join(format!("run{i}"));
        let mut all = args.to_vec();
        all.push(s(&to));
        let out = cabrep(&all);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    // And a paper with a reference of 110 characters and no space in it, in its text and in a
    // table cell.
    let long =
        "CAB_2024_0118_POF_PHASE1_TRANSFORMATION_REVIEWS_SCOPE_AND_GOVERNANCE_APPENDIX_A_FINANCIAL_SCHEDULE_V12_FINAL";
    let starter = String::from_utf8(cabrep(&["new", "report"]).stdout).expect("utf-8");
    let text = starter.replacen(
        "  What this report is about, in a paragraph or two.",
        &format!("  The schedule is filed as {long} in the register."),
        1,
    );
    assert!(text.contains(long));
    let yaml = write(d, "long.yaml", &text);
    let out = cabrep(&["build", s(&yaml), "-f", "html", "-q", "-o", s(&d.join("long"))]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut pages = Vec::new();
    html_pages(d, &mut pages);
    pages.sort();
    let names: Vec<String> = pages.iter().map(|p| p.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for want in ["powering-our-future.html", "-index.html", "-decisions.html", "forward-plan.html", "long.html"] {
        assert!(names.iter().any(|n| n.ends_with(want)), "no *{want} among {names:?}");
    }
    let (ok, report) = reflow(&pages);
    assert!(ok, "{report}");
    assert_eq!(report.matches("REFLOWS at 320 px").count(), pages.len(), "{report}");
}

#[test]
fn the_reflow_gate_fails_a_page_that_scrolls_sideways_at_320_px() {
    let dir = tempdir();
    let page = write(
        dir.path(),
        "wide.html",
        "<!DOCTYPE html><html lang=\"en\"><head><title>Wide</title></head>\
         <body><main><div style=\"width:600px\">A block wider than the screen</div></main></body></html>",
    );
    let (ok, report) = reflow(&[page]);
    assert!(!ok, "{report}");
    assert!(report.contains("SCROLLS at 320 px") && report.contains("too wide: div"), "{report}");
}

/// Whether a PDF's XMP claims PDF/UA (`pdfuaid:part`).
fn claims_pdf_ua(pdf: &Path) -> bool {
    let out = pikepdf_script(
        "import sys, pikepdf\npdf = pikepdf.open(sys.argv[1])\nprint('pdfuaid:part' in pdf.Root.Metadata.read_bytes().decode())\n",
        pdf,
    );
    match out.trim() {
        "True" => true,
        "False" => false,
        other => panic!("{other}"),
    }
}

#[test]
fn a_bound_tagged_pdf_drawing_outside_its_tags_takes_the_pdf_ua_claim_away_and_says_which_pages() {
    let dir = tempdir();
    let d = dir.path();
    let out = cabrep(&["build", "inputs/highways-capital-programme.yaml", "-f", "pdf", "-q", "-o", s(d)]);
    assert!(out.status.success(), "{}", stderr(&out));
    // A filled square drawn on page 2 after the page's own content, in no marked content.
    let bound = d.join("drawn.pdf");
    let done = pikepdf_script(
        &format!(
            "import sys, pikepdf\npdf = pikepdf.open(sys.argv[1])\n\
             pdf.pages[1].contents_add(pikepdf.Stream(pdf, b'q 0 0 1 rg 72 72 20 20 re f Q'), prepend=False)\n\
             pdf.save({:?})\nprint('ok')\n",
            s(&bound)
        ),
        &d.join("highways-capital-programme.pdf"),
    );
    assert_eq!(done.trim(), "ok");
    let meeting = cabinet_meeting(d, "  - title: Capital programme as drawn on\n    file: drawn.pdf\n");
    let out = cabrep(&["pack", s(&meeting), "-f", "pdf", "-o", s(&d.join("out"))]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("drawn.pdf draws content outside its tags on page 2:"), "{err}");
    assert!(err.contains("cannot claim PDF/UA-1"), "{err}");
    let pack = std::fs::read_dir(d.join("out"))
        .expect("out")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().ends_with("-pack.pdf"))
        .expect("a pack");
    assert!(!claims_pdf_ua(&pack), "the pack does not claim PDF/UA-1");
    // veraPDF agrees the bound page breaks the rule that all content is tagged (7.1-3).
    let (ok, report) = verapdf(&[bound]);
    assert!(!ok && report.contains("7.1-3"), "{report}");
}

#[test]
fn the_example_public_and_part_2_packs_draw_nothing_outside_their_tags_and_claim_pdf_ua_1() {
    let dir = tempdir();
    let out = cabrep(&["pack", "inputs/cabinet-2024-01-18.yaml", "-f", "pdf", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("outside its tags"), "{}", stderr(&out));
    let mut packs: Vec<PathBuf> = std::fs::read_dir(dir.path())
        .expect("out")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
        .collect();
    packs.sort();
    assert!(packs.iter().any(|p| p.to_string_lossy().ends_with("-part2.pdf")), "{packs:?}");
    for pack in &packs {
        assert!(claims_pdf_ua(pack), "{}", pack.display());
    }
    let (ok, report) = verapdf(&packs);
    assert!(ok, "{report}");
}
