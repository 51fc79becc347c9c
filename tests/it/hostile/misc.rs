//! Hostile inputs: what `check` must catch before a writer does, closed streams, interrupted
//! builds, dangerous links, money and dates.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// A file of the hostile corpus, as a path relative to the repository root.
fn hostile(name: &str) -> String {
    format!("tests/hostile/{name}")
}

fn no_panic(err: &str) {
    assert!(!err.contains("panicked at") && !err.contains("RUST_BACKTRACE"), "{err}");
}

/// The template folder copied, with `report.typ` changed by `edit`: a PDF writer that fails on
/// demand (on text containing `KABOOM`), where every other format still renders.
fn failing_template(dir: &Path) -> PathBuf {
    let t = dir.join("template");
    std::fs::create_dir_all(t.join("fonts")).expect("mkdir");
    let src = root().join("templates/cabinet");
    for e in std::fs::read_dir(src.join("fonts")).expect("fonts") {
        let e = e.expect("entry");
        std::fs::copy(e.path(), t.join("fonts").join(e.file_name())).expect("copy font");
    }
    std::fs::copy(src.join("template.toml"), t.join("template.toml")).expect("copy toml");
    let typ = std::fs::read_to_string(src.join("report.typ")).expect("report.typ");
    let needle = "  if x.type == \"text\" {\n    x.text\n";
    assert!(typ.contains(needle), "report.typ sets text as expected");
    let typ = typ.replacen(needle, "  if x.type == \"text\" {\n    if x.text.contains(\"KABOOM\") { panic(\"cannot set this text\") }\n    x.text\n", 1);
    std::fs::write(t.join("report.typ"), typ).expect("write report.typ");
    t
}

// --- 1. `check` finds what the PDF writer would refuse -------------------------------------

