//! What a reader sees of a PDF, for the checks that keep exempt material out of public packs:
//! each page's text (every glyph the page draws, in its own content and in the forms and
//! annotations it shows, mapped to Unicode through the fonts' `ToUnicode` maps) and the digests
//! of the images it draws; and whether the file says it is not for publication — in its Info
//! dictionary (`/Keywords`, `/Title`), in its XMP metadata, or in the text of its pages.
//!
//! This room reads bytes and answers; it decides nothing about what is refused. A page's text is
//! kept as a digest of its letters and digits, lower-cased (so that two copies of one page compare
//! equal however their text is split into lines, words or runs).
//!
//! A page says NOT FOR PUBLICATION when those words (in any case and spacing) stand in its top or
//! bottom [`BAND`], where running headers and footers are printed: a public paper that says in its
//! body that an appendix "is not for publication" is not itself marked.

use std::sync::Arc;

use hayro_interpret::font::Glyph;
use hayro_interpret::hayro_syntax::object::dict::keys;
use hayro_interpret::hayro_syntax::object::{Dict, Stream};
use hayro_interpret::hayro_syntax::{Filter, Pdf};
use hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache, InterpreterSettings,
    Paint, PathDrawMode, SoftMask, TransformExt,
};
use kurbo::{Affine, BezPath, Rect};
use sha2::{Digest, Sha256};

/// The words that mark a page or a title as not for publication, compared without case or
/// spacing ("NOT FOR PUBLICATION", "Not for publication", "NOT  FOR\nPUBLICATION").
const NOT_FOR_PUBLICATION: &str = "notforpublication";

/// The share of a page's height, at its top and at its bottom, where a running header or footer
/// stands.
pub const BAND: f64 = 0.15;

/// The most characters of one page's header and footer text that are kept.
const MAX_BAND_TEXT: usize = 1 << 16;

/// One page as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageSeen {
    /// SHA-256 of the page's letters and digits, lower-cased; `None` for a page with no text.
    pub text: Option<[u8; 32]>,
    /// How many letters and digits the page's text has (a page of a few, a number or a heading
    /// alone, is not told apart from many others by its text).
    pub letters: usize,
    /// SHA-256 of each image the page draws (its decoded samples, or for a JPEG, JPEG 2000,
    /// JBIG2 or fax image its coded data, with its width and height), and its pixels; each once.
    pub images: Vec<([u8; 32], u64)>,
    /// Whether its header or footer says NOT FOR PUBLICATION.
    pub not_for_publication: bool,
}

/// Where a PDF says it is not for publication.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Marks {
    /// The Info dictionary's `/Keywords` holds the keyword, or its `/Title` the words.
    pub info: bool,
    /// The XMP metadata holds the keyword, or the words.
    pub xmp: bool,
    /// The pages (1-based) whose text says it.
    pub pages: Vec<usize>,
}

impl Marks {
    /// Whether any of the three says so.
    pub fn any(&self) -> bool {
        self.info || self.xmp || !self.pages.is_empty()
    }
}

/// A PDF as a reader sees it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Seen {
    /// Its pages, in order.
    pub pages: Vec<PageSeen>,
    /// Its not-for-publication marks.
    pub marks: Marks,
}

/// Reads `pdf` as a reader sees it; `keyword` is the metadata keyword that marks a file as not
/// for publication. `None` when the file cannot be read at all (the caller's other checks say
/// why). Reading never panics out of here: a reader's panic on a damaged file is `None`.
pub fn seen(pdf: &[u8], keyword: &str) -> Option<Seen> {
    super::reads::Reader::Pages.note(pdf);
    let bytes = Arc::new(pdf.to_vec());
    let keyword = keyword.to_lowercase();
    std::panic::catch_unwind(move || read(bytes, &keyword, Look::Whole)).ok().flatten()
}

/// Where `pdf` says it is not for publication, read as [`seen`] reads it (every page's text,
/// in its forms and annotations too) but without the digests of its pages' text and images,
/// which only comparing two files needs: what a check of marks alone costs.
pub fn marks(pdf: &[u8], keyword: &str) -> Option<Marks> {
    super::reads::Reader::Pages.note(pdf);
    let bytes = Arc::new(pdf.to_vec());
    let keyword = keyword.to_lowercase();
    std::panic::catch_unwind(move || read(bytes, &keyword, Look::Marks)).ok().flatten().map(|s| s.marks)
}

/// How much of each page is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Look {
    /// Its text's digest, its images' digests and its marks.
    #[default]
    Whole,
    /// Its marks only.
    Marks,
}

fn read(bytes: Arc<Vec<u8>>, keyword: &str, look: Look) -> Option<Seen> {
    let pdf = Pdf::new(bytes).ok()?;
    let meta = pdf.metadata();
    let field = |f: &Option<Vec<u8>>| f.as_deref().map(text_string);
    let info = info_marked(field(&meta.keywords).as_deref(), field(&meta.title).as_deref(), keyword);
    let xmp = xmp(&pdf).is_some_and(|x| {
        let x = x.to_lowercase();
        x.contains(keyword) || squeezed(&x).contains(NOT_FOR_PUBLICATION)
    });
    let cache = InterpreterCache::new();
    // Annotations' appearances are read too (a stamp or a watermark may be one).
    let settings = InterpreterSettings { render_annotations: true, ..InterpreterSettings::default() };
    let mut pages = Vec::with_capacity(pdf.pages().len());
    for page in pdf.pages().iter() {
        let (w, h) = page.render_dimensions();
        let mut context = Context::new(
            page.initial_transform(true).to_kurbo(),
            Rect::new(0.0, 0.0, f64::from(w), f64::from(h)),
            &cache,
            page.xref(),
            settings.clone(),
        );
        let mut reader = Reader { height: f64::from(h), look, ..Reader::default() };
        interpret_page(page, &mut context, &mut reader);
        pages.push(reader.finish());
    }
    let marked: Vec<usize> =
        pages.iter().enumerate().filter(|(_, p)| p.not_for_publication).map(|(i, _)| i + 1).collect();
    Some(Seen { pages, marks: Marks { info, xmp, pages: marked } })
}

