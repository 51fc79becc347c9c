//! The decision record of a meeting: each report's recommendations as resolved (reworded
//! "Agree the plan" → "The plan be agreed" by [`super::resolution`]), the consideration,
//! reasons, alternatives, interests, dispensations and the call-in deadline, checked against
//! the meeting they belong to.

use std::collections::BTreeMap;

use time::Date;

use crate::diag::Problem;
use crate::input::types::OutcomeFile;
use crate::meeting::{ItemContent, Meeting, Officer};
use crate::model::calendar::Calendar;
use crate::model::{resolution, rich_text, Exemption, Report, RichText, Rules};
use crate::tree::Inline;

/// The decision record of a meeting.
#[derive(Debug, Clone)]
pub struct DecisionRecord {
    /// The council (the meeting file's), the record's author.
    pub council: String,
    /// The body.
    pub body: String,
    /// The meeting date.
    pub date: Date,
    /// When the record is published.
    pub published: Date,
    /// One entry per report item.
    pub items: Vec<ItemDecision>,
    /// The Proper Officer who signs the record, when the meeting names one.
    pub proper_officer: Option<Officer>,
}

/// What a member declared on an item (an interest, or a dispensation granted), as the record
/// prints it: `member: details`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration {
    /// The member's name.
    pub member: String,
    /// The interest's nature, or the dispensation's details.
    pub details: String,
}

/// One decision as resolved: its words, and what followed the recommendation it resolves (the
/// recommendation's `note:` — a table of the figures resolved, a list), printed with it.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    /// The resolution's words.
    pub text: Vec<Inline>,
    /// The recommendation's note, empty when it had none.
    pub note: RichText,
}

/// The decisions on one report.
#[derive(Debug, Clone)]
pub struct ItemDecision {
    /// Agenda item number.
    pub number: u32,
    /// The report's title.
    pub title: String,
    /// Set for an exempt report.
    pub exempt: Option<Exemption>,
    /// The report's summary.
    pub summary: RichText,
    /// The consideration in the past tense (the outcome file's, else the report's), if any.
    pub record_summary: Option<RichText>,
    /// The decisions, reworded as resolved.
    pub decisions: Vec<Resolved>,
    /// Reasons for the decision.
    pub reasons: RichText,
    /// Alternative options considered and rejected.
    pub options: Option<RichText>,
    /// Interests members declared on the item: the nature of each.
    pub interests: Vec<Declaration>,
    /// Dispensations granted to members for the item: the details of each.
    pub dispensations: Vec<Declaration>,
    /// The call-in deadline (none for an item for information).
    pub call_in: Option<Date>,
}

/// An entry of the public record: a full record, or an exempt item by title only.
#[derive(Debug, Clone)]
pub enum PublicDecision {
    /// Not exempt: the whole record.
    Full(Box<ItemDecision>),
    /// Exempt: title, paragraphs and the call-in deadline only.
    Exempt {
        /// Agenda item number.
        number: u32,
        /// Title.
        title: String,
        /// Schedule 12A paragraphs.
        paragraphs: Vec<u8>,
        /// Call-in deadline.
        call_in: Option<Date>,
    },
}

impl DecisionRecord {
    /// The public record (exempt content removed) and the exempt items' full records.
    pub fn split(&self) -> (Vec<PublicDecision>, Vec<ItemDecision>) {
        let mut public = Vec::new();
        let mut part2 = Vec::new();
        for i in &self.items {
            match &i.exempt {
                None => public.push(PublicDecision::Full(Box::new(i.clone()))),
                Some(e) => {
                    public.push(PublicDecision::Exempt {
                        number: i.number,
                        title: i.title.clone(),
                        paragraphs: e.paragraphs.clone(),
                        call_in: i.call_in,
                    });
                    part2.push(i.clone());
                }
            }
        }
        (public, part2)
    }
}

