//! The validated report: typed, checked, with every number computed (section and
//! recommendation numbers, cross-references, totals, risk scores and bands, the mission
//! summary). Knows nothing of file formats.

pub mod calendar;
pub mod characters;
pub mod forward_plan;
pub mod paragraphs;
pub mod resolution;
pub mod rich_text;
mod validate;

use std::path::PathBuf;

pub use rust_decimal::Decimal;
use time::Date;

use crate::diag::Problem;
use crate::house::group_thousands;
pub use crate::input::types::{ChartKind, Contact, DecisionKind, DecisionMaker, Portfolio, Quantity, Status};
use crate::tree::Inline;
pub use rich_text::RichText;

/// A validated report.
#[derive(Debug, Clone)]
pub struct Report {
    /// The template the paper names (`template:`), as written; `None` for the default.
    pub template: Option<String>,
    /// The decision-making body ("Cabinet").
    pub body: String,
    /// Meeting date.
    pub date: Date,
    /// The council the paper is published by: its own `meeting: council:`, else its template's.
    pub council: String,
    /// Whether the paper names its council itself (`meeting: council:`); else the council is its
    /// template's, and a meeting of another council publishes the paper as its own.
    pub council_own: bool,
    /// Agenda item number, if known.
    pub agenda_item: Option<u32>,
    /// Who the report is from (papers with a header block).
    pub report_of: Option<String>,
    /// Decision type.
    pub decision: DecisionKind,
    /// Forward Plan reference (key decisions).
    pub forward_plan_ref: Option<String>,
    /// Why the decision is key (a key decision's, when the author gives one).
    pub key_reason: Option<String>,
    /// Who takes the decision: the body or the portfolio holder (the Forward Plan names it).
    pub decision_maker: DecisionMaker,
    /// Portfolio (papers with a portfolio line).
    pub portfolio: Option<Portfolio>,
    /// The cover page (papers with one).
    pub cover: Option<Cover>,
    /// Title.
    pub title: String,
    /// Exemption, for Part 2 reports.
    pub exempt: Option<Exemption>,
    /// SUMMARY.
    pub summary: RichText,
    /// The decision record's consideration, in the past tense, when the author wrote one.
    pub record_summary: Option<RichText>,
    /// Cross-references as a decision record prints them ("Section 6 of the report"), for text
    /// written about this report elsewhere (the outcome file).
    pub record_xrefs: rich_text::Xrefs,
    /// REASONS.
    pub reasons: RichText,
    /// The alternative options considered and rejected (papers with the part).
    pub options: Option<RichText>,
    /// Lead-in of the recommendations, if the author set one.
    pub recommendations_lead: Option<String>,
    /// Recommendations, numbered.
    pub recommendations: Vec<Recommendation>,
    /// Numbered body sections.
    pub sections: Vec<Section>,
    /// One row per mission section, when there are two or more.
    pub mission_summary: Vec<MissionSummaryRow>,
    /// Implications by the template's keys, in its order.
    pub implications: Vec<(String, Implication)>,
    /// The front sheet's fields written, in the template's order.
    pub front_sheet: Vec<FrontSheetEntry>,
    /// The risk assessment (papers with one).
    pub risk: Option<RiskAssessment>,
    /// WARDS AFFECTED (papers with the part).
    pub wards: Option<RichText>,
    /// BACKGROUND PAPERS (papers with the part; empty prints "None").
    pub background_papers: Option<Vec<String>>,
    /// Contact officer (papers with a contact block).
    pub contact: Option<Contact>,
    /// The author's sign-off (papers with one).
    pub sign_off: Option<SignOff>,
    /// Appendices, numbered.
    pub appendices: Vec<Appendix>,
    /// Whether a contents list follows the title (`None`: when past the page guide).
    pub contents: Option<bool>,
}

pub use crate::tree::NOT_FOR_PUBLICATION_KEYWORD;

/// Why a report is exempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exemption {
    /// Schedule 12A paragraphs.
    pub paragraphs: Vec<u8>,
    /// Reason.
    pub reason: String,
}

/// A numbered recommendation.
#[derive(Debug, Clone)]
pub struct Recommendation {
    /// Its number, from 1.
    pub number: u32,
    /// The recommendation.
    pub text: Vec<Inline>,
    /// The recommendation reworded as a resolution, with cross-references as the record
    /// prints them.
    pub resolution: Vec<Inline>,
    /// Follow-on text.
    pub note: Option<RichText>,
    /// The number of the section it stands in, for one typed in a section's body; `None` for
    /// one listed under `recommendations:`.
    pub in_section: Option<u32>,
}

/// A paper's cover page lines after the body and the title.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cover {
    /// The kind of paper ("Discussion Paper").
    pub kind: String,
    /// The period it covers ("2024 - 2030").
    pub period: Option<String>,
    /// The month printed last ("January 2025").
    pub month: String,
}

