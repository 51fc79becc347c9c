//! The style sheet: document defaults (the house font, size and line spacing, inherited by
//! "Normal"), built-in heading styles Word, LibreOffice and pandoc recognise, and the
//! report's own paragraph styles, so an author restyles the report by editing styles.

use docx_rs::{
    AlignmentType, BorderType, Docx, LineSpacing, LineSpacingType, ParagraphBorder, ParagraphBorderPosition,
    ParagraphBorders, RunFonts, Style, StyleType, TableCellMargins, WidthType,
};

use super::text::{half_points, hex_colour, pt_to_twips};
use crate::tree::{HouseStyle, ParagraphStyle};

/// Style ids (the `w:styleId`s used in document.xml).
pub(super) mod id {
    /// docx-rs always writes this one; `parts.rs` marks it as the default.
    pub const NORMAL: &str = "Normal";
    pub const HEADING: [&str; 6] = ["Heading1", "Heading2", "Heading3", "Heading4", "Heading5", "Heading6"];
    pub const QUOTE: &str = "Quote";
    pub const CALLOUT: &str = "Callout";
    pub const FOOTNOTE_TEXT: &str = "FootnoteText";
    pub const FOOTNOTE_REFERENCE: &str = "FootnoteReference";
    pub const HEADER_LINE: &str = "HeaderLine";
    pub const BANNER: &str = "Banner";
    pub const CONTACT: &str = "Contact";
    pub const AIM: &str = "Aim";
    pub const STATUS: &str = "Status";
    pub const NOTE: &str = "Note";
    pub const CAPTION: &str = "Caption";
    pub const LIST_PARAGRAPH: &str = "ListParagraph";
    pub const TABLE_TEXT: &str = "TableText";
    pub const TABLE_HEADING: &str = "TableHeading";
    pub const HEADER: &str = "Header";
    pub const FOOTER: &str = "Footer";
    pub const HYPERLINK: &str = "Hyperlink";
    pub const TABLE: &str = "ReportTable";
}

/// The style id for a paragraph style.
pub(super) fn paragraph_style_id(style: ParagraphStyle) -> &'static str {
    match style {
        ParagraphStyle::Body => id::NORMAL,
        // A cover line is a header line, centred (see `paragraph`): a style of its own would
        // change every document's styles part.
        ParagraphStyle::HeaderLine | ParagraphStyle::Cover => id::HEADER_LINE,
        ParagraphStyle::Banner => id::BANNER,
        ParagraphStyle::Contact => id::CONTACT,
        ParagraphStyle::Aim => id::AIM,
        ParagraphStyle::Status => id::STATUS,
        ParagraphStyle::Note => id::NOTE,
    }
}

/// Body line spacing in 240ths of a line (`w:line` with `w:lineRule="auto"`).
fn line_240ths(multiple: f32) -> i32 {
    let m = if multiple.is_finite() && multiple > 0.0 { f64::from(multiple) } else { 1.15 };
    (m * 240.0).round().clamp(120.0, 2400.0) as i32
}

/// A paragraph style based on Normal.
fn para(id: &str, name: &str) -> Style {
    Style::new(id, StyleType::Paragraph).name(name).based_on(id::NORMAL).next(id::NORMAL)
}

fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new().before(before).after(after)
}

/// What of the Markdown styles a document uses: only those are added, so a document without
/// them has the same style sheet as before they existed.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct MarkdownUse {
    pub quote: bool,
    pub callout: bool,
    pub footnotes: bool,
    /// The deepest heading level, 1 to 6.
    pub deepest_heading: usize,
}

/// Adds the styles of quotations, callouts, footnotes and headings below level 3, those the
/// document uses.
pub(super) fn apply_markdown(mut docx: Docx, s: &HouseStyle, used: MarkdownUse) -> Docx {
    let heading_colour = hex_colour(&s.heading_colour);
    for level in 3..used.deepest_heading.min(6) {
        let mut st = para(id::HEADING[level], &format!("heading {}", level + 1))
            .bold()
            .size(half_points(s.subheading_size))
            .outline_lvl(level)
            .line_spacing(spacing(pt_to_twips(8.0), pt_to_twips(3.0)))
            .ui_priority(9);
        if level >= 4 {
            st = st.italic();
        }
        st.paragraph_property = st.paragraph_property.keep_next(true).keep_lines(true);
        if let Some(c) = &heading_colour {
            st = st.color(c.as_str());
        }
        docx = docx.add_style(st);
    }
    if used.quote {
        // Word's built-in "Quote": indented both sides, italic.
        docx =
            docx.add_style(para(id::QUOTE, "Quote").italic().indent(Some(720), None, Some(720), None).ui_priority(29));
    }
    if used.callout {
        let mut st = para(id::CALLOUT, "Callout").indent(Some(170), None, Some(170), None);
        let border = |pos| ParagraphBorder::new(pos).val(BorderType::Single).size(8).space(6).color("000000");
        st.paragraph_property = st.paragraph_property.set_borders(
            ParagraphBorders::with_empty()
                .set(border(ParagraphBorderPosition::Top))
                .set(border(ParagraphBorderPosition::Left).size(24))
                .set(border(ParagraphBorderPosition::Bottom))
                .set(border(ParagraphBorderPosition::Right)),
        );
        docx = docx.add_style(st);
    }
    if used.footnotes {
        let small = half_points(s.body_size * 0.85);
        docx = docx
            .add_style(
                para(id::FOOTNOTE_TEXT, "footnote text").size(small).line_spacing(spacing(0, 0)).unhide_when_used(),
            )
            .add_style({
                let mut st = Style::new(id::FOOTNOTE_REFERENCE, StyleType::Character)
                    .name("footnote reference")
                    .unhide_when_used();
                st.run_property = st.run_property.vert_align(docx_rs::VertAlignType::SuperScript);
                st
            });
    }
    docx
}

