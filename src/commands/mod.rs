//! The commands that write papers: each loads through the [`Engine`], assembles, renders and
//! writes its outputs with [`crate::output`], one file a command's concern: [`report`] (one
//! report in each format), [`pack`] (a meeting's agenda packs), [`decisions`] (the decision
//! record) and [`forward_plan`]; [`batch`] builds many reports on the worker pool; [`binding`]
//! typesets and merges a pack's parts ([`part_cache`] keeps them between builds, and [`ahead`]
//! typesets an edited report as soon as it is read), and [`preview`] is the author's loop
//! (`serve`, `watch`); [`template_folder`] makes a template folder from a council's Word file and
//! reports what a folder's Word file gives. Nothing here parses YAML or draws a page.

pub mod ahead;
pub mod batch;
pub mod binding;
pub mod decisions;
pub mod forward_plan;
pub mod pack;
pub mod part_cache;
pub mod preview;
pub mod report;
pub mod template_folder;

use std::path::PathBuf;

use crate::diag::Diagnostic;
pub use crate::engine::Engine;
pub use batch::build_batch;
pub use decisions::build_decisions;
pub use forward_plan::build_forward_plan;
pub use pack::{build_pack, PackOptions};
pub use report::{build_report, output_collisions, Outcome};

/// Why a build removed a public file an earlier build wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    /// The page of a report no longer public (now exempt, or off the agenda).
    NoLongerPublic,
    /// The pack's web index, not rebuilt by this build (no `html` format): it linked the earlier
    /// build's pages.
    StaleIndex,
}

impl std::fmt::Display for Removal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Removal::NoLongerPublic => "its report is no longer public (now exempt, or no longer on the agenda)",
            Removal::StaleIndex => {
                "the pack's index of an earlier build, which this build (without `-f html`) does not rewrite, may link pages no longer public"
            }
        })
    }
}

/// What building a set of papers (an agenda pack, a decision record, a Forward Plan) produced.
#[derive(Debug)]
pub enum PapersOutcome {
    /// Built: files written, warnings per report (diagnostics, source text).
    Built {
        /// Files written.
        files: Vec<PathBuf>,
        /// Files this build makes that were already as it would write them, and were left as
        /// they are (a Part 2 pack nothing of which changed).
        unchanged: Vec<PathBuf>,
        /// Warnings with their sources.
        warnings: Vec<(Vec<Diagnostic>, String)>,
        /// Pages in the public pack.
        pages: usize,
        /// Public files of earlier builds, removed, and why.
        removed: Vec<(PathBuf, Removal)>,
    },
    /// The meeting file or a report in it is invalid.
    Invalid(crate::meeting::MeetingFailure),
    /// Something else failed.
    Failed(String),
}

pub(crate) fn count_pdf_pages(bytes: &[u8]) -> usize {
    hayro_syntax::Pdf::new(bytes.to_vec()).map(|p| p.pages().len()).unwrap_or(0)
}
