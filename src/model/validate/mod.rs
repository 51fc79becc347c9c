//! Validation: raw input → [`Report`], collecting every problem instead of stopping at the first.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use time::Date;

use super::rich_text::{self, RichText, Xrefs};
use super::*;
use crate::diag::Problem;
use crate::house::round_half_up;
use crate::input::picture::Pictures;
use crate::input::shapes::{Amount, TextOr, TextOrSeq};
use crate::input::types::{self as raw, IsoDate, Mission, ReportFile};
use crate::input::Scale;
use crate::template::{Paper, PartName, RiskBand, Use};
use crate::tree::{Block, List, Paragraph, ParagraphStyle};

mod fields;
mod numbered;
mod parts;
mod rules;
mod sections;

pub use rules::Rules;

/// Amounts in a financial table are below this (a quadrillion, in the table's unit): far beyond
/// any council's budget, and well inside what a decimal holds when a column is added up.
const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// Measures (plain numbers in a mission update) are below this in size.
const MAX_MEASURE: f64 = 1e15;

/// Validates a report. `register` is the missions register when it came from a file
/// (inline registers are read from the report itself); `pictures` is where the pictures its
/// Markdown places are read from (`None`: a picture is an error).
pub fn validate_report(
    file: &ReportFile,
    register: Option<&[Mission]>,
    rules: &Rules,
    base_dir: &Path,
    pictures: Option<Pictures>,
) -> Validated<Report> {
    let mut v = Checker { problems: Vec::new(), register_file_failed: false, paragraph_numbers: None };
    let r = v.report(file, register, rules, base_dir, pictures);
    let has_errors = v.problems.iter().any(|p| p.severity == crate::diag::Severity::Error);
    Validated { value: if has_errors { None } else { Some(r) }, problems: v.problems }
}

struct Checker {
    problems: Vec<Problem>,
    /// The report names a register file that the caller could not read (and has reported).
    register_file_failed: bool,
    /// Sections' paragraphs are numbered (the template's `paragraph_numbers`), their
    /// sub-paragraphs as this says.
    paragraph_numbers: Option<crate::tree::SubNumbering>,
}

impl Checker {
    fn err(&mut self, path: impl Into<String>, msg: impl Into<String>) -> &mut Problem {
        self.problems.push(Problem::error(path, msg));
        self.problems.last_mut().expect("just pushed")
    }

    fn warn(&mut self, path: impl Into<String>, msg: impl Into<String>) -> &mut Problem {
        self.problems.push(Problem::warning(path, msg));
        self.problems.last_mut().expect("just pushed")
    }

    fn text(&mut self, path: &str, s: &str) -> String {
        if s.trim().is_empty() {
            self.err(path, "must not be empty").help =
                Some("write the text, or leave the field out if it is optional".into());
        }
        s.trim().to_owned()
    }

    /// Checks a part against the template's paper: written where the paper has no such part is
    /// an error at its key; missing where the paper requires it is an error too. Returns whether
    /// the part is written and the paper has it (so it is read).
    fn part(&mut self, rules: &Rules, part: PartName, present: bool) -> bool {
        let field = part.field().unwrap_or("title");
        let what = part_noun(part);
        match (rules.paper.use_of(part), present) {
            (Use::Absent, true) => {
                self.absent(rules, field, what);
                false
            }
            (Use::Required, false) => {
                self.missing(rules, field, what);
                false
            }
            (_, present) => present,
        }
    }

