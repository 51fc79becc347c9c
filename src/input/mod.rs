//! Reading input files: bytes → text → typed structs, with every error located
//! (file, line, column, field path). Hostile input (huge, non-UTF-8, alias bombs, deep nesting)
//! is refused with a located error, never a panic.

pub mod file;
pub mod locate;
pub mod shapes;
pub mod types;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::diag::{Diagnostic, Problem, Severity};
pub use locate::{Locator, NodeKind, Position};

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
const REPORT_FIELDS: &[&str] = &["title", "summary", "report_of", "meeting", "decision", "recommendations", "sections"];

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
        if let Some(found) = p.needle.as_deref().and_then(|n| self.find_in_value(&p.path, n)) {
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
    /// match inside `#ids`).
    fn find_in_value(&self, path: &str, needle: &str) -> Option<Position> {
        let (a, b) = self.locator.scalar_value(path)?;
        let hay = self.text.get(a..b)?;
        let mut from = 0;
        while let Some(i) = hay.get(from..)?.find(needle) {
            let end = from + i + needle.len();
            let next = hay[end..].chars().next();
            if !next.is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_') {
                return Some(position_at(&self.text, a + from + i));
            }
            from = end;
        }
        None
    }

    /// Deserialises the file as an input of `kind`. A file that is a mapping with none of that
    /// kind's fields (another program's configuration, a password file) is refused as a whole,
    /// without quoting any of it.
    pub fn parse_as<T: DeserializeOwned>(&self, kind: InputKind) -> Result<T, Diagnostic> {
        self.parse().map_err(|d| {
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
                let mut d = self
                    .locate(Problem::error("", format!("this is not {what}: it has none of its fields ({list}, …)")));
                d.line = 1;
                d.column = 1;
                d.help = Some(format!("check that the right file is named; `cabrep schema` describes {what}"));
                d
            } else {
                d
            }
        })
    }

    /// Deserialises the file into `T`, with a located error naming the field path.
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        if self.text.trim().is_empty()
            || self.text.lines().all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
        {
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
        let pos = inner
            .location()
            .filter(|l| l.line() > 0 && l.column() > 0)
            .map(|l| Position { line: l.line() as usize, column: l.column() as usize });
        let x = self.explain(&raw, path, pos);
        Diagnostic {
            file: self.name.clone(),
            line: x.pos.line,
            column: x.pos.column,
            path: x.path,
            severity: Severity::Error,
            message: x.message,
            help: x.help,
        }
    }

    /// What the author typed at `pos`, for "found …": `a list`, `a mapping`, `nothing`, `text`
    /// (a block of text), or the value itself in backticks.
    fn found_at(&self, pos: Option<Position>) -> Option<String> {
        let pos = pos?;
        let kind = self.locator.kind_at(pos)?;
        // A file that is one scalar is not an input at all: never quote it.
        if kind != NodeKind::Scalar || self.locator.value_exact("") == Some(pos) {
            return Some(kind.describe().to_owned());
        }
        let Some((a, b)) = self.locator.scalar_at(pos) else { return Some("text".into()) };
        let typed = self.text.get(a..b).unwrap_or("").trim();
        if typed.is_empty() || typed.starts_with(['|', '>']) || typed.contains('\n') {
            return Some("text".into());
        }
        let unquoted = typed
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .or_else(|| typed.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')))
            .unwrap_or(typed);
        Some(format!("`{}`", short(unquoted)))
    }

    /// Rewrites a parser message in the author's terms, with a hint and the best position.
    fn explain(&self, raw: &str, path: &str, pos: Option<Position>) -> Explained {
        let path = path.to_owned();
        let at = |p: Option<Position>, path: &str| p.unwrap_or_else(|| self.locator.value(path));
        let done =
            |message: String, help: Option<String>, path: String, pos: Position| Explained { message, help, path, pos };
        let suggest = |typed: &str, choices: &[String]| {
            crate::suggest::did_you_mean(typed, choices.iter().map(String::as_str))
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| (!choices.is_empty()).then(|| format!("expected one of: {}", choices.join(", "))))
        };

        // Unknown field: point at its key.
        if let Some(rest) = raw.strip_prefix("unknown field `") {
            let (field, expected) = rest.split_once('`').unwrap_or((rest, ""));
            let help = suggest(field, &expected_names(expected));
            let full =
                if path == field || path.ends_with(&format!(".{field}")) { path.clone() } else { join(&path, field) };
            let where_ = self.locator.key_position(&full).or(pos).unwrap_or_else(|| self.locator.value(&full));
            let shown = join(parent_of(&full), &short(field));
            return done(format!("unknown field `{}`", short(field)), help, shown, where_);
        }
        if let Some(rest) = raw.strip_prefix("unknown variant `") {
            let (value, expected) = rest.split_once('`').unwrap_or((rest, ""));
            if self.found_at(pos).as_deref() == Some("nothing") {
                let choices = expected_names(expected);
                let help = (!choices.is_empty()).then(|| format!("one of: {}", choices.join(", ")));
                return done("expected a value, found nothing".into(), help, path.clone(), self.locator.key(&path));
            }
            return done(
                format!("unknown value `{}`", short(value)),
                suggest(value, &expected_names(expected)),
                path.clone(),
                at(pos, &path),
            );
        }
        if let Some(rest) = raw.strip_prefix("missing field `") {
            let field = rest.split('`').next().unwrap_or(rest);
            let (help, where_) = if path.is_empty() {
                (format!("add `{field}:` to the file"), self.locator.value(""))
            } else if path.ends_with(']') {
                (format!("add `{field}:` to this item"), self.locator.value(&path))
            } else {
                (format!("add `{field}:` under `{}:`", last_name(&path)), self.locator.key(&path))
            };
            return done(format!("missing field `{field}`"), Some(help), path.clone(), where_);
        }
        if let Some(rest) = raw.strip_prefix("duplicate mapping key") {
            let rest = rest.trim_start_matches(':').trim();
            let key = rest.rsplit_once(", set DuplicateKeyPolicy").map(|(k, _)| k).unwrap_or(rest).trim();
            let full = if key.is_empty() { path.clone() } else { join(&path, key) };
            let first = self.locator.key_position(&full);
            let where_ = self.locator.repeated_key(&full).or(pos).unwrap_or_else(|| self.locator.value(&full));
            let help = match first {
                Some(f) => {
                    format!("`{}` is already given on line {}; a field may appear only once", short(key), f.line)
                }
                None => "a field may appear only once; remove one of the two".into(),
            };
            return done(format!("duplicate field `{}`", short(key)), Some(help), full, where_);
        }
        if raw.starts_with("cannot deserialize null into string") {
            let help =
                if path.is_empty() { None } else { Some(format!("write the text after `{}:`", last_name(&path))) };
            return done("must not be empty".into(), help, path.clone(), self.locator.key(&path));
        }
        // Type mismatches: "invalid type: U, expected E", "expected a mapping start", "invalid u8".
        let mismatch = raw
            .strip_prefix("invalid type: ")
            .or_else(|| raw.strip_prefix("invalid value: "))
            .and_then(|r| r.split_once(", expected "))
            .map(|(u, e)| (expected_text(e), Some(unexpected_text(u))));
        let mismatch = mismatch.or_else(|| {
            let e = raw.strip_prefix("expected ")?;
            let e = expected_text(e.trim_end_matches(" start"));
            let known =
                ["text", "a list", "a mapping", "a whole number", "a number", "true or false"].contains(&e.as_str());
            known.then_some((e, None))
        });
        let mismatch = mismatch.or_else(|| {
            let ty = raw.strip_prefix("invalid ")?;
            matches!(
                ty,
                "u8" | "u16"
                    | "u32"
                    | "u64"
                    | "usize"
                    | "i8"
                    | "i16"
                    | "i32"
                    | "i64"
                    | "isize"
                    | "f32"
                    | "f64"
                    | "floating point"
                    | "integer"
                    | "boolean"
                    | "bool"
            )
            .then(|| (expected_text(ty), None))
        });
        let mismatch = mismatch.or_else(|| {
            raw.contains("did not match any variant of untagged enum Quantity")
                .then(|| ("a number or text".to_owned(), None))
        });
        let mismatch = mismatch.or_else(|| {
            raw.starts_with("externally tagged enum expected scalar").then(|| ("a single value".to_owned(), None))
        });
        if let Some((expected, unexpected)) = mismatch {
            // The value of the field itself, where the parser may point a little off.
            let pos = self.locator.value_exact(&path).or(pos);
            let found = self.found_at(pos).or(unexpected).unwrap_or_else(|| "something else".into());
            let field = last_name(&path);
            let (expected, mut help) = match (expected.as_str(), number_range(field)) {
                ("a whole number", Some((Some(range), scale))) => {
                    (format!("a whole number from {range}"), Some(scale.to_owned()))
                }
                ("a whole number", Some((None, scale))) => (expected, Some(scale.to_owned())),
                _ => (expected, None),
            };
            if help.is_none() {
                help = match (expected.as_str(), found.as_str()) {
                    (_, _) if path.is_empty() && expected == "a mapping" => {
                        Some("a report is a set of fields, one per line (`title: …`); start from `cabrep new report`".into())
                    }
                    ("a list", "nothing") => Some(format!("write `{field}: []` for an empty list, or one `- item` a line below `{field}:`")),
                    ("a list", _) => Some(format!("write each item on its own line below `{field}:`, starting with `- `")),
                    ("a mapping", _) => Some(format!("write the fields of `{field}` on the lines below `{field}:`, indented")),
                    ("text", "a list") => Some(format!("`{field}` takes text, not a list: remove the `- ` or the brackets")),
                    ("text", "a mapping") => Some(format!("`{field}` takes text; a `: ` inside text needs quotes, and a block of text goes after `{field}: |`")),
                    ("text", "nothing") => Some(format!("write the text after `{field}:`")),
                    _ => None,
                };
            }
            return done(format!("expected {expected}, found {found}"), help, path.clone(), at(pos, &path));
        }
        if raw.starts_with("alias references unknown anchor") || raw.contains("found unknown anchor") {
            let where_ = at(pos, &path);
            let path = self.locator.key_on_line(where_.line).unwrap_or(path);
            return done(
                "this alias (`*name`) refers to no anchor (`&name`) above it".into(),
                Some("write the value out instead".into()),
                path,
                where_,
            );
        }
        if let Some(breach) = raw.strip_prefix("budget breached: ").or_else(|| raw.starts_with("alias ").then_some(raw))
        {
            let field = trim_indices(&path);
            let where_ = self.locator.value(&field);
            let (message, help) = if breach.starts_with("Depth") {
                (
                    String::from("the file is nested too deeply"),
                    "a report needs about 8 levels; look for brackets `[` `{` that are never closed",
                )
            } else if breach.starts_with("Anchors") {
                (
                    "the file defines more than 1000 anchors (`&name`)".into(),
                    "a report needs no anchors or aliases; write the values out",
                )
            } else if breach.starts_with("ScalarBytes") {
                (
                    "the file holds more than 5 MB of text".into(),
                    "a report is a few tens of kilobytes; check that the right file is named",
                )
            } else if breach.starts_with("Documents") {
                (
                    "the file holds more than one YAML document".into(),
                    "one report per file: remove the `---` line and what follows it",
                )
            } else if let Some(x) = self.too_many_items(breach) {
                return x;
            } else {
                (
                    "aliases (`*name`) expand this value to more than 200,000 items".into(),
                    "a report needs no anchors (`&name`) or aliases (`*name`); write the values out",
                )
            };
            return done(message, Some(help.into()), field, where_);
        }
        if raw.starts_with("multiple YAML documents") {
            let where_ = self.locator.second_document().or(pos).unwrap_or_default();
            return done(
                "the file holds a second YAML document".into(),
                Some("a `---` line starts another document; one report per file: remove the `---` line and what follows it".into()),
                String::new(),
                where_,
            );
        }
        if raw == "unexpected end of input" || raw.starts_with("unexpected EOF") || raw == "unexpected eof" {
            let end = position_at(&self.text, self.text.len());
            return done(
                "the file ends too soon".into(),
                Some("a list, mapping or quote is still open at the end of the file".into()),
                path.clone(),
                pos.unwrap_or(end),
            );
        }
        self.syntax(raw, path, pos)
    }

    /// The file holds more items (values, lists, mappings) than the limit, but uses no alias: say
    /// what is too big, and where (the longest list, or the file), rather than blame aliases.
    /// `None` when aliases are used (they are what multiplied the items) or for other limits.
    fn too_many_items(&self, breach: &str) -> Option<Explained> {
        if !(breach.starts_with("Nodes") || breach.starts_with("Events")) || self.locator.aliases().0 > 0 {
            return None;
        }
        let help =
            "a report holds a few hundred values; split the data into smaller tables, or put it in an appendix PDF";
        let limit = "which takes the file past its limit of 200,000 items (values, lists and mappings)";
        let (message, path, pos) = match self.locator.longest_list() {
            // The list that took the file over the limit.
            Some((path, pos, n)) if n >= 10_000 => {
                let what = match last_name(path) {
                    "rows" => format!("this table has {} rows", group(n)),
                    _ => format!("this list has {} items", group(n)),
                };
                (format!("{what}, {limit}"), path.to_owned(), pos)
            }
            _ => (
                "the file has more than 200,000 items (values, lists and mappings), its limit".into(),
                String::new(),
                Position { line: 1, column: 1 },
            ),
        };
        Some(Explained { message, help: Some(help.into()), path, pos })
    }

    /// A YAML syntax error, in the author's terms.
    fn syntax(&self, raw: &str, path: String, pos: Option<Position>) -> Explained {
        let mut x = self.syntax_at(raw, path.clone(), pos);
        // The field on the line of the error, if the locator saw it before the error.
        let line = self.text.lines().nth(x.pos.line.saturating_sub(1)).unwrap_or("");
        if let Some(p) = self.locator.key_on_line(x.pos.line) {
            x.path = p;
        } else if indent(line) == 0 && is_content(line) && !line.starts_with('\t') {
            // A top-level line: the field being read before it is not the one at fault.
            x.path = String::new();
        } else {
            x.path = path;
        }
        x
    }

    fn syntax_at(&self, raw: &str, path: String, pos: Option<Position>) -> Explained {
        let pos = pos.unwrap_or_else(|| self.locator.value(&path));
        let lines: Vec<&str> = self.text.lines().collect();
        let line_text = |n: usize| lines.get(n.wrapping_sub(1)).copied().unwrap_or("");
        let x = |message: String, help: &str, pos: Position| Explained {
            message,
            help: Some(help.to_owned()),
            path: path.clone(),
            pos,
        };

        if raw.contains("tab") {
            let near = [pos.line, pos.line + 1, pos.line.saturating_sub(1), pos.line.saturating_sub(2)];
            let tab = near.into_iter().filter(|&n| n >= 1).find_map(|n| {
                line_text(n).find('\t').map(|i| Position { line: n, column: line_text(n)[..i].chars().count() + 1 })
            });
            let leading = tab.is_some_and(|t| line_text(t.line).chars().take(t.column).all(|c| c == ' ' || c == '\t'));
            let message = if leading { "this line is indented with a tab" } else { "a tab character is used here" };
            return x(message.into(), "YAML indents with spaces only: replace the tab with spaces", tab.unwrap_or(pos));
        }
        if raw == "unclosed quote" {
            return x("this quote is never closed".into(), "add the closing quote at the end of the text", pos);
        }
        if let Some(rest) = raw.strip_prefix("unclosed bracket '") {
            let open = rest.chars().next().unwrap_or('[');
            let (close, what) = if open == '{' { ('}', "mapping") } else { (']', "list") };
            return x(
                format!("this `{open}` {what} is never closed"),
                &format!("add `{close}` at the end of the {what}"),
                pos,
            );
        }
        if let Some(c) = raw.strip_prefix("unexpected character: `").and_then(|r| r.strip_suffix('\'')) {
            if c.starts_with("\\u{") || c.starts_with("\\t") || c.starts_with("\\r") {
                let what = if c == "\\u{0}" {
                    "a NUL character (a zero byte)".to_owned()
                } else {
                    format!("a control character (`{c}`)")
                };
                return x(
                    format!("the file contains {what}, which YAML does not allow"),
                    "remove it; it may come from a damaged file or from text copied out of another program",
                    pos,
                );
            }
            return x(
                format!("text cannot start with `{c}` unless it is in quotes"),
                "put the whole text in quotes: \"…\"",
                pos,
            );
        }
        if raw.contains("BOM must not appear") {
            return x(
                "the file contains a byte order mark (U+FEFF) in the middle".into(),
                "remove the invisible character at this position",
                pos,
            );
        }
        if raw.starts_with("recursion limit exceeded") {
            return x(
                String::from("the file is nested too deeply"),
                "a report needs about 8 levels; look for brackets `[` `{` that are never closed",
                pos,
            );
        }
        if raw.starts_with("simple key expected ':'") || raw.starts_with("simple key is no longer valid") {
            return x(
                "a field name is longer than 1024 characters, or its `:` is missing".into(),
                "write the field as `name: value`, with a short name",
                pos,
            );
        }
        if raw.starts_with("invalid trailing content after") {
            return x("text follows the closing quote".into(), "put the whole text inside the quotes", pos);
        }
        if raw.contains("unknown escape character")
            || raw.contains("hexadecimal number")
            || raw.contains("Unicode character escape")
        {
            return x(
                "unknown escape `\\` in double-quoted text".into(),
                "use single quotes ('C:\\Reports') or write `\\\\` for a backslash",
                pos,
            );
        }
        let flowish = raw.contains("flow") || raw.contains("illegal placement of ':'") || raw.contains("bracket");
        if flowish {
            if let Some((open, at)) = unclosed_flow(&self.text, byte_at(&self.text, pos)) {
                let close = if open == '{' { '}' } else { ']' };
                let what = if open == '{' { "mapping" } else { "list" };
                return x(
                    format!("this `{open}` {what} is never closed"),
                    &format!("add `{close}` at the end of the {what}"),
                    position_at(&self.text, at),
                );
            }
        }
        if raw.starts_with("mapping values are not allowed") {
            let line = line_text(pos.line);
            let first_colon = key_colon(line);
            if first_colon.is_some_and(|c| pos.column > c + 1) {
                // A second `: ` on the line: it is in the text, not after a field name.
                let c = first_colon.unwrap_or(0);
                let (key, value) = (line[..c].trim_end(), line[c + 1..].trim());
                let value = value.split(" #").next().unwrap_or(value).trim();
                let quoted = if value.contains('"') {
                    format!("'{}'", value.replace('\'', "''"))
                } else {
                    format!("\"{value}\"")
                };
                return x(
                    "this text contains `: `, which YAML reads as the start of a field".into(),
                    &format!("put the text in quotes: `{} {}`", short(&format!("{key}:")), short(&quoted)),
                    pos,
                );
            }
            return self.indentation(&lines, pos.line, path);
        }
        if raw.starts_with("comment intercepting") {
            let next = (pos.line + 1..=lines.len()).find(|&n| is_content(line_text(n)));
            return self.indentation(&lines, next.unwrap_or(pos.line), path);
        }
        if raw.contains("did not find expected key")
            || raw.contains("did not find expected '-' indicator")
            || raw.contains("indentation")
            || raw.contains("block sequence entries are not allowed")
        {
            return self.indentation(&lines, pos.line, path);
        }
        x(
            format!("the YAML is not well-formed: {raw}"),
            "check the line against the examples in `cabrep new report`",
            pos,
        )
    }

    /// "This line does not line up": the line `n` against the lines above it.
    fn indentation(&self, lines: &[&str], n: usize, path: String) -> Explained {
        let text = |n: usize| lines.get(n.wrapping_sub(1)).copied().unwrap_or("");
        let line = text(n);
        let ind = indent(line);
        let here = Position { line: n, column: line[..ind].chars().count() + 1 };
        let what = lead(line);
        let above = (1..n).rev().find(|&m| is_content(text(m)));
        let (message, help) = match above {
            Some(m) if indent(text(m)) < ind => (
                format!("{what} is indented more than {} on the line above", lead(text(m))),
                format!("start it in column {}, as {} on line {m}", indent(text(m)) + 1, lead(text(m))),
            ),
            Some(m) if text(m).trim_start().starts_with('-') == line.trim_start().starts_with('-') => (
                format!("{what} is not lined up with the lines above it"),
                format!("start it in column {}, as {} on line {m}", indent(text(m)) + 1, lead(text(m))),
            ),
            Some(m) => {
                // Which columns would fit: the lines that contain this one.
                let mut cols = Vec::new();
                let mut limit = usize::MAX;
                for k in (1..=m).rev() {
                    let t = text(k);
                    if is_content(t) && indent(t) < limit {
                        limit = indent(t);
                        cols.push(format!("{} on line {k} (column {})", lead(t), limit + 1));
                        if limit == 0 || cols.len() == 3 {
                            break;
                        }
                    }
                }
                (
                    format!("{what} is not lined up with the lines above it"),
                    format!(
                        "indentation shows what belongs to what: start it in the same column as {}",
                        cols.join(", or ")
                    ),
                )
            }
            None => (format!("{what} is indented, but nothing above it is"), "start it in column 1".into()),
        };
        Explained { message, help: Some(help), path, pos: here }
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
        return String::new();
    }
    p.split('.').filter(|s| *s != "?").collect::<Vec<_>>().join(".")
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
    let list =
        text.split_once("expected one of").map(|(_, l)| l).or_else(|| text.split_once("expected").map(|(_, l)| l));
    list.map(|l| {
        l.split([',', ' '])
            .map(|w| w.trim().trim_matches('`'))
            .filter(|w| !w.is_empty() && *w != "or")
            .map(str::to_owned)
            .collect()
    })
    .unwrap_or_default()
}

