//! The fix-up layer over docx-rs 0.4.22, and the package it lives in: docx-rs's zip is read
//! back, each XML part is patched (in [`super::parts`], with the element order of
//! [`super::schema_order`]), the relationships are checked and unreachable parts dropped, and
//! the package is written again. This file owns the zip in and out and the relationship graph
//! across parts; it never edits a part's content. Each fix says which Word / LibreOffice /
//! pandoc behaviour it addresses:
//!
//! 1. Package: deflate, fixed timestamps and order, no directory entries (deterministic and
//!    ~6× smaller; docx-rs stores uncompressed and stamps the current time).
//! 2. `word/document.xml`: `w:tblHeader` on the first row of every table; table caption
//!    (alt-text title); image description and title, and unique drawing ids; the tooltip of
//!    each internal link (the heading it leads to); schema element order.
//! 3. `word/styles.xml`: "Normal" marked `w:default="1"`; `w:lang` in the default run
//!    properties; schema element order.
//! 4. `word/settings.xml`: East-Asian compatibility flags removed; schema element order.
//! 5. `word/_rels/document.xml.rels`: relationships in a fixed order (docx-rs collects
//!    hyperlinks through a `HashMap`, so their order changes from run to run).
//! 6. `docProps/core.xml`: title, creator, subject, language and dates from the document
//!    (docx-rs has no setters and writes 1970-01-01).
//! 7. Headers, footers, numbering: schema element order.
//! 8. Parts nothing refers to (docx-rs always writes comments and footnotes parts) are
//!    dropped with their content types; every internal relationship target must exist.
//! 9. `word/fontTable.xml`: an entry for the house font, so Word can pick a similar
//!    substitute where the font is not installed.
//! 10. `word/footnotes.xml` (when there are footnotes): the separator footnotes Word requires,
//!     named in `word/settings.xml`, and each note's own number mark.
//!
//! 11. Pictures given as JPEG: docx-rs names every image `media/….png`; a JPEG's part is named
//!     `.jpeg`, its relationship follows, and the content types say `image/jpeg`, so Word and
//!     LibreOffice read a photograph as the JPEG it is (a PNG of it would be many times larger).
//!
//! Fixes 1, 8 and 11 are here; 2–7, 9 and 10 are in [`super::parts`].

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::parts::err;
use super::xml::{self, Node, XmlDoc};
use super::{ImageInfo, TableInfo};
use crate::render::RenderError;
use crate::template::reference::resolve;
use crate::tree::Meta;

/// Patches docx-rs's package and writes it again, deflated and deterministic; with `house`,
/// in the council's Word file's house style (see [`super::reference`]).
#[allow(clippy::too_many_arguments)] // what the writer collected, each a different kind
pub(super) fn finish(
    raw: &[u8],
    meta: &Meta,
    font: &str,
    tables: &[TableInfo],
    images: &[ImageInfo],
    link_names: &std::collections::BTreeMap<String, String>,
    footnotes: bool,
    house: Option<&crate::template::reference::Reference>,
) -> Result<Vec<u8>, RenderError> {
    let mut archive = ZipArchive::new(Cursor::new(raw)).map_err(|e| err("reading docx-rs's package", e))?;
    let mut parts: Vec<(String, Vec<u8>)> = Vec::with_capacity(archive.len());
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).map_err(|e| err("reading docx-rs's package", e))?;
        // Fix 1: directory entries are not OPC parts; Word never writes them.
        if file.is_dir() {
            continue;
        }
        let name = file.name().to_owned();
        let mut data = Vec::new();
        file.read_to_end(&mut data).map_err(|e| err(&name, e))?;
        parts.push((name, data));
    }

    name_jpeg_media(&mut parts, images)?;
    // The council's Word file, when the template names one (see `reference.rs`).
    if let Some(r) = house {
        super::reference::graft(&mut parts, r)?;
    }
    let mut rel_ids = Vec::new();
    let notes = super::parts::DocumentNotes { tables, images, link_names, footnotes };
    for (name, data) in &mut parts {
        if let Some(p) = super::parts::fix(name, data, meta, font, &notes, &mut rel_ids)? {
            *data = p;
        }
    }
    check_relationships(&parts, &rel_ids)?;
    prune(&mut parts)?;

    // Fix 1: deflate, a fixed timestamp (1980-01-01) and fixed permissions, in docx-rs's
    // fixed part order ([Content_Types].xml first), so the same input gives the same bytes.
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(DateTime::default())
        .unix_permissions(0o644);
    let mut out = ZipWriter::new(Cursor::new(Vec::new()));
    for (name, data) in &parts {
        out.start_file(name.as_str(), options).map_err(|e| err(name, e))?;
        out.write_all(data).map_err(|e| err(name, e))?;
    }
    let cursor = out.finish().map_err(|e| err("writing the package", e))?;
    Ok(cursor.into_inner())
}

