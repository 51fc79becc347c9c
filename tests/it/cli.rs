//! The command-line contract: exit statuses, located errors, no partial output, batches.

use crate::common::*;

#[test]
fn bad_input_gives_a_located_error_exit_1_and_no_output_file() {
    let dir = tempdir();
    let bad = example().replacen("    - Approve the Highways", "    - text: [a, list]\n    - Approve the Highways", 1);
    let input = write(dir.path(), "bad.yaml", &bad);
    let out_dir = dir.path().join("out");
    let out = cabrep(&["build", input.to_str().expect("utf-8"), "-o", out_dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let first = err.lines().next().expect("a diagnostic");
    assert_eq!(
        first,
        format!("{}:33:13: error: recommendations.items[0].text: expected text, found a list", input.display())
    );
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    assert!(!out_dir.join("bad.pdf").exists() && !out_dir.join("bad.docx").exists(), "no output for a bad input");
}

#[test]
fn a_failed_build_leaves_the_previous_file_intact() {
    let dir = tempdir();
    let input = write(dir.path(), "r.yaml", &example());
    let d = dir.path().to_str().expect("utf-8");
    let ok = cabrep(&["build", input.to_str().expect("utf-8"), "-o", d, "-q"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let before = std::fs::read(dir.path().join("r.pdf")).expect("pdf");
    write(dir.path(), "r.yaml", &example().replacen("likelihood: 3", "likelihood: 9", 1));
    let bad = cabrep(&["build", input.to_str().expect("utf-8"), "-o", d, "-q"]);
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(std::fs::read(dir.path().join("r.pdf")).expect("pdf"), before, "earlier file untouched");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary files left behind");
}

#[test]
fn all_problems_of_a_file_are_reported_in_one_run() {
    let dir = tempdir();
    let bad = example()
        .replacen("likelihood: 3", "likelihood: 0", 1)
        .replacen("forward_plan_ref: FP/2024/003\n", "", 1)
        .replacen("@stockton.gov.uk", "-at-stockton", 1)
        .replacen("](#programme)", "](#programm)", 1);
    let input = write(dir.path(), "many.yaml", &bad);
    let out = cabrep(&["check", input.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let heads: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(heads.len(), 4, "four errors: {err}");
    assert!(err.contains("decision: a key decision needs a Forward Plan reference"), "{err}");
    assert!(err.contains("risk.register[0].likelihood: likelihood must be 1 to 5, not 0"), "{err}");
    assert!(err.contains("contact.email:"), "{err}");
    assert!(err.contains("did you mean `#programme`?"), "{err}");
}

#[test]
fn json_message_format_gives_one_object_per_problem() {
    let dir = tempdir();
    let input = write(dir.path(), "j.yaml", &example().replacen("\ntitle:", "\ntitel:", 1));
    let out = cabrep(&["check", "--message-format", "json", "-q", input.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let v: serde_json::Value = serde_json::from_str(err.lines().next().expect("line")).expect("JSON");
    assert_eq!(v["path"], "titel");
    assert_eq!(v["severity"], "error");
    assert_eq!(v["message"], "unknown field `titel`");
    assert_eq!(v["help"], "did you mean `title`?");
    assert!(v["line"].as_u64().is_some_and(|l| l > 1));
}

#[test]
fn a_batch_with_one_bad_file_builds_the_rest_and_exits_1() {
    let dir = tempdir();
    let src = dir.path().join("reports");
    std::fs::create_dir(&src).expect("mkdir");
    write(&src, "a.yaml", &example());
    write(&src, "b.yaml", &example().replacen("decision: key", "decision: kye", 1));
    write(&src, "c.yaml", &example());
    // A meeting file and a missions register in the folder are recognised and skipped.
    std::fs::copy(root().join("inputs/missions.yaml"), src.join("missions.yaml")).expect("copy");
    let out_dir = dir.path().join("out");
    let out = cabrep(&["build", src.to_str().expect("utf-8"), "-o", out_dir.to_str().expect("utf-8"), "-j", "2"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("b.yaml:7:11: error: decision: unknown value `kye`"), "{err}");
    assert!(err.contains("did you mean `key`?"), "{err}");
    for stem in ["a", "c"] {
        assert!(out_dir.join(format!("{stem}.pdf")).exists(), "{stem}.pdf built");
        assert!(out_dir.join(format!("{stem}.docx")).exists(), "{stem}.docx built");
    }
    assert!(!out_dir.join("b.pdf").exists());
    assert!(!out_dir.join("missions.pdf").exists(), "the register is not built as a report");
    assert!(err.contains("built 2 of 3 report(s)"), "one summary line when not a terminal: {err}");
}

#[test]
fn a_bad_command_line_exits_2() {
    let out = cabrep(&["build"]);
    assert_eq!(out.status.code(), Some(2));
    let out = cabrep(&["build", "inputs/highways-capital-programme.yaml", "-f", "rtf"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_broken_template_exits_3() {
    let dir = tempdir();
    let out =
        cabrep(&["build", "inputs/highways-capital-programme.yaml", "--template", dir.path().to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("template.toml"), "{}", stderr(&out));
}

#[test]
fn check_writes_nothing_and_passes_the_examples() {
    let out = cabrep(&["check", "inputs/"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
