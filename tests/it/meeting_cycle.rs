//! The meeting cycle: resolutions in the clerk's words (from the seed records' recommendations,
//! written as imperatives), formatting kept into the record, wording warnings in `check`, and
//! the Forward Plan — key decisions only, in order, an exempt one reduced to its title,
//! paragraph and "private", the 28-clear-day check and the reference checks.

use std::path::Path;

use crate::common::lib::{plain_text, resolution, rich_text, Rules, Template};
use crate::common::*;

fn rules() -> Rules {
    Rules::from_template(&Template::builtin().expect("template"))
}

/// A recommendation reworded with the built-in template, as the record prints it.
fn resolve(recommendation: &str, rules: &Rules) -> (String, usize) {
    let mut problems = Vec::new();
    let inline = rich_text::parse_inline(recommendation, &rich_text::Xrefs::default(), "x", &mut problems);
    assert!(problems.is_empty(), "{problems:?}");
    let r = resolution::reword(&inline, &rules.resolutions);
    (plain_text(&r.text), r.warnings.len())
}

/// The wording with its "be agreed"/"be noted" phrases taken out, and those phrases: a clerk
/// accepts "be agreed" before or after a trailing phrase.
fn variation(s: &str) -> (String, Vec<String>) {
    let mut phrases = Vec::new();
    let mut rest = s.trim_end_matches('.').to_owned();
    while let Some(at) = rest.find(" be ") {
        let end = rest[at + 4..].find([' ', ',']).map_or(rest.len(), |e| at + 4 + e);
        phrases.push(rest[at..end].to_owned());
        rest.replace_range(at..end, "");
    }
    phrases.sort();
    (rest, phrases)
}

#[test]
fn the_seed_002_recommendations_written_as_imperatives_give_the_seeds_resolutions() {
    let rules = rules();
    // (the recommendation as an officer writes it, the resolution in the published record)
    let cases = [
        (
            "Agree the overall approach to strategic planning and delivery set out in this report.",
            "The overall approach to strategic planning and delivery set out in this report be agreed.",
        ),
        ("Agree the Powering our Future Objectives set out within the report.", "The Powering our Future Objectives set out within the report be agreed."),
        ("Agree the Powering our Future Principles set out within the report.", "The Powering our Future Principles set out within the report be agreed."),
        (
            "Agree that a Big Conversation take place with communities to develop a Vision for the future, from September 2023.",
            "A Big Conversation take place with communities to develop a Vision for the future, from September 2023.",
        ),
        (
            "Agree a new approach to strategic planning being introduced during 2023 leading to a new Corporate Plan being approved in June 2024.",
            "A new approach be agreed to strategic planning being introduced during 2023 leading to a new Corporate Plan being approved in June 2024.",
        ),
        (
            "Establish a Place Leadership Board to develop our approach to joint working with partners.",
            "The Council establish a Place Leadership Board to develop our approach to joint working with partners.",
        ),
        (
            "Note progress and agree future plans for the Transformation Programme, focused on Outcome-based Reviews, Service Reviews and delivering improvements in Children’s Services.",
            "Progress be noted and future plans be agreed for the Transformation Programme, focused on Outcome-based Reviews, Service Reviews and delivering improvements in Children’s Services.",
        ),
        (
            "Note the alignment of Fairer Stockton-on-Tees with the Powering Our Future programme and the medium-term priority actions that will be progressed to address inequality in the Borough.",
            "The alignment of Fairer Stockton-on-Tees with the Powering Our Future programme and the medium-term priority actions that will be progressed to address inequality in the Borough be noted.",
        ),
        (
            "Agree that Asset Based Community Development - an approach be agreed and programme of work is developed to embed working with our communities and partners in all that we do, based on their strengths and resources - to shape and drive our priorities, actions and monitoring of impact.",
            "Asset Based Community Development - an approach be agreed and programme of work is developed to embed working with our communities and partners in all that we do, based on their strengths and resources - to shape and drive our priorities, actions and monitoring of impact.",
        ),
        (
            "Agree the development of a Workforce Strategy and Action Plan to ensure we have a workforce that can support and deliver services which are fit for the future and that a further report be presented to Cabinet.",
            "The development of a Workforce Strategy and Action Plan be agreed to ensure we have a workforce that can support and deliver services which are fit for the future and that a further report be presented to Cabinet.",
        ),
    ];
    let mut exact = 0;
    for (recommendation, seed) in cases {
        let (got, warnings) = resolve(recommendation, &rules);
        assert_eq!(warnings, 0, "{recommendation}");
        assert_eq!(variation(&got), variation(seed), "\n  got:  {got}\n  seed: {seed}");
        exact += usize::from(got == seed);
    }
    // Most read word for word as the clerk wrote them; the rest differ only in where "be agreed" stands.
    assert!(exact >= 6, "{exact} of 10 word for word");
}