/// Fix 11: the media part of each JPEG picture (the `N`th image is `word/media/rIdImageN.png`,
/// its relationship `rIdImageN`) is named `.jpeg`, and the content types give that extension
/// its type.
fn name_jpeg_media(parts: &mut [(String, Vec<u8>)], images: &[ImageInfo]) -> Result<(), RenderError> {
    const RELS: &str = "word/_rels/document.xml.rels";
    const TYPES: &str = "[Content_Types].xml";
    let jpegs: Vec<usize> = images.iter().enumerate().filter(|(_, i)| i.jpeg).map(|(n, _)| n + 1).collect();
    if jpegs.is_empty() {
        return Ok(());
    }
    for (name, data) in parts.iter_mut() {
        if name == RELS {
            let mut doc = xml::parse(std::str::from_utf8(data).map_err(|e| err(RELS, e))?).map_err(|e| err(RELS, e))?;
            for r in doc.root.elements_mut() {
                let is_jpeg = jpegs.iter().any(|n| r.attr("Id") == Some(format!("rIdImage{n}").as_str()));
                if let Some(target) = r.attr("Target").filter(|_| is_jpeg).and_then(|t| t.strip_suffix(".png")) {
                    let target = format!("{target}.jpeg");
                    r.set_attr("Target", &target);
                }
            }
            *data = xml::serialize(&doc).into_bytes();
        } else if name == TYPES {
            let mut doc =
                xml::parse(std::str::from_utf8(data).map_err(|e| err(TYPES, e))?).map_err(|e| err(TYPES, e))?;
            if !doc.root.elements().any(|d| d.name == "Default" && d.attr("Extension") == Some("jpeg")) {
                // Defaults come before overrides in the schema.
                let at = doc.root.children.iter().position(|n| matches!(n, Node::Element(e) if e.name == "Override"));
                let default =
                    xml::Element::new("Default").with_attr("Extension", "jpeg").with_attr("ContentType", "image/jpeg");
                doc.root.children.insert(at.unwrap_or(doc.root.children.len()), Node::Element(default));
            }
            *data = xml::serialize(&doc).into_bytes();
        } else if let Some(n) = name.strip_prefix("word/media/rIdImage").and_then(|r| r.strip_suffix(".png")) {
            if n.parse::<usize>().is_ok_and(|n| jpegs.contains(&n)) {
                *name = format!("word/media/rIdImage{n}.jpeg");
            }
        }
    }
    Ok(())
}

/// Every relationship id used in document.xml must exist: a dangling one makes Word refuse
/// the file. This catches a docx-rs change in how hyperlinks are collected.
fn check_relationships(parts: &[(String, Vec<u8>)], ids: &[String]) -> Result<(), RenderError> {
    let Some((_, rels)) = parts.iter().find(|(n, _)| n == "word/_rels/document.xml.rels") else {
        return Err(err("word/_rels/document.xml.rels", "missing"));
    };
    let rels = std::str::from_utf8(rels).map_err(|e| err("word/_rels/document.xml.rels", e))?;
    let rels = xml::parse(rels).map_err(|e| err("word/_rels/document.xml.rels", e))?;
    for id in ids {
        if !rels.root.elements().any(|r| r.attr("Id") == Some(id.as_str())) {
            return Err(err("word/document.xml", format!("relationship `{id}` is missing")));
        }
    }
    Ok(())
}