    /// `value`, when it is written and the template's papers have the part; otherwise `None`,
    /// with an error for an absent part written or a required part missing.
    fn written<'t, T>(&mut self, rules: &Rules, part: PartName, value: Option<&'t T>) -> Option<&'t T> {
        if self.part(rules, part, value.is_some()) {
            value
        } else {
            None
        }
    }

    /// `field:` is written, but the template's papers have no such part.
    fn absent(&mut self, rules: &Rules, field: &str, what: &str) {
        let name = &rules.template_name;
        let e = self.err(field, format!("the {name} template has no {what}"));
        e.at_key = true;
        e.help = Some(format!("remove `{field}:`, or name a template whose papers have one (`template: cabinet`)"));
    }

    /// `field:` is missing, and the template's papers require it.
    fn missing(&mut self, rules: &Rules, field: &str, what: &str) {
        let name = &rules.template_name;
        self.err("", format!("missing field `{field}`")).help =
            Some(format!("the {name} template's papers have {}: add `{field}:` to the file", with_article(what)));
    }

    fn date(&mut self, path: &str, d: &IsoDate) -> Date {
        d.date(path).unwrap_or_else(|p| {
            self.problems.push(p);
            time::macros::date!(2000 - 01 - 01)
        })
    }

    fn rich(&mut self, path: &str, md: &str, xrefs: &Xrefs, required: bool) -> RichText {
        if required && md.trim().is_empty() {
            let field = path.rsplit('.').next().unwrap_or(path).split('[').next().unwrap_or(path);
            self.err(path, "must not be empty").help = Some(format!("write the text after `{field}:`"));
        }
        rich_text::parse(md, xrefs, path, &mut self.problems)
    }

    fn report(
        &mut self,
        f: &ReportFile,
        register: Option<&[Mission]>,
        rules: &Rules,
        base: &Path,
        pictures: Option<Pictures>,
    ) -> Report {
        if let Some(s) = &f.schema {
            if s != "cabrep/report/v1" {
                self.err("schema", format!("unknown format `{s}`")).help =
                    Some("this version reads `cabrep/report/v1`".into());
            }
        }
        let paper = &rules.paper;
        let body = self.text("meeting.body", &f.meeting.body);
        let date = self.date("meeting.date", &f.meeting.date);
        let council = self.council(f, rules);
        let has_header = self.part(rules, PartName::Header, f.report_of.is_some());
        let report_of = f.report_of.as_ref().filter(|_| has_header).map(|r| self.text("report_of", r));
        if let (Some(_), false) = (&f.decision, paper.has(PartName::Header)) {
            self.absent(rules, "decision", "decision type");
        } else if f.decision.is_none() && paper.use_of(PartName::Header) == Use::Required {
            self.missing(rules, "decision", "a decision type (`decision: cabinet`, `key`, …)");
        }
        let decision = f.decision.unwrap_or(DecisionKind::Information);
        for (field, present) in [
            ("agenda_item", f.agenda_item.is_some()),
            ("forward_plan_ref", f.forward_plan_ref.is_some()),
            ("key_reason", f.key_reason.is_some()),
        ] {
            if present && !paper.has(PartName::Header) {
                self.absent(rules, field, "header block");
            }
        }
        let title = self.text("title", &f.title);
        let portfolio = self.written(rules, PartName::Portfolio, f.portfolio.as_ref()).map(|p| Portfolio {
            title: self.text("portfolio.title", &p.title),
            holder: self.text("portfolio.holder", &p.holder),
        });
        if f.decision_maker == Some(DecisionMaker::PortfolioHolder) && portfolio.is_none() && f.portfolio.is_none() {
            self.err("decision_maker", "the portfolio holder takes the decision, but the paper names no portfolio")
                .help = Some("add `portfolio: { title: …, holder: … }`, or remove `decision_maker:`".into());
        }
        let cover = self.written(rules, PartName::Cover, f.cover.as_ref()).map(|c| Cover {
            kind: self.text("cover.kind", &c.kind),
            period: c.period.as_ref().map(|p| self.text("cover.period", p)),
            month: match &c.month {
                Some(m) => self.text("cover.month", m),
                None => crate::house::month_year(date),
            },
        });
        let sign_off = self.written(rules, PartName::SignOff, f.sign_off.as_ref()).map(|so| SignOff {
            name: self.text("sign_off.name", &so.name),
            post: self.text("sign_off.post", &so.post),
            date: self.date("sign_off.date", &so.date),
        });
        if decision == DecisionKind::Key
            && paper.forward_plan_ref_required
            && f.forward_plan_ref.as_deref().is_none_or(|s| crate::model::forward_plan::reference_key(s).is_empty())
        {
            self.err("decision", "a key decision needs a Forward Plan reference").help =
                Some("add `forward_plan_ref: FP/2024/017` (the reference in the Forward Plan)".into());
        }
        let key_reason = self.key_reason(f, decision);
        let exempt = self.exempt(f);

        // Missions register: inline or from the file the caller loaded.
        let inline;
        let register: Option<&[Mission]> = match &f.missions {
            Some(TextOrSeq::Seq(list)) => {
                inline = list.clone();
                self.check_register(&inline, "missions");
                Some(&inline)
            }
            Some(TextOrSeq::Text(_)) => {
                self.register_file_failed = register.is_none();
                register
            }
            None => None,
        };

        // Section numbers and ids first: cross-references anywhere need them.
        let mut xrefs = self.section_xrefs(f, rules, pictures);
        self.paragraph_numbers = numbered::scheme(&rules.paper);
        self.paragraph_xrefs(f, &mut xrefs);
        let record_xrefs = Xrefs { around: rules.record_xref.clone(), ..xrefs.clone() };
        let summary = self
            .written(rules, PartName::Summary, f.summary.as_ref())
            .map(|md| self.rich("summary", md, &xrefs, true))
            .unwrap_or_default();
        let record_summary = f.record_summary.as_ref().map(|m| self.rich("record_summary", m, &record_xrefs, true));
        let reasons = self
            .written(rules, PartName::Reasons, f.reasons.as_ref())
            .map(|md| self.rich("reasons", md, &xrefs, true))
            .unwrap_or_default();
        let options =
            self.written(rules, PartName::Options, f.options.as_ref()).map(|o| self.rich("options", o, &xrefs, true));

        let (recommendations_lead, mut recommendations) = self.listed_recommendations(f, rules, &xrefs, &record_xrefs);

        if !paper.has(PartName::Sections) {
            if !f.sections.is_empty() {
                self.absent(rules, "sections", "numbered sections");
            }
        } else if f.sections.is_empty() {
            self.err("sections", "a report needs at least one section");
        }
        let mut sections = Vec::new();
        for (i, s) in f.sections.iter().enumerate() {
            sections.push(self.section(i, s, register, &xrefs, &mut recommendations));
        }
        let mission_summary = mission_summary(&sections);

        let implications = self
            .written(rules, PartName::Implications, f.implications.as_ref())
            .map(|i| self.implications(i, rules, &xrefs))
            .unwrap_or_default();
        let front_sheet = self
            .written(rules, PartName::FrontSheet, f.front_sheet.as_ref())
            .map(|fs| self.front_sheet(fs, rules, &xrefs))
            .unwrap_or_default();
        let risk = self.written(rules, PartName::Risk, f.risk.as_ref()).map(|r| self.risk(r, rules, &xrefs));
        let wards = self.written(rules, PartName::Wards, f.wards.as_ref()).map(|w| self.rich("wards", w, &xrefs, true));
        let background_papers =
            self.written(rules, PartName::BackgroundPapers, f.background_papers.as_ref()).map(|list| {
                list.iter().enumerate().map(|(i, p)| self.text(&format!("background_papers[{i}]"), p)).collect()
            });
        let contact = self.written(rules, PartName::Contact, f.contact.as_ref()).map(|c| self.contact(c));
        if f.appendices.is_some() {
            self.part(rules, PartName::Appendices, true);
        }
        if decision == DecisionKind::Key && f.contact.is_none() && paper.has(PartName::Contact) {
            self.err("decision", "a key decision needs a contact officer, whom the Forward Plan names").help =
                Some("add `contact: { name: …, post: …, phone: …, email: … }`".into());
        }
        let appendices = self.appendices(f, base, &xrefs);

        Report {
            template: f.template.clone(),
            body,
            date,
            council,
            council_own: f.meeting.council.is_some(),
            agenda_item: f.agenda_item,
            report_of,
            decision,
            forward_plan_ref: f.forward_plan_ref.as_ref().map(|s| s.trim().to_owned()),
            key_reason,
            decision_maker: f.decision_maker.unwrap_or_default(),
            portfolio,
            cover,
            title,
            exempt,
            summary,
            record_summary,
            record_xrefs,
            reasons,
            options,
            recommendations_lead,
            recommendations,
            sections,
            mission_summary,
            implications,
            front_sheet,
            risk,
            wards,
            background_papers,
            contact,
            sign_off,
            appendices,
            contents: f.contents,
        }
    }

    /// The council the paper is published by: its own `meeting: council:`, else the template's;
    /// with neither, an error saying where to name it (never a council by default).
    fn council(&mut self, f: &ReportFile, rules: &Rules) -> String {
        if let Some(own) = &f.meeting.council {
            return self.text("meeting.council", own);
        }
        match &rules.council {
            Some(c) => c.clone(),
            None => {
                self.err("meeting", format!("no council is named: the {} template names none", rules.template_name))
                    .help = Some(
                    "add `council: Example Borough Council` under `meeting:`, or `council = \"…\"` to the template's template.toml"
                        .into(),
                );
                String::new()
            }
        }
    }

    /// Section numbers by id, for cross-references anywhere in the paper; a duplicate or unusable
    /// id is reported.
    fn section_xrefs(&mut self, f: &ReportFile, rules: &Rules, pictures: Option<Pictures>) -> Xrefs {
        let mut xrefs = Xrefs {
            one: rules.section_word.0.clone(),
            many: rules.section_word.1.clone(),
            layout: rules.markdown,
            pictures,
            ..Default::default()
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, s) in f.sections.iter().enumerate() {
            if let Some(id) = &s.id {
                let path = format!("sections[{i}].id");
                if let Some(first) = seen.get(id) {
                    self.err(&path, format!("duplicate section id `{id}`")).help =
                        Some(format!("`sections[{first}]` already uses this id; ids must be unique"));
                } else if id.trim().is_empty() || id.contains([',', '#', ' ']) {
                    self.err(&path, format!("`{id}` is not a usable id")).help =
                        Some("use letters, digits and hyphens, e.g. `transformation`".into());
                } else {
                    seen.insert(id.clone(), i);
                    xrefs.numbers.insert(id.clone(), i as u32 + 1);
                }
            }
        }
        xrefs
    }

    /// The recommendations listed in their own part (lead and items), each with its resolution
    /// as the decision record will word it.
    fn listed_recommendations(
        &mut self,
        f: &ReportFile,
        rules: &Rules,
        xrefs: &Xrefs,
        record_xrefs: &Xrefs,
    ) -> (Option<String>, Vec<Recommendation>) {
        let listed = self.written(rules, PartName::Recommendations, f.recommendations.as_ref());
        let recommendations_lead = listed.and_then(|r| r.lead.clone());
        let listed_items: &[TextOr<raw::RecommendationInput>] = listed.map_or(&[], |r| &r.items);
        let in_sections = f
            .sections
            .iter()
            .flat_map(|s| match &s.body {
                Some(TextOrSeq::Seq(parts)) => parts.iter().collect::<Vec<_>>(),
                _ => Vec::new(),
            })
            .filter(|p| matches!(p, TextOr::Full(b) if b.recommendation.is_some()))
            .count();
        if listed.is_some() && listed_items.is_empty() && in_sections == 0 {
            self.err("recommendations.items", "a report needs at least one recommendation");
        }
        let mut recommendations = Vec::new();
        for (i, item) in listed_items.iter().enumerate() {
            let (text, note, path) = match item {
                TextOr::Text(t) => (t.as_str(), None, format!("recommendations.items[{i}]")),
                TextOr::Full(r) => (r.text.as_str(), r.note.as_deref(), format!("recommendations.items[{i}].text")),
            };
            let inl = rich_text::parse_inline(text, xrefs, &path, &mut self.problems);
            // The same text with cross-references as the record prints them; its problems are
            // the ones just reported.
            let as_recorded = rich_text::parse_inline(text, record_xrefs, &path, &mut Vec::new());
            let resolved = super::resolution::reword(&as_recorded, &rules.resolutions);
            if text.trim().is_empty() {
                self.err(&path, "must not be empty");
            } else if !rules.resolutions.starts_in_style(text) {
                // Written otherwise than the template's style: one warning, saying the style
                // and how the resolution will read.
                let first = text.trim_start().split(|c: char| !c.is_alphabetic()).next().unwrap_or("");
                let (message, help) = rules.resolutions.style_warning(first, &resolved);
                self.warn(&path, message).help = Some(help);
            } else {
                if resolved.kept {
                    let (message, help) = rules.resolutions.kept_warning(&resolved);
                    self.warn(&path, message).help = Some(help);
                }
                for (message, help) in resolved.warnings.iter().cloned() {
                    self.warn(&path, message).help = Some(help);
                }
            }
            let note = note.map(|n| self.rich(&format!("recommendations.items[{i}].note"), n, xrefs, true));
            recommendations.push(Recommendation {
                number: i as u32 + 1,
                text: inl,
                resolution: resolved.text,
                note,
                in_section: None,
            });
        }
        (recommendations_lead, recommendations)
    }

    /// `key_reason:`, read for a key decision only: on any other it is a warning at its key (the
    /// reason is not printed), never silently dropped.
    fn key_reason(&mut self, f: &ReportFile, decision: DecisionKind) -> Option<String> {
        let reason = f.key_reason.as_ref()?;
        if decision != DecisionKind::Key {
            self.warn(
                "key_reason",
                "the reason a decision is key is given, but the decision is not key: it is not printed",
            )
            .help = Some("remove `key_reason:`, or make the decision `decision: key`".into());
            return None;
        }
        Some(self.text("key_reason", reason))
    }

    /// `exempt:` as written: absent, written without a value (an error: the report is not
    /// published as if it were not exempt), or the exemption.
    fn exempt(&mut self, f: &ReportFile) -> Option<Exemption> {
        match &f.exempt {
            None => None,
            // Written but empty: the author meant the report to be exempt and has not said why.
            // Reading it as "not exempt" would publish it.
            Some(None) => {
                self.err("exempt", "`exempt:` has no value, so it cannot be told which paragraph of Schedule 12A applies").help = Some(
                    "say which paragraph applies, e.g. `exempt: { paragraphs: [3], reason: … }`; remove the `exempt:` line only if the report is for publication".into(),
                );
                None
            }
            Some(Some(e)) => Some(self.exemption(e)),
        }
    }

    /// The appendices, numbered; a file named must be a PDF beside the paper.
    fn appendices(&mut self, f: &ReportFile, base: &Path, xrefs: &Xrefs) -> Vec<Appendix> {
        f.appendices
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, a)| Appendix {
                number: i as u32 + 1,
                title: self.text(&format!("appendices[{i}].title"), &a.title),
                file: a.file.as_ref().map(|p| {
                    if !p.to_ascii_lowercase().ends_with(".pdf") {
                        self.err(format!("appendices[{i}].file"), "an appendix file must be a PDF");
                    }
                    base.join(p)
                }),
                body: a.body.as_ref().map(|b| self.rich(&format!("appendices[{i}].body"), b, xrefs, true)),
            })
            .collect()
    }
}

