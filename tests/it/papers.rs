//! Papers of several bodies: a template defines its paper's parts (`[paper]`), a paper names its
//! template, and the shipped Health and Wellbeing Board discussion paper reproduces the seed
//! paper. Outputs are read back with pdftotext and the DOCX's XML.

use crate::common::*;
use std::path::Path;

const HWB: &str = "inputs/hwb-mission-led-approach.yaml";

/// The seed discussion paper, as extracted from its published PDF (`tests/seeds/`).
fn seed() -> String {
    read_text(&root().join("tests/seeds/hwb-discussion-paper.txt"))
}

/// Text for comparing a seed with an output: no white space, hyphens, bold markers or
/// footnote numbers, so line breaks, hyphenation and list markers do not count.
fn comparable(s: &str) -> String {
    nospace(s).chars().filter(|c| !matches!(c, '-' | '*' | '¹' | '•' | '–')).collect()
}

fn build(dir: &Path, input: &str, formats: &str) -> std::process::Output {
    cabrep(&["build", input, "-f", formats, "-q", "-o", s(dir)])
}

#[test]
fn the_hwb_example_reproduces_the_seed_paper_section_by_section() {
    let dir = tempdir();
    let out = build(dir.path(), HWB, "pdf,docx");
    assert!(out.status.success(), "{}", stderr(&out));
    // The page footers ("Page 2 of 10") stand between a page's last line and the next page's first.
    let pdf_lines: Vec<String> = pdf_text(&dir.path().join("hwb-mission-led-approach.pdf"))
        .lines()
        .filter(|l| !(l.starts_with("Page ") && l.contains(" of ")))
        .map(str::to_owned)
        .collect();
    let pdf = comparable(&pdf_lines.join("\n"));
    let docx =
        comparable(&docx_text(&docx_part(&dir.path().join("hwb-mission-led-approach.docx"), "word/document.xml")));
    let seed = seed();
    // Each line of the seed (table rows and the footnote aside: a table's cells are read across,
    // and the footnote stands at the foot of its page) appears in the outputs, in the seed's order.
    let mut lines = 0;
    for (name, text) in [("PDF", &pdf), ("DOCX", &docx)] {
        let mut from = 0;
        for line in seed.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if line.contains('\t') || line.starts_with('¹') || seed_only(line) {
                continue;
            }
            // A footnote's mark is a digit in the PDF's text, and no text at all in the DOCX's;
            // a numbered list's numbers are the DOCX's numbering, not its text.
            let unnumbered = line.split_once(". ").filter(|(n, _)| n.parse::<u32>().is_ok()).map_or(line, |(_, r)| r);
            let wants = [comparable(&line.replace('¹', "1")), comparable(line), comparable(unnumbered)];
            match wants.iter().find_map(|w| text[from..].find(w.as_str()).map(|i| i + w.len())) {
                Some(end) => from += end,
                None => panic!("{name}: the seed's line is missing or out of order:\n  {line}"),
            }
            lines += 1;
        }
    }
    assert!(lines > 2 * 100, "compared {lines} lines");
}

/// Seed lines that are not the paper's words: the table's first row of a cut-off cell, the
/// sign-off date in another date style.
fn seed_only(line: &str) -> bool {
    line == "03 January 2025" || line.starts_with("Lifecourse")
}

#[test]
fn the_hwb_paper_numbers_sub_sections_to_three_levels_and_recommendations_across_the_paper() {
    let dir = tempdir();
    let out = build(dir.path(), HWB, "pdf");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = squash(&pdf_text(&dir.path().join("hwb-mission-led-approach.pdf")));
    assert_in_order(
        &text,
        &[
            "HEALTH & WELLBEING BOARD",
            "Health and Wellbeing Strategy: Mission-led Approach",
            "Discussion Paper",
            "2024 - 2030",
            "January 2025",
            "1. Mission-led Approach",
            "2. Key Areas of Difference in the Mission-Led Approach",
            "2.1 System Leadership",
            "2.1.1 Defining System Leadership",
            "2.1.2 Recommendations (expanded from the HWB Strategy)",
            "1. We will identify System Leaders",
            "2. We will develop a model of support",
            "3. We will create a regular facilitated space",
            "2.2 Mission-level Governance",
            "2.2.1 Principles",
            "2.2.2 Recommendations",
            "4. We will develop mission-level governance",
            "5. We will connect our mission-led approach",
            "2.3 Engaging Communities",
            "2.3.1 Recommendations",
            "6. We will develop a model of mission-level community engagement",
            "2.4 Developing our Learning Approach",
            "7. We will develop our learning approach",
            "2.5 Delivery through the Policy Frameworks and Powers",
            "8. We will work with both Councils",
            "9. We will consider how we can better use",
            "3. Live Well South Tees Health and Wellbeing Board",
            "Mark Adams",
            "Director of Public Health for Middlesbrough and Redcar & Cleveland",
            "3 January 2025",
        ],
    );
}

