//! Typesetting bounded in time, memory and pages: a template's layout is code, run in a worker
//! process; one that runs away fails its own paper with one message naming the paper and the
//! layout (exit 3), the worker is replaced, and the rest of the batch is built.

use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use crate::common::*;

/// Generous: each case stops in seconds; the bound is for a machine under load.
const LIMIT: Duration = Duration::from_secs(180);

/// Copies the hostile template `tests/hostile/typeset/NAME` into `dir/NAME`.
fn copy_template(dir: &Path, name: &str) {
    let from = root().join("tests/hostile/typeset").join(name);
    let to = dir.join(name);
    std::fs::create_dir_all(&to).expect("mkdir");
    for file in ["template.toml", "report.typ"] {
        std::fs::copy(from.join(file), to.join(file)).unwrap_or_else(|e| panic!("copy {name}/{file}: {e}"));
    }
}

/// The example report, naming the template `name` (a folder beside it).
fn naming(name: &str) -> String {
    let text = example();
    let first = text.find('\n').expect("a first line") + 1;
    format!("{}template: {name}\n{}", &text[..first], &text[first..])
}

/// A batch folder: `bad.yaml` (the example report, typeset with the hostile template `name`)
/// and `good.yaml` (the example as it is). `bad` sorts first, so the good paper is typeset after
/// the bad one, by the worker that replaced the stopped one.
fn batch(dir: &Path, name: &str) -> PathBuf {
    let folder = dir.join("papers");
    std::fs::create_dir_all(&folder).expect("mkdir");
    copy_template(&folder, name);
    write(&folder, "bad.yaml", &naming(name));
    write(&folder, "good.yaml", &example());
    folder
}

/// Builds the batch's PDFs with `-j 1` and `extra` options; returns the run and the output folder.
fn build_batch(dir: &Path, name: &str, extra: &[&str]) -> (Output, PathBuf) {
    let folder = batch(dir, name);
    let out = dir.join("out");
    let mut args = vec!["build", s(&folder), "-f", "pdf", "-j", "1", "-o", s(&out)];
    args.extend(extra);
    let (run, _) = run_limited(cabrep_cmd(&args), "cabrep build", LIMIT);
    (run, out)
}

/// The one error of the batch is the bad paper's, naming it and the layout, and saying `why`;
/// the good paper's PDF is written and reads back; the bad one's is not.
fn only_the_bad_paper_failed(run: &Output, out: &Path, why: &str) {
    let err = stderr(run);
    assert_eq!(run.status.code(), Some(3), "{err}");
    assert!(!err.contains("panicked") && !err.contains("RUST_BACKTRACE"), "{err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 1, "one error: {err}");
    assert!(errors[0].contains("bad.yaml: error: pdf output: PDF: "), "names the paper: {err}");
    assert!(errors[0].contains(why), "says `{why}`: {err}");
    assert!(err.contains("built 1 of 2 report(s)"), "{err}");
    assert_eq!(files_in(out), ["good.pdf"]);
    let text = squash(&pdf_text(&out.join("good.pdf")));
    assert!(text.contains("Highways Capital Programme"), "the good paper is whole: {}", &text[..text.len().min(400)]);
}

#[test]
fn a_template_asking_for_range_400_million_fails_its_paper_and_the_good_paper_of_the_batch_is_built() {
    let dir = tempdir();
    let (run, out) = build_batch(dir.path(), "range-400-million", &["--max-typeset-mb", "1024"]);
    only_the_bad_paper_failed(
        &run,
        &out,
        "typesetting with range-400-million/report.typ stopped: it used more than 1024 MB of memory (--max-typeset-mb)",
    );
}

#[test]
fn a_template_looping_40000_by_40000_times_is_stopped_at_its_deadline_and_the_good_paper_is_built() {
    let dir = tempdir();
    let (run, out) = build_batch(dir.path(), "endless-loop", &["--max-typeset-seconds", "2"]);
    only_the_bad_paper_failed(
        &run,
        &out,
        "typesetting with endless-loop/report.typ stopped: it took longer than 2 s (--max-typeset-seconds)",
    );
}

#[test]
fn a_template_making_300000_page_breaks_is_refused_at_the_page_cap_before_any_pdf_is_made() {
    let dir = tempdir();
    let (run, out) = build_batch(dir.path(), "page-breaks", &[]);
    only_the_bad_paper_failed(
        &run,
        &out,
        "page-breaks/report.typ made 300001 pages, more than the 2000 a document may have (--max-typeset-pages)",
    );
    // A lower cap refuses an ordinary report too, naming the cap given.
    let good = dir.path().join("papers/good.yaml");
    let out2 = dir.path().join("out2");
    let (run, _) = run_limited(
        cabrep_cmd(&["build", s(&good), "-f", "pdf", "-o", s(&out2), "--max-typeset-pages", "3"]),
        "cabrep build",
        LIMIT,
    );
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(3), "{err}");
    assert!(err.contains("pages, more than the 3 a document may have (--max-typeset-pages)"), "{err}");
    assert!(files_in(&out2).is_empty(), "{:?}", files_in(&out2));
}

