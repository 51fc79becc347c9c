//! The input format, version 1, as Rust types: one struct per YAML mapping.
//!
//! These types are the single source of truth for the format: serde reads files into them and
//! schemars turns them into the JSON Schema that `cabrep schema` prints, so the two cannot drift.
//! They hold what the author typed; validation and computed values live in [`crate::model`].

pub use super::shapes::IsoDate;
use schemars::JsonSchema;
use serde::Deserialize;

use super::shapes::{TextOr, TextOrSeq};

mod meetings;
pub use meetings::{
    AgendaItemInput, DecisionInput, DispensationInput, InterestInput, ItemOutcome, MeetingContact, MeetingFile,
    MeetingInput, OutcomeFile, PreviousPlanFile, ProperOfficer,
};

/// Rich text: Markdown (paragraphs, bullet and numbered lists, bold, italic, struck text, links,
/// `###` and `####` sub-headings, pipe tables, block quotes, footnotes, pictures
/// `![alt](file.png)`, cross-references `[Section](#id)`).
pub type Markdown = String;

/// One report (`schema: cabrep/report/v1`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "cabrep report")]
// A key decision needs its Forward Plan reference, as `check` requires (text that is not blank).
#[schemars(extend(
    "if" = { "properties": { "decision": { "const": "key" } }, "required": ["decision"] },
    "then" = {
        "properties": { "forward_plan_ref": { "type": "string", "pattern": "\\S" } },
        "required": ["forward_plan_ref"]
    }
))]
// A mission update needs the missions register its mission is in.
#[schemars(extend("dependentSchemas" = {
    "sections": {
        "if": { "properties": { "sections": { "contains": { "required": ["mission"] } } } },
        "then": { "required": ["missions"] }
    }
}))]
pub struct ReportFile {
    /// Format version, `cabrep/report/v1`. Optional.
    #[schemars(regex(pattern = r"^\s*cabrep/report/v1\s*$"))]
    pub schema: Option<String>,
    /// The template the paper is written for: a shipped one (`cabinet`, the default, or
    /// `hwb-discussion`) or a template folder relative to this file. The template says which of
    /// the fields below the paper has; `--template` overrides it.
    pub template: Option<String>,
    /// The meeting the report goes to.
    pub meeting: MeetingRef,
    /// Agenda item number; a pack numbers its items itself and overrides this.
    pub agenda_item: Option<u32>,
    /// Who the report is from, e.g. "Corporate Management Team" (the header block).
    pub report_of: Option<String>,
    /// The kind of decision asked for (the header block; without one, for information).
    pub decision: Option<DecisionKind>,
    /// Forward Plan reference; required for a key decision.
    pub forward_plan_ref: Option<String>,
    /// Why the decision is key, e.g. "it deals with income in excess of £1m": printed on the
    /// key-decision line (the template's `key_decision` wording) and listed in the Forward Plan.
    /// Only for a key decision.
    #[schemars(regex(pattern = r"\S"))]
    pub key_reason: Option<String>,
    /// Who takes the decision, as the Forward Plan names it: `body` (the meeting's body, the
    /// default) or `portfolio-holder`.
    pub decision_maker: Option<DecisionMaker>,
    /// The portfolio and its holder.
    pub portfolio: Option<Portfolio>,
    /// The front sheet, by the keys the template declares (`[front_sheet]`): text, Markdown, a
    /// date, a list, a person (`name`, `post`, `email`, `phone`, `date`) or a yes/no answer
    /// (`true`, or `{ answer: true, reason: … }`), as each field's kind says.
    pub front_sheet: Option<std::collections::BTreeMap<String, FrontSheetValue>>,
    /// The cover page (papers whose template has one).
    pub cover: Option<Cover>,
    /// The report title.
    pub title: String,
    /// Present for a Part 2 (exempt, not for publication) report. The key given with no value
    /// (`exempt:` or `exempt: ~`) is read as `Some(None)`: an error, never "not exempt".
    #[serde(default, deserialize_with = "super::shapes::present")]
    #[schemars(with = "Exemption")]
    pub exempt: Option<Option<Exemption>>,
    /// SUMMARY.
    #[schemars(regex(pattern = r"\S"))]
    pub summary: Option<Markdown>,
    /// The decision record's consideration, in the past tense (Markdown). Starting in lower
    /// case, it continues "Consideration was given to a report that …"; otherwise it is printed
    /// as written. Without it the record uses the summary.
    pub record_summary: Option<Markdown>,
    /// The reasons for the recommendations (the template's `reasons` heading).
    pub reasons: Option<Markdown>,
    /// The alternative options considered and rejected (the template's `options` heading; optional).
    pub options: Option<Markdown>,
    /// RECOMMENDATIONS.
    pub recommendations: Option<Recommendations>,
    /// The numbered body sections.
    #[serde(default)]
    pub sections: Vec<SectionInput>,
    /// The missions register: a file name (relative to the report) or an inline list.
    pub missions: Option<MissionsSource>,
    /// The implications, by the keys the template declares (`[[implications]]`): each
    /// Markdown, or `text:` with financial `tables:` where the template's kind is `tables`.
    pub implications: Option<std::collections::BTreeMap<String, Implication>>,
    /// The risk assessment (the template's `risk` heading): Markdown, or text plus a risk register.
    pub risk: Option<TextOr<RiskInput>>,
    /// The wards affected and the consultation with their councillors (the template's `wards` heading).
    pub wards: Option<Markdown>,
    /// BACKGROUND PAPERS; an empty list prints "None".
    pub background_papers: Option<Vec<String>>,
    /// The contact officer.
    pub contact: Option<Contact>,
    /// The author's sign-off at the end of the paper (papers whose template has one).
    pub sign_off: Option<SignOff>,
    /// Appendices, each on a new page.
    pub appendices: Option<Vec<AppendixInput>>,
    /// A contents list after the title: `true` always, `false` never. Omitted: when the report
    /// runs past the template's page guide.
    pub contents: Option<bool>,
}

