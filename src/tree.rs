//! The format-neutral document tree: what every writer (DOCX, PDF, HTML) renders.
//!
//! This room is pure data and the lowest of the pipeline: it imports nothing of the project. A
//! [`Document`] is built from a validated model plus the house style by [`crate::document`]. Writers turn it into bytes and decide nothing about content:
//! all numbers (sections, recommendations, totals, scores, page-number texts) are already here.
//! The tree is serialisable, so the PDF writer hands it to the typst template as JSON and
//! `cabrep build -f tree` can dump it for debugging.

use serde::{Deserialize, Serialize};
use time::Date;

// A date as ISO text in the serialised tree ("2024-01-18"), as the template and `-f tree` read it.
time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

mod figure;
pub use figure::{
    BandCell, Chart, ChartPalette, Figure, Image, ImageFormat, Pattern, Picture, RiskPoint, Series, SeriesPaint,
    SeriesStyle,
};

/// The keyword every output holding exempt material carries in its metadata (PDF `/Keywords`
/// and XMP, DOCX `cp:keywords`), so that such a file, passed back in as a pack item or an
/// appendix, is recognised and refused.
pub const NOT_FOR_PUBLICATION_KEYWORD: &str = "cabrep:not-for-publication";

/// One document: a report, a pack, a decision record.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Document {
    /// The template whose writers lay it out, as the engine names it (`None`: the default). Not
    /// part of the tree the writers read.
    #[serde(skip)]
    pub template: Option<String>,
    /// Metadata written into every format (title, language, …).
    pub meta: Meta,
    /// House style: fonts, sizes, colours, page geometry.
    pub style: HouseStyle,
    /// Text repeated on every page.
    pub furniture: Furniture,
    /// The content, in reading order.
    pub blocks: Vec<Block>,
}

/// Document metadata.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Meta {
    /// Document title (PDF title, DOCX core property, HTML `<title>`).
    pub title: String,
    /// Creator (the council).
    pub author: String,
    /// Subject line, e.g. "Report to Cabinet, 18 January 2024".
    pub subject: String,
    /// BCP 47 language tag, e.g. `en-GB`.
    pub lang: String,
    /// The document's date, used for metadata timestamps (serialised as ISO `YYYY-MM-DD`).
    /// Writers format it; none of them reads a date from text.
    #[serde(with = "iso_date")]
    pub date: Date,
    /// Keywords (PDF `/Keywords` and XMP, DOCX `cp:keywords`, HTML `<meta name="keywords">`).
    /// Every document holding exempt material carries
    /// [`NOT_FOR_PUBLICATION_KEYWORD`], by which a pack refuses to bind it.
    pub keywords: Vec<String>,
}

impl Meta {
    /// The keywords of a document: the not-for-publication mark when it holds exempt material.
    pub fn keywords_for(not_for_publication: bool) -> Vec<String> {
        if not_for_publication {
            vec![NOT_FOR_PUBLICATION_KEYWORD.to_owned()]
        } else {
            Vec::new()
        }
    }
}

/// Page furniture: running header and footer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Furniture {
    /// Running header on every page (e.g. "NOT FOR PUBLICATION"), if any.
    pub header: Option<String>,
    /// Footer pattern with `{page}` and `{pages}` placeholders, e.g. "Page {page} of {pages}".
    pub footer: String,
}

