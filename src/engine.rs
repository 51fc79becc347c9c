//! The engine: what a process sets up once and every command shares — the templates, the
//! validation rules drawn from each, their writers, the metadata date (`SOURCE_DATE_EPOCH`) and
//! the file-access limits, the bounds on typesetting (and whether it runs in worker processes) — with the three steps every paper goes through: [`Engine::load`],
//! [`Engine::document`], [`Engine::render`]. It writes no files; the commands in [`crate::commands`]
//! do.
//!
//! A paper or a meeting file names its template (`template: hwb-discussion`, or a folder beside
//! it; a meeting's serves its front sheet, agenda and decision record); the engine
//! loads each template once, the first time a paper names it, and keeps it for the process. With
//! `--template`, that one template serves every paper whatever it names.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use time::Date;

use crate::diag::Problem;
use crate::document;
use crate::input::file::Access;
use crate::load::{load_report, LoadFailure, Loaded, PickRules};
use crate::model::{Report, Rules};
use crate::render::pdf::Bounds;
use crate::render::{Format, RenderError, Writers};
use crate::template::{Template, TemplateError};
use crate::tree::Document;

/// A template with what is made from it once: its validation rules and its writers.
pub struct Kit {
    /// The template.
    pub template: Template,
    /// Validation rules from the template.
    pub rules: Rules,
    /// The writers, set up from the template on first use.
    pub writers: Writers,
}

impl Kit {
    fn new(template: Template, bounds: &Bounds) -> Kit {
        let rules = Rules::from_template(&template);
        let writers = writers_of(&template, bounds);
        Kit { template, rules, writers }
    }
}

/// A template's writers, typesetting within `bounds`.
fn writers_of(template: &Template, bounds: &Bounds) -> Writers {
    Writers::new(template.typst.clone(), template.fonts.clone(), template.settings.style.font.clone())
        .bounded(bounds.clone(), &format!("{}/report.typ", template.name))
        .with_reference(template.reference.clone())
}

/// Everything loaded once per process.
pub struct Engine {
    /// The default template, its rules and its writers (the meeting's, the pack's and any
    /// paper's that names none).
    pub default: Kit,
    /// Date for document metadata (from `SOURCE_DATE_EPOCH`), if set.
    pub metadata_date: Option<Date>,
    /// The root that paths named by a paper must stay in, and the size caps.
    pub access: Access,
    /// How far typesetting one document may go, and where it runs (see [`Engine::set_bounds`]).
    bounds: Bounds,
    /// Whether `--template` chose the template for every paper (a paper's `template:` is then
    /// not followed).
    forced: bool,
    /// Templates papers have named, by the name a paper's tree carries: a shipped template's
    /// name, or a folder's canonical path. Each is loaded once and kept for the process (leaked
    /// on purpose: a process names a handful, and papers and documents borrow them freely).
    named: Mutex<HashMap<String, &'static Kit>>,
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
            Some(d) => crate::input::template_folder::load(d),
            None => Template::builtin(),
        }
        .map_err(EngineError::Template)?;
        let bounds = Bounds::default();
        Ok(Engine {
            default: Kit::new(template, &bounds),
            metadata_date,
            access: Access::default(),
            bounds,
            forced: dir.is_some(),
            named: Mutex::new(HashMap::new()),
        })
    }

    /// Bounds typesetting for every template's writers — in pages, and, with
    /// [`Bounds::isolation`], in time and memory, in worker processes. Set before the first
    /// paper is loaded (a template a paper names is set up as it is loaded).
    pub fn set_bounds(&mut self, bounds: Bounds) {
        self.default.writers = writers_of(&self.default.template, &bounds);
        self.bounds = bounds;
    }

    /// The template, rules and writers of a paper whose tree or model names `name` (`None`, or a
    /// name no paper loaded: the default).
    fn kit(&self, name: Option<&str>) -> &Kit {
        let named = name.and_then(|n| self.named.lock().unwrap_or_else(|e| e.into_inner()).get(n).copied());
        named.unwrap_or(&self.default)
    }

    /// The template kept under `name` (a meeting's or a paper's, as picked), or the default.
    pub fn template_named(&self, name: Option<&str>) -> &Template {
        &self.kit(name).template
    }

    /// The rules of the template kept under `name`, or the default's.
    pub fn rules_named(&self, name: Option<&str>) -> &Rules {
        &self.kit(name).rules
    }

    /// The template of a paper (its own, or the default).
    pub fn template_of(&self, report: &Report) -> &Template {
        &self.kit(report.template.as_deref()).template
    }

    /// The writers of the template kept under `name`, or the default's.
    pub fn writers_named(&self, name: Option<&str>) -> &Writers {
        &self.kit(name).writers
    }

    /// The writers of a document (its paper's template's, or the default's).
    pub fn writers_of(&self, doc: &Document) -> &Writers {
        self.writers_named(doc.template.as_deref())
    }

    /// Renders a document in one format with its template's writers (see [`Writers::render`]).
    pub fn render(&self, doc: &Document, format: Format) -> Result<Vec<u8>, RenderError> {
        self.writers_of(doc).render(doc, format)
    }

    /// Forgets the template kept under `key` (a folder's), so that the next paper naming it loads
    /// it anew: the live preview, after a file of the folder is saved. The old one's workers are
    /// stopped; the old template stays in memory (documents may still borrow it).
    pub fn forget_template(&self, key: &str) {
        let old = self.named.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
        if let Some(kit) = old {
            kit.writers.stop_workers();
        }
    }

    /// Assembly's options: what every document of this process shares.
    pub fn options(&self) -> document::assemble::Options {
        document::assemble::Options { metadata_date: self.metadata_date }
    }

    /// Loads and validates a report (with the page guide's warning, as every load through the
    /// engine has).
    pub fn load(&self, path: &Path) -> Result<Loaded, LoadFailure> {
        load_report(path, self, &self.access.scope_for(path))
    }

    /// Assembles a report's document with its template.
    pub fn document(&self, report: &Report) -> Document {
        document::assemble::report(report, self.template_of(report), &self.options())
    }
}

