//! Meetings: a meeting file's items, numbered in order, each report loaded and validated as in
//! `build` (through [`crate::load`]), and the split into a public pack and a Part 2 (not for
//! publication) pack. The meeting-level records built from a meeting live here too: the decision
//! record ([`decisions`]), split the same way.
//!
//! The split is made on the model, before any writer runs: the public pack holds
//! [`PublicItem`]s, and a [`PublicReport`] can only be made from a report that is not exempt,
//! so no exempt text, title metadata, bookmark, file name or attachment can reach a public
//! output file by any path through the writers.

pub mod access;
mod bound;
pub mod decisions;
mod routes;
pub mod scan;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use time::Date;

use crate::diag::{Diagnostic, Problem};
use crate::input::file::Scope;
use crate::input::types::{MeetingContact, MeetingFile};
use crate::input::{InputKind, SourceFile};
use crate::load::{self, LoadFailure};
use crate::model::{Exemption, Report};

use self::bound::untagged;
pub use self::bound::BoundPdf;
use self::routes::{marked_public, second_routes, Binding};

/// A validated meeting.
#[derive(Debug, Clone)]
pub struct Meeting {
    /// The template the meeting file names (`template:`), by the name the engine keeps it under;
    /// `None` for the default (or under `--template`).
    pub template: Option<String>,
    /// Front-sheet details.
    pub details: MeetingDetails,
    /// Items, numbered from 1.
    pub items: Vec<Item>,
    /// The PDFs that reports name as appendices (`appendices[].file`), read once.
    pub appendix_pdfs: BTreeMap<PathBuf, BoundPdf>,
}

/// An agenda item.
#[derive(Debug, Clone)]
pub struct Item {
    /// Its number on the agenda.
    pub number: u32,
    /// What it is.
    pub content: ItemContent,
}

/// What an agenda item holds.
#[derive(Debug, Clone)]
pub enum ItemContent {
    /// An agenda entry only ("Apologies for Absence").
    Plain {
        /// Title.
        title: String,
    },
    /// An existing PDF, bound in.
    Document {
        /// Title.
        title: String,
        /// The PDF.
        pdf: BoundPdf,
    },
    /// A report, built as in `build`, numbered by the pack.
    Report {
        /// The report, shared with the public pack that holds it (never copied).
        report: std::sync::Arc<Report>,
        /// The file it was read from (its stem names the report's own pages).
        source: PathBuf,
    },
}

/// A report written for another meeting than the one whose agenda lists it (another body, or
/// another date): a warning naming both, for its `report:` line. Bodies compare without regard
/// to case and spacing (`Cabinet`, ` cabinet `).
fn other_meeting(report: &Report, body: &str, date: Date) -> Option<Problem> {
    let same_body = report.body.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
        == body.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if same_body && report.date == date {
        return None;
    }
    let long = crate::house::long_date;
    Some(
        Problem::warning(
            "",
            format!(
                "the report is for {} on {}, but this meeting is {body} on {}",
                report.body.trim(),
                long(report.date),
                long(date)
            ),
        )
        .help("correct the report's `meeting:` (body and date), or list the right report"),
    )
}

/// A report read as item `number` of the meeting of `body` on `date`, of `council`: its item
/// set, and what differs from the meeting (another meeting's report, another council's), as
/// warnings for its `report:` line.
fn as_item(
    mut loaded: load::Loaded,
    number: u32,
    body: &str,
    date: Date,
    council: &str,
) -> (load::Loaded, Vec<Problem>) {
    loaded.report.agenda_item = Some(number);
    let mut differs: Vec<Problem> = other_meeting(&loaded.report, body, date).into_iter().collect();
    differs.extend(other_council(&mut loaded.report, council));
    (loaded, differs)
}

