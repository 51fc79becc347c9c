//! The house's seams: what each stage hands on to the next instead of doing again.

use std::path::Path;

use crate::common::*;

/// Writes a PDF with pikepdf: `inputs/minutes-2023-12-14.pdf` saved again with `subject` in its
/// Info dictionary, or with `blank` a one-page blank document; either way bytes of its own.
fn unique_pdf(path: &Path, subject: &str, blank: bool) {
    let minutes = root().join("inputs/minutes-2023-12-14.pdf");
    let script = format!(
        "import sys, pikepdf\n\
         pdf = pikepdf.new() if {blank} else pikepdf.open({minutes:?})\n\
         if {blank}: pdf.add_blank_page()\n\
         pdf.docinfo['/Subject'] = {subject:?}\n\
         pdf.save(sys.argv[1])\n",
        blank = if blank { "True" } else { "False" },
        minutes = s(&minutes),
    );
    let out = std::process::Command::new("/usr/bin/python3")
        .args(["-c", &script, s(path)])
        .output()
        .expect("/usr/bin/python3 with pikepdf (Debian package python3-pikepdf) is required for this test");
    assert!(out.status.success(), "pikepdf failed: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn a_pack_reads_each_bound_pdf_once_with_each_reader_and_assembles_each_report_once_for_the_pack() {
    let dir = tempdir();
    let d = dir.path();
    copy_inputs(
        d,
        &["powering-our-future.yaml", "missions.yaml", "highways-capital-programme.yaml", "land-disposal.yaml"],
    );
    // Three bound PDFs, each with bytes no other test has: an agenda item, a public report's
    // appendix and an exempt report's appendix.
    let tag = d.file_name().expect("a name").to_string_lossy().into_owned();
    unique_pdf(&d.join("minutes.pdf"), &format!("minutes {tag}"), false);
    unique_pdf(&d.join("policy.pdf"), &format!("policy {tag}"), false);
    unique_pdf(&d.join("valuation.pdf"), &format!("valuation {tag}"), true);
    let meeting =
        read_text(&root().join("inputs/cabinet-2024-01-18.yaml")).replace("minutes-2023-12-14.pdf", "minutes.pdf");
    std::fs::write(d.join("meeting.yaml"), meeting).expect("write");
    for (file, title, pdf) in
        [("powering-our-future.yaml", "Policy", "policy.pdf"), ("land-disposal.yaml", "Valuation", "valuation.pdf")]
    {
        let src = read_text(&d.join(file));
        let src = if src.contains("\nappendices:\n") {
            src.replacen("\nappendices:\n", &format!("\nappendices:\n  - title: {title}\n    file: {pdf}\n"), 1)
        } else {
            format!("{src}\nappendices:\n  - title: {title}\n    file: {pdf}\n")
        };
        std::fs::write(d.join(file), src).expect("write");
    }
    // Titles no other test assembles, so that the counts are this test's own.
    let mut titles = Vec::new();
    for file in ["powering-our-future.yaml", "highways-capital-programme.yaml", "land-disposal.yaml"] {
        let src = read_text(&d.join(file));
        let line = src.lines().find(|l| l.starts_with("title: ")).expect("a title").to_owned();
        let title = format!("{} {tag}", &line["title: ".len()..]);
        std::fs::write(d.join(file), src.replacen(&line, &format!("title: {title}"), 1)).expect("write");
        titles.push(title);
    }

    lib::count_reads();
    lib::count_assemblies();
    let engine = lib::Engine::new(None).expect("engine");
    let out = d.join("out");
    let opts = lib::PackOptions { workers: 1, cache: false };
    let outcome =
        lib::build_pack(&engine, &d.join("meeting.yaml"), &out, &[lib::Format::Pdf, lib::Format::Html], &opts);
    assert!(matches!(outcome, lib::PapersOutcome::Built { .. }), "{outcome:?}");

    // Each report is assembled at load, for the page guide's estimate, and once for the pack:
    // its part, its page count and its own HTML page come from that one assembly.
    for title in &titles {
        assert_eq!(lib::assemblies_of(title), 2, "{title}: at load and for the pack");
    }
    let page = read_text(&out.join("powering-our-future.html"));
    assert!(page.contains(&titles[0]), "the report's own page is written");

    // The PDFs were bound: each appendix is in its own pack, read back by poppler.
    let public = squash(&pdf_text(&out.join("meeting-pack.pdf")));
    assert!(public.contains("Appendix 1 – Policy"), "{public}");
    assert!(squash(&pdf_text(&out.join("meeting-part2.pdf"))).contains("Appendix 1 – Valuation"));
    for name in ["minutes.pdf", "policy.pdf", "valuation.pdf"] {
        let bytes = std::fs::read(d.join(name)).expect("read");
        for reader in [lib::Reader::Scan, lib::Reader::Objects, lib::Reader::Pages] {
            assert_eq!(lib::reads_of(&bytes, reader), 1, "{name} read by {reader:?}");
        }
    }
}