#[test]
fn the_seed_003_recommendations_give_each_verb_its_own_clause() {
    let rules = rules();
    let cases = [
        ("Agree the draft Mission Statement and Council Missions set out at Sections 2 & 3", "The draft Mission Statement and Council Missions set out at Sections 2 & 3 be agreed."),
        ("Agree the approach to Communities Powering Our Future, set out at Section 4", "The approach to Communities Powering Our Future, set out at Section 4 be agreed."),
        (
            "Note the findings from the Employee Survey, and agree the priority work strands for the Workforce Development Strategy (Section 7)",
            "The findings from the Employee Survey be noted, and the priority work strands for the Workforce Development Strategy (Section 7) be agreed.",
        ),
        ("Agree the Smart Working Policy set out at Section 7 and attached at appendix 1", "The Smart Working Policy set out at Section 7 and attached at appendix 1 be agreed."),
        (
            "Note the areas of focus for Regeneration Powering Our Future (Section 8) and agree to receive future updates on individual areas of activity.",
            "The areas of focus for Regeneration Powering Our Future (Section 8) be noted and future updates on individual areas of activity be received.",
        ),
    ];
    for (recommendation, want) in cases {
        let (got, warnings) = resolve(recommendation, &rules);
        assert_eq!((got.as_str(), warnings), (want, 0), "{recommendation}");
        // No imperative is left inside a resolution.
        for verb in [" agree ", " note ", " Agree ", " Note "] {
            assert!(!got.contains(verb), "`{verb}` left in: {got}");
        }
    }
}

fn starter_with(dir: &Path, name: &str, first_recommendation: &str) -> String {
    let text = lib::STARTER_REPORT.replace(
        "    - Agree the proposals set out at [Section](#proposals).",
        &format!("    - {first_recommendation}"),
    );
    assert_ne!(text, lib::STARTER_REPORT, "the starter's first recommendation moved");
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.to_str().expect("utf-8").to_owned()
}

#[test]
fn a_recommendation_of_two_sentences_warns_in_check_at_its_line() {
    let dir = tempdir();
    let p = starter_with(
        dir.path(),
        "two-sentences.yaml",
        "Agree the plan. It is recommended that the Board reviews it in a year.",
    );
    let out = cabrep(&["check", "-q", &p]);
    assert_eq!(out.status.code(), Some(0), "a warning alone passes: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{p}:27:7: warning: recommendations.items[0]: the recommendation has more than one sentence"
        )),
        "{err}"
    );
    assert!(
        err.contains("will read: “The plan be agreed. It is recommended that the Board reviews it in a year.”"),
        "{err}"
    );
    // Cross-references in the resolution read as the record prints them.
    let out = cabrep(&[
        "check",
        "-q",
        "--deny-warnings",
        &starter_with(dir.path(), "one.yaml", "Agree the plan at [Section](#proposals)."),
    ]);
    assert_eq!(out.status.code(), Some(0), "one sentence: no warning: {}", stderr(&out));
}

