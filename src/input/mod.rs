//! Reading input files: bytes → text → typed structs, with every error located
//! (file, line, column, field path). Hostile input (huge, non-UTF-8, alias bombs, deep nesting)
//! is refused with a located error, never a panic.

pub mod locate;
pub mod shapes;
pub mod types;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Problem, Severity};
pub use locate::{Locator, NodeKind, Position};

/// Inputs larger than this are refused (a report is a few tens of kilobytes).
pub const MAX_INPUT_BYTES: u64 = 5 * 1024 * 1024;

/// The deepest nesting accepted (a report needs about 8 levels).
const MAX_DEPTH: usize = 64;

/// One input file, read and indexed.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as opened.
    pub path: PathBuf,
    /// The path as shown in diagnostics.
    pub name: String,
    /// The file's text.
    pub text: String,
    /// Where each field stands.
    pub locator: Locator,
}

/// What kind of input a YAML file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A report.
    Report,
    /// A meeting file (agenda pack).
    Meeting,
    /// A missions register.
    Missions,
}

impl SourceFile {
    /// Reads a file, refusing anything too large or not UTF-8.
    pub fn read(path: &Path) -> Result<SourceFile, Diagnostic> {
        let name = path.display().to_string();
        let at_start = |message: String| Diagnostic {
            file: name.clone(),
            line: 1,
            column: 1,
            path: String::new(),
            severity: Severity::Error,
            message,
            help: None,
        };
        let meta = std::fs::metadata(path).map_err(|e| at_start(format!("cannot read file: {e}")))?;
        if meta.is_dir() {
            return Err(at_start("is a folder, not a YAML file".into()));
        }
        if meta.len() > MAX_INPUT_BYTES {
            return Err(at_start(format!(
                "file is {} bytes; the limit is {} bytes (5 MB)",
                meta.len(),
                MAX_INPUT_BYTES
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| at_start(format!("cannot read file: {e}")))?;
        Self::from_bytes(name, path.to_path_buf(), bytes)
    }

    /// Makes a source from bytes (for tests and fuzzing).
    pub fn from_bytes(name: String, path: PathBuf, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
                // Safe: the prefix is valid UTF-8 by construction.
                let prefix = String::from_utf8_lossy(valid);
                let line = prefix.matches('\n').count() + 1;
                let column = prefix.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
                return Err(Diagnostic {
                    file: name,
                    line,
                    column,
                    path: String::new(),
                    severity: Severity::Error,
                    message: "the file is not UTF-8 text".into(),
                    help: Some("save the file as UTF-8 in your editor".into()),
                });
            }
        };
        let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
        let locator = Locator::new(&text);
        Ok(SourceFile { path, name, text, locator })
    }

    /// Guesses the kind of file from its top-level fields.
    pub fn kind(&self) -> InputKind {
        if self.locator.has_key("items") {
            InputKind::Meeting
        } else if self.locator.has_key("missions") && !self.locator.has_key("title") {
            InputKind::Missions
        } else {
            InputKind::Report
        }
    }

    /// The folder the file is in (relative paths inside it resolve from here).
    pub fn dir(&self) -> PathBuf {
        self.path.parent().map(Path::to_path_buf).unwrap_or_default()
    }

    /// Turns a problem into a located diagnostic.
    pub fn locate(&self, p: Problem) -> Diagnostic {
        let pos = if p.at_key { self.locator.key(&p.path) } else { self.locator.value(&p.path) };
        Diagnostic {
            file: self.name.clone(),
            line: pos.line,
            column: pos.column,
            path: p.path,
            severity: p.severity,
            message: p.message,
            help: p.help,
        }
    }

    /// Deserialises the file into `T`, with a located error naming the field path.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        if self.text.trim().is_empty() || self.text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#')) {
            return Err(self.locate(Problem::error("", "the file is empty").help("start from `cabrep new report`")));
        }
        let options = serde_saphyr::options! {
            with_snippet: false,
            budget: serde_saphyr::budget! {
                max_depth: MAX_DEPTH,
                max_aliases: 1_000,
                max_anchors: 1_000,
                max_nodes: 200_000,
                max_total_scalar_bytes: MAX_INPUT_BYTES as usize,
            },
        };
        let mut field_path = String::new();
        let result = serde_saphyr::with_deserializer_from_str_with_options(&self.text, options, |de| {
            serde_path_to_error::deserialize(de).map_err(|e| {
                field_path = clean_path(&e.path().to_string());
                e.into_inner()
            })
        });
        result.map_err(|e| self.describe_yaml_error(&e, &field_path))
    }

    fn describe_yaml_error(&self, e: &serde_saphyr::Error, path: &str) -> Diagnostic {
        let inner = e.without_snippet();
        let raw = strip_location(&inner.to_string());
        let pos = inner.location().filter(|l| l.line() > 0).map(|l| Position {
            line: l.line() as usize,
            column: l.column() as usize,
        });
        let found = pos.and_then(|p| self.locator.kind_at(p));
        let (message, help, at_key, path) = explain(&raw, path, found);
        let pos = match pos {
            // A duplicate field points at its second appearance.
            _ if message.starts_with("duplicate field") && self.locator.repeated_key(&path).is_some() => {
                self.locator.repeated_key(&path).unwrap_or_default()
            }
            // An unknown field points at its key.
            _ if at_key && !path.is_empty() => self.locator.key(&path),
            Some(p) => p,
            None => self.locator.value(&path),
        };
        Diagnostic {
            file: self.name.clone(),
            line: pos.line,
            column: pos.column,
            path,
            severity: Severity::Error,
            message,
            help,
        }
    }
}

