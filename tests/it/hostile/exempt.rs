//! Hostile inputs: routes by which exempt (Schedule 12A) material could reach a public file —
//! an `exempt:` key left empty, an exempt appendix listed again in public, cabrep's own Part 2
//! output bound back in, outputs that collide or are world-readable, and old public pages of a
//! report that is now exempt.

use crate::common::*;
use std::path::{Path, PathBuf};

/// Text only the exempt example report holds.
pub(crate) const EXEMPT_MARKERS: &[&str] = &["1,234,567", "preferred bidder", "Estates Manager", "Andrew Pearson"];
/// The title of the exempt appendix these tests bind: it is typeset on its pages.
pub(crate) const APPENDIX_MARKER: &str = "Valuation of Plot Quixby";

/// A meeting folder: the example meeting and its reports, copied, with `edit` applied to the
/// meeting file's text. Returns the folder's path and the meeting file.
pub(crate) fn meeting(dir: &Path, edit: impl Fn(String) -> String) -> PathBuf {
    for f in [
        "powering-our-future.yaml",
        "missions.yaml",
        "highways-capital-programme.yaml",
        "land-disposal.yaml",
        "minutes-2023-12-14.pdf",
    ] {
        std::fs::copy(root().join("inputs").join(f), dir.join(f)).expect("copy");
    }
    let text = std::fs::read_to_string(root().join("inputs/cabinet-2024-01-18.yaml")).expect("meeting");
    let p = dir.join("meeting.yaml");
    std::fs::write(&p, edit(text)).expect("write");
    p
}

/// A PDF with `title` typeset on its first page: the highways report retitled, built by cabrep
/// (a public report, so nothing marks it as exempt).
pub(crate) fn pdf_titled(dir: &Path, name: &str, title: &str) -> PathBuf {
    let src = std::fs::read_to_string(root().join("inputs/highways-capital-programme.yaml")).expect("read");
    let work = tempdir();
    let yaml = work.path().join(format!("{name}.yaml"));
    std::fs::write(&yaml, src.replace("title: Highways Capital Programme 2024/25", &format!("title: {title}")))
        .expect("write");
    let out = cabrep(&["build", s(&yaml), "-f", "pdf", "-q", "-o", s(work.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dest = dir.join(format!("{name}.pdf"));
    std::fs::copy(work.path().join(format!("{name}.pdf")), &dest).expect("copy");
    dest
}

/// Gives the exempt example report an appendix.
pub(crate) fn add_appendix(dir: &Path, report: &str, title: &str, file: &str) {
    let p = dir.join(report);
    let src = std::fs::read_to_string(&p).expect("read");
    let src = if src.contains("\nappendices:") {
        src.replacen("\nappendices:\n", &format!("\nappendices:\n  - title: {title}\n    file: {file}\n"), 1)
    } else {
        format!("{src}\nappendices:\n  - title: {title}\n    file: {file}\n")
    };
    std::fs::write(&p, src).expect("write");
}

/// Every file under `dir`, in its folders too (the cache of typeset parts a pack keeps there is
/// scanned like any public output).
pub(crate) fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut v = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else {
                v.push(p);
            }
        }
    }
    v.sort();
    v
}

