//! The HTML writer: one self-contained, semantic HTML5 page per document (WCAG 2.2 AA).
//!
//! No scripts and no external resources: the house style is an inline stylesheet (with a print
//! stylesheet for A4) and figures are inline SVG drawn from their data ([`crate::render::chart`]). All text —
//! the author's and the template's — is escaped ([`escape`]); control characters are dropped.
//! The same document always gives the same bytes.
//!
//! Structure: a "Skip to content" link first, then the running header (if any) as a banner,
//! then `<main id="content">` holding the blocks in order: headings `<h1>`–`<h3>` with their
//! anchors as ids, paragraphs with their style as a class, lists, tables with a caption and
//! column (and, for label columns, row) headers, figures with an accessible name, quotations
//! as `<blockquote>` (the template's callout box as `<aside class="callout">`), struck text as
//! `<del>`, and footnotes as numbered note references linked to a
//! `<section role="doc-endnotes">` list at the end of the page, each note linking back.

mod css;
#[cfg(test)]
mod tests;

use std::collections::HashSet;

use crate::render::chart;
use crate::render::RenderError;
use crate::tree::{
    plain_text, Align, Block, Document, Figure, Heading, Inline, LinkTarget, List, Numbered, Paragraph, ParagraphStyle,
    Picture, Table,
};

use super::escape::{self, attr, push_text};

/// Renders a document as one HTML5 page (UTF-8).
pub fn render(doc: &Document) -> Result<Vec<u8>, RenderError> {
    super::check_depth(doc)?;
    let mut w = Writer {
        out: String::with_capacity(64 * 1024),
        ids: HashSet::new(),
        font: doc.style.font.clone(),
        notes: Vec::new(),
    };
    // `content` is the skip link's target.
    w.ids.insert("content".to_owned());
    w.page(doc)?;
    Ok(w.out.into_bytes())
}

struct Writer {
    out: String,
    /// Ids used so far (anchors must be unique in a page).
    ids: HashSet<String>,
    /// The house font, for chart text.
    font: String,
    /// The footnotes met so far, in order, as HTML, with the ids of the note and its reference.
    notes: Vec<(String, String, String)>,
}

impl Writer {
    fn push(&mut self, s: &str) {
        self.out.push_str(s);
    }

    fn text(&mut self, s: &str) {
        push_text(&mut self.out, s);
    }

