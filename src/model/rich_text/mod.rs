//! Rich text: the Markdown authors type, parsed with pulldown-cmark into document blocks, with
//! cross-references (`[Section](#id)`, `[Sections](#a,#b)`, `[](#id)`) replaced by computed
//! section numbers, or by a labelled paragraph's number (`[paragraph](#id)`, a link to it, where the
//! template numbers paragraphs: [`crate::model::paragraphs`]). HTML typed by an author is kept as literal text, never interpreted.
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

use pulldown_cmark::{Options, Parser};

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
    /// id → number of a labelled paragraph (`{#id}`), where the template numbers paragraphs.
    pub paragraphs: HashMap<String, String>,
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
    /// A cross-reference as inline content: a link to the paragraph where it names one labelled
    /// paragraph (and is not reworded for another document), else the text of [`Self::render`].
    fn reference(&self, label: &str, ids: &[&str], path: &str, problems: &mut Vec<Problem>) -> Inline {
        let text = self.render(label, ids, path, problems);
        match ids {
            [id] if self.paragraphs.contains_key(*id) && self.around == (String::new(), String::new()) => {
                Inline::Link { url: format!("#{id}"), content: vec![Inline::text(text)] }
            }
            _ => Inline::text(text),
        }
    }

    /// Prints a cross-reference: `label` is what the author wrote in the brackets.
    fn render(&self, label: &str, ids: &[&str], path: &str, problems: &mut Vec<Problem>) -> String {
        let mut numbers = Vec::new();
        for id in ids {
            match (self.numbers.get(*id), self.paragraphs.get(*id)) {
                (Some(n), _) => numbers.push(n.to_string()),
                (None, Some(n)) => numbers.push(n.clone()),
                (None, None) => {
                    let mut p =
                        Problem::error(path, format!("unknown cross-reference `#{id}`")).at_text(format!("#{id}"));
                    let known: Vec<&str> =
                        self.numbers.keys().chain(self.paragraphs.keys()).map(String::as_str).collect();
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

/// Parses Markdown. Problems (unknown cross-references) are reported at `path`. A text that
/// prints nothing is never printed as nothing ([`printed`]).
pub fn parse(md: &str, xrefs: &Xrefs, path: &str, problems: &mut Vec<Problem>) -> RichText {
    let mut own = Vec::new();
    let blocks = parse_markdown(md, xrefs, path, &mut own);
    printed::checked(md, blocks, own, path, problems)
}

fn parse_markdown(md: &str, xrefs: &Xrefs, path: &str, problems: &mut Vec<Problem>) -> RichText {
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
            other => {
                let (what, help) = match &other {
                    Block::Table(_) => (
                        "the table is not shown as a table: this text is one paragraph, so each of its rows is printed as a line, every cell after its column's header",
                        "put the table in a section's body and refer to it from here",
                    ),
                    Block::List(_) => (
                        "the list is printed as lines of this paragraph: this text is one paragraph",
                        "write each point as a recommendation of its own, or put the list in a section's body",
                    ),
                    _ => (
                        "this block is printed as lines of this paragraph: this text is one paragraph",
                        "write it as plain sentences, or put it in a section's body",
                    ),
                };
                let mut problem = Problem::warning(path, what).help(help);
                if let Some(line) = first_line_of(md, &other) {
                    problem = problem.at_text(line);
                }
                problems.push(problem);
                let mut lines = Vec::new();
                lines_of(other, &mut lines);
                for (j, line) in lines.into_iter().enumerate() {
                    if j > 0 {
                        out.push(Inline::LineBreak);
                    }
                    out.extend(line);
                }
            }
        }
    }
    out
}

/// A block that cannot stand in one paragraph, as the lines that print it there: a list's items
/// with their bullets or numbers, a table's rows with each cell after its column's header.
fn lines_of(block: Block, lines: &mut Vec<Vec<Inline>>) {
    match block {
        Block::Paragraph(p) => lines.push(p.content),
        Block::List(l) => {
            for (n, item) in l.items.into_iter().enumerate() {
                let marker = if l.ordered { format!("{}. ", l.start as usize + n) } else { "• ".to_string() };
                let first = lines.len();
                for b in item {
                    lines_of(b, lines);
                }
                match lines.get_mut(first) {
                    Some(line) => line.insert(0, Inline::text(marker)),
                    None => lines.push(vec![Inline::text(marker.trim_end())]),
                }
            }
        }
        Block::Table(t) => {
            for row in &t.rows {
                let cells: Vec<String> = t
                    .columns
                    .iter()
                    .zip(&row.cells)
                    .map(|(c, cell)| (c.header.trim(), builder::plain_of_blocks(cell)))
                    .filter(|(_, v)| !v.trim().is_empty())
                    .map(|(h, v)| if h.is_empty() { v } else { format!("{h}: {v}") })
                    .collect();
                lines.push(vec![Inline::text(cells.join("; "))]);
            }
        }
        Block::Quote(q) => {
            for b in q.blocks {
                lines_of(b, lines);
            }
        }
        other => lines.push(vec![Inline::text(plain_of_block(&other))]),
    }
}

/// The first line of `md` that opens a block of `block`'s kind, to point a warning at.
fn first_line_of(md: &str, block: &Block) -> Option<String> {
    let opens = |l: &str| match block {
        Block::Table(_) => l.starts_with('|'),
        Block::List(_) => {
            l.starts_with("- ")
                || l.starts_with("* ")
                || l.starts_with("+ ")
                || l.split_once(['.', ')']).is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        }
        Block::Quote(_) => l.starts_with('>'),
        Block::Heading(_) => l.starts_with('#'),
        _ => false,
    };
    md.lines().map(str::trim).find(|l| opens(l)).map(str::to_string)
}

mod builder;
mod printed;
#[cfg(test)]
mod tests;

use builder::{plain_of_block, Builder, Container};
