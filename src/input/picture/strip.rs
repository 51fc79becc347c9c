//! What a PNG or JPEG carries besides its picture, taken out before any writer sees the bytes:
//! camera and editor metadata (EXIF with its GPS position and owner's name, XMP, IPTC,
//! comments, text chunks, thumbnails, trailing data) is removed, and only what the picture needs
//! to show as it should is kept: its pixels, palette and transparency, its colour profile (when it
//! inflates within [`MAX_PROFILE_BYTES`]), its pixel density, and its EXIF orientation as a
//! one-entry EXIF of its own. The work is a walk over the file's chunks or segments: nothing is
//! decoded but a PNG's compressed colour profile, which is measured through a counter that stops
//! at the cap. Same bytes in, same bytes out.
//!
//! This module never decodes pixels and never judges a picture (the caller does, on the bytes
//! this gives back).

use std::io::Read;

/// The largest colour profile kept, decompressed (a real one is a few KB; 1 MB at most).
pub const MAX_PROFILE_BYTES: u64 = 4 * 1024 * 1024;

/// Why a picture's bytes cannot be cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StripError {
    /// The colour profile (`iCCP`) inflates past [`MAX_PROFILE_BYTES`].
    ProfileTooLarge,
    /// The chunk or segment structure is broken at this byte.
    Broken(usize),
}

/// An EXIF block (a TIFF header and one entry) that says only `orientation` (2 to 8).
fn orientation_exif(orientation: u8) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00".to_vec();
    tiff.push(orientation);
    tiff.extend_from_slice(&[0; 6]);
    tiff
}

/// The orientation an EXIF block (from its TIFF header on) gives, when it is not upright.
fn turned(tiff: &[u8]) -> Option<u8> {
    image::metadata::Orientation::from_exif_chunk(tiff).map(|o| o.to_exif()).filter(|&o| (2..=8).contains(&o))
}

/// PNG chunks kept: the picture, and what shows it right. Everything else (text, time, EXIF,
/// animation, private chunks) goes; EXIF comes back as its orientation alone.
const PNG_KEPT: &[&[u8; 4]] =
    &[b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"sBIT", b"pHYs"];

/// A PNG's bytes with only the kept chunks (see [`PNG_KEPT`]), its colour profile measured, and
/// its EXIF orientation (when not upright) as a one-entry `eXIf` before the image data. Chunk
/// checksums are left for the decoder to check.
pub fn png(bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    let mut out = bytes[..8.min(bytes.len())].to_vec();
    let mut at = 8;
    let mut orientation = None;
    let mut wrote_orientation = false;
    while at < bytes.len() {
        let header = bytes.get(at..at + 8).ok_or(StripError::Broken(at))?;
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind: [u8; 4] = [header[4], header[5], header[6], header[7]];
        let end = at.checked_add(12).and_then(|e| e.checked_add(len)).ok_or(StripError::Broken(at))?;
        let chunk = bytes.get(at..end).ok_or(StripError::Broken(at))?;
        let data = &chunk[8..8 + len];
        if &kind == b"eXIf" {
            orientation = orientation.or(turned(data));
        }
        if &kind == b"iCCP" {
            check_profile(data)?;
        }
        if &kind == b"IDAT" && !wrote_orientation {
            wrote_orientation = true;
            if let Some(o) = orientation {
                out.extend_from_slice(&png_chunk(b"eXIf", &orientation_exif(o)));
            }
        }
        if PNG_KEPT.contains(&&kind) {
            out.extend_from_slice(chunk);
        }
        at = end;
        if &kind == b"IEND" {
            break;
        }
    }
    Ok(out)
}

/// A PNG chunk: length, type, data, CRC.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = (data.len() as u32).to_be_bytes().to_vec();
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let crc = crc32(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    chunk
}

/// CRC-32 (ISO 3309), as PNG chunks carry it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { 0xEDB8_8320 ^ (crc >> 1) } else { crc >> 1 };
        }
    }
    !crc
}