/// A report of another council than the meeting's: a warning naming both, for its `report:`
/// line. A report that names no council of its own has its template's; in this meeting it is
/// published as the meeting's council's. Names compare without regard to case and spacing.
fn other_council(report: &mut Report, council: &str) -> Option<Problem> {
    let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if norm(&report.council) == norm(council) {
        return None;
    }
    let theirs = std::mem::replace(&mut report.council, council.trim().to_owned());
    Some(if report.council_own {
        report.council = theirs.clone();
        Problem::warning(
            "",
            format!("the report names the council {theirs}, but this meeting is of {}", council.trim()),
        )
        .help("correct the report's `meeting: council:`, or list the right report")
    } else {
        Problem::warning(
            "",
            format!(
                "the report's template names the council {theirs}, but this meeting is of {}; the report is published as {}'s",
                council.trim(),
                council.trim()
            ),
        )
        .help("use the meeting's council's template, or name the council in the report's `meeting: council:`")
    })
}

/// A report that is not exempt: the only kind of report a public pack can hold.
#[derive(Debug, Clone)]
pub struct PublicReport(std::sync::Arc<Report>);

impl PublicReport {
    /// `None` for an exempt report. The report is shared, not copied: a meeting of 180 reports
    /// split into its packs holds each once.
    pub fn new(r: &std::sync::Arc<Report>) -> Option<PublicReport> {
        PublicRef::new(r).map(|_| PublicReport(std::sync::Arc::clone(r)))
    }
    /// The report.
    pub fn report(&self) -> &Report {
        &self.0
    }
}

/// A report that is not exempt, borrowed: one that may be typeset ahead as a public part,
/// before the meeting is split into its packs.
#[derive(Debug, Clone, Copy)]
pub struct PublicRef<'a>(&'a Report);

impl<'a> PublicRef<'a> {
    /// `None` for an exempt report.
    pub fn new(r: &'a Report) -> Option<PublicRef<'a>> {
        r.exempt.is_none().then_some(PublicRef(r))
    }
    /// The report.
    pub fn report(&self) -> &'a Report {
        self.0
    }
}

/// An item of the public pack.
#[derive(Debug, Clone)]
pub enum PublicItem {
    /// An agenda entry only.
    Plain {
        /// Number.
        number: u32,
        /// Title.
        title: String,
    },
    /// A bound-in PDF.
    Document {
        /// Number.
        number: u32,
        /// Title.
        title: String,
        /// The PDF.
        pdf: BoundPdf,
    },
    /// A public report.
    Report {
        /// Number.
        number: u32,
        /// The report.
        report: PublicReport,
        /// The file it was read from (its stem names the report's own pages).
        source: PathBuf,
    },
    /// An exempt report, listed by title and Schedule 12A paragraph only.
    Exempt {
        /// Number.
        number: u32,
        /// Title.
        title: String,
        /// Paragraphs of Schedule 12A.
        paragraphs: Vec<u8>,
    },
}

impl PublicItem {
    /// Its number on the agenda.
    pub fn number(&self) -> u32 {
        match self {
            PublicItem::Plain { number, .. }
            | PublicItem::Document { number, .. }
            | PublicItem::Report { number, .. }
            | PublicItem::Exempt { number, .. } => *number,
        }
    }
}

/// The public agenda pack.
#[derive(Debug, Clone)]
pub struct PublicPack {
    /// The meeting (front sheet details).
    pub meeting: MeetingDetails,
    /// Items in order.
    pub items: Vec<PublicItem>,
    /// Appendix PDFs of the public reports only.
    pub appendix_pdfs: BTreeMap<PathBuf, BoundPdf>,
}

/// The Part 2 pack: exempt reports only.
#[derive(Debug, Clone)]
pub struct Part2Pack {
    /// The meeting.
    pub meeting: MeetingDetails,
    /// The exempt reports, in agenda order.
    pub items: Vec<ExemptItem>,
    /// Appendix PDFs of the exempt reports.
    pub appendix_pdfs: BTreeMap<PathBuf, BoundPdf>,
}

/// An exempt report of a meeting, as the Part 2 pack holds it.
#[derive(Debug, Clone)]
pub struct ExemptItem {
    /// Its number on the agenda (the public pack lists it under the same number, by title only).
    pub number: u32,
    /// The whole report.
    pub report: Report,
    /// Why it is exempt.
    pub exemption: Exemption,
}

