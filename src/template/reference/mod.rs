//! The council's own Word file as the house style (`reference = "council-template.docx"` in
//! `template.toml`): the parts of it the DOCX writer takes (the styles part, theme, font table,
//! page size and margins, the headers and footers with their images), read from the package's
//! bytes in bounded time and memory, and the values the PDF and HTML take from it (body and
//! heading fonts, sizes, colours, margins, the table header fill, the header logo).
//!
//! This module never opens a file (the input reader hands it the bytes) and never copies a macro
//! or an external target: a macro-enabled package, or a part to be copied that links outside the
//! package, is refused with an error naming the part. Every part is decompressed into a counter
//! with a cap, so a zip bomb stops at the cap, and an image's pixels are counted from its header
//! before anything decodes it. The file's content is never quoted in a message.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The Word file is at most this large on disk.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// The most entries the package may list.
const MAX_ENTRIES: usize = 2_000;
/// One XML part decompresses to at most this.
const MAX_XML_BYTES: u64 = 16 * 1024 * 1024;
/// One image decompresses to at most this.
const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;
/// Everything read from the package decompresses to at most this, together.
const MAX_TOTAL_BYTES: u64 = 96 * 1024 * 1024;
/// An image has at most this many pixels.
const MAX_PIXELS: u64 = 100_000_000;
/// The most headers and footers taken (a section has at most three of each).
const MAX_FURNITURE: usize = 6;

const W_NS: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R_NS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL_OFFICE_DOCUMENT: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
const REL_STYLES: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles";
const REL_THEME: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme";
const REL_FONT_TABLE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable";
const REL_SETTINGS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings";
const REL_IMAGE: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/image";

/// `reference` in `template.toml`: the Word file's name in the template folder, alone or with a
/// table mapping cabrep's style names to the council's (`[reference] file = "…"` and
/// `[reference.styles] "heading 1" = "Report Heading 1"`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(untagged)]
pub enum ReferenceSetting {
    /// `reference = "council-template.docx"`.
    File(String),
    /// `[reference]` with `file` and `styles`.
    Table(ReferenceTable),
}

/// The `[reference]` table.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ReferenceTable {
    /// The Word file (`.docx` or `.dotx`) in the template folder.
    pub file: String,
    /// cabrep's style name → the name of the Word file's style it is printed in.
    #[serde(default)]
    pub styles: BTreeMap<String, String>,
}

impl ReferenceSetting {
    /// The Word file's name in the template folder.
    pub fn file(&self) -> &str {
        match self {
            ReferenceSetting::File(f) => f,
            ReferenceSetting::Table(t) => &t.file,
        }
    }

    /// The style names mapped by hand.
    pub fn styles(&self) -> BTreeMap<String, String> {
        match self {
            ReferenceSetting::File(_) => BTreeMap::new(),
            ReferenceSetting::Table(t) => t.styles.clone(),
        }
    }
}

/// Whether a header or footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FurnitureKind {
    /// `w:hdr`.
    Header,
    /// `w:ftr`.
    Footer,
}

/// One header or footer of the Word file, to be copied whole.
#[derive(Debug, Clone)]
pub struct FurniturePart {
    /// Header or footer.
    pub kind: FurnitureKind,
    /// `default`, `first` or `even`.
    pub which: String,
    /// The part's XML, as in the Word file.
    pub xml: String,
    /// Its image relationships: id, and the index of the image in [`Reference::media`].
    pub images: Vec<(String, usize)>,
}

/// An image a header or footer shows.
#[derive(Debug, Clone)]
pub struct Media {
    /// `png` or `jpeg`.
    pub ext: &'static str,
    /// The image file.
    pub data: Vec<u8>,
}

/// A Word file read as a house style.
#[derive(Debug, Clone)]
pub struct Reference {
    /// The file as shown in messages.
    pub file: String,
    /// `word/styles.xml`.
    pub styles: String,
    /// The theme part, if any.
    pub theme: Option<String>,
    /// The font table, if any.
    pub font_table: Option<String>,
    /// The page size (`w:pgSz`'s attributes: `w:w`, `w:h`, `w:orient`).
    pub page_size: Vec<(String, String)>,
    /// The margins (`w:pgMar`'s attributes).
    pub page_margins: Vec<(String, String)>,
    /// The first page has a header and footer of its own (`w:titlePg`).
    pub title_page: bool,
    /// Even pages have a header and footer of their own (`w:evenAndOddHeaders` in the settings).
    pub even_and_odd: bool,
    /// Headers and footers, default and first page.
    pub furniture: Vec<FurniturePart>,
    /// The images they show.
    pub media: Vec<Media>,
    /// Style names the Word file holds: name (lower case) → (style id, type, name as written).
    names: BTreeMap<String, (String, String, String)>,
    /// cabrep's style name → the Word file's, as `template.toml` maps them.
    overrides: BTreeMap<String, String>,
    /// The house style read from the file (fonts, sizes, colours, page).
    pub house: ReadStyle,
    /// What was read and mapped, and what could not be: one line each.
    pub notes: Vec<String>,
}

