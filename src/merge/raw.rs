//! The quick read of a part cabrep typeset itself: its structure elements, fonts and streams —
//! most of its objects and bytes — are copied into the result as the bytes they are, their
//! references renumbered, instead of being parsed into objects, copied and written again.
//!
//! [`split`] reads a file with a classic cross-reference table (as the typesetter writes it),
//! lexes every object once, and sorts it: an object is *raw* when it is a structure element
//! (not the `/Document` one), a font, font descriptor, graphics state or
//! stream without an `/A` or `/S` of its own (an action's keys), or an array of references that
//! only a number tree's `/Nums` refers to (the parent tree's), and holds no name of anything
//! the copier removes or rewrites (actions, scripts,
//! embedded files, destinations, annotations, `StructParent` keys, metadata and the like; see
//! [`active`]). The one rewrite made in a raw object's bytes besides its references is the
//! part's prefix on the IDs that name structure elements (an element's own `/ID` and a table
//! cell's `/Headers`), where each is a direct string; any other `/ID` or `/Headers` leaves the
//! object to the object reader. Everything else — the catalogue, page tree and pages, annotations, the
//! structure tree's root and parent tree, the outline, the `/Document` element — is built into
//! objects from the same lexing, as the object reader would read them; when one of them holds a
//! name with `#` escapes or a number written unusually, they all go into a small PDF of their
//! own that the object reader parses instead. So a raw object is one the copier would copy
//! unchanged but for its references, and nothing it would remove is ever raw.
//!
//! A file that is not as expected (a cross-reference stream, an incremental update, an object
//! not where the table says, anything the lexer cannot read) gives `None`, and the part is read
//! whole by the object reader. This room only reads; the copier decides what each reference
//! becomes.

use std::ops::Range;

use lopdf::ObjectId;

/// Whether a name keeps an object out of the raw copy wherever it stands in it: what the copier
/// removes, rewrites or checks (see `copy`), and the kinds of object it refuses.
fn active(name: &[u8]) -> bool {
    matches!(
        name,
        b"AA"
            | b"OpenAction"
            | b"JS"
            | b"JavaScript"
            | b"EmbeddedFiles"
            | b"EmbeddedFile"
            | b"EF"
            | b"AF"
            | b"RF"
            | b"XFA"
            | b"PieceInfo"
            | b"Metadata"
            | b"StructParent"
            | b"StructParents"
            | b"Dest"
            | b"D"
            | b"Next"
            | b"Annots"
            | b"ID"
            | b"PA"
            | b"Launch"
            | b"ImportData"
            | b"SubmitForm"
            | b"ResetForm"
            | b"GoToR"
            | b"GoToE"
            | b"GoTo"
            | b"Named"
            | b"URI"
            | b"Hide"
            | b"SetOCGState"
            | b"Rendition"
            | b"Sound"
            | b"Movie"
            | b"RichMediaExecute"
            | b"Trans"
            | b"GoTo3DView"
            | b"FileAttachment"
            | b"Screen"
            | b"RichMedia"
            | b"3D"
            | b"Filespec"
            | b"XRef"
            | b"ObjStm"
    )
}

/// Object types copied raw when nothing in them is [`active`].
const RAW_TYPES: &[&[u8]] = &[b"StructElem", b"Font", b"FontDescriptor", b"ExtGState"];

/// How deeply arrays and dictionaries may nest in one object before the file is read the slow way.
const MAX_NESTING: usize = 100;

/// The objects of a part copied as bytes.
#[derive(Default)]
pub(super) struct RawObjects {
    data: Vec<u8>,
    /// By object number.
    objects: Vec<Option<(u16, RawObject)>>,
    /// How many of them are structure elements.
    pub struct_elems: usize,
}

/// One object copied as bytes: its value (a stream's dictionary, data and `endstream`
/// included) and the references in it, in order.
pub(super) struct RawObject {
    body: Range<usize>,
    refs: Vec<(Range<usize>, ObjectId)>,
    /// A structure element (`/Type /StructElem`).
    pub struct_elem: bool,
    /// Where each string that names a structure element by its ID opens (its `(` or `<`), in
    /// order: a structure element's own `/ID`, and each ID of a table cell's `/Headers`. The
    /// copier puts the part's prefix at the front of each, as it renames the IDs.
    ids_at: Vec<usize>,
    /// The structure element's own `/ID`, as the object reader reads the string.
    pub id: Option<Vec<u8>>,
}

impl RawObjects {
    pub fn get(&self, id: ObjectId) -> Option<&RawObject> {
        match self.objects.get(id.0 as usize) {
            Some(Some((generation, object))) if *generation == id.1 => Some(object),
            _ => None,
        }
    }

    /// The file the objects are copied from.
    pub fn bytes(&self) -> &[u8] {
        &self.data
    }

    pub fn contains(&self, id: ObjectId) -> bool {
        self.get(id).is_some()
    }

