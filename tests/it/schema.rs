//! The JSON Schema that `cabrep schema` prints (for editor completion) agrees with the tool:
//! every example the tool accepts, the schema accepts; a typo'd field the tool rejects, the
//! schema rejects too. Checked with an independent validator (the `jsonschema` crate).

use std::path::{Path, PathBuf};

use crate::common::lib::{InputKind, SourceFile};
use crate::common::{cabrep, root};
use serde_json::Value;

fn cabrep_stdout(args: &[&str]) -> String {
    let out = cabrep(args);
    assert!(out.status.success(), "cabrep {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

/// Every kind of input file, each with its `cabrep schema KIND` and `cabrep new KIND`.
const KINDS: [&str; 5] = ["report", "meeting", "missions", "outcome", "forward-plan"];

/// `cabrep schema KIND`, parsed.
fn schema(kind: &str) -> Value {
    serde_json::from_str(&cabrep_stdout(&["schema", kind])).unwrap_or_else(|e| panic!("schema {kind} is not JSON: {e}"))
}

fn validator(kind: &str) -> jsonschema::Validator {
    jsonschema::validator_for(&schema(kind))
        .unwrap_or_else(|e| panic!("schema {kind} is not a usable JSON Schema: {e}"))
}

/// YAML → JSON, the way an editor's YAML extension sees the file.
fn yaml_to_json(text: &str) -> Value {
    serde_saphyr::from_str::<Value>(text).expect("YAML")
}

/// The problems the schema finds, one line each.
fn schema_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("{}: {e}", e.instance_path())).collect()
}

/// The schema a file is checked against: every kind the tool reads has one.
fn kind_of(path: &Path, text: &str) -> &'static str {
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

#[test]
fn the_schemas_are_json_schema_documents() {
    for kind in KINDS {
        let s = schema(kind);
        assert!(jsonschema::meta::is_valid(&s), "schema {kind} does not validate against its meta-schema");
        assert_eq!(s["type"], "object", "{kind}");
        assert_eq!(s["additionalProperties"], false, "{kind}: unknown fields are errors, as in the tool");
    }
}

#[test]
fn every_example_validates_against_its_schema() {
    let validators: Vec<_> = KINDS.iter().map(|k| (*k, validator(k))).collect();
    let mut seen = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("inputs"))
        .expect("inputs/")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    let mut docs: Vec<(String, String)> =
        files.iter().map(|p| (p.display().to_string(), std::fs::read_to_string(p).expect("read"))).collect();
    // The starters that `cabrep new` writes are valid inputs too.
    docs.push(("cabrep new report".into(), cabrep_stdout(&["new", "report"])));
    for kind in KINDS {
        docs.push((format!("cabrep new {kind}"), cabrep_stdout(&["new", kind])));
    }
    for (name, text) in &docs {
        let kind = kind_of(Path::new(name), text);
        let v = &validators.iter().find(|(k, _)| *k == kind).expect("kind").1;
        let errors = schema_errors(v, &yaml_to_json(text));
        assert!(
            errors.is_empty(),
            "{name} ({kind}) is valid for cabrep but not for `cabrep schema {kind}`:\n{}",
            errors.join("\n")
        );
        seen.push(kind);
    }
    for kind in KINDS {
        assert!(seen.contains(&kind), "no example of a {kind} file was checked");
    }
}

fn highways() -> String {
    std::fs::read_to_string(root().join("inputs/highways-capital-programme.yaml")).expect("example")
}

#[test]
fn a_typo_in_a_field_name_is_rejected_by_the_schema() {
    let v = validator("report");
    assert!(v.is_valid(&yaml_to_json(&highways())), "the example itself is valid");

    let typo = highways().replacen("\ntitle:", "\ntitel:", 1);
    let errors = schema_errors(&v, &yaml_to_json(&typo));
    assert!(!errors.is_empty(), "`titel:` must be rejected");
    assert!(errors.iter().any(|e| e.contains("titel")), "the error names the field: {errors:?}");
    assert!(errors.iter().any(|e| e.contains("title")), "and the missing `title`: {errors:?}");

    // At depth, and in values the schema knows.
    for (what, bad) in [
        ("contact.emial", highways().replacen("  email:", "  emial:", 1)),
        ("decision kye", highways().replacen("decision: key", "decision: kye", 1)),
        ("likelihood 6", highways().replacen("likelihood: 3", "likelihood: 6", 1)),
        ("impact 0", highways().replacen("impact: 3", "impact: 0", 1)),
        (
            "exempt paragraph 8",
            std::fs::read_to_string(root().join("inputs/land-disposal.yaml")).expect("example").replacen(
                "paragraphs: [3]",
                "paragraphs: [8]",
                1,
            ),
        ),
        ("a date that is not ISO", highways().replacen("date: 2024-01-18", "date: 18/01/2024", 1)),
        (
            "a recommendation that is a list",
            highways().replacen("    - Approve the", "    - [a, b]\n    - Approve the", 1),
        ),
    ] {
        assert!(!v.is_valid(&yaml_to_json(&bad)), "the schema accepts {what}");
    }
}

#[test]
fn every_unknown_field_in_the_bad_corpus_is_rejected_by_the_schema() {
    let v = validator("report");
    let mut n = 0;
    for e in std::fs::read_dir(root().join("tests/bad")).expect("tests/bad").filter_map(Result::ok) {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").to_owned();
        if !(name.starts_with("unknown-field-") && name.ends_with(".yaml")) {
            continue;
        }
        let doc = yaml_to_json(&std::fs::read_to_string(&p).expect("read"));
        assert!(!v.is_valid(&doc), "{name}: cabrep rejects it, the schema does not");
        n += 1;
    }
    assert!(n >= 5, "only {n} unknown-field cases");
}
