//! The PDF writer's interface in a build without the `pdf` feature: every call fails with a
//! clear message. Used by the fuzz target, which never typesets.

use std::collections::BTreeMap;

pub use crate::render::bounds::{Bounds, Isolation};
pub use crate::render::furniture::{FurniturePage, FurnitureSpec};
use crate::render::RenderError;
use crate::tree::Document;

const MESSAGE: &str = "this build of cabrep has no PDF writer (built without the `pdf` feature)";

/// The typesetter (absent in this build).
pub struct PdfWriter;

/// A typeset document with the pages its anchors landed on.
#[derive(Debug, Clone)]
pub struct PagedOutput {
    /// The whole PDF file, tagged PDF/UA-1, ready to write to disk.
    pub pdf: Vec<u8>,
    /// Anchor → page (from 1).
    pub pages: BTreeMap<String, usize>,
    /// How many pages the PDF has (at least 1); agenda packs number their pages on from it.
    pub page_count: usize,
}

impl PdfWriter {
    /// Always fails: there is no typesetter in this build.
    pub fn new(_template: String, _fonts: Vec<Vec<u8>>) -> Result<Self, RenderError> {
        Err(RenderError::new(MESSAGE))
    }
    /// Always fails: there is no typesetter in this build.
    pub fn with_bounds(
        _template: String,
        _fonts: Vec<Vec<u8>>,
        _bounds: &Bounds,
        _name: &str,
    ) -> Result<Self, RenderError> {
        Err(RenderError::new(MESSAGE))
    }
    /// Always fails: there is no typesetter in this build.
    pub fn with_workers(
        _template: String,
        _fonts: Vec<Vec<u8>>,
        _bounds: &Bounds,
        _name: &str,
        _workers: usize,
    ) -> Result<Self, RenderError> {
        Err(RenderError::new(MESSAGE))
    }
    /// Nothing to start.
    pub fn warm(&self, _count: usize) {}
    /// Nothing to stop.
    pub fn stop_workers(&self) {}
    /// Always fails.
    pub fn render(&self, _doc: &Document) -> Result<Vec<u8>, RenderError> {
        Err(RenderError::new(MESSAGE))
    }
    /// Always fails.
    pub fn furniture(
        &self,
        _spec: &FurnitureSpec<'_>,
        _date: time::Date,
    ) -> Result<crate::merge::FurniturePdf, RenderError> {
        Err(RenderError::new(MESSAGE))
    }
    /// Always fails.
    pub fn mark_not_for_publication(
        &self,
        _pdf: Vec<u8>,
        _style: &crate::tree::HouseStyle,
        _lang: &str,
        _date: time::Date,
    ) -> Result<Vec<u8>, RenderError> {
        Err(RenderError::new(MESSAGE))
    }
    /// Always fails.
    pub fn render_with_pages(&self, _doc: &Document, _anchors: &[String]) -> Result<PagedOutput, RenderError> {
        Err(RenderError::new(MESSAGE))
    }
}

/// Stands in for the typesetting worker: there is nothing to serve in this build.
pub mod worker {
    pub use crate::render::bounds::WORKER_ARG;

    /// Always fails (exit status 3): there is no typesetter in this build.
    pub fn serve(_input: impl std::io::Read, _output: impl std::io::Write) -> u8 {
        3
    }
}
