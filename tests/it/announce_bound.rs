//! A bound document is announced: the agenda-item stamp on its first page is real content, a
//! heading a screen reader reads first in the document's part — for a tagged and an untagged
//! bound PDF, as an item of its own (`H1`) and as a report's appendix (`H2`) — and an untagged
//! one's heading says it is not accessible and whom to ask; read back with the structure
//! reader, and the example's packs still pass veraPDF.

use crate::audit::verapdf;
use crate::common::*;
use std::path::Path;
use std::process::Command;

/// An untagged A4 page saying `text`, written by qpdf from plain objects.
pub(crate) fn untagged(dir: &Path, name: &str, text: &str) {
    let stream = format!("BT /F1 24 Tf 72 600 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut raw = String::from("%PDF-1.7\n");
    for (i, o) in objects.iter().enumerate() {
        raw.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    raw.push_str("trailer\n<< /Root 1 0 R >>\n%%EOF\n");
    let rough = write(dir, &format!("{name}.rough.pdf"), &raw);
    let out = Command::new("qpdf").arg(&rough).arg(dir.join(format!("{name}.pdf"))).output().expect("qpdf runs");
    // 3: written, with warnings (the missing cross-reference table, rebuilt).
    assert!(matches!(out.status.code(), Some(0 | 3)), "qpdf: {}", String::from_utf8_lossy(&out.stderr));
}

/// A meeting binding the example's tagged minutes and an untagged plan as items of their own,
/// and an untagged plan as a report's appendix.
fn meeting(dir: &Path) -> std::path::PathBuf {
    copy_inputs(dir, &["minutes-2023-12-14.pdf", "powering-our-future.yaml", "missions.yaml"]);
    untagged(dir, "plan", "The untagged plan sentinel");
    untagged(dir, "annex", "The untagged annex sentinel");
    let report = read_text(&dir.join("powering-our-future.yaml"));
    assert!(report.contains("\nappendices:\n"), "the example report has appendices");
    let report = report.replace("\nappendices:\n", "\nappendices:\n  - title: Annex\n    file: annex.pdf\n");
    write(dir, "powering-our-future.yaml", &report);
    cabinet_meeting(
        dir,
        "  - title: Minutes of the last meeting\n    file: minutes-2023-12-14.pdf\n  - report: powering-our-future.yaml\n  - title: Site plan\n    file: plan.pdf\n",
    )
}

/// What the structure reader reads: every heading event, in reading order, one a line, as
/// `event PART KIND text` (PART from 1, its text without white space, as the reader compares
/// it), then each heading with its page, as `heading PAGE text` (PAGE from 1, the page its
/// marked content is on), then any problem the reader found.
const HEADINGS: &str = r#"
import sys
sys.path.insert(0, sys.argv[2])
import pikepdf, pdf_structure as ps
pdf = pikepdf.open(sys.argv[1])
reader = ps.Reader(pdf, ps.marked_text(sys.argv[1]))
pages = {p.objgen[0]: i + 1 for i, p in enumerate(pdf.pages)}
for n, (events, _, _) in enumerate(reader.parts()):
    for kind, text in events:
        print("event %d %s %s" % (n + 1, kind, text))
for page, text in reader.headings:
    print("heading %d %s" % (pages.get(page, 0), " ".join(text.split())))
for p in reader.problems:
    print("PROBLEM " + p)
"#;

pub(crate) fn read_back(pdf: &Path) -> Vec<String> {
    let out = Command::new("/usr/bin/python3")
        .args(["-c", HEADINGS, s(pdf), s(&root().join("tests/tools"))])
        .output()
        .expect("/usr/bin/python3 with pikepdf and pdfminer is required for this test");
    assert!(out.status.success(), "the structure reader failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).lines().map(str::to_owned).collect()
}

/// The text of one page, by pdftotext.
fn page_text(pdf: &Path, page: usize) -> String {
    let n = page.to_string();
    squash(&poppler("pdftotext", &["-f", &n, "-l", &n, s(pdf), "-"]))
}

#[test]
fn each_bound_documents_stamp_is_a_heading_read_first_on_its_first_page_and_an_untagged_one_says_it_is_not_accessible()
{
    let dir = tempdir();
    let m = meeting(dir.path());
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&m), "-f", "pdf", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pack = out_dir.join("meeting-pack.pdf");
    let read = read_back(&pack);
    assert!(!read.iter().any(|l| l.starts_with("PROBLEM")), "{read:#?}");

    // The first thing read in each bound document's part is its stamp, a heading, on the page
    // the document begins: that page shows the document's own text and the stamp.
    for (stamp, level, sentinel) in [
        ("Agenda item 2: Minutes of the last meeting", "H1", "Record of decisions"),
        ("Appendix 1", "H2", "The untagged annex sentinel"),
        ("Agenda item 4: Site plan", "H1", "The untagged plan sentinel"),
    ] {
        let want = nospace(stamp);
        let at = read
            .iter()
            .position(|l| {
                let mut f = l.splitn(4, ' ');
                f.next() == Some("event") && f.nth(1) == Some(level) && f.next().is_some_and(|t| t.starts_with(&want))
            })
            .unwrap_or_else(|| panic!("no {level} {stamp:?} in {read:#?}"));
        let part = read[at].split(' ').nth(1).expect("part");
        let first = read.iter().position(|l| l.starts_with(&format!("event {part} "))).expect("part read");
        assert_eq!(first, at, "the stamp is read first in its part: {read:#?}");
        let heading = read
            .iter()
            .find(|l| l.starts_with("heading ") && l.contains(stamp))
            .unwrap_or_else(|| panic!("{stamp:?} is on no page: {read:#?}"));
        let page: usize = heading.split(' ').nth(1).and_then(|n| n.parse().ok()).expect("page");
        let text = page_text(&pack, page);
        assert!(text.contains(sentinel), "{heading}: the page shows {sentinel:?}: {text}");
        assert!(text.contains(stamp), "{heading}: the stamp is still printed on the page: {text}");
    }
    // An untagged document's heading says it is not accessible and whom to ask (the built-in
    // template's wording); a tagged one's does not.
    let not_accessible = nospace("this document is not accessible; ask Sarah Whaley (sarah.whaley@stockton.gov.uk)");
    let event = |stamp: &str| {
        let want = nospace(stamp);
        let heading = |l: &&String| l.split(' ').nth(2).is_some_and(|k| k.starts_with('H'));
        read.iter().filter(heading).find(|l| l.contains(&want)).cloned().expect("read")
    };
    assert!(event("Agenda item 4: Site plan").contains(&not_accessible), "{read:#?}");
    assert!(event("Appendix 1").contains(&not_accessible), "{read:#?}");
    assert!(!event("Agenda item 2: Minutes").contains(&not_accessible), "{read:#?}");
    let plan_page = read.iter().find(|l| l.starts_with("heading ") && l.contains("Site plan")).expect("heading");
    let page = plan_page.split(' ').nth(1).expect("page");
    let shown = page_text(&pack, page.parse().expect("page"));
    assert!(shown.contains("this document is not accessible"), "printed on the page too: {shown}");
    // Read once: the stamp is not also somewhere else in the structure.
    let site_plan = nospace("Agenda item 4: Site plan");
    assert_eq!(read.iter().filter(|l| l.starts_with("event") && l.contains(&site_plan)).count(), 1, "{read:#?}");
}

#[test]
fn the_example_public_and_part_2_packs_still_pass_verapdf_with_their_stamps_tagged() {
    let dir = tempdir();
    let d = dir.path();
    let out = cabrep(&["pack", "inputs/cabinet-2024-01-18.yaml", "-f", "pdf", "-q", "-o", s(d)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = d.join("cabinet-2024-01-18-pack.pdf");
    let part2 = d.join("cabinet-2024-01-18-part2.pdf");
    // The example binds the last meeting's minutes: its stamp is a heading in the public pack.
    let read = read_back(&public);
    let minutes = nospace("Agenda item 4: Minutes of the meeting held on 14 December 2023");
    assert!(read.iter().any(|l| l.starts_with("event 2 H1 ") && l.ends_with(&minutes)), "{read:#?}");
    let (passed, report) = verapdf(&[public, part2]);
    assert!(passed, "{report}");
    assert_eq!(report.matches("PASS (0 failed rules)").count(), 2, "{report}");
}