/// Builds the record of `meeting` from what `outcome` says was decided.
pub fn build_record(
    meeting: &Meeting,
    outcome: &OutcomeFile,
    rules: &Rules,
    call_in_days: u32,
    calendar: &Calendar,
) -> (Option<DecisionRecord>, Vec<Problem>) {
    let mut problems = Vec::new();
    let published = outcome.published.date("published").unwrap_or_else(|p| {
        problems.push(p);
        meeting.details.date
    });
    if published < meeting.details.date {
        problems.push(Problem::error("published", "the record cannot be published before the meeting"));
    }
    let deadline = calendar.add_working_days(published, call_in_days);
    if deadline.is_none() {
        problems.push(
            Problem::error(
                "published",
                format!(
                    "the call-in deadline, {call_in_days} working days after {}, would fall after 31 December 9999",
                    crate::house::long_date(published)
                ),
            )
            .help("give the date the record is published"),
        );
    }
    if let (Some((_, last)), Some(deadline)) = (calendar.years(), deadline) {
        // The deadline, not only the publication date, must fall within the known bank holidays.
        if deadline.year() > last {
            problems.push(
                Problem::warning(
                    "published",
                    format!(
                        "the call-in deadline ({}) falls after the bank holidays known (to the end of {last}); it counts weekends only from then",
                        crate::house::long_date(deadline)
                    ),
                )
                .help("check the deadline against GOV.UK's list of bank holidays"),
            );
        }
    }
    let reports: BTreeMap<u32, &Report> = meeting
        .items
        .iter()
        .filter_map(|i| match &i.content {
            ItemContent::Report { report, .. } => Some((i.number, &**report)),
            _ => None,
        })
        .collect();
    let check_item = |n: u32, path: String, problems: &mut Vec<Problem>| {
        if !reports.contains_key(&n) {
            let known: Vec<String> = reports.keys().map(u32::to_string).collect();
            problems.push(
                Problem::error(path, format!("agenda item {n} is not a report of this meeting"))
                    .help(format!("report items: {}", known.join(", "))),
            );
        }
    };
    for (i, x) in outcome.interests.iter().enumerate() {
        check_item(x.item, format!("interests[{i}].item"), &mut problems);
    }
    for (i, x) in outcome.dispensations.iter().enumerate() {
        check_item(x.item, format!("dispensations[{i}].item"), &mut problems);
    }
    let mut seen = BTreeMap::new();
    for (i, o) in outcome.items.iter().enumerate() {
        check_item(o.item, format!("items[{i}].item"), &mut problems);
        if let Some(first) = seen.insert(o.item, i) {
            problems.push(Problem::error(
                format!("items[{i}].item"),
                format!("agenda item {} is already given at items[{first}]", o.item),
            ));
        }
    }

    let no_refs = rich_text::Xrefs::default();
    let mut items = Vec::new();
    let mut without_summary = Vec::new();
    for (&number, report) in &reports {
        let o = outcome.items.iter().enumerate().find(|(_, o)| o.item == number);
        let recs: Vec<Resolved> = report
            .recommendations
            .iter()
            .map(|r| Resolved { text: r.resolution.clone(), note: r.note.clone().unwrap_or_default() })
            .collect();
        // An amended or added decision is written as a recommendation and reworded alike; it is
        // rich text like one: its first paragraph is the words resolved, and what follows it (a
        // table of figures, a list) is printed with it, as a recommendation's note is.
        let own_words = |t: &str, path: String, problems: &mut Vec<Problem>| {
            let mut blocks = rich_text::parse(t, &report.record_xrefs, &path, problems).into_iter();
            let words = match blocks.next() {
                Some(crate::tree::Block::Paragraph(p)) => p.content,
                Some(other) => {
                    problems.push(
                        Problem::error(&path, "starts with a table, list or other block, not with the words resolved")
                            .help("write the decision's words first (`Approve a tax base made up as follows:`), then the table"),
                    );
                    return Resolved { text: Vec::new(), note: vec![other] };
                }
                None => Vec::new(),
            };
            let r = resolution::reword(&words, &rules.resolutions);
            if r.kept {
                let (message, help) = rules.resolutions.kept_warning(&r);
                problems.push(Problem::warning(&path, message).help(help));
            }
            for (message, help) in r.warnings {
                problems.push(Problem::warning(&path, message).help(help));
            }
            Resolved { text: r.text, note: blocks.collect() }
        };
        let decisions: Vec<Resolved> = match o.and_then(|(i, o)| o.decisions.as_ref().map(|d| (i, d))) {
            None => recs.clone(),
            Some((i, list)) => list
                .iter()
                .enumerate()
                .filter_map(|(j, d)| {
                    let path = format!("items[{i}].decisions[{j}]");
                    match (d.recommendation, &d.text) {
                        (Some(n), _) if n == 0 || n as usize > recs.len() => {
                            problems.push(Problem::error(format!("{path}.recommendation"), format!("the report has recommendations 1 to {}, not {n}", recs.len())));
                            None
                        }
                        (Some(n), None) => Some(recs[n as usize - 1].clone()),
                        (_, Some(t)) if t.trim().is_empty() => {
                            problems.push(Problem::error(format!("{path}.text"), "must not be empty"));
                            None
                        }
                        (n, Some(t)) => {
                            let mut own = own_words(t, format!("{path}.text"), &mut problems);
                            // What followed the recommendation (its table of figures) is carried
                            // when the amended words introduce it (end with a colon) and bring
                            // none of their own; otherwise the amended decision replaces it, and
                            // that is said.
                            let note = n.and_then(|n| recs.get(n as usize - 1)).map(|r| r.note.clone()).unwrap_or_default();
                            let introduces = crate::tree::plain_text(&own.text).trim_end().ends_with(':');
                            if !note.is_empty() && own.note.is_empty() && introduces {
                                own.note = note;
                            } else if !note.is_empty() && own.note.is_empty() {
                                problems.push(
                                    Problem::warning(format!("{path}.text"), format!("recommendation {} has a note (what follows it in the report, e.g. a table), which the amended decision does not carry", n.unwrap_or_default()))
                                        .help("end the amended words with a colon to carry the note as it stands, or write the table as it was resolved after them"),
                                );
                            }
                            Some(own)
                        }
                        (None, None) => {
                            problems.push(Problem::error(&path, "a decision needs a `recommendation` number, a `text`, or both").help("`recommendation: 2` as recommended; add `text:` to amend it; `text:` alone adds a decision"));
                            None
                        }
                    }
                })
                .collect(),
        };
        let over = |md: &Option<String>, path: String, xrefs: &rich_text::Xrefs, problems: &mut Vec<Problem>| {
            md.as_ref().map(|m| rich_text::parse(m, xrefs, &path, problems))
        };
        let (reasons, options, record_summary) = match o {
            Some((i, o)) => (
                over(&o.reasons, format!("items[{i}].reasons"), &no_refs, &mut problems),
                over(&o.options, format!("items[{i}].options"), &no_refs, &mut problems),
                over(&o.record_summary, format!("items[{i}].record_summary"), &report.record_xrefs, &mut problems),
            ),
            None => (None, None, None),
        };
        let record_summary = record_summary.or_else(|| report.record_summary.clone());
        if record_summary.is_none() {
            without_summary.push(number.to_string());
        }
        let call_in = (report.decision != crate::input::types::DecisionKind::Information)
            .then_some(deadline.unwrap_or(published));
        items.push(ItemDecision {
            number,
            title: report.title.clone(),
            exempt: report.exempt.clone(),
            summary: report.summary.clone(),
            record_summary,
            decisions,
            reasons: reasons.unwrap_or_else(|| report.reasons.clone()),
            options: options.or_else(|| report.options.clone()),
            interests: outcome
                .interests
                .iter()
                .filter(|x| x.item == number)
                .map(|x| Declaration { member: x.member.clone(), details: x.nature.clone() })
                .collect(),
            dispensations: outcome
                .dispensations
                .iter()
                .filter(|x| x.item == number)
                .map(|x| Declaration { member: x.member.clone(), details: x.details.clone() })
                .collect(),
            call_in,
        });
    }
    if !without_summary.is_empty() {
        let which = if without_summary.len() == 1 {
            format!("item {}", without_summary[0])
        } else {
            format!("items {}", crate::house::and_list(&without_summary))
        };
        problems.push(
            Problem::warning("", format!("{which}: no `record_summary:`; the record's consideration is the report's summary, in its own tense"))
                .help("give the report a `record_summary:` in the past tense (\"provided an update on …\"), or the item here in `items:`"),
        );
    }
    let ok = !problems.iter().any(|p| p.severity == crate::diag::Severity::Error);
    // The meeting's Proper Officer, else the template's; a record with neither would print a
    // heading with no one under it, so it says so instead.
    let proper_officer = meeting
        .details
        .proper_officer
        .clone()
        .or_else(|| rules.proper_officer.clone().map(|(name, post)| crate::meeting::Officer { name, post }));
    if proper_officer.is_none() {
        problems.push(
            Problem::warning("", "the record names no Proper Officer to sign it (neither the meeting file nor the template names one), so it is printed without one")
                .help("add `proper_officer: { name: …, post: … }` under `meeting:` in the meeting file, or `proper_officer_name` and `proper_officer_post` to the template's `[decisions_record]`"),
        );
    }
    (
        ok.then(|| DecisionRecord {
            council: meeting.details.council.clone(),
            body: meeting.details.body.clone(),
            date: meeting.details.date,
            published,
            items,
            proper_officer,
        }),
        problems,
    )
}