/// Fonts, sizes (points), colours (`#rrggbb`) and page geometry (millimetres).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HouseStyle {
    /// Body font family name, e.g. "Liberation Sans".
    pub font: String,
    /// Body text size in points.
    pub body_size: f32,
    /// Size of the report title.
    pub title_size: f32,
    /// Size of level-2 headings (SUMMARY, "1. Introduction").
    pub heading_size: f32,
    /// Size of level-3 headings.
    pub subheading_size: f32,
    /// Line spacing as a multiple of the font size (1.15).
    pub line_spacing: f32,
    /// Colour of headings.
    pub heading_colour: String,
    /// Fill of table header rows.
    pub table_header_fill: String,
    /// Text colour in table header rows.
    pub table_header_text: String,
    /// Page width, height and margin, in millimetres.
    pub page_width_mm: f32,
    /// Page height in millimetres.
    pub page_height_mm: f32,
    /// Margin on all sides, in millimetres.
    pub margin_mm: f32,
    /// Whether the title is centred on its line (a cover page's), rather than set left.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub title_centred: bool,
    /// Heading font family, when it is not the body font (from the template's Word file).
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub heading_font: Option<String>,
    /// Margins top, right, bottom, left in millimetres, when they differ from side to side
    /// (from the template's Word file); `margin_mm` is then the largest of them.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub margins_mm: Option<[f32; 4]>,
    /// The logo printed at the top of the page (from the template's Word file's header). Not
    /// part of the tree's JSON: each writer places it with its image (the PDF writer's view
    /// serves it as a file of its own).
    #[serde(skip)]
    pub logo: Option<Logo>,
}

/// A logo at the top of every page (PDF) or of the page (HTML).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Logo {
    /// What it shows, for readers who cannot see it (the council's name by default).
    pub alt: String,
    /// PNG or JPEG.
    pub format: ImageFormat,
    /// Width and height as printed, millimetres.
    pub width_mm: f32,
    /// Height as printed, millimetres.
    pub height_mm: f32,
    /// The image file.
    #[serde(skip)]
    pub data: std::sync::Arc<[u8]>,
}

impl HouseStyle {
    /// Margins top, right, bottom, left, millimetres.
    pub fn margins(&self) -> [f32; 4] {
        self.margins_mm.unwrap_or([self.margin_mm; 4])
    }
}

/// A block-level element.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Block {
    /// A heading. Level 1 is the document title; 2 the report's main headings; 3 sub-headings.
    Heading(Heading),
    /// A paragraph of inline content.
    Paragraph(Paragraph),
    /// A numbered paragraph of a section (the template's `[paper] paragraph_numbers`).
    Numbered(Numbered),
    /// A bulleted or numbered list.
    List(List),
    /// A table with header rows.
    Table(Table),
    /// A figure drawn from data, always with alt text.
    Figure(Figure),
    /// A picture an author placed from a file (Markdown `![alt](file.png)`).
    Picture(Picture),
    /// A passage quoted from elsewhere (Markdown `> `).
    Quote(Quote),
    /// Start a new page.
    PageBreak,
}

/// A heading.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Heading {
    /// 1 (document title), 2 (main heading), 3 (sub-heading), 4 and deeper (headings an author
    /// writes below a sub-heading, up to the template's `[markdown] heading_depth`). Levels are
    /// never skipped by assembly; an author's Markdown may skip one.
    pub level: u8,
    /// Computed number text shown before the heading ("6."), if numbered.
    pub number: Option<String>,
    /// The heading text, without the number.
    pub text: String,
    /// Anchor id, for cross-references and HTML ids.
    pub anchor: Option<String>,
    /// Whether this is one of the template's part headings (SUMMARY, an implication …). Its text
    /// is printed as the template writes it: nothing upper-cases it.
    pub caps: bool,
}

/// Paragraph styles the writers know.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ParagraphStyle {
    /// Ordinary body text.
    Body,
    /// A line of the bold upper-case header block (AGENDA ITEM, REPORT TO CABINET, …).
    HeaderLine,
    /// A line of a cover page (the body, the kind of paper, its period, its month): large, bold,
    /// centred.
    Cover,
    /// A banner at the top of the first page (e.g. the exempt notice).
    Banner,
    /// A line of the contact officer block.
    Contact,
    /// An italic lead line (a mission's aim).
    Aim,
    /// A status label (e.g. "Status: On track").
    Status,
    /// Small print under a table or figure.
    Note,
}

/// A paragraph.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Paragraph {
    /// Its style.
    pub style: ParagraphStyle,
    /// Its content.
    pub content: Vec<Inline>,
}

