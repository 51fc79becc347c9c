//! The stream filters the scan decodes (Flate, LZW, RunLength, ASCIIHex, ASCII85), each into a
//! sink that counts what comes out and stops at the budget. Never keeps more than a later stage
//! needs, and never panics on any input.

use std::io::Read;

/// A stream filter, as far as the scan decodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Filter {
    Flate,
    Lzw,
    RunLength,
    AsciiHex,
    Ascii85,
    /// An image codec or anything else: decoded by the renderer, bounded by the image size.
    Other,
}

/// The decoded size of `data` through `filters`, or `None` when it exceeds `budget`. Stages
/// before the last hold their output (capped at the budget); the last only counts.
pub(super) fn decoded_size(data: &[u8], filters: &[Filter], early_change: bool, budget: u64) -> Option<u64> {
    let stages: Vec<Filter> = filters.iter().copied().take_while(|f| *f != Filter::Other).collect();
    let Some((last, before)) = stages.split_last() else {
        return (data.len() as u64 <= budget).then_some(data.len() as u64);
    };
    let mut input = std::borrow::Cow::Borrowed(data);
    for f in before {
        let mut sink = Sink { kept: Some(Vec::new()), count: 0, budget };
        decode(*f, &input, early_change, &mut sink).ok()?;
        input = std::borrow::Cow::Owned(sink.kept.unwrap_or_default());
    }
    let mut sink = Sink { kept: None, count: 0, budget };
    decode(*last, &input, early_change, &mut sink).ok()?;
    Some(sink.count)
}

/// The data of a stream decoded through `filters` (stopping at the first one the scan does not
/// decode), or `None` when it exceeds `budget`.
pub(super) fn decoded(data: &[u8], filters: &[Filter], early_change: bool, budget: u64) -> Option<Vec<u8>> {
    let mut input = std::borrow::Cow::Borrowed(data);
    for f in filters.iter().take_while(|f| **f != Filter::Other) {
        let mut sink = Sink { kept: Some(Vec::new()), count: 0, budget };
        decode(*f, &input, early_change, &mut sink).ok()?;
        input = std::borrow::Cow::Owned(sink.kept.unwrap_or_default());
    }
    (input.len() as u64 <= budget).then(|| input.into_owned())
}

/// Over the budget.
pub(super) struct Over;

/// Where a stage's output goes: counted, and kept when a later stage needs it.
pub(super) struct Sink {
    pub(super) kept: Option<Vec<u8>>,
    pub(super) count: u64,
    pub(super) budget: u64,
}

impl Sink {
    fn push(&mut self, bytes: &[u8]) -> Result<(), Over> {
        self.count += bytes.len() as u64;
        if self.count > self.budget {
            return Err(Over);
        }
        if let Some(v) = &mut self.kept {
            v.extend_from_slice(bytes);
        }
        Ok(())
    }
}

/// Decodes one stage into the sink. A damaged stream ends quietly (the reader decides what to do
/// with it); only going over the budget is an error.
fn decode(f: Filter, data: &[u8], early_change: bool, sink: &mut Sink) -> Result<(), Over> {
    match f {
        Filter::Flate => flate(data, sink),
        Filter::Lzw => lzw(data, early_change, sink),
        Filter::RunLength => run_length(data, sink),
        Filter::AsciiHex => ascii_hex(data, sink),
        Filter::Ascii85 => ascii85(data, sink),
        Filter::Other => sink.push(data),
    }
}

/// zlib, else raw deflate (as the reader tries them), streamed through a small buffer.
fn flate(data: &[u8], sink: &mut Sink) -> Result<(), Over> {
    let zlib = data.len() >= 2 && (u16::from(data[0]) << 8 | u16::from(data[1])) % 31 == 0 && data[0] & 0x0f == 8;
    let mut buf = vec![0u8; 64 * 1024];
    let mut pump = |r: &mut dyn Read, sink: &mut Sink| -> Result<(), Over> {
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => return Ok(()),
                Ok(n) => sink.push(&buf[..n])?,
            }
        }
    };
    if zlib {
        pump(&mut flate2::read::ZlibDecoder::new(data), sink)
    } else {
        pump(&mut flate2::read::DeflateDecoder::new(data), sink)
    }
}

