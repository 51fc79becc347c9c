//! The house style's values read from the Word file's styles part, and laid on a template's
//! house style for the PDF and HTML: fonts mapped to metric-compatible ones, sizes, colours, page,
//! margins and the logo.

use super::{w_attr, w_child, FurnitureKind, ReadStyle, Reference};
use crate::tree::HouseStyle;

impl Reference {
    /// Reads the house style's values from the styles part (and the theme's fonts).
    pub(super) fn read_style(&self, styles: &roxmltree::Document<'_>, theme: Option<&str>) -> ReadStyle {
        let mut out = ReadStyle::default();
        let theme_fonts = theme.map(theme_fonts).unwrap_or_default();
        let font_of = |rpr: roxmltree::Node<'_, '_>| -> Option<String> {
            let f = w_child(rpr, &["rFonts"])?;
            if let Some(a) = w_attr(f, "ascii") {
                return Some(a.to_owned());
            }
            match w_attr(f, "asciiTheme") {
                Some(t) if t.starts_with("major") => theme_fonts.0.clone(),
                Some(_) => theme_fonts.1.clone(),
                None => None,
            }
        };
        let size_of = |rpr: roxmltree::Node<'_, '_>| -> Option<f32> {
            w_child(rpr, &["sz"])
                .and_then(|s| w_attr(s, "val"))
                .and_then(|v| v.parse::<f32>().ok())
                .map(|h| h / 2.0)
                .filter(|s| (6.0..=72.0).contains(s))
        };
        let root = styles.root_element();
        if let Some(rpr) = w_child(root, &["docDefaults", "rPrDefault", "rPr"]) {
            out.body_font = font_of(rpr);
            out.body_size = size_of(rpr);
        }
        let style_node = |id: &str| {
            root.children()
                .find(|c| c.is_element() && c.tag_name().name() == "style" && w_attr(*c, "styleId") == Some(id))
        };
        if let Some(rpr) = self.style_for("Normal", "paragraph").and_then(style_node).and_then(|s| w_child(s, &["rPr"]))
        {
            out.body_font = font_of(rpr).or(out.body_font);
            out.body_size = size_of(rpr).or(out.body_size);
        }
        for level in 0..3 {
            let Some(s) = self.style_for(&format!("heading {}", level + 1), "paragraph").and_then(style_node) else {
                continue;
            };
            let Some(rpr) = w_child(s, &["rPr"]) else { continue };
            out.heading_sizes[level] = size_of(rpr);
            if level == 0 {
                out.heading_font = font_of(rpr);
            }
            if out.heading_colour.is_none() {
                out.heading_colour = w_child(rpr, &["color"]).and_then(|c| w_attr(c, "val")).and_then(hex);
            }
        }
        if let Some(s) = self.style_for("Report Table", "table").and_then(style_node) {
            let first_row = s.children().find(|c| {
                c.is_element() && c.tag_name().name() == "tblStylePr" && w_attr(*c, "type") == Some("firstRow")
            });
            out.table_header_fill =
                first_row.and_then(|f| w_child(f, &["tcPr", "shd"])).and_then(|s| w_attr(s, "fill")).and_then(hex);
        }
        let twips = |v: Option<&String>| v.and_then(|v| v.parse::<f32>().ok()).map(|t| t / 1440.0 * 25.4);
        let get = |attrs: &[(String, String)], k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        if let (Some(w), Some(h)) =
            (twips(get(&self.page_size, "w:w").as_ref()), twips(get(&self.page_size, "w:h").as_ref()))
        {
            out.page_mm = Some((w, h));
        }
        let m: Vec<Option<f32>> = ["w:top", "w:right", "w:bottom", "w:left"]
            .iter()
            .map(|k| twips(get(&self.page_margins, k).as_ref()).map(f32::abs))
            .collect();
        if let [Some(t), Some(r), Some(b), Some(l)] = m[..] {
            out.margins_mm = Some([t, r, b, l]);
        }
        let header = self.furniture.iter().find(|f| f.kind == FurnitureKind::Header && f.which == "default");
        out.logo = header.and_then(|f| f.images.first()).map(|(_, i)| *i);
        out.logo_mm = header.filter(|_| out.logo.is_some()).and_then(|f| extent_mm(&f.xml));
        out
    }

