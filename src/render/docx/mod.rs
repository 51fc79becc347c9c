//! DOCX writer.
//!
//! The document is built with docx-rs using Word-native structure an author can keep
//! editing: named styles (real built-in "heading 1"–"heading 3" so Word's navigation pane,
//! LibreOffice and pandoc see the outline), live list numbering, tables with repeating header
//! rows, PAGE / NUMPAGES fields in the footer, real footnotes (`word/footnotes.xml`), the
//! built-in "Quote" style for quotations. What docx-rs cannot express is patched
//! afterwards in one place, [`package`] (with the per-part fixes in [`parts`]).
//!
//! Layout of this module:
//! - `mod.rs` — blocks, headings and paragraphs; `inline.rs` — inline content: runs, links,
//!   footnotes;
//! - `styles.rs` — the style sheet; `numbering.rs` — list definitions;
//! - `table.rs` — tables; `figure.rs` — figures as images (drawn by [`crate::render::figure_png`]);
//! - `text.rs` — sanitising and units;
//! - `package.rs` — the fix-up layer over docx-rs's zip: the package in and out and its
//!   relationships; `parts.rs` — the fixes of each XML part; `schema_order.rs` — the schema's
//!   element order; `xml.rs` — the tiny XML tree they edit.

mod figure;
mod inline;
mod numbering;
mod package;
mod parts;
mod reference;
mod schema_order;
mod styles;
mod table;
mod text;
mod xml;

#[cfg(test)]
mod tests;

use std::io::Cursor;

use docx_rs::{
    BreakType, Docx, Footer, Header, NumPages, PageMargin, PageNum, Paragraph as DocxParagraph, Run, Table as DocxTable,
};

use crate::render::columns::WordMeasure;
use crate::render::figure_png::Rasteriser;
use crate::render::RenderError;
use crate::tree::{Block, Document, Heading, HouseStyle, Inline, List, Numbered, Paragraph, ParagraphStyle};
use inline::{attach, Fmt, Seg};
use styles::id;
use text::{bookmark_name, clean, mm_to_twips};

/// Renders a document as a Word (.docx) file; figures are drawn as images by `figures`, and
/// table columns are made wide enough for their longest words as measured by `words` (in
/// proportion to the tree's widths alone without it).
pub fn render(doc: &Document, figures: &Rasteriser, words: Option<&WordMeasure<'_>>) -> Result<Vec<u8>, RenderError> {
    render_with(doc, figures, words, None)
}

/// [`render`], in the house style of the council's Word file when the template names one: its
/// styles, theme, fonts, page and headers and footers (see [`reference`]).
pub fn render_with(
    doc: &Document,
    figures: &Rasteriser,
    words: Option<&WordMeasure<'_>>,
    house: Option<&crate::template::reference::Reference>,
) -> Result<Vec<u8>, RenderError> {
    super::check_depth(doc)?;
    let geometry = Geometry::new(&doc.style);
    let mut b = Builder::new(&doc.style, figures, words, geometry.text_height);

    let mut docx =
        Docx::new().page_size(geometry.width, geometry.height).page_margin(geometry.margins()).default_tab_stop(720);
    docx = styles::apply(docx, &doc.style);
    let used = markdown_use(&doc.blocks);
    docx = styles::apply_markdown(docx, &doc.style, used);
    docx = b.furniture(docx, doc);

    let frame = Frame { width: geometry.text_width, ..Frame::default() };
    let mut items = Vec::new();
    b.blocks(&doc.blocks, frame, &mut items);
    if !matches!(items.last(), Some(Item::P(_))) {
        // Word wants the body to end with a paragraph (it adds one after a final table).
        items.push(Item::P(Box::new(b.para(id::NORMAL))));
    }
    for item in items {
        docx = match item {
            Item::P(p) => docx.add_paragraph(*p),
            Item::T(t) => docx.add_table(*t),
        };
    }
    if let Some(e) = b.failure.take() {
        return Err(e);
    }
    docx = std::mem::take(&mut b.lists).apply(docx);

    let mut raw = Cursor::new(Vec::new());
    docx.pack(&mut raw).map_err(|e| RenderError::new(format!("DOCX: docx-rs could not write the package: {e}")))?;
    package::finish(
        raw.get_ref(),
        &doc.meta,
        &doc.style.font,
        &b.tables,
        &b.images,
        &b.link_names,
        b.next_note > 1,
        house,
    )
}

