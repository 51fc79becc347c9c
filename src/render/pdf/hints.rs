//! What the PDF writer works out for the template, so that the template need not work it out in
//! `context` — which typst repeats on every layout pass, the largest costs in a long pack.
//!
//! - **Word widths.** No column of a table may be narrower than its longest word (so "Likelihood"
//!   never runs into its neighbour). The words are measured here once, from the font's advance
//!   widths, and handed over with the table as `word_widths: (header: (pt, …), body: (pt, …))`.
//!   Without kerning or shaping a word is measured a shade wider or narrower than typst sets it,
//!   which the template's cell padding absorbs.
//! - **Unique anchors.** An internal link to an anchor that occurs exactly once is a plain
//!   `link(label)`; only an anchor that is missing or repeated (a pack may repeat one) needs a
//!   query. The set goes over as `unique_anchors: (anchor: true, …)`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use typst::layout::Abs;
use typst::text::{FontInstance, FontVariant, FontVariations, FontWeight};

use super::world::Typesetter;

/// Measures words set in the house font at the body size, in points.
pub(super) struct WordMeasure {
    regular: Face,
    bold: Face,
}

impl WordMeasure {
    /// The house font's regular and bold faces at `size` points, if the book has the family.
    pub(super) fn new(typesetter: &Typesetter, family: &str, size: f64) -> Option<Self> {
        Some(WordMeasure {
            regular: Face::new(typesetter, family, FontWeight::REGULAR, size)?,
            bold: Face::new(typesetter, family, FontWeight::BOLD, size)?,
        })
    }

    /// Adds `word_widths` to every table in the JSON tree: per column, the widest word of its
    /// header (bold) and of its body cells (regular), in points.
    pub(super) fn annotate_tables(&self, value: &mut Value) {
        match value {
            Value::Object(obj) => {
                if obj.get("type").and_then(Value::as_str) == Some("table") {
                    if let Some(widths) = self.table_widths(obj) {
                        obj.insert("word_widths".into(), widths);
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

    fn table_widths(&self, table: &Map<String, Value>) -> Option<Value> {
        let columns = table.get("columns")?.as_array()?;
        let rows = table.get("rows")?.as_array()?;
        let header: Vec<f64> = columns
            .iter()
            .map(|c| self.bold.widest(c.get("header").and_then(Value::as_str).unwrap_or("")))
            .collect();
        let body: Vec<f64> = (0..columns.len())
            .map(|x| {
                rows.iter()
                    .filter_map(|r| r.get("cells")?.as_array()?.get(x))
                    .map(|cell| {
                        let mut text = String::new();
                        blocks_text(cell, &mut text);
                        self.regular.widest(&text)
                    })
                    .fold(0.0, f64::max)
            })
            .collect();
        Some(serde_json::json!({ "header": header, "body": body }))
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

/// One weight of the house font at one size.
struct Face {
    instance: FontInstance,
    size: f64,
}

impl Face {
    fn new(typesetter: &Typesetter, family: &str, weight: FontWeight, size: f64) -> Option<Self> {
        let variant = FontVariant { weight, ..FontVariant::default() };
        let font = typesetter.font(typesetter.book().select(family, variant)?)?;
        let instance = font.instantiate(variant, Abs::pt(size), &FontVariations::default());
        Some(Face { instance, size })
    }

    /// The width of the widest whitespace-separated word of `text`, in points.
    fn widest(&self, text: &str) -> f64 {
        text.split_whitespace().map(|w| self.width(w)).fold(0.0, f64::max)
    }

    /// The width of `word` in points: the sum of its glyphs' advances (`.notdef`'s for a
    /// character the font lacks).
    fn width(&self, word: &str) -> f64 {
        let face = self.instance.ttf();
        let ems: f64 = word
            .chars()
            .map(|c| {
                let glyph = face.glyph_index(c).map_or(0, |g| g.0);
                self.instance.x_advance(glyph).map_or(0.0, |em| em.get())
            })
            .sum();
        ems * self.size
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
            _ if inline.get("content").is_some() => inlines_text(inline.get("content"), out),
            _ => out.push(' '),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;

    fn measure() -> WordMeasure {
        let t = Template::builtin().expect("built-in template");
        let ts = Typesetter::new(t.typst.clone(), t.fonts.clone()).expect("typesetter");
        WordMeasure::new(&ts, "liberation sans", 11.0).expect("the house font")
    }

    #[test]
    fn words_are_measured_from_the_font() {
        let m = measure();
        // Liberation Sans has Arial's metrics: "M" is 0.833 em, "i" 0.222 em.
        assert!((m.regular.width("M") - 0.833 * 11.0).abs() < 0.01, "{}", m.regular.width("M"));
        assert!((m.regular.width("ii") - 2.0 * 0.222 * 11.0).abs() < 0.01);
        assert!(m.bold.width("Likelihood") > m.regular.width("Likelihood"));
        assert_eq!(m.regular.widest("a Likelihood b"), m.regular.width("Likelihood"));
        assert_eq!(m.regular.widest(""), 0.0);
    }

    #[test]
    fn every_table_gets_its_columns_widest_words() {
        let m = measure();
        let mut tree = serde_json::json!({"blocks": [
            {"type": "paragraph", "content": []},
            {"type": "table", "columns": [{"header": "Risk"}, {"header": "Likelihood"}],
             "rows": [{"cells": [
                [{"type": "paragraph", "content": [{"type": "strong", "content": [{"type": "text", "text": "20"}]},
                                                   {"type": "text", "text": "24 x"}]}],
                [{"type": "list", "items": [[{"type": "paragraph", "content": [{"type": "text", "text": "Unforeseeable"}]}]]}]
             ]}]}
        ]});
        m.annotate_tables(&mut tree);
        let w = &tree["blocks"][1]["word_widths"];
        assert_eq!(w["header"][1].as_f64().unwrap(), m.bold.width("Likelihood"));
        assert_eq!(w["body"][0].as_f64().unwrap(), m.regular.width("2024"));
        assert_eq!(w["body"][1].as_f64().unwrap(), m.regular.width("Unforeseeable"));
        assert!(tree["blocks"][0].get("word_widths").is_none());
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
}
