//! What the PDF writer works out for the template, so that the template need not work it out in
//! `context` — which typst repeats on every layout pass, the largest costs in a long pack. Each
//! hint is computed here from the tree and set as a typed field of the template's view
//! ([`super::view`]) while the view is built:
//!
//! - **Column widths.** Every table's columns, laid out by [`crate::render::columns`] (as the
//!   DOCX writer lays them out) from the words measured in the house font, go over with the table
//!   as `layout: (widths: (pt, …), hyphenate: (bool, …), keep_rows: (bool, …), whole_cells:
//!   ((bool, …), …))`: per row, whether it is kept on one page, and per cell, whether it is
//!   too short to split ([`TableLayout`]).
//! - **Unique anchors.** An internal link to an anchor that occurs exactly once is a plain
//!   `link(label)`; only an anchor that is missing or repeated (a pack may repeat one) needs a
//!   query. The set goes over as `unique_anchors: (anchor: true, …)` (counted by the view).
//! - **Long words broken.** A run of more than [`LONG_WORD`] characters without a space (a
//!   reference, a file name; not a web address, which typst breaks itself) gets a zero-width
//!   space after each of its punctuation marks and at least every [`WORD_PIECE`] characters, so
//!   it wraps at the text's edge instead of running off the page ([`breakable`]).
//! - **Row headers.** A table whose rows are labelled by one of its columns
//!   ([`crate::render::row_header`], as the HTML writer decides) goes over with `row_header: x`,
//!   and the template tags that column's cells as row headers (set by the view).
//!
//! This room measures and decides; it builds no JSON and never edits the view.

use serde::Serialize;

use crate::render::columns::{keep_row, layout, ColumnNeeds, WordMeasure, KEEP_CELL_LINES};
use crate::tree::{Block, Inline, Table};

/// The template's cell padding (`cell-inset`, 5 pt, on each side) and a point to spare.
const CELL_PADDING_PT: f64 = 2.0 * 5.0 + 1.0;

/// Words longer than this many characters get break opportunities.
pub(super) const LONG_WORD: usize = 40;
/// The most characters of a long word set without a break opportunity.
pub(super) const WORD_PIECE: usize = 16;

/// The text with break opportunities (zero-width spaces) in its long words, or `None` when it
/// has none.
pub(super) fn breakable(text: &str) -> Option<String> {
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

/// A table's layout for the template: its column widths, and how its rows and cells may break
/// across pages.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(super) struct TableHints {
    /// Column widths in points, adding up to the text width.
    pub widths: Vec<f64>,
    /// Per column: whether its body text is hyphenated (it is narrower than its longest word).
    pub hyphenate: Vec<bool>,
    /// Per row: whether it is kept on one page.
    pub keep_rows: Vec<bool>,
    /// Per row, per column: whether the cell is too short to split.
    pub whole_cells: Vec<Vec<bool>>,
}

/// Lays out the columns of tables, `avail` points wide, text at `size`.
pub(super) struct TableLayout<'a> {
    /// The house font.
    pub words: &'a WordMeasure<'a>,
    /// Body text size in points.
    pub size: f64,
    /// Text width in points.
    pub avail: f64,
}

