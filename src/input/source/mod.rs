//! The source file: reading it (size and encoding refused with a located error), telling its
//! kind, parsing it into typed structs and locating problems in it. Its parts are rooms of their
//! own below it: `explain` turns the YAML parser's errors into the author's terms, `syntax` finds
//! the line at fault in a malformed file, and `repair` finds the further errors after the first.
//! This room never words a YAML error itself.

mod explain;
mod repair;
mod syntax;

use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use super::file;
use crate::diag::{Diagnostic, Problem, Severity};
use crate::input::locate::{Locator, NodeKind, Position};

/// Inputs larger than this are refused (a report is a few tens of kilobytes).
pub const MAX_INPUT_BYTES: u64 = file::MAX_YAML_BYTES;

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

/// The fields by which a file without a `schema:` line is taken for a report.
pub(super) const REPORT_FIELDS: &[&str] =
    &["title", "summary", "report_of", "meeting", "decision", "recommendations", "sections"];

/// What kind of input a YAML file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// A report.
    Report,
    /// A meeting file (agenda pack).
    Meeting,
    /// A missions register.
    Missions,
    /// A meeting outcome (decision record input).
    Outcome,
    /// A Forward Plan already published (`forward-plan --previous`).
    ForwardPlan,
}

impl InputKind {
    /// Every kind, in the order they are listed to an author.
    pub const ALL: [InputKind; 5] =
        [InputKind::Report, InputKind::Meeting, InputKind::Missions, InputKind::Outcome, InputKind::ForwardPlan];

