//! Assembles the Forward Plan (notice of key decisions) in the template's wording: the title,
//! the date of publication, then each key decision under its matter — decision maker, date,
//! reference, documents to be submitted, contact officer, and whether it is to be taken in
//! private. Works from the model's [`PlanEntry`]s only, so a private entry can print nothing
//! but what it holds: title, decision maker, date, reference and Schedule 12A paragraphs.

use serde_json::json;

use super::assemble::Options;
use super::shell::Shell;
use crate::house::{and_list, date_with_weekday, long_date};
use crate::model::forward_plan::{ForwardPlan, Maker, PlanEntry};
use crate::template::Template;
use crate::tree::*;

/// The Forward Plan as one document.
pub fn plan(p: &ForwardPlan, t: &Template, opts: &Options) -> Document {
    let council = &p.council;
    let w = |key: &str, data: serde_json::Value| t.plan_words(key, &data);
    let published = date_with_weekday(p.published);
    let title = w("title", json!({}));
    let mut blocks = vec![
        Block::Heading(Heading {
            level: 1,
            number: None,
            text: title.clone(),
            anchor: Some("forward-plan".into()),
            caps: false,
        }),
        Block::Paragraph(Paragraph::plain(ParagraphStyle::HeaderLine, w("published", json!({"date": published})))),
        Block::Paragraph(Paragraph::plain(
            ParagraphStyle::Body,
            w("intro", json!({"council": council, "date": published})),
        )),
    ];
    if p.entries.is_empty() {
        blocks.push(Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, w("empty", json!({"date": published})))));
    }
    for (n, e) in p.entries.iter().enumerate() {
        entry(e, n + 1, t, &mut blocks);
    }
    let title = format!("{title}, {}", long_date(p.published));
    let subject = w("published", json!({"date": published}));
    // A public document: an exempt decision is listed by title and paragraph only.
    let shell = Shell {
        title: &title,
        author: council,
        subject: &subject,
        date: p.published,
        not_for_publication: false,
        template: None,
    };
    shell.document(t, opts, blocks)
}

fn labelled(label: String, value: Vec<Inline>) -> Block {
    let mut content = vec![Inline::strong(label)];
    if !value.is_empty() {
        content.push(Inline::text(" "));
        content.extend(value);
    }
    Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content })
}

fn maker_text(m: &Maker, t: &Template) -> String {
    match m {
        Maker::Body(body) => body.clone(),
        Maker::Holder { holder, title } => t.plan_words("holder", &json!({"holder": holder, "title": title})),
    }
}

fn entry(e: &PlanEntry, n: usize, t: &Template, blocks: &mut Vec<Block>) {
    let w = |key: &str, data: serde_json::Value| t.plan_words(key, &data);
    let (matter, maker, date, reference) = match e {
        PlanEntry::Open(o) => (&o.matter, &o.maker, o.date, &o.reference),
        PlanEntry::Private(p) => (&p.matter, &p.maker, p.date, &p.reference),
    };
    let heading = w("heading", json!({"matter": matter, "reference": reference}));
    blocks.push(Block::Heading(Heading {
        level: 2,
        number: None,
        text: heading,
        anchor: Some(format!("decision-{n}")),
        caps: false,
    }));
    blocks.push(labelled(w("decision_maker", json!({})), vec![Inline::text(maker_text(maker, t))]));
    blocks.push(labelled(w("date", json!({})), vec![Inline::text(date_with_weekday(date))]));
    if !reference.is_empty() {
        blocks.push(labelled(w("reference", json!({})), vec![Inline::text(reference.clone())]));
    }
    match e {
        PlanEntry::Open(o) => {
            if let Some(reason) = &o.key_reason {
                blocks.push(labelled(w("key_reason", json!({})), vec![Inline::text(reason.clone())]));
            }
            blocks.push(labelled(w("documents", json!({})), Vec::new()));
            let mut docs = vec![w("report", json!({"title": o.matter}))];
            docs.extend(
                o.appendices.iter().map(|(number, title)| w("appendix", json!({"number": number, "title": title}))),
            );
            blocks.push(Block::List(List {
                ordered: false,
                start: 1,
                items: docs
                    .into_iter()
                    .map(|d| vec![Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, d))])
                    .collect(),
            }));
            let c = &o.contact;
            let contact =
                w("contact_details", json!({"name": c.name, "post": c.post, "phone": c.phone, "email": c.email}));
            blocks.push(labelled(w("contact", json!({})), vec![Inline::text(contact)]));
            blocks.push(labelled(w("private", json!({})), vec![Inline::text(w("open", json!({})))]));
        }
        PlanEntry::Private(p) => {
            let ps = and_list(&p.paragraphs.iter().map(u8::to_string).collect::<Vec<_>>());
            blocks.push(labelled(
                w("private", json!({})),
                vec![Inline::text(w("private_reason", json!({"paragraphs": ps})))],
            ));
        }
    }
}