/// An officer named with their post, as a record is signed (`Jane Smith`, `Monitoring Officer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    /// The officer's name.
    pub name: String,
    /// Their post.
    pub post: String,
}

/// The front-sheet details of a meeting (no items).
#[derive(Debug, Clone)]
pub struct MeetingDetails {
    /// The council.
    pub council: String,
    /// The body.
    pub body: String,
    /// Date.
    pub date: Date,
    /// Time.
    pub time: String,
    /// Venue.
    pub venue: String,
    /// Members.
    pub members: Vec<String>,
    /// Democratic services contact.
    pub contact: MeetingContact,
    /// The Proper Officer who signs the meeting's records, if the meeting file names one.
    pub proper_officer: Option<Officer>,
}

impl Meeting {
    /// Splits the meeting into the public pack and, when any item is exempt, the Part 2 pack.
    pub fn split(&self) -> (PublicPack, Option<Part2Pack>) {
        let mut public = Vec::new();
        let mut part2 = Vec::new();
        for item in &self.items {
            let number = item.number;
            public.push(match &item.content {
                ItemContent::Plain { title } => PublicItem::Plain { number, title: title.clone() },
                ItemContent::Document { title, pdf } => {
                    PublicItem::Document { number, title: title.clone(), pdf: pdf.clone() }
                }
                ItemContent::Report { report: r, source } => match (PublicReport::new(r), &r.exempt) {
                    (Some(report), _) => PublicItem::Report { number, report, source: source.clone() },
                    (None, Some(ex)) => {
                        part2.push(ExemptItem { number, report: (**r).clone(), exemption: ex.clone() });
                        PublicItem::Exempt { number, title: r.title.clone(), paragraphs: ex.paragraphs.clone() }
                    }
                    // PublicReport::new refuses only exempt reports.
                    (None, None) => continue,
                },
            });
        }
        // Each pack carries the appendix files of its own reports only.
        let files_of = |reports: &mut dyn Iterator<Item = &Report>| -> BTreeMap<PathBuf, BoundPdf> {
            reports
                .flat_map(|r| r.appendices.iter().filter_map(|a| a.file.clone()))
                .filter_map(|p| self.appendix_pdfs.get(&p).map(|pdf| (p, pdf.clone())))
                .collect()
        };
        let public_files = files_of(&mut public.iter().filter_map(|i| match i {
            PublicItem::Report { report, .. } => Some(report.report()),
            _ => None,
        }));
        let part2_files = files_of(&mut part2.iter().map(|item| &item.report));
        let details = self.details.clone();
        let part2 = (!part2.is_empty()).then(|| Part2Pack {
            meeting: details.clone(),
            items: part2,
            appendix_pdfs: part2_files,
        });
        (PublicPack { meeting: details, items: public, appendix_pdfs: public_files }, part2)
    }
}

/// A meeting that could not be loaded: diagnostics for the meeting file and each bad report.
#[derive(Debug, Default)]
pub struct MeetingFailure {
    /// (diagnostics, source text) per file.
    pub files: Vec<LoadFailure>,
}

/// A report's warnings, with its source text (for the snippets).
pub type ReportWarnings = (Vec<Diagnostic>, String);

/// Loads a meeting file and every report and PDF it names, each inside `scope`'s root: the
/// meeting with the rules of the template it names (`template:`, picked as a report's is); each
/// report with the rules of the template it names (`pick`). All problems are
/// collected.
///
/// The reports are read and checked `workers` at a time; what is found is the same, in the same
/// order, whatever the number.
pub fn load_meeting(
    path: &Path,
    pick: &(dyn load::PickRules + Sync),
    scope: &Scope,
    workers: usize,
) -> Result<(Meeting, Vec<ReportWarnings>), MeetingFailure> {
    load_meeting_with(path, pick, scope, workers, &|_: &ReadReport<'_>| {})
}

/// A report of a meeting as soon as it is read and made the meeting's item, before the rest of
/// the meeting is read and checked (see [`load_meeting_with`]).
#[derive(Debug)]
pub struct ReadReport<'a> {
    /// Its agenda item.
    pub number: u32,
    /// The report, as the meeting will hold it (its item set; its council the meeting's unless it
    /// names its own).
    pub report: &'a Report,
    /// Its file's text.
    pub text: &'a str,
}

