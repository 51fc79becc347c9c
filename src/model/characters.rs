//! The characters of authors' text, checked before any writer sees them: every text field of an
//! input file must hold only characters the template's fonts can print, and no control
//! characters (tab and line feed apart), line or paragraph separators, or bidirectional
//! overrides and isolates. A problem names the field, the character and its code point
//! (`U+1F600`), so `check` finds what the typesetter would otherwise be first to fail on.
//!
//! Works on the file as a generic tree (every string, with its field path), so no text field is
//! missed; knows nothing of file formats or writers (the coverage comes from the template).

use crate::diag::Problem;
use crate::template::CharCoverage;

/// Fields whose text is never printed (names of files, ids, the format tag): only control
/// characters are refused there. (`missions` as a list is an inline register, and printed.)
const NOT_PRINTED: &[&str] = &["schema", "id", "file", "report", "missions"];

/// Invisible characters that print as nothing, whether or not a font maps them: zero-width
/// space and joiners, word joiner, soft hyphen, variation selectors, zero-width no-break space.
fn prints_as_nothing(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{00AD}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}')
}

/// What is wrong with one character, if anything: the message and a hint.
fn judge(c: char, printed: bool, coverage: &CharCoverage, font: &str) -> Option<(String, String)> {
    // Nearly every character is fine: that is told without making a string.
    let special =
        c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
    if !special && (!printed || coverage.contains(c) || prints_as_nothing(c)) {
        return None;
    }
    let code = format!("U+{:04X}", u32::from(c));
    match c {
        '\t' | '\n' => None,
        '\r' | '\u{85}' => Some((
            format!("contains a line break the report cannot use ({code}, {})", if c == '\r' { "a carriage return" } else { "NEXT LINE" }),
            "start a new line in a `|` block instead (in quotes, write `\\n`)".into(),
        )),
        '\u{2028}' | '\u{2029}' => Some((
            format!("contains a {} separator ({code})", if c == '\u{2028}' { "line" } else { "paragraph" }),
            "start a new line in a `|` block instead, or a blank line for a new paragraph".into(),
        )),
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => Some((
            format!("contains a bidirectional text control ({code}), which can make text display in another order than it reads"),
            "remove it; it is invisible, and may come from text pasted from another program".into(),
        )),
        c if c.is_control() => Some((
            format!("contains a control character ({code}), which cannot be printed"),
            "remove it; it may come from text pasted from another program, or a `\\x` or `\\u` escape in quotes".into(),
        )),
        _ if !printed || coverage.contains(c) || prints_as_nothing(c) => None,
        c => {
            let private = matches!(u32::from(c), 0xE000..=0xF8FF | 0xF0000..=0x10FFFF);
            let shown = if private || c.is_whitespace() { code.clone() } else { format!("`{c}` ({code})") };
            Some((
                format!("contains {shown}, which the house font ({font}) cannot print"),
                "write it in words or leave it out: the template's fonts cover Latin, Greek and Cyrillic letters and common symbols, but not emoji or other scripts such as Chinese or Arabic".into(),
            ))
        }
    }
}

/// Whether no string of a file can have a problem, told from its text alone: every character of
/// the text (keys, values and comments alike) passes where text is printed, and the text holds
/// nothing that makes a string of characters other than its own — no `\` (an escape, in double
/// quotes) and no `!` (a tag: a `!!binary` scalar is decoded). The strings of such a file are
/// made of its characters, spaces and line feeds (lines folded), so [`check`] would find nothing.
/// A file with a carriage return (saved with CRLF line ends) is not clean: it is checked as a tree.
pub fn text_is_clean(text: &str, coverage: &CharCoverage) -> bool {
    // Most of a file is ASCII: its characters are judged once each, not at every use.
    let mut ascii = [false; 128];
    for (b, fine) in ascii.iter_mut().enumerate() {
        let c = char::from(b as u8);
        *fine = c != '\\' && c != '!' && judge(c, true, coverage, "").is_none();
    }
    text.chars().all(|c| match ascii.get(c as usize) {
        Some(fine) => *fine,
        None => judge(c, true, coverage, "").is_none(),
    })
}

/// Checks every string of `tree` (an input file read as a generic tree): one problem per field,
/// for its first character that cannot be printed.
pub fn check(tree: &serde_json::Value, coverage: &CharCoverage, font: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    walk(tree, &mut Vec::new(), true, coverage, font, &mut problems);
    problems
}

