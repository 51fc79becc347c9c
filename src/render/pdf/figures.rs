//! The figures' drawing for the typesetter: each figure block of the tree's JSON gets the SVG
//! that [`crate::render::chart`] draws for it (the drawing the HTML page puts inline and the
//! DOCX writer rasterises), as a string `svg` that the template places as an image. So the PDF
//! shows the same figure as the other formats, and the template draws no chart of its own.

use serde_json::Value;

use crate::render::{chart, RenderError};
use crate::tree::{Block, Document, Figure};

/// The key of a figure block that holds its SVG.
const SVG_KEY: &str = "svg";

/// Adds `svg` to every figure block in `tree` (the JSON of `doc`), drawn in `doc`'s house font.
pub(super) fn annotate_figures(doc: &Document, tree: &mut Value) -> Result<(), RenderError> {
    let mut figures = Vec::new();
    collect(&doc.blocks, &mut figures);
    if figures.is_empty() {
        return Ok(());
    }
    // Each figure's JSON with its drawing: a figure block in the tree is the one whose JSON it
    // equals (two equal figures have one drawing).
    let mut drawn: Vec<(Value, String)> = Vec::new();
    for fig in figures {
        let json = serde_json::to_value(Block::Figure(fig.clone()))
            .map_err(|e| RenderError::new(format!("PDF: cannot serialise figure `{}`: {e}", fig.caption)))?;
        if drawn.iter().all(|(j, _)| *j != json) {
            drawn.push((json, chart::svg(fig, &doc.style.font)?));
        }
    }
    attach(tree, &drawn);
    Ok(())
}

/// Every figure in `blocks`, lists' items and tables' cells included, in reading order.
fn collect<'a>(blocks: &'a [Block], out: &mut Vec<&'a Figure>) {
    for block in blocks {
        match block {
            Block::Figure(f) => out.push(f),
            Block::List(l) => l.items.iter().for_each(|item| collect(item, out)),
            Block::Table(t) => t.rows.iter().flat_map(|r| &r.cells).for_each(|cell| collect(cell, out)),
            Block::Quote(q) => collect(&q.blocks, out),
            Block::Heading(_) | Block::Paragraph(_) | Block::Picture(_) | Block::PageBreak => {}
        }
    }
}

fn attach(value: &mut Value, drawn: &[(Value, String)]) {
    match value {
        Value::Object(obj) => {
            if obj.get("type").and_then(Value::as_str) == Some("figure") {
                let whole = Value::Object(obj.clone());
                if let Some((_, svg)) = drawn.iter().find(|(j, _)| *j == whole) {
                    obj.insert(SVG_KEY.into(), Value::String(svg.clone()));
                }
                return;
            }
            obj.values_mut().for_each(|v| attach(v, drawn));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| attach(v, drawn)),
        _ => {}
    }
}
