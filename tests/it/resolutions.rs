//! Recommendation styles a template chooses (imperative, "That …", third person), `check`
//! understanding them, and the decision record in the matching style, with everything a
//! resolution holds (a table in the clerk's amended words) in every format.

use std::path::Path;

use crate::common::*;

/// A council's template written in the third person: "It is recommended that the Cabinet:
/// 1. Approves …", resolved "RESOLVED that the Cabinet: 1. Approved …".
const THIRD_PERSON: &str = r#"extends = "cabinet"
[wording]
recommendations_lead = "It is recommended that the {{body}}:"
[resolutions]
style = "third-person"
[decisions_record]
resolved = "RESOLVED that the {{body}}:"
"#;

/// The example meeting with the highways report alone (the other reports become plain items,
/// so the numbering stands), its recommendations in the third person.
fn third_person_meeting(dir: &Path) {
    copy_inputs(dir, &["cabinet-2024-01-18.yaml", "highways-capital-programme.yaml", "minutes-2023-12-14.pdf"]);
    std::fs::create_dir_all(dir.join("third")).expect("mkdir");
    write(&dir.join("third"), "template.toml", THIRD_PERSON);
    let meeting = read_text(&dir.join("cabinet-2024-01-18.yaml"))
        .replace("  - report: powering-our-future.yaml", "  - title: Powering Our Future")
        .replace("  - report: land-disposal.yaml", "  - title: Disposal of Land");
    write(dir, "cabinet-2024-01-18.yaml", &meeting);
    let report = read_text(&dir.join("highways-capital-programme.yaml"))
        .replace("    - Approve the Highways", "    - Approves the Highways")
        .replace("    - Delegate authority", "    - Delegates authority")
        .replace("    - Note the indicative", "    - Notes the indicative");
    write(dir, "highways-capital-programme.yaml", &report);
}

#[test]
fn a_third_person_template_checks_its_own_wording_without_a_warning_and_warns_on_an_imperative_one() {
    let dir = tempdir();
    third_person_meeting(dir.path());
    let report = dir.path().join("highways-capital-programme.yaml");
    let template = dir.path().join("third");
    let out = cabrep(&["check", "-q", "--deny-warnings", "--template", s(&template), s(&report)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("not a verb"), "{}", stderr(&out));

    let imperative = read_text(&report).replace("    - Notes the indicative", "    - Note the indicative");
    let wrong = write(dir.path(), "imperative.yaml", &imperative);
    let out = cabrep(&["check", "-q", "--template", s(&template), s(&wrong)]);
    let err = stderr(&out);
    assert!(out.status.success(), "a warning alone passes: {err}");
    assert!(
        err.contains(":35:7: warning: recommendations.items[2]: recommendation starts with `Note`, not as this template's recommendations are written (third-person style"),
        "{err}"
    );
}

#[test]
fn a_third_person_record_resolves_in_the_past_and_prints_the_table_of_amended_words_in_every_format() {
    let dir = tempdir();
    third_person_meeting(dir.path());
    write(
        dir.path(),
        "outcome.yaml",
        "schema: cabrep/outcome/v1\npublished: 2024-01-19\nitems:\n  - item: 6\n    decisions:\n      - recommendation: 1\n      - recommendation: 3\n      - text: |\n          Approves a tax base of 82,717.1 made up as follows:\n\n          | Area | Band D equivalents |\n          |---|---|\n          | Billingham | 11,234.5 |\n          | Yarm | 71,482.6 |\n",
    );
    let out_dir = dir.path().join("out");
    let out = cabrep(&[
        "decisions",
        "-q",
        "-f",
        "docx,pdf,html",
        "--template",
        s(&dir.path().join("third")),
        "-o",
        s(&out_dir),
        s(&dir.path().join("cabinet-2024-01-18.yaml")),
        s(&dir.path().join("outcome.yaml")),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let wanted = [
        "RESOLVED that the Cabinet:",
        "1. Approved the Highways Capital Programme 2024/25 set out at Section 2 of the report.",
        "2. Noted the indicative programme for 2025/26, which will be confirmed when the Council's funding allocations are announced.",
        "3. Approved a tax base of 82,717.1 made up as follows:",
        "Billingham",
        "11,234.5",
        "Yarm",
        "71,482.6",
    ];
    let pdf = squash(&pdf_text(&out_dir.join("cabinet-2024-01-18-decisions.pdf"))).replace('’', "'");
    assert_in_order(&pdf, &wanted);
    let docx = squash(&docx_text(&docx_part(&out_dir.join("cabinet-2024-01-18-decisions.docx"), "word/document.xml")))
        .replace('’', "'");
    // Word numbers the list itself: the words without their numbers.
    let unnumbered: Vec<&str> =
        wanted.iter().map(|w| w.split_once(". ").filter(|(n, _)| n.len() == 1).map_or(*w, |(_, r)| r)).collect();
    assert_in_order(&docx, &unnumbered);
    let html = read_text(&out_dir.join("cabinet-2024-01-18-decisions.html"))
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace('’', "'");
    assert!(html.contains("<table"), "the resolution's table is a table in the HTML");
    let html = squash(&without_tags(&html));
    assert_in_order(&html, &unnumbered[..1]);
    for w in &unnumbered[1..] {
        assert!(html.contains(w), "{w} in the HTML record");
    }
    // Never two marks at the end of a resolution.
    for bad in [";.", ":.", "..", "; and."] {
        assert!(!pdf.contains(bad), "{bad} in {pdf}");
    }
}

#[test]
fn amended_words_ending_with_a_colon_carry_the_recommendations_table_into_the_record() {
    let dir = tempdir();
    highways_meeting(dir.path());
    let report = read_text(&dir.path().join("highways-capital-programme.yaml")).replace(
        "    - Note the indicative programme",
        "    - text: \"Approve a tax base made up as follows:\"\n      note: |\n        | Area | Band D equivalents |\n        |---|---|\n        | Yarm | 71,482.6 |\n    - Note the indicative programme",
    );
    write(dir.path(), "highways-capital-programme.yaml", &report);
    let decisions = "      - recommendation: 3\n        text: \"Approve a revised tax base made up as follows:\"\n";
    let (out, out_dir) = highways_record(dir.path(), decisions, "pdf");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("does not carry"), "{}", stderr(&out));
    let pdf = squash(&pdf_text(&out_dir.join("cabinet-2024-01-18-decisions.pdf")));
    assert_in_order(&pdf, &["1. A revised tax base be approved, made up as follows:", "Yarm", "71,482.6"]);
    assert!(!pdf.contains("follows:."), "{pdf}");
}