/// The values of the house style a Word file gives, each where it gives one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadStyle {
    /// Body font family.
    pub body_font: Option<String>,
    /// Heading font family (heading 1).
    pub heading_font: Option<String>,
    /// Body size, points.
    pub body_size: Option<f32>,
    /// Heading 1, 2, 3 sizes, points.
    pub heading_sizes: [Option<f32>; 3],
    /// Heading colour, `#rrggbb`.
    pub heading_colour: Option<String>,
    /// Table header fill, `#rrggbb`.
    pub table_header_fill: Option<String>,
    /// Page width and height, millimetres.
    pub page_mm: Option<(f32, f32)>,
    /// Margins top, right, bottom, left, millimetres.
    pub margins_mm: Option<[f32; 4]>,
    /// The first image of the default header (the logo).
    pub logo: Option<usize>,
    /// The logo's width and height as the header prints it, millimetres.
    pub logo_mm: Option<(f32, f32)>,
}

/// A Word file that cannot be used, with the part at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceError(pub String);

/// cabrep's style names the DOCX writer uses, in the order `template check` lists them.
pub const CABREP_STYLES: &[&str] = &[
    "Normal",
    "heading 1",
    "heading 2",
    "heading 3",
    "heading 4",
    "heading 5",
    "heading 6",
    "Quote",
    "Callout",
    "footnote text",
    "footnote reference",
    "caption",
    "List Paragraph",
    "Table Text",
    "Table Heading",
    "header",
    "footer",
    "Hyperlink",
    "Report Table",
    "Header Line",
    "Banner",
    "Contact",
    "Aim",
    "Status",
    "Note",
];

/// Names a council's Word file may give a cabrep style, tried after the style's own name.
fn aliases(name: &str) -> &'static [&'static str] {
    match name {
        "heading 1" => &["Title"],
        "Report Table" => &["Table Grid"],
        "Table Text" => &["Table Paragraph"],
        _ => &[],
    }
}

mod house;
mod package;

pub use house::{families, METRIC_COMPATIBLE};
pub(crate) use package::resolve;
use package::{check_prefix, image_ext, parse, rels_of, w_attr, w_child, Package};