impl Locator {
    /// Whether the top-level mapping has this key.
    pub fn has_key(&self, key: &str) -> bool {
        self.key_position(key).is_some()
    }
}

/// serde_path_to_error writes `?` for an unknown position and `.` at the root.
fn clean_path(p: &str) -> String {
    if p == "." || p == "?" {
        String::new()
    } else {
        p.to_owned()
    }
}

/// serde-saphyr appends " at line L column C"; we print the location ourselves.
fn strip_location(msg: &str) -> String {
    let msg = msg.lines().next().unwrap_or("").trim();
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// The names in "expected one of a, b, c" (serde-saphyr) or "expected one of `a`, `b`" (serde).
fn expected_names(text: &str) -> Vec<String> {
    let list = text.split_once("expected one of").map(|(_, l)| l).or_else(|| text.split_once("expected").map(|(_, l)| l));
    list.map(|l| {
        l.split([',', ' '])
            .map(|w| w.trim().trim_matches('`'))
            .filter(|w| !w.is_empty() && *w != "or")
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// Rewrites parser messages in the author's terms; adds "did you mean …?".
/// Returns (message, help, points-at-key, field path).
fn explain(raw: &str, path: &str, found: Option<NodeKind>) -> (String, Option<String>, bool, String) {
    let raw = raw.replace("invalid type: ", "");
    let suggest = |typed: &str, choices: &[String]| {
        crate::suggest::did_you_mean(typed, choices.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| (!choices.is_empty()).then(|| format!("expected one of: {}", choices.join(", "))))
    };
    if let Some(rest) = raw.strip_prefix("unknown field `") {
        let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let help = suggest(field, &expected_names(expected));
        let full = if path.ends_with(field) { path.to_owned() } else { join(path, field) };
        return (format!("unknown field `{field}`"), help, true, full);
    }
    if let Some(rest) = raw.strip_prefix("unknown variant `") {
        let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
        return (format!("unknown value `{value}`"), suggest(value, &expected_names(expected)), false, path.to_owned());
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return (format!("missing field `{field}`"), Some(format!("add `{field}:` here")), false, path.to_owned());
    }
    if let Some(rest) = raw.strip_prefix("duplicate mapping key: ") {
        let key = rest.split(',').next().unwrap_or(rest).trim();
        return (format!("duplicate field `{key}`"), Some("a field may appear only once; remove one of the two".into()), false, join(path, key));
    }
    let found_text = found.map(|k| format!(", found {}", k.describe())).unwrap_or_default();
    if raw.starts_with("expected string") {
        return (format!("expected text{found_text}"), None, false, path.to_owned());
    }
    if raw.starts_with("expected") && !raw.contains("found") && found.is_some() {
        let what = raw.trim_start_matches("expected ").replace("sequence", "a list").replace("mapping", "a mapping");
        return (format!("expected {what}{found_text}"), None, false, path.to_owned());
    }
    let msg = raw
        .replace("a string", "text")
        .replace("string", "text")
        .replace("sequence", "a list")
        .replace("map,", "a mapping,")
        .replace("found map", "found a mapping");
    (msg, None, false, path.to_owned())
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}
