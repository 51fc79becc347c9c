//! Turning serde-saphyr's errors into located diagnostics in the author's terms: its messages
//! are matched by their prefixes ("unknown field `", "invalid type: ", "budget breached: "…),
//! given a hint and the best position. Syntax errors go on to `syntax`; this room never reads
//! the file from disk.

use super::{position_at, SourceFile};
use crate::diag::{Diagnostic, Severity};
use crate::input::locate::{NodeKind, Position};
use crate::input::scale::Scale;

impl SourceFile {
    /// A parser error as a located diagnostic; `path` is the field path serde reached.
    pub(super) fn describe_yaml_error(&self, e: &serde_saphyr::Error, path: &str) -> Diagnostic {
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

    /// A parser message found without a position (in a repaired copy of the file), located by
    /// its field path alone.
    pub(super) fn describe_at_path(&self, raw: &str, path: &str) -> Diagnostic {
        let x = self.explain(raw, path, None);
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
                ("a whole number", Some((Some(range), scale))) => (format!("a whole number from {range}"), Some(scale)),
                ("a whole number", Some((None, scale))) => (expected, Some(scale)),
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
            // Aliases expanded past the limit are located at the alias that crossed it; a limit
            // the scan before parsing finds, at the value it names.
            let expanded = breach.starts_with("alias ") || breach.starts_with("Nodes") || breach.starts_with("Events");
            let where_ = match self.locator.expansion_crossed() {
                Some(alias) if expanded && self.locator.aliases().0 > 0 => alias,
                _ => self.locator.value(&field),
            };
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
            } else if breach.starts_with("Aliases") {
                (
                    "the file uses more than 1000 aliases (`*name`)".into(),
                    "a report needs no anchors or aliases; write the values out",
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
                    "rows" => format!("this table has {} rows", crate::house::count(n)),
                    _ => format!("this list has {} items", crate::house::count(n)),
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
}

/// serde-saphyr appends " at line L column C"; we print the location ourselves.
pub(super) fn strip_location(msg: &str) -> String {
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
pub(super) struct Explained {
    pub(super) message: String,
    pub(super) help: Option<String>,
    pub(super) path: String,
    pub(super) pos: Position,
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
fn number_range(field: &str) -> Option<(Option<String>, String)> {
    if let Some(scale) = Scale::of_field(field) {
        return Some((Some(Scale::range()), scale.hint()));
    }
    match field {
        "paragraphs" => Some((Some("1 to 7".into()), "Schedule 12A has paragraphs 1 to 7".into())),
        "agenda_item" => Some((None, "the item's number on the agenda, e.g. 7".into())),
        _ => None,
    }
}

/// Shortens what the author typed for a message (a 4 MB field name stays in the file).
pub(super) fn short(s: &str) -> String {
    const MAX: usize = 60;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(MAX - 1).collect::<String>())
    }
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

/// `parent.key`, or `key` at the root.
fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_owned()
    } else {
        format!("{parent}.{key}")
    }
}