/// Which Markdown styles the blocks use (quotes, callouts, footnotes, deep headings).
fn markdown_use(blocks: &[Block]) -> styles::MarkdownUse {
    fn inlines(xs: &[Inline], u: &mut styles::MarkdownUse) {
        for x in xs {
            match x {
                Inline::Footnote { .. } => u.footnotes = true,
                Inline::Strong { content }
                | Inline::Emph { content }
                | Inline::Strike { content }
                | Inline::Link { content, .. } => inlines(content, u),
                _ => {}
            }
        }
    }
    fn walk(bs: &[Block], u: &mut styles::MarkdownUse) {
        for b in bs {
            match b {
                Block::Heading(h) => u.deepest_heading = u.deepest_heading.max(usize::from(h.level)),
                Block::Paragraph(p) => inlines(&p.content, u),
                Block::Numbered(n) => inlines(&n.content, u),
                Block::List(l) => l.items.iter().for_each(|i| walk(i, u)),
                Block::Table(t) => t.rows.iter().flat_map(|r| &r.cells).for_each(|c| walk(c, u)),
                Block::Quote(q) => {
                    if q.callout {
                        u.callout = true;
                    } else {
                        u.quote = true;
                    }
                    walk(&q.blocks, u);
                }
                _ => {}
            }
        }
    }
    let mut u = styles::MarkdownUse::default();
    walk(blocks, &mut u);
    u
}

/// Page geometry in twips.
struct Geometry {
    width: u32,
    height: u32,
    margin: u32,
    header_distance: u32,
    text_width: u32,
    text_height: u32,
}

impl Geometry {
    fn new(s: &HouseStyle) -> Self {
        let mut width = mm_to_twips(s.page_width_mm);
        let mut height = mm_to_twips(s.page_height_mm);
        if width < 2880 || height < 2880 {
            // Nonsense geometry: fall back to A4 rather than write an unusable page.
            (width, height) = (11906, 16838);
        }
        // Leave at least 1 inch of text width and height.
        let max_margin = (width.min(height) - 1440) / 2;
        let margin = mm_to_twips(s.margin_mm).min(max_margin);
        // Header and footer 12.5 mm from the page edge, leaving room inside the margin.
        let header_distance = if margin >= 709 + 567 { 709 } else { margin / 2 };
        let (text_width, text_height) = (width - 2 * margin, height - 2 * margin);
        Geometry { width, height, margin, header_distance, text_width, text_height }
    }

    fn margins(&self) -> PageMargin {
        let m = self.margin as i32;
        let hd = self.header_distance as i32;
        PageMargin { top: m, left: m, bottom: m, right: m, header: hd, footer: hd, gutter: 0 }
    }
}

/// A body-level item: what `w:body` and `w:tc` hold.
enum Item {
    P(Box<DocxParagraph>),
    T(Box<DocxTable>),
}

/// Where a block is rendered.
#[derive(Debug, Clone, Copy, Default)]
struct Frame {
    /// Inside a list item at this level.
    list_level: Option<usize>,
    /// Inside a table cell.
    in_table: bool,
    /// Right-align paragraphs (money columns).
    align_right: bool,
    /// Bold text (total rows).
    bold: bool,
    /// Available width in twips (for nested tables).
    width: u32,
    /// Inside a block quote: `Some(true)` when it is shown as a callout box.
    quote: Option<bool>,
}

/// Accessible name of one table, in document order (see `parts.rs`).
#[derive(Debug, Clone, Default, PartialEq)]
struct TableInfo {
    caption: Option<String>,
    /// Per column: its body text is hyphenated (the column is narrower than its longest word).
    hyphenate: Vec<bool>,
    /// The table's description (`w:tblDescription`): what its short headers stand for.
    description: Option<String>,
    /// The column whose cells name the rows, as the PDF and HTML have it
    /// ([`crate::render::row_header`]).
    row_header: Option<usize>,
}

