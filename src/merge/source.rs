//! Reading one part: loading it without panicking, refusing what cannot be merged, and the
//! facts the copier needs (pages with their inherited attributes, the structure tree, named
//! destinations, the outline). Reads only; never changes the part.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use lopdf::{Dictionary, Document, LoadOptions, Object, ObjectId};

use super::raw::RawObjects;
use super::{MergeError, MergeErrorKind, PageFacts, MAX_INFLATED};

/// How deep a page tree may nest (deeper is refused), and a name tree or number tree before the
/// rest is ignored.
pub(super) const MAX_DEPTH: usize = 64;

/// The most structure elements a part may have (a tagged report of a few hundred pages has some
/// tens of thousands).
pub(super) const MAX_STRUCT_ELEMS: usize = 200_000;

/// How far from the end of the file its `%%EOF` marker may be (some writers append bytes).
const EOF_WINDOW: usize = 1024;

/// A loaded part.
pub(super) struct Source {
    pub doc: Document,
    pub catalog_id: Option<ObjectId>,
    pub pages: Vec<SourcePage>,
    /// Has a structure tree and `MarkInfo /Marked true`.
    pub tagged: bool,
    /// The catalogue's `/Lang`.
    pub lang: Option<String>,
    /// The cross-reference data was rebuilt while loading.
    pub repaired: bool,
    /// The document information dictionary's `/Title` and `/Keywords`.
    pub info: (Option<String>, Option<String>),
    /// The catalogue's form has an XFA form (left out of the pack).
    pub xfa: bool,
    /// Objects not in `doc`, copied as bytes (a part read by [`Source::load_typeset`]).
    pub raw: RawObjects,
}

/// One page of a part.
pub(super) struct SourcePage {
    pub id: ObjectId,
    /// Attributes the page inherits from its tree, or needs and lacks (`MediaBox`), to be set
    /// on the copy; in the part's object space.
    pub inherited: Vec<(&'static str, Object)>,
    /// The visible box: `CropBox`, else `MediaBox`, as `[llx lly urx ury]`.
    pub visible: [f32; 4],
    /// Rotation in degrees clockwise: 0, 90, 180 or 270.
    pub rotate: u16,
    /// The `MediaBox`'s longer side, in points.
    pub media_side: f32,
}

impl SourcePage {
    pub fn facts(&self) -> PageFacts {
        let [x0, y0, x1, y1] = self.visible;
        let (w, h) = ((x1 - x0).abs(), (y1 - y0).abs());
        let (width, height) = if self.rotate % 180 == 90 { (h, w) } else { (w, h) };
        PageFacts { width, height, rotate: self.rotate }
    }
}

/// A part's structure tree, ready to graft.
pub(super) struct StructTree {
    /// The `StructTreeRoot` object.
    pub root: ObjectId,
    /// The root's lone `/Document` element, whose children are grafted instead of it.
    pub lone_document: Option<ObjectId>,
    /// That element's `/Lang`.
    pub document_lang: Option<String>,
    /// What goes into the part's element's `/K` (part object space).
    pub kids: Object,
    /// The flattened `ParentTree`: key and value (part object space).
    pub parent_tree: Vec<(i64, Object)>,
    /// One more than the highest `StructParent(s)` key the part uses.
    pub next_key: i64,
    pub role_map: Dictionary,
    pub class_map: Dictionary,
}

/// The first and last item of a part's outline, and how many items opening it would show.
pub(super) struct OutlineKids {
    pub first: ObjectId,
    pub last: ObjectId,
    pub count: i64,
}

fn error(name: &str, kind: MergeErrorKind) -> MergeError {
    MergeError { name: name.to_string(), kind }
}

impl Source {
    /// Loads `pdf`, named `name` in errors. Never panics: a panic inside the reader becomes
    /// [`MergeErrorKind::Corrupt`].
    pub fn load(pdf: &[u8], name: &str) -> Result<Source, MergeError> {
        super::reads::Reader::Objects.note(pdf);
        if !pdf.windows(5).take(EOF_WINDOW).any(|w| w == b"%PDF-") {
            return Err(error(name, MergeErrorKind::Corrupt("no PDF header".into())));
        }
        let tail = &pdf[pdf.len().saturating_sub(EOF_WINDOW)..];
        if !tail.windows(5).any(|w| w == b"%%EOF") {
            return Err(error(name, MergeErrorKind::Truncated));
        }
        let options = LoadOptions { max_decompressed_size: Some(MAX_INFLATED), ..LoadOptions::default() };
        let loaded = std::panic::catch_unwind(|| Document::load_mem_with_options(pdf, options));
        let doc = match loaded {
            Err(_) => return Err(error(name, MergeErrorKind::Corrupt("the PDF reader failed on it".into()))),
            Ok(Err(e)) => {
                return Err(match e {
                    lopdf::Error::Decryption(_)
                    | lopdf::Error::InvalidPassword
                    | lopdf::Error::UnsupportedSecurityHandler(_)
                    | lopdf::Error::AlreadyEncrypted => error(name, MergeErrorKind::Encrypted),
                    e => error(name, MergeErrorKind::Corrupt(e.to_string())),
                })
            }
            Ok(Ok(doc)) => doc,
        };
        Source::of_document(doc, name)
    }

