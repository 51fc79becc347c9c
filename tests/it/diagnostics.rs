//! Compiler-grade diagnostics: every bad input in `tests/bad/` gets one precise, located first
//! line (`FILE:LINE:COLUMN: error: PATH: MESSAGE`), exit status 1, no output file, and never a
//! panic or a hang. Hostile inputs too large to commit are generated here.
//!
//! Each `tests/bad/NAME.yaml` has its expected first line in `tests/bad/NAME.expected`. After a
//! deliberate change of wording, rewrite them with
//!
//! ```sh
//! CABREP_BLESS=1 cargo test --release --locked --test it diagnostics
//! ```
//!
//! and read the diff: each line must point at the author's line and column and read well to an
//! officer.

use crate::common::*;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

/// How long one bad input may take, wall clock.
const LIMIT: Duration = Duration::from_secs(2);

/// Runs `cabrep` from the repository root; kills it (and fails) if it runs far over the limit.
fn run(args: &[&str]) -> (Output, Duration) {
    run_limited(cabrep_cmd(args), &format!("cabrep {args:?}"), LIMIT * 10)
}

fn first_line(o: &Output) -> String {
    stderr(o).lines().next().unwrap_or("").to_owned()
}

/// Words that betray the parser or Rust rather than speak to an officer.
const JARGON: &[&str] = &[
    "invalid type",
    "invalid value",
    "string scalar",
    "scalar",
    "sequence",
    "map,",
    "found map",
    "u8",
    "u16",
    "u32",
    "u64",
    "i64",
    "f32",
    "f64",
    "usize",
    "Option<",
    "struct ",
    "enum ",
    "variant",
    "deserializ",
    "serde",
    "budget",
    "token",
    "indicator",
    "simple key",
    "context",
    "not well-formed",
];

/// Checks one headline: the right shape, and no jargon.
fn assert_plain(line: &str, what: &str) {
    let rest = line
        .split_once(": error: ")
        .map(|(_, r)| r)
        .unwrap_or_else(|| panic!("{what}: not `FILE:LINE:COLUMN: error: …`: {line}"));
    for w in JARGON {
        assert!(!rest.contains(w), "{what}: `{w}` in the message is not for an officer: {line}");
    }
    assert!(rest.chars().count() < 300, "{what}: the message is too long: {line}");
}

fn assert_no_panic(o: &Output, what: &str) {
    let err = stderr(o);
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE") && o.status.code().is_some(),
        "{what}: crashed: {err}"
    );
}

/// Every `tests/bad/*.yaml`, sorted.
fn corpus() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(root().join("tests/bad"))
        .expect("tests/bad")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    v.sort();
    v
}

fn relative(p: &Path) -> String {
    p.strip_prefix(root()).expect("under the repository").display().to_string()
}