/// Alt text of one image, in document order (see `parts.rs`): docx-rs writes no description.
#[derive(Debug, Clone, Default, PartialEq)]
struct ImageInfo {
    /// The figure's caption (the image's title).
    title: String,
    /// The figure's alt text (the image's description).
    descr: String,
    /// A picture with no alt text: marked as decorative, as Word's "Mark as decorative" does,
    /// so its accessibility checker and screen readers pass over it.
    decorative: bool,
    /// The image is a JPEG (docx-rs names every image `.png`; `package.rs` renames it).
    jpeg: bool,
}

/// Render state: counters that must be deterministic, list definitions, pending page break.
struct Builder<'a> {
    lists: numbering::Lists,
    tables: Vec<TableInfo>,
    images: Vec<ImageInfo>,
    /// Draws each figure as the PNG the document embeds.
    figures: &'a Rasteriser,
    /// Measures a column's longest word in the house font, to widen narrow columns; `None`
    /// divides the width by the tree's proportions alone.
    words: Option<&'a WordMeasure<'a>>,
    /// Body text size in points.
    body_size: f64,
    /// The house font (chart text).
    font: String,
    /// Height of the page's text area in twips (figures are kept within it).
    text_height: u32,
    /// The first figure that could not be drawn: the render fails with it.
    failure: Option<RenderError>,
    next_para_id: u32,
    next_bookmark: usize,
    next_link: usize,
    /// The id of the next footnote (1, 2, …; Word's separators are -1 and 0).
    next_note: usize,
    page_break_pending: bool,
    /// Fill of table header cells (`RRGGBB`).
    header_fill: Option<String>,
    /// Bookmark names used so far (Word keeps only the first of duplicates).
    bookmarks: std::collections::HashSet<String>,
    /// Bookmark name → the heading it marks, number and text ("4. Communities Powering Our
    /// Future"): the tooltip of every internal link to it (the first heading of a name wins).
    link_names: std::collections::BTreeMap<String, String>,
}

impl<'a> Builder<'a> {
    fn new(style: &HouseStyle, figures: &'a Rasteriser, words: Option<&'a WordMeasure<'a>>, text_height: u32) -> Self {
        Builder {
            lists: numbering::Lists::new(),
            tables: Vec::new(),
            images: Vec::new(),
            figures,
            words,
            body_size: f64::from(style.body_size),
            font: style.font.clone(),
            text_height,
            failure: None,
            next_para_id: 1,
            next_bookmark: 0,
            next_link: 1,
            next_note: 1,
            page_break_pending: false,
            header_fill: text::hex_colour(&style.table_header_fill),
            bookmarks: std::collections::HashSet::new(),
            link_names: std::collections::BTreeMap::new(),
        }
    }

    /// A new paragraph with a deterministic `w14:paraId` (docx-rs otherwise takes one from a
    /// thread-local counter, which would make two renders differ).
    fn para(&mut self, style: &str) -> DocxParagraph {
        let n = self.next_para_id;
        self.next_para_id = self.next_para_id.wrapping_add(1) & 0x7FFF_FFFF;
        let mut p = DocxParagraph::new().id(format!("{n:08X}"));
        // Body text carries no `w:pStyle`: it is in "Normal", the default style, as in Word's own files.
        if style != id::NORMAL {
            p = p.style(style);
        }
        p
    }

    /// Wraps a paragraph's content in a bookmark for an anchor id (cross-references and
    /// internal links land on it). A name already used gets no second bookmark.
    fn bookmark(&mut self, mut p: DocxParagraph, anchor: Option<&str>, content: Vec<Seg>) -> DocxParagraph {
        let name = anchor.map(bookmark_name).filter(|n| self.bookmarks.insert(n.clone()));
        if let Some(name) = &name {
            p = p.add_bookmark_start(self.next_bookmark, name.as_str());
        }
        p = attach(p, content);
        if name.is_some() {
            p = p.add_bookmark_end(self.next_bookmark);
            self.next_bookmark += 1;
        }
        p
    }

    /// Adds a paragraph, attaching a pending page break to it as "page break before" (no
    /// empty paragraph left behind on either page).
    fn push_para(&mut self, mut p: DocxParagraph, out: &mut Vec<Item>) {
        if self.page_break_pending {
            p = p.page_break_before(true);
            self.page_break_pending = false;
        }
        out.push(Item::P(Box::new(p)));
    }