/// An explained parser error.
struct Explained {
    message: String,
    help: Option<String>,
    path: String,
    pos: Position,
}

/// What serde expected, in the author's terms.
fn expected_text(e: &str) -> String {
    let e = e.trim();
    let e = e.strip_prefix("a ").or_else(|| e.strip_prefix("an ")).unwrap_or(e);
    match e {
        "string" | "string scalar" | "borrowed string" | "str" | "char" => "text".into(),
        "sequence" | "list" | "sequence start" | "list start" => "a list".into(),
        "map" | "mapping" | "mapping start" | "map start" => "a mapping".into(),
        "u8" | "u16" | "u32" | "u64" | "usize" | "i8" | "i16" | "i32" | "i64" | "isize" | "integer" => {
            "a whole number".into()
        }
        "f32" | "f64" | "floating point" | "float" | "number" => "a number".into(),
        "boolean" | "bool" => "true or false".into(),
        _ if e.starts_with("struct ") => "a mapping".into(),
        _ if e.starts_with("sequence") => "a list".into(),
        _ => e.replace("sequence", "a list").replace("a string", "text"),
    }
}

/// What serde found (`sequence`, `string "x"`, `integer `5``), in the author's terms.
fn unexpected_text(u: &str) -> String {
    let u = u.trim();
    let quoted = |s: &str| format!("`{}`", short(s));
    if u == "sequence" {
        "a list".into()
    } else if u == "map" {
        "a mapping".into()
    } else if u == "unit value" || u == "null" || u == "none" || u == "Option value" {
        "nothing".into()
    } else if let Some(s) = u.strip_prefix("string ") {
        quoted(s.trim_matches('"'))
    } else if let Some((_, v)) = u.split_once('`') {
        quoted(v.trim_end_matches('`'))
    } else {
        u.to_owned()
    }
}

