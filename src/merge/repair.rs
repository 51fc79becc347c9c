//! Repairs of what a bound tagged part brings into a pack, so that the pack's structure passes
//! the PDF/UA-1 rules it claims: its role map is made to lead every custom role straight to a
//! standard structure type (a cycle, a standard type mapped to itself or to another, a chain
//! that ends nowhere), and every annotation its pages keep outside the structure tree is tagged
//! (a `Link` or `Annot` element holding an object reference, its `/Contents`, the page's
//! `/Tabs /S`). It also finds what it cannot repair: content a tagged part's page draws outside
//! any tag (neither marked as an artifact nor in marked content the structure tree owns), which
//! takes the pack's PDF/UA-1 claim away and is reported; it is left as it is, since the merge
//! cannot tell whether it is real content or decoration. Works on the result's objects after a
//! part is copied (and on a part's own pages for that check); reads and writes nothing else, and
//! decides nothing about which parts make a pack.

use std::collections::BTreeSet;

use lopdf::{Dictionary, Object, ObjectId};

use super::Output;

/// The standard structure types of PDF 1.7 (ISO 32000-1, 14.8.4).
const STANDARD: [&[u8]; 47] = [
    b"Document",
    b"Part",
    b"Art",
    b"Sect",
    b"Div",
    b"BlockQuote",
    b"Caption",
    b"TOC",
    b"TOCI",
    b"Index",
    b"NonStruct",
    b"Private",
    b"P",
    b"H",
    b"H1",
    b"H2",
    b"H3",
    b"H4",
    b"H5",
    b"H6",
    b"L",
    b"LI",
    b"Lbl",
    b"LBody",
    b"Table",
    b"TR",
    b"TH",
    b"TD",
    b"THead",
    b"TBody",
    b"TFoot",
    b"Span",
    b"Quote",
    b"Note",
    b"Reference",
    b"BibEntry",
    b"Code",
    b"Link",
    b"Annot",
    b"Ruby",
    b"RB",
    b"RT",
    b"RP",
    b"Warichu",
    b"WT",
    b"WP",
    b"Figure",
];

fn is_standard(role: &[u8]) -> bool {
    STANDARD.contains(&role) || role == b"Formula" || role == b"Form"
}

/// A part's role map, repaired: a standard type is never remapped (an entry for one, a
/// self-mapping among them, is dropped), and every custom role maps directly to the standard
/// type its chain leads to; a chain that loops or ends at an unmapped custom role leads to
/// `Div`, the neutral grouping element. Returns the map and the custom roles so defaulted.
pub(super) fn role_map(map: &Dictionary) -> (Dictionary, Vec<String>) {
    let mut repaired = Dictionary::new();
    let mut defaulted = Vec::new();
    for (role, _) in map.iter() {
        if is_standard(role) {
            continue;
        }
        let mut seen: BTreeSet<&[u8]> = BTreeSet::new();
        let mut at: &[u8] = role;
        let target = loop {
            if !seen.insert(at) {
                break None;
            }
            match map.get(at).and_then(Object::as_name) {
                Ok(next) if is_standard(next) => break Some(next.to_vec()),
                Ok(next) => at = next,
                Err(_) => break None,
            }
        };
        let target = target.unwrap_or_else(|| {
            defaulted.push(String::from_utf8_lossy(role).into_owned());
            b"Div".to_vec()
        });
        repaired.set(role.clone(), Object::Name(target));
    }
    (repaired, defaulted)
}

/// What tagging a part's annotations added to the result: elements for the part's `/K`, and
/// parent tree entries.
#[derive(Default)]
pub(super) struct Tagged {
    /// New struct elements, in page order, to append to the part's element.
    pub elems: Vec<ObjectId>,
    /// `(StructParent key, element)` for the parent tree.
    pub parent_tree: Vec<(i64, Object)>,
}

