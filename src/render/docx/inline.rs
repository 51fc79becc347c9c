//! Inline content of the DOCX writer: text runs with their formatting, hyperlinks (to a
//! bookmark in the document or an allowed external address) and footnotes, as the segments a
//! paragraph is filled with.

use docx_rs::{BreakType, Hyperlink, HyperlinkData, HyperlinkType, Paragraph as DocxParagraph, Run};

use super::styles::id;
use super::text::{bookmark_name, clean, pieces, Piece};
use super::Builder;
use crate::render::escape;
use crate::tree::Inline;

/// Inline formatting in effect.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Fmt {
    pub(super) bold: bool,
    pub(super) italic: bool,
    pub(super) strike: bool,
    pub(super) link: bool,
}

/// Inline content of a paragraph, before it is attached.
pub(super) enum Seg {
    Run(Box<Run>),
    Link(Hyperlink),
}

impl Builder<'_> {
    /// Inline content to runs and hyperlinks.
    pub(super) fn inlines(&mut self, content: &[Inline], fmt: Fmt, out: &mut Vec<Seg>) {
        for i in content {
            match i {
                Inline::Text { text } => self.text(text, fmt, out),
                Inline::Strong { content } => self.inlines(content, Fmt { bold: true, ..fmt }, out),
                Inline::Emph { content } => self.inlines(content, Fmt { italic: true, ..fmt }, out),
                Inline::Strike { content } => self.inlines(content, Fmt { strike: true, ..fmt }, out),
                Inline::Footnote { content } => {
                    let note = self.footnote(content);
                    out.push(Seg::Run(Box::new(Run::new().add_footnote_reference(note))));
                }
                Inline::LineBreak => out.push(Seg::Run(Box::new(run(fmt).add_break(BreakType::TextWrapping)))),
                // Unresolved page ranges (no typeset pack to count pages in) print nothing.
                Inline::PageRange { .. } => {}
                // A link inside a link: its text joins the outer link.
                Inline::Link { content, .. } if fmt.link => self.inlines(content, fmt, out),
                Inline::Link { url, content } => {
                    let mut inner = Vec::new();
                    let link_fmt = Fmt { link: true, ..fmt };
                    self.inlines(content, link_fmt, &mut inner);
                    if inner.is_empty() {
                        self.text(url, link_fmt, &mut inner);
                    }
                    match self.hyperlink(url) {
                        Some(mut h) => {
                            for seg in inner {
                                if let Seg::Run(r) = seg {
                                    h = h.add_run(*r);
                                }
                            }
                            out.push(Seg::Link(h));
                        }
                        None => out.extend(inner),
                    }
                }
            }
        }
    }

    /// A footnote with the next id (deterministic: docx-rs would take one from a process-wide
    /// counter). Its one paragraph holds the note's text; a link in it is printed as its text
    /// and address, since the notes part has no relationships of its own. `parts.rs` adds the
    /// note's own number mark (`w:footnoteRef`) in front.
    pub(super) fn footnote(&mut self, content: &[Inline]) -> docx_rs::Footnote {
        fn unlink(xs: &[Inline]) -> Vec<Inline> {
            xs.iter()
                .flat_map(|x| match x {
                    Inline::Link { url, content } => {
                        let mut v = unlink(content);
                        if crate::tree::plain_text(content).trim() != url.trim() {
                            v.push(Inline::text(format!(" ({})", url.trim())));
                        }
                        v
                    }
                    Inline::Strong { content } => vec![Inline::Strong { content: unlink(content) }],
                    Inline::Emph { content } => vec![Inline::Emph { content: unlink(content) }],
                    Inline::Strike { content } => vec![Inline::Strike { content: unlink(content) }],
                    // Notes do not nest (the model never makes one inside another).
                    Inline::Footnote { .. } => Vec::new(),
                    other => vec![other.clone()],
                })
                .collect()
        }
        let id = self.next_note;
        self.next_note += 1;
        let mut segs = vec![Seg::Run(Box::new(Run::new().add_text(" ")))];
        self.inlines(&unlink(content), Fmt::default(), &mut segs);
        let p = attach(self.para(id::FOOTNOTE_TEXT), segs);
        docx_rs::Footnote { id, content: vec![p] }
    }

    /// Plain text: tabs become `w:tab`, newlines `w:br`, control characters are dropped.
    pub(super) fn text(&mut self, text: &str, fmt: Fmt, out: &mut Vec<Seg>) {
        let ps = pieces(text);
        if ps.is_empty() {
            return;
        }
        let mut r = run(fmt);
        for p in ps {
            r = match p {
                Piece::Text(t) => r.add_text(t),
                Piece::Tab => r.add_tab(),
                Piece::Break => r.add_break(BreakType::TextWrapping),
            };
        }
        out.push(Seg::Run(Box::new(r)));
    }

    /// A hyperlink: `#anchor` to a bookmark in this document, anything else external (with a
    /// relationship id of our own, as docx-rs numbers them from a process-wide counter).
    pub(super) fn hyperlink(&mut self, url: &str) -> Option<Hyperlink> {
        // The document's allow-list, checked again (the model applied it to authors' links).
        crate::tree::link_target(url)?;
        let url = clean(url);
        let url = url.trim();
        if url.is_empty() {
            return None;
        }
        if let Some(anchor) = url.strip_prefix('#') {
            return Some(Hyperlink::new(bookmark_name(anchor), HyperlinkType::Anchor));
        }
        let rid = format!("rIdLink{}", self.next_link);
        self.next_link += 1;
        Some(Hyperlink {
            link: HyperlinkData::External { rid, path: escape::attr(url) },
            history: None,
            children: Vec::new(),
        })
    }
}

pub(super) fn run(fmt: Fmt) -> Run {
    let mut r = Run::new();
    if fmt.link {
        r = r.style(id::HYPERLINK);
    }
    if fmt.bold {
        r = r.bold();
    }
    if fmt.italic {
        r = r.italic();
    }
    if fmt.strike {
        r = r.strike();
    }
    r
}

pub(super) fn attach(mut p: DocxParagraph, segs: Vec<Seg>) -> DocxParagraph {
    for s in segs {
        p = match s {
            Seg::Run(r) => p.add_run(*r),
            Seg::Link(h) => p.add_hyperlink(h),
        };
    }
    p
}
