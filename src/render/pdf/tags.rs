//! Repairs of the typesetter's structure tree where it differs from what PDF/UA-1 asks, after
//! the PDF is made: a label (`Lbl`) belongs to a list item (`LI`) and nowhere else (Matterhorn
//! 09-005), so a footnote's reference in the text (a `Lbl` in a paragraph) becomes a
//! `Reference`, and the number opening the footnote (a `Lbl` in the `Note`) a `Span`. Their
//! content, links and link descriptions are untouched. Works on one typeset PDF's objects;
//! returns the bytes unchanged when there is nothing to repair.

use lopdf::{Document, Object, ObjectId};

use crate::render::RenderError;

/// `pdf` with every `Lbl` outside a list item retagged (see the module docs).
pub(super) fn repair(pdf: Vec<u8>) -> Result<Vec<u8>, RenderError> {
    // Most documents have no footnote: nothing to read.
    if !contains(&pdf, b"/Note") || !contains(&pdf, b"/Lbl") {
        return Ok(pdf);
    }
    let failed = |e: lopdf::Error| RenderError::new(format!("PDF: cannot repair the structure tree: {e}"));
    let mut doc = Document::load_mem(&pdf).map_err(failed)?;
    let stray = stray_labels(&doc);
    if stray.is_empty() {
        return Ok(pdf);
    }
    for (id, role) in stray {
        if let Ok(Object::Dictionary(elem)) = doc.get_object_mut(id) {
            elem.set("S", Object::Name(role.to_vec()));
        }
    }
    let mut out = Vec::with_capacity(pdf.len());
    doc.save_to(&mut out).map_err(|e| RenderError::new(format!("PDF: cannot write the repaired PDF: {e}")))?;
    Ok(out)
}

fn contains(bytes: &[u8], what: &[u8]) -> bool {
    bytes.windows(what.len()).any(|w| w == what)
}

/// The structure role of `id`'s dictionary, if it has one.
fn role(doc: &Document, id: ObjectId) -> Option<&[u8]> {
    doc.get_dictionary(id).ok()?.get(b"S").ok()?.as_name().ok()
}

/// Every structure element tagged `Lbl` whose parent is not an `LI`, with the role it takes:
/// `Span` inside a `Note`, `Reference` elsewhere.
fn stray_labels(doc: &Document) -> Vec<(ObjectId, &'static [u8])> {
    let mut stray = Vec::new();
    for (&id, object) in &doc.objects {
        let Object::Dictionary(elem) = object else { continue };
        if elem.get(b"S").and_then(Object::as_name).ok() != Some(b"Lbl".as_slice()) {
            continue;
        }
        let Ok(parent) = elem.get(b"P").and_then(Object::as_reference) else { continue };
        match role(doc, parent) {
            Some(b"LI") => {}
            Some(b"Note") => stray.push((id, b"Span".as_slice())),
            _ => stray.push((id, b"Reference".as_slice())),
        }
    }
    stray
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::Dictionary;

    fn elem(doc: &mut Document, role: &str, parent: Option<ObjectId>) -> ObjectId {
        let mut d = Dictionary::new();
        d.set("Type", Object::Name(b"StructElem".to_vec()));
        d.set("S", Object::Name(role.as_bytes().to_vec()));
        if let Some(p) = parent {
            d.set("P", Object::Reference(p));
        }
        doc.add_object(d)
    }

    #[test]
    fn a_footnote_label_in_a_paragraph_or_a_note_is_retagged_and_a_list_label_is_kept() {
        let mut doc = Document::with_version("1.7");
        let p = elem(&mut doc, "P", None);
        let note = elem(&mut doc, "Note", Some(p));
        let li = elem(&mut doc, "LI", None);
        let in_p = elem(&mut doc, "Lbl", Some(p));
        let in_note = elem(&mut doc, "Lbl", Some(note));
        let in_li = elem(&mut doc, "Lbl", Some(li));
        let mut found = stray_labels(&doc);
        found.sort();
        assert_eq!(found, vec![(in_p, b"Reference".as_slice()), (in_note, b"Span".as_slice())]);
        assert!(!found.iter().any(|(id, _)| *id == in_li));
    }

    #[test]
    fn a_pdf_without_notes_is_returned_as_it_is() {
        let bytes = b"%PDF-1.7\n<</S/Lbl>>\n%%EOF".to_vec();
        assert_eq!(repair(bytes.clone()).unwrap(), bytes);
    }
}
