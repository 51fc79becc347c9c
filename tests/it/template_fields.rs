//! A template declares its implications and its front sheet as data: a paper's `implications:`
//! and `front_sheet:` are checked against the template's keys (an unknown key is a located
//! error with a did-you-mean, a required one is asked for), printed in the template's order and
//! layout (a numbered implications section, a labelled front-sheet table) in every format, and
//! the schema and `check` agree about them. The example is a Harrow cabinet report written for
//! the `templates/harrow` folder.

use std::path::Path;

use crate::common::*;

const HARROW: &str = "templates/harrow/example.yaml";

/// Builds a paper into `out` with these formats; the build must succeed.
fn build(paper: &str, formats: &str, out: &Path) {
    let o = cabrep(&["build", paper, "-f", formats, "-q", "-o", s(out)]);
    assert!(o.status.success(), "build {paper}: {}", stderr(&o));
}

/// The rows of every table in a DOCX body, each row its cells' text.
fn docx_rows(xml: &str) -> Vec<Vec<String>> {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "tr")
        .map(|tr| {
            tr.children()
                .filter(|c| c.tag_name().name() == "tc")
                .map(|tc| {
                    let texts: Vec<&str> =
                        tc.descendants().filter(|n| n.tag_name().name() == "t").filter_map(|t| t.text()).collect();
                    texts.join("")
                })
                .collect()
        })
        .collect()
}