/// The author's sign-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOff {
    /// Name.
    pub name: String,
    /// Post.
    pub post: String,
    /// The date signed off.
    pub date: Date,
}

/// A numbered body section.
#[derive(Debug, Clone)]
pub struct Section {
    /// Its number, from 1.
    pub number: u32,
    /// Cross-reference id.
    pub id: Option<String>,
    /// Title (from the register for a mission update).
    pub title: String,
    /// The mission update part, if this is one.
    pub mission: Option<MissionUpdate>,
    /// The body: text and tables in order.
    pub body: RichText,
}

/// The mission part of a mission-update section.
#[derive(Debug, Clone)]
pub struct MissionUpdate {
    /// Mission id.
    pub id: String,
    /// The mission's name in the register (the summary row and table captions); the section's
    /// heading is its title, which the report may word differently.
    pub name: String,
    /// Mission aim.
    pub aim: String,
    /// Status.
    pub status: Status,
    /// Milestones.
    pub milestones: Vec<MilestoneEntry>,
    /// Key measures.
    pub measures: Vec<MeasureEntry>,
}

/// A milestone.
#[derive(Debug, Clone)]
pub struct MilestoneEntry {
    /// What.
    pub name: String,
    /// When.
    pub due: Date,
    /// Status.
    pub status: Status,
}

/// A key measure, values as printed.
#[derive(Debug, Clone)]
pub struct MeasureEntry {
    /// Measure.
    pub name: String,
    /// Baseline, target, current (printed text; empty when not given).
    pub baseline: String,
    /// Target.
    pub target: String,
    /// Current.
    pub current: String,
}

/// A row of the mission status summary.
#[derive(Debug, Clone)]
pub struct MissionSummaryRow {
    /// Mission name.
    pub mission: String,
    /// Section number of the mission update.
    pub section: u32,
    /// Status.
    pub status: Status,
    /// The next milestone not yet complete.
    pub next_milestone: Option<(String, Date)>,
}

/// One front-sheet field as written: its label and its value, ready to print.
#[derive(Debug, Clone)]
pub struct FrontSheetEntry {
    /// The template's key.
    pub key: String,
    /// The template's label.
    pub label: String,
    /// What it holds.
    pub kind: crate::template::FieldKind,
    /// The value, as paragraphs (a person's name in bold, then post, email, phone, date).
    pub value: Vec<crate::tree::Block>,
}

/// An implications section.
#[derive(Debug, Clone)]
pub struct Implication {
    /// The text.
    pub text: RichText,
    /// Financial tables.
    pub tables: Vec<FinancialTable>,
}

/// A financial table with computed totals.
#[derive(Debug, Clone)]
pub struct FinancialTable {
    /// Caption.
    pub caption: String,
    /// Unit ("£000").
    pub unit: Option<String>,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows: label and values, each rounded (half up) to its column's decimals.
    pub rows: Vec<(String, Vec<Decimal>)>,
    /// Decimals per column: the most any of its values needs, up to the template's limit.
    pub decimals: Vec<u32>,
    /// Computed column totals, when asked for: the sums of the values as printed.
    pub totals: Option<Vec<Decimal>>,
    /// Chart style, when asked for.
    pub chart: Option<ChartKind>,
}

/// The risk assessment.
#[derive(Debug, Clone)]
pub struct RiskAssessment {
    /// The text.
    pub text: RichText,
    /// The register.
    pub register: RiskRegister,
}

/// A risk register with computed scores and bands.
#[derive(Debug, Clone, Default)]
pub struct RiskRegister {
    /// The risks, numbered.
    pub risks: Vec<Risk>,
}

/// One risk.
#[derive(Debug, Clone)]
pub struct Risk {
    /// Number, from 1.
    pub number: u32,
    /// The risk.
    pub risk: String,
    /// 1–5.
    pub likelihood: u8,
    /// 1–5.
    pub impact: u8,
    /// likelihood × impact.
    pub score: u8,
    /// Band name from the template.
    pub band: String,
    /// Mitigation.
    pub mitigation: RichText,
    /// Owner.
    pub owner: String,
}

/// An appendix.
#[derive(Debug, Clone)]
pub struct Appendix {
    /// Number, from 1.
    pub number: u32,
    /// Title.
    pub title: String,
    /// A PDF to bind in, resolved against the report's folder.
    pub file: Option<PathBuf>,
    /// Text printed on its own page.
    pub body: Option<RichText>,
}

pub use validate::{validate_report, Rules};

/// The result of validation: the report (if no errors) and every problem found.
#[derive(Debug)]
pub struct Validated<T> {
    /// The value, when there were no errors.
    pub value: Option<T>,
    /// Errors and warnings.
    pub problems: Vec<Problem>,
}

/// Prints a quantity: numbers grouped, text as typed.
pub fn quantity_text(q: &Option<Quantity>) -> String {
    match q {
        None => String::new(),
        Some(Quantity::Number(n)) => group_thousands(*n),
        Some(Quantity::Text(t)) => t.clone(),
    }
}
