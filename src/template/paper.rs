//! The paper a template defines (`[paper]` in `template.toml`): which parts its papers have, in
//! what order, which are required, optional or absent; how deep sections are numbered; whether
//! their paragraphs are numbered (2.1, 2.2; sub-paragraphs 2.2.1, (a) or i.); whether a contents
//! list appears; and where recommendations stand. Validation follows it (a field for a
//! part the paper does not have is an error naming the template) and assembly prints the parts in
//! its order. A template without `[paper]` defines the cabinet report, so older template folders
//! keep working unchanged.
//!
//! This room holds the definition and its checks only; it never reads a paper.

use serde::{Deserialize, Serialize};

/// A part a paper may have, in the words of `template.toml` and of the paper's own fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartName {
    /// A cover page: the body, the title, the kind of paper, its period and month (`cover:`).
    Cover,
    /// The header block: agenda item, body, date, who the report is from, decision type, Forward
    /// Plan reference (`report_of:`, `decision:`).
    Header,
    /// The portfolio line of the header (`portfolio:`).
    Portfolio,
    /// The title, as the paper's main heading.
    Title,
    /// SUMMARY (`summary:`).
    Summary,
    /// The reasons for the recommendations (`reasons:`).
    Reasons,
    /// The alternative options considered and rejected (`options:`).
    Options,
    /// RECOMMENDATIONS, listed together (`recommendations:`, and any that stand in sections).
    Recommendations,
    /// The numbered sections (`sections:`).
    Sections,
    /// The implications, in the template's `[[implications]]` order (`implications:`).
    Implications,
    /// The risk assessment (`risk:`).
    Risk,
    /// WARDS AFFECTED (`wards:`).
    Wards,
    /// BACKGROUND PAPERS (`background_papers:`).
    BackgroundPapers,
    /// The contact officer's block (`contact:`).
    Contact,
    /// The front sheet: the template's `[front_sheet]` fields, as lines or a labelled table
    /// (`front_sheet:`).
    FrontSheet,
    /// The author's sign-off: name, post, date (`sign_off:`).
    SignOff,
    /// Appendices (`appendices:`).
    Appendices,
}

impl PartName {
    /// The paper's field that holds the part (`None` for the title, which every paper has).
    pub fn field(self) -> Option<&'static str> {
        Some(match self {
            PartName::Cover => "cover",
            PartName::Header => "report_of",
            PartName::Portfolio => "portfolio",
            PartName::Title => return None,
            PartName::Summary => "summary",
            PartName::Reasons => "reasons",
            PartName::Options => "options",
            PartName::Recommendations => "recommendations",
            PartName::Sections => "sections",
            PartName::Implications => "implications",
            PartName::Risk => "risk",
            PartName::Wards => "wards",
            PartName::BackgroundPapers => "background_papers",
            PartName::Contact => "contact",
            PartName::SignOff => "sign_off",
            PartName::FrontSheet => "front_sheet",
            PartName::Appendices => "appendices",
        })
    }

    /// The `[headings]` key of the part's heading, for parts printed under one.
    pub fn heading_key(self) -> Option<&'static str> {
        Some(match self {
            PartName::Summary => "summary",
            PartName::Reasons => "reasons",
            PartName::Options => "options",
            PartName::Recommendations => "recommendations",
            PartName::Risk => "risk",
            PartName::Wards => "wards",
            PartName::BackgroundPapers => "background_papers",
            PartName::Appendices => "appendices",
            _ => return None,
        })
    }

    /// Every part, in the cabinet report's order.
    pub const ALL: [PartName; 17] = [
        PartName::Cover,
        PartName::Header,
        PartName::FrontSheet,
        PartName::Portfolio,
        PartName::Title,
        PartName::Summary,
        PartName::Reasons,
        PartName::Options,
        PartName::Recommendations,
        PartName::Sections,
        PartName::Implications,
        PartName::Risk,
        PartName::Wards,
        PartName::BackgroundPapers,
        PartName::Contact,
        PartName::SignOff,
        PartName::Appendices,
    ];
}