impl Reference {
    /// Reads a Word file's bytes (`file` names it in messages), with cabrep's style names mapped
    /// to its own by `overrides`.
    pub fn read(file: &str, data: &[u8], overrides: BTreeMap<String, String>) -> Result<Reference, ReferenceError> {
        let zip = zip::ZipArchive::new(std::io::Cursor::new(data)).map_err(|e| {
            ReferenceError(format!("{file}: is not a Word file (.docx or .dotx): it is not a zip package ({e})"))
        })?;
        if zip.len() > MAX_ENTRIES {
            return Err(ReferenceError(format!(
                "{file}: the package lists {} parts; the limit is {MAX_ENTRIES}",
                zip.len()
            )));
        }
        let mut pkg = Package { zip, file, total: 0 };
        // Macros are never copied, and a package carrying them is not used at all.
        let names: Vec<String> = pkg.zip.file_names().map(str::to_owned).collect();
        if let Some(m) = names.iter().find(|n| {
            let l = n.to_ascii_lowercase();
            l.ends_with("vbaproject.bin") || l.ends_with("vbadata.xml") || l.contains("activex")
        }) {
            return Err(pkg.err(
                m,
                "is a macro (or ActiveX) part; a reference Word file must be macro-free: save it as .docx or .dotx, not .docm or .dotm",
            ));
        }
        let types = pkg.text("[Content_Types].xml")?;
        let types_doc = parse(file, "[Content_Types].xml", &types)?;
        for n in types_doc.descendants().filter(|n| n.is_element()) {
            let ct = n.attribute("ContentType").unwrap_or("").to_ascii_lowercase();
            if ct.contains("macroenabled") || ct.contains("vbaproject") {
                return Err(pkg.err(
                    "[Content_Types].xml",
                    "declares a macro-enabled document; save the file as .docx or .dotx, not .docm or .dotm",
                ));
            }
        }
        let root_rels = rels_of(&mut pkg, "")?;
        if !pkg.has("_rels/.rels") {
            return Err(pkg.err("_rels/.rels", "missing; the Word file is incomplete"));
        }
        let main = root_rels
            .iter()
            .find(|r| r.kind == REL_OFFICE_DOCUMENT && !r.external)
            .map(|r| r.target.clone())
            .ok_or_else(|| pkg.err("_rels/.rels", "names no main document part"))?;
        let main_text = pkg.text(&main)?;
        let main_doc = parse(file, &main, &main_text)?;
        check_prefix(file, &main, &main_doc)?;
        let rels = rels_of(&mut pkg, &main)?;

        let styles_name = rels
            .iter()
            .find(|r| r.kind == REL_STYLES && !r.external)
            .map(|r| r.target.clone())
            .ok_or_else(|| pkg.err(&main, "has no styles part; a reference Word file gives its styles"))?;
        let styles = pkg.text(&styles_name)?;
        let styles_doc = parse(file, &styles_name, &styles)?;
        check_prefix(file, &styles_name, &styles_doc)?;
        let mut theme = None;
        if let Some(r) = rels.iter().find(|r| r.kind == REL_THEME && !r.external) {
            let t = pkg.text(&r.target)?;
            parse(file, &r.target, &t)?;
            theme = Some(t);
        }
        let mut even_and_odd = false;
        if let Some(r) = rels.iter().find(|r| r.kind == REL_SETTINGS && !r.external) {
            let t = pkg.text(&r.target)?;
            let d = parse(file, &r.target, &t)?;
            even_and_odd = w_child(d.root_element(), &["evenAndOddHeaders"])
                .is_some_and(|e| w_attr(e, "val").is_none_or(|v| v != "0" && v != "false" && v != "off"));
        }
        let mut font_table = None;
        if let Some(r) = rels.iter().find(|r| r.kind == REL_FONT_TABLE && !r.external) {
            let t = pkg.text(&r.target)?;
            check_prefix(file, &r.target, &parse(file, &r.target, &t)?)?;
            font_table = Some(t);
        }

        // The last section's properties: page, margins, headers and footers.
        let body = w_child(main_doc.root_element(), &["body"]).ok_or_else(|| pkg.err(&main, "has no body"))?;
        let sect = body.children().rfind(|c| c.is_element() && c.tag_name().name() == "sectPr");
        let mut page_size = Vec::new();
        let mut page_margins = Vec::new();
        let mut title_page = false;
        let mut furniture = Vec::new();
        let mut media: Vec<Media> = Vec::new();
        let notes = Vec::new();
        if let Some(sect) = sect {
            let attrs = |n: roxmltree::Node<'_, '_>, keep: &[&str]| -> Vec<(String, String)> {
                keep.iter()
                    .filter_map(|k| {
                        w_attr(n, k)
                            .filter(|v| v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
                            .map(|v| (format!("w:{k}"), v.to_owned()))
                    })
                    .collect()
            };
            if let Some(n) = w_child(sect, &["pgSz"]) {
                page_size = attrs(n, &["w", "h", "orient"]);
            }
            if let Some(n) = w_child(sect, &["pgMar"]) {
                page_margins = attrs(n, &["top", "right", "bottom", "left", "header", "footer", "gutter"]);
            }
            title_page =
                w_child(sect, &["titlePg"]).is_some_and(|t| w_attr(t, "val").is_none_or(|v| v != "0" && v != "false"));
            for c in sect.children().filter(|c| c.is_element()) {
                let kind = match c.tag_name().name() {
                    "headerReference" => FurnitureKind::Header,
                    "footerReference" => FurnitureKind::Footer,
                    _ => continue,
                };
                let which = match w_attr(c, "type").unwrap_or("default") {
                    w @ ("default" | "first" | "even") => w,
                    _ => continue,
                };
                if furniture.len() >= MAX_FURNITURE {
                    break;
                }
                let Some(id) = c.attribute((R_NS, "id")) else { continue };
                let rel = rels.iter().find(|r| r.id == id).ok_or_else(|| {
                    pkg.err(&main, format!("names relationship `{id}` for a header or footer, which is missing"))
                })?;
                if rel.external {
                    return Err(pkg.err(
                        &main,
                        format!("its header or footer `{id}` is outside the package; it is never copied"),
                    ));
                }
                let part = rel.target.clone();
                let xml = pkg.text(&part)?;
                check_prefix(file, &part, &parse(file, &part, &xml)?)?;
                let mut images = Vec::new();
                for r in rels_of(&mut pkg, &part)? {
                    if r.external {
                        return Err(pkg.err(
                            &part,
                            format!("relationship `{}` links outside the package ({}); external targets are never copied: embed the image instead", r.id, r.kind.rsplit('/').next().unwrap_or("")),
                        ));
                    }
                    if r.kind != REL_IMAGE {
                        return Err(pkg.err(
                            &part,
                            format!("relationship `{}` is a {} part; a header or footer taken from the reference may hold text, fields and PNG or JPEG images only", r.id, r.kind.rsplit('/').next().unwrap_or("")),
                        ));
                    }
                    let data = pkg.bytes(&r.target, MAX_IMAGE_BYTES)?;
                    let ext = image_ext(&pkg, &r.target, &data)?;
                    images.push((r.id.clone(), media.len()));
                    media.push(Media { ext, data });
                }
                furniture.push(FurniturePart { kind, which: which.to_owned(), xml, images });
            }
        }

        let mut names = BTreeMap::new();
        for s in styles_doc.root_element().children().filter(|c| c.is_element() && c.tag_name().name() == "style") {
            let (Some(id), Some(name)) = (w_attr(s, "styleId"), w_child(s, &["name"]).and_then(|n| w_attr(n, "val")))
            else {
                continue;
            };
            let kind = w_attr(s, "type").unwrap_or("paragraph");
            names.entry(name.to_lowercase()).or_insert((id.to_owned(), kind.to_owned(), name.to_owned()));
        }
        for (ours, theirs) in &overrides {
            if !names.contains_key(&theirs.to_lowercase()) {
                return Err(ReferenceError(format!(
                    "{file}: [reference.styles] \"{ours}\" = \"{theirs}\": the Word file has no style named \"{theirs}\""
                )));
            }
        }
        let mut r = Reference {
            file: file.to_owned(),
            styles: styles.clone(),
            theme,
            font_table,
            page_size,
            page_margins,
            title_page,
            even_and_odd,
            furniture,
            media,
            names,
            overrides,
            house: ReadStyle::default(),
            notes,
        };
        r.house = r.read_style(&styles_doc, r.theme.as_deref());
        Ok(r)
    }

    /// The Word file's style (id) that cabrep's style `name` is printed in: the one
    /// `template.toml` maps it to, else the one of the same name (or a usual alias), if the
    /// file has one of the same type.
    pub fn style_for(&self, name: &str, kind: &str) -> Option<&str> {
        let wanted = self.overrides.get(name).map(String::as_str);
        let tries = wanted.into_iter().chain(std::iter::once(name)).chain(aliases(name).iter().copied());
        for t in tries {
            if let Some((id, k, _)) = self.names.get(&t.to_lowercase()) {
                if k == kind {
                    return Some(id);
                }
            }
        }
        None
    }

    /// The name the Word file gives the style with this id.
    pub fn style_name(&self, id: &str) -> Option<&str> {
        self.names.values().find(|(i, _, _)| i == id).map(|(_, _, n)| n.as_str())
    }

    /// One line per cabrep style: which of the Word file's it is printed in, or that it is added.
    pub fn mapping(&self) -> Vec<String> {
        CABREP_STYLES
            .iter()
            .map(|name| {
                let kind = match *name {
                    "Hyperlink" | "footnote reference" => "character",
                    "Report Table" => "table",
                    _ => "paragraph",
                };
                match self.style_for(name, kind) {
                    Some(id) => format!("\"{name}\" → the Word file's \"{}\"", self.style_name(id).unwrap_or(id)),
                    None => format!("\"{name}\" → added from cabrep's own (the Word file has no such style)"),
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::house::{font_for, hex};
    use super::*;
    use crate::tree::HouseStyle;
    use std::io::Write;

    /// A package of the given parts, deflated.
    fn package(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, text) in parts {
            z.start_file(*name, zip::write::SimpleFileOptions::default()).expect("start");
            z.write_all(text.as_bytes()).expect("write");
        }
        z.finish().expect("finish").into_inner()
    }

    const ROOT_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    const TYPES: &str = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#;

    #[test]
    fn a_font_the_template_lacks_is_set_in_its_metric_twin_when_the_template_has_that() {
        let fams = vec!["Liberation Sans".to_owned()];
        assert_eq!(font_for("Arial", &fams), Some(("Liberation Sans".to_owned(), false)));
        assert_eq!(font_for("liberation sans", &fams), Some(("Liberation Sans".to_owned(), true)));
        assert_eq!(font_for("Calibri", &fams), None);
        assert_eq!(hex("005EB8").as_deref(), Some("#005eb8"));
        assert_eq!(hex("auto"), None);
        assert_eq!(resolve("word", "../media/x.png"), "media/x.png");
    }

    /// A Word file whose body text is in `body` and whose heading 1 is in `heading`.
    fn fonts_file(body: &str, heading: &str) -> Reference {
        const DOC_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;
        let doc = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>"#;
        let styles = format!(
            r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="{body}"/></w:rPr></w:rPrDefault></w:docDefaults><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:rPr><w:rFonts w:ascii="{heading}"/></w:rPr></w:style></w:styles>"#
        );
        let data = package(&[
            ("[Content_Types].xml", TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("word/document.xml", doc),
            ("word/_rels/document.xml.rels", DOC_RELS),
            ("word/styles.xml", &styles),
        ]);
        Reference::read("t.docx", &data, BTreeMap::new()).expect("read")
    }

    fn base_style() -> HouseStyle {
        crate::template::Template::builtin().expect("built-in").settings.style
    }

    #[test]
    fn calibri_and_cambria_are_set_in_the_shipped_carlito_and_caladea_with_a_warning_naming_both() {
        let mut r = fonts_file("Calibri", "Cambria");
        let mut style = base_style();
        let added = r.apply(&mut style, &["Liberation Sans".to_owned()], "logo");
        assert_eq!(style.font, "Carlito");
        assert_eq!(style.heading_font.as_deref(), Some("Caladea"));
        assert_eq!(families(&added.iter().map(|f| f.to_vec()).collect::<Vec<_>>()), ["Caladea", "Carlito"]);
        let warnings: Vec<&String> = r.notes.iter().filter(|n| n.starts_with("warning: ")).collect();
        assert!(warnings[0].contains("\"Calibri\"") && warnings[0].contains("\"Carlito\""), "{warnings:?}");
        assert!(warnings[1].contains("\"Cambria\"") && warnings[1].contains("\"Caladea\""), "{warnings:?}");
    }

    #[test]
    fn arial_is_liberation_sans_and_times_new_roman_liberation_serif_which_is_not_shipped() {
        let mut r = fonts_file("Arial", "Times New Roman");
        let mut style = base_style();
        let added = r.apply(&mut style, &["Liberation Sans".to_owned()], "logo");
        assert_eq!(style.font, "Liberation Sans");
        assert_eq!(style.heading_font, None, "Liberation Serif is not available: headings stay in the body font");
        assert!(added.is_empty());
        let serif = r.notes.iter().find(|n| n.contains("Times New Roman")).expect("a note");
        assert!(serif.starts_with("warning: ") && serif.contains("\"Liberation Serif\""), "{serif}");
        assert!(r.notes.iter().any(|n| n.contains("\"Arial\"") && n.contains("\"Liberation Sans\"")), "{:?}", r.notes);
        // A font the template's fonts/ holds is used as it is, with no warning.
        let mut r = fonts_file("Calibri", "Calibri");
        let added = r.apply(&mut style, &["Calibri".to_owned()], "logo");
        assert!(added.is_empty() && style.font == "Calibri" && r.notes.iter().all(|n| !n.starts_with("warning")));
    }

    #[test]
    fn a_main_part_written_with_another_prefix_is_refused_naming_it() {
        let doc = r#"<x:document xmlns:x="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><x:body/></x:document>"#;
        let data = package(&[("[Content_Types].xml", TYPES), ("_rels/.rels", ROOT_RELS), ("word/document.xml", doc)]);
        let e = Reference::read("t.docx", &data, BTreeMap::new()).expect_err("refused");
        assert!(e.0.starts_with("t.docx: word/document.xml: ") && e.0.contains("`w:` prefix"), "{}", e.0);
    }

    #[test]
    fn a_part_with_a_document_type_declaration_is_refused_without_expanding_it() {
        let doc = r#"<!DOCTYPE w:document [<!ENTITY a "aaaaaaaa">]><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body/></w:document>"#;
        let data = package(&[("[Content_Types].xml", TYPES), ("_rels/.rels", ROOT_RELS), ("word/document.xml", doc)]);
        let e = Reference::read("t.docx", &data, BTreeMap::new()).expect_err("refused");
        assert!(e.0.contains("word/document.xml: is not well-formed XML"), "{}", e.0);
    }
}
