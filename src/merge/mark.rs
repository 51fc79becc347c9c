//! The not-for-publication mark, set on a finished PDF whatever made it: the keyword in the Info
//! dictionary's `/Keywords` and in the XMP metadata (`pdf:Keywords` and `dc:subject`), and a
//! stamp (a page of furniture saying NOT FOR PUBLICATION, drawn as an artifact) on each page the
//! caller names — those whose own header does not say so already.

use lopdf::{Dictionary, Object, ObjectId, Stream};

use super::metadata::text_string;
use super::seen::text_string as read_text_string;
use super::stamp::stamp;
use super::{FurniturePdf, MergeError, MergeErrorKind, Output};

const NAME: &str = "the document to be marked not for publication";

fn error(kind: MergeErrorKind) -> MergeError {
    MergeError { name: NAME.into(), kind }
}

/// What to stamp: page *i* of `furniture` onto page `pages[i]` (0-based) of the document.
#[derive(Debug, Clone, Copy)]
pub struct Stamps<'a> {
    /// The pages to stamp, 0-based, in order.
    pub pages: &'a [usize],
    /// The furniture for the pages (see [`FurniturePdf`]): without a plan, a PDF with one page
    /// per entry of `pages`, each the size of that page as displayed.
    pub furniture: &'a FurniturePdf,
}

/// Marks `pdf` (a PDF cabrep made) as not for publication with `keyword`: in its Info dictionary
/// and XMP metadata, and with `stamps` on the pages they name. Deterministic: the same input gives
/// the same bytes.
pub fn mark_not_for_publication(pdf: &[u8], keyword: &str, stamps: Option<Stamps<'_>>) -> Result<Vec<u8>, MergeError> {
    let mut doc = super::source::Source::load(pdf, NAME)?.doc;

    // The Info dictionary's keywords.
    let info_id = match doc.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => id,
        Err(_) => {
            let id = doc.add_object(Object::Dictionary(Dictionary::new()));
            doc.trailer.set("Info", Object::Reference(id));
            id
        }
    };
    if let Ok(Object::Dictionary(info)) = doc.get_object_mut(info_id) {
        let existing = match info.get(b"Keywords") {
            Ok(Object::String(bytes, _)) => read_text_string(bytes),
            _ => String::new(),
        };
        if !existing.to_lowercase().contains(&keyword.to_lowercase()) {
            let joined = if existing.trim().is_empty() { keyword.to_owned() } else { format!("{existing}, {keyword}") };
            info.set("Keywords", text_string(&joined));
        }
    }

    // The XMP packet.
    let catalog_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(|e| error(MergeErrorKind::Corrupt(e.to_string())))?;
    let metadata = doc.get_dictionary(catalog_id).ok().and_then(|c| c.get(b"Metadata").ok()).cloned();
    let existing: Option<(ObjectId, String)> = match metadata {
        Some(Object::Reference(id)) => doc.get_object(id).ok().and_then(|o| o.as_stream().ok()).map(|s| {
            let bytes = s.decompressed_content().unwrap_or_else(|_| s.content.clone());
            (id, String::from_utf8_lossy(&bytes).into_owned())
        }),
        _ => None,
    };
    match existing {
        Some((id, xmp)) => {
            let marked = xmp_with_keyword(&xmp, keyword);
            if marked != xmp {
                let mut dict = Dictionary::new();
                dict.set("Type", Object::Name(b"Metadata".to_vec()));
                dict.set("Subtype", Object::Name(b"XML".to_vec()));
                doc.objects.insert(id, Object::Stream(Stream::new(dict, marked.into_bytes()).with_compression(false)));
            }
        }
        None => {
            let xmp = xmp_with_keyword(EMPTY_XMP, keyword);
            let mut dict = Dictionary::new();
            dict.set("Type", Object::Name(b"Metadata".to_vec()));
            dict.set("Subtype", Object::Name(b"XML".to_vec()));
            let id = doc.add_object(Object::Stream(Stream::new(dict, xmp.into_bytes()).with_compression(false)));
            if let Ok(Object::Dictionary(catalog)) = doc.get_object_mut(catalog_id) {
                catalog.set("Metadata", Object::Reference(id));
            }
        }
    }

    // The stamps, through the merge's furniture.
    if let Some(stamps) = stamps.filter(|s| !s.pages.is_empty()) {
        let all: Vec<ObjectId> = doc.get_pages().into_values().collect();
        let mut targets = Vec::with_capacity(stamps.pages.len());
        for &i in stamps.pages {
            targets.push(
                *all.get(i)
                    .ok_or_else(|| error(MergeErrorKind::Corrupt(format!("it has no page {} to stamp", i + 1))))?,
            );
        }
        let mut out = Output::whole(std::mem::take(&mut doc.objects), doc.max_id + 1);
        stamp(&mut out, &targets, stamps.furniture)?;
        doc.objects = out.objects;
        doc.max_id = out.next - 1;
    }

    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).map_err(|e| error(MergeErrorKind::Write(e.to_string())))?;
    Ok(bytes)
}

