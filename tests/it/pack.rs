//! Agenda packs: page numbers in the agenda are the pages items really start on, numbering
//! runs on across the pack, every item is a bookmark, and nothing of an exempt report reaches
//! any public output file.

use crate::common::*;
use std::path::{Path, PathBuf};

/// The marker sentence in the exempt example report.
const MARKER: &str = "The preferred bidder's offer is £1,234,567.";

/// Builds a meeting from the example reports plus a bound-in PDF; returns (dir, meeting path).
fn meeting(dir: &Path) -> PathBuf {
    // A PDF to bind in: made by the tool itself.
    let out = cabrep(&[
        "build",
        "inputs/highways-capital-programme.yaml",
        "-f",
        "pdf",
        "-q",
        "-o",
        dir.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    std::fs::rename(dir.join("highways-capital-programme.pdf"), dir.join("minutes.pdf")).expect("rename");
    copy_inputs(
        dir,
        &["powering-our-future.yaml", "missions.yaml", "highways-capital-programme.yaml", "land-disposal.yaml"],
    );
    let src = std::fs::read_to_string(root().join("inputs/cabinet-2024-01-18.yaml")).expect("meeting");
    let text = src.replace("minutes-2023-12-14.pdf", "minutes.pdf");
    let p = dir.join("meeting.yaml");
    std::fs::write(&p, text).expect("write");
    p
}

fn pages_of(pdf: &Path) -> usize {
    poppler("pdfinfo", &[pdf.to_str().expect("utf-8")])
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

fn page_text(pdf: &Path, page: usize) -> String {
    let p = page.to_string();
    poppler("pdftotext", &["-f", &p, "-l", &p, "-layout", pdf.to_str().expect("utf-8"), "-"])
}

fn build_pack(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let m = meeting(dir);
    let out_dir = dir.join("out");
    let out = cabrep(&[
        "pack",
        m.to_str().expect("utf-8"),
        "-o",
        out_dir.to_str().expect("utf-8"),
        "-f",
        "docx,pdf,html",
        "-q",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    (out_dir.join("meeting-pack.pdf"), out_dir.join("meeting-part2.pdf"), out_dir.join("meeting-agenda.docx"))
}

#[test]
fn agenda_pages_are_where_items_start_and_numbering_is_continuous() {
    let dir = tempdir();
    let (public, _, docx) = build_pack(dir.path());
    let n = pages_of(&public);
    let agenda = page_text(&public, 2);
    assert!(agenda.contains("AGENDA"), "{agenda}");
    // Each paged item: its "Pages a - b" entry, and page a really starts the item.
    let expect = [
        (
            "Minutes of the meeting held on 14 December 2023",
            "Agenda item 4: Minutes of the meeting held on 14 December 2023",
        ),
        ("Powering Our Future – Programme Update", "AGENDA ITEM 5"),
        ("Highways Capital Programme 2024/25", "AGENDA ITEM 6"),
    ];
    let mut ranges = Vec::new();
    for (title, start_marker) in expect {
        let line = agenda.lines().find(|l| l.contains(title)).unwrap_or_else(|| panic!("{title} in agenda:\n{agenda}"));
        let pages = line.split("Page").nth(1).unwrap_or_else(|| panic!("pages for {title}: {line}"));
        let nums: Vec<usize> =
            pages.trim_start_matches('s').split(|c: char| !c.is_ascii_digit()).filter_map(|x| x.parse().ok()).collect();
        let (a, b) = (nums[0], *nums.last().expect("end"));
        assert!(squash(&page_text(&public, a)).contains(start_marker), "{title} starts on page {a}");
        if a > 1 {
            assert!(
                !squash(&page_text(&public, a - 1)).contains(start_marker),
                "{title} does not start before page {a}"
            );
        }
        ranges.push((a, b));
    }
    // Ranges are contiguous and the last runs to the end of the pack.
    for w in ranges.windows(2) {
        assert_eq!(w[0].1 + 1, w[1].0, "ranges {ranges:?}");
    }
    assert_eq!(ranges.last().expect("last").1, n);
    // Continuous numbering: the last page says Page N of N; a bound-in page carries the pack's number.
    assert!(page_text(&public, n).contains(&format!("Page {n} of {n}")));
    let bound = ranges[0].0;
    assert!(page_text(&public, bound).contains(&format!("Page {bound} of {n}")), "bound-in page stamped");
    // Exempt item listed by title and paragraph, with no page.
    let squashed = squash(&agenda);
    assert!(squashed.contains("Disposal of Land at Teesdale Business Park"));
    assert!(squashed.contains(
        "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A of the Local Government Act 1972"
    ));
    let exempt_line = agenda.lines().find(|l| l.contains("Disposal of Land")).expect("exempt line");
    assert!(!exempt_line.contains("Page"), "no page for an exempt item: {exempt_line}");
    // The DOCX agenda carries the same page numbers.
    let xml = docx_part(&docx, "word/document.xml");
    let text = squash(&docx_text(&xml));
    for (a, b) in &ranges {
        let want = if a == b { format!("Page {a}") } else { format!("Pages {a} - {b}") };
        assert!(text.contains(&want), "DOCX agenda has {want}: {text}");
    }
    // A range is set unbroken (its spaces no-break spaces), so that it never wraps in the agenda's
    // narrow column ("Pages 106 -" on one line, "122" on the next).
    let unbroken = docx_text(&xml);
    for (a, b) in ranges.iter().filter(|(a, b)| a != b) {
        let want = format!("Pages\u{a0}{a}\u{a0}-\u{a0}{b}");
        assert!(unbroken.contains(&want), "DOCX agenda has {want:?}: {unbroken}");
    }
    assert!(
        text.contains("Evacuation Procedure") && !text.contains("SUMMARY"),
        "DOCX is the front sheet and agenda only"
    );
}

#[test]
fn every_item_is_a_bookmark_with_its_headings_nested() {
    let dir = tempdir();
    let (public, _, _) = build_pack(dir.path());
    let out = std::process::Command::new("qpdf")
        .args(["--json", "--json-key=outlines"])
        .arg(&public)
        .output()
        .expect("qpdf is required for this test (CI installs it)");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let top: Vec<&serde_json::Value> = v["outlines"].as_array().expect("outlines").iter().collect();
    let titles: Vec<&str> = top.iter().map(|o| o["title"].as_str().unwrap_or("")).collect();
    for t in [
        "Agenda item 4: Minutes of the meeting held on 14 December 2023",
        "Powering Our Future – Programme Update",
        "Highways Capital Programme 2024/25",
    ] {
        assert!(titles.contains(&t), "bookmark {t}: {titles:?}");
    }
    let pof = top.iter().find(|o| o["title"] == "Powering Our Future – Programme Update").expect("report bookmark");
    let kids: Vec<&str> =
        pof["kids"].as_array().expect("kids").iter().map(|k| k["title"].as_str().unwrap_or("")).collect();
    assert!(kids.contains(&"SUMMARY") && kids.contains(&"6. Transformation Powering Our Future"), "{kids:?}");
    assert!(!titles.iter().any(|t| t.contains("Disposal of Land")), "no bookmark for the exempt report");
    let info = poppler("pdfinfo", &[public.to_str().expect("utf-8")]);
    assert!(info.contains("Tagged:          yes") && info.contains("Title:           Cabinet: agenda pack"), "{info}");
}

#[test]
fn nothing_of_an_exempt_report_reaches_a_public_output() {
    let dir = tempdir();
    let (public, part2, docx) = build_pack(dir.path());
    // The Part 2 pack carries the exempt report, every page headed NOT FOR PUBLICATION.
    let p2 = pdf_text(&part2);
    assert!(squash(&p2).contains(MARKER), "marker in Part 2");
    for page in 1..=pages_of(&part2) {
        assert!(page_text(&part2, page).contains("NOT FOR PUBLICATION"), "page {page} of Part 2 headed");
    }
    // Public PDF: extracted text, and every uncompressed object (metadata, bookmarks, tags).
    assert!(!squash(&pdf_text(&public)).contains(MARKER));
    let qdf = dir.path().join("public.qdf");
    let st = std::process::Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(&public)
        .arg(&qdf)
        .status()
        .expect("qpdf is required");
    assert!(st.success());
    let raw = std::fs::read(&qdf).expect("qdf");
    let exempt_only = ["1,234,567", "preferred bidder", "land-disposal", "Estates Manager", "Andrew Pearson"];
    for s in exempt_only {
        let found = raw.windows(s.len()).any(|w| w.eq_ignore_ascii_case(s.as_bytes()));
        assert!(!found, "`{s}` found in the public pack's PDF objects");
        let utf16: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert!(!raw.windows(utf16.len()).any(|w| w == utf16.as_slice()), "`{s}` (UTF-16) in the public pack");
    }
    // Public DOCX agenda: every XML part.
    let f = std::fs::File::open(&docx).expect("docx");
    let mut z = zip::ZipArchive::new(f).expect("zip");
    for i in 0..z.len() {
        use std::io::Read;
        let mut e = z.by_index(i).expect("entry");
        let mut s = String::new();
        let _ = e.read_to_string(&mut s);
        for needle in exempt_only {
            assert!(!s.contains(needle), "`{needle}` in {}", e.name());
        }
    }
    // Public HTML: the index and every report page.
    let html: Vec<PathBuf> = std::fs::read_dir(public.parent().expect("dir"))
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    assert!(html.len() >= 3, "the index and the public reports' pages: {html:?}");
    for p in &html {
        let s = std::fs::read_to_string(p).expect("html");
        for needle in exempt_only {
            assert!(!s.contains(needle), "`{needle}` in {}", p.display());
        }
    }
    // File names of public outputs say nothing of the exempt report.
    for e in std::fs::read_dir(public.parent().expect("dir")).expect("dir").filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(!name.contains("land") && !name.contains("disposal"), "{name}");
    }
}

#[test]
fn a_pack_with_a_bad_report_names_it_and_writes_nothing() {
    let dir = tempdir();
    let m = meeting(dir.path());
    let bad = std::fs::read_to_string(dir.path().join("land-disposal.yaml")).expect("read").replacen(
        "decision: key",
        "decision: kye",
        1,
    );
    std::fs::write(dir.path().join("land-disposal.yaml"), bad).expect("write");
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", m.to_str().expect("utf-8"), "-o", out_dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("items[7].report: report `land-disposal.yaml` is not valid"), "{err}");
    assert!(err.contains("land-disposal.yaml:") && err.contains("unknown value `kye`"), "{err}");
    assert!(!out_dir.exists() || std::fs::read_dir(&out_dir).expect("dir").next().is_none(), "nothing written");
}

#[test]
fn report_appendix_pdfs_are_bound_in_after_their_report_and_exempt_ones_only_in_part2() {
    let dir = tempdir();
    let m = meeting(dir.path());
    let add_appendix = |file: &str, title: &str, pdf: &str| {
        let p = dir.path().join(file);
        let src = std::fs::read_to_string(&p).expect("read");
        let src = if src.contains("\nappendices:") {
            src.replacen("  - title: Smart Working Policy", &format!("  - title: {title}\n    file: {pdf}"), 1)
        } else {
            format!("{src}\nappendices:\n  - title: {title}\n    file: {pdf}\n")
        };
        std::fs::write(&p, src).expect("write");
    };
    add_appendix("powering-our-future.yaml", "Smart Working Policy", "minutes.pdf");
    // A different document: the same one bound in public and in Part 2 is refused.
    std::fs::copy(root().join("inputs/minutes-2023-12-14.pdf"), dir.path().join("valuation.pdf")).expect("copy");
    add_appendix("land-disposal.yaml", "Valuation Report", "valuation.pdf");
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", m.to_str().expect("utf-8"), "-o", out_dir.to_str().expect("utf-8"), "-q"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let public = out_dir.join("meeting-pack.pdf");
    let part2 = out_dir.join("meeting-part2.pdf");
    let outline = |pdf: &Path| -> String {
        let o =
            std::process::Command::new("qpdf").args(["--json", "--json-key=outlines"]).arg(pdf).output().expect("qpdf");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let pub_text = squash(&pdf_text(&public));
    assert_in_order(&pub_text, &["AGENDA ITEM 5", "Appendix 1 – Smart Working Policy", "AGENDA ITEM 6"]);
    assert!(outline(&public).contains("Appendix 1 – Smart Working Policy"));
    assert!(
        !outline(&public).contains("Valuation Report") && !pub_text.contains("Valuation Report"),
        "exempt appendix kept out"
    );
    assert!(squash(&pdf_text(&part2)).contains("Appendix 1 – Valuation Report"));
}

#[test]
fn the_html_index_links_each_public_report_and_its_pages_and_no_exempt_one() {
    use scraper::{Html, Selector};
    let dir = tempdir();
    let (public, _, _) = build_pack(dir.path());
    let out = public.parent().expect("dir");
    let raw = std::fs::read_to_string(out.join("meeting-index.html")).expect("the index is written");
    let page = Html::parse_document(&raw);
    let sel = |s: &str| Selector::parse(s).expect("selector");
    assert_eq!(page.select(&sel("html")).next().and_then(|h| h.value().attr("lang")), Some("en-GB"));
    let links: Vec<(String, String)> = page
        .select(&sel("a[href]"))
        .map(|a| (a.value().attr("href").expect("href").to_owned(), a.text().collect::<String>()))
        .collect();
    let href_of = |text: &str| links.iter().find(|(_, t)| t.contains(text)).map(|(h, _)| h.clone());
    // Each public report links to its own page, which exists and is that report.
    for (title, file) in [
        ("Powering Our Future – Programme Update", "powering-our-future.html"),
        ("Highways Capital Programme 2024/25", "highways-capital-programme.html"),
    ] {
        assert_eq!(href_of(title).as_deref(), Some(file), "{title} links to its page: {links:?}");
        let report = std::fs::read_to_string(out.join(file)).expect("the report page is written");
        assert!(report.contains(&format!("<title>{title}</title>")), "{file} is the report");
    }
    // The exempt item is listed, as in the public agenda, without a link or a page of its own.
    assert!(raw.contains("Disposal of Land at Teesdale Business Park") && raw.contains("Schedule 12A"));
    assert!(href_of("Disposal of Land").is_none(), "no link for the exempt item");
    assert!(!out.join("land-disposal.html").exists());
    // The whole pack, and each item's pages in it, are linked: the pages are those the PDF's
    // agenda prints, and there the item starts.
    let pages = pages_of(&public);
    assert_eq!(href_of(&format!("({pages} pages)")).as_deref(), Some("meeting-pack.pdf"), "{links:?}");
    let page_links: Vec<&(String, String)> =
        links.iter().filter(|(h, _)| h.starts_with("meeting-pack.pdf#page=")).collect();
    assert_eq!(page_links.len(), 3, "minutes and two reports: {links:?}");
    let agenda = squash(&page_text(&public, 2));
    for (href, text) in page_links {
        // The range is set with no-break spaces; read as words, it is the PDF agenda's.
        let text = squash(text);
        assert!(agenda.contains(&text), "`{text}` as in the PDF agenda");
        let n: usize = href.rsplit('=').next().and_then(|n| n.parse().ok()).expect("page number");
        assert!(text.contains(&format!("Page {n}")) || text.contains(&format!("Pages {n} ")), "{href} ↔ {text}");
        assert!(page_text(&public, n).to_uppercase().contains("AGENDA ITEM"), "an item starts on page {n}");
    }
}

#[test]
fn a_pack_warns_of_a_report_past_its_templates_page_guide_as_a_build_does() {
    let dir = tempdir();
    let build = cabrep(&["build", "inputs/powering-our-future.yaml", "-f", "docx", "-o", s(dir.path())]);
    let guide = "powering-our-future.yaml:49:3: warning: sections: the report will run to about";
    assert!(stderr(&build).contains(guide), "{}", stderr(&build));
    let out = cabrep(&["pack", "inputs/cabinet-2024-01-18.yaml", "-f", "docx", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out).matches(guide).count(), 1, "{}", stderr(&out));
}

#[test]
fn a_meeting_s_reports_read_at_once_give_the_same_problems_in_the_same_order_at_any_j() {
    // The reports are read and checked -j at a time: two bad reports, a warning and the pack's own
    // problems come out alike, in item order, whether one thread reads them or several.
    let dir = tempdir();
    let m = meeting(dir.path());
    for (file, from, to) in [
        ("land-disposal.yaml", "decision: key", "decision: kye"),
        ("highways-capital-programme.yaml", "decision: key", "decision: yek"),
    ] {
        let p = dir.path().join(file);
        let bad = std::fs::read_to_string(&p).expect("read").replacen(from, to, 1);
        std::fs::write(&p, bad).expect("write");
    }
    let run = |j: &str| {
        let out_dir = dir.path().join(format!("out-{j}"));
        let out = cabrep(&["pack", m.to_str().expect("utf-8"), "-o", out_dir.to_str().expect("utf-8"), "-j", j]);
        assert_eq!(out.status.code(), Some(1), "-j {j}: {}", stderr(&out));
        assert!(!out_dir.exists() || std::fs::read_dir(&out_dir).expect("dir").next().is_none(), "nothing written");
        stderr(&out).replace(&format!("out-{j}"), "out")
    };
    let one = run("1");
    assert!(one.contains("unknown value `kye`") && one.contains("unknown value `yek`"), "{one}");
    let (kye, yek) = (one.find("`kye`").expect("kye"), one.find("`yek`").expect("yek"));
    let (highways, land) = (one.find("report `highways").expect("item"), one.find("report `land").expect("item"));
    assert_eq!(kye < yek, land < highways, "each report's problems in its item's order: {one}");
    for j in ["2", "4"] {
        assert_eq!(run(j), one, "-j {j} against -j 1");
    }
}

#[test]
fn the_part_2_pack_bound_beside_the_public_one_is_what_it_is_bound_after_it() {
    // With one worker the Part 2 pack is bound after the public one; with more, on a thread of its
    // own beside it. Both packs come out the same bytes either way, the Part 2 one for its readers
    // alone, and its exempt report nowhere in the public one.
    let dir = tempdir();
    let m = meeting(dir.path());
    let build = |j: &str| {
        let out_dir = dir.path().join(format!("out-{j}"));
        let args = ["pack", m.to_str().expect("utf-8"), "-o", out_dir.to_str().expect("utf-8"), "-f", "pdf"];
        let out = cabrep(&[&args[..], &["-q", "--no-cache", "-j", j]].concat());
        assert!(out.status.success(), "-j {j}: {}", stderr(&out));
        let read = |name: &str| std::fs::read(out_dir.join(name)).expect(name);
        (read("meeting-pack.pdf"), read("meeting-part2.pdf"), out_dir)
    };
    let (public1, part2_1, _) = build("1");
    let (public2, part2_2, out2) = build("2");
    assert!(public1 == public2, "the public pack differs between -j 1 and -j 2");
    assert!(part2_1 == part2_2, "the Part 2 pack differs between -j 1 and -j 2");
    let part2 = out2.join("meeting-part2.pdf");
    assert!(squash(&pdf_text(&part2)).contains(MARKER), "the exempt report is in the Part 2 pack");
    assert!(!squash(&pdf_text(&out2.join("meeting-pack.pdf"))).contains(MARKER), "nothing exempt in public");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&part2).expect("part 2").permissions().mode();
        assert_eq!(mode & 0o007, 0, "the Part 2 pack is not world-readable: {mode:o}");
    }
}

#[test]
fn a_rebuild_after_an_edit_with_its_part_2_pack_beside_is_the_clean_build_of_the_edited_meeting() {
    // A rebuild from the cache with two workers lays its front sheet out ahead, from the page
    // counts of the last build, while the edited report is typeset; the Part 2 pack, bound beside
    // it, waits until that is done. Both packs are the bytes a clean one-worker build of the
    // edited meeting makes.
    let dir = tempdir();
    let m = meeting(dir.path());
    let build = |out_dir: &Path, extra: &[&str]| {
        let args = ["pack", m.to_str().expect("utf-8"), "-o", out_dir.to_str().expect("utf-8"), "-f", "pdf", "-q"];
        let out = cabrep(&[&args[..], extra].concat());
        assert!(out.status.success(), "{extra:?}: {}", stderr(&out));
        let read = |name: &str| std::fs::read(out_dir.join(name)).expect(name);
        (read("meeting-pack.pdf"), read("meeting-part2.pdf"))
    };
    let cached = dir.path().join("out-cached");
    build(&cached, &["-j", "2"]);
    // A public report and the exempt one edited: both packs are bound again (a Part 2 pack
    // nothing of which changed is left as it is: see the test after this one).
    edit(
        &dir.path().join("powering-our-future.yaml"),
        "title: Powering Our Future",
        "title: Powering Our Future Again",
    );
    edit(&dir.path().join("land-disposal.yaml"), "title: Disposal of Land", "title: Disposal of the Land");
    let (public, part2) = build(&cached, &["-j", "2"]);
    let (clean_public, clean_part2) = build(&dir.path().join("out-clean"), &["-j", "1", "--no-cache"]);
    assert!(public == clean_public, "the rebuilt public pack differs from the clean build's");
    assert!(part2 == clean_part2, "the Part 2 pack bound beside the rebuild differs from the clean build's");
    assert!(squash(&pdf_text(&cached.join("meeting-pack.pdf"))).contains("Powering Our Future Again"));
    assert!(squash(&pdf_text(&cached.join("meeting-part2.pdf"))).contains("Disposal of the Land"));
}

/// Replaces the first `from` in `file` with `to`.
fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).expect("read");
    let edited = text.replacen(from, to, 1);
    assert_ne!(edited, text, "{} was edited", file.display());
    std::fs::write(file, edited).expect("edit");
}

/// Builds the pack of meeting `m` into `out_dir` with the user's cache folder at `cache_home`
/// (where the part cache's seal is kept) and these extra arguments; returns what it said.
fn pack_with_cache_home(m: &Path, out_dir: &Path, cache_home: &Path, extra: &[&str]) -> String {
    let args = ["pack", m.to_str().expect("utf-8"), "-o", out_dir.to_str().expect("utf-8"), "-f", "pdf"];
    let out = cabrep_with_env(&[&args[..], extra].concat(), &[("XDG_CACHE_HOME", cache_home.to_str().expect("utf-8"))]);
    assert!(out.status.success(), "{extra:?}: {}", stderr(&out));
    format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out))
}