    /// What [`Source::load`] makes of a document once read.
    fn of_document(doc: Document, name: &str) -> Result<Source, MergeError> {
        if doc.encryption_state.is_some() || doc.trailer.has(b"Encrypt") {
            return Err(error(name, MergeErrorKind::Encrypted));
        }
        let facts = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| Self::read_facts(&doc)));
        let (catalog_id, pages, tagged, lang) = match facts {
            Ok(Ok(facts)) => facts,
            Ok(Err(kind)) => return Err(error(name, kind)),
            Err(_) => return Err(error(name, MergeErrorKind::Corrupt("its page tree cannot be read".into()))),
        };
        if pages.is_empty() {
            return Err(error(name, MergeErrorKind::NoPages));
        }
        if tagged {
            count_struct_elems(&doc).map_err(|kind| error(name, kind))?;
        }
        let repaired = doc.xref_recovery.is_some();
        let info = doc.trailer.get_deref(b"Info", &doc).and_then(Object::as_dict).ok();
        let info_text = |key: &[u8]| info.and_then(|d| d.get_deref(key, &doc).ok()).and_then(text);
        let info = (info_text(b"Title"), info_text(b"Keywords"));
        let xfa = doc
            .catalog()
            .ok()
            .and_then(|c| c.get_deref(b"AcroForm", &doc).ok())
            .and_then(|f| f.as_dict().ok())
            .is_some_and(|f| f.has(b"XFA"));
        Ok(Source { doc, catalog_id, pages, tagged, lang, repaired, info, xfa, raw: RawObjects::default() })
    }

    /// Loads a part cabrep typeset: its structure elements, fonts and streams are kept as bytes
    /// to be copied as they are, and only the rest is parsed (see `raw`). A file not written as
    /// the typesetter writes it is loaded as [`Source::load`] loads any part.
    pub fn load_typeset(pdf: &[u8], name: &str) -> Result<Source, MergeError> {
        let Some((parsed, raw)) = super::raw::split(pdf) else { return Source::load(pdf, name) };
        Source::of_split(parsed, raw, name)
    }

    /// [`Source::load_typeset`], the source keeping `pdf` itself (not a copy) for the objects
    /// copied as bytes.
    pub fn load_typeset_owned(pdf: Vec<u8>, name: &str) -> Result<Source, MergeError> {
        match super::raw::split_owned(pdf) {
            Ok((parsed, raw)) => Source::of_split(parsed, raw, name),
            Err(pdf) => Source::load(&pdf, name),
        }
    }

    /// The source of a part read by [`super::raw::split`].
    fn of_split(parsed: super::raw::Parsed, raw: RawObjects, name: &str) -> Result<Source, MergeError> {
        super::reads::Reader::Objects.note(raw.bytes());
        // The elements parsed are counted as the source is made of them.
        if raw.struct_elems > MAX_STRUCT_ELEMS {
            return Err(error(name, MergeErrorKind::TooManyStructElems { limit: MAX_STRUCT_ELEMS }));
        }
        let mut source = match parsed {
            super::raw::Parsed::Objects(doc) => Source::of_document(*doc, name)?,
            super::raw::Parsed::Small(small) => Source::load(&small, name)?,
        };
        source.raw = raw;
        Ok(source)
    }

    #[allow(clippy::type_complexity)]
    fn read_facts(doc: &Document) -> Result<(Option<ObjectId>, Vec<SourcePage>, bool, Option<String>), MergeErrorKind> {
        let catalog_id = doc.trailer.get(b"Root").and_then(Object::as_reference).ok();
        let catalog = doc.catalog().ok();
        let mut seen = HashSet::new();
        let pages = page_ids(doc)?
            .into_iter()
            .filter(|id| seen.insert(*id))
            .filter_map(|id| doc.get_dictionary(id).ok().map(|page| read_page(doc, id, page)))
            .collect();
        let marked = catalog
            .and_then(|c| c.get_deref(b"MarkInfo", doc).ok())
            .and_then(|m| m.as_dict().ok())
            .and_then(|m| m.get_deref(b"Marked", doc).ok())
            .and_then(|m| m.as_bool().ok())
            .unwrap_or(false);
        let has_tree =
            catalog.and_then(|c| c.get_deref(b"StructTreeRoot", doc).ok()).is_some_and(|r| r.as_dict().is_ok());
        let lang = catalog.and_then(|c| c.get_deref(b"Lang", doc).ok()).and_then(text);
        Ok((catalog_id, pages, marked && has_tree, lang))
    }

    /// The page tree's inner nodes (`/Type /Pages`), which the result replaces with its own.
    pub fn page_tree_nodes(&self) -> Vec<ObjectId> {
        let mut nodes = BTreeSet::new();
        for page in &self.pages {
            let mut id = page.id;
            for _ in 0..MAX_DEPTH {
                let Some(parent) = self
                    .doc
                    .get_dictionary(id)
                    .ok()
                    .and_then(|d| d.get(b"Parent").ok())
                    .and_then(|p| p.as_reference().ok())
                else {
                    break;
                };
                if !nodes.insert(parent) {
                    break;
                }
                id = parent;
            }
        }
        nodes.into_iter().collect()
    }

    fn catalog(&self) -> Option<&Dictionary> {
        self.doc.catalog().ok()
    }

    /// Named destinations (`/Dests` in the catalogue and the `/Names /Dests` tree), each as
    /// its explicit destination array, part object space.
    pub fn named_dests(&self) -> BTreeMap<Vec<u8>, Object> {
        let mut dests = BTreeMap::new();
        let Some(catalog) = self.catalog() else { return dests };
        let mut add = |key: Vec<u8>, value: &Object| {
            if let Some(dest) = explicit_dest(&self.doc, value) {
                dests.entry(key).or_insert(dest);
            }
        };
        if let Ok(d) = catalog.get_deref(b"Dests", &self.doc).and_then(Object::as_dict) {
            for (key, value) in d.iter() {
                add(key.clone(), value);
            }
        }
        let tree = catalog
            .get_deref(b"Names", &self.doc)
            .and_then(Object::as_dict)
            .and_then(|names| names.get_deref(b"Dests", &self.doc));
        if let Ok(tree) = tree {
            let mut entries = Vec::new();
            flatten_tree(&self.doc, tree, b"Names", &mut entries, 0, &mut HashSet::new());
            for (key, value) in entries {
                if let Object::String(key, _) = key {
                    add(key, &value);
                }
            }
        }
        dests
    }

    /// The catalogue's outline dictionary.
    pub fn outline_root(&self) -> Option<ObjectId> {
        self.catalog()?.get(b"Outlines").ok()?.as_reference().ok()
    }

    /// The outline's first and last item, when it has any.
    pub fn outline_children(&self) -> Option<OutlineKids> {
        let root = self.catalog()?.get_deref(b"Outlines", &self.doc).ok()?.as_dict().ok()?;
        self.kids_of(root)
    }

    /// The first and last child of an outline dictionary (the root or an item), and how many
    /// items opening it would show.
    fn kids_of(&self, parent: &Dictionary) -> Option<OutlineKids> {
        let first = parent.get(b"First").ok()?.as_reference().ok()?;
        let last = parent.get(b"Last").ok()?.as_reference().ok()?;
        let mut count = 0;
        let mut seen = HashSet::new();
        let mut item = Some(first);
        while let Some(id) = item {
            if !seen.insert(id) {
                break;
            }
            let Ok(d) = self.doc.get_dictionary(id) else { break };
            count += 1 + d.get(b"Count").and_then(Object::as_i64).unwrap_or(0).max(0);
            item = d.get(b"Next").and_then(Object::as_reference).ok();
        }
        Some(OutlineKids { first, last, count })
    }

    /// The outline's only top item when it repeats `title` (a report's outline is its title
    /// heading with the sections under it): that item, and its children, which then sit
    /// directly under the part's own bookmark of that title instead of one level down.
    pub fn lone_outline_item(&self, title: &str) -> Option<(ObjectId, OutlineKids)> {
        let top = self.outline_children()?;
        if top.first != top.last {
            return None;
        }
        let item = self.doc.get_dictionary(top.first).ok()?;
        let own = text(item.get(b"Title").ok()?)?;
        if own.split_whitespace().ne(title.split_whitespace()) {
            return None;
        }
        Some((top.first, self.kids_of(item)?))
    }

    /// Every struct element reachable from the structure tree root (indirect ones only), those
    /// kept as bytes among them.
    pub fn struct_elems(&self) -> HashSet<ObjectId> {
        let mut elems = HashSet::new();
        if !self.tagged {
            return elems;
        }
        let Some(root) = self.catalog().and_then(|c| c.get_deref(b"StructTreeRoot", &self.doc).ok()) else {
            return elems;
        };
        let Ok(root) = root.as_dict() else { return elems };
        // A value to look into, or an object referred to (from a value, or from an element kept
        // as bytes: its kids, and its parent and pages, which are no elements or found already).
        enum Next<'a> {
            Value(&'a Object),
            Object(ObjectId),
        }
        let mut stack: Vec<(Next, usize)> = root.get(b"K").ok().map(|k| vec![(Next::Value(k), 0)]).unwrap_or_default();
        while let Some((next, depth)) = stack.pop() {
            if depth > 4 * MAX_DEPTH {
                continue;
            }
            let value = match next {
                Next::Value(Object::Reference(id)) => Next::Object(*id),
                other => other,
            };
            match value {
                Next::Object(id) => {
                    if elems.contains(&id) {
                        continue;
                    }
                    if self.raw.get(id).is_some_and(|r| r.struct_elem) {
                        elems.insert(id);
                        stack.extend(self.raw.targets(id).map(|t| (Next::Object(t), depth + 1)));
                    } else if let Ok(d) = self.doc.get_dictionary(id) {
                        if is_struct_elem(d) {
                            elems.insert(id);
                            if let Ok(k) = d.get(b"K") {
                                stack.push((Next::Value(k), depth + 1));
                            }
                        }
                    }
                }
                Next::Value(Object::Array(items)) => stack.extend(items.iter().map(|i| (Next::Value(i), depth + 1))),
                Next::Value(Object::Dictionary(d)) if is_struct_elem(d) => {
                    if let Ok(k) = d.get(b"K") {
                        stack.push((Next::Value(k), depth + 1));
                    }
                }
                Next::Value(_) => {}
            }
        }
        elems
    }

    /// The structure tree, when the part is tagged.
    pub fn struct_tree(&self) -> Option<StructTree> {
        if !self.tagged {
            return None;
        }
        let root_id = self.catalog()?.get(b"StructTreeRoot").ok()?.as_reference().ok()?;
        let root = self.doc.get_dictionary(root_id).ok()?;
        let kids = root.get(b"K").cloned().unwrap_or(Object::Array(Vec::new()));
        let single = match &kids {
            Object::Reference(id) => Some(*id),
            Object::Array(items) if items.len() == 1 => items[0].as_reference().ok(),
            _ => None,
        };
        let document = single.and_then(|id| {
            let d = self.doc.get_dictionary(id).ok()?;
            (d.get(b"S").and_then(Object::as_name).ok()? == b"Document").then_some((id, d))
        });
        let (lone_document, document_lang, kids) = match document {
            Some((id, d)) => (
                Some(id),
                d.get_deref(b"Lang", &self.doc).ok().and_then(text),
                d.get(b"K").cloned().unwrap_or(Object::Array(Vec::new())),
            ),
            None => (None, None, kids),
        };
        let mut parent_tree = Vec::new();
        if let Ok(tree) = root.get_deref(b"ParentTree", &self.doc) {
            let mut entries = Vec::new();
            flatten_tree(&self.doc, tree, b"Nums", &mut entries, 0, &mut HashSet::new());
            parent_tree = entries.into_iter().filter_map(|(k, v)| Some((k.as_i64().ok()?, v))).collect();
        }
        let mut next_key = root.get(b"ParentTreeNextKey").and_then(Object::as_i64).unwrap_or(0);
        for (key, _) in &parent_tree {
            next_key = next_key.max(key + 1);
        }
        for page in &self.pages {
            if let Ok(key) =
                self.doc.get_dictionary(page.id).and_then(|p| p.get(b"StructParents")).and_then(Object::as_i64)
            {
                next_key = next_key.max(key + 1);
            }
        }
        let dict = |key: &[u8]| root.get_deref(key, &self.doc).and_then(Object::as_dict).cloned().unwrap_or_default();
        Some(StructTree {
            root: root_id,
            lone_document,
            document_lang,
            kids,
            parent_tree,
            next_key: next_key.max(0),
            role_map: dict(b"RoleMap"),
            class_map: dict(b"ClassMap"),
        })
    }
}

