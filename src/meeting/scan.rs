//! A bounded look at a PDF's streams before the PDF reader decodes any of them: every stream is
//! decoded (Flate, LZW, RunLength, ASCIIHex, ASCII85, in its filter order) into a counter that
//! stops at the budget, so a small file that inflates to gigabytes (a "zip bomb") is refused in
//! bounded time and memory, and an image whose stated size is absurd is refused before a renderer
//! allocates for it.
//!
//! The same pass walks the PDF's syntax (outside strings, comments and stream data, and inside
//! every object stream once decoded): arrays and dictionaries nested deeper than [`MAX_NESTING`]
//! are refused, so no reader that recurses into a nested object can be driven past its stack, and
//! so are more than [`MAX_CONTAINERS`] of them or [`MAX_VALUES`] values in all, so the reader's
//! memory stays proportional to those caps.
//!
//! The scan works on the raw bytes (the cross-reference table is not trusted: streams are found
//! by their `stream` … `endstream` keywords), so it also covers the streams that the reader would
//! decode while opening the file (object and cross-reference streams). It never renders, never
//! keeps a decoded stream once counted, and never panics on any input.

use crate::input::file::Limits;

mod decode;

#[cfg(test)]
use self::decode::{ascii85, ascii_hex, lzw, run_length, Sink};
use self::decode::{decoded, decoded_size, Filter};

/// Why a PDF was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanError {
    /// The streams together decode to more than the budget.
    TooMuchData {
        /// The budget, in bytes.
        budget: u64,
        /// Where the stream that went over starts, in bytes from the start of the file.
        at: usize,
    },
    /// Arrays or dictionaries are nested deeper than [`MAX_NESTING`].
    TooDeep {
        /// Where the bracket that went over is, in bytes from the start of the file (inside an
        /// object stream: where that stream's keyword is).
        at: usize,
    },
    /// More arrays and dictionaries, or values, than the reader can hold in bounded memory.
    TooManyObjects {
        /// What there are too many of, in words.
        what: &'static str,
        /// The most allowed.
        cap: usize,
    },
    /// An image has more pixels than allowed.
    ImageTooLarge {
        /// Its width.
        width: u64,
        /// Its height.
        height: u64,
        /// The cap, in pixels.
        cap: u64,
    },
}

impl std::fmt::Display for ScanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScanError::TooMuchData { budget, at } => write!(
                f,
                "its compressed streams expand to more than {} MB (the stream at byte {at} goes over); a bound PDF may hold at most that",
                budget / (1024 * 1024)
            ),
            ScanError::TooDeep { at } => write!(
                f,
                "it nests arrays or dictionaries more than {MAX_NESTING} deep (at byte {at}); a bound PDF may nest them at most that deep"
            ),
            ScanError::TooManyObjects { what, cap } => {
                write!(f, "it holds more than {cap} {what}; a bound PDF may hold at most that")
            }
            ScanError::ImageTooLarge { width, height, cap } => {
                write!(f, "it holds an image of {width} × {height} pixels; at most {cap} pixels are supported")
            }
        }
    }
}

/// How deep arrays and dictionaries may nest in a bound PDF (the PDF reader's own limit; real
/// files nest a handful deep).
pub const MAX_NESTING: usize = 100;

/// The most arrays and dictionaries a bound PDF may hold (the PDF reader takes 150 to 700 bytes
/// of memory for each; a tagged report of a few hundred pages holds some tens of thousands).
pub const MAX_CONTAINERS: usize = 1_000_000;

/// The most values (numbers, names, strings, references, arrays, dictionaries) a bound PDF may
/// hold outside its streams (the reader takes some 130 bytes for each, and a pack copies them
/// once more: about 1 GB at the cap).
pub const MAX_VALUES: usize = 3_000_000;

