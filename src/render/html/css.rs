//! The page's inline stylesheet, from the house style.
//!
//! Template values are checked before they reach CSS: colours must be `#rrggbb`/`#rgb`, sizes
//! must be in a sane range, the font name is written as an escaped CSS string. Colours that
//! would fail WCAG contrast (4.5:1) are replaced: a pale heading colour by near-black, table
//! header text by black or white, whichever reads on the fill.

use std::fmt::Write as _;

use crate::render::colour::{contrast, parse_colour};
use crate::tree::{Furniture, HouseStyle};

/// Body text colour (GOV.UK's near-black; 19.4:1 on white).
const INK: &str = "#0b0c0c";
/// Link colour (9.4:1 on white), and visited links (9.1:1).
const LINK: &str = "#1a4480";
const LINK_VISITED: &str = "#54278f";
const WHITE: (u8, u8, u8) = (255, 255, 255);

/// A colour as `#rrggbb`, when valid.
fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// `colour` if it has at least 4.5:1 on `background`, otherwise `fallback`.
fn readable_on(colour: &str, background: (u8, u8, u8), fallback: &str) -> String {
    match parse_colour(colour) {
        Some(c) if contrast(c, background) >= 4.5 => hex(c),
        _ => fallback.to_owned(),
    }
}

/// A size in points, if within reason; otherwise `default`.
fn pt(v: f32, default: f32) -> f32 {
    if v.is_finite() && (6.0..=72.0).contains(&v) {
        v
    } else {
        default
    }
}

/// A CSS string literal: everything but plain letters, digits, spaces and a few safe marks is
/// written as a hex escape, so nothing in it can end the string, the rule or the `<style>`.
pub fn css_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars().filter(|c| !crate::render::escape::is_stripped(*c) && !c.is_control()) {
        if c.is_ascii_alphanumeric()
            || matches!(c, ' ' | '-' | '_' | '.' | ',')
            || (!c.is_ascii() && !c.is_whitespace())
        {
            out.push(c);
        } else {
            let _ = write!(out, "\\{:x} ", c as u32);
        }
    }
    out.push('"');
    out
}

/// The `content` of a page-margin box for a footer pattern with `{page}` and `{pages}`.
fn page_content(pattern: &str) -> String {
    let mut parts = Vec::new();
    let mut rest = pattern;
    while !rest.is_empty() {
        let next = [("{pages}", "counter(pages)"), ("{page}", "counter(page)")]
            .iter()
            .filter_map(|(k, v)| rest.find(k).map(|i| (i, *k, *v)))
            .min_by_key(|(i, k, _)| (*i, std::cmp::Reverse(k.len())));
        match next {
            Some((i, k, v)) => {
                if i > 0 {
                    parts.push(css_string(&rest[..i]));
                }
                parts.push(v.to_owned());
                rest = &rest[i + k.len()..];
            }
            None => {
                parts.push(css_string(rest));
                rest = "";
            }
        }
    }
    parts.join(" ")
}

/// The font stack: the house font, then metric-compatible fallbacks.
pub fn font_stack(font: &str) -> String {
    let mut stack: Vec<String> = Vec::new();
    let f = font.trim();
    if !f.is_empty() {
        stack.push(css_string(f));
    }
    for fallback in ["Liberation Sans", "Arial", "Helvetica"] {
        if !f.eq_ignore_ascii_case(fallback) {
            stack.push(if fallback.contains(' ') { format!("\"{fallback}\"") } else { fallback.to_owned() });
        }
    }
    stack.push("sans-serif".to_owned());
    stack.join(", ")
}

/// The callout box (a block quote the template shows as a callout), added to the stylesheet of
/// a page that has one.
pub const CALLOUT: &str =
    ".callout { border: 1px solid currentColor; border-left-width: 4px; padding: 0.5em 1em; margin: 1em 0; }\n";

/// Numbered paragraphs (the number hangs to the left of the text, sub-paragraphs are indented),
/// added to the stylesheet of a page that has them.
pub const NUMBERED: &str = ".numbered { padding-left: 3.5em; text-indent: -3.5em; }\n\
.numbered.level-2 { margin-left: 3.5em; }\n\
.paranum { display: inline-block; min-width: 3.5em; text-indent: 0; }\n";

