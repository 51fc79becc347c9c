//! `cabrep forward-plan`: the notice of key decisions, from every report in the folders named.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::engine::Engine;
use crate::output::{Output, Visibility};
use crate::render::Format;
use time::Date;

use super::{count_pdf_pages, PapersOutcome};
use crate::document;
use crate::model::Report;

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
) -> PapersOutcome {
    use crate::model::forward_plan as fp;
    let mut inputs = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for p in crate::load::report_files(paths) {
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
    let previous = match previous.map(crate::load::load_previous_plan).transpose() {
        Ok(p) => p,
        Err(f) => {
            failures.push(f);
            None
        }
    };
    if !failures.is_empty() {
        return PapersOutcome::Invalid(crate::meeting::MeetingFailure { files: failures });
    }
    let reports: Vec<(&Report, String)> = loaded.iter().map(|l| (&l.report, l.source.name.clone())).collect();
    // The plan is in its reports' template when they share one (else the default).
    let named: std::collections::BTreeSet<Option<&str>> = loaded.iter().map(|l| l.report.template.as_deref()).collect();
    let key = match named.into_iter().collect::<Vec<_>>()[..] {
        [one] => one.map(str::to_owned),
        _ => None,
    };
    let template = engine.template_named(key.as_deref());
    let template_council = template.settings.council.as_ref().map(|c| c.name.as_str());
    let (plan, problems) = fp::build_plan(&reports, published, previous.as_ref(), template_council);
    if plan.council.is_empty() {
        return PapersOutcome::Failed(format!(
            "forward plan: no council is named: the {} template names none and there is no report to name one; add `council = \"…\"` to the template's template.toml",
            template.name
        ));
    }
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
    let mut doc = document::forward_plan::plan(
        &plan,
        template,
        &document::assemble::Options { metadata_date: engine.metadata_date },
    );
    doc.template = key;
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
            Err(e) => return PapersOutcome::Failed(format!("forward plan ({}): {e}", f.extension())),
        }
    }
    match crate::output::write_all(rendered) {
        Ok(files) => PapersOutcome::Built { files, unchanged: Vec::new(), warnings, pages, removed: Vec::new() },
        Err(message) => PapersOutcome::Failed(message),
    }
}