#[test]
fn bold_and_a_link_in_a_recommendation_survive_into_the_html_and_docx_record() {
    let dir = tempdir();
    starter_with(dir.path(), "policy.yaml", "Agree the **Smart Working Policy** and note the [guidance](https://example.org/guide) in [Section](#proposals).");
    let meeting = lib::STARTER_MEETING.replace(
        "  # - report: my-report.yaml        # a report, built as by `cabrep build`",
        "  - report: policy.yaml",
    );
    assert_ne!(meeting, lib::STARTER_MEETING);
    std::fs::write(dir.path().join("meeting.yaml"), meeting).expect("write");
    std::fs::write(dir.path().join("outcome.yaml"), "schema: cabrep/outcome/v1\npublished: 2024-01-19\n")
        .expect("write");
    let d = |n: &str| dir.path().join(n).to_str().expect("utf-8").to_owned();
    let out = cabrep(&["decisions", &d("meeting.yaml"), &d("outcome.yaml"), "-f", "html,docx", "-o", &d("out")]);
    assert!(out.status.success(), "{}", stderr(&out));
    // No `record_summary:`: one warning says so.
    assert_eq!(stderr(&out).matches("no `record_summary:`").count(), 1, "{}", stderr(&out));
    let html = std::fs::read_to_string(dir.path().join("out/meeting-decisions.html")).expect("html");
    assert!(html.contains("<strong>Smart Working Policy</strong> be agreed and the <a href=\"https://example.org/guide\">guidance</a> in Section\u{a0}2 of the report be noted."), "{html}");
    let docx = dir.path().join("out/meeting-decisions.docx");
    let xml = docx_part(&docx, "word/document.xml");
    let bold_run = xml.split("<w:r>").find(|r| r.contains("Smart Working Policy")).expect("the bold run");
    assert!(bold_run.contains("<w:b/>"), "{bold_run}");
    assert!(xml.contains("<w:hyperlink"), "no hyperlink in the DOCX");
    assert!(docx_part(&docx, "word/_rels/document.xml.rels").contains("https://example.org/guide"));
    assert!(
        docx_text(&xml).contains("be agreed and the guidance in Section\u{a0}2 of the report be noted."),
        "{}",
        docx_text(&xml)
    );
}

const EXEMPT_CONTENT: [&str; 6] = [
    "Andrew Pearson",
    "andrew.pearson",
    "Estates Manager",
    "1,234,567",
    "preferred bidder",
    "financial or business affairs",
];

fn plan(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["forward-plan"];
    all.extend_from_slice(args);
    all.extend(["-o", dir.to_str().expect("utf-8")]);
    cabrep(&all)
}