/// Whether a paper has a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Use {
    /// Every paper has it: a paper without it is an error.
    Required,
    /// A paper may have it; without it, nothing is printed.
    Optional,
    /// The paper has no such part: writing it is an error.
    Absent,
}

/// One part of the paper, as `template.toml` lists it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartUse {
    /// Which part.
    pub part: PartName,
    /// Whether the paper must, may or must not have it.
    #[serde(rename = "use")]
    pub use_: Use,
}

/// When a contents list follows the title (a paper's own `contents:` overrides it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentsRule {
    /// When the paper runs past the template's `page_guide`.
    #[default]
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Whether the body paragraphs of sections are numbered (`[paper] paragraph_numbers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParagraphNumbers {
    /// Not numbered.
    #[default]
    None,
    /// Numbered within their section: "2.1", "2.2" in section 2.
    Section,
}

/// How the items of an ordered list under a numbered paragraph are numbered
/// (`[paper] sub_paragraph_numbers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubParagraphNumbers {
    /// Below the paragraph's number: "2.3.1", "2.3.2".
    #[default]
    Decimal,
    /// Lettered: "(a)", "(b)".
    Alpha,
    /// Lower-case roman numerals: "i.", "ii.".
    Roman,
}

/// `[paper]`: the parts of a template's papers and how they are numbered.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Paper {
    /// The parts, in print order. A part not listed is absent.
    pub parts: Vec<PartUse>,
    /// How many levels of headings in a section are numbered: 0 none, 1 the sections alone
    /// ("2."); 3 the sub-headings below them too ("2.1", "2.1.1").
    #[serde(default = "one")]
    pub number_depth: u8,
    /// When a contents list appears.
    #[serde(default)]
    pub contents: ContentsRule,
    /// Recommendations typed in a section (`- recommendation: …` in its body) are printed where
    /// they stand, numbered across the paper; with this set they are also listed together under
    /// the RECOMMENDATIONS part (when the paper has one).
    #[serde(default)]
    pub list_recommendations_from_sections: bool,
    /// Whether the body paragraphs of sections are numbered within their section.
    #[serde(default, skip_serializing_if = "is_default")]
    pub paragraph_numbers: ParagraphNumbers,
    /// How the items of an ordered list under a numbered paragraph are numbered.
    #[serde(default, skip_serializing_if = "is_default")]
    pub sub_paragraph_numbers: SubParagraphNumbers,
    /// How the implications print: each under its own heading, or one numbered section with
    /// sub-numbered headings.
    #[serde(default)]
    pub implications: super::ImplicationsLayout,
    /// Whether a key decision must give its Forward Plan reference (`forward_plan_ref`). A
    /// council that prints none sets this false; the Forward Plan then lists such a decision
    /// without a reference line.
    #[serde(default = "yes")]
    pub forward_plan_ref_required: bool,
}

fn is_default<T: Default + PartialEq>(v: &T) -> bool {
    *v == T::default()
}

fn one() -> u8 {
    1
}

fn yes() -> bool {
    true
}

/// The deepest numbering a template may ask for (sections and two levels below them: "2.1.1";
/// the Markdown's `####` is the third).
pub const MAX_NUMBER_DEPTH: u8 = 3;

impl Default for Paper {
    /// The cabinet report: every part but the cover and sign-off, required except options and
    /// appendices.
    fn default() -> Paper {
        let parts = PartName::ALL
            .iter()
            .filter_map(|&part| {
                let use_ = match part {
                    PartName::Cover | PartName::SignOff | PartName::FrontSheet => return None,
                    PartName::Options | PartName::Appendices => Use::Optional,
                    _ => Use::Required,
                };
                Some(PartUse { part, use_ })
            })
            .collect();
        Paper {
            parts,
            number_depth: 1,
            contents: ContentsRule::Auto,
            list_recommendations_from_sections: false,
            paragraph_numbers: ParagraphNumbers::None,
            sub_paragraph_numbers: SubParagraphNumbers::Decimal,
            implications: super::ImplicationsLayout::Headings,
            forward_plan_ref_required: true,
        }
    }
}