/// The page tree's leaves in order, walked without recursion: each inner node once (a tree that
/// leads back to one of its nodes is refused), at most [`MAX_DEPTH`] levels (a deeper tree is
/// refused rather than its deeper pages dropped). Kids that are not dictionaries are skipped.
fn page_ids(doc: &Document) -> Result<Vec<ObjectId>, MergeErrorKind> {
    let Some(root) = doc.catalog().ok().and_then(|c| c.get(b"Pages").ok()).and_then(|p| p.as_reference().ok()) else {
        return Ok(Vec::new());
    };
    let kids_of = |id: ObjectId| -> &[Object] {
        doc.get_dictionary(id)
            .and_then(|d| d.get_deref(b"Kids", doc))
            .and_then(Object::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    };
    let mut pages = Vec::new();
    let mut nodes = HashSet::from([root]);
    let mut stack: Vec<std::slice::Iter<'_, Object>> = vec![kids_of(root).iter()];
    while let Some(level) = stack.last_mut() {
        let Some(kid) = level.next() else {
            stack.pop();
            continue;
        };
        let Ok(id) = kid.as_reference() else { continue };
        match doc.get_dictionary(id).and_then(Dictionary::get_type) {
            Ok(b"Page") => pages.push(id),
            Ok(b"Pages") => {
                if !nodes.insert(id) {
                    return Err(MergeErrorKind::Corrupt(format!(
                        "its page tree leads back to one of its own nodes (object {})",
                        id.0
                    )));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(MergeErrorKind::PageTreeTooDeep { limit: MAX_DEPTH });
                }
                stack.push(kids_of(id).iter());
            }
            _ => {}
        }
    }
    Ok(pages)
}

/// Counts the structure elements reachable from the structure tree root (direct and indirect,
/// each indirect one once), stopping with an error past [`MAX_STRUCT_ELEMS`].
fn count_struct_elems(doc: &Document) -> Result<(), MergeErrorKind> {
    let root = doc.catalog().ok().and_then(|c| c.get_deref(b"StructTreeRoot", doc).ok()).and_then(|r| r.as_dict().ok());
    let mut stack: Vec<&Object> = root.and_then(|r| r.get(b"K").ok()).into_iter().collect();
    let mut seen = HashSet::new();
    let mut count = 0usize;
    while let Some(object) = stack.pop() {
        let d = match object {
            Object::Reference(id) => {
                if !seen.insert(*id) {
                    continue;
                }
                match doc.get_object(*id) {
                    Ok(Object::Dictionary(d)) => d,
                    Ok(Object::Array(items)) => {
                        stack.extend(items.iter());
                        continue;
                    }
                    _ => continue,
                }
            }
            Object::Array(items) => {
                stack.extend(items.iter());
                continue;
            }
            Object::Dictionary(d) => d,
            _ => continue,
        };
        if is_struct_elem(d) {
            count += 1;
            if count > MAX_STRUCT_ELEMS {
                return Err(MergeErrorKind::TooManyStructElems { limit: MAX_STRUCT_ELEMS });
            }
            if let Ok(k) = d.get(b"K") {
                stack.push(k);
            }
        }
    }
    Ok(())
}

/// A struct element, as opposed to a marked-content or object reference in a `/K`.
fn is_struct_elem(d: &Dictionary) -> bool {
    let kind = d.get(b"Type").and_then(Object::as_name).ok();
    d.has(b"S") && !matches!(kind, Some(b"MCR") | Some(b"OBJR"))
}

/// A text string's value, decoded (UTF-16BE with its mark, else taken as Latin-1/ASCII).
fn text(object: &Object) -> Option<String> {
    let Object::String(bytes, _) = object else { return None };
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        return String::from_utf16(&units).ok();
    }
    Some(bytes.iter().map(|&b| b as char).collect())
}

