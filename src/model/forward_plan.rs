//! The Forward Plan (notice of key decisions, reg. 9 of The Local Authorities (Executive
//! Arrangements) (Meetings and Access to Information) (England) Regulations 2012): every key
//! decision whose meeting is after the plan's publication, in date order, with the checks the
//! regulations call for (28 clear days' notice, one report per reference, a reference no plan
//! carries).
//!
//! The exempt split is made here, before any document is assembled: an exempt report's entry
//! is a [`PrivateEntry`], which can hold only its title, decision maker, date, reference and
//! Schedule 12A paragraphs, and an [`OpenEntry`] can only be made from a report that is not
//! exempt. Knows nothing of templates or file formats.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

use time::Date;

use super::{Contact, DecisionKind, DecisionMaker, Report};
use crate::diag::Problem;

/// Clear days of notice a key decision needs (reg. 9).
pub const NOTICE_CLEAR_DAYS: i64 = 28;
/// Clear days the general exception notice needs (reg. 10).
pub const GENERAL_EXCEPTION_CLEAR_DAYS: i64 = 5;

/// A Forward Plan.
#[derive(Debug, Clone)]
pub struct ForwardPlan {
    /// The council that publishes the plan (its reports' council).
    pub council: String,
    /// The date of publication.
    pub published: Date,
    /// The key decisions, by date then reference.
    pub entries: Vec<PlanEntry>,
}

/// Who takes a decision, as the plan names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Maker {
    /// The body ("Cabinet").
    Body(String),
    /// A portfolio holder.
    Holder {
        /// "Councillor Bob Cook".
        holder: String,
        /// "Leader of the Council".
        title: String,
    },
}

/// One key decision on the plan.
#[derive(Debug, Clone)]
pub enum PlanEntry {
    /// A decision to be taken in public: everything the plan lists.
    Open(OpenEntry),
    /// A decision to be taken in private: title, maker, date, reference and paragraphs only.
    Private(PrivateEntry),
}

/// A key decision to be taken in public. Made only from a report that is not exempt.
#[derive(Debug, Clone)]
pub struct OpenEntry {
    /// The matter (the report's title).
    pub matter: String,
    /// The decision maker.
    pub maker: Maker,
    /// The date of the meeting.
    pub date: Date,
    /// The Forward Plan reference.
    pub reference: String,
    /// Why the decision is key, when the report says.
    pub key_reason: Option<String>,
    /// Appendices to be submitted with the report: (number, title).
    pub appendices: Vec<(u32, String)>,
    /// The contact officer.
    pub contact: Contact,
    /// Only [`PlanEntry::from_report`] makes one, from a report that is not exempt.
    #[allow(dead_code)] // never read: its being private is the point
    sealed: Sealed,
}

/// Keeps [`OpenEntry`] from being made outside this module.
#[derive(Debug, Clone)]
struct Sealed;

/// A key decision to be taken in private (an exempt report).
#[derive(Debug, Clone)]
pub struct PrivateEntry {
    /// The matter (the report's title).
    pub matter: String,
    /// The decision maker.
    pub maker: Maker,
    /// The date of the meeting.
    pub date: Date,
    /// The Forward Plan reference.
    pub reference: String,
    /// Paragraphs of Part 1 of Schedule 12A.
    pub paragraphs: Vec<u8>,
}

impl PlanEntry {
    /// The entry of a key decision: private for an exempt report (its reference empty where the
    /// paper gives none). `None` when the report is not a key decision (or, which validation
    /// refuses, has no contact officer).
    pub fn from_report(r: &Report) -> Option<PlanEntry> {
        if r.decision != DecisionKind::Key {
            return None;
        }
        // A template may leave the reference out (`forward_plan_ref_required = false`): such a
        // decision is listed without one, never left off the plan.
        let reference = r.forward_plan_ref.clone().unwrap_or_default();
        let maker = match r.decision_maker {
            DecisionMaker::Body => Maker::Body(r.body.clone()),
            // Validation requires a portfolio for a holder's decision.
            DecisionMaker::PortfolioHolder => {
                let p = r.portfolio.as_ref()?;
                Maker::Holder { holder: p.holder.clone(), title: p.title.clone() }
            }
        };
        Some(match &r.exempt {
            Some(e) => PlanEntry::Private(PrivateEntry {
                matter: r.title.clone(),
                maker,
                date: r.date,
                reference,
                paragraphs: e.paragraphs.clone(),
            }),
            None => PlanEntry::Open(OpenEntry {
                matter: r.title.clone(),
                maker,
                date: r.date,
                reference,
                key_reason: r.key_reason.clone(),
                appendices: r.appendices.iter().map(|a| (a.number, a.title.clone())).collect(),
                // Validation requires a contact officer for a key decision.
                contact: r.contact.clone()?,
                sealed: Sealed,
            }),
        })
    }

