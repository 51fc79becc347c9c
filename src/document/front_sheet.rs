//! The front sheet a template declares (`[front_sheet]`), as blocks of the document tree: one
//! line per field ("Label: value") or a labelled two-column table whose first column holds the
//! labels (read as row headers) and whose second the values. Takes the validated paper's entries
//! and the template's layout; never sees the input.

use crate::model::FrontSheetEntry;
use crate::template::{FrontSheet, FrontSheetLayout};
use crate::tree::{Align, Block, Column, Inline, Paragraph, ParagraphStyle, Row, Table};

/// The front sheet's blocks: nothing when the paper writes none of its fields.
pub fn blocks(sheet: &FrontSheet, entries: &[FrontSheetEntry]) -> Vec<Block> {
    if entries.is_empty() {
        return Vec::new();
    }
    match sheet.layout {
        FrontSheetLayout::Table => {
            let column =
                |header: &str, width: f32| Column { header: header.to_owned(), align: Align::Left, width, full: None };
            let rows = entries
                .iter()
                .map(|e| Row {
                    cells: vec![
                        vec![Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, e.label.clone()))],
                        e.value.clone(),
                    ],
                    total: false,
                })
                .collect();
            vec![Block::Table(Table {
                caption: sheet.caption.clone(),
                anchor: Some("front-sheet".into()),
                columns: vec![column(&sheet.label_column, 2.0), column(&sheet.value_column, 3.0)],
                rows,
                spans: Vec::new(),
            })]
        }
        FrontSheetLayout::Lines => {
            let mut out = Vec::new();
            for e in entries {
                let label = Inline::strong(format!("{} ", e.label.trim_end()));
                // A one-paragraph value goes on the label's line; a longer one below it.
                match e.value.as_slice() {
                    [Block::Paragraph(p)] => {
                        let mut content = vec![label];
                        content.extend(p.content.iter().cloned());
                        out.push(Block::Paragraph(Paragraph { style: ParagraphStyle::Contact, content }));
                    }
                    more => {
                        out.push(Block::Paragraph(Paragraph { style: ParagraphStyle::Contact, content: vec![label] }));
                        out.extend(more.iter().cloned());
                    }
                }
            }
            out
        }
    }
}
