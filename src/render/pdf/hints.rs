//! What the PDF writer works out for the template, so that the template need not work it out in
//! `context` — which typst repeats on every layout pass, the largest costs in a long pack.
//!
//! - **Column widths.** Every table's columns, laid out by [`crate::render::columns`] (as the
//!   DOCX writer lays them out) from the words measured in the house font, go over with the table
//!   as `layout: (widths: (pt, …), hyphenate: (bool, …), keep_rows: (bool, …), whole_cells:
//!   ((bool, …), …))`: per row, whether it is kept on one page, and per cell, whether it is
//!   too short to split.
//! - **Unique anchors.** An internal link to an anchor that occurs exactly once is a plain
//!   `link(label)`; only an anchor that is missing or repeated (a pack may repeat one) needs a
//!   query. The set goes over as `unique_anchors: (anchor: true, …)`.
//! - **Long words broken.** A run of more than [`LONG_WORD`] characters without a space (a
//!   reference, a file name; not a web address, which typst breaks itself) gets a zero-width
//!   space after each of its punctuation marks and at least every [`WORD_PIECE`] characters, so
//!   it wraps at the text's edge instead of running off the page.
//! - **Row headers.** A table whose rows are labelled by one of its columns
//!   ([`crate::render::row_header`], as the HTML writer decides) goes over with `row_header: x`,
//!   and the template tags that column's cells as row headers.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::render::columns::{keep_row, layout, ColumnNeeds, WordMeasure, KEEP_CELL_LINES};
use crate::render::row_header::row_header_column;
use crate::tree::Block;

/// The template's cell padding (`cell-inset`, 5 pt, on each side) and a point to spare.
const CELL_PADDING_PT: f64 = 2.0 * 5.0 + 1.0;

/// Words longer than this many characters get break opportunities.
pub(super) const LONG_WORD: usize = 40;
/// The most characters of a long word set without a break opportunity.
pub(super) const WORD_PIECE: usize = 16;

/// Gives every long word in the JSON tree's text runs break opportunities (zero-width spaces).
pub(super) fn break_long_words(value: &mut Value) {
    match value {
        Value::Object(obj) => {
            if obj.get("type").and_then(Value::as_str) == Some("text") {
                if let Some(Value::String(text)) = obj.get_mut("text") {
                    if let Some(broken) = breakable(text) {
                        *text = broken;
                    }
                }
            }
            obj.values_mut().for_each(break_long_words);
        }
        Value::Array(items) => items.iter_mut().for_each(break_long_words),
        _ => {}
    }
}

/// The text with break opportunities in its long words, or `None` when it has none.
fn breakable(text: &str) -> Option<String> {
    let long = |w: &str| w.chars().count() > LONG_WORD && !w.contains("://") && !w.starts_with("www.");
    if !text.split(char::is_whitespace).any(long) {
        return None;
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // Each piece is a word and the white space after it, kept as it was.
    for piece in text.split_inclusive(char::is_whitespace) {
        let word = piece.trim_end_matches(char::is_whitespace);
        if !long(word) {
            out.push_str(piece);
            continue;
        }
        let mut run = 0;
        let mut chars = word.chars().peekable();
        while let Some(c) = chars.next() {
            out.push(c);
            run += 1;
            if chars.peek().is_some() && (run >= WORD_PIECE || (c.is_ascii_punctuation() && run > 1)) {
                out.push('\u{200B}');
                run = 0;
            }
        }
        out.push_str(&piece[word.len()..]);
    }
    Some(out)
}

/// Adds `row_header` to every table of `blocks` (the tree) in `json` (its JSON form, the same
/// shape: arrays keep their order) whose rows one column labels.
pub(super) fn annotate_row_headers(blocks: &[Block], json: &mut Value) {
    let Some(items) = json.as_array_mut() else { return };
    for (block, value) in blocks.iter().zip(items.iter_mut()) {
        match block {
            Block::Table(t) => {
                if let Some(x) = row_header_column(t) {
                    if let Some(obj) = value.as_object_mut() {
                        obj.insert("row_header".into(), Value::from(x));
                    }
                }
                let rows = value.get_mut("rows").and_then(Value::as_array_mut);
                for (row, json_row) in t.rows.iter().zip(rows.into_iter().flatten()) {
                    let cells = json_row.get_mut("cells").and_then(Value::as_array_mut);
                    for (cell, json_cell) in row.cells.iter().zip(cells.into_iter().flatten()) {
                        annotate_row_headers(cell, json_cell);
                    }
                }
            }
            Block::List(l) => {
                let items = value.get_mut("items").and_then(Value::as_array_mut);
                for (item, json_item) in l.items.iter().zip(items.into_iter().flatten()) {
                    annotate_row_headers(item, json_item);
                }
            }
            Block::Quote(q) => {
                if let Some(inner) = value.get_mut("blocks") {
                    annotate_row_headers(&q.blocks, inner);
                }
            }
            _ => {}
        }
    }
}

/// Lays out the columns of every table in the JSON tree, `avail` points wide, text at `size`.
pub(super) struct TableLayout<'a> {
    /// The house font.
    pub words: &'a WordMeasure<'a>,
    /// Body text size in points.
    pub size: f64,
    /// Text width in points.
    pub avail: f64,
}

