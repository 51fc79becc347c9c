//! `cabrep pack`: a meeting's agenda pack (public PDF, Part 2 PDF, the agenda as DOCX), each
//! public report's own HTML page and the index that links them, and the manifest by which a later
//! build removes pages of reports no longer public.

use std::path::{Path, PathBuf};

use super::PapersOutcome;
use crate::document;
use crate::engine::Engine;
use crate::jobs::catch_panic;
use crate::model::Report;
use crate::output::{output_path, Output, Visibility};
use crate::render::Format;

/// Builds the agenda pack of a meeting: `<stem>-pack.pdf` (public), `<stem>-part2.pdf` when an
/// item is exempt (a stem ending `-pack` loses it: `x-pack.yaml` makes `x-pack.pdf`), and with `docx` in `formats` the front sheet and agenda as
/// `<stem>-agenda.docx`. Nothing is written unless everything rendered.
pub fn build_pack(engine: &Engine, meeting: &Path, out_dir: &Path, formats: &[Format]) -> PapersOutcome {
    catch_panic(|| build_pack_once(engine, meeting, out_dir, formats)).unwrap_or_else(PapersOutcome::Failed)
}

fn build_pack_once(engine: &Engine, meeting: &Path, out_dir: &Path, formats: &[Format]) -> PapersOutcome {
    use crate::document::pack as assemble_pack;
    let (m, warnings) = match crate::meeting::load_meeting(meeting, &engine.rules, &engine.access.scope_for(meeting)) {
        Ok(x) => x,
        Err(f) => return PapersOutcome::Invalid(f),
    };
    let (public, part2) = m.split();
    let opts = document::assemble::Options { metadata_date: engine.metadata_date };
    let public_doc = assemble_pack::public_pack(&public, &engine.template, &opts);
    let anchors: Vec<String> = public.items.iter().map(|i| assemble_pack::item_anchor(i.number())).collect();
    let pdf = match engine.writers.pdf().and_then(|w| w.render_with_pages(&public_doc, &anchors)) {
        Ok(p) => p,
        Err(e) => {
            let reports = public.items.iter().filter_map(|i| match i {
                crate::meeting::PublicItem::Report { number, report, source } => {
                    Some((*number, report.report(), Some(source.as_path())))
                }
                _ => None,
            });
            return PapersOutcome::Failed(format!("public pack{}: {e}", failing_item(engine, reports, &opts)));
        }
    };
    let named = pack_name(meeting);
    let out = |suffix: &str, ext: &str| output_path(out_dir, &named, suffix, ext);
    let public_file = |path: PathBuf, bytes: Vec<u8>| Output { path, bytes, visibility: Visibility::Public };
    let mut rendered = vec![public_file(out("-pack", "pdf"), pdf.pdf.clone())];
    if let Some(p2) = &part2 {
        match engine.writers.pdf().and_then(|w| w.render(&assemble_pack::part2_pack(p2, &engine.template, &opts))) {
            Ok(bytes) => {
                rendered.push(Output { path: out("-part2", "pdf"), bytes, visibility: Visibility::Restricted })
            }
            Err(e) => {
                let reports = p2.items.iter().map(|item| (item.number, &item.report, None));
                return PapersOutcome::Failed(format!("Part 2 pack{}: {e}", failing_item(engine, reports, &opts)));
            }
        }
    }
    if formats.contains(&Format::Docx) {
        let agenda = assemble_pack::agenda_only(&public_doc, &pdf.pages, pdf.page_count);
        match engine.render(&agenda, Format::Docx) {
            Ok(bytes) => rendered.push(public_file(out("-agenda", "docx"), bytes)),
            Err(e) => return PapersOutcome::Failed(format!("agenda DOCX: {e}")),
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
        let mut links = assemble_pack::IndexLinks {
            reports: std::collections::BTreeMap::new(),
            pack_pdf: relative_href(&out("-pack", "pdf")),
        };
        for (item, path) in public.items.iter().filter_map(|i| pages.get(&i.number()).map(|p| (i, p))) {
            let crate::meeting::PublicItem::Report { number, report, source } = item else { continue };
            match engine.render(&engine.document(report.report()), Format::Html) {
                Ok(bytes) => rendered.push(public_file(path.clone(), bytes)),
                Err(e) => return PapersOutcome::Failed(format!("{}: HTML: {e}", source.display())),
            }
            links.reports.insert(*number, relative_href(path));
        }
        let index =
            assemble_pack::index_page(&public_doc, &public, &links, &pdf.pages, pdf.page_count, &engine.template);
        match engine.render(&index, Format::Html) {
            Ok(bytes) => rendered.push(public_file(out("-index", "html"), bytes)),
            Err(e) => return PapersOutcome::Failed(format!("pack index HTML: {e}")),
        }
    }
    if formats.contains(&Format::Tree) {
        match serde_json::to_vec_pretty(&public_doc) {
            Ok(bytes) => rendered.push(public_file(out("-pack", "tree.json"), bytes)),
            Err(e) => return PapersOutcome::Failed(e.to_string()),
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
        Err(message) => return PapersOutcome::Failed(message),
    };
    let mut removed = Vec::new();
    for name in before.iter().filter(|n| !now.contains(n)) {
        let stale = out_dir.join(name);
        if stale.is_file() {
            match std::fs::remove_file(&stale) {
                Ok(()) => removed.push(stale),
                Err(e) => {
                    return PapersOutcome::Failed(format!(
                        "cannot remove {}, a page of a report no longer public: {e}",
                        stale.display()
                    ))
                }
            }
        }
    }
    PapersOutcome::Built { files, warnings, pages: pdf.page_count, removed }
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
    public: &crate::meeting::PublicPack,
    out_dir: &Path,
    pack_files: &[PathBuf],
) -> std::collections::BTreeMap<u32, PathBuf> {
    let key = |p: &Path| p.to_string_lossy().to_lowercase();
    let mut taken: std::collections::BTreeSet<String> = pack_files.iter().map(|p| key(p)).collect();
    let mut pages = std::collections::BTreeMap::new();
    for item in &public.items {
        let crate::meeting::PublicItem::Report { number, source, .. } = item else { continue };
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
    let Ok(pdf) = engine.writers.pdf() else { return String::new() };
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
