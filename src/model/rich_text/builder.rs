//! The event builder: turns pulldown-cmark's events into document blocks, bounding nesting,
//! filling cross-references and footnotes, and naming every construct it does not keep. Owns
//! no policy of its own beyond that: the limits and link rules are the parent module's.

use std::collections::HashMap;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::*;
pub(super) fn plain_of_block(b: &Block) -> String {
    match b {
        Block::Paragraph(p) => crate::tree::plain_text(&p.content),
        Block::Heading(h) => h.text.clone(),
        Block::List(l) => l.items.iter().flatten().map(plain_of_block).collect::<Vec<_>>().join(" "),
        Block::Quote(q) => plain_of_blocks(&q.blocks),
        Block::Picture(p) => p.alt.clone(),
        _ => String::new(),
    }
}

pub(super) enum Container {
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

pub(super) struct Builder<'a> {
    pub(super) xrefs: &'a Xrefs,
    pub(super) path: &'a str,
    /// The Markdown being parsed.
    pub(super) md: &'a str,
    /// Where in `md` the event being handled is (byte range), for locating warnings.
    pub(super) at: std::ops::Range<usize>,
    /// Footnote texts by label.
    pub(super) notes: HashMap<String, Vec<Inline>>,
    /// The level of the last heading made (2 before any: the field's own heading).
    pub(super) last_heading: u8,
    pub(super) problems: &'a mut Vec<Problem>,
    pub(super) stack: Vec<Container>,
    /// One per open tag: what kind of nesting it counts as, and whether it has a container.
    pub(super) frames: Vec<(Option<usize>, bool)>,
    /// Current nesting of lists, quotes and inline markup.
    pub(super) depth: [usize; 3],
    /// The deepest nesting seen of each.
    pub(super) deepest: [usize; 3],
    /// Open tags too deep to keep (they and everything inside add text to the level above).
    pub(super) skipping: usize,
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

/// How many of a field's warnings are placed past earlier matches of the same text.
const PLACED_WARNINGS: usize = 64;

impl Builder<'_> {
    pub(super) fn event(&mut self, event: Event) {
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
            // The same text typed before it in this field (a table's `|---|` before a rule)
            // is passed over, so the warning points at this one. Counting scans the field, so
            // only a field's first warnings are placed so; later ones point at the first match
            // (a field of thousands of rules stays linear).
            let earlier = if self.problems.len() < PLACED_WARNINGS {
                let before = self.md.get(..self.at.start).unwrap_or("");
                crate::diag::word_matches(before, first).count()
            } else {
                0
            };
            p = p.at_text_after(first.to_owned(), earlier);
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

    pub(super) fn close(&mut self) {
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
            let reference = self.xrefs.reference(&label, &ids, self.path, self.problems);
            self.inline(reference);
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
                        .help("its text is printed without the link; write the full address, e.g. https://www.example.gov.uk/…");
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

pub(super) fn plain_of_blocks(blocks: &[Block]) -> String {
    blocks.iter().map(plain_of_block).collect::<Vec<_>>().join(" ")
}
