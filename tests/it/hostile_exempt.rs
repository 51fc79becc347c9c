//! Exempt material has no third route: the not-for-publication mark is cabrep's own (in the
//! metadata and on every page, whatever the template prints) and is read from the metadata and
//! the pages of every PDF a pack binds or reuses; bound PDFs and pictures are compared by what a
//! reader sees, not by their bytes; and an earlier build's web index does not outlive a report
//! turning exempt. Each test scans every public output (and the part cache) for the exempt text.

use crate::common::*;
use crate::hostile::exempt::{
    add_appendix, assert_no_exempt_material, files_in, meeting, pdf_titled, public_files, APPENDIX_MARKER,
    EXEMPT_MARKERS,
};
use std::path::{Path, PathBuf};

/// Builds the example meeting's packs into `dir/first` and returns the Part 2 pack's path.
fn part2_pack(dir: &Path) -> PathBuf {
    let m = meeting(dir, |t| t);
    let first = dir.join("first");
    let out = cabrep(&["pack", s(&m), "-f", "pdf", "-q", "-o", s(&first)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let part2 = first.join("meeting-part2.pdf");
    assert!(squash(&pdf_text(&part2)).contains("1,234,567"), "the exempt text is in Part 2");
    part2
}

/// Rewrites a PDF with lopdf: `edit` gets the document, the result is saved to `to`.
fn rewrite(from: &Path, to: &Path, edit: impl FnOnce(&mut lopdf::Document)) {
    let mut doc = lopdf::Document::load(from).expect("load the PDF");
    edit(&mut doc);
    doc.save(to).expect("save the PDF");
}

/// Drops the Info dictionary's entry from the trailer.
fn without_info(doc: &mut lopdf::Document) {
    doc.trailer.remove(b"Info");
}

/// Drops the catalogue's XMP metadata.
fn without_xmp(doc: &mut lopdf::Document) {
    let root = doc.trailer.get(b"Root").and_then(lopdf::Object::as_reference).expect("root");
    doc.get_dictionary_mut(root).expect("catalog").remove(b"Metadata");
}

/// Binds `file` as the meeting's item 4 (in place of the minutes), packs into `dir/second` and
/// asserts that the pack is refused at `items[3].file` with `expect`, and that nothing is written.
fn assert_refused_as_item_4(dir: &Path, file: &str, expect: &[&str]) {
    let m = meeting(dir, |t| {
        t.replace("minutes-2023-12-14.pdf", file).replace("Minutes of the meeting held on 14 December 2023", "Papers")
    });
    let out_dir = dir.join("second");
    let out = cabrep(&["pack", s(&m), "-f", "docx,pdf,html", "-o", s(&out_dir)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("meeting.yaml:29:"), "located at the file's line: {err}");
    assert!(
        err.contains(&format!("error: items[3].file: item 4 (Papers), `{file}` is marked not for publication")),
        "{err}"
    );
    for e in expect {
        assert!(err.contains(e), "`{e}` in: {err}");
    }
    assert!(files_in(&out_dir).is_empty(), "nothing written: {:?}", files_in(&out_dir));
}

/// The XMP packet of a PDF, as poppler reads it.
fn xmp(pdf: &Path) -> String {
    poppler("pdfinfo", &["-meta", s(pdf)])
}

#[test]
fn a_part2_pack_with_its_info_dictionary_removed_is_refused_as_a_file_item() {
    let dir = tempdir();
    let part2 = part2_pack(dir.path());
    let papers = dir.path().join("papers.pdf");
    rewrite(&part2, &papers, without_info);
    let info = poppler("pdfinfo", &[s(&papers)]);
    assert!(!info.contains("not-for-publication") && !info.contains("Title:"), "no Info left: {info}");
    assert_refused_as_item_4(dir.path(), "papers.pdf", &["by its XMP metadata and the header or footer of every page"]);
}

#[test]
fn a_pdf_saying_not_for_publication_only_on_its_pages_is_refused() {
    // As a Part 2 pack "printed to PDF" comes out: no metadata, the words on every page.
    let dir = tempdir();
    let part2 = part2_pack(dir.path());
    let printed = dir.path().join("printed.pdf");
    rewrite(&part2, &printed, |d| {
        without_info(d);
        without_xmp(d);
    });
    assert!(!xmp(&printed).contains("not-for-publication"), "no XMP left");
    assert!(!poppler("pdfinfo", &[s(&printed)]).contains("not-for-publication"));
    assert_refused_as_item_4(dir.path(), "printed.pdf", &["(by the header or footer of every page)"]);
}

#[test]
fn a_retitled_part2_pack_without_its_keywords_is_refused() {
    let dir = tempdir();
    let part2 = part2_pack(dir.path());
    let retitled = dir.path().join("retitled.pdf");
    rewrite(&part2, &retitled, |d| {
        let info = d.trailer.get(b"Info").and_then(lopdf::Object::as_reference).expect("Info");
        let info = d.get_dictionary_mut(info).expect("Info dictionary");
        info.set("Title", lopdf::Object::string_literal("Minutes of the meeting"));
        info.remove(b"Keywords");
    });
    let info = poppler("pdfinfo", &[s(&retitled)]);
    assert!(info.contains("Minutes of the meeting") && !info.contains("not-for-publication"), "{info}");
    assert_refused_as_item_4(dir.path(), "retitled.pdf", &["the header or footer of every page"]);
}

#[test]
fn an_exempt_report_built_with_a_layout_that_prints_no_mark_still_carries_it_in_info_xmp_and_on_every_page() {
    let dir = tempdir();
    // A template whose layout writes no keywords and prints no running header.
    let template = dir.path().join("plain");
    std::fs::create_dir(&template).expect("mkdir");
    write(&template, "template.toml", "extends = \"cabinet\"\n");
    let layout = read_text(&root().join("templates/cabinet/report.typ"));
    let layout = layout
        .replace(", keywords: meta.at(\"keywords\", default: ())", "")
        .replace("header: if logo != none or furniture.header != none {", "header: if false {");
    assert!(layout.contains("header: if false {"), "the layout's header is switched off");
    assert!(!layout.contains("keywords"), "the layout names no keywords");
    write(&template, "report.typ", &layout);
    copy_inputs(dir.path(), &["land-disposal.yaml", "highways-capital-programme.yaml"]);
    let out_dir = dir.path().join("out");
    let out = cabrep(&[
        "build",
        s(&dir.path().join("land-disposal.yaml")),
        s(&dir.path().join("highways-capital-programme.yaml")),
        "--template",
        s(&template),
        "-f",
        "pdf",
        "-q",
        "-o",
        s(&out_dir),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = out_dir.join("land-disposal.pdf");
    let info = poppler("pdfinfo", &[s(&pdf)]);
    assert!(
        info.lines().any(|l| l.starts_with("Keywords:") && l.contains("cabrep:not-for-publication")),
        "Info keywords: {info}"
    );
    let meta = xmp(&pdf);
    assert!(meta.contains("<pdf:Keywords>cabrep:not-for-publication</pdf:Keywords>"), "XMP pdf:Keywords: {meta}");
    assert!(meta.contains("<rdf:li>cabrep:not-for-publication</rdf:li>"), "XMP dc:subject: {meta}");
    let pages: usize =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("page count");
    assert!(pages >= 2, "{info}");
    for page in 1..=pages {
        let p = page.to_string();
        let text = poppler("pdftotext", &["-f", &p, "-l", &p, s(&pdf), "-"]);
        assert_eq!(text.matches("NOT FOR PUBLICATION").count(), 1, "page {page}, stamped once: {text}");
    }
    // The stamp is furniture: on every page, the furniture form is drawn inside an artifact.
    let stamped = pikepdf_script(
        r#"
import sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
for page in pdf.pages:
    artifact, n = 0, 0
    for operands, op in pikepdf.parse_content_stream(page):
        if str(op) in ("BMC", "BDC") and operands and str(operands[0]) == "/Artifact":
            artifact += 1
        elif str(op) == "EMC" and artifact:
            artifact -= 1
        elif str(op) == "Do" and str(operands[0]) == "/CabrepFurniture" and artifact:
            n += 1
    print(n)
"#,
        &pdf,
    );
    // A page whose own text already says it in its header band (the exempt report's first page
    // does, in its body's opening lines) is not stamped again; every other page is, once.
    let stamps: Vec<&str> = stamped.split_whitespace().collect();
    assert_eq!(stamps.len(), pages, "{stamped}");
    assert!(stamps.iter().all(|n| *n == "0" || *n == "1"), "at most one stamp a page: {stamps:?}");
    assert!(stamps[1..].iter().all(|n| *n == "1"), "the pages after the first carry the stamp: {stamps:?}");
    // The public report built with the same layout is not marked.
    let public = out_dir.join("highways-capital-programme.pdf");
    assert!(!poppler("pdfinfo", &[s(&public)]).contains("not-for-publication"));
    assert!(!pdf_text(&public).contains("NOT FOR PUBLICATION"));
    // And the marked report is refused when bound into a pack.
    std::fs::copy(&pdf, dir.path().join("annex.pdf")).expect("copy");
    assert_refused_as_item_4(dir.path(), "annex.pdf", &["by its document properties, its XMP metadata"]);
}

#[test]
fn a_part2_pack_planted_in_the_part_cache_is_not_bound_into_the_public_pack() {
    let dir = tempdir();
    let part2 = std::fs::read(part2_pack(dir.path())).expect("part 2");
    let m = meeting(dir.path(), |t| t);
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&m), "-f", "pdf", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cache = out_dir.join(".cabrep-cache");
    let entries: Vec<PathBuf> =
        files_in(&cache).into_iter().filter(|p| p.extension().is_some_and(|e| e == "part")).collect();
    assert!(!entries.is_empty(), "the public parts are cached");
    // Every entry replaced by the Part 2 pack in a sound entry of its own key: its first line
    // names the key and the sum of what follows, its second keeps the facts the entry had, so
    // only reading the planted PDF's marks can refuse it.
    // Half of them carry a seal, made with no secret cabrep keeps: such an entry is not sealed,
    // and is read page by page like any other.
    use sha2::Digest;
    for (i, e) in entries.iter().enumerate() {
        let key = e.file_stem().expect("a key").to_string_lossy().into_owned();
        let entry = std::fs::read(e).expect("entry");
        let mut lines = entry.splitn(3, |&b| b == b'\n');
        let head = String::from_utf8(lines.next().expect("a first line").to_vec()).expect("utf-8");
        assert!(head.starts_with(&format!("cabrep-part {key} ")), "{head}");
        let mut body = lines.next().expect("the facts line").to_vec();
        body.push(b'\n');
        body.extend_from_slice(&part2);
        let sum: String = sha2::Sha256::digest(&body).iter().map(|b| format!("{b:02x}")).collect();
        let seal = if i % 2 == 0 { format!(" {}", "5e".repeat(32)) } else { String::new() };
        let mut planted = format!("cabrep-part {key} {sum}{seal}\n").into_bytes();
        planted.extend_from_slice(&body);
        std::fs::write(e, planted).expect("plant");
    }
    let out = cabrep(&["pack", s(&m), "-f", "docx,pdf,html", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = squash(&pdf_text(&out_dir.join("meeting-pack.pdf")));
    assert!(text.contains("Highways Capital Programme 2024/25"), "the public reports were typeset again");
    assert!(!text.contains("NOT FOR PUBLICATION"), "{text}");
    assert_no_exempt_material(&public_files(&out_dir), EXEMPT_MARKERS);
    // The planted entries are gone, and the parts typeset again in their place are kept: the
    // cache holds the public parts once more, none of them the Part 2 pack.
    let again: Vec<PathBuf> =
        files_in(&cache).into_iter().filter(|p| p.extension().is_some_and(|e| e == "part")).collect();
    assert_eq!(again.len(), entries.len(), "{again:?}");
    for e in &again {
        let entry = std::fs::read(e).expect("entry");
        assert!(!entry.windows(part2.len().min(4096)).any(|w| w == &part2[..part2.len().min(4096)]), "{}", e.display());
    }
}

/// A meeting whose exempt report has `valuation.pdf` as its appendix and whose public highways
/// report has `site-plan.pdf` as its own; returns the meeting file.
fn appendix_copied(dir: &Path, site_plan: impl FnOnce(&Path, &Path)) -> PathBuf {
    let valuation = pdf_titled(dir, "valuation", APPENDIX_MARKER);
    site_plan(&valuation, &dir.join("site-plan.pdf"));
    assert_ne!(
        std::fs::read(&valuation).expect("valuation"),
        std::fs::read(dir.join("site-plan.pdf")).expect("site plan"),
        "the copy differs in its bytes"
    );
    let m = meeting(dir, |t| t);
    add_appendix(dir, "land-disposal.yaml", "Valuation Report", "valuation.pdf");
    add_appendix(dir, "highways-capital-programme.yaml", "Site Plan", "site-plan.pdf");
    m
}

/// Packs `m` and asserts that it is refused as a copy of the exempt appendix, naming both items.
fn assert_refused_as_a_copy(dir: &Path, m: &Path) {
    let out_dir = dir.join("out");
    let out = cabrep(&["pack", s(m), "-f", "docx,pdf,html", "-o", s(&out_dir)]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("meeting.yaml:31:")
            && err.contains("error: items[5]: appendix 1 of item 6 (Highways Capital Programme 2024/25), `site-plan.pdf` is a copy of appendix 1 of item 8 (Disposal of Land at Teesdale Business Park), `valuation.pdf`, which is exempt: its page 1 has the same text as page 1 of that file"),
        "{err}"
    );
    assert!(files_in(&out_dir).is_empty(), "nothing written: {:?}", files_in(&out_dir));
}

#[test]
fn an_exempt_appendix_with_one_byte_appended_is_refused_as_a_public_appendix() {
    let dir = tempdir();
    let m = appendix_copied(dir.path(), |from, to| {
        let mut bytes = std::fs::read(from).expect("read");
        bytes.push(b'\n');
        std::fs::write(to, bytes).expect("write");
    });
    assert_refused_as_a_copy(dir.path(), &m);
}

#[test]
fn an_exempt_appendix_resaved_by_qpdf_is_refused_as_a_public_appendix() {
    let dir = tempdir();
    let m = appendix_copied(dir.path(), |from, to| {
        let st = std::process::Command::new("qpdf")
            .args(["--object-streams=generate", "--compress-streams=y", "--recompress-flate"])
            .arg(from)
            .arg(to)
            .status()
            .expect("qpdf is required");
        assert!(st.code().is_some_and(|c| c == 0 || c == 3), "qpdf");
    });
    assert_refused_as_a_copy(dir.path(), &m);
}

/// The same pixels encoded again with other settings (no filter, fast compression): other bytes,
/// even once the metadata is taken out.
fn encoded_again(img: &image::RgbImage) -> Vec<u8> {
    use image::ImageEncoder as _;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::NoFilter,
    )
    .write_image(img.as_raw(), img.width(), img.height(), image::ExtendedColorType::Rgb8)
    .expect("encode");
    out
}

#[test]
fn a_public_report_showing_the_exempt_reports_picture_is_refused_naming_both_items() {
    for resaved in [false, true] {
        let dir = tempdir();
        let m = meeting(dir.path(), |t| t);
        let site = image::RgbImage::from_fn(300, 200, |x, y| image::Rgb([(x % 200) as u8, (y % 150) as u8, 90]));
        site.save(dir.path().join("site.png")).expect("site.png");
        let png = std::fs::read(dir.path().join("site.png")).expect("png");
        let public_png = if resaved { encoded_again(&site) } else { png.clone() };
        assert_eq!(public_png != png, resaved);
        std::fs::write(dir.path().join("plan.png"), &public_png).expect("plan.png");
        for (report, file) in [("land-disposal.yaml", "site.png"), ("highways-capital-programme.yaml", "plan.png")] {
            let p = dir.path().join(report);
            let src = read_text(&p).replacen("\nsummary: |\n", &format!("\nsummary: |\n  ![The site]({file})\n\n"), 1);
            std::fs::write(&p, src).expect("write");
        }
        let out_dir = dir.path().join("out");
        let out = cabrep(&["pack", s(&m), "-f", "docx,pdf,html", "-o", s(&out_dir)]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        let how = if resaved { "the same picture, saved again" } else { "the same file" };
        assert!(
            err.contains("meeting.yaml:31:")
                && err.contains(&format!("error: items[5]: item 6 (Highways Capital Programme 2024/25) shows the picture `plan.png`, which exempt item 8 (Disposal of Land at Teesdale Business Park) shows as `site.png` ({how})")),
            "{err}"
        );
        assert!(files_in(&out_dir).is_empty(), "nothing written: {:?}", files_in(&out_dir));
        // Another picture in the public report is fine, and the exempt one stays in Part 2.
        image::RgbImage::from_pixel(300, 200, image::Rgb([10, 120, 40]))
            .save(dir.path().join("plan.png"))
            .expect("png");
        let out = cabrep(&["pack", s(&m), "-f", "docx,pdf,html", "-q", "-o", s(&out_dir)]);
        assert!(out.status.success(), "{}", stderr(&out));
        let page = read_text(&out_dir.join("highways-capital-programme.html"));
        use base64::Engine as _;
        let inline = base64::engine::general_purpose::STANDARD.encode(&png);
        assert!(!page.contains(&inline[..200]), "the exempt picture is not on the public page");
        assert_no_exempt_material(&public_files(&out_dir), EXEMPT_MARKERS);
    }
}

#[test]
fn an_earlier_index_is_removed_when_a_report_turns_exempt_and_the_pack_is_rebuilt_without_html() {
    let dir = tempdir();
    let m = meeting(dir.path(), |t| t);
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&m), "-f", "pdf,html", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let index = out_dir.join("meeting-index.html");
    assert!(read_text(&index).contains("href=\"highways-capital-programme.html\""), "the index links the page");
    let p = dir.path().join("highways-capital-programme.yaml");
    let src = read_text(&p).replacen(
        "\nsummary: |\n",
        "\nexempt:\n  paragraphs: [3]\n  reason: Commercially sensitive tender prices\n\nsummary: |\n  The lowest tender was from Quixby Surfacing Ltd.\n\n",
        1,
    );
    std::fs::write(&p, src).expect("write");
    let out = cabrep(&["pack", s(&m), "-f", "pdf", "-o", s(&out_dir)]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(!index.exists(), "the old index is gone: {:?}", files_in(&out_dir));
    assert!(err.contains(&format!("removed {}: the pack's index of an earlier build", index.display())), "said: {err}");
    let mut markers = EXEMPT_MARKERS.to_vec();
    markers.extend(["Quixby", "highways-capital-programme.html"]);
    assert_no_exempt_material(&public_files(&out_dir), &markers);
}
