//! The figures' drawing for the typesetter: each figure block of the tree's JSON gets the SVG
//! that [`crate::render::chart`] draws for it (the drawing the HTML page puts inline and the
//! DOCX writer rasterises), as a string `svg` that the template places as an image. So the PDF
//! shows the same figure as the other formats, and the template draws no chart of its own.

use serde_json::Value;

use crate::render::{chart, RenderError};
use crate::tree::{each_block, Block, Document, Figure};

/// The key of a figure block that holds its SVG.
const SVG_KEY: &str = "svg";

/// Adds `svg` to every figure block in `tree` (the JSON of `doc`), drawn in `doc`'s house font.
pub(super) fn annotate_figures(doc: &Document, tree: &mut Value) -> Result<(), RenderError> {
    let mut figures: Vec<&Figure> = Vec::new();
    each_block(&doc.blocks, &mut |b| {
        if let Block::Figure(f) = b {
            figures.push(f);
        }
    });
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
