//! Table column widths from the longest word, and hyphenation only where a column is too narrow.

use super::*;

#[test]
fn no_column_is_narrower_than_its_longest_word() {
    // A register-like table: the tree gives "Likelihood" and "Band" a sliver each.
    let mut doc = sample();
    doc.blocks = vec![Block::Table(Table {
        caption: None,
        anchor: None,
        columns: vec![
            Column { header: "Risk".into(), align: Align::Left, width: 8.0, full: None },
            Column { header: "Likelihood".into(), align: Align::Right, width: 0.3, full: None },
            Column { header: "Band".into(), align: Align::Left, width: 0.3, full: None },
        ],
        rows: vec![Row {
            cells: vec![cell("Inflation exceeds the allowance"), cell("3"), cell("Medium")],
            total: false,
        }],
        spans: Vec::new(),
    })];
    let parts = unzip(&render(&doc).expect("renders"));
    let xml = roxmltree::Document::parse(part(&parts, "word/document.xml")).expect("parses");
    let grid: Vec<f64> = xml
        .descendants()
        .filter(|n| n.has_tag_name((W, "gridCol")))
        .map(|c| c.attribute((W, "w")).expect("width").parse().expect("number"))
        .collect();
    assert_eq!(grid.iter().sum::<f64>(), 9072.0, "the table spans the text width");
    // Each word and the cell padding (216 twips) fit in its column.
    let need = |word: &str, bold: bool| words().widest(word, bold, 12.0) * 20.0 + 216.0;
    assert!(grid[1] >= need("Likelihood", true), "{grid:?}");
    assert!(grid[2] >= need("Medium", false), "{grid:?}");
    // Without a measure the tree's shares stand, and the slivers are too narrow.
    let bare = unzip(&crate::render::docx::render(&doc, figures(), None).expect("renders"));
    let bare_xml = roxmltree::Document::parse(part(&bare, "word/document.xml")).expect("parses");
    let first_narrow: f64 = bare_xml
        .descendants()
        .filter(|n| n.has_tag_name((W, "gridCol")))
        .nth(1)
        .and_then(|c| c.attribute((W, "w")))
        .and_then(|v| v.parse().ok())
        .expect("width");
    assert!(first_narrow < need("Likelihood", true));
}

#[test]
fn only_cells_too_narrow_for_their_words_are_hyphenated() {
    // Six columns whose longest words cannot all fit: the widest columns give way.
    let long = "Incomprehensibilities";
    let mut doc = sample();
    doc.blocks = vec![Block::Table(Table {
        caption: None,
        anchor: None,
        columns: (0..6)
            .map(|i| Column {
                header: format!("H{i}"),
                align: Align::Left,
                width: if i == 0 { 4.0 } else { 1.0 },
                full: None,
            })
            .collect(),
        rows: vec![Row { cells: (0..6).map(|_| cell(long)).collect(), total: false }],
        spans: Vec::new(),
    })];
    let parts = unzip(&render(&doc).expect("renders"));
    let settings = part(&parts, "word/settings.xml");
    assert!(
        settings.contains("<w:defaultTabStop w:val=\"720\"/><w:autoHyphenation/>"),
        "hyphenation on, in schema order"
    );
    let styles = roxmltree::Document::parse(part(&parts, "word/styles.xml")).expect("parses");
    let default_ppr = styles.descendants().find(|n| n.has_tag_name((W, "pPrDefault"))).expect("paragraph defaults");
    assert!(default_ppr.descendants().any(|n| n.has_tag_name((W, "suppressAutoHyphens"))), "but off by default");
    let xml = roxmltree::Document::parse(part(&parts, "word/document.xml")).expect("parses");
    let rows: Vec<_> = xml.descendants().filter(|n| n.has_tag_name((W, "tr"))).collect();
    let allowed = |tc: roxmltree::Node| {
        tc.descendants().any(|n| n.has_tag_name((W, "suppressAutoHyphens")) && n.attribute((W, "val")) == Some("0"))
    };
    let header: Vec<bool> = cells(rows[0]).into_iter().map(allowed).collect();
    let body: Vec<bool> = cells(rows[1]).into_iter().map(allowed).collect();
    assert_eq!(header, vec![false; 6], "header cells are never hyphenated");
    assert!(body[0], "the widest column gave way and is hyphenated: {body:?}");
    assert!(body.iter().any(|h| !h), "columns that hold their word are not: {body:?}");
}
