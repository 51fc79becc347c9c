//! The meeting's own files as Rust types: the meeting file of an agenda pack, the outcome file
//! of a decision record and a previous Forward Plan. What the author typed, as in the rest of
//! [`super`]; nothing here checks a value.

use schemars::JsonSchema;
use serde::Deserialize;

use super::{IsoDate, Markdown};

/// A meeting file (`schema: cabrep/meeting/v1`) for an agenda pack.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "cabrep meeting")]
pub struct MeetingFile {
    /// Format version, `cabrep/meeting/v1`.
    #[schemars(regex(pattern = r"^\s*cabrep/meeting/v1\s*$"))]
    pub schema: Option<String>,
    /// The template of the meeting's own documents (the front sheet and agenda, the decision
    /// record): a shipped one or a template folder relative to this file, as a report names
    /// its own; `--template` overrides it.
    pub template: Option<String>,
    /// The meeting.
    pub meeting: MeetingInput,
    /// Agenda items, numbered 1, 2, 3 … in this order; at least one.
    #[schemars(length(min = 1))]
    pub items: Vec<AgendaItemInput>,
}

/// Meeting details for the front sheet.
// A meeting file's `meeting:` as written, its date and time not yet checked: the meeting room
// validates it into its own `MeetingDetails`, the name this keeps in the schema.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "MeetingDetails")]
pub struct MeetingInput {
    /// The body, e.g. "Cabinet".
    pub body: String,
    /// The council.
    pub council: String,
    /// Date, ISO.
    pub date: IsoDate,
    /// Time, "16:30".
    pub time: String,
    /// Venue.
    pub venue: String,
    /// Members.
    pub members: Vec<String>,
    /// The democratic services contact.
    pub contact: MeetingContact,
    /// The Proper Officer who signs the decision record (default: the template's).
    pub proper_officer: Option<ProperOfficer>,
}

/// The Proper Officer named at the end of a decision record.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProperOfficer {
    /// Name.
    pub name: String,
    /// Post title.
    pub post: String,
}

/// Democratic services contact.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingContact {
    /// Name.
    pub name: String,
    /// Telephone.
    pub phone: String,
    /// Email.
    pub email: String,
}

/// An agenda item: a plain item, an existing PDF, or a report.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// A title (with or without a `file`) or a `report`, never both; a `file` needs a title, and
// `alt` and `accessible_version` a `file`.
#[schemars(extend(
    "oneOf" = [{ "required": ["title"] }, { "required": ["report"] }],
    "dependentRequired" = { "file": ["title"], "alt": ["file"], "accessible_version": ["file"] }
))]
pub struct AgendaItemInput {
    /// Title (plain items and PDFs; a report's title comes from the report).
    pub title: Option<String>,
    /// An existing PDF to bind in (relative to the meeting file).
    pub file: Option<String>,
    /// A report YAML file (relative to the meeting file).
    pub report: Option<String>,
    /// With `file`: a short text describing the document for someone who cannot read it (e.g.
    /// "Site plan showing the 1.8 ha plot edged red"), printed in the agenda, the pack's HTML
    /// index and, for an untagged PDF, after its stamp; at most 300 characters.
    #[schemars(length(min = 1, max = 300))]
    pub alt: Option<String>,
    /// With `file`: the `https://` address of an accessible version of the document, printed
    /// where `alt` is.
    #[schemars(regex(pattern = r"^\s*[Hh][Tt][Tt][Pp][Ss]://[^\s/?#]"))]
    pub accessible_version: Option<String>,
}

/// What a meeting decided (`schema: cabrep/outcome/v1`): the input of the decision record.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "cabrep meeting outcome")]
pub struct OutcomeFile {
    /// Format version, `cabrep/outcome/v1`.
    #[schemars(regex(pattern = r"^\s*cabrep/outcome/v1\s*$"))]
    pub schema: Option<String>,
    /// The date the decision record is published; the call-in period runs from it.
    pub published: IsoDate,
    /// Decisions per agenda item; a report item not listed was resolved as recommended.
    #[serde(default)]
    pub items: Vec<ItemOutcome>,
    /// Declared interests.
    #[serde(default)]
    pub interests: Vec<InterestInput>,
    /// Dispensations granted.
    #[serde(default)]
    pub dispensations: Vec<DispensationInput>,
}

/// The outcome of one agenda item.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemOutcome {
    /// The agenda item number.
    pub item: u32,
    /// The decisions, in order. Omitted: resolved as recommended. A recommendation not listed
    /// was not resolved.
    pub decisions: Option<Vec<DecisionInput>>,
    /// Reasons for the decision, when they differ from the report's.
    pub reasons: Option<Markdown>,
    /// Alternative options considered and rejected, when the report has none or they differ.
    pub options: Option<Markdown>,
    /// The consideration, in the past tense, instead of the report's `record_summary`.
    pub record_summary: Option<Markdown>,
}

/// One decision: a recommendation as recommended (`recommendation: 2`), amended
/// (`recommendation: 2` with `text`), or added (`text` alone).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
// A number, a text or both, as `check` requires.
#[schemars(extend("anyOf" = [{ "required": ["recommendation"] }, { "required": ["text"] }]))]
pub struct DecisionInput {
    /// The recommendation's number in the report.
    #[schemars(range(min = 1))]
    pub recommendation: Option<u32>,
    /// The decision's wording, when amended or added (written as a recommendation: "Agree …").
    pub text: Option<Markdown>,
}

/// A declared interest.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InterestInput {
    /// The member.
    pub member: String,
    /// The agenda item.
    pub item: u32,
    /// The nature of the interest.
    pub nature: String,
}

/// A dispensation.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DispensationInput {
    /// The member.
    pub member: String,
    /// The agenda item.
    pub item: u32,
    /// What was granted, by whom.
    pub details: String,
}

/// A Forward Plan already published (`cabrep forward-plan --previous FILE`): its date and the
/// references it carried.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "cabrep previous forward plan")]
pub struct PreviousPlanFile {
    /// Format version, `cabrep/forward-plan/v1`.
    #[schemars(regex(pattern = r"^\s*cabrep/forward-plan/v1\s*$"))]
    pub schema: Option<String>,
    /// The date the plan was published.
    pub published: IsoDate,
    /// The Forward Plan references it carried.
    pub references: Vec<String>,
}
