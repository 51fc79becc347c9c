//! The pipeline that commands share: load and validate a report, assemble its document, render
//! it in each format, write the files. Fonts, template and typesetter are set up once per
//! process in an [`Engine`] and shared by every report (and every thread).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

use time::Date;

use crate::diag::{Diagnostic, Problem};
use crate::document;
use crate::input::file::{Access, Scope};
use crate::input::shapes::TextOrSeq;
use crate::input::types::{MissionsFile, ReportFile};
use crate::input::{InputKind, SourceFile};
use crate::model::{self, Report, Rules};
use crate::output::{output_path, Output, Visibility};
use crate::render::{self, Format, RenderError};
use crate::template::{Template, TemplateError};
use crate::tree::Document;

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
    /// The root that paths named by a paper must stay in, and the size caps.
    pub access: Access,
}

/// Why an [`Engine`] could not be set up.
#[derive(Debug)]
pub enum EngineError {
    /// The template.
    Template(TemplateError),
    /// `SOURCE_DATE_EPOCH` is set but is not a time.
    SourceDateEpoch(String),
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EngineError::Template(e) => e.fmt(f),
            EngineError::SourceDateEpoch(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for EngineError {}

impl Engine {
    /// An engine over a template (the built-in one when `dir` is `None`).
    pub fn new(dir: Option<&Path>) -> Result<Engine, EngineError> {
        let metadata_date = source_date_epoch(std::env::var_os("SOURCE_DATE_EPOCH").as_deref())
            .map_err(EngineError::SourceDateEpoch)?;
        let template = match dir {
            Some(d) => Template::load(d),
            None => Template::builtin(),
        }
        .map_err(EngineError::Template)?;
        let rules = Rules::from_template(&template);
        let (pdf, figures) = (OnceLock::new(), OnceLock::new());
        Ok(Engine { template, rules, pdf, figures, metadata_date, access: Access::default() })
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
        render::columns::WordMeasure::new(
            self.template.fonts.iter().map(Vec::as_slice),
            &self.template.settings.style.font,
        )
    }

    /// Renders a document in one format.
    pub fn render(&self, doc: &Document, format: Format) -> Result<Vec<u8>, RenderError> {
        match format {
            Format::Docx => render::docx::render(doc, self.figures(), self.words().as_ref()),
            Format::Pdf => self.pdf()?.render(doc),
            Format::Html => render::html::render(doc),
            Format::Tree => render::check_depth(doc)
                .and_then(|()| serde_json::to_vec_pretty(doc).map_err(|e| RenderError::new(e.to_string()))),
        }
    }

    /// Loads and validates a report, warning when it runs past the template's page guide.
    pub fn load(&self, path: &Path) -> Result<Loaded, LoadFailure> {
        let mut loaded = load_report(path, &self.rules, &self.access.scope_for(path))?;
        let guide = self.template.settings.page_guide;
        let pages =
            document::assemble::estimate_pages(&document::assemble::report_blocks(&loaded.report, &self.template));
        if pages > guide {
            loaded.warnings.push(
                loaded.source.locate(
                    Problem::warning(
                        "sections",
                        format!("the report will run to about {pages} pages; the template's guide is {guide}"),
                    )
                    .help(if loaded.report.contents == Some(false) {
                        "consider moving detail into appendices"
                    } else {
                        "a contents list is added after the title; consider moving detail into appendices"
                    }),
                ),
            );
        }
        Ok(loaded)
    }

    /// Assembles a report's document.
    pub fn document(&self, report: &Report) -> Document {
        document::assemble::report(
            report,
            &self.template,
            &document::assemble::Options { metadata_date: self.metadata_date },
        )
    }
}

/// `SOURCE_DATE_EPOCH` (whole seconds since 1970-01-01 UTC) as a date: `None` when it is not set
/// (or empty, as the reproducible-builds convention allows), an error when it is set to anything
/// else than such a number, rather than a silently different date in the metadata.
fn source_date_epoch(value: Option<&std::ffi::OsStr>) -> Result<Option<Date>, String> {
    let Some(value) = value else { return Ok(None) };
    let text = value.to_string_lossy();
    if text.is_empty() {
        return Ok(None);
    }
    let shown: String = text.chars().take(40).collect();
    let bad = || {
        format!("SOURCE_DATE_EPOCH is `{shown}`, not a time: set it to whole seconds since 1970-01-01 UTC (e.g. 1705536000), or unset it")
    };
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let secs: i64 = text.parse().map_err(|_| bad())?;
    match time::OffsetDateTime::from_unix_timestamp(secs) {
        Ok(t) => Ok(Some(t.date())),
        Err(_) => Err(bad()),
    }
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

/// Reads, parses and validates a report (and its missions register file, if any). Every file the
/// report names must lie inside `scope`'s root.
pub fn load_report(path: &Path, rules: &Rules, scope: &Scope) -> Result<Loaded, LoadFailure> {
    let source = SourceFile::read(path).map_err(|d| LoadFailure { diagnostics: vec![d], source: None })?;
    let fail = |diagnostics: Vec<Diagnostic>, source: &SourceFile| LoadFailure {
        diagnostics,
        source: Some(source.text.clone()),
    };
    if let Ok(Some(kind)) = source.told_kind().map(|k| k.filter(|k| *k != InputKind::Report)) {
        let mut d = source.locate(
            Problem::error("", format!("this is {}, not a report", kind.describe()))
                .help(kind.command().replace("FILE", &source.name)),
        );
        (d.line, d.column) = source.locator.key_position("schema").map_or((1, 1), |p| (p.line, p.column));
        return Err(fail(vec![d], &source));
    }
    let file: ReportFile = source.parse_as(InputKind::Report).map_err(|d| fail(vec![d], &source))?;

    let mut diags: Vec<Diagnostic> = character_problems(&source, rules)
        .into_iter()
        .chain(unquoted_phones(&source))
        .map(|p| source.locate(p))
        .collect();
    let register = match &file.missions {
        Some(TextOrSeq::Text(name)) => match scope.resolve(&source.dir(), name) {
            Err(e) => {
                let p = match e.message.split_once("`: ") {
                    // Not found: the reason as the hint.
                    Some((_, reason)) if e.message.starts_with("cannot read") => {
                        Problem::error("missions", format!("cannot use missions register `{name}`")).help(reason)
                    }
                    _ => Problem {
                        help: e.help,
                        ..Problem::error("missions", format!("cannot use missions register: {}", e.message))
                    },
                };
                diags.push(source.locate(p));
                None
            }
            Ok(_) => match load_missions(&source.dir().join(name), rules) {
                Ok(m) => Some(m.missions),
                Err(mut d) => {
                    // Point at the `missions:` line too, so the author sees which file is meant.
                    diags.push(
                        source.locate(Problem::error("missions", format!("cannot use missions register `{name}`"))),
                    );
                    diags.append(&mut d);
                    None
                }
            },
        },
        _ => None,
    };
    // Appendix files: inside the root. (A missing one is reported when a pack binds it in.)
    for (i, a) in file.appendices.iter().flatten().enumerate() {
        if let Some(Err(e)) = a.file.as_ref().map(|f| scope.resolve(&source.dir(), f)) {
            if e.outside {
                diags.push(
                    source
                        .locate(Problem { help: e.help, ..Problem::error(format!("appendices[{i}].file"), e.message) }),
                );
            }
        }
    }
    let validated = model::validate_report(&file, register.as_deref(), rules, &source.dir());
    diags.extend(validated.problems.into_iter().map(|p| source.locate(p)));
    diags.sort_by_key(|d| (d.severity, d.file != source.name, d.line, d.column));
    match validated.value {
        Some(report) if !diags.iter().any(Diagnostic::is_error) => Ok(Loaded { report, warnings: diags, source }),
        _ => Err(fail(diags, &source)),
    }
}

/// The characters of an input file's text that cannot be printed (see [`model::characters`]),
/// as problems by field path. The file is read again as a generic tree, so that every text field
/// is seen; a file that does not read so has been reported by the typed parse already.
pub fn character_problems(source: &SourceFile, rules: &Rules) -> Vec<Problem> {
    match source.parse::<serde_json::Value>() {
        Ok(tree) => model::characters::check(&tree, &rules.coverage, &rules.font),
        Err(_) => Vec::new(),
    }
}

/// A `phone:` written as bare digits (`01642527657`): cabrep reads it as text, but YAML 1.1
/// tools (and many editors' linters) read it as a number — an octal one, with its leading 0 —
/// so it is warned about, to be quoted.
pub fn unquoted_phones(source: &SourceFile) -> Vec<Problem> {
    let mut paths: Vec<&str> = source.locator.paths().filter(|p| *p == "phone" || p.ends_with(".phone")).collect();
    paths.sort_unstable();
    paths
        .into_iter()
        .filter_map(|path| {
            let (a, b) = source.locator.scalar_value(path)?;
            let text = source.text.get(a..b)?.trim();
            let digits = text.strip_prefix('+').unwrap_or(text);
            (!digits.is_empty() && digits.bytes().all(|c| c.is_ascii_digit())).then(|| {
                Problem::warning(
                    path,
                    format!(
                        "the phone number `{text}` is not in quotes: YAML 1.1 tools read it as a number{}",
                        if digits.starts_with('0') { " (an octal one)" } else { "" }
                    ),
                )
                .help(format!("write it in quotes, as text: `phone: \"{text}\"`"))
            })
        })
        .collect()
}

/// Reads a missions register file.
pub fn load_missions(path: &Path, rules: &Rules) -> Result<MissionsFile, Vec<Diagnostic>> {
    let source = SourceFile::read(path).map_err(|d| vec![d])?;
    let file: MissionsFile = source.parse_as(InputKind::Missions).map_err(|d| vec![d])?;
    let mut problems: Vec<Diagnostic> =
        character_problems(&source, rules).into_iter().map(|p| source.locate(p)).collect();
    let mut seen = std::collections::HashSet::new();
    for (i, m) in file.missions.iter().enumerate() {
        if !seen.insert(m.id.as_str()) {
            problems.push(
                source.locate(Problem::error(format!("missions[{i}].id"), format!("duplicate mission id `{}`", m.id))),
            );
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

/// Builds one report into `out_dir` in each of `formats`. Each format that rendered is written
/// (atomically), even when another failed; a failure is reported as [`Outcome::Failed`], naming
/// the formats that failed and the files that were written.
///
/// With `formats_at_once`, the formats are rendered at the same time, a thread each — for when
/// there are cores to spare (one report, several cores); a batch that already keeps every core
/// busy renders them one after another.
pub fn build_report(
    engine: &Engine,
    path: &Path,
    out_dir: &Path,
    formats: &[Format],
    formats_at_once: bool,
) -> Outcome {
    // A bug in one report's build (a panic) fails that report only; the batch goes on.
    catch_panic(|| build_one(engine, path, out_dir, formats, formats_at_once))
        .unwrap_or_else(|message| Outcome::Failed { input: path.to_path_buf(), message })
}

fn build_one(engine: &Engine, path: &Path, out_dir: &Path, formats: &[Format], formats_at_once: bool) -> Outcome {
    let loaded = match engine.load(path) {
        Ok(l) => l,
        Err(f) => return Outcome::Invalid(f),
    };
    let doc = engine.document(&loaded.report);
    // An exempt report's files are exempt material wherever they are written.
    let visibility = if loaded.report.exempt.is_some() { Visibility::Restricted } else { Visibility::Public };
    // A thread a format, or one thread for them all.
    let threads = if formats_at_once { formats.len() } else { 1 };
    let results = in_workers(formats, threads, |&f| engine.render(&doc, f));
    let mut failures = Vec::new();
    let mut files = Vec::new();
    for (f, result) in formats.iter().zip(results) {
        match result {
            Ok(bytes) => {
                let p = output_path(out_dir, path, "", f.extension());
                match crate::output::write_atomic(&p, &bytes, visibility) {
                    Ok(()) => files.push(p),
                    Err(e) => failures.push(format!("cannot write {}: {e}", p.display())),
                }
            }
            Err(e) => failures.push(format!("{} output: {e}", f.extension())),
        }
    }
    if !failures.is_empty() {
        let mut message = failures.join("\n");
        if !files.is_empty() {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            message.push_str(&format!("\n(the other formats were written: {})", names.join(", ")));
        }
        return Outcome::Failed { input: path.to_path_buf(), message };
    }
    Outcome::Built { files, warnings: loaded.warnings, source: loaded.source.text }
}

/// The outputs of a batch that would land on one file (`a/report.yaml` and `b/report.yaml`
/// both make `report.pdf`), found before anything is written. The same file named twice is
/// not a collision: [`expand_inputs`] lists it once.
pub fn output_collisions(inputs: &[PathBuf], out_dir: &Path, formats: &[Format]) -> Vec<crate::output::Collision> {
    let planned: Vec<(PathBuf, String)> = inputs
        .iter()
        .flat_map(|input| {
            formats.iter().map(move |f| (output_path(out_dir, input, "", f.extension()), input.display().to_string()))
        })
        .collect();
    let refs: Vec<(&Path, &str)> = planned.iter().map(|(p, s)| (p.as_path(), s.as_str())).collect();
    let mut found = crate::output::collisions(&refs);
    // One pair of inputs collides once per format: say it once.
    found.dedup_by(|a, b| a.first == b.first && a.second == b.second);
    found
}

/// Panics being caught by [`catch_panic`] now, in any thread: the panic hook stays quiet for them.
static CATCHING: AtomicUsize = AtomicUsize::new(0);

/// Runs `f`, turning a panic (a bug) into the message `internal error: …`, so that one report's
/// failure cannot stop the others. While it runs, the hook of [`install_panic_hook`] prints nothing.
pub fn catch_panic<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    CATCHING.fetch_add(1, Ordering::SeqCst);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    CATCHING.fetch_sub(1, Ordering::SeqCst);
    result.map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        let what = what.lines().next().unwrap_or("").to_owned();
        format!("internal error: {what} (a bug in cabrep; please report it with the input)")
    })
}

/// Replaces the default panic message (several lines, with a backtrace hint) by one line, and by
/// nothing while [`catch_panic`] is catching (it reports the panic itself).
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if CATCHING.load(Ordering::SeqCst) > 0 {
            return;
        }
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        // Never a second panic here (a closed stderr): that would abort the process.
        let _ = std::io::Write::write_fmt(
            &mut std::io::stderr(),
            format_args!(
                "error: internal error: {} (a bug in cabrep; please report it)\n",
                what.lines().next().unwrap_or("")
            ),
        );
    }));
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
        handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

