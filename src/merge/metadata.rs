//! What the merged document says about itself: the XMP packet, the Info dictionary, the
//! trailer `/ID`, and PDF text strings. Everything here comes from [`MergeOptions`]; nothing of
//! a part's own metadata.

use lopdf::{Dictionary, Object, StringFormat};
use sha2::{Digest, Sha256};

use super::{MergeOptions, Part};
use crate::escape::attr as escape;

/// A PDF text string: PDFDocEncoding's ASCII range as it is, anything else as UTF-16BE with
/// its byte order mark.
pub(super) fn text_string(s: &str) -> Object {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Object::String(s.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut bytes = vec![0xFE, 0xFF];
    for unit in s.encode_utf16() {
        bytes.extend_from_slice(&unit.to_be_bytes());
    }
    Object::String(bytes, StringFormat::Hexadecimal)
}

/// `2024-01-18T10:00:00Z` for XMP.
fn xmp_date(date: time::OffsetDateTime) -> String {
    let d = date.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

/// `D:20240118100000Z` for the Info dictionary.
fn pdf_date(date: time::OffsetDateTime) -> String {
    let d = date.to_offset(time::UtcOffset::UTC);
    format!(
        "D:{:04}{:02}{:02}{:02}{:02}{:02}Z",
        d.year(),
        u8::from(d.month()),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

/// The XMP packet: title, language, keywords, dates, and `pdfuaid:part 1` when `ua` (every
/// part tagged).
pub(super) fn xmp(opts: &MergeOptions, ua: bool) -> String {
    let title = escape(&opts.title);
    let lang = escape(&opts.lang);
    let keywords = escape(&opts.keywords.join(", "));
    let mut s = String::new();
    s.push_str("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    s.push_str(
        "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n",
    );
    s.push_str(
        "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\"",
    );
    if ua {
        s.push_str(" xmlns:pdfuaid=\"http://www.aiim.org/pdfua/ns/id/\"");
    }
    s.push_str(">\n<dc:format>application/pdf</dc:format>\n");
    s.push_str(&format!("<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">{title}</rdf:li></rdf:Alt></dc:title>\n"));
    s.push_str(&format!("<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>\n"));
    if !opts.author.is_empty() {
        let author = escape(&opts.author);
        s.push_str(&format!("<dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>\n"));
    }
    if !opts.keywords.is_empty() {
        s.push_str(&format!("<pdf:Keywords>{keywords}</pdf:Keywords>\n"));
    }
    s.push_str("<pdf:Producer>cabrep</pdf:Producer>\n");
    if let Some(date) = opts.date {
        let date = xmp_date(date);
        s.push_str(&format!(
            "<xmp:CreateDate>{date}</xmp:CreateDate>\n<xmp:ModifyDate>{date}</xmp:ModifyDate>\n\
             <xmp:MetadataDate>{date}</xmp:MetadataDate>\n"
        ));
    }
    if ua {
        s.push_str("<pdfuaid:part>1</pdfuaid:part>\n");
    }
    s.push_str("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"r\"?>");
    s
}

/// The Info dictionary, agreeing with the XMP packet.
pub(super) fn info(opts: &MergeOptions) -> Dictionary {
    let mut d = Dictionary::new();
    d.set("Title", text_string(&opts.title));
    if !opts.author.is_empty() {
        d.set("Author", text_string(&opts.author));
    }
    if !opts.keywords.is_empty() {
        d.set("Keywords", text_string(&opts.keywords.join(", ")));
    }
    d.set("Producer", text_string("cabrep"));
    if let Some(date) = opts.date {
        let date = Object::String(pdf_date(date).into_bytes(), StringFormat::Literal);
        d.set("CreationDate", date.clone());
        d.set("ModDate", date);
    }
    d
}

/// The hash of the file identifier: SHA-256 (stable, and quick on the many megabytes of a large
/// pack's parts), of fields each written length first, so that fields cannot run into each other.
struct Fields(Sha256);

impl Fields {
    fn field(&mut self, bytes: &[u8]) {
        self.0.update((bytes.len() as u64).to_le_bytes());
        self.0.update(bytes);
    }
}

/// The trailer `/ID`: a hash of every input and option, so that the same inputs give the same
/// file, and different ones a different identifier. Each part is hashed in order as it is read
/// ([`FileId::part`]), so that its bytes need not be kept to the end.
pub(super) struct FileId(Fields);

impl FileId {
    pub(super) fn new() -> FileId {
        FileId(Fields(Sha256::new()))
    }

    /// The next part, `pdf` its bytes.
    pub(super) fn part(&mut self, part: &Part, pdf: &[u8]) {
        let h = &mut self.0;
        h.field(pdf);
        h.field(part.title.as_bytes());
        h.field(part.lang.as_deref().unwrap_or("").as_bytes());
        if let super::PartSource::Bound { name } = &part.source {
            h.field(name.as_bytes());
        }
    }

    /// The identifier, every part hashed.
    pub(super) fn finish(self, opts: &MergeOptions) -> [u8; 16] {
        let mut h = self.0;
        h.field(opts.title.as_bytes());
        h.field(opts.lang.as_bytes());
        h.field(opts.author.as_bytes());
        for k in &opts.keywords {
            h.field(k.as_bytes());
        }
        h.field(opts.furniture.as_ref().map_or(&b""[..], |f| &f.pdf));
        if let Some(plan) = opts.furniture.as_ref().and_then(|f| f.plan.as_ref()) {
            h.field(&serde_json::to_vec(plan).unwrap_or_default());
        }
        h.field(opts.date.map(|d| d.unix_timestamp()).unwrap_or(0).to_le_bytes().as_slice());
        let digest = h.0.finalize();
        let mut id = [0u8; 16];
        id.copy_from_slice(&digest[..16]);
        id
    }
}