    /// The objects a raw object refers to, in order.
    pub fn targets(&self, id: ObjectId) -> impl Iterator<Item = ObjectId> + '_ {
        self.get(id).into_iter().flat_map(|o| o.refs.iter().map(|(_, t)| *t))
    }

    /// The object's bytes with each reference replaced by what `renumber` makes of it: a new
    /// object number, or none for `null`.
    #[cfg(test)]
    pub fn renumbered(&self, object: &RawObject, renumber: impl FnMut(ObjectId) -> Option<u32>) -> Vec<u8> {
        let mut bytes = Vec::new();
        self.renumbered_into(&mut bytes, object, renumber, b"");
        bytes
    }

    /// [`RawObjects::renumbered`], appended to `bytes`, with `prefix` put at the front of each
    /// ID the object names (see [`RawObject`]).
    pub fn renumbered_into(
        &self,
        bytes: &mut Vec<u8>,
        object: &RawObject,
        mut renumber: impl FnMut(ObjectId) -> Option<u32>,
        prefix: &[u8],
    ) {
        bytes.reserve(object.body.len() + 4 * object.refs.len() + 2 * prefix.len() * object.ids_at.len());
        let mut at = object.body.start;
        let mut ids = object.ids_at.iter().copied().peekable();
        let mut put_ids_before = |bytes: &mut Vec<u8>, at: &mut usize, end: usize| {
            while let Some(open) = ids.next_if(|&open| open < end) {
                // The string's opening delimiter, then the prefix: as text in a literal string,
                // as hex digits in a hexadecimal one.
                bytes.extend_from_slice(&self.data[*at..=open]);
                if self.data[open] == b'(' {
                    bytes.extend_from_slice(prefix);
                } else {
                    for b in prefix {
                        bytes.extend_from_slice(format!("{b:02X}").as_bytes());
                    }
                }
                *at = open + 1;
            }
        };
        for (span, target) in &object.refs {
            put_ids_before(bytes, &mut at, span.start);
            bytes.extend_from_slice(&self.data[at..span.start]);
            match renumber(*target) {
                Some(n) => {
                    push_number(bytes, n);
                    bytes.extend_from_slice(b" 0 R");
                }
                None => bytes.extend_from_slice(b"null"),
            }
            at = span.end;
        }
        put_ids_before(bytes, &mut at, object.body.end);
        bytes.extend_from_slice(&self.data[at..object.body.end]);
    }
}

/// The objects of a part that are not copied as bytes: built from the lexer's reading of them,
/// or, when one holds what only the object reader reads (a name written with `#` escapes, a
/// number written unusually), a small PDF of them alone for the object reader.
pub(super) enum Parsed {
    Objects(Box<lopdf::Document>),
    Small(Vec<u8>),
}

/// Appends `n` in decimal (as `to_string` would, without making a string of it).
fn push_number(bytes: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    bytes.extend_from_slice(&digits[at..]);
}

/// Splits `pdf` into the objects to be parsed and the objects to copy as bytes; none when the
/// file is not one this reader reads (see the module documentation).
pub(super) fn split(pdf: &[u8]) -> Option<(Parsed, RawObjects)> {
    split_with(pdf, true)
}

/// [`split`]; with `build` false the parsed objects always go into a small PDF (the tests hold
/// the objects built against what the object reader reads of that).
pub(super) fn split_with(pdf: &[u8], build: bool) -> Option<(Parsed, RawObjects)> {
    let (parsed, objects, struct_elems) = split_objects(pdf, build)?;
    Some((parsed, RawObjects { data: pdf.to_vec(), objects, struct_elems }))
}

/// [`split`], keeping `pdf` itself as the bytes the raw objects are copied from (not a copy of
/// it); the bytes back when the file is not one this reader reads.
pub(super) fn split_owned(pdf: Vec<u8>) -> Result<(Parsed, RawObjects), Vec<u8>> {
    match split_objects(&pdf, true) {
        Some((parsed, objects, struct_elems)) => Ok((parsed, RawObjects { data: pdf, objects, struct_elems })),
        None => Err(pdf),
    }
}

/// What [`split_with`] reads of `pdf`: the parsed objects, the raw ones by number, and how
/// many of those are structure elements.
#[allow(clippy::type_complexity)]
fn split_objects(pdf: &[u8], build: bool) -> Option<(Parsed, Vec<Option<(u16, RawObject)>>, usize)> {
    let (entries, trailer) = xref_table(pdf)?;
    // Object numbers far beyond the objects there are (the small PDF's table has a line for each).
    if entries.iter().any(|(id, _)| id.0 as usize > 4 * entries.len() + 1024) {
        return None;
    }
    let mut objects: Vec<Option<(u16, RawObject)>> = Vec::new();
    let mut struct_elems = 0;
    let mut parsed: Vec<(ObjectId, ReadObject)> = Vec::new();
    let mut read_all = Vec::with_capacity(entries.len());
    for (id, offset) in entries {
        read_all.push((id, read_object(pdf, offset, id)?));
    }
    // An array of references that only a number tree's `/Nums` refers to (the structure tree's
    // parent tree: each page's elements by marked content) is copied as bytes too: the copier
    // only renumbers its references (see `parent_tree_arrays`).
    for (id, read) in parent_tree_arrays(&read_all) {
        read_all[id].1.raw = read;
    }
    for (id, read) in read_all {
        if read.raw {
            let lexed = read.lexed;
            let struct_elem = lexed.struct_elem;
            struct_elems += usize::from(struct_elem);
            let number = id.0 as usize;
            if objects.len() <= number {
                objects.resize_with(number + 1, || None);
            }
            // A structure element's own ID is renamed with those its cells' headers name.
            let mut ids_at = lexed.headers_at;
            let own_id = lexed.id_at.filter(|_| struct_elem);
            if let Some((open, _)) = &own_id {
                ids_at.push(*open);
                ids_at.sort_unstable();
            }
            let own = own_id.map(|(_, read)| read);
            let object = RawObject { body: read.body, refs: lexed.refs, struct_elem, ids_at, id: own };
            objects[number] = Some((id.1, object));
        } else {
            parsed.push((id, read));
        }
    }
    let built = if build { built(pdf, &parsed, trailer.clone()) } else { None };
    let parsed = match built {
        Some(doc) => Parsed::Objects(Box::new(doc)),
        None => Parsed::Small(small_pdf(pdf, &parsed, trailer)),
    };
    Some((parsed, objects, struct_elems))
}

