//! Page furniture: page *i* of a furniture PDF drawn onto page *i* of the result, as an
//! artifact. Owns the placement (visible box origin, `/Rotate`) and the stamp's content; the
//! furniture's own marked content is removed so the whole stamp is one artifact.

use lopdf::content::Content;
use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::copy::Copier;
use super::source::{read_rect, Source};
use super::{Digits, FurniturePdf, FurniturePlan, MergeError, MergeErrorKind, NumberSlot, Output, MAX_INFLATED};

const NAME: &str = "the page furniture";

/// Marked-content operators, removed from the furniture: it is all one artifact.
const MARKED_CONTENT: &[&str] = &["BDC", "BMC", "EMC", "MP", "DP"];

fn error(kind: MergeErrorKind) -> MergeError {
    MergeError { name: NAME.into(), kind }
}

/// The matrix that draws a page-sized form, made for the page as displayed, upright onto a
/// page whose visible box is `[x0 y0 x1 y1]` and which is turned `rotate` degrees clockwise.
pub(super) fn placement(visible: [f32; 4], rotate: u16) -> [f32; 6] {
    let [x0, y0, x1, y1] = visible;
    match rotate {
        90 => [0.0, 1.0, -1.0, 0.0, x1, y0],
        180 => [-1.0, 0.0, 0.0, -1.0, x1, y1],
        270 => [0.0, -1.0, 1.0, 0.0, x0, y1],
        _ => [1.0, 0.0, 0.0, 1.0, x0, y0],
    }
}

fn numbers(values: &[f32]) -> Object {
    Object::Array(values.iter().map(|v| Object::Real(*v)).collect())
}

/// The result page's visible box and rotation, read back from the copied page.
pub(super) fn page_geometry(out: &Output, page: &Dictionary) -> ([f32; 4], u16) {
    let rect = |key: &[u8]| {
        let value = page.get(key).ok()?;
        let value = match value {
            Object::Reference(id) => out.objects.get(id)?,
            v => v,
        };
        let items = value.as_array().ok()?;
        let mut v = [0f32; 4];
        if items.len() != 4 {
            return None;
        }
        for (slot, item) in v.iter_mut().zip(items) {
            let item = match item {
                Object::Reference(id) => out.objects.get(id)?,
                i => i,
            };
            *slot = item.as_float().ok()?;
        }
        Some([v[0].min(v[2]), v[1].min(v[3]), v[0].max(v[2]), v[1].max(v[3])])
    };
    let visible = rect(b"CropBox").or_else(|| rect(b"MediaBox")).unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let rotate = page.get(b"Rotate").and_then(Object::as_i64).map(|r| r.rem_euclid(360) as u16).unwrap_or(0);
    (visible, rotate)
}

/// Stamps page *i* of `furniture` onto `pages[i]` of the output.
pub(super) fn stamp(out: &mut Output, pages: &[ObjectId], furniture: &FurniturePdf) -> Result<(), MergeError> {
    let mut furniture = Furniture::load(out, &furniture.pdf, furniture.plan.as_ref(), 0)?;
    if furniture.pages() != pages.len() {
        return Err(error(MergeErrorKind::FurniturePages {
            expected: pages.len() as u32,
            found: furniture.pages() as u32,
        }));
    }
    for (i, page_id) in pages.iter().enumerate() {
        furniture.stamp(out, *page_id, i)?;
    }
    Ok(())
}

/// The digits a page's number is drawn with: the font (in the output), its size, each digit's
/// code, and how they are set (widths, and kerning for all 100 pairs or none).
struct DigitFont {
    font: ObjectId,
    size: f32,
    codes: [Vec<u8>; 10],
    set: Digits,
}

/// A furniture PDF read, its resources (fonts) already copied into the output once, ready to
/// stamp the result's pages one at a time, as the merge writes them: each with the furniture
/// page its plan names (one form for all the pages it goes on) and the page's own number drawn
/// in that page's slots.
pub(super) struct Furniture {
    source: Source,
    /// Each furniture page's resources (result space) and `MediaBox`.
    sheets: Vec<(Object, [f32; 4])>,
    /// Each furniture page's form, once made.
    forms: Vec<Option<ObjectId>>,
    /// The furniture page laid over each result page, and the one holding each tagged stamp.
    pages: Vec<u32>,
    stamps: Vec<u32>,
    /// Where a page's number goes on each furniture page.
    slots: Vec<Vec<NumberSlot>>,
    digits: Option<DigitFont>,
    /// The stream that opens every stamped page's content.
    open: ObjectId,
}

