//! Text and unit helpers: sanitising strings for XML, colours, bookmark names, twips.

/// One piece of a text run after sanitising.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece {
    /// Plain text (never empty; no control characters).
    Text(String),
    /// A tab (`\t`).
    Tab,
    /// A line break (`\n`, `\r\n`, `\r`, and the Unicode line/paragraph separators).
    Break,
}

/// Whether a character may appear in an XML 1.0 document and is not a control character.
/// C0 controls (other than tab/newline, handled by the caller), DEL, C1 controls and the
/// non-characters U+FFFE/U+FFFF are dropped: XML forbids most of them and Word and
/// LibreOffice refuse or mangle the rest.
fn keep(c: char) -> bool {
    !(c < ' ' || ('\u{7f}'..='\u{9f}').contains(&c) || c == '\u{fffe}' || c == '\u{ffff}')
}

/// Removes every control character (including tabs and newlines): for metadata, attribute
/// values and single-line texts.
pub(super) fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if keep(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Splits text into runs of plain text, tabs and line breaks, dropping control characters.
pub(super) fn pieces(s: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let mut chars = s.chars().peekable();
    let flush = |buf: &mut String, out: &mut Vec<Piece>| {
        if !buf.is_empty() {
            out.push(Piece::Text(std::mem::take(buf)));
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\t' => {
                flush(&mut buf, &mut out);
                out.push(Piece::Tab);
            }
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                flush(&mut buf, &mut out);
                out.push(Piece::Break);
            }
            '\n' | '\u{2028}' | '\u{2029}' => {
                flush(&mut buf, &mut out);
                out.push(Piece::Break);
            }
            c if keep(c) => buf.push(c),
            _ => {}
        }
    }
    flush(&mut buf, &mut out);
    out
}

/// `#rrggbb` / `rrggbb` / `#rgb` → `RRGGBB` (the form WordprocessingML wants), or `None`.
pub(super) fn hex_colour(s: &str) -> Option<String> {
    let h = s.trim().trim_start_matches('#');
    if !h.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    match h.len() {
        6 => Some(h.to_ascii_uppercase()),
        3 => Some(h.chars().flat_map(|c| [c, c]).collect::<String>().to_ascii_uppercase()),
        _ => None,
    }
}

/// A Word-safe bookmark name for an anchor id: letters, digits and `_`, starting with a
/// letter, at most 40 characters (Word silently drops bookmarks that break these rules).
pub(super) fn bookmark_name(anchor: &str) -> String {
    let mut out = String::new();
    for c in anchor.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push('_');
        }
    }
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert_str(0, "a_");
    }
    out.truncate(40);
    out
}

/// Millimetres to twentieths of a point, clamped to a sane range (NaN → 0).
pub(super) fn mm_to_twips(mm: f32) -> u32 {
    let t = f64::from(mm) * 1440.0 / 25.4;
    if t.is_finite() {
        t.round().clamp(0.0, 31_680.0) as u32 // 22 inches: Word's maximum page size
    } else {
        0
    }
}

/// Points to half-points (run sizes), clamped to Word's range 1–1638 pt; falls back to 12 pt.
pub(super) fn half_points(pt: f32) -> usize {
    let pt = if pt.is_finite() && pt > 0.0 { f64::from(pt) } else { 12.0 };
    (pt * 2.0).round().clamp(2.0, 3276.0) as usize
}

/// Points to twentieths of a point (spacing), clamped; non-finite → 0.
pub(super) fn pt_to_twips(pt: f32) -> u32 {
    let t = f64::from(pt) * 20.0;
    if t.is_finite() {
        t.round().clamp(0.0, 31_680.0) as u32
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_split_and_strip() {
        assert_eq!(
            pieces("a\u{b}b\tc\r\nd\u{0}\u{c}"),
            vec![Piece::Text("ab".into()), Piece::Tab, Piece::Text("c".into()), Piece::Break, Piece::Text("d".into())]
        );
        assert_eq!(clean("x\ny\u{1}z"), "x yz");
    }

    #[test]
    fn helpers() {
        assert_eq!(hex_colour("#1f4e79").as_deref(), Some("1F4E79"));
        assert_eq!(hex_colour("#abc").as_deref(), Some("AABBCC"));
        assert_eq!(hex_colour("red"), None);
        assert_eq!(bookmark_name("sec-6"), "sec_6");
        assert_eq!(bookmark_name("6-intro"), "a_6_intro");
        assert_eq!(mm_to_twips(25.0), 1417);
        assert_eq!(mm_to_twips(f32::NAN), 0);
    }
}
