//! Packs bind documents as real pages: a bound PDF's own text, fonts, sizes and structure reach
//! the pack, nothing active of it does, every page carries the pack's numbering, and a rebuild
//! reuses the reports that did not change. The PDFs bound here are made in the test by
//! independent tools: LibreOffice (tagged, from a DOCX pandoc writes) and qpdf (an A3 landscape
//! plan, and a PDF with a JavaScript open action, a Launch link and an attached file).

use super::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn run(cmd: &mut Command) -> std::process::Output {
    cmd.output().unwrap_or_else(|e| panic!("{cmd:?} must be installed (CI installs it): {e}"))
}

/// A tagged PDF: pandoc writes a DOCX, LibreOffice exports it with tagging on.
fn tagged_minutes(dir: &Path) -> PathBuf {
    let md = dir.join("minutes.md");
    std::fs::write(
        &md,
        "# Minutes of the last meeting\n\nThe bound minutes sentinel text.\n\n## Attendance\n\nCouncillor Example.\n",
    )
    .expect("write");
    let docx = dir.join("minutes.docx");
    let out = run(Command::new("pandoc").arg(&md).arg("-o").arg(&docx));
    assert!(out.status.success(), "pandoc: {}", String::from_utf8_lossy(&out.stderr));
    let profile = dir.join("lo-profile");
    let out = run(Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to"])
        .arg(r#"pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}"#)
        .arg(&docx)
        .arg("--outdir")
        .arg(dir));
    assert!(out.status.success(), "soffice: {}", String::from_utf8_lossy(&out.stderr));
    let pdf = dir.join("minutes.pdf");
    assert!(
        poppler("pdfinfo", &[pdf.to_str().expect("utf-8")]).contains("Tagged:          yes"),
        "LibreOffice tagged it"
    );
    pdf
}

/// A PDF written as plain objects (no cross-reference table), which qpdf reads and writes out
/// whole: the test's own PDFs are then qpdf's.
fn qpdf_made(dir: &Path, name: &str, objects: &[&str]) -> PathBuf {
    let mut raw = String::from("%PDF-1.7\n");
    for (i, o) in objects.iter().enumerate() {
        raw.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    raw.push_str("trailer\n<< /Root 1 0 R >>\n%%EOF\n");
    let rough = dir.join(format!("{name}.rough.pdf"));
    std::fs::write(&rough, raw).expect("write");
    let pdf = dir.join(format!("{name}.pdf"));
    let out = run(Command::new("qpdf").arg(&rough).arg(&pdf));
    // 3: written, with warnings (the missing cross-reference table, rebuilt).
    assert!(matches!(out.status.code(), Some(0 | 3)), "qpdf: {}", String::from_utf8_lossy(&out.stderr));
    pdf
}

fn content(text: &str, x: u32, y: u32) -> String {
    let stream = format!("BT /F1 24 Tf {x} {y} Td ({text}) Tj ET");
    format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len())
}

/// An untagged A3 landscape plan.
fn a3_plan(dir: &Path) -> PathBuf {
    qpdf_made(
        dir,
        "plan",
        &[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1190.55 841.89] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
            &content("The A3 plan sentinel", 300, 400),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ],
    )
}

/// A PDF with a JavaScript open action, a Launch link, and (by qpdf) an attached file.
fn hostile(dir: &Path) -> PathBuf {
    let pdf = qpdf_made(
        dir,
        "hostile-rough",
        &[
            "<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert\\('hello'\\)) >> >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R /Annots [6 0 R] /AA << /O << /S /JavaScript /JS (1) >> >> >>",
            &content("The hostile sentinel", 72, 700),
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            "<< /Type /Annot /Subtype /Link /Rect [72 600 300 620] /A << /S /Launch /F (calc.exe) >> >>",
        ],
    );
    let secret = dir.join("secret.txt");
    std::fs::write(&secret, "attached secret").expect("write");
    let out_pdf = dir.join("hostile.pdf");
    let out = run(Command::new("qpdf").arg(&pdf).arg("--add-attachment").arg(&secret).arg("--").arg(&out_pdf));
    assert!(matches!(out.status.code(), Some(0 | 3)), "qpdf: {}", String::from_utf8_lossy(&out.stderr));
    assert!(
        run(Command::new("qpdf").arg("--list-attachments").arg(&out_pdf)).stdout.starts_with(b"secret.txt"),
        "the source carries an attachment"
    );
    out_pdf
}

