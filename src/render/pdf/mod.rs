//! PDF writer: typesets the document tree with typst and the layout template
//! (`templates/cabinet/report.typ`) into a tagged PDF/UA-1.
//!
//! The tree goes to the template as JSON at the virtual path `/data.json`, so author text is data and
//! is never parsed as typst markup. The template takes all style from `data.style`, all metadata from
//! `data.meta` and the page furniture from `data.furniture`; this module decides nothing about content.
//!
//! A document is typeset in two steps: [`PdfWriter`] works out what the template needs (the
//! typed view of the tree in [`view`], with its table layouts, figures and pictures, as JSON: a
//! [`Job`]), then a typesetter runs the template over it — in this process, or, as the binary does
//! it, in a [`worker`] process bounded in time
//! and memory (see [`Bounds`]). Either way a document of more pages than the bound is refused
//! before its PDF is made, and the typesetter's structure tree is repaired where it differs from
//! what PDF/UA-1 asks (a footnote's label: see `tags`).

mod diagnostics;
mod furniture;
mod hints;
mod pictures;
mod tags;
mod view;
pub mod worker;
mod world;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use typst::foundations::{Bytes, Datetime, Smart};
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use self::diagnostics::render_error;
use self::world::{ReportWorld, Typesetter};
pub use crate::render::bounds::{Bounds, Isolation};
use crate::render::RenderError;
use crate::tree::Document;

/// How many renders a memoised typst result may go unused before it is evicted from comemo's global
/// cache. Results shared between documents (the template's parse, its functions, shaped furniture) stay
/// warm; a document's own results go after a few renders, so memory stays flat over a long batch. A few
/// renders rather than zero, so that one thread's render does not wipe the cache another thread is
/// still using in the middle of a compile.
const CACHE_MAX_AGE: usize = 4;

/// The typesetter, set up once per process (fonts parsed, library built, or worker processes
/// started) and shared across threads; `render` may be called concurrently.
pub struct PdfWriter {
    place: Place,
}

/// Where documents are typeset.
enum Place {
    /// In this process (boxed: the typesetter is large, and a writer is one or the other).
    Here(Box<Local>),
    /// In worker processes.
    Workers(worker::Pool),
}

pub use furniture::{FurniturePage, FurnitureSpec};

impl PdfWriter {
    /// `template` is the typst source of the layout (templates/cabinet/report.typ); `fonts` the font
    /// files' bytes. Typesets in this process, with the default page cap.
    pub fn new(template: String, fonts: Vec<Vec<u8>>) -> Result<Self, RenderError> {
        Self::with_bounds(template, fonts, &Bounds::default(), "report.typ")
    }

    /// A writer typesetting within `bounds`: in worker processes when they ask for isolation.
    /// `name` names the layout in messages (`hostile/report.typ`).
    pub fn with_bounds(
        template: String,
        fonts: Vec<Vec<u8>>,
        bounds: &Bounds,
        name: &str,
    ) -> Result<Self, RenderError> {
        Self::with_workers(template, fonts, bounds, name, 1)
    }

    /// As [`PdfWriter::with_bounds`], with `workers` typesetting workers started side by side at
    /// once (when it typesets in workers): as many documents find one ready.
    pub fn with_workers(
        template: String,
        fonts: Vec<Vec<u8>>,
        bounds: &Bounds,
        name: &str,
        workers: usize,
    ) -> Result<Self, RenderError> {
        let place = match &bounds.isolation {
            None => Place::Here(Box::new(Local::new(template, fonts, bounds.max_pages, name.to_owned())?)),
            Some(isolation) => Place::Workers(worker::Pool::start(
                template,
                fonts,
                bounds.max_pages,
                isolation.clone(),
                name,
                workers,
            )?),
        };
        Ok(PdfWriter { place })
    }

    /// Stops this writer's idle worker processes, and waits for them to end (a later render
    /// starts new ones). Nothing to do when it typesets in this process.
    pub fn stop_workers(&self) {
        if let Place::Workers(pool) = &self.place {
            pool.stop();
        }
    }

    /// Starts typesetting workers until `count` have been started, side by side (see
    /// [`worker::Pool::warm`]); typesetting in this process, there is nothing to start.
    pub fn warm(&self, count: usize) {
        if let Place::Workers(pool) = &self.place {
            pool.warm(count);
        }
    }

    /// The typesetter of a writer that typesets in this process (the tests look inside).
    #[cfg(test)]
    fn typesetter(&self) -> &Typesetter {
        match &self.place {
            Place::Here(local) => &local.typesetter,
            Place::Workers(_) => panic!("this writer typesets in worker processes"),
        }
    }

    /// Typesets one document into a tagged PDF/UA-1.
    pub fn render(&self, doc: &Document) -> Result<Vec<u8>, RenderError> {
        self.render_with_pages(doc, &[]).map(|o| o.pdf)
    }

