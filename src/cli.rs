//! The command line's grammar: every subcommand, its arguments and their help text, as clap
//! reads them, and the parsing of a value list or date given on it.
//!
//! This file owns what a user may type, the words `--help` prints, and the turning of the input
//! and typesetting options into the library's settings; it never runs a command, reads a file or
//! prints a diagnostic (the handlers in `main.rs` do).

use std::io::Write;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use cabrep::input::file::{Access, Limits};
use cabrep::render::pdf::{Bounds, Isolation};
use cabrep::render::{bounds, Format};

#[derive(Parser)]
#[command(name = "cabrep", version, about = "Cabinet reports and agenda packs from YAML: DOCX, PDF and HTML")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum MsgFormat {
    /// Human-readable, with a source snippet on a terminal.
    Human,
    /// One JSON object per problem, one per line.
    Json,
}

#[derive(clap::Args)]
pub struct DiagArgs {
    /// How to print problems.
    #[arg(long, value_enum, default_value = "human")]
    pub message_format: MsgFormat,
    /// Treat warnings as errors (exit status 1).
    #[arg(long)]
    pub deny_warnings: bool,
    /// Print only problems, no progress or summary.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Where outputs go and which template makes them (build, pack, decisions).
#[derive(clap::Args)]
pub struct OutputArgs {
    /// Output folder.
    #[arg(short, long, default_value = "out")]
    pub out: PathBuf,
    /// Template folder (default: the built-in cabinet template).
    #[arg(long)]
    pub template: Option<PathBuf>,
}

/// Where the files a paper names may be, and how large a bound PDF may be (build, pack, check,
/// decisions).
#[derive(clap::Args)]
pub struct InputArgs {
    /// The folder that every file a paper names (`report:`, `file:`, `missions:`, appendices)
    /// must be inside (default: the folder of the file given).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// The most pages one bound PDF may have.
    #[arg(long, value_name = "N", default_value_t = Limits::default().pdf_pages)]
    pub max_pdf_pages: u32,
    /// The largest bound PDF, in megabytes.
    #[arg(long, value_name = "N", default_value_t = Limits::default().pdf_bytes >> 20)]
    pub max_pdf_mb: u64,
    /// The most one bound PDF's streams may decompress to, together, in megabytes.
    #[arg(long, value_name = "N", default_value_t = Limits::default().pdf_decoded_bytes >> 20)]
    pub max_pdf_decoded_mb: u64,
}

impl InputArgs {
    pub fn access(&self) -> Result<Access, u8> {
        if let Some(r) = &self.root {
            if !r.is_dir() {
                say!("error: --root {}: not a folder", r.display());
                return Err(2);
            }
        }
        let limits = Limits {
            pdf_pages: self.max_pdf_pages,
            pdf_bytes: self.max_pdf_mb.saturating_mul(1 << 20),
            pdf_decoded_bytes: self.max_pdf_decoded_mb.saturating_mul(1 << 20),
            ..Limits::default()
        };
        Ok(Access { root: self.root.clone(), limits })
    }
}

/// How far typesetting one document may go: a template's layout is code, run in a worker process
/// that is stopped when it passes a bound (build, pack, decisions, forward-plan, serve, watch).
#[derive(clap::Args)]
pub struct TypesetArgs {
    /// The longest typesetting one document may take, in seconds.
    #[arg(long, value_name = "N", default_value_t = bounds::DEFAULT_MAX_SECONDS,
          value_parser = clap::value_parser!(u64).range(1..=86_400))]
    pub max_typeset_seconds: u64,
    /// The most memory typesetting one document may use, in megabytes (address space).
    #[arg(long, value_name = "N", default_value_t = bounds::DEFAULT_MAX_MB,
          value_parser = clap::value_parser!(u64).range(64..=1 << 30))]
    pub max_typeset_mb: u64,
    /// The most pages one typeset document may have.
    #[arg(long, value_name = "N", default_value_t = bounds::DEFAULT_MAX_PAGES as u64,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_typeset_pages: u64,
}

impl TypesetArgs {
    /// The bounds, typesetting in workers that are this very program.
    pub fn bounds(&self) -> Result<Bounds, u8> {
        let program = std::env::current_exe().map_err(|e| {
            say!("error: cannot find this program to typeset with: {e}");
            3
        })?;
        Ok(Bounds {
            max_pages: usize::try_from(self.max_typeset_pages).unwrap_or(usize::MAX),
            isolation: Some(Isolation { program, max_seconds: self.max_typeset_seconds, max_mb: self.max_typeset_mb }),
        })
    }
}

/// The formats to write (`-f`), the same option for every command that writes papers.
#[derive(clap::Args)]
pub struct FormatArgs {
    /// Comma-separated formats: docx, pdf, html, tree (the document tree as JSON). For a pack, pdf
    /// is always made, docx is the front sheet and agenda, and html an index page linking each
    /// public report's own page.
    #[arg(short, long, default_value = "docx,pdf", value_parser = parse_formats)]
    pub formats: FormatList,
}

#[derive(Subcommand)]
pub enum TemplateAction {
    /// Write a template folder NAME from a council's Word file: the file, and a template.toml
    /// extending the cabinet template that names it.
    New {
        /// The folder to write (it must not exist).
        name: PathBuf,
        /// The council's Word file (.docx or .dotx).
        #[arg(long)]
        from: PathBuf,
    },
    /// Load a template folder and say what its Word file gives and how its styles are mapped.
    Check {
        /// The template folder (or a shipped template's name).
        dir: String,
    },
}