/// LZW as in PDF: MSB-first codes of 9 to 12 bits, 256 clears, 257 ends.
pub(super) fn lzw(data: &[u8], early_change: bool, sink: &mut Sink) -> Result<(), Over> {
    // Entry: (prefix code or u16::MAX, last byte).
    let mut table: Vec<(u16, u8)> = Vec::with_capacity(4096);
    let reset = |t: &mut Vec<(u16, u8)>| {
        t.clear();
        t.extend((0..=255u8).map(|b| (u16::MAX, b)));
        t.push((u16::MAX, 0));
        t.push((u16::MAX, 0));
    };
    reset(&mut table);
    let early = u32::from(early_change);
    let (mut width, mut bits, mut acc, mut pos) = (9u32, 0u32, 0u32, 0usize);
    let mut prev: Option<u16> = None;
    let mut out: Vec<u8> = Vec::with_capacity(4096);
    // The bytes of a code, in order, into `out`.
    let spell = |t: &[(u16, u8)], mut c: u16, out: &mut Vec<u8>| {
        out.clear();
        while c != u16::MAX && out.len() <= 4096 {
            let (p, b) = t[c as usize];
            out.push(b);
            c = p;
        }
        out.reverse();
    };
    loop {
        while bits < width {
            let Some(&b) = data.get(pos) else {
                return Ok(());
            };
            acc = (acc << 8) | u32::from(b);
            bits += 8;
            pos += 1;
        }
        let code = ((acc >> (bits - width)) & ((1 << width) - 1)) as u16;
        bits -= width;
        acc &= (1 << bits) - 1;
        match code {
            256 => {
                reset(&mut table);
                width = 9;
                prev = None;
                continue;
            }
            257 => return Ok(()),
            _ => {}
        }
        let next = table.len() as u16;
        match prev {
            _ if code < next => {
                spell(&table, code, &mut out);
                if let (Some(p), Some(&first)) = (prev, out.first()) {
                    if table.len() < 4096 {
                        table.push((p, first));
                    }
                }
            }
            Some(p) if code == next => {
                spell(&table, p, &mut out);
                let Some(&first) = out.first() else {
                    return Ok(());
                };
                out.push(first);
                if table.len() < 4096 {
                    table.push((p, first));
                }
            }
            _ => return Ok(()),
        }
        sink.push(&out)?;
        prev = Some(code);
        if table.len() as u32 + early >= (1 << width) && width < 12 {
            width += 1;
        }
    }
}

pub(super) fn run_length(data: &[u8], sink: &mut Sink) -> Result<(), Over> {
    let mut i = 0;
    while let Some(&n) = data.get(i) {
        match n {
            0..=127 => {
                let end = (i + 2 + n as usize).min(data.len());
                sink.push(&data[(i + 1).min(end)..end])?;
                i = end;
            }
            128 => return Ok(()),
            _ => {
                let Some(&b) = data.get(i + 1) else {
                    return Ok(());
                };
                sink.push(&vec![b; 257 - n as usize])?;
                i += 2;
            }
        }
    }
    Ok(())
}

pub(super) fn ascii_hex(data: &[u8], sink: &mut Sink) -> Result<(), Over> {
    let mut out = Vec::with_capacity(data.len() / 2 + 1);
    let mut high: Option<u8> = None;
    for &c in data {
        if c == b'>' {
            break;
        }
        let Some(d) = (c as char).to_digit(16) else {
            continue;
        };
        match high.take() {
            None => high = Some(d as u8),
            Some(h) => out.push(h << 4 | d as u8),
        }
    }
    if let Some(h) = high {
        out.push(h << 4);
    }
    sink.push(&out)
}

pub(super) fn ascii85(data: &[u8], sink: &mut Sink) -> Result<(), Over> {
    let mut out = Vec::with_capacity(data.len());
    let mut group = [0u32; 5];
    let mut n = 0;
    for &c in data {
        match c {
            b'~' => break,
            b'z' if n == 0 => out.extend_from_slice(&[0; 4]),
            b'!'..=b'u' => {
                group[n] = u32::from(c - b'!');
                n += 1;
                if n == 5 {
                    let v = group.iter().fold(0u32, |a, &d| a.wrapping_mul(85).wrapping_add(d));
                    out.extend_from_slice(&v.to_be_bytes());
                    n = 0;
                }
            }
            _ => {}
        }
        if out.len() >= 64 * 1024 {
            sink.push(&out)?;
            out.clear();
        }
    }
    if n > 1 {
        // A final partial group: padded with `u`, and n - 1 bytes kept.
        group[n..].iter_mut().for_each(|d| *d = 84);
        let v = group.iter().fold(0u32, |a, &d| a.wrapping_mul(85).wrapping_add(d));
        out.extend_from_slice(&v.to_be_bytes()[..n - 1]);
    }
    sink.push(&out)
}
