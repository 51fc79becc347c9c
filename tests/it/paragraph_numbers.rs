//! Numbered paragraphs (the template's `[paper] paragraph_numbers = "section"`) and paragraph
//! cross-references (`{#id}` at a paragraph's end, `[paragraph](#id)` anywhere), read back from
//! every format with independent readers: pdftotext for the PDF, the DOCX's own XML (its
//! numbering definitions, checked against the OOXML schemas) and LibreOffice's text export of
//! it (Word numbering is counted by the reader, not stored as text), and the HTML.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use crate::markdown::assert_valid_part;

const INPUT: &str = "tests/paragraph_numbers/report.yaml";
const NUMBERED: &str = "tests/paragraph_numbers/numbered";
const LETTERED: &str = "tests/paragraph_numbers/lettered";

/// Builds `input` with the template folder `template` into a fresh folder, in every format.
fn build(input: &Path, template: &str) -> tempfile::TempDir {
    let dir = tempdir();
    let template = root().join(template);
    let out = cabrep(&["build", s(input), "-f", "html,docx,pdf,tree", "-o", s(dir.path()), "--template", s(&template)]);
    assert!(out.status.success(), "{}", stderr(&out));
    dir
}

/// The one output of `dir` ending in `ext`.
fn output(dir: &Path, ext: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read outputs")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    assert_eq!(found.len(), 1, "one .{ext} in {found:?}");
    found[0].clone()
}

/// The report with `from` replaced by `to`, written into `dir`.
fn variant(dir: &Path, from: &str, to: &str) -> PathBuf {
    let text = read_text(&root().join(INPUT));
    assert!(text.contains(from), "the fixture holds {from:?}");
    write(dir, "report.yaml", &text.replacen(from, to, 1))
}

/// The text of a PDF in the order its content stream gives it (as assistive technology reads
/// it; a number printed to the left of its text is not read as a column of its own).
pub(crate) fn pdf_raw_text(pdf: &Path) -> String {
    poppler("pdftotext", &["-raw", s(pdf), "-"])
}

/// LibreOffice's plain-text export of a DOCX: list numbers as Word would count them.
pub(crate) fn libreoffice_text(docx: &Path) -> String {
    let dir = tempdir();
    let profile = dir.path().join("lo-profile");
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir"])
        .arg(dir.path())
        .arg(docx)
        .output()
        .expect("soffice (LibreOffice) is required for this test");
    assert!(out.status.success(), "soffice: {}", String::from_utf8_lossy(&out.stderr));
    let stem = docx.file_stem().expect("stem").to_string_lossy().into_owned();
    read_text(&dir.path().join(format!("{stem}.txt")))
}