/// Whether an Info dictionary's `/Keywords` hold `keyword` (lower-case) or its `/Title` the words
/// NOT FOR PUBLICATION, both as decoded text.
pub fn info_marked(keywords: Option<&str>, title: Option<&str>, keyword: &str) -> bool {
    keywords.is_some_and(|k| k.to_lowercase().contains(keyword))
        || title.is_some_and(|t| squeezed(t).contains(NOT_FOR_PUBLICATION))
}

/// The catalogue's XMP packet, as text.
fn xmp(pdf: &Pdf) -> Option<String> {
    let xref = pdf.xref();
    let catalog = xref.get::<Dict<'_>>(xref.root_id())?;
    let stream = catalog.get::<Stream<'_>>(keys::METADATA)?;
    let data = stream.decoded().ok()?;
    Some(String::from_utf8_lossy(&data[..data.len().min(16 << 20)]).into_owned())
}

/// A text with everything but letters and digits taken out.
fn squeezed(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// A PDF text string: UTF-16BE after a byte-order mark, else PDFDocEncoding (read as Latin-1,
/// which agrees with it on every letter that matters here).
pub fn text_string(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xFE, 0xFF]) {
        Some(be) => char::decode_utf16(be.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])))
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect(),
        None => bytes.iter().map(|&b| b as char).collect(),
    }
}

/// The device that reads a page: its glyphs' characters and its images' digests.
#[derive(Default)]
struct Reader {
    height: f64,
    look: Look,
    band_text: String,
    digest: Sha256,
    letters: usize,
    images: Vec<([u8; 32], u64)>,
}

impl Reader {
    fn finish(self) -> PageSeen {
        let not_for_publication = self.band_text.contains(NOT_FOR_PUBLICATION);
        let text = (self.letters > 0).then(|| self.digest.finalize().into());
        PageSeen { text, letters: self.letters, images: self.images, not_for_publication }
    }

    /// A character drawn at `y` points from the top of the page.
    fn push(&mut self, c: char, y: f64) {
        let in_band = y < self.height * BAND || y > self.height * (1.0 - BAND);
        for c in c.to_lowercase().filter(|c| c.is_alphanumeric()) {
            if self.look == Look::Whole {
                let mut buf = [0; 4];
                self.digest.update(c.encode_utf8(&mut buf).as_bytes());
            }
            self.letters += 1;
            if in_band && self.band_text.len() < MAX_BAND_TEXT {
                self.band_text.push(c);
            }
        }
    }
}

/// The digest of an image: its size and its samples as decoded, or its coded data where the
/// codec is an image codec (decoding a photograph to compare it costs more than it tells).
fn image_digest(stream: &Stream<'_>, width: u32, height: u32) -> Option<[u8; 32]> {
    let coded = stream
        .filters()
        .iter()
        .any(|f| matches!(f, Filter::DctDecode | Filter::JpxDecode | Filter::Jbig2Decode | Filter::CcittFaxDecode));
    let mut h = Sha256::new();
    h.update(width.to_le_bytes());
    h.update(height.to_le_bytes());
    if coded {
        // The coded data after any general-purpose filters (a re-saved file may wrap it anew).
        let general: Vec<Filter> = stream
            .filters()
            .into_iter()
            .take_while(|f| {
                !matches!(f, Filter::DctDecode | Filter::JpxDecode | Filter::Jbig2Decode | Filter::CcittFaxDecode)
            })
            .collect();
        if !general.is_empty() {
            return None;
        }
        h.update(stream.raw_data());
    } else {
        h.update(stream.decoded().ok()?);
    }
    Some(h.finalize().into())
}

impl<'a> Device<'a> for Reader {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, _: &BezPath, _: Affine, _: &Paint<'a>, _: &PathDrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph(&mut self, glyph: &Glyph<'a>, at: Affine, shape: Affine, _: &Paint<'a>, _: &GlyphDrawMode) {
        let y = ((at * shape) * kurbo::Point::ORIGIN).y;
        match glyph.as_unicode() {
            Some(hayro_interpret::hayro_cmap::BfString::Char(c)) => self.push(c, y),
            Some(hayro_interpret::hayro_cmap::BfString::String(s)) => s.chars().for_each(|c| self.push(c, y)),
            None => {}
        }
    }
    fn draw_image(&mut self, image: Image<'a, '_>, _: Affine) {
        if self.look == Look::Marks {
            return;
        }
        let digest = match &image {
            Image::Raster(r) => image_digest(r.stream(), r.width(), r.height())
                .map(|d| (d, u64::from(r.width()) * u64::from(r.height()))),
            Image::Stencil(_) => None,
        };
        if let Some(d) = digest.filter(|d| !self.images.contains(d)) {
            self.images.push(d);
        }
    }
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}