/// Which of the objects read are arrays of references referred to only as the values of a
/// number tree's `/Nums` (indices into `read`, each with `true`): nothing else refers to them,
/// so nothing the copier does to what refers to an object (the annotations it filters, the
/// contents it stamps) can meet one.
fn parent_tree_arrays(read: &[(ObjectId, ReadObject)]) -> Vec<(usize, bool)> {
    let candidates: std::collections::HashMap<ObjectId, usize> = read
        .iter()
        .enumerate()
        .filter(|(_, (_, r))| r.lexed.refs_array && !r.lexed.active && r.data.is_none())
        .map(|(i, (id, _))| (*id, i))
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    // How often each candidate is referred to in all, and how often as a `/Nums` value.
    let mut all: std::collections::HashMap<ObjectId, (usize, usize)> = std::collections::HashMap::new();
    for (_, r) in read {
        for (_, target) in &r.lexed.refs {
            if candidates.contains_key(target) {
                all.entry(*target).or_default().0 += 1;
            }
        }
        for target in &r.lexed.nums_values {
            if candidates.contains_key(target) {
                all.entry(*target).or_default().1 += 1;
            }
        }
    }
    all.into_iter().filter(|(_, (every, nums))| every == nums).map(|(id, _)| (candidates[&id], true)).collect()
}

/// The parsed objects as the object reader reads them, with the part's trailer; none when one
/// of them holds what [`built_value`] leaves to the object reader.
fn built(pdf: &[u8], parsed: &[(ObjectId, ReadObject)], trailer: Range<usize>) -> Option<lopdf::Document> {
    let mut doc = lopdf::Document::with_version("1.7");
    doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    let (lopdf::Object::Dictionary(trailer), _) = built_value(pdf, trailer.start, 0)? else { return None };
    doc.trailer = trailer;
    for (id, read) in parsed {
        let (value, end) = built_value(pdf, read.body.start, 0)?;
        let object = match (value, &read.data) {
            (lopdf::Object::Dictionary(dict), Some(data)) => {
                lopdf::Object::Stream(lopdf::Stream::new(dict, pdf[data.clone()].to_vec()))
            }
            (value, None) if end == read.body.end => value,
            _ => return None,
        };
        doc.objects.insert(*id, object);
    }
    doc.max_id = doc.objects.keys().next_back().map_or(0, |id| id.0);
    Some(doc)
}

/// One value at `pos` (after any white space) as the object reader reads it, and the position
/// after it; none for a name with `#` escapes, a number the reader might read otherwise, or
/// anything nested deeper than [`MAX_NESTING`].
fn built_value(pdf: &[u8], pos: usize, depth: usize) -> Option<(lopdf::Object, usize)> {
    use lopdf::{Object, StringFormat};
    if depth > MAX_NESTING {
        return None;
    }
    let pos = skip_space(pdf, pos);
    match *pdf.get(pos)? {
        b'<' if pdf.get(pos + 1) == Some(&b'<') => {
            let mut dict = lopdf::Dictionary::new();
            let mut at = pos + 2;
            loop {
                at = skip_space(pdf, at);
                if pdf.get(at..at + 2)? == b">>" {
                    return Some((Object::Dictionary(dict), at + 2));
                }
                if pdf[at] != b'/' {
                    return None;
                }
                let (Object::Name(key), after) = built_value(pdf, at, depth + 1)? else { return None };
                let (value, after) = built_value(pdf, after, depth + 1)?;
                dict.set(key, value);
                at = after;
            }
        }
        b'<' => {
            let end = pdf[pos + 1..].iter().position(|&b| b == b'>')? + pos + 1;
            let digits: Vec<u8> = pdf[pos + 1..end].iter().copied().filter(|b| !is_space(*b)).collect();
            let mut bytes = Vec::with_capacity(digits.len() / 2 + 1);
            for pair in digits.chunks(2) {
                let nibble = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
                let high = nibble(pair[0])?;
                let low = match pair.get(1) {
                    Some(&b) => nibble(b)?,
                    None => 0,
                };
                bytes.push(high << 4 | low);
            }
            Some((Object::String(bytes, StringFormat::Hexadecimal), end + 1))
        }
        b'[' => {
            let mut items = Vec::new();
            let mut at = pos + 1;
            loop {
                at = skip_space(pdf, at);
                if *pdf.get(at)? == b']' {
                    return Some((Object::Array(items), at + 1));
                }
                let (item, after) = built_value(pdf, at, depth + 1)?;
                items.push(item);
                at = after;
            }
        }
        b'(' => {
            let end = literal_string_end(pdf, pos)?;
            Some((Object::String(literal_string(&pdf[pos + 1..end - 1])?, StringFormat::Literal), end))
        }
        b'/' => {
            let end = name_end(pdf, pos + 1);
            let name = &pdf[pos + 1..end];
            (!name.contains(&b'#')).then(|| (Object::Name(name.to_vec()), end))
        }
        b')' | b'>' | b']' | b'{' | b'}' => None,
        _ => {
            let end = regular_end(pdf, pos);
            let word = &pdf[pos..end];
            match word {
                b"true" => return Some((Object::Boolean(true), end)),
                b"false" => return Some((Object::Boolean(false), end)),
                b"null" => return Some((Object::Null, end)),
                _ => {}
            }
            if let Some((id, after_r)) = reference(pdf, word, end) {
                return Some((Object::Reference(id), after_r));
            }
            let (negative, digits) = match word.split_first()? {
                (b'-', rest) => (true, rest),
                (b'+', rest) => (false, rest),
                _ => (false, word),
            };
            if !digits.is_empty() && digits.iter().all(u8::is_ascii_digit) {
                let magnitude: i64 = number(digits)?;
                return Some((Object::Integer(if negative { -magnitude } else { magnitude }), end));
            }
            // A real: digits and one point, with a digit before or after it.
            let point = digits.iter().position(|&b| b == b'.')?;
            let (whole, fraction) = (&digits[..point], &digits[point + 1..]);
            let plain =
                whole.iter().chain(fraction).all(u8::is_ascii_digit) && !(whole.is_empty() && fraction.is_empty());
            if !plain {
                return None;
            }
            let value: f32 = std::str::from_utf8(word).ok()?.parse().ok()?;
            Some((Object::Real(value), end))
        }
    }
}

