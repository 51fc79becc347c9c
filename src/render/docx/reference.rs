//! The council's Word file as the DOCX's house style: its styles part replaces cabrep's (each of
//! cabrep's styles printed in the council's style of the same name, or the one `template.toml`
//! maps it to; one the council's file lacks is added from cabrep's own), its theme and font table
//! come with it, and its page size, margins, headers and footers (with their images and fields)
//! replace cabrep's, renumbered and related so the package stays valid. A running header cabrep
//! prints (NOT FOR PUBLICATION) is added to the council's headers, never dropped.
//!
//! This file grafts the parts the template read ([`crate::template::reference`]) onto docx-rs's
//! package before the fix-ups of [`super::parts`] run; it never reads a file.

use std::collections::{BTreeMap, HashSet};

use super::parts::err;
use super::xml::{self, Element, Node, XmlDoc};
use crate::render::{escape, RenderError};
use crate::template::reference::{FurnitureKind, Reference};

const RELS: &str = "word/_rels/document.xml.rels";
const TYPES: &str = "[Content_Types].xml";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";

fn parse_part(parts: &[(String, Vec<u8>)], name: &str) -> Result<Option<XmlDoc>, RenderError> {
    let Some((_, data)) = parts.iter().find(|(n, _)| n == name) else { return Ok(None) };
    let text = std::str::from_utf8(data).map_err(|e| err(name, e))?;
    xml::parse(text).map(Some).map_err(|e| err(name, e))
}

fn put(parts: &mut Vec<(String, Vec<u8>)>, name: &str, data: Vec<u8>) {
    match parts.iter_mut().find(|(n, _)| n == name) {
        Some(slot) => slot.1 = data,
        None => parts.push((name.to_owned(), data)),
    }
}

fn reference_err(r: &Reference, part: &str, e: impl std::fmt::Display) -> RenderError {
    RenderError::new(format!("DOCX: the reference Word file {}: {part}: {e}", r.file))
}