/// A named destination's value as an explicit destination array: either the array itself or
/// a dictionary's `/D`.
fn explicit_dest(doc: &Document, value: &Object) -> Option<Object> {
    let value = doc.dereference(value).ok()?.1;
    match value {
        Object::Array(_) => Some(value.clone()),
        Object::Dictionary(d) => {
            let dest = doc.dereference(d.get(b"D").ok()?).ok()?.1;
            matches!(dest, Object::Array(_)).then(|| dest.clone())
        }
        _ => None,
    }
}

/// Flattens a name tree (`leaf` = `Names`) or number tree (`Nums`) into key–value pairs,
/// stopping at cycles and at [`MAX_DEPTH`].
fn flatten_tree(
    doc: &Document,
    node: &Object,
    leaf: &[u8],
    out: &mut Vec<(Object, Object)>,
    depth: usize,
    seen: &mut HashSet<ObjectId>,
) {
    if depth > MAX_DEPTH {
        return;
    }
    if let Object::Reference(id) = node {
        if !seen.insert(*id) {
            return;
        }
    }
    let Ok((_, node)) = doc.dereference(node) else { return };
    let Ok(node) = node.as_dict() else { return };
    if let Ok(Object::Array(pairs)) = node.get_deref(leaf, doc) {
        for pair in pairs.chunks_exact(2) {
            let key = doc.dereference(&pair[0]).map(|(_, k)| k.clone()).unwrap_or(Object::Null);
            out.push((key, pair[1].clone()));
        }
    }
    if let Ok(Object::Array(kids)) = node.get_deref(b"Kids", doc) {
        for kid in kids {
            flatten_tree(doc, kid, leaf, out, depth + 1, seen);
        }
    }
}