#[test]
fn the_hwb_paper_prints_no_part_of_a_cabinet_report() {
    let dir = tempdir();
    let out = build(dir.path(), HWB, "pdf,docx,html");
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = pdf_text(&dir.path().join("hwb-mission-led-approach.pdf"));
    let docx = docx_text(&docx_part(&dir.path().join("hwb-mission-led-approach.docx"), "word/document.xml"));
    let html = read_text(&dir.path().join("hwb-mission-led-approach.html"));
    for text in [&pdf, &docx, &html] {
        for cabinet in [
            "AGENDA ITEM",
            "REPORT TO",
            "Portfolio",
            "SUMMARY",
            "REASONS FOR RECOMMENDATION",
            "IMPLICATIONS",
            "RISK ASSESSMENT",
            "WARDS AFFECTED",
            "BACKGROUND PAPERS",
            "Name of Contact Officer",
            "Not stated",
        ] {
            assert!(!text.contains(cabinet), "`{cabinet}` printed in a discussion paper");
        }
    }
}

#[test]
fn a_field_the_template_has_no_part_for_is_an_error_naming_the_template_at_its_line() {
    let dir = tempdir();
    let text = read_text(&root().join(HWB))
        .replace("sign_off:\n", "portfolio:\n  title: Health\n  holder: Councillor A\nsign_off:\n");
    let paper = write(dir.path(), "paper.yaml", &text);
    let line = text.lines().position(|l| l.starts_with("portfolio:")).expect("inserted") + 1;
    let out = build(dir.path(), s(&paper), "pdf");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("paper.yaml:{line}:1: error: portfolio: the hwb-discussion template has no portfolio")),
        "{err}"
    );
    assert!(err.contains("remove `portfolio:`"), "{err}");
    assert!(!dir.path().join("paper.pdf").exists(), "no output for a paper with errors");
}

#[test]
fn a_part_the_template_requires_is_asked_for() {
    let dir = tempdir();
    let text: String = read_text(&root().join("inputs/land-disposal.yaml"))
        .split_inclusive('\n')
        .scan(false, |in_risk, l| {
            if !l.starts_with(' ') && !l.starts_with('#') && !l.trim().is_empty() {
                *in_risk = l.starts_with("risk:");
            }
            Some(if *in_risk { String::new() } else { l.to_owned() })
        })
        .collect();
    assert!(!text.contains("\nrisk:"));
    let paper = write(dir.path(), "paper.yaml", &text);
    let out = build(dir.path(), s(&paper), "pdf");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("error: missing field `risk`"), "{err}");
    assert!(err.contains("the cabinet template's papers have a risk assessment"), "{err}");
}

#[test]
fn a_template_heading_left_empty_is_refused_naming_the_key_and_the_file() {
    let dir = tempdir();
    let folder = dir.path().join("council");
    std::fs::create_dir(&folder).expect("folder");
    write(&folder, "template.toml", "extends = \"cabinet\"\n\n[headings]\nrisk = \"\"\n");
    let out = cabrep(&["build", "inputs/land-disposal.yaml", "--template", s(&folder), "-q", "-o", s(dir.path())]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("council/template.toml: [headings] risk: must not be empty"), "{err}");
    assert!(!err.contains("report.typ"), "{err}");
}

#[test]
fn a_paper_naming_an_unknown_template_is_told_the_shipped_ones_at_the_template_line() {
    let dir = tempdir();
    let text = read_text(&root().join(HWB)).replace("template: hwb-discussion", "template: hwb-discusion");
    let paper = write(dir.path(), "paper.yaml", &text);
    let line = text.lines().position(|l| l.starts_with("template:")).expect("template line") + 1;
    let out = build(dir.path(), s(&paper), "pdf");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("paper.yaml:{line}:1: error: template: no template `hwb-discusion`")), "{err}");
    assert!(err.contains("`cabinet`, `hwb-discussion`"), "{err}");
}

