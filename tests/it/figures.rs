//! Figures look the same in every format: the DOCX picture, the HTML page's SVG and the PDF page
//! are drawn in the template's `[chart]` colours (and the risk bands' fills), and in no other
//! chart colour. The tests build with a copy of the template whose series colours are changed,
//! so that colours drawn from anywhere but the template show.

use crate::common::*;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

type Rgb = [u8; 3];

fn hex(s: &str) -> Rgb {
    let h = s.trim_start_matches('#');
    let v = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).expect("hex colour");
    [v(0), v(2), v(4)]
}

/// The template's chart colours: (series colours in order, every colour a figure may be drawn in).
/// A risk band is hatched in a darker shade of its fill (each channel × 0.68, rounded), so that
/// shade is allowed too.
fn template_colours(template: &Path) -> (Vec<Rgb>, BTreeSet<Rgb>) {
    let t: toml::Value = toml::from_str(&read_text(&template.join("template.toml"))).expect("template.toml");
    let chart = &t["chart"];
    let series: Vec<Rgb> = chart["series"]
        .as_array()
        .expect("series")
        .iter()
        .map(|s| hex(s["colour"].as_str().expect("colour")))
        .collect();
    let mut all: BTreeSet<Rgb> = series.iter().copied().collect();
    for key in ["ink", "background", "grid", "marker", "marker_text"] {
        all.insert(hex(chart[key].as_str().expect(key)));
    }
    for band in t["risk_bands"].as_array().expect("risk_bands") {
        let fill = hex(band["fill"].as_str().expect("fill"));
        all.insert(fill);
        all.insert(fill.map(|c| (f64::from(c) * 0.68).round() as u8));
    }
    (series, all)
}

/// Whether `c` is `allowed` or a blend of two allowed colours (what smoothing an edge between
/// them gives), within two levels a channel.
fn drawn_from(c: Rgb, allowed: &BTreeSet<Rgb>) -> bool {
    let f = |x: Rgb| x.map(f64::from);
    let c = f(c);
    allowed.iter().any(|&a| {
        allowed.iter().any(|&b| {
            let (a, b) = (f(a), f(b));
            let d: Vec<f64> = (0..3).map(|i| b[i] - a[i]).collect();
            let len: f64 = d.iter().map(|x| x * x).sum();
            let t = if len == 0.0 {
                0.0
            } else {
                ((0..3).map(|i| (c[i] - a[i]) * d[i]).sum::<f64>() / len).clamp(0.0, 1.0)
            };
            (0..3).all(|i| (a[i] + t * d[i] - c[i]).abs() <= 2.0)
        })
    })
}

/// Pixel counts by colour of a PNG (8-bit RGB or RGBA).
fn histogram(png_data: &[u8]) -> HashMap<Rgb, usize> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png_data)).read_info().expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut buf).expect("decodes");
    let step = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected PNG colour type {other:?}"),
    };
    let mut counts = HashMap::new();
    for p in buf[..info.buffer_size()].chunks_exact(step) {
        *counts.entry([p[0], p[1], p[2]]).or_insert(0) += 1;
    }
    counts
}

/// The colours that cover at least `share` of the pixels: the areas and lines of a drawing, not
/// the blends its edges are smoothed with.
fn dominant(counts: &HashMap<Rgb, usize>, share: f64) -> BTreeSet<Rgb> {
    let total: usize = counts.values().sum();
    counts.iter().filter(|(_, &n)| n as f64 >= share * total as f64).map(|(c, _)| *c).collect()
}

/// The built-in template copied into `dir/template`, its series colours replaced by others.
fn recoloured_template(dir: &Path) -> std::path::PathBuf {
    let from = root().join("templates/cabinet");
    let to = dir.join("template");
    std::fs::create_dir_all(to.join("fonts")).expect("template folder");
    std::fs::copy(from.join("report.typ"), to.join("report.typ")).expect("copy report.typ");
    for font in files_in(&from.join("fonts")) {
        std::fs::copy(from.join("fonts").join(&font), to.join("fonts").join(&font)).expect("copy font");
    }
    let mut toml = read_text(&from.join("template.toml"));
    let series_at = toml.find("\nseries = [").expect("[chart] series");
    let end = series_at + toml[series_at..].find("\n]").expect("end of series");
    let recoloured = toml[series_at..end]
        .replace("#1f3864", "#6b1f64")
        .replace("#2e75b6", "#0e6a8c")
        .replace("#a84a0c", "#8c2d00")
        .replace("#38761d", "#4d5b00");
    assert_ne!(recoloured, toml[series_at..end], "the series colours were replaced");
    toml.replace_range(series_at..end, &recoloured);
    std::fs::write(to.join("template.toml"), toml).expect("write template.toml");
    to
}

