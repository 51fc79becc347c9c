//! The page furniture of an agenda pack, typeset apart from its parts: for each kind of page in
//! the pack (its size, bound in or typeset, its stamp, how wide its number is set), one page of
//! that size holding the running header and "Page X of Y" with a slot where X goes, and a plan
//! ([`merge::FurniturePlan`]) saying which page goes on each pack page and where its slots are.
//! The merge lays these pages over the pack's pages as artifacts and draws each page's number in
//! its slot, so a part typeset once (a report, cached) fits wherever it lands in a pack, a bound
//! PDF's pages are numbered too, and a pack of thousands of pages is furnished from a few typeset
//! ones. Owns the grouping into kinds and reading the slots back from the typesetter; never
//! draws on a pack page itself.

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
use serde::{Deserialize, Serialize};

/// The furniture's layout, the writer's own (not a template file): it draws only what the
/// template's words and house style say.
pub(super) const SOURCE: &str = include_str!("furniture.typ");

/// One kind of pack page, typeset once: its size, whether it was bound in from another PDF,
/// its stamp, and how wide its number is set (in points; 0 without a number).
#[derive(Debug, Clone, PartialEq, Serialize)]
struct Sheet<'a> {
    width: f32,
    height: f32,
    stamp: Option<&'a str>,
    bound: bool,
    slot: f32,
}

/// What `furniture.typ` reads.
#[derive(Serialize)]
struct Data<'a> {
    style: &'a HouseStyle,
    lang: &'a str,
    title: &'a str,
    header: Option<&'a str>,
    footer: &'a str,
    total: usize,
    sheets: Vec<Sheet<'a>>,
    stamp_pages: &'a [FurniturePage],
    numbered: bool,
}

/// What typesetting the furniture found out besides its PDF: each page's slots for the page
/// number, and the digits' advance widths (when the footer has a number).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(super) struct Laid {
    pub slots: Vec<Vec<merge::NumberSlot>>,
    pub widths: Option<[f32; 10]>,
    pub kerning: Vec<f32>,
}

impl PdfWriter {
    /// Typesets the furniture of a pack, dated `date`: a page for each kind of page in
    /// `spec.pages` (size, bound or not, stamp, how wide its number is set), then one per stamp
    /// page, then the digits, and the plan that lays them over the pack's pages, each with its
    /// own number. The digits are measured first (a page of its own), so that each slot is as
    /// wide as the numbers typst would set there, kerning and all.
    pub fn furniture(&self, spec: &FurnitureSpec<'_>, date: Date) -> Result<merge::FurniturePdf, RenderError> {
        if spec.pages.is_empty() {
            return Err(RenderError::new("PDF: a pack's furniture needs at least one page"));
        }
        let numbered = spec.footer.contains("{page}");
        let mut data = Data {
            style: spec.style,
            lang: spec.lang,
            title: spec.title,
            header: spec.header,
            footer: spec.footer,
            total: spec.pages.len(),
            stamp_pages: &[],
            numbered,
            sheets: Vec::new(),
        };
        let measured = if numbered { Some(self.typeset_furniture(&data, date)?.1) } else { None };
        let set = measured.and_then(|m| m.widths.map(|widths| merge::Digits { page: 0, widths, kerning: m.kerning }));
        // To a thousandth of a point, so that numbers set alike share a page.
        let set_width = |number: usize| set.as_ref().map_or(0.0, |d| (d.set_width(number) * 1000.0).round() / 1000.0);
        let mut pages = Vec::with_capacity(spec.pages.len());
        for (i, p) in spec.pages.iter().enumerate() {
            let slot = if numbered { set_width(i + 1) } else { 0.0 };
            let sheet = Sheet { width: p.width, height: p.height, stamp: p.stamp.as_deref(), bound: p.bound, slot };
            let index = match data.sheets.iter().position(|s| *s == sheet) {
                Some(index) => index,
                None => {
                    data.sheets.push(sheet);
                    data.sheets.len() - 1
                }
            };
            pages.push(index as u32);
        }
        data.stamp_pages = spec.stamp_pages;
        let sheets = data.sheets.len() as u32;
        let stamps: Vec<u32> = (sheets..sheets + spec.stamp_pages.len() as u32).collect();
        let (pdf, laid) = self.typeset_furniture(&data, date)?;
        let digits = match (numbered, laid.widths) {
            (false, _) => None,
            (true, Some(widths)) => {
                Some(merge::Digits { page: sheets + stamps.len() as u32, widths, kerning: laid.kerning })
            }
            (true, None) => return Err(RenderError::new("PDF: the pack's furniture did not measure its digits")),
        };
        let plan = merge::FurniturePlan { pages, stamps, slots: laid.slots, digits };
        Ok(merge::FurniturePdf { pdf, plan: Some(plan) })
    }

