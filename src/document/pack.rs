//! Assembles agenda packs as the parts they are bound from ([`PackParts`]): the front sheet with
//! the agenda, then each item's part in order — a report's own document, typeset on its own, or a
//! PDF bound in as it is (minutes, appendices). The agenda's page ranges stay open
//! ([`Inline::PageRange`]) until the parts' real page counts are known ([`resolve_page_ranges`]);
//! the running header and "Page X of Y" are the pack's furniture, laid over every page when the
//! parts are merged, so no part prints its own.
//!
//! The public pack is assembled from a [`PublicPack`], which holds no exempt content; the Part 2
//! pack from a [`Part2Pack`].

use serde_json::json;

use super::assemble::Options;
use super::shell::Shell;
use crate::house::{and_list, date_with_weekday, long_date, twelve_hour};
use crate::meeting::{BoundPdf, MeetingDetails, Part2Pack, PublicItem, PublicPack};
use crate::template::Template;
use crate::tree::*;

/// The anchor of an agenda item's first heading.
pub fn item_anchor(number: u32) -> String {
    format!("item-{number}")
}

/// One entry of the agenda and, when the item has pages, its parts.
struct Entry {
    number: u32,
    title: String,
    /// Extra line under the title (the exempt notice).
    note: Option<String>,
    /// A bound document's alternative text and accessible version, under the title.
    access: Vec<Block>,
    /// The item's parts; none for an agenda-only entry.
    parts: Vec<PackPart>,
}

/// A pack as the parts it is bound from, in order.
#[derive(Debug, Clone)]
pub struct PackParts {
    /// The front sheet and the agenda, with the agenda's page ranges open; its metadata is the
    /// pack's (title, language, keywords).
    pub front: Document,
    /// Every item's parts, in agenda order.
    pub parts: Vec<PackPart>,
    /// What the pack prints on every page, its bound pages too: the running header (Part 2's
    /// NOT FOR PUBLICATION) and the footer's words.
    pub furniture: Furniture,
}

/// One part of a pack: a report typeset on its own, or a PDF bound in as it is.
#[derive(Debug, Clone)]
pub struct PackPart {
    /// The agenda item it belongs to.
    pub item: u32,
    /// Its bookmark and the title of its structure element: the report's title, "Agenda item 4:
    /// Minutes …" for a bound document, "Appendix 1 – Site plan"; a bound part's first page is
    /// stamped with it.
    pub title: String,
    /// An appendix, bookmarked under its item's part (which comes first); else the item's own.
    pub appendix: bool,
    /// The report file a typeset part comes from, to name it when it fails.
    pub source: Option<std::path::PathBuf>,
    /// Its pages.
    pub content: PartContent,
    /// A report's own document as printed alone (its HTML page), from the same assembly as its
    /// part, when [`ReportPages::Yes`]; `None` otherwise, and for a bound PDF.
    pub alone: Option<Box<Document>>,
    /// For a bound PDF that is not tagged, what a reader is told of it, after its stamp (the
    /// template's `bound_not_accessible`); `None` otherwise.
    pub announce: Option<String>,
}

/// Where a part's pages come from.
#[derive(Debug, Clone)]
pub enum PartContent {
    /// A document to typeset (a report with its item number on its anchors, no furniture);
    /// `None` once binding has typeset it and let it go, so that a pack never holds all its
    /// reports' documents and their PDFs at once.
    Typeset(Option<Box<Document>>),
    /// A PDF bound in page for page.
    Bound(BoundPdf),
}

/// Whether a pack's public reports are also printed alone (their HTML pages): only then is each
/// report's own document ([`PackPart::alone`]) kept beside its part, which would otherwise double
/// what a large pack holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportPages {
    /// Keep each report's own document.
    Yes,
    /// Do not.
    No,
}

/// The template a report in a pack is assembled with (its own: a pack may hold papers of several
/// bodies).
pub type TemplateOf<'a> = &'a dyn Fn(&crate::model::Report) -> &'a Template;