#[test]
fn a_folder_of_papers_for_two_bodies_builds_in_one_run_each_with_its_template() {
    let dir = tempdir();
    let src = dir.path().join("papers");
    std::fs::create_dir(&src).expect("folder");
    copy_inputs(&src, &["land-disposal.yaml", "hwb-mission-led-approach.yaml"]);
    let out = cabrep(&["build", s(&src), "-f", "pdf", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let cabinet = pdf_text(&dir.path().join("land-disposal.pdf"));
    let hwb = pdf_text(&dir.path().join("hwb-mission-led-approach.pdf"));
    assert!(cabinet.contains("RISK ASSESSMENT") && cabinet.contains("REPORT TO CABINET"));
    assert!(hwb.contains("Discussion Paper") && !hwb.contains("RISK ASSESSMENT"));
}

#[test]
fn a_template_folder_beside_the_paper_is_followed_and_lays_out_its_own_parts() {
    let dir = tempdir();
    let folder = dir.path().join("scrutiny");
    std::fs::create_dir(&folder).expect("folder");
    write(
        &folder,
        "template.toml",
        "extends = \"cabinet\"\n\n[paper]\nparts = [\n  { part = \"header\", use = \"required\" },\n  { part = \"title\", use = \"required\" },\n  { part = \"summary\", use = \"required\" },\n  { part = \"sections\", use = \"required\" },\n  { part = \"contact\", use = \"required\" },\n]\n\n[headings]\nsummary = \"PURPOSE OF THE REPORT\"\n",
    );
    let text = "template: scrutiny\nmeeting: { body: Scrutiny Committee, date: 2024-03-05 }\nreport_of: Director of Finance\ndecision: information\ntitle: Budget monitoring\nsummary: Where the budget stands.\nsections:\n  - title: Position\n    body: The position.\ncontact: { name: A Officer, post: Analyst, phone: \"01642 527657\", email: a.officer@example.gov.uk }\n";
    let paper = write(dir.path(), "paper.yaml", text);
    let out = build(dir.path(), s(&paper), "pdf");
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = squash(&pdf_text(&dir.path().join("paper.pdf")));
    assert_in_order(
        &pdf,
        &["REPORT TO SCRUTINY COMMITTEE", "Budget monitoring", "PURPOSE OF THE REPORT", "1. Position"],
    );
    assert!(!pdf.contains("RECOMMENDATIONS") && !pdf.contains("RISK ASSESSMENT"), "{pdf}");
}

#[test]
fn new_and_schema_follow_the_template_named() {
    let starter = cabrep(&["new", "report", "--template", "hwb-discussion"]);
    assert!(starter.status.success(), "{}", stderr(&starter));
    let text = String::from_utf8_lossy(&starter.stdout).into_owned();
    assert!(text.contains("template: hwb-discussion") && text.contains("sign_off:"), "{text}");
    assert!(!text.contains("\nportfolio:") && !text.contains("\nrisk:"), "{text}");
    // The starter checks clean: it is a paper of that template.
    let dir = tempdir();
    let file = write(dir.path(), "new.yaml", &text);
    let check = cabrep(&["check", s(&file)]);
    assert!(check.status.success(), "{}", stderr(&check));

    let schema = cabrep(&["schema", "report", "--template", "hwb-discussion"]);
    assert!(schema.status.success(), "{}", stderr(&schema));
    let json: serde_json::Value = serde_json::from_slice(&schema.stdout).expect("JSON");
    assert!(json["properties"].get("portfolio").is_none());
    assert!(json["required"].as_array().expect("required").iter().any(|v| v == "sign_off"));
}

#[test]
fn a_pack_binds_papers_of_two_templates_each_laid_out_with_its_own() {
    let dir = tempdir();
    let src = dir.path().join("meeting");
    std::fs::create_dir(&src).expect("folder");
    copy_inputs(&src, &["hwb-mission-led-approach.yaml", "highways-capital-programme.yaml"]);
    let meeting = write(
        &src,
        "hwb-2025-01-23.yaml",
        "schema: cabrep/meeting/v1\nmeeting:\n  body: Health & Wellbeing Board\n  council: Stockton-on-Tees Borough Council\n  date: 2025-01-23\n  time: \"14:00\"\n  venue: Council Chamber\n  members: [Councillor A]\n  contact: { name: A Officer, phone: \"01642 528158\", email: a.officer@example.gov.uk }\nitems:\n  - title: Apologies for Absence\n  - report: hwb-mission-led-approach.yaml\n  - report: highways-capital-programme.yaml\n",
    );
    let out = cabrep(&["pack", s(&meeting), "-f", "pdf", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = squash(&pdf_text(&dir.path().join("hwb-2025-01-23-pack.pdf")));
    assert_in_order(
        &text,
        &[
            "Health and Wellbeing Strategy: Mission-led Approach",
            "Discussion Paper",
            "2.1.1 Defining System Leadership",
            "Mark Adams",
            "REPORT TO CABINET",
            "RISK ASSESSMENT",
        ],
    );
    let hwb_part = &text[..text.find("REPORT TO CABINET").expect("the cabinet report")];
    assert!(!hwb_part.contains("RISK ASSESSMENT") && !hwb_part.contains("Portfolio Title"), "{hwb_part}");
}

#[test]
fn the_missions_table_merges_its_lifecourse_cells_in_every_format() {
    let dir = tempdir();
    let out = build(dir.path(), HWB, "pdf,docx,html");
    assert!(out.status.success(), "{}", stderr(&out));
    // HTML: the three Lifecourse cells span their missions' rows, and those rows have two cells.
    let html = read_text(&dir.path().join("hwb-mission-led-approach.html"));
    for (text, rows) in [("Start Well", 3), ("Live Well", 4), ("Age Well", 2)] {
        let at = html.find(&format!(">{text}")).unwrap_or_else(|| panic!("{text} in the HTML"));
        let open = html[..at].rfind("<t").expect("its cell");
        assert!(html[open..at].contains(&format!("rowspan=\"{rows}\"")), "{text}: {}", &html[open..at]);
    }
    // DOCX: a vertical merge started three times and continued 3 + 2 + 1 times; valid XML.
    let docx = dir.path().join("hwb-mission-led-approach.docx");
    let xml = docx_part(&docx, "word/document.xml");
    assert_eq!(xml.matches("<w:vMerge w:val=\"restart\"").count(), 3, "three merges start");
    assert_eq!(xml.matches("<w:vMerge w:val=\"continue\"").count() + xml.matches("<w:vMerge />").count(), 6);
    crate::markdown::assert_valid_part(&docx, "word/document.xml");
    // PDF: the table's structure has the spanning cells (typst tags a cell spanning rows with
    // /RowSpan) and its words.
    let pdf = dir.path().join("hwb-mission-led-approach.pdf");
    let spans = row_spans(&pdf);
    assert_eq!(spans, [3, 4, 2], "the structure tree's RowSpan attributes");
    assert!(squash(&pdf_text(&pdf)).contains("Start Well: Children & Young People have the Best Start in Life"));
}

/// The /RowSpan attribute of every table cell that has one, in the structure tree's order.
fn row_spans(pdf: &Path) -> Vec<u32> {
    let script = r#"
import sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
out = []
def attrs(a):
    if isinstance(a, pikepdf.Array):
        for x in a:
            yield from attrs(x)
    elif isinstance(a, pikepdf.Dictionary):
        yield a
def walk(n):
    if isinstance(n, pikepdf.Dictionary):
        if n.get('/S') in ('/TD', '/TH'):
            for a in attrs(n.get('/A')):
                if '/RowSpan' in a:
                    out.append(str(int(a.RowSpan)))
        k = n.get('/K')
        if k is not None:
            walk(k)
    elif isinstance(n, pikepdf.Array):
        for x in n:
            walk(x)
walk(pdf.Root.StructTreeRoot)
print(' '.join(out))
"#;
    pikepdf_script(script, pdf).split_whitespace().map(|n| n.parse().expect("a number")).collect()
}

#[test]
fn a_discussion_box_holds_its_list_in_the_docx_not_just_its_first_line() {
    let dir = tempdir();
    let out = build(dir.path(), HWB, "docx");
    assert!(out.status.success(), "{}", stderr(&out));
    let xml = docx_part(&dir.path().join("hwb-mission-led-approach.docx"), "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).expect("XML");
    let style_of = |needle: &str| {
        doc.descendants()
            .filter(|n| n.tag_name().name() == "p")
            .find(|p| p.descendants().filter_map(|t| t.text()).collect::<String>().contains(needle))
            .and_then(|p| p.descendants().find(|n| n.tag_name().name() == "pStyle"))
            .and_then(|s| s.attributes().find(|a| a.name() == "val").map(|a| a.value().to_owned()))
    };
    assert_eq!(style_of("This could be really powerful").as_deref(), Some("Callout"), "a paragraph in the box");
    assert_eq!(style_of("Do people have nominees").as_deref(), Some("Callout"), "a list item in the box");
    assert_eq!(style_of("Go out of your way").as_deref(), Some("ListParagraph"), "a list outside any box");
}
