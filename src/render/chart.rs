//! Figures drawn from their data as SVG with `plotters` (SVG backend): risk matrices and
//! bar and line charts. This is the one drawing of each figure: the HTML writer puts the SVG
//! inline, and [`super::figure_png`] rasterises it for the DOCX writer. It knows nothing of any
//! output format beyond the SVG it returns.
//!
//! Every colour comes from the figure's palette (the template's `[chart]`) or its data (a risk
//! band's fill, and the hatching's darker shade of it); none is chosen here.
//!
//! Every chart reads without colour: the risk matrix labels each cell with its band name and
//! hatches the bands more densely as they get more severe; series charts give each series its
//! own fill pattern (bars) or marker and dash (lines), repeated in the legend. All text is drawn
//! dark on light or white on dark, well above 4.5:1.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::render::colour::parse_colour;
use crate::render::RenderError;
use crate::tree::{BandCell, Chart, ChartPalette, Figure, Pattern, RiskPoint, Series, SeriesStyle};

use crate::render::escape::{attr, text};

/// A figure's palette, parsed: the colours plotters draws with.
struct Pens {
    ink: RGBColor,
    background: RGBColor,
    grid: RGBColor,
    marker: RGBColor,
    marker_text: RGBColor,
    /// Never empty.
    series: Vec<(RGBColor, Pattern)>,
    /// Never empty.
    band_patterns: Vec<Pattern>,
}

impl Pens {
    fn new(p: &ChartPalette) -> Result<Pens, String> {
        let series = p.series.iter().map(|s| Ok((rgb(&s.colour)?, s.pattern))).collect::<Result<Vec<_>, String>>()?;
        if series.is_empty() {
            return Err("the palette has no series colours".into());
        }
        if p.band_patterns.is_empty() {
            return Err("the palette has no band patterns".into());
        }
        Ok(Pens {
            ink: rgb(&p.ink)?,
            background: rgb(&p.background)?,
            grid: rgb(&p.grid)?,
            marker: rgb(&p.marker)?,
            marker_text: rgb(&p.marker_text)?,
            series,
            band_patterns: p.band_patterns.clone(),
        })
    }

    /// The colour and pattern of the `k`th series (0-based), the list repeated as needed.
    fn series(&self, k: usize) -> (RGBColor, Pattern) {
        self.series[k % self.series.len()]
    }

    /// The hatching of a band of this severity.
    fn band(&self, severity: u8) -> Pattern {
        let i = usize::from(severity).min(self.band_patterns.len() - 1);
        self.band_patterns[i]
    }
}

/// `#rrggbb` as a plotters colour.
fn rgb(s: &str) -> Result<RGBColor, String> {
    parse_colour(s).map(|(r, g, b)| RGBColor(r, g, b)).ok_or_else(|| format!("{s:?} is not a colour"))
}

/// plotters' SVG backend writes `font-size` as the given size / 1.24; this gives CSS pixels.
fn px(size: f64) -> f64 {
    size * 1.24
}

/// The inline SVG for a figure: `role="img"`, named by the alt text (`aria-label` and `<title>`).
pub fn svg(fig: &Figure, font: &str) -> Result<String, RenderError> {
    let family = svg_font_family(font);
    let pens =
        Pens::new(&fig.palette).map_err(|e| RenderError::new(format!("drawing figure `{}`: {e}", fig.caption)))?;
    let body = match &fig.chart {
        Chart::RiskMatrix { points, bands } => risk_matrix(points, bands, &family, &pens),
        Chart::Series { style, categories, series, unit } => {
            series_chart(*style, categories, series, unit, &family, &pens)
        }
    }
    .map_err(|e| RenderError::new(format!("drawing figure `{}`: {e}", fig.caption)))?;
    name_svg(&body, &fig.alt)
}

/// Puts the accessible name on plotters' `<svg>` element: `role="img"`, `aria-label` and a
/// `<title>` first inside it, all the alt text.
fn name_svg(svg: &str, alt: &str) -> Result<String, RenderError> {
    let open_end = svg
        .find('>')
        .filter(|_| svg.starts_with("<svg "))
        .ok_or_else(|| RenderError::new("plotters wrote no <svg> element"))?;
    let attrs = &svg["<svg ".len()..open_end];
    let mut out = String::with_capacity(svg.len() + alt.len() * 2 + 64);
    out.push_str("<svg ");
    out.push_str(attrs.trim_end_matches('/').trim());
    out.push_str(" class=\"chart\" role=\"img\" focusable=\"false\" aria-label=\"");
    out.push_str(&attr(alt));
    out.push_str("\">\n<title>");
    out.push_str(&text(alt));
    out.push_str("</title>");
    out.push_str(&svg[open_end + 1..]);
    while out.ends_with('\n') {
        out.pop();
    }
    Ok(out)
}