/// Expands the command line's paths: a folder means every report `*.yaml`/`*.yml` in it
/// (meeting files and missions registers are recognised and skipped), sorted by name.
pub fn expand_inputs(paths: &[PathBuf]) -> Vec<PathBuf> {
    yaml_files(paths, |f| match SourceFile::read(f) {
        Ok(s) => s.kind() == crate::input::InputKind::Report,
        // An unreadable file is still reported, by the build itself.
        Err(_) => true,
    })
}

/// The files the command line names: each file as named, and for a folder its `*.yaml`/`*.yml`
/// files that `keep` accepts, sorted by name. A file named twice (`build a.yaml a.yaml`, or a
/// folder and a file in it) is listed once.
pub fn yaml_files(paths: &[PathBuf], keep: impl Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| f.is_file() && f.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .filter(|f| keep(f))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
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
        /// Public pages of reports no longer public, removed.
        removed: Vec<PathBuf>,
    },
    /// The meeting file or a report in it is invalid.
    Invalid(crate::pack::MeetingFailure),
    /// Something else failed.
    Failed(String),
}

/// Builds the agenda pack of a meeting: `<stem>-pack.pdf` (public), `<stem>-part2.pdf` when an
/// item is exempt (a stem ending `-pack` loses it: `x-pack.yaml` makes `x-pack.pdf`), and with `docx` in `formats` the front sheet and agenda as
/// `<stem>-agenda.docx`. Nothing is written unless everything rendered.
pub fn build_pack(engine: &Engine, meeting: &Path, out_dir: &Path, formats: &[Format]) -> PackOutcome {
    catch_panic(|| build_pack_once(engine, meeting, out_dir, formats)).unwrap_or_else(PackOutcome::Failed)
}