    /// The date of the meeting.
    pub fn date(&self) -> Date {
        match self {
            PlanEntry::Open(e) => e.date,
            PlanEntry::Private(e) => e.date,
        }
    }

    /// The Forward Plan reference.
    pub fn reference(&self) -> &str {
        match self {
            PlanEntry::Open(e) => &e.reference,
            PlanEntry::Private(e) => &e.reference,
        }
    }
}

/// A plan published before this one (`--previous`).
#[derive(Debug, Clone)]
pub struct Previous {
    /// When it was published.
    pub published: Date,
    /// The references it carried.
    pub references: BTreeSet<String>,
}

/// Clear days between two dates: neither the first nor the last counts.
pub fn clear_days(from: Date, to: Date) -> i64 {
    (to - from).whole_days() - 1
}

/// A reference as it is compared: invisible format characters (zero-width spaces and joiners,
/// soft hyphens, direction marks, byte-order marks) removed, each run of whitespace of any kind
/// (a no-break space included) one space, no space at either end, and case folded — so that
/// `FP/2024/01` written with a zero-width space, a no-break space or in other case is the same
/// reference. What the author wrote is still what is printed.
pub fn reference_key(reference: &str) -> String {
    let invisible = |c: char| matches!(c, '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{206f}' | '\u{feff}');
    let visible: String = reference.chars().filter(|&c| !invisible(c)).collect();
    visible.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Compares references as a reader would: runs of digits by value ("FP/2024/9" before
/// "FP/2024/10").
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let chunks = |s: &str| -> Vec<(bool, String)> {
        let mut out: Vec<(bool, String)> = Vec::new();
        for c in s.chars() {
            let digit = c.is_ascii_digit();
            match out.last_mut() {
                Some((d, run)) if *d == digit => run.push(c),
                _ => out.push((digit, c.to_string())),
            }
        }
        out
    };
    let (ca, cb) = (chunks(a), chunks(b));
    for ((da, ra), (db, rb)) in ca.iter().zip(cb.iter()) {
        let ord = if *da && *db {
            let (ta, tb) = (ra.trim_start_matches('0'), rb.trim_start_matches('0'));
            ta.len().cmp(&tb.len()).then_with(|| ta.cmp(tb))
        } else {
            ra.cmp(rb)
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    ca.len().cmp(&cb.len()).then_with(|| a.cmp(b))
}

/// Builds the plan published on `published` from `reports` (each with the name of its file,
/// for messages). Problems come with the index of the report they belong to.
pub fn build_plan(
    reports: &[(&Report, String)],
    published: Date,
    previous: Option<&Previous>,
    template_council: Option<&str>,
) -> (ForwardPlan, Vec<(usize, Problem)>) {
    let mut problems = Vec::new();
    // The council publishing the plan: its reports' (the template's where one of them has it,
    // else the first report's), or the template's when there are no reports. A report of another
    // council is warned about, never silently published under this one.
    let council = template_council
        .filter(|c| reports.iter().any(|(r, _)| r.council == *c))
        .or_else(|| reports.first().map(|(r, _)| r.council.as_str()))
        .or(template_council)
        .unwrap_or_default()
        .to_owned();
    for (i, (r, _)) in reports.iter().enumerate() {
        if r.council != council {
            problems.push((
                i,
                Problem::warning(
                    "meeting",
                    format!("the report is of {}, but the Forward Plan is published by {council}", r.council),
                )
                .help(
                    "a Forward Plan lists one council's key decisions: build each council's plan from its own folder",
                ),
            ));
        }
    }
    let long = crate::house::long_date;
    // Two reports with one reference.
    let mut first_with: BTreeMap<String, usize> = BTreeMap::new();
    for (i, (r, _)) in reports.iter().enumerate() {
        let Some(reference) = r.forward_plan_ref.as_deref().filter(|_| r.decision == DecisionKind::Key) else {
            continue;
        };
        match first_with.get(&reference_key(reference)) {
            Some(&j) => problems.push((
                i,
                Problem::warning(
                    "forward_plan_ref",
                    format!("`{reference}` is also the reference of `{}` ({})", reports[j].0.title, reports[j].1),
                )
                .help("each key decision needs a Forward Plan reference of its own"),
            )),
            None => {
                first_with.insert(reference_key(reference), i);
            }
        }
    }
    let mut entries = Vec::new();
    for (i, (r, _)) in reports.iter().enumerate() {
        let Some(entry) = PlanEntry::from_report(r) else {
            continue;
        };
        let reference = entry.reference().to_owned();
        if reference.is_empty() {
            // No reference to check against a previous plan or the 28 days: listed as it is.
            if r.date > published {
                entries.push(entry);
            }
            continue;
        }
        let key = reference_key(&reference);
        let on_previous = previous.filter(|p| p.references.iter().any(|r| reference_key(r) == key));
        if r.date <= published {
            if let Some(p) = previous.filter(|_| on_previous.is_none()) {
                problems.push((
                    i,
                    Problem::warning("forward_plan_ref", format!("`{reference}` is on no Forward Plan: its meeting ({}) is not after this plan's publication, and the previous plan (published {}) does not carry it", long(r.date), long(p.published)))
                        .help("a key decision must be on a Forward Plan 28 clear days before it is taken, or follow the general exception (reg. 10) or special urgency (reg. 11) procedure"),
                ));
            }
            continue;
        }
        let days = clear_days(published, r.date);
        let noticed_before = on_previous.is_some_and(|p| clear_days(p.published, r.date) >= NOTICE_CLEAR_DAYS);
        if days < NOTICE_CLEAR_DAYS && !noticed_before {
            let problem = if days >= GENERAL_EXCEPTION_CLEAR_DAYS {
                Problem::warning("meeting.date", format!("`{reference}` is taken {days} clear days after the plan's publication ({}), not 28: the decision needs the general exception procedure (reg. 10)", long(published)))
                    .help("the Proper Officer must give written notice of the matter to the chair of the relevant overview and scrutiny committee (or each of its members), and make it available at the council's offices and on its website, at least 5 clear days before the decision is taken")
            } else {
                Problem::warning("meeting.date", format!("`{reference}` is taken {days} clear days after the plan's publication ({}), fewer than the 5 of the general exception: the decision needs the special urgency procedure (reg. 11)", long(published)))
                    .help("the chair of the relevant overview and scrutiny committee (or, failing that, the chair or vice-chair of the council) must agree that the decision is urgent and cannot reasonably be deferred; then publish a notice of the reasons at the council's offices and on its website as soon as reasonably practicable")
            };
            problems.push((i, problem));
        }
        entries.push(entry);
    }
    entries.sort_by(|a, b| a.date().cmp(&b.date()).then_with(|| natural_cmp(a.reference(), b.reference())));
    (ForwardPlan { council, published, entries }, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn clear_days_exclude_both_ends() {
        assert_eq!(clear_days(date!(2024 - 01 - 01), date!(2024 - 01 - 02)), 0);
        // Published 20 December, meeting 18 January: 28 clear days (21 December to 17 January).
        assert_eq!(clear_days(date!(2023 - 12 - 20), date!(2024 - 01 - 18)), 28);
        assert_eq!(clear_days(date!(2023 - 12 - 21), date!(2024 - 01 - 18)), 27);
    }

    #[test]
    fn references_sort_by_their_numbers() {
        let mut refs = vec!["FP/2024/10", "FP/2024/9", "FP/2023/44", "FP/2024/011"];
        refs.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(refs, ["FP/2023/44", "FP/2024/9", "FP/2024/10", "FP/2024/011"]);
    }
}
