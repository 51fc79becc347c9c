//! The typst template's view of a document: exactly what `report.typ` reads from `/data.json`,
//! as typed structs, built from the tree in one pass ([`View::build`]).
//!
//! The view borrows the tree where the template reads it as it is (the metadata, the house style,
//! the furniture, a heading, a table's columns) and holds its own values where the writer adds to
//! it, each set as the view is built, never patched in afterwards:
//!
//! - a text run's text, with break opportunities in its long words ([`hints::breakable`]);
//! - a table's `layout` ([`hints::TableLayout`]) and `row_header` ([`row_header_column`]);
//! - a figure's `svg`, drawn by [`chart::svg`] for that figure as it is met;
//! - a picture's `path`, the virtual file its image is served at ([`Served`]);
//! - the document's `unique_anchors`, the anchors exactly one heading, numbered paragraph or
//!   table carries.
//!
//! Its keys are the tree's own (`type`, `content`, `blocks`, …), so a template written against
//! the tree's JSON reads the view unchanged. This room decides nothing about layout or wording:
//! it carries what the tree says and what [`hints`] worked out.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;

use super::hints::{self, TableHints, TableLayout};
use super::pictures::Served;
use crate::render::row_header::row_header_column;
use crate::render::{chart, RenderError};
use crate::tree::{
    Block, CellSpan, Column, Document, Figure, Furniture, Heading, HouseStyle, Inline, Logo, Meta, ParagraphStyle,
    Picture, SubNumbering, Table,
};

/// The whole document as the template reads it.
#[derive(Debug, Serialize)]
pub(super) struct View<'a> {
    meta: &'a Meta,
    style: StyleView<'a>,
    furniture: &'a Furniture,
    blocks: Vec<BlockView<'a>>,
    /// Every anchor that exactly one element carries (`anchor: true`): a link to one of them
    /// needs no query.
    unique_anchors: BTreeMap<&'a str, bool>,
}

/// The house style as the template reads it: the tree's, with the logo's image served.
#[derive(Debug, Serialize)]
struct StyleView<'a> {
    #[serde(flatten)]
    house: &'a HouseStyle,
    #[serde(skip_serializing_if = "Option::is_none")]
    logo: Option<LogoView<'a>>,
}

/// The logo from the template's Word file, with where the template finds its image.
#[derive(Debug, Serialize)]
struct LogoView<'a> {
    #[serde(flatten)]
    logo: &'a Logo,
    path: String,
}

/// A block as the template reads it: the tree's block, with the writer's hints.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub(super) enum BlockView<'a> {
    Heading(&'a Heading),
    Paragraph {
        style: ParagraphStyle,
        content: Vec<InlineView<'a>>,
    },
    Numbered {
        number: &'a str,
        level: u8,
        section: u32,
        sub: SubNumbering,
        anchor: Option<&'a str>,
        content: Vec<InlineView<'a>>,
    },
    List {
        ordered: bool,
        start: u32,
        items: Vec<Vec<BlockView<'a>>>,
    },
    Table(TableView<'a>),
    Figure(FigureView<'a>),
    Picture(PictureView<'a>),
    Quote {
        callout: bool,
        blocks: Vec<BlockView<'a>>,
    },
    PageBreak,
}

/// A table with its layout and row header.
#[derive(Debug, Serialize)]
pub(super) struct TableView<'a> {
    caption: Option<&'a str>,
    anchor: Option<&'a str>,
    columns: &'a [Column],
    rows: Vec<RowView<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    spans: &'a [CellSpan],
    /// The column widths and page-break hints (none when the house font cannot be measured).
    #[serde(skip_serializing_if = "Option::is_none")]
    layout: Option<TableHints>,
    /// The column whose cells label the rows, if one does.
    #[serde(skip_serializing_if = "Option::is_none")]
    row_header: Option<usize>,
}

/// A table row.
#[derive(Debug, Serialize)]
pub(super) struct RowView<'a> {
    cells: Vec<Vec<BlockView<'a>>>,
    total: bool,
}

/// A figure with its drawing.
#[derive(Debug, Serialize)]
pub(super) struct FigureView<'a> {
    #[serde(flatten)]
    figure: &'a Figure,
    /// The figure drawn as SVG in the house font, the drawing the other formats show.
    svg: String,
}

/// A picture with the virtual path of its image.
#[derive(Debug, Serialize)]
pub(super) struct PictureView<'a> {
    #[serde(flatten)]
    picture: &'a Picture,
    /// Where the typesetter finds the image (`/picture-N`).
    path: String,
}

