//! The page furniture of an agenda pack, typeset apart from its parts: for every page of the
//! pack, a page of the same size holding the running header and "Page X of Y" only. The merge
//! lays each of these pages over its pack page as an artifact, so a part typeset once (a report,
//! cached) fits wherever it lands in a pack, and a bound PDF's pages are numbered too.

use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use super::diagnostics::render_error;
use super::world::ReportWorld;
use super::{parse_date, Local, PdfWriter, Place};
pub use crate::render::furniture::{FurniturePage, FurnitureSpec};
use crate::render::RenderError;

/// The furniture's layout, the writer's own (not a template file): it draws only what the
/// template's words and house style say.
pub(super) const SOURCE: &str = include_str!("furniture.typ");

impl PdfWriter {
    /// Typesets the furniture of a pack: a PDF with one page per entry of `spec.pages`, dated
    /// `date` (`YYYY-MM-DD`).
    pub fn furniture(&self, spec: &FurnitureSpec<'_>, date: &str) -> Result<Vec<u8>, RenderError> {
        parse_date(date)?;
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
    pub(super) fn furniture(&self, data: Vec<u8>, date: &str) -> Result<Vec<u8>, RenderError> {
        let today = parse_date(date)?;
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
        };
        let pdf = w.furniture(&spec, "2024-01-18").expect("furniture");
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
        assert_eq!(pdf, w.furniture(&spec, "2024-01-18").expect("again"), "the same furniture twice, byte for byte");
    }
}
