//! Hostile inputs: deep nesting, devices, FIFOs, huge files and paths out of the paper's root.

#[allow(unused_imports)]
use crate::common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// Runs `cabrep` in `dir` under an address-space cap of `mem_mb` megabytes (`ulimit -v`); kills
/// it and fails the test if it is still running after `secs` seconds.
fn run_capped(dir: &Path, args: &[&str], mem_mb: u64, secs: u64) -> (Output, Duration) {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v {}; exec \"$0\" \"$@\"", mem_mb * 1024))
        .arg(bin())
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH");
    run_limited(c, &format!("cabrep {args:?}"), Duration::from_secs(secs))
}

/// The starter report with its summary replaced.
fn report_with_summary(summary: &str) -> String {
    let s = lib::STARTER_REPORT;
    let old = "summary: |\n  What this report is about, in a paragraph or two.\n";
    assert!(s.contains(old), "the starter report's summary changed");
    let indented: String = summary.lines().map(|l| format!("  {l}\n")).collect();
    s.replace(old, &format!("summary: |\n{indented}"))
}

/// The starter report with `extra` top-level fields appended.
fn report_with(extra: &str) -> String {
    format!("{}{extra}", lib::STARTER_REPORT)
}

/// The line (from 1) of the first line of the summary's text in a report from
/// [`report_with_summary`].
fn summary_line() -> usize {
    lib::STARTER_REPORT.lines().position(|l| l.starts_with("summary:")).expect("summary") + 2
}

/// A meeting file with the given items (YAML list entries, already indented by two spaces).
fn meeting_with(items: &str) -> String {
    let s = lib::STARTER_MEETING;
    let at = s.find("items:\n").expect("items");
    format!("{}items:\n{items}", &s[..at])
}

/// A minimal PDF of `pages` pages (sharing one content stream `content`, stored as given with
/// `filter`), with a correct cross-reference table.
fn pdf_of(pages: usize, content: &[u8], filter: &str) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let mut obj = |out: &mut Vec<u8>, body: &[u8]| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", offsets.len()).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    obj(&mut out, b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: String = (0..pages).map(|i| format!("{} 0 R ", i + 4)).collect();
    obj(&mut out, format!("<< /Type /Pages /Count {pages} /Kids [{kids}] >>").as_bytes());
    let mut stream = format!("<< /Length {}{filter} >>\nstream\n", content.len()).into_bytes();
    stream.extend_from_slice(content);
    stream.extend_from_slice(b"\nendstream");
    obj(&mut out, &stream);
    for _ in 0..pages {
        obj(&mut out, b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes());
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", offsets.len() + 1).as_bytes(),
    );
    out
}

/// A zlib stream of `mb` megabytes of zeros, made without compressing them all: one megabyte
/// compressed with a sync flush gives the same bytes every time once the window is all zeros, so
/// that chunk is repeated.
fn zeros_zlib(mb: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let mut c = Compress::new(Compression::best(), true);
    let zeros = vec![0u8; 1 << 20];
    let chunk = |c: &mut Compress, input: &[u8], flush| {
        let mut out = Vec::with_capacity(64 << 10);
        let before = c.total_in();
        loop {
            let done = (c.total_in() - before) as usize;
            c.compress_vec(&input[done..], &mut out, flush).expect("compress");
            if (c.total_in() - before) as usize == input.len() && out.len() < out.capacity() {
                return out;
            }
            out.reserve(64 << 10);
        }
    };
    let mut data = chunk(&mut c, &zeros, FlushCompress::Sync);
    let second = chunk(&mut c, &zeros, FlushCompress::Sync);
    let third = chunk(&mut c, &zeros, FlushCompress::Sync);
    assert_eq!(second, third, "a chunk of zeros compresses the same each time");
    for _ in 1..mb {
        data.extend_from_slice(&second);
    }
    data.extend(chunk(&mut c, &[], FlushCompress::Finish));
    data
}

/// A paper folder inside a fresh tempdir: `(tempdir, paper folder)`.
fn paper_folder() -> (tempfile::TempDir, PathBuf) {
    let t = tempdir();
    let paper = t.path().join("paper");
    std::fs::create_dir(&paper).expect("mkdir");
    (t, paper)
}