/// A meeting with a Part 2 pack: its folder, its file, the user's cache folder to give it (for
/// the seal) and its output folder.
fn part2_meeting() -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let dir = tempdir();
    let m = meeting(dir.path());
    let (home, out_dir) = (dir.path().join("cache-home"), dir.path().join("out"));
    (dir, m, home, out_dir)
}

#[cfg(unix)]
#[test]
fn a_rebuild_in_which_nothing_of_part_2_changed_keeps_the_part_2_pack_and_an_edit_to_it_binds_it_again() {
    use std::os::unix::fs::MetadataExt;
    let (dir, m, home, out_dir) = part2_meeting();
    let part2 = out_dir.join("meeting-part2.pdf");
    let said = pack_with_cache_home(&m, &out_dir, &home, &[]);
    assert!(said.contains("wrote") && said.contains("meeting-part2.pdf"), "{said}");
    let first = std::fs::metadata(&part2).expect("part 2");
    let first_bytes = std::fs::read(&part2).expect("part 2");
    // What vouches for it is a seal in hex: nothing of the exempt material.
    let tag = std::fs::read_to_string(out_dir.join(".cabrep-cache/meeting/last-part2.tag")).expect("tag");
    assert!(tag.len() == 64 && tag.bytes().all(|b| b.is_ascii_hexdigit()), "{tag}");

    // A public report edited: the public pack is bound again, the Part 2 pack left as it is —
    // the same file, the bytes a clean build of the edited meeting makes.
    edit(
        &dir.path().join("powering-our-future.yaml"),
        "title: Powering Our Future",
        "title: Powering Our Future Again",
    );
    let said = pack_with_cache_home(&m, &out_dir, &home, &[]);
    assert!(said.contains("kept") && said.contains("meeting-part2.pdf (nothing in it changed)"), "{said}");
    assert!(!said.lines().any(|l| l.starts_with("wrote") && l.contains("part2")), "{said}");
    let kept = std::fs::metadata(&part2).expect("part 2");
    assert_eq!((kept.ino(), kept.mtime(), kept.mtime_nsec()), (first.ino(), first.mtime(), first.mtime_nsec()));
    let clean = dir.path().join("out-clean");
    pack_with_cache_home(&m, &clean, &home, &["--no-cache"]);
    let clean_part2 = std::fs::read(clean.join("meeting-part2.pdf")).expect("clean part 2");
    assert!(std::fs::read(&part2).expect("part 2") == clean_part2, "the kept Part 2 pack is not the clean build's");
    assert!(squash(&pdf_text(&out_dir.join("meeting-pack.pdf"))).contains("Powering Our Future Again"));

    // The exempt report edited: the Part 2 pack is bound again, as a clean build binds it.
    edit(&dir.path().join("land-disposal.yaml"), "title: Disposal of Land", "title: Disposal of the Land");
    let said = pack_with_cache_home(&m, &out_dir, &home, &[]);
    assert!(said.lines().any(|l| l.starts_with("wrote") && l.contains("meeting-part2.pdf")), "{said}");
    let rebound = std::fs::read(&part2).expect("part 2");
    assert!(rebound != first_bytes, "the Part 2 pack was not bound again");
    let clean = dir.path().join("out-clean-2");
    pack_with_cache_home(&m, &clean, &home, &["--no-cache"]);
    assert!(rebound == std::fs::read(clean.join("meeting-part2.pdf")).expect("clean"), "differs from a clean build");
    assert!(squash(&pdf_text(&part2)).contains("Disposal of the Land"));
}

