//! Template folders as untrusted input: every file read through the input reader and confined to
//! the folder, values and wording checked at load; and small input bugs (a decision record
//! published on the last day a date can be, references that differ only invisibly, a closed
//! standard output, aliases).

use crate::common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// The paper every template test builds.
const PAPER: &str = "inputs/land-disposal.yaml";

/// A template folder `council` in `dir` whose `template.toml` extends the cabinet template with
/// `extra`.
fn council(dir: &Path, extra: &str) -> PathBuf {
    let folder = dir.join("council");
    std::fs::create_dir_all(&folder).expect("mkdir");
    write(&folder, "template.toml", &format!("extends = \"cabinet\"\n{extra}"));
    folder
}

/// `cabrep ARGS` from the repository root, killed and failed if still running after `secs`,
/// under an address-space cap of `mem_mb` megabytes (`ulimit -v`).
fn run_capped(args: &[&str], mem_mb: u64, secs: u64) -> Output {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v {}; exec \"$0\" \"$@\"", mem_mb * 1024))
        .arg(bin())
        .args(args)
        .current_dir(root())
        .env_remove("SOURCE_DATE_EPOCH");
    run_limited(c, &format!("cabrep {args:?}"), Duration::from_secs(secs)).0
}

/// `build PAPER --template FOLDER` into `out` (every format), capped; and `check` the same.
fn build_and_check(folder: &Path, out: &Path) -> (Output, Output) {
    let build =
        run_capped(&["build", PAPER, "--template", s(folder), "-f", "docx,pdf,html", "-q", "-o", s(out)], 4096, 120);
    let check = run_capped(&["check", PAPER, "--template", s(folder), "-q"], 4096, 120);
    (build, check)
}

/// Both commands failed as a broken template does (exit 3), naming `needle`, quoting none of
/// `secret`, and nothing was written.
fn assert_refused(build: &Output, check: &Output, out: &Path, needle: &str, secret: &str) {
    for (what, o) in [("build", build), ("check", check)] {
        let err = stderr(o);
        assert_eq!(o.status.code(), Some(3), "{what}: {err}");
        assert!(err.contains(needle), "{what} names `{needle}`: {err}");
        assert!(!err.contains(secret), "{what} quotes the file: {err}");
        assert!(!err.contains("panicked") && !err.contains("internal error"), "{what}: {err}");
    }
    assert!(files_in(out).is_empty(), "nothing written: {:?}", files_in(out));
}

#[test]
fn a_template_toml_symlinked_to_etc_passwd_is_refused_without_quoting_it() {
    let dir = tempdir();
    let folder = dir.path().join("council");
    std::fs::create_dir(&folder).expect("mkdir");
    std::os::unix::fs::symlink("/etc/passwd", folder.join("template.toml")).expect("symlink");
    let out = dir.path().join("out");
    let (build, check) = build_and_check(&folder, &out);
    assert_refused(&build, &check, &out, "council/template.toml: leads outside the template folder", "root:");

    // Named by a paper: the paper's error, at its `template:` line.
    let paper = read_text(&root().join(PAPER));
    write(dir.path(), "paper.yaml", &format!("template: ./council\n{paper}"));
    let o = cabrep(&["check", s(&dir.path().join("paper.yaml"))]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("paper.yaml:1:1: error: template: cannot use template `./council`"), "{err}");
    assert!(err.contains("leads outside the template folder") && !err.contains("root:"), "{err}");
}

#[test]
fn a_report_typ_symlinked_to_etc_passwd_is_refused_without_quoting_it() {
    let dir = tempdir();
    let folder = council(dir.path(), "");
    std::os::unix::fs::symlink("/etc/passwd", folder.join("report.typ")).expect("symlink");
    let out = dir.path().join("out");
    let (build, check) = build_and_check(&folder, &out);
    assert_refused(&build, &check, &out, "council/report.typ: leads outside the template folder", "root:");
}