fn build_pack_once(engine: &Engine, meeting: &Path, out_dir: &Path, formats: &[Format]) -> PackOutcome {
    use crate::document::pack as dp;
    let (m, warnings) = match crate::pack::load_meeting(meeting, &engine.rules, &engine.access.scope_for(meeting)) {
        Ok(x) => x,
        Err(f) => return PackOutcome::Invalid(f),
    };
    let (public, part2) = m.split();
    let opts = document::assemble::Options { metadata_date: engine.metadata_date };
    let public_doc = dp::public_pack(&public, &engine.template, &opts);
    let anchors: Vec<String> = public.items.iter().map(|i| dp::item_anchor(i.number())).collect();
    let pdf = match engine.pdf().and_then(|w| w.render_with_pages(&public_doc, &anchors)) {
        Ok(p) => p,
        Err(e) => {
            let reports = public.items.iter().filter_map(|i| match i {
                crate::pack::PublicItem::Report { number, report, source } => {
                    Some((*number, report.report(), Some(source.as_path())))
                }
                _ => None,
            });
            return PackOutcome::Failed(format!("public pack{}: {e}", failing_item(engine, reports, &opts)));
        }
    };
    let named = pack_name(meeting);
    let out = |suffix: &str, ext: &str| output_path(out_dir, &named, suffix, ext);
    let public_file = |path: PathBuf, bytes: Vec<u8>| Output { path, bytes, visibility: Visibility::Public };
    let mut rendered = vec![public_file(out("-pack", "pdf"), pdf.pdf.clone())];
    if let Some(p2) = &part2 {
        match engine.pdf().and_then(|w| w.render(&dp::part2_pack(p2, &engine.template, &opts))) {
            Ok(bytes) => {
                rendered.push(Output { path: out("-part2", "pdf"), bytes, visibility: Visibility::Restricted })
            }
            Err(e) => {
                let reports = p2.items.iter().map(|(number, report, _)| (*number, report, None));
                return PackOutcome::Failed(format!("Part 2 pack{}: {e}", failing_item(engine, reports, &opts)));
            }
        }
    }
    if formats.contains(&Format::Docx) {
        let agenda = dp::agenda_only(&public_doc, &pdf.pages, pdf.page_count);
        match render::docx::render(&agenda, engine.figures(), engine.words().as_ref()) {
            Ok(bytes) => rendered.push(public_file(out("-agenda", "docx"), bytes)),
            Err(e) => return PackOutcome::Failed(format!("agenda DOCX: {e}")),
        }
    }
    // The pack's own files, whatever the formats: a report's page never takes one of their names.
    let pack_files: Vec<PathBuf> =
        [("-pack", "pdf"), ("-part2", "pdf"), ("-agenda", "docx"), ("-index", "html"), ("-pack", "tree.json")]
            .iter()
            .map(|(s, e)| out(s, e))
            .chain(std::iter::once(manifest_path(out_dir, &named)))
            .collect();
    let pages = report_pages(&public, out_dir, &pack_files);
    if formats.contains(&Format::Html) {
        // Each public report's own page, and the index that links them (never an exempt one:
        // `public` holds none).
        let mut links = dp::IndexLinks {
            reports: std::collections::BTreeMap::new(),
            pack_pdf: relative_href(&out("-pack", "pdf")),
        };
        for (item, path) in public.items.iter().filter_map(|i| pages.get(&i.number()).map(|p| (i, p))) {
            let crate::pack::PublicItem::Report { number, report, source } = item else { continue };
            match render::html::render(&document::assemble::report(report.report(), &engine.template, &opts)) {
                Ok(bytes) => rendered.push(public_file(path.clone(), bytes)),
                Err(e) => return PackOutcome::Failed(format!("{}: HTML: {e}", source.display())),
            }
            links.reports.insert(*number, relative_href(path));
        }
        let index = dp::index_page(&public_doc, &public, &links, &pdf.pages, pdf.page_count, &engine.template);
        match render::html::render(&index) {
            Ok(bytes) => rendered.push(public_file(out("-index", "html"), bytes)),
            Err(e) => return PackOutcome::Failed(format!("pack index HTML: {e}")),
        }
    }
    if formats.contains(&Format::Tree) {
        match serde_json::to_vec_pretty(&public_doc) {
            Ok(bytes) => rendered.push(public_file(out("-pack", "tree.json"), bytes)),
            Err(e) => return PackOutcome::Failed(e.to_string()),
        }
    }
    // Public pages this pack wrote before for reports that are no longer public (now exempt, or
    // gone from the agenda): listed in its manifest, removed once the new files are written.
    let manifest = manifest_path(out_dir, &named);
    let before = read_manifest(&manifest);
    let now: Vec<String> =
        pages.values().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
    let listed: Vec<String> = if formats.contains(&Format::Html) {
        now.clone()
    } else {
        before.iter().filter(|n| now.contains(n)).cloned().collect()
    };
    rendered.push(public_file(manifest.clone(), manifest_json(&listed)));
    let files = match crate::output::write_all(rendered) {
        Ok(files) => files,
        Err(message) => return PackOutcome::Failed(message),
    };
    let mut removed = Vec::new();
    for name in before.iter().filter(|n| !now.contains(n)) {
        let stale = out_dir.join(name);
        if stale.is_file() {
            match std::fs::remove_file(&stale) {
                Ok(()) => removed.push(stale),
                Err(e) => {
                    return PackOutcome::Failed(format!(
                        "cannot remove {}, a page of a report no longer public: {e}",
                        stale.display()
                    ))
                }
            }
        }
    }
    PackOutcome::Built { files, warnings, pages: pdf.page_count, removed }
}