    /// Typesets a document and also reports the page each of `anchors` lands on (1-based) and
    /// the page count — for page numbers that other formats print (a pack's DOCX agenda).
    pub fn render_with_pages(&self, doc: &Document, anchors: &[String]) -> Result<PagedOutput, RenderError> {
        match &self.place {
            Place::Here(local) => {
                let result = prepare(doc, local.typesetter.font_data(), anchors).and_then(|job| local.typeset(job));
                comemo::evict(CACHE_MAX_AGE);
                result
            }
            Place::Workers(pool) => pool.typeset(prepare(doc, pool.fonts(), anchors)?),
        }
    }
}

/// What a document is typeset from: everything the writer worked out for the template, as
/// bytes, so that it can go to a worker process.
struct Job {
    head: JobHead,
    /// The document tree as JSON, with its hints (`/data.json`).
    data: Vec<u8>,
    /// The document's pictures, the `i`th at `/picture-i`.
    pictures: Vec<Vec<u8>>,
}

/// The small part of a [`Job`].
#[derive(Debug, Serialize, Deserialize)]
struct JobHead {
    /// The house font's family, which the template's fonts must have.
    font: String,
    /// The document's date.
    date: time::Date,
    /// The anchors whose pages are asked for.
    anchors: Vec<String>,
}

/// Works out a document's [`Job`]: the template's [`view::View`] of it as JSON, with the table
/// layouts measured in `fonts`, the figures drawn and the pictures served.
fn prepare<'a>(doc: &Document, fonts: impl Iterator<Item = &'a [u8]>, anchors: &[String]) -> Result<Job, RenderError> {
    super::check_depth(doc)?;
    let measure = crate::render::columns::WordMeasure::new(fonts, &doc.style.font);
    let [_, right, _, left] = doc.style.margins();
    let avail_mm = f64::from(doc.style.page_width_mm) - f64::from(right) - f64::from(left);
    let tables = measure.as_ref().map(|words| hints::TableLayout {
        words,
        size: f64::from(doc.style.body_size),
        avail: avail_mm * 72.0 / 25.4,
    });
    let (view, pictures) = view::View::build(doc, tables.as_ref())?;
    // Through a JSON value, so that the template reads the numbers and the keys' order it always
    // has (the house style's `f32`s widened to `f64`, keys sorted).
    let data = serde_json::to_value(&view)
        .and_then(|tree| serde_json::to_vec(&tree))
        .map_err(|e| RenderError::new(format!("PDF: cannot serialise the document tree: {e}")))?;
    let head = JobHead { font: doc.style.font.clone(), date: doc.meta.date, anchors: anchors.to_vec() };
    Ok(Job { head, data, pictures })
}

/// The typesetters of one process: the template's and the pack furniture's, over the same fonts.
struct Local {
    typesetter: Typesetter,
    /// The same fonts over the pack furniture's own layout (`furniture.typ`).
    furniture: Typesetter,
    /// The most pages a document may have.
    max_pages: usize,
    /// The layout's name in messages.
    name: String,
}

impl Local {
    fn new(template: String, fonts: Vec<Vec<u8>>, max_pages: usize, name: String) -> Result<Self, RenderError> {
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
        Ok(Local { typesetter, furniture, max_pages, name })
    }

    /// Runs the template over a job.
    fn typeset(&self, job: Job) -> Result<PagedOutput, RenderError> {
        let Job { head, data, pictures } = job;
        let date = midnight(head.date);
        let family = head.font.to_lowercase();
        if !self.typesetter.book().contains_family(&family) {
            let known: Vec<_> = self.typesetter.book().families().map(|(name, _)| name).collect();
            return Err(RenderError::new(format!(
                "PDF: the house style's font {:?} is not among the template's fonts ({})",
                head.font,
                known.join(", ")
            )));
        }
        let pictures = pictures.into_iter().map(Bytes::new).collect();
        let world = ReportWorld::new(&self.typesetter, data, date).with_pictures(pictures);
        let template = self.typesetter.template();

        // Warnings (e.g. a glyph the font lacks) do not stop the render.
        let compiled = typst::compile::<PagedDocument>(&world).output;
        let paged = compiled.map_err(|diags| render_error("template error", template, &diags))?;
        let page_count = paged.pages().len();
        if page_count > self.max_pages {
            return Err(RenderError::new(format!(
                "PDF: {} made {page_count} pages, more than the {} a document may have (--max-typeset-pages)",
                self.name, self.max_pages
            )));
        }

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
        let pdf = tags::repair(pdf)?;
        let mut pages = BTreeMap::new();
        {
            use typst::introspection::Introspector;
            let intro = paged.introspector();
            for a in &head.anchors {
                let Some(label) = typst::foundations::Label::new(typst::utils::PicoStr::intern(a)) else { continue };
                // The first element with the label (a pack may repeat an anchor).
                let first = intro.query(&typst::foundations::Selector::Label(label)).first().and_then(|c| c.location());
                if let Some(page) = first.and_then(|loc| intro.page(loc)) {
                    pages.insert(a.clone(), page.get());
                }
            }
        }
        Ok(PagedOutput { pdf, pages, page_count })
    }
}

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
/// A date → that day at 00:00 (used as `today()` and, as UTC, as the PDF's creation date).
pub(super) fn midnight(d: time::Date) -> Datetime {
    Datetime::Datetime(d.midnight())
}
