//! The page furniture of an agenda pack, typeset apart from its parts: for every page of the
//! pack, a page of the same size holding the running header and "Page X of Y" only. The merge
//! lays each of these pages over its pack page as an artifact, so a part typeset once (a report,
//! cached) fits wherever it lands in a pack, and a bound PDF's pages are numbered too.

use time::Date;
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use super::diagnostics::render_error;
use super::world::ReportWorld;
use super::{midnight, Local, PdfWriter, Place};
use crate::merge;
pub use crate::render::furniture::{FurniturePage, FurnitureSpec};
use crate::render::RenderError;
use crate::tree::HouseStyle;

/// The furniture's layout, the writer's own (not a template file): it draws only what the
/// template's words and house style say.
pub(super) const SOURCE: &str = include_str!("furniture.typ");

impl PdfWriter {
    /// Typesets the furniture of a pack: a PDF with one page per entry of `spec.pages`, dated
    /// `date`.
    pub fn furniture(&self, spec: &FurnitureSpec<'_>, date: Date) -> Result<Vec<u8>, RenderError> {
        if spec.pages.is_empty() {
            return Err(RenderError::new("PDF: a pack's furniture needs at least one page"));
        }
        let data = serde_json::to_vec(spec)
            .map_err(|e| RenderError::new(format!("PDF: cannot serialise the pack's furniture: {e}")))?;
        match &self.place {
            Place::Here(local) => {
                let result = local.furniture(data, date);
                comemo::evict(super::CACHE_MAX_AGE);
                result
            }
            Place::Workers(pool) => pool.furniture(data, date),
        }
    }
}

impl Local {
    /// Typesets a pack's furniture from its JSON.
    pub(super) fn furniture(&self, data: Vec<u8>, date: Date) -> Result<Vec<u8>, RenderError> {
        let today = midnight(date);
        let world = ReportWorld::new(&self.furniture, data, today);
        let source = self.furniture.template();
        let paged = typst::compile::<PagedDocument>(&world)
            .output
            .map_err(|diags| render_error("furniture error", source, &diags))?;
        let options = PdfOptions {
            ident: typst::foundations::Smart::Auto,
            timestamp: Some(typst_pdf::Timestamp::new_utc(today)),
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&paged, &options).map_err(|diags| render_error("furniture export error", source, &diags))
    }
}

/// The words stamped on a not-for-publication page whose own header does not say so.
const NOT_FOR_PUBLICATION: &str = "NOT FOR PUBLICATION";

impl PdfWriter {
    /// Marks a finished PDF as not for publication, whatever its layout printed: the keyword in
    /// its Info dictionary and XMP metadata, and NOT FOR PUBLICATION stamped (as an artifact, at
    /// the head of the page) on every page whose header or footer does not say so already. The
    /// result is read back: a page still unmarked is an error, never a file.
    pub fn mark_not_for_publication(
        &self,
        pdf: Vec<u8>,
        style: &HouseStyle,
        lang: &str,
        date: Date,
    ) -> Result<Vec<u8>, RenderError> {
        let keyword = crate::tree::NOT_FOR_PUBLICATION_KEYWORD;
        let unreadable =
            || RenderError::new("PDF: the typeset document cannot be read back to mark it not for publication");
        let seen = merge::seen(&pdf, keyword).ok_or_else(unreadable)?;
        let bare: Vec<usize> =
            seen.pages.iter().enumerate().filter(|(_, p)| !p.not_for_publication).map(|(i, _)| i).collect();
        let furniture = if bare.is_empty() {
            None
        } else {
            let facts = merge::inspect(&pdf).map_err(|e| RenderError::new(format!("PDF: {e}")))?;
            let pages: Vec<FurniturePage> = bare
                .iter()
                .filter_map(|&i| facts.pages.get(i))
                .map(|p| FurniturePage { width: p.width, height: p.height, stamp: None, bound: false })
                .collect();
            let spec = FurnitureSpec {
                style,
                lang,
                title: NOT_FOR_PUBLICATION,
                header: Some(NOT_FOR_PUBLICATION),
                footer: "",
                pages: &pages,
                stamp_pages: &[],
            };
            Some(self.furniture(&spec, date)?)
        };
        let stamps = furniture.as_deref().map(|furniture| merge::Stamps { pages: &bare, furniture });
        let marked = merge::mark_not_for_publication(&pdf, keyword, stamps)
            .map_err(|e| RenderError::new(format!("PDF: cannot mark it not for publication: {e}")))?;
        let check = merge::seen(&marked, keyword).ok_or_else(unreadable)?;
        if let Some(page) = check.pages.iter().position(|p| !p.not_for_publication) {
            return Err(RenderError::new(format!(
                "PDF: page {} could not be marked NOT FOR PUBLICATION, so the document is not written",
                page + 1
            )));
        }
        if !(check.marks.info && check.marks.xmp) {
            return Err(RenderError::new(
                "PDF: its metadata could not be marked not for publication, so it is not written",
            ));
        }
        Ok(marked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;
    use std::process::Command;

    fn run(tool: &str, args: &[&str], pdf: &[u8]) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("furniture.pdf");
        std::fs::write(&path, pdf).expect("write");
        let out = Command::new(tool).args(args).arg(&path).args(["-"].iter().filter(|_| tool == "pdftotext")).output();
        let out = out.unwrap_or_else(|e| panic!("{tool} must be installed: {e}"));
        assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    fn furniture_numbers_every_page_of_the_pack_at_its_own_size_under_the_header() {
        let t = Template::builtin().expect("built-in template");
        let w = PdfWriter::new(t.typst.clone(), t.fonts.clone()).expect("writer");
        let a4 = FurniturePage { width: 595.28, height: 841.89, stamp: None, bound: false };
        let a3_landscape = FurniturePage {
            width: 1190.55,
            height: 841.89,
            stamp: Some("Agenda item 4: Site plan".into()),
            bound: true,
        };
        let spec = FurnitureSpec {
            style: &t.settings.style,
            lang: "en-GB",
            title: "Cabinet, Part 2",
            header: Some("NOT FOR PUBLICATION"),
            footer: "Page {page} of {pages}",
            pages: &[a4.clone(), a3_landscape, a4],
            stamp_pages: &[],
        };
        let pdf = w.furniture(&spec, time::macros::date!(2024 - 01 - 18)).expect("furniture");
        let info = run("pdfinfo", &["-f", "1", "-l", "3"], &pdf);
        let info = info.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(info.contains("Pages: 3"), "{info}");
        assert!(info.contains("Page 2 size: 1190.55 x 841.89 pts"), "{info}");
        assert!(info.contains("Page 3 size: 595.28 x 841.89 pts"), "{info}");
        let text = run("pdftotext", &["-layout"], &pdf);
        for n in 1..=3 {
            assert!(text.contains(&format!("Page {n} of 3")), "page {n}: {text}");
        }
        assert_eq!(text.matches("NOT FOR PUBLICATION").count(), 3, "{text}");
        assert_eq!(text.matches("Agenda item 4: Site plan").count(), 1, "stamped on its page only: {text}");
        assert_eq!(
            pdf,
            w.furniture(&spec, time::macros::date!(2024 - 01 - 18)).expect("again"),
            "the same furniture twice, byte for byte"
        );
    }
}