/// The mission status summary: a row per mission section, with its next milestone not yet
/// complete, when a paper has two or more mission sections.
fn mission_summary(sections: &[Section]) -> Vec<MissionSummaryRow> {
    if sections.iter().filter(|s| s.mission.is_some()).count() >= 2 {
        sections
            .iter()
            .filter_map(|s| {
                let m = s.mission.as_ref()?;
                let next = m
                    .milestones
                    .iter()
                    .filter(|ms| ms.status != Status::Complete)
                    .min_by_key(|ms| ms.due)
                    .map(|ms| (ms.name.clone(), ms.due));
                Some(MissionSummaryRow {
                    mission: m.name.clone(),
                    section: s.number,
                    status: m.status,
                    next_milestone: next,
                })
            })
            .collect()
    } else {
        Vec::new()
    }
}
/// A part as a message names it ("the hwb-discussion template has no portfolio").
fn part_noun(part: PartName) -> &'static str {
    match part {
        PartName::Cover => "cover page",
        PartName::Header => "header block",
        PartName::Portfolio => "portfolio",
        PartName::Title => "title",
        PartName::Summary => "summary",
        PartName::Reasons => "reasons for the recommendations",
        PartName::Options => "alternative options",
        PartName::Recommendations => "recommendations list",
        PartName::Sections => "numbered sections",
        PartName::Implications => "implications",
        PartName::Risk => "risk assessment",
        PartName::Wards => "wards affected part",
        PartName::BackgroundPapers => "background papers",
        PartName::Contact => "contact officer",
        PartName::SignOff => "sign-off",
        PartName::FrontSheet => "front sheet",
        PartName::Appendices => "appendices",
    }
}

