//! Tables.
//!
//! Every table spans the text width with a fixed layout and the column widths of the tree
//! (relative, normalised here). Its first row is the header row built from `columns`;
//! `parts.rs` marks it `w:tblHeader` so it repeats on each page and is announced as a
//! header.

use docx_rs::{
    AlignmentType, Shading, ShdType, Table as DocxTable, TableCell, TableLayoutType, TableRow, VMergeType, WidthType,
};

use super::styles::id;
use super::text::clean;
use super::{Builder, Frame, Item, TableInfo};
use crate::render::columns::{keep_row, layout, ColumnNeeds, WordMeasure};
use crate::tree::{blocks_text, Align, Block, Table};

/// Left + right cell padding in twips (from the table style): what a nested table loses.
const CELL_PADDING: u32 = 216;

/// Splits `total` twips between columns in proportion to `weights`. Missing, zero or
/// non-finite weights get the average of the others; the widths add up to `total`.
pub(super) fn column_widths(weights: &[f32], total: u32) -> Vec<usize> {
    let n = weights.len();
    if n == 0 {
        return Vec::new();
    }
    let valid: Vec<f64> = weights.iter().map(|&w| f64::from(w)).filter(|w| w.is_finite() && *w > 0.0).collect();
    let mean = if valid.is_empty() { 1.0 } else { valid.iter().sum::<f64>() / valid.len() as f64 };
    let w: Vec<f64> =
        weights.iter().map(|&x| f64::from(x)).map(|x| if x.is_finite() && x > 0.0 { x } else { mean }).collect();
    let sum: f64 = w.iter().sum();
    let total = (total as usize).max(n);
    let mut out: Vec<usize> = w
        .iter()
        .map(|x| ((x / sum) * total as f64).floor())
        .map(|x| if x.is_finite() { (x as usize).max(1) } else { 1 })
        .collect();
    let used: usize = out.iter().sum();
    if let Some(last) = out.last_mut() {
        if used < total {
            *last += total - used;
        }
    }
    out
}

/// Column widths in twips laid out from the columns' content (header in bold, body in regular,
/// at `size` points) as the PDF's are (`render::columns`), adding up to `total`; per column,
/// whether it is too narrow for its longest word (to be hyphenated); and per body row, whether
/// it is short enough to be kept on one page (`w:cantSplit`).
fn fitted_widths(
    t: &Table,
    ncols: usize,
    weights: &[f32],
    total: u32,
    words: &WordMeasure<'_>,
    size: f64,
) -> (Vec<usize>, Vec<bool>, Vec<bool>) {
    let padding = f64::from(CELL_PADDING) / 20.0 + 1.0;
    let headers: Vec<&str> = (0..ncols).map(|i| t.columns.get(i).map_or("", |c| c.header.as_str())).collect();
    let texts: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| (0..ncols).map(|i| r.cells.get(i).map(|c| blocks_text(c)).unwrap_or_default()).collect())
        .collect();
    let widest_body = |i: usize, f: &dyn Fn(&str) -> f64| texts.iter().map(|r| f(&r[i])).fold(0.0, f64::max);
    let needs = ColumnNeeds {
        shares: weights.iter().map(|&w| f64::from(w)).collect(),
        header: headers.iter().map(|h| words.widest(h, true, size) + padding).collect(),
        body: (0..ncols).map(|i| widest_body(i, &|t| words.widest(t, false, size)) + padding).collect(),
        preferred: (0..ncols)
            .map(|i| widest_body(i, &|t| words.line(t, false, size)).max(words.line(headers[i], true, size)) + padding)
            .collect(),
    };
    let points = layout(&needs, f64::from(total) / 20.0);
    // Twips, the rounding left over given to the last column so the table spans `total`.
    let mut twips: Vec<usize> = points.widths.iter().map(|w| ((w * 20.0).floor().max(1.0)) as usize).collect();
    let used: usize = twips.iter().sum();
    if let Some(last) = twips.last_mut() {
        *last = (*last + (total as usize).saturating_sub(used)).max(1);
    }
    let keep_rows = texts
        .iter()
        .map(|r| {
            let lines: Vec<usize> =
                r.iter().zip(&points.widths).map(|(t, w)| words.lines(t, false, size, w - padding)).collect();
            keep_row(&lines)
        })
        .collect();
    (twips, points.hyphenate, keep_rows)
}

/// A table cell's shading.
fn fill(colour: &str) -> Shading {
    Shading::new().shd_type(ShdType::Clear).color("auto").fill(colour)
}

