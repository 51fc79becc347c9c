//! `cabrep check`: validates each input file as the kind it is — a report, a meeting file (with
//! every report and PDF it names), a missions register, an outcome file or a previous Forward
//! Plan — told by its `schema:` line or, without one, by its fields. It writes nothing.
//!
//! This module owns telling which files a check covers and which loader validates each; the
//! validation itself is the loaders' ([`crate::load`], [`crate::meeting`]), so that `check` and
//! the builds agree.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Problem};
use crate::engine::Engine;
use crate::input::types::OutcomeFile;
use crate::input::{InputKind, SourceFile};
use crate::load::{self, LoadFailure};

/// What checking one file found.
#[derive(Debug)]
pub struct Checked {
    /// The kind the file was checked as (`None` when it could not be told or read).
    pub kind: Option<InputKind>,
    /// Whether the file is valid (it may still have warnings).
    pub ok: bool,
    /// Diagnostics per file read (the file itself, and the reports a meeting names).
    pub files: Vec<LoadFailure>,
}

/// Expands `check`'s paths: a folder means every `*.yaml`/`*.yml` in it, whatever its kind,
/// sorted by name; a file named twice is checked once.
pub fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    load::yaml_files(paths, |_| true)
}

/// Checks one file as the kind it is.
pub fn check_file(engine: &Engine, path: &Path) -> Checked {
    let source = match SourceFile::read(path) {
        Ok(s) => s,
        Err(d) => {
            return Checked { kind: None, ok: false, files: vec![LoadFailure { diagnostics: vec![d], source: None }] }
        }
    };
    let invalid = |kind, diagnostics: Vec<Diagnostic>, source: &SourceFile| Checked {
        kind,
        ok: false,
        files: vec![LoadFailure { diagnostics, source: Some(source.text.clone()) }],
    };
    let kind = match source.told_kind() {
        Ok(Some(k)) => k,
        Err(p) => return invalid(None, vec![source.locate(p)], &source),
        Ok(None) => {
            // Read as a report, whose error says what is wrong; the help says how to name the kind.
            return match engine.load(path) {
                Err(mut f) => {
                    if let Some(d) = f.diagnostics.iter_mut().find(|d| d.message.starts_with("this is not a report")) {
                        d.help = Some(format!(
                            "if this is an input of cabrep, say which with its first line: {}",
                            InputKind::schema_list()
                        ));
                    }
                    Checked { kind: None, ok: false, files: vec![f] }
                }
                Ok(l) => Checked {
                    kind: Some(InputKind::Report),
                    ok: true,
                    files: vec![LoadFailure { diagnostics: l.warnings, source: Some(l.source.text) }],
                },
            };
        }
    };
    match kind {
        InputKind::Report => match engine.load(path) {
            Ok(l) => Checked {
                kind: Some(kind),
                ok: true,
                files: vec![LoadFailure { diagnostics: l.warnings, source: Some(l.source.text) }],
            },
            Err(f) => Checked { kind: Some(kind), ok: false, files: vec![f] },
        },
        InputKind::Meeting => {
            match crate::meeting::load_meeting(path, engine, &engine.access.scope_for(path), crate::jobs::cores()) {
                Ok((_, warnings)) => Checked {
                    kind: Some(kind),
                    ok: true,
                    files: warnings
                        .into_iter()
                        .map(|(diagnostics, text)| LoadFailure { diagnostics, source: Some(text) })
                        .collect(),
                },
                Err(f) => Checked { kind: Some(kind), ok: false, files: f.files },
            }
        }
        InputKind::Missions => match load::load_missions(path, &engine.default.rules) {
            Ok(_) => Checked { kind: Some(kind), ok: true, files: Vec::new() },
            Err(d) => invalid(Some(kind), d, &source),
        },
        InputKind::Outcome => {
            let diags = check_outcome(engine, &source);
            let ok = !diags.iter().any(Diagnostic::is_error);
            Checked {
                kind: Some(kind),
                ok,
                files: vec![LoadFailure { diagnostics: diags, source: Some(source.text.clone()) }],
            }
        }
        InputKind::ForwardPlan => match load::load_previous_plan(path) {
            Ok(_) => Checked { kind: Some(kind), ok: true, files: Vec::new() },
            Err(f) => Checked { kind: Some(kind), ok: false, files: vec![f] },
        },
    }
}

/// What can be checked of an outcome file without its meeting: that it parses, prints, has a
/// real publication date, lists each agenda item once, and that each decision is one.
/// That each item is a report of the meeting, and each recommendation one of its report, is
/// `cabrep decisions`'s check.
fn check_outcome(engine: &Engine, source: &SourceFile) -> Vec<Diagnostic> {
    let file: OutcomeFile = match source.parse_all_as(Some(InputKind::Outcome)) {
        Ok(f) => f,
        Err(d) => return d,
    };
    let mut problems = load::character_problems(source, &engine.default.rules);
    if let Some(s) = &file.schema {
        if s.trim() != InputKind::Outcome.schema() {
            problems.push(
                Problem::error("schema", format!("unknown format `{s}`"))
                    .help("this version reads `cabrep/outcome/v1`"),
            );
        }
    }
    if let Err(p) = file.published.date("published") {
        problems.push(p);
    }
    let mut seen = std::collections::BTreeMap::new();
    for (i, o) in file.items.iter().enumerate() {
        if let Some(first) = seen.insert(o.item, i) {
            problems.push(Problem::error(
                format!("items[{i}].item"),
                format!("agenda item {} is already given at items[{first}]", o.item),
            ));
        }
        for (j, d) in o.decisions.iter().flatten().enumerate() {
            let path = format!("items[{i}].decisions[{j}]");
            match (d.recommendation, &d.text) {
                (Some(0), _) => problems
                    .push(Problem::error(format!("{path}.recommendation"), "recommendations are numbered from 1")),
                (_, Some(t)) if t.trim().is_empty() => {
                    problems.push(Problem::error(format!("{path}.text"), "must not be empty"))
                }
                (None, None) => problems.push(
                    Problem::error(&path, "a decision needs a `recommendation` number, a `text`, or both").help(
                        "`recommendation: 2` as recommended; add `text:` to amend it; `text:` alone adds a decision",
                    ),
                ),
                _ => {}
            }
        }
    }
    let mut diags: Vec<Diagnostic> = problems.into_iter().map(|p| source.locate(p)).collect();
    diags.sort_by_key(|d| (d.severity, d.line, d.column));
    diags
}
