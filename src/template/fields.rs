//! The fields a template declares for its papers as data: the implications (`[[implications]]`:
//! key, heading, kind, required, and whether they print as one numbered section) and the front
//! sheet (`[front_sheet]`: key, label, kind, required, and whether it prints as lines or as a
//! labelled two-column table). Validation checks a paper's `implications:` and `front_sheet:`
//! maps against these; assembly prints them in their order; the schema and the starter file list
//! them.
//!
//! This room holds the declarations and their checks only; it never reads a paper.

use serde::{Deserialize, Serialize};

/// What an implication holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImplicationKind {
    /// Markdown (paragraphs, lists, tables, cross-references).
    #[default]
    Rich,
    /// One line of plain text.
    Text,
    /// Markdown, or `text:` with financial `tables:` (computed totals and charts).
    Tables,
}

/// One implication: its key in the paper, its heading and what it holds.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImplicationHeading {
    /// Field name under `implications:`.
    pub key: String,
    /// Printed heading.
    pub heading: String,
    /// What it holds (default `rich`, Markdown).
    #[serde(default)]
    pub kind: ImplicationKind,
    /// Whether every paper must write it (default: optional; printed only when written).
    #[serde(default)]
    pub required: bool,
}

/// How the implications print.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ImplicationsLayout {
    /// Each under its own heading (today's cabinet report).
    #[default]
    Headings,
    /// One numbered section under `[headings] implications`, each implication a sub-numbered
    /// heading below it ("5. Implications", "5.1 Financial").
    Numbered,
}

/// What a front-sheet field holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldKind {
    /// One line of plain text.
    #[default]
    Text,
    /// Markdown.
    Rich,
    /// A person: `name`, and optionally `post`, `email`, `phone`, `date` (e.g. of approval).
    Person,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// Yes or no (`true`/`false`), or `{ answer: true, reason: … }`.
    YesNo,
    /// A list of lines.
    List,
}

/// One front-sheet field.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontSheetField {
    /// Field name under `front_sheet:`.
    pub key: String,
    /// Printed label.
    pub label: String,
    /// What it holds (default `text`).
    #[serde(default)]
    pub kind: FieldKind,
    /// Whether every paper must write it (default: optional; printed only when written).
    #[serde(default)]
    pub required: bool,
}

/// How the front sheet prints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FrontSheetLayout {
    /// One line each, "Label: value".
    #[default]
    Lines,
    /// A two-column table: the labels as row headers, the values beside them.
    Table,
}

/// `[front_sheet]`: the fields of the paper's front sheet, in print order, and their layout. It
/// prints where `[paper]` lists the `front_sheet` part.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrontSheet {
    /// Lines or a table.
    #[serde(default)]
    pub layout: FrontSheetLayout,
    /// The table's caption (its accessible name); default none.
    #[serde(default)]
    pub caption: Option<String>,
    /// The header of the labels' column (default "Item").
    #[serde(default = "item")]
    pub label_column: String,
    /// The header of the values' column (default "Detail").
    #[serde(default = "detail")]
    pub value_column: String,
    /// Printed for a yes/no field's answer (default "Yes" and "No").
    #[serde(default = "yes")]
    pub yes: String,
    /// See `yes`.
    #[serde(default = "no")]
    pub no: String,
    /// The fields, in print order.
    #[serde(default)]
    pub fields: Vec<FrontSheetField>,
}

impl Default for FrontSheet {
    fn default() -> FrontSheet {
        FrontSheet {
            layout: FrontSheetLayout::Lines,
            caption: None,
            label_column: item(),
            value_column: detail(),
            yes: yes(),
            no: no(),
            fields: Vec::new(),
        }
    }
}

fn item() -> String {
    "Item".into()
}
fn detail() -> String {
    "Detail".into()
}
fn yes() -> String {
    "Yes".into()
}
fn no() -> String {
    "No".into()
}

/// A key as a paper may write it: lower-case letters, digits and underscores, starting with a
/// letter.
fn usable_key(key: &str) -> bool {
    key.starts_with(|c: char| c.is_ascii_lowercase())
        && key.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The declarations' own problems, each naming its key: an unusable or repeated key, an empty
/// heading or label.
pub fn problems(implications: &[ImplicationHeading], front: &FrontSheet, check_implications: bool) -> Vec<String> {
    let mut out = Vec::new();
    if check_implications {
        for (i, imp) in implications.iter().enumerate() {
            let n = i + 1;
            if !usable_key(&imp.key) {
                out.push(format!(
                    "[[implications]] number {n}: key `{}` must be lower-case letters, digits and underscores",
                    imp.key
                ));
            } else if implications[..i].iter().any(|o| o.key == imp.key) {
                out.push(format!("[[implications]] {} (number {n}): key is declared twice", imp.key));
            }
            if imp.heading.trim().is_empty() {
                out.push(format!("[[implications]] {} (number {n}): heading must not be empty", imp.key));
            }
        }
    }
    for (i, f) in front.fields.iter().enumerate() {
        let n = i + 1;
        if !usable_key(&f.key) {
            out.push(format!(
                "[[front_sheet.fields]] number {n}: key `{}` must be lower-case letters, digits and underscores",
                f.key
            ));
        } else if front.fields[..i].iter().any(|o| o.key == f.key) {
            out.push(format!("[[front_sheet.fields]] {} (number {n}): key is declared twice", f.key));
        }
        if f.label.trim().is_empty() {
            out.push(format!("[[front_sheet.fields]] {} (number {n}): label must not be empty", f.key));
        }
    }
    for (key, text) in [("label_column", &front.label_column), ("value_column", &front.value_column)] {
        if text.trim().is_empty() {
            out.push(format!("[front_sheet] {key}: must not be empty"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_or_unusable_key_and_an_empty_label_are_refused_naming_them() {
        let imp = |key: &str, heading: &str| ImplicationHeading {
            key: key.into(),
            heading: heading.into(),
            kind: ImplicationKind::Rich,
            required: false,
        };
        let front = FrontSheet {
            fields: vec![FrontSheetField {
                key: "ward".into(),
                label: " ".into(),
                kind: FieldKind::List,
                required: true,
            }],
            ..FrontSheet::default()
        };
        let p = problems(&[imp("one", "One"), imp("one", "One"), imp("Bad Key", "x")], &front, true);
        assert!(p.iter().any(|m| m.contains("one (number 2): key is declared twice")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("key `Bad Key` must be")), "{p:?}");
        assert!(p.iter().any(|m| m.contains("ward (number 1): label must not be empty")), "{p:?}");
        assert!(problems(&[imp("one", "One")], &FrontSheet::default(), true).is_empty());
    }
}