/// A literal string's bytes (between its parentheses) as the object reader reads them: its
/// escapes decoded, each end of line a line feed, nested parentheses kept.
fn literal_string(inner: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(inner.len());
    let mut at = 0;
    while at < inner.len() {
        match inner[at] {
            b'\\' => {
                at += 1;
                match *inner.get(at)? {
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'b' => out.push(b'\x08'),
                    b'f' => out.push(b'\x0c'),
                    b'0'..=b'7' => {
                        let digits = inner[at..].iter().take(3).take_while(|b| (b'0'..=b'7').contains(*b)).count();
                        let value = inner[at..at + digits].iter().fold(0u16, |v, b| v * 8 + u16::from(b - b'0'));
                        out.push(value as u8);
                        at += digits - 1;
                    }
                    // A backslash at the end of a line: the string goes on from the next.
                    b'\r' => {
                        if inner.get(at + 1) == Some(&b'\n') {
                            at += 1;
                        }
                    }
                    b'\n' => {}
                    other => out.push(other),
                }
            }
            b'\r' => {
                out.push(b'\n');
                if inner.get(at + 1) == Some(&b'\n') {
                    at += 1;
                }
            }
            other => out.push(other),
        }
        at += 1;
    }
    Some(out)
}

/// The small PDF: the parsed objects as they are, a table of where they now stand, and the
/// part's own trailer.
fn small_pdf(pdf: &[u8], parsed: &[(ObjectId, ReadObject)], trailer: Range<usize>) -> Vec<u8> {
    let mut small = Vec::with_capacity(pdf.len() / 4);
    small.extend_from_slice(b"%PDF-1.7\n");
    let size = parsed.iter().map(|(id, _)| id.0).max().unwrap_or(0) + 1;
    let mut offsets = vec![None; size as usize];
    for (id, read) in parsed {
        offsets[id.0 as usize] = Some((small.len(), id.1));
        small.extend_from_slice(&pdf[read.start..read.end]);
        small.push(b'\n');
    }
    let start = small.len();
    small.extend_from_slice(format!("xref\n0 {size}\n").as_bytes());
    for entry in &offsets {
        match entry {
            Some((offset, generation)) => {
                small.extend_from_slice(format!("{offset:010} {generation:05} n\r\n").as_bytes())
            }
            None => small.extend_from_slice(b"0000000000 65535 f\r\n"),
        }
    }
    small.extend_from_slice(b"trailer\n");
    small.extend_from_slice(&pdf[trailer]);
    small.extend_from_slice(format!("\nstartxref\n{start}\n%%EOF\n").as_bytes());
    small
}

/// Each object in use and its offset, as a cross-reference table gives them.
type Entries = Vec<(ObjectId, usize)>;

/// The classic cross-reference table the file's `startxref` points at: each object in use with
/// its offset, and the trailer dictionary's bytes. None for a cross-reference stream, an
/// incremental update (`/Prev`), an encrypted file, or a table out of shape.
fn xref_table(pdf: &[u8]) -> Option<(Entries, Range<usize>)> {
    let tail_start = pdf.len().saturating_sub(1024);
    let tail = &pdf[tail_start..];
    let at = tail.windows(9).rposition(|w| w == b"startxref")? + tail_start + 9;
    let (token, _) = next_token(pdf, at)?;
    let start: usize = number(&pdf[token])?;
    let mut pos = start;
    if pdf.get(pos..pos + 4)? != b"xref" {
        return None;
    }
    pos += 4;
    let mut entries = Vec::new();
    loop {
        let (token, after) = next_token(pdf, pos)?;
        if &pdf[token.clone()] == b"trailer" {
            pos = after;
            break;
        }
        let first: u32 = number(&pdf[token])?;
        let (token, after) = next_token(pdf, after)?;
        let count: u32 = number(&pdf[token])?;
        pos = skip_space(pdf, after);
        for n in 0..count {
            let entry = pdf.get(pos..pos + 20)?;
            let offset: usize = number(&entry[0..10])?;
            let generation: u16 = number(&entry[11..16])?;
            match entry[17] {
                b'n' => entries.push(((first.checked_add(n)?, generation), offset)),
                b'f' => {}
                _ => return None,
            }
            pos += 20;
        }
    }
    let begin = skip_space(pdf, pos);
    let mut lexed = Lexed::default();
    let end = value(pdf, begin, 0, &mut lexed)?;
    if lexed.updated {
        return None;
    }
    Some((entries, begin..end))
}

/// An object read at its offset.
struct ReadObject {
    /// Where it starts (its number).
    start: usize,
    /// Its value, from the first byte after `obj` to the end of the value (or of `endstream`).
    body: Range<usize>,
    /// A stream's data.
    data: Option<Range<usize>>,
    /// The end of its `endobj`.
    end: usize,
    lexed: Lexed,
    raw: bool,
}