/// A page with what it inherits resolved.
fn read_page(doc: &Document, id: ObjectId, page: &Dictionary) -> SourcePage {
    let mut inherited = Vec::new();
    let mut found: BTreeMap<&'static str, Object> = BTreeMap::new();
    for key in ["MediaBox", "CropBox", "Resources", "Rotate"] {
        if let Ok(value) = page.get(key.as_bytes()) {
            found.insert(key, value.clone());
        }
    }
    let mut node = page.get(b"Parent").and_then(Object::as_reference).ok();
    let mut seen = HashSet::new();
    for _ in 0..MAX_DEPTH {
        let Some(parent) = node.filter(|p| seen.insert(*p)) else { break };
        let Ok(d) = doc.get_dictionary(parent) else { break };
        for key in ["MediaBox", "CropBox", "Resources", "Rotate"] {
            if !found.contains_key(key) {
                if let Ok(value) = d.get(key.as_bytes()) {
                    found.insert(key, value.clone());
                    inherited.push((key, value.clone()));
                }
            }
        }
        node = d.get(b"Parent").and_then(Object::as_reference).ok();
    }
    let rect = |key: &str| found.get(key).and_then(|r| read_rect(doc, r));
    let media = match rect("MediaBox") {
        Some(r) => r,
        None => {
            // A page must have one; US Letter is the reader's customary default.
            let letter = [0.0, 0.0, 612.0, 792.0];
            inherited.retain(|(k, _)| *k != "MediaBox");
            inherited.push(("MediaBox", Object::Array(letter.iter().map(|v| Object::Real(*v)).collect())));
            letter
        }
    };
    let visible = rect("CropBox").unwrap_or(media);
    let rotate = found
        .get("Rotate")
        .and_then(|r| doc.dereference(r).ok())
        .and_then(|(_, r)| r.as_i64().ok())
        .map(|r| r.rem_euclid(360))
        .unwrap_or(0);
    let rotate = (rotate - rotate % 90) as u16;
    if found.contains_key("Rotate") {
        inherited.retain(|(k, _)| *k != "Rotate");
        inherited.push(("Rotate", Object::Integer(rotate as i64)));
    }
    let media_side = (media[2] - media[0]).max(media[3] - media[1]);
    SourcePage { id, inherited, visible, rotate, media_side }
}

/// A rectangle `[llx lly urx ury]`, normalised so that ll is lower-left.
pub(super) fn read_rect(doc: &Document, object: &Object) -> Option<[f32; 4]> {
    let (_, object) = doc.dereference(object).ok()?;
    let items = object.as_array().ok()?;
    if items.len() != 4 {
        return None;
    }
    let mut v = [0f32; 4];
    for (slot, item) in v.iter_mut().zip(items) {
        let (_, item) = doc.dereference(item).ok()?;
        *slot = item.as_float().ok()?;
        if !slot.is_finite() {
            return None;
        }
    }
    Some([v[0].min(v[2]), v[1].min(v[3]), v[0].max(v[2]), v[1].max(v[3])])
}