    fn page(&mut self, doc: &Document) -> Result<(), RenderError> {
        let title = if doc.meta.title.trim().is_empty() {
            doc.blocks
                .iter()
                .find_map(|b| match b {
                    Block::Heading(h) if !h.text.trim().is_empty() => Some(h.text.clone()),
                    _ => None,
                })
                .unwrap_or_else(|| "Report".to_owned())
        } else {
            doc.meta.title.clone()
        };
        self.push("<!doctype html>\n<html lang=\"");
        self.push(&lang_tag(&doc.meta.lang));
        self.push("\">\n<head>\n<meta charset=\"utf-8\">\n");
        self.push("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        self.text(title.trim());
        self.push("</title>\n");
        self.meta("author", &doc.meta.author);
        self.meta("description", &doc.meta.subject);
        if !doc.meta.keywords.is_empty() {
            self.meta("keywords", &doc.meta.keywords.join(", "));
            // Exempt material is never for search engines, wherever the file ends up.
            self.meta("robots", "noindex, nofollow");
        }
        self.push("<style>\n");
        self.push(&css::stylesheet(&doc.style, &doc.furniture));
        if uses_callouts(&doc.blocks) {
            self.push(css::CALLOUT);
        }
        if doc.blocks.iter().any(|b| matches!(b, Block::Numbered(_))) {
            self.push(css::NUMBERED);
        }
        self.push("</style>\n</head>\n<body>\n");
        self.push("<a class=\"skip-link\" href=\"#content\">Skip to content</a>\n");
        if let Some(header) = doc.furniture.header.as_deref().filter(|h| !h.trim().is_empty()) {
            self.push("<header class=\"running-header\">\n<p>");
            self.text(header);
            self.push("</p>\n</header>\n");
        }
        if let Some(logo) = &doc.style.logo {
            self.logo(logo);
        }
        self.push("<main id=\"content\" tabindex=\"-1\">\n");
        self.blocks(&doc.blocks)?;
        self.endnotes();
        self.push("</main>\n</body>\n</html>\n");
        Ok(())
    }

    /// The footnotes, numbered as their references, each with a link back to it.
    fn endnotes(&mut self) {
        if self.notes.is_empty() {
            return;
        }
        self.push("<section class=\"endnotes\" role=\"doc-endnotes\" aria-label=\"Notes\">\n<ol>\n");
        for (i, (html, note_id, ref_id)) in std::mem::take(&mut self.notes).into_iter().enumerate() {
            let n = i + 1;
            self.push(&format!("<li id=\"{}\">", attr(&note_id)));
            self.push(&html);
            self.push(&format!(
                " <a href=\"#{}\" role=\"doc-backlink\" aria-label=\"Back to note reference {n}\">↩</a></li>\n",
                attr(&ref_id)
            ));
        }
        self.push("</ol>\n</section>\n");
    }

    /// A footnote's reference mark; its text is kept for the notes at the end.
    fn footnote(&mut self, content: &[Inline]) {
        let n = self.notes.len() + 1;
        let note_id = self.id(Some(&format!("note-{n}"))).unwrap_or_default();
        let ref_id = self.id(Some(&format!("note-ref-{n}"))).unwrap_or_default();
        let body = std::mem::take(&mut self.out);
        self.inlines(content);
        let html = std::mem::replace(&mut self.out, body);
        self.push(&format!(
            "<sup class=\"note-ref\"><a href=\"#{}\" id=\"{}\" role=\"doc-noteref\" aria-label=\"Note {n}\">{n}</a></sup>",
            attr(&note_id),
            attr(&ref_id)
        ));
        self.notes.push((html, note_id, ref_id));
    }

    fn meta(&mut self, name: &str, content: &str) {
        if !content.trim().is_empty() {
            self.push(&format!("<meta name=\"{name}\" content=\""));
            self.push(&attr(content.trim()));
            self.push("\">\n");
        }
    }

    /// A unique id from an anchor (whitespace becomes `-`; a clash gets `-2`, `-3`, …).
    fn id(&mut self, anchor: Option<&str>) -> Option<String> {
        let base: String = anchor?
            .trim()
            .chars()
            .filter(|c| !escape::is_stripped(*c))
            .map(|c| if c.is_whitespace() { '-' } else { c })
            .collect();
        if base.is_empty() {
            return None;
        }
        let mut id = base.clone();
        let mut n = 2;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        Some(id)
    }

    fn id_attr(&mut self, anchor: Option<&str>) {
        if let Some(id) = self.id(anchor) {
            self.push(" id=\"");
            self.push(&attr(&id));
            self.push("\"");
        }
    }

    fn blocks(&mut self, blocks: &[Block]) -> Result<(), RenderError> {
        for b in blocks {
            self.block(b)?;
        }
        Ok(())
    }

    fn block(&mut self, b: &Block) -> Result<(), RenderError> {
        match b {
            Block::Heading(h) => self.heading(h),
            Block::Paragraph(p) => self.paragraph(p),
            Block::Numbered(n) => self.numbered(n),
            Block::List(l) => self.list(l)?,
            Block::Table(t) => self.table(t)?,
            Block::Figure(f) => self.figure(f)?,
            Block::Picture(p) => self.picture(p),
            Block::Quote(q) => {
                self.push(if q.callout { "<aside class=\"callout\">\n" } else { "<blockquote>\n" });
                self.blocks(&q.blocks)?;
                self.push(if q.callout { "</aside>\n" } else { "</blockquote>\n" });
            }
            Block::PageBreak => self.push("<div class=\"page-break\" aria-hidden=\"true\"></div>\n"),
        }
        Ok(())
    }

    fn heading(&mut self, h: &Heading) {
        let level = h.level.clamp(1, 6);
        self.push(&format!("<h{level}"));
        self.id_attr(h.anchor.as_deref());
        if h.caps {
            self.push(" class=\"caps\"");
        }
        self.push(">");
        if let Some(n) = h.number.as_deref().filter(|n| !n.trim().is_empty()) {
            self.push("<span class=\"secnum\">");
            self.text(n.trim());
            self.push("</span> ");
        }
        self.text(&h.text);
        self.push(&format!("</h{level}>\n"));
    }

    /// A numbered paragraph: its number is text in the paragraph, read out with it.
    fn numbered(&mut self, n: &Numbered) {
        self.push(&format!("<p class=\"numbered level-{}\"", n.level.clamp(1, 2)));
        self.id_attr(n.anchor.as_deref());
        self.push("><span class=\"paranum\">");
        self.text(n.number.trim());
        self.push("</span> ");
        self.inlines(&n.content);
        self.push("</p>\n");
    }

    fn paragraph(&mut self, p: &Paragraph) {
        if p.content.is_empty() {
            return;
        }
        let class = match p.style {
            ParagraphStyle::Body => None,
            ParagraphStyle::HeaderLine => Some("header-line"),
            ParagraphStyle::Cover => Some("cover"),
            ParagraphStyle::Banner => Some("banner"),
            ParagraphStyle::Contact => Some("contact"),
            ParagraphStyle::Aim => Some("aim"),
            ParagraphStyle::Status => Some("status"),
            ParagraphStyle::Note => Some("note"),
        };
        match class {
            Some(c) => self.push(&format!("<p class=\"{c}\">")),
            None => self.push("<p>"),
        }
        self.inlines(&p.content);
        self.push("</p>\n");
    }

    fn inlines(&mut self, inlines: &[Inline]) {
        for i in inlines {
            match i {
                Inline::Text { text } => self.text(text),
                // Unresolved page ranges (nothing typeset to count pages in) print nothing.
                Inline::PageRange { .. } => {}
                Inline::Strong { content } => {
                    self.push("<strong>");
                    self.inlines(content);
                    self.push("</strong>");
                }
                Inline::Emph { content } => {
                    self.push("<em>");
                    self.inlines(content);
                    self.push("</em>");
                }
                Inline::Strike { content } => {
                    self.push("<del>");
                    self.inlines(content);
                    self.push("</del>");
                }
                Inline::Footnote { content } => self.footnote(content),
                Inline::Link { url, content } => match safe_href(url) {
                    Some(href) => {
                        self.push("<a href=\"");
                        self.push(&attr(&href));
                        self.push("\">");
                        if plain_text(content).trim().is_empty() {
                            // A link needs a name: the address itself.
                            self.text(href.strip_prefix("mailto:").unwrap_or(&href));
                        } else {
                            self.inlines(content);
                        }
                        self.push("</a>");
                    }
                    // A scheme we do not link (javascript:, data:, …): the text alone.
                    None => self.inlines(content),
                },
                Inline::LineBreak => self.push("<br>"),
            }
        }
    }

    /// Blocks inside a list item or table cell: a lone body paragraph is written inline.
    fn cell_blocks(&mut self, blocks: &[Block]) -> Result<(), RenderError> {
        match blocks {
            [Block::Paragraph(p)] if p.style == ParagraphStyle::Body => {
                self.inlines(&p.content);
                Ok(())
            }
            _ => {
                self.push("\n");
                self.blocks(blocks)
            }
        }
    }

    fn list(&mut self, l: &List) -> Result<(), RenderError> {
        if l.items.is_empty() {
            return Ok(());
        }
        let tag = if l.ordered { "ol" } else { "ul" };
        self.push("<");
        self.push(tag);
        if l.ordered && l.start != 1 {
            self.push(&format!(" start=\"{}\"", l.start));
        }
        self.push(">\n");
        for item in &l.items {
            self.push("<li>");
            self.cell_blocks(item)?;
            self.push("</li>\n");
        }
        self.push(&format!("</{tag}>\n"));
        Ok(())
    }

    fn table(&mut self, t: &Table) -> Result<(), RenderError> {
        let ncols = t.columns.len().max(t.rows.iter().map(|r| r.cells.len()).max().unwrap_or(0));
        if ncols == 0 {
            return Ok(());
        }
        let row_header = crate::render::row_header::row_header_column(t);
        self.push("<table");
        self.id_attr(t.anchor.as_deref());
        self.push(">\n");
        match t.caption.as_deref().filter(|c| !c.trim().is_empty()) {
            Some(c) => {
                self.push("<caption>");
                self.text(c.trim());
                self.push("</caption>\n");
            }
            None => {
                // Every table is named: from its column headers, for assistive technology only.
                self.push("<caption class=\"visually-hidden\">");
                let text = fallback_caption(t);
                self.text(&text);
                self.push("</caption>\n");
            }
        }
        let total: f32 = t.columns.iter().map(|c| c.width.max(0.0)).filter(|w| w.is_finite()).sum();
        if total > 0.0 && t.columns.len() == ncols {
            self.push("<colgroup>");
            for c in &t.columns {
                let w = if c.width.is_finite() { c.width.max(0.0) } else { 0.0 };
                self.push(&format!("<col style=\"width: {:.1}%\">", w / total * 100.0));
            }
            self.push("</colgroup>\n");
        }
        self.push("<thead>\n<tr>");
        for i in 0..ncols {
            let (header, right) = t.columns.get(i).map_or(("", false), |c| (c.header.trim(), c.align == Align::Right));
            let full = t.columns.get(i).and_then(|c| c.full.as_deref()).map(str::trim).filter(|f| !f.is_empty());
            if header.is_empty() {
                // The corner over a column of row labels: no header to name.
                self.push("<td></td>");
            } else {
                self.push(if right { "<th scope=\"col\" class=\"num\">" } else { "<th scope=\"col\">" });
                match full {
                    // A header printed short: the full wording for assistive technology.
                    Some(full) => {
                        self.push(&format!("<abbr title=\"{}\">", attr(full)));
                        self.text(header);
                        self.push("</abbr>");
                    }
                    None => self.text(header),
                }
                self.push("</th>");
            }
        }
        self.push("</tr>\n</thead>\n<tbody>\n");
        for (r, row) in t.rows.iter().enumerate() {
            self.push(if row.total { "<tr class=\"total\">" } else { "<tr>" });
            for i in 0..ncols {
                // A cell a span covers is not written: the span's first cell stands for it.
                if t.covered_by(r, i).is_some() {
                    continue;
                }
                let right = t.columns.get(i).is_some_and(|c| c.align == Align::Right);
                let tag = if Some(i) == row_header { "th" } else { "td" };
                self.push("<");
                self.push(tag);
                if tag == "th" {
                    self.push(" scope=\"row\"");
                }
                if right {
                    self.push(" class=\"num\"");
                }
                if let Some(span) = t.span_at(r, i) {
                    if span.columns > 1 {
                        self.push(&format!(" colspan=\"{}\"", span.columns));
                    }
                    if span.rows > 1 {
                        self.push(&format!(" rowspan=\"{}\"", span.rows));
                    }
                }
                self.push(">");
                if let Some(cell) = row.cells.get(i) {
                    self.cell_blocks(cell)?;
                }
                self.push(&format!("</{tag}>"));
            }
            self.push("</tr>\n");
        }
        self.push("</tbody>\n</table>\n");
        Ok(())
    }

    fn figure(&mut self, f: &Figure) -> Result<(), RenderError> {
        let svg = chart::svg(f, &self.font)?;
        self.push("<figure>\n");
        if !f.caption.trim().is_empty() {
            self.push("<figcaption>");
            self.text(f.caption.trim());
            self.push("</figcaption>\n");
        }
        self.push(&svg);
        self.push("\n</figure>\n");
        Ok(())
    }

    /// A picture: the image inline as a `data:` address (the page stays one self-contained
    /// file), at its natural size and never wider than the column; its alt text on the `img`
    /// (empty for a decorative one), its caption as the figure's.
    /// The logo from the template's Word file, at the top of the page, at its printed size.
    fn logo(&mut self, logo: &crate::tree::Logo) {
        use base64::Engine as _;
        let data = base64::engine::general_purpose::STANDARD.encode(&logo.data);
        // Printed size in CSS pixels (96 to the inch).
        let px = |mm: f32| (mm / 25.4 * 96.0).round().max(1.0) as u32;
        self.push(&format!(
            "<header class=\"logo\"><img src=\"data:{};base64,{data}\" alt=\"{}\" width=\"{}\" height=\"{}\"></header>\n",
            logo.format.mime(),
            attr(&logo.alt),
            px(logo.width_mm),
            px(logo.height_mm),
        ));
    }

    fn picture(&mut self, p: &Picture) {
        use base64::Engine as _;
        self.push("<figure class=\"picture\">\n");
        if let Some(caption) = p.caption.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            self.push("<figcaption>");
            self.text(caption);
            self.push("</figcaption>\n");
        }
        let data = base64::engine::general_purpose::STANDARD.encode(&p.image.data);
        self.push(&format!(
            "<img src=\"data:{};base64,{data}\" alt=\"{}\" width=\"{}\" height=\"{}\" style=\"max-width: 100%; height: auto;\">",
            p.image.format.mime(),
            attr(&p.alt),
            p.image.width,
            p.image.height
        ));
        self.push("\n</figure>\n");
    }
}

