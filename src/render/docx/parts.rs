//! Per-part fixes of docx-rs's XML (fixes 2–7 and 9 of [`super::package`]): each takes one
//! parsed part and patches it in place, then puts its property elements in schema order
//! ([`super::schema_order`]). Nothing here reads or writes the zip, or looks across parts.

use super::schema_order::schema_order;
use super::text::clean;
use super::xml::{self, Element, Node, XmlDoc};
use super::{ImageInfo, TableInfo};
use crate::render::{escape, RenderError};
use crate::tree::Meta;

/// A failure in the named part, as a render error (a docx-rs change, never the author's input).
pub(super) fn err(part: &str, e: impl std::fmt::Display) -> RenderError {
    RenderError::new(format!("DOCX: {part}: {e}"))
}

/// What the writer learnt while rendering that docx-rs cannot write into `word/document.xml`.
pub(super) struct DocumentNotes<'a> {
    /// Every table, in document order.
    pub tables: &'a [TableInfo],
    /// Every image, in document order.
    pub images: &'a [ImageInfo],
    /// Bookmark name → the heading it marks (an internal link's tooltip).
    pub link_names: &'a std::collections::BTreeMap<String, String>,
    /// Whether the document has footnotes (`word/footnotes.xml` and its settings).
    pub footnotes: bool,
}

/// The fixed bytes of the part `name`, or `None` where the part needs no fix. The relationship
/// ids that `word/document.xml` uses are added to `rel_ids`, for the package to check.
pub(super) fn fix(
    name: &str,
    data: &[u8],
    meta: &Meta,
    font: &str,
    notes: &DocumentNotes,
    rel_ids: &mut Vec<String>,
) -> Result<Option<Vec<u8>>, RenderError> {
    Ok(match name {
        "word/document.xml" => Some(patch(name, data, |root| {
            mark_tables(root, notes.tables);
            describe_images(root, notes.images);
            name_links(root, notes.link_names);
            collect_rel_ids(root, rel_ids);
        })?),
        "word/styles.xml" => Some(patch(name, data, |root| fix_styles(root, &meta.lang))?),
        "word/settings.xml" => Some(patch(name, data, |root| {
            fix_settings(root);
            if notes.footnotes {
                footnote_settings(root);
            }
        })?),
        "word/footnotes.xml" if notes.footnotes => Some(patch(name, data, fix_footnotes)?),
        "word/_rels/document.xml.rels" => Some(patch(name, data, sort_relationships)?),
        "word/numbering.xml" => Some(patch(name, data, |_| {})?),
        "docProps/core.xml" => Some(core_properties(meta).into_bytes()),
        "word/fontTable.xml" => Some(patch(name, data, |root| add_font(root, font))?),
        n if n.starts_with("word/header") || n.starts_with("word/footer") => Some(patch(name, data, |_| {})?),
        _ => None,
    })
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

/// Fix 2: an internal link's `w:tooltip` names the heading it leads to (`link_names`:
/// bookmark name → the heading's number and text), which Word shows and reads out; docx-rs
/// has no setter. A link to a bookmark of no heading gets none.
fn name_links(root: &mut Element, link_names: &std::collections::BTreeMap<String, String>) {
    root.walk_mut(&mut |e| {
        if e.name != "w:hyperlink" {
            return;
        }
        if let Some(name) = e.attr("w:anchor").and_then(|a| link_names.get(a)) {
            let tooltip = crate::render::escape::attr(name);
            e.set_attr("w:tooltip", &tooltip);
        }
    });
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
        if info.and_then(|i| i.row_header) == Some(0) {
            mark_row_headers(e);
        }
        let caption = info.and_then(|i| i.caption.as_deref()).map(str::trim).filter(|c| !c.is_empty());
        if let (Some(caption), Some(tblpr)) = (caption, e.child_mut("w:tblPr")) {
            tblpr.remove_children(&["w:tblCaption"]);
            tblpr
                .children
                .push(Node::Element(Element::new("w:tblCaption").with_attr("w:val", &escape::attr(&clean(caption)))));
        }
        let description = info.and_then(|i| i.description.as_deref()).filter(|d| !d.trim().is_empty());
        if let (Some(description), Some(tblpr)) = (description, e.child_mut("w:tblPr")) {
            tblpr.remove_children(&["w:tblDescription"]);
            tblpr.children.push(Node::Element(
                Element::new("w:tblDescription").with_attr("w:val", &escape::attr(&clean(description))),
            ));
        }
    });
}

/// A table whose first column names its rows (as the PDF's `TH /Scope /Row` and the HTML's
/// `<th scope="row">` do) says so to Word: `w:tblLook w:firstColumn="1"` on the table (with its
/// header row, `w:firstRow="1"`), and each body row's first cell is marked as a first-column
/// cell (`w:cnfStyle w:firstColumn="1"`). Word has no row header for another column.
fn mark_row_headers(tbl: &mut Element) {
    if let Some(tblpr) = tbl.child_mut("w:tblPr") {
        tblpr.remove_children(&["w:tblLook"]);
        tblpr.children.push(Node::Element(
            Element::new("w:tblLook")
                .with_attr("w:firstRow", "1")
                .with_attr("w:lastRow", "0")
                .with_attr("w:firstColumn", "1")
                .with_attr("w:lastColumn", "0")
                .with_attr("w:noHBand", "1")
                .with_attr("w:noVBand", "1"),
        ));
    }
    for tr in tbl.elements_mut().filter(|c| c.name == "w:tr").skip(1) {
        let Some(tc) = tr.elements_mut().find(|c| c.name == "w:tc") else { continue };
        if tc.child("w:tcPr").is_none() {
            tc.children.insert(0, Node::Element(Element::new("w:tcPr")));
        }
        if let Some(tcpr) = tc.child_mut("w:tcPr") {
            tcpr.remove_children(&["w:cnfStyle"]);
            tcpr.children.push(Node::Element(Element::new("w:cnfStyle").with_attr("w:firstColumn", "1")));
        }
    }
}

