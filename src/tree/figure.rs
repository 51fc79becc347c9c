//! The tree's figures and pictures: a chart drawn from data (its kind, series, risk points and
//! the template's palette) and a picture read when the paper was loaded (its bytes and format).
//! Pure data like the rest of the tree: it draws nothing and reads no file.

use serde::{Deserialize, Serialize};

/// A figure drawn from data.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Figure {
    /// Caption shown with the figure.
    pub caption: String,
    /// Alt text, generated from the data.
    pub alt: String,
    /// What to draw.
    pub chart: Chart,
    /// The colours and patterns it is drawn in (the template's `[chart]`): every format draws
    /// the figure from this one description.
    pub palette: ChartPalette,
}

/// A picture from a file beside the paper, read and checked when the paper is loaded: writers
/// get its bytes here and never open a file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Picture {
    /// What the picture shows, for readers who cannot see it (the Markdown alt text); may be
    /// empty only where the loader has warned about it.
    pub alt: String,
    /// Caption shown with it (the Markdown title, `![alt](file.png "Caption")`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// The file as the author named it (for messages and the tree dump).
    pub source: String,
    /// The image itself.
    pub image: Image,
}

/// The bytes of an image file, and what they are.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Image {
    /// Its format.
    pub format: ImageFormat,
    /// Width in pixels as shown, upright (an SVG's: its width in CSS pixels, rounded up).
    pub width: u32,
    /// Height in pixels as shown, upright.
    pub height: u32,
    /// The EXIF orientation of a photograph (1 to 8; 1, upright, when it has none): how its
    /// stored pixels are turned to be shown. `width` and `height` are already turned.
    #[serde(skip_serializing_if = "is_upright")]
    pub orientation: u8,
    /// SHA-256 of the bytes, hex: two images with the same digest are the same image.
    pub digest: String,
    /// SHA-256 of a PNG's or JPEG's decoded pixels (with their size and colour type), hex: the
    /// same picture saved again under another encoding of the same pixels has the same one.
    #[serde(skip)]
    pub pixels: Option<String>,
    /// The file's bytes, as read.
    #[serde(skip)]
    pub data: std::sync::Arc<[u8]>,
}

fn is_upright(orientation: &u8) -> bool {
    *orientation == 1
}

/// The image formats a picture may be in.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// SVG (vector).
    Svg,
}

impl ImageFormat {
    /// The MIME type (`image/png`).
    pub fn mime(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Svg => "image/svg+xml",
        }
    }
}

/// The colours (`#rrggbb`) and hatching patterns of figures, as the template's `[chart]` table
/// gives them. Writers take every colour of a chart from here or from the chart's own data (a
/// risk band's fill).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChartPalette {
    /// Text, axes and outlines.
    pub ink: String,
    /// The figure's ground; also the risk matrix's cell borders and label tabs, and the
    /// hatching over bars.
    pub background: String,
    /// The value axis's grid lines.
    pub grid: String,
    /// Fill of the numbered risk markers.
    pub marker: String,
    /// The numbers on the risk markers.
    pub marker_text: String,
    /// The series in order (the first row of a table is the first series): fill or line
    /// colour and bar hatching. A chart with more series starts the list again.
    pub series: Vec<SeriesPaint>,
    /// Hatching of the risk bands by severity, the least severe first; a band more severe
    /// than the list is long takes the last.
    pub band_patterns: Vec<Pattern>,
}

/// How one series is drawn.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SeriesPaint {
    /// Fill of its bars, colour of its line and markers (`#rrggbb`).
    pub colour: String,
    /// Hatching over its bars and legend swatch (line charts tell series apart by marker and
    /// dash instead).
    pub pattern: Pattern,
}

/// Hatching over a filled area, so that areas differ without colour.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Pattern {
    /// The fill alone.
    Solid,
    /// Lines rising to the right.
    Diagonal,
    /// Both diagonals.
    Cross,
    /// Both diagonals, closer together.
    DenseCross,
    /// Horizontal lines.
    Horizontal,
    /// Vertical lines.
    Vertical,
    /// A square grid of dots.
    Dots,
}

/// The data a figure is drawn from.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Chart {
    /// A 5 × 5 likelihood × impact risk matrix.
    RiskMatrix {
        /// Risks plotted by number: (number, likelihood, impact).
        points: Vec<RiskPoint>,
        /// Band label and fill for each cell, indexed `[impact-1][likelihood-1]`.
        bands: Vec<Vec<BandCell>>,
    },
    /// A bar or line chart of a financial table.
    Series {
        /// `bar` or `line`.
        style: SeriesStyle,
        /// Category labels (the table's columns).
        categories: Vec<String>,
        /// One series per table row.
        series: Vec<Series>,
        /// Axis unit, e.g. "£000".
        unit: String,
    },
}

/// A risk plotted on the matrix.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RiskPoint {
    /// The risk's number in the register.
    pub number: u32,
    /// 1–5.
    pub likelihood: u8,
    /// 1–5.
    pub impact: u8,
}

/// One cell of the risk matrix background.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BandCell {
    /// Band label ("Low", "Medium", …).
    pub label: String,
    /// Fill colour.
    pub fill: String,
    /// How severe the band is among the template's bands: 0 for the least severe. Writers
    /// hatch more severe bands more densely, so the matrix reads without colour.
    pub severity: u8,
}

/// Bar or line.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SeriesStyle {
    /// Grouped bars.
    Bar,
    /// Lines with markers.
    Line,
}

/// A data series.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Series {
    /// Row label.
    pub name: String,
    /// One value per category.
    pub values: Vec<f64>,
}
