//! Figures and pictures as PNG images, for writers that cannot take SVG or JPEG (the DOCX
//! writer).
//!
//! There is one drawing of each figure: the SVG of [`super::chart`] (drawn with `plotters`,
//! and put inline by the HTML writer). Here it is rasterised with resvg, using only the template's fonts (loaded from
//! memory, never from the system), so the same input gives the same image whatever fonts the
//! machine has. The image is drawn on white and encoded as an opaque 8-bit RGB PNG.
//!
//! A picture an author placed ([`Image`]) is scaled down to the size shown: a PNG or JPEG small
//! enough is kept as it is, a larger one is decoded, scaled and encoded again in its own format,
//! and an SVG is rasterised as a figure is (never reading a file it links to).

use std::sync::Arc;

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{self, fontdb};

use super::chart;
use super::RenderError;
use crate::tree::{Figure, Image, ImageFormat};

/// A figure drawn as a PNG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Png {
    /// The encoded PNG file (opaque 8-bit RGB), as embedded in the document.
    pub data: Vec<u8>,
    /// Width of the image in pixels (at most the `max_width` asked for).
    pub width: u32,
    /// Height of the image in pixels (at most the `max_height` asked for).
    pub height: u32,
}

/// A picture as a DOCX embeds it: a PNG, or a JPEG for a picture given as JPEG.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    /// The encoded file.
    pub data: Vec<u8>,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The file is a JPEG (otherwise a PNG).
    pub jpeg: bool,
}

/// Draws figures as PNGs with a fixed set of fonts. Built once per process (see
/// `crate::engine::Engine`) and shared by every render and thread.
pub struct Rasteriser {
    fonts: Arc<fontdb::Database>,
}

impl std::fmt::Debug for Rasteriser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rasteriser").field("faces", &self.fonts.len()).finish()
    }
}

impl Rasteriser {
    /// A rasteriser over these font files (the template's `fonts`). Files that are not fonts
    /// are skipped; with no usable font at all, charts are drawn without their text.
    pub fn new(fonts: &[Vec<u8>]) -> Self {
        let mut db = fontdb::Database::new();
        for data in fonts {
            db.load_font_data(data.clone());
        }
        Rasteriser { fonts: Arc::new(db) }
    }

    /// Draws `fig` as a PNG as large as fits in `max_width` × `max_height` pixels, keeping its
    /// aspect ratio. `font` is the house font; the generic families in the SVG (and any family
    /// not among the fonts) resolve to it, or, if it is not among the fonts, to the first font.
    pub fn png(&self, fig: &Figure, font: &str, max_width: u32, max_height: u32) -> Result<Png, RenderError> {
        let svg = chart::svg(fig, font)?;
        let err =
            |e: &dyn std::fmt::Display| RenderError::new(format!("drawing figure `{}` as an image: {e}", fig.caption));

        self.draw(svg.as_bytes(), font, max_width, max_height, true).map_err(|e| err(&e))
    }

    /// `image` as the DOCX embeds it, at most `max_width` × `max_height` pixels, keeping its
    /// aspect ratio: a PNG or JPEG that already fits (or nearly, `SLACK`) and is stored upright
    /// is kept as it is; another is turned upright, scaled and encoded again in its own format (a
    /// photograph stays JPEG); an SVG is rasterised as a PNG.
    pub fn picture(&self, image: &Image, font: &str, max_width: u32, max_height: u32) -> Result<Embedded, RenderError> {
        /// How much larger than asked a picture may be and still be embedded unchanged.
        const SLACK: f64 = 1.5;
        /// JPEG quality of a scaled photograph.
        const QUALITY: u8 = 85;
        let err = |e: &dyn std::fmt::Display| RenderError::new(format!("placing a picture as an image: {e}"));
        let scale = (f64::from(max_width.max(1)) / f64::from(image.width.max(1)))
            .min(f64::from(max_height.max(1)) / f64::from(image.height.max(1)));
        let jpeg = image.format == ImageFormat::Jpeg;
        match image.format {
            ImageFormat::Svg => {
                let png = self.draw(&image.data, font, max_width, max_height, false).map_err(|e| err(&e))?;
                Ok(Embedded { data: png.data, width: png.width, height: png.height, jpeg: false })
            }
            // A photograph stored on its side is turned upright here: Word does not read EXIF.
            _ if scale * SLACK >= 1.0 && image.orientation == 1 => {
                Ok(Embedded { data: image.data.to_vec(), width: image.width, height: image.height, jpeg })
            }
            ImageFormat::Png | ImageFormat::Jpeg => {
                let kind = if jpeg { ::image::ImageFormat::Jpeg } else { ::image::ImageFormat::Png };
                let mut decoded = ::image::load_from_memory_with_format(&image.data, kind).map_err(|e| err(&e))?;
                if let Some(turn) = ::image::metadata::Orientation::from_exif(image.orientation) {
                    decoded.apply_orientation(turn);
                }
                let scale = scale.min(1.0);
                let width = (f64::from(image.width) * scale).round().max(1.0) as u32;
                let height = (f64::from(image.height) * scale).round().max(1.0) as u32;
                let scaled = decoded.resize_exact(width, height, ::image::imageops::FilterType::Triangle);
                let mut data = Vec::new();
                if jpeg {
                    let rgb = ::image::DynamicImage::ImageRgb8(scaled.to_rgb8());
                    let encoder = ::image::codecs::jpeg::JpegEncoder::new_with_quality(&mut data, QUALITY);
                    rgb.write_with_encoder(encoder).map_err(|e| err(&e))?;
                } else {
                    let flat = if scaled.color().has_alpha() {
                        ::image::DynamicImage::ImageRgba8(scaled.to_rgba8())
                    } else {
                        ::image::DynamicImage::ImageRgb8(scaled.to_rgb8())
                    };
                    flat.write_with_encoder(::image::codecs::png::PngEncoder::new(&mut data)).map_err(|e| err(&e))?;
                }
                Ok(Embedded { data, width, height, jpeg })
            }
        }
    }

