//! Assembles the decision record of a meeting in the council's published layout: per report,
//! the consideration, "RESOLVED that:" with the decisions, reasons, alternatives, interests,
//! dispensations and the call-in deadline, and the Proper Officer at the end. The public record
//! comes from [`PublicDecision`]s, which carry nothing of an exempt report but its title.

use serde_json::json;

use super::assemble::Options;
use super::shell::Shell;
use crate::house::{and_list, date_with_weekday, long_date};
use crate::meeting::decisions::{DecisionRecord, Declaration, ItemDecision, PublicDecision};
use crate::meeting::Officer;
use crate::template::Template;
use crate::tree::*;

/// The record's wording `[decisions_record] key`, filled in with `data` (every key is checked
/// when the template loads).
fn words(t: &Template, key: &str, data: serde_json::Value) -> String {
    t.words(&format!("decisions_record.{key}"), &data)
}

/// The public decision record.
pub fn public_record(r: &DecisionRecord, entries: &[PublicDecision], t: &Template, opts: &Options) -> Document {
    let mut blocks = Vec::new();
    for e in entries {
        match e {
            PublicDecision::Full(i) => item_blocks(i, &r.body, t, &mut blocks),
            PublicDecision::Exempt { number, title, paragraphs, call_in } => {
                heading(
                    &mut blocks,
                    2,
                    format!("{} – {title}", words(t, "item", json!({"number": number}))),
                    format!("item-{number}"),
                );
                let ps = and_list(&paragraphs.iter().map(u8::to_string).collect::<Vec<_>>());
                blocks.push(Block::Paragraph(Paragraph::plain(
                    ParagraphStyle::Note,
                    t.words("exempt_listing", &json!({"paragraphs": ps})),
                )));
                call_in_blocks(*call_in, 1, *number, t, &mut blocks);
            }
        }
    }
    record_document(r, blocks, false, t, opts)
}

/// The record of the exempt items, not for publication.
pub fn part2_record(r: &DecisionRecord, items: &[ItemDecision], t: &Template, opts: &Options) -> Document {
    let mut blocks = Vec::new();
    for i in items {
        item_blocks(i, &r.body, t, &mut blocks);
    }
    record_document(r, blocks, true, t, opts)
}

fn record_document(
    r: &DecisionRecord,
    items: Vec<Block>,
    not_for_publication: bool,
    t: &Template,
    opts: &Options,
) -> Document {
    let title = words(t, "title", json!({"body": r.body, "date": date_with_weekday(r.date)}));
    let mut blocks = vec![Block::Heading(Heading {
        level: 1,
        number: None,
        text: title.clone(),
        anchor: Some("record".into()),
        caps: false,
    })];
    blocks.extend(items);
    blocks.extend(proper_officer(r, t));
    let subject = format!("{} {}", r.body, long_date(r.date));
    // Only the Part 2 record is not for publication.
    let shell = Shell {
        title: &title,
        author: &r.council,
        subject: &subject,
        date: r.published,
        not_for_publication,
        template: None,
    };
    shell.document(t, opts, blocks)
}

fn heading(blocks: &mut Vec<Block>, level: u8, text: String, anchor: String) {
    blocks.push(Block::Heading(Heading { level, number: None, text, anchor: Some(anchor), caps: false }));
}

fn numbered(blocks: &mut Vec<Block>, n: u32, text: String, item: u32) {
    blocks.push(Block::Heading(Heading {
        level: 3,
        number: Some(format!("{n}.")),
        text,
        anchor: Some(format!("item-{item}-{n}")),
        caps: false,
    }));
}

fn none_or(blocks: &mut Vec<Block>, list: &[Declaration], t: &Template) {
    if list.is_empty() {
        blocks.push(Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, t.words("none", &json!({})))));
    } else {
        let items = list
            .iter()
            .map(|Declaration { member: who, details: what }| {
                vec![Block::Paragraph(Paragraph {
                    style: ParagraphStyle::Body,
                    content: vec![Inline::strong(format!("{who}: ")), Inline::text(what.clone())],
                })]
            })
            .collect();
        blocks.push(Block::List(List { ordered: false, start: 1, items }));
    }
}