impl TableLayout<'_> {
    /// The layout of one table, measured from its text as the author wrote it (before any
    /// break opportunities are added).
    pub(super) fn table(&self, table: &Table) -> TableHints {
        let columns = &table.columns;
        // Per row, per column: the cell's plain text.
        let texts: Vec<Vec<String>> = table
            .rows
            .iter()
            .map(|r| {
                (0..columns.len())
                    .map(|x| {
                        let mut text = String::new();
                        if let Some(cell) = r.cells.get(x) {
                            blocks_text(cell, &mut text);
                        }
                        text
                    })
                    .collect()
            })
            .collect();
        let widest_body = |x: usize, f: &dyn Fn(&str) -> f64| texts.iter().map(|r| f(&r[x])).fold(0.0, f64::max);
        let needs = ColumnNeeds {
            shares: columns.iter().map(|c| f64::from(c.width)).collect(),
            header: columns.iter().map(|c| self.words.widest(&c.header, true, self.size) + CELL_PADDING_PT).collect(),
            body: (0..columns.len())
                .map(|x| widest_body(x, &|t| self.words.widest(t, false, self.size)) + CELL_PADDING_PT)
                .collect(),
            preferred: (0..columns.len())
                .map(|x| {
                    let body = widest_body(x, &|t| self.words.line(t, false, self.size));
                    body.max(self.words.line(&columns[x].header, true, self.size)) + CELL_PADDING_PT
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
        TableHints { widths: l.widths, hyphenate: l.hyphenate, keep_rows, whole_cells }
    }
}

/// The plain text of a cell's blocks: paragraphs, headings and list items, blocks separated by a
/// space; runs within a paragraph are joined without one, since "**20**24" is set as one word.
fn blocks_text(blocks: &[Block], out: &mut String) {
    for block in blocks {
        match block {
            Block::Paragraph(p) => inlines_text(&p.content, out),
            Block::Heading(h) => out.push_str(&h.text),
            Block::List(l) => {
                for item in &l.items {
                    blocks_text(item, out);
                    out.push(' ');
                }
            }
            Block::Numbered(_)
            | Block::Table(_)
            | Block::Figure(_)
            | Block::Picture(_)
            | Block::Quote(_)
            | Block::PageBreak => {}
        }
        out.push(' ');
    }
}

fn inlines_text(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => out.push_str(text),
            // A page range is filled in by the typesetter: measured at its longest, three digits.
            Inline::PageRange { many, .. } => out.push_str(&many.replace("{start}", "000").replace("{end}", "000")),
            Inline::Strong { content }
            | Inline::Emph { content }
            | Inline::Link { content, .. }
            | Inline::Strike { content }
            | Inline::Footnote { content } => inlines_text(content, out),
            Inline::LineBreak => out.push(' '),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;
    use crate::tree::{Align, Column, List, Paragraph, ParagraphStyle, Row};

    fn para(content: Vec<Inline>) -> Block {
        Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content })
    }

    #[test]
    fn every_table_gets_a_column_layout_from_its_widest_words() {
        let t = Template::builtin().expect("built-in template");
        let words = WordMeasure::new(t.fonts.iter().map(Vec::as_slice), "Liberation Sans").expect("the house font");
        let hints = TableLayout { words: &words, size: 11.0, avail: 450.0 };
        let column = |header: &str, width| Column { header: header.into(), align: Align::Left, width, full: None };
        let table = Table {
            caption: None,
            anchor: None,
            columns: vec![column("Risk", 6.0), column("Likelihood", 1.0)],
            rows: vec![Row {
                cells: vec![
                    vec![para(vec![Inline::strong("20"), Inline::text("24 x")])],
                    vec![Block::List(List {
                        ordered: false,
                        start: 1,
                        items: vec![vec![para(vec![Inline::text("Unforeseeable")])]],
                    })],
                ],
                total: false,
            }],
            spans: Vec::new(),
        };
        let l = hints.table(&table);
        // The narrow column gets at least its longest word ("Unforeseeable", wider than the
        // bold header), and no more than its longest line.
        let need = words.widest("Unforeseeable", false, 11.0) + CELL_PADDING_PT;
        assert!(l.widths[1] >= need - 1e-9, "{:?}", l.widths);
        assert!(l.widths[1] < l.widths[0], "{:?}", l.widths);
        assert!((l.widths.iter().sum::<f64>() - 450.0).abs() < 1e-9);
        assert_eq!(l.hyphenate, [false, false]);
        // One short row: kept on one page, its cells whole.
        assert_eq!(l.keep_rows, [true]);
        assert_eq!(l.whole_cells, [[true, true]]);
        let mut text = String::new();
        blocks_text(&table.rows[0].cells[0], &mut text);
        assert_eq!(text.split_whitespace().collect::<Vec<_>>(), ["2024", "x"], "runs join into one word");
    }

    #[test]
    fn a_page_range_in_a_cell_is_measured_at_three_digit_pages() {
        let mut text = String::new();
        let range = Inline::PageRange {
            start: "a".into(),
            until: None,
            one: "Page {start}".into(),
            many: "Pages {start} - {end}".into(),
        };
        inlines_text(&[Inline::text("See"), Inline::LineBreak, range], &mut text);
        assert_eq!(text, "See Pages 000 - 000");
    }

    #[test]
    fn an_agenda_page_range_gets_a_column_wide_enough_to_stay_on_one_line() {
        // The agenda's shape: a number, a long title and the pages, the range's wording set
        // with no-break spaces as the pack's agenda sets it.
        let t = Template::builtin().expect("built-in template");
        let words = WordMeasure::new(t.fonts.iter().map(Vec::as_slice), "Liberation Sans").expect("the house font");
        let hints = TableLayout { words: &words, size: 11.0, avail: 450.0 };
        let column = |header: &str, width| Column { header: header.into(), align: Align::Left, width, full: None };
        let range = Inline::PageRange {
            start: "item-3".into(),
            until: Some("item-4".into()),
            one: "Page\u{a0}{start}".into(),
            many: "Pages\u{a0}{start}\u{a0}-\u{a0}{end}".into(),
        };
        let title = "Powering Our Future – Programme Update, with a title long enough to fill its column twice over";
        let table = Table {
            caption: None,
            anchor: None,
            columns: vec![column("Item", 0.8), column("Title", 6.0), column("Pages", 1.8)],
            rows: vec![Row {
                cells: vec![
                    vec![para(vec![Inline::text("3.")])],
                    vec![para(vec![Inline::text(title)])],
                    vec![para(vec![range])],
                ],
                total: false,
            }],
            spans: Vec::new(),
        };
        let l = hints.table(&table);
        let need = words.line("Pages 000 - 000", false, 11.0) + CELL_PADDING_PT;
        assert!(l.widths[2] >= need - 1e-9, "{:?} against {need}", l.widths);
        assert!(!l.hyphenate[2]);
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
