//! `cabrep pack`: a meeting's agenda pack (public PDF, Part 2 PDF, the agenda as DOCX), each
//! public report's own HTML page and the index that links them, and the manifest by which a later
//! build removes pages of reports no longer public.

use std::path::{Path, PathBuf};

use super::ahead::Ahead;
use super::binding::{bind, BindError, Turn};
use super::part_cache::PartCache;
use super::PapersOutcome;
use crate::engine::Engine;
use crate::jobs::catch_panic;
use crate::output::{output_path, Output, Visibility};
use crate::render::Format;

/// Builds the agenda pack of a meeting: `<stem>-pack.pdf` (public), `<stem>-part2.pdf` when an
/// item is exempt (a stem ending `-pack` loses it: `x-pack.yaml` makes `x-pack.pdf`), and with `docx` in `formats` the front sheet and agenda as
/// `<stem>-agenda.docx`. Nothing is written unless everything rendered.
pub fn build_pack(
    engine: &Engine,
    meeting: &Path,
    out_dir: &Path,
    formats: &[Format],
    opts: &PackOptions,
) -> PapersOutcome {
    catch_panic(|| build_pack_once(engine, meeting, out_dir, formats, opts)).unwrap_or_else(PapersOutcome::Failed)
}

/// How a pack is built.
#[derive(Debug, Clone)]
pub struct PackOptions {
    /// Parts typeset at once (`-j`).
    pub workers: usize,
    /// Reuse typeset public parts from earlier builds (off with `--no-cache`).
    pub cache: bool,
}

fn build_pack_once(
    engine: &Engine,
    meeting: &Path,
    out_dir: &Path,
    formats: &[Format],
    opts: &PackOptions,
) -> PapersOutcome {
    let stem = output_path(out_dir, &pack_name(meeting), "", "");
    let stem = stem.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let cache = opts.cache.then(|| PartCache::new(out_dir, &stem));
    // A report edited since the last build is typeset as soon as it is read (see `Ahead`).
    std::thread::scope(|scope| {
        let ahead = cache.as_ref().map(|cache| Ahead::new(scope, engine, cache, opts.workers));
        let built = build_pack_read(engine, meeting, out_dir, formats, opts, cache.as_ref(), ahead.as_ref());
        if let (Some(cache), Some(ahead), PapersOutcome::Built { .. }) = (&cache, &ahead, &built) {
            if let Some(sources) = ahead.changed_sources() {
                cache.put_last_sources(&sources);
            }
        }
        built
    })
}

