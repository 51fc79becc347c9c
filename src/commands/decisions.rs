//! `cabrep decisions`: a meeting's decision record from its outcome file, public and Part 2.

use std::path::Path;

use super::{count_pdf_pages, PapersOutcome};
use crate::diag::Diagnostic;
use crate::document;
use crate::engine::Engine;
use crate::jobs::catch_panic;
use crate::load::LoadFailure;
use crate::output::{output_path, Output, Visibility};
use crate::render::Format;

/// Builds the decision record of a meeting from its outcome file: `<stem>-decisions.<ext>` for
/// each format and, when a decided item is exempt, `<stem>-decisions-part2.<ext>`.
pub fn build_decisions(
    engine: &Engine,
    meeting: &Path,
    outcome: &Path,
    out_dir: &Path,
    formats: &[Format],
) -> PapersOutcome {
    catch_panic(|| build_decisions_once(engine, meeting, outcome, out_dir, formats))
        .unwrap_or_else(PapersOutcome::Failed)
}

fn build_decisions_once(
    engine: &Engine,
    meeting: &Path,
    outcome: &Path,
    out_dir: &Path,
    formats: &[Format],
) -> PapersOutcome {
    use crate::document::decisions as record;
    let (m, warnings) =
        match crate::meeting::load_meeting(meeting, engine, &engine.access.scope_for(meeting), crate::jobs::cores()) {
            Ok(x) => x,
            Err(f) => return PapersOutcome::Invalid(f),
        };
    let (source, file) = match crate::load::load_outcome(outcome, engine.rules_named(m.template.as_deref())) {
        Ok(x) => x,
        Err(f) => return PapersOutcome::Invalid(crate::meeting::MeetingFailure { files: vec![f] }),
    };
    let invalid = |diagnostics: Vec<Diagnostic>, source: Option<String>| {
        PapersOutcome::Invalid(crate::meeting::MeetingFailure { files: vec![LoadFailure { diagnostics, source }] })
    };
    // The record is in the template the meeting file names.
    let template = engine.template_named(m.template.as_deref());
    let s = &template.settings;
    let calendar = crate::model::calendar::Calendar::england_and_wales();
    let (record, problems) = crate::meeting::decisions::build_record(
        &m,
        &file,
        engine.rules_named(m.template.as_deref()),
        s.call_in_working_days,
        &calendar,
    );
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
    let mut docs = vec![("-decisions", record::public_record(&record, &public, template, &opts))];
    if !part2.is_empty() {
        docs.push(("-decisions-part2", record::part2_record(&record, &part2, template, &opts)));
    }
    for (_, doc) in &mut docs {
        doc.template = m.template.clone();
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
                Err(e) => return PapersOutcome::Failed(format!("decision record ({}): {e}", f.extension())),
            }
        }
    }
    match crate::output::write_all(rendered) {
        Ok(files) => PapersOutcome::Built { files, unchanged: Vec::new(), warnings, pages, removed: Vec::new() },
        Err(message) => PapersOutcome::Failed(message),
    }
}
