//! The fix-up layer: everything docx-rs 0.4.22 cannot express, in one place.
//!
//! docx-rs's zip is read back, the XML parts are patched with a tiny XML tree (`xml.rs`,
//! which keeps escaped text untouched), and the package is written again. Each fix says
//! which Word / LibreOffice / pandoc behaviour it addresses:
//!
//! 1. Package: deflate, fixed timestamps and order, no directory entries (deterministic and
//!    ~6× smaller; docx-rs stores uncompressed and stamps the current time).
//! 2. `word/document.xml`: `w:tblHeader` on the first row of every table; table caption
//!    (alt-text title); image description and title, and unique drawing ids; schema element
//!    order.
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

use std::io::{Cursor, Read, Write};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use super::text::clean;
use super::xml::{self, Element, Node, XmlDoc};
use super::{ImageInfo, TableInfo};
use crate::render::{escape, RenderError};
use crate::tree::Meta;

fn err(part: &str, e: impl std::fmt::Display) -> RenderError {
    RenderError::new(format!("DOCX: {part}: {e}"))
}

/// Patches docx-rs's package and writes it again, deflated and deterministic.
pub(super) fn finish(
    raw: &[u8],
    meta: &Meta,
    font: &str,
    tables: &[TableInfo],
    images: &[ImageInfo],
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

    let mut rel_ids = Vec::new();
    for (name, data) in &mut parts {
        let patched = match name.as_str() {
            "word/document.xml" => Some(patch(name, data, |root| {
                mark_tables(root, tables);
                describe_images(root, images);
                collect_rel_ids(root, &mut rel_ids);
            })?),
            "word/styles.xml" => Some(patch(name, data, |root| fix_styles(root, &meta.lang))?),
            "word/settings.xml" => Some(patch(name, data, fix_settings)?),
            "word/_rels/document.xml.rels" => Some(patch(name, data, sort_relationships)?),
            "word/numbering.xml" => Some(patch(name, data, |_| {})?),
            "docProps/core.xml" => Some(core_properties(meta).into_bytes()),
            "word/fontTable.xml" => Some(patch(name, data, |root| add_font(root, font))?),
            n if n.starts_with("word/header") || n.starts_with("word/footer") => Some(patch(name, data, |_| {})?),
            _ => None,
        };
        if let Some(p) = patched {
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

/// Parses a part, applies `fix`, puts children of property elements in schema order.
fn patch(name: &str, data: &[u8], fix: impl FnOnce(&mut Element)) -> Result<Vec<u8>, RenderError> {
    let text = std::str::from_utf8(data).map_err(|e| err(name, e))?;
    let mut doc: XmlDoc = xml::parse(text).map_err(|e| err(name, e))?;
    fix(&mut doc.root);
    // Fix 2–4, 7: docx-rs writes e.g. `w:rPr` before `w:pStyle` in `w:pPr`, `w:pgSz` before
    // `w:headerReference` in `w:sectPr`, `w:basedOn` last in `w:style`. The schema fixes the
    // order; LibreOffice and pandoc do not mind, but Word's validator and "repair" do.
    doc.root.walk_mut(&mut |e| {
        schema_order(e);
        // docx-rs writes `w:type` on `w:gridCol`, an attribute the schema does not have.
        if e.name == "w:gridCol" {
            e.attrs.retain(|(k, _)| k != "w:type");
        }
        // …and an empty `w:rPr` inside the paragraph properties of styles, list levels and
        // the defaults, where the schema allows none (run properties live beside `w:pPr`).
        if matches!(e.name.as_str(), "w:style" | "w:lvl" | "w:pPrDefault") {
            for ppr in e.elements_mut().filter(|c| c.name == "w:pPr") {
                ppr.children.retain(|n| !matches!(n, Node::Element(r) if r.name == "w:rPr" && r.children.is_empty()));
            }
        }
    });
    Ok(xml::serialize(&doc).into_bytes())
}

/// Fix 2: every table's first row is its header row. `w:tblHeader` makes Word and
/// LibreOffice repeat it on each page (LibreOffice did not without it) and marks it as a
/// header for assistive technology; docx-rs has no setter. `w:tblCaption` is the table's
/// title in Word's alt text. `tables` lists them in document order,
/// parents before nested tables (the order of this pre-order walk).
fn mark_tables(root: &mut Element, tables: &[TableInfo]) {
    let mut index = 0usize;
    root.walk_mut(&mut |e| {
        if e.name != "w:tbl" {
            return;
        }
        let info = tables.get(index);
        index += 1;
        if let Some(tr) = e.child_mut("w:tr") {
            if tr.child("w:trPr").is_none() {
                let at = tr
                    .children
                    .iter()
                    .position(|n| matches!(n, Node::Element(c) if c.name != "w:tblPrEx"))
                    .unwrap_or(tr.children.len());
                tr.children.insert(at, Node::Element(Element::new("w:trPr")));
            }
            if let Some(trpr) = tr.child_mut("w:trPr") {
                trpr.ensure_child("w:tblHeader");
            }
        }
        // Body cells of a column too narrow for its longest word may be hyphenated (hyphenation
        // is otherwise off: see `fix_styles`), as the PDF hyphenates them, rather than have
        // Word break the word anywhere.
        let hyphenate = info.map(|i| i.hyphenate.as_slice()).unwrap_or_default();
        if hyphenate.contains(&true) {
            for tr in e.elements_mut().filter(|c| c.name == "w:tr").skip(1) {
                for (x, tc) in tr.elements_mut().filter(|c| c.name == "w:tc").enumerate() {
                    if hyphenate.get(x) == Some(&true) {
                        allow_hyphenation(tc);
                    }
                }
            }
        }
        let caption = info.and_then(|i| i.caption.as_deref()).map(str::trim).filter(|c| !c.is_empty());
        if let (Some(caption), Some(tblpr)) = (caption, e.child_mut("w:tblPr")) {
            tblpr.remove_children(&["w:tblCaption"]);
            tblpr
                .children
                .push(Node::Element(Element::new("w:tblCaption").with_attr("w:val", &escape::attr(&clean(caption)))));
        }
    });
}

/// Fix 2: docx-rs writes every image's `wp:docPr` as `id="1" name="Figure"` with no
/// description. Word wants the ids unique (it repairs the file otherwise), and the description
/// is the image's alt text: what Word's accessibility checker, screen readers, LibreOffice's
/// tagged PDF export and pandoc read. `images` lists them in document order; the title is the
/// caption. The picture's own `pic:cNvPr` gets the same name and description, as Word writes.
fn describe_images(root: &mut Element, images: &[ImageInfo]) {
    let mut index = 0usize;
    root.walk_mut(&mut |e| {
        if e.name != "w:drawing" {
            return;
        }
        let info = images.get(index);
        index += 1;
        let name = format!("Figure {index}");
        let descr = info.map(|i| escape::attr(&i.descr)).unwrap_or_default();
        let title = info.map(|i| escape::attr(&i.title)).unwrap_or_default();
        e.walk_mut(&mut |d| match d.name.as_str() {
            "wp:docPr" => {
                d.set_attr("id", &index.to_string());
                d.set_attr("name", &name);
                d.set_attr("descr", &descr);
                if title.is_empty() {
                    d.attrs.retain(|(k, _)| k != "title");
                } else {
                    d.set_attr("title", &title);
                }
            }
            "pic:cNvPr" => {
                d.set_attr("name", &name);
                d.set_attr("descr", &descr);
            }
            _ => {}
        });
    });
}

/// Lets every paragraph in `cell` be hyphenated: `w:suppressAutoHyphens` off in its properties.
fn allow_hyphenation(cell: &mut Element) {
    cell.walk_mut(&mut |e| {
        if e.name != "w:p" {
            return;
        }
        if e.child("w:pPr").is_none() {
            e.children.insert(0, Node::Element(Element::new("w:pPr")));
        }
        if let Some(ppr) = e.child_mut("w:pPr") {
            ppr.remove_children(&["w:suppressAutoHyphens"]);
            ppr.children.push(Node::Element(Element::new("w:suppressAutoHyphens").with_attr("w:val", "0")));
        }
    });
}

/// Relationship ids referenced from document.xml (checked against the rels part).
fn collect_rel_ids(root: &mut Element, ids: &mut Vec<String>) {
    root.walk_mut(&mut |e| {
        for (k, v) in &e.attrs {
            if k == "r:id" || k == "r:embed" {
                ids.push(v.clone());
            }
        }
    });
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

/// Resolves a relationship target against the source part's folder (`..` allowed).
fn resolve(dir: &str, target: &str) -> String {
    let mut segs: Vec<&str> =
        if target.starts_with('/') { Vec::new() } else { dir.split('/').filter(|s| !s.is_empty()).collect() };
    for seg in target.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    segs.join("/")
}

/// Fix 9: a `w:font` entry for the house font with a generic family, which Word uses to
/// choose a substitute on machines without the font (docx-rs lists only Times New Roman,
/// Symbol and Arial).
fn add_font(root: &mut Element, font: &str) {
    let font = clean(font);
    let font = font.trim();
    if font.is_empty() {
        return;
    }
    let name = escape::attr(font);
    if root.elements().any(|f| f.name == "w:font" && f.attr("w:name") == Some(name.as_str())) {
        return;
    }
    let lower = font.to_ascii_lowercase();
    let (family, pitch) = if lower.contains("mono") || lower.contains("courier") || lower.contains("code") {
        ("modern", "fixed")
    } else if lower.contains("serif") && !lower.contains("sans") || lower.contains("times") || lower.contains("georgia")
    {
        ("roman", "variable")
    } else {
        ("swiss", "variable")
    };
    let mut el = Element::new("w:font").with_attr("w:name", &name);
    el.children.push(Node::Element(Element::new("w:family").with_attr("w:val", family)));
    el.children.push(Node::Element(Element::new("w:pitch").with_attr("w:val", pitch)));
    root.children.push(Node::Element(el));
}

/// Fix 3: docx-rs writes "Normal" without `w:default="1"`, so Word treats the paragraphs
/// without a style as using no style, and new paragraphs typed by the author lose the house
/// font; `w:lang` (docx-rs has none) sets the proofing language, and LibreOffice writes it
/// as the PDF's language (it said en-US without it).
fn fix_styles(root: &mut Element, lang: &str) {
    for style in root.elements_mut().filter(|e| e.name == "w:style") {
        let normal = style.attr("w:type") == Some("paragraph") && style.attr("w:styleId") == Some("Normal");
        if normal {
            style.set_attr("w:default", "1");
        }
    }
    let lang = language(lang);
    if root.child("w:docDefaults").is_none() {
        root.children.insert(0, Node::Element(Element::new("w:docDefaults")));
    }
    let Some(defaults) = root.child_mut("w:docDefaults") else { return };
    defaults.ensure_child("w:rPrDefault");
    let Some(rpr_default) = defaults.child_mut("w:rPrDefault") else { return };
    rpr_default.ensure_child("w:rPr");
    let Some(rpr) = rpr_default.child_mut("w:rPr") else { return };
    rpr.remove_children(&["w:lang"]);
    rpr.children.push(Node::Element(Element::new("w:lang").with_attr("w:val", &lang)));
    // Hyphenation is on for the document (`fix_settings`) but off for every paragraph by
    // default: only the cells of a column too narrow for its words turn it back on.
    defaults.ensure_child("w:pPrDefault");
    let Some(ppr_default) = defaults.child_mut("w:pPrDefault") else { return };
    ppr_default.ensure_child("w:pPr");
    if let Some(ppr) = ppr_default.child_mut("w:pPr") {
        ppr.ensure_child("w:suppressAutoHyphens");
    }
}

/// A BCP 47 tag, reduced to the characters such tags use; `en-GB` if nothing is left.
fn language(tag: &str) -> String {
    let t: String = tag.trim().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
    if t.is_empty() {
        "en-GB".to_owned()
    } else {
        t
    }
}

/// Fix 4: docx-rs always writes Japanese-layout compatibility flags (`w:useFELayout`,
/// `w:spaceForUL`, `w:balanceSingleByteDoubleByteWidth`, …) that change line breaking and
/// underlining in Word for an English document.
fn fix_settings(root: &mut Element) {
    // Hyphenation on (paragraphs turn it off by default; see `fix_styles`), in its place in
    // the schema: after `w:defaultTabStop`.
    if root.child("w:autoHyphenation").is_none() {
        let at = root
            .children
            .iter()
            .position(|n| matches!(n, Node::Element(e) if e.name == "w:defaultTabStop"))
            .map_or(root.children.len(), |i| i + 1);
        root.children.insert(at, Node::Element(Element::new("w:autoHyphenation")));
    }
    if let Some(compat) = root.child_mut("w:compat") {
        compat.remove_children(&[
            "w:spaceForUL",
            "w:balanceSingleByteDoubleByteWidth",
            "w:doNotLeaveBackslashAlone",
            "w:ulTrailSpace",
            "w:doNotExpandShiftReturn",
            "w:useFELayout",
            "w:adjustLineHeightInTable",
        ]);
    }
}

/// Fix 5: relationships sorted by id (natural order: rId2 before rId10).
fn sort_relationships(root: &mut Element) {
    fn key(n: &Node) -> (String, u64, String) {
        let id = match n {
            Node::Element(e) => e.attr("Id").unwrap_or(""),
            _ => "",
        };
        let digits = id.len() - id.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let (prefix, number) = id.split_at(id.len() - digits);
        (prefix.to_owned(), number.parse().unwrap_or(0), id.to_owned())
    }
    root.children.retain(|n| matches!(n, Node::Element(_)));
    root.children.sort_by_key(key);
}

/// Fix 6: core properties from the document's metadata. Dates are the document's date at
/// midnight UTC, never the time of rendering, so output is reproducible.
fn core_properties(meta: &Meta) -> String {
    let text = |s: &str| escape::attr(clean(s).trim());
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<cp:coreProperties \
         xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" \
         xmlns:dcmitype=\"http://purl.org/dc/dcmitype/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">",
    );
    out.push_str(&format!("<dc:title>{}</dc:title>", text(&meta.title)));
    out.push_str(&format!("<dc:subject>{}</dc:subject>", text(&meta.subject)));
    out.push_str(&format!("<dc:creator>{}</dc:creator>", text(&meta.author)));
    out.push_str(&format!("<cp:lastModifiedBy>{}</cp:lastModifiedBy>", text(&meta.author)));
    if !meta.keywords.is_empty() {
        out.push_str(&format!("<cp:keywords>{}</cp:keywords>", text(&meta.keywords.join(", "))));
    }
    out.push_str("<cp:revision>1</cp:revision>");
    out.push_str(&format!("<dc:language>{}</dc:language>", language(&meta.lang)));
    if let Some(date) = iso_date(&meta.date) {
        out.push_str(&format!("<dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}T00:00:00Z</dcterms:created>"));
        out.push_str(&format!("<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}T00:00:00Z</dcterms:modified>"));
    }
    out.push_str("</cp:coreProperties>");
    out
}

/// `YYYY-MM-DD` with a plausible month and day, or `None` (then no dates are written).
fn iso_date(s: &str) -> Option<&str> {
    let s = s.trim();
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r.clone()).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) || !digits(8..10) {
        return None;
    }
    let month: u32 = s[5..7].parse().ok()?;
    let day: u32 = s[8..10].parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(s)
}

/// Schema (ECMA-376 transitional) order of children for the containers docx-rs writes out of
/// order. Children not listed keep their relative order after the listed ones.
fn order(name: &str) -> Option<&'static [&'static str]> {
    Some(match name {
        "w:pPr" => &[
            "w:pStyle",
            "w:keepNext",
            "w:keepLines",
            "w:pageBreakBefore",
            "w:framePr",
            "w:widowControl",
            "w:numPr",
            "w:suppressLineNumbers",
            "w:pBdr",
            "w:shd",
            "w:tabs",
            "w:suppressAutoHyphens",
            "w:kinsoku",
            "w:wordWrap",
            "w:overflowPunct",
            "w:topLinePunct",
            "w:autoSpaceDE",
            "w:autoSpaceDN",
            "w:bidi",
            "w:adjustRightInd",
            "w:snapToGrid",
            "w:spacing",
            "w:ind",
            "w:contextualSpacing",
            "w:mirrorIndents",
            "w:suppressOverlap",
            "w:jc",
            "w:textDirection",
            "w:textAlignment",
            "w:textboxTightWrap",
            "w:outlineLvl",
            "w:divId",
            "w:cnfStyle",
            "w:rPr",
            "w:sectPr",
            "w:pPrChange",
        ],
        "w:rPr" => &[
            "w:ins",
            "w:del",
            "w:moveFrom",
            "w:moveTo",
            "w:rStyle",
            "w:rFonts",
            "w:b",
            "w:bCs",
            "w:i",
            "w:iCs",
            "w:caps",
            "w:smallCaps",
            "w:strike",
            "w:dstrike",
            "w:outline",
            "w:shadow",
            "w:emboss",
            "w:imprint",
            "w:noProof",
            "w:snapToGrid",
            "w:vanish",
            "w:webHidden",
            "w:color",
            "w:spacing",
            "w:w",
            "w:kern",
            "w:position",
            "w:sz",
            "w:szCs",
            "w:highlight",
            "w:u",
            "w:effect",
            "w:bdr",
            "w:shd",
            "w:fitText",
            "w:vertAlign",
            "w:rtl",
            "w:cs",
            "w:em",
            "w:lang",
            "w:eastAsianLayout",
            "w:specVanish",
            "w:oMath",
            "w:rPrChange",
        ],
        "w:sectPr" => &[
            "w:headerReference",
            "w:footnotePr",
            "w:endnotePr",
            "w:type",
            "w:pgSz",
            "w:pgMar",
            "w:paperSrc",
            "w:pgBorders",
            "w:lnNumType",
            "w:pgNumType",
            "w:cols",
            "w:formProt",
            "w:vAlign",
            "w:noEndnote",
            "w:titlePg",
            "w:textDirection",
            "w:bidi",
            "w:rtlGutter",
            "w:docGrid",
            "w:printerSettings",
            "w:sectPrChange",
        ],
        "w:style" => &[
            "w:name",
            "w:aliases",
            "w:basedOn",
            "w:next",
            "w:link",
            "w:autoRedefine",
            "w:hidden",
            "w:uiPriority",
            "w:semiHidden",
            "w:unhideWhenUsed",
            "w:qFormat",
            "w:locked",
            "w:personal",
            "w:personalCompose",
            "w:personalReply",
            "w:rsid",
            "w:pPr",
            "w:rPr",
            "w:tblPr",
            "w:trPr",
            "w:tcPr",
            "w:tblStylePr",
        ],
        "w:tblPr" => &[
            "w:tblStyle",
            "w:tblpPr",
            "w:tblOverlap",
            "w:bidiVisual",
            "w:tblStyleRowBandSize",
            "w:tblStyleColBandSize",
            "w:tblW",
            "w:jc",
            "w:tblCellSpacing",
            "w:tblInd",
            "w:tblBorders",
            "w:shd",
            "w:tblLayout",
            "w:tblCellMar",
            "w:tblLook",
            "w:tblCaption",
            "w:tblDescription",
            "w:tblPrChange",
        ],
        "w:tcPr" => &[
            "w:cnfStyle",
            "w:tcW",
            "w:gridSpan",
            "w:hMerge",
            "w:vMerge",
            "w:tcBorders",
            "w:shd",
            "w:noWrap",
            "w:tcMar",
            "w:textDirection",
            "w:tcFitText",
            "w:vAlign",
            "w:hideMark",
            "w:headers",
            "w:cellIns",
            "w:cellDel",
            "w:cellMerge",
            "w:tcPrChange",
        ],
        "w:tblBorders" | "w:tcBorders" => &[
            "w:top",
            "w:left",
            "w:start",
            "w:bottom",
            "w:right",
            "w:end",
            "w:insideH",
            "w:insideV",
            "w:tl2br",
            "w:tr2bl",
        ],
        "w:tblCellMar" | "w:tcMar" => &["w:top", "w:left", "w:start", "w:bottom", "w:right", "w:end"],
        "w:pBdr" => &["w:top", "w:left", "w:bottom", "w:right", "w:between", "w:bar"],
        "w:lvl" => &[
            "w:start",
            "w:numFmt",
            "w:lvlRestart",
            "w:pStyle",
            "w:isLgl",
            "w:suff",
            "w:lvlText",
            "w:lvlPicBulletId",
            "w:legacy",
            "w:lvlJc",
            "w:pPr",
            "w:rPr",
        ],
        "w:lvlOverride" => &["w:startOverride", "w:lvl"],
        "w:numPr" => &["w:ilvl", "w:numId", "w:numberingChange", "w:ins"],
        "w:settings" => &[
            "w:writeProtection",
            "w:view",
            "w:zoom",
            "w:removePersonalInformation",
            "w:removeDateAndTime",
            "w:doNotDisplayPageBoundaries",
            "w:displayBackgroundShape",
            "w:printPostScriptOverText",
            "w:printFractionalCharacterWidth",
            "w:printFormsData",
            "w:embedTrueTypeFonts",
            "w:embedSystemFonts",
            "w:saveSubsetFonts",
            "w:saveFormsData",
            "w:mirrorMargins",
            "w:alignBordersAndEdges",
            "w:bordersDoNotSurroundHeader",
            "w:bordersDoNotSurroundFooter",
            "w:gutterAtTop",
            "w:hideSpellingErrors",
            "w:hideGrammaticalErrors",
            "w:activeWritingStyle",
            "w:proofState",
            "w:formsDesign",
            "w:attachedTemplate",
            "w:linkStyles",
            "w:stylePaneFormatFilter",
            "w:stylePaneSortMethod",
            "w:documentType",
            "w:mailMerge",
            "w:revisionView",
            "w:trackRevisions",
            "w:doNotTrackMoves",
            "w:doNotTrackFormatting",
            "w:documentProtection",
            "w:autoFormatOverride",
            "w:styleLockTheme",
            "w:styleLockQFSet",
            "w:defaultTabStop",
            "w:autoHyphenation",
            "w:consecutiveHyphenLimit",
            "w:hyphenationZone",
            "w:doNotHyphenateCaps",
            "w:showEnvelope",
            "w:summaryLength",
            "w:clickAndTypeStyle",
            "w:defaultTableStyle",
            "w:evenAndOddHeaders",
            "w:bookFoldRevPrinting",
            "w:bookFoldPrinting",
            "w:bookFoldPrintingSheets",
            "w:drawingGridHorizontalSpacing",
            "w:drawingGridVerticalSpacing",
            "w:displayHorizontalDrawingGridEvery",
            "w:displayVerticalDrawingGridEvery",
            "w:doNotUseMarginsForDrawingGridOrigin",
            "w:drawingGridHorizontalOrigin",
            "w:drawingGridVerticalOrigin",
            "w:doNotShadeFormData",
            "w:noPunctuationKerning",
            "w:characterSpacingControl",
            "w:printTwoOnOne",
            "w:strictFirstAndLastChars",
            "w:noLineBreaksAfter",
            "w:noLineBreaksBefore",
            "w:savePreviewPicture",
            "w:doNotValidateAgainstSchema",
            "w:saveInvalidXml",
            "w:ignoreMixedContent",
            "w:alwaysShowPlaceholderText",
            "w:doNotDemarcateInvalidXml",
            "w:saveXmlDataOnly",
            "w:useXSLTWhenSaving",
            "w:saveThroughXslt",
            "w:showXMLTags",
            "w:alwaysMergeEmptyNamespace",
            "w:updateFields",
            "w:hdrShapeDefaults",
            "w:footnotePr",
            "w:endnotePr",
            "w:compat",
            "w:docVars",
            "w:rsids",
            "m:mathPr",
            "w:attachedSchema",
            "w:themeFontLang",
            "w:clrSchemeMapping",
            "w:doNotIncludeSubdocsInStats",
            "w:doNotAutoCompressPictures",
            "w:forceUpgrade",
            "w:captions",
            "w:readModeInkLockDown",
            "w:smartTagType",
            "w:schemaLibrary",
            "w:shapeDefaults",
            "w:doNotEmbedSmartTags",
            "w:decimalSymbol",
            "w:listSeparator",
        ],
        _ => return None,
    })
}