fn call_in_blocks(date: Option<time::Date>, n: u32, item: u32, t: &Template, blocks: &mut Vec<Block>) {
    numbered(blocks, n, words(t, "call_in", json!({})), item);
    let text = match date {
        Some(d) => words(t, "call_in_deadline", json!({"date": date_with_weekday(d)})),
        None => words(t, "not_applicable", json!({})),
    };
    blocks.push(Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, text)));
}

/// "Proper Officer", then the name and post (the meeting's, else the template's): nothing at
/// all when neither names one (the record's builder has warned), never a heading alone.
fn proper_officer(r: &DecisionRecord, t: &Template) -> Vec<Block> {
    let Some(Officer { name, post }) = r.proper_officer.clone() else {
        return Vec::new();
    };
    let mut content = vec![Inline::text(name)];
    if !post.trim().is_empty() {
        content.extend([Inline::LineBreak, Inline::text(post)]);
    }
    vec![
        Block::Paragraph(Paragraph {
            style: ParagraphStyle::Body,
            content: vec![Inline::strong(words(t, "proper_officer", json!({})))],
        }),
        Block::Paragraph(Paragraph { style: ParagraphStyle::Contact, content }),
    ]
}

/// The consideration: the record summary in the past tense when there is one (starting in
/// lower case, it continues "Consideration was given to a report that …"); else "This report
/// provides …" becomes "Consideration was given to a report that provides …".
fn consideration(i: &ItemDecision, t: &Template) -> Vec<Block> {
    if let Some(record) = &i.record_summary {
        let mut record = record.clone();
        if let Some(Block::Paragraph(p)) = record.first_mut() {
            if let Some(Inline::Text { text }) = p.content.first_mut() {
                if text.chars().next().is_some_and(char::is_lowercase) {
                    *text = words(t, "consideration", json!({"rest": text}));
                }
            }
        }
        return record;
    }
    let mut summary = i.summary.clone();
    if let Some(Block::Paragraph(p)) = summary.first_mut() {
        if let Some(Inline::Text { text }) = p.content.first_mut() {
            if let Some(rest) = text.strip_prefix("This report ") {
                *text = words(t, "consideration", json!({"rest": rest}));
                return summary;
            }
        }
    }
    let mut out = vec![Block::Paragraph(Paragraph::plain(
        ParagraphStyle::Body,
        words(t, "consideration_plain", json!({"title": i.title})),
    ))];
    out.extend(summary);
    out
}

fn item_blocks(i: &ItemDecision, body: &str, t: &Template, blocks: &mut Vec<Block>) {
    let n = i.number;
    heading(blocks, 2, format!("{} – {}", words(t, "item", json!({"number": n})), i.title), format!("item-{n}"));
    numbered(blocks, 1, words(t, "summary", json!({})), n);
    blocks.extend(consideration(i, t));
    numbered(blocks, 2, words(t, "decision", json!({})), n);
    blocks.push(Block::Paragraph(Paragraph {
        style: ParagraphStyle::Body,
        content: vec![Inline::strong(words(t, "resolved", json!({"body": body})))],
    }));
    blocks.push(Block::List(List {
        ordered: true,
        start: 1,
        items: i
            .decisions
            .iter()
            .map(|d| {
                // The resolution, then what followed the recommendation (a table of the figures
                // resolved), as the report prints it inside the numbered recommendation.
                let mut item =
                    vec![Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content: d.text.clone() })];
                item.extend(d.note.iter().cloned());
                item
            })
            .collect(),
    }));
    numbered(blocks, 3, words(t, "reasons", json!({})), n);
    blocks.extend(i.reasons.iter().cloned());
    numbered(blocks, 4, words(t, "options", json!({})), n);
    match &i.options {
        Some(o) => blocks.extend(o.iter().cloned()),
        None => blocks.push(Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, t.words("none", &json!({}))))),
    }
    numbered(blocks, 5, words(t, "interests", json!({})), n);
    none_or(blocks, &i.interests, t);
    numbered(blocks, 6, words(t, "dispensations", json!({})), n);
    none_or(blocks, &i.dispensations, t);
    call_in_blocks(i.call_in, 7, n, t, blocks);
}
