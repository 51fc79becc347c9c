//! Rich text: the Markdown authors type, parsed with pulldown-cmark into document blocks, with
//! cross-references (`[Section](#id)`, `[Sections](#a,#b)`, `[](#id)`) replaced by computed
//! section numbers. HTML typed by an author is kept as literal text, never interpreted.
//!
//! Nesting is bounded here, where it is typed: lists, block quotes and inline markup (emphasis,
//! bold, links) nested deeper than [`MAX_LIST_DEPTH`], [`MAX_QUOTE_DEPTH`] and
//! [`MAX_INLINE_DEPTH`] are an error at the field, and the tree built never nests deeper than
//! those limits (deeper markup is kept as text of the innermost level), so no walk over the
//! document tree — in any writer or the typesetter — can exhaust its stack.
//!
//! Every construct is either kept or named: block quotes, footnotes (`[^id]` with `[^id]: text`),
//! strikethrough, headings down to the template's depth ([`Layout`]) and pictures
//! (`![alt](file.png)`, read through [`Pictures`], the one reader of image files) are kept; anything else
//! (raw HTML, a horizontal rule, a heading deeper than the template allows) gets a warning
//! located at the construct, naming it, and is printed as text or left out — never dropped
//! silently.
//!
//! Links are judged here, before any writer: only `http`, `https`, `mailto` and `tel` addresses
//! stay links ([`crate::tree::link_target`]); any other (`javascript:`, `data:`, `file:`, a
//! relative path) is printed as its text alone, with a warning naming it.

use std::collections::HashMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::diag::Problem;
use crate::input::picture::Pictures;
use crate::tree::{
    Align, Block, Column, Heading, Inline, LinkTarget, List, Paragraph, ParagraphStyle, Picture, Quote, Row, Table,
};

/// The longest link address kept, in bytes; a longer one is an error (viewers and the PDF's
/// link annotations are not made for them, and a real address is far shorter).
pub const MAX_URL_BYTES: usize = 2048;

/// A link's address for a message: control characters shown as `\u{…}`, at most 80 characters.
fn short_url(url: &str) -> String {
    let shown: String = url
        .chars()
        .flat_map(|c| if c.is_control() { c.escape_unicode().collect::<Vec<_>>() } else { vec![c] })
        .collect();
    if shown.chars().count() > 80 {
        format!("{}…", shown.chars().take(79).collect::<String>())
    } else {
        shown
    }
}

/// Lists nested inside one another, at most.
pub const MAX_LIST_DEPTH: usize = 8;
/// Block quotes nested inside one another, at most.
pub const MAX_QUOTE_DEPTH: usize = 8;
/// Emphasis, bold, strikethrough and links nested inside one another, at most.
pub const MAX_INLINE_DEPTH: usize = 8;

/// How the template lays out what authors write in Markdown (its `[markdown]` table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    /// Block quotes are the template's callout box (`quote = "callout"`) rather than quotations.
    pub callout_quotes: bool,
    /// The deepest heading level an author's heading becomes (3 to 6): `#` to `###` are
    /// sub-headings (level 3), `####` is level 4, and so on down to this.
    pub heading_depth: u8,
}

impl Default for Layout {
    fn default() -> Self {
        Layout { callout_quotes: false, heading_depth: 4 }
    }
}

/// Parsed rich text: blocks in the format-neutral tree.
pub type RichText = Vec<Block>;

/// What one paper's Markdown is parsed against: section ids and their computed numbers (for
/// cross-references), the template's layout, and the folder its pictures come from.
#[derive(Debug, Default, Clone)]
pub struct Xrefs {
    /// id → section number.
    pub numbers: HashMap<String, u32>,
    /// Word for one section ("Section").
    pub one: String,
    /// Word for several ("Sections").
    pub many: String,
    /// Text printed before and after each cross-reference: empty in a report, ("", " of the
    /// report") in a decision record's resolutions (the template's wording).
    pub around: (String, String),
    /// How the template lays out quotes and headings.
    pub layout: Layout,
    /// Where the paper's pictures are read from; `None` where no file may be read (a picture
    /// is then an error).
    pub pictures: Option<Pictures>,
}

impl Xrefs {
    /// Prints a cross-reference: `label` is what the author wrote in the brackets.
    fn render(&self, label: &str, ids: &[&str], path: &str, problems: &mut Vec<Problem>) -> String {
        let mut numbers = Vec::new();
        for id in ids {
            match self.numbers.get(*id) {
                Some(n) => numbers.push(n.to_string()),
                None => {
                    let mut p =
                        Problem::error(path, format!("unknown cross-reference `#{id}`")).at_text(format!("#{id}"));
                    let known: Vec<&str> = self.numbers.keys().map(String::as_str).collect();
                    p = match crate::suggest::did_you_mean(id, known) {
                        Some(s) => p.help(format!("did you mean `#{s}`?")),
                        None => p.help("give the section an `id:` and refer to it as `#id`"),
                    };
                    problems.push(p);
                    numbers.push("?".into());
                }
            }
        }
        let list = match numbers.len() {
            0 => String::new(),
            1 => numbers[0].clone(),
            n => format!("{} & {}", numbers[..n - 1].join(", "), numbers[n - 1]),
        };
        let label = label.trim();
        let (before, after) = &self.around;
        if label.is_empty() {
            format!("{before}{list}{after}")
        } else {
            // A no-break space: a line never ends on "Section" and starts on its number.
            format!("{before}{label}\u{a0}{list}{after}")
        }
    }
}

