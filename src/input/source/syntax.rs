//! Heuristics for malformed YAML: which line is at fault and why (a tab, a `: ` inside text, a
//! quote or bracket never closed, a line that does not line up), read from the text around the
//! parser's position. This room looks at lines and columns only, never at a field's meaning.

use super::explain::{short, Explained};
use super::{position_at, SourceFile};
use crate::input::locate::Position;

impl SourceFile {
    /// A YAML syntax error, in the author's terms.
    pub(super) fn syntax(&self, raw: &str, path: String, pos: Option<Position>) -> Explained {
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