    /// Typesets `furniture.typ` over `data`, here or in a worker.
    fn typeset_furniture(&self, data: &Data<'_>, date: Date) -> Result<(Vec<u8>, Laid), RenderError> {
        let data = serde_json::to_vec(data)
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
    /// Typesets a pack's furniture from its JSON: the PDF, and where its pages' numbers go.
    pub(super) fn furniture(&self, data: Vec<u8>, date: Date) -> Result<(Vec<u8>, Laid), RenderError> {
        use typst::introspection::Introspector;
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
        let pdf =
            typst_pdf::pdf(&paged, &options).map_err(|diags| render_error("furniture export error", source, &diags))?;

        let intro = paged.introspector();
        let labelled = |name: &str| {
            typst::foundations::Label::new(typst::utils::PicoStr::intern(name))
                .map(|label| intro.query(&typst::foundations::Selector::Label(label)))
                .unwrap_or_default()
        };
        let number = |v: &typst::foundations::Value| match v {
            typst::foundations::Value::Float(f) => Some(*f as f32),
            typst::foundations::Value::Int(i) => Some(*i as f32),
            _ => None,
        };
        let mut laid = Laid { slots: vec![Vec::new(); paged.pages().len()], widths: None, kerning: Vec::new() };
        for slot in labelled("cabrep-slot") {
            let width = slot.get_by_name("value").ok().as_ref().and_then(number);
            let position = slot.location().and_then(|loc| intro.position(loc));
            if let (Some(width), Some(at)) = (width, position) {
                if let Some(page) = laid.slots.get_mut(at.page.get() - 1) {
                    page.push(merge::NumberSlot {
                        x: at.point.x.to_pt() as f32,
                        baseline: at.point.y.to_pt() as f32,
                        width,
                    });
                }
            }
        }
        if let Some(digits) = labelled("cabrep-digits").first() {
            if let Ok(typst::foundations::Value::Array(widths)) = digits.get_by_name("value") {
                let widths: Vec<f32> = widths.iter().filter_map(number).collect();
                laid.widths = widths.try_into().ok();
            }
        }
        if let Some(kerning) = labelled("cabrep-kerning").first() {
            if let Ok(typst::foundations::Value::Array(pairs)) = kerning.get_by_name("value") {
                laid.kerning = pairs.iter().filter_map(number).collect();
            }
        }
        Ok((pdf, laid))
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
        let stamps = furniture.as_ref().map(|furniture| merge::Stamps { pages: &bare, furniture });
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
    fn furniture_is_a_page_for_each_kind_of_page_with_a_slot_for_its_number_under_the_header() {
        let t = Template::builtin().expect("built-in template");
        let w = PdfWriter::new(t.typst.clone(), t.fonts.clone()).expect("writer");
        let a4 = FurniturePage { width: 595.28, height: 841.89, stamp: None, bound: false };
        let a3_landscape = FurniturePage {
            width: 1190.55,
            height: 841.89,
            stamp: Some("Agenda item 4: Site plan".into()),
            bound: true,
        };
        let mut pages = vec![a4.clone(), a3_landscape];
        pages.extend(std::iter::repeat_n(a4.clone(), 10));
        let spec = FurnitureSpec {
            style: &t.settings.style,
            lang: "en-GB",
            title: "Cabinet, Part 2",
            header: Some("NOT FOR PUBLICATION"),
            footer: "Page {page} of {pages}",
            pages: &pages,
            stamp_pages: &[],
        };
        let furniture = w.furniture(&spec, time::macros::date!(2024 - 01 - 18)).expect("furniture");
        let plan = furniture.plan.clone().expect("a plan");
        // A4 with a one-digit number, the bound A3 page, A4 with two digits, A4 with "11" (set
        // closer, so narrower); then the digits.
        assert_eq!(plan.pages, [0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 3, 2]);
        assert!(plan.stamps.is_empty());
        let digits = plan.digits.as_ref().expect("digits");
        assert_eq!(digits.page, 4);
        let pdf = &furniture.pdf;
        let info = run("pdfinfo", &["-f", "1", "-l", "5"], pdf);
        let info = info.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(info.contains("Pages: 5"), "{info}");
        assert!(info.contains("Page 2 size: 1190.55 x 841.89 pts"), "{info}");
        assert!(info.contains("Page 3 size: 595.28 x 841.89 pts"), "{info}");
        let text = run("pdftotext", &["-layout"], pdf);
        assert_eq!(text.matches("of 12").count(), 4, "the total typeset, the page's number left to the merge: {text}");
        assert!(!text.contains("Page 1 "), "{text}");
        assert_eq!(text.matches("NOT FOR PUBLICATION").count(), 4, "every kind of page, not the digits: {text}");
        assert_eq!(text.matches("Agenda item 4: Site plan").count(), 1, "stamped on its page only: {text}");
        assert!(text.contains("0123456789"), "{text}");
        // Each kind of page has one slot, as wide as its number is set, on the footer's line:
        // centred on an A4 page, at the bottom right of the bound page.
        // The house font sets "11" closer than two ones' widths: the merge draws it so too.
        assert_eq!(digits.kerning.len(), 100, "{digits:?}");
        assert!(digits.kerning[11] < 0.0, "{digits:?}");
        let widest = digits.widths.iter().copied().fold(0.0, f32::max);
        assert!(widest > 2.0 && widest < 10.0, "{digits:?}");
        assert_eq!(plan.slots.len(), 5);
        let eleven = 2.0 * digits.widths[1] + digits.kerning[11];
        for (sheet, set, (left, right)) in [
            (0, widest, (250.0, 300.0)),
            (1, widest, (1100.0, 1190.0)),
            (2, 2.0 * widest, (250.0, 310.0)),
            (3, eleven, (250.0, 310.0)),
        ] {
            let [slot] = plan.slots[sheet].as_slice() else { panic!("one slot on page {sheet}: {plan:?}") };
            assert!((slot.width - set).abs() < 0.01, "{slot:?}");
            assert!(slot.x > left && slot.x < right, "page {sheet}: {slot:?}");
            assert!(slot.baseline > 780.0 && slot.baseline < 841.0, "page {sheet}: {slot:?}");
        }
        assert!(plan.slots[4].is_empty());
        assert_eq!(
            furniture,
            w.furniture(&spec, time::macros::date!(2024 - 01 - 18)).expect("again"),
            "the same furniture twice, byte for byte"
        );
    }
}
