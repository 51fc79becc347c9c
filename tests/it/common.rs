//! Helpers shared by the integration tests: running the binary, reading outputs with
//! independent readers (unzip + XML parser for DOCX, poppler for PDF). The only module that
//! names the library's paths (`lib`): where the library moves an item, only `lib` changes.

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `cabrep` binary under test.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_cabrep")
}

/// A `cabrep` command with arguments, run from the repository root, without `SOURCE_DATE_EPOCH`.
pub fn cabrep_cmd(args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.args(args).current_dir(root()).env_remove("SOURCE_DATE_EPOCH");
    c
}

/// Runs `cabrep` with arguments, from the repository root.
pub fn cabrep(args: &[&str]) -> Output {
    cabrep_cmd(args).output().expect("run cabrep")
}

/// Runs `cabrep` from the repository root with these environment variables set.
pub fn cabrep_with_env(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut c = cabrep_cmd(args);
    c.envs(vars.iter().copied());
    c.output().expect("run cabrep")
}

/// Runs `command` with standard input closed and both outputs captured (drained on threads, so
/// that a chatty child cannot block on a full pipe); kills it and fails the test if it still runs
/// after `limit`. Returns the output and the wall-clock time taken.
pub fn run_limited(mut command: Command, what: &str, limit: Duration) -> (Output, Duration) {
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run {what}: {e}"));
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} was still running after {limit:?}: killed");
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = start.elapsed();
    (Output { status, stdout: out.join().expect("stdout"), stderr: err.join().expect("stderr") }, elapsed)
}

/// Whether `CABREP_BLESS` (set, and not `0`) asks the tests to rewrite their expected files.
pub fn blessing() -> bool {
    std::env::var_os("CABREP_BLESS").is_some_and(|v| v != "0")
}

/// A path as `&str`, for command arguments (the tests' paths are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Writes `text` to `dir/name`; returns that path.
pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