impl Furniture {
    /// Reads `furniture` and copies what its pages' resources reach into `out`. Without a
    /// `plan`, furniture page *i* goes on result page *i*, and the last `stamps` pages hold the
    /// tagged stamps.
    pub fn load(
        out: &mut Output,
        furniture: &[u8],
        plan: Option<&FurniturePlan>,
        stamps: usize,
    ) -> Result<Furniture, MergeError> {
        let source = Source::load(furniture, NAME)?;
        let count = source.pages.len();
        let (pages, stamps, slots, digits) = match plan {
            Some(plan) => (plan.pages.clone(), plan.stamps.clone(), plan.slots.clone(), plan.digits.clone()),
            None => {
                let pages = count.saturating_sub(stamps) as u32;
                ((0..pages).collect(), (pages..count as u32).collect(), Vec::new(), None)
            }
        };
        if let Some(bad) = pages.iter().chain(&stamps).find(|&&p| p as usize >= count) {
            return Err(error(MergeErrorKind::Corrupt(format!("its plan names page {} of {count}", bad + 1))));
        }
        if slots.iter().any(|s| !s.is_empty()) && digits.is_none() {
            return Err(error(MergeErrorKind::Corrupt("its plan numbers pages without digits to draw them".into())));
        }
        // The page's own content runs inside q … Q, so the stamp starts from the default state.
        let open = out.add(Object::Stream(Stream::new(Dictionary::new(), b"q\n".to_vec())));

        // The furniture pages' resources, copied by one copier so that the fonts and other
        // objects the pages share are copied once.
        let mut copier = Copier::new(&source.doc, &source.raw, out, false, 0, String::new());
        let mut sheets = Vec::with_capacity(count);
        for fpage in &source.pages {
            let page =
                source.doc.get_dictionary(fpage.id).map_err(|e| error(MergeErrorKind::Corrupt(e.to_string())))?;
            let resources = page
                .get(b"Resources")
                .ok()
                .cloned()
                .or_else(|| fpage.inherited.iter().find(|(k, _)| *k == "Resources").map(|(_, v)| v.clone()))
                .unwrap_or(Object::Dictionary(Dictionary::new()));
            let media = page.get(b"MediaBox").ok().and_then(|m| read_rect(&source.doc, m));
            let media = media.unwrap_or(fpage.visible);
            sheets.push((copier.convert(&resources), media));
        }
        let digits = match digits {
            Some(d) => {
                let (font, size, codes) = read_digits(&source, d.page as usize)?;
                Some((copier.convert(&Object::Reference(font)), size, codes, d))
            }
            None => None,
        };
        copier.run();
        drop(copier);
        let digits = match digits {
            Some((Object::Reference(font), size, codes, mut set)) => {
                if set.kerning.len() != 100 {
                    set.kerning.clear();
                }
                Some(DigitFont { font, size, codes, set })
            }
            Some(_) => return Err(error(MergeErrorKind::Corrupt("its digits' font cannot be copied".into()))),
            None => None,
        };
        Ok(Furniture { source, forms: vec![None; sheets.len()], sheets, pages, stamps, slots, digits, open })
    }

    /// Result pages the furniture is for.
    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    /// Tagged stamps the furniture holds.
    pub fn stamps(&self) -> usize {
        self.stamps.len()
    }

    /// The form of tagged stamp `k` (see [`Furniture::form`]), or `None` if there is no such stamp.
    pub fn stamp_form(&mut self, out: &mut Output, k: usize) -> Result<Option<ObjectId>, MergeError> {
        match self.stamps.get(k) {
            Some(&sheet) => self.form(out, sheet as usize).map(Some),
            None => Ok(None),
        }
    }