/// "a portfolio", "an alternative options", "implications" (plural nouns take no article).
fn with_article(noun: &str) -> String {
    if noun.ends_with('s') && !noun.ends_with("ss") {
        noun.to_owned()
    } else if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        format!("an {noun}")
    } else {
        format!("a {noun}")
    }
}

/// "1 cell", "3 cells".
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// A UK number: 10 or 11 digits starting 0, or +44 followed by 9 or 10 digits; spaces,
/// hyphens and brackets allowed; an extension (`ext 123`) may follow.
pub fn looks_like_uk_phone(s: &str) -> bool {
    let main = s.split(|c: char| c.is_alphabetic()).next().unwrap_or("");
    if main.chars().any(|c| !(c.is_ascii_digit() || " -()+".contains(c))) {
        return false;
    }
    let digits: String = main.chars().filter(char::is_ascii_digit).collect();
    if main.trim_start().starts_with("+44") {
        let rest = digits.strip_prefix("44").unwrap_or("");
        let rest = rest.strip_prefix('0').unwrap_or(rest);
        (9..=10).contains(&rest.len())
    } else {
        digits.starts_with('0') && (10..=11).contains(&digits.len())
    }
}

#[cfg(test)]
mod tests {
    use super::looks_like_uk_phone;

    #[test]
    fn uk_phone_numbers() {
        assert!(looks_like_uk_phone("01642 527657"));
        assert!(looks_like_uk_phone("+44 (0)1642 527657"));
        assert!(looks_like_uk_phone("07700 900123"));
        assert!(!looks_like_uk_phone("12345"));
        assert!(!looks_like_uk_phone("call me"));
        assert!(!looks_like_uk_phone("555-1234-567"));
    }
}