/// Adds document defaults and every style the writer uses.
pub(super) fn apply(mut docx: Docx, s: &HouseStyle) -> Docx {
    let font = super::text::clean(&s.font);
    let body = half_points(s.body_size);
    // Space after a body paragraph: half a line of body text.
    let after = pt_to_twips(s.body_size.max(0.0) / 2.0).min(1440);
    let heading_colour = hex_colour(&s.heading_colour);

    if !font.trim().is_empty() {
        docx = docx.default_fonts(
            RunFonts::new().ascii(font.as_str()).hi_ansi(font.as_str()).cs(font.as_str()).east_asia(font.as_str()),
        );
    }
    docx = docx.default_size(body).default_line_spacing(
        LineSpacing::new().line(line_240ths(s.line_spacing)).line_rule(LineSpacingType::Auto).before(0).after(after),
    );

    // Headings: real built-in ids and names ("heading 1"…), outline levels 0–2, kept with the
    // next paragraph. Level 1 is the report title.
    let sizes = [s.title_size, s.heading_size, s.subheading_size];
    let space = [(0, pt_to_twips(12.0)), (pt_to_twips(12.0), pt_to_twips(6.0)), (pt_to_twips(10.0), pt_to_twips(4.0))];
    for level in 0..3 {
        let mut st = para(id::HEADING[level], &format!("heading {}", level + 1))
            .bold()
            .size(half_points(sizes[level]))
            .outline_lvl(level)
            .line_spacing(spacing(space[level].0, space[level].1))
            .ui_priority(9);
        st.paragraph_property = st.paragraph_property.keep_next(true).keep_lines(true);
        if level == 0 && s.title_centred {
            st = st.align(AlignmentType::Center);
        }
        if let Some(c) = &heading_colour {
            st = st.color(c.as_str());
        }
        docx = docx.add_style(st);
    }

    let small = half_points(s.body_size * 0.85);
    docx = docx
        .add_style(para(id::HEADER_LINE, "Header Line").bold().line_spacing(spacing(0, 0)))
        .add_style({
            let mut st = para(id::BANNER, "Banner").bold().line_spacing(spacing(0, pt_to_twips(12.0)));
            let border = |pos| ParagraphBorder::new(pos).val(BorderType::Single).size(12).space(4).color("000000");
            st.paragraph_property = st.paragraph_property.set_borders(
                ParagraphBorders::with_empty()
                    .set(border(ParagraphBorderPosition::Top))
                    .set(border(ParagraphBorderPosition::Left))
                    .set(border(ParagraphBorderPosition::Bottom))
                    .set(border(ParagraphBorderPosition::Right)),
            );
            st
        })
        .add_style({
            // The contact block is kept together, and with what follows it (the appendices).
            let mut st = para(id::CONTACT, "Contact").line_spacing(spacing(0, 0));
            st.paragraph_property = st.paragraph_property.keep_next(true).keep_lines(true);
            st
        })
        .add_style(para(id::AIM, "Aim").italic())
        .add_style(para(id::STATUS, "Status").bold())
        .add_style(para(id::NOTE, "Note").size(small).line_spacing(spacing(pt_to_twips(3.0), after)))
        .add_style({
            let mut st = para(id::CAPTION, "caption").bold().line_spacing(spacing(pt_to_twips(6.0), pt_to_twips(3.0)));
            st.paragraph_property = st.paragraph_property.keep_next(true);
            st
        })
        .add_style(para(id::LIST_PARAGRAPH, "List Paragraph").line_spacing(spacing(0, pt_to_twips(3.0))))
        .add_style(para(id::TABLE_TEXT, "Table Text").line_spacing(spacing(0, 0)))
        .add_style({
            // The header row is kept with the first body row.
            let mut st = para(id::TABLE_HEADING, "Table Heading").bold().line_spacing(spacing(0, 0));
            st.paragraph_property = st.paragraph_property.keep_next(true);
            if let Some(c) = hex_colour(&s.table_header_text) {
                st = st.color(c);
            }
            st
        })
        .add_style(para(id::HEADER, "header").bold().align(AlignmentType::Center).line_spacing(spacing(0, 0)))
        .add_style(para(id::FOOTER, "footer").size(small).align(AlignmentType::Center).line_spacing(spacing(0, 0)))
        .add_style(
            Style::new(id::HYPERLINK, StyleType::Character)
                .name("Hyperlink")
                .color("0563C1")
                .underline("single")
                .ui_priority(99)
                .unhide_when_used(),
        )
        .add_style(
            Style::new(id::TABLE, StyleType::Table).name("Report Table").margins(
                TableCellMargins::new()
                    .margin_top(28, WidthType::Dxa)
                    .margin_bottom(28, WidthType::Dxa)
                    .margin_left(108, WidthType::Dxa)
                    .margin_right(108, WidthType::Dxa),
            ),
        );
    docx
}