    /// Rasterises `svg` as large as fits in `max_width` × `max_height`, with the fonts, on white
    /// when `opaque` (a figure) or on a clear ground (an author's drawing). Any file the SVG
    /// links to is left out.
    fn draw(&self, svg: &[u8], font: &str, max_width: u32, max_height: u32, opaque: bool) -> Result<Png, String> {
        let family = self.family_for(font);
        let mut db = (*self.fonts).clone();
        db.set_serif_family(family.as_str());
        db.set_sans_serif_family(family.as_str());
        db.set_monospace_family(family.as_str());
        db.set_cursive_family(family.as_str());
        db.set_fantasy_family(family.as_str());
        let options = usvg::Options {
            font_family: family,
            fontdb: Arc::new(db),
            image_href_resolver: usvg::ImageHrefResolver {
                resolve_data: usvg::ImageHrefResolver::default_data_resolver(),
                resolve_string: Box::new(|_, _| None),
            },
            ..usvg::Options::default()
        };
        let tree = usvg::Tree::from_data(svg, &options).map_err(|e| e.to_string())?;

        let size = tree.size();
        let (w, h) = (f64::from(size.width()), f64::from(size.height()));
        let scale = (f64::from(max_width.max(1)) / w).min(f64::from(max_height.max(1)) / h);
        let width = (w * scale).round().max(1.0) as u32;
        let height = (h * scale).round().max(1.0) as u32;
        let mut pixmap = Pixmap::new(width, height).ok_or_else(|| format!("{width} × {height} pixels"))?;
        if opaque {
            pixmap.fill(resvg::tiny_skia::Color::WHITE);
        }
        let transform = Transform::from_scale((f64::from(width) / w) as f32, (f64::from(height) / h) as f32);
        resvg::render(&tree, transform, &mut pixmap.as_mut());
        let data = if opaque {
            encode_rgb(pixmap.data(), width, height)?
        } else {
            pixmap.encode_png().map_err(|e| e.to_string())?
        };
        Ok(Png { data, width, height })
    }

    /// The family that stands in for every family the SVG names but the fonts lack.
    fn family_for(&self, font: &str) -> String {
        let font = font.trim();
        let has = |name: &str| self.fonts.faces().any(|f| f.families.iter().any(|(n, _)| n == name));
        if has(font) {
            return font.to_owned();
        }
        self.fonts.faces().find_map(|f| f.families.first()).map_or_else(|| font.to_owned(), |(n, _)| n.clone())
    }
}