/// A text file's contents; a missing or unreadable file fails the test with its path.
pub fn read_text(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

/// The text of the example report `inputs/highways-capital-programme.yaml`.
pub fn example() -> String {
    read_text(&root().join("inputs/highways-capital-programme.yaml"))
}

/// Copies files of `inputs/` into `dir`, under the same names.
pub fn copy_inputs(dir: &Path, names: &[&str]) {
    for f in names {
        std::fs::copy(root().join("inputs").join(f), dir.join(f)).unwrap_or_else(|e| panic!("copy inputs/{f}: {e}"));
    }
}

/// The names of the files in a folder, sorted (none if it does not exist).
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| r.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a poppler tool; a missing tool fails the test loudly (never a silent skip).
pub fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{tool}` is required for this test (Debian package poppler-utils): {e}"));
    assert!(out.status.success(), "{tool} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of a PDF, as `pdftotext` reads it (reading order, no layout).
pub fn pdf_text(pdf: &Path) -> String {
    poppler("pdftotext", &[pdf.to_str().expect("utf-8 path"), "-"])
}

/// One part of a DOCX (a zip) as text.
pub fn docx_part(docx: &Path, part: &str) -> String {
    let f = std::fs::File::open(docx).expect("open docx");
    let mut z = zip::ZipArchive::new(f).expect("docx is a zip");
    let mut s = String::new();
    z.by_name(part).unwrap_or_else(|_| panic!("{part} in docx")).read_to_string(&mut s).expect("read part");
    s
}

/// The pictures of a DOCX (`word/media/*`), by part name, in name order.
pub fn docx_media(docx: &Path) -> Vec<(String, Vec<u8>)> {
    let f = std::fs::File::open(docx).expect("open docx");
    let mut z = zip::ZipArchive::new(f).expect("docx is a zip");
    let mut names: Vec<String> = z.file_names().filter(|n| n.starts_with("word/media/")).map(str::to_owned).collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let mut data = Vec::new();
            z.by_name(&n).expect("listed part").read_to_end(&mut data).expect("read part");
            (n, data)
        })
        .collect()
}

/// The visible text of a WordprocessingML part (all `w:t` runs, paragraphs on their own lines).
pub fn docx_text(xml: &str) -> String {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    let mut out = String::new();
    for p in doc.descendants().filter(|n| n.tag_name().name() == "p") {
        for t in p.descendants().filter(|n| n.tag_name().name() == "t") {
            out.push_str(t.text().unwrap_or(""));
        }
        out.push('\n');
    }
    out
}

/// Asserts that `needles` appear in `hay` in this order.
pub fn assert_in_order(hay: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        match hay[from..].find(n) {
            Some(i) => from += i + n.len(),
            None => panic!("`{n}` not found (in order) after byte {from}; text was:\n{}", &hay[..hay.len().min(4000)]),
        }
    }
}

/// A fresh temporary folder.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// Collapses runs of whitespace to one space (PDF text extraction breaks lines).
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes all white space.
pub fn nospace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The library items the tests call directly, re-exported from one place.
pub mod lib {
    pub use cabrep::commands::{build_pack, PackOptions, PapersOutcome};
    pub use cabrep::document::assemble::count::{assemblies_of, count_assemblies};
    pub use cabrep::engine::Engine;
    pub use cabrep::input::{InputKind, SourceFile};
    pub use cabrep::merge::{count_reads, reads_of, Reader};
    pub use cabrep::model::{resolution, rich_text, Rules};
    pub use cabrep::render::Format;
    pub use cabrep::template::Template;
    pub use cabrep::tree::plain_text;
    pub use cabrep::{STARTER_MEETING, STARTER_REPORT};
}

/// Runs a Python script over a PDF with pikepdf and returns what it prints. `/usr/bin/python3`
/// explicitly: the Debian package python3-pikepdf installs for the Debian interpreter, which need
/// not be the first `python3` on the PATH. The script reads the PDF's path as `sys.argv[1]`.
pub fn pikepdf_script(script: &str, pdf: &Path) -> String {
    let out = Command::new("/usr/bin/python3")
        .args(["-c", script, s(pdf)])
        .output()
        .expect("/usr/bin/python3 with pikepdf (Debian package python3-pikepdf) is required for this test");
    assert!(out.status.success(), "pikepdf failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of HTML, its tags removed.
pub fn without_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// The example meeting in `dir` with its highways report (item 6) the only report, the other
/// reports' items left as titles, and the minutes it binds: what a decision record of item 6 is
/// built from (the report may be changed in `dir` after).
pub fn highways_meeting(dir: &Path) -> PathBuf {
    copy_inputs(dir, &["cabinet-2024-01-18.yaml", "highways-capital-programme.yaml", "minutes-2023-12-14.pdf"]);
    let meeting = read_text(&dir.join("cabinet-2024-01-18.yaml"))
        .replace("  - report: powering-our-future.yaml", "  - title: Powering Our Future")
        .replace("  - report: land-disposal.yaml", "  - title: Disposal of Land");
    write(dir, "cabinet-2024-01-18.yaml", &meeting)
}

/// The plain text pandoc reads from a DOCX, squashed; fails the test if pandoc cannot read it.
pub fn pandoc_text(docx: &Path) -> String {
    let p = Command::new("pandoc").args(["-f", "docx", "-t", "plain"]).arg(docx).output().expect("pandoc");
    assert!(p.status.success(), "pandoc: {}", String::from_utf8_lossy(&p.stderr));
    squash(&String::from_utf8_lossy(&p.stdout))
}

/// LibreOffice's PDF of `docx` (headless, with a profile of its own under `work`), in
/// `work/lo/`; fails the test if LibreOffice cannot open it.
pub fn libreoffice_pdf(docx: &Path, work: &Path) -> PathBuf {
    let profile = work.join("lo-profile");
    let lo = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(work.join("lo"))
        .arg(docx)
        .output()
        .expect("run soffice");
    assert!(lo.status.success(), "LibreOffice: {}", String::from_utf8_lossy(&lo.stderr));
    let stem = docx.file_stem().expect("a file name").to_string_lossy().into_owned();
    work.join("lo").join(format!("{stem}.pdf"))
}

/// `xmllint --schema` of one part's XML against one of the vendored schemas
/// (`tests/ooxml-xsd/<xsd>`); fails the test, naming the part, if it is not valid.
pub fn assert_xml_valid(part: &str, xml: &str, xsd: &str) {
    let xsd_path = root().join("tests/ooxml-xsd").join(xsd);
    assert!(xsd_path.is_file(), "the OOXML schemas are required for this test: {}", xsd_path.display());
    let dir = tempdir();
    let file = dir.path().join(part.replace('/', "_"));
    std::fs::write(&file, xml).expect("write part");
    let o = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd_path)
        .arg(&file)
        .output()
        .expect("xmllint (Debian package libxml2-utils) is required for this test");
    assert!(o.status.success(), "{part} is not valid against {xsd}: {}", String::from_utf8_lossy(&o.stderr));
}

/// The decision record of item 6 of a [`highways_meeting`] in `dir` (its report as `dir` holds it
/// now), from an outcome whose item 6 has `decisions` (YAML list items under `decisions:`), in
/// `formats`: cabrep's output and the folder written to (`dir/out`).
pub fn highways_record(dir: &Path, decisions: &str, formats: &str) -> (Output, PathBuf) {
    let outcome =
        format!("schema: cabrep/outcome/v1\npublished: 2024-01-19\nitems:\n  - item: 6\n    decisions:\n{decisions}");
    let outcome = write(dir, "outcome.yaml", &outcome);
    let out_dir = dir.join("out");
    let meeting = dir.join("cabinet-2024-01-18.yaml");
    (cabrep(&["decisions", "-f", formats, "-o", s(&out_dir), s(&meeting), s(&outcome)]), out_dir)
}

/// Writes `dir/meeting.yaml`: the example Cabinet meeting's details, its first item (apologies),
/// then `items` (YAML list items, as under `items:`); returns its path.
pub fn cabinet_meeting(dir: &Path, items: &str) -> PathBuf {
    let head = r#"schema: cabrep/meeting/v1
meeting:
  body: Cabinet
  council: Stockton-on-Tees Borough Council
  date: 2024-01-18
  time: "16:30"
  venue: Jim Cooke Conference Suite
  members: [Cllr A, Cllr B]
  contact: { name: Sarah Whaley, phone: "01642 524564", email: sarah.whaley@stockton.gov.uk }
items:
  - title: Apologies for absence
"#;
    write(dir, "meeting.yaml", &format!("{head}{items}"))
}
