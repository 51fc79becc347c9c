//! Pictures an author places from files beside the paper (Markdown `![alt](map.png)`): the one
//! place an image file is read and judged. The path must stay inside the paper's root and name a
//! regular file of at most [`MAX_IMAGE_BYTES`]; the bytes must be a whole PNG or JPEG (decoded
//! here, within the pixel cap, so a truncated or corrupt file fails at its line and not in a
//! writer) or an SVG that refers to no other file and uses no filter effects. A PNG's or JPEG's
//! metadata (EXIF with a GPS position, comments, text chunks) is removed here, once, by
//! [`strip`], and a colour-profile bomb refused, so every writer gets the same clean bytes. What
//! is read becomes a [`crate::tree::Image`]: the writers get its bytes and never open a file.
//!
//! This room never decides how a picture is shown, and never quotes a file's content.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::file::{self, ReadError, Scope};

pub mod strip;
use crate::tree::{Image, ImageFormat};

/// The largest image file accepted, in bytes (a photograph for a report is a few hundred KB).
pub const MAX_IMAGE_BYTES: u64 = 20 * 1024 * 1024;

/// The most memory decoding one image may take.
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// Where one paper's pictures come from: the paper's folder, inside its scope.
#[derive(Debug, Clone)]
pub struct Pictures {
    /// The folder of the paper (relative paths start here).
    pub dir: PathBuf,
    /// The root they must stay inside, and the caps.
    pub scope: Scope,
}

impl Pictures {
    /// Reads and checks the image the author named `written`.
    pub fn read(&self, written: &str) -> Result<Image, ReadError> {
        let path = self.scope.resolve(&self.dir, written)?;
        let bytes = file::read(&path, MAX_IMAGE_BYTES, "an image file", "20 MB")?;
        judge(bytes, self.scope.limits.image_pixels)
    }
}

/// Checks that `bytes` are a whole PNG, JPEG or SVG of at most `max_pixels` pixels, and says what
/// they are; a PNG or JPEG comes back without its metadata.
pub fn judge(bytes: Vec<u8>, max_pixels: u64) -> Result<Image, ReadError> {
    let format = sniff(&bytes)?;
    let bytes = match format {
        ImageFormat::Png => strip::png(&bytes).map_err(|e| stripped(e, "PNG"))?,
        ImageFormat::Jpeg => strip::jpeg(&bytes).map_err(|e| stripped(e, "JPEG"))?,
        ImageFormat::Svg => bytes,
    };
    let (width, height, orientation, pixels) = match format {
        ImageFormat::Png | ImageFormat::Jpeg => raster(&bytes, format, max_pixels)?,
        ImageFormat::Svg => svg(&bytes).map(|(w, h)| (w, h, 1, None))?,
    };
    let digest = hex(&Sha256::digest(&bytes));
    Ok(Image { format, width, height, orientation, digest, pixels, data: Arc::from(bytes) })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why the metadata of a picture could not be taken out, in the author's words.
fn stripped(e: strip::StripError, name: &str) -> ReadError {
    match e {
        strip::StripError::ProfileTooLarge => ReadError::new(format!(
            "is a {name} whose colour profile (iCCP) inflates to more than {} MB; a real profile is a few KB",
            strip::MAX_PROFILE_BYTES / (1024 * 1024)
        ))
        .help("save the picture again in sRGB, without an embedded colour profile"),
        strip::StripError::Broken(at) => ReadError::new(format!("is not a whole {name} file (it breaks at byte {at})"))
            .help("open it in an image editor and save it again, or name the right file"),
    }
}

/// The format, from the bytes (never the file's name).
fn sniff(bytes: &[u8]) -> Result<ImageFormat, ReadError> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(ImageFormat::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok(ImageFormat::Jpeg);
    }
    let text = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let first = text.iter().position(|b| !b.is_ascii_whitespace()).map(|i| text[i]);
    // XML whose first 64 KB (a prologue, comments, a doctype) open an `<svg` element.
    if first == Some(b'<') && text[..text.len().min(65_536)].windows(4).any(|w| w == b"<svg") {
        return Ok(ImageFormat::Svg);
    }
    let named = match image::guess_format(bytes) {
        Ok(f) => format!("a {} image", f.extensions_str().first().map_or("other", |e| e).to_uppercase()),
        Err(_) => "not an image".to_owned(),
    };
    Err(ReadError::new(format!("is {named}; a picture must be a PNG, JPEG or SVG file"))
        .help("save or export the picture as PNG (drawings, screenshots), JPEG (photographs) or SVG"))
}