/// A numbered body paragraph of a section ("2.3"), or an item of an ordered list under one
/// (a sub-paragraph: "2.3.1" or "(a)"). Its number is computed by assembly; the DOCX writer
/// also makes it live Word numbering, restarting with each section.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Numbered {
    /// The number as printed ("2.3", "2.3.1", "(a)").
    pub number: String,
    /// 1 for a paragraph, 2 for a sub-paragraph.
    pub level: u8,
    /// The number of the section it belongs to (numbering restarts in every section).
    pub section: u32,
    /// How the section's sub-paragraphs are numbered.
    pub sub: SubNumbering,
    /// Anchor id, for paragraph cross-references and HTML ids.
    pub anchor: Option<String>,
    /// Its content.
    pub content: Vec<Inline>,
}

/// How sub-paragraphs are numbered.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum SubNumbering {
    /// Below the paragraph's number: "2.3.1".
    Decimal,
    /// Lettered: "(a)".
    Letter,
    /// Lower-case roman numerals: "i.".
    Roman,
}

/// A list.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct List {
    /// Numbered (1. 2. 3.) or bulleted.
    pub ordered: bool,
    /// The first number of an ordered list.
    pub start: u32,
    /// The items; each holds blocks (paragraphs, nested lists).
    pub items: Vec<Vec<Block>>,
}

/// A quoted passage.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Quote {
    /// Shown as the template's callout box rather than as an indented quotation (the
    /// template's `[markdown] quote = "callout"`).
    pub callout: bool,
    /// What is quoted.
    pub blocks: Vec<Block>,
}

/// Horizontal alignment of a table column.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Align {
    /// Text columns.
    Left,
    /// Money and numbers.
    Right,
}

/// A table column.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Column {
    /// Header text.
    pub header: String,
    /// Alignment of the column's cells.
    pub align: Align,
    /// Relative width (the writers normalise the sum).
    pub width: f32,
    /// The full wording of a header printed short (`header` "L" for "Likelihood"), read out by
    /// assistive technology in its place; `None` when the header is printed in full.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full: Option<String>,
}

/// A table. The first row of every table is its header row: it repeats on each page and is
/// marked as a header for assistive technology.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Table {
    /// Caption shown above the table (and used as its accessible name).
    pub caption: Option<String>,
    /// Anchor id, if any.
    pub anchor: Option<String>,
    /// The columns, with their header texts.
    pub columns: Vec<Column>,
    /// Body rows.
    pub rows: Vec<Row>,
    /// Cells that span more than one column or row. Every row still holds one cell per column:
    /// a span's first cell holds its content and the cells it covers are empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spans: Vec<CellSpan>,
}

/// A cell spanning columns or rows of a table's body.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub struct CellSpan {
    /// The body row it starts in, from 0.
    pub row: usize,
    /// The column it starts in, from 0.
    pub column: usize,
    /// How many rows it covers, at least 1.
    pub rows: usize,
    /// How many columns it covers, at least 1.
    pub columns: usize,
}

impl Table {
    /// The span starting at a body cell, if one does.
    pub fn span_at(&self, row: usize, column: usize) -> Option<&CellSpan> {
        self.spans.iter().find(|s| s.row == row && s.column == column)
    }

    /// The span covering a body cell without starting there (the cell is not written), if any.
    pub fn covered_by(&self, row: usize, column: usize) -> Option<&CellSpan> {
        self.spans.iter().find(|s| {
            (s.row..s.row + s.rows).contains(&row)
                && (s.column..s.column + s.columns).contains(&column)
                && (s.row, s.column) != (row, column)
        })
    }
}

/// A table row.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Row {
    /// One cell per column; each cell holds blocks.
    pub cells: Vec<Vec<Block>>,
    /// A computed total row (shown in bold).
    pub total: bool,
}