/// Fails if any marker appears in a public output: its name, its raw bytes (as UTF-8 and
/// UTF-16BE), and for a PDF its decompressed objects and extracted text, for a DOCX every part.
pub(crate) fn assert_no_exempt_material(files: &[PathBuf], markers: &[&str]) {
    assert!(!files.is_empty(), "no public files to scan");
    let scratch = tempdir();
    for f in files {
        let name = f.file_name().expect("name").to_string_lossy().into_owned();
        let mut texts: Vec<(String, Vec<u8>)> = vec![
            ("file name".into(), name.clone().into_bytes()),
            ("raw bytes".into(), std::fs::read(f).expect("read")),
        ];
        // A cached part of a pack is a PDF after its checksum line.
        let cached_pdf;
        let (f, ext) = match f.extension().and_then(|e| e.to_str()) {
            Some("part") => {
                let bytes = std::fs::read(f).expect("read");
                let at = bytes.iter().position(|&b| b == b'\n').expect("a checksum line") + 1;
                cached_pdf = scratch.path().join(format!("{name}.pdf"));
                std::fs::write(&cached_pdf, &bytes[at..]).expect("write");
                (cached_pdf.as_path(), Some("pdf"))
            }
            ext => (f.as_path(), ext),
        };
        match ext {
            Some("pdf") => {
                let qdf = scratch.path().join(format!("{name}.qdf"));
                let st = std::process::Command::new("qpdf")
                    .args(["--qdf", "--object-streams=disable", "--decode-level=all"])
                    .arg(f)
                    .arg(&qdf)
                    .status()
                    .expect("qpdf is required");
                assert!(st.code().is_some_and(|c| c == 0 || c == 3), "qpdf on {name}");
                texts.push(("decompressed objects".into(), std::fs::read(&qdf).expect("qdf")));
                texts.push(("extracted text".into(), squash(&pdf_text(f)).into_bytes()));
            }
            Some("docx") => {
                let z = std::fs::File::open(f).expect("docx");
                let mut z = zip::ZipArchive::new(z).expect("zip");
                for i in 0..z.len() {
                    use std::io::Read;
                    let mut e = z.by_index(i).expect("entry");
                    let mut bytes = Vec::new();
                    e.read_to_end(&mut bytes).expect("part");
                    texts.push((format!("part {}", e.name()), bytes));
                }
            }
            _ => {}
        }
        for (what, hay) in &texts {
            for m in markers {
                let utf16: Vec<u8> = m.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
                let found = hay.windows(m.len()).any(|w| w.eq_ignore_ascii_case(m.as_bytes()))
                    || hay.windows(utf16.len()).any(|w| w == utf16.as_slice());
                assert!(!found, "`{m}` found in the {what} of public output {name}");
            }
        }
    }
}

/// The public files of a pack's output folder: everything but the Part 2 ones.
pub(crate) fn public_files(out: &Path) -> Vec<PathBuf> {
    files_in(out).into_iter().filter(|p| !p.to_string_lossy().contains("part2")).collect()
}

#[test]
fn an_exempt_key_with_no_value_is_an_error_not_a_public_report() {
    for (file, line) in [("tests/hostile/exempt-with-no-value.yaml", 14), ("tests/hostile/exempt-tilde.yaml", 14)] {
        let out = cabrep(&["check", file]);
        assert_eq!(out.status.code(), Some(1), "{file}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("{file}:{line}:")) && err.contains("error: exempt: `exempt:` has no value"),
            "{err}"
        );
        assert!(err.contains("exempt: { paragraphs: [3]"), "the help shows how: {err}");
        // In a pack it stops the build: nothing is written, public or not.
        let dir = tempdir();
        let m = meeting(dir.path(), |t| t);
        std::fs::copy(root().join(file), dir.path().join("land-disposal.yaml")).expect("copy");
        let out_dir = dir.path().join("out");
        let out = cabrep(&["pack", s(&m), "-f", "docx,pdf,html", "-o", s(&out_dir)]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert!(files_in(&out_dir).is_empty(), "nothing written: {:?}", files_in(&out_dir));
        let out = cabrep(&["build", file, "-f", "html", "-o", s(&out_dir)]);
        assert_eq!(out.status.code(), Some(1));
        assert!(files_in(&out_dir).is_empty(), "no public page: {:?}", files_in(&out_dir));
    }
}

#[test]
fn an_exempt_paragraph_named_twice_warns() {
    let file = "tests/hostile/exempt-paragraph-named-twice.yaml";
    let out = cabrep(&["check", file]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{file}:15:"))
            && err.contains("warning: exempt.paragraphs[1]: paragraph 3 is named twice"),
        "{err}"
    );
    assert_eq!(cabrep(&["check", "--deny-warnings", file]).status.code(), Some(1));
}

#[test]
fn an_exempt_report_listed_twice_warns() {
    let dir = tempdir();
    let m = meeting(dir.path(), |t| format!("{t}  - report: land-disposal.yaml\n"));
    let out = cabrep(&["pack", s(&m), "-f", "pdf", "-o", s(&dir.path().join("out"))]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("meeting.yaml:")
            && err.contains(
                "warning: items[8].report: the exempt report `land-disposal.yaml` is listed twice, as items 8 and 9"
            ),
        "{err}"
    );
}

#[test]
fn an_exempt_appendix_listed_again_as_a_public_item_is_refused() {
    let dir = tempdir();
    pdf_titled(dir.path(), "valuation", APPENDIX_MARKER);
    let m = meeting(dir.path(), |t| {
        t.replace(
            "  - title: Exclusion of the Public\n",
            "  - title: Site plan\n    file: valuation.pdf\n  - title: Exclusion of the Public\n",
        )
    });
    add_appendix(dir.path(), "land-disposal.yaml", "Valuation Report", "valuation.pdf");
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&m), "-f", "docx,pdf,html", "-o", s(&out_dir)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let line =
        std::fs::read_to_string(&m).expect("meeting").lines().position(|l| l == "  - title: Site plan").expect("item")
            + 1;
    assert!(
        err.contains(&format!("meeting.yaml:{line}:")) && err.contains("error: items[6]: item 7 (Site plan), `valuation.pdf` is the same file as appendix 1 of item 9 (Disposal of Land at Teesdale Business Park), `valuation.pdf`, which is exempt"),
        "{err}"
    );
    assert!(files_in(&out_dir).is_empty(), "nothing written: {:?}", files_in(&out_dir));
}