/// Builds the public agenda pack: the front sheet with the pack's template `t`, each report with
/// its own (`template_of`).
pub fn public_pack(
    p: &PublicPack,
    t: &Template,
    template_of: TemplateOf<'_>,
    opts: &Options,
    pages: ReportPages,
) -> PackParts {
    let entries = p
        .items
        .iter()
        .map(|item| match item {
            PublicItem::Plain { number, title } => {
                Entry { number: *number, title: title.clone(), note: None, access: Vec::new(), parts: Vec::new() }
            }
            PublicItem::Document { number, title, pdf } => {
                let part = PackPart {
                    item: *number,
                    title: t.words("bound_heading", &json!({"number": number, "title": title})),
                    appendix: false,
                    source: None,
                    content: PartContent::Bound(pdf.clone()),
                    alone: None,
                    announce: None,
                };
                Entry {
                    number: *number,
                    title: title.clone(),
                    note: None,
                    access: access_lines(&pdf.access, t),
                    parts: vec![part],
                }
            }
            PublicItem::Report { number, report, source } => {
                let r = report.report();
                let parts = report_parts((*number, r, Some(source)), &p.appendix_pdfs, t, template_of(r), opts, pages);
                Entry { number: *number, title: r.title.clone(), note: None, access: Vec::new(), parts }
            }
            PublicItem::Exempt { number, title, paragraphs } => {
                let ps = and_list(&paragraphs.iter().map(u8::to_string).collect::<Vec<_>>());
                Entry {
                    number: *number,
                    title: title.clone(),
                    note: Some(t.words("exempt_listing", &json!({"paragraphs": ps}))),
                    access: Vec::new(),
                    parts: Vec::new(),
                }
            }
        })
        .collect();
    let title = t.words("pack_title", &json!({"body": p.meeting.body, "date": date_with_weekday(p.meeting.date)}));
    pack_parts(&p.meeting, title, false, entries, t, opts)
}

/// Builds the Part 2 (not for publication) pack (templates as [`public_pack`]).
pub fn part2_pack(p: &Part2Pack, t: &Template, template_of: TemplateOf<'_>, opts: &Options) -> PackParts {
    let entries = p
        .items
        .iter()
        .map(|item| {
            let (number, r) = (item.number, &item.report);
            let parts = report_parts((number, r, None), &p.appendix_pdfs, t, template_of(r), opts, ReportPages::No);
            Entry { number, title: r.title.clone(), note: None, access: Vec::new(), parts }
        })
        .collect();
    let title = t.words("part2_title", &json!({"body": p.meeting.body, "date": date_with_weekday(p.meeting.date)}));
    pack_parts(&p.meeting, title, true, entries, t, opts)
}

/// A report's parts (given as its item number, the report and its file): its own document
/// (typeset alone with its template `own`, its anchors prefixed by its item number), then each appendix PDF bound in after it (headed in the pack's
/// template `t`'s words).
fn report_parts(
    (number, r, source): (u32, &crate::model::Report, Option<&std::path::Path>),
    pdfs: &std::collections::BTreeMap<std::path::PathBuf, BoundPdf>,
    t: &Template,
    own: &Template,
    opts: &Options,
    pages: ReportPages,
) -> Vec<PackPart> {
    // Assembled once: the part, and the report's own page when one is wanted.
    let blocks = super::assemble::report_blocks(r, own);
    let alone = match pages {
        ReportPages::Yes => Some(Box::new(super::assemble::report_alone(r, own, opts, blocks.clone()))),
        ReportPages::No => None,
    };
    let doc = part_document(number, r, own, opts, blocks);
    let mut parts = vec![PackPart {
        item: number,
        title: r.title.clone(),
        appendix: false,
        source: source.map(std::path::Path::to_path_buf),
        content: PartContent::Typeset(Some(Box::new(doc))),
        alone,
        announce: None,
    }];
    for a in &r.appendices {
        let Some(pdf) = a.file.as_ref().and_then(|f| pdfs.get(f)) else { continue };
        parts.push(PackPart {
            item: number,
            title: t.words("appendix", &json!({"number": a.number, "title": a.title})),
            appendix: true,
            source: None,
            content: PartContent::Bound(pdf.clone()),
            alone: None,
            announce: None,
        });
    }
    parts
}

/// A public report's document as the typeset part of item `number` of a pack, in its own
/// template `own`: what [`public_pack`] binds for it, to be typeset ahead of the pack.
pub fn report_part(number: u32, r: crate::meeting::PublicRef<'_>, own: &Template, opts: &Options) -> Document {
    let r = r.report();
    part_document(number, r, own, opts, super::assemble::report_blocks(r, own))
}

/// A report's document as a part of a pack, from its `blocks`.
fn part_document(
    number: u32,
    r: &crate::model::Report,
    own: &Template,
    opts: &Options,
    blocks: Vec<Block>,
) -> Document {
    // In a pack a report has no contents list of its own: the pack's bookmarks are its contents.
    let mut doc = super::assemble::report_document(r, own, opts, item_blocks(number, blocks));
    // The pack's furniture numbers and heads every page; the part prints none of its own.
    doc.furniture = Furniture { header: None, footer: String::new() };
    doc
}

