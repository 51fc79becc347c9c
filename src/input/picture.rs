//! Pictures an author places from files beside the paper (Markdown `![alt](map.png)`): the one
//! place an image file is read and judged. The path must stay inside the paper's root and name a
//! regular file of at most [`MAX_IMAGE_BYTES`]; the bytes must be a whole PNG or JPEG (decoded
//! here, within the pixel cap, so a truncated or corrupt file fails at its line and not in a
//! writer) or an SVG that links to no other file. What is read becomes a [`crate::tree::Image`]:
//! the writers get its bytes and never open a file.
//!
//! This room never decides how a picture is shown, and never quotes a file's content.

use std::io::Cursor;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use super::file::{self, ReadError, Scope};
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
/// they are.
pub fn judge(bytes: Vec<u8>, max_pixels: u64) -> Result<Image, ReadError> {
    let format = sniff(&bytes)?;
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
    let size = tree.size();
    let px = |v: f32| (v.ceil() as u32).max(1);
    Ok((px(size.width()), px(size.height())))
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
}