impl TableLayout<'_> {
    /// Adds `layout` to every table in the JSON tree.
    pub(super) fn annotate_tables(&self, value: &mut Value) {
        match value {
            Value::Object(obj) => {
                if obj.get("type").and_then(Value::as_str) == Some("table") {
                    if let Some(l) = self.table_layout(obj) {
                        obj.insert("layout".into(), l);
                    }
                }
                for v in obj.values_mut() {
                    self.annotate_tables(v);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.annotate_tables(v)),
            _ => {}
        }
    }

    fn table_layout(&self, table: &Map<String, Value>) -> Option<Value> {
        let columns = table.get("columns")?.as_array()?;
        let rows = table.get("rows")?.as_array()?;
        let headers: Vec<&str> =
            columns.iter().map(|c| c.get("header").and_then(Value::as_str).unwrap_or("")).collect();
        // Per row, per column: the cell's plain text.
        let texts: Vec<Vec<String>> = rows
            .iter()
            .map(|r| {
                (0..columns.len())
                    .map(|x| {
                        let mut text = String::new();
                        if let Some(cell) = r.get("cells").and_then(Value::as_array).and_then(|c| c.get(x)) {
                            blocks_text(cell, &mut text);
                        }
                        text
                    })
                    .collect()
            })
            .collect();
        let widest_body = |x: usize, f: &dyn Fn(&str) -> f64| texts.iter().map(|r| f(&r[x])).fold(0.0, f64::max);
        let needs = ColumnNeeds {
            shares: columns.iter().map(|c| c.get("width").and_then(Value::as_f64).unwrap_or(0.0)).collect(),
            header: headers.iter().map(|h| self.words.widest(h, true, self.size) + CELL_PADDING_PT).collect(),
            body: (0..columns.len())
                .map(|x| widest_body(x, &|t| self.words.widest(t, false, self.size)) + CELL_PADDING_PT)
                .collect(),
            preferred: (0..columns.len())
                .map(|x| {
                    let body = widest_body(x, &|t| self.words.line(t, false, self.size));
                    body.max(self.words.line(headers[x], true, self.size)) + CELL_PADDING_PT
                })
                .collect(),
        };
        let l = layout(&needs, self.avail);
        // Per row: the lines each cell takes in its column; whether the row is kept on one page,
        // and which of its cells are too short to split.
        let lines: Vec<Vec<usize>> = texts
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&l.widths)
                    .map(|(t, w)| self.words.lines(t, false, self.size, w - CELL_PADDING_PT))
                    .collect()
            })
            .collect();
        let keep_rows: Vec<bool> = lines.iter().map(|r| keep_row(r)).collect();
        let whole_cells: Vec<Vec<bool>> =
            lines.iter().map(|r| r.iter().map(|&n| n <= KEEP_CELL_LINES).collect()).collect();
        Some(serde_json::json!({
            "widths": l.widths,
            "hyphenate": l.hyphenate,
            "keep_rows": keep_rows,
            "whole_cells": whole_cells,
        }))
    }
}

/// Adds `unique_anchors` to the JSON tree's root: every anchor that exactly one element carries.
pub(super) fn annotate_anchors(tree: &mut Value) {
    fn count<'a>(value: &'a Value, seen: &mut BTreeMap<&'a str, usize>) {
        match value {
            Value::Object(obj) => {
                if let Some(a) = obj.get("anchor").and_then(Value::as_str).filter(|a| !a.is_empty()) {
                    *seen.entry(a).or_default() += 1;
                }
                obj.values().for_each(|v| count(v, seen));
            }
            Value::Array(items) => items.iter().for_each(|v| count(v, seen)),
            _ => {}
        }
    }
    let mut seen = BTreeMap::new();
    count(tree, &mut seen);
    let unique: Map<String, Value> =
        seen.into_iter().filter(|(_, n)| *n == 1).map(|(a, _)| (a.to_owned(), Value::Bool(true))).collect();
    if let Value::Object(root) = tree {
        root.insert("unique_anchors".into(), Value::Object(unique));
    }
}