#[test]
fn an_exempt_appendix_copied_under_another_name_into_a_public_report_is_refused() {
    let dir = tempdir();
    let valuation = pdf_titled(dir.path(), "valuation", APPENDIX_MARKER);
    std::fs::copy(&valuation, dir.path().join("site-plan.pdf")).expect("copy");
    let m = meeting(dir.path(), |t| t);
    add_appendix(dir.path(), "land-disposal.yaml", "Valuation Report", "valuation.pdf");
    add_appendix(dir.path(), "highways-capital-programme.yaml", "Site Plan", "site-plan.pdf");
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&m), "-o", s(&out_dir)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("error: items[5]: appendix 1 of item 6 (Highways Capital Programme 2024/25), `site-plan.pdf` has the same contents as appendix 1 of item 8 (Disposal of Land at Teesdale Business Park), `valuation.pdf`, which is exempt"),
        "{err}"
    );
    assert!(files_in(&out_dir).is_empty(), "nothing written: {:?}", files_in(&out_dir));
}

#[test]
fn a_part2_pack_of_cabrep_cannot_be_bound_into_a_pack() {
    let dir = tempdir();
    let m = meeting(dir.path(), |t| t);
    let first = dir.path().join("first");
    let out = cabrep(&["pack", s(&m), "-f", "pdf", "-q", "-o", s(&first)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let info = poppler("pdfinfo", &[s(&first.join("meeting-part2.pdf"))]);
    assert!(info.lines().any(|l| l.starts_with("Keywords:") && l.contains("cabrep:not-for-publication")), "{info}");
    let info = poppler("pdfinfo", &[s(&first.join("meeting-pack.pdf"))]);
    assert!(!info.contains("not-for-publication"), "{info}");
    std::fs::copy(first.join("meeting-part2.pdf"), dir.path().join("papers.pdf")).expect("copy");
    // An exempt report built on its own is exempt material too.
    let out = cabrep(&["build", s(&dir.path().join("land-disposal.yaml")), "-f", "pdf", "-q", "-o", s(&first)]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::copy(first.join("land-disposal.pdf"), dir.path().join("annex.pdf")).expect("copy");
    for (file, title) in [("papers.pdf", "Papers"), ("annex.pdf", "Annex")] {
        let m = meeting(dir.path(), |t| {
            t.replace("minutes-2023-12-14.pdf", file).replace("Minutes of the meeting held on 14 December 2023", title)
        });
        let out_dir = dir.path().join("second");
        let out = cabrep(&["pack", s(&m), "-o", s(&out_dir)]);
        assert_eq!(out.status.code(), Some(1), "{file}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("error: items[3].file:") && err.contains("is marked not for publication"),
            "{file}: {err}"
        );
        assert!(files_in(&out_dir).is_empty(), "nothing written");
    }
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
}

/// Runs cabrep under a shell with the given umask.
#[cfg(unix)]
fn cabrep_with_umask(umask: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_cabrep"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("sh")
}

#[cfg(unix)]
#[test]
fn part2_outputs_are_never_world_readable_whatever_the_umask() {
    let dir = tempdir();
    let m = meeting(dir.path(), |t| t);
    let out_dir = dir.path().join("out");
    let pack = |umask: &str| {
        let out = cabrep_with_umask(umask, &["pack", s(&m), "-f", "docx,pdf", "-q", "-o", s(&out_dir)]);
        assert!(out.status.success(), "{}", stderr(&out));
    };
    let (public, part2) = (out_dir.join("meeting-pack.pdf"), out_dir.join("meeting-part2.pdf"));
    pack("022");
    assert_eq!(mode(&public), 0o644, "public pack with umask 022");
    assert_eq!(mode(&part2), 0o640, "Part 2 pack with umask 022");
    // A chmod 600 survives a rebuild.
    std::fs::remove_dir_all(&out_dir).expect("clean");
    pack("077");
    assert_eq!(mode(&public), 0o600, "umask 077 is honoured for the public pack too");
    assert_eq!(mode(&part2), 0o600);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&part2, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    std::fs::set_permissions(&public, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    pack("022");
    assert_eq!((mode(&public), mode(&part2)), (0o644, 0o600), "existing modes kept");
    // Widened by hand, a Part 2 file is narrowed again by the next build.
    std::fs::set_permissions(&part2, std::fs::Permissions::from_mode(0o666)).expect("chmod");
    pack("022");
    assert_eq!(mode(&part2), 0o640);
    // An exempt report built on its own, and a Part 2 decision record, are restricted too.
    let out = cabrep_with_umask(
        "022",
        &["build", s(&dir.path().join("land-disposal.yaml")), "-f", "pdf,html", "-q", "-o", s(&out_dir)],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode(&out_dir.join("land-disposal.pdf")), 0o640);
    assert_eq!(mode(&out_dir.join("land-disposal.html")), 0o640);
    let outcome = dir.path().join("outcome.yaml");
    std::fs::copy(root().join("inputs/cabinet-2024-01-18-outcome.yaml"), &outcome).expect("copy");
    let out = cabrep_with_umask("022", &["decisions", s(&m), s(&outcome), "-f", "pdf", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(mode(&out_dir.join("meeting-decisions.pdf")), 0o644);
    assert_eq!(mode(&out_dir.join("meeting-decisions-part2.pdf")), 0o640);
}

#[test]
fn two_inputs_of_one_name_are_refused_before_anything_is_written() {
    let dir = tempdir();
    for (sub, src) in [("a", "inputs/highways-capital-programme.yaml"), ("b", "inputs/land-disposal.yaml")] {
        std::fs::create_dir(dir.path().join(sub)).expect("mkdir");
        std::fs::copy(root().join(src), dir.path().join(sub).join("report.yaml")).expect("copy");
    }
    let out_dir = dir.path().join("out");
    let (a, b) = (dir.path().join("a/report.yaml"), dir.path().join("b/report.yaml"));
    let out = cabrep(&["build", s(&a), s(&b), "-f", "pdf,html", "-o", s(&out_dir)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "error: {} and {} would both be written to {}",
            a.display(),
            b.display(),
            out_dir.join("report.pdf").display()
        )),
        "{err}"
    );
    assert_eq!(err.matches("would both be written").count(), 1, "one pair, said once: {err}");
    assert!(files_in(&out_dir).is_empty(), "nothing written: {:?}", files_in(&out_dir));
    // The same file named twice is built once, not refused.
    let out = cabrep(&["build", s(&a), s(&a), "-f", "pdf", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_report_named_like_the_pack_index_does_not_overwrite_it() {
    let dir = tempdir();
    let m = meeting(dir.path(), |t| t.replace("report: highways-capital-programme.yaml", "report: meeting-index.yaml"));
    std::fs::rename(dir.path().join("highways-capital-programme.yaml"), dir.path().join("meeting-index.yaml"))
        .expect("rename");
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&m), "-f", "pdf,html", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let index = std::fs::read_to_string(out_dir.join("meeting-index.html")).expect("index");
    assert!(index.contains("AGENDA") || index.contains("Agenda"), "the index is the index");
    let page = std::fs::read_to_string(out_dir.join("meeting-index-item-6.html"))
        .expect("the report's page under its documented name");
    assert!(page.contains("Highways Capital Programme 2024/25"));
    assert!(index.contains("href=\"meeting-index-item-6.html\""), "the index links the renamed page");
}

#[test]
fn a_report_now_exempt_loses_its_old_public_page() {
    let dir = tempdir();
    let m = meeting(dir.path(), |t| t);
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&m), "-f", "pdf,html", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = out_dir.join("highways-capital-programme.html");
    assert!(page.is_file(), "public page written while the report is public");
    // The highways report becomes exempt, with a sentence only it holds.
    let p = dir.path().join("highways-capital-programme.yaml");
    let src = std::fs::read_to_string(&p).expect("read");
    let src = src.replacen(
        "\nsummary: |\n",
        "\nexempt:\n  paragraphs: [3]\n  reason: Commercially sensitive tender prices\n\nsummary: |\n  The lowest tender was from Quixby Surfacing Ltd.\n\n",
        1,
    );
    std::fs::write(&p, src).expect("write");
    // Even a build without HTML removes the page the earlier one published.
    let out = cabrep(&["pack", s(&m), "-f", "pdf", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!page.exists(), "the old public page is gone");
    assert!(
        stderr(&out).contains(&format!("removed {}: its report is no longer public", page.display())),
        "{}",
        stderr(&out)
    );
    let out = cabrep(&["pack", s(&m), "-f", "docx,pdf,html", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!page.exists());
    let mut markers = EXEMPT_MARKERS.to_vec();
    markers.push("Quixby");
    assert_no_exempt_material(&public_files(&out_dir), &markers);
    assert!(
        squash(&pdf_text(&out_dir.join("meeting-part2.pdf"))).contains("Quixby Surfacing"),
        "the sentence is in Part 2"
    );
}

#[test]
fn a_manifest_cannot_make_a_build_remove_other_files() {
    let dir = tempdir();
    let m = meeting(dir.path(), |t| t);
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).expect("mkdir");
    let keep = ["notes.txt", ".hidden.html", "meeting.yaml"];
    for k in keep {
        std::fs::write(out_dir.join(k), "mine").expect("write");
    }
    std::fs::write(dir.path().join("outside.html"), "mine").expect("write");
    let manifest =
        r#"{"public_pages": ["notes.txt", ".hidden.html", "../outside.html", "meeting.yaml", "/etc/hostname"]}"#;
    std::fs::write(out_dir.join("meeting-manifest.json"), manifest).expect("write");
    let out = cabrep(&["pack", s(&m), "-f", "pdf", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    for k in keep {
        assert!(out_dir.join(k).exists(), "{k} kept");
    }
    assert!(dir.path().join("outside.html").exists());
}

#[test]
fn nothing_of_an_exempt_item_or_its_appendix_reaches_any_public_file() {
    let dir = tempdir();
    pdf_titled(dir.path(), "valuation", APPENDIX_MARKER);
    let m = meeting(dir.path(), |t| t);
    add_appendix(dir.path(), "land-disposal.yaml", "Valuation Report", "valuation.pdf");
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&m), "-f", "docx,pdf,html,tree", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let outcome = dir.path().join("outcome.yaml");
    std::fs::copy(root().join("inputs/cabinet-2024-01-18-outcome.yaml"), &outcome).expect("copy");
    let out = cabrep(&["decisions", s(&m), s(&outcome), "-f", "docx,pdf,html", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let part2 = squash(&pdf_text(&out_dir.join("meeting-part2.pdf")));
    // The markers are in Part 2, so their absence elsewhere means something. (The appendix's
    // own text is checked for absence too, though bound pages are pictures in Part 2 for now.)
    assert!(part2.contains("Appendix 1 – Valuation Report") && part2.contains("1,234,567"), "{part2}");
    let mut markers = EXEMPT_MARKERS.to_vec();
    markers.extend([APPENDIX_MARKER, "Valuation Report", "valuation.pdf"]);
    let public = public_files(&out_dir);
    assert!(
        public.iter().any(|p| p.ends_with("meeting-decisions.docx"))
            && public.iter().any(|p| p.ends_with("meeting-index.html"))
    );
    assert_no_exempt_material(&public, &markers);
}