/// A meeting: the minutes (tagged), a report with the hostile PDF as its appendix, the A3 plan.
fn meeting(dir: &Path) -> PathBuf {
    tagged_minutes(dir);
    a3_plan(dir);
    hostile(dir);
    for f in ["powering-our-future.yaml", "missions.yaml", "highways-capital-programme.yaml"] {
        std::fs::copy(root().join("inputs").join(f), dir.join(f)).expect("copy");
    }
    let highways = std::fs::read_to_string(dir.join("highways-capital-programme.yaml")).expect("read");
    let highways = if highways.contains("\nappendices:") {
        highways.replace("\nappendices:\n", "\nappendices:\n  - title: Hostile appendix\n    file: hostile.pdf\n")
    } else {
        format!("{highways}\nappendices:\n  - title: Hostile appendix\n    file: hostile.pdf\n")
    };
    std::fs::write(dir.join("highways-capital-programme.yaml"), highways).expect("write");
    cabinet_meeting(
        dir,
        "  - title: Minutes of the last meeting\n    file: minutes.pdf\n  - report: powering-our-future.yaml\n  - report: highways-capital-programme.yaml\n  - title: Site plan\n    file: plan.pdf\n",
    )
}

fn pack(m: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["pack", m.to_str().expect("utf-8"), "-o", out.to_str().expect("utf-8"), "-f", "pdf"];
    args.extend_from_slice(extra);
    cabrep(&args)
}

fn pdfinfo_pages(pdf: &Path) -> String {
    let info = poppler("pdfinfo", &["-f", "1", "-l", "999", pdf.to_str().expect("utf-8")]);
    info.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn page_count(pdf: &Path) -> usize {
    let info = pdfinfo_pages(pdf);
    info.split("Pages: ").nth(1).and_then(|s| s.split(' ').next()).and_then(|n| n.parse().ok()).expect("pages")
}

#[test]
fn bound_pdfs_are_real_pages_with_their_text_size_and_structure_and_nothing_active() {
    let dir = tempdir();
    let m = meeting(dir.path());
    let out_dir = dir.path().join("out");
    let out = pack(&m, &out_dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let warnings = stderr(&out);
    assert!(warnings.contains("plan.pdf is not tagged"), "the untagged plan is named: {warnings}");
    let public = out_dir.join("meeting-pack.pdf");
    let text = pdf_text(&public);
    for sentinel in ["The bound minutes sentinel text.", "The A3 plan sentinel", "The hostile sentinel"] {
        assert!(text.contains(sentinel), "{sentinel} is text in the pack");
    }
    // No page-sized picture: the pack's only images are none at all (charts are vectors).
    let images = poppler("pdfimages", &["-list", public.to_str().expect("utf-8")]);
    assert!(images.lines().count() <= 2, "no images in the pack: {images}");
    // The A3 plan keeps its size; every page is numbered across the pack.
    let n = page_count(&public);
    let info = pdfinfo_pages(&public);
    assert!(info.contains("size: 1190.55 x 841.89 pts"), "A3 landscape kept: {info}");
    for page in 1..=n {
        let p = page.to_string();
        let t = poppler("pdftotext", &["-f", &p, "-l", &p, public.to_str().expect("utf-8"), "-"]);
        assert!(t.contains(&format!("Page {page} of {n}")), "page {page} is numbered: {t}");
    }
    // The tagged minutes' headings are in the pack's structure tree.
    let tree = poppler("pdfinfo", &["-struct-text", public.to_str().expect("utf-8")]);
    let h1 = tree.find("Minutes of the last meeting").expect("the minutes' heading is in the structure tree");
    assert!(tree[..h1].rfind("H1").is_some(), "as a heading");
    // Nothing active or attached survives.
    let qdf = dir.path().join("pack.qdf");
    let o = run(Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable", "--decode-level=all"])
        .arg(&public)
        .arg(&qdf));
    assert!(o.status.success(), "qpdf: {}", String::from_utf8_lossy(&o.stderr));
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).expect("read")).into_owned();
    for banned in ["/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/OpenAction", "calc.exe", "attached secret"] {
        assert!(!raw.contains(banned), "{banned} must not survive the merge");
    }
    let check = run(Command::new("qpdf").arg("--check").arg(&public));
    assert!(check.status.success(), "qpdf --check: {}", String::from_utf8_lossy(&check.stdout));
    // An untagged part: tagged still, but no PDF/UA-1 claim.
    assert!(!raw.contains("pdfuaid:part"), "no PDF/UA claim with an untagged page in the pack");
    assert!(info.contains("Tagged: yes"), "{info}");
    // The same build twice, byte for byte.
    let again = dir.path().join("again");
    let out = pack(&m, &again, &["--no-cache"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&public).expect("read"), std::fs::read(again.join("meeting-pack.pdf")).expect("read"));
}

