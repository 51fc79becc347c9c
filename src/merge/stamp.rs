//! Page furniture: page *i* of a furniture PDF drawn onto page *i* of the result, as an
//! artifact. Owns the placement (visible box origin, `/Rotate`) and the stamp's content; the
//! furniture's own marked content is removed so the whole stamp is one artifact.

use lopdf::content::Content;
use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::copy::Copier;
use super::source::{read_rect, Source};
use super::{MergeError, MergeErrorKind, Output, MAX_INFLATED};

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
pub(super) fn stamp(out: &mut Output, pages: &[ObjectId], furniture: &[u8]) -> Result<(), MergeError> {
    let furniture = Furniture::load(out, furniture)?;
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

/// A furniture PDF read, its resources (fonts) already copied into the output once, ready to
/// stamp its pages one at a time, as the merge writes the pages they go on.
pub(super) struct Furniture {
    source: Source,
    /// Each furniture page's resources (result space) and `MediaBox`.
    pages: Vec<(Object, [f32; 4])>,
    /// The stream that opens every stamped page's content.
    open: ObjectId,
}

impl Furniture {
    /// Reads `furniture` and copies what its pages' resources reach into `out`.
    pub fn load(out: &mut Output, furniture: &[u8]) -> Result<Furniture, MergeError> {
        let source = Source::load(furniture, NAME)?;
        // The page's own content runs inside q … Q, so the stamp starts from the default state.
        let open = out.add(Object::Stream(Stream::new(Dictionary::new(), b"q\n".to_vec())));

        // The furniture pages' resources, copied by one copier so that the fonts and other
        // objects the pages share are copied once.
        let mut copier = Copier::new(&source.doc, out, false, 0, String::new());
        let mut pages = Vec::with_capacity(source.pages.len());
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
            pages.push((copier.convert(&resources), media));
        }
        copier.run();
        drop(copier);
        Ok(Furniture { source, pages, open })
    }

    /// Pages in the furniture.
    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    /// Furniture page `index` as a form XObject in the output (its marked content removed), or
    /// `None` if the furniture has no such page: what a page is stamped with, or, for a page
    /// after the document's, what `announce` draws as real content.
    pub fn form(&self, out: &mut Output, index: usize) -> Result<Option<ObjectId>, MergeError> {
        let (Some(fpage), Some((resources, media))) = (self.source.pages.get(index), self.pages.get(index)) else {
            return Ok(None);
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
        Ok(Some(out.add(Object::Stream(stream))))
    }

    /// Stamps furniture page `index` onto the output's page `page_id`.
    pub fn stamp(&self, out: &mut Output, page_id: ObjectId, index: usize) -> Result<(), MergeError> {
        let Some(form_id) = self.form(out, index)? else {
            return Ok(());
        };
        let Some(Object::Dictionary(target)) = out.objects.get(&page_id) else { return Ok(()) };
        let (visible, rotate) = page_geometry(out, target);
        let m = placement(visible, rotate);
        let draw = format!(
            "Q\n/Artifact BMC\nq {} {} {} {} {} {} cm /CabrepFurniture Do Q\nEMC\n",
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
                _ => {}
            },
            Ok(Object::Array(items)) => contents.extend(items.iter().cloned()),
            _ => {}
        }
        contents.push(Object::Reference(draw));

        // The page's own resources, direct, with the stamp added under a name of its own.
        let mut resources = match target.get(b"Resources") {
            Ok(Object::Reference(id)) => {
                out.objects.get(id).and_then(|o| o.as_dict().ok()).cloned().unwrap_or_default()
            }
            Ok(Object::Dictionary(d)) => d.clone(),
            _ => Dictionary::new(),
        };
        let mut xobjects = match resources.get(b"XObject") {
            Ok(Object::Reference(id)) => {
                out.objects.get(id).and_then(|o| o.as_dict().ok()).cloned().unwrap_or_default()
            }
            Ok(Object::Dictionary(d)) => d.clone(),
            _ => Dictionary::new(),
        };
        xobjects.set("CabrepFurniture", Object::Reference(form_id));
        resources.set("XObject", Object::Dictionary(xobjects));

        if let Some(Object::Dictionary(page)) = out.objects.get_mut(&page_id) {
            page.set("Contents", Object::Array(contents));
            page.set("Resources", Object::Dictionary(resources));
        }
        Ok(())
    }
}