/// Checks every stream of `pdf`: their decoded sizes together within `limits.pdf_decoded_bytes`,
/// each image within `limits.image_pixels`, and the nesting of the file and of its object
/// streams within [`MAX_NESTING`].
pub fn check_streams(pdf: &[u8], limits: &Limits) -> Result<(), ScanError> {
    crate::merge::Reader::Scan.note(pdf);
    let mut counts = Counts::default();
    check_syntax(pdf, &mut counts).map_err(|e| e.at(None))?;
    let mut left = limits.pdf_decoded_bytes;
    let mut from = 0;
    while let Some(k) = find(pdf, b"stream", from) {
        from = k + 6;
        let Some(data_start) = stream_data_start(pdf, k) else {
            continue;
        };
        let Some(dict) = dict_before(pdf, k) else {
            continue;
        };
        let data_end = find(pdf, b"endstream", data_start).unwrap_or(pdf.len());
        let data = &pdf[data_start..data_end];
        from = data_end;
        let dict = &pdf[dict.0..dict.1];
        if has_name(dict, b"Subtype", b"Image") {
            let width = number_after(dict, b"/Width").unwrap_or(0);
            let height = number_after(dict, b"/Height").unwrap_or(0);
            if width.saturating_mul(height) > limits.image_pixels {
                return Err(ScanError::ImageTooLarge { width, height, cap: limits.image_pixels });
            }
        }
        let filters = filters(dict);
        let early_change = number_after(dict, b"/EarlyChange").unwrap_or(1) != 0;
        let over = ScanError::TooMuchData { budget: limits.pdf_decoded_bytes, at: k };
        if has_name(dict, b"Type", b"ObjStm") {
            // Objects stored in a stream: decoded (within the budget) and scanned like the file.
            let objects = decoded(data, &filters, early_change, left).ok_or(over)?;
            left -= objects.len() as u64;
            check_syntax(&objects, &mut counts).map_err(|e| e.at(Some(k)))?;
            continue;
        }
        let used = decoded_size(data, &filters, early_change, left).ok_or(over)?;
        left -= used;
    }
    Ok(())
}

/// What the syntax walk has counted so far, across the file and its object streams.
#[derive(Debug, Default)]
struct Counts {
    /// Arrays and dictionaries.
    containers: usize,
    /// Values of every kind (a reference `1 0 R` is one).
    values: usize,
}

/// Walks `bytes` as PDF syntax: refuses `[` or `<<` opening a level deeper than [`MAX_NESTING`]
/// (where), and more than [`MAX_CONTAINERS`] arrays and dictionaries or [`MAX_VALUES`] values
/// in all. Literal strings (with their escapes and balanced parentheses), hexadecimal strings,
/// comments and stream data are stepped over; nothing is kept.
fn check_syntax(bytes: &[u8], counts: &mut Counts) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    let mut i = 0;
    let open = |depth: &mut usize, counts: &mut Counts, at: usize| {
        *depth += 1;
        counts.containers += 1;
        counts.values += 1;
        if *depth > MAX_NESTING {
            return Err(SyntaxError::Deep(at));
        }
        if counts.containers > MAX_CONTAINERS {
            return Err(SyntaxError::Containers);
        }
        Ok(())
    };
    while let Some(&c) = bytes.get(i) {
        match c {
            b'(' => {
                counts.values += 1;
                i = after_literal_string(bytes, i);
            }
            b'%' => {
                i = bytes[i..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(bytes.len(), |p| i + p);
            }
            b'<' if bytes.get(i + 1) == Some(&b'<') => {
                open(&mut depth, counts, i)?;
                i += 2;
            }
            b'<' => {
                counts.values += 1;
                i = bytes[i..].iter().position(|&b| b == b'>').map_or(bytes.len(), |p| i + p + 1);
            }
            b'[' => {
                open(&mut depth, counts, i)?;
                i += 1;
            }
            b'>' if bytes.get(i + 1) == Some(&b'>') => {
                depth = depth.saturating_sub(1);
                i += 2;
            }
            b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ if c.is_ascii_whitespace() || (is_delimiter(c) && c != b'/') => i += 1,
            _ => {
                // A name, a number or a keyword: up to the next delimiter.
                let end = bytes[i + 1..].iter().position(|&b| is_delimiter(b)).map_or(bytes.len(), |p| i + 1 + p);
                match &bytes[i..end] {
                    b"stream" if stream_data_start(bytes, i).is_some() => {
                        let start = stream_data_start(bytes, i).unwrap_or(end);
                        i = find(bytes, b"endstream", start).map_or(bytes.len(), |e| e + 9);
                        continue;
                    }
                    // The end of an object: whatever was left open there is closed for good.
                    b"endobj" => depth = 0,
                    // `1 0 R` and `1 0 obj`: the two numbers were one value.
                    b"R" | b"obj" => counts.values = counts.values.saturating_sub(2),
                    _ => counts.values += 1,
                }
                i = end;
            }
        }
        if counts.values > MAX_VALUES {
            return Err(SyntaxError::Values);
        }
    }
    Ok(())
}