    /// Furniture page `sheet` as a form XObject in the output (its marked content removed),
    /// made once: what a page is stamped with, or, for a tagged stamp, what `announce` draws as
    /// real content.
    fn form(&mut self, out: &mut Output, sheet: usize) -> Result<ObjectId, MergeError> {
        if let Some(Some(id)) = self.forms.get(sheet) {
            return Ok(*id);
        }
        let (Some(fpage), Some((resources, media))) = (self.source.pages.get(sheet), self.sheets.get(sheet)) else {
            return Err(error(MergeErrorKind::Corrupt(format!("it has no page {}", sheet + 1))));
        };
        let content = self
            .source
            .doc
            .get_page_content_with_limit(fpage.id, MAX_INFLATED)
            .map_err(|e| error(MergeErrorKind::Corrupt(e.to_string())))?;
        let mut ops = Content::decode(&content).map_err(|e| error(MergeErrorKind::Corrupt(e.to_string())))?;
        ops.operations.retain(|op| !MARKED_CONTENT.contains(&op.operator.as_str()));
        let content = ops.encode().map_err(|e| error(MergeErrorKind::Corrupt(e.to_string())))?;

        let mut form = Dictionary::new();
        form.set("Type", Object::Name(b"XObject".to_vec()));
        form.set("Subtype", Object::Name(b"Form".to_vec()));
        form.set("BBox", numbers(media));
        form.set("Matrix", numbers(&[1.0, 0.0, 0.0, 1.0, -media[0], -media[1]]));
        form.set("Resources", resources.clone());
        let mut stream = Stream::new(form, content);
        let _ = stream.compress();
        let id = out.add(Object::Stream(stream));
        self.forms[sheet] = Some(id);
        Ok(id)
    }

    /// The operators that draw `number` in the slots of furniture page `sheet`, in the form's
    /// space (the furniture page's lower left at the origin).
    fn number(&self, sheet: usize, number: usize) -> String {
        let (Some(slots), Some(digits), Some((_, media))) =
            (self.slots.get(sheet), &self.digits, self.sheets.get(sheet))
        else {
            return String::new();
        };
        let height = media[3] - media[1];
        // Each digit's code, and between two digits their kerning (as a text adjustment, in
        // thousandths of the font size, which moves the next digit back).
        let mut shown = String::from("<");
        for (d, kern) in digits.set.figures(number) {
            if kern != 0.0 && digits.size > 0.0 {
                shown.push_str(&format!("> {} <", -kern * 1000.0 / digits.size));
            }
            for b in &digits.codes[d] {
                shown.push_str(&format!("{b:02x}"));
            }
        }
        shown.push('>');
        let width = digits.set.set_width(number);
        let mut ops = String::new();
        for slot in slots {
            // Centred in its slot, which is as wide as the number is set (to a thousandth of a
            // point).
            let x = slot.x + (slot.width - width) / 2.0;
            let y = height - slot.baseline;
            ops.push_str(&format!("BT 0 g /CabrepDigits {} Tf {x} {y} Td [{shown}] TJ ET\n", digits.size));
        }
        ops
    }

    /// Stamps the furniture of result page `index` onto the output's page `page_id`.
    pub fn stamp(&mut self, out: &mut Output, page_id: ObjectId, index: usize) -> Result<(), MergeError> {
        let Some(&sheet) = self.pages.get(index) else {
            return Ok(());
        };
        let sheet = sheet as usize;
        let form_id = self.form(out, sheet)?;
        let Some(Object::Dictionary(target)) = out.objects.get(&page_id) else { return Ok(()) };
        let (visible, rotate) = page_geometry(out, target);
        let m = placement(visible, rotate);
        let number = self.number(sheet, index + 1);
        let draw = format!(
            "Q\n/Artifact BMC\nq {} {} {} {} {} {} cm /CabrepFurniture Do\n{number}Q\nEMC\n",
            m[0], m[1], m[2], m[3], m[4], m[5]
        );
        let draw = out.add(Object::Stream(Stream::new(Dictionary::new(), draw.into_bytes())));

        // The page's content streams, the stamp around them.
        let target = match out.objects.get(&page_id) {
            Some(Object::Dictionary(d)) => d.clone(),
            _ => return Ok(()),
        };
        let mut contents = vec![Object::Reference(self.open)];
        match target.get(b"Contents") {
            Ok(Object::Reference(id)) => match out.objects.get(id) {
                Some(Object::Array(items)) => contents.extend(items.iter().cloned()),
                Some(Object::Stream(_)) => contents.push(Object::Reference(*id)),
                // Copied as bytes: a stream (no array is; see `raw`).
                None if out.raw.contains_key(id) => contents.push(Object::Reference(*id)),
                _ => {}
            },
            Ok(Object::Array(items)) => contents.extend(items.iter().cloned()),
            _ => {}
        }
        contents.push(Object::Reference(draw));

        // The page's own resources, direct, with the stamp (and the digits' font) added under
        // names of their own.
        let mut resources = direct_dictionary(out, target.get(b"Resources").ok());
        let mut xobjects = direct_dictionary(out, resources.get(b"XObject").ok());
        xobjects.set("CabrepFurniture", Object::Reference(form_id));
        resources.set("XObject", Object::Dictionary(xobjects));
        if let (false, Some(digits)) = (number.is_empty(), &self.digits) {
            let mut fonts = direct_dictionary(out, resources.get(b"Font").ok());
            fonts.set("CabrepDigits", Object::Reference(digits.font));
            resources.set("Font", Object::Dictionary(fonts));
        }

        if let Some(Object::Dictionary(page)) = out.objects.get_mut(&page_id) {
            page.set("Contents", Object::Array(contents));
            page.set("Resources", Object::Dictionary(resources));
        }
        Ok(())
    }
}