fn read_object(pdf: &[u8], offset: usize, id: ObjectId) -> Option<ReadObject> {
    let (number_token, after) = next_token(pdf, offset)?;
    let (generation_token, after) = next_token(pdf, after)?;
    let (obj, after) = next_token(pdf, after)?;
    if number::<u32>(&pdf[number_token])? != id.0
        || number::<u16>(&pdf[generation_token])? != id.1
        || &pdf[obj] != b"obj"
    {
        return None;
    }
    let begin = skip_space(pdf, after);
    let mut lexed = Lexed::default();
    let mut end = value(pdf, begin, 0, &mut lexed)?;
    let (keyword, after) = next_token(pdf, end)?;
    let mut data = None;
    let after = match &pdf[keyword] {
        b"stream" => {
            let length = lexed.length?;
            let start = match pdf.get(after..after + 2)? {
                [b'\r', b'\n'] => after + 2,
                [b'\n', _] => after + 1,
                _ => return None,
            };
            let data_end = start.checked_add(length)?;
            data = Some(start..data_end);
            let (keyword, after) = next_token(pdf, data_end)?;
            if &pdf[keyword] != b"endstream" {
                return None;
            }
            end = after;
            let (keyword, after) = next_token(pdf, after)?;
            (&pdf[keyword] == b"endobj").then_some(after)?
        }
        b"endobj" => after,
        _ => return None,
    };
    let raw = !lexed.active
        && if lexed.struct_elem { !lexed.document } else { (data.is_some() || lexed.raw_type) && !lexed.action_keys };
    if pdf[begin] == b'[' {
        // Nothing but references between the brackets (and white space).
        let mut at = begin + 1;
        let mut only_refs = true;
        for (span, _) in &lexed.refs {
            only_refs &= pdf[at..span.start].iter().all(|&b| is_space(b));
            at = span.end;
        }
        lexed.refs_array = only_refs && pdf[at..end - 1].iter().all(|&b| is_space(b)) && pdf[end - 1] == b']';
    }
    Some(ReadObject { start: offset, body: begin..end, data, end: after, lexed, raw })
}

/// What lexing one object found.
#[derive(Default)]
struct Lexed {
    refs: Vec<(Range<usize>, ObjectId)>,
    /// The top-level dictionary has a key of a trailer this reader does not read: `/Prev`,
    /// `/XRefStm` or `/Encrypt`.
    updated: bool,
    /// Its `/Type` is `/StructElem`.
    struct_elem: bool,
    /// An `/A` or `/S` at the top level: a structure element's attributes and role, an action
    /// (or an annotation's action) on anything else.
    action_keys: bool,
    /// Its `/Type` is one of [`RAW_TYPES`].
    raw_type: bool,
    /// A structure element whose `/S` is `/Document`.
    document: bool,
    /// A name of [`active`], a name with `#` escapes, or `/A` or `/S` below the top level.
    active: bool,
    /// The top-level `/Length`, when it is a direct integer.
    length: Option<usize>,
    /// The top-level `/ID`, a string: where it opens, and the string as the object reader reads it.
    id_at: Option<(usize, Vec<u8>)>,
    /// Where each string of a `/Headers` array (a table cell's header cells, by ID) opens.
    headers_at: Vec<usize>,
    /// Inside a `/Headers` value.
    in_headers: bool,
    /// The object is an array whose items are all references.
    refs_array: bool,
    /// The references given as values of a top-level `/Nums` array (every second item).
    nums_values: Vec<ObjectId>,
}