/// The house font with safe fallbacks, reduced to characters that need no quoting in an SVG
/// `font-family` attribute.
fn svg_font_family(font: &str) -> String {
    let clean: String = font.chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ' || *c == '-').collect();
    let clean = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    if clean.is_empty() {
        "Arial, Helvetica, sans-serif".to_owned()
    } else {
        format!("{clean}, Arial, Helvetica, sans-serif")
    }
}

type DrawResult<T> = Result<T, Box<dyn std::error::Error>>;

fn font<'a>(family: &'a str, size: f64, bold: bool, ink: &RGBColor) -> TextStyle<'a> {
    let style = if bold { FontStyle::Bold } else { FontStyle::Normal };
    FontDesc::new(FontFamily::Name(family), px(size), style).color(ink)
}

fn centred(style: TextStyle<'_>) -> TextStyle<'_> {
    style.pos(Pos::new(HPos::Center, VPos::Center))
}

/// The hatching colour over a band's fill: the fill as black at 32 % opacity over it would
/// look, but opaque. (A translucent line is composited on its own by a rasteriser: the DOCX
/// writer's images took three times as long to draw with it.)
fn shade(fill: RGBColor) -> RGBColor {
    let dark = |c: u8| (f64::from(c) * 0.68).round() as u8;
    RGBColor(dark(fill.0), dark(fill.1), dark(fill.2))
}

/// How many pixels apart a pattern's lines (or dots) are drawn.
fn gap(pattern: Pattern) -> i32 {
    match pattern {
        Pattern::Solid => 0,
        Pattern::Diagonal => 10,
        Pattern::Cross => 12,
        Pattern::DenseCross => 8,
        Pattern::Horizontal | Pattern::Vertical | Pattern::Dots => 7,
    }
}

/// Draws `pattern` inside the pixel rectangle `(x0, y0)–(x1, y1)` of `area`.
fn hatch<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rect: ((i32, i32), (i32, i32)),
    pattern: Pattern,
    style: ShapeStyle,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    let ((ax, ay), (bx, by)) = rect;
    let (x0, x1, y0, y1) = (ax.min(bx), ax.max(bx), ay.min(by), ay.max(by));
    if x1 - x0 < 2 || y1 - y0 < 2 {
        return Ok(());
    }
    let mut lines: Vec<[(i32, i32); 2]> = Vec::new();
    let g = gap(pattern);
    // Lines x + y = c (rising to the right on screen) and x - y = c (falling), clipped to the box.
    let rising = |lines: &mut Vec<[(i32, i32); 2]>, gap: i32| {
        let mut c = x0 + y0 + gap / 2;
        while c < x1 + y1 {
            let (sx, sy) = if c - y1 >= x0 { (c - y1, y1) } else { (x0, c - x0) };
            let (ex, ey) = if c - y0 <= x1 { (c - y0, y0) } else { (x1, c - x1) };
            lines.push([(sx, sy), (ex, ey)]);
            c += gap;
        }
    };
    let falling = |lines: &mut Vec<[(i32, i32); 2]>, gap: i32| {
        let mut c = x0 - y1 + gap / 2;
        while c < x1 - y0 {
            let (sx, sy) = if c + y0 >= x0 { (c + y0, y0) } else { (x0, x0 - c) };
            let (ex, ey) = if c + y1 <= x1 { (c + y1, y1) } else { (x1, x1 - c) };
            lines.push([(sx, sy), (ex, ey)]);
            c += gap;
        }
    };
    match pattern {
        Pattern::Solid => {}
        Pattern::Diagonal => rising(&mut lines, g),
        Pattern::Cross | Pattern::DenseCross => {
            rising(&mut lines, g);
            falling(&mut lines, g);
        }
        Pattern::Horizontal => {
            let mut y = y0 + g / 2;
            while y < y1 {
                lines.push([(x0, y), (x1, y)]);
                y += g;
            }
        }
        Pattern::Vertical => {
            let mut x = x0 + g / 2;
            while x < x1 {
                lines.push([(x, y0), (x, y1)]);
                x += g;
            }
        }
        Pattern::Dots => {
            let mut dots = Vec::new();
            let mut y = y0 + g / 2;
            while y < y1 {
                let mut x = x0 + g / 2;
                while x < x1 {
                    dots.push(Circle::new((x, y), 1.6, style.filled()));
                    x += g;
                }
                y += g;
            }
            for d in dots {
                area.draw(&d)?;
            }
        }
    }
    for [a, b] in lines.into_iter().filter(|[a, b]| a != b) {
        area.draw(&PathElement::new(vec![a, b], style))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Risk matrix
// ---------------------------------------------------------------------------------------------

const RM_W: u32 = 640;
const RM_H: u32 = 560;

fn risk_matrix(points: &[RiskPoint], bands: &[Vec<BandCell>], family: &str, pens: &Pens) -> DrawResult<String> {
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (RM_W, RM_H)).into_drawing_area();
        root.fill(&pens.background)?;
        let keys = vec![1.0, 2.0, 3.0, 4.0, 5.0];
        let mut chart = ChartBuilder::on(&root)
            .margin(12)
            .margin_right(16)
            .x_label_area_size(62)
            .y_label_area_size(70)
            .build_cartesian_2d(Ticks::new(0.5..5.5, keys.clone()), Ticks::new(0.5..5.5, keys))?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("Likelihood (1 to 5)")
            .y_desc("Impact (1 to 5)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style(font(family, 15.0, false, &pens.ink))
            .axis_desc_style(font(family, 15.0, true, &pens.ink))
            .axis_style(pens.ink.stroke_width(1))
            .draw()?;

        // The palette hatches more severe bands more densely, so the matrix reads in greyscale
        // as well as from its labels.
        let label_font = centred(font(family, 13.0, true, &pens.ink));
        let mut cells_drawn = Vec::new();
        for (i, row) in bands.iter().enumerate().take(5) {
            for (l, cell) in row.iter().enumerate().take(5) {
                let (x, y) = (l as f64 + 1.0, i as f64 + 1.0);
                let fill = rgb(&cell.fill).unwrap_or(pens.background);
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - 0.5, y - 0.5), (x + 0.5, y + 0.5)],
                    fill.filled(),
                )))?;
                let tl = chart.backend_coord(&(x - 0.5, y + 0.5));
                let br = chart.backend_coord(&(x + 0.5, y - 0.5));
                hatch(&root, (tl, br), pens.band(cell.severity), shade(fill).stroke_width(1))?;
                cells_drawn.push((tl, br, cell.label.as_str()));
            }
        }
        // Cell borders, then the band labels on white tabs at the foot of each cell.
        for &(tl, br, label) in &cells_drawn {
            root.draw(&Rectangle::new([tl, br], pens.background.stroke_width(2)))?;
            let cx = (tl.0 + br.0) / 2;
            let w = text_width(label, 13.0) + 10;
            let (ty0, ty1) = (br.1 - 26, br.1 - 6);
            root.draw(&Rectangle::new([(cx - w / 2, ty0), (cx + w / 2, ty1)], pens.background.filled()))?;
            root.draw(&Rectangle::new([(cx - w / 2, ty0), (cx + w / 2, ty1)], pens.ink.stroke_width(1)))?;
            root.draw(&Text::new(label.to_owned(), (cx, (ty0 + ty1) / 2), label_font.clone()))?;
        }

        // The risks, as numbered circles; several in one cell sit side by side (wrapping).
        let number_font = centred(font(family, 14.0, true, &pens.marker_text));
        let mut by_cell: Vec<((u8, u8), Vec<u32>)> = Vec::new();
        for p in points.iter().filter(|p| (1..=5).contains(&p.likelihood) && (1..=5).contains(&p.impact)) {
            match by_cell.iter_mut().find(|(k, _)| *k == (p.likelihood, p.impact)) {
                Some((_, v)) => v.push(p.number),
                None => by_cell.push(((p.likelihood, p.impact), vec![p.number])),
            }
        }
        for ((l, i), numbers) in &by_cell {
            let tl = chart.backend_coord(&(*l as f64 - 0.5, *i as f64 + 0.5));
            let br = chart.backend_coord(&(*l as f64 + 0.5, *i as f64 - 0.5));
            let cx = (tl.0 + br.0) / 2;
            let area_mid = (tl.1 + br.1 - 30) / 2; // above the label tab
            let per_row = 3usize;
            let rows = numbers.len().div_ceil(per_row);
            let r = if numbers.len() > per_row { 11 } else { 14 };
            let step = 2 * r + 4;
            for (k, n) in numbers.iter().enumerate() {
                let (row, col) = (k / per_row, k % per_row);
                let in_row = (numbers.len() - row * per_row).min(per_row) as i32;
                let x = cx + (2 * col as i32 - (in_row - 1)) * step / 2;
                let y = area_mid + (2 * row as i32 - (rows as i32 - 1)) * step / 2;
                root.draw(&Circle::new((x, y), r, pens.marker.filled()))?;
                root.draw(&Circle::new((x, y), r, pens.background.stroke_width(2)))?;
                root.draw(&Text::new(n.to_string(), (x, y), number_font.clone()))?;
            }
        }
        root.present()?;
    }
    Ok(buf)
}

