//! Escaping for the markup cabrep produces — HTML, the XML parts of a DOCX, a merged PDF's XMP
//! packet: every piece of author or template text placed in markup goes through here. It
//! imports nothing of the project and writes no markup of its own.

/// Whether a character is dropped from the output: C0 and C1 control characters (other than
/// tab, line feed and carriage return) and the non-characters U+FFFE/U+FFFF.
pub fn is_stripped(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// Text content: `&`, `<` and `>` escaped, control characters stripped.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    push_text(&mut out, s);
    out
}

/// Appends escaped text content.
pub fn push_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if is_stripped(c) => {}
            c => out.push(c),
        }
    }
}

/// An attribute value (to go inside double quotes): as [`text`], plus both quotes escaped.
pub fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if is_stripped(c) => {}
            c => out.push(c),
        }
    }
    out
}
