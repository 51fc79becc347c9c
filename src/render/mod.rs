//! Writers: one per output format. Each turns a [`crate::tree::Document`] into bytes and
//! decides nothing about content.
//!
//! Beside the writers, rooms they share and never each other: [`chart`] draws figures as SVG
//! (put inline by the HTML writer, rasterised by [`figure_png`] for the DOCX writer),
//! [`colour`] reads template colours and measures contrast, [`columns`] sizes table columns,
//! [`row_header`] finds the column that labels a table's rows, [`bounds`] says how far
//! typesetting one document may go. Markup text is escaped by [`crate::escape`], on the ground
//! floor, which the PDF merge's metadata shares.

pub mod bounds;
pub(crate) mod chart;
pub(crate) mod colour;
pub mod columns;
pub mod docx;
pub use crate::escape;
pub mod figure_png;
pub mod furniture;
pub mod html;
#[cfg(feature = "pdf")]
pub mod pdf;
/// Stands in for the PDF writer in a build without the `pdf` feature (the fuzz target).
#[cfg(not(feature = "pdf"))]
#[path = "pdf_disabled.rs"]
pub mod pdf;
pub mod row_header;
#[cfg(test)]
mod test_support;
mod writers;

use std::fmt;

pub use writers::Writers;

use crate::tree::{Block, Document, Inline};

/// The deepest a document tree may nest (a list in a list, markup in markup) for the writers,
/// which walk it recursively. Validation keeps authored text far below this; the check stops a
/// tree from elsewhere exhausting a writer's stack.
pub const MAX_TREE_DEPTH: usize = 48;

/// Refuses a document nested deeper than [`MAX_TREE_DEPTH`].
pub fn check_depth(doc: &Document) -> Result<(), RenderError> {
    if depth(&doc.blocks) > MAX_TREE_DEPTH {
        return Err(RenderError::new(format!("the document nests more than {MAX_TREE_DEPTH} levels deep")));
    }
    Ok(())
}

/// How deep blocks nest: 1 for a paragraph of plain text, one more for each list, table or
/// markup around. Measured without recursion.
pub fn depth(blocks: &[Block]) -> usize {
    enum Node<'a> {
        Block(&'a Block),
        Inline(&'a Inline),
    }
    let mut deepest = 0;
    let mut todo: Vec<(Node<'_>, usize)> = blocks.iter().map(|b| (Node::Block(b), 1)).collect();
    while let Some((node, depth)) = todo.pop() {
        deepest = deepest.max(depth);
        let below = depth + 1;
        match node {
            Node::Block(Block::Paragraph(p)) => todo.extend(p.content.iter().map(|i| (Node::Inline(i), below))),
            Node::Block(Block::Numbered(n)) => todo.extend(n.content.iter().map(|i| (Node::Inline(i), below))),
            Node::Block(Block::List(l)) => todo.extend(l.items.iter().flatten().map(|b| (Node::Block(b), below))),
            Node::Block(Block::Table(t)) => {
                todo.extend(t.rows.iter().flat_map(|r| r.cells.iter().flatten()).map(|b| (Node::Block(b), below)))
            }
            Node::Block(Block::Quote(q)) => todo.extend(q.blocks.iter().map(|b| (Node::Block(b), below))),
            Node::Inline(
                Inline::Strong { content }
                | Inline::Emph { content }
                | Inline::Strike { content }
                | Inline::Footnote { content }
                | Inline::Link { content, .. },
            ) => todo.extend(content.iter().map(|i| (Node::Inline(i), below))),
            _ => {}
        }
    }
    deepest
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// Word document.
    Docx,
    /// Tagged PDF/UA-1.
    Pdf,
    /// Self-contained HTML5 page.
    Html,
    /// The document tree as JSON (for debugging).
    Tree,
}

impl Format {
    /// The file name's ending, without the dot, that output of this format is written with.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Tree => "tree.json",
        }
    }

    /// The format a `-f` name stands for (`docx`, `pdf`, `html`, `tree`; any case, spaces
    /// trimmed), or `None` for any other name.
    pub fn parse(s: &str) -> Option<Format> {
        match s.trim().to_ascii_lowercase().as_str() {
            "docx" => Some(Format::Docx),
            "pdf" => Some(Format::Pdf),
            "html" => Some(Format::Html),
            "tree" => Some(Format::Tree),
            _ => None,
        }
    }
}

/// A writer failed (a bug, a broken template or font): not the author's fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderError(pub String);

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RenderError {}

impl RenderError {
    /// A render error with a message.
    pub fn new(msg: impl Into<String>) -> Self {
        RenderError(msg.into())
    }
}