/// The page's one inline stylesheet (screen and print rules) for the house style and its
/// running header and footer; every value from the template is checked before it is written.
pub fn stylesheet(style: &HouseStyle, furniture: &Furniture) -> String {
    let body = pt(style.body_size, 12.0);
    let title = pt(style.title_size, 14.0);
    let heading = pt(style.heading_size, 12.0);
    let subheading = pt(style.subheading_size, 12.0);
    let leading = if style.line_spacing.is_finite() && (1.0..=3.0).contains(&style.line_spacing) {
        style.line_spacing
    } else {
        1.15
    };
    // On screen, a little more air than print (WCAG 1.4.12 asks for room to grow to 1.5).
    let screen_leading = leading.max(1.5);
    let heading_colour = readable_on(&style.heading_colour, WHITE, INK);
    let fill = parse_colour(&style.table_header_fill).unwrap_or((0x1f, 0x38, 0x64));
    let header_text = match parse_colour(&style.table_header_text) {
        Some(c) if contrast(c, fill) >= 4.5 => hex(c),
        _ => {
            if contrast((0, 0, 0), fill) >= contrast(WHITE, fill) {
                "#000000".to_owned()
            } else {
                "#ffffff".to_owned()
            }
        }
    };
    let fill = hex(fill);
    let mm = |v: f32, d: f32, lo: f32, hi: f32| if v.is_finite() && (lo..=hi).contains(&v) { v } else { d };
    let page_w = mm(style.page_width_mm, 210.0, 50.0, 2000.0);
    let page_h = mm(style.page_height_mm, 297.0, 50.0, 2000.0);
    let margin = mm(style.margin_mm, 25.0, 0.0, page_w.min(page_h) / 3.0);
    let margin = match style.margins_mm {
        Some(m) => m.map(|v| format!("{}mm", mm(v, margin, 0.0, page_w.min(page_h) / 3.0))).join(" "),
        None => format!("{margin}mm"),
    };
    let fonts = font_stack(&style.font);

    let mut css = String::new();
    let _ = write!(
        css,
        r#":root {{ color-scheme: light; }}
*, *::before, *::after {{ box-sizing: border-box; }}
html {{ background: #ffffff; color: {INK}; border-top: 0.5rem solid {fill}; -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }}
body {{ margin: 0; font-family: {fonts}; font-size: {body}pt; line-height: {screen_leading}; overflow-wrap: anywhere; }}
.skip-link {{ position: absolute; left: 1rem; top: -100rem; z-index: 10; padding: 0.6rem 1rem; background: #ffdd00; color: {INK}; font-weight: bold; text-decoration: underline; }}
.skip-link:focus {{ top: 1rem; outline: 3px solid {INK}; outline-offset: 0; }}
.running-header {{ background: {INK}; color: #ffffff; text-align: center; font-weight: bold; letter-spacing: 0.06em; padding: 0.7rem 1rem; }}
.running-header p {{ margin: 0; }}
main {{ display: block; max-width: 48rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }}
main:focus {{ outline: none; }}
h1, h2, h3, h4, h5, h6 {{ color: {heading_colour}; font-weight: bold; line-height: 1.25; }}
h1 {{ font-size: {title}pt; margin: 1.4em 0 1em; }}
h2 {{ font-size: {heading}pt; margin: 2em 0 0.7em; }}
h3 {{ font-size: {subheading}pt; margin: 1.5em 0 0.5em; }}
.secnum {{ display: inline-block; min-width: 1.6em; }}
p {{ margin: 0 0 0.9em; }}
p.header-line {{ font-weight: bold; margin: 0 0 0.2em; }}
p.cover {{ font-weight: bold; font-size: 1.4em; text-align: center; margin: 1.2em 0; }}
p.banner {{ border: 3px solid {INK}; padding: 0.7em 0.9em; font-weight: bold; margin: 0 0 1.6em; }}
p.aim {{ font-style: italic; }}
p.status {{ font-weight: bold; }}
p.contact {{ margin: 0 0 0.25em; }}
:not(.contact) + p.contact {{ margin-top: 2em; }}
p.note {{ font-size: 0.875em; }}
a {{ color: {LINK}; text-decoration: underline; text-underline-offset: 0.15em; overflow-wrap: anywhere; }}
a:visited {{ color: {LINK_VISITED}; }}
a:focus-visible, .skip-link:focus-visible {{ outline: 3px solid {INK}; outline-offset: 2px; background: #ffdd00; color: {INK}; }}
ul, ol {{ margin: 0 0 0.9em; padding-left: 2em; }}
li {{ margin: 0.3em 0; }}
li > p {{ margin: 0.3em 0; }}
table {{ border-collapse: collapse; width: 100%; margin: 0.4em 0 1.6em; font-size: 0.9em; line-height: 1.35; }}
caption {{ caption-side: top; text-align: left; font-weight: bold; padding: 0 0 0.5em; }}
th, td {{ border: 1px solid #6f777b; padding: 0.4em 0.5em; vertical-align: top; text-align: left; overflow-wrap: anywhere; }}
thead th, thead td {{ background: {fill}; color: {header_text}; font-weight: bold; vertical-align: bottom; }}
tbody th {{ font-weight: normal; }}
th.num, td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
tr.total th, tr.total td {{ font-weight: bold; border-top: 2px solid {INK}; }}
th > p, td > p {{ margin: 0 0 0.4em; }}
th > p:last-child, td > p:last-child {{ margin-bottom: 0; }}
th ul, td ul, th ol, td ol {{ padding-left: 1.3em; margin: 0.3em 0; }}
figure {{ margin: 1.6em 0 2em; }}
figcaption {{ font-weight: bold; margin: 0 0 0.6em; }}
svg.chart {{ display: block; width: 100%; max-width: 45rem; height: auto; }}
.visually-hidden {{ position: absolute !important; width: 1px !important; height: 1px !important; margin: -1px !important; padding: 0 !important; overflow: hidden !important; clip: rect(0 0 0 0) !important; clip-path: inset(50%) !important; white-space: nowrap !important; border: 0 !important; }}
.page-break {{ border-top: 2px dashed #6f777b; margin: 3em 0; }}
@media (max-width: 40rem) {{
  main {{ padding: 1.25rem 0.75rem 3rem; }}
  table {{ font-size: 0.8em; }}
  th, td {{ padding: 0.3em; overflow-wrap: anywhere; hyphens: auto; }}
}}
@page {{
  size: {page_w}mm {page_h}mm;
  margin: {margin};
"#
    );
    if let Some(h) = furniture.header.as_deref().filter(|h| !h.trim().is_empty()) {
        let _ = writeln!(
            css,
            "  @top-center {{ content: {}; font-family: {fonts}; font-size: 9pt; font-weight: bold; color: {INK}; }}",
            css_string(h.trim())
        );
    }
    if !furniture.footer.trim().is_empty() {
        let _ = writeln!(
            css,
            "  @bottom-center {{ content: {}; font-family: {fonts}; font-size: 9pt; color: {INK}; }}",
            page_content(furniture.footer.trim())
        );
    }
    let _ = write!(
        css,
        r#"}}
@media print {{
  html {{ background: #ffffff; border-top: 0; }}
  body {{ font-size: {body}pt; line-height: {leading}; }}
  main {{ max-width: none; margin: 0; padding: 0; }}
  .skip-link, .running-header {{ display: none; }}
  a, a:visited {{ color: inherit; }}
  thead {{ display: table-header-group; }}
  /* Rows may break across pages (a tall row kept whole leaves half a page blank), but never
     leave a lone line on either side; a caption and the header row stay with the first row. */
  th, td, th > p, td > p, td li {{ orphans: 2; widows: 2; }}
  caption, thead, thead tr {{ break-after: avoid; page-break-after: avoid; }}
  tbody tr:first-child {{ break-inside: avoid; page-break-inside: avoid; }}
  figure, svg.chart {{ break-inside: avoid; page-break-inside: avoid; }}
  h1, h2, h3, h4, figcaption {{ break-after: avoid; page-break-after: avoid; }}
  /* The contact block stays together, and with what follows it (the appendices). */
  p.contact {{ break-inside: avoid; page-break-inside: avoid; break-after: avoid; page-break-after: avoid; }}
  svg.chart {{ max-width: 100%; }}
  .page-break {{ border: 0; margin: 0; break-after: page; page-break-after: always; }}
}}
"#
    );
    if style.title_centred {
        css.push_str("h1 { text-align: center; }\n");
    }
    if let Some(f) = &style.heading_font {
        let _ = writeln!(css, "h1, h2, h3, h4, h5, h6 {{ font-family: {}; }}", font_stack(f));
    }
    if style.logo.is_some() {
        css.push_str(".logo { max-width: 48rem; margin: 0 auto; padding: 1rem 1.25rem 0; }\n.logo img { max-width: 100%; height: auto; }\n@media print { .logo { padding: 0; } }\n");
    }
    css
}