/// Inline content as the template reads it: the tree's, with long words breakable.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub(super) enum InlineView<'a> {
    Text { text: Cow<'a, str> },
    Strong { content: Vec<InlineView<'a>> },
    Emph { content: Vec<InlineView<'a>> },
    Link { url: &'a str, content: Vec<InlineView<'a>> },
    Strike { content: Vec<InlineView<'a>> },
    Footnote { content: Vec<InlineView<'a>> },
    LineBreak,
    PageRange { start: &'a str, until: Option<&'a str>, one: &'a str, many: &'a str },
}

/// What the view is built with, and what building it collects.
struct Builder<'a, 'm> {
    /// Lays out tables' columns; none when the house font cannot be measured.
    tables: Option<&'m TableLayout<'m>>,
    /// The house font, for the figures' drawings.
    font: &'a str,
    /// How many elements carry each anchor.
    anchors: BTreeMap<&'a str, usize>,
    /// The pictures' images.
    served: Served<'a>,
}

impl<'a> View<'a> {
    /// Builds the view of `doc`, with its tables laid out by `tables` (if the house font could be
    /// measured), and returns it with the images it serves, the `N`th at `/picture-N`.
    pub(super) fn build(
        doc: &'a Document,
        tables: Option<&TableLayout<'_>>,
    ) -> Result<(Self, Vec<Vec<u8>>), RenderError> {
        let mut b = Builder { tables, font: &doc.style.font, anchors: BTreeMap::new(), served: Served::default() };
        let blocks = b.blocks(&doc.blocks)?;
        let unique_anchors = b.anchors.iter().filter(|(_, n)| **n == 1).map(|(a, _)| (*a, true)).collect();
        // The logo is served after the pictures, so their files keep their numbers.
        let logo = doc.style.logo.as_ref().map(|logo| LogoView { logo, path: b.served.logo(&logo.data) });
        let style = StyleView { house: &doc.style, logo };
        let view = View { meta: &doc.meta, style, furniture: &doc.furniture, blocks, unique_anchors };
        Ok((view, b.served.into_images()))
    }
}

impl<'a> Builder<'a, '_> {
    fn blocks(&mut self, blocks: &'a [Block]) -> Result<Vec<BlockView<'a>>, RenderError> {
        blocks.iter().map(|b| self.block(b)).collect()
    }

    fn block(&mut self, block: &'a Block) -> Result<BlockView<'a>, RenderError> {
        Ok(match block {
            Block::Heading(h) => {
                self.anchor(h.anchor.as_deref());
                BlockView::Heading(h)
            }
            Block::Paragraph(p) => BlockView::Paragraph { style: p.style, content: inlines(&p.content) },
            Block::Numbered(n) => BlockView::Numbered {
                number: &n.number,
                level: n.level,
                section: n.section,
                sub: n.sub,
                anchor: self.anchor(n.anchor.as_deref()),
                content: inlines(&n.content),
            },
            Block::List(l) => BlockView::List {
                ordered: l.ordered,
                start: l.start,
                items: l.items.iter().map(|item| self.blocks(item)).collect::<Result<_, _>>()?,
            },
            Block::Table(t) => BlockView::Table(self.table(t)?),
            Block::Figure(f) => BlockView::Figure(FigureView { figure: f, svg: chart::svg(f, self.font)? }),
            Block::Picture(p) => BlockView::Picture(PictureView { picture: p, path: self.served.path(p) }),
            Block::Quote(q) => BlockView::Quote { callout: q.callout, blocks: self.blocks(&q.blocks)? },
            Block::PageBreak => BlockView::PageBreak,
        })
    }

    fn table(&mut self, t: &'a Table) -> Result<TableView<'a>, RenderError> {
        let anchor = self.anchor(t.anchor.as_deref());
        let mut rows = Vec::with_capacity(t.rows.len());
        for row in &t.rows {
            let cells = row.cells.iter().map(|cell| self.blocks(cell)).collect::<Result<_, _>>()?;
            rows.push(RowView { cells, total: row.total });
        }
        Ok(TableView {
            caption: t.caption.as_deref(),
            anchor,
            columns: &t.columns,
            rows,
            spans: &t.spans,
            layout: self.tables.map(|l| l.table(t)),
            row_header: row_header_column(t),
        })
    }

    /// Counts an element's anchor (an empty one is no anchor) and gives it back.
    fn anchor(&mut self, anchor: Option<&'a str>) -> Option<&'a str> {
        if let Some(a) = anchor.filter(|a| !a.is_empty()) {
            *self.anchors.entry(a).or_default() += 1;
        }
        anchor
    }
}

fn inlines(content: &[Inline]) -> Vec<InlineView<'_>> {
    content.iter().map(inline).collect()
}

fn inline(i: &Inline) -> InlineView<'_> {
    match i {
        Inline::Text { text } => {
            InlineView::Text { text: hints::breakable(text).map_or(Cow::Borrowed(text.as_str()), Cow::Owned) }
        }
        Inline::Strong { content } => InlineView::Strong { content: inlines(content) },
        Inline::Emph { content } => InlineView::Emph { content: inlines(content) },
        Inline::Link { url, content } => InlineView::Link { url, content: inlines(content) },
        Inline::Strike { content } => InlineView::Strike { content: inlines(content) },
        Inline::Footnote { content } => InlineView::Footnote { content: inlines(content) },
        Inline::LineBreak => InlineView::LineBreak,
        Inline::PageRange { start, until, one, many } => {
            InlineView::PageRange { start, until: until.as_deref(), one, many }
        }
    }
}
