//! Building a batch of reports (`build` of several files or folders): each report on the worker
//! pool, its formats at once when cores are left idle, and each outcome handed to the caller as
//! it comes (to print it). Prints nothing itself and decides no exit status.

use std::path::{Path, PathBuf};

use super::report::{build_report, Outcome};
use crate::engine::Engine;
use crate::jobs::in_workers;
use crate::render::Format;

/// Builds each of `inputs` into `out` with `workers` threads, calling `each` with every outcome
/// as it comes; gives the outcomes in the order of `inputs`.
pub fn build_batch(
    engine: &Engine,
    inputs: &[PathBuf],
    out: &Path,
    formats: &[Format],
    workers: usize,
    each: &(dyn Fn(&Path, &Outcome) + Sync),
) -> Vec<(PathBuf, Outcome)> {
    // Cores the workers leave idle render a report's formats at the same time.
    let formats_at_once = workers > inputs.len();
    in_workers(inputs, workers, |input| {
        let outcome = build_report(engine, input, out, formats, formats_at_once);
        each(input, &outcome);
        (input.clone(), outcome)
    })
}
