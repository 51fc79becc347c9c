//! Diagnostics as data: what is wrong, where (file, line, column, field path), and how to fix
//! it. Every stage reports problems as [`Diagnostic`]s; the CLI prints them.

use std::fmt;
use std::io::Write;

use serde::Serialize;

/// Error or warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The input cannot be built.
    Error,
    /// Worth a look; does not stop the build.
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem in one input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// The file, as the user named it.
    pub file: String,
    /// Line, from 1.
    pub line: usize,
    /// Column, from 1.
    pub column: usize,
    /// Field path, e.g. `recommendations.items[2].text` (empty for the whole file).
    pub path: String,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to fix it, if we can tell.
    pub help: Option<String>,
}

impl Diagnostic {
    /// The first line of the block: `FILE:LINE:COLUMN: error: PATH: MESSAGE`.
    pub fn headline(&self) -> String {
        let path = if self.path.is_empty() { String::new() } else { format!("{}: ", self.path) };
        format!("{}:{}:{}: {}: {}{}", self.file, self.line, self.column, self.severity, path, self.message)
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// A problem found before its position is known: a field path, a message and a hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Field path.
    pub path: String,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// Point at the key rather than the value (unknown or duplicate fields).
    pub at_key: bool,
    /// Point at this text inside the value (e.g. the `#id` of a broken cross-reference in a
    /// long Markdown field), when it can be found there.
    pub needle: Option<String>,
    /// How many earlier matches of `needle` in the value to pass over (the same text typed
    /// twice in one field: the second `---`, a rule, after a table's `|---|`).
    pub earlier: usize,
}

impl Problem {
    /// An error at `path`.
    pub fn error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            path: path.into(),
            severity: Severity::Error,
            message: message.into(),
            help: None,
            at_key: false,
            needle: None,
            earlier: 0,
        }
    }
    /// A warning at `path`.
    pub fn warning(path: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { severity: Severity::Warning, ..Problem::error(path, message) }
    }
    /// Adds a hint.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    /// Points at the key of the field.
    pub fn at_key(mut self) -> Self {
        self.at_key = true;
        self
    }
    /// Points at `text` inside the field's value, where it can be found.
    pub fn at_text(mut self, text: impl Into<String>) -> Self {
        self.needle = Some(text.into());
        self
    }
    /// Points at `text` inside the field's value after `earlier` matches of it.
    pub fn at_text_after(mut self, text: impl Into<String>, earlier: usize) -> Self {
        self.earlier = earlier;
        self.at_text(text)
    }
}

/// Problems collected while validating, instead of stopping at the first.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Records a problem.
    pub fn push(&mut self, p: Problem) {
        self.0.push(p);
    }
    /// Whether any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|p| p.severity == Severity::Error)
    }
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageFormat {
    /// Human-readable: the headline, then (on a terminal) a source snippet with a caret.
    Human {
        /// Show a source snippet under the headline.
        snippet: bool,
    },
    /// One JSON object per line.
    Json,
}

/// How many diagnostics of one file are printed for a person to read; the rest are counted
/// ("and N more"). The JSON format carries them all.
pub const MAX_PRINTED: usize = 50;

/// Prints diagnostics to `out`. `source` is the file's text, for snippets.
pub fn emit(out: &mut dyn Write, diags: &[Diagnostic], source: Option<&str>, format: MessageFormat) {
    let shown = match format {
        MessageFormat::Json => diags.len(),
        MessageFormat::Human { .. } => diags.len().min(MAX_PRINTED),
    };
    for d in &diags[..shown] {
        let _ = match format {
            MessageFormat::Json => {
                writeln!(out, "{}", serde_json::to_string(d).unwrap_or_default())
            }
            MessageFormat::Human { snippet } => {
                let mut text = d.headline();
                if snippet {
                    if let Some(src) = source {
                        text.push_str(&render_snippet(d, src));
                    }
                }
                if let Some(help) = &d.help {
                    text.push_str(&format!("\n  = help: {help}"));
                }
                writeln!(out, "{text}")
            }
        };
    }
    if shown < diags.len() {
        let rest = diags.len() - shown;
        let file = &diags[shown].file;
        let _ = writeln!(out, "{file}: and {rest} more {}", if rest == 1 { "problem" } else { "problems" });
    }
}

/// A source snippet with a caret under the column, rendered by `codespan-reporting`.
fn render_snippet(d: &Diagnostic, source: &str) -> String {
    use codespan_reporting::diagnostic::{Diagnostic as CsDiag, Label};
    use codespan_reporting::files::SimpleFile;
    use codespan_reporting::term::{self, termcolor::NoColor, Config, DisplayStyle};

    let offset = byte_offset(source, d.line, d.column);
    let end = source[offset..].find('\n').map(|n| offset + n.max(1)).unwrap_or(source.len());
    let file = SimpleFile::new(d.file.as_str(), source);
    let diag = CsDiag::error().with_labels(vec![Label::primary((), offset..end.max(offset))]);
    let config = Config { display_style: DisplayStyle::Rich, ..Config::default() };
    let mut buf = NoColor::new(Vec::new());
    if term::emit(&mut buf, &config, &file, &diag).is_err() {
        return String::new();
    }
    let text = String::from_utf8_lossy(&buf.into_inner()).into_owned();
    // Drop codespan's own (empty) headline; ours is already printed.
    let body: Vec<&str> = text.lines().skip_while(|l| !l.contains('┌')).collect();
    let mut s = String::new();
    for l in body {
        s.push('\n');
        s.push_str(l.trim_end());
    }
    s
}

/// The byte offset of a 1-based line and column (in characters).
pub fn byte_offset(source: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in source.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let col: usize = l.chars().take(column.saturating_sub(1)).map(char::len_utf8).sum();
            return (offset + col).min(source.len());
        }
        offset += l.len();
    }
    source.len()
}

/// The first line of a panic's message ("a panic" when it carries none), for a one-line report.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into());
    what.lines().next().unwrap_or("").to_owned()
}

/// Where `needle` stands in `hay` as a whole word (what follows it is not a letter, digit, `-` or
/// `_`: `#id` does not match inside `#ids`), as byte offsets, in order.
pub fn word_matches<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        if needle.is_empty() {
            return None;
        }
        while let Some(i) = hay.get(from..)?.find(needle) {
            let at = from + i;
            let end = at + needle.len();
            from = end;
            if !hay[end..].chars().next().is_some_and(|c| c.is_alphanumeric() || c == '-' || c == '_') {
                return Some(at);
            }
        }
        None
    })
}