/// Prefixes a report's anchors with its item number (anchors are unique across a pack) and
/// anchors its title heading as the item's.
fn item_blocks(number: u32, mut blocks: Vec<Block>) -> Vec<Block> {
    let mut first = true;
    for b in &mut blocks {
        match b {
            Block::Heading(h) => {
                h.anchor = if first && h.level == 1 {
                    first = false;
                    Some(item_anchor(number))
                } else {
                    h.anchor.as_ref().map(|a| format!("{}-{a}", item_anchor(number)))
                };
            }
            Block::Table(tb) => tb.anchor = tb.anchor.as_ref().map(|a| format!("{}-{a}", item_anchor(number))),
            _ => {}
        }
    }
    super::relink::prefix_paragraph_anchors(&mut blocks, &item_anchor(number));
    blocks
}

/// The front sheet and agenda of a pack, with its entries' parts after them.
fn pack_parts(
    m: &MeetingDetails,
    title: String,
    not_for_publication: bool,
    entries: Vec<Entry>,
    t: &Template,
    opts: &Options,
) -> PackParts {
    let w = |name: &str, data: serde_json::Value| t.words(name, &data);
    let para = |style, s: String| Block::Paragraph(Paragraph::plain(style, s));
    let mut blocks = Vec::new();

    // Front sheet (a Part 2 pack says NOT FOR PUBLICATION in every page header).
    blocks.push(para(ParagraphStyle::HeaderLine, m.council.clone()));
    blocks.push(Block::Heading(Heading {
        level: 1,
        number: None,
        text: m.body.clone(),
        anchor: Some("front-sheet".into()),
        caps: false,
    }));
    blocks.push(para(ParagraphStyle::HeaderLine, w("front_date", json!({"date": date_with_weekday(m.date)}))));
    blocks.push(para(ParagraphStyle::HeaderLine, w("front_time", json!({"time": twelve_hour(&m.time)}))));
    blocks.push(para(ParagraphStyle::HeaderLine, w("front_venue", json!({"venue": m.venue}))));
    blocks.push(Block::Heading(Heading {
        level: 2,
        number: None,
        text: w("members", json!({})),
        anchor: Some("members".into()),
        caps: false,
    }));
    blocks.push(Block::List(List {
        ordered: false,
        start: 1,
        items: m.members.iter().map(|x| vec![para(ParagraphStyle::Body, x.clone())]).collect(),
    }));
    blocks.push(Block::Heading(Heading {
        level: 2,
        number: None,
        text: w("pack_contact", json!({})),
        anchor: Some("contact".into()),
        caps: false,
    }));
    blocks.push(para(ParagraphStyle::Contact, m.contact.name.clone()));
    blocks.push(para(ParagraphStyle::Contact, m.contact.phone.clone()));
    blocks.push(Block::Paragraph(Paragraph {
        style: ParagraphStyle::Contact,
        content: vec![Inline::Link {
            url: format!("mailto:{}", m.contact.email),
            content: vec![Inline::text(m.contact.email.clone())],
        }],
    }));

    // Agenda: number, title (and exempt notice), pages.
    blocks.push(Block::PageBreak);
    blocks.push(Block::Heading(Heading {
        level: 1,
        number: None,
        text: w("agenda", json!({})),
        anchor: Some("agenda".into()),
        caps: true,
    }));
    let paged: Vec<u32> = entries.iter().filter(|e| !e.parts.is_empty()).map(|e| e.number).collect();
    let rows = entries
        .iter()
        .map(|e| {
            let mut title_cell = vec![para(ParagraphStyle::Body, e.title.clone())];
            if let Some(n) = &e.note {
                title_cell.push(para(ParagraphStyle::Note, n.clone()));
            }
            title_cell.extend(e.access.iter().cloned());
            let pages = if e.parts.is_empty() {
                Vec::new()
            } else {
                let until = paged.iter().find(|n| **n > e.number).map(|n| item_anchor(*n));
                vec![Block::Paragraph(Paragraph {
                    style: ParagraphStyle::Body,
                    content: vec![Inline::PageRange {
                        start: item_anchor(e.number),
                        until,
                        one: unbroken(&w("pages_one", json!({}))),
                        many: unbroken(&w("pages_many", json!({}))),
                    }],
                })]
            };
            Row {
                cells: vec![vec![para(ParagraphStyle::Body, format!("{}.", e.number))], title_cell, pages],
                total: false,
            }
        })
        .collect();
    blocks.push(Block::Table(Table {
        caption: Some(w("agenda_caption", json!({}))),
        anchor: None,
        columns: vec![
            Column { header: w("agenda_item_column", json!({})), align: Align::Left, width: 0.8, full: None },
            Column { header: w("agenda_title_column", json!({})), align: Align::Left, width: 6.0, full: None },
            Column { header: w("agenda_pages_column", json!({})), align: Align::Right, width: 1.8, full: None },
        ],
        rows,
        spans: Vec::new(),
    }));

    let subject = format!("{} {}", m.body, long_date(m.date));
    // Only the Part 2 pack is not for publication.
    let shell = Shell {
        title: &title,
        author: &m.council,
        subject: &subject,
        date: m.date,
        not_for_publication,
        template: None,
    };
    let mut front = shell.document(t, opts, blocks);
    // The pack's furniture is laid over every page of the pack; the front sheet prints none of its own.
    let furniture = std::mem::replace(&mut front.furniture, Furniture { header: None, footer: String::new() });
    let parts = entries.into_iter().flat_map(|e| e.parts).map(|part| announced(part, m, t)).collect();
    PackParts { front, parts, furniture }
}