/// What the syntax walk refused.
enum SyntaxError {
    /// Nesting too deep, at this byte.
    Deep(usize),
    /// Too many arrays and dictionaries.
    Containers,
    /// Too many values.
    Values,
}

impl SyntaxError {
    /// As a scan error; `stream` is where the object stream that holds it starts, if one does.
    fn at(self, stream: Option<usize>) -> ScanError {
        match self {
            SyntaxError::Deep(at) => ScanError::TooDeep { at: stream.unwrap_or(at) },
            SyntaxError::Containers => {
                ScanError::TooManyObjects { what: "arrays and dictionaries", cap: MAX_CONTAINERS }
            }
            SyntaxError::Values => ScanError::TooManyObjects {
                what: "values (numbers, names, strings) outside its streams",
                cap: MAX_VALUES,
            },
        }
    }
}

/// Where the literal string that opens at `open` ends (just after its closing parenthesis).
fn after_literal_string(bytes: &[u8], open: usize) -> usize {
    let mut level = 0usize;
    let mut i = open;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'\\' => i += 1,
            b'(' => level += 1,
            b')' => {
                level -= 1;
                if level == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Where the data of the stream whose keyword is at `k` starts: after `stream` and its end of
/// line, when the keyword follows a dictionary's `>>` (so not `endstream`).
fn stream_data_start(pdf: &[u8], k: usize) -> Option<usize> {
    let mut j = k;
    while j > 0 && pdf[j - 1].is_ascii_whitespace() {
        j -= 1;
    }
    if j < 2 || &pdf[j - 2..j] != b">>" {
        return None;
    }
    let after = k + 6;
    match pdf.get(after..after + 2) {
        Some(b"\r\n") => Some(after + 2),
        _ => match pdf.get(after) {
            Some(b'\n') | Some(b'\r') => Some(after + 1),
            _ => None,
        },
    }
}

/// The byte range of the dictionary that ends just before the `stream` keyword at `k`: from its
/// `<<` to its `>>`, matching nested dictionaries, looking back at most 64 KB.
fn dict_before(pdf: &[u8], k: usize) -> Option<(usize, usize)> {
    let mut j = k;
    while j > 0 && pdf[j - 1].is_ascii_whitespace() {
        j -= 1;
    }
    let end = j;
    let floor = end.saturating_sub(64 * 1024);
    let mut depth = 0usize;
    while j >= floor + 2 {
        match &pdf[j - 2..j] {
            b">>" => {
                depth += 1;
                j -= 2;
            }
            b"<<" => {
                depth = depth.checked_sub(1)?;
                j -= 2;
                if depth == 0 {
                    return Some((j, end));
                }
            }
            _ => j -= 1,
        }
    }
    None
}

/// The stream's filters, in order (`/Filter /FlateDecode` or `/Filter [/A85 /Fl]`).
fn filters(dict: &[u8]) -> Vec<Filter> {
    let Some(at) = find(dict, b"/Filter", 0) else {
        return Vec::new();
    };
    let mut rest = &dict[at + 7..];
    while let Some((c, r)) = rest.split_first() {
        if c.is_ascii_whitespace() {
            rest = r;
        } else {
            break;
        }
    }
    let names: &[u8] = match rest.first() {
        Some(b'[') => {
            let close = rest.iter().position(|&c| c == b']').unwrap_or(rest.len());
            &rest[1..close]
        }
        Some(b'/') => {
            let end = rest[1..].iter().position(|c| is_delimiter(*c)).map_or(rest.len(), |p| p + 1);
            &rest[..end]
        }
        // An indirect reference or something unexpected: decode nothing, count the raw data.
        _ => return vec![Filter::Other],
    };
    names
        .split(|&c| c == b'/')
        .map(|n| n.split(|c| is_delimiter(*c)).next().unwrap_or(b""))
        .filter(|n| !n.is_empty())
        .map(|n| match n {
            b"FlateDecode" | b"Fl" => Filter::Flate,
            b"LZWDecode" | b"LZW" => Filter::Lzw,
            b"RunLengthDecode" | b"RL" => Filter::RunLength,
            b"ASCIIHexDecode" | b"AHx" => Filter::AsciiHex,
            b"ASCII85Decode" | b"A85" => Filter::Ascii85,
            _ => Filter::Other,
        })
        .collect()
}

/// Whether the dictionary has `/key /value`.
fn has_name(dict: &[u8], key: &[u8], value: &[u8]) -> bool {
    let mut from = 0;
    while let Some(at) = find(dict, key, from) {
        from = at + key.len();
        let rest = &dict[from..];
        let start = rest.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(rest.len());
        let rest = &rest[start..];
        if rest.first() == Some(&b'/')
            && rest[1..].starts_with(value)
            && rest.get(1 + value.len()).is_none_or(|c| is_delimiter(*c))
        {
            return true;
        }
    }
    false
}

/// The whole number right after `key` (`/Width 2480`).
fn number_after(dict: &[u8], key: &[u8]) -> Option<u64> {
    let at = find(dict, key, 0)?;
    let rest = &dict[at + key.len()..];
    if rest.first().is_some_and(|c| !is_delimiter(*c)) {
        return None;
    }
    let start = rest.iter().position(|c| !c.is_ascii_whitespace())?;
    let digits: Vec<u8> = rest[start..].iter().take_while(|c| c.is_ascii_digit()).take(19).copied().collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

fn is_delimiter(c: u8) -> bool {
    c.is_ascii_whitespace() || matches!(c, b'/' | b'[' | b']' | b'<' | b'>' | b'(' | b')' | b'%' | b'{' | b'}')
}

/// The first `needle` in `hay` at or after `from`.
fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal PDF with one Flate stream of `zeros` zero bytes.
    fn pdf_with_zeros(zeros: usize) -> Vec<u8> {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        let chunk = vec![0u8; 1 << 20];
        let mut left = zeros;
        while left > 0 {
            let n = left.min(chunk.len());
            z.write_all(&chunk[..n]).expect("compress");
            left -= n;
        }
        let data = z.finish().expect("compress");
        let mut pdf =
            format!("%PDF-1.4\n1 0 obj\n<< /Length {} /Filter /FlateDecode >>\nstream\n", data.len()).into_bytes();
        pdf.extend_from_slice(&data);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        pdf
    }

    #[test]
    fn a_flate_bomb_is_refused_and_a_small_stream_passes() {
        let limits = Limits { pdf_decoded_bytes: 8 << 20, ..Limits::default() };
        assert_eq!(check_streams(&pdf_with_zeros(1 << 20), &limits), Ok(()));
        let e = check_streams(&pdf_with_zeros(64 << 20), &limits).expect_err("bomb");
        assert!(matches!(e, ScanError::TooMuchData { budget, .. } if budget == 8 << 20), "{e:?}");
    }

    #[test]
    fn filter_chains_and_names_are_read_in_order() {
        assert_eq!(filters(b"<< /Filter [/ASCII85Decode /FlateDecode] >>"), vec![Filter::Ascii85, Filter::Flate]);
        assert_eq!(filters(b"<</Filter/Fl/Length 3>>"), vec![Filter::Flate]);
        assert_eq!(filters(b"<< /Length 3 >>"), Vec::<Filter>::new());
    }

    #[test]
    fn lzw_decodes_the_specification_example() {
        // PDF 32000-1 7.4.4.2: 80 0B 60 50 22 0C 0C 85 01 → 2D 2D 2D 2D 2D 41 2D 2D 2D 42.
        let data = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01];
        let mut sink = Sink { kept: Some(Vec::new()), count: 0, budget: 100 };
        assert!(lzw(&data, true, &mut sink).is_ok());
        assert_eq!(sink.kept.unwrap_or_default(), vec![0x2D, 0x2D, 0x2D, 0x2D, 0x2D, 0x41, 0x2D, 0x2D, 0x2D, 0x42]);
    }

    #[test]
    fn an_image_of_absurd_size_is_refused() {
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /XObject /Subtype /Image /Width 100000 /Height 100000 /Length 1 >>\nstream\nx\nendstream\nendobj\n";
        assert!(matches!(check_streams(pdf, &Limits::default()), Err(ScanError::ImageTooLarge { width: 100000, .. })));
    }

    #[test]
    fn ascii_filters_and_run_length_decode() {
        let mut sink = Sink { kept: Some(Vec::new()), count: 0, budget: 100 };
        assert!(ascii_hex(b"48 65 6c6C6f>", &mut sink).is_ok());
        assert!(ascii85(b"87cURDZ~>", &mut sink).is_ok());
        assert!(run_length(&[2, b'a', b'b', b'c', 254, b'x', 128], &mut sink).is_ok());
        assert_eq!(sink.kept.unwrap_or_default(), b"HelloHelloabcxxx".to_vec());
    }

    #[test]
    fn nesting_deeper_than_the_cap_is_refused_outside_strings_and_streams() {
        let deep = |open: &str, close: &str, n: usize| {
            format!("%PDF-1.4\n1 0 obj\n<< /X {}{} >>\nendobj\n", open.repeat(n), close.repeat(n)).into_bytes()
        };
        let limits = Limits::default();
        assert_eq!(check_streams(&deep("[", "]", MAX_NESTING - 1), &limits), Ok(()));
        assert!(matches!(check_streams(&deep("[", "]", 200_000), &limits), Err(ScanError::TooDeep { .. })));
        assert!(matches!(check_streams(&deep("<</A ", ">>", 1_000), &limits), Err(ScanError::TooDeep { .. })));
        // Brackets in strings, comments and stream data are not syntax.
        let quoted =
            format!("1 0 obj\n<< /T ({}\\){} >>\nendobj\n% {}\n", "[(".repeat(500), ")".repeat(501), "<<".repeat(500));
        assert_eq!(check_streams(quoted.as_bytes(), &limits), Ok(()));
        let mut stream = b"1 0 obj\n<< /Length 1000 >>\nstream\n".to_vec();
        stream.extend_from_slice(&[b'['; 1000]);
        stream.extend_from_slice(b"\nendstream\nendobj\n");
        assert_eq!(check_streams(&stream, &limits), Ok(()));
    }

    #[test]
    fn nesting_inside_an_object_stream_is_refused() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(format!("<< /X {}{} >>", "[".repeat(5_000), "]".repeat(5_000)).as_bytes()).expect("compress");
        let data = z.finish().expect("compress");
        let mut pdf = format!(
            "%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /N 1 /First 0 /Length {} /Filter /FlateDecode >>\nstream\n",
            data.len()
        )
        .into_bytes();
        pdf.extend_from_slice(&data);
        pdf.extend_from_slice(b"\nendstream\nendobj\n");
        assert!(matches!(check_streams(&pdf, &Limits::default()), Err(ScanError::TooDeep { .. })));
    }

    #[test]
    fn a_million_dictionaries_or_five_million_values_are_refused_and_references_count_once() {
        let limits = Limits { pdf_decoded_bytes: 1 << 30, ..Limits::default() };
        let many = |item: &str, n: usize| format!("1 0 obj\n[{}]\nendobj\n", item.repeat(n)).into_bytes();
        assert_eq!(check_streams(&many("<<>>", MAX_CONTAINERS - 1), &limits), Ok(()));
        assert!(matches!(
            check_streams(&many("<<>>", MAX_CONTAINERS), &limits),
            Err(ScanError::TooManyObjects { cap: MAX_CONTAINERS, .. })
        ));
        assert!(matches!(
            check_streams(&many("0 ", MAX_VALUES), &limits),
            Err(ScanError::TooManyObjects { cap: MAX_VALUES, .. })
        ));
        // A reference is one value, not three.
        assert_eq!(check_streams(&many("12 0 R ", MAX_VALUES - 2), &limits), Ok(()));
    }
}