fn build(dir: &Path, template: &Path, format: &str) {
    let out = cabrep(&[
        "build",
        "inputs/highways-capital-programme.yaml",
        "--template",
        s(template),
        "-f",
        format,
        "-o",
        s(dir),
        "-q",
    ]);
    assert!(out.status.success(), "build failed: {}", stderr(&out));
}

fn show(set: &BTreeSet<Rgb>) -> Vec<String> {
    set.iter().map(|c| format!("#{:02x}{:02x}{:02x}", c[0], c[1], c[2])).collect()
}

#[test]
fn docx_figures_are_drawn_in_the_template_chart_colours_and_no_other() {
    let dir = tempdir();
    let template = recoloured_template(dir.path());
    let (series, allowed) = template_colours(&template);
    build(dir.path(), &template, "docx");
    let media = docx_media(&dir.path().join("highways-capital-programme.docx"));
    assert_eq!(media.len(), 2, "the bar chart and the risk matrix");
    let mut seen = BTreeSet::new();
    for (name, data) in &media {
        let colours = dominant(&histogram(data), 0.002);
        let stray: BTreeSet<Rgb> = colours.iter().copied().filter(|c| !drawn_from(*c, &allowed)).collect();
        assert!(stray.is_empty(), "{name} is drawn in colours the template does not give: {:?}", show(&stray));
        seen.extend(colours);
    }
    // The chart has four series: the template's first four colours, in its order.
    for c in &series[..4] {
        assert!(seen.contains(c), "series colour {:?} is drawn", show(&BTreeSet::from([*c])));
    }
    assert!(!seen.contains(&series[4]), "a fifth series colour on a four-series chart");
}

/// The colours an SVG names (`fill`, `stroke` attributes), lower case.
fn svg_colours(svg: &str) -> BTreeSet<Rgb> {
    let mut out = BTreeSet::new();
    for attr in ["fill=\"#", "stroke=\"#"] {
        for (at, _) in svg.match_indices(attr) {
            let h = &svg[at + attr.len()..at + attr.len() + 6];
            out.insert(hex(&h.to_ascii_lowercase()));
        }
    }
    out
}

#[test]
fn html_figures_name_only_the_template_chart_colours() {
    let dir = tempdir();
    let template = recoloured_template(dir.path());
    let (series, allowed) = template_colours(&template);
    build(dir.path(), &template, "html");
    let html = read_text(&dir.path().join("highways-capital-programme.html"));
    let svgs: Vec<&str> = html.split("<svg ").skip(1).map(|s| s.split("</svg>").next().expect("closed")).collect();
    assert_eq!(svgs.len(), 2, "the bar chart and the risk matrix");
    let used: BTreeSet<Rgb> = svgs.iter().flat_map(|s| svg_colours(s)).collect();
    let stray: BTreeSet<Rgb> = used.difference(&allowed).copied().collect();
    assert!(stray.is_empty(), "colours the template does not give: {:?}", show(&stray));
    for c in &series[..4] {
        assert!(used.contains(c), "series colour {:?} is used", show(&BTreeSet::from([*c])));
    }
}

#[test]
fn pdf_figures_show_the_template_series_colours() {
    let dir = tempdir();
    let template = recoloured_template(dir.path());
    let (series, _) = template_colours(&template);
    build(dir.path(), &template, "pdf");
    let pdf = dir.path().join("highways-capital-programme.pdf");
    let prefix = dir.path().join("page");
    poppler("pdftoppm", &["-png", "-r", "60", s(&pdf), s(&prefix)]);
    let mut seen = BTreeSet::new();
    for page in files_in(dir.path()).iter().filter(|n| n.starts_with("page") && n.ends_with(".png")) {
        let data = std::fs::read(dir.path().join(page)).expect("page image");
        seen.extend(dominant(&histogram(&data), 0.0005));
    }
    // The rasteriser may round a channel by one.
    let near = |c: &Rgb| seen.iter().any(|s| s.iter().zip(c).all(|(a, b)| a.abs_diff(*b) <= 2));
    for c in &series[..4] {
        assert!(near(c), "series colour {:?} is on a page", show(&BTreeSet::from([*c])));
    }
}