/// `part` with what a reader is told of it when it is a bound PDF that is not tagged: that it
/// is not accessible and whom to ask for a copy that is.
fn announced(mut part: PackPart, m: &MeetingDetails, t: &Template) -> PackPart {
    if let PartContent::Bound(pdf) = &part.content {
        if !pdf.read.facts().tagged {
            let data = json!({
                "label": part.title,
                "contact": m.contact.name,
                "email": m.contact.email,
                "phone": m.contact.phone,
                "alt": pdf.access.alt,
                "url": pdf.access.url,
            });
            part.announce = Some(t.words("bound_not_accessible", &data)).filter(|w| !w.trim().is_empty());
        }
    }
    part
}

/// The lines under a bound document's title in the agenda: its alternative text, and the
/// address of its accessible version as a link (the template's `agenda_alt` and
/// `agenda_accessible_version`).
fn access_lines(a: &crate::meeting::access::Access, t: &Template) -> Vec<Block> {
    let mut lines = Vec::new();
    if let Some(alt) = &a.alt {
        let text = t.words("agenda_alt", &json!({ "alt": alt }));
        if !text.trim().is_empty() {
            lines.push(Block::Paragraph(Paragraph::plain(ParagraphStyle::Note, text)));
        }
    }
    if let Some(url) = &a.url {
        let text = t.words("agenda_accessible_version", &json!({ "url": url }));
        // The address, where the wording prints it, is a link.
        let content = match text.split_once(url.as_str()) {
            Some((before, after)) => [
                Inline::text(before.to_owned()),
                Inline::Link { url: url.clone(), content: vec![Inline::text(url.clone())] },
                Inline::text(after.to_owned()),
            ]
            .into_iter()
            .filter(|i| !matches!(i, Inline::Text { text } if text.is_empty()))
            .collect(),
            None => vec![Inline::text(text)],
        };
        if content.iter().any(|i| !matches!(i, Inline::Text { text } if text.trim().is_empty())) {
            lines.push(Block::Paragraph(Paragraph { style: ParagraphStyle::Note, content }));
        }
    }
    lines
}

/// The front sheet and agenda with their page ranges replaced by the numbers the pack gave them
/// (`pages`: an item's anchor → the pack page it starts on).
pub fn resolved_front(
    front: &Document,
    pages: &std::collections::BTreeMap<String, usize>,
    page_count: usize,
) -> Document {
    let mut doc = front.clone();
    resolve_page_ranges(&mut doc.blocks, pages, page_count);
    doc
}

/// Where the links of a pack's HTML index go.
#[derive(Debug, Clone)]
pub struct IndexLinks {
    /// Agenda item number → the public report's own page (a relative URL).
    pub reports: std::collections::BTreeMap<u32, String>,
    /// The public pack PDF (a relative URL).
    pub pack_pdf: String,
}