#[test]
fn the_forward_plan_of_the_inputs_lists_key_decisions_only_in_order_and_an_exempt_one_by_title() {
    let dir = tempdir();
    let out = plan(dir.path(), &["inputs/", "--published", "2023-12-15", "-f", "pdf,html,docx,tree"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "33 clear days' notice: {}", stderr(&out));
    let pdf = dir.path().join("2023-12-15-forward-plan.pdf");
    let text = squash(&pdf_text(&pdf));
    assert_in_order(
        &text,
        &[
            "Forward Plan: notice of key decisions",
            "Published Friday 15 December 2023",
            "Highways Capital Programme 2024/25",
            "Decision maker: Cabinet",
            "Date of decision: Thursday 18 January 2024",
            "Forward Plan reference: FP/2024/003",
            "Documents to be submitted:",
            "Highways Capital Programme 2024/25 (report)",
            "Contact officer: Helen Marsden, Highways Asset Manager, 01642 526703",
            "To be taken in private: No",
            "Disposal of Land at Teesdale Business Park",
            "Decision maker: Cabinet",
            "Forward Plan reference: FP/2024/011",
            "To be taken in private: Yes, by virtue of paragraph 3 of Part 1 of Schedule 12A",
        ],
    );
    // Not a key decision: not on the plan.
    assert!(!text.contains("Powering Our Future"), "{text}");
    // The exempt entry holds nothing after "private".
    let exempt = &text[text.find("Disposal of Land").expect("exempt entry")..];
    assert!(!exempt.contains("Documents to be submitted") && !exempt.contains("Contact officer"), "{exempt}");
    // No byte of any output holds the exempt report's content.
    let html = std::fs::read(dir.path().join("2023-12-15-forward-plan.html")).expect("html");
    let tree = std::fs::read(dir.path().join("2023-12-15-forward-plan.tree.json")).expect("tree");
    let docx = dir.path().join("2023-12-15-forward-plan.docx");
    let xml = docx_part(&docx, "word/document.xml");
    let raw_pdf = std::fs::read(&pdf).expect("pdf");
    for needle in EXEMPT_CONTENT {
        for (name, hay) in [
            ("pdf text", text.as_bytes()),
            ("pdf", &raw_pdf[..]),
            ("html", &html[..]),
            ("tree", &tree[..]),
            ("docx", xml.as_bytes()),
        ] {
            assert!(!hay.windows(needle.len()).any(|w| w == needle.as_bytes()), "`{needle}` in the plan's {name}");
        }
    }
    let html = String::from_utf8(html).expect("utf-8");
    assert!(html.contains("<html lang=\"en-GB\"") && html.contains("<h1"), "an accessible page");
}

#[test]
fn a_key_decision_20_days_after_publication_warns_of_the_general_exception() {
    let dir = tempdir();
    let out = plan(dir.path(), &["inputs/", "--published", "2023-12-29", "-f", "html"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("inputs/highways-capital-programme.yaml:5:9: warning: meeting.date: `FP/2024/003` is taken 19 clear days after the plan's publication (29 December 2023), not 28: the decision needs the general exception procedure (reg. 10)"),
        "{err}"
    );
    assert!(err.contains("at least 5 clear days before the decision"), "{err}");
    // Three days before: too late for the general exception.
    let out = plan(dir.path(), &["inputs/", "--published", "2024-01-15", "-f", "html"]);
    assert!(stderr(&out).contains("`FP/2024/003` is taken 2 clear days after the plan's publication (15 January 2024), fewer than the 5 of the general exception: the decision needs the special urgency procedure (reg. 11)"), "{}", stderr(&out));
    let out = plan(dir.path(), &["inputs/", "--published", "2023-12-29", "-f", "html", "--deny-warnings"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn two_reports_with_one_reference_warn_at_the_second() {
    let dir = tempdir();
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).expect("mkdir");
    let highways = std::fs::read_to_string(root().join("inputs/highways-capital-programme.yaml")).expect("read");
    std::fs::write(reports.join("a.yaml"), &highways).expect("write");
    std::fs::write(
        reports.join("b.yaml"),
        highways.replace("title: Highways Capital Programme 2024/25", "title: Street Lighting Renewal"),
    )
    .expect("write");
    let out =
        plan(&dir.path().join("out"), &[reports.to_str().expect("utf-8"), "--published", "2023-12-15", "-f", "html"]);
    let err = stderr(&out);
    assert!(err.contains("b.yaml:8:19: warning: forward_plan_ref: `FP/2024/003` is also the reference of `Highways Capital Programme 2024/25`"), "{err}");
    assert!(!err.contains("a.yaml:"), "{err}");
}

#[test]
fn a_reference_no_plan_carries_warns_when_a_previous_plan_is_given() {
    let dir = tempdir();
    let previous = dir.path().join("previous.yaml");
    // The November plan as published: the December meeting's key decision is on it.
    let args = |prev: &str| {
        vec![
            "inputs/".to_owned(),
            "inputs/previous-meeting/".into(),
            "--published".into(),
            "2023-12-15".into(),
            "--previous".into(),
            prev.to_owned(),
            "-f".into(),
            "html".into(),
        ]
    };
    let run = |prev: &str| {
        let a = args(prev);
        plan(&dir.path().join("out"), &a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = run("inputs/forward-plan-2023-11-17.yaml");
    assert!(out.status.success() && !stderr(&out).contains("warning"), "{}", stderr(&out));
    // A previous plan without FP/2023/044: that decision was on no plan.
    std::fs::write(
        &previous,
        "schema: cabrep/forward-plan/v1\npublished: 2023-11-17\nreferences: [FP/2024/003, FP/2024/011]\n",
    )
    .expect("write");
    let out = run(previous.to_str().expect("utf-8"));
    let err = stderr(&out);
    assert!(err.contains("inputs/previous-meeting/mtfp-update.yaml:7:19: warning: forward_plan_ref: `FP/2023/044` is on no Forward Plan"), "{err}");
    // A previous plan that is not one: a located error, nothing written.
    std::fs::write(&previous, "schema: cabrep/forward-plan/v1\npublished: 2023-13-40\nreferences: []\n")
        .expect("write");
    let out = run(previous.to_str().expect("utf-8"));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("previous.yaml:2:12: error: published: `2023-13-40` is not a real date"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_bad_publication_date_is_a_command_line_error() {
    let dir = tempdir();
    let out = plan(dir.path(), &["inputs/", "--published", "15/12/2023"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("is not a real date"), "{}", stderr(&out));
}
