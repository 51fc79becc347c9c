//! PDF writer: typesets the document tree with typst and the layout template
//! (`templates/cabinet/report.typ`) into a tagged PDF/UA-1.
//!
//! The tree goes to the template as JSON at the virtual path `/data.json`, so author text is data and
//! is never parsed as typst markup. The template takes all style from `data.style`, all metadata from
//! `data.meta` and the page furniture from `data.furniture`; this module decides nothing about content.

mod diagnostics;
mod figures;
mod furniture;
mod hints;
mod pictures;
mod world;

#[cfg(test)]
mod tests;

use typst::foundations::{Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use self::diagnostics::render_error;
use self::world::{ReportWorld, Typesetter};
use crate::render::RenderError;
use crate::tree::Document;

/// How many renders a memoised typst result may go unused before it is evicted from comemo's global
/// cache. Results shared between documents (the template's parse, its functions, shaped furniture) stay
/// warm; a document's own results go after a few renders, so memory stays flat over a long batch. A few
/// renders rather than zero, so that one thread's render does not wipe the cache another thread is
/// still using in the middle of a compile.
const CACHE_MAX_AGE: usize = 4;

/// The typesetter, set up once per process (fonts parsed, library built) and shared across
/// threads; `render` may be called concurrently.
pub struct PdfWriter {
    typesetter: Typesetter,
    /// The same fonts over the pack furniture's own layout (`furniture.typ`).
    furniture: Typesetter,
}

pub use furniture::{FurniturePage, FurnitureSpec};

impl PdfWriter {
    /// `template` is the typst source of the layout (templates/cabinet/report.typ); `fonts` the font files' bytes.
    pub fn new(template: String, fonts: Vec<Vec<u8>>) -> Result<Self, RenderError> {
        let typesetter = Typesetter::new(template, fonts)?;
        // Fail now, not at the first render, if the template does not even parse.
        let (errors, _) = typesetter.template().root().errors_and_warnings();
        if !errors.is_empty() {
            let diags: Vec<_> = errors
                .into_iter()
                .map(|e| typst::diag::SourceDiagnostic {
                    severity: typst::diag::Severity::Error,
                    span: e.span,
                    message: e.message,
                    trace: Default::default(),
                    hints: e.hints,
                })
                .collect();
            return Err(render_error("template syntax error", typesetter.template(), &diags));
        }
        let furniture = typesetter.with_template(furniture::SOURCE.to_owned());
        Ok(PdfWriter { typesetter, furniture })
    }

    /// Typesets one document into a tagged PDF/UA-1.
    pub fn render(&self, doc: &Document) -> Result<Vec<u8>, RenderError> {
        let result = self.render_uncached(doc);
        comemo::evict(CACHE_MAX_AGE);
        result
    }

    /// Typesets a document and also reports the page each of `anchors` lands on (1-based) and
    /// the page count — for page numbers that other formats print (a pack's DOCX agenda).
    pub fn render_with_pages(&self, doc: &Document, anchors: &[String]) -> Result<PagedOutput, RenderError> {
        let result = self.render_paged(doc, anchors);
        comemo::evict(CACHE_MAX_AGE);
        result
    }

    fn render_uncached(&self, doc: &Document) -> Result<Vec<u8>, RenderError> {
        self.render_paged(doc, &[]).map(|o| o.pdf)
    }

    fn render_paged(&self, doc: &Document, anchors: &[String]) -> Result<PagedOutput, RenderError> {
        super::check_depth(doc)?;
        let date = parse_date(&doc.meta.date)?;
        let family = doc.style.font.to_lowercase();
        if !self.typesetter.book().contains_family(&family) {
            let known: Vec<_> = self.typesetter.book().families().map(|(name, _)| name).collect();
            return Err(RenderError::new(format!(
                "PDF: the house style's font {:?} is not among the template's fonts ({})",
                doc.style.font,
                known.join(", ")
            )));
        }
        let serialise_error =
            |e: serde_json::Error| RenderError::new(format!("PDF: cannot serialise the document tree: {e}"));
        let mut tree = serde_json::to_value(doc).map_err(serialise_error)?;
        if let Some(words) = crate::render::columns::WordMeasure::new(self.typesetter.font_data(), &doc.style.font) {
            let avail_mm = f64::from(doc.style.page_width_mm) - 2.0 * f64::from(doc.style.margin_mm);
            let hints = hints::TableLayout {
                words: &words,
                size: f64::from(doc.style.body_size),
                avail: avail_mm * 72.0 / 25.4,
            };
            hints.annotate_tables(&mut tree);
        }
        hints::annotate_anchors(&mut tree);
        figures::annotate_figures(doc, &mut tree)?;
        let served = pictures::annotate_pictures(doc, &mut tree);
        let data = serde_json::to_vec(&tree).map_err(serialise_error)?;
        let world = ReportWorld::new(&self.typesetter, data, date).with_pictures(served);
        let template = self.typesetter.template();

        // Warnings (e.g. a glyph the font lacks) do not stop the render.
        let compiled = typst::compile::<PagedDocument>(&world).output;
        let paged = compiled.map_err(|diags| render_error("template error", template, &diags))?;

        let standards =
            PdfStandards::new(&[PdfStandard::Ua_1]).map_err(|e| RenderError::new(format!("PDF: {}", e.message())))?;
        let options = PdfOptions {
            ident: Smart::Auto,
            creator: Smart::Custom(Some(format!("cabrep {}", env!("CARGO_PKG_VERSION")))),
            timestamp: Some(Timestamp::new_utc(date)),
            standards,
            ..PdfOptions::default()
        };
        let pdf = typst_pdf::pdf(&paged, &options).map_err(|diags| render_error("export error", template, &diags))?;
        let mut pages = std::collections::BTreeMap::new();
        {
            use typst::introspection::Introspector;
            let intro = paged.introspector();
            for a in anchors {
                let Some(label) = typst::foundations::Label::new(typst::utils::PicoStr::intern(a)) else { continue };
                // The first element with the label (a pack may repeat an anchor).
                let first = intro.query(&typst::foundations::Selector::Label(label)).first().and_then(|c| c.location());
                if let Some(page) = first.and_then(|loc| intro.page(loc)) {
                    pages.insert(a.clone(), page.get());
                }
            }
        }
        Ok(PagedOutput { pdf, pages, page_count: paged.pages().len() })
    }
}

/// A typeset document with the pages its anchors landed on.
#[derive(Debug, Clone)]
pub struct PagedOutput {
    /// The whole PDF file, tagged PDF/UA-1, ready to write to disk.
    pub pdf: Vec<u8>,
    /// Anchor → page (from 1).
    pub pages: std::collections::BTreeMap<String, usize>,
    /// How many pages the PDF has (at least 1); agenda packs number their pages on from it.
    pub page_count: usize,
}

/// `YYYY-MM-DD` → that day at 00:00 (used as `today()` and, as UTC, as the PDF's creation date).
pub(super) fn parse_date(s: &str) -> Result<Datetime, RenderError> {
    let bad = || RenderError::new(format!("PDF: the document date {s:?} is not an ISO date (YYYY-MM-DD)"));
    let mut parts = s.trim().splitn(3, '-');
    let mut next = || parts.next().ok_or_else(bad);
    let (y, m, d) = (next()?, next()?, next()?);
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (y, m, d) = (
        y.parse::<i32>().map_err(|_| bad())?,
        m.parse::<u8>().map_err(|_| bad())?,
        d.parse::<u8>().map_err(|_| bad())?,
    );
    Datetime::from_ymd_hms(y, m, d, 0, 0, 0).ok_or_else(bad)
}
