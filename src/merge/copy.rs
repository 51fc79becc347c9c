//! The copier: carries objects of one part into the result, renumbered in the order they are
//! reached, and sanitises every dictionary on the way (see the module documentation of
//! `merge` for what is dropped). It copies only what it is asked to and what that reaches;
//! what nothing kept refers to (document JavaScript, embedded file trees, the part's
//! catalogue) is never seen.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

use super::raw::RawObjects;
use super::Output;

/// A kind of content removed while copying, reported once per part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Removed {
    JavaScript,
    Launch,
    OtherAction,
    AutoAction,
    EmbeddedFile,
    Multimedia,
    Xfa,
}

impl Removed {
    fn name(self) -> &'static str {
        match self {
            Removed::JavaScript => "JavaScript",
            Removed::Launch => "Launch actions",
            Removed::OtherAction => "actions other than links (form submission, import, remote documents)",
            Removed::AutoAction => "automatic actions",
            Removed::EmbeddedFile => "embedded files",
            Removed::Multimedia => "multimedia",
            Removed::Xfa => "XFA forms",
        }
    }

    pub fn names(set: &BTreeSet<Removed>) -> Vec<String> {
        set.iter().map(|r| r.name().to_string()).collect()
    }
}

/// Annotation subtypes that play, run or carry files; never copied.
const DROPPED_ANNOTS: &[&[u8]] = &[b"FileAttachment", b"Sound", b"Movie", b"Screen", b"RichMedia", b"3D"];

/// Copies one part's objects into the output.
pub(super) struct Copier<'a> {
    src: &'a Document,
    /// The part's objects kept as bytes, copied with their references renumbered.
    raw: &'a RawObjects,
    out: &'a mut Output,
    map: HashMap<ObjectId, ObjectId>,
    /// Part objects mapped to an object the merge makes itself: never copied.
    preset: HashSet<ObjectId>,
    queue: VecDeque<ObjectId>,
    /// Keep and offset `StructParent(s)` keys (tagged part) or drop them (untagged).
    tagged: bool,
    key_offset: i64,
    /// Prefix that keeps this part's struct element `/ID`s apart from other parts'.
    id_prefix: String,
    /// The part's struct elements, whose `/ID` is renamed and whose `/A` is attributes.
    pub struct_elems: HashSet<ObjectId>,
    /// Named destinations, resolved to explicit ones (part object space).
    pub dests: BTreeMap<Vec<u8>, Object>,
    /// Renamed struct element IDs and their elements (result space).
    pub ids: Vec<(Vec<u8>, ObjectId)>,
    /// What was removed.
    pub removed: BTreeSet<Removed>,
    /// The new numbers of a raw object's references, in order (kept between objects).
    numbers: Vec<Option<u32>>,
}

impl<'a> Copier<'a> {
    pub fn new(
        src: &'a Document,
        raw: &'a RawObjects,
        out: &'a mut Output,
        tagged: bool,
        key_offset: i64,
        id_prefix: String,
    ) -> Self {
        Copier {
            src,
            raw,
            out,
            map: HashMap::new(),
            preset: HashSet::new(),
            queue: VecDeque::new(),
            tagged,
            key_offset,
            id_prefix,
            struct_elems: HashSet::new(),
            dests: BTreeMap::new(),
            ids: Vec::new(),
            removed: BTreeSet::new(),
            numbers: Vec::new(),
        }
    }

    /// Maps a part object to a result object made elsewhere; it is not copied.
    pub fn preset(&mut self, old: ObjectId, new: ObjectId) {
        self.map.insert(old, new);
        self.preset.insert(old);
    }

    /// Maps every inner node of the part's page tree to the result's page tree root.
    pub fn preset_pages_tree(&mut self, nodes: &[ObjectId], root: ObjectId) {
        for node in nodes {
            self.preset(*node, root);
        }
    }

    /// The result id of a part object, allocating it (and queueing its copy) on first sight.
    pub fn reference(&mut self, old: ObjectId) -> ObjectId {
        if let Some(new) = self.map.get(&old) {
            return *new;
        }
        let new = self.out.allocate();
        self.map.insert(old, new);
        self.queue.push_back(old);
        new
    }

    /// Copies every queued object, and what they reach.
    pub fn run(&mut self) {
        while let Some(old) = self.queue.pop_front() {
            let new = self.map[&old];
            if let Some(raw) = self.raw.get(old) {
                // Renumbered straight into the output's buffer of such objects: the references
                // are found first (each may queue its target), then the bytes written.
                let raw_objects = self.raw;
                let mut numbers = std::mem::take(&mut self.numbers);
                numbers.clear();
                numbers.extend(raw_objects.targets(old).map(|target| self.target(target).map(|id| id.0)));
                let mut next = numbers.iter();
                let prefix = self.id_prefix.as_bytes();
                self.out.insert_raw_with(new, |bytes| {
                    raw_objects.renumbered_into(bytes, raw, |_| next.next().copied().flatten(), prefix)
                });
                self.numbers = numbers;
                // Its ID renamed in the copy, as a parsed element's is (see `dictionary`).
                if let Some(id) = &raw.id {
                    let mut renamed = self.id_prefix.as_bytes().to_vec();
                    renamed.extend_from_slice(id);
                    self.ids.push((renamed, new));
                }
                continue;
            }
            let object = match self.src.get_object(old) {
                Ok(object) => self.convert_owned(object, Some(old)),
                Err(_) => Object::Null,
            };
            self.out.insert(new, object);
        }
    }