/// The meeting a report goes to.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingRef {
    /// The decision-making body, e.g. "Cabinet".
    pub body: String,
    /// Meeting date, ISO `YYYY-MM-DD`.
    pub date: IsoDate,
    /// The council the paper is published by (the documents' author), where it is not the one
    /// the template names; a paper with no council here or in its template is refused.
    pub council: Option<String>,
}

/// Decision type, printed as CABINET DECISION, KEY DECISION, …
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionKind {
    /// CABINET DECISION.
    Cabinet,
    /// KEY DECISION (needs a Forward Plan reference).
    Key,
    /// COUNCIL DECISION.
    Council,
    /// NON-KEY DECISION.
    NonKey,
    /// FOR INFORMATION.
    Information,
}

/// Who takes a key decision.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionMaker {
    /// The body the report goes to (Cabinet).
    #[default]
    Body,
    /// The portfolio holder, as an individual decision.
    PortfolioHolder,
}

/// The portfolio.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Portfolio {
    /// Portfolio title, e.g. "Leader of the Council".
    pub title: String,
    /// Portfolio holder, e.g. "Councillor Bob Cook".
    pub holder: String,
}

/// Why a report is not for publication (Schedule 12A, Local Government Act 1972).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    /// Paragraphs of Part 1 of Schedule 12A (1 to 7); at least one.
    #[schemars(length(min = 1), inner(range(min = 1, max = 7)))]
    pub paragraphs: Vec<u8>,
    /// The reason in words.
    pub reason: String,
}

/// The recommendations.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recommendations {
    /// Lead-in line; default "<body> is recommended to:".
    pub lead: Option<String>,
    /// The recommendations, numbered 1, 2, 3 …; at least one.
    #[schemars(length(min = 1))]
    pub items: Vec<TextOr<RecommendationInput>>,
}

/// A recommendation with follow-on text.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecommendationInput {
    /// The recommendation (Markdown, one paragraph).
    pub text: Markdown,
    /// Follow-on text under the recommendation.
    pub note: Option<Markdown>,
}