/// The HTML index of a public pack: the front sheet and the agenda, each public report's title
/// linking to the report's own page and each item's pages to those pages of the pack PDF. Built
/// from the public pack's own document, so an exempt item is listed exactly as in the public
/// agenda (title and exemption, no pages, no link) and nothing else of it can appear.
pub fn index_page(
    pack: &Document,
    p: &PublicPack,
    links: &IndexLinks,
    pages: &std::collections::BTreeMap<String, usize>,
    page_count: usize,
    t: &Template,
) -> Document {
    let mut doc = resolved_front(pack, pages, page_count);
    doc.blocks.retain(|b| !matches!(b, Block::PageBreak));
    let whole_pack = Block::Paragraph(Paragraph {
        style: ParagraphStyle::Body,
        content: vec![Inline::Link {
            url: links.pack_pdf.clone(),
            content: vec![Inline::text(t.words("index_pack_link", &json!({ "pages": page_count })))],
        }],
    });
    // Under the meeting's date, time and venue: before the first section of the front sheet.
    let at = doc.blocks.iter().position(|b| matches!(b, Block::Heading(h) if h.level == 2)).unwrap_or(doc.blocks.len());
    doc.blocks.insert(at, whole_pack);
    let Some(Block::Table(agenda)) = doc.blocks.iter_mut().rev().find(|b| matches!(b, Block::Table(_))) else {
        return doc;
    };
    // The agenda's rows are the pack's items, in order.
    for (row, item) in agenda.rows.iter_mut().zip(&p.items) {
        let number = item.number();
        if let Some(url) = links.reports.get(&number) {
            link_first_paragraph(&mut row.cells[1], url);
        }
        if let (Some(first), Some(cell)) = (pages.get(&item_anchor(number)), row.cells.get_mut(2)) {
            link_first_paragraph(cell, &format!("{}#page={first}", links.pack_pdf));
        }
    }
    doc
}

/// Makes the text of a cell's first paragraph a link.
fn link_first_paragraph(cell: &mut [Block], url: &str) {
    if let Some(Block::Paragraph(para)) = cell.first_mut() {
        let content = std::mem::take(&mut para.content);
        para.content = vec![Inline::Link { url: url.to_owned(), content }];
    }
}

/// A page range's wording as it is set: its spaces no-break spaces, so that "Pages 106 - 122"
/// never breaks across lines in the agenda's narrow column (the column is laid out wide enough
/// for it, see `render::columns`).
fn unbroken(pattern: &str) -> String {
    pattern.replace(' ', "\u{a0}")
}

/// Replaces page ranges with their numbers.
pub fn resolve_page_ranges(blocks: &mut [Block], pages: &std::collections::BTreeMap<String, usize>, page_count: usize) {
    fn inlines(xs: &mut [Inline], pages: &std::collections::BTreeMap<String, usize>, count: usize) {
        for x in xs {
            match x {
                Inline::PageRange { start, until, one, many } => {
                    let s = pages.get(start).copied();
                    let e = match until {
                        Some(u) => pages.get(u).map(|p| p.saturating_sub(1)),
                        None => Some(count),
                    };
                    *x = Inline::text(match (s, e) {
                        (Some(s), Some(e)) if e > s => {
                            many.replace("{start}", &s.to_string()).replace("{end}", &e.to_string())
                        }
                        (Some(s), _) => one.replace("{start}", &s.to_string()),
                        _ => String::new(),
                    });
                }
                Inline::Strong { content } | Inline::Emph { content } | Inline::Link { content, .. } => {
                    inlines(content, pages, count)
                }
                _ => {}
            }
        }
    }
    for b in blocks {
        match b {
            Block::Paragraph(p) => inlines(&mut p.content, pages, page_count),
            Block::List(l) => l.items.iter_mut().for_each(|i| resolve_page_ranges(i, pages, page_count)),
            Block::Table(t) => t
                .rows
                .iter_mut()
                .flat_map(|r| r.cells.iter_mut())
                .for_each(|c| resolve_page_ranges(c, pages, page_count)),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_ranges_resolve_to_pages_before_the_next_item() {
        let mut pages = std::collections::BTreeMap::new();
        pages.insert("item-4".to_owned(), 3);
        pages.insert("item-5".to_owned(), 5);
        let range = |start: &str, until: Option<&str>| {
            Block::Paragraph(Paragraph {
                style: ParagraphStyle::Body,
                content: vec![Inline::PageRange {
                    start: start.into(),
                    until: until.map(Into::into),
                    one: "Page {start}".into(),
                    many: "Pages {start} - {end}".into(),
                }],
            })
        };
        let mut blocks = vec![range("item-4", Some("item-5")), range("item-5", None)];
        resolve_page_ranges(&mut blocks, &pages, 5);
        let texts: Vec<String> = blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph(p) => plain_text(&p.content),
                _ => String::new(),
            })
            .collect();
        assert_eq!(texts, ["Pages 3 - 4", "Page 5"]);
    }
}