/// A PNG's or JPEG's size as shown (turned upright by its EXIF orientation, as browsers and the
/// typesetter turn it), that orientation and the digest of its decoded pixels, after decoding it
/// whole within the caps.
fn raster(bytes: &[u8], format: ImageFormat, max_pixels: u64) -> Result<(u32, u32, u8, Option<String>), ReadError> {
    use image::ImageDecoder as _;
    let kind = match format {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        _ => image::ImageFormat::Png,
    };
    let name = if format == ImageFormat::Png { "PNG" } else { "JPEG" };
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), kind);
    let mut limits = image::Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let broken = |e: image::ImageError| {
        ReadError::new(format!("is not a whole {name} file ({e})"))
            .help("open it in an image editor and save it again, or name the right file")
    };
    let mut decoder = reader.into_decoder().map_err(broken)?;
    let (width, height) = decoder.dimensions();
    let orientation = decoder.orientation().map_or(1, image::metadata::Orientation::to_exif);
    let pixels = u64::from(width) * u64::from(height);
    if pixels > max_pixels {
        return Err(ReadError::new(format!(
            "is {width} × {height} pixels; the most a picture may have is {max_pixels} pixels"
        ))
        .help("scale the picture down: 2,000 pixels across is plenty for a page"));
    }
    let decoded = image::DynamicImage::from_decoder(decoder).map_err(broken)?;
    let mut pixels = Sha256::new();
    pixels.update(format!("{:?} {width} {height} ", decoded.color()).as_bytes());
    pixels.update(decoded.as_bytes());
    let pixels = Some(hex(&pixels.finalize()));
    // Orientations 5 to 8 turn the picture a quarter: its stored width is its shown height.
    let (width, height) = if orientation >= 5 { (height, width) } else { (width, height) };
    Ok((width, height, orientation, pixels))
}

/// An SVG's size in CSS pixels, after parsing it; one that links to another file is refused
/// (no writer may read a file the paper did not name, and the typesetter cannot).
fn svg(bytes: &[u8]) -> Result<(u32, u32), ReadError> {
    use resvg::usvg;
    if let Some(reference) = external_reference(bytes) {
        let shown: String = reference.chars().filter(|c| !c.is_control()).take(80).collect();
        return Err(ReadError::new(format!("is an SVG that links to another file (`{shown}`)"))
            .help("embed the linked images and fonts in the SVG when exporting it, or export the picture as PNG"));
    }
    let linked: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = Arc::clone(&linked);
    let options = usvg::Options {
        image_href_resolver: usvg::ImageHrefResolver {
            resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(move |href: &str, _: &usvg::Options| {
                if let Ok(mut seen) = seen.lock() {
                    seen.push(href.to_owned());
                }
                None
            }),
        },
        ..usvg::Options::default()
    };
    let tree = usvg::Tree::from_data(bytes, &options).map_err(|e| {
        ReadError::new(format!("is not an SVG drawing that can be read ({e})"))
            .help("export it from the drawing program again as plain SVG, or as PNG")
    })?;
    let linked = linked.lock().map(|l| l.clone()).unwrap_or_default();
    if let Some(first) = linked.first() {
        let shown: String = first.chars().filter(|c| !c.is_control()).take(80).collect();
        return Err(ReadError::new(format!("is an SVG that links to another file (`{shown}`)"))
            .help("embed the linked images in the SVG when exporting it, or export the picture as PNG"));
    }
    if !tree.filters().is_empty() {
        return Err(ReadError::new(
            "is an SVG with filter effects (blur, shadow, lighting and the like), which cannot be drawn in bounded time",
        )
        .help("export the drawing without filter effects, or export it as PNG"));
    }
    let size = tree.size();
    let px = |v: f32| (v.ceil() as u32).max(1);
    Ok((px(size.width()), px(size.height())))
}