impl Paper {
    /// Whether the paper has a part, and how.
    pub fn use_of(&self, part: PartName) -> Use {
        self.parts.iter().find(|p| p.part == part).map_or(Use::Absent, |p| p.use_)
    }

    /// Whether the paper may have a part at all.
    pub fn has(&self, part: PartName) -> bool {
        self.use_of(part) != Use::Absent
    }

    /// The definition's own problems, each naming its key: a part listed twice, a part with no
    /// title, a numbering depth out of range.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for (i, p) in self.parts.iter().enumerate() {
            if self.parts[..i].iter().any(|q| q.part == p.part) {
                problems.push(format!("[paper] parts: `{}` is listed twice", part_word(p.part)));
            }
        }
        if self.use_of(PartName::Title) != Use::Required {
            problems
                .push("[paper] parts: every paper has a title; list `{ part = \"title\", use = \"required\" }`".into());
        }
        if self.number_depth > MAX_NUMBER_DEPTH {
            problems.push(format!("[paper] number_depth: must be 0 to {MAX_NUMBER_DEPTH}, not {}", self.number_depth));
        }
        if self.paragraph_numbers != ParagraphNumbers::None && self.number_depth > 1 {
            problems.push(format!(
                "[paper] paragraph_numbers: numbered paragraphs (2.1, 2.2) and numbered sub-headings \
                 (number_depth = {}) would share their numbers; set number_depth = 1",
                self.number_depth
            ));
        }
        problems
    }
}

/// A part's name as `template.toml` writes it.
pub fn part_word(p: PartName) -> String {
    serde_json::to_value(p).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_paper_is_the_cabinet_report_in_its_order() {
        let p = Paper::default();
        let order: Vec<String> = p.parts.iter().map(|u| part_word(u.part)).collect();
        assert_eq!(
            order,
            [
                "header",
                "portfolio",
                "title",
                "summary",
                "reasons",
                "options",
                "recommendations",
                "sections",
                "implications",
                "risk",
                "wards",
                "background_papers",
                "contact",
                "appendices"
            ]
        );
        assert_eq!(p.use_of(PartName::Options), Use::Optional);
        assert_eq!(p.use_of(PartName::Risk), Use::Required);
        assert_eq!(p.use_of(PartName::Cover), Use::Absent);
        assert!(p.problems().is_empty());
    }

    #[test]
    fn the_cabinet_template_writes_out_the_default_paper() {
        let t = crate::template::Template::builtin().expect("builtin");
        assert_eq!(t.settings.paper, Paper::default());
    }

    #[test]
    fn a_paper_listing_a_part_twice_or_numbering_too_deep_is_refused_naming_the_key() {
        let mut p = Paper::default();
        p.parts.push(PartUse { part: PartName::Risk, use_: Use::Optional });
        p.number_depth = 4;
        let problems = p.problems();
        assert!(problems.iter().any(|m| m == "[paper] parts: `risk` is listed twice"), "{problems:?}");
        assert!(problems.iter().any(|m| m.starts_with("[paper] number_depth: must be 0 to 3")), "{problems:?}");
    }

    #[test]
    fn numbered_paragraphs_with_numbered_sub_headings_are_refused_naming_the_key() {
        let mut p = Paper { paragraph_numbers: ParagraphNumbers::Section, ..Paper::default() };
        assert!(p.problems().is_empty(), "{:?}", p.problems());
        p.number_depth = 2;
        let problems = p.problems();
        assert!(problems.iter().any(|m| m.starts_with("[paper] paragraph_numbers:")), "{problems:?}");
        let from_toml: Paper = toml::from_str(
            "parts = [{ part = \"title\", use = \"required\" }]\nparagraph_numbers = \"section\"\nsub_paragraph_numbers = \"roman\"",
        )
        .expect("parses");
        assert_eq!(from_toml.sub_paragraph_numbers, SubParagraphNumbers::Roman);
    }
}
