//! Figures as inline images.
//!
//! A figure is its caption (style "caption", kept with the next paragraph) and then, in a
//! centred paragraph of its own, a PNG of the chart: the HTML writer's drawing, rasterised by
//! [`crate::render::figure_png`]. The image fills the width available (the text width, or the
//! cell's) at [`DPI`], never taller than most of the page's text height. docx-rs writes no
//! description for an image, so the figure's alt text (and its caption, as the image's title)
//! is kept in [`ImageInfo`] for `parts.rs` to put on `wp:docPr`. The data is not repeated as
//! a table: a series chart follows the table it is drawn from, and the risk matrix plots the
//! risk register's table.
//!
//! A picture an author placed is shown the same way: its caption, if it has one, then the image
//! at its natural size (96 pixels to the inch) within the same bounds, described by its alt text.

use docx_rs::{AlignmentType, Pic, Run};

use super::styles::id;
use super::text::clean;
use super::{Builder, Frame, ImageInfo, Item};
use crate::tree::{Figure, Picture};

/// Pixels per inch of figure images at the size shown: sharp on screen and legible in print, and
/// about half the drawing and encoding time of 200.
pub(super) const DPI: u32 = 150;

/// English Metric Units per inch (the unit of DrawingML sizes).
pub(super) const EMU_PER_INCH: u32 = 914_400;

/// The largest share of the text height an image may take, leaving room for its caption.
const MAX_HEIGHT_SHARE: f64 = 0.8;

impl Builder<'_> {
    /// A figure: its caption, then the chart as an image described by its alt text.
    pub(super) fn figure(&mut self, fig: &Figure, f: Frame, out: &mut Vec<Item>) {
        self.caption(Some(&fig.caption), None, out);
        let max_width = twips_to_px(f64::from(f.width));
        let max_height = twips_to_px(f64::from(self.text_height) * MAX_HEIGHT_SHARE);
        let png = match self.figures.png(fig, &self.font, max_width, max_height) {
            Ok(png) => png,
            Err(e) => {
                self.failure.get_or_insert(e);
                return;
            }
        };
        // Relationship ids (and so media names) from our own counter: docx-rs takes them from
        // a process-wide one, which would make two renders differ.
        self.images.push(ImageInfo {
            title: one_line(&fig.caption),
            descr: one_line(&fig.alt),
            decorative: false,
            jpeg: false,
        });
        let (width, height) = (png.width, png.height);
        let pic = Pic::new_with_dimensions(png.data, width, height)
            .id(format!("rIdImage{}", self.images.len()))
            .size(px_to_emu(width), px_to_emu(height));
        let p = self.para(id::NORMAL).align(AlignmentType::Center).add_run(Run::new().add_image(pic));
        self.push_para(p, out);
    }

    /// A picture: its caption (if any), then the image, described by its alt text.
    pub(super) fn picture(&mut self, pic: &Picture, f: Frame, out: &mut Vec<Item>) {
        if pic.caption.is_some() {
            self.caption(pic.caption.as_deref(), None, out);
        }
        let (w, h) = (f64::from(pic.image.width.max(1)), f64::from(pic.image.height.max(1)));
        // In a list item it lines up with the item's text, as the item's paragraphs do.
        let indent = f.list_level.map(super::numbering::text_indent);
        let width = f64::from(f.width) - f64::from(indent.unwrap_or(0).max(0));
        // Shown size in twips: natural (15 twips a CSS pixel), within the frame's width and most
        // of the text height.
        let max_height = f64::from(self.text_height) * MAX_HEIGHT_SHARE;
        let shown_w = (w * 15.0).min(width).min(max_height * w / h).max(15.0);
        let shown_h = (shown_w * h / w).max(15.0);
        let embedded = match self.figures.picture(&pic.image, &self.font, twips_to_px(shown_w), twips_to_px(shown_h)) {
            Ok(embedded) => embedded,
            Err(e) => {
                self.failure.get_or_insert(e);
                return;
            }
        };
        let title = pic.caption.as_deref().map(one_line).unwrap_or_default();
        let descr = one_line(&pic.alt);
        self.images.push(ImageInfo { title, decorative: descr.is_empty(), descr, jpeg: embedded.jpeg });
        let pic = Pic::new_with_dimensions(embedded.data, embedded.width, embedded.height)
            .id(format!("rIdImage{}", self.images.len()))
            .size(twips_to_emu(shown_w), twips_to_emu(shown_h));
        // Set left, as the PDF and the HTML page set it.
        let p = self.para(id::NORMAL).add_run(Run::new().add_image(pic)).indent(indent, None, None, None);
        self.push_para(p, out);
    }
}

/// Twips to whole EMUs (635 to the twip).
fn twips_to_emu(twips: f64) -> u32 {
    (twips * 635.0).round().clamp(1.0, f64::from(u32::MAX)) as u32
}

/// Twips (1/1440 inch) to whole pixels at [`DPI`]: at least one, at most 22 inches (Word's
/// largest page).
fn twips_to_px(twips: f64) -> u32 {
    let px = (twips * f64::from(DPI) / 1440.0).round();
    if px.is_finite() {
        px.clamp(1.0, f64::from(22 * DPI)) as u32
    } else {
        1
    }
}

/// Pixels at [`DPI`] to EMUs.
fn px_to_emu(px: u32) -> u32 {
    px.saturating_mul(EMU_PER_INCH / DPI)
}

/// Text for an attribute: control characters dropped, white space runs as single spaces.
fn one_line(s: &str) -> String {
    clean(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        // A4 with 25 mm margins: 9072 twips (6.3 inches) of text width; 160 mm in EMU.
        assert_eq!(twips_to_px(9072.0), 63 * DPI / 10);
        assert_eq!(px_to_emu(63 * DPI / 10), 5_760_720);
        assert_eq!(twips_to_px(0.0), 1);
        assert_eq!(one_line(" a\n\tb\u{1}c  "), "a bc");
    }
}