/// Grafts the reference's parts onto the package.
pub(super) fn graft(parts: &mut Vec<(String, Vec<u8>)>, r: &Reference) -> Result<(), RenderError> {
    let map = styles(parts, r)?;
    for (name, data) in parts.iter_mut() {
        let restyle = name == "word/document.xml"
            || name == "word/footnotes.xml"
            || (name.starts_with("word/header") || name.starts_with("word/footer")) && name.ends_with(".xml");
        if restyle {
            let text = std::str::from_utf8(data).map_err(|e| err(name, e))?;
            let mut doc = xml::parse(text).map_err(|e| err(name, e))?;
            restyle_refs(&mut doc.root, &map);
            *data = xml::serialize(&doc).into_bytes();
        }
    }
    let mut rels = parse_part(parts, RELS)?.ok_or_else(|| err(RELS, "missing"))?;
    let mut types = parse_part(parts, TYPES)?.ok_or_else(|| err(TYPES, "missing"))?;
    let mut doc = parse_part(parts, "word/document.xml")?.ok_or_else(|| err("word/document.xml", "missing"))?;

    if let Some(theme) = &r.theme {
        xml::parse(theme).map_err(|e| reference_err(r, "theme", e))?;
        put(parts, "word/theme/theme1.xml", theme.clone().into_bytes());
        add_rel(&mut rels, "rIdReferenceTheme", "theme", "theme/theme1.xml");
        add_override(&mut types, "/word/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml");
    }
    if let Some(fonts) = &r.font_table {
        xml::parse(fonts).map_err(|e| reference_err(r, "font table", e))?;
        put(parts, "word/fontTable.xml", fonts.clone().into_bytes());
    }

    // The section: page, margins, headers and footers.
    let body = doc.root.child_mut("w:body").ok_or_else(|| err("word/document.xml", "no body"))?;
    let sect = body
        .children
        .iter_mut()
        .rev()
        .find_map(|n| match n {
            Node::Element(e) if e.name == "w:sectPr" => Some(e),
            _ => None,
        })
        .ok_or_else(|| err("word/document.xml", "no section properties"))?;
    set_attrs(sect, "w:pgSz", &r.page_size);
    set_attrs(sect, "w:pgMar", &r.page_margins);
    if r.title_page {
        sect.ensure_child("w:titlePg");
    }
    let has = |k: FurnitureKind| r.furniture.iter().any(|f| f.kind == k);
    // cabrep's own header paragraphs (the exempt marking), to be added to the council's headers.
    let mut own_header: Vec<Node> = Vec::new();
    if has(FurnitureKind::Header) {
        for target in take_refs(sect, &mut rels, "w:headerReference") {
            if let Some(h) = parse_part(parts, &format!("word/{target}"))? {
                own_header
                    .extend(h.root.children.into_iter().filter(|n| matches!(n, Node::Element(e) if e.name == "w:p")));
            }
        }
    }
    if has(FurnitureKind::Footer) {
        take_refs(sect, &mut rels, "w:footerReference");
    }
    let mut refs = Vec::new();
    let mut drawing_id = 10_000u32;
    for (i, f) in r.furniture.iter().enumerate() {
        let n = i + 1;
        let (stem, elem, kind) = match f.kind {
            FurnitureKind::Header => ("header", "w:headerReference", "header"),
            FurnitureKind::Footer => ("footer", "w:footerReference", "footer"),
        };
        let part = format!("{stem}-reference{n}.xml");
        let mut x = xml::parse(&f.xml).map_err(|e| reference_err(r, kind, e))?;
        restyle_refs(&mut x.root, &map);
        if f.kind == FurnitureKind::Header {
            for node in &own_header {
                let mut node = node.clone();
                if let Node::Element(e) = &mut node {
                    // The council's part may not declare Word 2010's namespace (`w14:paraId`).
                    e.walk_mut(&mut |e| {
                        e.attrs.retain(|(k, _)| !k.contains(':') || k.starts_with("w:") || k.starts_with("xml:"))
                    });
                }
                x.root.children.push(node);
            }
        }
        // Drawing ids are unique across the document (Word repairs a file with two alike).
        x.root.walk_mut(&mut |e| {
            if e.name.ends_with(":docPr") {
                e.set_attr("id", &drawing_id.to_string());
                drawing_id += 1;
            }
        });
        put(parts, &format!("word/{part}"), xml::serialize(&x).into_bytes());
        let mut part_rels = Element::new("Relationships")
            .with_attr("xmlns", "http://schemas.openxmlformats.org/package/2006/relationships");
        for (id, m) in &f.images {
            let media = r.media.get(*m).ok_or_else(|| reference_err(r, kind, "an image is missing"))?;
            let name = format!("media/reference-image{}.{}", m + 1, media.ext);
            put(parts, &format!("word/{name}"), media.data.clone());
            part_rels.children.push(Node::Element(
                Element::new("Relationship")
                    .with_attr("Id", &escape::attr(id))
                    .with_attr("Type", &format!("{REL}image"))
                    .with_attr("Target", &name),
            ));
            add_default(&mut types, media.ext);
        }
        let rels_doc = XmlDoc {
            prolog: "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>".to_owned(),
            root: part_rels,
        };
        put(parts, &format!("word/_rels/{part}.rels"), xml::serialize(&rels_doc).into_bytes());
        let rid = format!("rIdReference{n}");
        add_rel(&mut rels, &rid, kind, &part);
        add_override(
            &mut types,
            &format!("/word/{part}"),
            &format!("application/vnd.openxmlformats-officedocument.wordprocessingml.{kind}+xml"),
        );
        refs.push(Element::new(elem).with_attr("w:type", &escape::attr(&f.which)).with_attr("r:id", &rid));
    }
    // References first in the section (the schema's order sorts them among themselves).
    for (i, e) in refs.into_iter().enumerate() {
        sect.children.insert(i, Node::Element(e));
    }
    // Even pages' headers and footers are used only when the settings say so, as in the council's file.
    if r.even_and_odd {
        const SETTINGS: &str = "word/settings.xml";
        let mut settings = parse_part(parts, SETTINGS)?.ok_or_else(|| err(SETTINGS, "missing"))?;
        settings.root.ensure_child("w:evenAndOddHeaders");
        put(parts, SETTINGS, xml::serialize(&settings).into_bytes());
    }
    put(parts, "word/document.xml", xml::serialize(&doc).into_bytes());
    put(parts, RELS, xml::serialize(&rels).into_bytes());
    put(parts, TYPES, xml::serialize(&types).into_bytes());
    Ok(())
}