/// Reads one value at `pos` (after any white space) and gives the position after it.
fn value(pdf: &[u8], pos: usize, depth: usize, lexed: &mut Lexed) -> Option<usize> {
    if depth > MAX_NESTING {
        return None;
    }
    let pos = skip_space(pdf, pos);
    match *pdf.get(pos)? {
        b'<' if pdf.get(pos + 1) == Some(&b'<') => {
            let mut at = pos + 2;
            loop {
                at = skip_space(pdf, at);
                if pdf.get(at..at + 2)? == b">>" {
                    return Some(at + 2);
                }
                if pdf[at] != b'/' {
                    return None;
                }
                let key_end = name_end(pdf, at + 1);
                let key = &pdf[at + 1..key_end];
                // A structure element's own ID is renamed in the copy (see `RawObject`); an `/ID`
                // anywhere else is for the object reader.
                let own_id = depth == 0 && key == b"ID";
                if !own_id {
                    lexed.note_name(key);
                }
                let headers = key == b"Headers" && !lexed.in_headers;
                if depth == 0 {
                    lexed.updated |= matches!(key, b"Prev" | b"XRefStm" | b"Encrypt");
                    lexed.action_keys |= matches!(key, b"A" | b"S");
                } else if matches!(key, b"A" | b"S") {
                    lexed.active = true;
                }
                let value_start = skip_space(pdf, key_end);
                let refs_before = lexed.refs.len();
                lexed.in_headers |= headers;
                let value_end = value(pdf, value_start, depth + 1, lexed)?;
                if headers {
                    lexed.in_headers = false;
                    // A direct array of strings is renamed in place; anything else (an indirect
                    // array, a string elsewhere) is for the object reader.
                    if pdf[value_start] != b'[' || lexed.refs.len() != refs_before {
                        lexed.active = true;
                    }
                }
                if depth == 0 && key == b"Nums" {
                    let values = lexed.refs[refs_before..].iter().map(|(_, id)| *id).collect::<Vec<_>>();
                    lexed.nums_values.extend(values);
                }
                if own_id {
                    match built_value(pdf, value_start, 0) {
                        Some((lopdf::Object::String(read, _), end)) if end == value_end => {
                            lexed.id_at = Some((value_start, read));
                        }
                        _ => lexed.active = true,
                    }
                }
                if depth == 0 {
                    let value = &pdf[value_start..value_end];
                    match key {
                        b"Type" => {
                            let name = value.strip_prefix(b"/").unwrap_or(b"");
                            lexed.struct_elem = name == b"StructElem";
                            lexed.raw_type = RAW_TYPES.contains(&name);
                        }
                        b"S" if value == b"/Document" => lexed.document = true,
                        b"Length" => lexed.length = number(value),
                        _ => {}
                    }
                }
                at = value_end;
            }
        }
        b'<' => {
            let end = pdf[pos + 1..].iter().position(|&b| b == b'>')? + pos + 1;
            if lexed.in_headers {
                lexed.headers_at.push(pos);
            }
            pdf[pos + 1..end].iter().all(|b| b.is_ascii_hexdigit() || is_space(*b)).then_some(end + 1)
        }
        b'[' => {
            let mut at = pos + 1;
            loop {
                at = skip_space(pdf, at);
                if *pdf.get(at)? == b']' {
                    return Some(at + 1);
                }
                at = value(pdf, at, depth + 1, lexed)?;
            }
        }
        b'(' => {
            if lexed.in_headers {
                lexed.headers_at.push(pos);
            }
            literal_string_end(pdf, pos)
        }
        b'/' => {
            let end = name_end(pdf, pos + 1);
            lexed.note_name(&pdf[pos + 1..end]);
            Some(end)
        }
        b')' | b'>' | b']' | b'{' | b'}' => None,
        _ => {
            let end = regular_end(pdf, pos);
            if end == pos {
                return None;
            }
            let word = &pdf[pos..end];
            // `n g R`: a reference.
            if let Some((id, after_r)) = reference(pdf, word, end) {
                lexed.refs.push((pos..after_r, id));
                return Some(after_r);
            }
            if number::<u32>(word).is_some() {
                return Some(end);
            }
            let known = matches!(word, b"true" | b"false" | b"null")
                || word.iter().all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.'));
            known.then_some(end)
        }
    }
}

impl Lexed {
    fn note_name(&mut self, name: &[u8]) {
        if name.contains(&b'#') || active(name) {
            self.active = true;
        }
    }
}

