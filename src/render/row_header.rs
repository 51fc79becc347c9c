//! Which column of a table labels its rows, decided once for every writer: the HTML writer
//! makes its cells `<th scope="row">`, the PDF writer tells the template to tag them as row
//! headers (`TH` with `/Scope /Row`). Reads the tree's table; never writes anything.

use crate::tree::{Align, Block, Table};

/// The text of a table cell (for deciding what kind of column it is in).
fn cell_text(blocks: &[Block]) -> String {
    crate::tree::blocks_text(blocks).trim().to_owned()
}

/// A number, an amount or a percentage ("1", "2,850", "£1.5m", "(300)", "12%").
fn is_numeric(s: &str) -> bool {
    let s = s.trim();
    s.chars().any(|c| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_digit() || " ,.£$€%()+-−–km".contains(c))
}

/// Which column, if any, labels the rows (its cells become row headers): the first
/// column when every row has a text label there; or, when the first column is a narrow
/// numbering column ("No.", the risk register) or a grouping column with blanks (the Phase 1
/// table's "Theme"), the column after it if that one labels every row.
pub fn row_header_column(t: &Table) -> Option<usize> {
    if t.rows.is_empty() || t.columns.is_empty() {
        return None;
    }
    let texts = |c: usize| t.rows.iter().map(move |r| r.cells.get(c).map(|b| cell_text(b)).unwrap_or_default());
    let labels_every_row = |c: usize| {
        t.columns.get(c).is_some_and(|col| col.align == Align::Left)
            && texts(c).all(|s| !s.is_empty() && !is_numeric(&s))
    };
    if labels_every_row(0) {
        return Some(0);
    }
    let numbering = texts(0).all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '.'));
    let grouping = texts(0).any(|s| s.is_empty()) && texts(0).all(|s| !is_numeric(&s));
    if (numbering || grouping) && labels_every_row(1) {
        return Some(1);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{Column, Inline, Paragraph, ParagraphStyle, Row};

    fn table(headers: &[(&str, Align)], rows: &[&[&str]]) -> Table {
        let cell = |s: &str| {
            if s.is_empty() {
                vec![]
            } else {
                vec![Block::Paragraph(Paragraph {
                    style: ParagraphStyle::Body,
                    content: vec![Inline::Text { text: s.into() }],
                })]
            }
        };
        Table {
            caption: None,
            anchor: None,
            columns: headers
                .iter()
                .map(|(h, a)| Column { header: (*h).into(), align: *a, width: 1.0, full: None })
                .collect(),
            rows: rows.iter().map(|r| Row { cells: r.iter().map(|s| cell(s)).collect(), total: false }).collect(),
            spans: vec![],
        }
    }

    #[test]
    fn a_financial_table_is_labelled_by_its_first_column() {
        let t = table(&[("", Align::Left), ("2024/25", Align::Right)], &[&["Staff", "950.00"], &["Total", "1,000"]]);
        assert_eq!(row_header_column(&t), Some(0));
    }

    #[test]
    fn a_numbered_risk_register_is_labelled_by_its_risk_column() {
        let t = table(&[("No.", Align::Left), ("Risk", Align::Left)], &[&["1", "Costs rise"], &["2", "Delay"]]);
        assert_eq!(row_header_column(&t), Some(1));
    }

    #[test]
    fn a_table_of_numbers_has_no_row_headers() {
        let t = table(&[("Year", Align::Right), ("Sum", Align::Right)], &[&["2024", "5"], &["2025", "6"]]);
        assert_eq!(row_header_column(&t), None);
    }
}