#[test]
fn an_implication_key_the_template_lacks_is_a_located_error_with_did_you_mean() {
    let dir = tempdir();
    let o = cabrep(&["build", "tests/template_fields/unknown-implication.yaml", "-q", "-o", s(dir.path())]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(
            "unknown-implication.yaml:17:3: error: implications.finacial: the cabinet template has no implications key `finacial`"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `financial`?"), "{err}");
    assert!(files_in(dir.path()).is_empty(), "files written: {:?}", files_in(dir.path()));
}

#[test]
fn a_required_implication_left_out_is_asked_for_at_the_implications_key() {
    let o = cabrep(&["check", "tests/template_fields/unknown-implication.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("unknown-implication.yaml:14:1: error: implications: missing implications key `financial`"),
        "{err}"
    );
    // In a template folder's paper: Harrow's `council_priorities` is required.
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("harrow")).expect("dir");
    std::fs::copy("templates/harrow/template.toml", dir.path().join("harrow/template.toml")).expect("copy");
    let text = read_text(&root().join(HARROW)).replace("template: .", "template: harrow");
    let cut = text.replace(
        "  council_priorities: |\n    The programme supports the council's priorities in the Harrow Ambition Plan.\n",
        "",
    );
    assert_ne!(cut, text, "the example writes council_priorities");
    let paper = write(dir.path(), "paper.yaml", &cut);
    let o = cabrep(&["check", s(&paper)]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("error: implications: missing implications key `council_priorities`"), "{err}");
    assert!(err.contains("“Council Priorities”"), "{err}");
}

#[test]
fn numbered_implications_print_as_one_section_with_sub_numbers_in_every_format() {
    let dir = tempdir();
    build(HARROW, "pdf,docx,html", dir.path());
    // Two sections, then the implications as section 3, each implication below it.
    let want = [
        "3. Implications of the Recommendation",
        "3.1 Legal Implications",
        "3.2 Financial Implications",
        "3.3 Risk Management Implications",
        "3.4 Equalities implications / Public Sector Equality Duty",
        "3.5 Council Priorities",
    ];
    let pdf = squash(&pdf_text(&dir.path().join("example.pdf")));
    assert_in_order(&pdf, &want);
    // Optional ones not written are not printed, and nothing else is numbered 3.6.
    assert!(!pdf.contains("Performance Issues") && !pdf.contains("3.6"), "{pdf}");
    let docx = docx_text(&docx_part(&dir.path().join("example.docx"), "word/document.xml"));
    assert_in_order(&squash(&docx.replace('\n', " ")), &want.map(|w| w.split_once(' ').expect("number").1));
    for (n, heading) in
        [("3.", "Implications of the Recommendation"), ("3.1", "Legal Implications"), ("3.5", "Council Priorities")]
    {
        assert!(
            docx.contains(&format!("{n}\t{heading}")) || docx.contains(&format!("{n} {heading}")),
            "{n} {heading} in\n{docx}"
        );
    }
    let html = read_text(&dir.path().join("example.html"));
    assert!(html
        .contains(r#"<h2 id="implications"><span class="secnum">3.</span> Implications of the Recommendation</h2>"#));
    assert!(html.contains(r#"<h3 id="legal"><span class="secnum">3.1</span> Legal Implications</h3>"#), "{html}");
    assert!(html.contains(r#"<h3 id="council-priorities"><span class="secnum">3.5</span> Council Priorities</h3>"#));
}

#[test]
fn the_front_sheet_table_has_the_templates_labels_and_the_papers_values_in_every_format() {
    let dir = tempdir();
    build(HARROW, "pdf,docx,html", dir.path());
    let rows = [
        ("REPORT FOR:", "CABINET"),
        ("Date of Meeting:", "21 February 2019"),
        ("Subject:", "Final Capital Programme 2019/20 to 2020/21"),
        ("Key Decision:", "Yes – involves expenditure in excess of £1m"),
        ("Responsible Officer:", "Dawn Calvert, Director of Finance"),
        ("Exempt:", "No"),
        ("Decision subject to Call-in:", "No"),
        ("Wards affected:", "All"),
    ];
    let pdf = squash(&pdf_text(&dir.path().join("example.pdf")));
    let flat: Vec<String> = rows.iter().flat_map(|(l, v)| [l.to_string(), v.to_string()]).collect();
    // Labels wrap inside their cell ("Responsible / Officer:"), so compare without spaces.
    assert_in_order(
        &nospace(&pdf),
        &flat.iter().map(|s| nospace(s)).collect::<Vec<_>>().iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let docx_rows = docx_rows(&docx_part(&dir.path().join("example.docx"), "word/document.xml"));
    assert_eq!(docx_rows.first().map(Vec::as_slice), Some(&["Item".to_owned(), "Detail".to_owned()][..]));
    for (label, value) in rows {
        assert!(
            docx_rows.iter().any(|r| r.len() == 2 && r[0] == label && r[1] == value),
            "{label} {value} in {docx_rows:?}"
        );
    }
    let enclosures = docx_rows.iter().find(|r| r[0] == "Enclosures:").expect("enclosures row");
    assert!(
        enclosures[1].contains("Appendix 1 – Total") && enclosures[1].contains("Appendix 2 – New"),
        "{enclosures:?}"
    );
    let html = read_text(&dir.path().join("example.html"));
    assert!(html.contains("<caption>Report details</caption>"), "{html}");
    for (label, value) in rows {
        let row = format!(r#"<tr><th scope="row">{label}</th><td>{value}</td></tr>"#);
        assert!(html.contains(&row), "{row} in the HTML");
    }
}

#[test]
fn a_front_sheet_as_lines_prints_each_label_before_its_value() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("lines")).expect("dir");
    let toml =
        read_text(&root().join("templates/harrow/template.toml")).replace(r#"layout = "table""#, r#"layout = "lines""#);
    write(&dir.path().join("lines"), "template.toml", &toml);
    let paper =
        write(dir.path(), "paper.yaml", &read_text(&root().join(HARROW)).replace("template: .", "template: lines"));
    let out = dir.path().join("out");
    build(s(&paper), "html", &out);
    let html = read_text(&out.join("paper.html"));
    assert!(!html.contains("<table id=\"front-sheet\""), "a table in {html}");
    assert!(html.contains("<strong>Key Decision: </strong>Yes – involves expenditure in excess of £1m"), "{html}");
}

#[test]
fn the_templates_schema_accepts_the_example_and_rejects_an_unknown_key_as_check_does() {
    let out = cabrep(&["schema", "report", "--template", "templates/harrow"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let v = jsonschema::validator_for(&schema).expect("a usable schema");
    let text = read_text(&root().join(HARROW));
    let doc: serde_json::Value = serde_saphyr::from_str(&text).expect("YAML");
    let errors: Vec<String> = v.iter_errors(&doc).map(|e| format!("{}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert!(cabrep(&["check", HARROW]).status.success());
    // An implication and a front-sheet key the template does not declare: both refuse it.
    for (from, to) in [("  legal: |", "  legl: |"), ("  exempt: false", "  exemt: false")] {
        let bad = text.replacen(from, to, 1);
        assert_ne!(bad, text);
        let doc: serde_json::Value = serde_saphyr::from_str(&bad).expect("YAML");
        assert!(!v.is_valid(&doc), "the schema accepts {to}");
        let dir = tempdir();
        std::fs::create_dir(dir.path().join("harrow")).expect("dir");
        std::fs::copy("templates/harrow/template.toml", dir.path().join("harrow/template.toml")).expect("copy");
        let paper = write(dir.path(), "paper.yaml", &bad.replace("template: .", "template: harrow"));
        let o = cabrep(&["check", s(&paper)]);
        assert_eq!(o.status.code(), Some(1), "check accepts {to}");
        let key = to.trim().split(':').next().expect("key");
        assert!(stderr(&o).contains(&format!("key `{key}`")), "{}", stderr(&o));
    }
}

#[test]
fn the_templates_starter_has_its_front_sheet_and_implication_keys_and_loads() {
    let out = cabrep(&["new", "report", "--template", "templates/harrow"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    for key in [
        "front_sheet:",
        "  report_for:",
        "  key_decision:",
        "  # enclosures:",
        "implications:",
        "  council_priorities: |",
        "  # performance: |",
    ] {
        assert!(text.contains(key), "{key} in\n{text}");
    }
    for gone in ["community_impact", "report_of:", "portfolio:"] {
        assert!(!text.contains(gone), "{gone} in\n{text}");
    }
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("harrow")).expect("dir");
    std::fs::copy("templates/harrow/template.toml", dir.path().join("harrow/template.toml")).expect("copy");
    let paper = write(dir.path(), "paper.yaml", &text.replace("template: templates/harrow", "template: harrow"));
    let o = cabrep(&["check", s(&paper)]);
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_template_declaring_an_implication_key_twice_is_refused_naming_it() {
    let dir = tempdir();
    std::fs::create_dir(dir.path().join("twice")).expect("dir");
    let toml = read_text(&root().join("templates/harrow/template.toml")).replace(
        "key = \"performance\"\nheading = \"Performance Issues\"",
        "key = \"legal\"\nheading = \"Performance Issues\"",
    );
    write(&dir.path().join("twice"), "template.toml", &toml);
    let paper =
        write(dir.path(), "paper.yaml", &read_text(&root().join(HARROW)).replace("template: .", "template: twice"));
    let out = dir.path().join("out");
    let o = cabrep(&["build", s(&paper), "-q", "-o", s(&out)]);
    assert_ne!(o.status.code(), Some(0));
    let err = stderr(&o);
    assert!(err.contains("[[implications]] legal (number 3): key is declared twice"), "{err}");
    assert!(files_in(&out).is_empty(), "files written");
}