/// Encodes opaque premultiplied RGBA (drawn on white, so every alpha is 255 and the colours
/// are as they are) as 8-bit RGB: a quarter smaller than RGBA before compression, and Word and
/// LibreOffice need no transparency for it.
fn encode_rgb(rgba: &[u8], width: u32, height: u32) -> Result<Vec<u8>, String> {
    let rgb: Vec<u8> = rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]).collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{Chart, Series, SeriesStyle};

    fn bar_chart() -> Figure {
        Figure {
            palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
            caption: "Spend by year".into(),
            alt: "Spend rises.".into(),
            chart: Chart::Series {
                style: SeriesStyle::Bar,
                categories: vec!["2024/25".into(), "2025/26".into()],
                series: vec![
                    Series { name: "Capital".into(), values: vec![1000.0, 1500.0] },
                    Series { name: "Revenue".into(), values: vec![400.0, 350.0] },
                ],
                unit: "£000".into(),
            },
        }
    }

    /// RGB pixels of a PNG.
    fn pixels(png: &Png) -> Vec<u8> {
        let mut reader = png::Decoder::new(std::io::Cursor::new(&png.data)).read_info().expect("a PNG");
        let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader.next_frame(&mut buf).expect("decodes");
        assert_eq!((info.width, info.height, info.color_type), (png.width, png.height, png::ColorType::Rgb));
        buf
    }

    /// Dark pixels left of the y axis (the first `width / 9` columns): only the tick labels and
    /// the unit are drawn there.
    fn ink_left_of_axis(png: &Png) -> usize {
        let rgb = pixels(png);
        let row = png.width as usize * 3;
        rgb.chunks_exact(row)
            .map(|r| r[..row / 9].chunks_exact(3).filter(|p| p.iter().all(|&c| c < 0x80)).count())
            .sum()
    }

    #[test]
    fn draws_the_svg_fitted_to_the_box_on_white() {
        let r = Rasteriser::new(&crate::template::Template::builtin().expect("template").fonts);
        let fig = bar_chart();
        // 720 × 476 SVG pixels (two legend rows): width-limited, then height-limited.
        let wide = r.png(&fig, "Liberation Sans", 1440, 5000).expect("draws");
        assert_eq!((wide.width, wide.height), (1440, 952));
        let tall = r.png(&fig, "Liberation Sans", 5000, 476).expect("draws");
        assert_eq!((tall.width, tall.height), (720, 476));
        let rgb = pixels(&wide);
        // Opaque white background: the corners are white.
        assert_eq!(&rgb[..3], &[255, 255, 255]);
        assert_eq!(&rgb[rgb.len() - 3..], &[255, 255, 255]);
        // Deterministic.
        assert_eq!(r.png(&fig, "Liberation Sans", 1440, 5000).expect("draws again"), wide);
    }

    #[test]
    fn text_comes_from_the_given_fonts_whatever_the_house_font() {
        let with_fonts = Rasteriser::new(&crate::template::Template::builtin().expect("template").fonts);
        let without = Rasteriser::new(&[]);
        let fig = bar_chart();
        let text = ink_left_of_axis(&with_fonts.png(&fig, "Liberation Sans", 720, 720).expect("draws"));
        let no_text = ink_left_of_axis(&without.png(&fig, "Liberation Sans", 720, 720).expect("draws"));
        assert_eq!(no_text, 0, "nothing but text left of the axis");
        assert!(text > 200, "the tick labels and unit are drawn: {text} dark pixels");
        // A house font the template lacks falls back to the template's font, not to nothing.
        let other = with_fonts.png(&fig, "Gill Sans", 720, 720).expect("draws");
        assert_eq!(ink_left_of_axis(&other), text);
        assert_eq!(with_fonts.family_for("Gill Sans"), "Liberation Sans");
        assert!(Rasteriser::new(&[b"not a font".to_vec()]).png(&fig, "x", 100, 100).is_ok());
    }

    /// Greyscale legibility: a matrix whose 25 cells are all one band, in one and the same
    /// colour, drawn once per severity. With colour taken away, the hatching alone must tell the
    /// bands apart: the share of pixels at a grey edge rises strictly with severity.
    #[test]
    fn risk_bands_differ_in_greyscale_by_hatching_alone() {
        use crate::tree::{BandCell, RiskPoint};
        let r = Rasteriser::new(&crate::template::Template::builtin().expect("template").fonts);
        let edge_share = |severity: u8| {
            let band = BandCell { label: "Band".into(), fill: "#c8c8c8".into(), severity };
            let fig = Figure {
                palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
                caption: "Risk matrix".into(),
                alt: "A matrix.".into(),
                chart: Chart::RiskMatrix {
                    points: vec![RiskPoint { number: 1, likelihood: 3, impact: 3 }],
                    bands: vec![vec![band; 5]; 5],
                },
            };
            let png = r.png(&fig, "Liberation Sans", 600, 600).expect("drawn");
            let grey: Vec<f64> = pixels(&png)
                .chunks_exact(3)
                .map(|p| 0.2126 * f64::from(p[0]) + 0.7152 * f64::from(p[1]) + 0.0722 * f64::from(p[2]))
                .collect();
            let w = png.width as usize;
            let edges =
                grey.windows(2).enumerate().filter(|(i, p)| (i + 1) % w != 0 && (p[0] - p[1]).abs() > 30.0).count();
            edges as f64 / grey.len() as f64
        };
        let shares: Vec<f64> = (0..4).map(edge_share).collect();
        for pair in shares.windows(2) {
            assert!(pair[1] > pair[0] * 1.2, "each more severe band is visibly more hatched: {shares:?}");
        }
    }
}