/// The name a pack's outputs take from its meeting file: the file's, less a trailing `-pack`
/// (`cabinet-pack.yaml` makes `cabinet-pack.pdf`, not `cabinet-pack-pack.pdf`).
fn pack_name(meeting: &Path) -> PathBuf {
    match meeting.file_stem().and_then(|s| s.to_str()).and_then(|s| s.strip_suffix("-pack")).filter(|s| !s.is_empty()) {
        Some(stem) => meeting.with_file_name(format!("{stem}.yaml")),
        None => meeting.to_path_buf(),
    }
}

/// Where each public report's own HTML page goes: `<report-stem>.html`, or
/// `<report-stem>-item-N.html` when that name is taken (two reports of one name from different
/// folders, or a report named like one of the pack's own files, `<meeting>-index.yaml`).
fn report_pages(
    public: &crate::pack::PublicPack,
    out_dir: &Path,
    pack_files: &[PathBuf],
) -> std::collections::BTreeMap<u32, PathBuf> {
    let key = |p: &Path| p.to_string_lossy().to_lowercase();
    let mut taken: std::collections::BTreeSet<String> = pack_files.iter().map(|p| key(p)).collect();
    let mut pages = std::collections::BTreeMap::new();
    for item in &public.items {
        let crate::pack::PublicItem::Report { number, source, .. } = item else { continue };
        let mut path = output_path(out_dir, source, "", "html");
        let mut n = 0;
        while !taken.insert(key(&path)) {
            n += 1;
            let suffix = if n == 1 { format!("-item-{number}") } else { format!("-item-{number}-{n}") };
            path = output_path(out_dir, source, &suffix, "html");
        }
        pages.insert(*number, path);
    }
    pages
}