/// An XMP packet with no properties, for a document that has none.
const EMPTY_XMP: &str = "<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n\
<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
</rdf:RDF></x:xmpmeta>\n<?xpacket end=\"r\"?>";

/// `xmp` with `keyword` among its `pdf:Keywords` and its `dc:subject`: added to the property where
/// it is there without it, else given in a description of its own.
pub(super) fn xmp_with_keyword(xmp: &str, keyword: &str) -> String {
    let kw = crate::escape::attr(keyword);
    let mut xmp = xmp.to_owned();
    let mut missing = String::new();
    // pdf:Keywords: a comma-separated text.
    match (xmp.find("<pdf:Keywords>"), xmp.find("</pdf:Keywords>")) {
        (Some(open), Some(close)) if open < close => {
            let value = &xmp[open + "<pdf:Keywords>".len()..close];
            if !value.contains(&kw) {
                let joined = if value.trim().is_empty() { kw.clone() } else { format!("{value}, {kw}") };
                xmp.replace_range(open + "<pdf:Keywords>".len()..close, &joined);
            }
        }
        _ => missing.push_str(&format!("<pdf:Keywords>{kw}</pdf:Keywords>")),
    }
    // dc:subject: a bag of keywords.
    let item = format!("<rdf:li>{kw}</rdf:li>");
    match xmp.find("<dc:subject>").and_then(|at| xmp[at..].find("<rdf:Bag>").map(|b| at + b + "<rdf:Bag>".len())) {
        Some(inside) => {
            let end = xmp[inside..].find("</rdf:Bag>").map_or(inside, |e| inside + e);
            if !xmp[inside..end].contains(&item) {
                xmp.insert_str(inside, &item);
            }
        }
        None => missing.push_str(&format!("<dc:subject><rdf:Bag>{item}</rdf:Bag></dc:subject>")),
    }
    if !missing.is_empty() {
        let description = format!(
            "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\" \
             xmlns:dc=\"http://purl.org/dc/elements/1.1/\">{missing}</rdf:Description>"
        );
        match xmp.rfind("</rdf:RDF>") {
            Some(at) => xmp.insert_str(at, &description),
            None => return xmp_with_keyword(EMPTY_XMP, keyword),
        }
    }
    xmp
}

#[cfg(test)]
mod tests {
    use super::xmp_with_keyword;

    const KW: &str = "cabrep:not-for-publication";

    #[test]
    fn the_keyword_joins_the_keywords_a_typeset_document_already_has() {
        let typst = "<x:xmpmeta><rdf:RDF><rdf:Description rdf:about=\"\" xmlns:pdf=\"p\"><pdf:Keywords>budget, land</pdf:Keywords></rdf:Description></rdf:RDF></x:xmpmeta>";
        let marked = xmp_with_keyword(typst, KW);
        assert!(marked.contains("<pdf:Keywords>budget, land, cabrep:not-for-publication</pdf:Keywords>"), "{marked}");
        assert_eq!(marked.matches("<pdf:Keywords>").count(), 1, "one property: {marked}");
        assert!(
            marked.contains("<dc:subject><rdf:Bag><rdf:li>cabrep:not-for-publication</rdf:li></rdf:Bag></dc:subject>")
        );
        assert_eq!(xmp_with_keyword(&marked, KW), marked, "marking twice changes nothing");
    }

    #[test]
    fn a_document_without_keywords_gets_both_properties_in_a_description_of_their_own() {
        let bare = "<x:xmpmeta><rdf:RDF><rdf:Description rdf:about=\"\"/></rdf:RDF></x:xmpmeta>";
        let marked = xmp_with_keyword(bare, KW);
        assert!(marked.contains("<pdf:Keywords>cabrep:not-for-publication</pdf:Keywords>"), "{marked}");
        assert!(marked.contains("<rdf:li>cabrep:not-for-publication</rdf:li>"), "{marked}");
        assert!(marked.ends_with("</rdf:Description></rdf:RDF></x:xmpmeta>"), "{marked}");
        let subject = "<rdf:RDF><rdf:Description><dc:subject><rdf:Bag><rdf:li>x</rdf:li></rdf:Bag></dc:subject></rdf:Description></rdf:RDF>";
        let marked = xmp_with_keyword(subject, KW);
        assert!(
            marked.contains("<rdf:Bag><rdf:li>cabrep:not-for-publication</rdf:li><rdf:li>x</rdf:li></rdf:Bag>"),
            "{marked}"
        );
    }
}