/// The workers of the templates papers named are stopped with the engine (the templates are kept
/// for the process, but a worker must not outlive the command).
impl Drop for Engine {
    fn drop(&mut self) {
        for kit in self.named.lock().unwrap_or_else(|e| e.into_inner()).values() {
            kit.writers.stop_workers();
        }
    }
}

/// The names of the shipped templates, for messages.
fn shipped_names() -> String {
    crate::template::SHIPPED.iter().map(|(n, _)| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

impl PickRules for Engine {
    /// The default's rules for a paper naming no template (or any, under `--template`); else the
    /// named template's, loading it the first time: a shipped template by name, or a folder
    /// relative to the paper, inside the paper's root.
    fn pick(&self, named: Option<&str>, dir: &Path) -> Result<(Option<String>, &Rules), Problem> {
        let Some(written) = named.filter(|_| !self.forced) else { return Ok((None, &self.default.rules)) };
        let written = written.trim();
        if written == self.default.template.name && !written.contains(['/', '\\']) {
            return Ok((None, &self.default.rules));
        }
        let shipped = crate::template::SHIPPED.iter().any(|(n, _)| *n == written);
        let key = if shipped {
            written.to_owned()
        } else {
            let real = self.access.scope_for(&dir.join("paper.yaml")).resolve(dir, written).map_err(|e| {
                Problem::error("template", format!("no template `{written}`: {}", e.message)).help(format!(
                    "name a shipped template ({}) or a template folder relative to this file",
                    shipped_names()
                ))
            })?;
            if !real.join("template.toml").is_file() {
                return Err(Problem::error("template", format!("`{written}` is not a template folder"))
                    .help("a template folder holds a `template.toml` (and may hold `report.typ` and `fonts/`)"));
            }
            real.display().to_string()
        };
        let mut map = self.named.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(&k) = map.get(&key) {
            return Ok((Some(key), &k.rules));
        }
        let loaded = if shipped {
            Template::shipped(&key).expect("a shipped name")
        } else {
            crate::input::template_folder::load(Path::new(&key))
        };
        let template = loaded.map_err(|e| {
            Problem::error("template", format!("cannot use template `{written}`: {}", e.0))
                .help("fix the template folder, or name another template")
        })?;
        let kit: &'static Kit = Box::leak(Box::new(Kit::new(template, &self.bounds)));
        map.insert(key.clone(), kit);
        Ok((Some(key), &kit.rules))
    }

    /// Warns when a paper runs past its template's page guide: for a paper built on its own and
    /// for one bound into a pack alike.
    fn loaded(&self, loaded: &mut Loaded) {
        let template = self.template_of(&loaded.report);
        // What the template's Word file could not give the PDF and HTML (a font mapped to a
        // metric-compatible one), said with every paper it lays out.
        if let Some(r) = &template.reference {
            for note in r.notes.iter().filter_map(|n| n.strip_prefix("warning: ")) {
                loaded.warnings.push(loaded.source.locate(Problem::warning("template", format!("{}: {note}", r.file))));
            }
        }
        let guide = template.settings.page_guide;
        let pages = document::assemble::estimate_pages(&document::assemble::report_blocks(&loaded.report, template));
        if pages > guide {
            loaded.warnings.push(
                loaded.source.locate(
                    Problem::warning(
                        "sections",
                        format!("the report will run to about {pages} pages; the template's guide is {guide}"),
                    )
                    .help(
                        if loaded.report.contents == Some(false)
                            || (loaded.report.contents.is_none()
                                && template.settings.paper.contents == crate::template::paper::ContentsRule::Never)
                        {
                            "consider moving detail into appendices"
                        } else {
                            "a contents list is added after the title; consider moving detail into appendices"
                        },
                    ),
                ),
            );
        }
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