/// The first reference an SVG makes outside itself, if any: an `href` that is not `#…` or a
/// `data:` address, a `url(…)` that is not `url(#…)`, a CSS `@import` or `@font-face`. Read on
/// the XML as written (styles included), before the drawing is parsed; XML that does not parse is
/// left to the parser's error.
fn external_reference(bytes: &[u8]) -> Option<String> {
    use resvg::usvg::roxmltree;
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let options = roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() };
    let doc = roxmltree::Document::parse_with_options(text, options).ok()?;
    let inside = |href: &str| {
        let href = href.trim();
        href.starts_with('#') || href.get(..5).is_some_and(|s| s.eq_ignore_ascii_case("data:"))
    };
    // `url(x)`, `url('x')`, `url("x")` in a style: the first one that leads outside.
    let outside_url = |style: &str| -> Option<String> {
        let lower = style.to_ascii_lowercase();
        for at in ["@import", "@font-face"] {
            if lower.contains(at) {
                return Some(at.to_owned());
            }
        }
        let mut from = 0;
        while let Some(i) = lower[from..].find("url(") {
            let start = from + i + 4;
            let end = style[start..].find(')').map_or(style.len(), |e| start + e);
            let target = style[start..end].trim().trim_matches(|c| c == '\'' || c == '"');
            if !inside(target) {
                return Some(format!("url({target})"));
            }
            from = end;
        }
        None
    };
    for node in doc.descendants() {
        if node.is_text() && node.parent().is_some_and(|p| p.tag_name().name() == "style") {
            if let Some(found) = node.text().and_then(outside_url) {
                return Some(found);
            }
        }
        for attribute in node.attributes() {
            if attribute.name() == "href" && !inside(attribute.value()) {
                return Some(attribute.value().to_owned());
            }
            if let Some(found) = outside_url(attribute.value()) {
                return Some(found);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, width, height);
        e.set_color(png::ColorType::Rgb);
        let mut w = e.write_header().expect("header");
        w.write_image_data(&vec![200; (width * height * 3) as usize]).expect("data");
        w.finish().expect("finish");
        out
    }

    #[test]
    fn judges_png_and_svg() {
        let img = judge(png(30, 20), 1_000).expect("a PNG");
        assert_eq!((img.format, img.width, img.height), (ImageFormat::Png, 30, 20));
        assert_eq!(img.digest.len(), 64);
        let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="120.5" height="40"><rect width="10" height="10"/></svg>"#;
        let img = judge(svg.to_vec(), 1_000).expect("an SVG");
        assert_eq!((img.format, img.width, img.height), (ImageFormat::Svg, 121, 40));
    }

    /// A JPEG of `width` × `height` stored pixels whose EXIF says to turn it a quarter
    /// clockwise to show it (orientation 6, as a phone writes a portrait photograph).
    pub(crate) fn jpeg_turned(width: u32, height: u32) -> Vec<u8> {
        let mut plain = Vec::new();
        image::RgbImage::from_pixel(width, height, image::Rgb([90, 120, 150]))
            .write_to(&mut Cursor::new(&mut plain), image::ImageFormat::Jpeg)
            .expect("encode");
        // APP1 "Exif": a big-endian TIFF header and one IFD entry, Orientation (0x0112) = 6.
        let tiff: &[u8] =
            b"MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00";
        let mut app1 = b"Exif\x00\x00".to_vec();
        app1.extend_from_slice(tiff);
        let len = (app1.len() + 2) as u16;
        let mut out = plain[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&plain[2..]);
        out
    }

    #[test]
    fn a_photograph_stored_on_its_side_is_measured_upright() {
        let img = judge(jpeg_turned(40, 30), 10_000).expect("a JPEG");
        assert_eq!((img.width, img.height, img.orientation), (30, 40, 6));
        let plain = judge(png(40, 30), 10_000).expect("a PNG");
        assert_eq!((plain.width, plain.height, plain.orientation), (40, 30, 1));
    }

    #[test]
    fn refuses_truncated_large_linked_and_other_formats() {
        let whole = png(30, 20);
        let e = judge(whole[..whole.len() - 20].to_vec(), 1_000).expect_err("truncated");
        assert!(e.message.starts_with("is not a whole PNG file"), "{}", e.message);
        let e = judge(whole, 100).expect_err("too many pixels");
        assert!(e.message.contains("30 × 20 pixels"), "{}", e.message);
        let e = judge(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;".to_vec(), 100).expect_err("GIF");
        assert!(e.message.starts_with("is a GIF image"), "{}", e.message);
        let e = judge(b"hello".to_vec(), 100).expect_err("text");
        assert!(e.message.starts_with("is not an image"), "{}", e.message);
        let linked = br#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10"><image width="10" height="10" xlink:href="/etc/passwd"/></svg>"#;
        let e = judge(linked.to_vec(), 100).expect_err("linked file");
        assert!(e.message.contains("links to another file (`/etc/passwd`)"), "{}", e.message);
    }

    /// A PNG with `extra` chunks (type, data) placed before its image data.
    pub(crate) fn png_with(extra: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let plain = png(10, 10);
        let idat = plain.windows(4).position(|w| w == b"IDAT").expect("IDAT") - 4;
        let mut out = plain[..idat].to_vec();
        for (kind, data) in extra {
            out.extend_from_slice(&strip::tests::chunk(kind, data));
        }
        out.extend_from_slice(&plain[idat..]);
        out
    }

    #[test]
    fn a_png_colour_profile_bomb_is_refused_and_a_real_profile_kept() {
        use std::io::Write;
        let profile = |size: usize| {
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            z.write_all(&vec![0u8; size]).expect("compress");
            let mut data = b"bomb\0\0".to_vec();
            data.extend(z.finish().expect("compress"));
            data
        };
        let e = judge(png_with(&[(b"iCCP", profile(64 << 20))]), 1_000).expect_err("bomb");
        assert!(e.message.contains("colour profile (iCCP) inflates to more than 4 MB"), "{}", e.message);
        let img = judge(png_with(&[(b"iCCP", profile(3_000))]), 1_000).expect("a small profile");
        assert!(img.data.windows(4).any(|w| w == b"iCCP"));
    }

    #[test]
    fn png_text_and_exif_chunks_are_removed_but_the_orientation_stays() {
        let exif = b"MM\x00\x2a\x00\x00\x00\x08\x00\x02\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x01\x3b\x00\x02\x00\x00\x00\x04Eve\x00\x00\x00\x00\x00".to_vec();
        let dirty = png_with(&[
            (b"tEXt", b"Author\0Eve Secret".to_vec()),
            (b"iTXt", b"Comment\0\0\0\0\0at home".to_vec()),
            (b"eXIf", exif),
            (b"tIME", vec![7, 232, 1, 1, 0, 0, 0]),
        ]);
        let img = judge(dirty, 1_000).expect("a PNG");
        for gone in [&b"tEXt"[..], b"iTXt", b"tIME", b"Eve"] {
            assert!(!img.data.windows(gone.len()).any(|w| w == gone), "{}", String::from_utf8_lossy(gone));
        }
        assert_eq!(img.orientation, 6);
        assert!(image::load_from_memory(&img.data).is_ok());
    }

    #[test]
    fn jpeg_metadata_is_removed_but_the_orientation_and_the_pixels_stay() {
        let turned = jpeg_turned(40, 30);
        // A comment and an XMP packet after the EXIF; bytes after the end of the image.
        let mut dirty = turned[..2].to_vec();
        let com = b"Taken at 54.57N 1.31W by Eve";
        dirty.extend_from_slice(&[0xFF, 0xFE]);
        dirty.extend_from_slice(&((com.len() + 2) as u16).to_be_bytes());
        dirty.extend_from_slice(com);
        let xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>Eve</x:xmpmeta>";
        dirty.extend_from_slice(&[0xFF, 0xE1]);
        dirty.extend_from_slice(&((xmp.len() + 2) as u16).to_be_bytes());
        dirty.extend_from_slice(xmp);
        dirty.extend_from_slice(&turned[2..]);
        dirty.extend_from_slice(b"trailing secret");
        let img = judge(dirty.clone(), 10_000).expect("a JPEG");
        for gone in [&b"Eve"[..], b"54.57N", b"xmpmeta", b"trailing"] {
            assert!(!img.data.windows(gone.len()).any(|w| w == gone), "{}", String::from_utf8_lossy(gone));
        }
        assert_eq!((img.width, img.height, img.orientation), (30, 40, 6));
        let before = image::load_from_memory(&dirty).expect("decode").to_rgb8();
        let after = image::load_from_memory(&img.data).expect("decode").to_rgb8();
        assert_eq!(before, after, "the pixels are untouched");
        assert_eq!(judge(dirty, 10_000).expect("again").data, img.data, "deterministic");
    }

    #[test]
    fn svg_filters_and_every_external_reference_are_refused() {
        let svg = |inner: &str| {
            format!(r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">{inner}</svg>"#)
                .into_bytes()
        };
        let blur = svg(
            r#"<filter id="f"><feGaussianBlur stdDeviation="100000"/></filter><rect width="10" height="10" filter="url(#f)"/>"#,
        );
        let e = judge(blur, 100).expect_err("filter");
        assert!(e.message.contains("filter effects"), "{}", e.message);
        for (inner, shown) in [
            (r#"<use href="other.svg#a"/>"#, "other.svg#a"),
            (r#"<use xlink:href="file:///etc/passwd"/>"#, "file:///etc/passwd"),
            (r#"<style>@import url(http://example.com/a.css);</style>"#, "@import"),
            (r#"<style><![CDATA[@font-face { src: url(file:///x.ttf) }]]></style>"#, "@font-face"),
            (
                r#"<rect width="1" height="1" style="fill: url('http://example.com/p.svg#g')"/>"#,
                "url(http://example.com/p.svg#g)",
            ),
        ] {
            let e = judge(svg(inner), 100).expect_err(inner);
            assert!(e.message.contains(&format!("links to another file (`{shown}`)")), "{inner}: {}", e.message);
        }
        let fine = svg(
            r##"<defs><linearGradient id="g"/></defs><rect width="1" height="1" fill="url(#g)" style="stroke: url( '#g' )"/><use href="#g"/>"##,
        );
        assert!(judge(fine, 100).is_ok());
    }
}