#[test]
fn a_report_typ_symlinked_outside_the_template_folder_is_not_typeset() {
    let dir = tempdir();
    let folder = council(dir.path(), "");
    // Inside the paper's folder, but outside the template's.
    write(dir.path(), "elsewhere.typ", "SECRET-LAYOUT-TEXT\n");
    std::os::unix::fs::symlink(dir.path().join("elsewhere.typ"), folder.join("report.typ")).expect("symlink");
    let out = dir.path().join("out");
    let (build, check) = build_and_check(&folder, &out);
    assert_refused(&build, &check, &out, "council/report.typ: leads outside", "SECRET-LAYOUT-TEXT");
}

#[test]
fn a_fonts_folder_linked_outside_the_template_folder_is_refused() {
    let dir = tempdir();
    let folder = council(dir.path(), "");
    let fonts = dir.path().join("system-fonts");
    std::fs::create_dir(&fonts).expect("mkdir");
    std::fs::copy(root().join("templates/cabinet/fonts/LiberationSans-Regular.ttf"), fonts.join("a.ttf"))
        .expect("copy");
    std::os::unix::fs::symlink(&fonts, folder.join("fonts")).expect("symlink");
    let out = dir.path().join("out");
    let (build, check) = build_and_check(&folder, &out);
    assert_refused(&build, &check, &out, "council/fonts: leads outside the template folder", "\u{0}");
}

#[test]
fn a_font_linked_to_dev_zero_is_refused_in_bounded_time_and_memory() {
    let dir = tempdir();
    let folder = council(dir.path(), "");
    std::fs::create_dir(folder.join("fonts")).expect("mkdir");
    std::os::unix::fs::symlink("/dev/zero", folder.join("fonts/zero.ttf")).expect("symlink");
    let out = dir.path().join("out");
    let (build, check) = build_and_check(&folder, &out);
    // `/dev/zero` is outside the folder, and not an ordinary file either.
    assert_refused(&build, &check, &out, "fonts/zero.ttf: leads outside the template folder", "\u{0}");

    // A device inside the folder is refused for what it is.
    let inside = council(&dir.path().join("second"), "");
    std::fs::create_dir(inside.join("fonts")).expect("mkdir");
    let st = Command::new("mkfifo").arg(inside.join("fonts/pipe.otf")).status().expect("mkfifo");
    assert!(st.success());
    let (build, check) = build_and_check(&inside, &out);
    assert_refused(&build, &check, &out, "fonts/pipe.otf: is a FIFO (named pipe), not a font file", "\u{0}");
}

#[test]
fn a_report_typ_that_is_a_fifo_does_not_hang_build_or_check() {
    let dir = tempdir();
    let folder = council(dir.path(), "");
    let st = Command::new("mkfifo").arg(folder.join("report.typ")).status().expect("mkfifo");
    assert!(st.success());
    let out = dir.path().join("out");
    let (build, check) = build_and_check(&folder, &out);
    assert_refused(&build, &check, &out, "council/report.typ: is a FIFO (named pipe), not a typst file", "\u{0}");
}

#[test]
fn a_template_toml_of_three_gigabytes_is_refused_before_it_is_read() {
    let dir = tempdir();
    let folder = dir.path().join("council");
    std::fs::create_dir(&folder).expect("mkdir");
    // Sparse: three gigabytes long, nothing written.
    let f = std::fs::File::create(folder.join("template.toml")).expect("create");
    f.set_len(3 * 1024 * 1024 * 1024).expect("set_len");
    drop(f);
    let out = dir.path().join("out");
    let (build, check) = build_and_check(&folder, &out);
    assert_refused(
        &build,
        &check,
        &out,
        "template.toml: the file is too large: 3221225472 bytes; the limit is 4 MB",
        "\u{0}",
    );
}