/// Tags every annotation on `pages` (already in `out`) that has no `/StructParent`: a `Link`
/// element for a link, `Annot` for any other kind shown on the page (popups are not content),
/// each under `part_elem` with an object reference to the annotation, and keys from `next_key`
/// on. An annotation without `/Contents` gets one (a link names its address); a page with
/// annotations gets `/Tabs /S`.
pub(super) fn tag_annotations(out: &mut Output, pages: &[ObjectId], part_elem: ObjectId, next_key: &mut i64) -> Tagged {
    let mut tagged = Tagged::default();
    for &page in pages {
        let annots: Vec<Object> = match out.objects.get(&page) {
            Some(Object::Dictionary(p)) => match p.get(b"Annots") {
                Ok(Object::Array(a)) => a.clone(),
                Ok(Object::Reference(r)) => match out.objects.get(r) {
                    Some(Object::Array(a)) => a.clone(),
                    _ => continue,
                },
                _ => continue,
            },
            _ => continue,
        };
        let mut kept = Vec::with_capacity(annots.len());
        for annot in annots {
            // An annotation written inline becomes an object of its own, for the reference.
            let id = match annot {
                Object::Reference(id) => id,
                Object::Dictionary(d) => out.add(Object::Dictionary(d)),
                other => {
                    kept.push(other);
                    continue;
                }
            };
            kept.push(Object::Reference(id));
            let Some(Object::Dictionary(a)) = out.objects.get_mut(&id) else { continue };
            let subtype = a.get(b"Subtype").and_then(Object::as_name).map(<[u8]>::to_vec).unwrap_or_default();
            if a.has(b"StructParent") || subtype == b"Popup" {
                continue;
            }
            let link = subtype == b"Link";
            if !a.has(b"Contents") {
                let uri = a
                    .get(b"A")
                    .and_then(Object::as_dict)
                    .and_then(|act| act.get(b"URI"))
                    .and_then(Object::as_str)
                    .ok()
                    .map(|u| String::from_utf8_lossy(u).into_owned());
                let words = match (link, uri) {
                    (true, Some(uri)) => format!("Link to {uri}"),
                    (true, None) => "Link".to_owned(),
                    (false, _) => format!("{} annotation", String::from_utf8_lossy(&subtype)),
                };
                a.set("Contents", super::metadata::text_string(&words));
            }
            a.set("StructParent", Object::Integer(*next_key));
            let mut objr = Dictionary::new();
            objr.set("Type", Object::Name(b"OBJR".to_vec()));
            objr.set("Obj", Object::Reference(id));
            objr.set("Pg", Object::Reference(page));
            let mut elem = Dictionary::new();
            elem.set("Type", Object::Name(b"StructElem".to_vec()));
            elem.set("S", Object::Name(if link { b"Link".to_vec() } else { b"Annot".to_vec() }));
            elem.set("P", Object::Reference(part_elem));
            elem.set("Pg", Object::Reference(page));
            elem.set("K", Object::Array(vec![Object::Dictionary(objr)]));
            let elem = out.add(Object::Dictionary(elem));
            tagged.parent_tree.push((*next_key, Object::Reference(elem)));
            tagged.elems.push(elem);
            *next_key += 1;
        }
        if let Some(Object::Dictionary(p)) = out.objects.get_mut(&page) {
            if !kept.is_empty() {
                p.set("Annots", Object::Array(kept));
                p.set("Tabs", Object::Name(b"S".to_vec()));
            }
        }
    }
    tagged
}

/// Operators that put something on the page: text, painted paths, images, shadings, forms.
const PAINTING: &[&str] =
    &["Tj", "TJ", "'", "\"", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "BI", "EI"];