/// A numbered body section: an ordinary section (`title`) or a mission update (`mission`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// A title, or a mission with its status (a mission update may also have a title of its own).
#[schemars(extend("anyOf" = [{ "required": ["title"] }, { "required": ["mission", "status"] }]))]
pub struct SectionInput {
    /// Id for cross-references (`[Section](#id)`).
    pub id: Option<String>,
    /// Section title: an ordinary section's heading, or a mission update's heading where it
    /// differs from the register's name for the mission.
    #[schemars(length(min = 1))]
    pub title: Option<String>,
    /// Mission id from the register (mission updates); the aim, and the heading unless `title`
    /// gives one, come from the register.
    pub mission: Option<String>,
    /// Mission status (mission updates).
    pub status: Option<Status>,
    /// The section's text: Markdown, or a list of parts, each Markdown, a `table:` or a
    /// `recommendation:` (numbered across the paper, where it stands).
    pub body: Option<TextOrSeq<TextOr<BodyPart>>>,
    /// Milestones (mission updates).
    pub milestones: Option<Vec<Milestone>>,
    /// Key measures (mission updates).
    pub measures: Option<Vec<Measure>>,
}

/// A part of a section body that is not plain Markdown: `- table: {...}` or
/// `- recommendation: …` (one of the two).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("oneOf" = [{ "required": ["table"] }, { "required": ["recommendation"] }]))]
pub struct BodyPart {
    /// A table.
    pub table: Option<TableInput>,
    /// A recommendation, printed where it stands and numbered across the paper (Markdown; its
    /// first words in bold are its heading).
    pub recommendation: Option<Markdown>,
}

/// The cover page of a paper whose template has one: the body, the title, then these lines.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cover {
    /// The kind of paper, e.g. "Discussion Paper".
    pub kind: String,
    /// The period the paper covers, e.g. "2024 - 2030" (optional).
    pub period: Option<String>,
    /// The month printed last, e.g. "January 2025" (default: the meeting date's month).
    pub month: Option<String>,
}

/// The author's sign-off: name, post and date, at the end of the paper.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    /// The author's name.
    pub name: String,
    /// Their post, e.g. "Director of Public Health".
    pub post: String,
    /// The date they signed the paper off.
    pub date: IsoDate,
}

/// A table of text cells within a section.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableInput {
    /// Id (optional).
    pub id: Option<String>,
    /// Caption shown above the table.
    pub caption: Option<String>,
    /// Column headings.
    pub columns: Vec<String>,
    /// Relative column widths, one per column; each more than 0.
    #[schemars(extend("items" = { "type": "number", "exclusiveMinimum": 0 }))]
    pub widths: Option<Vec<f32>>,
    /// How each column's cells are aligned, one per column: `left` or `right`. Without it, a
    /// column whose cells are all figures (numbers, amounts, percentages) is right-aligned.
    pub align: Option<Vec<ColumnAlign>>,
    /// Rows: one Markdown cell per column. A cell may span columns or rows (`{ text: …, span: 2 }`,
    /// `{ text: …, rows: 3 }`); a row leaves out the cells that a span from above covers.
    pub rows: Vec<Vec<TextOr<CellInput>>>,
}

/// How a table column's cells are aligned.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ColumnAlign {
    /// Text: at the left.
    Left,
    /// Figures: at the right, so that units line up.
    Right,
}

/// A table cell that spans columns or rows.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CellInput {
    /// The cell's text (Markdown).
    pub text: Markdown,
    /// How many columns it spans (default 1).
    #[schemars(range(min = 1))]
    pub span: Option<u32>,
    /// How many rows it spans (default 1).
    #[schemars(range(min = 1))]
    pub rows: Option<u32>,
}

/// Programme (mission) status, RAG.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Green.
    OnTrack,
    /// Amber.
    AtRisk,
    /// Red.
    OffTrack,
    /// Done.
    Complete,
    /// Not started.
    NotStarted,
}

/// A milestone of a mission.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// What is to be achieved.
    pub name: String,
    /// When, ISO date.
    pub due: IsoDate,
    /// Its status.
    pub status: Status,
}

/// A key measure of a mission.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// The measure.
    pub name: String,
    /// Starting value.
    pub baseline: Option<Quantity>,
    /// Target value.
    pub target: Option<Quantity>,
    /// Current value.
    pub current: Option<Quantity>,
}