/// Parses Markdown. Problems (unknown cross-references) are reported at `path`.
pub fn parse(md: &str, xrefs: &Xrefs, path: &str, problems: &mut Vec<Problem>) -> RichText {
    // Footnotes in the original (non-GFM) form: every `[^id]` is reported as a reference, so
    // one without a definition can be named in a warning rather than printed as it is.
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_OLD_FOOTNOTES;
    let mut b = Builder {
        xrefs,
        path,
        md,
        at: 0..0,
        notes: HashMap::new(),
        last_heading: 2,
        problems,
        stack: vec![Container::Root(Vec::new())],
        frames: Vec::new(),
        depth: [0; 3],
        deepest: [0; 3],
        skipping: 0,
    };
    for (event, range) in Parser::new_ext(md, opts).into_offset_iter() {
        b.at = range;
        b.event(event);
    }
    let limits = [MAX_LIST_DEPTH, MAX_QUOTE_DEPTH, MAX_INLINE_DEPTH];
    let names = ["lists", "block quotes", "emphasis, bold and links"];
    let helps = [
        "a list inside a list inside a list reads badly; flatten it, or split it into paragraphs",
        "quote the passage once (`> `), not a quote inside a quote",
        "mark a word up once (`**bold**`, `*italic*`), not markup inside markup",
    ];
    for i in 0..3 {
        if b.deepest[i] > limits[i] {
            let (deepest, limit, name) = (b.deepest[i], limits[i], names[i]);
            b.problems.push(
                Problem::error(path, format!("{name} nested {deepest} deep; at most {limit} are supported"))
                    .help(helps[i]),
            );
        }
    }
    // Close anything left open (the parser closes all tags, so this is only a safety net).
    while b.stack.len() > 1 {
        b.close();
    }
    let mut blocks = match b.stack.pop() {
        Some(Container::Root(blocks)) => blocks,
        _ => Vec::new(),
    };
    let mut used = std::collections::HashSet::new();
    fill_notes_in_blocks(&mut blocks, &b.notes, &mut used, path, b.problems);
    let mut unused: Vec<&String> = b.notes.keys().filter(|k| !used.contains(*k)).collect();
    unused.sort();
    for label in unused {
        b.problems.push(
            Problem::warning(
                path,
                format!("the footnote `[^{label}]` is defined but never referred to; it is left out"),
            )
            .at_text(format!("[^{label}]:"))
            .help(format!("put `[^{label}]` where the note belongs, or delete its definition")),
        );
    }
    blocks
}

/// Puts each footnote's text in place of the label its reference was parsed with; a reference
/// with no definition is printed as typed, with a warning.
fn fill_notes_in_blocks(
    blocks: &mut [Block],
    notes: &HashMap<String, Vec<Inline>>,
    used: &mut std::collections::HashSet<String>,
    path: &str,
    problems: &mut Vec<Problem>,
) {
    for b in blocks {
        match b {
            Block::Paragraph(p) => fill_notes(&mut p.content, notes, used, path, problems),
            Block::List(l) => l.items.iter_mut().for_each(|i| fill_notes_in_blocks(i, notes, used, path, problems)),
            Block::Quote(q) => fill_notes_in_blocks(&mut q.blocks, notes, used, path, problems),
            Block::Table(t) => t
                .rows
                .iter_mut()
                .flat_map(|r| r.cells.iter_mut())
                .for_each(|c| fill_notes_in_blocks(c, notes, used, path, problems)),
            _ => {}
        }
    }
}