#[derive(Subcommand)]
pub enum Command {
    /// Build each report (a folder means every report in it).
    Build {
        /// Report YAML files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        formats: FormatArgs,
        /// Reports built at once (default: the number of cores).
        #[arg(short, long)]
        jobs: Option<usize>,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        typeset: TypesetArgs,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Build a meeting's agenda pack (public, and Part 2 when an item is exempt).
    Pack {
        /// The meeting file.
        meeting: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        formats: FormatArgs,
        /// Reports typeset at once (default: the number of cores).
        #[arg(short, long)]
        jobs: Option<usize>,
        /// Typeset every report again, instead of reusing the parts an earlier build of this pack
        /// left in `<out>/.cabrep-cache/` (a report that changed is always typeset again).
        #[arg(long)]
        no_cache: bool,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        typeset: TypesetArgs,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Build the decision record of a meeting from its outcome file.
    Decisions {
        /// The meeting file.
        meeting: PathBuf,
        /// The outcome file (what was decided).
        outcome: PathBuf,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        formats: FormatArgs,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        typeset: TypesetArgs,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Build the Forward Plan (notice of key decisions) from every report in the folders.
    ForwardPlan {
        /// Report YAML files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The date the plan is published, YYYY-MM-DD: it lists key decisions after it.
        #[arg(long, value_parser = parse_date)]
        published: time::Date,
        /// The previous plan (YAML: `published:` and `references:`), to check that every key
        /// decision is on a plan.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// The outputs' name: `<NAME>-forward-plan.<ext>` (default: the publication date).
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        formats: FormatArgs,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        typeset: TypesetArgs,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Validate input files (reports, meetings, missions registers, outcomes, previous plans); write
    /// nothing.
    Check {
        /// YAML files or folders (a folder means every YAML file in it).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Template folder.
        #[arg(long)]
        template: Option<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        diag: DiagArgs,
    },
    /// Write a commented starter file (to standard output without FILE).
    New {
        /// report, meeting, missions, outcome or forward-plan (a previous plan, for
        /// `forward-plan --previous`).
        #[arg(value_enum)]
        kind: StarterKind,
        /// Where to write it; refuses to overwrite an existing file.
        file: Option<PathBuf>,
        /// The template the paper is for (a report starter): a shipped one (cabinet,
        /// hwb-discussion) or a template folder. Its papers' parts are the starter's fields.
        #[arg(long)]
        template: Option<String>,
    },
    /// A live preview on http://127.0.0.1:PORT/: the HTML page, rebuilt and reloaded on every save,
    /// with the file's problems above it and links to a fresh PDF and DOCX.
    Serve {
        /// A report YAML file, or a folder (an index of its reports).
        path: PathBuf,
        /// The address to listen on (loopback by default: the preview is for this machine).
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Beyond loopback (`--host 0.0.0.0`), show exempt papers and papers that do not load to
        /// other machines too (without it, to this machine only).
        #[arg(long)]
        allow_remote: bool,
        /// The port (0: a free one; the address is printed at start).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Template folder (default: the built-in cabinet template).
        #[arg(long)]
        template: Option<PathBuf>,
        /// Look at the files every 200 ms instead of waiting for the system to say they were
        /// saved (for a folder on a network drive, whose saves the system may not report).
        #[arg(long)]
        poll: bool,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        typeset: TypesetArgs,
    },
    /// Build a report (or a folder's reports) now and again on every save, one status line a build.
    Watch {
        /// A report YAML file, or a folder.
        path: PathBuf,
        /// Look at the files every 200 ms instead of waiting for the system to say they were
        /// saved (for a folder on a network drive, whose saves the system may not report).
        #[arg(long)]
        poll: bool,
        #[command(flatten)]
        output: OutputArgs,
        #[command(flatten)]
        formats: FormatArgs,
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        typeset: TypesetArgs,
    },
    /// Make a template folder from a council's Word file, or check one.
    Template {
        #[command(subcommand)]
        action: TemplateAction,
    },
    /// Print the JSON Schema of the input format.
    Schema {
        /// Which file: report, meeting, missions, outcome or forward-plan (a previous plan).
        #[arg(value_enum, default_value = "report")]
        kind: SchemaKind,
        /// The template whose papers the report schema describes: a shipped one (cabinet,
        /// hwb-discussion) or a template folder.
        #[arg(long)]
        template: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum StarterKind {
    Report,
    Meeting,
    Missions,
    Outcome,
    ForwardPlan,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SchemaKind {
    Report,
    Meeting,
    Missions,
    Outcome,
    ForwardPlan,
}

#[derive(Clone, Debug)]
pub struct FormatList(pub Vec<Format>);

pub fn parse_formats(s: &str) -> Result<FormatList, String> {
    let mut v = Vec::new();
    for part in s.split(',').filter(|p| !p.trim().is_empty()) {
        let f =
            Format::parse(part).ok_or_else(|| format!("unknown format `{part}` (expected docx, pdf, html or tree)"))?;
        if !v.contains(&f) {
            v.push(f);
        }
    }
    if v.is_empty() {
        return Err("name at least one format".into());
    }
    Ok(FormatList(v))
}

/// A date on the command line, read and explained as in every input file.
pub fn parse_date(s: &str) -> Result<time::Date, String> {
    let date = cabrep::input::types::IsoDate(s.to_owned());
    date.date("").map_err(|p| format!("{} ({})", p.message, p.help.unwrap_or_default()))
}
