//! Page layout of the examples: table columns sized from their content, rows and blocks kept
//! together across page breaks, in the PDF, the DOCX and the printed HTML — read back with
//! independent readers (pdftotext, Chromium's printer, the DOCX's XML).

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds `input` as `formats` into `dir`; returns the output named `stem.ext` for each format.
fn build(input: &str, formats: &str, dir: &Path) {
    let o = cabrep(&["build", input, "-f", formats, "-o", dir.to_str().expect("utf-8"), "-q"]);
    assert!(o.status.success(), "cabrep build {input} failed: {}", stderr(&o));
}

fn outputs(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read output folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == ext))
        .collect();
    v.sort();
    v
}

/// The texts of every heading (with its number) and every caption of a document tree.
fn headings_and_captions(tree: &Path) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(o) => {
                match o.get("type").and_then(|t| t.as_str()) {
                    Some("heading") => {
                        let number = o.get("number").and_then(|n| n.as_str()).unwrap_or("");
                        let text = o.get("text").and_then(|n| n.as_str()).unwrap_or("");
                        out.push(squash(&format!("{number} {text}")));
                    }
                    Some("table" | "figure") => {
                        if let Some(c) = o.get("caption").and_then(|c| c.as_str()) {
                            out.push(squash(c));
                        }
                    }
                    _ => {}
                }
                o.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let json: serde_json::Value = serde_json::from_str(&read_text(tree)).expect("tree JSON");
    let mut out = Vec::new();
    walk(&json, &mut out);
    out.retain(|s| !s.is_empty());
    out
}

