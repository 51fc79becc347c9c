//! Assembles the document tree of a report from the validated model and the template: the
//! order of parts, the wording of headings and labels, tables and figures with alt text (those
//! in [`tables`]).

use serde_json::json;

use crate::house::{and_list, long_date};
use crate::model::{self, Report, Status};
use crate::template::paper::ContentsRule;
use crate::template::{PartName, Template, Use};
use crate::tree::*;

pub use super::shell::Options;

mod tables;
pub use tables::{risk_matrix_alt, risk_matrix_bands, series_alt};

/// The blocks of one report (for a report on its own, or as an item of a pack).
pub(crate) fn report_blocks(r: &Report, t: &Template) -> Vec<Block> {
    count::note(&r.title);
    let mut a = Assembler { t, blocks: Vec::new() };
    a.report(r);
    a.blocks
}

/// How many times each report has been assembled, for the tests that hold a command to one
/// assembly of each report. Off unless a test turns it on; records only.
pub mod count {
    use std::collections::BTreeMap;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Mutex;

    static ON: AtomicBool = AtomicBool::new(false);
    static COUNTS: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

    /// Starts counting assemblies in this process.
    #[doc(hidden)]
    pub fn count_assemblies() {
        ON.store(true, Ordering::SeqCst);
    }

    /// How many times the report titled `title` has been assembled since [`count_assemblies`].
    #[doc(hidden)]
    pub fn assemblies_of(title: &str) -> usize {
        COUNTS.lock().map_or(0, |c| c.get(title).copied().unwrap_or(0))
    }

    pub(super) fn note(title: &str) {
        if ON.load(Ordering::Relaxed) {
            if let Ok(mut c) = COUNTS.lock() {
                *c.entry(title.to_owned()).or_insert(0) += 1;
            }
        }
    }
}

/// A rough page count: words at about 400 a page, plus table rows and figures.
pub fn estimate_pages(blocks: &[Block]) -> u32 {
    fn words(b: &Block) -> (usize, usize) {
        match b {
            Block::Paragraph(p) => (plain_text(&p.content).split_whitespace().count(), 0),
            Block::Numbered(n) => (plain_text(&n.content).split_whitespace().count() + 1, 0),
            Block::Heading(h) => (h.text.split_whitespace().count() + 20, 0),
            Block::List(l) => l.items.iter().flatten().map(words).fold((0, 0), |a, b| (a.0 + b.0 + 5, a.1 + b.1)),
            Block::Table(t) => {
                let (w, f) = t
                    .rows
                    .iter()
                    .flat_map(|r| r.cells.iter().flatten())
                    .map(words)
                    .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
                (w * 2 + t.rows.len() * 20, f)
            }
            Block::Figure(_) | Block::Picture(_) => (0, 1),
            Block::Quote(q) => q.blocks.iter().map(words).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1)),
            Block::PageBreak => (400, 0),
        }
    }
    let (w, figures) = blocks.iter().map(words).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    ((w as f64 / 400.0) + figures as f64 * 0.5).ceil() as u32
}

/// For a report longer than the template's page guide (or one whose `contents:` asks for it, and
/// never when it says `false`): a contents list of its main headings, placed after the title.
fn with_contents(mut blocks: Vec<Block>, t: &Template, wanted: Option<bool>) -> Vec<Block> {
    let rule = match t.settings.paper.contents {
        ContentsRule::Auto => None,
        ContentsRule::Always => Some(true),
        ContentsRule::Never => Some(false),
    };
    if !wanted.or(rule).unwrap_or_else(|| estimate_pages(&blocks) > t.settings.page_guide) {
        return blocks;
    }
    let entries: Vec<Vec<Block>> = blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(h) if h.level == 2 => {
                let text = match &h.number {
                    Some(n) => format!("{n} {}", h.text),
                    None => h.text.clone(),
                };
                let content = match &h.anchor {
                    Some(a) => vec![Inline::Link { url: format!("#{a}"), content: vec![Inline::text(text)] }],
                    None => vec![Inline::text(text)],
                };
                Some(vec![Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content })])
            }
            _ => None,
        })
        .collect();
    let Some(title_at) = blocks.iter().position(|b| matches!(b, Block::Heading(h) if h.level == 1)) else {
        return blocks;
    };
    let contents = [
        Block::Heading(Heading {
            level: 2,
            number: None,
            text: t.heading("contents"),
            anchor: Some("contents".into()),
            caps: true,
        }),
        Block::List(List { ordered: false, start: 1, items: entries }),
    ];
    blocks.splice(title_at + 1..title_at + 1, contents);
    blocks
}

