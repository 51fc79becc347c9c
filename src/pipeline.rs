//! The pipeline that commands share: load and validate a report, assemble its document, render
//! it in each format, write the files. Fonts, template and typesetter are set up once per
//! process in an [`Engine`] and shared by every report (and every thread).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use time::Date;

use crate::diag::{Diagnostic, Problem};
use crate::document::{self, Document};
use crate::input::types::{MissionsFile, ReportFile};
use crate::input::shapes::TextOrSeq;
use crate::input::SourceFile;
use crate::model::{self, Report, Rules};
use crate::render::{self, Format, RenderError};
use crate::template::{Template, TemplateError};

/// Everything loaded once per process.
pub struct Engine {
    /// The template.
    pub template: Template,
    /// Validation rules from the template.
    pub rules: Rules,
    pdf: OnceLock<Result<render::pdf::PdfWriter, RenderError>>,
    figures: OnceLock<render::figure_png::Rasteriser>,
    /// Date for document metadata (from `SOURCE_DATE_EPOCH`), if set.
    pub metadata_date: Option<Date>,
}

impl Engine {
    /// An engine over a template (the built-in one when `dir` is `None`).
    pub fn new(dir: Option<&Path>) -> Result<Engine, TemplateError> {
        let template = match dir {
            Some(d) => Template::load(d)?,
            None => Template::builtin()?,
        };
        let rules = Rules::from_template(&template);
        let (pdf, figures) = (OnceLock::new(), OnceLock::new());
        Ok(Engine { template, rules, pdf, figures, metadata_date: source_date_epoch() })
    }