/// Whole-number fields: their range, if they have one, and what the numbers mean.
fn number_range(field: &str) -> Option<(Option<&'static str>, &'static str)> {
    match field {
        "likelihood" => Some((Some("1 to 5"), "likelihood runs from 1 (rare) to 5 (almost certain)")),
        "impact" => Some((Some("1 to 5"), "impact runs from 1 (negligible) to 5 (severe)")),
        "paragraphs" => Some((Some("1 to 7"), "Schedule 12A has paragraphs 1 to 7")),
        "agenda_item" => Some((None, "the item's number on the agenda, e.g. 7")),
        _ => None,
    }
}

/// Shortens what the author typed for a message (a 4 MB field name stays in the file).
fn short(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(MAX - 1).collect::<String>())
    }
}

/// A count with thousands separators: 50000 → "50,000".
fn group(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The last field name of a path: `risk.register[0].likelihood` → `likelihood`.
fn last_name(path: &str) -> &str {
    let name = path.rsplit('.').next().unwrap_or(path);
    name.split('[').next().unwrap_or(name)
}

/// The path without its last field: `contact.emial` → `contact`.
fn parent_of(path: &str) -> &str {
    path.rfind('.').map(|i| &path[..i]).unwrap_or("")
}

/// A path without the list indices after its last field name:
/// `measures[0].baseline[5][1][7]` → `measures[0].baseline`.
fn trim_indices(path: &str) -> String {
    let mut p = path;
    while p.ends_with(']') {
        match p.rfind('[') {
            Some(i) => p = &p[..i],
            None => break,
        }
    }
    p.to_owned()
}

/// 1-based line and column (in characters) of a byte offset.
fn position_at(text: &str, byte: usize) -> Position {
    let mut byte = byte.min(text.len());
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    let before = &text[..byte];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    Position { line, column }
}

/// The byte offset of a position.
fn byte_at(text: &str, pos: Position) -> usize {
    crate::diag::byte_offset(text, pos.line, pos.column)
}

/// Spaces at the start of a line.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A line that holds YAML (not blank, not only a comment).
fn is_content(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

/// How to name a line in a message: `` `date:` ``, `` the list item `-` ``, `this line`.
fn lead(line: &str) -> String {
    let t = line.trim_start();
    if t.starts_with("- ") || t == "-" {
        "the list item `-`".into()
    } else if let Some(c) = key_colon(line) {
        format!("`{}:`", short(line[..c].trim()))
    } else {
        "this line".into()
    }
}

/// The byte index of the colon that ends a field name on a line (`  title: x` → 7), outside
/// quotes; after a leading `- `.
fn key_colon(line: &str) -> Option<usize> {
    let t = line.trim_start();
    let start = line.len() - t.len();
    let t2 = t.strip_prefix("- ").unwrap_or(t);
    let start = start + (t.len() - t2.len());
    if t2.starts_with(['"', '\'', '[', '{', '#', '|', '>']) {
        return None;
    }
    let bytes = t2.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t') {
            return Some(start + i);
        }
        if b == b'#' && i > 0 && bytes[i - 1] == b' ' {
            return None;
        }
    }
    None
}