fn write(path: &Path, text: impl AsRef<[u8]>) {
    std::fs::write(path, text).expect("write");
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().expect("mkfifo (coreutils) is required").success();
    assert!(ok, "mkfifo {}", path.display());
}

/// The first line of standard error.
fn first_line(o: &Output) -> String {
    stderr(o).lines().next().unwrap_or("").to_owned()
}

// ---------------------------------------------------------------------------------------------
// 1. Deep nesting
// ---------------------------------------------------------------------------------------------

#[test]
fn a_list_nested_200_deep_is_a_located_error_not_a_crash() {
    let out = tempdir();
    let o = cabrep(&[
        "build",
        "tests/hostile/list-nested-200-deep.yaml",
        "-f",
        "docx,pdf,html",
        "-o",
        out.path().to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        first_line(&o),
        format!("tests/hostile/list-nested-200-deep.yaml:{}:3: error: summary: lists nested 200 deep; at most 8 are supported", summary_line())
    );
    assert!(files_in(out.path()).is_empty(), "wrote {:?}", files_in(out.path()));
}

#[test]
fn emphasis_2000_deep_and_quotes_5000_deep_are_refused_quickly_in_bounded_memory() {
    let (_t, paper) = paper_folder();
    let cases = [
        ("deep-emphasis.md", "emphasis, bold and links nested 1000 deep; at most 8 are supported"),
        ("deep-quotes.md", "block quotes nested 5000 deep; at most 8 are supported"),
        ("deep-list.md", "lists nested 300 deep; at most 8 are supported"),
    ];
    for (md, message) in cases {
        let text = std::fs::read_to_string(root().join("tests/hostile").join(md)).expect("corpus file");
        write(&paper.join("r.yaml"), report_with_summary(&text));
        let (o, took) = run_capped(&paper, &["build", "r.yaml", "-f", "docx,pdf,html", "-o", "out"], 1024, 20);
        assert_eq!(o.status.code(), Some(1), "{md}: {}", stderr(&o));
        assert_eq!(first_line(&o), format!("r.yaml:{}:3: error: summary: {message}", summary_line()), "{md}");
        assert!(took < Duration::from_secs(10), "{md} took {took:?}");
        assert!(files_in(&paper.join("out")).is_empty(), "{md}: wrote {:?}", files_in(&paper.join("out")));
    }
}

/// Markdown nested exactly `n` deep in lists, block quotes and emphasis at once.
fn nested(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!("{}- level {}\n", "  ".repeat(i), i + 1));
    }
    // `*w _w *w … innermost… w* w_ w*`: `*` and `_` in turn, each against a word, n levels.
    let d = |i: usize| if i.is_multiple_of(2) { '*' } else { '_' };
    let open: String = (0..n).map(|i| format!("{}w ", d(i))).collect();
    let close: String = (0..n).rev().map(|i| format!("{} w", d(i))).collect();
    let emph = format!("{}innermost{close}", open.trim_end_matches(' '));
    s.push_str(&format!("{}- {emph}\n\n", "  ".repeat(n - 1)));
    s.push_str(&format!("{}quoted\n", "> ".repeat(n)));
    s
}

