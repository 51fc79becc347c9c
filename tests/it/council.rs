//! Any council's papers: the council's identity comes from the paper, the meeting or the
//! template (never from the code) and reaches every output's metadata and wording; a meeting
//! names its template; headings print as the template writes them. Fixtures in `tests/council/`.

use std::path::{Path, PathBuf};

use crate::common::*;

const OURS: &str = "Example Borough Council";

/// A copy of `tests/council/` (the other council's template folder `ours/`, a paper and a
/// meeting) in a fresh folder.
fn council_folder() -> tempfile::TempDir {
    let dir = tempdir();
    let from = root().join("tests/council");
    std::fs::create_dir(dir.path().join("ours")).expect("folder");
    for f in ["ours/template.toml", "paper.yaml", "meeting.yaml"] {
        std::fs::copy(from.join(f), dir.path().join(f)).unwrap_or_else(|e| panic!("copy {f}: {e}"));
    }
    dir
}

/// The shipped templates' `template.toml`s, parsed.
fn shipped_templates() -> Vec<(PathBuf, toml::Table)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(root().join("templates")).expect("templates/") {
        let p = e.expect("entry").path().join("template.toml");
        if p.is_file() {
            let t: toml::Table = toml::from_str(&read_text(&p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            out.push((p, t));
        }
    }
    assert!(out.len() >= 2, "the shipped templates were not found");
    out
}

/// Every file under `src/`, by path, with its text.
fn source_files() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        for e in std::fs::read_dir(dir).expect("read src") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if let Ok(text) = std::fs::read_to_string(&p) {
                out.push((p, text));
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("src"), &mut out);
    assert!(out.len() > 50, "src/ was not read");
    out
}

/// The part names of `[paper] parts` (the code's generic names), as a heading would spell them.
fn part_names() -> Vec<String> {
    let cabinet: toml::Table =
        toml::from_str(&read_text(&root().join("templates/cabinet/template.toml"))).expect("toml");
    let parts = cabinet["paper"]["parts"].as_array().expect("[paper] parts");
    let mut names: Vec<String> =
        parts.iter().map(|p| p["part"].as_str().expect("part").replace('_', " ").to_lowercase()).collect();
    names.extend(["contents", "cover", "sign off"].map(str::to_owned));
    names
}

#[test]
fn the_code_names_no_shipped_templates_council_and_none_of_their_part_headings() {
    let sources = source_files();
    let generic = part_names();
    let mut banned: Vec<(String, String)> = Vec::new();
    for (path, t) in shipped_templates() {
        let shown = path.display().to_string();
        match t.get("council") {
            Some(toml::Value::String(name)) => banned.push((name.clone(), format!("{shown}: council"))),
            Some(toml::Value::Table(c)) => {
                for key in ["name", "short_name", "web"] {
                    if let Some(v) = c.get(key).and_then(|v| v.as_str()) {
                        banned.push((v.to_owned(), format!("{shown}: council.{key}")));
                    }
                }
            }
            _ => {}
        }
        if let Some(headings) = t.get("headings").and_then(|h| h.as_table()) {
            for (key, v) in headings {
                let text = v.as_str().expect("a heading is text");
                if !generic.contains(&text.to_lowercase()) {
                    banned.push((text.to_owned(), format!("{shown}: headings.{key}")));
                }
            }
        }
    }
    assert!(banned.iter().any(|(_, w)| w.ends_with("council")), "no shipped template names a council: {banned:?}");
    let mut found = Vec::new();
    for (needle, whence) in &banned {
        for (file, text) in &sources {
            if text.contains(needle.as_str()) {
                found.push(format!("{} mentions {needle:?} ({whence})", file.display()));
            }
        }
    }
    assert!(found.is_empty(), "the code names one template's council or headings:\n{}", found.join("\n"));
}

