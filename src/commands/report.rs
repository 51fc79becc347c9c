//! `cabrep build`: one report, in each format asked for, each file written atomically.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::engine::Engine;
use crate::jobs::catch_panic;
use crate::jobs::in_workers;
use crate::load::LoadFailure;
use crate::output::{output_path, Visibility};
use crate::render::Format;

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
