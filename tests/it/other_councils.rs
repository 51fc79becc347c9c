//! A third council's paper, written with a template folder and a paper only: the Merton cabinet
//! report (a block of capitalised labels, "That Cabinet …" recommendations, numbered paragraphs
//! with lettered sub-paragraphs), read back in every format.
use std::path::{Path, PathBuf};

use crate::common::*;
use crate::markdown::assert_valid_part;
use crate::paragraph_numbers::{libreoffice_text, pdf_raw_text};

const MERTON: &str = "templates/merton/example-school-meals.yaml";

fn built(dir: &Path, ext: &str) -> PathBuf {
    dir.join(format!("example-school-meals.{ext}"))
}

#[test]
fn the_merton_report_prints_its_front_block_recommendations_and_numbered_paragraphs_in_every_format() {
    let dir = tempdir();
    let out = cabrep(&["build", MERTON, "-f", "html,docx,pdf", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let check = cabrep(&["check", MERTON, "--deny-warnings"]);
    assert!(check.status.success(), "check agrees with the example: {}", stderr(&check));

    let expected = [
        "Agenda Item 7",
        "CABINET",
        "30 October 2006",
        "SUBJECT: School Meals Contract Tendering",
        "LEAD OFFICER: Dave Hill",
        "LEAD MEMBER: Councillor Oonagh Moulton",
        "KEY DECISION REFERENCE NUMBER: 370",
        "RECOMMENDATIONS:",
        "That Cabinet approves the tendering of a single School Meals contract",
        "That Cabinet notes the timetable",
        "1. EXECUTIVE SUMMARY AND PURPOSE OF REPORT",
        "1.1 The current contract",
        "1.2 The report seeks approval to tender",
        "1.3 Attached at appendix 1",
        "2. DETAILS",
        "2.1 The re-let of this contract",
        "2.2 In the past 18 months",
        "described in paragraph 1.1 began:",
        "(a) menus from the",
        "(b) since September 2006",
    ];

    let pdf = built(dir.path(), "pdf");
    let info = poppler("pdfinfo", &[s(&pdf)]);
    assert!(info.lines().any(|l| l.starts_with("Author:") && l.ends_with("London Borough of Merton")), "{info}");
    assert_in_order(&squash(&pdf_raw_text(&pdf)), &expected);

    let docx = built(dir.path(), "docx");
    assert!(docx_part(&docx, "docProps/core.xml").contains(">London Borough of Merton</dc:creator>"));
    assert_valid_part(&docx, "word/document.xml");
    assert_valid_part(&docx, "word/numbering.xml");
    let text = squash(&libreoffice_text(&docx));
    assert_in_order(&text, &expected);

    let html = read_text(&built(dir.path(), "html"));
    assert!(html.contains("<meta name=\"author\" content=\"London Borough of Merton\">"), "{html}");
    let words = squash(&html_text(&html));
    assert_in_order(&words, &expected);
}

#[test]
fn a_merton_front_block_field_the_template_lacks_is_a_located_error_with_a_suggestion() {
    let dir = tempdir();
    let folder = dir.path().join("merton");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::copy(root().join("templates/merton/template.toml"), folder.join("template.toml")).expect("copy");
    let text = read_text(&root().join(MERTON)).replace("  lead_member:", "  lead_membre:");
    let paper = write(&folder, "paper.yaml", &text);
    let out = cabrep(&["check", s(&paper)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    let line = text.lines().position(|l| l.starts_with("  lead_membre:")).expect("line") + 1;
    assert!(err.contains(&format!("paper.yaml:{line}:")), "{err}");
    assert!(err.contains("lead_member"), "a did-you-mean naming the template's key: {err}");
}

/// The text of an HTML page: tags dropped, entities of the page's text decoded.
fn html_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&quot;", "\"").replace("&#39;", "'").replace('\u{a0}', " ")
}

#[test]
fn the_other_councils_papers_pass_pdf_ua_axe_and_the_ooxml_schemas() {
    let dir = tempdir();
    let examples = [
        "templates/harrow/example.yaml",
        "templates/highland/example-covid-ward-funds.yaml",
        "templates/merton/example-school-meals.yaml",
    ];
    let mut pdfs = Vec::new();
    let mut pages = Vec::new();
    for (n, example) in examples.iter().enumerate() {
        let out_dir = dir.path().join(n.to_string());
        let out = cabrep(&["build", example, "-f", "html,docx,pdf", "-q", "-o", s(&out_dir)]);
        assert!(out.status.success(), "{example}: {}", stderr(&out));
        let stem = Path::new(example).file_stem().expect("stem").to_string_lossy().into_owned();
        pdfs.push(out_dir.join(format!("{stem}.pdf")));
        pages.push(out_dir.join(format!("{stem}.html")));
        let docx = out_dir.join(format!("{stem}.docx"));
        assert_valid_part(&docx, "word/document.xml");
        assert_valid_part(&docx, "word/styles.xml");
    }
    let (passed, report) = crate::audit::verapdf(&pdfs);
    assert!(passed, "veraPDF PDF/UA-1: {report}");
    let (clean, found) = crate::html::axe(&pages);
    assert!(clean, "axe-core: {found}");
}

#[test]
fn a_template_that_words_no_recommendations_lead_prints_no_empty_paragraph_before_the_list() {
    let dir = tempdir();
    let out = cabrep(&["build", MERTON, "-f", "tree", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tree: serde_json::Value =
        serde_json::from_str(&read_text(&dir.path().join("example-school-meals.tree.json"))).expect("tree JSON");
    let blocks = tree["blocks"].as_array().expect("blocks");
    let heading =
        blocks.iter().position(|b| b.to_string().contains("RECOMMENDATIONS:")).expect("the recommendations heading");
    let next = &blocks[heading + 1];
    assert!(next.to_string().contains("That Cabinet approves"), "the list follows its heading: {next}");
}