    /// Lays the values read on a house style, the fonts the PDF and HTML cannot set mapped to
    /// those `families` (the template's fonts) holds; each change and mapping is noted.
    ///
    /// A font neither the template's fonts nor the shipped metric-compatible ones hold is noted
    /// as a warning naming both; a shipped one it needs is returned, for the template to add to
    /// its fonts. `alt` is the logo's alt text.
    pub fn apply(&mut self, style: &mut HouseStyle, families: &[String], alt: &str) -> Vec<&'static [u8]> {
        let h = self.house.clone();
        let mut added: Vec<&'static [u8]> = Vec::new();
        if let Some(f) = &h.body_font {
            if let Some(used) = self.map_font("body", f, &style.font, families, &mut added) {
                style.font = used;
            }
        }
        if let Some(f) = h.heading_font.as_ref().filter(|f| Some(*f) != h.body_font.as_ref()) {
            if let Some(used) = self.map_font("heading", f, &style.font, families, &mut added) {
                style.heading_font = Some(used).filter(|u| *u != style.font);
            }
        }
        if let Some((i, m)) = h.logo.and_then(|i| self.media.get(i).map(|m| (i, m))) {
            let (w, hgt) = h.logo_mm.unwrap_or((40.0, 15.0));
            let format = if m.ext == "png" { crate::tree::ImageFormat::Png } else { crate::tree::ImageFormat::Jpeg };
            style.logo = Some(crate::tree::Logo {
                alt: alt.to_owned(),
                format,
                width_mm: w,
                height_mm: hgt,
                data: m.data.clone().into(),
            });
            self.notes.push(format!("logo: the header's image {} ({w:.1} × {hgt:.1} mm), alt text \"{alt}\"", i + 1));
        }
        let mut note = |s: String| self.notes.push(s);
        if let Some(s) = h.body_size {
            style.body_size = s;
            note(format!("body size {s} pt"));
        }
        let [t, hd, sub] = h.heading_sizes;
        for (slot, v, what) in [
            (&mut style.title_size, t, "heading 1"),
            (&mut style.heading_size, hd, "heading 2"),
            (&mut style.subheading_size, sub, "heading 3"),
        ] {
            if let Some(v) = v {
                *slot = v;
                note(format!("{what} size {v} pt"));
            }
        }
        if let Some(c) = &h.heading_colour {
            style.heading_colour = c.clone();
            note(format!("heading colour {c}"));
        }
        if let Some(c) = &h.table_header_fill {
            style.table_header_fill = c.clone();
            note(format!("table header fill {c}"));
        }
        if let Some((w, hgt)) = h.page_mm.filter(|(w, h)| (90.0..=600.0).contains(w) && (90.0..=600.0).contains(h)) {
            style.page_width_mm = w;
            style.page_height_mm = hgt;
            note(format!("page {w:.0} × {hgt:.0} mm"));
        }
        if let Some(m) = h.margins_mm {
            let m = m.map(|x| (x.clamp(5.0, 60.0) * 10.0).round() / 10.0);
            let used = m.iter().copied().fold(0.0f32, f32::max);
            style.margin_mm = used;
            if m.iter().all(|x| (x - m[0]).abs() < 0.5) {
                note(format!("margins {used:.1} mm"));
            } else {
                style.margins_mm = Some(m);
                note(format!(
                    "margins {:.1}, {:.1}, {:.1}, {:.1} mm (top, right, bottom, left)",
                    m[0], m[1], m[2], m[3]
                ));
            }
        }
        added
    }

    /// The family the PDF and HTML set the Word file's `font` in (for `what`: body or
    /// heading), noted; a shipped metric-compatible font it needs goes into `added`. None: it
    /// stays `current`, with a warning.
    fn map_font(
        &mut self,
        what: &str,
        font: &str,
        current: &str,
        families: &[String],
        added: &mut Vec<&'static [u8]>,
    ) -> Option<String> {
        let twin = METRIC_COMPATIBLE.iter().find(|(name, _)| name.eq_ignore_ascii_case(font)).map(|(_, t)| *t);
        match font_for(font, families) {
            Some((used, true)) => {
                self.notes.push(format!("{what} font \"{font}\" (from the Word file's styles)"));
                Some(used)
            }
            Some((used, false)) => {
                self.notes.push(format!(
                    "warning: the {what} font \"{font}\" is not among the template's fonts: the PDF and HTML use \"{used}\", which has the same metrics (the DOCX keeps \"{font}\"); add \"{font}\" to the template's fonts/ to use it"
                ));
                Some(used)
            }
            None => match twin.and_then(|t| SHIPPED_TWINS.iter().find(|(n, _)| *n == t)) {
                Some((used, files)) => {
                    self.notes.push(format!(
                        "warning: the {what} font \"{font}\" is not among the template's fonts: the PDF and HTML use \"{used}\" (shipped with cabrep), which has the same metrics (the DOCX keeps \"{font}\"); add \"{font}\" to the template's fonts/ to use it"
                    ));
                    for f in *files {
                        if !added.iter().any(|a| std::ptr::eq(*a, *f)) {
                            added.push(f);
                        }
                    }
                    Some((*used).to_owned())
                }
                None => {
                    let twin = twin.map(|t| format!(", nor its metric-compatible \"{t}\",")).unwrap_or_default();
                    self.notes.push(format!(
                        "warning: the {what} font \"{font}\"{twin} is not among the template's fonts: the PDF and HTML use \"{current}\" (the DOCX keeps \"{font}\"); add \"{font}\" to the template's fonts/"
                    ));
                    None
                }
            },
        }
    }
}