impl Builder<'_> {
    /// The caption paragraph above a table or figure (consuming a pending page break), or
    /// the page break alone.
    pub(super) fn caption(&mut self, caption: Option<&str>, anchor: Option<&str>, out: &mut Vec<Item>) {
        let text = caption.map(clean).unwrap_or_default();
        if text.trim().is_empty() {
            self.flush_page_break(out);
            return;
        }
        let p = self.para(id::CAPTION);
        let mut segs = Vec::new();
        self.text(text.trim(), super::Fmt::default(), &mut segs);
        let p = self.bookmark(p, anchor, segs);
        self.push_para(p, out);
    }

    /// Reserves this table's slot in the document-order list of accessible names before its
    /// cells (which may hold nested tables) are rendered.
    fn reserve_table(&mut self) -> usize {
        self.tables.push(TableInfo::default());
        self.tables.len() - 1
    }

    /// A header cell: the table-heading style on the header fill.
    fn header_cell(&mut self, text: &str, width: usize, align: Option<AlignmentType>) -> TableCell {
        let mut p = self.para(id::TABLE_HEADING);
        if let Some(a) = align {
            p = p.align(a);
        }
        let mut segs = Vec::new();
        self.text(text, super::Fmt::default(), &mut segs);
        p = super::attach(p, segs);
        let mut cell = TableCell::new().width(width, WidthType::Dxa).add_paragraph(p);
        if let Some(c) = &self.header_fill {
            cell = cell.shading(fill(c));
        }
        cell
    }

    /// A body cell holding blocks. Word needs every cell to end with a paragraph.
    fn block_cell(&mut self, blocks: &[Block], width: usize, f: Frame) -> TableCell {
        let inner =
            Frame { in_table: true, list_level: None, width: (width as u32).saturating_sub(CELL_PADDING).max(1), ..f };
        let mut items = Vec::new();
        self.blocks(blocks, inner, &mut items);
        if !matches!(items.last(), Some(Item::P(_))) {
            let p = self.para(id::TABLE_TEXT);
            items.push(Item::P(Box::new(self.fill(p, &[], inner))));
        }
        let mut cell = TableCell::new().width(width, WidthType::Dxa);
        for item in items {
            cell = match item {
                Item::P(p) => cell.add_paragraph(*p),
                Item::T(t) => cell.add_table(*t),
            };
        }
        cell
    }

    /// A table of the tree.
    pub(super) fn table(&mut self, t: &Table, f: Frame, out: &mut Vec<Item>) {
        self.caption(t.caption.as_deref(), t.anchor.as_deref(), out);
        let ncols = t.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0).max(t.columns.len());
        if ncols == 0 {
            return; // nothing to tabulate: Word rejects a table without cells
        }
        let slot = self.reserve_table();
        let weights: Vec<f32> = (0..ncols).map(|i| t.columns.get(i).map_or(0.0, |c| c.width)).collect();
        let (widths, hyphenate, keep_rows) = match self.words {
            Some(words) => fitted_widths(t, ncols, &weights, f.width, words, self.body_size),
            None => (column_widths(&weights, f.width), Vec::new(), vec![true; t.rows.len()]),
        };
        let right: Vec<bool> = (0..ncols).map(|i| t.columns.get(i).is_some_and(|c| c.align == Align::Right)).collect();

        let mut rows = Vec::with_capacity(t.rows.len() + 1);
        let header: Vec<TableCell> = (0..ncols)
            .map(|i| {
                let text = t.columns.get(i).map(|c| c.header.as_str()).unwrap_or("");
                self.header_cell(text, widths[i], right[i].then_some(AlignmentType::Right))
            })
            .collect();
        rows.push(TableRow::new(header).cant_split());
        for (r, row) in t.rows.iter().enumerate() {
            let mut cells: Vec<TableCell> = Vec::with_capacity(ncols);
            for i in 0..ncols {
                let frame = Frame { align_right: right[i], bold: row.total, ..f };
                // A span: its first cell spans the columns (`w:gridSpan`) and starts a vertical
                // merge (`w:vMerge`) that the rows below continue in its first column; other
                // covered cells are not written.
                let span = t.span_at(r, i).or_else(|| t.covered_by(r, i));
                let cell = match span {
                    None => self.block_cell(row.cells.get(i).map(Vec::as_slice).unwrap_or(&[]), widths[i], frame),
                    Some(s) if s.column != i => continue,
                    Some(s) => {
                        let across = (s.column..(s.column + s.columns).min(ncols)).map(|k| widths[k]).sum();
                        let first = s.row == r;
                        let blocks: &[Block] =
                            if first { row.cells.get(i).map(Vec::as_slice).unwrap_or(&[]) } else { &[] };
                        let mut cell = self.block_cell(blocks, across, frame);
                        if s.columns > 1 {
                            cell = cell.grid_span(s.columns);
                        }
                        if s.rows > 1 {
                            cell = cell.vertical_merge(if first { VMergeType::Restart } else { VMergeType::Continue });
                        }
                        cell
                    }
                };
                cells.push(cell);
            }
            // A long row may break across pages (kept whole, it would leave half a page blank
            // before it); a short one is kept on one page.
            let row = TableRow::new(cells);
            rows.push(if keep_rows.get(r).copied().unwrap_or(true) { row.cant_split() } else { row });
        }
        let description = abbreviations(t);
        let row_header = crate::render::row_header::row_header_column(t);
        self.tables[slot] = TableInfo { caption: t.caption.as_deref().map(clean), hyphenate, description, row_header };
        out.push(Item::T(Box::new(grid(rows, widths))));
    }
}

/// What the table's short headers stand for ("L: Likelihood. I: Impact."): Word has no
/// abbreviation markup, so the table's description (`w:tblDescription`, its alt text) says it.
fn abbreviations(t: &Table) -> Option<String> {
    let parts: Vec<String> = t
        .columns
        .iter()
        .filter_map(|c| c.full.as_deref().map(|full| format!("{}: {}.", clean(c.header.trim()), clean(full.trim()))))
        .collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Assembles rows into a full-width, fixed-layout table in the report table style.
fn grid(rows: Vec<TableRow>, widths: Vec<usize>) -> DocxTable {
    let total: usize = widths.iter().sum();
    DocxTable::new(rows)
        // No direct borders: the table style draws them, so an author restyles every table at once.
        .set_borders(docx_rs::TableBorders::with_empty())
        .set_grid(widths)
        .width(total, WidthType::Dxa)
        .style(id::TABLE)
        .layout(TableLayoutType::Fixed)
}