/// A number, or text with a unit ("£9m", "46%").
#[derive(Debug, Clone, Deserialize, JsonSchema, PartialEq)]
#[serde(untagged)]
pub enum Quantity {
    /// A plain number.
    Number(f64),
    /// Text printed as typed.
    Text(String),
}

/// Where the missions register is: a file name (relative to the report) or an inline list.
pub type MissionsSource = TextOrSeq<Mission>;

/// A missions register file (`schema: cabrep/missions/v1`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "cabrep missions register")]
pub struct MissionsFile {
    /// Format version, `cabrep/missions/v1`. Optional.
    #[schemars(regex(pattern = r"^\s*cabrep/missions/v1\s*$"))]
    pub schema: Option<String>,
    /// The missions.
    pub missions: Vec<Mission>,
}

/// A mission (programme strand) in the register.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Mission {
    /// Id that sections refer to.
    pub id: String,
    /// Name, used as the section title.
    pub name: String,
    /// Aim, printed in italics under the title.
    pub aim: String,
}

/// One implication: Markdown, or text plus financial tables.
pub type Implication = TextOr<FinancialInput>;

/// A front-sheet value, of the shape its field's kind asks for (checked in validation).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum FrontSheetValue {
    /// Text, Markdown or a date.
    Text(String),
    /// A yes/no answer.
    Answer(bool),
    /// A list of lines.
    List(Vec<String>),
    /// A person, or a yes/no answer with its reason.
    Map(std::collections::BTreeMap<String, FrontSheetScalar>),
}

/// A value inside a front-sheet mapping.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum FrontSheetScalar {
    /// Text (a name, a post, a reason, a date).
    Text(String),
    /// Yes or no.
    Answer(bool),
}

/// An implication with financial tables.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FinancialInput {
    /// The text.
    pub text: Markdown,
    /// Financial tables.
    #[serde(default)]
    pub tables: Vec<FinancialTableInput>,
}

/// A financial table: numbers in a unit, with an optional computed total.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FinancialTableInput {
    /// Caption.
    pub caption: String,
    /// Unit of the values, printed in the column header (e.g. "£000").
    pub unit: Option<String>,
    /// Column headings (e.g. financial years).
    pub columns: Vec<String>,
    /// Rows: a label and one value per column.
    pub rows: Vec<FinancialRowInput>,
    /// Add a computed Total row.
    #[serde(default)]
    pub total: bool,
    /// Draw the table as a chart as well.
    pub chart: Option<ChartKind>,
}

/// A row of a financial table.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FinancialRowInput {
    /// Row label.
    pub label: String,
    /// One value per column, in the table's unit.
    pub values: Vec<super::shapes::Amount>,
}

/// Chart style.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ChartKind {
    /// Grouped bars.
    Bar,
    /// Lines.
    Line,
}

/// Risk assessment with a register.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskInput {
    /// The text.
    pub text: Markdown,
    /// The risk register.
    #[serde(default)]
    pub register: Vec<RiskEntry>,
}

/// One risk.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskEntry {
    /// The risk.
    pub risk: String,
    // `Scale::LIKELIHOOD`; the doc comment is the schema's description for authors.
    /// 1 (rare) to 5 (almost certain).
    #[schemars(range(min = super::Scale::MIN, max = super::Scale::MAX))]
    pub likelihood: u8,
    // `Scale::IMPACT`.
    /// 1 (negligible) to 5 (severe).
    #[schemars(range(min = super::Scale::MIN, max = super::Scale::MAX))]
    pub impact: u8,
    /// Mitigation (Markdown).
    pub mitigation: Markdown,
    /// Risk owner.
    pub owner: String,
}

/// The contact officer.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name.
    pub name: String,
    /// Post title.
    pub post: String,
    /// Telephone number (UK).
    pub phone: String,
    /// Email address.
    #[schemars(regex(pattern = r"^\s*[^@\s]+@[^@\s.][^@\s]*\.[^@\s]*[^@\s.]\s*$"))]
    pub email: String,
}

/// An appendix.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppendixInput {
    /// Title ("Appendix N – Title").
    pub title: String,
    /// A PDF to bind in after the report (relative to the report).
    pub file: Option<String>,
    /// The appendix text (Markdown), printed on a new page.
    pub body: Option<Markdown>,
}
