//! Joining parts: the merge's walk over the parts in order, copying each, grafting its
//! structure and bookmarks, stamping its pages and writing it out before the next, then the
//! result's page tree, structure tree top, bookmarks, catalogue, metadata and trailer. The parts
//! are read (parsed) on a thread of their own, one part ahead of the copying, so that at most
//! three parts are held as objects at once. What it keeps and drops is the module documentation
//! of `merge`.

use std::collections::{BTreeMap, HashSet};

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::copy::{Copier, Removed};
use super::source::{Source, StructTree};
use super::{
    announce, metadata, repair, stamp, MergeError, MergeErrorKind, MergeOptions, MergeWarning, Merged, Output, Part,
    PartPdf, PartSource, ReadPdf, MAX_PAGE_SIDE,
};

/// Object ids of the result that every part refers to, fixed before any part is copied.
struct Skeleton {
    catalog: ObjectId,
    pages: ObjectId,
    struct_root: ObjectId,
    document_elem: ObjectId,
    outlines: ObjectId,
}

/// Appends the (closed) outline item `child` as the last child of the closed item `parent`.
fn append_child(out: &mut Output, parent: ObjectId, child: ObjectId) {
    let last = match out.objects.get_mut(&parent) {
        Some(Object::Dictionary(p)) => {
            let last = p.get(b"Last").and_then(Object::as_reference).ok();
            if last.is_none() {
                p.set("First", Object::Reference(child));
            }
            p.set("Last", Object::Reference(child));
            // Closed: minus the items opening it would show, the new child among them.
            let shown = p.get(b"Count").and_then(Object::as_i64).unwrap_or(0).abs();
            p.set("Count", Object::Integer(-(shown + 1)));
            last
        }
        _ => return,
    };
    if let Some(last) = last {
        if let Some(Object::Dictionary(l)) = out.objects.get_mut(&last) {
            l.set("Next", Object::Reference(child));
        }
    }
    if let Some(Object::Dictionary(c)) = out.objects.get_mut(&child) {
        c.set("Parent", Object::Reference(parent));
        if let Some(last) = last {
            c.set("Prev", Object::Reference(last));
        }
    }
}

fn part_name(part: &Part) -> String {
    match &part.source {
        PartSource::Bound { name } => name.clone(),
        PartSource::Typeset => part.title.clone(),
    }
}

/// How many bytes of parts a merge joins before it hands freed memory back to the system as it
/// goes ([`release_free_memory`]). Below it, what the parts leave free is a few times their
/// bytes at most, and handing it back costs more than keeping it: the next parts' objects fault
/// the same pages in again.
const RELEASE_FROM: usize = 32 << 20;

/// Hands the memory freed so far back to the system (glibc keeps what one thread freed for that
/// thread's next allocations, and the parts are read, copied and freed on three threads), so
/// that the parts copied so far do not add to a large pack's peak.
fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim walks the allocator's own free lists; it takes no pointer.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// What the copying asks of a part beyond its objects, worked out on the thread that reads it.
struct Prepared {
    dests: BTreeMap<Vec<u8>, Object>,
    struct_elems: HashSet<ObjectId>,
    page_tree_nodes: Vec<ObjectId>,
    struct_tree: Option<StructTree>,
}

impl Prepared {
    fn of(source: &Source) -> Prepared {
        Prepared {
            dests: source.named_dests(),
            struct_elems: source.struct_elems(),
            page_tree_nodes: source.page_tree_nodes(),
            struct_tree: source.struct_tree(),
        }
    }
}

/// Joins `parts` in order into one document; see the module documentation for what it keeps.
pub fn merge(parts: &[Part], opts: &MergeOptions) -> Result<Merged, MergeError> {
    merge_read(parts, &[], opts)
}