/// Builds the document tree of one report.
pub fn report(r: &Report, t: &Template, opts: &Options) -> Document {
    report_alone(r, t, opts, report_blocks(r, t))
}

/// A report's document as [`report`] makes it, from its blocks already assembled
/// ([`report_blocks`]): with its contents list when it has one.
pub(crate) fn report_alone(r: &Report, t: &Template, opts: &Options, blocks: Vec<Block>) -> Document {
    report_document(r, t, opts, with_contents(blocks, t, r.contents))
}

/// A report's document around `blocks` as they are: its metadata, style and furniture.
pub(crate) fn report_document(r: &Report, t: &Template, opts: &Options, blocks: Vec<Block>) -> Document {
    let subject = t.words("subject", &json!({"body": r.body, "date": long_date(r.date)}));
    let shell = super::shell::Shell {
        title: &r.title,
        author: &r.council,
        subject: &subject,
        date: r.date,
        not_for_publication: r.exempt.is_some(),
        template: r.template.clone(),
    };
    shell.document(t, opts, blocks)
}

/// A section's text with its headings numbered below the section's own number, as deep as the
/// template numbers (`depth` 1: none; 3: "2.1" and "2.1.1"). Headings of a level deeper than
/// that, and any in a list or table, keep no number.
fn number_headings(body: &[Block], section: u32, depth: u8) -> Vec<Block> {
    let mut counters = [0u32; 2];
    body.iter()
        .cloned()
        .map(|mut b| {
            if let Block::Heading(h) = &mut b {
                // Section headings are level 2; `###` is level 3, `####` level 4.
                let below = h.level.saturating_sub(2) as usize;
                if (1..=2).contains(&below) && below < depth as usize && h.number.is_none() {
                    counters[below - 1] += 1;
                    if below == 1 {
                        counters[1] = 0;
                    }
                    let n = counters[..below].iter().map(u32::to_string).collect::<Vec<_>>().join(".");
                    h.number = Some(format!("{section}.{n}"));
                }
            }
            b
        })
        .collect()
}

struct Assembler<'a> {
    t: &'a Template,
    blocks: Vec<Block>,
}

fn para(style: ParagraphStyle, s: impl Into<String>) -> Block {
    Block::Paragraph(Paragraph::plain(style, s))
}