/// A dictionary in the output, direct or referred to, copied; an empty one otherwise.
fn direct_dictionary(out: &Output, value: Option<&Object>) -> Dictionary {
    match value {
        Some(Object::Reference(id)) => out.objects.get(id).and_then(|o| o.as_dict().ok()).cloned().unwrap_or_default(),
        Some(Object::Dictionary(d)) => d.clone(),
        _ => Dictionary::new(),
    }
}

/// The digits page of a furniture: its one font, the size it is set at, and the code of each
/// of the ten digits it shows, in order 0 to 9.
fn read_digits(source: &Source, page: usize) -> Result<(ObjectId, f32, [Vec<u8>; 10]), MergeError> {
    let unreadable = |why: &str| error(MergeErrorKind::Corrupt(format!("its digits page cannot be read: {why}")));
    let fpage = source.pages.get(page).ok_or_else(|| unreadable("there is no such page"))?;
    let content = source
        .doc
        .get_page_content_with_limit(fpage.id, MAX_INFLATED)
        .map_err(|e| error(MergeErrorKind::Corrupt(e.to_string())))?;
    let ops = Content::decode(&content).map_err(|e| error(MergeErrorKind::Corrupt(e.to_string())))?;
    let mut font = None;
    let mut shown = Vec::new();
    for op in &ops.operations {
        match (op.operator.as_str(), op.operands.as_slice()) {
            ("Tf", [Object::Name(name), size]) => {
                let size = size.as_float().map_err(|_| unreadable("a font size is not a number"))?;
                if font.as_ref().is_some_and(|(n, _)| n != name) {
                    return Err(unreadable("it uses more than one font"));
                }
                font = Some((name.clone(), size));
            }
            ("Tj", [Object::String(s, _)]) => shown.extend_from_slice(s),
            ("TJ", [Object::Array(items)]) => {
                for item in items {
                    if let Object::String(s, _) = item {
                        shown.extend_from_slice(s);
                    }
                }
            }
            _ => {}
        }
    }
    let (name, size) = font.ok_or_else(|| unreadable("it sets no font"))?;
    if shown.is_empty() || shown.len() % 10 != 0 {
        return Err(unreadable("it does not show ten digits"));
    }
    let width = shown.len() / 10;
    let codes = std::array::from_fn(|d| shown[d * width..(d + 1) * width].to_vec());
    let page_dict = source.doc.get_dictionary(fpage.id).map_err(|e| error(MergeErrorKind::Corrupt(e.to_string())))?;
    let resources = page_dict
        .get(b"Resources")
        .ok()
        .or_else(|| fpage.inherited.iter().find(|(k, _)| *k == "Resources").map(|(_, v)| v))
        .and_then(|r| source.doc.dereference(r).ok())
        .and_then(|(_, r)| r.as_dict().ok());
    let fonts = resources
        .and_then(|r| r.get(b"Font").ok())
        .and_then(|f| source.doc.dereference(f).ok())
        .and_then(|(_, f)| f.as_dict().ok());
    let font = fonts.and_then(|f| f.get(&name).ok()).and_then(|f| f.as_reference().ok());
    let font = font.ok_or_else(|| unreadable("its font is not among its resources"))?;
    Ok((font, size, codes))
}