/// Whether a content stream paints anything outside marked content that tags it: an
/// `/Artifact`, or a sequence with properties (an `MCID`, or a named property list, given the
/// benefit of the doubt). A sequence without properties (`BMC /Span`) tags nothing by itself.
/// Content that cannot be decoded counts as untagged.
pub(super) fn paints_untagged(content: &[u8]) -> bool {
    let Ok(ops) = lopdf::content::Content::decode(content) else { return true };
    // Per open sequence: whether it, or one around it, tags its content.
    let mut open: Vec<bool> = Vec::new();
    for op in &ops.operations {
        let inside = open.last().copied().unwrap_or(false);
        match op.operator.as_str() {
            "BMC" => {
                let artifact = op.operands.first().and_then(|o| o.as_name().ok()) == Some(b"Artifact".as_slice());
                open.push(inside || artifact);
            }
            "BDC" => {
                let artifact = op.operands.first().and_then(|o| o.as_name().ok()) == Some(b"Artifact".as_slice());
                let marked = match op.operands.get(1) {
                    Some(Object::Dictionary(d)) => d.has(b"MCID"),
                    Some(Object::Name(_)) => true,
                    _ => false,
                };
                open.push(inside || artifact || marked);
            }
            "EMC" => {
                open.pop();
            }
            o if PAINTING.contains(&o) && !inside => return true,
            _ => {}
        }
    }
    false
}

/// The pages (from 1) of a tagged part whose content paints something outside any tag (see
/// [`paints_untagged`]).
pub(super) fn untagged_pages(doc: &lopdf::Document, pages: &[ObjectId]) -> Vec<usize> {
    let mut found = Vec::new();
    for (i, &page) in pages.iter().enumerate() {
        let untagged = match doc.get_page_content_with_limit(page, super::MAX_INFLATED) {
            Ok(content) => paints_untagged(&content),
            Err(_) => true,
        };
        if untagged {
            found.push(i + 1);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_outside_any_tag_is_found_and_tagged_or_artifact_content_is_not() {
        assert!(!paints_untagged(b"/P <</MCID 0>> BDC BT (a) Tj ET EMC /Artifact BMC 0 0 m 1 1 l S EMC"));
        assert!(!paints_untagged(b"/Artifact <</Type /Pagination>> BDC q /Im1 Do Q EMC"));
        assert!(!paints_untagged(b"/Span <</MCID 3>> BDC /Span BMC BT (b) Tj ET EMC EMC"));
        assert!(!paints_untagged(b"q 1 0 0 1 0 0 cm 0 0 m 1 1 l n Q"), "a path ended without painting");
        assert!(paints_untagged(b"/P <</MCID 0>> BDC BT (a) Tj ET EMC 0 0 10 10 re f"));
        assert!(paints_untagged(b"/Span BMC BT (c) Tj ET EMC"), "a sequence without an MCID tags nothing");
        assert!(paints_untagged(b"q /Im1 Do Q"));
    }

    fn names(pairs: &[(&str, &str)]) -> Dictionary {
        let mut d = Dictionary::new();
        for (k, v) in pairs {
            d.set(k.as_bytes().to_vec(), Object::Name(v.as_bytes().to_vec()));
        }
        d
    }

    #[test]
    fn a_circular_role_map_is_broken_and_every_custom_role_leads_to_a_standard_type() {
        let map = names(&[
            ("Document", "Document"),
            ("H1", "H1"),
            ("P", "Span"),
            ("Heading1", "Title"),
            ("Title", "H1"),
            ("Loop", "Back"),
            ("Back", "Loop"),
            ("Lost", "Nowhere"),
        ]);
        let (repaired, defaulted) = role_map(&map);
        let get = |k: &str| repaired.get(k.as_bytes()).ok().and_then(|o| o.as_name().ok()).map(<[u8]>::to_vec);
        assert_eq!(get("Document"), None, "a standard type is not remapped");
        assert_eq!(get("H1"), None);
        assert_eq!(get("P"), None);
        assert_eq!(get("Heading1"), Some(b"H1".to_vec()), "a chain is followed to its standard type");
        assert_eq!(get("Title"), Some(b"H1".to_vec()));
        assert_eq!(get("Loop"), Some(b"Div".to_vec()), "a loop of custom roles leads to Div");
        assert_eq!(get("Back"), Some(b"Div".to_vec()));
        assert_eq!(get("Lost"), Some(b"Div".to_vec()));
        let mut defaulted = defaulted;
        defaulted.sort();
        assert_eq!(defaulted, ["Back", "Loop", "Lost"]);
    }
}