#[test]
fn check_refuses_characters_the_house_font_lacks_naming_field_and_code_point() {
    let input = hostile("unprintable-characters.yaml");
    let out = cabrep(&["check", &input]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    no_panic(&err);
    for expected in [
        format!("{input}:12:43: error: title: contains `😀` (U+1F600), which the house font (Liberation Sans) cannot print"),
        format!("{input}:24:10: error: reasons: contains a control character (U+001B), which cannot be printed"),
        format!("{input}:38:12: error: sections[0].title: contains `漢` (U+6F22), which the house font (Liberation Sans) cannot print"),
        format!("{input}:117:3: error: wards: contains `م` (U+0645), which the house font (Liberation Sans) cannot print"),
        format!("{input}:124:9: error: contact.post: contains U+E000, which the house font (Liberation Sans) cannot print"),
    ] {
        assert!(err.contains(&expected), "missing `{expected}` in:\n{err}");
    }
    // A build refuses it the same way, before the typesetter: exit 1, no file, no template line.
    let dir = tempdir();
    let build = cabrep(&["build", &input, "-f", "pdf", "-o", s(dir.path())]);
    assert_eq!(build.status.code(), Some(1), "{}", stderr(&build));
    assert!(!stderr(&build).contains("report.typ"), "{}", stderr(&build));
    assert!(files_in(dir.path()).is_empty(), "{:?}", files_in(dir.path()));
}

#[test]
fn check_refuses_a_link_over_8_kb_at_its_field() {
    let input = hostile("link-over-8-kb.yaml");
    let out = cabrep(&["check", &input]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{input}:48:7: error: sections[1].body: the link `https://www.stockton.gov.uk/aaaa"))
            && err.contains("is 9028 bytes long; the longest kept is 2048"),
        "{err}"
    );
}

#[test]
fn check_refuses_1e308_as_an_amount_instead_of_printing_2_to_the_128() {
    let input = hostile("amount-1e308.yaml");
    let out = cabrep(&["check", &input]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{input}:78:22: error: implications.financial.tables[0].rows[0].values[0]: `1e308` is too large for an amount"
        )),
        "{err}"
    );
    // A measure too.
    let input = hostile("measure-1e308.yaml");
    let out = cabrep(&["check", &input]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(&format!(
            "{input}:53:19: error: sections[2].measures[0].baseline: `1e308` is too large a number to print"
        )),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("340,282,366"), "{}", stderr(&out));
}

#[test]
fn when_the_pdf_fails_the_other_formats_of_the_report_are_still_written() {
    let dir = tempdir();
    let template = failing_template(dir.path());
    let input =
        write(dir.path(), "r.yaml", &example().replacen("This report sets out", "KABOOM This report sets out", 1));
    let out_dir = dir.path().join("out");
    let out = cabrep(&["build", s(&input), "-f", "docx,pdf,html", "-o", s(&out_dir), "--template", s(&template)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    no_panic(&err);
    assert!(err.contains("pdf output: PDF"), "the failing format is named: {err}");
    assert!(err.contains("the other formats were written"), "{err}");
    assert_eq!(files_in(&out_dir), ["r.docx", "r.html"]);
}

#[test]
fn a_pack_that_fails_to_typeset_names_the_failing_item() {
    let dir = tempdir();
    let template = failing_template(dir.path());
    write(dir.path(), "good.yaml", &example());
    write(dir.path(), "bad.yaml", &example().replacen("This report sets out", "KABOOM This report sets out", 1));
    let meeting = std::fs::read_to_string(root().join("inputs/cabinet-2024-01-18.yaml")).expect("meeting");
    let head = &meeting[..meeting.find("items:").expect("items")];
    let m = write(
        dir.path(),
        "m.yaml",
        &format!("{head}items:\n  - title: Apologies for Absence\n  - report: good.yaml\n  - report: bad.yaml\n"),
    );
    let out = cabrep(&["pack", s(&m), "-o", s(&dir.path().join("out")), "--template", s(&template)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("public pack (item 3, {}):", dir.path().join("bad.yaml").display())), "{err}");
}

// --- 2. closed and full standard streams ----------------------------------------------------

fn dev_full() -> std::fs::File {
    std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full")
}

#[test]
fn a_full_or_closed_stderr_does_not_panic_a_build() {
    let dir = tempdir();
    let status =
        cabrep_cmd(&["build", "inputs/highways-capital-programme.yaml", "-f", "docx,html", "-o", s(dir.path())])
            .stdout(Stdio::null())
            .stderr(dev_full())
            .status()
            .expect("run");
    assert_eq!(status.code(), Some(0), "a build that wrote everything succeeds, whatever stderr does");
    assert_eq!(files_in(dir.path()), ["highways-capital-programme.docx", "highways-capital-programme.html"]);

    // An invalid input to a full stderr: still exit 1, not 101.
    let status = cabrep_cmd(&["check", &hostile("amount-1e308.yaml")]).stderr(dev_full()).status().expect("run");
    assert_eq!(status.code(), Some(1));

    // A closed pipe (`2>&1 | head -c 1`): the reader has gone before anything is written.
    let dir = tempdir();
    let mut child = cabrep_cmd(&["build", "inputs/highways-capital-programme.yaml", "-f", "html", "-o", s(dir.path())])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stderr.take());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
    assert_eq!(files_in(dir.path()), ["highways-capital-programme.html"]);
}

#[test]
fn schema_and_new_to_a_full_or_closed_stdout_exit_3() {
    for args in [&["schema"][..], &["new", "report"][..]] {
        let out = cabrep_cmd(args).stdout(dev_full()).stderr(Stdio::piped()).output().expect("run");
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("error: cannot write to standard output"), "{}", stderr(&out));
        // Both streams full: still no panic.
        let status = cabrep_cmd(args).stdout(dev_full()).stderr(dev_full()).status().expect("run");
        assert_eq!(status.code(), Some(3), "{args:?}");
        // A reader that takes one byte and goes (`| head -c 1`).
        let mut child = cabrep_cmd(args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
        let mut one = [0u8; 1];
        child.stdout.as_mut().expect("stdout").read_exact(&mut one).expect("a byte");
        drop(child.stdout.take());
        let mut err = String::new();
        child.stderr.as_mut().expect("stderr").read_to_string(&mut err).expect("stderr");
        let status = child.wait().expect("wait");
        // The text may have gone into the pipe's buffer whole before the reader left.
        assert!(matches!(status.code(), Some(0 | 3)), "{args:?}: {status:?} {err}");
        no_panic(&err);
    }
}

// --- 3. interrupted builds ----------------------------------------------------------------

fn temporaries(dir: &Path) -> Vec<String> {
    files_in(dir).into_iter().filter(|n| n.ends_with(".tmp")).collect()
}

fn interrupted_batch_leaves_no_temporary_file(signal: &str, expected: i32) {
    let dir = tempdir();
    let inputs = dir.path().join("in");
    std::fs::create_dir(&inputs).expect("mkdir");
    for i in 0..40 {
        write(&inputs, &format!("r{i:02}.yaml"), &example());
    }
    let out_dir = dir.path().join("out");
    let mut child = cabrep_cmd(&["build", s(&inputs), "-f", "docx,pdf,html", "-j", "2", "-q", "-o", s(&out_dir)])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    // Wait until the build is writing files, then interrupt it.
    let start = Instant::now();
    while files_in(&out_dir).is_empty() && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert!(!files_in(&out_dir).is_empty(), "the build started writing");
    let kill = Command::new("kill").args([signal, &child.id().to_string()]).status().expect("kill");
    assert!(kill.success());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(expected), "exit status after {signal}: {status:?}");
    assert!(temporaries(&out_dir).is_empty(), "left behind: {:?}", temporaries(&out_dir));
    assert!(files_in(&out_dir).len() < 120, "interrupted before the end");
}

#[test]
fn sigterm_during_a_batch_leaves_no_temporary_file_and_exits_143() {
    interrupted_batch_leaves_no_temporary_file("-TERM", 143);
}

#[test]
fn sigint_during_a_batch_leaves_no_temporary_file_and_exits_130() {
    interrupted_batch_leaves_no_temporary_file("-INT", 130);
}

#[test]
fn a_stale_temporary_file_in_the_output_folder_is_swept_at_the_start_of_a_build() {
    let dir = tempdir();
    let stale = write(dir.path(), ".cabrep-x.tmp", "half a PDF");
    let old = std::time::SystemTime::now() - Duration::from_secs(3600);
    std::fs::File::options().write(true).open(&stale).expect("open").set_modified(old).expect("set mtime");
    write(dir.path(), "notes.tmp", "not ours");
    let out = cabrep(&["build", "inputs/highways-capital-programme.yaml", "-f", "html", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(files_in(dir.path()), ["highways-capital-programme.html", "notes.tmp"]);
}

// --- 4. the item limit blames what is really too big ------------------------------------

#[test]
fn a_large_table_without_aliases_is_not_blamed_on_aliases() {
    let dir = tempdir();
    let mut rows = String::new();
    for i in 0..50_000 {
        rows.push_str(&format!("          - label: Row {i}\n            values: [1, 2]\n"));
    }
    let text = example();
    let start = text.find("        rows:\n").expect("rows") + "        rows:\n".len();
    let end = text.find("        total: true").expect("total");
    let big = format!("{}{rows}{}", &text[..start], &text[end..]);
    let p = write(dir.path(), "big.yaml", &big);
    let out = cabrep(&["check", s(&p)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(!err.contains("alias"), "no alias in the file, none blamed: {err}");
    assert!(
        err.contains(&format!(
            "{}:77:11: error: implications.financial.tables[0].rows: this table has 50,000 rows, which takes the file past its limit of 200,000 items",
            p.display()
        )),
        "{err}"
    );
    // A real alias expansion is still called one.
    let out = cabrep(&["check", "tests/bad/alias-bomb.yaml"]);
    assert!(stderr(&out).contains("aliases (`*name`) expand this value"), "{}", stderr(&out));
}

// --- 5. dangerous link schemes ------------------------------------------------------------

const DANGEROUS: &[&str] = &["javascript", "vbscript", "data:", "file:"];

fn assert_no_dangerous_scheme(what: &str, bytes: &str) {
    let lower = bytes.to_ascii_lowercase();
    for scheme in DANGEROUS {
        assert!(!lower.contains(scheme), "{what} contains `{scheme}`");
    }
}

#[test]
fn dangerous_link_schemes_reach_no_format_and_are_warned_about() {
    let input = hostile("dangerous-link-schemes.yaml");
    let dir = tempdir();
    let out = cabrep(&["build", &input, "-f", "docx,pdf,html", "-o", s(dir.path())]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    for link in [
        "JaVaScRiPt:alert(1)",
        "javascript:alert(2)",
        "java\\u{9}script:alert(3)",
        "javascript:alert(4)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "file:///etc/passwd",
        "vbscript:msgbox(7)",
    ] {
        assert!(
            err.contains(&format!("warning: summary: the link `{link}` is not kept"))
                || err.contains(&format!("warning: reasons: the link `{link}` is not kept")),
            "no warning for `{link}`:\n{err}"
        );
    }
    assert!(
        err.contains(&format!("{input}:15:19: warning: summary: the link `JaVaScRiPt:alert(1)`")),
        "warnings are located: {err}"
    );

    // DOCX: every part, the relationships above all.
    let docx = dir.path().join("dangerous-link-schemes.docx");
    let rels = docx_part(&docx, "word/_rels/document.xml.rels");
    assert!(rels.contains("https://www.stockton.gov.uk/highways"), "the good link is kept: {rels}");
    let f = std::fs::File::open(&docx).expect("docx");
    let mut z = zip::ZipArchive::new(f).expect("zip");
    for i in 0..z.len() {
        let mut part = z.by_index(i).expect("part");
        let mut data = Vec::new();
        part.read_to_end(&mut data).expect("read");
        assert_no_dangerous_scheme(&format!("DOCX part {}", part.name()), &String::from_utf8_lossy(&data));
    }
    let text = docx_text(&docx_part(&docx, "word/document.xml"));
    assert!(
        text.contains("See the first, the second, the fourth, the fifth, the sixth, the seventh and the council."),
        "link texts kept as text"
    );

    // PDF: uncompressed by qpdf, every /URI.
    let pdf = dir.path().join("dangerous-link-schemes.pdf");
    let qdf = dir.path().join("qdf.pdf");
    let q = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable", s(&pdf), s(&qdf)])
        .status()
        .expect("qpdf is required (Debian package qpdf)");
    assert!(q.success());
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).expect("qdf")).into_owned();
    let uris: Vec<&str> =
        raw.match_indices("/URI (").map(|(i, _)| &raw[i..raw[i..].find(')').map_or(raw.len(), |n| i + n)]).collect();
    assert!(uris.iter().any(|u| u.contains("https://www.stockton.gov.uk/highways")), "{uris:?}");
    assert_no_dangerous_scheme("PDF", &raw);

    // HTML: parsed, every href.
    let html = std::fs::read_to_string(dir.path().join("dangerous-link-schemes.html")).expect("html");
    let doc = scraper::Html::parse_document(&html);
    let hrefs: Vec<&str> = doc
        .select(&scraper::Selector::parse("[href], [src]").expect("selector"))
        .filter_map(|e| e.value().attr("href").or(e.value().attr("src")))
        .collect();
    assert!(hrefs.contains(&"https://www.stockton.gov.uk/highways"), "{hrefs:?}");
    assert_no_dangerous_scheme("HTML", &html);
}

// --- 6. money ----------------------------------------------------------------------------

#[test]
fn money_columns_add_up_as_printed_with_half_up_rounding() {
    let dir = tempdir();
    let out = cabrep(&["build", &hostile("money-half-pennies.yaml"), "-f", "tree", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tree = std::fs::read_to_string(dir.path().join("money-half-pennies.tree.json")).expect("tree");
    let v: serde_json::Value = serde_json::from_str(&tree).expect("json");
    let mut tables = Vec::new();
    find_tables(&v, &mut tables);
    let t = tables
        .iter()
        .find(|t| t["caption"] == "Highways Capital Programme funding by work type")
        .expect("the financial table");
    let cells: Vec<Vec<String>> = t["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["cells"].as_array().expect("cells").iter().map(cell_text).collect())
        .collect();
    // One precision per column (two decimals in both), half up: 1.005 → 1.01, 2.675 → 2.68; the
    // total is the sum of the printed figures (1.01 + 2,797.33 + 2.68 + 0.00 = 2,801.02).
    assert_eq!(
        cells,
        [
            ["Carriageway resurfacing", "1.01", "2.68"],
            ["Footway improvements", "2,797.33", "1,000.00"],
            ["Bridges and structures", "2.68", "800.50"],
            ["Street lighting column replacement", "0.00", "700.00"],
            ["Total", "2,801.02", "2,503.18"],
        ]
    );
}

fn find_tables<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a serde_json::Value>) {
    match v {
        serde_json::Value::Object(m) => {
            if m.get("type").and_then(|t| t.as_str()) == Some("table") {
                out.push(v);
            }
            m.values().for_each(|x| find_tables(x, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| find_tables(x, out)),
        _ => {}
    }
}

/// The text of a table cell in the tree: its `text` runs, in order.
fn cell_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Object(m) => match m.get("text") {
            Some(serde_json::Value::String(t)) => t.clone(),
            _ => m.values().map(cell_text).collect(),
        },
        serde_json::Value::Array(a) => a.iter().map(cell_text).collect(),
        _ => String::new(),
    }
}

// --- 7. call-in dates past the bank-holiday table -----------------------------------------

fn decisions_with_published(published: &str) -> (tempfile::TempDir, std::process::Output) {
    let dir = tempdir();
    let outcome = std::fs::read_to_string(root().join("inputs/cabinet-2024-01-18-outcome.yaml")).expect("outcome");
    let outcome = outcome.replacen("published: 2024-01-19", &format!("published: {published}"), 1);
    let o = write(dir.path(), "outcome.yaml", &outcome);
    let out = cabrep(&["decisions", "inputs/cabinet-2024-01-18.yaml", s(&o), "-f", "pdf", "-o", s(dir.path())]);
    (dir, out)
}

#[test]
fn a_call_in_deadline_in_the_new_year_of_2031_skips_new_years_day() {
    let (dir, out) = decisions_with_published("2030-12-24");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("call-in deadline"), "2031 is in the table: {}", stderr(&out));
    let text = squash(&pdf_text(&dir.path().join("cabinet-2024-01-18-decisions.pdf")));
    assert!(text.contains("Friday 3 January 2031"), "{text}");
    assert!(!text.contains("Thursday 2 January 2031"), "{text}");
}

#[test]
fn a_call_in_deadline_past_the_bank_holiday_table_is_warned_about() {
    let (_dir, out) = decisions_with_published("2032-12-24");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("outcome.yaml:4:12: warning: published: the call-in deadline (4 January 2033) falls after the bank holidays known (to the end of 2032)"),
        "{err}"
    );
}

// --- 8. small ones ------------------------------------------------------------------------

#[test]
fn an_invalid_source_date_epoch_is_an_error_not_ignored() {
    let dir = tempdir();
    for bad in ["yesterday", "-5", "1.5", "99999999999999999999"] {
        let out = cabrep_cmd(&["build", "inputs/highways-capital-programme.yaml", "-f", "html", "-o", s(dir.path())])
            .env("SOURCE_DATE_EPOCH", bad)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{bad}: {}", stderr(&out));
        assert!(stderr(&out).contains(&format!("error: SOURCE_DATE_EPOCH is `{bad}`, not a time")), "{}", stderr(&out));
        assert!(files_in(dir.path()).is_empty());
    }
    let out = cabrep_cmd(&["build", "inputs/highways-capital-programme.yaml", "-f", "html", "-q", "-o", s(dir.path())])
        .env("SOURCE_DATE_EPOCH", "1705536000")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_title_with_a_bidi_override_or_a_carriage_return_is_refused_before_any_metadata() {
    for (file, message) in [
        ("title-with-bidi-override.yaml", "title: contains a bidirectional text control (U+202E)"),
        (
            "title-with-carriage-return.yaml",
            "title: contains a line break the report cannot use (U+000D, a carriage return)",
        ),
    ] {
        let input = hostile(file);
        let out = cabrep(&["check", &input]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(stderr(&out).contains(&format!("{input}:12:8: error: {message}")), "{}", stderr(&out));
    }
}

#[test]
fn an_encrypted_pdf_bound_into_a_pack_is_refused_not_unlocked() {
    let dir = tempdir();
    let locked = dir.path().join("locked.pdf");
    // An owner password only: it opens without one, with printing and copying forbidden.
    let q = Command::new("qpdf")
        .args(["--encrypt", "", "owner-secret", "256", "--print=none", "--extract=n", "--modify=none", "--"])
        .arg(root().join("inputs/minutes-2023-12-14.pdf"))
        .arg(&locked)
        .status()
        .expect("qpdf is required (Debian package qpdf)");
    assert!(q.success());
    let meeting = std::fs::read_to_string(root().join("inputs/cabinet-2024-01-18.yaml")).expect("meeting");
    let head = &meeting[..meeting.find("items:").expect("items")];
    let m = write(
        dir.path(),
        "m.yaml",
        &format!("{head}items:\n  - title: Apologies for Absence\n  - title: Minutes\n    file: locked.pdf\n"),
    );
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&m), "-o", s(&out_dir)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    // The `file:` line: the meeting's head, then three lines of items.
    let line = head.lines().count() + 4;
    assert!(
        err.contains(&format!("{}:{line}:11: error: items[1].file: {} is encrypted", m.display(), locked.display())),
        "{err}"
    );
    assert!(files_in(&out_dir).is_empty(), "nothing written");
}