#[test]
fn a_template_toml_that_is_not_toml_is_refused_at_its_line_without_quoting_it() {
    let dir = tempdir();
    let folder = dir.path().join("council");
    std::fs::create_dir(&folder).expect("mkdir");
    write(&folder, "template.toml", "extends = \"cabinet\"\nroot:x:0:0:root:/root:/bin/bash\n");
    let out = dir.path().join("out");
    let (build, check) = build_and_check(&folder, &out);
    assert_refused(&build, &check, &out, "council/template.toml:2:32: key with no value", "root:x");
}

#[test]
fn a_file_that_is_not_a_font_is_one_error_naming_it() {
    let dir = tempdir();
    let folder = council(dir.path(), "");
    std::fs::create_dir(folder.join("fonts")).expect("mkdir");
    std::fs::write(folder.join("fonts/garbage.ttf"), b"this is not a font at all, only text\n".repeat(50))
        .expect("write");
    let out = dir.path().join("out");
    let (build, check) = build_and_check(&folder, &out);
    assert_refused(&build, &check, &out, "council/fonts/garbage.ttf: is not a font", "this is not a font");
    for o in [&build, &check] {
        let err = stderr(o);
        assert_eq!(err.matches("error").count(), 1, "one error: {err}");
        assert!(!err.contains("cannot print"), "{err}");
    }
}

