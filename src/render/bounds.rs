//! The bounds on typesetting one document — its pages, and, in worker processes, its time and
//! memory — and where it runs. Shared by the PDF writer and its stand-in of a build without
//! one, so that the command line is the same in both.

use std::path::PathBuf;

/// The first argument that makes the `cabrep` program a typesetting worker (see
/// `render::pdf::worker`): hidden, never typed by a user.
pub const WORKER_ARG: &str = "__typeset";

/// The most pages one typeset document may have, by default (the order of the bound-PDF cap).
pub const DEFAULT_MAX_PAGES: usize = 2_000;
/// The longest one document's typesetting may take, by default, in seconds.
pub const DEFAULT_MAX_SECONDS: u64 = 60;
/// The most address space a typesetting worker may use, by default, in megabytes.
pub const DEFAULT_MAX_MB: u64 = 4_096;

/// The bounds on typesetting one document, and where it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounds {
    /// The most pages one typeset document may have (`--max-typeset-pages`); the page
    /// furniture of a pack, drawn by the writer's own layout, is not counted.
    pub max_pages: usize,
    /// Worker processes to typeset in. `None`: in this process, bounded in pages only (the
    /// library's own tests, which run in a harness that cannot serve as a worker).
    pub isolation: Option<Isolation>,
}

impl Default for Bounds {
    fn default() -> Self {
        Bounds { max_pages: DEFAULT_MAX_PAGES, isolation: None }
    }
}

/// Typesetting in worker processes, each bounded in time and memory: a template that runs away
/// stops its own paper, never the process that builds the batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Isolation {
    /// The program a worker runs: the `cabrep` binary, given [`WORKER_ARG`] as its first argument.
    pub program: PathBuf,
    /// The longest one document may take, in seconds (`--max-typeset-seconds`).
    pub max_seconds: u64,
    /// The most address space a worker may use, in megabytes (`--max-typeset-mb`).
    pub max_mb: u64,
}