#[test]
fn lists_quotes_and_emphasis_at_the_limit_build_in_every_format_and_one_deeper_is_an_error() {
    let (_t, paper) = paper_folder();
    write(&paper.join("at-limit.yaml"), report_with_summary(&nested(8)));
    let o = run_capped(&paper, &["build", "at-limit.yaml", "-f", "docx,pdf,html", "-o", "out"], 4096, 120).0;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(files_in(&paper.join("out")), ["at-limit.docx", "at-limit.html", "at-limit.pdf"]);
    let text = squash(&pdf_text(&paper.join("out/at-limit.pdf")));
    assert_in_order(&text, &["level 1", "level 8", "innermost", "quoted"]);
    let docx = docx_text(&docx_part(&paper.join("out/at-limit.docx"), "word/document.xml"));
    assert_in_order(&docx, &["level 1", "level 8", "innermost", "quoted"]);

    write(&paper.join("over.yaml"), report_with_summary(&nested(9)));
    let o = cabrep(&["check", paper.join("over.yaml").to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    let at = format!("over.yaml:{}:3: error: summary:", summary_line());
    for m in [
        "lists nested 9 deep; at most 8",
        "block quotes nested 9 deep; at most 8",
        "emphasis, bold and links nested 9 deep; at most 8",
    ] {
        assert!(e.lines().any(|l| l.contains(&at) && l.ends_with(&format!("{m} are supported"))), "no `{m}` in:\n{e}");
    }
}

#[test]
fn a_batch_of_good_200_deep_good_builds_both_good_reports_and_exits_1() {
    let (_t, paper) = paper_folder();
    write(&paper.join("a-good.yaml"), lib::STARTER_REPORT);
    write(&paper.join("b-deep.yaml"), report_with_summary(&format!("{}deep", "- ".repeat(200))));
    write(&paper.join("c-good.yaml"), lib::STARTER_REPORT);
    let (o, _) = run_capped(
        &paper,
        &["build", "a-good.yaml", "b-deep.yaml", "c-good.yaml", "-f", "docx,html", "-j", "2", "-o", "out"],
        4096,
        120,
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("b-deep.yaml:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("built 2 of 3 report(s)"), "{}", stderr(&o));
    assert_eq!(files_in(&paper.join("out")), ["a-good.docx", "a-good.html", "c-good.docx", "c-good.html"]);
}

// ---------------------------------------------------------------------------------------------
// 2. Devices, FIFOs and huge files
// ---------------------------------------------------------------------------------------------

#[test]
fn dev_zero_as_a_report_register_bound_file_or_appendix_is_refused_not_read() {
    let (_t, paper) = paper_folder();
    // On the command line.
    let (o, took) = run_capped(&paper, &["check", "/dev/zero"], 512, 10);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(first_line(&o), "/dev/zero:1:1: error: is a device, not a YAML file");
    assert!(took < Duration::from_secs(5));
    // As the missions register, with the root widened to `/` so only the file type refuses it.
    write(&paper.join("r.yaml"), report_with("missions: /dev/zero\n"));
    let (o, _) = run_capped(&paper, &["build", "r.yaml", "--root", "/", "-f", "html", "-o", "out"], 512, 10);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("/dev/zero:1:1: error: is a device, not a YAML file"), "{}", stderr(&o));
    assert!(files_in(&paper.join("out")).is_empty());
    // As a bound file and as an appendix of a pack.
    write(&paper.join("a.yaml"), report_with("appendices:\n  - title: Zeros\n    file: zero.pdf\n"));
    std::os::unix::fs::symlink("/dev/zero", paper.join("zero.pdf")).expect("symlink");
    write(&paper.join("m.yaml"), meeting_with("  - title: Minutes\n    file: zero.pdf\n  - report: a.yaml\n"));
    let (o, _) = run_capped(&paper, &["pack", "m.yaml", "--root", "/", "-o", "out"], 512, 10);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("error: items[0].file: cannot read zero.pdf: is a device, not a PDF"), "{e}");
    assert!(
        e.contains("a.yaml:") && e.contains("error: appendices[0].file: cannot read zero.pdf: is a device, not a PDF"),
        "{e}"
    );
    assert!(files_in(&paper.join("out")).is_empty());
}

#[test]
fn a_fifo_as_a_report_register_or_bound_file_is_refused_not_waited_on() {
    let (_t, paper) = paper_folder();
    mkfifo(&paper.join("pipe.yaml"));
    mkfifo(&paper.join("pipe.pdf"));
    let (o, took) = run_capped(&paper, &["check", "pipe.yaml"], 512, 10);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(first_line(&o), "pipe.yaml:1:1: error: is a FIFO (named pipe), not a YAML file");
    assert!(took < Duration::from_secs(5));

    write(&paper.join("r.yaml"), report_with("missions: pipe.yaml\n"));
    let (o, _) = run_capped(&paper, &["check", "r.yaml"], 512, 10);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("pipe.yaml:1:1: error: is a FIFO (named pipe), not a YAML file"), "{}", stderr(&o));

    write(&paper.join("m.yaml"), meeting_with("  - title: Minutes\n    file: pipe.pdf\n"));
    let (o, _) = run_capped(&paper, &["pack", "m.yaml", "-o", "out"], 512, 10);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let line = lib::STARTER_MEETING[..lib::STARTER_MEETING.find("items:\n").expect("items")].lines().count() + 3;
    assert_eq!(
        first_line(&o),
        format!("m.yaml:{line}:11: error: items[0].file: cannot read pipe.pdf: is a FIFO (named pipe), not a PDF")
    );
    assert!(files_in(&paper.join("out")).is_empty());
    // A folder in a batch: the FIFO is not a report and is skipped, not waited on. (The meeting
    // that binds it goes: `check` of a folder checks meeting files too.)
    std::fs::remove_file(paper.join("m.yaml")).expect("remove");
    write(&paper.join("r.yaml"), lib::STARTER_REPORT);
    let (o, _) = run_capped(&paper, &["check", "."], 512, 10);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_pdf_over_the_size_cap_is_refused_without_reading_it() {
    let (_t, paper) = paper_folder();
    // Sparse: 3 GB on paper, nothing on the disk.
    let f = std::fs::File::create(paper.join("huge.pdf")).expect("create");
    f.set_len(3 << 30).expect("set_len");
    write(&paper.join("m.yaml"), meeting_with("  - title: Minutes\n    file: huge.pdf\n"));
    let (o, took) = run_capped(&paper, &["pack", "m.yaml", "-o", "out"], 512, 10);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        first_line(&o).ends_with(&format!(
            "error: items[0].file: cannot read huge.pdf: the file is too large: {} bytes; the limit is 100 MB (104857600 bytes); raise it with `--max-pdf-mb N`",
            3u64 << 30
        )),
        "{}",
        stderr(&o)
    );
    assert!(took < Duration::from_secs(5));
    assert!(files_in(&paper.join("out")).is_empty());
}

#[test]
fn a_zip_bomb_pdf_is_refused_quickly_in_bounded_memory() {
    let (_t, paper) = paper_folder();
    // About 1 MB on disk, a 1 GB content stream once inflated.
    let bomb = zeros_zlib(1024);
    assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
    write(&paper.join("bomb.pdf"), pdf_of(1, &bomb, " /Filter /FlateDecode"));
    write(&paper.join("m.yaml"), meeting_with("  - title: Minutes\n    file: bomb.pdf\n"));
    let (o, took) = run_capped(&paper, &["pack", "m.yaml", "-o", "out"], 768, 20);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let line = first_line(&o);
    assert!(
        line.starts_with("m.yaml:")
            && line.contains(
                ": error: items[0].file: cannot use bomb.pdf: its compressed streams expand to more than 256 MB"
            ),
        "{}",
        stderr(&o)
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(files_in(&paper.join("out")).is_empty());
}

#[test]
fn a_pdf_of_20000_pages_is_refused_at_the_page_cap_quickly() {
    let (_t, paper) = paper_folder();
    write(&paper.join("many.pdf"), pdf_of(20_000, b"BT ET", ""));
    write(&paper.join("m.yaml"), meeting_with("  - title: Minutes\n    file: many.pdf\n"));
    let (o, took) = run_capped(&paper, &["pack", "m.yaml", "-o", "out"], 1024, 20);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        first_line(&o).ends_with(
            "error: items[0].file: many.pdf has 20000 pages; at most 2000 pages of one PDF are bound into a pack (raise it with `--max-pdf-pages N`)"
        ),
        "{}",
        stderr(&o)
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert!(files_in(&paper.join("out")).is_empty());
    // The cap is the command line's to change: lowered, a 3-page PDF is refused too.
    write(&paper.join("three.pdf"), pdf_of(3, b"BT ET", ""));
    write(&paper.join("m.yaml"), meeting_with("  - title: Minutes\n    file: three.pdf\n"));
    let (o, _) = run_capped(&paper, &["pack", "m.yaml", "--max-pdf-pages", "2", "-o", "out"], 1024, 20);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(first_line(&o).contains("three.pdf has 3 pages; at most 2 pages"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------------
// 3. Paths out of the paper's folder
// ---------------------------------------------------------------------------------------------

#[test]
fn paths_out_of_the_papers_folder_are_refused_quoting_the_path_not_the_file() {
    let (t, paper) = paper_folder();
    let secret = "missions:\n  - id: secret-mission\n    name: Top secret line\n    aim: nobody may read this\n";
    write(&t.path().join("secret.yaml"), secret);
    write(&t.path().join("outside.pdf"), pdf_of(1, b"BT ET", ""));
    std::os::unix::fs::symlink(t.path().join("secret.yaml"), paper.join("link.yaml")).expect("symlink");
    let cases = [
        ("../secret.yaml", "`../secret.yaml` is outside the folder the paper is built from (.)"),
        ("/etc/passwd", "`/etc/passwd` is outside the folder the paper is built from (.)"),
        ("link.yaml", "`link.yaml` is outside the folder the paper is built from (.)"),
    ];
    for (written, message) in cases {
        write(&paper.join("r.yaml"), report_with(&format!("missions: {written}\n")));
        let o = run_capped(&paper, &["build", "r.yaml", "-o", "out"], 1024, 20).0;
        assert_eq!(o.status.code(), Some(1), "{written}: {}", stderr(&o));
        let line = lib::STARTER_REPORT.lines().count() + 1;
        assert_eq!(
            first_line(&o),
            format!("r.yaml:{line}:11: error: missions: cannot use missions register: {message}")
        );
        let e = stderr(&o);
        assert!(
            !e.contains("secret-mission") && !e.contains("Top secret") && !e.contains("root:"),
            "{written}: content quoted:\n{e}"
        );
        assert!(files_in(&paper.join("out")).is_empty());
    }
    // A meeting's report, bound file and a report's appendix.
    write(&paper.join("a.yaml"), report_with("appendices:\n  - title: Outside\n    file: ../outside.pdf\n"));
    write(
        &paper.join("m.yaml"),
        meeting_with("  - title: Minutes\n    file: ../outside.pdf\n  - report: ../secret.yaml\n  - report: a.yaml\n"),
    );
    let o = run_capped(&paper, &["pack", "m.yaml", "-o", "out"], 1024, 20).0;
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    for m in [
        "error: items[0].file: `../outside.pdf` is outside the folder the paper is built from (.)",
        "error: items[1].report: `../secret.yaml` is outside the folder the paper is built from (.)",
        "error: appendices[0].file: `../outside.pdf` is outside the folder the paper is built from (.)",
    ] {
        assert!(e.contains(m), "no `{m}` in:\n{e}");
    }
    assert!(!e.contains("secret-mission"), "{e}");
    assert!(files_in(&paper.join("out")).is_empty());
    // `--root` widens the folder: the register above the paper is then read.
    write(&paper.join("r.yaml"), report_with("missions: ../secret.yaml\n"));
    let o = run_capped(&paper, &["check", "r.yaml", "--root", ".."], 1024, 20).0;
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn a_file_that_is_not_a_missions_register_is_refused_without_quoting_it() {
    let (_t, paper) = paper_folder();
    write(&paper.join("notes.yaml"), "password: hunter2\nuser: admin\n");
    write(&paper.join("shadow.yaml"), "root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\n");
    write(&paper.join("passwd.yaml"), "root:x:0:0:root-saltsalt:/root:/bin/bash\n");
    write(&paper.join("r.yaml"), report_with("missions: notes.yaml\n"));
    let o = cabrep(&["check", paper.join("r.yaml").to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains(
            "notes.yaml:1:1: error: this is not a missions register: it has none of its fields (`missions:`, …)"
        ),
        "{e}"
    );
    assert!(!e.contains("hunter2") && !e.contains("password"), "content quoted:\n{e}");
    // Files named on the command line: a line that YAML reads as a key, and one it reads as text.
    for (file, message) in [
        (
            "shadow.yaml",
            "shadow.yaml:1:1: error: this is not a report: it has none of its fields (`title:`, `summary:`, …)",
        ),
        ("passwd.yaml", "passwd.yaml:1:1: error: expected a mapping, found text"),
    ] {
        let o = cabrep(&["check", paper.join(file).to_str().expect("utf-8")]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert!(first_line(&o).ends_with(message), "{}", stderr(&o));
        assert!(!stderr(&o).contains("saltsalt"), "{}", stderr(&o));
    }
}

#[test]
fn the_examples_build_under_the_default_root() {
    let out = tempdir();
    let o = cabrep(&["pack", "inputs/cabinet-2024-01-18.yaml", "-f", "pdf", "-o", out.path().to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = cabrep(&["check", "inputs/", "inputs/previous-meeting/"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = cabrep(&[
        "decisions",
        "inputs/previous-meeting/cabinet-2023-12-14.yaml",
        "inputs/previous-meeting/cabinet-2023-12-14-outcome.yaml",
        "-f",
        "html",
        "-o",
        out.path().to_str().expect("utf-8"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
