//! Validation: raw input → [`Report`], collecting every problem instead of stopping at the first.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use time::Date;

use super::rich_text::{self, RichText, Xrefs};
use super::*;
use crate::diag::Problem;
use crate::house::round_half_up;
use crate::input::shapes::{Amount, TextOr, TextOrSeq};
use crate::input::types::{self as raw, IsoDate, Mission, ReportFile};
use crate::input::Scale;
use crate::template::RiskBand;

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
    pub resolutions: super::resolution::Wording,
    /// Text around a cross-reference in a resolution: ("", " of the report").
    pub record_xref: (String, String),
}

impl Rules {
    /// Rules from a template.
    pub fn from_template(t: &crate::template::Template) -> Rules {
        let verbs: Vec<String> = RECOMMENDATION_VERBS.iter().map(|s| s.to_string()).collect();
        Rules {
            bands: t.settings.risk_bands.clone(),
            section_word: (t.label("section").to_owned(), t.label("sections").to_owned()),
            resolutions: super::resolution::Wording::from_table(&t.settings.resolutions, &verbs),
            verbs,
            record_xref: t.record_cross_ref(),
            coverage: std::sync::Arc::new(t.char_coverage()),
            font: t.settings.style.font.clone(),
            amount_decimals: t.settings.amount_decimals,
        }
    }
}

/// Amounts in a financial table are below this (a quadrillion, in the table's unit): far beyond
/// any council's budget, and well inside what a decimal holds when a column is added up.
const MAX_AMOUNT: i64 = 1_000_000_000_000_000;

/// Measures (plain numbers in a mission update) are below this in size.
const MAX_MEASURE: f64 = 1e15;

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

/// Validates a report. `register` is the missions register when it came from a file
/// (inline registers are read from the report itself).
pub fn validate_report(
    file: &ReportFile,
    register: Option<&[Mission]>,
    rules: &Rules,
    base_dir: &Path,
) -> Validated<Report> {
    let mut v = Checker { problems: Vec::new(), register_file_failed: false };
    let r = v.report(file, register, rules, base_dir);
    let has_errors = v.problems.iter().any(|p| p.severity == crate::diag::Severity::Error);
    Validated { value: if has_errors { None } else { Some(r) }, problems: v.problems }
}

struct Checker {
    problems: Vec<Problem>,
    /// The report names a register file that the caller could not read (and has reported).
    register_file_failed: bool,
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