/// Passes once implications are the template's data rather than typed fields of the code.
#[test]
fn the_code_names_none_of_the_shipped_templates_implication_keys_or_headings() {
    let sources = source_files();
    // A template may name an implication after one of the code's generic parts (`risk`).
    let generic = part_names();
    let mut found = Vec::new();
    for (path, t) in shipped_templates() {
        let Some(list) = t.get("implications").and_then(|i| i.as_array()) else { continue };
        for imp in list {
            for field in ["key", "heading"] {
                let Some(needle) = imp.get(field).and_then(|v| v.as_str()) else { continue };
                if generic.contains(&needle.replace('_', " ").to_lowercase()) {
                    continue;
                }
                for (file, text) in &sources {
                    // A key as a word of its own (`financial` in prose about financial tables is
                    // not a key; `community_impact` anywhere is).
                    let hit = if field == "key" && !needle.contains('_') {
                        text.contains(&format!("\"{needle}\"")) || text.contains(&format!("pub {needle}:"))
                    } else {
                        text.contains(needle)
                    };
                    if hit {
                        found.push(format!(
                            "{} mentions {needle:?} ({}: implications {field})",
                            file.display(),
                            path.display()
                        ));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The metadata author of a PDF (pdfinfo), a DOCX (docProps/core.xml) and an HTML page.
fn authors(dir: &Path, stem: &str) -> (String, String, String) {
    let info = poppler("pdfinfo", &[s(&dir.join(format!("{stem}.pdf")))]);
    let pdf = info.lines().find_map(|l| l.strip_prefix("Author:")).unwrap_or("").trim().to_owned();
    let core = docx_part(&dir.join(format!("{stem}.docx")), "docProps/core.xml");
    let doc = roxmltree::Document::parse(&core).expect("core.xml");
    let docx =
        doc.descendants().find(|n| n.tag_name().name() == "creator").and_then(|n| n.text()).unwrap_or("").to_owned();
    let html = read_text(&dir.join(format!("{stem}.html")));
    let page = scraper_author(&html);
    (pdf, docx, page)
}

/// `<meta name="author" content="…">` of an HTML page.
fn scraper_author(html: &str) -> String {
    let at = html.find("<meta name=\"author\" content=\"").expect("an author meta element");
    let rest = &html[at + "<meta name=\"author\" content=\"".len()..];
    rest[..rest.find('"').expect("end of content")].to_owned()
}

#[test]
fn a_paper_of_another_council_names_it_in_its_pdf_docx_and_html_metadata() {
    let dir = council_folder();
    let paper = dir.path().join("paper.yaml");
    let out = cabrep(&["build", s(&paper), "-f", "pdf,docx,html", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (pdf, docx, html) = authors(dir.path(), "paper");
    assert_eq!((pdf.as_str(), docx.as_str(), html.as_str()), (OURS, OURS, OURS));

    // The paper's own council wins over its template's.
    let own =
        read_text(&paper).replace("  date: 2024-01-18\n", "  date: 2024-01-18\n  council: Another Town Council\n");
    write(dir.path(), "paper.yaml", &own);
    let out = cabrep(&["build", s(&paper), "-f", "pdf,docx,html", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let (pdf, docx, html) = authors(dir.path(), "paper");
    assert_eq!(
        (pdf.as_str(), docx.as_str(), html.as_str()),
        ("Another Town Council", "Another Town Council", "Another Town Council")
    );
}

#[test]
fn a_paper_with_no_council_in_it_or_its_template_is_refused_naming_where_to_set_it() {
    let dir = council_folder();
    // A whole template with no council (one that `extends` another has that one's).
    let cabinet = read_text(&root().join("templates/cabinet/template.toml"));
    let line = cabinet.lines().find(|l| l.starts_with("council = ")).expect("the cabinet template names its council");
    std::fs::create_dir(dir.path().join("nameless")).expect("folder");
    write(&dir.path().join("nameless"), "template.toml", &cabinet.replace(line, ""));
    let text = read_text(&dir.path().join("paper.yaml")).replace("template: ours", "template: nameless");
    let paper = write(dir.path(), "paper.yaml", &text);
    let out = cabrep(&["build", s(&paper), "-q", "-o", s(&dir.path().join("out"))]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("paper.yaml:3:3: error: meeting: no council is named"), "{err}");
    assert!(err.contains("`council: Example Borough Council` under `meeting:`"), "{err}");
    assert!(err.contains("template.toml"), "{err}");
    assert!(files_in(&dir.path().join("out")).is_empty(), "an output was written");
    let check = cabrep(&["check", s(&paper)]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
}

#[test]
fn a_template_council_table_with_a_bad_web_address_is_refused_naming_the_key() {
    let dir = council_folder();
    let toml =
        read_text(&dir.path().join("ours/template.toml")).replace("https://www.example.gov.uk", "www.example.gov.uk");
    write(&dir.path().join("ours"), "template.toml", &toml);
    let out = cabrep(&["build", s(&dir.path().join("paper.yaml")), "-q", "-o", s(dir.path())]);
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("council.web is \"www.example.gov.uk\""), "{}", stderr(&out));
}

#[test]
fn a_meeting_names_its_template_and_council_in_the_pack_agenda_index_and_decision_record() {
    let dir = council_folder();
    let meeting = dir.path().join("meeting.yaml");
    let out = cabrep(&["pack", s(&meeting), "-f", "pdf,docx,html", "--no-cache", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pack = squash(&pdf_text(&dir.path().join("meeting-pack.pdf")));
    // The meeting's template's wording, not the default's.
    assert!(pack.contains("Business to be transacted"), "{pack}");
    let info = poppler("pdfinfo", &[s(&dir.path().join("meeting-pack.pdf"))]);
    assert!(info.lines().any(|l| l.starts_with("Author:") && l.ends_with(OURS)), "{info}");
    let core = docx_part(&dir.path().join("meeting-agenda.docx"), "docProps/core.xml");
    assert!(core.contains(&format!(">{OURS}</dc:creator>")), "{core}");
    let agenda = docx_text(&docx_part(&dir.path().join("meeting-agenda.docx"), "word/document.xml"));
    assert!(agenda.contains("Business to be transacted"), "{agenda}");
    assert_eq!(scraper_author(&read_text(&dir.path().join("meeting-index.html"))), OURS);
    assert_eq!(scraper_author(&read_text(&dir.path().join("paper.html"))), OURS);

    // The decision record: the meeting's council and template.
    let outcome = write(dir.path(), "outcome.yaml", "schema: cabrep/outcome/v1\npublished: 2024-01-19\n");
    let out = cabrep(&["decisions", s(&meeting), s(&outcome), "-f", "pdf,docx", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let info = poppler("pdfinfo", &[s(&dir.path().join("meeting-decisions.pdf"))]);
    assert!(info.lines().any(|l| l.starts_with("Author:") && l.ends_with(OURS)), "{info}");
    let core = docx_part(&dir.path().join("meeting-decisions.docx"), "docProps/core.xml");
    assert!(core.contains(&format!(">{OURS}</dc:creator>")), "{core}");

    // `--template` still overrides the meeting's.
    let out = cabrep(&[
        "pack",
        s(&meeting),
        "-f",
        "pdf",
        "--no-cache",
        "-q",
        "--template",
        "templates/cabinet",
        "-o",
        s(&dir.path().join("forced")),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pack = squash(&pdf_text(&dir.path().join("forced/meeting-pack.pdf")));
    assert!(pack.contains("AGENDA") && !pack.contains("Business to be transacted"), "{pack}");
}

#[test]
fn a_meeting_template_outside_the_root_is_refused_at_its_line() {
    let dir = council_folder();
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).expect("folder");
    let text = read_text(&dir.path().join("meeting.yaml")).replace("template: ours", "template: ../ours");
    let meeting = write(&inner, "meeting.yaml", &text);
    std::fs::copy(dir.path().join("paper.yaml"), inner.join("paper.yaml")).expect("copy");
    let out = cabrep(&["pack", s(&meeting), "-q", "-o", s(&dir.path().join("out"))]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("meeting.yaml:2:1: error: template: no template `../ours`"), "{err}");
    assert!(files_in(&dir.path().join("out")).iter().all(|f| f.starts_with('.')), "an output was written");
}

#[test]
fn a_meeting_of_another_council_than_its_reports_template_is_warned_at_the_report_line() {
    let dir = council_folder();
    // The report names no template: the default's council is not the meeting's.
    let text = read_text(&dir.path().join("paper.yaml")).replace("template: ours\n", "");
    write(dir.path(), "paper.yaml", &text);
    let meeting = dir.path().join("meeting.yaml");
    let out = cabrep(&["pack", s(&meeting), "-f", "pdf,html", "--no-cache", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("meeting.yaml:20:13: warning: items[1].report: the report's template names the council "),
        "{err}"
    );
    assert!(err.contains(&format!("but this meeting is of {OURS}; the report is published as {OURS}'s")), "{err}");
    // Published as the meeting's council's: its own page names the meeting's council.
    assert_eq!(scraper_author(&read_text(&dir.path().join("paper.html"))), OURS);
    let denied = cabrep(&["pack", s(&meeting), "--deny-warnings", "-q", "-o", s(&dir.path().join("denied"))]);
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
}

#[test]
fn the_forward_plan_names_its_reports_council_in_its_wording_and_metadata() {
    let dir = council_folder();
    let text = read_text(&dir.path().join("paper.yaml"))
        .replace("decision: non-key", "decision: key\nforward_plan_ref: FP/2024/001");
    let folder = dir.path().join("papers");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::rename(dir.path().join("ours"), folder.join("ours")).expect("move");
    write(&folder, "paper.yaml", &text);
    let out =
        cabrep(&["forward-plan", s(&folder), "--published", "2023-12-01", "-f", "pdf,docx", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = squash(&pdf_text(&dir.path().join("2023-12-01-forward-plan.pdf")));
    assert!(plan.contains(&format!("key decisions to be taken by {OURS} after")), "{plan}");
    let info = poppler("pdfinfo", &[s(&dir.path().join("2023-12-01-forward-plan.pdf"))]);
    assert!(info.lines().any(|l| l.starts_with("Author:") && l.ends_with(OURS)), "{info}");
    let core = docx_part(&dir.path().join("2023-12-01-forward-plan.docx"), "docProps/core.xml");
    assert!(core.contains(&format!(">{OURS}</dc:creator>")), "{core}");
}

#[test]
fn a_heading_prints_as_the_template_writes_it_in_every_format() {
    let dir = council_folder();
    let paper = dir.path().join("paper.yaml");
    let out = cabrep(&["build", s(&paper), "-f", "pdf,docx,html", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = squash(&pdf_text(&dir.path().join("paper.pdf")));
    assert!(pdf.contains("Executive summary") && !pdf.contains("EXECUTIVE SUMMARY"), "{pdf}");
    let docx = docx_text(&docx_part(&dir.path().join("paper.docx"), "word/document.xml"));
    assert!(docx.contains("Executive summary") && !docx.contains("EXECUTIVE SUMMARY"), "{docx}");
    let html = read_text(&dir.path().join("paper.html"));
    assert!(html.contains(">Executive summary</h2>") && !html.to_lowercase().contains("uppercase"), "{html}");
    // The cabinet template writes its own in capitals, and its header lines say so.
    assert!(pdf.contains("RISK ASSESSMENT") && pdf.contains("REPORT TO CABINET"), "{pdf}");
}

/// The paper with a section table: a column of amounts (right-aligned by default), a column of
/// text, and a column set right by `align:`.
fn paper_with_table(dir: &Path, align: &str) -> PathBuf {
    let table = format!(
        "  - title: Schemes\n    body:\n      - table:\n          caption: Schemes by cost\n          columns: [Scheme, Cost, Ward]\n{align}          rows:\n            - [Resurfacing, \"£1,200,000\", North]\n            - [Lighting, \"(300)\", South]\n"
    );
    let text = read_text(&dir.join("paper.yaml")).replace("sections:\n", &format!("sections:\n{table}"));
    write(dir, "paper.yaml", &text)
}

/// The right edge (`xMax`) of the first word `word` on the PDF's pages, from `pdftotext -bbox`.
fn word_right_edge(pdf: &Path, word: &str) -> f64 {
    let html = poppler("pdftotext", &["-bbox", s(pdf), "-"]);
    let line = html
        .lines()
        .find(|l| l.ends_with(&format!(">{word}</word>")))
        .unwrap_or_else(|| panic!("{word} not in {html}"));
    let at = line.find("xMax=\"").expect("xMax") + 6;
    line[at..at + line[at..].find('"').expect("end")].parse().expect("a number")
}

/// The left edge (`xMin`) of the first word `word`.
fn word_left_edge(pdf: &Path, word: &str) -> f64 {
    let html = poppler("pdftotext", &["-bbox", s(pdf), "-"]);
    let line = html
        .lines()
        .find(|l| l.ends_with(&format!(">{word}</word>")))
        .unwrap_or_else(|| panic!("{word} not in {html}"));
    let at = line.find("xMin=\"").expect("xMin") + 6;
    line[at..at + line[at..].find('"').expect("end")].parse().expect("a number")
}

#[test]
fn a_section_table_column_of_figures_is_right_aligned_in_pdf_docx_and_html() {
    let dir = council_folder();
    let paper = paper_with_table(dir.path(), "");
    let out = cabrep(&["build", s(&paper), "-f", "pdf,docx,html,tree", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    // PDF: the amounts end at one edge; the wards (text) start at one.
    let pdf = dir.path().join("paper.pdf");
    let (a, b) = (word_right_edge(&pdf, "£1,200,000"), word_right_edge(&pdf, "(300)"));
    assert!((a - b).abs() < 0.5, "figures are not right-aligned: {a} vs {b}");
    let (a, b) = (word_left_edge(&pdf, "£1,200,000"), word_left_edge(&pdf, "(300)"));
    assert!((a - b).abs() > 5.0, "figures start together, as if left-aligned: {a} vs {b}");
    let (n, s_) = (word_left_edge(&pdf, "North"), word_left_edge(&pdf, "South"));
    assert!((n - s_).abs() < 0.5, "text is not left-aligned: {n} vs {s_}");
    // DOCX: the amount's paragraph is justified right; the ward's is not.
    let xml = docx_part(&dir.path().join("paper.docx"), "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).expect("xml");
    let jc_of = |text: &str| {
        let t = doc.descendants().find(|n| n.tag_name().name() == "t" && n.text() == Some(text)).expect("cell text");
        let p = t.ancestors().find(|n| n.tag_name().name() == "p").expect("paragraph");
        p.descendants()
            .find(|n| n.tag_name().name() == "jc")
            .and_then(|j| j.attributes().next().map(|a| a.value().to_owned()))
    };
    assert_eq!(jc_of("£1,200,000").as_deref(), Some("right"));
    assert_ne!(jc_of("North").as_deref(), Some("right"));
    // HTML: the figures' cells are the numeric class, the header too.
    let html = read_text(&dir.path().join("paper.html"));
    assert!(html.contains("<th scope=\"col\" class=\"num\">Cost</th>"), "{html}");
    assert!(html.contains("<th scope=\"col\">Ward</th>"), "{html}");
    // `align:` sets a column either way.
    let dir = council_folder();
    let paper = paper_with_table(dir.path(), "          align: [left, left, right]\n");
    let out = cabrep(&["build", s(&paper), "-f", "html", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = read_text(&dir.path().join("paper.html"));
    assert!(
        html.contains("<th scope=\"col\">Cost</th>") && html.contains("<th scope=\"col\" class=\"num\">Ward</th>"),
        "{html}"
    );
    // One alignment per column.
    let paper = paper_with_table(dir.path(), "          align: [left, right]\n");
    let out = cabrep(&["check", s(&paper)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: sections[0].body[0].table.align: 2 alignments for 3 columns"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_key_decision_without_a_forward_plan_reference_is_listed_where_the_template_makes_it_optional() {
    let dir = council_folder();
    let folder = dir.path().join("papers");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::rename(dir.path().join("ours"), folder.join("ours")).expect("move");
    let text = read_text(&dir.path().join("paper.yaml")).replace("decision: non-key", "decision: key");
    let paper = write(&folder, "paper.yaml", &text);
    // The template requires one: refused at the decision.
    let out = cabrep(&["check", s(&paper)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: decision: a key decision needs a Forward Plan reference"),
        "{}",
        stderr(&out)
    );
    // The template makes it optional: the paper passes, and the plan lists it without one.
    let toml = read_text(&folder.join("ours/template.toml")) + "\n[paper]\nforward_plan_ref_required = false\n";
    write(&folder.join("ours"), "template.toml", &toml);
    let out = cabrep(&["check", s(&paper)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out =
        cabrep(&["forward-plan", s(&folder), "--published", "2023-12-01", "-f", "pdf", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = squash(&pdf_text(&dir.path().join("2023-12-01-forward-plan.pdf")));
    assert!(plan.contains("Budget monitoring") && plan.contains("Decision maker: Cabinet"), "{plan}");
    assert!(!plan.contains("Forward Plan reference:"), "{plan}");
}

#[test]
fn a_for_information_paper_has_no_reasons_or_recommendations_where_its_template_makes_them_optional() {
    let dir = council_folder();
    let toml = read_text(&dir.path().join("ours/template.toml"))
        + "\n[paper]\nparts = [\n  { part = \"header\", use = \"required\" },\n  { part = \"title\", use = \"required\" },\n  { part = \"summary\", use = \"required\" },\n  { part = \"reasons\", use = \"optional\" },\n  { part = \"recommendations\", use = \"optional\" },\n  { part = \"sections\", use = \"required\" },\n  { part = \"contact\", use = \"required\" },\n]\n";
    write(&dir.path().join("ours"), "template.toml", &toml);
    let text = "template: ours\nmeeting: { body: Cabinet, date: 2024-01-18 }\nreport_of: Director\ndecision: information\ntitle: For information\nsummary: Where things stand.\nsections:\n  - title: Position\n    body: The position.\ncontact: { name: A Officer, post: Analyst, phone: \"01234 567890\", email: a@example.gov.uk }\n";
    let paper = write(dir.path(), "info.yaml", text);
    let out = cabrep(&["build", s(&paper), "-f", "pdf", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = squash(&pdf_text(&dir.path().join("info.pdf")));
    assert!(pdf.contains("FOR INFORMATION") && pdf.contains("1. Position"), "{pdf}");
    assert!(!pdf.contains("RECOMMENDATIONS") && !pdf.contains("REASONS"), "{pdf}");
    // The cabinet template requires both.
    let cabinet = write(dir.path(), "cabinet.yaml", &text.replace("template: ours\n", ""));
    let out = cabrep(&["check", s(&cabinet)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
}

#[test]
fn a_key_reason_prints_on_the_key_decision_line_in_pdf_docx_and_html_and_in_the_forward_plan() {
    let dir = council_folder();
    let folder = dir.path().join("papers");
    std::fs::create_dir(&folder).expect("folder");
    std::fs::rename(dir.path().join("ours"), folder.join("ours")).expect("move");
    let text = read_text(&dir.path().join("paper.yaml")).replace(
        "decision: non-key",
        "decision: key\nforward_plan_ref: FP/2024/001\nkey_reason: it deals with income in excess of £1m",
    );
    let paper = write(&folder, "paper.yaml", &text);
    let out = cabrep(&["build", s(&paper), "-f", "pdf,docx,html", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let line = "KEY DECISION – it deals with income in excess of £1m";
    let pdf = squash(&pdf_text(&dir.path().join("paper.pdf")));
    assert!(pdf.contains(line), "{pdf}");
    let docx = docx_text(&docx_part(&dir.path().join("paper.docx"), "word/document.xml"));
    assert!(docx.contains(line), "{docx}");
    let html = read_text(&dir.path().join("paper.html"));
    assert!(html.contains(line), "{html}");
    let out =
        cabrep(&["forward-plan", s(&folder), "--published", "2023-12-01", "-f", "pdf", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = squash(&pdf_text(&dir.path().join("2023-12-01-forward-plan.pdf")));
    assert!(plan.contains("Why the decision is key: it deals with income in excess of £1m"), "{plan}");
}

#[test]
fn a_key_reason_on_a_non_key_decision_is_a_warning_at_its_line() {
    let dir = council_folder();
    let text = read_text(&dir.path().join("paper.yaml"))
        .replace("decision: non-key\n", "decision: non-key\nkey_reason: income over £1m\n");
    let paper = write(dir.path(), "paper.yaml", &text);
    let out = cabrep(&["build", s(&paper), "-f", "pdf", "-q", "-o", s(dir.path())]);
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("paper.yaml:7:13: warning: key_reason: "), "{err}");
    assert!(!squash(&pdf_text(&dir.path().join("paper.pdf"))).contains("income over"), "printed anyway");
}

#[test]
fn the_template_schema_requires_no_forward_plan_ref_where_the_template_makes_it_optional() {
    let dir = council_folder();
    let ours = dir.path().join("ours");
    let required = |dir: &Path| {
        let out = cabrep(&["schema", "report", "--template", s(dir)]);
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        assert!(v["properties"]["key_reason"].is_object(), "no key_reason in {v}");
        v.to_string().contains("\"required\":[\"forward_plan_ref\"]")
    };
    assert!(required(&ours), "the cabinet layout requires a key decision's reference");
    let toml = read_text(&ours.join("template.toml")) + "\n[paper]\nforward_plan_ref_required = false\n";
    write(&ours, "template.toml", &toml);
    assert!(!required(&ours), "the schema still requires forward_plan_ref");
}