#[test]
fn every_bad_input_gets_its_expected_located_first_line() {
    let files = corpus();
    assert!(files.len() >= 45, "the corpus has only {} files", files.len());
    let bless = blessing();
    let mut failures = Vec::new();
    for f in &files {
        let rel = relative(f);
        let (out, took) = run(&["check", "-q", &rel]);
        assert_no_panic(&out, &rel);
        let got = first_line(&out);
        let expected_file = f.with_extension("expected");
        if out.status.code() != Some(1) {
            failures.push(format!("{rel}: exit status {:?}, not 1\n  {}", out.status.code(), stderr(&out).trim()));
            continue;
        }
        if took > LIMIT {
            failures.push(format!("{rel}: took {took:?} (limit {LIMIT:?})"));
        }
        assert_plain(&got, &rel);
        assert!(got.starts_with(&format!("{rel}:")), "{rel}: the headline names another file: {got}");
        if bless {
            std::fs::write(&expected_file, format!("{got}\n")).expect("write .expected");
            continue;
        }
        match std::fs::read_to_string(&expected_file) {
            Ok(want) if want.trim_end() == got => {}
            Ok(want) => failures.push(format!("{rel}:\n  expected: {}\n  got:      {got}", want.trim_end())),
            Err(_) => {
                failures.push(format!("{rel}: no {} (run with CABREP_BLESS=1)\n  got: {got}", relative(&expected_file)))
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} bad inputs differ:\n{}", failures.len(), files.len(), failures.join("\n"));
}

#[test]
fn every_expected_file_has_its_input() {
    for e in std::fs::read_dir(root().join("tests/bad")).expect("tests/bad").filter_map(Result::ok) {
        let p = e.path();
        match p.extension().and_then(|x| x.to_str()) {
            Some("expected") => assert!(p.with_extension("yaml").exists(), "{} has no .yaml", p.display()),
            Some("yaml") => {}
            _ => panic!("unexpected file in tests/bad: {}", p.display()),
        }
    }
}

#[test]
fn json_diagnostics_carry_the_same_location_and_message() {
    for f in corpus() {
        let rel = relative(&f);
        let (human, _) = run(&["check", "-q", &rel]);
        let (json, _) = run(&["check", "-q", "--message-format", "json", &rel]);
        assert_eq!(json.status.code(), Some(1), "{rel}");
        let line = first_line(&json);
        let v: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{rel}: not JSON ({e}): {line}"));
        let path = v["path"].as_str().unwrap_or("");
        let headline = format!(
            "{}:{}:{}: {}: {}{}",
            v["file"].as_str().unwrap_or(""),
            v["line"],
            v["column"],
            v["severity"].as_str().unwrap_or(""),
            if path.is_empty() { String::new() } else { format!("{path}: ") },
            v["message"].as_str().unwrap_or("")
        );
        assert_eq!(headline, first_line(&human), "{rel}: JSON and human diagnostics disagree");
    }
}

#[test]
fn a_build_of_a_bad_input_writes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    let o = out_dir.to_str().expect("utf-8");
    for name in [
        "unknown-field-titel",
        "likelihood-out-of-range",
        "bad-indentation",
        "alias-bomb",
        "non-utf8-bytes",
        "empty-file",
    ] {
        let rel = format!("tests/bad/{name}.yaml");
        let (out, took) = run(&["build", &rel, "-o", o, "-f", "docx,pdf", "-q"]);
        assert_no_panic(&out, &rel);
        assert_eq!(out.status.code(), Some(1), "{rel}: {}", stderr(&out));
        assert!(took < LIMIT, "{rel}: build took {took:?}");
        let want = std::fs::read_to_string(root().join(format!("tests/bad/{name}.expected"))).expect("expected");
        assert_eq!(first_line(&out), want.trim_end(), "{rel}: build and check report the same first problem");
        let written: Vec<_> =
            std::fs::read_dir(&out_dir).into_iter().flatten().filter_map(Result::ok).map(|e| e.path()).collect();
        assert!(written.is_empty(), "{rel}: a bad input left files behind: {written:?}");
    }
}

/// Hostile inputs generated into a temporary folder: (name, contents, expected first line with
/// `FILE` standing for the path).
fn hostile() -> Vec<(&'static str, Vec<u8>, String)> {
    let starter = lib::STARTER_REPORT;
    let deep = |open: &str, close: &str| format!("{}{}\n", open.repeat(10_000), close.repeat(10_000));
    let mission = std::fs::read_to_string(root().join("tests/bad/status-on-trak.yaml"))
        .expect("status-on-trak.yaml")
        .replace("status: on-trak", "status: on-track");
    let measures = |value: &str| {
        mission.replacen(
            "        status: on-track\n",
            &format!("        status: on-track\n    measures:\n      - name: Deep\n        baseline: {value}\n"),
            1,
        )
    };
    vec![
        (
            "deep-flow-lists-10000.yaml",
            deep("[", "]").into_bytes(),
            "FILE:1:256: error: the file is nested too deeply".to_owned(),
        ),
        (
            "deep-flow-mappings-10000.yaml",
            deep("{", "}").into_bytes(),
            "FILE:1:256: error: the file is nested too deeply".to_owned(),
        ),
        (
            "deep-flow-lists-in-a-title.yaml",
            starter.replace("title: Title of the Report", &format!("title: {}", deep("[", "]").trim_end())).into_bytes(),
            "FILE:17:8: error: title: expected text, found a list".to_owned(),
        ),
        (
            "deep-flow-lists-in-a-measure.yaml",
            measures(deep("[", "]").trim_end()).into_bytes(),
            "FILE:53:274: error: sections[2].measures[0].baseline: the file is nested too deeply".to_owned(),
        ),
        (
            "over-5-mb.yaml",
            format!("{starter}# {}\n", "x".repeat(5 * 1024 * 1024)).into_bytes(),
            format!(
                "FILE:1:1: error: the file is too large: {} bytes; the limit is 5 MB (5242880 bytes)",
                lib::STARTER_REPORT.len() + 5 * 1024 * 1024 + 3
            ),
        ),
        (
            "very-long-line-with-a-bad-reference-at-its-end.yaml",
            starter.replace("  All wards.", &format!("  All wards. {}[Section](#nowhere)", "word ".repeat(900_000))).into_bytes(),
            "FILE:61:4500024: error: wards: unknown cross-reference `#nowhere`".to_owned(),
        ),
        (
            "very-long-field-name.yaml",
            starter.replace("\ntitle: Title", &format!("\n{}: 1\ntitle: Title", "x".repeat(1000))).into_bytes(),
            "FILE:17:1: error: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…: unknown field `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…`".to_owned(),
        ),
        (
            "field-name-over-1024-characters.yaml",
            starter.replace("\ntitle: Title", &format!("\n{}: 1\ntitle: Title", "x".repeat(5000))).into_bytes(),
            "FILE:17:1: error: a field name is longer than 1024 characters, or its `:` is missing".to_owned(),
        ),
        (
            "many-nul-bytes.yaml",
            [starter.as_bytes(), &vec![0u8; 1 << 20]].concat(),
            format!("FILE:{}:1: error: the file contains a NUL character (a zero byte), which YAML does not allow", starter.lines().count() + 1),
        ),
        (
            "random-binary.yaml",
            (0..100_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect(),
            "FILE:1:2: error: the file is not UTF-8 text (byte 0xBB here)".to_owned(),
        ),
        (
            "alias-bomb-in-a-measure-with-long-lists.yaml",
            measures(&format!(
                "[&a [{}], &b [{}], &c [{}]]",
                vec!["lol"; 100].join(", "),
                vec!["*a"; 100].join(", "),
                vec!["*b"; 100].join(", ")
            ))
            .into_bytes(),
            "FILE:53:1006: error: sections[2].measures[0].baseline: aliases (`*name`) expand this value to more than 200,000 items".to_owned(),
        ),
    ]
}

#[test]
fn hostile_inputs_fail_fast_with_a_located_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bless = blessing();
    let mut failures = Vec::new();
    for (name, bytes, want) in hostile() {
        let p = dir.path().join(name);
        std::fs::write(&p, &bytes).expect("write");
        let path = p.to_str().expect("utf-8");
        let (out, took) = run(&["check", "-q", path]);
        assert_no_panic(&out, name);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        assert!(took < LIMIT, "{name}: took {took:?} (limit {LIMIT:?})");
        let got = first_line(&out);
        assert_plain(&got, name);
        let want = want.replace("FILE", path);
        if got != want {
            failures.push(format!("{name}:\n  expected: {want}\n  got:      {got}"));
        }
        // A build of it writes nothing either.
        if name.starts_with("deep-flow-lists-10000") || name.starts_with("over-5-mb") {
            let out_dir = dir.path().join("out");
            let (b, _) = run(&["build", path, "-o", out_dir.to_str().expect("utf-8"), "-q"]);
            assert_eq!(b.status.code(), Some(1), "{name}");
            assert!(std::fs::read_dir(&out_dir).into_iter().flatten().next().is_none(), "{name}: files written");
        }
    }
    // The expected lines live here, not in files: print what to paste when blessing.
    assert!(failures.is_empty() || bless, "hostile inputs differ (update `hostile()`):\n{}", failures.join("\n"));
    if bless && !failures.is_empty() {
        eprintln!("update hostile() in tests/it/diagnostics.rs:\n{}", failures.join("\n"));
    }
}

fn write_starter(dir: &Path, name: &str, edit: impl Fn(&str) -> String) -> String {
    let p = dir.join(name);
    std::fs::write(&p, edit(lib::STARTER_REPORT)).expect("write");
    p.to_str().expect("utf-8").to_owned()
}

#[test]
fn the_starter_report_is_valid() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write_starter(dir.path(), "starter.yaml", str::to_owned);
    let (out, _) = run(&["check", "-q", "--deny-warnings", &p]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "no warnings either");
}

