//! Bound pages as images. typst's PDF/UA-1 export refuses to place another PDF's page in the
//! document ("embedding PDFs is currently not supported in this export mode"), so each page that a
//! pack binds in is rasterised here with hayro (the pure-Rust PDF renderer typst itself uses), encoded
//! as a PNG and served to the template at a derived virtual path, [`raster_path`]. The template shows
//! it fitted into the page body with the pack's own header and footer, and the block's alt text.
//!
//! Rendering is deterministic: one thread per page (hayro's renderer runs single-threaded), a white
//! background, fixed scale, and the pages are produced in a fixed order. (hayro picks its SIMD level
//! from the CPU, so two machines with different instruction sets might anti-alias an edge
//! differently; one machine always gives the same bytes.) A PDF that cannot be read or rendered
//! (even one that makes the renderer panic) is a [`RenderError`], never a crash.

use std::collections::BTreeSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use hayro::hayro_interpret::font::{FontData, FontQuery};
use hayro::hayro_interpret::InterpreterSettings;
use hayro::hayro_syntax::{LoadPdfError, Pdf};
use hayro::vello_cpu::color::palette::css::WHITE;
use hayro::{RenderCache, RenderSettings};
use rayon::prelude::*;
use typst::text::{FontStretch, FontStyle, FontVariant, FontWeight};

use super::world::{served_path, Typesetter};
use crate::render::RenderError;
use crate::tree::{Block, BoundPage, Document, EmbeddedFile, HouseStyle};

/// Resolution of a bound page's image, in pixels per inch of the source page — or of the page as
/// shown, if it is shown larger than it was (a small page enlarged to fill the body).
const DPI: f64 = 150.0;
/// No side of a page image is longer than this (A4 at 300 dpi), whatever size the source page is.
const MAX_SIDE: f64 = 3508.0;

/// One rasterised page: the virtual path it is served at and the PNG's bytes.
pub(super) struct Raster {
    pub(super) path: String,
    pub(super) png: Vec<u8>,
}

/// The virtual path a bound page's image is served at: `/bound/4.pdf` page 3 → `/bound/4.pdf#p3.png`.
/// The template derives the same string (`b.file + "#p" + str(b.page) + ".png"`).
pub(super) fn raster_path(file: &str, page: u32) -> String {
    format!("{file}#p{page}.png")
}

/// Rasterises every page the document binds in, once per (file, page), in a fixed order.
pub(super) fn rasterise(base: &Typesetter, doc: &Document) -> Result<Vec<Raster>, RenderError> {
    let mut wanted = BTreeSet::new();
    collect(&doc.blocks, &mut wanted);
    if wanted.is_empty() {
        return Ok(Vec::new());
    }
    // Each file is parsed once; its pages are then rendered in parallel (each page on one thread).
    let mut jobs = Vec::new();
    let mut current: Option<(&str, Arc<Pdf>, usize)> = None;
    for (file, page) in &wanted {
        let (pdf, count) = match &current {
            Some((f, pdf, count)) if f == file => (Arc::clone(pdf), *count),
            _ => {
                let (pdf, count) = open(file, &doc.files)?;
                let pdf = Arc::new(pdf);
                current = Some((file, Arc::clone(&pdf), count));
                (pdf, count)
            }
        };
        if *page == 0 || *page as usize > count {
            return Err(RenderError::new(format!(
                "PDF: bound page {page} of {file} does not exist (it has {count} page{})",
                if count == 1 { "" } else { "s" }
            )));
        }
        jobs.push((file.as_str(), *page, pdf));
    }
    let settings = interpreter_settings(base, &doc.style.font);
    jobs.par_iter()
        .map(|(file, page, pdf)| {
            let png = render_page(pdf, *page, &doc.style, &settings)
                .map_err(|e| RenderError::new(format!("PDF: cannot render page {page} of bound file {file}: {e}")))?;
            Ok(Raster { path: raster_path(file, *page), png })
        })
        .collect()
}

/// The (file, page) of every bound page, wherever it is in the tree.
fn collect(blocks: &[Block], out: &mut BTreeSet<(String, u32)>) {
    for b in blocks {
        match b {
            Block::BoundPage(BoundPage { file, page, .. }) => {
                out.insert((file.clone(), *page));
            }
            Block::List(l) => l.items.iter().for_each(|item| collect(item, out)),
            Block::Table(t) => t.rows.iter().flat_map(|r| &r.cells).for_each(|cell| collect(cell, out)),
            _ => {}
        }
    }
}

/// Reads a bound file and counts its pages.
fn open(file: &str, files: &[EmbeddedFile]) -> Result<(Pdf, usize), RenderError> {
    let wanted = served_path(file)?;
    let f = files.iter().find(|f| served_path(&f.path).is_ok_and(|p| p == wanted)).ok_or_else(|| {
        RenderError::new(format!("PDF: a bound page refers to {file}, which is not among the document's files"))
    })?;
    let bytes = Arc::clone(&f.bytes);
    // hayro is young: a damaged file can make it panic (an `unwrap` in its cross-reference reader).
    let read = move || {
        Pdf::new(bytes).map(|pdf| {
            let pages = pdf.pages().len();
            (pdf, pages)
        })
    };
    match catch_unwind(read) {
        Ok(Ok(read)) => Ok(read),
        Ok(Err(LoadPdfError::Decryption(e))) => {
            Err(RenderError::new(format!("PDF: bound file {file} is encrypted and cannot be read ({e:?})")))
        }
        Ok(Err(_)) => {
            Err(RenderError::new(format!("PDF: bound file {file} is not a readable PDF (damaged, or not a PDF)")))
        }
        Err(_) => {
            Err(RenderError::new(format!("PDF: bound file {file} is not a readable PDF (the reader failed on it)")))
        }
    }
}