/// The header words of every table of a document tree, a set per table.
fn header_rows(tree: &Path) -> Vec<std::collections::BTreeSet<String>> {
    fn walk(v: &serde_json::Value, out: &mut Vec<std::collections::BTreeSet<String>>) {
        match v {
            serde_json::Value::Object(o) => {
                if o.get("type").and_then(|t| t.as_str()) == Some("table") {
                    let words = o["columns"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|c| c["header"].as_str())
                        .flat_map(str::split_whitespace)
                        .map(str::to_owned)
                        .collect();
                    out.push(words);
                }
                o.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let json: serde_json::Value = serde_json::from_str(&read_text(tree)).expect("tree JSON");
    let mut out = Vec::new();
    walk(&json, &mut out);
    out
}

/// Whether a page's last line is (a line of) a table's header row: two or more words, all
/// header words of one table.
fn is_header_row(last: &str, rows: &[std::collections::BTreeSet<String>]) -> bool {
    let words: Vec<&str> = last.split_whitespace().collect();
    words.len() >= 2 && rows.iter().any(|r| words.iter().all(|w| r.contains(*w)))
}

/// Per page of `pdf` (pdftotext -layout), its last line of text above the footer ("Page n of m").
fn last_lines(pdf: &Path) -> Vec<String> {
    let text = poppler("pdftotext", &["-layout", pdf.to_str().expect("utf-8"), "-"]);
    text.split('\u{c}')
        .filter(|p| !p.trim().is_empty())
        .map(|page| {
            let lines: Vec<String> =
                page.lines().map(squash).filter(|l| !l.is_empty() && !l.starts_with("Page ")).collect();
            lines.last().cloned().unwrap_or_default()
        })
        .collect()
}

/// The headings and captions that a page's last line ends (a heading wrapped over lines ends
/// with its last line).
fn stranded(last: &str, marks: &[String]) -> Vec<String> {
    marks.iter().filter(|m| !last.is_empty() && m.ends_with(last) && last.len() >= m.len().min(12)).cloned().collect()
}

#[test]
fn no_pdf_page_of_the_examples_ends_with_a_heading_or_caption_or_splits_a_contact_block() {
    let dir = tempdir();
    build("inputs/", "pdf,tree", dir.path());
    let pdfs = outputs(dir.path(), "pdf");
    assert!(pdfs.len() >= 3, "{pdfs:?}");
    for pdf in pdfs {
        let marks = headings_and_captions(&pdf.with_extension("tree.json"));
        let headers = header_rows(&pdf.with_extension("tree.json"));
        assert!(marks.len() > 3, "{}: headings and captions read from the tree", pdf.display());
        for (i, last) in last_lines(&pdf).iter().enumerate() {
            let s = stranded(last, &marks);
            assert!(s.is_empty(), "{} page {} ends with {s:?}", pdf.display(), i + 1);
            assert!(!is_header_row(last, &headers), "{} page {} ends with a header row: {last}", pdf.display(), i + 1);
        }
        // The contact block's (or sign-off's) first and last lines are on one page.
        let text = poppler("pdftotext", &[pdf.to_str().expect("utf-8"), "-"]);
        let pages: Vec<String> = text.split('\u{c}').map(squash).collect();
        let block = contact_lines(&pdf.with_extension("tree.json"));
        assert!(block.len() >= 3, "{}: a contact block or sign-off in the tree", pdf.display());
        let page_of = |line: &str| pages.iter().position(|p| p.contains(line));
        let first = page_of(&block[0]);
        assert!(first.is_some(), "{}: `{}` printed", pdf.display(), block[0]);
        assert_eq!(first, page_of(&block[block.len() - 1]), "{}: the block splits", pdf.display());
    }
}

/// The lines of a document's contact block or sign-off (its contact-style paragraphs), as text.
fn contact_lines(tree: &std::path::Path) -> Vec<String> {
    fn text(inlines: &serde_json::Value, out: &mut String) {
        for x in inlines.as_array().into_iter().flatten() {
            if let Some(t) = x["text"].as_str() {
                out.push_str(t);
            }
            text(&x["content"], out);
        }
    }
    let tree: serde_json::Value = serde_json::from_str(&read_text(tree)).expect("tree JSON");
    tree["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .filter(|b| b["type"] == "paragraph" && b["style"] == "contact")
        .map(|b| {
            let mut s = String::new();
            text(&b["content"], &mut s);
            squash(&s)
        })
        .collect()
}

/// The words of the reference report's risk register as pdftotext reads them (one cell line a
/// line), from its caption to the risk matrix's.
fn register_lines(pdf: &Path) -> Vec<String> {
    let text = pdf_text(pdf);
    let start = text.find("Risk register").expect("the register's caption");
    let end = text[start..].find("Risk matrix").map(|e| start + e).expect("the matrix's caption");
    text[start..end].lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// The words broken over two lines with a hyphen (the typesetter's soft hyphen or a hyphen at
/// the end of a line that does not stand alone), joined again.
fn hyphenated_breaks(lines: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for pair in lines.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let Some(stem) = a.strip_suffix('\u{ad}').or_else(|| a.strip_suffix('-').filter(|s| !s.ends_with(' '))) else {
            continue;
        };
        let head = stem.split_whitespace().last().unwrap_or("");
        let tail = b.split_whitespace().next().unwrap_or("");
        if head.chars().last().is_some_and(char::is_alphabetic) && tail.chars().next().is_some_and(char::is_lowercase) {
            out.push(format!("{head}{tail}"));
        }
    }
    out
}

#[test]
fn the_risk_register_breaks_no_short_word_and_at_most_two() {
    let dir = tempdir();
    build("inputs/powering-our-future.yaml", "pdf", dir.path());
    let lines = register_lines(&dir.path().join("powering-our-future.pdf"));
    assert!(lines.iter().any(|l| l.contains("Mitigation")), "{lines:?}");
    let breaks = hyphenated_breaks(&lines);
    let letters = |w: &str| w.chars().filter(|c| c.is_alphabetic()).count();
    let short: Vec<&String> = breaks.iter().filter(|w| letters(w) <= 6).collect();
    assert!(short.is_empty(), "short words broken: {short:?}");
    assert!(breaks.len() <= 2, "{} hyphenated breaks: {breaks:?}", breaks.len());
    // The digit columns are headed short, so they give their room to the text.
    assert!(lines.iter().any(|l| l.split_whitespace().any(|w| w == "L")), "{lines:?}");
}

#[test]
fn hyphenated_breaks_are_found_and_joined() {
    let lines: Vec<String> =
        ["The pro\u{ad}", "gramme doesn't", "achieve the lev-", "els of", "3 -", "x"].map(String::from).into();
    assert_eq!(hyphenated_breaks(&lines), ["programme", "levels"]);
}

#[test]
fn a_page_ending_with_a_heading_or_caption_is_found() {
    let marks = vec!["RISK ASSESSMENT".to_owned(), "6. Transformation Powering Our Future".to_owned()];
    assert_eq!(stranded("RISK ASSESSMENT", &marks), ["RISK ASSESSMENT"]);
    assert_eq!(stranded("Powering Our Future", &marks).len(), 1, "the last line of a wrapped heading");
    assert!(stranded("Future", &marks).is_empty(), "a short line that merely ends like one");
    assert!(stranded("aims of the programme.", &marks).is_empty());
    let headers = vec![["Theme", "Project", "Name", "Description", "Scope"].map(String::from).into()];
    assert!(is_header_row("Theme Project Name Description Scope", &headers));
    assert!(!is_header_row("Theme", &headers) && !is_header_row("Project scope", &headers));
}

/// Prints `html` to PDF with headless Chromium.
fn print_html(html: &Path, dir: &Path) -> PathBuf {
    let pdf = html.with_extension("printed.pdf");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            &format!("--user-data-dir={}", dir.join("chromium-profile").display()),
            &format!("--print-to-pdf={}", pdf.display()),
            &format!("file://{}", html.display()),
        ])
        .output()
        .unwrap_or_else(|e| panic!("`chromium` is required for this test (Debian package chromium): {e}"));
    assert!(pdf.is_file(), "Chromium printed nothing: {}", String::from_utf8_lossy(&out.stderr));
    pdf
}

#[test]
fn printing_the_html_never_ends_a_page_with_a_caption_or_heading() {
    let dir = tempdir();
    build("inputs/powering-our-future.yaml", "html,tree", dir.path());
    let html = dir.path().join("powering-our-future.html");
    let marks = headings_and_captions(&dir.path().join("powering-our-future.tree.json"));
    assert!(marks.iter().any(|m| m == "Risk register"), "{marks:?}");
    let headers = header_rows(&dir.path().join("powering-our-future.tree.json"));
    let pdf = print_html(&html, dir.path());
    let lasts = last_lines(&pdf);
    assert!(lasts.len() > 5, "printed {} pages", lasts.len());
    for (i, last) in lasts.iter().enumerate() {
        let s = stranded(last, &marks);
        assert!(s.is_empty(), "printed page {} ends with {s:?}", i + 1);
        assert!(!is_header_row(last, &headers), "printed page {} ends with a table's header row: {last}", i + 1);
    }
}

#[test]
fn docx_keeps_headings_captions_and_contact_lines_with_what_follows() {
    let dir = tempdir();
    build("inputs/powering-our-future.yaml", "docx", dir.path());
    let docx = dir.path().join("powering-our-future.docx");
    let styles = docx_part(&docx, "word/styles.xml");
    let doc = roxmltree::Document::parse(&styles).expect("styles.xml");
    let keeps_next = |id: &str| {
        let style = doc
            .descendants()
            .find(|n| {
                n.tag_name().name() == "style" && n.attributes().any(|a| a.name() == "styleId" && a.value() == id)
            })
            .unwrap_or_else(|| panic!("style {id}"));
        style.descendants().any(|n| n.tag_name().name() == "keepNext")
    };
    for id in ["Heading1", "Heading2", "Heading3", "Caption", "Contact", "TableHeading"] {
        assert!(keeps_next(id), "style {id} has no w:keepNext");
    }
    // And the paragraphs use them: four contact lines, the register's caption.
    let body = docx_part(&docx, "word/document.xml");
    assert_eq!(body.matches("<w:pStyle w:val=\"Contact\"").count(), 4);
    assert!(body.contains("<w:pStyle w:val=\"Caption\""));
}

/// The register's table in the DOCX: its grid column widths and each row's cell widths (twips),
/// and per body row whether it may not split.
fn docx_register(docx: &Path) -> (Vec<u32>, Vec<Vec<u32>>, Vec<bool>, String) {
    let xml = docx_part(docx, "word/document.xml");
    let doc = roxmltree::Document::parse(&xml).expect("document.xml");
    let w = |n: roxmltree::Node, attr: &str| -> u32 {
        n.attributes().find(|a| a.name() == attr).map(|a| a.value().parse().expect("number")).expect("attribute")
    };
    let tbl = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "tbl")
        .find(|t| {
            t.descendants()
                .any(|n| n.tag_name().name() == "tblCaption" && n.attributes().any(|a| a.value() == "Risk register"))
        })
        .expect("the register table");
    let grid: Vec<u32> = tbl.descendants().filter(|n| n.tag_name().name() == "gridCol").map(|n| w(n, "w")).collect();
    let rows: Vec<roxmltree::Node> = tbl.children().filter(|n| n.tag_name().name() == "tr").collect();
    let cells = rows
        .iter()
        .map(|r| {
            r.children()
                .filter(|n| n.tag_name().name() == "tc")
                .map(|tc| w(tc.descendants().find(|n| n.tag_name().name() == "tcW").expect("tcW"), "w"))
                .collect()
        })
        .collect();
    let cant_split = rows.iter().skip(1).map(|r| r.descendants().any(|n| n.tag_name().name() == "cantSplit")).collect();
    let description = tbl
        .descendants()
        .find(|n| n.tag_name().name() == "tblDescription")
        .and_then(|n| n.attributes().find(|a| a.name() == "val").map(|a| a.value().to_owned()))
        .unwrap_or_default();
    (grid, cells, cant_split, description)
}

#[test]
fn docx_register_columns_fit_their_content_and_long_rows_may_split() {
    let dir = tempdir();
    build("inputs/powering-our-future.yaml", "docx", dir.path());
    let (grid, cells, cant_split, description) = docx_register(&dir.path().join("powering-our-future.docx"));
    assert_eq!(grid.len(), 8, "{grid:?}");
    for row in &cells {
        assert_eq!(row, &grid, "every cell as wide as its grid column");
    }
    // No., Risk, L, I, Score, Band, Mitigation, Owner: the digit columns are the narrowest and
    // the two text columns the widest.
    let (risk, likelihood, mitigation) = (grid[1], grid[2], grid[6]);
    assert!(likelihood * 3 < risk && likelihood * 3 < mitigation, "{grid:?}");
    assert!(grid.iter().all(|&g| g <= mitigation), "{grid:?}");
    // The first risk (a long mitigation) may split across pages; the second is kept whole.
    assert_eq!(cant_split, [false, true]);
    assert_eq!(description, "L: Likelihood. I: Impact.");
}

#[test]
fn html_short_headers_carry_the_full_word() {
    let dir = tempdir();
    build("inputs/powering-our-future.yaml", "html", dir.path());
    let html = read_text(&dir.path().join("powering-our-future.html"));
    assert!(html.contains("<th scope=\"col\" class=\"num\"><abbr title=\"Likelihood\">L</abbr></th>"));
    assert!(html.contains("<th scope=\"col\" class=\"num\"><abbr title=\"Impact\">I</abbr></th>"));
}

#[test]
fn libreoffice_sets_the_docx_register_without_breaking_a_word() {
    let dir = tempdir();
    build("inputs/powering-our-future.yaml", "docx,tree", dir.path());
    let out = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", dir.path().join("lo-profile").display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path().join("lo"))
        .arg(dir.path().join("powering-our-future.docx"))
        .output()
        .unwrap_or_else(|e| panic!("`soffice` is required for this test (Debian package libreoffice-writer): {e}"));
    assert!(out.status.success(), "LibreOffice failed: {}", String::from_utf8_lossy(&out.stderr));
    // Every word LibreOffice sets in the register is a word of the register's text: a word
    // broken without a hyphen ("program me", "financiall y") is not.
    let tree: serde_json::Value =
        serde_json::from_str(&read_text(&dir.path().join("powering-our-future.tree.json"))).expect("tree JSON");
    let register = tree["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .find(|b| b["caption"] == "Risk register")
        .expect("the register in the tree")
        .to_string();
    let words: std::collections::BTreeSet<String> =
        register.split(|c: char| !c.is_alphanumeric() && c != '\'').map(str::to_owned).collect();
    let lines = register_lines(&dir.path().join("lo/powering-our-future.pdf"));
    assert!(lines.iter().any(|l| l.contains("Mitigation")), "{lines:?}");
    let strays: Vec<&str> = lines
        .iter()
        .filter(|l| !l.starts_with("Page ") && !l.starts_with("Risk register"))
        .flat_map(|l| l.split(|c: char| !c.is_alphanumeric() && c != '\''))
        .filter(|w| !w.is_empty() && !words.contains(*w))
        .collect();
    assert!(strays.is_empty(), "words LibreOffice broke: {strays:?}");
}