/// [`build_pack_once`], with the pack's part cache and the parts typeset ahead of binding.
fn build_pack_read(
    engine: &Engine,
    meeting: &Path,
    out_dir: &Path,
    formats: &[Format],
    opts: &PackOptions,
    cache: Option<&PartCache>,
    ahead: Option<&Ahead<'_, '_>>,
) -> PapersOutcome {
    use crate::document::pack::{self as assemble_pack, ReportPages};
    let read = |r: &crate::meeting::ReadReport<'_>| {
        if let Some(ahead) = ahead {
            ahead.consider(r);
        }
    };
    let scope = engine.access.scope_for(meeting);
    let (m, mut warnings) = match crate::meeting::load_meeting_with(meeting, engine, &scope, opts.workers, &read) {
        Ok(x) => x,
        Err(f) => return PapersOutcome::Invalid(f),
    };
    let (public, part2) = m.split();
    // The meeting's own documents are in the template the meeting file names.
    let template = engine.template_named(m.template.as_deref());
    let assembly = engine.options();
    let named = pack_name(meeting);
    let out = |suffix: &str, ext: &str| output_path(out_dir, &named, suffix, ext);
    let pages = if formats.contains(&Format::Html) { ReportPages::Yes } else { ReportPages::No };
    let assemble_public = || {
        let mut parts = assemble_pack::public_pack(&public, template, &|r| engine.template_of(r), &assembly, pages);
        parts.front.template = m.template.clone();
        parts
    };
    let assemble_part2 = || {
        part2.as_ref().map(|p2| {
            let mut parts = assemble_pack::part2_pack(p2, template, &|r| engine.template_of(r), &assembly);
            parts.front.template = m.template.clone();
            parts
        })
    };
    // The meeting's typesetters are started while its documents are assembled (binding would
    // start them else): one for each report typeset at once, and one for the front sheet.
    let reports = public.items.iter().filter(|i| matches!(i, crate::meeting::PublicItem::Report { .. })).count();
    let (mut public_parts, mut part2_parts) = std::thread::scope(|scope| {
        scope.spawn(|| {
            // A typesetter that cannot start is said by binding, which asks again.
            let _ = engine.writers_named(m.template.as_deref()).pdf_for(opts.workers.min(reports + 1));
        });
        (assemble_public(), assemble_part2())
    });
    if let Some(p2) = &part2_parts {
        let shared = shared_pictures(&public_parts, p2);
        if !shared.is_empty() {
            let source = match crate::input::SourceFile::read(meeting) {
                Ok(source) => source,
                Err(d) => return PapersOutcome::Failed(d.message),
            };
            let diagnostics = shared.into_iter().map(|p| source.locate(p)).collect();
            return PapersOutcome::Invalid(crate::meeting::MeetingFailure {
                files: vec![crate::load::LoadFailure { diagnostics, source: Some(source.text) }],
            });
        }
    }
    // A Part 2 pack bound from what the last build's was, which that build wrote and which is
    // unchanged since, is left as it is (see `PartCache::part2_unchanged`); binding it again
    // would write the same bytes. The public pack is bound whatever.
    let part2_file = out("-part2", "pdf");
    let part2_inputs = match (cache, &part2_parts) {
        (Some(_), Some(p2)) => super::binding::inputs_digest(engine, p2),
        _ => None,
    };
    let part2_kept = match (cache, &part2_inputs) {
        (Some(cache), Some(inputs)) => cache.part2_unchanged(inputs, &part2_file),
        _ => false,
    };
    let part2_to_bind = if part2_kept { None } else { part2_parts.as_mut() };
    // The Part 2 pack, bound beside the public one, waits for this turn (see `Turn`).
    let turn = Turn::default();
    let mut bind_public = || match bind(engine, &mut public_parts, opts.workers, cache, ahead, Some(&turn)) {
        // Parts refused from the cache (they say they are not for publication) have lost their
        // entries: assembled and bound again, they are typeset afresh. A second refusal fails.
        Err(BindError::CacheRefused(_)) => {
            public_parts = assemble_public();
            bind(engine, &mut public_parts, opts.workers, cache, ahead, None)
        }
        bound => bound,
    };
    // The Part 2 pack is never cached: no exempt part is left in a folder a public build writes
    // to. With more than one worker it is bound beside the public pack (a rebuild leaves a core
    // idle while the edited reports are typeset), once the public pack's front sheet is laid out
    // ahead: the two then take one typesetter between them, and the edited reports the others.
    let (bound, part2_bound) = match part2_to_bind {
        Some(p2) if opts.workers > 1 => std::thread::scope(|scope| {
            let turn = &turn;
            let part2 = scope.spawn(move || {
                turn.wait();
                bind(engine, p2, opts.workers, None, None, None)
            });
            let bound = bind_public();
            let part2 = part2.join().unwrap_or_else(|_| Err(BindError::Pack("it stopped unexpectedly".into())));
            (bound, Some(part2))
        }),
        p2 => (bind_public(), p2.map(|p2| bind(engine, p2, opts.workers, None, None, None))),
    };
    let mut bound = match bound {
        Ok(b) => b,
        Err(e) => return PapersOutcome::Failed(e.describe("public pack")),
    };
    let mut notes: Vec<(u32, String)> = bound.warnings.clone();
    let public_file = |path: PathBuf, bytes: Vec<u8>| Output { path, bytes, visibility: Visibility::Public };
    let mut rendered = vec![public_file(out("-pack", "pdf"), std::mem::take(&mut bound.pdf))];
    // What vouches for the Part 2 pack written, kept once it is written: never for one whose
    // binding warned (left as it is, it would not warn again), and none kept when there is no
    // Part 2 pack.
    let mut part2_tag = None;
    if let Some(part2) = part2_bound {
        match part2 {
            Ok(b) => {
                notes.extend(b.warnings.iter().map(|(item, w)| (*item, format!("Part 2 pack: {w}"))));
                if let (Some(cache), Some(inputs), true) = (cache, &part2_inputs, b.warnings.is_empty()) {
                    part2_tag = cache.part2_tag(inputs, &b.pdf);
                }
                rendered.push(Output { path: part2_file.clone(), bytes: b.pdf, visibility: Visibility::Restricted })
            }
            Err(e) => return PapersOutcome::Failed(e.describe("Part 2 pack")),
        }
    }
    if !notes.is_empty() {
        // Each at its item in the meeting file (items are numbered in the file's order).
        if let Ok(source) = crate::input::SourceFile::read(meeting) {
            let diagnostics = notes
                .into_iter()
                .map(|(item, n)| {
                    let path = if item > 0 { format!("items[{}]", item - 1) } else { "items".to_owned() };
                    source.locate(crate::diag::Problem::warning(path, n))
                })
                .collect();
            warnings.push((diagnostics, source.text));
        }
    }
    if formats.contains(&Format::Docx) {
        match engine.render(&bound.front, Format::Docx) {
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
            // The report as the pack assembled it (once), printed alone.
            let alone = public_parts.parts.iter().find(|p| p.item == *number).and_then(|p| p.alone.as_deref());
            let assembled;
            let doc = match alone {
                Some(doc) => doc,
                None => {
                    assembled = engine.document(report.report());
                    &assembled
                }
            };
            match engine.render(doc, Format::Html) {
                Ok(bytes) => rendered.push(public_file(path.clone(), bytes)),
                Err(e) => return PapersOutcome::Failed(format!("{}: HTML: {e}", source.display())),
            }
            links.reports.insert(*number, relative_href(path));
        }
        let index = assemble_pack::index_page(&bound.front, &public, &links, &bound.starts, bound.page_count, template);
        match engine.render(&index, Format::Html) {
            Ok(bytes) => rendered.push(public_file(out("-index", "html"), bytes)),
            Err(e) => return PapersOutcome::Failed(format!("pack index HTML: {e}")),
        }
    }
    if formats.contains(&Format::Tree) {
        match serde_json::to_vec_pretty(&bound.front) {
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
    let unchanged = if part2_kept { vec![part2_file] } else { Vec::new() };
    if let (Some(cache), false) = (cache, part2_kept) {
        cache.put_part2(part2_tag);
    }
    let mut removed = Vec::new();
    // An index from an earlier build that this one did not rewrite links that build's pages and
    // page numbers, and perhaps a report no longer public: it goes.
    let index = out("-index", "html");
    if !formats.contains(&Format::Html) && index.is_file() {
        match std::fs::remove_file(&index) {
            Ok(()) => removed.push((index, crate::commands::Removal::StaleIndex)),
            Err(e) => {
                return PapersOutcome::Failed(format!(
                    "cannot remove {}, the pack's index from an earlier build: {e}",
                    index.display()
                ))
            }
        }
    }
    for name in before.iter().filter(|n| !now.contains(n)) {
        let stale = out_dir.join(name);
        if stale.is_file() {
            match std::fs::remove_file(&stale) {
                Ok(()) => removed.push((stale, crate::commands::Removal::NoLongerPublic)),
                Err(e) => {
                    return PapersOutcome::Failed(format!(
                        "cannot remove {}, a page of a report no longer public: {e}",
                        stale.display()
                    ))
                }
            }
        }
    }
    if let Some(cache) = cache {
        cache.prune();
    }
    let pages = bound.page_count;
    // What the build held (the meeting, its reports and documents, many small allocations) is
    // let go on a thread of its own: its files are written, and nothing waits for the freeing.
    let held = (m, public, part2, public_parts, part2_parts, bound);
    let _ = std::thread::Builder::new().name("let go".into()).spawn(move || drop(held));
    PapersOutcome::Built { files, unchanged, warnings, pages, removed }
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

/// A link from one output file to another in the same folder: the file name, percent-encoded.
fn relative_href(path: &Path) -> String {
    const KEEP: &percent_encoding::AsciiSet =
        &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    percent_encoding::utf8_percent_encode(&name, KEEP).to_string()
}

/// Every picture a public report shows that an exempt report of the same meeting shows too — the
/// same file, or the same pixels saved again — as an error at the public item, naming both.
fn shared_pictures(
    public: &crate::document::pack::PackParts,
    part2: &crate::document::pack::PackParts,
) -> Vec<crate::diag::Problem> {
    use crate::document::pack::PartContent;
    fn docs(pack: &crate::document::pack::PackParts) -> Vec<(u32, String, &crate::tree::Document)> {
        pack.parts
            .iter()
            .filter_map(|p| match &p.content {
                PartContent::Typeset(Some(doc)) if !p.appendix => Some((p.item, p.title.clone(), &**doc)),
                _ => None,
            })
            .collect()
    }
    let exempt = docs(part2);
    let mut problems = Vec::new();
    for (item, title, doc) in docs(public) {
        for picture in crate::tree::pictures(&doc.blocks) {
            let found = exempt.iter().find_map(|(e_item, e_title, e_doc)| {
                crate::tree::pictures(&e_doc.blocks).into_iter().find_map(|e| {
                    let how = if e.image.digest == picture.image.digest {
                        "the same file"
                    } else if e.image.pixels.is_some() && e.image.pixels == picture.image.pixels {
                        "the same picture, saved again"
                    } else {
                        return None;
                    };
                    Some((*e_item, e_title.clone(), e.source.clone(), how))
                })
            });
            if let Some((e_item, e_title, e_source, how)) = found {
                problems.push(
                    crate::diag::Problem::error(
                        format!("items[{}]", item.saturating_sub(1)),
                        format!(
                            "item {item} ({title}) shows the picture `{}`, which exempt item {e_item} ({e_title}) shows as `{e_source}` ({how}); it would publish exempt material",
                            picture.source
                        ),
                    )
                    .help("an exempt report's pictures go in the Part 2 pack only: show another picture in the public report, or none"),
                );
                break;
            }
        }
    }
    problems
}
