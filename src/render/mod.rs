//! Writers: one per output format. Each turns a [`crate::document::Document`] into bytes and
//! decides nothing about content.

pub mod columns;
pub mod docx;
pub mod escape;
pub mod figure_png;
pub mod html;
#[cfg(feature = "pdf")]
pub mod pdf;
/// Stands in for the PDF writer in a build without the `pdf` feature (the fuzz target).
#[cfg(not(feature = "pdf"))]
#[path = "pdf_disabled.rs"]
pub mod pdf;

use std::fmt;

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
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Tree => "tree.json",
        }
    }

    /// Parses one format name.
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
