//! The author sees every problem at once: the JSON Schema that `cabrep schema` prints agrees
//! with `cabrep check` on every example and every bad input (where the two differ by design, the
//! table below says why).

use super::common::*;

use std::path::{Path, PathBuf};

use cabrep::input::{InputKind, SourceFile};
use serde_json::Value;

/// `cabrep schema KIND` as a validator that checks formats (`"format": "date"`) too.
fn validator(kind: &str) -> jsonschema::Validator {
    let out = cabrep(&["schema", kind]);
    assert!(out.status.success(), "cabrep schema {kind}: {}", stderr(&out));
    let schema: Value = serde_json::from_slice(&out.stdout).expect("the schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("schema {kind} is not a usable JSON Schema: {e}"))
}

/// The `cabrep schema` kind a file is checked against.
fn schema_kind(path: &Path, text: &str) -> &'static str {
    let src = SourceFile::from_bytes(path.display().to_string(), path.to_path_buf(), text.as_bytes().to_vec())
        .expect("UTF-8");
    match src.kind() {
        InputKind::Report => "report",
        InputKind::Meeting => "meeting",
        InputKind::Missions => "missions",
        InputKind::Outcome => "outcome",
        InputKind::ForwardPlan => "forward-plan",
    }
}

/// The `*.yaml` files of a folder of the repository, sorted.
fn yaml_in(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

/// What the schema finds wrong with a file, as an editor sees it (YAML read into JSON); a file
/// that is not YAML at all (not UTF-8, a syntax error, two documents) is one problem.
fn schema_problems(path: &Path, validators: &[(&str, jsonschema::Validator)]) -> Vec<String> {
    let bytes = std::fs::read(path).expect("read");
    let Ok(text) = String::from_utf8(bytes) else { return vec!["not UTF-8".into()] };
    let doc = match serde_saphyr::from_str::<Value>(&text) {
        Ok(d) => d,
        Err(e) => return vec![format!("not YAML: {e}")],
    };
    let kind = schema_kind(path, &text);
    let v = &validators.iter().find(|(k, _)| *k == kind).expect("a validator per kind").1;
    v.iter_errors(&doc).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

fn validators() -> Vec<(&'static str, jsonschema::Validator)> {
    ["report", "meeting", "missions", "outcome", "forward-plan"].into_iter().map(|k| (k, validator(k))).collect()
}

#[test]
fn every_example_of_every_kind_validates_against_its_schema() {
    let validators = validators();
    let mut kinds = Vec::new();
    for path in yaml_in("inputs") {
        let problems = schema_problems(&path, &validators);
        assert!(
            problems.is_empty(),
            "{} is valid for cabrep but not for its schema:\n{}",
            path.display(),
            problems.join("\n")
        );
        kinds.push(schema_kind(&path, &std::fs::read_to_string(&path).expect("read")));
    }
    for kind in ["report", "meeting", "missions", "outcome", "forward-plan"] {
        assert!(kinds.contains(&kind), "no example of a {kind} file was checked");
    }
}

/// The bad inputs that `check` rejects and the schema accepts, and why the schema cannot tell.
/// (No bad input is accepted by `check` and rejected by the schema.)
const BY_DESIGN: &[(&str, &str)] = &[
    ("appendix-not-pdf.yaml", "the schema cannot read the file an appendix names"),
    ("duplicate-section-id.yaml", "JSON Schema cannot require one property to be unique across a list's items"),
    (
        "financial-row-wrong-value-count.yaml",
        "JSON Schema cannot match one list's length to another's (values to columns)",
    ),
    ("missing-missions-register-file.yaml", "the schema cannot see whether a named file exists"),
    ("phone-not-uk.yaml", "the schema asks for text; counting the digits of a UK number is check's"),
    ("table-row-wrong-cell-count.yaml", "JSON Schema cannot match one list's length to another's (cells to columns)"),
    ("unknown-cross-reference.yaml", "the schema cannot read the Markdown for `[Section](#id)` links to section ids"),
    ("unknown-mission-id.yaml", "the schema cannot know the missions register's ids"),
    ("widths-count-mismatch.yaml", "JSON Schema cannot match one list's length to another's (widths to columns)"),
];

#[test]
fn schema_and_check_agree_on_every_bad_input_but_those_listed_by_design() {
    let validators = validators();
    let mut disagree = Vec::new();
    let mut agree = Vec::new();
    for path in yaml_in("tests/bad") {
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_owned();
        let schema_rejects = !schema_problems(&path, &validators).is_empty();
        let out = cabrep(&["check", "-q", path.to_str().expect("UTF-8 path")]);
        let check_rejects = match out.status.code() {
            Some(0) => false,
            Some(1) => true,
            other => panic!("cabrep check {name}: exit {other:?}\n{}", stderr(&out)),
        };
        if schema_rejects == check_rejects {
            agree.push(name);
        } else {
            disagree.push((
                name,
                if check_rejects { "check rejects, schema accepts" } else { "schema rejects, check accepts" },
            ));
        }
    }
    let unlisted: Vec<String> = disagree
        .iter()
        .filter(|(n, _)| !BY_DESIGN.iter().any(|(d, _)| d == n))
        .map(|(n, how)| format!("{n}: {how}"))
        .collect();
    assert!(unlisted.is_empty(), "schema and check disagree, and the table does not say why:\n{}", unlisted.join("\n"));
    let stale: Vec<&str> = BY_DESIGN.iter().map(|(n, _)| *n).filter(|n| agree.iter().any(|a| a == n)).collect();
    assert!(stale.is_empty(), "listed as disagreeing by design, but the two now agree: {stale:?}");
    let missing: Vec<&str> =
        BY_DESIGN.iter().map(|(n, _)| *n).filter(|n| !disagree.iter().any(|(d, _)| d == n)).collect();
    assert!(missing.is_empty(), "listed by design, but no such bad input: {missing:?}");
    assert!(agree.len() + disagree.len() >= 70, "only {} bad inputs were compared", agree.len() + disagree.len());
}

/// The reference report with five different mistakes, and the first line of each error.
fn five_mistakes() -> (String, [&'static str; 5]) {
    let text = std::fs::read_to_string(root().join("inputs/highways-capital-programme.yaml"))
        .expect("example")
        .replacen("report_of: Director", "reprot_of: Director", 1)
        .replacen("decision: key", "decision: 5", 1)
        .replacen("title: Highways Capital Programme 2024/25", "title: [Highways, Capital Programme]", 1)
        .replacen("      likelihood: 3", "      likelihood: high", 1)
        .replacen("  post: Highways Asset Manager\n", "", 1);
    let expected = [
        // An unknown field, a typo (and `report_of` is not reported missing as well).
        "five.yaml:6:1: error: reprot_of: unknown field `reprot_of`",
        // A number where one of the decision kinds is expected.
        "five.yaml:7:11: error: decision: unknown value `5`",
        // A list where text is expected.
        "five.yaml:12:8: error: title: expected text, found a list",
        // A bad type deep in the file.
        "five.yaml:99:19: error: risk.register[0].likelihood: expected a whole number from 1 to 5, found `high`",
        // A missing required field.
        "five.yaml:123:1: error: contact: missing field `post`",
    ];
    (text, expected)
}

/// Runs `cabrep ARGS…` in `dir`.
fn cabrep_in(dir: &Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_cabrep"))
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run cabrep")
}

#[test]
fn five_different_mistakes_are_all_reported_located_in_one_run() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (text, expected) = five_mistakes();
    std::fs::write(dir.path().join("five.yaml"), text).expect("write");
    std::fs::create_dir(dir.path().join("out")).expect("output folder");
    for args in [&["check", "five.yaml"][..], &["build", "five.yaml", "-o", "out", "-f", "docx,pdf,html"]] {
        let command = args[0];
        let out = cabrep_in(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{command}: {}", stderr(&out));
        let err = stderr(&out);
        let errors: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
        assert_eq!(errors, expected, "{command} reports each mistake once, in source order:\n{err}");
    }
    let written: Vec<_> = std::fs::read_dir(dir.path().join("out")).into_iter().flatten().collect();
    assert!(written.is_empty(), "no output is written for a file with errors: {written:?}");
}

#[test]
fn the_json_message_format_carries_every_mistake() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (text, expected) = five_mistakes();
    std::fs::write(dir.path().join("five.yaml"), text).expect("write");
    let out = cabrep_in(dir.path(), &["check", "--message-format", "json", "five.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let found: Vec<String> = stderr(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .map(|d| {
            let path = d["path"].as_str().unwrap_or("");
            format!(
                "{}:{}:{}: {}: {path}: {}",
                d["file"].as_str().unwrap_or(""),
                d["line"],
                d["column"],
                d["severity"].as_str().unwrap_or(""),
                d["message"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(found, expected);
}

/// A report with 40 unknown fields and 40 list items of the wrong type: 80 mistakes.
fn eighty_mistakes() -> String {
    let mut text = std::fs::read_to_string(root().join("inputs/highways-capital-programme.yaml")).expect("example");
    let papers: String = (0..40).map(|i| format!("  - [paper {i}]\n")).collect();
    text = text.replacen("background_papers:\n", &format!("background_papers:\n{papers}"), 1);
    for i in 0..40 {
        text.push_str(&format!("unrelated_{i}: x\n"));
    }
    text
}

#[test]
fn eighty_mistakes_print_fifty_and_count_the_rest() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("eighty.yaml"), eighty_mistakes()).expect("write");
    let out = cabrep_in(dir.path(), &["check", "eighty.yaml"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().filter(|l| l.contains(": error: ")).count(), 50, "{err}");
    assert!(err.lines().any(|l| l == "eighty.yaml: and 30 more problems"), "{err}");

    let json = cabrep_in(dir.path(), &["check", "--message-format", "json", "eighty.yaml"]);
    let all = stderr(&json).lines().filter(|l| l.starts_with('{') && l.contains("\"error\"")).count();
    assert_eq!(all, 80, "the JSON format carries every error");
}