/// A linear axis with the tick positions given (plotters' `WithKeyPoints` has no label
/// formatter for `f64`).
struct Ticks {
    range: std::ops::Range<f64>,
    ticks: Vec<f64>,
}

impl Ticks {
    fn new(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Self {
        Ticks { range, ticks }
    }
}

impl Ranged for Ticks {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        // The same mapping as plotters' own `RangedCoordf64`.
        plotters::coord::types::RangedCoordf64::from(self.range.clone()).map(value, limit)
    }

    fn key_points<Hint: plotters::coord::ranged1d::KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        self.ticks.clone()
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

/// A rough width in pixels of `s` at `size` px (Arial-like average advance).
fn text_width(s: &str, size: f64) -> i32 {
    (s.chars().count() as f64 * size * 0.6).ceil() as i32
}

// ---------------------------------------------------------------------------------------------
// Bar and line charts
// ---------------------------------------------------------------------------------------------

const SC_W: u32 = 720;
const SC_PLOT_H: u32 = 400;
const LEGEND_ROW: u32 = 30;

/// A value with thousands separators, trimmed of a zero fraction.
fn format_value(v: f64) -> String {
    let neg = v < 0.0;
    let a = v.abs();
    let s = if (a - a.round()).abs() < 1e-9 { format!("{:.0}", a) } else { format!("{:.1}", a) };
    let (int, frac) = s.split_once('.').map_or((s.as_str(), None), |(i, f)| (i, Some(f)));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if let Some(f) = frac {
        grouped.push('.');
        grouped.push_str(f);
    }
    if neg {
        format!("-{grouped}")
    } else {
        grouped
    }
}

fn series_chart(
    style: SeriesStyle,
    categories: &[String],
    series: &[Series],
    unit: &str,
    family: &str,
    pens: &Pens,
) -> DrawResult<String> {
    let ncat = categories.len().max(1);
    let values = series.iter().flat_map(|s| s.values.iter().copied()).filter(|v| v.is_finite());
    let (mut lo, mut hi) = values.fold((0.0f64, 0.0f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if hi - lo < 1e-9 {
        hi = lo + 1.0;
    }
    let pad = (hi - lo) * 0.08;
    if hi > 0.0 {
        hi += pad;
    }
    if lo < 0.0 {
        lo -= pad;
    }

    let legend_rows = series.len() as u32;
    let height = SC_PLOT_H + 16 + legend_rows * LEGEND_ROW;
    let mut buf = String::new();
    {
        let root = SVGBackend::with_string(&mut buf, (SC_W, height)).into_drawing_area();
        root.fill(&pens.background)?;
        let (upper, lower) = root.split_vertically(SC_PLOT_H);
        let centres: Vec<f64> = (0..ncat).map(|c| c as f64 + 0.5).collect();
        let cat_label = |v: &f64| {
            let i = (*v - 0.5).round();
            if i >= 0.0 {
                categories.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        };
        let mut chart = ChartBuilder::on(&upper)
            .margin(12)
            .margin_right(24)
            .x_label_area_size(44)
            .y_label_area_size(86)
            .build_cartesian_2d(Ticks::new(0.0..ncat as f64, centres), lo..hi)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_labels(7)
            .y_max_light_lines(0)
            .bold_line_style(pens.grid.stroke_width(1))
            .x_label_formatter(&cat_label)
            .y_label_formatter(&|v| format_value(*v))
            .y_desc(unit)
            .label_style(font(family, 15.0, false, &pens.ink))
            .axis_desc_style(font(family, 15.0, true, &pens.ink))
            .axis_style(pens.ink.stroke_width(1))
            .draw()?;

        let ns = series.len().max(1);
        match style {
            SeriesStyle::Bar => {
                let group = 0.8;
                let bw = group / ns as f64;
                for (k, s) in series.iter().enumerate() {
                    let (colour, pattern) = pens.series(k);
                    for (c, v) in s.values.iter().enumerate().take(ncat) {
                        if !v.is_finite() {
                            continue;
                        }
                        let x0 = c as f64 + (1.0 - group) / 2.0 + k as f64 * bw;
                        let (a, b) = ((x0, 0.0), (x0 + bw, *v));
                        chart.draw_series(std::iter::once(Rectangle::new([a, b], colour.filled())))?;
                        let (pa, pb) = (chart.backend_coord(&a), chart.backend_coord(&b));
                        hatch(&root, (pa, pb), pattern, pens.background.stroke_width(2))?;
                        root.draw(&Rectangle::new([pa, pb], pens.ink.stroke_width(1)))?;
                    }
                }
                // The zero line over the bars.
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(0.0, 0.0), (ncat as f64, 0.0)],
                    pens.ink.stroke_width(1),
                )))?;
            }
            SeriesStyle::Line => {
                for (k, s) in series.iter().enumerate() {
                    let (colour, _) = pens.series(k);
                    let pts: Vec<(f64, f64)> = s
                        .values
                        .iter()
                        .enumerate()
                        .take(ncat)
                        .filter(|(_, v)| v.is_finite())
                        .map(|(c, v)| (c as f64 + 0.5, *v))
                        .collect();
                    let line = colour.stroke_width(3);
                    if k % 2 == 0 {
                        chart.draw_series(LineSeries::new(pts.clone(), line))?;
                    } else {
                        chart.draw_series(DashedLineSeries::new(pts.clone(), 10, 6, line))?;
                    }
                    for p in &pts {
                        let at = chart.backend_coord(p);
                        marker(&root, k, at, colour, pens.background)?;
                    }
                }
            }
        }

        // Legend: a swatch with the series' own pattern or marker, then its name.
        let name_font = font(family, 15.0, false, &pens.ink).pos(Pos::new(HPos::Left, VPos::Center));
        let left = 98;
        for (k, s) in series.iter().enumerate() {
            let (colour, pattern) = pens.series(k);
            let y = 8 + k as i32 * LEGEND_ROW as i32 + LEGEND_ROW as i32 / 2;
            match style {
                SeriesStyle::Bar => {
                    let r = ((left, y - 10), (left + 34, y + 10));
                    lower.draw(&Rectangle::new([r.0, r.1], colour.filled()))?;
                    hatch(&lower, r, pattern, pens.background.stroke_width(2))?;
                    lower.draw(&Rectangle::new([r.0, r.1], pens.ink.stroke_width(1)))?;
                }
                SeriesStyle::Line => {
                    let line = colour.stroke_width(3);
                    if k % 2 == 0 {
                        lower.draw(&PathElement::new(vec![(left - 4, y), (left + 38, y)], line))?;
                    } else {
                        for e in DashedLineSeries::new(vec![(left - 4, y), (left + 38, y)], 10, 6, line) {
                            lower.draw(&e)?;
                        }
                    }
                    marker(&lower, k, (left + 17, y), colour, pens.background)?;
                }
            }
            lower.draw(&Text::new(s.name.clone(), (left + 48, y), name_font.clone()))?;
        }
        root.present()?;
    }
    Ok(buf)
}