/// The innermost flow collection (`[` or `{`) still open at byte `upto`, and where it opens.
/// A small scanner: it knows block scalars (`|`, `>`), quotes and comments, enough to find a
/// bracket the author forgot to close.
fn unclosed_flow(text: &str, upto: usize) -> Option<(char, usize)> {
    let mut stack: Vec<(char, usize)> = Vec::new();
    let mut block_scalar: Option<usize> = None; // indentation of the field that opened it
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if offset > upto {
            break;
        }
        let start = offset;
        offset += line.len();
        let body = line.trim_end_matches(['\n', '\r']);
        if stack.is_empty() {
            if let Some(ind) = block_scalar {
                if body.trim().is_empty() || indent(body) > ind {
                    continue;
                }
                block_scalar = None;
            }
            // Where a value starts: after the indentation, any `- `, and any `key: `.
            let mut v = indent(body);
            while body[v..].starts_with("- ") {
                v += 2;
                v += indent(&body[v..]);
            }
            let key_indent = v;
            if let Some(c) = key_colon(body).filter(|&c| c >= v) {
                v = c + 1;
                v += body[v..].len() - body[v..].trim_start().len();
            }
            let value = &body[v..];
            if value.starts_with(['|', '>']) {
                block_scalar = Some(key_indent);
                continue;
            }
            if !value.starts_with(['[', '{']) {
                continue;
            }
            scan_flow(&body[v..], start + v, upto, &mut stack);
        } else {
            scan_flow(body, start, upto, &mut stack);
        }
    }
    stack.last().copied()
}

/// Scans part of a line in flow context, pushing and popping brackets, up to byte `upto`.
fn scan_flow(s: &str, base: usize, upto: usize, stack: &mut Vec<(char, usize)>) {
    let mut quote: Option<char> = None;
    let mut prev = ' ';
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if base + i >= upto {
            return;
        }
        match quote {
            Some('"') if c == '\\' => {
                chars.next();
            }
            Some(q) if c == q => {
                if q == '\'' && chars.peek().is_some_and(|&(_, n)| n == '\'') {
                    chars.next();
                } else {
                    quote = None;
                }
            }
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '#' if prev == ' ' || prev == '\t' => return,
                '[' | '{' => stack.push((c, base + i)),
                ']' | '}' => {
                    stack.pop();
                    if stack.is_empty() {
                        return;
                    }
                }
                _ => {}
            },
        }
        prev = c;
    }
}

fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}