    /// A part object (part space) as a result object (result space).
    pub fn convert(&mut self, object: &Object) -> Object {
        self.convert_owned(object, None)
    }

    fn convert_owned(&mut self, object: &Object, owner: Option<ObjectId>) -> Object {
        match object {
            Object::Reference(id) => self.target(*id).map_or(Object::Null, Object::Reference),
            Object::Array(items) => Object::Array(items.iter().map(|i| self.convert(i)).collect()),
            Object::Dictionary(d) => Object::Dictionary(self.dictionary(d, owner)),
            Object::Stream(s) => {
                let dict = self.dictionary(&s.dict, owner);
                let mut stream = Stream::new(dict, s.content.clone());
                stream.allows_compression = s.allows_compression;
                Object::Stream(stream)
            }
            other => other.clone(),
        }
    }

    /// What a reference to part object `id` becomes: the result object it is copied to, or none
    /// (null) when the part has no such object or it may not be copied.
    fn target(&mut self, id: ObjectId) -> Option<ObjectId> {
        if let Some(new) = self.map.get(&id) {
            // Mapped already: made by the merge, or copied (so neither missing nor forbidden).
            return Some(*new);
        }
        if self.raw.contains(id) {
            // Kept as bytes, so nothing the copier refuses (see `raw`).
            return Some(self.reference(id));
        }
        if !self.src.has_object(id) {
            return None;
        }
        // Whatever refers to a forbidden object (a structure element's object reference, an
        // action chain) gets null, so the object is never copied.
        if let Some(removed) = self.forbidden(id) {
            self.removed.insert(removed);
            return None;
        }
        Some(self.reference(id))
    }

    /// Why an indirect object may not be copied at all, wherever it is referred from: an
    /// annotation that plays, runs or carries a file, an action that is not a link, an embedded
    /// file or its file specification.
    fn forbidden(&self, id: ObjectId) -> Option<Removed> {
        if self.struct_elems.contains(&id) {
            return None;
        }
        let d = match self.src.get_object(id).ok()? {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => return None,
        };
        let name = |key: &[u8]| d.get(key).and_then(Object::as_name).ok();
        if let Some(subtype) = name(b"Subtype").filter(|_| d.has(b"Rect")) {
            if DROPPED_ANNOTS.contains(&subtype) {
                return Some(if subtype == b"FileAttachment" { Removed::EmbeddedFile } else { Removed::Multimedia });
            }
        }
        if matches!(name(b"Type"), Some(b"EmbeddedFile"))
            || (matches!(name(b"Type"), Some(b"Filespec")) && d.has(b"EF"))
        {
            return Some(Removed::EmbeddedFile);
        }
        match name(b"S") {
            Some(b"JavaScript") => Some(Removed::JavaScript),
            Some(b"Launch") => Some(Removed::Launch),
            Some(b"ImportData" | b"SubmitForm" | b"ResetForm" | b"GoToR" | b"GoToE" | b"Hide" | b"SetOCGState") => {
                Some(Removed::OtherAction)
            }
            Some(b"Rendition" | b"Sound" | b"Movie" | b"RichMediaExecute" | b"Trans" | b"GoTo3DView") => {
                Some(Removed::Multimedia)
            }
            _ => None,
        }
    }

    /// The object a value is, following one reference.
    fn deref<'o>(&'o self, object: &'o Object) -> &'o Object {
        match object {
            Object::Reference(id) => self.src.get_object(*id).unwrap_or(&Object::Null),
            other => other,
        }
    }

    /// Whether a value is an action dictionary (it has an action type, `/S`).
    fn is_action(&self, value: &Object) -> bool {
        matches!(self.deref(value), Object::Dictionary(d) if d.has(b"S"))
    }

    /// Whether an action may be kept: `GoTo`, `Named`, and `URI` to http, https or mailto.
    /// Records what is refused.
    fn action_allowed(&mut self, action: &Object) -> bool {
        let Object::Dictionary(d) = self.deref(action).clone() else { return false };
        let kind = d.get(b"S").and_then(Object::as_name).unwrap_or(b"").to_vec();
        let allowed = match kind.as_slice() {
            b"GoTo" | b"Named" => true,
            b"URI" => {
                let uri = match self.deref(d.get(b"URI").unwrap_or(&Object::Null)) {
                    Object::String(s, _) => s.to_ascii_lowercase(),
                    _ => Vec::new(),
                };
                [&b"http://"[..], b"https://", b"mailto:"].iter().any(|p| uri.starts_with(p))
            }
            _ => false,
        };
        if !allowed {
            self.removed.insert(match kind.as_slice() {
                b"JavaScript" => Removed::JavaScript,
                b"Launch" => Removed::Launch,
                b"Rendition" | b"Sound" | b"Movie" | b"RichMediaExecute" => Removed::Multimedia,
                _ => Removed::OtherAction,
            });
        }
        allowed
    }