#[test]
fn agenda_page_ranges_are_where_the_parts_start() {
    let dir = tempdir();
    let m = meeting(dir.path());
    let out_dir = dir.path().join("out");
    let out = pack(&m, &out_dir, &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = out_dir.join("meeting-pack.pdf");
    let page = |n: usize| {
        let p = n.to_string();
        squash(&poppler("pdftotext", &["-f", &p, "-l", &p, public.to_str().expect("utf-8"), "-"]))
    };
    let agenda = poppler("pdftotext", &["-f", "1", "-l", "3", "-layout", public.to_str().expect("utf-8"), "-"]);
    let start_of = |title: &str| -> usize {
        let line =
            agenda.lines().find(|l| l.contains(title)).unwrap_or_else(|| panic!("{title} in the agenda: {agenda}"));
        let pages = line.split(title).nth(1).and_then(|rest| rest.split("Page").nth(1)).expect("a page entry");
        pages.trim_start_matches('s').split(|c: char| !c.is_ascii_digit()).find_map(|x| x.parse().ok()).expect("page")
    };
    assert!(page(start_of("Minutes of the last meeting")).contains("The bound minutes sentinel text."));
    assert!(page(start_of("Minutes of the last meeting")).contains("Agenda item 2"), "the bound part is stamped");
    assert!(page(start_of("Site plan")).contains("The A3 plan sentinel"));
    assert!(page(start_of("Highways Capital Programme 2024/25")).contains("AGENDA ITEM 4"));
}

#[test]
fn a_rebuild_reuses_unchanged_reports_and_rebuilds_a_damaged_cache_entry() {
    let dir = tempdir();
    let m = meeting(dir.path());
    let out_dir = dir.path().join("out");
    let first = pack(&m, &out_dir, &[]);
    assert!(first.status.success(), "{}", stderr(&first));
    let pdf = std::fs::read(out_dir.join("meeting-pack.pdf")).expect("read");
    let cache = out_dir.join(".cabrep-cache/meeting");
    let parts = |cache: &Path| -> Vec<PathBuf> {
        let mut parts: Vec<PathBuf> = std::fs::read_dir(cache)
            .expect("a cache")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "part"))
            .collect();
        parts.sort();
        parts
    };
    let entries = parts(&cache);
    assert_eq!(entries.len(), 2, "one entry per report: {entries:?}");
    // A damaged entry is rebuilt, never trusted; the pack is the same.
    std::fs::write(&entries[0], b"0000\nnot a pdf").expect("damage");
    let second = pack(&m, &out_dir, &[]);
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(std::fs::read(out_dir.join("meeting-pack.pdf")).expect("read"), pdf);
    // Editing one report changes its entry only; the other is reused, the stale one removed.
    let p = dir.path().join("powering-our-future.yaml");
    let text = std::fs::read_to_string(&p).expect("read");
    std::fs::write(&p, text.replacen("Programme Update", "Programme Update (revised)", 1)).expect("write");
    let third = pack(&m, &out_dir, &[]);
    assert!(third.status.success(), "{}", stderr(&third));
    let after = parts(&cache);
    assert_eq!(after.len(), 2, "{after:?}");
    assert_eq!(after.iter().filter(|p| entries.contains(p)).count(), 1, "one entry kept, one replaced");
    assert!(pdf_text(&out_dir.join("meeting-pack.pdf")).contains("(revised)"));
}

