//! Reading the Word file's package: its parts, decompressed into a counter with a cap, its
//! relationships, well-formed XML without a document type declaration, and its header images' sizes.

use std::io::Read;

use super::{ReferenceError, MAX_PIXELS, MAX_TOTAL_BYTES, MAX_XML_BYTES, W_NS};

/// A package being read: the archive and how much has been decompressed from it.
pub(super) struct Package<'a> {
    pub(super) zip: zip::ZipArchive<std::io::Cursor<&'a [u8]>>,
    pub(super) file: &'a str,
    pub(super) total: u64,
}

impl Package<'_> {
    pub(super) fn err(&self, part: &str, what: impl std::fmt::Display) -> ReferenceError {
        ReferenceError(format!("{}: {part}: {what}", self.file))
    }

    pub(super) fn has(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// A part's bytes, decompressed into a counter: at most `cap`, and the package's total.
    pub(super) fn bytes(&mut self, name: &str, cap: u64) -> Result<Vec<u8>, ReferenceError> {
        let file = self.file;
        let total = self.total;
        let mut entry = match self.zip.by_name(name) {
            Ok(e) => e,
            Err(zip::result::ZipError::FileNotFound) => {
                return Err(ReferenceError(format!("{file}: {name}: missing; the Word file is incomplete")))
            }
            Err(e) => return Err(ReferenceError(format!("{file}: {name}: cannot be read: {e}"))),
        };
        let room = cap.min(MAX_TOTAL_BYTES.saturating_sub(total));
        if entry.size() > room {
            return Err(ReferenceError(format!(
                "{file}: {name}: decompresses to {} bytes; the limit is {room} bytes",
                entry.size()
            )));
        }
        let mut data = Vec::new();
        (&mut entry)
            .take(room + 1)
            .read_to_end(&mut data)
            .map_err(|e| ReferenceError(format!("{file}: {name}: cannot be read: {e}")))?;
        if data.len() as u64 > room {
            return Err(ReferenceError(format!(
                "{file}: {name}: decompresses to more than {room} bytes (the limit); the file may be a zip bomb"
            )));
        }
        self.total += data.len() as u64;
        Ok(data)
    }

    /// A part's text (UTF-8 XML).
    pub(super) fn text(&mut self, name: &str) -> Result<String, ReferenceError> {
        let data = self.bytes(name, MAX_XML_BYTES)?;
        String::from_utf8(data).map_err(|_| self.err(name, "is not UTF-8 XML"))
    }
}

/// A part's relationships: id, type, target (resolved), external.
pub(super) struct Rel {
    pub(super) id: String,
    pub(super) kind: String,
    pub(super) target: String,
    pub(super) external: bool,
}

/// Parses an XML part, refusing a document type declaration (entities are never expanded).
pub(super) fn parse<'a>(file: &str, part: &str, text: &'a str) -> Result<roxmltree::Document<'a>, ReferenceError> {
    let opts = roxmltree::ParsingOptions { allow_dtd: false, ..roxmltree::ParsingOptions::default() };
    roxmltree::Document::parse_with_options(text, opts)
        .map_err(|e| ReferenceError(format!("{file}: {part}: is not well-formed XML ({e})")))
}

/// The relationships part of `part` (`word/document.xml` → `word/_rels/document.xml.rels`); none
/// when it has no such part.
pub(super) fn rels_of(pkg: &mut Package<'_>, part: &str) -> Result<Vec<Rel>, ReferenceError> {
    let (dir, name) = part.rsplit_once('/').unwrap_or(("", part));
    let rels_name = if dir.is_empty() { format!("_rels/{name}.rels") } else { format!("{dir}/_rels/{name}.rels") };
    if !pkg.has(&rels_name) {
        return Ok(Vec::new());
    }
    let text = pkg.text(&rels_name)?;
    let doc = parse(pkg.file, &rels_name, &text)?;
    let mut out = Vec::new();
    for r in doc.root_element().children().filter(|n| n.is_element() && n.tag_name().name() == "Relationship") {
        let external = r.attribute("TargetMode") == Some("External");
        let target = r.attribute("Target").unwrap_or("");
        out.push(Rel {
            id: r.attribute("Id").unwrap_or("").to_owned(),
            kind: r.attribute("Type").unwrap_or("").to_owned(),
            target: if external { target.to_owned() } else { resolve(dir, target) },
            external,
        });
    }
    Ok(out)
}

/// Resolves a relationship target against its source part's folder (`..` allowed); the DOCX
/// writer resolves its own package's targets with it too.
pub(crate) fn resolve(dir: &str, target: &str) -> String {
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

/// An attribute in the WordprocessingML namespace.
pub(super) fn w_attr<'a>(n: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    n.attribute((W_NS, name))
}

/// The first descendant (depth-first) in the WordprocessingML namespace with this local name.
pub(super) fn w_child<'a, 'i>(n: roxmltree::Node<'a, 'i>, path: &[&str]) -> Option<roxmltree::Node<'a, 'i>> {
    let mut at = n;
    for name in path {
        at = at
            .children()
            .find(|c| c.is_element() && c.tag_name().namespace() == Some(W_NS) && c.tag_name().name() == *name)?;
    }
    Some(at)
}

/// The main namespace's prefix must be `w` in a part whose content is edited or copied whole.
pub(super) fn check_prefix(file: &str, part: &str, doc: &roxmltree::Document<'_>) -> Result<(), ReferenceError> {
    let root = doc.root_element();
    if root.tag_name().namespace() != Some(W_NS) || root.lookup_prefix(W_NS) != Some("w") {
        return Err(ReferenceError(format!(
            "{file}: {part}: is not WordprocessingML written with the usual `w:` prefix; open the file in Word or LibreOffice and save it as a .docx again"
        )));
    }
    Ok(())
}

/// A header image's file type from its content (PNG or JPEG only), its pixels counted from its
/// header before anything decodes it.
pub(super) fn image_ext(pkg: &Package<'_>, part: &str, data: &[u8]) -> Result<&'static str, ReferenceError> {
    let ext = if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        "png"
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "jpeg"
    } else {
        return Err(
            pkg.err(part, "is not a PNG or JPEG image; a header or footer logo taken from the reference must be one")
        );
    };
    let dims = image::ImageReader::new(std::io::Cursor::new(data))
        .with_guessed_format()
        .map_err(|e| pkg.err(part, format!("cannot be read as an image ({e})")))?
        .into_dimensions()
        .map_err(|e| pkg.err(part, format!("cannot be read as an image ({e})")))?;
    let pixels = u64::from(dims.0) * u64::from(dims.1);
    if pixels > MAX_PIXELS {
        return Err(pkg.err(part, format!("is {} × {} pixels; the limit is {MAX_PIXELS} pixels", dims.0, dims.1)));
    }
    Ok(ext)
}