/// [`merge`], with the parts already read: `read[i]`, when given, is `parts[i]` as [`read`] read
/// it, and is used instead of reading the part again when its bytes are the part's own (the same
/// buffer); any other part is read here.
pub fn merge_read(parts: &[Part], read: &[Option<&ReadPdf>], opts: &MergeOptions) -> Result<Merged, MergeError> {
    // The result is about as long as its parts and furniture together.
    let expected =
        parts.iter().map(|p| p.pdf.len()).sum::<usize>() + opts.furniture.as_ref().map_or(0, |f| f.pdf.len());
    let mut out = Output::new(expected);
    let skeleton = Skeleton {
        catalog: out.allocate(),
        pages: out.allocate(),
        struct_root: out.allocate(),
        document_elem: out.allocate(),
        outlines: out.allocate(),
    };
    let mut warnings = Vec::new();
    let mut kids = Vec::new();
    let mut part_starts = Vec::new();
    let mut part_elems = Vec::new();
    let mut part_outlines: Vec<ObjectId> = Vec::new();
    let mut parent_tree: Vec<(i64, Object)> = Vec::new();
    let mut next_key: i64 = 0;
    let mut role_map = Dictionary::new();
    let mut class_map = Dictionary::new();
    let mut ids: Vec<(Vec<u8>, ObjectId)> = Vec::new();
    let mut all_tagged = true;
    // The furniture's fonts are copied once, first; each page is stamped as its part is copied.
    let mut furniture = opts
        .furniture
        .as_ref()
        .map(|f| stamp::Furniture::load(&mut out, &f.pdf, f.plan.as_ref(), opts.tagged_stamps.len()))
        .transpose()?;

    // The parts are read on a thread of their own, one part ahead of the copying, so that
    // reading and copying keep both cores busy; at most two parts wait read.
    let given = |index: usize, part: &Part| {
        let PartPdf::Lent(pdf) = part.pdf else { return None };
        read.get(index).copied().flatten().filter(|r| std::ptr::eq(r.bytes.as_slice(), pdf)).map(|r| &r.source)
    };
    let (ahead, reads) = std::sync::mpsc::sync_channel::<Result<(Option<Source>, Prepared), MergeError>>(1);
    // A part copied is let go on a thread of its own too: freeing its many objects is work the
    // copying need not wait for.
    let (done, copied) = std::sync::mpsc::channel::<Option<Source>>();
    let file_id = std::thread::scope(|scope| -> Result<metadata::FileId, MergeError> {
        // Held here, so that an error below drops it and the reader, its next part refused, stops.
        let reads = reads;
        let release = expected >= RELEASE_FROM;
        scope.spawn(move || {
            for (n, source) in copied.into_iter().enumerate() {
                drop(source);
                if release && n % 8 == 7 {
                    release_free_memory();
                }
            }
        });
        let reader = scope.spawn(move || {
            let mut id = metadata::FileId::new();
            for (index, part) in parts.iter().enumerate() {
                // Bytes given to the merge are let go once read and hashed: a typeset part's are
                // kept by its source (for the objects copied as bytes) instead of being copied.
                let taken = match &part.pdf {
                    PartPdf::Lent(_) => None,
                    PartPdf::Given(_, bytes) => bytes.lock().ok().and_then(|mut b| b.take()),
                };
                let prepared = |s: Source| {
                    let prepared = Prepared::of(&s);
                    (Some(s), prepared)
                };
                let loaded = match (&part.pdf, taken) {
                    (PartPdf::Lent(pdf), _) => {
                        id.part(part, pdf);
                        match given(index, part) {
                            Some(source) => Ok((None, Prepared::of(source))),
                            None => match part.source {
                                PartSource::Typeset => Source::load_typeset(pdf, &part_name(part)),
                                PartSource::Bound { .. } => Source::load(pdf, &part_name(part)),
                            }
                            .map(prepared),
                        }
                    }
                    (PartPdf::Given(..), Some(pdf)) => {
                        id.part(part, &pdf);
                        match part.source {
                            PartSource::Typeset => Source::load_typeset_owned(pdf, &part_name(part)),
                            PartSource::Bound { .. } => Source::load(&pdf, &part_name(part)),
                        }
                        .map(prepared)
                    }
                    (PartPdf::Given(..), None) => {
                        let kind =
                            MergeErrorKind::Corrupt("its bytes were already merged (a part is merged once)".into());
                        let _ = ahead.send(Err(MergeError { name: part_name(part), kind }));
                        break;
                    }
                };
                let failed = loaded.is_err();
                // The copying stopped (an error of its own): nothing more is read.
                if ahead.send(loaded).is_err() || failed {
                    break;
                }
            }
            id
        });
        for (index, part) in parts.iter().enumerate() {
            let name = part_name(part);
            let (loaded, prepared) = reads.recv().map_err(|_| MergeError {
                name: name.clone(),
                kind: MergeErrorKind::Corrupt("it was not read (the reader stopped)".into()),
            })??;
            let Some(source) = loaded.as_ref().or_else(|| given(index, part)) else {
                return Err(MergeError { name, kind: MergeErrorKind::Corrupt("it was not read".into()) });
            };
            if source.repaired {
                warnings.push(MergeWarning::Repaired { name: name.clone() });
            }
            if matches!(part.source, PartSource::Bound { .. }) {
                for (i, page) in source.pages.iter().enumerate() {
                    if page.media_side > MAX_PAGE_SIDE {
                        warnings.push(MergeWarning::PageTooLarge {
                            name: name.clone(),
                            page: i + 1,
                            side: page.media_side.ceil() as u32,
                        });
                    }
                }
            }
            if !source.tagged {
                all_tagged = false;
                if matches!(part.source, PartSource::Bound { .. }) {
                    warnings.push(MergeWarning::Untagged { name: name.clone() });
                }
            }
            if source.tagged && matches!(part.source, PartSource::Bound { .. }) {
                let ids: Vec<ObjectId> = source.pages.iter().map(|p| p.id).collect();
                let pages = repair::untagged_pages(&source.doc, &ids);
                if !pages.is_empty() {
                    all_tagged = false;
                    warnings.push(MergeWarning::UntaggedContent { name: name.clone(), pages });
                }
            }
            part_starts.push(kids.len() as u32 + 1);
            // A part whose stamp is announced has an element for its heading, tagged or not.
            let announced: Vec<(usize, &announce::TaggedStamp)> =
                opts.tagged_stamps.iter().enumerate().filter(|(_, s)| s.part == index).collect();
            let part_elem = if source.tagged || !announced.is_empty() { Some(out.allocate()) } else { None };
            let part_outline = out.allocate();
            let mut copier =
                Copier::new(&source.doc, &source.raw, &mut out, source.tagged, next_key, format!("p{}-", index + 1));
            copier.dests = prepared.dests;
            copier.struct_elems = prepared.struct_elems;
            copier.preset_pages_tree(&prepared.page_tree_nodes, skeleton.pages);
            if let Some(root) = source.catalog_id {
                copier.preset(root, skeleton.catalog);
            }
            if let Some(root) = source.outline_root() {
                copier.preset(root, part_outline);
            }
            let page_ids: Vec<ObjectId> = source.pages.iter().map(|p| copier.reference(p.id)).collect();

            // The part's structure: its root's children (or its lone Document element's) go under
            // one Part element.
            let mut part_lang = part.lang.clone();
            let mut part_k = Object::Array(Vec::new());
            if let (Some(elem), Some(tree)) = (part_elem, prepared.struct_tree) {
                copier.preset(tree.root, elem);
                if let Some(document) = tree.lone_document {
                    copier.preset(document, elem);
                    if part_lang.is_none() {
                        part_lang = tree.document_lang.clone();
                    }
                }
                part_k = copier.convert(&tree.kids);
                for (key, value) in &tree.parent_tree {
                    let value = copier.convert(value);
                    parent_tree.push((key + next_key, value));
                }
                next_key += tree.next_key;
                // Repaired first: no cycles, no standard type remapped, every custom role to a
                // standard one (see `repair::role_map`).
                let (roles, _) = repair::role_map(&tree.role_map);
                for (role, mapped) in roles.iter() {
                    match role_map.get(role) {
                        Ok(existing) if existing != mapped => warnings.push(MergeWarning::RoleConflict {
                            name: name.clone(),
                            role: String::from_utf8_lossy(role).into(),
                        }),
                        Ok(_) => {}
                        Err(_) => role_map.set(role.clone(), mapped.clone()),
                    }
                }
                for (class, attrs) in tree.class_map.iter() {
                    if !class_map.has(class) {
                        let attrs = copier.convert(attrs);
                        class_map.set(class.clone(), attrs);
                    }
                }
            }
            if part_lang.is_none() {
                part_lang = source.lang.clone();
            }

            // The part's own outline, beneath its bookmark; a lone top item repeating the part's
            // title is the bookmark itself.
            let outline = match source.lone_outline_item(&part.title) {
                Some((lone, kids)) => {
                    copier.preset(lone, part_outline);
                    Some(kids)
                }
                None => source.outline_children(),
            };
            let outline_first = outline.as_ref().map(|o| copier.convert(&Object::Reference(o.first)));
            let outline_last = outline.as_ref().map(|o| copier.convert(&Object::Reference(o.last)));

            // Inherited page attributes, resolved onto each page.
            let inherited: Vec<Vec<(&'static str, Object)>> = source
                .pages
                .iter()
                .map(|p| p.inherited.iter().map(|(k, v)| (*k, copier.convert(v))).collect())
                .collect();

            copier.run();
            ids.append(&mut copier.ids);
            let mut removed = std::mem::take(&mut copier.removed);
            // The form's dictionary is never copied (the pack has no form), so its XFA is not seen
            // by the copier: said here.
            if source.xfa {
                removed.insert(Removed::Xfa);
            }
            drop(copier);
            if !removed.is_empty() && matches!(part.source, PartSource::Bound { .. }) {
                warnings.push(MergeWarning::Sanitised { name: name.clone(), removed: Removed::names(&removed) });
            }

            for (page_id, attrs) in page_ids.iter().zip(inherited) {
                if let Some(Object::Dictionary(page)) = out.objects.get_mut(page_id) {
                    for (key, value) in attrs {
                        page.set(key, value);
                    }
                    page.set("Parent", Object::Reference(skeleton.pages));
                    page.set("Type", Object::Name(b"Page".to_vec()));
                }
            }
            if let Some(furniture) = &mut furniture {
                for (i, page_id) in page_ids.iter().enumerate() {
                    furniture.stamp(&mut out, *page_id, kids.len() + i)?;
                }
            }
            kids.extend(page_ids.iter().copied());

            if let Some(elem) = part_elem {
                // Annotations kept outside the structure tree are tagged (see `repair`).
                let tagged = repair::tag_annotations(&mut out, &page_ids, elem, &mut next_key);
                if !tagged.elems.is_empty() {
                    let mut k = match part_k {
                        Object::Array(k) => k,
                        Object::Null => Vec::new(),
                        other => vec![other],
                    };
                    k.extend(tagged.elems.iter().map(|e| Object::Reference(*e)));
                    part_k = Object::Array(k);
                    parent_tree.extend(tagged.parent_tree);
                }
                let mut d = Dictionary::new();
                d.set("Type", Object::Name(b"StructElem".to_vec()));
                d.set("S", Object::Name(b"Part".to_vec()));
                d.set("P", Object::Reference(skeleton.document_elem));
                d.set("T", metadata::text_string(&part.title));
                if let Some(lang) = &part_lang {
                    if !lang.eq_ignore_ascii_case(&opts.lang) {
                        d.set("Lang", metadata::text_string(lang));
                    }
                }
                d.set("K", part_k);
                out.insert(elem, Object::Dictionary(d));
                part_elems.push(elem);
                // The stamp of its first page as real content, from a furniture page of its own
                // (after the document's pages), before the part is written out.
                if let (Some(furniture), Some(&page)) = (&mut furniture, page_ids.first()) {
                    for (k, stamp) in &announced {
                        if let Some(form) = furniture.stamp_form(&mut out, *k)? {
                            let target = announce::Target { page, elem, level: stamp.level };
                            announce::tag(&mut out, &target, form, &mut parent_tree, &mut next_key);
                        }
                    }
                }
            }

            let own_last = match &outline_last {
                Some(Object::Reference(last)) => Some(*last),
                _ => None,
            };
            let mut item = Dictionary::new();
            item.set("Title", metadata::text_string(&part.title));
            item.set("Parent", Object::Reference(skeleton.outlines));
            item.set("Dest", Object::Array(vec![Object::Reference(page_ids[0]), Object::Name(b"Fit".to_vec())]));
            if let (Some(first), Some(last), Some(o)) = (outline_first, outline_last, outline) {
                item.set("First", first);
                item.set("Last", last);
                item.set("Count", Object::Integer(-o.count.max(1)));
            }
            out.insert(part_outline, Object::Dictionary(item));
            part_outlines.push(part_outline);
            // Linked to the items around it once every part is in; the last of its own items may
            // be linked to a nested part's item.
            out.hold(part_outline);
            if let Some(last) = own_last {
                out.hold(last);
            }
            out.flush()?;
            // Nothing more is wanted of it. (Should the thread be gone, it is let go here.)
            let _ = done.send(loaded);
        }
        drop(done);
        reader.join().map_err(|_| MergeError {
            name: "the document".into(),
            kind: MergeErrorKind::Corrupt("the part reader stopped unexpectedly".into()),
        })
    })?;

    if kids.is_empty() {
        return Err(MergeError { name: "the document".into(), kind: MergeErrorKind::NoPages });
    }
    let page_count = kids.len() as u32;

    if let Some(furniture) = &furniture {
        let expected = kids.len() + opts.tagged_stamps.len();
        let found = furniture.pages() + furniture.stamps();
        if furniture.pages() != kids.len() || furniture.stamps() != opts.tagged_stamps.len() {
            return Err(MergeError {
                name: "the page furniture".into(),
                kind: MergeErrorKind::FurniturePages { expected: expected as u32, found: found as u32 },
            });
        }
    }

    // Bookmarks: one per part, in order; a nested part's under the top-level one before it.
    let mut top: Vec<ObjectId> = Vec::new();
    for (part, id) in parts.iter().zip(&part_outlines) {
        match top.last().copied().filter(|_| part.nested) {
            Some(parent) => append_child(&mut out, parent, *id),
            None => top.push(*id),
        }
    }
    for (i, id) in top.iter().enumerate() {
        if let Some(Object::Dictionary(item)) = out.objects.get_mut(id) {
            if i > 0 {
                item.set("Prev", Object::Reference(top[i - 1]));
            }
            if let Some(next) = top.get(i + 1) {
                item.set("Next", Object::Reference(*next));
            }
        }
    }
    let mut outlines = Dictionary::new();
    outlines.set("Type", Object::Name(b"Outlines".to_vec()));
    outlines.set("First", Object::Reference(top[0]));
    outlines.set("Last", Object::Reference(*top.last().expect("one part at least")));
    outlines.set("Count", Object::Integer(top.len() as i64));
    out.insert(skeleton.outlines, Object::Dictionary(outlines));

    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Kids", Object::Array(kids.iter().map(|k| Object::Reference(*k)).collect()));
    pages.set("Count", Object::Integer(page_count as i64));
    out.insert(skeleton.pages, Object::Dictionary(pages));

    // The structure tree.
    parent_tree.sort_by_key(|(k, _)| *k);
    let mut nums = Vec::with_capacity(parent_tree.len() * 2);
    for (key, value) in parent_tree {
        nums.push(Object::Integer(key));
        nums.push(value);
    }
    let mut pt = Dictionary::new();
    pt.set("Nums", Object::Array(nums));
    let parent_tree_id = out.add(Object::Dictionary(pt));
    let mut document = Dictionary::new();
    document.set("Type", Object::Name(b"StructElem".to_vec()));
    document.set("S", Object::Name(b"Document".to_vec()));
    document.set("P", Object::Reference(skeleton.struct_root));
    document.set("K", Object::Array(part_elems.iter().map(|e| Object::Reference(*e)).collect()));
    out.insert(skeleton.document_elem, Object::Dictionary(document));
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
    root.set("K", Object::Array(vec![Object::Reference(skeleton.document_elem)]));
    root.set("ParentTree", Object::Reference(parent_tree_id));
    root.set("ParentTreeNextKey", Object::Integer(next_key));
    if !role_map.is_empty() {
        root.set("RoleMap", Object::Dictionary(role_map));
    }
    if !class_map.is_empty() {
        root.set("ClassMap", Object::Dictionary(class_map));
    }
    if !ids.is_empty() {
        ids.sort_by(|a, b| a.0.cmp(&b.0));
        let mut names = Vec::with_capacity(ids.len() * 2);
        for (id, elem) in ids {
            names.push(Object::String(id, lopdf::StringFormat::Literal));
            names.push(Object::Reference(elem));
        }
        let mut tree = Dictionary::new();
        tree.set("Names", Object::Array(names));
        root.set("IDTree", Object::Dictionary(tree));
    }
    out.insert(skeleton.struct_root, Object::Dictionary(root));

    // The catalogue and metadata.
    let xmp = metadata::xmp(opts, all_tagged);
    let mut xmp_dict = Dictionary::new();
    xmp_dict.set("Type", Object::Name(b"Metadata".to_vec()));
    xmp_dict.set("Subtype", Object::Name(b"XML".to_vec()));
    let xmp_id = out.add(Object::Stream(Stream::new(xmp_dict, xmp.into_bytes()).with_compression(false)));
    let info_id = out.add(Object::Dictionary(metadata::info(opts)));
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", Object::Reference(skeleton.pages));
    catalog.set("Outlines", Object::Reference(skeleton.outlines));
    catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    catalog.set("StructTreeRoot", Object::Reference(skeleton.struct_root));
    let mut mark_info = Dictionary::new();
    mark_info.set("Marked", Object::Boolean(true));
    catalog.set("MarkInfo", Object::Dictionary(mark_info));
    catalog.set("Lang", metadata::text_string(&opts.lang));
    let mut prefs = Dictionary::new();
    prefs.set("DisplayDocTitle", Object::Boolean(true));
    catalog.set("ViewerPreferences", Object::Dictionary(prefs));
    catalog.set("Metadata", Object::Reference(xmp_id));
    out.insert(skeleton.catalog, Object::Dictionary(catalog));

    let file_id = file_id.finish(opts);
    let mut trailer = Dictionary::new();
    trailer.set("Root", Object::Reference(skeleton.catalog));
    trailer.set("Info", Object::Reference(info_id));
    let id = Object::String(file_id.to_vec(), lopdf::StringFormat::Hexadecimal);
    trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let pdf = out.finish(trailer)?;
    Ok(Merged { pdf, part_starts, page_count, warnings })
}