    /// The `schema:` line that names this kind.
    pub fn schema(self) -> &'static str {
        match self {
            InputKind::Report => "cabrep/report/v1",
            InputKind::Meeting => "cabrep/meeting/v1",
            InputKind::Missions => "cabrep/missions/v1",
            InputKind::Outcome => "cabrep/outcome/v1",
            InputKind::ForwardPlan => "cabrep/forward-plan/v1",
        }
    }

    /// The kind, as an author would name it ("a meeting file").
    pub fn describe(self) -> &'static str {
        match self {
            InputKind::Report => "a report",
            InputKind::Meeting => "a meeting file",
            InputKind::Missions => "a missions register",
            InputKind::Outcome => "an outcome file",
            InputKind::ForwardPlan => "a previous Forward Plan",
        }
    }

    /// The command that makes something of a file of this kind, `FILE` standing for it.
    pub fn command(self) -> &'static str {
        match self {
            InputKind::Report => "`cabrep build FILE` builds it",
            InputKind::Meeting => "`cabrep pack FILE` builds its agenda pack",
            InputKind::Missions => "a report reads it through its `missions:` field; `cabrep check FILE` validates it",
            InputKind::Outcome => "`cabrep decisions MEETING FILE` builds its decision record",
            InputKind::ForwardPlan => "`cabrep forward-plan REPORTS --published DATE --previous FILE` reads it",
        }
    }

    /// Every `schema:` line, with the kind it names, as a help line lists them.
    pub fn schema_list() -> String {
        InputKind::ALL
            .iter()
            .map(|k| format!("`schema: {}` ({})", k.schema(), k.describe()))
            .collect::<Vec<_>>()
            .join(", ")
    }
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
        let bytes = file::read(path, MAX_INPUT_BYTES, "a YAML file", "5 MB").map_err(|e| {
            let mut d = at_start(e.message);
            d.help = if d.message.starts_with("the file is too large") {
                Some("a report is a few tens of kilobytes; check that the right file is named".into())
            } else {
                e.help
            };
            d
        })?;
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
                let byte = e.as_bytes().get(valid.len()).copied().unwrap_or(0);
                return Err(Diagnostic {
                    file: name,
                    line,
                    column,
                    path: String::new(),
                    severity: Severity::Error,
                    message: format!("the file is not UTF-8 text (byte 0x{byte:02X} here)"),
                    help: Some(
                        "save the file as UTF-8 in your editor; a `£` or `–` saved in another encoding often causes this".into(),
                    ),
                });
            }
        };
        let text = text.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(text);
        let locator = Locator::new(&text);
        Ok(SourceFile { path, name, text, locator })
    }

    /// The kind of file: by its `schema:` line, else guessed from its top-level fields, else a
    /// report.
    pub fn kind(&self) -> InputKind {
        self.told_kind().ok().flatten().unwrap_or(InputKind::Report)
    }

    /// The kind of file its `schema:` line names, or, without one, that its top-level fields
    /// tell; `None` when neither tells (a mapping with none of any kind's fields, or no mapping).
    /// A `schema:` line naming no kind is a problem at it.
    pub fn told_kind(&self) -> Result<Option<InputKind>, Problem> {
        if self.locator.has_key("schema") {
            // Read from the text, not parsed again: a hostile file costs one parse, not two.
            let Some(value) = self.locator.scalar_value("schema").and_then(|(a, b)| self.text.get(a..b)) else {
                // Not text: the typed parse reports it.
                return Ok(None);
            };
            let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
            return match InputKind::ALL.iter().find(|k| k.schema() == value.trim()) {
                Some(k) => Ok(Some(*k)),
                None => Err(Problem::error("schema", format!("unknown format `{value}`"))
                    .help(format!("this version reads {}", InputKind::schema_list()))),
            };
        }
        let has = |k: &str| self.locator.has_key(k);
        Ok(if has("published") && has("references") && !has("items") {
            Some(InputKind::ForwardPlan)
        } else if has("published") {
            Some(InputKind::Outcome)
        } else if has("items") {
            Some(InputKind::Meeting)
        } else if has("missions") && !has("title") {
            Some(InputKind::Missions)
        } else if REPORT_FIELDS.iter().any(|f| has(f)) {
            Some(InputKind::Report)
        } else {
            None
        })
    }

    /// The folder the file is in (relative paths inside it resolve from here).
    pub fn dir(&self) -> PathBuf {
        self.path.parent().map(Path::to_path_buf).unwrap_or_default()
    }

    /// Turns a problem into a located diagnostic.
    pub fn locate(&self, p: Problem) -> Diagnostic {
        let mut pos = if p.at_key { self.locator.key(&p.path) } else { self.locator.value(&p.path) };
        if let Some(found) = p.needle.as_deref().and_then(|n| self.find_in_value(&p.path, n, p.earlier)) {
            pos = found;
        }
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

    /// Where `needle` stands inside the scalar value at `path` (a whole word: `#id` does not
    /// match inside `#ids`), after `earlier` matches of it.
    fn find_in_value(&self, path: &str, needle: &str, earlier: usize) -> Option<Position> {
        let (a, b) = self.locator.scalar_value(path)?;
        let hay = self.text.get(a..b)?;
        let i = crate::diag::word_matches(hay, needle).nth(earlier)?;
        Some(position_at(&self.text, a + i))
    }

    /// Deserialises the file as an input of `kind`. A file that is a mapping with none of that
    /// kind's fields (another program's configuration, a password file) is refused as a whole,
    /// without quoting any of it.
    pub fn parse_as<T: DeserializeOwned>(&self, kind: InputKind) -> Result<T, Diagnostic> {
        self.parse().map_err(|d| self.refuse_foreign(kind, d))
    }

    /// Deserialises the file as an input of `kind` (any kind, when `None`), with every
    /// structural problem in it, located, in one run: the first exactly as [`Self::parse_as`]
    /// words it, then the others in source order (see `repair`).
    pub fn parse_all_as<T: DeserializeOwned + JsonSchema>(
        &self,
        kind: Option<InputKind>,
    ) -> Result<T, Vec<Diagnostic>> {
        let (first, cause) = match self.parse_with_cause::<T>() {
            Ok(t) => return Ok(t),
            Err(e) => *e,
        };
        let first = match kind {
            Some(kind) => self.refuse_foreign(kind, first),
            None => first,
        };
        let refused = first.message.starts_with("this is not ");
        let mut all = vec![first];
        if let (Some((raw, path)), false) = (cause, refused) {
            let more = repair::further_errors::<T>(self, &raw, &path, &all[0]);
            all.extend(more);
        }
        Err(all)
    }

    /// The whole-file refusal of a mapping with none of `kind`'s fields, else `d` as it is.
    fn refuse_foreign(&self, kind: InputKind, d: Diagnostic) -> Diagnostic {
        let (what, fields): (&str, &[&str]) = match kind {
            InputKind::Report => ("a report", REPORT_FIELDS),
            InputKind::Meeting => ("a meeting file", &["items", "meeting"]),
            InputKind::Missions => ("a missions register", &["missions"]),
            InputKind::Outcome => ("an outcome file", &["published", "items"]),
            InputKind::ForwardPlan => ("a previous Forward Plan", &["published", "references"]),
        };
        let known = fields.iter().any(|f| self.locator.has_key(f));
        if self.locator.root_kind() == Some(NodeKind::Mapping) && !known {
            let list = fields.iter().take(2).map(|f| format!("`{f}:`")).collect::<Vec<_>>().join(", ");
            let mut d =
                self.locate(Problem::error("", format!("this is not {what}: it has none of its fields ({list}, …)")));
            d.line = 1;
            d.column = 1;
            d.help = Some(format!("check that the right file is named; `cabrep schema` describes {what}"));
            d
        } else {
            d
        }
    }

    /// Deserialises the file into `T`, with a located error naming the field path.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        self.parse_with_cause().map_err(|e| e.0)
    }

    /// As [`Self::parse`], with the parser's own message and field path beside the diagnostic
    /// (`None` for an empty file).
    /// (Boxed: an error is the rare path, and keeps the `Ok` path's result small.)
    #[allow(clippy::type_complexity)]
    fn parse_with_cause<T: DeserializeOwned>(&self) -> Result<T, Box<(Diagnostic, Option<(String, String)>)>> {
        if self.text.trim().is_empty()
            || self.text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
            let d = self.locate(Problem::error("", "the file is empty").help("start from `cabrep new report`"));
            return Err(Box::new((d, None)));
        }
        deserialize_text(&self.text).map_err(|e| {
            let (e, field_path) = *e;
            let d = self.describe_yaml_error(&e, &field_path);
            Box::new((d, Some((explain::strip_location(&e.without_snippet().to_string()), field_path))))
        })
    }
}

