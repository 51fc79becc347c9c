//! The result's bytes, written as the merge goes: each object is serialised (by lopdf's own
//! object writer, so its bytes are those `Document::save` would write) the moment the merge is
//! done with it, and only its offset is kept; the cross-reference stream and trailer close the
//! file. Owns the file's framing (header, `N 0 obj … endobj`, cross-reference stream,
//! `startxref`); never decides what an object holds.

use std::io::Write;

use lopdf::{Dictionary, Object, ObjectId, Stream, Writer};

/// The header every result starts with: PDF 1.7 and the binary mark lopdf writes.
const HEADER: &[u8] = b"%PDF-1.7\n%\xBB\xAD\xC0\xDE\n";

/// A PDF file being written, object by object.
pub(super) struct Sink {
    bytes: Vec<u8>,
    /// Each written object's offset, by object number; `usize::MAX` for none.
    offsets: Vec<usize>,
}

impl Sink {
    pub fn new() -> Sink {
        Sink::with_capacity(0)
    }

    /// A sink with room for about `bytes` of file from the start: a pack's file is about as long
    /// as its parts together, and a buffer grown by doubling would hold up to twice that, and
    /// three times while it is copied.
    pub fn with_capacity(bytes: usize) -> Sink {
        let mut buffer = Vec::with_capacity(bytes.max(HEADER.len()));
        buffer.extend_from_slice(HEADER);
        Sink { bytes: buffer, offsets: Vec::new() }
    }

    /// Writes `object` as indirect object `id`. Object and cross-reference streams are left out,
    /// as lopdf's writer leaves them out (it makes its own).
    pub fn write(&mut self, id: ObjectId, object: &Object) -> std::io::Result<()> {
        if matches!(object.type_name(), Ok(b"ObjStm" | b"XRef" | b"Linearized")) {
            return Ok(());
        }
        self.offset(id);
        self.frame(id, object)
    }

    /// Writes `body`, the bytes of an object's value, as indirect object `id`.
    pub fn write_raw(&mut self, id: ObjectId, body: &[u8]) -> std::io::Result<()> {
        self.offset(id);
        writeln!(self.bytes, "{} {} obj", id.0, id.1)?;
        self.bytes.extend_from_slice(body);
        self.bytes.extend_from_slice(b"\nendobj\n");
        Ok(())
    }

    /// Records that object `id` starts here.
    fn offset(&mut self, id: ObjectId) {
        let number = id.0 as usize;
        if self.offsets.len() <= number {
            self.offsets.resize(number + 1, usize::MAX);
        }
        self.offsets[number] = self.bytes.len();
    }

    fn frame(&mut self, id: ObjectId, object: &Object) -> std::io::Result<()> {
        let open = if Writer::need_separator(object) { " " } else { "" };
        write!(self.bytes, "{} {} obj\n{open}", id.0, id.1)?;
        Writer::write_object(&mut self.bytes, object)?;
        let close = if Writer::need_end_separator(object) { " " } else { "" };
        writeln!(self.bytes, "{close}\nendobj")
    }

    /// Closes the file: a cross-reference stream numbered after `max_id` holding `trailer`'s
    /// entries, and `startxref`. Gives the file's bytes.
    pub fn finish(mut self, mut trailer: Dictionary, max_id: u32) -> std::io::Result<Vec<u8>> {
        let start = self.bytes.len();
        let own = max_id + 1;
        let number = own as usize;
        if self.offsets.len() <= number {
            self.offsets.resize(number + 1, usize::MAX);
        }
        self.offsets[number] = start;
        // Runs of written objects, each a section (object 0 is in none, as lopdf writes it).
        let mut index = Vec::new();
        let mut entries = Vec::new();
        let mut run: Option<(usize, usize)> = None;
        let close = |run: (usize, usize), index: &mut Vec<Object>| {
            index.push(Object::Integer(run.0 as i64));
            index.push(Object::Integer(run.1 as i64));
        };
        for (n, &offset) in self.offsets.iter().enumerate().skip(1) {
            if offset == usize::MAX {
                if let Some(r) = run.take() {
                    close(r, &mut index);
                }
                continue;
            }
            run = Some(match run {
                Some((first, count)) => (first, count + 1),
                None => (n, 1),
            });
            entries.push(1u8);
            entries.extend((offset as u32).to_be_bytes());
            entries.extend(0u16.to_be_bytes());
        }
        if let Some(r) = run.take() {
            close(r, &mut index);
        }
        trailer.set("Type", Object::Name(b"XRef".to_vec()));
        trailer.set("Size", i64::from(own) + 1);
        trailer.set("W", Object::Array(vec![Object::Integer(1), Object::Integer(4), Object::Integer(2)]));
        trailer.set("Index", Object::Array(index));
        trailer.remove(b"Filter");
        trailer.set("Length", entries.len() as i64);
        let stream =
            Object::Stream(Stream { dict: trailer, allows_compression: true, content: entries, start_position: None });
        self.frame((own, 0), &stream)?;
        write!(self.bytes, "\nstartxref\n{start}\n%%EOF")?;
        Ok(self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_written_out_of_order_and_with_gaps_are_found_by_the_cross_reference_stream() {
        let mut sink = Sink::new();
        sink.write((3, 0), &Object::Integer(7)).expect("write");
        sink.write((1, 0), &Object::Name(b"First".to_vec())).expect("write");
        // 2 is never written; 5 is the highest number given out.
        sink.write((4, 0), &Object::Dictionary(Dictionary::from_iter([("Type", Object::Name(b"Catalog".to_vec()))])))
            .expect("write");
        let mut trailer = Dictionary::new();
        trailer.set("Root", Object::Reference((4, 0)));
        let pdf = sink.finish(trailer, 5).expect("finish");
        let doc = lopdf::Document::load_mem(&pdf).expect("lopdf reads it back");
        assert_eq!(doc.get_object((3, 0)).and_then(Object::as_i64).ok(), Some(7));
        assert_eq!(doc.get_object((1, 0)).and_then(Object::as_name).ok(), Some(&b"First"[..]));
        assert!(doc.get_object((2, 0)).is_err(), "an object never written is not in the file");
        assert!(doc.catalog().is_ok());
        let tail = String::from_utf8_lossy(&pdf[pdf.len() - 40..]).into_owned();
        assert!(tail.ends_with("%%EOF"), "{tail}");
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("6 0 obj\n<</Root 4 0 R/Type/XRef/Size 7/W[1 4 2]/Index[1 1 3 2 6 1]"), "{text}");
    }
}