#[cfg(unix)]
#[test]
fn a_part_2_pack_changed_since_or_readable_by_everyone_or_without_a_seal_is_bound_again() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, m, home, out_dir) = part2_meeting();
    let part2 = out_dir.join("meeting-part2.pdf");
    pack_with_cache_home(&m, &out_dir, &home, &[]);
    let built = std::fs::read(&part2).expect("part 2");
    let wrote_part2 = |said: &str| said.lines().any(|l| l.starts_with("wrote") && l.contains("meeting-part2.pdf"));

    // Changed since it was written (here, a byte added): bound again, as it was.
    let mut changed = built.clone();
    changed.extend_from_slice(b"%\n");
    std::fs::write(&part2, &changed).expect("change");
    assert!(wrote_part2(&pack_with_cache_home(&m, &out_dir, &home, &[])));
    assert!(std::fs::read(&part2).expect("part 2") == built);

    // Made readable by everyone: bound again, and written as a Part 2 pack is (not world-readable).
    std::fs::set_permissions(&part2, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    assert!(wrote_part2(&pack_with_cache_home(&m, &out_dir, &home, &[])));
    let mode = std::fs::metadata(&part2).expect("part 2").permissions().mode() & 0o777;
    assert_eq!(mode & 0o007, 0, "{mode:o}");
    assert!(std::fs::read(&part2).expect("part 2") == built);

    // Left as it is now (nothing changed)...
    assert!(!wrote_part2(&pack_with_cache_home(&m, &out_dir, &home, &[])));
    // ...but never without a seal (a cache folder inside the output folder gives none), and
    // then nothing vouches for it.
    let inside = out_dir.join("cache-home");
    assert!(wrote_part2(&pack_with_cache_home(&m, &out_dir, &inside, &[])));
    assert!(!out_dir.join(".cabrep-cache/meeting/last-part2.tag").exists());
    assert!(wrote_part2(&pack_with_cache_home(&m, &out_dir, &inside, &[])));
    assert!(std::fs::read(&part2).expect("part 2") == built);
}