/// Whether any block quote is shown as a callout box (the page then carries its style).
fn uses_callouts(blocks: &[Block]) -> bool {
    blocks.iter().any(|b| match b {
        Block::Quote(q) => q.callout || uses_callouts(&q.blocks),
        Block::List(l) => l.items.iter().any(|i| uses_callouts(i)),
        Block::Table(t) => t.rows.iter().flat_map(|r| &r.cells).any(|c| uses_callouts(c)),
        _ => false,
    })
}

/// A valid-looking BCP 47 tag for `lang`, or `en`.
fn lang_tag(lang: &str) -> String {
    let t = lang.trim();
    let ok = !t.is_empty()
        && t.len() <= 35
        && t.split('-').all(|p| !p.is_empty() && p.len() <= 8 && p.chars().all(|c| c.is_ascii_alphanumeric()))
        && t.split('-')
            .next()
            .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    if ok {
        t.to_owned()
    } else {
        "en".to_owned()
    }
}

/// The link target, if it is one we write: the document's one allow-list
/// ([`crate::tree::link_target`]: http(s), mailto, tel, a fragment, another output file),
/// checked again here although the model has already applied it to authors' links.
fn safe_href(url: &str) -> Option<String> {
    match crate::tree::link_target(url)? {
        LinkTarget::Web(u) | LinkTarget::Anchor(u) | LinkTarget::Relative(u) => {
            Some(u.chars().filter(|c| !escape::is_stripped(*c)).collect())
        }
    }
}

/// A caption for a table that has none, from its column headers.
fn fallback_caption(t: &Table) -> String {
    let headers: Vec<&str> =
        t.columns.iter().map(|c| c.full.as_deref().unwrap_or(&c.header).trim()).filter(|h| !h.is_empty()).collect();
    match headers.as_slice() {
        [] => "Table".to_owned(),
        [one] => format!("Table of {one}"),
        [init @ .., last] => format!("Table of {} and {last}", init.join(", ")),
    }
}