#[test]
fn a_rebuild_lays_out_the_front_sheet_ahead_yet_binds_what_a_cold_build_binds() {
    // The front sheet and furniture of a rebuild are laid out, while the reports are typeset,
    // for the page counts the last build found; they are used only if the reports keep them.
    let dir = tempdir();
    let m = meeting(dir.path());
    let out_dir = dir.path().join("out");
    let cold_dir = dir.path().join("cold");
    let same_as_cold = |what: &str| {
        let rebuilt = pack(&m, &out_dir, &[]);
        assert!(rebuilt.status.success(), "{what}: {}", stderr(&rebuilt));
        let cold = pack(&m, &cold_dir, &["--no-cache"]);
        assert!(cold.status.success(), "{what}: {}", stderr(&cold));
        let pdf = std::fs::read(out_dir.join("meeting-pack.pdf")).expect("read");
        assert!(
            pdf == std::fs::read(cold_dir.join("meeting-pack.pdf")).expect("read"),
            "{what}: not the cold build's pack"
        );
        page_count(&out_dir.join("meeting-pack.pdf"))
    };
    let first = same_as_cold("the first build");
    let facts = out_dir.join(".cabrep-cache/meeting/last-facts.json");
    assert!(std::fs::read_to_string(&facts).expect("the parts' facts are kept").contains("powering-our-future.yaml"));

    // An edit that keeps the report's pages: the front sheet laid out ahead is used.
    let p = dir.path().join("powering-our-future.yaml");
    let text = std::fs::read_to_string(&p).expect("read");
    std::fs::write(&p, text.replacen("Programme Update", "Programme Update (revised)", 1)).expect("write");
    assert_eq!(same_as_cold("a new title"), first);

    // An edit that adds pages: what was laid out ahead is wrong, and not used.
    let text = std::fs::read_to_string(&p).expect("read");
    let long = "      A further paragraph of the introduction, long enough to take a few lines of the page. ".repeat(6);
    let more = format!(
        "  - id: introduction\n    title: Introduction\n    body: |\n{}\n\n{long}\n\n{long}\n\n{long}\n",
        long.repeat(4)
    );
    std::fs::write(&p, text.replacen("  - id: introduction\n    title: Introduction\n    body: |\n", &more, 1))
        .expect("write");
    let longer = same_as_cold("a longer report");
    assert!(longer > first, "the edit adds pages ({first} → {longer})");

    // Facts planted or damaged cost time, never a wrong page number.
    let kept = std::fs::read_to_string(&facts).expect("read");
    std::fs::write(&facts, kept.replace("\"page_count\":", "\"page_count\":9")).expect("plant");
    assert_eq!(same_as_cold("planted facts"), longer);
    std::fs::write(&facts, b"{not json").expect("damage");
    assert_eq!(same_as_cold("damaged facts"), longer);
}

#[test]
fn a_report_for_another_meeting_is_a_warning_naming_both_and_an_error_with_deny_warnings() {
    let dir = tempdir();
    std::fs::copy(root().join("inputs/highways-capital-programme.yaml"), dir.path().join("report.yaml")).expect("copy");
    let src = std::fs::read_to_string(root().join("inputs/cabinet-2024-01-18.yaml")).expect("meeting");
    let head = src.split("\nitems:").next().expect("the meeting's details");
    let m = dir.path().join("meeting.yaml");
    std::fs::write(&m, format!("{head}\nitems:\n  - title: Apologies for absence\n  - report: report.yaml\n"))
        .expect("write");
    let clean = pack(&m, &dir.path().join("clean"), &["--deny-warnings"]);
    assert!(clean.status.success(), "the report belongs to the meeting: {}", stderr(&clean));
    let p = dir.path().join("report.yaml");
    let text = std::fs::read_to_string(&p).expect("read");
    std::fs::write(&p, text.replacen("date: 2024-01-18", "date: 2023-07-13", 1)).expect("write");
    let out = pack(&m, &dir.path().join("out"), &[]);
    assert!(out.status.success(), "a warning only: {}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("the report is for Cabinet on 13 July 2023, but this meeting is Cabinet on 18 January 2024"),
        "{err}"
    );
    assert!(err.contains("meeting.yaml:"), "located in the meeting file: {err}");
    let strict = pack(&m, &dir.path().join("strict"), &["--deny-warnings"]);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
}