    /// The typesetter, set up on first use.
    pub fn pdf(&self) -> Result<&render::pdf::PdfWriter, RenderError> {
        self.pdf
            .get_or_init(|| render::pdf::PdfWriter::new(self.template.typst.clone(), self.template.fonts.clone()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The figure rasteriser (DOCX images), over the template's fonts, set up on first use.
    pub fn figures(&self) -> &render::figure_png::Rasteriser {
        self.figures.get_or_init(|| render::figure_png::Rasteriser::new(&self.template.fonts))
    }

    /// The house font's word widths (DOCX table columns), read from the template's fonts; `None`
    /// if they lack the house font.
    pub fn words(&self) -> Option<render::columns::WordMeasure<'_>> {
        render::columns::WordMeasure::new(self.template.fonts.iter().map(Vec::as_slice), &self.template.settings.style.font)
    }

    /// Renders a document in one format.
    pub fn render(&self, doc: &Document, format: Format) -> Result<Vec<u8>, RenderError> {
        match format {
            Format::Docx => render::docx::render(doc, self.figures(), self.words().as_ref()),
            Format::Pdf => self.pdf()?.render(doc),
            Format::Html => render::html::render(doc),
            Format::Tree => serde_json::to_vec_pretty(doc).map_err(|e| RenderError::new(e.to_string())),
        }
    }

    /// Loads and validates a report, warning when it runs past the template's page guide.
    pub fn load(&self, path: &Path) -> Result<Loaded, LoadFailure> {
        let mut loaded = load_report(path, &self.rules)?;
        let guide = self.template.settings.page_guide;
        let pages = document::assemble::estimate_pages(&document::assemble::report_blocks(&loaded.report, &self.template));
        if pages > guide {
            loaded.warnings.push(loaded.source.locate(
                Problem::warning("sections", format!("the report will run to about {pages} pages; the template's guide is {guide}"))
                    .help("a contents list is added after the title; consider moving detail into appendices"),
            ));
        }
        Ok(loaded)
    }

    /// Assembles a report's document.
    pub fn document(&self, report: &Report) -> Document {
        document::assemble::report(report, &self.template, &document::assemble::Options { metadata_date: self.metadata_date })
    }
}

/// `SOURCE_DATE_EPOCH` as a date, when set and valid.
fn source_date_epoch() -> Option<Date> {
    let secs: i64 = std::env::var("SOURCE_DATE_EPOCH").ok()?.trim().parse().ok()?;
    time::OffsetDateTime::from_unix_timestamp(secs).ok().map(|t| t.date())
}

/// A report loaded and validated, with its warnings.
#[derive(Debug)]
pub struct Loaded {
    /// The report.
    pub report: Report,
    /// Warnings (located).
    pub warnings: Vec<Diagnostic>,
    /// The source file.
    pub source: SourceFile,
}

/// A failed load: located diagnostics (errors and any warnings), with the source for snippets.
#[derive(Debug)]
pub struct LoadFailure {
    /// Diagnostics, errors first.
    pub diagnostics: Vec<Diagnostic>,
    /// The file's text, when it could be read.
    pub source: Option<String>,
}

/// Reads, parses and validates a report (and its missions register file, if any).
pub fn load_report(path: &Path, rules: &Rules) -> Result<Loaded, LoadFailure> {
    let source = SourceFile::read(path).map_err(|d| LoadFailure { diagnostics: vec![d], source: None })?;
    let fail = |diagnostics: Vec<Diagnostic>, source: &SourceFile| LoadFailure { diagnostics, source: Some(source.text.clone()) };
    let file: ReportFile = source.parse().map_err(|d| fail(vec![d], &source))?;

    let mut diags = Vec::new();
    let register = match &file.missions {
        Some(TextOrSeq::Text(name)) => match load_missions(&source.dir().join(name)) {
            Ok(m) => Some(m.missions),
            Err(mut d) => {
                // Point at the `missions:` line too, so the author sees which file is meant.
                diags.push(source.locate(Problem::error("missions", format!("cannot use missions register `{name}`"))));
                diags.append(&mut d);
                None
            }
        },
        _ => None,
    };
    let validated = model::validate_report(&file, register.as_deref(), rules, &source.dir());
    diags.extend(validated.problems.into_iter().map(|p| source.locate(p)));
    diags.sort_by_key(|d| (d.severity, d.file != source.name, d.line, d.column));
    match validated.value {
        Some(report) if !diags.iter().any(Diagnostic::is_error) => Ok(Loaded { report, warnings: diags, source }),
        _ => Err(fail(diags, &source)),
    }
}

/// Reads a missions register file.
pub fn load_missions(path: &Path) -> Result<MissionsFile, Vec<Diagnostic>> {
    let source = SourceFile::read(path).map_err(|d| vec![d])?;
    let file: MissionsFile = source.parse().map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (i, m) in file.missions.iter().enumerate() {
        if !seen.insert(m.id.as_str()) {
            problems.push(source.locate(Problem::error(format!("missions[{i}].id"), format!("duplicate mission id `{}`", m.id))));
        }
    }
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(problems)
    }
}

/// What building one report produced.
#[derive(Debug)]
pub enum Outcome {
    /// Built: the files written, and any warnings.
    Built {
        /// Files written.
        files: Vec<PathBuf>,
        /// Warnings.
        warnings: Vec<Diagnostic>,
        /// Source text for snippets.
        source: String,
    },
    /// The input is invalid (exit status 1).
    Invalid(LoadFailure),
    /// Something else failed: a writer, the disk (exit status 3).
    Failed {
        /// The input.
        input: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// Builds one report into `out_dir` in each of `formats`. Nothing is written unless every
/// format rendered; each file is written atomically.
///
/// With `formats_at_once`, the formats are rendered at the same time, a thread each — for when
/// there are cores to spare (one report, several cores); a batch that already keeps every core
/// busy renders them one after another.
pub fn build_report(engine: &Engine, path: &Path, out_dir: &Path, formats: &[Format], formats_at_once: bool) -> Outcome {
    let loaded = match engine.load(path) {
        Ok(l) => l,
        Err(f) => return Outcome::Invalid(f),
    };
    let doc = engine.document(&loaded.report);
    let mut rendered = Vec::new();
    // A thread a format, or one thread for them all.
    let threads = if formats_at_once { formats.len() } else { 1 };
    let results = in_workers(formats, threads, |&f| engine.render(&doc, f));
    for (f, result) in formats.iter().zip(results) {
        match result {
            Ok(bytes) => rendered.push((crate::output::output_path(out_dir, path, "", f.extension()), bytes)),
            Err(e) => return Outcome::Failed { input: path.to_path_buf(), message: format!("{} output: {e}", f.extension()) },
        }
    }
    let mut files = Vec::new();
    for (p, bytes) in rendered {
        if let Err(e) = crate::output::write_atomic(&p, &bytes) {
            return Outcome::Failed { input: path.to_path_buf(), message: format!("cannot write {}: {e}", p.display()) };
        }
        files.push(p);
    }
    Outcome::Built { files, warnings: loaded.warnings, source: loaded.source.text }
}

/// Runs `job` on every item with `workers` plain threads, each taking the next item when it has
/// finished its last, and returns the results in the items' order.
///
/// Not a rayon pool, on purpose: the typesetter uses rayon inside, and a rayon worker that waits
/// (`rayon::yield_now`) starts another queued job on the same thread, so every report of a batch
/// ends up in flight at once and memory grows with the batch. Here a worker holds one report at a
/// time, so a batch's memory stays flat however many reports it builds.
pub fn in_workers<T: Sync, R: Send>(items: &[T], workers: usize, job: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let workers = workers.clamp(1, items.len().max(1));
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, job(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Expands the command line's paths: a folder means every report `*.yaml`/`*.yml` in it
/// (meeting files and missions registers are recognised and skipped), sorted by name.
pub fn expand_inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .filter(|f| match SourceFile::read(f) {
                    Ok(s) => s.kind() == crate::input::InputKind::Report,
                    // An unreadable file is still reported, by the build itself.
                    Err(_) => true,
                })
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    out
}

/// What building a pack produced.
#[derive(Debug)]
pub enum PackOutcome {
    /// Built: files written, warnings per report (diagnostics, source text).
    Built {
        /// Files written.
        files: Vec<PathBuf>,
        /// Warnings with their sources.
        warnings: Vec<(Vec<Diagnostic>, String)>,
        /// Pages in the public pack.
        pages: usize,
    },
    /// The meeting file or a report in it is invalid.
    Invalid(crate::pack::MeetingFailure),
    /// Something else failed.
    Failed(String),
}

/// Builds the agenda pack of a meeting: `<stem>-pack.pdf` (public), `<stem>-part2.pdf` when an
/// item is exempt, and with `docx` in `formats` the front sheet and agenda as
/// `<stem>-agenda.docx`. Nothing is written unless everything rendered.
pub fn build_pack(engine: &Engine, meeting: &Path, out_dir: &Path, formats: &[Format]) -> PackOutcome {
    use crate::document::pack as dp;
    let (m, warnings) = match crate::pack::load_meeting(meeting, &engine.rules) {
        Ok(x) => x,
        Err(f) => return PackOutcome::Invalid(f),
    };
    let (public, part2) = m.split();
    let opts = document::assemble::Options { metadata_date: engine.metadata_date };
    let public_doc = dp::public_pack(&public, &engine.template, &opts);
    let anchors: Vec<String> = public.items.iter().map(|i| dp::item_anchor(i.number())).collect();
    let pdf = match engine.pdf().and_then(|w| w.render_with_pages(&public_doc, &anchors)) {
        Ok(p) => p,
        Err(e) => return PackOutcome::Failed(format!("public pack: {e}")),
    };
    let out = |suffix: &str, ext: &str| crate::output::output_path(out_dir, meeting, suffix, ext);
    let mut rendered = vec![(out("-pack", "pdf"), pdf.pdf.clone())];
    if let Some(p2) = &part2 {
        match engine.pdf().and_then(|w| w.render(&dp::part2_pack(p2, &engine.template, &opts))) {
            Ok(bytes) => rendered.push((out("-part2", "pdf"), bytes)),
            Err(e) => return PackOutcome::Failed(format!("Part 2 pack: {e}")),
        }
    }
    if formats.contains(&Format::Docx) {
        let agenda = dp::agenda_only(&public_doc, &pdf.pages, pdf.page_count);
        match render::docx::render(&agenda, engine.figures(), engine.words().as_ref()) {
            Ok(bytes) => rendered.push((out("-agenda", "docx"), bytes)),
            Err(e) => return PackOutcome::Failed(format!("agenda DOCX: {e}")),
        }
    }
    if formats.contains(&Format::Html) {
        // Each public report's own page, and the index that links them (never an exempt one:
        // `public` holds none).
        let mut links = dp::IndexLinks { reports: std::collections::BTreeMap::new(), pack_pdf: relative_href(&out("-pack", "pdf")) };
        let mut names = std::collections::BTreeSet::new();
        for item in &public.items {
            let crate::pack::PublicItem::Report { number, report, source } = item else { continue };
            let mut path = crate::output::output_path(out_dir, source, "", "html");
            if !names.insert(path.clone()) {
                // Two reports of the same name from different folders.
                path = crate::output::output_path(out_dir, source, &format!("-item-{number}"), "html");
                names.insert(path.clone());
            }
            match render::html::render(&document::assemble::report(report.report(), &engine.template, &opts)) {
                Ok(bytes) => rendered.push((path.clone(), bytes)),
                Err(e) => return PackOutcome::Failed(format!("{}: HTML: {e}", source.display())),
            }
            links.reports.insert(*number, relative_href(&path));
        }
        let index = dp::index_page(&public_doc, &public, &links, &pdf.pages, pdf.page_count, &engine.template);
        match render::html::render(&index) {
            Ok(bytes) => rendered.push((out("-index", "html"), bytes)),
            Err(e) => return PackOutcome::Failed(format!("pack index HTML: {e}")),
        }
    }
    if formats.contains(&Format::Tree) {
        match serde_json::to_vec_pretty(&public_doc) {
            Ok(bytes) => rendered.push((out("-pack", "tree.json"), bytes)),
            Err(e) => return PackOutcome::Failed(e.to_string()),
        }
    }
    let mut files = Vec::new();
    for (p, bytes) in rendered {
        if let Err(e) = crate::output::write_atomic(&p, &bytes) {
            return PackOutcome::Failed(format!("cannot write {}: {e}", p.display()));
        }
        files.push(p);
    }
    PackOutcome::Built { files, warnings, pages: pdf.page_count }
}

/// A link from one output file to another in the same folder: the file name, percent-encoded.
fn relative_href(path: &Path) -> String {
    const KEEP: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    percent_encoding::utf8_percent_encode(&name, KEEP).to_string()
}

/// Builds the decision record of a meeting from its outcome file: `<stem>-decisions.<ext>` for
/// each format and, when a decided item is exempt, `<stem>-decisions-part2.<ext>`.
pub fn build_decisions(engine: &Engine, meeting: &Path, outcome: &Path, out_dir: &Path, formats: &[Format]) -> PackOutcome {
    use crate::document::decisions as dd;
    let (m, warnings) = match crate::pack::load_meeting(meeting, &engine.rules) {
        Ok(x) => x,
        Err(f) => return PackOutcome::Invalid(f),
    };
    let invalid = |diagnostics: Vec<Diagnostic>, source: Option<String>| {
        PackOutcome::Invalid(crate::pack::MeetingFailure { files: vec![LoadFailure { diagnostics, source }] })
    };
    let source = match SourceFile::read(outcome) {
        Ok(s) => s,
        Err(d) => return invalid(vec![d], None),
    };
    let file: crate::input::types::OutcomeFile = match source.parse() {
        Ok(f) => f,
        Err(d) => return invalid(vec![d], Some(source.text.clone())),
    };
    let s = &engine.template.settings;
    let calendar = crate::model::calendar::Calendar::england_and_wales();
    let (record, problems) = crate::model::decisions::build_record(&m, &file, &engine.rules, s.call_in_working_days, &calendar);
    let diags: Vec<Diagnostic> = problems.into_iter().map(|p| source.locate(p)).collect();
    let Some(record) = record else {
        return invalid(diags, Some(source.text.clone()));
    };
    let mut warnings = warnings;
    if !diags.is_empty() {
        warnings.push((diags, source.text.clone()));
    }
    let opts = document::assemble::Options { metadata_date: engine.metadata_date };
    let (public, part2) = record.split();
    let mut docs = vec![("-decisions", dd::public_record(&record, &public, &engine.template, &opts))];
    if !part2.is_empty() {
        docs.push(("-decisions-part2", dd::part2_record(&record, &part2, &engine.template, &opts)));
    }
    let mut rendered = Vec::new();
    let mut pages = 0;
    for (suffix, doc) in &docs {
        for &f in formats {
            match engine.render(doc, f) {
                Ok(bytes) => {
                    if f == Format::Pdf && *suffix == "-decisions" {
                        pages = count_pdf_pages(&bytes);
                    }
                    rendered.push((crate::output::output_path(out_dir, meeting, suffix, f.extension()), bytes));
                }
                Err(e) => return PackOutcome::Failed(format!("decision record ({}): {e}", f.extension())),
            }
        }
    }
    let mut files = Vec::new();
    for (p, bytes) in rendered {
        if let Err(e) = crate::output::write_atomic(&p, &bytes) {
            return PackOutcome::Failed(format!("cannot write {}: {e}", p.display()));
        }
        files.push(p);
    }
    PackOutcome::Built { files, warnings, pages }
}

/// Builds the Forward Plan published on `published` from every report in `paths` (folders as
/// in `build`): `<name>-forward-plan.<ext>` for each format. `previous` is a plan published
/// before (`cabrep/forward-plan/v1`: its date and references). An invalid report or previous
/// plan writes nothing: a plan that silently left out a decision would mislead.
pub fn build_forward_plan(
    engine: &Engine,
    paths: &[PathBuf],
    published: Date,
    previous: Option<&Path>,
    name: &str,
    out_dir: &Path,
    formats: &[Format],
) -> PackOutcome {
    use crate::model::forward_plan as fp;
    let mut inputs = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in expand_inputs(paths) {
        // The same report named twice (a folder and a file in it) is one report.
        if seen.insert(std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone())) {
            inputs.push(p);
        }
    }
    let mut failures = Vec::new();
    let mut loaded = Vec::new();
    for p in &inputs {
        match engine.load(p) {
            Ok(l) => loaded.push(l),
            Err(f) => failures.push(f),
        }
    }
    let previous = match previous.map(load_previous_plan).transpose() {
        Ok(p) => p,
        Err(f) => {
            failures.push(f);
            None
        }
    };
    if !failures.is_empty() {
        return PackOutcome::Invalid(crate::pack::MeetingFailure { files: failures });
    }
    let reports: Vec<(&Report, String)> = loaded
        .iter()
        .map(|l| (&l.report, l.source.name.clone()))
        .collect();
    let (plan, problems) = fp::build_plan(&reports, published, previous.as_ref());
    // The plan's own checks only: a report's other warnings are `check`'s and `build`'s.
    let mut by_report: Vec<Vec<Diagnostic>> = vec![Vec::new(); loaded.len()];
    for (i, p) in problems {
        by_report[i].push(loaded[i].source.locate(p));
    }
    let warnings: Vec<(Vec<Diagnostic>, String)> = by_report
        .into_iter()
        .zip(&loaded)
        .filter(|(d, _)| !d.is_empty())
        .map(|(mut d, l)| {
            d.sort_by_key(|d| (d.line, d.column));
            (d, l.source.text.clone())
        })
        .collect();
    let doc = document::forward_plan::plan(
        &plan,
        &engine.template,
        &document::assemble::Options {
            metadata_date: engine.metadata_date,
        },
    );
    let mut rendered = Vec::new();
    let mut pages = 0;
    for &f in formats {
        match engine.render(&doc, f) {
            Ok(bytes) => {
                if f == Format::Pdf {
                    pages = count_pdf_pages(&bytes);
                }
                rendered.push((
                    out_dir.join(format!("{name}-forward-plan.{}", f.extension())),
                    bytes,
                ));
            }
            Err(e) => return PackOutcome::Failed(format!("forward plan ({}): {e}", f.extension())),
        }
    }
    let mut files = Vec::new();
    for (p, bytes) in rendered {
        if let Err(e) = crate::output::write_atomic(&p, &bytes) {
            return PackOutcome::Failed(format!("cannot write {}: {e}", p.display()));
        }
        files.push(p);
    }
    PackOutcome::Built {
        files,
        warnings,
        pages,
    }
}

/// Reads a previous Forward Plan (`cabrep/forward-plan/v1`).
pub fn load_previous_plan(
    path: &Path,
) -> Result<crate::model::forward_plan::Previous, LoadFailure> {
    let source = SourceFile::read(path).map_err(|d| LoadFailure {
        diagnostics: vec![d],
        source: None,
    })?;
    let fail = |d: Vec<Diagnostic>| LoadFailure {
        diagnostics: d,
        source: Some(source.text.clone()),
    };
    let file: crate::input::types::PreviousPlanFile = source.parse().map_err(|d| fail(vec![d]))?;
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let published = Date::parse(file.published.0.trim(), &fmt).map_err(|_| {
        fail(vec![source.locate(
            Problem::error(
                "published",
                format!("`{}` is not a real date", file.published.0),
            )
            .help("write dates as YYYY-MM-DD"),
        )])
    })?;
    Ok(crate::model::forward_plan::Previous {
        published,
        references: file
            .references
            .iter()
            .map(|r| r.trim().to_owned())
            .collect(),
    })
}

fn count_pdf_pages(bytes: &[u8]) -> usize {
    hayro_syntax::Pdf::new(bytes.to_vec()).map(|p| p.pages().len()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::in_workers;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn workers_keep_the_items_order() {
        let items: Vec<u32> = (0..50).collect();
        let out = in_workers(&items, 3, |n| n * 2);
        assert_eq!(out, (0..50).map(|n| n * 2).collect::<Vec<_>>());
        assert!(in_workers(&Vec::<u32>::new(), 2, |n| *n).is_empty());
    }

    #[test]
    fn no_more_jobs_in_flight_than_workers_even_when_jobs_use_rayon() {
        // A job that waits inside rayon (as the typesetter does) must not let its worker start
        // another job.
        let in_flight = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let items: Vec<u32> = (0..24).collect();
        in_workers(&items, 2, |_| {
            let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            rayon::scope(|s| {
                for _ in 0..4 {
                    s.spawn(|_| std::thread::sleep(std::time::Duration::from_millis(2)));
                }
            });
            let _ = rayon::yield_now();
            in_flight.fetch_sub(1, Ordering::SeqCst);
        });
        assert!(most.load(Ordering::SeqCst) <= 2, "{} jobs were in flight", most.load(Ordering::SeqCst));
    }
}