/// An `iCCP` chunk's profile (after its name and compression method) inflates within
/// [`MAX_PROFILE_BYTES`], measured through a small buffer.
fn check_profile(data: &[u8]) -> Result<(), StripError> {
    let name_end = data.iter().take(80).position(|&b| b == 0).unwrap_or(0);
    let compressed = data.get(name_end + 2..).unwrap_or_default();
    let mut inflate = flate2::read::ZlibDecoder::new(compressed).take(MAX_PROFILE_BYTES + 1);
    let mut buf = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        match inflate.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => total += n as u64,
        }
    }
    if total > MAX_PROFILE_BYTES {
        return Err(StripError::ProfileTooLarge);
    }
    Ok(())
}

/// A JPEG's bytes without its metadata: `APPn` segments go, but for the JFIF header (its
/// thumbnail dropped), colour profiles (`APP2 ICC_PROFILE`) and the Adobe colour transform
/// (`APP14`); comments go; the EXIF orientation, when not upright, comes back as a one-entry EXIF;
/// nothing after the end-of-image marker is kept. Scans are copied as they are.
pub fn jpeg(bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return Err(StripError::Broken(0));
    }
    let mut out = vec![0xFF, 0xD8];
    let mut orientation = None;
    let mut wrote_orientation = false;
    let mut at = 2;
    loop {
        // Fill bytes (0xFF repeated) may come before a marker.
        while bytes.get(at) == Some(&0xFF) && bytes.get(at + 1) == Some(&0xFF) {
            at += 1;
        }
        let (Some(&0xFF), Some(&marker)) = (bytes.get(at), bytes.get(at + 1)) else {
            return Err(StripError::Broken(at));
        };
        match marker {
            0xD9 => {
                out.extend_from_slice(&[0xFF, 0xD9]);
                return Ok(out);
            }
            // Markers without a length.
            0x01 | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                at += 2;
                continue;
            }
            _ => {}
        }
        let len = bytes.get(at + 2..at + 4).map(|l| usize::from(u16::from_be_bytes([l[0], l[1]])));
        let end = len.filter(|&l| l >= 2).map(|l| at + 2 + l).filter(|&e| e <= bytes.len());
        let end = end.ok_or(StripError::Broken(at))?;
        let segment = &bytes[at..end];
        let data = &segment[4..];
        let keep = match marker {
            0xE0 => {
                if data.starts_with(b"JFIF\0") && data.len() >= 14 {
                    // The header (version, density) without its thumbnail.
                    out.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
                    out.extend_from_slice(&data[..12]);
                    out.extend_from_slice(&[0, 0]);
                }
                false
            }
            0xE1 => {
                if let Some(tiff) = data.strip_prefix(b"Exif\0\0") {
                    orientation = orientation.or(turned(tiff));
                }
                false
            }
            0xE2 => data.starts_with(b"ICC_PROFILE\0"),
            0xEE => data.starts_with(b"Adobe"),
            0xE3..=0xED | 0xEF | 0xFE => false,
            _ => true,
        };
        // The orientation goes in before the first segment that is neither an APPn nor a comment.
        if !(0xE0..=0xEF).contains(&marker) && marker != 0xFE && !wrote_orientation {
            wrote_orientation = true;
            if let Some(o) = orientation {
                let mut app1 = b"Exif\0\0".to_vec();
                app1.extend_from_slice(&orientation_exif(o));
                out.extend_from_slice(&[0xFF, 0xE1]);
                out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
                out.extend_from_slice(&app1);
            }
        }
        if keep {
            out.extend_from_slice(segment);
        }
        at = end;
        if marker == 0xDA {
            // Entropy-coded data: up to the next marker that is not a stuffed zero or a restart.
            let mut i = at;
            while i + 1 < bytes.len()
                && !(bytes[i] == 0xFF && bytes[i + 1] != 0 && !(0xD0..=0xD7).contains(&bytes[i + 1]))
            {
                i += 1;
            }
            if i + 1 >= bytes.len() {
                return Err(StripError::Broken(i));
            }
            out.extend_from_slice(&bytes[at..i]);
            at = i;
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A PNG chunk with its checksum (for building test pictures).
    pub(crate) fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        png_chunk(kind, data)
    }

    #[test]
    fn crc_matches_the_png_specification() {
        // The CRC of an IEND chunk's type, as every PNG ends with it.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn an_orientation_survives_as_itself() {
        for o in 2..=8 {
            assert_eq!(turned(&orientation_exif(o)), Some(o));
        }
        assert_eq!(turned(&orientation_exif(1)), None);
    }
}