fn fill_notes(
    inlines: &mut [Inline],
    notes: &HashMap<String, Vec<Inline>>,
    used: &mut std::collections::HashSet<String>,
    path: &str,
    problems: &mut Vec<Problem>,
) {
    for i in inlines {
        match i {
            Inline::Strong { content }
            | Inline::Emph { content }
            | Inline::Strike { content }
            | Inline::Link { content, .. } => fill_notes(content, notes, used, path, problems),
            Inline::Footnote { content } => {
                let label = crate::tree::plain_text(content);
                match notes.get(&label) {
                    Some(text) => {
                        used.insert(label);
                        *content = text.clone();
                    }
                    None => {
                        problems.push(
                            Problem::warning(
                                path,
                                format!("the footnote `[^{label}]` has no text; it is printed as typed"),
                            )
                            .at_text(format!("[^{label}]"))
                            .help(format!("write the note on a line of its own: `[^{label}]: the text of the note`")),
                        );
                        *i = Inline::text(format!("[^{label}]"));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Parses a one-paragraph text (a recommendation) into inline content.
pub fn parse_inline(md: &str, xrefs: &Xrefs, path: &str, problems: &mut Vec<Problem>) -> Vec<Inline> {
    let blocks = parse(md, xrefs, path, problems);
    let mut out = Vec::new();
    for (i, block) in blocks.into_iter().enumerate() {
        if i > 0 {
            out.push(Inline::LineBreak);
        }
        match block {
            Block::Paragraph(p) => out.extend(p.content),
            Block::Picture(p) => {
                problems.push(
                    Problem::warning(
                        path,
                        format!("the picture `{}` is not shown: this text is one paragraph, so its alt text is printed in its place", short_url(&p.source)),
                    )
                    .at_text(p.source.clone())
                    .help("place the picture in a section's body, or attach it as an appendix"),
                );
                out.push(Inline::text(p.alt));
            }
            other => out.push(Inline::text(plain_of_block(&other))),
        }
    }
    out
}

fn plain_of_block(b: &Block) -> String {
    match b {
        Block::Paragraph(p) => crate::tree::plain_text(&p.content),
        Block::Heading(h) => h.text.clone(),
        Block::List(l) => l.items.iter().flatten().map(plain_of_block).collect::<Vec<_>>().join(" "),
        Block::Quote(q) => plain_of_blocks(&q.blocks),
        Block::Picture(p) => p.alt.clone(),
        _ => String::new(),
    }
}

enum Container {
    Root(Vec<Block>),
    Paragraph(Vec<Inline>),
    /// A heading, with its level in the tree.
    Heading(u8, Vec<Inline>),
    List {
        ordered: bool,
        start: u32,
        items: Vec<Vec<Block>>,
    },
    Item(Vec<Block>, Vec<Inline>),
    Strong(Vec<Inline>),
    Emph(Vec<Inline>),
    Strike(Vec<Inline>),
    Link {
        url: String,
        content: Vec<Inline>,
        /// An image (`![alt](src "title")`), its content the alt text: its title.
        image: Option<String>,
    },
    Table {
        aligns: Vec<Align>,
        head: Vec<String>,
        rows: Vec<Row>,
        in_head: bool,
    },
    TableRow(Vec<Vec<Block>>),
    TableCell(Vec<Inline>),
    Quote(Vec<Block>),
    /// A footnote's definition (`[^id]: text`), by its label.
    Note(String, Vec<Block>),
    /// A construct not kept as such: its content joins the blocks around it.
    Other(Vec<Block>),
    Code(String),
}

struct Builder<'a> {
    xrefs: &'a Xrefs,
    path: &'a str,
    /// The Markdown being parsed.
    md: &'a str,
    /// Where in `md` the event being handled is (byte range), for locating warnings.
    at: std::ops::Range<usize>,
    /// Footnote texts by label.
    notes: HashMap<String, Vec<Inline>>,
    /// The level of the last heading made (2 before any: the field's own heading).
    last_heading: u8,
    problems: &'a mut Vec<Problem>,
    stack: Vec<Container>,
    /// One per open tag: what kind of nesting it counts as, and whether it has a container.
    frames: Vec<(Option<usize>, bool)>,
    /// Current nesting of lists, quotes and inline markup.
    depth: [usize; 3],
    /// The deepest nesting seen of each.
    deepest: [usize; 3],
    /// Open tags too deep to keep (they and everything inside add text to the level above).
    skipping: usize,
}

/// Which nesting a tag counts towards: 0 lists, 1 block quotes, 2 inline markup.
fn nesting_of(tag: &Tag) -> Option<usize> {
    match tag {
        Tag::List(_) => Some(0),
        Tag::BlockQuote(_) => Some(1),
        Tag::Strong | Tag::Emphasis | Tag::Strikethrough | Tag::Link { .. } | Tag::Image { .. } => Some(2),
        _ => None,
    }
}

impl Builder<'_> {
    fn event(&mut self, event: Event) {
        match event {
            Event::Start(tag) => {
                let kind = nesting_of(&tag);
                let limits = [MAX_LIST_DEPTH, MAX_QUOTE_DEPTH, MAX_INLINE_DEPTH];
                let mut keep = self.skipping == 0;
                if let Some(k) = kind {
                    self.depth[k] += 1;
                    self.deepest[k] = self.deepest[k].max(self.depth[k]);
                    keep &= self.depth[k] <= limits[k];
                }
                self.frames.push((kind, keep));
                if keep {
                    self.open(tag);
                } else {
                    self.skipping += 1;
                }
            }
            Event::End(end) => {
                let (kind, kept) = self.frames.pop().unwrap_or((None, true));
                if let Some(k) = kind {
                    self.depth[k] = self.depth[k].saturating_sub(1);
                }
                if !kept {
                    self.skipping = self.skipping.saturating_sub(1);
                    return;
                }
                self.end(end);
            }
            Event::Text(t) | Event::Code(t) => self.text(&t),
            Event::Html(t) | Event::InlineHtml(t) => {
                let shown = t.trim().lines().next().unwrap_or("").to_owned();
                if !shown.is_empty() {
                    self.unsupported(
                        &format!("raw HTML `{}`", short_url(&shown)),
                        "is printed as typed, not as HTML",
                        "write it in Markdown (`**bold**`, `*italic*`, `> quote`), or drop the tags",
                    );
                }
                self.text(&t)
            }
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.inline(Inline::LineBreak),
            Event::FootnoteReference(label) => {
                if self.stack.iter().any(|c| matches!(c, Container::Note(..))) {
                    self.unsupported(
                        &format!("the footnote `[^{label}]` inside a footnote"),
                        "is printed as typed",
                        "give each note its own reference in the text",
                    );
                    self.text(&format!("[^{label}]"));
                } else if self.stack.iter().any(|c| matches!(c, Container::Table { in_head: true, .. })) {
                    // A header cell is plain text in every format (a column's name).
                    self.unsupported(
                        &format!("the footnote `[^{label}]` in a table's header row"),
                        "is printed as typed",
                        "put the reference in a cell below the header, or in the text before the table",
                    );
                    self.text(&format!("[^{label}]"));
                } else {
                    // The label stands in for the text until every definition is read.
                    self.inline(Inline::Footnote { content: vec![Inline::text(label.to_string())] });
                }
            }
            Event::Rule => self.unsupported(
                "a horizontal rule (`---`)",
                "is left out",
                "start a new section or sub-heading (`###`) instead",
            ),
            Event::TaskListMarker(_) => {}
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
    }

    /// A warning for a construct that is not kept as such, located at the text where it is.
    fn unsupported(&mut self, what: &str, fate: &str, help: &str) {
        // From the construct to the end of its line: the locator matches whole words, and a
        // line's end is a word's end.
        let typed = self.md.get(self.at.start..).unwrap_or("");
        let first = typed.lines().next().unwrap_or("").trim();
        let mut p =
            Problem::warning(self.path, format!("{what} is not supported in Markdown here: it {fate}")).help(help);
        if !first.is_empty() && first.len() < 200 {
            p = p.at_text(first.to_owned());
        }
        self.problems.push(p);
    }

    fn end(&mut self, end: TagEnd) {
        match end {
            TagEnd::TableHead => {
                if let Some(Container::TableRow(cells)) = self.stack.pop() {
                    if let Some(Container::Table { head, in_head, .. }) = self.stack.last_mut() {
                        *head = cells.iter().map(|c| plain_of_blocks(c)).collect();
                        *in_head = false;
                    }
                }
            }
            _ => self.close(),
        }
    }

    fn open(&mut self, tag: Tag) {
        let c = match tag {
            Tag::Paragraph => Container::Paragraph(Vec::new()),
            Tag::Heading { level, .. } => {
                let typed = level as u8;
                let depth = self.xrefs.layout.heading_depth.clamp(3, 6);
                if typed > depth {
                    let hashes = "#".repeat(usize::from(typed));
                    self.unsupported(
                        &format!("a level-{typed} heading (`{hashes}`)"),
                        &format!("is printed at the template's deepest level, {depth}"),
                        "use fewer levels of heading: `###` for a sub-heading, `####` below it",
                    );
                }
                // A field's text sits under a level-2 heading: a heading never skips a level
                // below the last one (a tagged PDF may not), so `####` first is printed at 3.
                let wanted = typed.clamp(3, depth);
                let level = wanted.min(self.last_heading + 1);
                if level < wanted {
                    self.unsupported(
                        &format!("a level-{typed} heading with no level-{} heading before it", wanted - 1),
                        &format!("is printed at level {level}"),
                        "put a `###` sub-heading above it, or use `###`",
                    );
                }
                self.last_heading = level;
                Container::Heading(level, Vec::new())
            }
            Tag::List(start) => Container::List {
                ordered: start.is_some(),
                start: start.map(|s| s.min(u32::MAX as u64) as u32).unwrap_or(1),
                items: Vec::new(),
            },
            Tag::Item => Container::Item(Vec::new(), Vec::new()),
            Tag::Strong => Container::Strong(Vec::new()),
            Tag::Emphasis => Container::Emph(Vec::new()),
            Tag::Strikethrough => Container::Strike(Vec::new()),
            Tag::Link { dest_url, .. } => {
                Container::Link { url: dest_url.to_string(), content: Vec::new(), image: None }
            }
            Tag::Image { dest_url, title, .. } => {
                Container::Link { url: dest_url.to_string(), content: Vec::new(), image: Some(title.to_string()) }
            }
            Tag::Table(aligns) => Container::Table {
                aligns: aligns
                    .iter()
                    .map(|a| match a {
                        pulldown_cmark::Alignment::Right => Align::Right,
                        _ => Align::Left,
                    })
                    .collect(),
                head: Vec::new(),
                rows: Vec::new(),
                in_head: false,
            },
            Tag::TableHead => {
                if let Some(Container::Table { in_head, .. }) = self.stack.last_mut() {
                    *in_head = true;
                }
                Container::TableRow(Vec::new())
            }
            Tag::TableRow => Container::TableRow(Vec::new()),
            Tag::TableCell => Container::TableCell(Vec::new()),
            Tag::BlockQuote(_) => Container::Quote(Vec::new()),
            Tag::CodeBlock(_) => Container::Code(String::new()),
            // An HTML block is shown as typed, as a paragraph of text.
            Tag::HtmlBlock => Container::Paragraph(Vec::new()),
            Tag::FootnoteDefinition(label) => Container::Note(label.to_string(), Vec::new()),
            // Anything else (none is enabled today) keeps its content as blocks, with a warning.
            other => {
                self.unsupported(
                    &format!("{other:?}"),
                    "is printed as plain text",
                    "write it as paragraphs, lists or a table",
                );
                Container::Other(Vec::new())
            }
        };
        self.stack.push(c);
    }

    fn close(&mut self) {
        let Some(top) = self.stack.pop() else { return };
        match top {
            Container::Paragraph(content) => self.paragraph(content),
            Container::Heading(level, content) => self.block(Block::Heading(Heading {
                level,
                number: None,
                text: crate::tree::plain_text(&content),
                anchor: None,
                caps: false,
            })),
            Container::List { ordered, start, items } => self.block(Block::List(List { ordered, start, items })),
            Container::Item(mut blocks, loose) => {
                if !loose.is_empty() {
                    blocks.insert(0, Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content: loose }));
                }
                if let Some(Container::List { items, .. }) = self.stack.last_mut() {
                    items.push(blocks);
                }
            }
            Container::Strong(content) => self.inline(Inline::Strong { content }),
            Container::Emph(content) => self.inline(Inline::Emph { content }),
            Container::Strike(content) => self.inline(Inline::Strike { content }),
            Container::Link { url, content, image: None } => self.link(url, content),
            Container::Link { url, content, image: Some(title) } => self.image(url, title, content),
            Container::Table { aligns, head, rows, .. } => {
                let columns = head
                    .into_iter()
                    .enumerate()
                    .map(|(i, h)| Column {
                        header: h,
                        align: aligns.get(i).copied().unwrap_or(Align::Left),
                        width: 1.0,
                        full: None,
                    })
                    .collect();
                self.block(Block::Table(Table { caption: None, anchor: None, columns, rows, spans: Vec::new() }));
            }
            Container::TableRow(cells) => {
                if let Some(Container::Table { rows, .. }) = self.stack.last_mut() {
                    rows.push(Row { cells, total: false });
                }
            }
            Container::TableCell(content) => {
                if let Some(Container::TableRow(cells)) = self.stack.last_mut() {
                    cells.push(vec![Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content })]);
                }
            }
            Container::Quote(blocks) => {
                self.block(Block::Quote(Quote { callout: self.xrefs.layout.callout_quotes, blocks }))
            }
            Container::Note(label, blocks) => {
                let mut text = Vec::new();
                for (i, b) in blocks.into_iter().enumerate() {
                    if i > 0 {
                        text.push(Inline::LineBreak);
                    }
                    match b {
                        Block::Paragraph(p) => text.extend(p.content),
                        other => text.push(Inline::text(plain_of_block(&other))),
                    }
                }
                self.notes.entry(label).or_insert(text);
            }
            Container::Other(blocks) => {
                for b in blocks {
                    self.block(b);
                }
            }
            Container::Code(text) => {
                let content = text
                    .lines()
                    .enumerate()
                    .flat_map(|(i, l)| {
                        let br = (i > 0).then_some(Inline::LineBreak);
                        br.into_iter().chain(std::iter::once(Inline::text(l)))
                    })
                    .collect();
                self.block(Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content }));
            }
            Container::Root(blocks) => self.stack.push(Container::Root(blocks)),
        }
    }

    /// A picture (`![alt](map.png "Caption")`): read from the paper's folder and placed as a
    /// block of its own, splitting the paragraph it stands in. Where a block cannot stand (a
    /// heading, a pipe table's cell, bold or italic text, a link, a footnote) its alt text is
    /// printed instead, with a warning naming the file.
    fn image(&mut self, url: String, title: String, content: Vec<Inline>) {
        let shown = short_url(&url);
        let alt = crate::tree::plain_text(&content).split_whitespace().collect::<Vec<_>>().join(" ");
        let at = |p: Problem| if url.len() < 200 { p.at_text(url.trim().to_owned()) } else { p };
        let inside = self.stack.iter().rev().find_map(|c| match c {
            Container::Heading(..) => Some("a heading"),
            Container::TableCell(_) => Some("a cell of a Markdown table"),
            Container::Strong(_) | Container::Emph(_) | Container::Strike(_) => {
                Some("bold, italic or struck-through text")
            }
            Container::Link { .. } => Some("a link"),
            Container::Note(..) => Some("a footnote"),
            _ => None,
        });
        if let Some(place) = inside {
            let p = Problem::warning(
                self.path,
                format!("the picture `{shown}` inside {place} is not shown: its alt text is printed in its place"),
            )
            .help("put the picture in a paragraph of its own");
            self.problems.push(at(p));
            self.plain(content);
            return;
        }
        let web = url.contains("://") || url.get(..5).is_some_and(|s| s.eq_ignore_ascii_case("data:"));
        let read = match &self.xrefs.pictures {
            // Never fetched: a published paper must not depend on another site.
            _ if web => Err(crate::input::file::ReadError::new(
                "is an address, not a file: a picture is read from a file beside the paper",
            )
            .help("save the picture beside the paper and name the file, e.g. `images/map.png`")),
            Some(pictures) => pictures.read(&url),
            None => Err(crate::input::file::ReadError::new("cannot be read here: no folder is known for this text")),
        };
        let image = match read {
            Ok(image) => image,
            Err(e) => {
                let message = if e.message.starts_with("is ") {
                    format!("the picture `{shown}` {}", e.message)
                } else if let Some(rest) = e.message.strip_prefix(&format!("`{url}` ")) {
                    format!("the picture `{shown}` {rest}")
                } else if let Some(reason) = e.message.strip_prefix(&format!("cannot read `{url}`: ")) {
                    format!("cannot read the picture `{shown}`: {reason}")
                } else {
                    format!("the picture `{shown}`: {}", e.message)
                };
                let help = e.help.unwrap_or_else(|| {
                    "name a PNG, JPEG or SVG file by its path from the paper's folder, e.g. `images/map.png`".into()
                });
                self.problems.push(at(Problem::error(self.path, message).help(help)));
                self.plain(content);
                return;
            }
        };
        if alt.is_empty() {
            let p = Problem::warning(
                self.path,
                format!(
                    "the picture `{shown}` has no alt text: it is published as decoration, which screen readers skip"
                ),
            )
            .help(format!("say what it shows between the brackets: `![A map of the wards]({shown})`"));
            self.problems.push(at(p));
        }
        let caption = Some(title.split_whitespace().collect::<Vec<_>>().join(" ")).filter(|t| !t.is_empty());
        let picture = Block::Picture(Picture { alt, caption, source: url, image });
        if let Some(Container::Paragraph(_)) = self.stack.last() {
            // The text before it is a paragraph of its own; the text after it starts another.
            if let Some(Container::Paragraph(before)) = self.stack.pop() {
                self.paragraph(before);
            }
            self.block(picture);
            self.stack.push(Container::Paragraph(Vec::new()));
        } else {
            self.block(picture);
        }
    }

    /// A body paragraph of `content`, without the white space at its ends; nothing if that
    /// leaves it empty (the text around a picture that stood alone).
    fn paragraph(&mut self, mut content: Vec<Inline>) {
        if let Some(Inline::Text { text }) = content.first_mut() {
            *text = text.trim_start().to_owned();
        }
        if let Some(Inline::Text { text }) = content.last_mut() {
            *text = text.trim_end().to_owned();
        }
        content.retain(|i| !matches!(i, Inline::Text { text } if text.is_empty()));
        if !content.is_empty() {
            self.block(Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content }));
        }
    }

    fn link(&mut self, url: String, content: Vec<Inline>) {
        if let Some(targets) = url.strip_prefix('#') {
            let ids: Vec<&str> = targets.split(',').map(|s| s.trim().trim_start_matches('#')).collect();
            let label = crate::tree::plain_text(&content);
            let text = self.xrefs.render(&label, &ids, self.path, self.problems);
            self.inline(Inline::text(text));
        } else {
            let shown = short_url(&url);
            match crate::tree::link_target(&url) {
                Some(LinkTarget::Web(url)) if url.len() <= MAX_URL_BYTES => {
                    let content = if content.is_empty() { vec![Inline::text(url.clone())] } else { content };
                    self.inline(Inline::Link { url, content });
                }
                Some(LinkTarget::Web(url)) => {
                    self.problems.push(
                        Problem::error(
                            self.path,
                            format!(
                                "the link `{shown}` is {} bytes long; the longest kept is {MAX_URL_BYTES}",
                                url.len()
                            ),
                        )
                        .help("link to a shorter address (a page that lists the documents, or a short link)"),
                    );
                    self.plain(content);
                }
                _ => {
                    let mut p = Problem::warning(self.path, format!("the link `{shown}` is not kept: a link must be an http, https, mailto or tel address"))
                        .help("its text is printed without the link; write the full address, e.g. https://www.stockton.gov.uk/…");
                    if url.len() < 200 {
                        p = p.at_text(url.trim().to_owned());
                    }
                    self.problems.push(p);
                    self.plain(content);
                }
            }
        }
    }

    /// A link's text without the link (its address is not shown: it was refused).
    fn plain(&mut self, content: Vec<Inline>) {
        for i in content {
            self.inline(i);
        }
    }

    fn text(&mut self, t: &str) {
        if let Some(Container::Code(s)) = self.stack.last_mut() {
            s.push_str(t);
            return;
        }
        self.push_inline(Inline::text(t));
    }

    fn inline(&mut self, i: Inline) {
        self.push_inline(i);
    }

    /// Adds inline content to the innermost inline container, merging adjacent text runs
    /// (pulldown-cmark splits text at some characters).
    fn push_inline(&mut self, i: Inline) {
        let target = match self.stack.last_mut() {
            Some(Container::Paragraph(v))
            | Some(Container::Heading(_, v))
            | Some(Container::Strong(v))
            | Some(Container::Emph(v))
            | Some(Container::Strike(v))
            | Some(Container::TableCell(v))
            | Some(Container::Item(_, v))
            | Some(Container::Link { content: v, .. }) => v,
            Some(Container::Root(blocks))
            | Some(Container::Quote(blocks))
            | Some(Container::Note(_, blocks))
            | Some(Container::Other(blocks)) => {
                // Inline content directly in a block container: it forms a paragraph.
                if !matches!(blocks.last(), Some(Block::Paragraph(_))) {
                    blocks.push(Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content: Vec::new() }));
                }
                match blocks.last_mut() {
                    Some(Block::Paragraph(p)) => &mut p.content,
                    _ => return,
                }
            }
            // Between list items or table rows there is no inline content to keep.
            _ => return,
        };
        match (target.last_mut(), i) {
            (Some(Inline::Text { text }), Inline::Text { text: more }) => text.push_str(&more),
            (_, i) => target.push(i),
        }
    }

    fn block(&mut self, b: Block) {
        // A block inside an item that already has loose inline text: flush that text first.
        if let Some(Container::Item(blocks, loose)) = self.stack.last_mut() {
            if !loose.is_empty() {
                let content = std::mem::take(loose);
                blocks.push(Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content }));
            }
            blocks.push(b);
            return;
        }
        match self.stack.last_mut() {
            Some(Container::Root(v))
            | Some(Container::Quote(v))
            | Some(Container::Note(_, v))
            | Some(Container::Other(v)) => v.push(b),
            Some(Container::TableCell(v)) => v.push(Inline::text(plain_of_block(&b))),
            _ => {
                // A block closing into an inline container cannot happen with well-formed
                // events; keep the text rather than lose it.
                let text = plain_of_block(&b);
                self.text(&text);
            }
        }
    }
}