    /// Before a table: a pending page break needs a paragraph of its own.
    fn flush_page_break(&mut self, out: &mut Vec<Item>) {
        if self.page_break_pending {
            self.page_break_pending = false;
            let p = self.para(id::NORMAL).add_run(Run::new().add_break(BreakType::Page));
            out.push(Item::P(Box::new(p)));
        }
    }

    fn furniture(&mut self, mut docx: Docx, doc: &Document) -> Docx {
        if let Some(h) = &doc.furniture.header {
            let t = clean(h);
            if !t.trim().is_empty() {
                let p = self.para(id::HEADER).add_run(Run::new().add_text(t.trim()));
                docx = docx.header(Header::new().add_paragraph(p));
            }
        }
        let parts = footer_parts(&doc.furniture.footer);
        if !parts.is_empty() {
            let mut p = self.para(id::FOOTER);
            for part in parts {
                p = match part {
                    FooterPart::Text(t) => p.add_run(Run::new().add_text(t)),
                    FooterPart::Page => p.add_page_num(PageNum::new()),
                    FooterPart::Pages => p.add_num_pages(NumPages::new()),
                };
            }
            docx = docx.footer(Footer::new().add_paragraph(p));
        }
        docx
    }

    fn blocks(&mut self, blocks: &[Block], f: Frame, out: &mut Vec<Item>) {
        for b in blocks {
            self.block(b, f, out);
        }
    }

    fn block(&mut self, b: &Block, f: Frame, out: &mut Vec<Item>) {
        match b {
            Block::Heading(h) => {
                let p = self.heading(h);
                self.push_para(p, out);
            }
            Block::Paragraph(p) => {
                let p = self.paragraph(p, f);
                self.push_para(p, out);
            }
            Block::Numbered(n) => {
                let p = self.numbered(n, f);
                self.push_para(p, out);
            }
            Block::List(l) => self.list(l, f, out),
            Block::Table(t) => self.table(t, f, out),
            Block::Figure(fig) => self.figure(fig, f, out),
            Block::Picture(pic) => self.picture(pic, f, out),
            Block::Quote(q) => self.blocks(&q.blocks, Frame { quote: Some(q.callout), ..f }, out),
            // Word ignores page breaks inside table cells; elsewhere break before the next block.
            Block::PageBreak => {
                if !f.in_table {
                    self.page_break_pending = true;
                }
            }
        }
    }

    fn heading(&mut self, h: &Heading) -> DocxParagraph {
        let level = usize::from(h.level.clamp(1, 6));
        let p = self.para(id::HEADING[level - 1]);
        let mut segs = Vec::new();
        // The computed number is plain text (cross-references quote it), never auto-numbering.
        if let Some(n) = &h.number {
            let n = clean(n);
            let n = n.trim();
            if !n.is_empty() {
                segs.push(Seg::Run(Box::new(Run::new().add_text(format!("{n} ")))));
            }
        }
        self.text(&h.text, Fmt::default(), &mut segs);
        if let Some(a) = &h.anchor {
            let name = match h.number.as_deref().map(|n| clean(n).trim().to_owned()).filter(|n| !n.is_empty()) {
                Some(n) => format!("{n} {}", clean(&h.text).trim()),
                None => clean(&h.text).trim().to_owned(),
            };
            self.link_names.entry(bookmark_name(a)).or_insert(name);
        }
        self.bookmark(p, h.anchor.as_deref(), segs)
    }