/// The plain text of a cell's blocks: paragraphs, headings and list items, blocks separated by a space; runs within a paragraph are joined
/// without one, since "**20**24" is set as one word.
fn blocks_text(blocks: &Value, out: &mut String) {
    for block in blocks.as_array().into_iter().flatten() {
        match block.get("type").and_then(Value::as_str) {
            Some("paragraph") => inlines_text(block.get("content"), out),
            Some("heading") => out.push_str(block.get("text").and_then(Value::as_str).unwrap_or("")),
            Some("list") => {
                for item in block.get("items").and_then(Value::as_array).into_iter().flatten() {
                    blocks_text(item, out);
                    out.push(' ');
                }
            }
            _ => {}
        }
        out.push(' ');
    }
}

fn inlines_text(inlines: Option<&Value>, out: &mut String) {
    for inline in inlines.and_then(Value::as_array).into_iter().flatten() {
        match inline.get("type").and_then(Value::as_str) {
            Some("text") => out.push_str(inline.get("text").and_then(Value::as_str).unwrap_or("")),
            // A page range is filled in by the typesetter: measured at its longest, three digits.
            Some("page-range") => {
                let many = inline.get("many").and_then(Value::as_str).unwrap_or("");
                out.push_str(&many.replace("{start}", "000").replace("{end}", "000"));
            }
            _ if inline.get("content").is_some() => inlines_text(inline.get("content"), out),
            _ => out.push(' '),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;

    #[test]
    fn every_table_gets_a_column_layout_from_its_widest_words() {
        let t = Template::builtin().expect("built-in template");
        let words = WordMeasure::new(t.fonts.iter().map(Vec::as_slice), "Liberation Sans").expect("the house font");
        let hints = TableLayout { words: &words, size: 11.0, avail: 450.0 };
        let mut tree = serde_json::json!({"blocks": [
            {"type": "paragraph", "content": []},
            {"type": "table", "columns": [{"header": "Risk", "width": 6.0}, {"header": "Likelihood", "width": 1.0}],
             "rows": [{"cells": [
                [{"type": "paragraph", "content": [{"type": "strong", "content": [{"type": "text", "text": "20"}]},
                                                   {"type": "text", "text": "24 x"}]}],
                [{"type": "list", "items": [[{"type": "paragraph", "content": [{"type": "text", "text": "Unforeseeable"}]}]]}]
             ]}]}
        ]});
        hints.annotate_tables(&mut tree);
        let l = &tree["blocks"][1]["layout"];
        let widths: Vec<f64> =
            l["widths"].as_array().expect("widths").iter().map(|w| w.as_f64().expect("pt")).collect();
        // The narrow column gets at least its longest word ("Unforeseeable", wider than the
        // bold header), and no more than its longest line.
        let need = words.widest("Unforeseeable", false, 11.0) + CELL_PADDING_PT;
        assert!(widths[1] >= need - 1e-9, "{widths:?}");
        assert!(widths[1] < widths[0], "{widths:?}");
        assert!((widths.iter().sum::<f64>() - 450.0).abs() < 1e-9);
        assert_eq!(l["hyphenate"], serde_json::json!([false, false]));
        // One short row: kept on one page, its cells whole.
        assert_eq!(l["keep_rows"], serde_json::json!([true]));
        assert_eq!(l["whole_cells"], serde_json::json!([[true, true]]));
        assert!(tree["blocks"][0].get("layout").is_none());
        let mut text = String::new();
        blocks_text(&tree["blocks"][1]["rows"][0]["cells"][0], &mut text);
        assert_eq!(text.split_whitespace().collect::<Vec<_>>(), ["2024", "x"], "runs join into one word");
    }

    #[test]
    fn only_anchors_carried_once_are_unique() {
        let mut tree = serde_json::json!({"blocks": [
            {"type": "heading", "anchor": "a"},
            {"type": "heading", "anchor": "b"},
            {"type": "table", "anchor": "b", "rows": [{"cells": [[{"type": "heading", "anchor": "c"}]]}]},
            {"type": "heading", "anchor": ""},
            {"type": "heading", "anchor": null}
        ]});
        annotate_anchors(&mut tree);
        assert_eq!(tree["unique_anchors"], serde_json::json!({"a": true, "c": true}));
    }

    #[test]
    fn a_long_reference_gets_break_opportunities_and_short_words_and_addresses_do_not() {
        let reference = "CAB/2024/0118/POF-PHASE1-TRANSFORMATION-REVIEWS-SCOPE-AND-GOVERNANCE-ARRANGEMENTS-APPENDIX-A";
        let text = format!("See {reference} and https://example.org/{}.", "a".repeat(60));
        let broken = super::breakable(&text).expect("a long word");
        assert_eq!(broken.replace('\u{200B}', ""), text, "only break opportunities are added");
        assert!(
            broken.split([' ', '\u{200B}']).all(|w| w.chars().count() <= super::WORD_PIECE || w.contains("://")),
            "{broken}"
        );
        assert!(broken.contains(" https://example.org/aaaa"), "a web address is left to the typesetter");
        assert_eq!(super::breakable("A short sentence, with words."), None);
    }
}