/// Fix 8: keeps only parts reachable through relationships from `_rels/.rels` (plus the
/// content types and the relationship parts of kept parts), removes content-type overrides
/// for parts that are gone, and drops `commentsExtended` when there are no comments (docx-rs
/// links it unconditionally). A relationship to a missing part is an error: Word would
/// report the file as corrupt.
fn prune(parts: &mut Vec<(String, Vec<u8>)>) -> Result<(), RenderError> {
    const COMMENTS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments";
    const COMMENTS_EXTENDED: &str = "http://schemas.microsoft.com/office/2011/relationships/commentsExtended";

    // Relationship parts, parsed; drop commentsExtended without comments.
    let mut rels: Vec<(String, XmlDoc)> = Vec::new();
    for (name, data) in parts.iter_mut() {
        if !name.ends_with(".rels") {
            continue;
        }
        let text = std::str::from_utf8(data).map_err(|e| err(name, e))?;
        let mut doc = xml::parse(text).map_err(|e| err(name, e))?;
        let has_comments = doc.root.elements().any(|r| r.attr("Type") == Some(COMMENTS));
        if !has_comments {
            let before = doc.root.children.len();
            doc.root.children.retain(|n| !matches!(n, Node::Element(r) if r.attr("Type") == Some(COMMENTS_EXTENDED)));
            if doc.root.children.len() != before {
                *data = xml::serialize(&doc).into_bytes();
            }
        }
        rels.push((name.clone(), doc));
    }

    // Walk the relationship graph from the package root.
    let exists = |p: &str| parts.iter().any(|(n, _)| n == p);
    let mut keep: Vec<String> = vec!["[Content_Types].xml".to_owned()];
    let mut queue: Vec<String> = vec![String::new()]; // "" = the package itself
    while let Some(source) = queue.pop() {
        let (dir, file) = match source.rsplit_once('/') {
            Some((d, f)) => (d.to_owned(), f.to_owned()),
            None => (String::new(), source.clone()),
        };
        let rels_name = if dir.is_empty() { format!("_rels/{file}.rels") } else { format!("{dir}/_rels/{file}.rels") };
        let Some((_, doc)) = rels.iter().find(|(n, _)| *n == rels_name) else { continue };
        keep.push(rels_name.clone());
        for r in doc.root.elements() {
            if r.attr("TargetMode") == Some("External") {
                continue;
            }
            let Some(target) = r.attr("Target") else { continue };
            let resolved = resolve(&dir, target);
            if !exists(&resolved) {
                return Err(err(&rels_name, format!("relationship target `{resolved}` is missing")));
            }
            if !keep.contains(&resolved) {
                keep.push(resolved.clone());
                queue.push(resolved);
            }
        }
    }
    parts.retain(|(n, _)| keep.contains(n));

    // Content types: overrides only for parts that exist.
    if let Some((name, data)) = parts.iter_mut().find(|(n, _)| n == "[Content_Types].xml") {
        let text = std::str::from_utf8(data).map_err(|e| err(name, e))?;
        let mut doc = xml::parse(text).map_err(|e| err(name, e))?;
        doc.root.children.retain(|n| match n {
            Node::Element(o) if o.name == "Override" => {
                o.attr("PartName").is_some_and(|p| keep.iter().any(|k| p.strip_prefix('/') == Some(k.as_str())))
            }
            _ => true,
        });
        *data = xml::serialize(&doc).into_bytes();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_targets() {
        assert_eq!(resolve("word", "styles.xml"), "word/styles.xml");
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
        assert_eq!(resolve("word", "../customXml/item1.xml"), "customXml/item1.xml");
        assert_eq!(resolve("word", "/word/media/a.png"), "word/media/a.png");
    }
}