/// Fix 2: docx-rs writes every image's `wp:docPr` as `id="1" name="Figure"` with no
/// description. Word wants the ids unique (it repairs the file otherwise), and the description
/// is the image's alt text: what Word's accessibility checker, screen readers, LibreOffice's
/// tagged PDF export and pandoc read. `images` lists them in document order; the title is the
/// caption. The picture's own `pic:cNvPr` gets the same name and description, as Word writes.
/// A decorative picture (no alt text) carries Word's decorative mark (`adec:decorative`).
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
        let decorative = info.is_some_and(|i| i.decorative);
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
                if decorative {
                    d.children.push(Node::Element(decorative_mark()));
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

/// `a:extLst` holding Word's decorative mark, the extension Word writes for "Mark as decorative".
fn decorative_mark() -> Element {
    let mark = Element::new("adec:decorative")
        .with_attr("xmlns:adec", "http://schemas.microsoft.com/office/drawing/2017/decorative")
        .with_attr("val", "1");
    let mut ext = Element::new("a:ext").with_attr("uri", "{C183D7F6-B498-43B3-948B-1728B52AA6E4}");
    ext.children.push(Node::Element(mark));
    let mut list =
        Element::new("a:extLst").with_attr("xmlns:a", "http://schemas.openxmlformats.org/drawingml/2006/main");
    list.children.push(Node::Element(ext));
    list
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

/// Fix 10: the separator and continuation separator footnotes Word requires (ids -1 and 0),
/// first; and in each note, its number mark (`w:footnoteRef`) at the start of its first
/// paragraph, as Word writes it (docx-rs writes neither).
fn fix_footnotes(root: &mut Element) {
    for note in root.elements_mut().filter(|e| e.name == "w:footnote") {
        let Some(p) = note.elements_mut().find(|e| e.name == "w:p") else { continue };
        let at =
            p.children.iter().position(|n| matches!(n, Node::Element(e) if e.name == "w:pPr")).map_or(0, |i| i + 1);
        let mut rpr = Element::new("w:rPr");
        rpr.children
            .push(Node::Element(Element::new("w:rStyle").with_attr("w:val", super::styles::id::FOOTNOTE_REFERENCE)));
        let mut run = Element::new("w:r");
        run.children.push(Node::Element(rpr));
        run.children.push(Node::Element(Element::new("w:footnoteRef")));
        p.children.insert(at, Node::Element(run));
    }
    let separator = |kind: &str, id: &str, mark: &str| {
        let mut spacing = Element::new("w:pPr");
        spacing.children.push(Node::Element(
            Element::new("w:spacing")
                .with_attr("w:after", "0")
                .with_attr("w:line", "240")
                .with_attr("w:lineRule", "auto"),
        ));
        let mut run = Element::new("w:r");
        run.children.push(Node::Element(Element::new(mark)));
        let mut p = Element::new("w:p");
        p.children.push(Node::Element(spacing));
        p.children.push(Node::Element(run));
        let mut note = Element::new("w:footnote").with_attr("w:type", kind).with_attr("w:id", id);
        note.children.push(Node::Element(p));
        Node::Element(note)
    };
    root.children.insert(0, separator("continuationSeparator", "0", "w:continuationSeparator"));
    root.children.insert(0, separator("separator", "-1", "w:separator"));
}

/// Fix 10: the settings name the separator footnotes (`w:footnotePr`), in their place in the
/// schema (the element order of `schema_order.rs` puts it there).
fn footnote_settings(root: &mut Element) {
    if root.child("w:footnotePr").is_some() {
        return;
    }
    let mut pr = Element::new("w:footnotePr");
    pr.children.push(Node::Element(Element::new("w:footnote").with_attr("w:id", "-1")));
    pr.children.push(Node::Element(Element::new("w:footnote").with_attr("w:id", "0")));
    root.children.push(Node::Element(pr));
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
    // W3CDTF has four-digit years only: a date outside them gets no timestamps.
    let d = meta.date;
    if (0..=9999).contains(&d.year()) {
        let date = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
        out.push_str(&format!("<dcterms:created xsi:type=\"dcterms:W3CDTF\">{date}T00:00:00Z</dcterms:created>"));
        out.push_str(&format!("<dcterms:modified xsi:type=\"dcterms:W3CDTF\">{date}T00:00:00Z</dcterms:modified>"));
    }
    out.push_str("</cp:coreProperties>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(language(" en-GB "), "en-GB");
        assert_eq!(language("\"><x"), "x");
        assert_eq!(language(""), "en-GB");
    }
}