/// The most items (values, lists, mappings) a file may hold, aliases expanded.
const MAX_ITEMS: usize = Locator::EXPANSION_LIMIT as usize;

/// Deserialises YAML text into `T` within the input limits: the value, or the parser's error
/// with the field path serde reached.
/// (Boxed, as the parser's error is large and the rare path.)
pub(super) fn deserialize_text<T: DeserializeOwned>(text: &str) -> Result<T, Box<(serde_saphyr::Error, String)>> {
    let options = serde_saphyr::options! {
        with_snippet: false,
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_nodes: MAX_ITEMS,
            max_total_scalar_bytes: MAX_INPUT_BYTES as usize,
            // The counts above bound what aliases expand to; how many aliases an anchor has
            // beside them is no measure of harm.
            enforce_alias_anchor_ratio: false,
        },
        // What aliases expand to counts against the same 200,000 items as what is written.
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: MAX_ITEMS,
        },
    };
    let mut field_path = String::new();
    let result = serde_saphyr::with_deserializer_from_str_with_options(text, options, |de| {
        serde_path_to_error::deserialize(de).map_err(|e| {
            field_path = clean_path(&e.path().to_string());
            e.into_inner()
        })
    });
    result.map_err(|e| Box::new((e, field_path)))
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
        return String::new();
    }
    p.split('.').filter(|s| *s != "?").collect::<Vec<_>>().join(".")
}

/// 1-based line and column (in characters) of a byte offset.
pub(super) fn position_at(text: &str, byte: usize) -> Position {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &text[..byte];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    Position { line, column }
}