#[test]
fn a_pack_with_a_report_whose_template_runs_away_fails_with_one_located_error_and_writes_no_pack() {
    let dir = tempdir();
    let d = dir.path();
    copy_inputs(
        d,
        &[
            "cabinet-2024-01-18.yaml",
            "powering-our-future.yaml",
            "missions.yaml",
            "highways-capital-programme.yaml",
            "land-disposal.yaml",
            "minutes-2023-12-14.pdf",
        ],
    );
    copy_template(d, "endless-loop");
    write(d, "highways-capital-programme.yaml", &naming("endless-loop"));
    let out = d.join("out");
    let meeting = d.join("cabinet-2024-01-18.yaml");
    let args = ["pack", s(&meeting), "-f", "pdf", "-o", s(&out), "--no-cache", "--max-typeset-seconds", "2"];
    let (run, _) = run_limited(cabrep_cmd(&args), "cabrep pack", LIMIT);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(3), "{err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.contains("error")).collect();
    assert_eq!(errors.len(), 1, "one error: {err}");
    assert!(
        errors[0].contains("cabinet-2024-01-18.yaml: error: ")
            && errors[0].contains("(item 6, ")
            && errors[0].contains("highways-capital-programme.yaml): PDF: typesetting with endless-loop/report.typ stopped: it took longer than 2 s (--max-typeset-seconds)"),
        "{err}"
    );
    let pdfs: Vec<String> = files_in(&out).into_iter().filter(|f| f.ends_with(".pdf")).collect();
    assert!(pdfs.is_empty(), "no pack is written: {pdfs:?}");
}

#[test]
fn an_ordinary_build_through_the_workers_is_byte_identical_run_to_run_and_to_typesetting_in_process() {
    let dir = tempdir();
    let mut runs = Vec::new();
    for n in ["one", "two"] {
        let out = dir.path().join(n);
        let (run, _) =
            run_limited(cabrep_cmd(&["build", "inputs/", "-f", "pdf", "-q", "-o", s(&out)]), "cabrep build", LIMIT);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        runs.push(out);
    }
    let names = files_in(&runs[0]);
    assert_eq!(names.len(), 4, "{names:?}");
    assert_eq!(names, files_in(&runs[1]));
    for name in &names {
        let a = std::fs::read(runs[0].join(name)).expect("read");
        let b = std::fs::read(runs[1].join(name)).expect("read");
        assert!(a.starts_with(b"%PDF-"), "{name}");
        assert!(a == b, "{name} differs between two runs");
    }
    // The same report typeset in this process, by the library's writer: the same bytes.
    let engine = lib::Engine::new(None).expect("engine");
    let path = root().join("inputs/highways-capital-programme.yaml");
    let loaded = engine.load(&path).expect("the example loads");
    let pdf = engine.render(&engine.document(&loaded.report), lib::Format::Pdf).expect("typeset in process");
    let built = std::fs::read(runs[0].join("highways-capital-programme.pdf")).expect("read");
    assert!(pdf == built, "the worker's PDF is the in-process writer's, byte for byte");
}