fn literal_string_end(pdf: &[u8], pos: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut at = pos;
    while at < pdf.len() {
        match pdf[at] {
            b'\\' => at += 1,
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            _ => {}
        }
        at += 1;
    }
    None
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\0' | b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

fn is_delimiter(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

/// Skips white space and comments.
fn skip_space(pdf: &[u8], mut pos: usize) -> usize {
    while let Some(&b) = pdf.get(pos) {
        if is_space(b) {
            pos += 1;
        } else if b == b'%' {
            while pdf.get(pos).is_some_and(|&b| b != b'\n' && b != b'\r') {
                pos += 1;
            }
        } else {
            break;
        }
    }
    pos
}

fn regular_end(pdf: &[u8], pos: usize) -> usize {
    pos + pdf.get(pos..).unwrap_or_default().iter().take_while(|&&b| !is_space(b) && !is_delimiter(b)).count()
}

fn name_end(pdf: &[u8], pos: usize) -> usize {
    regular_end(pdf, pos)
}

/// The object a reference `n g R` names, when `word` (ending at `end`) is its `n`, and the
/// position after its `R`.
fn reference(pdf: &[u8], word: &[u8], end: usize) -> Option<(ObjectId, usize)> {
    let object = number::<u32>(word)?;
    let (second, after) = next_token(pdf, end)?;
    let generation = number::<u16>(&pdf[second])?;
    let (third, after_r) = next_token(pdf, after)?;
    (&pdf[third] == b"R").then_some(((object, generation), after_r))
}

/// The next run of regular characters after white space, and the position after it.
fn next_token(pdf: &[u8], pos: usize) -> Option<(Range<usize>, usize)> {
    let start = skip_space(pdf, pos);
    let end = regular_end(pdf, start);
    (end > start).then_some((start..end, end))
}

/// An unsigned decimal number, digits only.
fn number<T: TryFrom<u64>>(bytes: &[u8]) -> Option<T> {
    if bytes.is_empty() || bytes.len() > 19 {
        return None;
    }
    let mut value: u64 = 0;
    for &b in bytes {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u64::from(b - b'0');
    }
    T::try_from(value).ok()
}

#[cfg(test)]
mod tests {
    use lopdf::{dictionary, Document, Object, Stream};

    use super::*;

    /// A tagged one-page PDF with a classic cross-reference table, and the ids of its objects:
    /// (paragraph element, font, content, page, document element, element with an ID, element
    /// with an escaped name, an action typed as a font).
    fn tagged(table: lopdf::xref::XrefType) -> (Vec<u8>, [ObjectId; 8]) {
        let mut doc = Document::with_version("1.7");
        let pages = doc.new_object_id();
        let font = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" });
        let content =
            doc.add_object(Stream::new(dictionary! {}, b"/P <</MCID 0>> BDC BT /F1 12 Tf (Hi) Tj ET EMC".to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content, "StructParents" => 0,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
        );
        let document = doc.new_object_id();
        // An action (one the copier drops) dressed as a font.
        let script = doc.add_object(dictionary! { "Type" => "Font", "S" => "Thread", "T" => 0 });
        let para = doc.add_object(dictionary! {
            "Type" => "StructElem", "S" => "P", "P" => document, "Pg" => page, "K" => vec![0.into()],
            "Alt" => Object::string_literal("(nested) text with \\) and 1 0 R inside"),
        });
        let with_id = doc.add_object(dictionary! {
            "Type" => "StructElem", "S" => "P", "P" => document, "ID" => Object::string_literal("x"),
        });
        let escaped =
            doc.add_object(dictionary! { "Type" => "StructElem", "S" => "P", "P" => document, "J#53" => script });
        doc.objects.insert(
            document,
            Object::Dictionary(dictionary! {
                "Type" => "StructElem", "S" => "Document", "K" => vec![para.into(), with_id.into(), escaped.into()],
            }),
        );
        let root = doc.add_object(dictionary! { "Type" => "StructTreeRoot", "K" => document });
        let catalog = doc.add_object(dictionary! {
            "Type" => "Catalog", "Pages" => pages, "StructTreeRoot" => root,
            "MarkInfo" => dictionary! { "Marked" => true },
        });
        doc.trailer.set("Root", catalog);
        doc.reference_table.cross_reference_type = table;
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        (out, [para, font, content, page, document, with_id, escaped, script])
    }

    #[test]
    fn elements_fonts_and_streams_are_kept_as_bytes_and_the_rest_parsed() {
        let (pdf, [para, font, content, page, document, with_id, escaped, script]) =
            tagged(lopdf::xref::XrefType::CrossReferenceTable);
        let (small, raw) = split_with(&pdf, false).expect("a classic table is read");
        let Parsed::Small(small) = small else { panic!("a small PDF") };
        // An element with an ID too: the copier renames the ID in its bytes.
        for id in [para, font, content, with_id] {
            assert!(raw.contains(id), "{id:?} is copied as bytes");
        }
        for id in [page, document, escaped, script] {
            assert!(!raw.contains(id), "{id:?} is parsed");
        }
        assert_eq!(raw.struct_elems, 2);
        assert_eq!(raw.get(with_id).expect("the element with an ID").id.as_deref(), Some(&b"x"[..]));
        let small = Document::load_mem(&small).expect("the parsed objects make a PDF");
        for id in [page, document, escaped, script] {
            assert!(small.get_object(id).is_ok(), "{id:?} is in the small PDF");
        }
        assert!(small.get_object(para).is_err() && small.get_object(font).is_err());
        assert!(small.catalog().is_ok());

        // References are renumbered, or made null; a string that looks like one is not.
        let object = raw.get(para).expect("the paragraph");
        assert_eq!(raw.targets(para).collect::<Vec<_>>(), vec![document, page]);
        let bytes = raw.renumbered(object, |id| (id == document).then_some(77));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/P 77 0 R"), "{text}");
        assert!(text.contains("/Pg null"), "{text}");
        assert!(text.contains("and 1 0 R inside"), "{text}");
        // A stream keeps its data.
        let bytes = raw.renumbered(raw.get(content).expect("the content"), |_| None);
        assert!(String::from_utf8_lossy(&bytes).contains("(Hi) Tj"));
    }

    #[test]
    fn a_header_cell_s_id_and_the_headers_naming_it_are_copied_as_bytes_with_the_part_s_prefix_alike() {
        let pdf = written(&[
            // A header cell, its ID a literal string with escapes.
            b"<</Type/StructElem/S/TH/ID(h\\(1\\))/P 2 0 R>>",
            // A cell naming it, and a second header cell by a hexadecimal string.
            b"<</Type/StructElem/S/TD/A[<</O/Table/Headers[(h\\(1\\)) <6832>]>>]/P 1 0 R>>",
            // An ID that is no string, and headers given indirectly: for the object reader.
            b"<</Type/StructElem/S/TH/ID 5 0 R>>",
            b"<</Type/StructElem/S/TD/A<</O/Table/Headers 5 0 R>>>>",
            b"[(h3)]",
            // An ID below the top of an element: for the object reader too.
            b"<</Type/StructElem/S/TD/A<</ID(x)>>>>",
        ]);
        let (_, raw) = split_with(&pdf, false).expect("a classic table is read");
        let (th, td) = ((1, 0), (2, 0));
        for id in [th, td] {
            assert!(raw.contains(id), "{id:?} is copied as bytes");
        }
        for id in [(3, 0), (4, 0), (6, 0)] {
            assert!(!raw.contains(id), "{id:?} is parsed");
        }
        assert_eq!(
            raw.get(th).expect("the header cell").id.as_deref(),
            Some(&b"h(1)"[..]),
            "as the object reader reads it"
        );
        assert_eq!(raw.get(td).expect("the cell").id, None);
        let copied = |id, prefix: &[u8]| {
            let mut bytes = Vec::new();
            raw.renumbered_into(&mut bytes, raw.get(id).expect("raw"), |(n, _)| Some(n + 10), prefix);
            String::from_utf8(bytes).expect("text")
        };
        assert_eq!(copied(th, b"p2-"), "<</Type/StructElem/S/TH/ID(p2-h\\(1\\))/P 12 0 R>>");
        assert_eq!(
            copied(td, b"p2-"),
            "<</Type/StructElem/S/TD/A[<</O/Table/Headers[(p2-h\\(1\\)) <70322D6832>]>>]/P 11 0 R>>"
        );
        // With no prefix (a part that is not renamed), the bytes as they were, references aside.
        assert_eq!(copied(td, b""), "<</Type/StructElem/S/TD/A[<</O/Table/Headers[(h\\(1\\)) <6832>]>>]/P 11 0 R>>");
    }

    #[test]
    fn a_parent_tree_s_arrays_are_copied_as_bytes_and_an_array_anything_else_refers_to_is_parsed() {
        let pdf = written(&[
            b"<</Type/StructTreeRoot/K 3 0 R/ParentTree 2 0 R>>",
            b"<</Nums[0 5 0 R 1 6 0 R]>>",
            b"<</Type/StructElem/S/P/P 1 0 R>>",
            b"<</Type/Page/Annots 6 0 R/StructParents 0>>",
            // Only the parent tree refers to it.
            b"[3 0 R 3 0 R]",
            // The page's annotations refer to it too: the copier filters what it holds.
            b"[3 0 R]",
            // No parent tree's, and not only references.
            b"[3 0 R /Name]",
        ]);
        let (_, raw) = split_with(&pdf, false).expect("a classic table is read");
        assert!(raw.contains((5, 0)), "the parent tree's array is copied as bytes");
        for id in [(6, 0), (7, 0), (2, 0)] {
            assert!(!raw.contains(id), "{id:?} is parsed");
        }
    }

    /// A PDF with a classic table whose objects 1, 2, … are `bodies` as written.
    fn written(bodies: &[&[u8]]) -> Vec<u8> {
        let mut pdf = b"%PDF-1.7\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in bodies.iter().enumerate() {
            offsets.push(pdf.len());
            pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            pdf.extend_from_slice(body);
            pdf.extend_from_slice(b"\nendobj\n");
        }
        let start = pdf.len();
        pdf.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", bodies.len() + 1).as_bytes());
        for offset in offsets {
            pdf.extend_from_slice(format!("{offset:010} 00000 n\r\n").as_bytes());
        }
        let trailer = format!("trailer\n<</Size {} /Root 1 0 R>>\nstartxref\n{start}\n%%EOF\n", bodies.len() + 1);
        pdf.extend_from_slice(trailer.as_bytes());
        pdf
    }

    /// The parsed objects of `pdf` built from the lexer, and as the object reader reads them.
    fn built_and_read(pdf: &[u8]) -> (Option<Document>, Document) {
        let built = match split(pdf).expect("read the quick way").0 {
            Parsed::Objects(doc) => Some(*doc),
            Parsed::Small(_) => None,
        };
        let Parsed::Small(small) = split_with(pdf, false).expect("read the quick way").0 else { panic!("small") };
        (built, Document::load_mem(&small).expect("the small PDF loads"))
    }

    #[test]
    fn values_written_every_way_are_built_as_the_object_reader_reads_them() {
        let pdf = written(&[
            b"<</Type/Catalog/Pages 2 0 R/Lang(en-GB)>>",
            b"<< /Type /Pages /Kids [ ] /Count 0 >>",
            // Escapes of every kind, an octal one that overflows, nested parentheses, ends of
            // line bare and escaped.
            b"[(a\\)b\\(c\\\\d\\n\\r\\t\\b\\f\\q) (\\101\\60\\0053\\777x) (x(y(z))w) (one\r\ntwo\rthree\\\r\nfour\\\nfive)]",
            // Hexadecimal strings with spaces and an odd digit; numbers of every form.
            b"[<48 65 6c6C 6f> <414> <> 0 -0 +17 -17 3.5 -.5 +.25 12. 0.000001 99999999999 true false null]",
            b"<</Nested [[<</A [1 2 0 R]>>]] /Empty<<>>/Ref 2 0 R /NotRefs [2 0 1 0 R] /Real 595.2756>>",
            b"<</Length 5>>\nstream\nhello\nendstream",
        ]);
        let (built, read) = built_and_read(&pdf);
        let built = built.expect("every value is one the lexer builds");
        assert_eq!(built.trailer, read.trailer);
        assert_eq!(built.objects.len(), read.objects.len());
        for (id, object) in &read.objects {
            assert!(built.objects.get(id) == Some(object), "{id:?}: {:?} against {object:?}", built.objects.get(id));
        }
    }

    #[test]
    fn a_value_the_lexer_might_read_otherwise_is_left_to_the_object_reader() {
        for odd in [&b"<</Type/Catalog/N#41me 1>>"[..], b"<</Type/Catalog/V 0.00-41>>", b"<</Type/Catalog/V 1.2.3>>"] {
            let pdf = written(&[odd, b"<</Type/Pages/Kids[]/Count 0>>"]);
            assert!(built_and_read(&pdf).0.is_none(), "{}", String::from_utf8_lossy(odd));
        }
    }

    #[test]
    fn numbers_are_written_as_to_string_writes_them() {
        for n in [0, 7, 10, 99, 100, 4_294_967_295, 1_234_567] {
            let mut bytes = b"x".to_vec();
            push_number(&mut bytes, n);
            assert_eq!(bytes, format!("x{n}").into_bytes());
        }
    }

    #[test]
    fn a_file_with_a_cross_reference_stream_is_not_read_this_way() {
        let (pdf, _) = tagged(lopdf::xref::XrefType::CrossReferenceStream);
        assert!(split(&pdf).is_none());
    }

    #[test]
    fn a_cut_or_damaged_file_is_refused_or_read_without_panicking() {
        let (pdf, _) = tagged(lopdf::xref::XrefType::CrossReferenceTable);
        for end in (0..pdf.len()).step_by(7) {
            let _ = split(&pdf[..end]);
        }
        for at in (0..pdf.len()).step_by(3) {
            for byte in [b'(', b')', b'<', b'>', b'[', b']', b'/', b'%', b'9', b' ', 0xff] {
                let mut damaged = pdf.clone();
                damaged[at] = byte;
                let _ = split(&damaged);
            }
        }
    }
}