/// The theme's major and minor Latin fonts.
fn theme_fonts(theme: &str) -> (Option<String>, Option<String>) {
    let opts = roxmltree::ParsingOptions { allow_dtd: false, ..roxmltree::ParsingOptions::default() };
    let Ok(doc) = roxmltree::Document::parse_with_options(theme, opts) else { return (None, None) };
    let latin = |which: &str| {
        doc.descendants()
            .find(|n| n.tag_name().name() == which)
            .and_then(|n| n.children().find(|c| c.tag_name().name() == "latin"))
            .and_then(|l| l.attribute("typeface"))
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    (latin("majorFont"), latin("minorFont"))
}

/// `RRGGBB` as `#rrggbb` (`auto` and anything else: none).
pub(super) fn hex(v: &str) -> Option<String> {
    (v.len() == 6 && v.chars().all(|c| c.is_ascii_hexdigit())).then(|| format!("#{}", v.to_ascii_lowercase()))
}

/// The metric-compatible free fonts (SIL OFL) for the fonts council Word files use most.
pub const METRIC_COMPATIBLE: &[(&str, &str)] = &[
    ("Arial", "Liberation Sans"),
    ("Helvetica", "Liberation Sans"),
    ("Calibri", "Carlito"),
    ("Cambria", "Caladea"),
    ("Times New Roman", "Liberation Serif"),
    ("Courier New", "Liberation Mono"),
];

/// The metric-compatible fonts cabrep ships (SIL OFL; see `templates/cabinet/fonts/OFL.txt`),
/// added to a template's fonts when its Word file names the font they stand in for.
const SHIPPED_TWINS: &[(&str, &[&[u8]])] = &[
    (
        "Carlito",
        &[
            include_bytes!("../../../templates/cabinet/fonts/Carlito-Regular.ttf"),
            include_bytes!("../../../templates/cabinet/fonts/Carlito-Bold.ttf"),
            include_bytes!("../../../templates/cabinet/fonts/Carlito-Italic.ttf"),
        ],
    ),
    (
        "Caladea",
        &[
            include_bytes!("../../../templates/cabinet/fonts/Caladea-Regular.ttf"),
            include_bytes!("../../../templates/cabinet/fonts/Caladea-Bold.ttf"),
            include_bytes!("../../../templates/cabinet/fonts/Caladea-Italic.ttf"),
            include_bytes!("../../../templates/cabinet/fonts/Caladea-BoldItalic.ttf"),
        ],
    ),
];

/// The first drawing's size in a header or footer's XML (`wp:extent`, EMU), millimetres.
fn extent_mm(xml: &str) -> Option<(f32, f32)> {
    let opts = roxmltree::ParsingOptions { allow_dtd: false, ..roxmltree::ParsingOptions::default() };
    let doc = roxmltree::Document::parse_with_options(xml, opts).ok()?;
    let e = doc.descendants().find(|n| n.is_element() && n.tag_name().name() == "extent")?;
    let emu = |k: &str| e.attribute(k).and_then(|v| v.parse::<f32>().ok()).map(|v| v / 36_000.0);
    let (w, h) = (emu("cx")?, emu("cy")?);
    ((1.0..=300.0).contains(&w) && (1.0..=300.0).contains(&h)).then_some((w, h))
}

/// The family the PDF and HTML set `font` in: itself when the template's fonts have it (`true`),
/// else its metric-compatible one when they have that (`false`), else none.
pub(super) fn font_for(font: &str, families: &[String]) -> Option<(String, bool)> {
    if let Some(f) = families.iter().find(|f| f.eq_ignore_ascii_case(font)) {
        return Some((f.clone(), true));
    }
    let (_, free) = METRIC_COMPATIBLE.iter().find(|(name, _)| name.eq_ignore_ascii_case(font))?;
    families.iter().find(|f| f.eq_ignore_ascii_case(free)).map(|f| (f.clone(), false))
}

/// The family names of font files (their `name` table's family), sorted, without repeats.
pub fn families(fonts: &[Vec<u8>]) -> Vec<String> {
    let mut out = Vec::new();
    for data in fonts {
        let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
        for i in 0..count {
            let Ok(face) = ttf_parser::Face::parse(data, i) else { continue };
            for n in face.names() {
                if n.name_id == ttf_parser::name_id::TYPOGRAPHIC_FAMILY || n.name_id == ttf_parser::name_id::FAMILY {
                    if let Some(s) = n.to_string() {
                        if !out.contains(&s) {
                            out.push(s);
                        }
                    }
                }
            }
        }
    }
    out.sort();
    out
}