/// The pack's manifest: the public report pages it has written, so that a later build can
/// remove those whose reports are no longer public.
fn manifest_path(out_dir: &Path, meeting: &Path) -> PathBuf {
    output_path(out_dir, meeting, "-manifest", "json")
}

/// The page names a manifest lists. Only plain `.html` names in the output folder are taken:
/// an edited manifest cannot make a build remove anything else.
fn read_manifest(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else { return Vec::new() };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(&text) else { return Vec::new() };
    value["public_pages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
        .filter(|n| {
            n.ends_with(".html")
                && !n.starts_with('.')
                && !n.contains(['/', '\\'])
                && Path::new(n).components().count() == 1
        })
        .map(str::to_owned)
        .collect()
}

fn manifest_json(pages: &[String]) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(&serde_json::json!({ "public_pages": pages })).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

/// Which report a pack that failed to typeset fails on: each report is typeset alone, in order,
/// and the first that fails is named (` (item 3, reports/x.yaml)`); empty when each one alone
/// typesets (the failure is in the pack's own pages).
fn failing_item<'a>(
    engine: &Engine,
    reports: impl Iterator<Item = (u32, &'a Report, Option<&'a Path>)>,
    opts: &document::assemble::Options,
) -> String {
    let Ok(pdf) = engine.pdf() else { return String::new() };
    for (number, report, source) in reports {
        if pdf.render(&document::assemble::report(report, &engine.template, opts)).is_err() {
            return match source {
                Some(s) => format!(" (item {number}, {})", s.display()),
                None => format!(" (item {number}, {})", report.title),
            };
        }
    }
    String::new()
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
pub fn build_decisions(
    engine: &Engine,
    meeting: &Path,
    outcome: &Path,
    out_dir: &Path,
    formats: &[Format],
) -> PackOutcome {
    catch_panic(|| build_decisions_once(engine, meeting, outcome, out_dir, formats)).unwrap_or_else(PackOutcome::Failed)
}

fn build_decisions_once(
    engine: &Engine,
    meeting: &Path,
    outcome: &Path,
    out_dir: &Path,
    formats: &[Format],
) -> PackOutcome {
    use crate::document::decisions as dd;
    let (m, warnings) = match crate::pack::load_meeting(meeting, &engine.rules, &engine.access.scope_for(meeting)) {
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
    let file: crate::input::types::OutcomeFile = match source.parse_as(InputKind::Outcome) {
        Ok(f) => f,
        Err(d) => return invalid(vec![d], Some(source.text.clone())),
    };
    let unprintable: Vec<Diagnostic> =
        character_problems(&source, &engine.rules).into_iter().map(|p| source.locate(p)).collect();
    if !unprintable.is_empty() {
        return invalid(unprintable, Some(source.text.clone()));
    }
    let s = &engine.template.settings;
    let calendar = crate::model::calendar::Calendar::england_and_wales();
    let (record, problems) =
        crate::model::decisions::build_record(&m, &file, &engine.rules, s.call_in_working_days, &calendar);
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
        let visibility = if *suffix == "-decisions" { Visibility::Public } else { Visibility::Restricted };
        for &f in formats {
            match engine.render(doc, f) {
                Ok(bytes) => {
                    if f == Format::Pdf && *suffix == "-decisions" {
                        pages = count_pdf_pages(&bytes);
                    }
                    rendered.push(Output {
                        path: output_path(out_dir, meeting, suffix, f.extension()),
                        bytes,
                        visibility,
                    });
                }
                Err(e) => return PackOutcome::Failed(format!("decision record ({}): {e}", f.extension())),
            }
        }
    }
    match crate::output::write_all(rendered) {
        Ok(files) => PackOutcome::Built { files, warnings, pages, removed: Vec::new() },
        Err(message) => PackOutcome::Failed(message),
    }
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
    let reports: Vec<(&Report, String)> = loaded.iter().map(|l| (&l.report, l.source.name.clone())).collect();
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
        &document::assemble::Options { metadata_date: engine.metadata_date },
    );
    let mut rendered = Vec::new();
    let mut pages = 0;
    for &f in formats {
        match engine.render(&doc, f) {
            Ok(bytes) => {
                if f == Format::Pdf {
                    pages = count_pdf_pages(&bytes);
                }
                let path = out_dir.join(format!("{name}-forward-plan.{}", f.extension()));
                // Public: the plan holds an exempt decision's title and paragraph only.
                rendered.push(Output { path, bytes, visibility: Visibility::Public });
            }
            Err(e) => return PackOutcome::Failed(format!("forward plan ({}): {e}", f.extension())),
        }
    }
    match crate::output::write_all(rendered) {
        Ok(files) => PackOutcome::Built { files, warnings, pages, removed: Vec::new() },
        Err(message) => PackOutcome::Failed(message),
    }
}