/// Stable-sorts an element's children into schema order (see [`order`]).
fn schema_order(e: &mut Element) {
    let Some(order) = order(&e.name) else { return };
    let rank = |n: &Node| -> usize {
        match n {
            Node::Element(c) => {
                // Header and footer references form one group in `w:sectPr`.
                let name = if c.name == "w:footerReference" { "w:headerReference" } else { c.name.as_str() };
                order.iter().position(|o| *o == name).unwrap_or(order.len())
            }
            _ => order.len(),
        }
    };
    if e.children.windows(2).any(|w| rank(&w[0]) > rank(&w[1])) {
        e.children.sort_by_key(rank);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_paragraph_properties() {
        let mut doc =
            xml::parse(r#"<w:pPr><w:rPr><w:b/></w:rPr><w:pStyle w:val="x"/><w:spacing/></w:pPr>"#).expect("parses");
        doc.root.walk_mut(&mut schema_order);
        assert_eq!(xml::serialize(&doc), r#"<w:pPr><w:pStyle w:val="x"/><w:spacing/><w:rPr><w:b/></w:rPr></w:pPr>"#);
    }

    #[test]
    fn resolves_targets() {
        assert_eq!(resolve("word", "styles.xml"), "word/styles.xml");
        assert_eq!(resolve("", "word/document.xml"), "word/document.xml");
        assert_eq!(resolve("word", "../customXml/item1.xml"), "customXml/item1.xml");
        assert_eq!(resolve("word", "/word/media/a.png"), "word/media/a.png");
    }

    #[test]
    fn dates_and_languages() {
        assert_eq!(iso_date("2024-01-18"), Some("2024-01-18"));
        assert_eq!(iso_date("2024-13-18"), None);
        assert_eq!(iso_date("18/01/2024"), None);
        assert_eq!(iso_date("２０24-01-18"), None);
        assert_eq!(language(" en-GB "), "en-GB");
        assert_eq!(language("\"><x"), "x");
        assert_eq!(language(""), "en-GB");
    }
}
