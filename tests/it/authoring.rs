//! The author's loop: `check` of every kind of input file, `new` starters for each kind, and
//! the small aids to writing a file by hand.

use crate::common::*;

#[test]
fn check_of_every_example_file_of_every_kind_exits_0() {
    let mut args = vec!["check".to_owned()];
    for e in std::fs::read_dir(root().join("inputs")).expect("inputs") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "yaml") {
            args.push(p.display().to_string());
        }
    }
    assert!(args.len() >= 7, "{args:?}");
    let o = cabrep(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains(&format!("checked {} file(s): ok", args.len() - 1)), "{e}");
    assert!(!e.contains("error"), "{e}");
}

#[test]
fn check_of_a_folder_checks_meetings_missions_outcomes_and_plans_too() {
    let o = cabrep(&["check", "inputs", "inputs/previous-meeting"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("checked 11 file(s): ok"), "{}", stderr(&o));
}

#[test]
fn a_warning_of_a_report_named_twice_through_a_meeting_is_printed_once() {
    let o = cabrep(&["check", "inputs/cabinet-2024-01-18.yaml", "inputs/powering-our-future.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert_eq!(e.matches("the template's guide is 12").count(), 1, "{e}");
}

#[test]
fn check_of_a_meeting_loads_its_reports_and_reports_their_errors() {
    let dir = tempdir();
    let meeting = std::fs::read_to_string(root().join("inputs/cabinet-2024-01-18.yaml")).expect("read");
    for f in [
        "powering-our-future.yaml",
        "highways-capital-programme.yaml",
        "land-disposal.yaml",
        "missions.yaml",
        "minutes-2023-12-14.pdf",
    ] {
        std::fs::copy(root().join("inputs").join(f), dir.path().join(f)).expect("copy");
    }
    let bad = std::fs::read_to_string(root().join("inputs/land-disposal.yaml")).expect("read").replacen(
        "schema: cabrep/report/v1\n",
        "schema: cabrep/report/v1\nbogus: 1\n",
        1,
    );
    write(dir.path(), "land-disposal.yaml", &bad);
    let m = write(dir.path(), "meeting.yaml", &meeting);
    let o = cabrep(&["check", s(&m)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("land-disposal.yaml:2:1: error: bogus: unknown field"), "{}", stderr(&o));
}

#[test]
fn check_of_an_outcome_file_finds_an_item_given_twice_and_an_unreal_date() {
    let dir = tempdir();
    let f = write(dir.path(), "o.yaml", "schema: cabrep/outcome/v1\npublished: 2024-02-30\nitems:\n  - item: 4\n  - item: 4\n    decisions:\n      - {}\n");
    let o = cabrep(&["check", s(&f)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("o.yaml:2:12: error: published: `2024-02-30` is not a real date"), "{e}");
    assert!(e.contains("o.yaml:5:11: error: items[1].item: agenda item 4 is already given at items[0]"), "{e}");
    assert!(e.contains("error: items[1].decisions[0]: a decision needs a `recommendation` number"), "{e}");
}

#[test]
fn a_file_whose_kind_cannot_be_told_is_told_which_schema_line_to_add() {
    let dir = tempdir();
    let f = write(dir.path(), "x.yaml", "colour: blue\n");
    let o = cabrep(&["check", s(&f)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("x.yaml:1:1: error: this is not a report"), "{e}");
    assert!(e.contains("help: if this is an input of cabrep, say which with its first line: `schema: cabrep/report/v1` (a report), `schema: cabrep/meeting/v1`"), "{e}");
    assert_eq!(e.matches("error:").count(), 1, "{e}");
}

#[test]
fn an_unknown_schema_line_is_one_located_error_listing_the_known_ones() {
    let dir = tempdir();
    let f = write(dir.path(), "x.yaml", "# a meeting\nschema: cabrep/meting/v1\nitems: []\n");
    let o = cabrep(&["check", s(&f)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("x.yaml:2:9: error: schema: unknown format `cabrep/meting/v1`"), "{e}");
    assert!(e.contains("`schema: cabrep/meeting/v1` (a meeting file)"), "{e}");
    assert_eq!(e.matches("error:").count(), 1, "{e}");
}

#[test]
fn build_of_a_meeting_file_says_what_it_is_and_that_pack_builds_it() {
    let out = tempdir();
    let o = cabrep(&["build", "inputs/cabinet-2024-01-18.yaml", "-o", s(out.path())]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("inputs/cabinet-2024-01-18.yaml:1:1: error: this is a meeting file, not a report"), "{e}");
    assert!(e.contains("help: `cabrep pack inputs/cabinet-2024-01-18.yaml` builds its agenda pack"), "{e}");
    assert_eq!(std::fs::read_dir(out.path()).expect("out").count(), 0);
}

#[test]
fn build_of_an_outcome_file_names_the_decisions_command() {
    let out = tempdir();
    let o = cabrep(&["build", "inputs/cabinet-2024-01-18-outcome.yaml", "-o", s(out.path())]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("cabinet-2024-01-18-outcome.yaml:3:1: error: this is an outcome file, not a report"), "{e}");
    assert!(e.contains("`cabrep decisions MEETING inputs/cabinet-2024-01-18-outcome.yaml`"), "{e}");
}

#[test]
fn build_of_a_folder_still_skips_files_that_are_not_reports() {
    let out = tempdir();
    let o = cabrep(&["build", "inputs", "-o", s(out.path()), "-f", "tree"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("built 4 of 4 report(s)"), "{}", stderr(&o));
}

#[test]
fn pack_of_a_report_says_what_it_is_and_that_build_builds_it() {
    let out = tempdir();
    let o = cabrep(&["pack", "inputs/land-disposal.yaml", "-o", s(out.path())]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("inputs/land-disposal.yaml:1:1: error: this is a report, not a meeting file"), "{e}");
    assert!(e.contains("help: `cabrep build inputs/land-disposal.yaml` builds it"), "{e}");
}

#[test]
fn new_writes_a_starter_of_every_kind_that_check_accepts() {
    let dir = tempdir();
    for kind in ["report", "meeting", "missions", "outcome", "forward-plan"] {
        let f = dir.path().join(format!("{kind}.yaml"));
        let o = cabrep(&["new", kind, s(&f)]);
        assert_eq!(o.status.code(), Some(0), "new {kind}: {}", stderr(&o));
        let text = std::fs::read_to_string(&f).expect("starter written");
        assert!(text.contains(&format!("schema: cabrep/{kind}/v1")), "{kind}: {text}");
    }
    for kind in ["report", "meeting", "missions", "outcome", "forward-plan"] {
        let f = dir.path().join(format!("{kind}.yaml"));
        let o = cabrep(&["check", s(&f)]);
        assert_eq!(o.status.code(), Some(0), "check of `new {kind}`: {}", stderr(&o));
    }
}

#[test]
fn an_unquoted_phone_number_gets_a_located_warning_to_quote_it() {
    let dir = tempdir();
    let report = cabrep(&["new", "report"]);
    let text =
        String::from_utf8(report.stdout).expect("utf-8").replacen("phone: \"01642 527657\"", "phone: 01642527657", 1);
    assert!(text.contains("phone: 01642527657"));
    let line = text.lines().position(|l| l.contains("phone: 01642527657")).expect("phone line") + 1;
    let f = write(dir.path(), "r.yaml", &text);
    let o = cabrep(&["check", s(&f)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains(&format!(
            "r.yaml:{line}:10: warning: contact.phone: the phone number `01642527657` is not in quotes"
        )),
        "{e}"
    );
    assert!(e.contains("help: write it in quotes, as text: `phone: \"01642527657\"`"), "{e}");
    // A meeting's contact too, as a warning: the pack still builds.
    let meeting = String::from_utf8(cabrep(&["new", "meeting"]).stdout).expect("utf-8").replacen(
        "phone: \"01642 528158\"",
        "phone: 01642528158",
        1,
    );
    let m = write(dir.path(), "m.yaml", &meeting);
    let o = cabrep(&["check", s(&m)]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("warning: meeting.contact.phone: the phone number `01642528158` is not in quotes"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_meeting_file_named_pack_yaml_makes_pack_pdf_not_pack_pack_pdf() {
    let dir = tempdir();
    let out = tempdir();
    let meeting = String::from_utf8(cabrep(&["new", "meeting"]).stdout).expect("utf-8");
    let m = write(dir.path(), "cabinet-pack.yaml", &meeting);
    let o = cabrep(&["pack", s(&m), "-o", s(out.path()), "-f", "pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(out.path().join("cabinet-pack.pdf").is_file(), "{}", stderr(&o));
    assert!(!out.path().join("cabinet-pack-pack.pdf").exists());
    assert!(pdf_text(&out.path().join("cabinet-pack.pdf")).contains("Evacuation Procedure"));
}

#[test]
fn the_table_row_hint_says_to_quote_a_cell_that_holds_a_comma() {
    let dir = tempdir();
    let report = String::from_utf8(cabrep(&["new", "report"]).stdout).expect("utf-8");
    assert!(report.contains("sections:"));
    let text = report.replacen("sections:\n", "sections:\n  - title: Wards\n    body:\n      - table:\n          columns: [Ward, Schemes]\n          rows:\n            - [Stockton, Billingham, 3]\n", 1);
    let f = write(dir.path(), "r.yaml", &text);
    let o = cabrep(&["check", s(&f)]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("row has 3 cells; the table has 2 columns"), "{e}");
    assert!(e.contains("quote a cell that holds a comma: `[\"North, South\", 3]`"), "{e}");
}

#[test]
fn contents_false_leaves_out_the_contents_list_of_a_long_report_and_true_adds_one_to_a_short_one() {
    let dir = tempdir();
    let out = tempdir();
    let long = std::fs::read_to_string(root().join("inputs/powering-our-future.yaml")).expect("read");
    std::fs::copy(root().join("inputs/missions.yaml"), dir.path().join("missions.yaml")).expect("copy");
    let long = write(
        dir.path(),
        "long.yaml",
        &long.replacen("schema: cabrep/report/v1\n", "schema: cabrep/report/v1\ncontents: false\n", 1),
    );
    let short = String::from_utf8(cabrep(&["new", "report"]).stdout).expect("utf-8");
    let short = write(
        dir.path(),
        "short.yaml",
        &short.replacen("schema: cabrep/report/v1\n", "schema: cabrep/report/v1\ncontents: true\n", 1),
    );
    let o = cabrep(&["build", s(&long), s(&short), "-o", s(out.path()), "-f", "pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("help: consider moving detail into appendices") && !e.contains("a contents list is added"),
        "{e}"
    );
    let long_text = squash(&pdf_text(&out.path().join("long.pdf")));
    let short_text = squash(&pdf_text(&out.path().join("short.pdf")));
    assert!(!long_text.contains("CONTENTS"), "{long_text}");
    assert!(short_text.contains("CONTENTS"), "{short_text}");
    // Without `contents:`, the long example keeps its list.
    let o = cabrep(&["build", "inputs/powering-our-future.yaml", "-o", s(out.path()), "-f", "pdf"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(squash(&pdf_text(&out.path().join("powering-our-future.pdf"))).contains("CONTENTS"));
}