/// [`load_meeting`], telling `read` of each report as soon as it is read and checked, on the
/// thread that read it, so that work on it can start before the meeting is whole. What `read`
/// is told may still be refused with the meeting: it is a head start, never a result.
pub fn load_meeting_with(
    path: &Path,
    pick: &(dyn load::PickRules + Sync),
    scope: &Scope,
    workers: usize,
    read: &(dyn Fn(&ReadReport<'_>) + Sync),
) -> Result<(Meeting, Vec<ReportWarnings>), MeetingFailure> {
    let source = match SourceFile::read(path) {
        Ok(s) => s,
        Err(d) => return Err(MeetingFailure { files: vec![LoadFailure { diagnostics: vec![d], source: None }] }),
    };
    if let Ok(Some(kind)) = source.told_kind().map(|k| k.filter(|k| *k != InputKind::Meeting)) {
        let mut d = source.locate(
            Problem::error("", format!("this is {}, not a meeting file", kind.describe()))
                .help(kind.command().replace("FILE", &source.name)),
        );
        (d.line, d.column) = source.locator.key_position("schema").map_or((1, 1), |p| (p.line, p.column));
        return Err(MeetingFailure {
            files: vec![LoadFailure { diagnostics: vec![d], source: Some(source.text.clone()) }],
        });
    }
    let file: MeetingFile = match source.parse_as(InputKind::Meeting) {
        Ok(f) => f,
        Err(d) => {
            return Err(MeetingFailure {
                files: vec![LoadFailure { diagnostics: vec![d], source: Some(source.text.clone()) }],
            })
        }
    };
    let (template, rules) = match pick.pick(file.template.as_deref(), &source.dir()) {
        Ok(picked) => picked,
        Err(p) => {
            let mut d = source.locate(p);
            if let Some(at) = source.locator.key_position("template") {
                (d.line, d.column) = (at.line, at.column);
            }
            return Err(MeetingFailure {
                files: vec![LoadFailure { diagnostics: vec![d], source: Some(source.text.clone()) }],
            });
        }
    };
    let mut problems: Vec<Problem> = load::character_problems(&source, rules);
    let mut failures: Vec<LoadFailure> = Vec::new();
    let mut warnings = Vec::new();
    if let Some(s) = &file.schema {
        if s != "cabrep/meeting/v1" {
            problems.push(
                Problem::error("schema", format!("unknown format `{s}`"))
                    .help("this version reads `cabrep/meeting/v1`"),
            );
        }
    }
    let date = file.meeting.date.date("meeting.date").unwrap_or_else(|p| {
        problems.push(p);
        time::macros::date!(2000 - 01 - 01)
    });
    if time::Time::parse(file.meeting.time.trim(), time::macros::format_description!("[hour]:[minute]")).is_err() {
        problems.push(
            Problem::error("meeting.time", format!("`{}` is not a time", file.meeting.time))
                .help("write times as HH:MM, e.g. \"16:30\""),
        );
    }
    if file.items.is_empty() {
        problems.push(Problem::error("items", "a meeting needs at least one agenda item"));
    }
    let dir = source.dir();
    let mut items = Vec::new();
    let mut appendix_pdfs = BTreeMap::new();
    // Where each item came from, for the checks across items below.
    let mut item_index_of = BTreeMap::new();
    let mut reports_seen: BTreeMap<PathBuf, u32> = BTreeMap::new();
    let mut meeting_warnings = Vec::new();
    // Every report the items name, read and checked at once; the items below take each in turn.
    let named: Vec<(usize, PathBuf)> = file
        .items
        .iter()
        .enumerate()
        .filter_map(|(i, it)| match (&it.title, &it.file, &it.report) {
            (None, None, Some(r)) if scope.resolve(&dir, r).is_ok() => Some((i, dir.join(r))),
            _ => None,
        })
        .collect();
    let made_item = |i: usize, loaded: Result<load::Loaded, LoadFailure>| {
        loaded.map(|loaded| {
            let (loaded, differs) = as_item(loaded, i as u32 + 1, &file.meeting.body, date, &file.meeting.council);
            read(&ReadReport { number: i as u32 + 1, report: &loaded.report, text: &loaded.source.text });
            (loaded, differs)
        })
    };
    let loaded =
        crate::jobs::in_workers(&named, workers, |(i, path)| made_item(*i, load::load_report(path, pick, scope)));
    let mut preloaded: BTreeMap<usize, _> = named.iter().map(|(i, _)| *i).zip(loaded).collect();
    for (i, it) in file.items.iter().enumerate() {
        let number = i as u32 + 1;
        let p = format!("items[{i}]");
        if it.file.is_none() {
            for (field, given) in [("alt", it.alt.is_some()), ("accessible_version", it.accessible_version.is_some())] {
                if given {
                    problems.push(
                        Problem::error(
                            format!("{p}.{field}"),
                            format!("`{field}` describes a bound-in `file`, and this item has none"),
                        )
                        .help("`alt:` and `accessible_version:` describe the PDF an item binds in with `file:`; remove this line"),
                    );
                }
            }
        }
        let access = access::Access::check(&p, it.alt.as_deref(), it.accessible_version.as_deref(), &mut problems);
        let content = match (&it.title, &it.file, &it.report) {
            (_, Some(_), Some(_)) | (Some(_), None, Some(_)) => {
                problems.push(
                    Problem::error(&p, "an item is a title, a `file` with a title, or a `report`")
                        .help("a report's title comes from the report: remove `title:` or `file:`"),
                );
                continue;
            }
            (Some(title), None, None) => ItemContent::Plain { title: title.clone() },
            (None, Some(_), None) => {
                problems.push(Problem::error(&p, "a bound-in file needs a `title` for the agenda"));
                continue;
            }
            (Some(title), Some(f), None) => match scope.resolve(&dir, f) {
                Err(e) => {
                    problems.push(Problem { help: e.help, ..Problem::error(format!("{p}.file"), e.message) });
                    continue;
                }
                Ok(real) => match BoundPdf::read(&dir.join(f), &real, &scope.limits) {
                    Ok(mut pdf) => {
                        pdf.access = access;
                        if !pdf.tagged() {
                            meeting_warnings.push(untagged(format!("{p}.file"), f));
                        }
                        ItemContent::Document { title: title.clone(), pdf }
                    }
                    Err(e) => {
                        problems.push(Problem::error(format!("{p}.file"), e));
                        continue;
                    }
                },
            },
            (None, None, Some(r)) => {
                match scope.resolve(&dir, r) {
                    Err(e) => {
                        problems.push(Problem { help: e.help, ..Problem::error(format!("{p}.report"), e.message) });
                        continue;
                    }
                    Ok(real) => {
                        let loaded = preloaded
                            .remove(&i)
                            .unwrap_or_else(|| made_item(i, load::load_report(&dir.join(r), pick, scope)));
                        match loaded {
                            Ok((mut loaded, differs)) => {
                                if let Some(first) = reports_seen.insert(real, number) {
                                    let exempt = if loaded.report.exempt.is_some() { "exempt " } else { "" };
                                    meeting_warnings.push(
                                Problem::warning(
                                    format!("{p}.report"),
                                    format!("the {exempt}report `{r}` is listed twice, as items {first} and {number}"),
                                )
                                .help("list each report once"),
                            );
                                }
                                for w in differs {
                                    meeting_warnings.push(Problem { path: format!("{p}.report"), ..w });
                                }
                                for (j, a) in loaded.report.appendices.iter().enumerate() {
                                    if let Some(f) = &a.file {
                                        // Checked to be inside the root at load; resolved again here, and
                                        // the file resolved is the file read.
                                        let read = scope
                                            .resolve(Path::new("."), &f.to_string_lossy())
                                            .map_err(|e| e.message)
                                            .and_then(|real| BoundPdf::read(f, &real, &scope.limits));
                                        match read {
                                            Ok(pdf) => {
                                                if !pdf.tagged() {
                                                    let name = f.file_name().map(|n| n.to_string_lossy().into_owned());
                                                    let w = untagged(
                                                        format!("appendices[{j}].file"),
                                                        &name.unwrap_or_default(),
                                                    );
                                                    loaded.warnings.push(loaded.source.locate(w));
                                                }
                                                appendix_pdfs.insert(f.clone(), pdf);
                                            }
                                            Err(e) => {
                                                let d = loaded
                                                    .source
                                                    .locate(Problem::error(format!("appendices[{j}].file"), e));
                                                failures.push(LoadFailure {
                                                    diagnostics: vec![d],
                                                    source: Some(loaded.source.text.clone()),
                                                });
                                            }
                                        }
                                    }
                                }
                                if !loaded.warnings.is_empty() {
                                    warnings.push((loaded.warnings, loaded.source.text));
                                }
                                ItemContent::Report { report: std::sync::Arc::new(loaded.report), source: dir.join(r) }
                            }
                            Err(f) => {
                                problems.push(Problem::error(
                                    format!("{p}.report"),
                                    format!("report `{r}` is not valid (see below)"),
                                ));
                                failures.push(f);
                                continue;
                            }
                        }
                    }
                }
            }
            (None, None, None) => {
                problems
                    .push(Problem::error(&p, "an empty agenda item").help("give it a `title`, a `file` or a `report`"));
                continue;
            }
        };
        item_index_of.insert(number, i);
        items.push(Item { number, content });
    }
    let label = |number: u32, title: &str, path: &Path| {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        format!("item {number} ({title}), `{name}`")
    };
    let mut bindings = Vec::new();
    for item in &items {
        let item_index = item_index_of[&item.number];
        match &item.content {
            ItemContent::Plain { .. } => {}
            ItemContent::Document { title, pdf } => bindings.push(Binding {
                item_index,
                field: format!("items[{item_index}].file"),
                label: label(item.number, title, &pdf.path),
                exempt: false,
                path: pdf.real.clone(),
                bytes: pdf.bytes(),
                seen: &pdf.seen,
            }),
            ItemContent::Report { report, .. } => {
                for a in &report.appendices {
                    let Some(pdf) = a.file.as_ref().and_then(|f| appendix_pdfs.get(f)) else {
                        continue;
                    };
                    bindings.push(Binding {
                        item_index,
                        field: format!("items[{item_index}]"),
                        label: format!("appendix {} of {}", a.number, label(item.number, &report.title, &pdf.path)),
                        exempt: report.exempt.is_some(),
                        path: pdf.real.clone(),
                        bytes: pdf.bytes(),
                        seen: &pdf.seen,
                    });
                }
            }
        }
    }
    problems.extend(marked_public(&bindings));
    problems.extend(second_routes(&bindings));
    meeting_warnings.extend(load::unquoted_phones(&source));
    if !meeting_warnings.is_empty() {
        warnings.push((meeting_warnings.into_iter().map(|w| source.locate(w)).collect(), source.text.clone()));
    }
    if !problems.is_empty() || !failures.is_empty() {
        let mut files = vec![LoadFailure {
            diagnostics: problems.into_iter().map(|p| source.locate(p)).collect(),
            source: Some(source.text.clone()),
        }];
        files.extend(failures);
        return Err(MeetingFailure { files });
    }
    let m = &file.meeting;
    Ok((
        Meeting {
            template,
            details: MeetingDetails {
                council: m.council.clone(),
                body: m.body.clone(),
                date,
                time: m.time.trim().to_owned(),
                venue: m.venue.clone(),
                members: m.members.clone(),
                contact: m.contact.clone(),
                proper_officer: m
                    .proper_officer
                    .as_ref()
                    .map(|p| Officer { name: p.name.clone(), post: p.post.clone() }),
            },
            items,
            appendix_pdfs,
        },
        warnings,
    ))
}