    /// The style of a paragraph in this frame: body text in tables gets the compact table
    /// style; in a block quote, the quote's style (its lists' items too, so a callout's box holds
    /// its whole text); in a list, the list paragraph style.
    fn style_for(style: ParagraphStyle, f: Frame) -> &'static str {
        match style {
            ParagraphStyle::Body if f.in_table => id::TABLE_TEXT,
            ParagraphStyle::Body if f.quote == Some(true) => id::CALLOUT,
            ParagraphStyle::Body if f.quote == Some(false) => id::QUOTE,
            ParagraphStyle::Body if f.list_level.is_some() => id::LIST_PARAGRAPH,
            other => styles::paragraph_style_id(other),
        }
    }

    fn paragraph(&mut self, para: &Paragraph, f: Frame) -> DocxParagraph {
        let mut p = self.para(Self::style_for(para.style, f));
        if para.style == ParagraphStyle::Cover {
            p = p.align(docx_rs::AlignmentType::Center).line_spacing(
                docx_rs::LineSpacing::new().before(text::pt_to_twips(18.0)).after(text::pt_to_twips(18.0)),
            );
        }
        self.fill(p, &para.content, f)
    }

    /// A numbered paragraph: live Word numbering of its section (Word prints and counts the
    /// number), bookmarked where it carries an anchor.
    fn numbered(&mut self, n: &Numbered, f: Frame) -> DocxParagraph {
        let num = self.lists.paragraphs(n.section, n.sub);
        let level = usize::from(n.level.clamp(1, 2) - 1);
        let p = numbering::number(self.para(Self::style_for(ParagraphStyle::Body, f)), num, level);
        let mut segs = Vec::new();
        self.inlines(&n.content, Fmt { bold: f.bold, ..Fmt::default() }, &mut segs);
        if let Some(a) = &n.anchor {
            self.link_names.entry(bookmark_name(a)).or_insert_with(|| clean(&n.number).trim().to_owned());
        }
        self.bookmark(p, n.anchor.as_deref(), segs)
    }

    /// Adds inline content and the frame's alignment to a paragraph.
    fn fill(&mut self, mut p: DocxParagraph, content: &[Inline], f: Frame) -> DocxParagraph {
        if f.align_right {
            p = p.align(docx_rs::AlignmentType::Right);
        }
        let mut segs = Vec::new();
        self.inlines(content, Fmt { bold: f.bold, ..Fmt::default() }, &mut segs);
        attach(p, segs)
    }

    fn list(&mut self, l: &List, f: Frame, out: &mut Vec<Item>) {
        let level = f.list_level.map_or(0, |d| (d + 1).min(numbering::MAX_LEVEL));
        let num = if l.ordered { self.lists.ordered(level, l.start) } else { self.lists.bullets() };
        let inner = Frame { list_level: Some(level), ..f };
        for item in &l.items {
            let mut rest = item.as_slice();
            // The first paragraph carries the number; anything else first gets an empty one.
            let first = match rest.first() {
                Some(Block::Paragraph(p)) => {
                    rest = &rest[1..];
                    self.paragraph(p, inner)
                }
                _ => {
                    let p = self.para(Self::style_for(ParagraphStyle::Body, inner));
                    self.fill(p, &[], inner)
                }
            };
            let first = numbering::number(first, num, level);
            self.push_para(first, out);
            for b in rest {
                match b {
                    // Further paragraphs of the item line up with its text.
                    Block::Paragraph(p) => {
                        let p = self.paragraph(p, inner).indent(Some(numbering::text_indent(level)), None, None, None);
                        self.push_para(p, out);
                    }
                    other => self.block(other, inner, out),
                }
            }
        }
    }
}

/// A piece of the footer pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum FooterPart {
    Text(String),
    Page,
    Pages,
}

/// Splits "Page {page} of {pages}" into text and PAGE / NUMPAGES fields.
fn footer_parts(pattern: &str) -> Vec<FooterPart> {
    let pattern = clean(pattern);
    let mut parts = Vec::new();
    let mut buf = String::new();
    let mut rest = pattern.as_str();
    while let Some(c) = rest.chars().next() {
        let field = if rest.starts_with("{page}") {
            Some((FooterPart::Page, "{page}".len()))
        } else if rest.starts_with("{pages}") {
            Some((FooterPart::Pages, "{pages}".len()))
        } else {
            None
        };
        match field {
            Some((part, len)) => {
                if !buf.is_empty() {
                    parts.push(FooterPart::Text(std::mem::take(&mut buf)));
                }
                parts.push(part);
                rest = &rest[len..];
            }
            None => {
                buf.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if !buf.trim().is_empty() || (!buf.is_empty() && !parts.is_empty()) {
        parts.push(FooterPart::Text(buf));
    }
    parts
}
