//! Inline-text helpers of rewording: words and prefixes taken off or looked at in the leading
//! text, runs merged and trimmed, the first letter capitalised wherever it is (inside bold or a
//! link too), and the record's small fixed edits ("this report" → "the report", a lone comma
//! before "be"). Never decides what a clause means.

use crate::tree::{plain_text, Inline};

/// The `n`th word of the leading text (letters only), or "".
pub(super) fn first_word(text: &[Inline], n: usize) -> String {
    let Some(Inline::Text { text }) = text.first() else {
        return String::new();
    };
    text.split_whitespace().nth(n).map(|w| w.trim_matches(|c: char| !c.is_alphabetic()).to_owned()).unwrap_or_default()
}

/// Removes a leading word (`"That "`), in either case of its first letter.
pub(super) fn strip_word(text: &mut [Inline], word: &str) -> bool {
    let lower = word.to_lowercase();
    strip_text_prefix(text, word).or_else(|| strip_text_prefix(text, &lower)).is_some()
}

/// "this report" (or "This report") → `words` ("the report"), as whole words, in plain text,
/// for a record that speaks of the report the meeting considered, not of the page the reader
/// holds (`[resolutions] this_report`).
pub(super) fn the_report(text: &mut [Inline], words: &str) {
    for inline in text.iter_mut() {
        let Inline::Text { text: t } = inline else {
            continue;
        };
        let mut out = String::with_capacity(t.len());
        let mut rest = t.as_str();
        while let Some(at) = ["his report", "his Report"].iter().filter_map(|w| rest.find(w)).min() {
            let lead = rest[..at].chars().next_back().filter(|c| *c == 't' || *c == 'T');
            let start = if lead.is_some() { at - 1 } else { at };
            let before_ok = lead.is_some() && rest[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let after = &rest[at + "his report".len()..];
            let after_ok = after.chars().next().is_none_or(|c| !c.is_alphanumeric());
            out.push_str(&rest[..start]);
            if before_ok && after_ok {
                // The author's capitals kept: "This Report" → "The Report".
                let mut words = words.to_owned();
                if rest[at..].starts_with("his Report") && words.ends_with(" report") {
                    words.replace_range(words.len() - "report".len().., "Report");
                }
                let mut chars = words.chars();
                match (lead, chars.next()) {
                    (Some('T'), Some(first)) => {
                        out.extend(first.to_uppercase());
                        out.push_str(chars.as_str());
                    }
                    _ => out.push_str(&words),
                }
            } else {
                out.push_str(&rest[start..at + "his report".len()]);
            }
            rest = after;
        }
        out.push_str(rest);
        *t = out;
    }
}

/// "The numbers as set out in the report, be approved" → "… the report be approved": a lone
/// comma between what is resolved and its "be" (a comma of a pair, "X, for consultation, be
/// agreed", is kept).
pub(super) fn no_comma_before_be(mut text: Vec<Inline>) -> Vec<Inline> {
    let plain = plain_text(&text);
    let Some(at) = plain.find(", be ") else {
        return text;
    };
    if plain[..at].contains(',') {
        return text;
    }
    for inline in text.iter_mut() {
        match inline {
            Inline::Text { text: t } => {
                if let Some(at) = t.find(", be ") {
                    t.remove(at);
                    return text;
                }
                if t.contains(',') {
                    return text;
                }
            }
            // The comma is inside bold or a link: left as written.
            _ if plain_text(std::slice::from_ref(inline)).contains(',') => return text,
            _ => {}
        }
    }
    text
}

/// Upper-cases a string's first letter.
pub(super) fn capitalise_str(s: &mut String) {
    if let Some(c) = s.chars().next() {
        let up: String = c.to_uppercase().collect();
        s.replace_range(..c.len_utf8(), &up);
    }
}

/// Removes `prefix` from the clause's leading text, if it starts with it.
pub(super) fn strip_text_prefix(clause: &mut [Inline], prefix: &str) -> Option<()> {
    let Some(Inline::Text { text }) = clause.first_mut() else {
        return None;
    };
    let rest = text.strip_prefix(prefix)?.to_owned();
    *text = rest;
    Some(())
}

/// Merges adjacent text runs and drops empty ones.
pub(super) fn merge(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for i in inlines {
        match (out.last_mut(), i) {
            (_, Inline::Text { text }) if text.is_empty() => {}
            (Some(Inline::Text { text }), Inline::Text { text: more }) => text.push_str(&more),
            (_, i) => out.push(i),
        }
    }
    out
}

pub(super) fn trim_start(inlines: &mut [Inline]) {
    if let Some(Inline::Text { text }) = inlines.first_mut() {
        *text = text.trim_start().to_owned();
    }
}

pub(super) fn trim_end(inlines: &mut [Inline]) {
    if let Some(Inline::Text { text }) = inlines.last_mut() {
        *text = text.trim_end().to_owned();
    }
}

/// Upper-cases the first letter, wherever it is (inside bold or a link too).
pub(super) fn capitalise(inlines: &mut [Inline]) -> bool {
    for i in inlines {
        match i {
            Inline::Text { text } => {
                let lead = text.len() - text.trim_start().len();
                if let Some(c) = text[lead..].chars().next() {
                    let up: String = c.to_uppercase().collect();
                    text.replace_range(lead..lead + c.len_utf8(), &up);
                    return true;
                }
            }
            Inline::Strong { content }
            | Inline::Emph { content }
            | Inline::Strike { content }
            | Inline::Link { content, .. } => {
                if capitalise(content) {
                    return true;
                }
            }
            Inline::LineBreak | Inline::PageRange { .. } | Inline::Footnote { .. } => {}
        }
    }
    false
}