/// A distinct marker shape per series: filled circle, square, triangle, diamond, open circle
/// (filled with `ground`), cross.
fn marker<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    k: usize,
    (x, y): (i32, i32),
    colour: RGBColor,
    ground: RGBColor,
) -> DrawResult<()>
where
    DB::ErrorType: 'static,
{
    match k % 6 {
        0 => area.draw(&Circle::new((x, y), 6, colour.filled()))?,
        1 => area.draw(&Rectangle::new([(x - 6, y - 6), (x + 6, y + 6)], colour.filled()))?,
        2 => area.draw(&Polygon::new(vec![(x, y - 8), (x + 7, y + 5), (x - 7, y + 5)], colour.filled()))?,
        3 => area.draw(&Polygon::new(vec![(x, y - 8), (x + 8, y), (x, y + 8), (x - 8, y)], colour.filled()))?,
        4 => {
            area.draw(&Circle::new((x, y), 6, ground.filled()))?;
            area.draw(&Circle::new((x, y), 6, colour.stroke_width(3)))?;
        }
        _ => {
            area.draw(&PathElement::new(vec![(x - 6, y - 6), (x + 6, y + 6)], colour.stroke_width(3)))?;
            area.draw(&PathElement::new(vec![(x - 6, y + 6), (x + 6, y - 6)], colour.stroke_width(3)))?;
        }
    }
    Ok(())
}
