//! The writers of one process, set up once and shared by every document and thread, and the one
//! place a document is sent to the writer of its format ([`Writers::render`]). A PDF of a document
//! that holds exempt material (its keywords carry [`crate::tree::NOT_FOR_PUBLICATION_KEYWORD`]) is
//! marked not for publication here, after the layout, whatever the template printed. A new format is a
//! new arm here and a new [`Format`]; nothing above `render` changes.

use std::sync::OnceLock;

use super::{check_depth, columns, docx, figure_png, html, pdf, Format, RenderError};
use crate::tree::Document;

/// What the writers need from the template, and the writers set up from it on first use: the
/// typesetter (seconds to set up, so only when a PDF is asked for), the figure rasteriser and the
/// house font's word widths.
pub struct Writers {
    typst: String,
    fonts: Vec<Vec<u8>>,
    house_font: String,
    /// How far typesetting one document may go, and where it runs.
    bounds: pdf::Bounds,
    /// The layout's name in the typesetter's messages (`cabinet/report.typ`).
    layout: String,
    pdf: OnceLock<Result<pdf::PdfWriter, RenderError>>,
    figures: OnceLock<figure_png::Rasteriser>,
    /// [`Writers::layout_digest`], worked out on first use.
    digest: OnceLock<String>,
    /// The council's Word file the DOCX takes its house style from, if the template names one.
    reference: Option<std::sync::Arc<crate::template::reference::Reference>>,
}

impl Writers {
    /// Writers over a typst template's source, the template's font files and the name of its house
    /// font family (for measuring DOCX table columns).
    pub fn new(typst: String, fonts: Vec<Vec<u8>>, house_font: String) -> Writers {
        Writers {
            typst,
            fonts,
            house_font,
            bounds: pdf::Bounds::default(),
            layout: "report.typ".to_owned(),
            pdf: OnceLock::new(),
            figures: OnceLock::new(),
            digest: OnceLock::new(),
            reference: None,
        }
    }

    /// The same writers with the DOCX in the house style of a council's Word file.
    pub fn with_reference(self, reference: Option<std::sync::Arc<crate::template::reference::Reference>>) -> Writers {
        Writers { reference, ..self }
    }

    /// The same writers with the typesetter bounded by `bounds` (and run in worker processes when
    /// they say so); `layout` names the template's layout in its messages (`hostile/report.typ`).
    pub fn bounded(self, bounds: pdf::Bounds, layout: &str) -> Writers {
        Writers { bounds, layout: layout.to_owned(), pdf: OnceLock::new(), ..self }
    }

    /// A digest (SHA-256, in hex) of what a PDF depends on besides its document: cabrep's
    /// version, the typst layout and its fonts. Worked out once: the fonts are megabytes, and a
    /// pack asks for it once a part.
    pub fn layout_digest(&self) -> &str {
        self.digest.get_or_init(|| {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            h.update(env!("CARGO_PKG_VERSION").as_bytes());
            h.update([0]);
            h.update(self.typst.as_bytes());
            for font in &self.fonts {
                h.update((font.len() as u64).to_le_bytes());
                h.update(font);
            }
            h.finalize().iter().map(|b| format!("{b:02x}")).collect()
        })
    }

    /// The typst layout source the PDF writer typesets with.
    pub fn typst(&self) -> &str {
        &self.typst
    }

    /// The font files the writers lay text out in.
    pub fn fonts(&self) -> &[Vec<u8>] {
        &self.fonts
    }

    /// Renders a document in one format.
    pub fn render(&self, doc: &Document, format: Format) -> Result<Vec<u8>, RenderError> {
        match format {
            Format::Docx => docx::render_with(doc, self.figures(), self.words().as_ref(), self.reference.as_deref()),
            Format::Pdf => {
                let writer = self.pdf()?;
                let pdf = writer.render(doc)?;
                if doc.meta.keywords.iter().any(|k| k == crate::tree::NOT_FOR_PUBLICATION_KEYWORD) {
                    // Marked here, after the layout, whatever the template printed.
                    writer.mark_not_for_publication(pdf, &doc.style, &doc.meta.lang, doc.meta.date)
                } else {
                    Ok(pdf)
                }
            }
            Format::Html => html::render(doc),
            Format::Tree => check_depth(doc)
                .and_then(|()| serde_json::to_vec_pretty(doc).map_err(|e| RenderError::new(e.to_string()))),
        }
    }

    /// The typesetter, set up on first use; its set-up error is kept and returned to every caller.
    pub fn pdf(&self) -> Result<&pdf::PdfWriter, RenderError> {
        self.pdf_for(1)
    }

    /// The typesetter, as [`Writers::pdf`], with at least `workers` workers started (side by side,
    /// with the first when it is set up now): as many documents typeset at once find one ready.
    pub fn pdf_for(&self, workers: usize) -> Result<&pdf::PdfWriter, RenderError> {
        let writer = self
            .pdf
            .get_or_init(|| {
                pdf::PdfWriter::with_workers(
                    self.typst.clone(),
                    self.fonts.clone(),
                    &self.bounds,
                    &self.layout,
                    workers,
                )
            })
            .as_ref()
            .map_err(Clone::clone)?;
        writer.warm(workers);
        Ok(writer)
    }

    /// Stops the typesetter's idle worker processes, if it has any (see
    /// [`pdf::PdfWriter::stop_workers`]).
    pub fn stop_workers(&self) {
        if let Some(Ok(pdf)) = self.pdf.get() {
            pdf.stop_workers();
        }
    }

    /// The figure rasteriser (DOCX images), over the template's fonts, set up on first use.
    pub fn figures(&self) -> &figure_png::Rasteriser {
        self.figures.get_or_init(|| figure_png::Rasteriser::new(&self.fonts))
    }

    /// The house font's word widths (DOCX table columns); `None` if the fonts lack the house font.
    pub fn words(&self) -> Option<columns::WordMeasure<'_>> {
        columns::WordMeasure::new(self.fonts.iter().map(Vec::as_slice), &self.house_font)
    }
}
