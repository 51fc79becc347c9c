//! What validation takes from the template ([`Rules`]), made once per template: risk bands,
//! wording, the parts its papers have, the characters its fonts print. It reads the template
//! only; it never reads or checks a paper.

use crate::model::rich_text;
use crate::template::{Paper, RiskBand};

/// What validation takes from the template.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Risk bands by score.
    pub bands: Vec<RiskBand>,
    /// "Section" / "Sections" for cross-references.
    pub section_word: (String, String),
    /// Words a recommendation usually starts with.
    pub verbs: Vec<String>,
    /// The characters the template's fonts can print (read from them once, when the rules are made).
    pub coverage: std::sync::Arc<crate::template::CharCoverage>,
    /// The house font's name, for messages.
    pub font: String,
    /// The most decimals an amount in a financial table is printed with.
    pub amount_decimals: u32,
    /// How recommendations are reworded as resolutions (`[resolutions]`).
    pub resolutions: crate::model::resolution::Wording,
    /// Text around a cross-reference in a resolution: ("", " of the report").
    pub record_xref: (String, String),
    /// The parts the template's papers have.
    pub paper: Paper,
    /// The implications the template declares, in print order.
    pub implications: Vec<crate::template::ImplicationHeading>,
    /// The front sheet the template declares.
    pub front_sheet: crate::template::FrontSheet,
    /// The template's name, for messages ("the hwb-discussion template has no portfolio").
    pub template_name: String,
    /// How authors' Markdown is laid out (the template's `[markdown]`).
    pub markdown: rich_text::Layout,
    /// The Proper Officer who signs a decision record when the meeting names none: name and
    /// post, from the template's `[decisions_record]`.
    pub proper_officer: Option<(String, String)>,
    /// The council the template names, if any (a paper's own `meeting: council:` wins).
    pub council: Option<String>,
}

impl Rules {
    /// Rules from a template.
    pub fn from_template(t: &crate::template::Template) -> Rules {
        let verbs: Vec<String> = RECOMMENDATION_VERBS.iter().map(|s| s.to_string()).collect();
        Rules {
            bands: t.settings.risk_bands.clone(),
            section_word: (t.label("section").to_owned(), t.label("sections").to_owned()),
            resolutions: crate::model::resolution::Wording::from_table(&t.settings.resolutions, &verbs),
            verbs,
            record_xref: t.record_cross_ref(),
            coverage: std::sync::Arc::new(t.char_coverage()),
            font: t.settings.style.font.clone(),
            amount_decimals: t.settings.amount_decimals,
            paper: t.settings.paper.clone(),
            implications: t.settings.implications.clone(),
            front_sheet: t.settings.front_sheet.clone(),
            template_name: t.name.clone(),
            markdown: rich_text::Layout {
                callout_quotes: t.settings.markdown.quote == crate::template::QuoteStyle::Callout,
                heading_depth: t.settings.markdown.heading_depth,
            },
            proper_officer: {
                let get =
                    |k: &str| t.settings.decisions_record.get(k).map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
                get("proper_officer_name").map(|name| (name, get("proper_officer_post").unwrap_or_default()))
            },
            council: t.settings.council.as_ref().map(|c| c.name.clone()),
        }
    }
}

const RECOMMENDATION_VERBS: &[&str] = &[
    "Agree",
    "Approve",
    "Note",
    "Delegate",
    "Endorse",
    "Consider",
    "Authorise",
    "Adopt",
    "Recommend",
    "Receive",
    "Support",
    "Request",
    "Instruct",
    "Confirm",
    "Accept",
    "Award",
    "Allocate",
    "Grant",
    "Refer",
    "Comment",
    "Welcome",
    "Ratify",
    "Release",
    "Establish",
    "Appoint",
    "Authorize",
    "Declare",
    "Dispose",
    "Acquire",
    "Commission",
    "Extend",
    "Continue",
    "Undertake",
    "Review",
    "Set",
];
