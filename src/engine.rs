//! The engine: what a process sets up once and every command shares — the template, the
//! validation rules drawn from it, the writers, the metadata date (`SOURCE_DATE_EPOCH`) and the
//! file-access limits — with the three steps every paper goes through: [`Engine::load`],
//! [`Engine::document`], [`Engine::render`]. It writes no files; the commands in [`crate::build`]
//! do.

use std::path::Path;

use time::Date;

use crate::diag::Problem;
use crate::document;
use crate::input::file::Access;
use crate::load::{load_report, LoadFailure, Loaded};
use crate::model::{Report, Rules};
use crate::render::{Format, RenderError, Writers};
use crate::template::{Template, TemplateError};
use crate::tree::Document;

/// Everything loaded once per process.
pub struct Engine {
    /// The template.
    pub template: Template,
    /// Validation rules from the template.
    pub rules: Rules,
    /// The writers, set up from the template on first use.
    pub writers: Writers,
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
        let writers =
            Writers::new(template.typst.clone(), template.fonts.clone(), template.settings.style.font.clone());
        Ok(Engine { template, rules, writers, metadata_date, access: Access::default() })
    }

    /// Renders a document in one format (see [`Writers::render`]).
    pub fn render(&self, doc: &Document, format: Format) -> Result<Vec<u8>, RenderError> {
        self.writers.render(doc, format)
    }

    /// Assembly's options: what every document of this process shares.
    pub fn options(&self) -> document::assemble::Options {
        document::assemble::Options { metadata_date: self.metadata_date }
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
        document::assemble::report(report, &self.template, &self.options())
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