/// Inline content.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Inline {
    /// Plain text, exactly as typed.
    Text {
        /// The text.
        text: String,
    },
    /// Bold.
    Strong {
        /// Nested content.
        content: Vec<Inline>,
    },
    /// Italic.
    Emph {
        /// Nested content.
        content: Vec<Inline>,
    },
    /// A hyperlink (external or `mailto:`).
    Link {
        /// Target URL.
        url: String,
        /// Link text.
        content: Vec<Inline>,
    },
    /// Struck-through text (Markdown `~~x~~`): text shown as withdrawn.
    Strike {
        /// Nested content.
        content: Vec<Inline>,
    },
    /// A footnote: its mark is here, its text goes to the foot of the page (PDF, DOCX) or to
    /// the notes at the end (HTML). Writers number footnotes in document order.
    Footnote {
        /// The note's text; paragraphs of a longer note are separated by line breaks.
        content: Vec<Inline>,
    },
    /// A line break within a paragraph.
    LineBreak,
    /// The pages an item occupies ("Pages 7 - 16"), known only once the document is
    /// typeset: from the heading anchored `start` to the page before the one anchored `until`
    /// (or to the last page).
    PageRange {
        /// Anchor of the first heading of the item.
        start: String,
        /// Anchor of the next item's first heading, if any.
        until: Option<String>,
        /// Pattern for one page, with `{start}`.
        one: String,
        /// Pattern for several pages, with `{start}` and `{end}`.
        many: String,
    },
}

impl Inline {
    /// Plain text.
    pub fn text(s: impl Into<String>) -> Self {
        Inline::Text { text: s.into() }
    }
    /// Bold text.
    pub fn strong(s: impl Into<String>) -> Self {
        Inline::Strong { content: vec![Inline::text(s)] }
    }
}

impl Paragraph {
    /// A paragraph of one plain-text run.
    pub fn plain(style: ParagraphStyle, s: impl Into<String>) -> Self {
        Paragraph { style, content: vec![Inline::text(s)] }
    }
}

/// Calls `f` on every block of `blocks` in reading order, and on the blocks inside lists'
/// items, quotes and tables' cells after the block that holds them.
pub fn each_block<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a Block)) {
    for block in blocks {
        f(block);
        match block {
            Block::List(l) => l.items.iter().for_each(|item| each_block(item, f)),
            Block::Table(t) => t.rows.iter().flat_map(|r| &r.cells).for_each(|cell| each_block(cell, f)),
            Block::Quote(q) => each_block(&q.blocks, f),
            Block::Heading(_)
            | Block::Paragraph(_)
            | Block::Numbered(_)
            | Block::Figure(_)
            | Block::Picture(_)
            | Block::PageBreak => {}
        }
    }
}

/// The plain text of blocks (a table cell's, say): paragraphs, headings and list items, each
/// followed by a space.
pub fn blocks_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        match b {
            Block::Paragraph(p) => out.push_str(&plain_text(&p.content)),
            Block::Numbered(n) => out.push_str(&format!("{} {}", n.number, plain_text(&n.content))),
            Block::List(l) => l.items.iter().for_each(|i| out.push_str(&blocks_text(i))),
            Block::Heading(h) => out.push_str(&h.text),
            Block::Quote(q) => out.push_str(&blocks_text(&q.blocks)),
            _ => {}
        }
        out.push(' ');
    }
    out
}

