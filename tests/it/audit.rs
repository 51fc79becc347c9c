//! What an accessibility auditor checks beyond the validators: every table row of a PDF is named
//! by a row header (`TH`, `/Scope /Row`), no header cell is empty, and a long unbroken word (a
//! reference, a file name) wraps inside the page in the PDF and inside the screen in the HTML.

use crate::common::*;
use crate::screen_reader::read_structure;
use std::path::Path;

/// The reader's count of one kind in a part's summary line ("rows=34").
fn counted(report: &str, kind: &str) -> usize {
    let line = report.lines().find(|l| l.starts_with("part 1:")).unwrap_or("");
    line.split([' ', '(', ')'])
        .find_map(|w| w.strip_prefix(&format!("{kind}=")))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no {kind} count in:\n{report}"))
}

#[test]
fn every_row_of_every_example_table_is_named_by_a_row_header_in_the_pdf() {
    let dir = tempdir();
    let out = cabrep(&["build", "inputs/", "-f", "pdf,tree", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut rows = 0;
    for stem in ["powering-our-future", "highways-capital-programme", "hwb-mission-led-approach"] {
        let pdf = dir.path().join(format!("{stem}.pdf"));
        let tree = dir.path().join(format!("{stem}.tree.json"));
        let (ok, report) = read_structure(&pdf, &[s(&tree)]);
        // The reader also fails an empty TH (the corner over the row labels is a TD).
        assert!(ok, "{stem}:\n{report}");
        assert!(counted(&report, "rows") > 0, "{stem} has tables:\n{report}");
        assert_eq!(counted(&report, "row-headed"), counted(&report, "rows"), "{stem}:\n{report}");
        rows += counted(&report, "rows");
    }
    // The financial tables, the risk register and the missions table, all of them.
    assert!(rows >= 50, "{rows} rows");
}

/// A reference of 110 characters with no space in it, and nothing the line breaker would break
/// at by itself (no hyphen, no slash, no address).
const LONG_REFERENCE: &str = "CAB_2024_0118_POF_PHASE1_TRANSFORMATION_REVIEWS_SCOPE_AND_GOVERNANCE_\
                              APPENDIX_A_FINANCIAL_SCHEDULE_V12_FINAL_AGREED";

fn report_with_long_words(dir: &Path) -> std::path::PathBuf {
    assert!(LONG_REFERENCE.len() >= 110, "{}", LONG_REFERENCE.len());
    let starter = String::from_utf8(cabrep(&["new", "report"]).stdout).expect("utf-8");
    let text = starter.replacen(
        "  What this report is about, in a paragraph or two.",
        &format!("  The schedule is filed as {LONG_REFERENCE} in the register."),
        1,
    );
    assert!(text.contains(LONG_REFERENCE));
    write(dir, "long.yaml", &text)
}

#[test]
fn a_110_character_reference_wraps_inside_the_page_in_the_pdf_and_reads_whole() {
    let dir = tempdir();
    let yaml = report_with_long_words(dir.path());
    let out = cabrep(&["build", s(&yaml), "-f", "pdf", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = dir.path().join("long.pdf");
    // Every word poppler finds lies inside the page's width.
    let bbox = poppler("pdftotext", &["-bbox", s(&pdf), "-"]);
    let width: f64 = bbox
        .split("<page width=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .and_then(|w| w.parse().ok())
        .expect("page width");
    let mut words = 0;
    for line in bbox.lines().filter(|l| l.trim_start().starts_with("<word ")) {
        let x_max: f64 =
            line.split("xMax=\"").nth(1).and_then(|r| r.split('"').next()).and_then(|x| x.parse().ok()).expect("xMax");
        assert!(x_max <= width, "a word runs off the page ({x_max} > {width}): {line}");
        words += 1;
    }
    assert!(words > 20, "{bbox}");
    // The reference reads whole: only line breaks (and zero-width break opportunities) in it.
    let text: String = pdf_text(&pdf).chars().filter(|c| !c.is_whitespace() && *c != '\u{200B}').collect();
    assert!(text.contains(LONG_REFERENCE), "{text}");
}

#[test]
fn body_text_of_the_html_wraps_anywhere_so_a_long_word_cannot_scroll_the_page_sideways() {
    let dir = tempdir();
    let yaml = report_with_long_words(dir.path());
    let out = cabrep(&["build", s(&yaml), "-f", "html", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read_text(&dir.path().join("long.html"));
    let body_rule = html.lines().find(|l| l.starts_with("body {")).expect("a body rule");
    assert!(body_rule.contains("overflow-wrap: anywhere"), "{body_rule}");
    // Table cells too, at every width: a long word in a cell cannot widen its table.
    let cell_rule = html.lines().find(|l| l.starts_with("th, td {")).expect("a cell rule");
    assert!(cell_rule.contains("overflow-wrap: anywhere"), "{cell_rule}");
    assert!(html.contains(LONG_REFERENCE), "the word itself is unchanged in the HTML");
}

/// A tagged PDF of cabrep's own, made hostile to the pack's conformance with lopdf: a role map
/// with a cycle and standard types mapped to themselves, and a web link on its first page that
/// is outside the structure tree, with no `/Contents`, on a page without `/Tabs`.
fn tagged_with_defects(dir: &Path) -> std::path::PathBuf {
    let out = cabrep(&["build", "inputs/highways-capital-programme.yaml", "-f", "pdf", "-q", "-o", s(dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut doc = lopdf::Document::load(dir.join("highways-capital-programme.pdf")).expect("load");
    use lopdf::{Dictionary, Object};
    let root = doc.trailer.get(b"Root").and_then(Object::as_reference).expect("root");
    let tree = doc.get_dictionary(root).and_then(|c| c.get(b"StructTreeRoot")).and_then(Object::as_reference);
    let tree = tree.expect("a tagged PDF");
    let mut roles = Dictionary::new();
    for (role, to) in [
        ("Document", "Document"),
        ("H1", "H1"),
        ("Loop", "Back"),
        ("Back", "Loop"),
        ("Heading1", "Caption1"),
        ("Caption1", "H1"),
    ] {
        roles.set(role, Object::Name(to.as_bytes().to_vec()));
    }
    doc.get_dictionary_mut(tree).expect("tree").set("RoleMap", roles);
    let mut action = Dictionary::new();
    action.set("S", Object::Name(b"URI".to_vec()));
    action.set("URI", Object::string_literal("https://example.org/site-plan"));
    let mut link = Dictionary::new();
    link.set("Type", Object::Name(b"Annot".to_vec()));
    link.set("Subtype", Object::Name(b"Link".to_vec()));
    link.set("Rect", vec![72.into(), 72.into(), 200.into(), 90.into()]);
    link.set("A", action);
    let link = doc.add_object(link);
    let page = *doc.get_pages().get(&1).expect("page 1");
    let p = doc.get_dictionary_mut(page).expect("page");
    let mut annots = p.get(b"Annots").and_then(Object::as_array).cloned().unwrap_or_default();
    annots.push(Object::Reference(link));
    p.set("Annots", annots);
    p.remove(b"Tabs");
    let bound = dir.join("bound.pdf");
    doc.save(&bound).expect("save");
    bound
}

fn meeting_binding(dir: &Path, file: &str) -> std::path::PathBuf {
    cabinet_meeting(dir, &format!("  - title: Capital programme as bound\n    file: {file}\n"))
}

#[test]
fn a_bound_pdfs_circular_role_map_and_untagged_link_are_repaired_and_the_pack_keeps_its_pdf_ua_claim() {
    let dir = tempdir();
    tagged_with_defects(dir.path());
    let m = meeting_binding(dir.path(), "bound.pdf");
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&m), "-f", "pdf", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = std::fs::read_dir(&out_dir)
        .expect("out")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().ends_with("-pack.pdf"))
        .expect("a pack");
    let report = pikepdf_script(
        r#"
import sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
root = pdf.Root.StructTreeRoot
for role, to in sorted(root.get("/RoleMap", {}).items()):
    print("role", role, to)
nums = list(root.ParentTree.Nums)
parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
for n, page in enumerate(pdf.pages):
    for a in page.obj.get("/Annots", []):
        if a.get("/Subtype") != "/Link":
            continue
        uri = str(a.A.URI) if "/A" in a and "/URI" in a.A else ""
        elem = parents.get(int(a.StructParent)) if "/StructParent" in a else None
        objr = [k for k in (elem.K if elem is not None else []) if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR"]
        print("link", n + 1, uri, "elem=%s" % (elem.S if elem is not None else None),
              "objr=%s" % any(k.Obj.objgen == a.objgen for k in objr),
              "contents=%r" % str(a.get("/Contents", "")), "tabs=%s" % page.obj.get("/Tabs"))
xmp = pdf.Root.Metadata.read_bytes().decode()
print("pdfua", "pdfuaid:part" in xmp)
"#,
        &pdf,
    );
    // No standard type is remapped, no cycle is left; each custom role leads to a standard type.
    assert!(!report.contains("role /Document") && !report.contains("role /H1 "), "{report}");
    assert!(report.contains("role /Loop /Div") && report.contains("role /Back /Div"), "{report}");
    assert!(report.contains("role /Heading1 /H1") && report.contains("role /Caption1 /H1"), "{report}");
    // The web link is tagged: a Link element holding an object reference to it, described, on a
    // page whose tab order follows the structure.
    let line = report.lines().find(|l| l.contains("https://example.org/site-plan")).expect("the link is kept");
    assert!(line.contains("elem=/Link") && line.contains("objr=True"), "{line}");
    assert!(line.contains("contents='Link to https://example.org/site-plan'") && line.contains("tabs=/S"), "{line}");
    for l in report.lines().filter(|l| l.starts_with("link ")) {
        assert!(l.contains("elem=/Link") && l.contains("tabs=/S") && !l.contains("contents=''"), "{l}");
    }
    assert!(report.contains("pdfua True"), "every part is tagged: the pack claims PDF/UA-1\n{report}");
}

/// Runs veraPDF's PDF/UA-1 rules over `pdfs` (`tests/tools/verapdf`); fails loudly when veraPDF
/// is not installed. Returns whether every file passed, and what it printed.
pub(crate) fn verapdf(pdfs: &[std::path::PathBuf]) -> (bool, String) {
    let out = std::process::Command::new(root().join("tests/tools/verapdf"))
        .args(pdfs)
        .output()
        .expect("tests/tools/verapdf runs (bash, java)");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_ne!(
        out.status.code(),
        Some(2),
        "veraPDF is required for this test (CI installs it: tests/tools/verapdf --install): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(matches!(out.status.code(), Some(0 | 1)), "veraPDF failed: {}", String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

fn file_ending(dir: &Path, end: &str) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .find(|p| p.to_string_lossy().ends_with(end))
        .unwrap_or_else(|| panic!("no *{end} in {}", dir.display()))
}

#[test]
fn verapdf_finds_no_pdf_ua_1_failure_in_reports_packs_records_and_the_forward_plan() {
    let dir = tempdir();
    let d = dir.path();
    let out = cabrep(&["build", "inputs/", "-f", "pdf", "-q", "-o", s(d)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cabrep(&["pack", "inputs/cabinet-2024-01-18.yaml", "-f", "pdf", "-q", "-o", s(d)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cabrep(&[
        "decisions",
        "inputs/cabinet-2024-01-18.yaml",
        "inputs/cabinet-2024-01-18-outcome.yaml",
        "-f",
        "pdf",
        "-q",
        "-o",
        s(d),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cabrep(&["forward-plan", "inputs/", "--published", "2023-12-15", "-f", "pdf", "-q", "-o", s(d)]);
    assert!(out.status.success(), "{}", stderr(&out));
    // A pack binding a tagged PDF with a circular role map and an untagged link, repaired.
    let bound = d.join("bound");
    std::fs::create_dir_all(&bound).expect("mkdir");
    tagged_with_defects(&bound);
    let m = meeting_binding(&bound, "bound.pdf");
    let out = cabrep(&["pack", s(&m), "-f", "pdf", "-q", "-o", s(&bound.join("out"))]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdfs = vec![
        d.join("powering-our-future.pdf"),
        d.join("hwb-mission-led-approach.pdf"),
        file_ending(d, "-pack.pdf"),
        file_ending(d, "-part2.pdf"),
        file_ending(d, "-decisions.pdf"),
        file_ending(d, "forward-plan.pdf"),
        file_ending(&bound.join("out"), "-pack.pdf"),
    ];
    let (ok, report) = verapdf(&pdfs);
    assert!(ok, "{report}");
    assert_eq!(report.matches(": PASS (0 failed rules)").count(), pdfs.len(), "{report}");
}

#[test]
fn verapdf_fails_the_defective_bound_pdf_as_it_is_so_the_gate_can_fail() {
    // The gate can fail: the defective PDF itself, as bound, breaks PDF/UA-1's role map rules.
    let dir = tempdir();
    let bound = tagged_with_defects(dir.path());
    let (ok, report) = verapdf(&[bound]);
    assert!(!ok, "{report}");
    assert!(report.contains("FAIL"), "{report}");
}
