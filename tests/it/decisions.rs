//! The decision record: resolutions reworded from the recommendations, amendments and additions
//! from the outcome file, interests, the call-in deadline, and no exempt content in public.

use crate::common::*;

const MARKER: &str = "1,234,567";

fn build(dir: &std::path::Path) -> String {
    let out = cabrep(&[
        "decisions",
        "inputs/cabinet-2024-01-18.yaml",
        "inputs/cabinet-2024-01-18-outcome.yaml",
        "-f",
        "docx,pdf,html",
        "-q",
        "-o",
        dir.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    squash(&pdf_text(&dir.join("cabinet-2024-01-18-decisions.pdf")))
}

#[test]
fn record_resolves_amends_adds_and_declares() {
    let dir = tempdir();
    let text = build(dir.path());
    assert_in_order(
        &text,
        &[
            "Record of decisions: Cabinet, Thursday 18 January 2024",
            "Agenda item 5 – Powering Our Future – Programme Update",
            // The report's `record_summary:`, in the past tense.
            "Consideration was given to a report that provided an update on the Powering Our Future Programme",
            "RESOLVED that:",
            "1. The draft Mission Statement and Council Missions set out at Sections 2 & 3 of the report be agreed.",
            // Coordinated clauses, each with its own verb.
            "5. The findings from the Employee Survey be noted, and the priority work strands for the Workforce Development Strategy (Section 7 of the report) be agreed.",
            "Reasons for the Decision",
            "Alternative Options Considered and Rejected",
            "Declared (Cabinet Member) Conflicts of Interest",
            "Details of any Dispensations",
            "Date and Time by which Call In must be executed",
            // Published Friday 19 January 2024: five working days later.
            "Midnight Friday 26 January 2024",
            "Agenda item 6 – Highways Capital Programme 2024/25",
            // No `record_summary:`: the summary, as written.
            "Consideration was given to a report that sets out the proposed Highways Capital Programme",
            "1. The Highways Capital Programme 2024/25 set out at Section 2 of the report be approved.",
            // Amended.
            "2. Authority be delegated to the Director of Community Services, Environment and Culture, in consultation with the Cabinet Member for Environment and Transport and the Ward Councillors affected",
            // Added.
            "4. A report on the condition of the bridge network to Cabinet in July 2024 be requested.",
            // The report's own alternative options are carried over.
            "Reactive maintenance only",
            "Councillor Norma Stephenson O.B.E: Personal non-prejudicial interest",
            "Agenda item 8 – Disposal of Land at Teesdale Business Park",
            "Not for publication by virtue of paragraph 3",
            // The meeting's Proper Officer closes the record.
            "Proper Officer",
            "Sarah Kirkby",
            "Democratic Services Officer",
        ],
    );
}

#[test]
fn exempt_content_is_only_in_the_part2_record() {
    let dir = tempdir();
    let public_text = build(dir.path());
    assert!(!public_text.contains(MARKER));
    let part2 = squash(&pdf_text(&dir.path().join("cabinet-2024-01-18-decisions-part2.pdf")));
    assert!(part2.contains("NOT FOR PUBLICATION"));
    assert!(part2.contains("Disposal of Land at Teesdale Business Park"));
    // The exempt report's summary and decisions are in Part 2 only.
    let exempt_summary = "preferred bidder";
    let html = std::fs::read_to_string(dir.path().join("cabinet-2024-01-18-decisions.html")).expect("html");
    let docx = docx_part(&dir.path().join("cabinet-2024-01-18-decisions.docx"), "word/document.xml");
    for (name, s) in [("html", &html), ("docx", &docx), ("pdf", &public_text)] {
        assert!(
            !s.contains(MARKER) && !s.to_lowercase().contains(exempt_summary),
            "exempt content in the public {name}"
        );
    }
    assert!(part2.to_lowercase().contains("disposal") && part2.contains("RESOLVED that:"));
}

#[test]
fn an_outcome_naming_a_non_report_item_is_a_located_error() {
    let dir = tempdir();
    let bad = dir.path().join("outcome.yaml");
    std::fs::write(&bad, "schema: cabrep/outcome/v1\npublished: 2024-01-19\nitems:\n  - item: 2\n").expect("write");
    let out = cabrep(&[
        "decisions",
        "inputs/cabinet-2024-01-18.yaml",
        bad.to_str().expect("utf-8"),
        "-o",
        dir.path().to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("outcome.yaml:4:11: error: items[0].item: agenda item 2 is not a report of this meeting"),
        "{err}"
    );
}

/// The example meeting's files: the meeting, its outcome and everything they name.
const EXAMPLE_MEETING: &[&str] = &[
    "cabinet-2024-01-18.yaml",
    "cabinet-2024-01-18-outcome.yaml",
    "minutes-2023-12-14.pdf",
    "powering-our-future.yaml",
    "highways-capital-programme.yaml",
    "land-disposal.yaml",
    "missions.yaml",
];

#[test]
fn a_record_with_no_proper_officer_prints_no_empty_heading_and_warns() {
    let dir = tempdir();
    copy_inputs(dir.path(), EXAMPLE_MEETING);
    let meeting = dir.path().join("cabinet-2024-01-18.yaml");
    let text = read_text(&meeting)
        .replace("  proper_officer:\n    name: Sarah Kirkby\n    post: Democratic Services Officer\n", "");
    assert!(!text.contains("proper_officer"), "the example names its Proper Officer where this test expects");
    std::fs::write(&meeting, text).expect("write");
    let outcome = dir.path().join("cabinet-2024-01-18-outcome.yaml");
    let out_dir = dir.path().join("out");
    let args = |deny: bool| {
        let mut a = vec!["decisions", s(&meeting), s(&outcome), "-f", "pdf,html", "-o", s(&out_dir)];
        if deny {
            a.push("--deny-warnings");
        }
        a.into_iter().map(str::to_owned).collect::<Vec<_>>()
    };
    let run = |deny: bool| {
        let a = args(deny);
        cabrep(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = run(false);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("warning: the record names no Proper Officer to sign it"), "{err}");
    let text = squash(&pdf_text(&out_dir.join("cabinet-2024-01-18-decisions.pdf")));
    assert!(!text.contains("Proper Officer"), "no heading with no one under it: {text}");
    let html = read_text(&out_dir.join("cabinet-2024-01-18-decisions.html"));
    assert!(!html.contains("Proper Officer"), "no heading in the HTML either");
    // With --deny-warnings the missing signatory fails the record.
    std::fs::remove_dir_all(&out_dir).expect("clean");
    let out = run(true);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

/// The example meeting in a folder of its own, with the highways report's first recommendation
/// introducing a table of figures in its note, as a council's tax-base recommendation does.
fn meeting_with_a_table_in_a_recommendation(dir: &std::path::Path) {
    copy_inputs(dir, EXAMPLE_MEETING);
    let report = dir.join("highways-capital-programme.yaml");
    let text = read_text(&report).replacen(
        "    - Approve the Highways Capital Programme 2024/25 set out at [Section](#programme).\n",
        "    - text: \"Approve a net tax base of 82,717.1 for the whole area made up as follows:\"\n      note: |\n        | Parish | Tax base |\n        |---|--:|\n        | Egglescliffe | 3,217.4 |\n        | Elton | 98.6 |\n",
        1,
    );
    assert!(text.contains("82,717.1"), "the example's first recommendation is where this test expects");
    std::fs::write(&report, text).expect("write");
}

#[test]
fn a_table_in_a_recommendations_note_reaches_the_record_in_every_format() {
    let dir = tempdir();
    meeting_with_a_table_in_a_recommendation(dir.path());
    let out_dir = dir.path().join("out");
    let out = cabrep(&[
        "decisions",
        s(&dir.path().join("cabinet-2024-01-18.yaml")),
        s(&dir.path().join("cabinet-2024-01-18-outcome.yaml")),
        "-f",
        "docx,pdf,html",
        "-o",
        s(&out_dir),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = squash(&pdf_text(&out_dir.join("cabinet-2024-01-18-decisions.pdf")));
    assert_in_order(
        &pdf,
        &[
            "A net tax base of 82,717.1 for the whole area be approved, made up as follows:",
            "Egglescliffe",
            "3,217.4",
            "Elton",
            "98.6",
        ],
    );
    assert!(!pdf.contains(";.") && !pdf.contains(":."), "no doubled punctuation: {pdf}");
    let docx = docx_text(&docx_part(&out_dir.join("cabinet-2024-01-18-decisions.docx"), "word/document.xml"));
    assert_in_order(&docx, &["be approved, made up as follows:", "Egglescliffe", "3,217.4", "Elton", "98.6"]);
    let html = read_text(&out_dir.join("cabinet-2024-01-18-decisions.html"));
    assert_in_order(
        &html,
        &["be approved, made up as follows:", "<table", "Egglescliffe", "3,217.4", "Elton", "98.6", "</table>"],
    );
}