/// Every picture in `blocks`, in lists, quotes and table cells too, in reading order.
pub fn pictures(blocks: &[Block]) -> Vec<&Picture> {
    fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a Picture>) {
        for b in blocks {
            match b {
                Block::Picture(p) => out.push(p),
                Block::List(l) => l.items.iter().for_each(|i| walk(i, out)),
                Block::Quote(q) => walk(&q.blocks, out),
                Block::Table(t) => t.rows.iter().flat_map(|r| &r.cells).for_each(|c| walk(c, out)),
                Block::Heading(_) | Block::Paragraph(_) | Block::Numbered(_) | Block::Figure(_) | Block::PageBreak => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(blocks, &mut out);
    out
}

/// The plain text of inline content (for alt text, bookmarks, metadata).
pub fn plain_text(inlines: &[Inline]) -> String {
    let mut out = String::new();
    fn walk(inlines: &[Inline], out: &mut String) {
        for i in inlines {
            match i {
                Inline::Text { text } => out.push_str(text),
                Inline::Strong { content }
                | Inline::Emph { content }
                | Inline::Strike { content }
                | Inline::Link { content, .. } => walk(content, out),
                // A note's text is not part of the sentence it is attached to.
                Inline::Footnote { .. } => {}
                Inline::LineBreak => out.push(' '),
                Inline::PageRange { .. } => {}
            }
        }
    }
    walk(inlines, &mut out);
    out
}

/// What a link points at, once [`link_target`] has judged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// An `http`, `https`, `mailto` or `tel` address (as typed, less surrounding space and
    /// control characters).
    Web(String),
    /// A place in the same document (`#id`).
    Anchor(String),
    /// Another output file in the same folder (`report.html`), as the pack index links them.
    Relative(String),
}

/// The schemes a link may have. Everything else (`javascript:`, `data:`, `file:`, `vbscript:`, …)
/// is refused, in every format.
pub const LINK_SCHEMES: &[&str] = &["http", "https", "mailto", "tel"];

/// Judges a link the way a browser or viewer reads the address: ASCII white space and control
/// characters anywhere are ignored and the scheme is case-insensitive, so ` JaVa\tScRipt:` is
/// `javascript:`. `None` for a scheme not in [`LINK_SCHEMES`] (or an empty address). The one
/// allow-list: the model applies it to authors' links (with a warning), and the writers check
/// it again before they write a link.
pub fn link_target(url: &str) -> Option<LinkTarget> {
    let cleaned: String = url.trim().chars().filter(|c| !c.is_control()).collect();
    if cleaned.is_empty() {
        return None;
    }
    let squeezed: String =
        cleaned.chars().filter(|c| !c.is_ascii_whitespace()).collect::<String>().to_ascii_lowercase();
    match squeezed.find([':', '/', '?', '#']) {
        Some(i) if squeezed.as_bytes()[i] == b':' => {
            LINK_SCHEMES.contains(&&squeezed[..i]).then_some(LinkTarget::Web(cleaned))
        }
        Some(0) if squeezed.starts_with('#') => Some(LinkTarget::Anchor(cleaned)),
        // `//host/…` takes the page's scheme: not a link to another file of ours.
        _ if squeezed.starts_with("//") || squeezed.starts_with("\\\\") => None,
        _ => Some(LinkTarget::Relative(cleaned)),
    }
}

/// Text for document metadata (a PDF's title, a DOCX's core properties, an HTML `<title>`):
/// line and paragraph breaks (CR, LF, NEL, U+2028, U+2029) become spaces, and control
/// characters and bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069), which
/// could make a title display as something else, are removed.
pub fn metadata_text(s: &str) -> String {
    let spaced: String = s
        .chars()
        .filter_map(|c| match c {
            '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\t' => Some(' '),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => None,
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod link_tests {
    use super::*;

    #[test]
    fn dangerous_schemes_are_refused_however_written() {
        for url in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "\u{1}javascript:alert(1)",
            "data:text/html,<script>",
            "file:///etc/passwd",
            "vbscript:msgbox",
            "//evil.example/x",
            "",
        ] {
            assert_eq!(link_target(url), None, "{url:?}");
        }
        assert_eq!(link_target(" https://example.gov.uk/a "), Some(LinkTarget::Web("https://example.gov.uk/a".into())));
        assert_eq!(link_target("MAILTO:a@b.uk"), Some(LinkTarget::Web("MAILTO:a@b.uk".into())));
        assert_eq!(link_target("#summary"), Some(LinkTarget::Anchor("#summary".into())));
        assert_eq!(link_target("report.html"), Some(LinkTarget::Relative("report.html".into())));
    }

    #[test]
    fn metadata_text_loses_breaks_and_bidi_controls() {
        assert_eq!(metadata_text("A\r\nB\u{85}C\u{2028}D\u{2029}E"), "A B C D E");
        assert_eq!(metadata_text("abc\u{202E}fdp.exe\u{2066}x\u{2069}"), "abcfdp.exex");
    }
}