/// Reads a previous Forward Plan (`cabrep/forward-plan/v1`).
pub fn load_previous_plan(path: &Path) -> Result<crate::model::forward_plan::Previous, LoadFailure> {
    let source = SourceFile::read(path).map_err(|d| LoadFailure { diagnostics: vec![d], source: None })?;
    let fail = |d: Vec<Diagnostic>| LoadFailure { diagnostics: d, source: Some(source.text.clone()) };
    let file: crate::input::types::PreviousPlanFile = source.parse().map_err(|d| fail(vec![d]))?;
    let published = file.published.date("published").map_err(|p| fail(vec![source.locate(p)]))?;
    Ok(crate::model::forward_plan::Previous {
        published,
        references: file.references.iter().map(|r| r.trim().to_owned()).collect(),
    })
}

fn count_pdf_pages(bytes: &[u8]) -> usize {
    hayro_syntax::Pdf::new(bytes.to_vec()).map(|p| p.pages().len()).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::{catch_panic, in_workers};
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn a_panic_in_one_report_of_a_batch_fails_that_report_only() {
        let items: Vec<u32> = (0..6).collect();
        let out =
            in_workers(&items, 2, |&n| catch_panic(|| if n == 3 { panic!("boom at {n}\nsecond line") } else { n }));
        assert_eq!(
            out[3],
            Err("internal error: boom at 3 (a bug in cabrep; please report it with the input)".to_owned())
        );
        assert_eq!(out.iter().filter_map(|r| r.as_ref().ok()).copied().collect::<Vec<_>>(), [0, 1, 2, 4, 5]);
    }

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