    fn report(&mut self, f: &ReportFile, register: Option<&[Mission]>, rules: &Rules, base: &Path) -> Report {
        if let Some(s) = &f.schema {
            if s != "cabrep/report/v1" {
                self.err("schema", format!("unknown format `{s}`")).help =
                    Some("this version reads `cabrep/report/v1`".into());
            }
        }
        let body = self.text("meeting.body", &f.meeting.body);
        let date = self.date("meeting.date", &f.meeting.date);
        let report_of = self.text("report_of", &f.report_of);
        let title = self.text("title", &f.title);
        let portfolio = Portfolio {
            title: self.text("portfolio.title", &f.portfolio.title),
            holder: self.text("portfolio.holder", &f.portfolio.holder),
        };
        if f.decision == DecisionKind::Key && f.forward_plan_ref.as_deref().is_none_or(|s| s.trim().is_empty()) {
            self.err("decision", "a key decision needs a Forward Plan reference").help =
                Some("add `forward_plan_ref: FP/2024/017` (the reference in the Forward Plan)".into());
        }
        let exempt = match &f.exempt {
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
        };

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
        let mut xrefs =
            Xrefs { one: rules.section_word.0.clone(), many: rules.section_word.1.clone(), ..Default::default() };
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

        let record_xrefs = Xrefs { around: rules.record_xref.clone(), ..xrefs.clone() };
        let summary = self.rich("summary", &f.summary, &xrefs, true);
        let record_summary = f.record_summary.as_ref().map(|m| self.rich("record_summary", m, &record_xrefs, true));
        let reasons = self.rich("reasons", &f.reasons, &xrefs, true);
        let options = f.options.as_ref().map(|o| self.rich("options", o, &xrefs, true));

        let recommendations_lead = f.recommendations.lead.clone();
        if f.recommendations.items.is_empty() {
            self.err("recommendations.items", "a report needs at least one recommendation");
        }
        let mut recommendations = Vec::new();
        for (i, item) in f.recommendations.items.iter().enumerate() {
            let (text, note, path) = match item {
                TextOr::Text(t) => (t.as_str(), None, format!("recommendations.items[{i}]")),
                TextOr::Full(r) => (r.text.as_str(), r.note.as_deref(), format!("recommendations.items[{i}].text")),
            };
            let mut verb = false;
            if text.trim().is_empty() {
                self.err(&path, "must not be empty");
            } else {
                let first = text.trim_start().split(|c: char| !c.is_alphabetic()).next().unwrap_or("");
                verb = rules.verbs.iter().any(|v| v.eq_ignore_ascii_case(first));
                if !verb {
                    self.warn(&path, format!("recommendation starts with `{first}`, not a verb")).help =
                        Some("start with what the body is asked to do: Agree, Approve, Note, Delegate, …".into());
                }
            }
            let inl = rich_text::parse_inline(text, &xrefs, &path, &mut self.problems);
            // The same text with cross-references as the record prints them; its problems are
            // the ones just reported.
            let as_recorded = rich_text::parse_inline(text, &record_xrefs, &path, &mut Vec::new());
            let resolved = super::resolution::reword(&as_recorded, &rules.resolutions);
            if verb {
                for (message, help) in resolved.warnings {
                    self.warn(&path, message).help = Some(help);
                }
            }
            let note = note.map(|n| self.rich(&format!("recommendations.items[{i}].note"), n, &xrefs, true));
            recommendations.push(Recommendation { number: i as u32 + 1, text: inl, resolution: resolved.text, note });
        }

        if f.sections.is_empty() {
            self.err("sections", "a report needs at least one section");
        }
        let mut sections = Vec::new();
        for (i, s) in f.sections.iter().enumerate() {
            sections.push(self.section(i, s, register, &xrefs));
        }
        let mission_summary = if sections.iter().filter(|s| s.mission.is_some()).count() >= 2 {
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
                        mission: s.title.clone(),
                        section: s.number,
                        status: m.status,
                        next_milestone: next,
                    })
                })
                .collect()
        } else {
            Vec::new()
        };

        let implications = self.implications(&f.implications, &xrefs, rules.amount_decimals);
        let risk = self.risk(&f.risk, rules, &xrefs);
        let wards = self.rich("wards", &f.wards, &xrefs, true);
        let background_papers: Vec<String> = f
            .background_papers
            .iter()
            .enumerate()
            .map(|(i, p)| self.text(&format!("background_papers[{i}]"), p))
            .collect();
        let contact = self.contact(&f.contact);
        let appendices = f
            .appendices
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
                body: a.body.as_ref().map(|b| self.rich(&format!("appendices[{i}].body"), b, &xrefs, true)),
            })
            .collect();

        Report {
            body,
            date,
            agenda_item: f.agenda_item,
            report_of,
            decision: f.decision,
            forward_plan_ref: f.forward_plan_ref.as_ref().map(|s| s.trim().to_owned()),
            decision_maker: f.decision_maker.unwrap_or_default(),
            portfolio,
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
            risk,
            wards,
            background_papers,
            contact,
            appendices,
            contents: f.contents,
        }
    }

    fn exemption(&mut self, e: &raw::Exemption) -> Exemption {
        if e.paragraphs.is_empty() {
            self.err("exempt.paragraphs", "name at least one paragraph of Schedule 12A (1 to 7)");
        }
        for (i, p) in e.paragraphs.iter().enumerate() {
            if e.paragraphs[..i].contains(p) {
                self.warn(format!("exempt.paragraphs[{i}]"), format!("paragraph {p} is named twice")).help =
                    Some("name each paragraph of Schedule 12A once".into());
            }
            if !(1..=7).contains(p) {
                self.err(
                    format!("exempt.paragraphs[{i}]"),
                    format!("paragraph {p} is not in Part 1 of Schedule 12A"),
                )
                .help = Some("Schedule 12A has paragraphs 1 to 7".into());
            }
        }
        let reason = self.text("exempt.reason", &e.reason);
        Exemption { paragraphs: e.paragraphs.clone(), reason }
    }

    fn check_register(&mut self, missions: &[Mission], path: &str) {
        let mut seen = HashSet::new();
        for (i, m) in missions.iter().enumerate() {
            if !seen.insert(m.id.as_str()) {
                self.err(format!("{path}[{i}].id"), format!("duplicate mission id `{}`", m.id));
            }
            self.text(&format!("{path}[{i}].name"), &m.name);
            self.text(&format!("{path}[{i}].aim"), &m.aim);
        }
    }

    fn section(&mut self, i: usize, s: &raw::SectionInput, register: Option<&[Mission]>, xrefs: &Xrefs) -> Section {
        let p = format!("sections[{i}]");
        let mut title = String::new();
        let mut mission = None;
        match (&s.title, &s.mission) {
            (Some(_), Some(_)) => {
                self.err(format!("{p}.title"), "a mission section takes its title from the register").help =
                    Some("remove `title:` or `mission:`".into());
            }
            (None, None) => {
                self.err(&p, "a section needs a `title` (or a `mission` for a mission update)");
            }
            (Some(t), None) => {
                title = self.text(&format!("{p}.title"), t);
                if s.status.is_some() || s.milestones.is_some() || s.measures.is_some() {
                    self.err(format!("{p}.status"), "status, milestones and measures belong to mission sections")
                        .help = Some("add `mission: <id>` or remove them".into());
                }
            }
            (None, Some(id)) => {
                let found = register.and_then(|r| r.iter().find(|m| &m.id == id));
                match (register, found) {
                    (_, Some(m)) => title = m.name.clone(),
                    (Some(r), None) => {
                        let e = self.err(format!("{p}.mission"), format!("unknown mission `{id}`"));
                        e.help = crate::suggest::did_you_mean(id, r.iter().map(|m| m.id.as_str()))
                            .map(|s| format!("did you mean `{s}`?"))
                            .or_else(|| Some("add it to the missions register".into()));
                    }
                    // A register file was named but could not be read: that is reported already.
                    (None, None) if self.register_file_failed => {}
                    (None, None) => {
                        self.err(format!("{p}.mission"), "a mission section needs a missions register").help =
                            Some("add `missions: missions.yaml` (or an inline list) to the report".into());
                    }
                }
                let status = match s.status {
                    Some(st) => st,
                    None => {
                        self.err(format!("{p}.status"), "a mission section needs a status").help =
                            Some("one of on-track, at-risk, off-track, complete, not-started".into());
                        Status::NotStarted
                    }
                };
                let milestones = s
                    .milestones
                    .iter()
                    .flatten()
                    .enumerate()
                    .map(|(j, m)| MilestoneEntry {
                        name: self.text(&format!("{p}.milestones[{j}].name"), &m.name),
                        due: self.date(&format!("{p}.milestones[{j}].due"), &m.due),
                        status: m.status,
                    })
                    .collect();
                let measures = s
                    .measures
                    .iter()
                    .flatten()
                    .enumerate()
                    .map(|(j, m)| {
                        for (field, q) in [("baseline", &m.baseline), ("target", &m.target), ("current", &m.current)] {
                            if let Some(Quantity::Number(n)) = q {
                                if !(n.is_finite() && n.abs() < MAX_MEASURE) {
                                    self.err(format!("{p}.measures[{j}].{field}"), format!("`{n:e}` is too large a number to print")).help =
                                        Some("write a number with at most 15 digits before the decimal point, or text such as \"£9m\"".into());
                                }
                            }
                        }
                        MeasureEntry {
                            name: self.text(&format!("{p}.measures[{j}].name"), &m.name),
                            baseline: quantity_text(&m.baseline),
                            target: quantity_text(&m.target),
                            current: quantity_text(&m.current),
                        }
                    })
                    .collect();
                mission = Some(MissionUpdate {
                    id: id.clone(),
                    aim: found.map(|m| m.aim.clone()).unwrap_or_default(),
                    status,
                    milestones,
                    measures,
                });
            }
        }
        let mut body = Vec::new();
        match &s.body {
            None => {
                self.warn(&p, "section has no text").help = Some("add `body:` with the section's text".into());
            }
            Some(TextOrSeq::Text(md)) => {
                if md.trim().is_empty() {
                    self.warn(format!("{p}.body"), "section has no text");
                }
                body = self.rich(&format!("{p}.body"), md, xrefs, false);
            }
            Some(TextOrSeq::Seq(parts)) => {
                for (j, part) in parts.iter().enumerate() {
                    let pp = format!("{p}.body[{j}]");
                    match part {
                        TextOr::Text(md) => body.extend(self.rich(&pp, md, xrefs, true)),
                        TextOr::Full(t) => body.push(self.table(&format!("{pp}.table"), &t.table, xrefs)),
                    }
                }
            }
        }
        Section { number: i as u32 + 1, id: s.id.clone(), title, mission, body }
    }

    fn table(&mut self, p: &str, t: &raw::TableInput, xrefs: &Xrefs) -> crate::tree::Block {
        use crate::tree::{Align, Block, Column, Row, Table};
        if t.columns.is_empty() {
            self.err(format!("{p}.columns"), "a table needs at least one column");
        }
        if let Some(w) = &t.widths {
            if w.len() != t.columns.len() {
                self.err(
                    format!("{p}.widths"),
                    format!("{} for {}", count(w.len(), "width"), count(t.columns.len(), "column")),
                )
                .help = Some("give one width per column".into());
            }
            if let Some(i) = w.iter().position(|x| !(x.is_finite() && *x > 0.0)) {
                self.err(format!("{p}.widths[{i}]"), format!("width {} is not a positive number", w[i])).help =
                    Some("widths are relative, e.g. [2, 1] makes the first column twice as wide".into());
            }
        }
        let columns = t
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| Column {
                header: c.clone(),
                align: Align::Left,
                width: t.widths.as_ref().and_then(|w| w.get(i).copied()).filter(|x| *x > 0.0).unwrap_or(1.0),
                full: None,
            })
            .collect();
        let mut rows = Vec::new();
        for (r, row) in t.rows.iter().enumerate() {
            if row.len() != t.columns.len() {
                self.err(format!("{p}.rows[{r}]"), format!("row has {}; the table has {}", count(row.len(), "cell"), count(t.columns.len(), "column"))).help =
                    Some("give one cell per column (use \"\" for an empty cell); in a `[a, b]` row, quote a cell that holds a comma: `[\"Stockton, Billingham\", 3]`".into());
            }
            let cells = row
                .iter()
                .enumerate()
                .map(|(c, md)| rich_text::parse(md, xrefs, &format!("{p}.rows[{r}][{c}]"), &mut self.problems))
                .collect();
            rows.push(Row { cells, total: false });
        }
        Block::Table(Table { caption: t.caption.clone(), anchor: t.id.clone(), columns, rows })
    }

    fn implications(&mut self, f: &raw::Implications, xrefs: &Xrefs, max_decimals: u32) -> Vec<(String, Implication)> {
        let mut out = Vec::new();
        let plain = |c: &mut Self, key: &str, md: &str| {
            let text = c.rich(&format!("implications.{key}"), md, xrefs, true);
            (key.to_owned(), Implication { text, tables: Vec::new() })
        };
        out.push(plain(self, "community_impact", &f.community_impact));
        out.push(plain(self, "corporate_parenting", &f.corporate_parenting));
        out.push(match &f.financial {
            TextOr::Text(md) => plain(self, "financial", md),
            TextOr::Full(fin) => {
                let text = self.rich("implications.financial.text", &fin.text, xrefs, true);
                let tables = fin
                    .tables
                    .iter()
                    .enumerate()
                    .map(|(i, t)| self.financial_table(&format!("implications.financial.tables[{i}]"), t, max_decimals))
                    .collect();
                ("financial".to_owned(), Implication { text, tables })
            }
        });
        out.push(plain(self, "legal", &f.legal));
        if let Some(e) = &f.equality {
            out.push(plain(self, "equality", e));
        }
        if let Some(e) = &f.environment {
            out.push(plain(self, "environment", e));
        }
        out
    }

    fn financial_table(&mut self, p: &str, t: &raw::FinancialTableInput, max_decimals: u32) -> FinancialTable {
        let caption = self.text(&format!("{p}.caption"), &t.caption);
        if t.columns.is_empty() {
            self.err(format!("{p}.columns"), "a table needs at least one column");
        }
        let mut rows: Vec<(String, Vec<Decimal>)> = Vec::new();
        for (r, row) in t.rows.iter().enumerate() {
            if row.values.len() != t.columns.len() {
                self.err(
                    format!("{p}.rows[{r}].values"),
                    format!("{} for {}", count(row.values.len(), "value"), count(t.columns.len(), "column")),
                )
                .help = Some("give one value per column (0 for none)".into());
            }
            let values = row
                .values
                .iter()
                .enumerate()
                .map(|(c, v)| self.amount(&format!("{p}.rows[{r}].values[{c}]"), v))
                .collect();
            rows.push((row.label.clone(), values));
        }
        // One precision per column: the most decimals any of its values needs, up to the
        // template's limit; each value is rounded (half up) to it, and the total is the sum of
        // the values as printed, so the column adds up as printed.
        let decimals: Vec<u32> = (0..t.columns.len())
            .map(|c| {
                rows.iter()
                    .filter_map(|(_, v)| v.get(c))
                    .map(|d| d.normalize().scale())
                    .max()
                    .unwrap_or(0)
                    .min(max_decimals)
            })
            .collect();
        for (_, values) in &mut rows {
            for (v, &places) in values.iter_mut().zip(&decimals) {
                *v = round_half_up(*v, places);
            }
        }
        let totals = t.total.then(|| {
            (0..t.columns.len())
                .map(|c| rows.iter().filter_map(|(_, v)| v.get(c)).fold(Decimal::ZERO, |sum, v| sum.saturating_add(*v)))
                .collect()
        });
        FinancialTable {
            caption,
            unit: t.unit.clone(),
            columns: t.columns.clone(),
            rows,
            decimals,
            totals,
            chart: t.chart,
        }
    }

    /// An amount as typed, read as an exact decimal: `1.005`, `-250`, `2.5e3`. Text, an
    /// infinity, or a number too large to be an amount (`1e308`) is an error.
    fn amount(&mut self, path: &str, a: &Amount) -> Decimal {
        let typed = a.0.trim();
        let digits = typed.strip_prefix('+').unwrap_or(typed);
        let numeric = !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
            && digits.chars().any(|c| c.is_ascii_digit());
        let shown: String = typed.chars().take(40).collect();
        if !numeric {
            self.err(path, format!("expected a number, found `{shown}`")).help =
                Some("write the amount as a number, e.g. 1500 or -250.5 (the unit goes in `unit:`)".into());
            return Decimal::ZERO;
        }
        let parsed = if digits.contains(['e', 'E']) {
            Decimal::from_scientific(digits)
        } else {
            Decimal::from_str_exact(digits)
        };
        // Too large, whether or not a decimal could hold it (`1e308` cannot), is its own error.
        let too_large = match &parsed {
            Ok(d) => d.abs() >= Decimal::from(MAX_AMOUNT),
            Err(_) => digits.parse::<f64>().is_ok_and(|f| f.abs() >= MAX_AMOUNT as f64),
        };
        match parsed {
            _ if too_large => {
                self.err(
                    path,
                    format!(
                        "`{shown}` is too large for an amount; amounts have at most 15 digits before the decimal point"
                    ),
                )
                .help = Some("write it in a larger unit (e.g. `unit: £m`)".into());
                Decimal::ZERO
            }
            Ok(d) => d,
            Err(_) => {
                self.err(path, format!("`{shown}` is not a number that can be printed exactly")).help =
                    Some("write the amount with at most 28 decimal places, e.g. 1500 or -250.5".into());
                Decimal::ZERO
            }
        }
    }

    fn risk(&mut self, f: &TextOr<raw::RiskInput>, rules: &Rules, xrefs: &Xrefs) -> RiskAssessment {
        match f {
            TextOr::Text(md) => {
                RiskAssessment { text: self.rich("risk", md, xrefs, true), register: RiskRegister::default() }
            }
            TextOr::Full(r) => {
                let text = self.rich("risk.text", &r.text, xrefs, true);
                let mut risks = Vec::new();
                for (i, e) in r.register.iter().enumerate() {
                    let p = format!("risk.register[{i}]");
                    for (scale, v) in [(Scale::LIKELIHOOD, e.likelihood), (Scale::IMPACT, e.impact)] {
                        if !Scale::contains(v) {
                            let field = scale.name;
                            self.err(format!("{p}.{field}"), format!("{field} must be {}, not {v}", Scale::range()))
                                .help = Some(scale.hint());
                        }
                    }
                    let score = Scale::clamp(e.likelihood) * Scale::clamp(e.impact);
                    let band = RiskBand::for_score(&rules.bands, score).map(|b| b.name.clone()).unwrap_or_default();
                    risks.push(Risk {
                        number: i as u32 + 1,
                        risk: self.text(&format!("{p}.risk"), &e.risk),
                        likelihood: e.likelihood,
                        impact: e.impact,
                        score,
                        band,
                        mitigation: self.rich(&format!("{p}.mitigation"), &e.mitigation, xrefs, true),
                        owner: self.text(&format!("{p}.owner"), &e.owner),
                    });
                }
                RiskAssessment { text, register: RiskRegister { risks } }
            }
        }
    }

    fn contact(&mut self, c: &Contact) -> Contact {
        let email = c.email.trim();
        let valid_email = {
            let mut parts = email.splitn(2, '@');
            let local = parts.next().unwrap_or("");
            let domain = parts.next().unwrap_or("");
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.contains(char::is_whitespace)
                && !domain.contains('@')
        };
        if !valid_email {
            self.err("contact.email", format!("`{email}` does not look like an email address")).help =
                Some("e.g. geraldine.brown@stockton.gov.uk".into());
        }
        let phone = c.phone.trim();
        if !looks_like_uk_phone(phone) {
            self.err("contact.phone", format!("`{phone}` does not look like a UK telephone number")).help =
                Some("e.g. 01642 527657 or +44 1642 527657".into());
        }
        Contact {
            name: self.text("contact.name", &c.name),
            post: self.text("contact.post", &c.post),
            phone: phone.to_owned(),
            email: email.to_owned(),
        }
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
