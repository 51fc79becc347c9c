//! A bound document announced: the stamp on its first page ("Agenda item 4: Minutes …") drawn
//! as real content, a heading under the part's structure element, first in its reading order,
//! so that a screen reader reads where each bound document starts. Owns the heading element,
//! its marked content and its place in the parent tree; the stamp's own page (typeset with the
//! furniture) and its placement are the furniture's (see `stamp`). Never draws an artifact.

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::stamp::{page_geometry, placement};
use super::Output;

/// A part whose first page's stamp is real content: a heading of `level` (1–6), drawn from a
/// furniture page of its own (see [`MergeOptions::tagged_stamps`](super::MergeOptions)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaggedStamp {
    /// The part, from 0 in the order of the parts.
    pub part: usize,
    /// The heading's level: `H1` … `H6`.
    pub level: u8,
}

/// Where one tagged stamp goes: the result page and the part's structure element.
pub(super) struct Target {
    pub page: ObjectId,
    pub elem: ObjectId,
    pub level: u8,
}

/// The name the stamp's form has in its page's resources.
const FORM: &str = "CabrepStamp";

/// Draws `form` on `target.page` inside marked content of a heading element, made here and
/// put first among the children of `target.elem`; the page's entry of the parent tree gives
/// the marked content's id.
pub(super) fn tag(
    out: &mut Output,
    target: &Target,
    form: ObjectId,
    parent_tree: &mut Vec<(i64, Object)>,
    next_key: &mut i64,
) {
    let Some(Object::Dictionary(page)) = out.objects.get(&target.page) else { return };
    let (visible, rotate) = page_geometry(out, page);
    let key = page.get(b"StructParents").and_then(Object::as_i64).ok();
    let role = format!("H{}", target.level.clamp(1, 6));
    let heading = out.allocate();

    // The marked content's id: the next free slot of the page's array in the parent tree.
    let mcid = match key.and_then(|k| parent_tree.iter().position(|(key, _)| *key == k)) {
        Some(i) => {
            let array = match &mut parent_tree[i].1 {
                Object::Array(a) => Some(a),
                Object::Reference(id) => match out.objects.get_mut(id) {
                    Some(Object::Array(a)) => Some(a),
                    _ => None,
                },
                _ => None,
            };
            match array {
                Some(a) => {
                    a.push(Object::Reference(heading));
                    a.len() - 1
                }
                None => {
                    parent_tree[i].1 = Object::Array(vec![Object::Reference(heading)]);
                    0
                }
            }
        }
        None => {
            let k = *next_key;
            *next_key += 1;
            parent_tree.push((k, Object::Array(vec![Object::Reference(heading)])));
            if let Some(Object::Dictionary(page)) = out.objects.get_mut(&target.page) {
                page.set("StructParents", Object::Integer(k));
            }
            0
        }
    };

    let mut elem = Dictionary::new();
    elem.set("Type", Object::Name(b"StructElem".to_vec()));
    elem.set("S", Object::Name(role.clone().into_bytes()));
    elem.set("P", Object::Reference(target.elem));
    elem.set("Pg", Object::Reference(target.page));
    elem.set("K", Object::Integer(mcid as i64));
    out.insert(heading, Object::Dictionary(elem));
    if let Some(Object::Dictionary(part)) = out.objects.get_mut(&target.elem) {
        let mut k = match part.get(b"K") {
            Ok(Object::Array(k)) => k.clone(),
            Ok(Object::Null) | Err(_) => Vec::new(),
            Ok(other) => vec![other.clone()],
        };
        k.insert(0, Object::Reference(heading));
        part.set("K", Object::Array(k));
    }

    let m = placement(visible, rotate);
    let draw = format!(
        "/{role} <</MCID {mcid}>> BDC\nq {} {} {} {} {} {} cm /{FORM} Do Q\nEMC\n",
        m[0], m[1], m[2], m[3], m[4], m[5]
    );
    let draw = out.add(Object::Stream(Stream::new(Dictionary::new(), draw.into_bytes())));
    let Some(Object::Dictionary(page)) = out.objects.get_mut(&target.page) else { return };
    let mut contents = match page.get(b"Contents") {
        Ok(Object::Array(items)) => items.clone(),
        Ok(other) => vec![other.clone()],
        Err(_) => Vec::new(),
    };
    contents.push(Object::Reference(draw));
    page.set("Contents", Object::Array(contents));
    // The stamp has put the page's resources and their XObjects directly on the page.
    if let Ok(Object::Dictionary(resources)) = page.get_mut(b"Resources") {
        if let Ok(Object::Dictionary(xobjects)) = resources.get_mut(b"XObject") {
            xobjects.set(FORM, Object::Reference(form));
        }
    }
}