#[test]
fn template_numbers_out_of_range_are_refused_naming_the_file_and_the_key() {
    for (extra, want) in [
        ("call_in_working_days = 4000000000\n", "council/template.toml: call_in_working_days is 4000000000; it must be 1 to 60"),
        ("amount_decimals = 4000000000\n", "council/template.toml: amount_decimals is 4000000000; it must be 0 to 6"),
        ("page_guide = 0\n", "council/template.toml: page_guide is 0; it must be 1 to 500"),
        ("[style]\nbody_size = 1e30\n", "council/template.toml: style.body_size is 1000000000000000000000000000000; it must be 6 to 72"),
        ("[style]\nline_spacing = nan\n", "council/template.toml: style.line_spacing is NaN; it must be 1 to 3"),
        ("[style]\nmargin_mm = 200.0\n", "council/template.toml: style.margin_mm is 200; it must be 0 to 80"),
        ("[style]\npage_width_mm = -5.0\n", "council/template.toml: style.page_width_mm is -5; it must be 90 to 600"),
        ("[style]\nheading_colour = \"red\"\n", "council/template.toml: style.heading_colour is \"red\", not a colour written #rrggbb"),
        (
            "risk_bands = [{ name = \"Low\", min = 1, max = 9, fill = \"#ffffff\" }, { name = \"High\", min = 5, max = 25, fill = \"#ff0000\" }]\n",
            "council/template.toml: risk_bands[1] (High) overlaps risk_bands[0] (Low)",
        ),
        (
            "risk_bands = [{ name = \"All\", min = 0, max = 200, fill = \"#ffffff\" }]\n",
            "council/template.toml: risk_bands[0] (All): min 0 and max 200 must be scores from 1 to 25",
        ),
    ] {
        let dir = tempdir();
        let folder = council(dir.path(), extra);
        let out = dir.path().join("out");
        let o = cabrep(&["build", PAPER, "--template", s(&folder), "-f", "docx", "-q", "-o", s(&out)]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{extra}: {err}");
        assert!(err.contains(want), "{extra}: wanted {want:?} in {err}");
        assert!(!err.contains("internal error"), "{err}");
        assert!(files_in(&out).is_empty(), "{extra}: nothing written");
    }
}

#[test]
fn a_wording_that_does_not_render_is_refused_at_load_never_printed_in_a_paper() {
    for (extra, want) in [
        (
            "[wording]\nreport_to = \"REPORT TO {{bdy}}\"\n",
            "[wording] report_to: names `bdy`, which this wording is not given; it is given `body`",
        ),
        (
            "[wording]\nfooter = \"Page {{page}}\"\n",
            "[wording] footer: names `page`, which this wording is not given; it is given no variables",
        ),
        (
            "[wording]\nagenda_item = \"ITEM {{#if number}}{{number}}\"\n",
            "[wording] agenda_item: does not parse as a wording",
        ),
        (
            "[wording]\nnone = \"{{> footer}}\"\n",
            "[wording] none: partials (`{{> name}}`) and inline partials are not allowed",
        ),
        (
            "[decisions_record]\ncall_in_deadline = \"Midnight {{deadline}}\"\n",
            "[decisions_record] call_in_deadline: names `deadline`",
        ),
        ("[decisions_record]\ncross_ref = \"{{ref}} of the report\"\n", "[decisions_record] cross_ref: names `ref`"),
        (
            "[forward_plan]\nholder = \"{{name}}\"\n",
            "[forward_plan] holder: names `name`, which this wording is not given; it is given `holder`, `title`",
        ),
    ] {
        let dir = tempdir();
        let folder = council(dir.path(), extra);
        let out = dir.path().join("out");
        let o = cabrep(&["build", PAPER, "--template", s(&folder), "-f", "docx,html", "-q", "-o", s(&out)]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(3), "{extra}: {err}");
        assert!(err.contains(&format!("council/template.toml: {want}")), "{extra}: wanted {want:?} in {err}");
        assert!(files_in(&out).is_empty(), "{extra}: nothing written: {:?}", files_in(&out));
    }
    // A wording that uses only what it is given builds, and says what it was written to say.
    let dir = tempdir();
    let folder = council(dir.path(), "[wording]\nreport_to = \"FOR {{body}}{{#if body}} ONLY{{/if}}\"\n");
    let out = dir.path().join("out");
    let o = cabrep(&["build", PAPER, "--template", s(&folder), "-f", "docx", "-q", "-o", s(&out)]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = docx_text(&docx_part(&out.join("land-disposal.docx"), "word/document.xml"));
    assert!(text.contains("FOR CABINET ONLY") || text.contains("FOR Cabinet ONLY"), "{text}");
    assert!(!text.to_lowercase().contains("template error"), "{text}");
}

#[test]
fn a_decision_record_published_on_9999_12_31_is_a_located_error_not_an_internal_one() {
    let dir = tempdir();
    let outcome = read_text(&root().join("inputs/cabinet-2024-01-18-outcome.yaml"));
    let line = outcome.lines().position(|l| l.starts_with("published:")).expect("published") + 1;
    let text = outcome.replace("published: 2024-01-19", "published: 9999-12-31");
    let path = write(dir.path(), "outcome.yaml", &text);
    let out = dir.path().join("out");
    let o = cabrep(&["decisions", "inputs/cabinet-2024-01-18.yaml", s(&path), "-f", "docx", "-q", "-o", s(&out)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!("outcome.yaml:{line}:")) && err.contains("error: published: the call-in deadline"),
        "{err}"
    );
    assert!(err.contains("after 31 December 9999"), "{err}");
    assert!(!err.contains("internal error") && !err.contains("overflow"), "{err}");
    assert!(files_in(&out).is_empty(), "nothing written");
}

#[test]
fn forward_plan_references_differing_only_by_invisible_characters_or_case_are_duplicates() {
    let highways = read_text(&root().join("inputs/highways-capital-programme.yaml"));
    assert!(highways.contains("forward_plan_ref: FP/2024/003"));
    for (first, second) in [
        ("FP/2024/003", "FP/2024/\u{200b}003"),
        ("FP/2024/003", "fp/2024/003"),
        ("FP/2024/003", "\u{feff}FP/2024/003\u{2060}"),
        ("FP 2024/003", "FP\u{a0}2024/003"),
        ("FP 2024/003", "FP\u{2003}\u{2003}2024/003"),
    ] {
        let dir = tempdir();
        let reports = dir.path().join("reports");
        std::fs::create_dir(&reports).expect("mkdir");
        let with = |r: &str| highways.replace("forward_plan_ref: FP/2024/003", &format!("forward_plan_ref: \"{r}\""));
        std::fs::write(reports.join("a.yaml"), with(first)).expect("write");
        let b = with(second).replace("title: Highways Capital Programme 2024/25", "title: Street Lighting Renewal");
        std::fs::write(reports.join("b.yaml"), b).expect("write");
        let out = dir.path().join("out");
        let o = cabrep(&["forward-plan", s(&reports), "--published", "2023-12-15", "-f", "html", "-o", s(&out)]);
        let err = stderr(&o);
        // Named as the author wrote it.
        assert!(
            err.contains(&format!("b.yaml:8:19: warning: forward_plan_ref: `{second}` is also the reference of `Highways Capital Programme 2024/25`")),
            "{second:?}: {err}"
        );
    }
}

#[test]
fn a_command_printing_to_a_closed_standard_output_fails() {
    for args in [&["schema", "report"][..], &["new", "report"], &["schema", "report", "--template", "hwb-discussion"]] {
        let closed = Command::new("sh")
            .arg("-c")
            .arg("exec \"$0\" \"$@\" >&-")
            .arg(bin())
            .args(args)
            .current_dir(root())
            .output()
            .expect("run");
        assert_eq!(closed.status.code(), Some(3), "{args:?}: {}", stderr(&closed));
        assert!(stderr(&closed).contains("cannot write to standard output"), "{}", stderr(&closed));
        // Sent to /dev/null on purpose, it is written.
        let null = Command::new("sh")
            .arg("-c")
            .arg("exec \"$0\" \"$@\" >/dev/null")
            .arg(bin())
            .args(args)
            .current_dir(root())
            .output()
            .expect("run");
        assert_eq!(null.status.code(), Some(0), "{args:?}: {}", stderr(&null));
    }
}

#[test]
fn a_hundred_aliases_of_one_anchor_are_within_the_limit() {
    let dir = tempdir();
    // 101 papers, one written out and aliased 100 times: a valid report, far from any limit.
    let papers = format!("[&p \"Cabinet report, 2023\", {}]", vec!["*p"; 100].join(", "));
    let text = lib::STARTER_REPORT.replace("background_papers: []", &format!("background_papers: {papers}"));
    assert_ne!(text, lib::STARTER_REPORT);
    let path = write(dir.path(), "report.yaml", &text);
    let o = cabrep(&["check", s(&path)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(!err.contains("200,000") && !err.contains("alias"), "{err}");
}

#[test]
fn aliases_expanding_past_the_limit_are_refused_at_the_alias_that_crosses_it() {
    let dir = tempdir();
    // A measure's baseline of 1,000 items, aliased 300 times, one alias a line: 300,000 items.
    let bomb = read_text(&root().join("tests/bad/alias-bomb.yaml"));
    let line = bomb.lines().find(|l| l.starts_with("        baseline: [&a")).expect("the bomb's line");
    let aliases: String = (0..300).map(|_| "          *big,\n").collect();
    let text =
        bomb.replace(line, &format!("        baseline: [&big [{}],\n{aliases}          ]", vec!["x"; 1000].join(", ")));
    let first_alias = text.lines().position(|l| l == "          *big,").expect("an alias line") + 1;
    let path = write(dir.path(), "report.yaml", &text);
    let o = cabrep(&["check", s(&path)]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("aliases (`*name`) expand this value to more than 200,000 items"), "{err}");
    // At the alias that takes the expansion past 200,000 (the 200th), not where the value starts.
    // (The 200th or so: the items written before the aliases count too.)
    let at = err.split("report.yaml:").nth(1).and_then(|r| r.split_once(":11: error:")).map(|(l, _)| l);
    let line: usize = at.and_then(|l| l.parse().ok()).unwrap_or_else(|| panic!("located at an alias: {err}"));
    assert!((first_alias + 190..first_alias + 200).contains(&line), "line {line}, first alias {first_alias}: {err}");
}
