//! What a pack's page furniture says and where it goes: the data the PDF writer typesets the
//! furniture from (`render/pdf/furniture.typ`). Apart from the writer so that a build without the
//! typesetter (the fuzz target's) still knows the types.

use serde::Serialize;

use crate::tree::HouseStyle;

/// One page of the furniture: the size its pack page is shown at, in PDF points (1/72 inch,
/// after any rotation), and the stamp at its top right, if any — the agenda item a bound PDF's
/// first page begins ("Agenda item 4: Minutes …"), so a reader leafing through sees where each
/// document starts, as on a printed pack.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FurniturePage {
    /// Shown width, in points.
    pub width: f32,
    /// Shown height, in points.
    pub height: f32,
    /// Words stamped at the top right of the page.
    pub stamp: Option<String>,
    /// A page bound in from another PDF: its number goes in the bottom right corner, clear of
    /// the document's own footer.
    pub bound: bool,
}

/// What the furniture of one pack says and where it goes.
#[derive(Debug, Clone, Serialize)]
pub struct FurnitureSpec<'a> {
    /// The house style: font, sizes and margins, as the parts were typeset with.
    pub style: &'a HouseStyle,
    /// The pack's language (`en-GB`).
    pub lang: &'a str,
    /// The pack's title (the furniture is a PDF of its own before it is laid over the pack).
    pub title: &'a str,
    /// The running header on every page (a Part 2 pack's NOT FOR PUBLICATION), if any.
    pub header: Option<&'a str>,
    /// The footer's words, with `{page}` and `{pages}` filled in page by page.
    pub footer: &'a str,
    /// One entry per pack page, in order.
    pub pages: &'a [FurniturePage],
    /// Pages after those of `pages`, each holding only its stamp (no header, no footer): a stamp
    /// the merge draws as tagged content rather than as an artifact.
    pub stamp_pages: &'a [FurniturePage],
}