/// Replaces cabrep's styles part with the reference's, adding the cabrep styles it lacks; returns
/// cabrep's style id → the id used.
fn styles(parts: &mut Vec<(String, Vec<u8>)>, r: &Reference) -> Result<BTreeMap<String, String>, RenderError> {
    let ours = parse_part(parts, "word/styles.xml")?.ok_or_else(|| err("word/styles.xml", "missing"))?;
    let mut theirs = xml::parse(&r.styles).map_err(|e| reference_err(r, "styles", e))?;
    // Their list styles name their own numbering, which is not copied: cabrep numbers its lists.
    theirs.root.walk_mut(&mut |e| {
        if e.name == "w:pPr" {
            e.remove_children(&["w:numPr"]);
        }
    });
    let their_ids: HashSet<String> = theirs
        .root
        .elements()
        .filter(|e| e.name == "w:style")
        .filter_map(|e| e.attr("w:styleId").map(str::to_owned))
        .collect();
    let mut map = BTreeMap::new();
    let mut added = Vec::new();
    for st in ours.root.elements().filter(|e| e.name == "w:style") {
        let Some(id) = st.attr("w:styleId") else { continue };
        let name = st.child("w:name").and_then(|n| n.attr("w:val")).unwrap_or(id);
        let kind = st.attr("w:type").unwrap_or("paragraph");
        match r.style_for(&unescape(name), kind) {
            Some(theirs) => {
                map.insert(id.to_owned(), escape::attr(theirs));
            }
            None => {
                let new_id = if their_ids.contains(id) { format!("{id}Cabrep") } else { id.to_owned() };
                map.insert(id.to_owned(), new_id);
                added.push(st.clone());
            }
        }
    }
    for mut st in added {
        if let Some(id) = st.attr("w:styleId").and_then(|i| map.get(i)).cloned() {
            st.set_attr("w:styleId", &id);
        }
        for c in st.elements_mut().filter(|c| matches!(c.name.as_str(), "w:basedOn" | "w:next" | "w:link")) {
            if let Some(v) = c.attr("w:val").and_then(|v| map.get(v)).cloned() {
                c.set_attr("w:val", &v);
            }
        }
        theirs.root.children.push(Node::Element(st));
    }
    put(parts, "word/styles.xml", xml::serialize(&theirs).into_bytes());
    Ok(map)
}

/// The few entities a style name may hold, decoded (names are compared as text).
fn unescape(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&")
}

/// Points every paragraph, run and table style reference at the style used.
fn restyle_refs(root: &mut Element, map: &BTreeMap<String, String>) {
    root.walk_mut(&mut |e| {
        if matches!(e.name.as_str(), "w:pStyle" | "w:rStyle" | "w:tblStyle") {
            if let Some(v) = e.attr("w:val").and_then(|v| map.get(v)).cloned() {
                e.set_attr("w:val", &v);
            }
        }
    });
}

/// Sets a section child's attributes to the reference's (nothing when it gave none).
fn set_attrs(sect: &mut Element, name: &str, attrs: &[(String, String)]) {
    if attrs.is_empty() {
        return;
    }
    sect.ensure_child(name);
    if let Some(e) = sect.child_mut(name) {
        e.attrs = attrs.to_vec();
    }
}

/// Removes the section's references of one kind and their relationships; returns their targets.
fn take_refs(sect: &mut Element, rels: &mut XmlDoc, name: &str) -> Vec<String> {
    let ids: Vec<String> =
        sect.elements().filter(|e| e.name == name).filter_map(|e| e.attr("r:id").map(str::to_owned)).collect();
    sect.remove_children(&[name]);
    let mut out = Vec::new();
    rels.root.children.retain(|n| match n {
        Node::Element(r) if r.attr("Id").is_some_and(|i| ids.iter().any(|x| x == i)) => {
            out.push(r.attr("Target").unwrap_or("").to_owned());
            false
        }
        _ => true,
    });
    out
}

fn add_rel(rels: &mut XmlDoc, id: &str, kind: &str, target: &str) {
    rels.root.children.push(Node::Element(
        Element::new("Relationship")
            .with_attr("Id", id)
            .with_attr("Type", &format!("{REL}{kind}"))
            .with_attr("Target", target),
    ));
}

fn add_override(types: &mut XmlDoc, part: &str, content_type: &str) {
    if types.root.elements().any(|o| o.name == "Override" && o.attr("PartName") == Some(part)) {
        return;
    }
    types.root.children.push(Node::Element(
        Element::new("Override").with_attr("PartName", part).with_attr("ContentType", content_type),
    ));
}

fn add_default(types: &mut XmlDoc, ext: &str) {
    if types.root.elements().any(|d| d.name == "Default" && d.attr("Extension") == Some(ext)) {
        return;
    }
    let ct = if ext == "png" { "image/png" } else { "image/jpeg" };
    let at = types.root.children.iter().position(|n| matches!(n, Node::Element(e) if e.name == "Override"));
    let d = Element::new("Default").with_attr("Extension", ext).with_attr("ContentType", ct);
    types.root.children.insert(at.unwrap_or(types.root.children.len()), Node::Element(d));
}