/// One step of a field's path: a key, or a position in a list.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// A field's path as problems name it (`sections[0].body`), made only for a field with a problem.
fn path_of(steps: &[Step<'_>]) -> String {
    let mut path = String::new();
    for step in steps {
        match step {
            Step::Key(k) if path.is_empty() => path.push_str(k),
            Step::Key(k) => {
                path.push('.');
                path.push_str(k);
            }
            Step::Index(i) => path.push_str(&format!("[{i}]")),
        }
    }
    path
}

fn walk<'a>(
    v: &'a serde_json::Value,
    path: &mut Vec<Step<'a>>,
    printed: bool,
    coverage: &CharCoverage,
    font: &str,
    out: &mut Vec<Problem>,
) {
    use serde_json::Value;
    match v {
        Value::String(s) => {
            if let Some((c, (message, help))) =
                s.chars().find_map(|c| judge(c, printed, coverage, font).map(|j| (c, j)))
            {
                let mut p = Problem::error(path_of(path), message).help(help);
                if !c.is_control() {
                    p = p.at_text(c.to_string());
                }
                out.push(p);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                walk(item, path, printed, coverage, font, out);
                path.pop();
            }
        }
        Value::Object(map) => {
            for (k, item) in map {
                let not_printed = NOT_PRINTED.contains(&k.as_str()) && (k != "missions" || item.is_string());
                path.push(Step::Key(k));
                walk(item, path, printed && !not_printed, coverage, font, out);
                path.pop();
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coverage() -> CharCoverage {
        crate::template::Template::builtin().expect("template").char_coverage()
    }

    /// A YAML file's text read as the tree [`check`] walks.
    fn tree(text: &str) -> serde_json::Value {
        crate::input::SourceFile::from_bytes("t.yaml".into(), "t.yaml".into(), text.as_bytes().to_vec())
            .expect("source")
            .parse::<serde_json::Value>()
            .expect("tree")
    }

    #[test]
    fn every_example_whose_text_is_clean_has_no_problem_read_as_a_tree_either() {
        let coverage = coverage();
        let inputs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs");
        let mut clean = 0;
        for entry in std::fs::read_dir(&inputs).expect("inputs").flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).expect("text");
            if text_is_clean(&text, &coverage) {
                clean += 1;
                assert_eq!(check(&tree(&text), &coverage, "font"), [], "{}", path.display());
            }
        }
        assert!(clean >= 3, "the examples are clean text, so the quick way is taken: {clean}");
    }

    #[test]
    fn text_that_can_make_a_string_of_other_characters_is_not_clean_and_is_checked_as_a_tree() {
        let coverage = coverage();
        // Each text is all printable; the strings read from it are not.
        for (text, field, code) in [
            ("title: \"right\\u202Eleft\"\n", "title", "U+202E"),
            ("title: \"bell\\a\"\n", "title", "U+0007"),
            ("summary: \"next\\Nline\"\n", "summary", "U+0085"),
            // `!!binary` decodes: "8J+YgA==" is the bytes of 😀.
            ("title: !!binary 8J+YgA==\n", "title", "U+1F600"),
            ("title: !binary 8J+YgA==\n", "title", "U+1F600"),
            ("title: two\r\n  lines\r\n", "title", ""),
        ] {
            assert!(!text_is_clean(text, &coverage), "{text:?} is not clean");
            let found = check(&tree(text), &coverage, "font");
            if !code.is_empty() {
                assert!(
                    found.iter().any(|p| p.path == field && p.message.contains(code)),
                    "{text:?}: the tree shows {code}: {found:?}"
                );
            }
        }
        // A character with a problem anywhere, even in a comment or a key, takes the slow way.
        assert!(!text_is_clean("title: ok # 😀\n", &coverage));
        assert!(!text_is_clean("😀: ok\n", &coverage));
        assert!(text_is_clean("title: Café – “quoted” £5\n", &coverage));
    }

    #[test]
    fn each_field_reports_its_first_unprintable_character_with_its_code_point() {
        let tree = serde_json::json!({
            "title": "Smile 😀 please",
            "summary": "fine text, £5 – “quoted” café",
            "sections": [{"id": "x", "body": "A\u{1b}[31m red"}, {"title": "漢字"}],
            "wards": "abc\u{202E}def",
            "contact": {"name": "x\u{2028}y"},
            "appendices": [{"file": "papers/😀.pdf", "title": "ok"}],
            "missions": [{"id": "m", "name": "Mission 🚀"}],
        });
        let p = check(&tree, &coverage(), "Liberation Sans");
        let got: Vec<(&str, &str)> = p.iter().map(|p| (p.path.as_str(), p.message.as_str())).collect();
        assert_eq!(
            got,
            [
                ("contact.name", "contains a line separator (U+2028)"),
                ("missions[0].name", "contains `🚀` (U+1F680), which the house font (Liberation Sans) cannot print"),
                ("sections[0].body", "contains a control character (U+001B), which cannot be printed"),
                ("sections[1].title", "contains `漢` (U+6F22), which the house font (Liberation Sans) cannot print"),
                ("title", "contains `😀` (U+1F600), which the house font (Liberation Sans) cannot print"),
                ("wards", "contains a bidirectional text control (U+202E), which can make text display in another order than it reads"),
            ]
        );
    }
}
