//! The decision record of a meeting: each report's recommendations as resolved (reworded
//! "Agree the plan" → "The plan be agreed"), reasons, alternatives, interests, dispensations
//! and the call-in deadline, checked against the meeting they belong to.

use std::collections::BTreeMap;

use time::Date;

use super::calendar::Calendar;
use super::{rich_text, Exemption, Report, RichText};
use crate::diag::Problem;
use crate::document::plain_text;
use crate::input::types::OutcomeFile;
use crate::pack::{ItemContent, Meeting};

/// The decision record of a meeting.
#[derive(Debug, Clone)]
pub struct DecisionRecord {
    /// The body.
    pub body: String,
    /// The meeting date.
    pub date: Date,
    /// When the record is published.
    pub published: Date,
    /// One entry per report item.
    pub items: Vec<ItemDecision>,
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
    /// The decisions, reworded as resolved.
    pub decisions: Vec<String>,
    /// Reasons for the decision.
    pub reasons: RichText,
    /// Alternative options considered and rejected.
    pub options: Option<RichText>,
    /// Declared interests: (member, nature).
    pub interests: Vec<(String, String)>,
    /// Dispensations: (member, details).
    pub dispensations: Vec<(String, String)>,
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

/// Rewords a recommendation as a resolution: "Agree the plan set out at Section 2." →
/// "The plan set out at Section 2 be agreed." Only the first sentence is reworded; a
/// recommendation whose verb the template does not know is kept as written.
pub fn resolve_wording(text: &str, participles: &BTreeMap<String, String>) -> String {
    let text = text.trim();
    let (first, rest) = match text.find(". ") {
        Some(i) => (&text[..i], &text[i + 1..]),
        None => (text.trim_end_matches('.'), ""),
    };
    let (verb, object) = first.split_once(' ').unwrap_or((first, ""));
    let Some(participle) = participles.get(&verb.to_lowercase()) else {
        return text.to_owned();
    };
    let mut object = object.trim().to_owned();
    let mut tail = String::new();
    // "Agree in principle the scope …" → "The scope … be agreed in principle".
    for adverb in ["in principle ", "in full "] {
        if let Some(o) = object.strip_prefix(adverb) {
            tail = format!(" {}", adverb.trim_end());
            object = o.to_owned();
        }
    }
    // "Delegate authority to the Director to …" → "Authority be delegated to the Director to …".
    if let Some(o) = object.strip_prefix("authority ") {
        return format!("Authority be {participle} {}{tail}.{rest}", o.trim());
    }
    let mut chars = object.chars();
    let object = match chars.next() {
        Some(c) => c.to_uppercase().collect::<String>() + chars.as_str(),
        None => return text.to_owned(),
    };
    format!("{object} be {participle}{tail}.{rest}")
}

/// Builds the record of `meeting` from what `outcome` says was decided.
pub fn build_record(
    meeting: &Meeting,
    outcome: &OutcomeFile,
    participles: &BTreeMap<String, String>,
    call_in_days: u32,
    calendar: &Calendar,
) -> (Option<DecisionRecord>, Vec<Problem>) {
    let mut problems = Vec::new();
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let published = match Date::parse(outcome.published.0.trim(), &fmt) {
        Ok(d) => d,
        Err(_) => {
            problems.push(Problem::error("published", format!("`{}` is not a real date", outcome.published.0)).help("write dates as YYYY-MM-DD"));
            meeting.details.date
        }
    };
    if published < meeting.details.date {
        problems.push(Problem::error("published", "the record cannot be published before the meeting"));
    }
    if let Some((_, last)) = calendar.years() {
        // The deadline, not only the publication date, must fall within the known bank holidays.
        let deadline = calendar.add_working_days(published, call_in_days);
        if deadline.year() > last {
            problems.push(
                Problem::warning(
                    "published",
                    format!(
                        "the call-in deadline ({}) falls after the bank holidays known (to the end of {last}); it counts weekends only from then",
                        crate::model::long_date(deadline)
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
            problems.push(Problem::error(path, format!("agenda item {n} is not a report of this meeting")).help(format!("report items: {}", known.join(", "))));
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
            problems.push(Problem::error(format!("items[{i}].item"), format!("agenda item {} is already given at items[{first}]", o.item)));
        }
    }

    let no_refs = rich_text::Xrefs::default();
    let mut items = Vec::new();
    for (&number, report) in &reports {
        let o = outcome.items.iter().enumerate().find(|(_, o)| o.item == number);
        let recs: Vec<String> = report.recommendations.iter().map(|r| plain_text(&r.text)).collect();
        let decisions: Vec<String> = match o.and_then(|(i, o)| o.decisions.as_ref().map(|d| (i, d))) {
            None => recs.iter().map(|t| resolve_wording(t, participles)).collect(),
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
                        (Some(n), None) => Some(resolve_wording(&recs[n as usize - 1], participles)),
                        (_, Some(t)) if t.trim().is_empty() => {
                            problems.push(Problem::error(format!("{path}.text"), "must not be empty"));
                            None
                        }
                        (_, Some(t)) => Some(resolve_wording(t, participles)),
                        (None, None) => {
                            problems.push(Problem::error(&path, "a decision needs a `recommendation` number, a `text`, or both").help("`recommendation: 2` as recommended; add `text:` to amend it; `text:` alone adds a decision"));
                            None
                        }
                    }
                })
                .collect(),
        };
        let over = |md: &Option<String>, path: String, problems: &mut Vec<Problem>| {
            md.as_ref().map(|m| rich_text::parse(m, &no_refs, &path, problems))
        };
        let (reasons, options) = match o {
            Some((i, o)) => (
                over(&o.reasons, format!("items[{i}].reasons"), &mut problems),
                over(&o.options, format!("items[{i}].options"), &mut problems),
            ),
            None => (None, None),
        };
        let call_in = (report.decision != crate::input::types::DecisionKind::Information)
            .then(|| calendar.add_working_days(published, call_in_days));
        items.push(ItemDecision {
            number,
            title: report.title.clone(),
            exempt: report.exempt.clone(),
            summary: report.summary.clone(),
            decisions,
            reasons: reasons.unwrap_or_else(|| report.reasons.clone()),
            options: options.or_else(|| report.options.clone()),
            interests: outcome.interests.iter().filter(|x| x.item == number).map(|x| (x.member.clone(), x.nature.clone())).collect(),
            dispensations: outcome.dispensations.iter().filter(|x| x.item == number).map(|x| (x.member.clone(), x.details.clone())).collect(),
            call_in,
        });
    }
    let ok = !problems.iter().any(|p| p.severity == crate::diag::Severity::Error);
    (ok.then(|| DecisionRecord { body: meeting.details.body.clone(), date: meeting.details.date, published, items }), problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn participles() -> BTreeMap<String, String> {
        [("agree", "agreed"), ("note", "noted"), ("delegate", "delegated"), ("approve", "approved")]
            .into_iter()
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .collect()
    }

    #[test]
    fn recommendations_are_reworded_as_resolutions() {
        let p = participles();
        assert_eq!(resolve_wording("Agree the Partnership Charter attached at Appendix 1.", &p), "The Partnership Charter attached at Appendix 1 be agreed.");
        assert_eq!(resolve_wording("Note the updates on individual Missions", &p), "The updates on individual Missions be noted.");
        assert_eq!(
            resolve_wording("Agree in principle the scope of Phase 1 reviews set out at Section 6. It is recommended that the Board agrees the final scope.", &p),
            "The scope of Phase 1 reviews set out at Section 6 be agreed in principle. It is recommended that the Board agrees the final scope."
        );
        assert_eq!(resolve_wording("Delegate authority to the Director to vary the programme.", &p), "Authority be delegated to the Director to vary the programme.");
        // An unknown verb is kept as written.
        assert_eq!(resolve_wording("Cabinet will consider this again.", &p), "Cabinet will consider this again.");
    }
}