#[test]
fn numbered_paragraphs_and_a_paragraph_reference_print_in_every_format() {
    let dir = build(&root().join(INPUT), NUMBERED);

    let pdf = squash(&pdf_raw_text(&output(dir.path(), "pdf")));
    assert_in_order(
        &pdf,
        &[
            "paragraph 2.2, and the options at 2.2.2",
            "1.1 Alpha paragraph",
            "1.2 Bravo paragraph",
            "2.1 Charlie paragraph",
            "2.2 Delta paragraph says the costs rise.",
            "2.2.1 Echo sub-paragraph",
            "2.2.2 Foxtrot sub-paragraph.",
            "2.3 Golf paragraph closes the section, after paragraph 2.2.",
        ],
    );
    assert!(!pdf.contains("{#"), "the label is not printed: {pdf}");

    let html = read_text(&output(dir.path(), "html"));
    assert!(
        html.contains(r#"<p class="numbered level-1" id="costs-rise"><span class="paranum">2.2</span> Delta"#),
        "{html}"
    );
    assert!(html.contains(r#"<p class="numbered level-2" id="choices"><span class="paranum">2.2.2</span> Foxtrot"#));
    assert!(html.contains("<a href=\"#costs-rise\">paragraph\u{a0}2.2</a>"), "the reference links to it");
    assert!(html.contains(".paranum"), "the page carries the numbers' style");

    let docx = output(dir.path(), "docx");
    let numbering = docx_part(&docx, "word/numbering.xml");
    for level_text in ["1.%1", "1.%1.%2", "2.%1", "2.%1.%2"] {
        assert!(numbering.contains(&format!("<w:lvlText w:val=\"{level_text}\"")), "{level_text}: {numbering}");
    }
    let document = docx_part(&docx, "word/document.xml");
    assert_eq!(document.matches("<w:numPr>").count() - ordered_lists_elsewhere(&document), 7, "seven numbered");
    assert!(document.contains("w:name=\"costs_rise\""), "a bookmark on the paragraph");
    assert!(document.contains("w:anchor=\"costs_rise\""), "a link to it");
    assert!(!docx_text(&document).contains("{#"), "the label is not printed");
    assert_valid_part(&docx, "word/document.xml");
    assert_valid_part(&docx, "word/numbering.xml");

    // Word's numbers are counted by the reader: LibreOffice prints them as Word would.
    let text = squash(&libreoffice_text(&docx));
    assert_in_order(
        &text,
        &["1.1 Alpha", "1.2 Bravo", "2.1 Charlie", "2.2 Delta", "2.2.1 Echo", "2.2.2 Foxtrot", "2.3 Golf"],
    );
}

/// `w:numPr` of the recommendations' ordered list (the only other numbering in the fixture).
fn ordered_lists_elsewhere(document: &str) -> usize {
    let recommendations = document.find("RECOMMENDATIONS").expect("recommendations");
    let sections = document.find(">Background<").expect("first section's heading");
    document[recommendations..sections].matches("<w:numPr>").count()
}

#[test]
fn a_paragraph_added_before_another_shifts_its_number_and_the_references_to_it() {
    let dir = tempdir();
    let input =
        variant(dir.path(), "      Delta paragraph", "      Inserted paragraph comes first.\n\n      Delta paragraph");
    let out = build(&input, NUMBERED);
    let pdf = squash(&pdf_raw_text(&output(out.path(), "pdf")));
    assert_in_order(
        &pdf,
        &[
            "paragraph 2.3, and the options at 2.3.2",
            "2.2 Inserted paragraph",
            "2.3 Delta paragraph",
            "2.3.1 Echo",
            "2.4 Golf paragraph closes the section, after paragraph 2.3.",
        ],
    );
    let html = read_text(&output(out.path(), "html"));
    assert!(html.contains("<a href=\"#costs-rise\">paragraph\u{a0}2.3</a>"), "{html}");
}

#[test]
fn lettered_sub_paragraphs_print_as_letters_in_every_format() {
    let dir = build(&root().join(INPUT), LETTERED);
    let pdf = squash(&pdf_raw_text(&output(dir.path(), "pdf")));
    assert_in_order(&pdf, &["options at (b)", "2.2 Delta", "(a) Echo", "(b) Foxtrot", "2.3 Golf"]);
    let docx = output(dir.path(), "docx");
    let numbering = docx_part(&docx, "word/numbering.xml");
    assert!(numbering.contains("<w:lvlText w:val=\"(%2)\""), "{numbering}");
    assert!(numbering.contains("<w:numFmt w:val=\"lowerLetter\""), "{numbering}");
    assert_valid_part(&docx, "word/numbering.xml");
    let text = squash(&libreoffice_text(&docx));
    assert_in_order(&text, &["2.2 Delta", "(a) Echo", "(b) Foxtrot", "2.3 Golf"]);
    let html = read_text(&output(dir.path(), "html"));
    assert!(html.contains(r#"<span class="paranum">(a)</span> Echo"#), "{html}");
}

#[test]
fn an_unknown_paragraph_id_is_a_located_error_with_a_suggestion() {
    let dir = tempdir();
    let input =
        variant(dir.path(), "closes the section, after [paragraph](#costs-rise)", "after [paragraph](#costs-rose)");
    let out_dir = dir.path().join("out");
    let template = root().join(NUMBERED);
    let out = cabrep(&["build", s(&input), "-f", "html,docx,pdf", "-o", s(&out_dir), "--template", s(&template)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let line = read_text(&input).lines().position(|l| l.contains("#costs-rose")).expect("line") + 1;
    assert!(err.contains(&format!("report.yaml:{line}:")), "located at its line: {err}");
    assert!(err.contains("unknown cross-reference `#costs-rose`"), "{err}");
    assert!(err.contains("did you mean `#costs-rise`?"), "{err}");
    assert!(files_in(&out_dir).is_empty(), "no output");
}

#[test]
fn a_paragraph_label_used_twice_is_a_located_error() {
    let dir = tempdir();
    let input =
        variant(dir.path(), "Charlie paragraph opens the costs.", "Charlie paragraph opens the costs. {#choices}");
    let template = root().join(NUMBERED);
    let out = cabrep(&["check", s(&input), "--template", s(&template)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("the paragraph label `{#choices}` is used twice"), "{err}");
    let line = read_text(&input).lines().position(|l| l.contains("Charlie")).expect("line") + 1;
    assert!(err.contains(&format!("report.yaml:{line}:")), "located at its line: {err}");
}

#[test]
fn without_the_template_option_no_paragraph_is_numbered() {
    let dir = tempdir();
    // The cabinet template: no numbers, and a reference to a label is not a paragraph's.
    let input = variant(
        dir.path(),
        "The costs are set out at [paragraph](#costs-rise), and the options at [](#choices).",
        "The costs.",
    );
    let input = {
        let text = read_text(&input)
            .replace("at [paragraph](#costs-rise)", "here")
            .replace(", after [paragraph](#costs-rise)", "");
        write(dir.path(), "report.yaml", &text)
    };
    let out_dir = dir.path().join("out");
    let out = cabrep(&["build", s(&input), "-f", "tree,html", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tree = read_text(&output(&out_dir, "json"));
    assert!(!tree.contains("\"numbered\""), "{tree}");
    let html = read_text(&output(&out_dir, "html"));
    assert!(!html.contains("paranum"));
    // Nothing an author wrote is dropped: the label stays as typed.
    assert!(html.contains("{#costs-rise}"), "{html}");
}

/// The Highland Council's report (a published paper with numbered paragraphs), reproduced with
/// its template folder alone; it stands in that folder and names it (`template: .`).
const HIGHLAND: &str = "templates/highland/example-covid-ward-funds.yaml";

#[test]
fn the_highland_report_prints_its_numbered_paragraphs_and_its_council_in_every_format() {
    let dir = tempdir();
    let out = cabrep(&["build", HIGHLAND, "-f", "html,docx,pdf", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let check = cabrep(&["check", HIGHLAND, "--deny-warnings"]);
    assert!(check.status.success(), "check agrees with the example: {}", stderr(&check));

    let pdf_file = output(dir.path(), "pdf");
    let info = poppler("pdfinfo", &[s(&pdf_file)]);
    assert!(info.lines().any(|l| l.starts_with("Author:") && l.ends_with("The Highland Council")), "{info}");
    let pdf = squash(&pdf_raw_text(&pdf_file));
    let expected = [
        "1. Purpose/Executive Summary",
        "1.1 This report includes proposals",
        "1.2 The report includes proposals for equalising",
        "1.3 The report also highlights",
        "2. Recommendations",
        "2.1 Members are asked to NOTE:",
        "i. the decision made at Council on 1.10.20",
        "ii. the options for the play park backlog set out at paragraph 1.3.",
        "2.2 Members are asked to AGREE",
    ];
    assert_in_order(&pdf, &expected);

    let docx = output(dir.path(), "docx");
    assert!(docx_part(&docx, "docProps/core.xml").contains(">The Highland Council</dc:creator>"));
    let numbering = docx_part(&docx, "word/numbering.xml");
    assert!(numbering.contains("<w:numFmt w:val=\"lowerRoman\""), "{numbering}");
    assert_valid_part(&docx, "word/document.xml");
    assert_valid_part(&docx, "word/numbering.xml");
    let text = squash(&libreoffice_text(&docx));
    assert_in_order(
        &text,
        &["1.1 This report", "1.3 The report also", "2.1 Members", "i. the decision", "ii. the options", "2.2 Members"],
    );

    let html = read_text(&output(dir.path(), "html"));
    assert!(html.contains("<meta name=\"author\" content=\"The Highland Council\">"), "{html}");
    assert!(html.contains("<a href=\"#play-park-backlog\">paragraph\u{a0}1.3</a>"), "{html}");
}