fn plain_of_blocks(blocks: &[Block]) -> String {
    blocks.iter().map(plain_of_block).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xrefs() -> Xrefs {
        let mut x = Xrefs { one: "Section".into(), many: "Sections".into(), ..Default::default() };
        x.numbers.insert("statement".into(), 2);
        x.numbers.insert("missions".into(), 3);
        x.numbers.insert("transformation".into(), 6);
        x
    }

    fn text_of(blocks: &[Block]) -> String {
        plain_of_blocks(blocks)
    }

    #[test]
    fn cross_references_print_computed_numbers() {
        let mut p = Vec::new();
        let b = parse(
            "See [Sections](#statement,#missions), [Section](#transformation) and [](#missions).",
            &xrefs(),
            "x",
            &mut p,
        );
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(text_of(&b), "See Sections\u{a0}2 & 3, Section\u{a0}6 and 3.");
    }

    #[test]
    fn cross_reference_label_and_number_are_joined_by_a_no_break_space() {
        let mut p = Vec::new();
        let b = parse("As set out at [Section](#transformation).", &xrefs(), "x", &mut p);
        let text = text_of(&b);
        assert!(text.contains("Section\u{a0}6"), "{text:?}");
        assert!(!text.contains("Section 6"), "{text:?}");
    }

    #[test]
    fn unknown_cross_reference_is_an_error_with_a_suggestion() {
        let mut p = Vec::new();
        parse("[Section](#transformaton)", &xrefs(), "sections[0].body", &mut p);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].path, "sections[0].body");
        assert_eq!(p[0].help.as_deref(), Some("did you mean `#transformation`?"));
    }

    #[test]
    fn html_and_template_code_stay_literal() {
        let mut p = Vec::new();
        let b = parse("Hello <script>alert(1)</script> {{x}} <b>bold</b>", &xrefs(), "x", &mut p);
        assert_eq!(text_of(&b), "Hello <script>alert(1)</script> {{x}} <b>bold</b>");
    }

    #[test]
    fn nested_lists_and_emphasis() {
        let mut p = Vec::new();
        let b = parse("Intro:\n\n- one\n  - one a\n- **two** *it*\n", &xrefs(), "x", &mut p);
        assert_eq!(b.len(), 2);
        let Block::List(l) = &b[1] else { panic!("expected a list: {b:?}") };
        assert!(!l.ordered);
        assert_eq!(l.items.len(), 2);
        assert!(matches!(l.items[0][1], Block::List(_)), "nested list kept: {:?}", l.items[0]);
        let Block::Paragraph(para) = &l.items[1][0] else { panic!() };
        assert!(matches!(para.content[0], Inline::Strong { .. }));
    }

    /// A folder holding `map.png` (a 4 × 2 PNG), and its pictures source.
    fn with_map() -> (tempfile::TempDir, Xrefs) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut png = Vec::new();
        {
            let mut e = png::Encoder::new(&mut png, 4, 2);
            e.set_color(png::ColorType::Grayscale);
            let mut w = e.write_header().expect("header");
            w.write_image_data(&[0; 8]).expect("data");
        }
        std::fs::write(dir.path().join("map.png"), png).expect("write");
        let scope = crate::input::file::Scope::new(dir.path(), Default::default());
        let pictures = Pictures { dir: dir.path().to_path_buf(), scope };
        (dir, Xrefs { pictures: Some(pictures), ..xrefs() })
    }

    #[test]
    fn a_picture_splits_its_paragraph_and_carries_alt_text_and_caption() {
        let (_dir, x) = with_map();
        let mut p = Vec::new();
        let b = parse("See ![A map of  the wards](map.png \"The wards\") here.", &x, "summary", &mut p);
        assert!(p.is_empty(), "{p:?}");
        assert_eq!(b.len(), 3, "{b:?}");
        let Block::Paragraph(before) = &b[0] else { panic!("{b:?}") };
        assert_eq!(crate::tree::plain_text(&before.content), "See");
        let Block::Picture(pic) = &b[1] else { panic!("{b:?}") };
        assert_eq!((pic.alt.as_str(), pic.caption.as_deref()), ("A map of the wards", Some("The wards")));
        assert_eq!((pic.image.width, pic.image.height, pic.source.as_str()), (4, 2, "map.png"));
        let Block::Paragraph(after) = &b[2] else { panic!("{b:?}") };
        assert_eq!(crate::tree::plain_text(&after.content), "here.");
        // Alone in its paragraph, and in a list item: the picture alone.
        let b = parse("![Map](map.png)\n\n- ![Map](map.png)", &x, "summary", &mut p);
        assert!(
            matches!(&b[..], [Block::Picture(_), Block::List(l)] if matches!(&l.items[0][..], [Block::Picture(_)])),
            "{b:?}"
        );
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn a_picture_with_no_alt_text_is_kept_with_a_warning() {
        let (_dir, x) = with_map();
        let mut p = Vec::new();
        let b = parse("![](map.png)", &x, "summary", &mut p);
        assert!(matches!(&b[..], [Block::Picture(pic)] if pic.alt.is_empty()), "{b:?}");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].severity, crate::diag::Severity::Warning);
        assert!(p[0].message.contains("has no alt text"), "{}", p[0].message);
        assert_eq!(p[0].needle.as_deref(), Some("map.png"));
    }

    #[test]
    fn a_missing_or_escaping_picture_is_an_error_at_its_name() {
        let (_dir, x) = with_map();
        for (md, message) in [
            ("![Plan](plan.png)", "cannot read the picture `plan.png`: No such file or directory"),
            (
                "![Plan](https://example.org/plan.png)",
                "the picture `https://example.org/plan.png` is an address, not a file",
            ),
            (
                "![Plan](data:image/png;base64,iVBORw0KGgo=)",
                "the picture `data:image/png;base64,iVBORw0KGgo=` is an address, not a file",
            ),
            (
                "![Plan](../../../../../../etc/passwd)",
                "the picture `../../../../../../etc/passwd` is outside the folder",
            ),
        ] {
            let mut p = Vec::new();
            let b = parse(md, &x, "summary", &mut p);
            assert_eq!(p.len(), 1, "{p:?}");
            assert_eq!(p[0].severity, crate::diag::Severity::Error);
            assert!(p[0].message.starts_with(message), "{}", p[0].message);
            // The alt text stands in, so nothing typed is lost from the error's context.
            assert_eq!(crate::tree::plain_text(&[Inline::text(plain_of_blocks(&b))]), "Plan");
        }
        // Where no folder is known, a picture is an error too.
        let mut p = Vec::new();
        parse("![Map](map.png)", &xrefs(), "summary", &mut p);
        assert!(p[0].severity == crate::diag::Severity::Error && p[0].message.contains("cannot be read here"), "{p:?}");
    }

    #[test]
    fn a_picture_where_no_block_can_stand_prints_its_alt_text_with_a_warning() {
        let (_dir, x) = with_map();
        for md in ["**bold ![Map](map.png)**", "### A ![Map](map.png)", "| A |\n|---|\n| ![Map](map.png) |"] {
            let mut p = Vec::new();
            let b = parse(md, &x, "summary", &mut p);
            assert!(format!("{b:?}").contains("Map"), "{md}: {b:?}");
            assert_eq!(p.len(), 1, "{md}: {p:?}");
            assert!(p[0].message.contains("is not shown: its alt text is printed"), "{}", p[0].message);
        }
        let mut p = Vec::new();
        let inl = parse_inline("Agree ![Map](map.png)", &x, "recommendations[0]", &mut p);
        assert_eq!(crate::tree::plain_text(&inl), "Agree Map", "{inl:?}");
        assert!(p[0].message.contains("this text is one paragraph"), "{p:?}");
    }

    #[test]
    fn a_footnote_in_a_table_header_is_printed_as_typed_with_a_warning() {
        let mut p = Vec::new();
        let b = parse("| Spend[^n] | B |\n|---|---|\n| 1 | 2 |\n\n[^n]: In £000.", &xrefs(), "x", &mut p);
        let Block::Table(t) = &b[0] else { panic!("{b:?}") };
        assert_eq!(t.columns[0].header, "Spend[^n]");
        let warned: Vec<&str> = p.iter().map(|p| p.message.as_str()).collect();
        assert!(
            warned.iter().any(|m| m.starts_with("the footnote `[^n]` in a table's header row is not supported")),
            "{warned:?}"
        );
    }

    #[test]
    fn dangerous_links_become_their_text_with_a_warning() {
        for md in [
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[click](&#106;avascript:alert(1))",
            "[click](<java\tscript:x>)",
            "[click](data:text/html,x)",
        ] {
            let mut p = Vec::new();
            let b = parse(md, &xrefs(), "summary", &mut p);
            let Block::Paragraph(para) = &b[0] else { panic!("{b:?}") };
            assert_eq!(para.content, vec![Inline::text("click")], "{md}");
            assert_eq!(p.len(), 1, "{md}: {p:?}");
            assert_eq!(p[0].severity, crate::diag::Severity::Warning);
            assert!(p[0].message.contains("is not kept"), "{}", p[0].message);
        }
        let mut p = Vec::new();
        let b = parse("[site](https://example.gov.uk)", &xrefs(), "summary", &mut p);
        assert!(p.is_empty());
        let Block::Paragraph(para) = &b[0] else { panic!("{b:?}") };
        assert!(matches!(&para.content[0], Inline::Link { url, .. } if url == "https://example.gov.uk"));
    }

    #[test]
    fn pipe_tables_become_tables() {
        let mut p = Vec::new();
        let b = parse("| A | B |\n|---|--:|\n| x | 1 |\n", &xrefs(), "x", &mut p);
        let Block::Table(t) = &b[0] else { panic!("{b:?}") };
        assert_eq!(t.columns[0].header, "A");
        assert_eq!(t.columns[1].align, Align::Right);
        assert_eq!(t.rows.len(), 1);
    }
    fn warnings(p: &[Problem]) -> Vec<String> {
        p.iter().filter(|p| p.severity == crate::diag::Severity::Warning).map(|p| p.message.clone()).collect()
    }

    #[test]
    fn block_quotes_are_kept_as_quotes_or_callouts() {
        let mut p = Vec::new();
        let b = parse("> Quoted\n> passage.\n\nAfter.", &xrefs(), "x", &mut p);
        assert!(p.is_empty(), "{p:?}");
        let Block::Quote(q) = &b[0] else { panic!("a quote: {b:?}") };
        assert!(!q.callout);
        assert_eq!(text_of(&q.blocks), "Quoted passage.");
        let x = Xrefs { layout: Layout { callout_quotes: true, ..Layout::default() }, ..xrefs() };
        let b = parse("> Boxed.", &x, "x", &mut p);
        assert!(matches!(&b[0], Block::Quote(q) if q.callout), "{b:?}");
    }

    #[test]
    fn footnotes_carry_their_text_to_the_reference() {
        let mut p = Vec::new();
        let b = parse("Offers[^a] were made.\n\n[^a]: Five of them.", &xrefs(), "x", &mut p);
        assert!(p.is_empty(), "{p:?}");
        let Block::Paragraph(para) = &b[0] else { panic!("{b:?}") };
        assert_eq!(para.content[1], Inline::Footnote { content: vec![Inline::text("Five of them.")] });
        assert_eq!(b.len(), 1, "the definition is no block of its own: {b:?}");
    }

    #[test]
    fn an_undefined_or_unused_footnote_is_a_located_warning() {
        let mut p = Vec::new();
        let b = parse("See[^gone].\n\n[^spare]: Never used.", &xrefs(), "x", &mut p);
        assert_eq!(text_of(&b), "See[^gone].");
        let w = warnings(&p);
        assert!(w.iter().any(|m| m.contains("`[^gone]` has no text")), "{w:?}");
        assert!(w.iter().any(|m| m.contains("`[^spare]` is defined but never referred to")), "{w:?}");
        assert!(p.iter().any(|p| p.needle.as_deref() == Some("[^gone]")), "located at the reference");
    }

    #[test]
    fn strikethrough_is_kept() {
        let mut p = Vec::new();
        let b = parse("Was ~~£1m~~ now.", &xrefs(), "x", &mut p);
        let Block::Paragraph(para) = &b[0] else { panic!("{b:?}") };
        assert_eq!(para.content[1], Inline::Strike { content: vec![Inline::text("£1m")] });
    }

    #[test]
    fn headings_go_down_to_the_template_depth_without_skipping() {
        let level = |b: &Block| match b {
            Block::Heading(h) => h.level,
            other => panic!("a heading: {other:?}"),
        };
        let mut p = Vec::new();
        let b = parse("# A\n\n### B\n\n#### C\n\n##### D", &xrefs(), "x", &mut p);
        assert_eq!(b.iter().map(level).collect::<Vec<_>>(), vec![3, 3, 4, 4]);
        assert_eq!(warnings(&p).len(), 1, "{p:?}");
        assert!(warnings(&p)[0].contains("a level-5 heading (`#####`)"), "{p:?}");
        let mut p = Vec::new();
        let b = parse("#### First", &xrefs(), "x", &mut p);
        assert_eq!(level(&b[0]), 3, "no level skipped under the field's heading");
        assert!(warnings(&p)[0].contains("with no level-3 heading before it"), "{p:?}");
    }

    #[test]
    fn raw_html_and_rules_are_named_in_warnings() {
        let mut p = Vec::new();
        let b = parse("One <i>two</i>\n\n---\n\nThree", &xrefs(), "x", &mut p);
        assert_eq!(text_of(&b), "One <i>two</i> Three");
        let w = warnings(&p);
        assert!(w.iter().any(|m| m.starts_with("raw HTML `<i>`")), "{w:?}");
        assert!(w.iter().any(|m| m.starts_with("a horizontal rule")), "{w:?}");
    }
}