/// Fonts a bound PDF uses but does not embed (the standard 14, or any other it names) are drawn in
/// the house font, the closest face by weight and slant: Helvetica and Arial are metric-compatible
/// with Liberation Sans, and anything else is at least legible.
fn interpreter_settings(base: &Typesetter, family: &str) -> InterpreterSettings {
    let face = |weight, style| -> Option<(FontData, u32)> {
        let variant = FontVariant::new(style, weight, FontStretch::NORMAL);
        let index = base.book().select(&family.to_lowercase(), variant)?;
        let font = base.font(index)?;
        Some((Arc::new(font.data().clone()) as FontData, font.index()))
    };
    let faces = [
        face(FontWeight::REGULAR, FontStyle::Normal),
        face(FontWeight::BOLD, FontStyle::Normal),
        face(FontWeight::REGULAR, FontStyle::Italic),
        face(FontWeight::BOLD, FontStyle::Italic),
    ];
    InterpreterSettings {
        font_resolver: Arc::new(move |query| {
            let (bold, italic) = match query {
                FontQuery::Standard(s) => {
                    let name = s.postscript_name();
                    (name.contains("Bold"), name.contains("Oblique") || name.contains("Italic"))
                }
                FontQuery::Fallback(f) => (f.is_bold || f.font_weight >= 600, f.is_italic),
            };
            faces[usize::from(bold) + 2 * usize::from(italic)].clone().or_else(|| faces[0].clone())
        }),
        ..InterpreterSettings::default()
    }
}

/// Renders one page (from 1) on a white background to a PNG.
fn render_page(pdf: &Pdf, page: u32, style: &HouseStyle, settings: &InterpreterSettings) -> Result<Vec<u8>, String> {
    let run = AssertUnwindSafe(|| -> Result<Vec<u8>, String> {
        let pages = pdf.pages();
        let page = pages.get(page as usize - 1).ok_or("no such page")?;
        let (w, h) = page.render_dimensions();
        let scale = scale_for(f64::from(w), f64::from(h), style).ok_or("the page has no size")?;
        let render = RenderSettings {
            x_scale: scale as f32,
            y_scale: scale as f32,
            bg_color: WHITE,
            ..RenderSettings::default()
        };
        let cache = RenderCache::new();
        let pixmap = hayro::render(page, &cache, settings, &render);
        if pixmap.width() == 0 || pixmap.height() == 0 {
            return Err("the page has no size".into());
        }
        encode_png(pixmap.data_as_u8_slice(), pixmap.width(), pixmap.height())
    });
    catch_unwind(run).unwrap_or_else(|_| Err("the PDF renderer failed on it".into()))
}

/// Points → pixels for a page of `w` × `h` points: `DPI` of the page's own size, or of its size as
/// shown if it is enlarged to fit the body area; no side longer than `MAX_SIDE`. `None` for a page
/// with no area.
fn scale_for(w: f64, h: f64, style: &HouseStyle) -> Option<f64> {
    if !(w.is_finite() && h.is_finite() && w >= 1.0 && h >= 1.0) {
        return None;
    }
    let mm = 72.0 / 25.4;
    let body_w = (f64::from(style.page_width_mm) - 2.0 * f64::from(style.margin_mm)) * mm;
    let body_h = (f64::from(style.page_height_mm) - 2.0 * f64::from(style.margin_mm)) * mm;
    let shown = (body_w / w).min(body_h / h);
    let shown = if shown.is_finite() { shown.max(1.0) } else { 1.0 };
    let scale = DPI / 72.0 * shown;
    let scale = scale.min(MAX_SIDE / w.max(h));
    // Whole pixels of at least one on each side.
    (w * scale >= 1.0 && h * scale >= 1.0).then_some(scale)
}

/// Encodes opaque RGBA pixels (the page was drawn on white) as a PNG without an alpha channel: 8-bit
/// grey if every pixel is grey, as most bound pages are (a third of the bytes of RGB, a quarter of
/// RGBA, both here and once typst has decoded it), 8-bit RGB otherwise. Fast compression: the PDF
/// export decodes the image and compresses it again anyway. (hayro's own `into_png` writes RGBA at
/// the default level: about 50 ms a page to encode, and typst then adds a soft mask to every page.)
fn encode_png(rgba: &[u8], width: u16, height: u16) -> Result<Vec<u8>, String> {
    let grey = rgba.chunks_exact(4).all(|p| p[0] == p[1] && p[1] == p[2]);
    let (colour, pixels): (_, Vec<u8>) = if grey {
        (png::ColorType::Grayscale, rgba.chunks_exact(4).map(|p| p[0]).collect())
    } else {
        (png::ColorType::Rgb, rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect())
    };
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, u32::from(width), u32::from(height));
    encoder.set_color(colour);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}