    /// A destination value kept as an explicit destination: named ones are looked up.
    fn destination(&mut self, value: &Object) -> Option<Object> {
        let resolved = match self.deref(value) {
            Object::Name(n) | Object::String(n, _) => self.dests.get(n).cloned()?,
            Object::Array(a) => Object::Array(a.clone()),
            _ => return None,
        };
        Some(self.convert(&resolved))
    }

    fn dictionary(&mut self, d: &Dictionary, owner: Option<ObjectId>) -> Dictionary {
        let struct_elem = owner.is_some_and(|o| self.struct_elems.contains(&o));
        let is_goto = d.get(b"S").and_then(Object::as_name).is_ok_and(|s| s == b"GoTo");
        let is_page = d.get(b"Type").and_then(Object::as_name).is_ok_and(|t| t == b"Page");
        let mut result = Dictionary::new();
        for (key, value) in d.iter() {
            match key.as_slice() {
                b"AA" | b"OpenAction" => {
                    self.removed.insert(Removed::AutoAction);
                }
                b"JS" | b"JavaScript" => {
                    self.removed.insert(Removed::JavaScript);
                }
                b"EmbeddedFiles" | b"EF" | b"AF" | b"RF" => {
                    self.removed.insert(Removed::EmbeddedFile);
                }
                b"XFA" => {
                    self.removed.insert(Removed::Xfa);
                }
                b"PieceInfo" | b"Metadata" => {}
                // Article beads refer to threads, which are not carried.
                b"B" if is_page => {}
                b"StructParents" | b"StructParent" => {
                    if self.tagged {
                        if let Object::Integer(k) = self.deref(value) {
                            result.set(key.clone(), Object::Integer(k + self.key_offset));
                        }
                    }
                }
                // An action; under a struct element (or as an attribute array) /A is attributes.
                b"A" | b"PA" if !struct_elem && self.is_action(value) => {
                    if self.action_allowed(value) {
                        let value = self.convert(value);
                        result.set(key.clone(), value);
                    }
                }
                b"Next" if d.has(b"S") => {
                    let kept: Vec<Object> = match self.deref(value).clone() {
                        Object::Array(items) => items,
                        _ => vec![value.clone()],
                    }
                    .into_iter()
                    .filter(|a| self.action_allowed(a))
                    .collect();
                    let kept: Vec<Object> = kept.iter().map(|a| self.convert(a)).collect();
                    if !kept.is_empty() {
                        result.set(key.clone(), Object::Array(kept));
                    }
                }
                b"Dest" => {
                    if let Some(dest) = self.destination(value) {
                        result.set(key.clone(), dest);
                    }
                }
                b"D" if is_goto => {
                    if let Some(dest) = self.destination(value) {
                        result.set(key.clone(), dest);
                    }
                }
                b"Annots" => {
                    let annots = match self.deref(value) {
                        Object::Array(items) => items.clone(),
                        _ => Vec::new(),
                    };
                    let mut kept = Vec::new();
                    for annot in annots {
                        let subtype = match self.deref(&annot) {
                            Object::Dictionary(a) => {
                                a.get(b"Subtype").and_then(Object::as_name).ok().map(<[u8]>::to_vec)
                            }
                            _ => None,
                        };
                        match subtype {
                            Some(s) if DROPPED_ANNOTS.contains(&s.as_slice()) => {
                                self.removed.insert(if s == b"FileAttachment" {
                                    Removed::EmbeddedFile
                                } else {
                                    Removed::Multimedia
                                });
                            }
                            Some(_) => kept.push(self.convert(&annot)),
                            None => {}
                        }
                    }
                    if !kept.is_empty() {
                        result.set(key.clone(), Object::Array(kept));
                    }
                }
                // A table cell's header cells, by their IDs: renamed as the IDs are, so that
                // each still names its header cell (a string given indirectly is made direct).
                b"Headers" => {
                    let items = match self.deref(value) {
                        Object::Array(items) => items.clone(),
                        other => vec![other.clone()],
                    };
                    let renamed = items
                        .iter()
                        .map(|item| match self.deref(item) {
                            Object::String(id, format) => {
                                let mut renamed = self.id_prefix.as_bytes().to_vec();
                                renamed.extend_from_slice(id);
                                Object::String(renamed, *format)
                            }
                            _ => Object::Null,
                        })
                        .collect();
                    result.set(key.clone(), Object::Array(renamed));
                }
                b"ID" if struct_elem => {
                    if let Object::String(id, _) = self.deref(value) {
                        let mut renamed = self.id_prefix.as_bytes().to_vec();
                        renamed.extend_from_slice(id);
                        if let Some(new) = owner.and_then(|o| self.map.get(&o)) {
                            self.ids.push((renamed.clone(), *new));
                        }
                        result.set(key.clone(), Object::String(renamed, lopdf::StringFormat::Literal));
                    }
                }
                _ => {
                    let value = self.convert(value);
                    result.set(key.clone(), value);
                }
            }
        }
        result
    }
}