impl Assembler<'_> {
    fn push(&mut self, b: Block) {
        self.blocks.push(b);
    }

    /// A heading, its text as the template or the author wrote it (a template that prints its
    /// headings in capitals writes them so). `caps` marks a part heading of the template's.
    fn heading(&mut self, level: u8, number: Option<String>, text: String, anchor: Option<String>, caps: bool) {
        self.push(Block::Heading(Heading { level, number, text, anchor, caps }));
    }

    fn caps_heading(&mut self, key: &str) {
        let text = self.t.heading(key);
        self.heading(2, None, text, Some(key.replace('_', "-")), true);
    }

    /// The report's parts, in the order its template lists them; a part the paper does not have
    /// (or, for an optional one, leaves out) prints nothing.
    fn report(&mut self, r: &Report) {
        let t = self.t;
        if let Some(e) = &r.exempt {
            let paragraphs = and_list(&e.paragraphs.iter().map(u8::to_string).collect::<Vec<_>>());
            let text = t.words("exempt_banner", &json!({"paragraphs": paragraphs, "reason": e.reason}));
            self.push(para(ParagraphStyle::Banner, text));
        }
        for part in t.settings.paper.parts.iter().filter(|p| p.use_ != Use::Absent) {
            match part.part {
                PartName::Cover => self.cover(r),
                PartName::Header => self.header(r),
                PartName::Portfolio => {
                    if let Some(p) = &r.portfolio {
                        self.push(para(
                            ParagraphStyle::HeaderLine,
                            t.words("portfolio", &json!({"title": p.title, "holder": p.holder})),
                        ));
                    }
                }
                // A cover prints the title.
                PartName::Title if r.cover.is_none() => {
                    self.heading(1, None, r.title.clone(), Some("title".into()), false)
                }
                PartName::Title => {}
                // Empty only where the paper leaves an optional part out.
                PartName::Summary if !r.summary.is_empty() => self.part_text("summary", &r.summary),
                PartName::Reasons if !r.reasons.is_empty() => self.part_text("reasons", &r.reasons),
                PartName::Summary | PartName::Reasons => {}
                PartName::Options => {
                    if let Some(o) = &r.options {
                        self.part_text("options", o);
                    }
                }
                PartName::Recommendations => self.recommendations(r),
                PartName::Sections => self.sections(r),
                PartName::Implications => self.implications(r),
                PartName::FrontSheet => {
                    self.blocks.extend(super::front_sheet::blocks(&t.settings.front_sheet, &r.front_sheet))
                }
                PartName::Risk => {
                    if let Some(risk) = &r.risk {
                        self.caps_heading("risk");
                        self.blocks.extend(risk.text.iter().cloned());
                        if !risk.register.risks.is_empty() {
                            self.risk_register(&risk.register);
                        }
                    }
                }
                PartName::Wards => {
                    if let Some(w) = &r.wards {
                        self.part_text("wards", w);
                    }
                }
                PartName::BackgroundPapers => {
                    if let Some(papers) = &r.background_papers {
                        self.caps_heading("background_papers");
                        if papers.is_empty() {
                            self.push(para(ParagraphStyle::Body, t.words("none", &json!({}))));
                        } else {
                            let items = papers.iter().map(|p| vec![para(ParagraphStyle::Body, p.clone())]).collect();
                            self.push(Block::List(List { ordered: false, start: 1, items }));
                        }
                    }
                }
                PartName::Contact => self.contact(r),
                PartName::SignOff => {
                    if let Some(s) = &r.sign_off {
                        self.push(Block::Paragraph(Paragraph {
                            style: ParagraphStyle::Contact,
                            content: vec![Inline::strong(s.name.clone())],
                        }));
                        self.push(para(ParagraphStyle::Contact, s.post.clone()));
                        self.push(para(ParagraphStyle::Contact, long_date(s.date)));
                    }
                }
                PartName::Appendices => self.appendices(r),
            }
        }
    }

    /// The implications the paper writes, in the template's order: each under its own heading,
    /// or, where the template numbers them, as one section numbered after the paper's sections
    /// with each implication sub-numbered below it ("5. Implications", "5.1 Financial").
    fn implications(&mut self, r: &Report) {
        let t = self.t;
        let numbered = t.settings.paper.implications == crate::template::ImplicationsLayout::Numbered;
        let section = r.sections.len() as u32 + 1;
        let numbers = numbered && t.settings.paper.number_depth > 0;
        if numbered && !r.implications.is_empty() {
            let number = numbers.then(|| format!("{section}."));
            self.heading(2, number, t.heading("implications"), Some("implications".into()), false);
        }
        let mut n = 0;
        for imp in &t.settings.implications {
            if let Some((_, i)) = r.implications.iter().find(|(k, _)| *k == imp.key) {
                let anchor = imp.key.replace('_', "-");
                if numbered {
                    n += 1;
                    let number = numbers.then(|| format!("{section}.{n}"));
                    self.heading(3, number, imp.heading.clone(), Some(anchor), false);
                } else {
                    self.heading(2, None, imp.heading.clone(), Some(anchor), true);
                }
                self.blocks.extend(i.text.iter().cloned());
                for ft in &i.tables {
                    self.financial_table(ft);
                }
            }
        }
    }

    /// A part under its template heading: the heading, then the text.
    fn part_text(&mut self, key: &str, text: &[Block]) {
        self.caps_heading(key);
        self.blocks.extend(text.iter().cloned());
    }

    /// The cover page: the body (in the template's `cover_body` wording), the title, the kind of paper, its period and month.
    fn cover(&mut self, r: &Report) {
        let Some(c) = &r.cover else { return };
        self.push(para(ParagraphStyle::Cover, self.t.words("cover_body", &json!({"body": r.body}))));
        self.heading(1, None, r.title.clone(), Some("title".into()), false);
        for line in std::iter::once(&c.kind).chain(&c.period).chain(std::iter::once(&c.month)) {
            self.push(para(ParagraphStyle::Cover, line.clone()));
        }
        self.push(Block::PageBreak);
    }

    /// The header block: bold, one line each, in the template's wording.
    fn header(&mut self, r: &Report) {
        let t = self.t;
        let Some(report_of) = &r.report_of else { return };
        let decision_key = match r.decision {
            model::DecisionKind::Cabinet => "cabinet",
            model::DecisionKind::Key => "key",
            model::DecisionKind::Council => "council",
            model::DecisionKind::NonKey => "non-key",
            model::DecisionKind::Information => "information",
        };
        let lines = [
            t.words("agenda_item", &json!({"number": r.agenda_item})),
            t.words("report_to", &json!({"body": r.body})),
            t.words("date", &json!({"date": long_date(r.date)})),
            t.words("report_of", &json!({"report_of": report_of})),
            match (&r.key_reason, r.decision) {
                (Some(reason), model::DecisionKind::Key) => t.words("key_decision", &json!({"reason": reason})),
                _ => t.settings.decisions.get(decision_key).cloned().unwrap_or_else(|| decision_key.to_uppercase()),
            },
        ];
        for l in lines {
            self.push(para(ParagraphStyle::HeaderLine, l));
        }
        if let Some(fp) = &r.forward_plan_ref {
            self.push(para(ParagraphStyle::HeaderLine, t.words("forward_plan", &json!({"reference": fp}))));
        }
    }

    /// The recommendations part: the lead-in and the numbered list (those typed in sections too, where
    /// the template lists them together).
    fn recommendations(&mut self, r: &Report) {
        let t = self.t;
        let from_sections = t.settings.paper.list_recommendations_from_sections;
        let shown: Vec<&model::Recommendation> =
            r.recommendations.iter().filter(|rec| rec.in_section.is_none() || from_sections).collect();
        if shown.is_empty() && r.recommendations_lead.is_none() {
            return;
        }
        self.caps_heading("recommendations");
        let lead =
            r.recommendations_lead.clone().unwrap_or_else(|| t.words("recommendations_lead", &json!({"body": r.body})));
        // A template whose recommendations follow their heading directly words no lead.
        if !lead.trim().is_empty() {
            self.push(para(ParagraphStyle::Body, lead));
        }
        let items = shown
            .iter()
            .map(|rec| {
                let mut item =
                    vec![Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content: rec.text.clone() })];
                if let Some(n) = &rec.note {
                    item.extend(n.iter().cloned());
                }
                item
            })
            .collect();
        self.push(Block::List(List { ordered: true, start: 1, items }));
    }

    /// The numbered sections (with the mission summary before the first mission update), and the
    /// headings in their text numbered as deep as the template asks.
    fn sections(&mut self, r: &Report) {
        let t = self.t;
        let depth = t.settings.paper.number_depth;
        let first_mission = r.sections.iter().position(|s| s.mission.is_some());
        for (i, s) in r.sections.iter().enumerate() {
            if Some(i) == first_mission && !r.mission_summary.is_empty() {
                self.mission_summary(r);
            }
            let number = (depth > 0).then(|| format!("{}.", s.number));
            self.heading(2, number, s.title.clone(), s.id.clone(), false);
            if let Some(m) = &s.mission {
                if !m.aim.is_empty() {
                    self.push(para(ParagraphStyle::Aim, m.aim.clone()));
                }
                let status = self.status(m.status);
                self.push(para(ParagraphStyle::Status, t.words("mission_status", &json!({"status": status}))));
            }
            self.blocks.extend(number_headings(&s.body, s.number, depth));
            if let Some(m) = &s.mission {
                self.mission_tables(m);
            }
        }
    }

    /// The contact officer's block.
    fn contact(&mut self, r: &Report) {
        let Some(c) = &r.contact else { return };
        let t = self.t;
        let label = |k: &str| t.settings.contact.get(k).cloned().unwrap_or_else(|| k.to_owned());
        for (k, v) in [("name", &c.name), ("post", &c.post), ("phone", &c.phone)] {
            self.push(Block::Paragraph(Paragraph {
                style: ParagraphStyle::Contact,
                content: vec![Inline::strong(format!("{} ", label(k))), Inline::text(v.clone())],
            }));
        }
        self.push(Block::Paragraph(Paragraph {
            style: ParagraphStyle::Contact,
            content: vec![
                Inline::strong(format!("{} ", label("email"))),
                Inline::Link { url: format!("mailto:{}", c.email), content: vec![Inline::text(c.email.clone())] },
            ],
        }));
    }

    /// Appendices: with text, each on a new page; attached ones are listed.
    fn appendices(&mut self, r: &Report) {
        let t = self.t;
        let listed: Vec<&model::Appendix> = r.appendices.iter().filter(|a| a.body.is_none()).collect();
        if !listed.is_empty() {
            self.caps_heading("appendices");
            let items = listed
                .iter()
                .map(|a| {
                    vec![para(
                        ParagraphStyle::Body,
                        t.words("appendix_attached", &json!({"number": a.number, "title": a.title})),
                    )]
                })
                .collect();
            self.push(Block::List(List { ordered: false, start: 1, items }));
        }
        for a in r.appendices.iter().filter(|a| a.body.is_some()) {
            self.push(Block::PageBreak);
            let title = t.words("appendix", &json!({"number": a.number, "title": a.title}));
            self.heading(2, None, title, Some(format!("appendix-{}", a.number)), false);
            self.blocks.extend(a.body.iter().flatten().cloned());
        }
    }

    fn status(&self, s: Status) -> &str {
        let key = match s {
            Status::OnTrack => "on-track",
            Status::AtRisk => "at-risk",
            Status::OffTrack => "off-track",
            Status::Complete => "complete",
            Status::NotStarted => "not-started",
        };
        self.t.settings.status.get(key).map(String::as_str).unwrap_or(key)
    }
}