#[test]
fn warnings_do_not_fail_unless_denied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cases = [
        (
            "recommendation-without-a-verb.yaml",
            write_starter(dir.path(), "recommendation-without-a-verb.yaml", |s| {
                s.replace("    - Note the update in", "    - The update in")
            }),
            "28:7: warning: recommendations.items[1]: recommendation starts with `The`, not a verb",
        ),
        (
            "section-without-a-body.yaml",
            write_starter(dir.path(), "section-without-a-body.yaml", |s| {
                s.replace(
                    "    title: Background\n    body: |\n      The background to the report.\n",
                    "    title: Background\n",
                )
            }),
            "31:5: warning: sections[0]: section has no text",
        ),
    ];
    for (name, path, want) in cases {
        let (out, _) = run(&["check", "-q", &path]);
        assert_no_panic(&out, name);
        assert_eq!(out.status.code(), Some(0), "{name}: a warning alone passes: {}", stderr(&out));
        assert_eq!(first_line(&out), format!("{path}:{want}"), "{name}");
        assert!(!stderr(&out).contains(": error: "), "{name}: {}", stderr(&out));

        let (denied, _) = run(&["check", "-q", "--deny-warnings", &path]);
        assert_eq!(denied.status.code(), Some(1), "{name}: --deny-warnings fails on a warning");
        assert_eq!(first_line(&denied), format!("{path}:{want}"), "{name}");
    }
}
