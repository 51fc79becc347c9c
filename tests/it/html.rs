//! The HTML output, read back with an HTML5 parser, and the accessibility gate: every example
//! report's page is checked by axe-core (WCAG 2.2 AA) in headless Chromium.
//!
//! The gate needs Chromium (`apt-get install chromium`) and axe-core
//! (`npm ci --prefix tests/a11y`); without them these tests fail, never skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::*;
use scraper::{ElementRef, Html, Selector};

pub(crate) fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap_or_else(|e| panic!("selector {s}: {e:?}"))
}

/// Builds `inputs` (files or folders) as HTML and the document tree into `out`; returns the
/// HTML files, sorted.
fn build_html(inputs: &[&str], out: &Path) -> Vec<PathBuf> {
    let mut args = vec!["build"];
    args.extend_from_slice(inputs);
    args.extend_from_slice(&["-f", "html,tree", "-o", out.to_str().expect("utf-8 path"), "-q"]);
    let o = cabrep(&args);
    assert!(o.status.success(), "cabrep {args:?} failed: {}", stderr(&o));
    let mut files: Vec<PathBuf> = std::fs::read_dir(out)
        .expect("read output folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    files.sort();
    files
}

/// The document tree written beside an HTML file (`x.html` → `x.tree.json`).
fn tree(html: &Path) -> serde_json::Value {
    let p = html.with_extension("tree.json");
    serde_json::from_str(&read_text(&p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The text of one inline of the tree.
fn inline_text(i: &serde_json::Value) -> String {
    match i["text"].as_str() {
        Some(t) => t.to_owned(),
        None => i["content"].as_array().map_or(String::new(), |c| c.iter().map(inline_text).collect()),
    }
}

pub(crate) fn text_of(e: ElementRef<'_>) -> String {
    e.text().collect::<String>()
}

/// Every check on one page that does not need a browser.
fn check_page(path: &Path) {
    let name = path.display().to_string();
    let raw = read_text(path);
    let page = Html::parse_document(&raw);
    let tree = tree(path);
    let meta = &tree["meta"];

    assert!(raw.starts_with("<!doctype html>"), "{name}: doctype");
    let html = page.select(&sel("html")).next().expect("html element");
    assert_eq!(html.value().attr("lang"), meta["lang"].as_str(), "{name}: lang");
    assert_eq!(html.value().attr("lang"), Some("en-GB"), "{name}: lang");
    let title: Vec<String> = page.select(&sel("head > title")).map(text_of).collect();
    assert_eq!(title, vec![meta["title"].as_str().expect("title").to_owned()], "{name}: one <title>, the report title");
    assert_eq!(page.select(&sel("meta[charset]")).count(), 1, "{name}: charset");
    assert_eq!(page.select(&sel("meta[name=viewport]")).count(), 1, "{name}: viewport");
    let content = |n: &str| {
        page.select(&sel(&format!("meta[name={n}]"))).next().and_then(|m| m.value().attr("content").map(str::to_owned))
    };
    assert_eq!(content("author").as_deref(), meta["author"].as_str(), "{name}: author");
    assert_eq!(content("description").as_deref(), meta["subject"].as_str(), "{name}: description");

    // Self-contained, and nothing runs.
    assert_eq!(page.select(&sel("script")).count(), 0, "{name}: no <script> element");
    assert!(!raw.to_ascii_lowercase().contains("<script"), "{name}: no `<script` in the markup");
    for (s, attr) in [("link", "href"), ("img", "src"), ("iframe", "src"), ("object", "data"), ("[src]", "src")] {
        assert_eq!(
            page.select(&sel(s)).filter(|e| e.value().attr(attr).is_some()).count(),
            0,
            "{name}: no external {s}"
        );
    }
    assert!(!raw.contains("url("), "{name}: no external resources in CSS");
    let handlers = page
        .tree
        .values()
        .filter_map(|n| n.as_element())
        .flat_map(|e| e.attrs())
        .filter(|(k, _)| k.starts_with("on"))
        .count();
    assert_eq!(handlers, 0, "{name}: no event-handler attributes");

    // The skip link is the first focusable element and targets main#content.
    let focusable = sel("a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])");
    let first = page.select(&focusable).next().expect("a focusable element");
    assert_eq!(first.value().attr("href"), Some("#content"), "{name}: skip link first");
    assert_eq!(text_of(first).trim(), "Skip to content", "{name}: skip link text");
    assert_eq!(page.select(&sel("main#content")).count(), 1, "{name}: main#content");
    assert_eq!(page.select(&sel("main")).count(), 1, "{name}: one main");

    // The running header, when the report has one.
    let running: Vec<String> =
        page.select(&sel("header.running-header")).map(|e| text_of(e).trim().to_owned()).collect();
    match tree["furniture"]["header"].as_str() {
        Some(h) => assert_eq!(running, vec![h.to_owned()], "{name}: running header"),
        None => assert!(running.is_empty(), "{name}: no running header"),
    }

    // Headings: one h1, and levels never skip.
    let headings: Vec<(u8, String)> = page
        .select(&sel("h1, h2, h3, h4, h5, h6"))
        .map(|h| (h.value().name()[1..].parse().expect("level"), text_of(h)))
        .collect();
    assert_eq!(headings.iter().filter(|(l, _)| *l == 1).count(), 1, "{name}: exactly one h1: {headings:?}");
    assert_eq!(headings.first().map(|h| h.0), Some(1), "{name}: first heading is the h1");
    for w in headings.windows(2) {
        assert!(w[1].0 <= w[0].0 + 1, "{name}: heading level skipped: {:?} then {:?}", w[0], w[1]);
    }
    // Numbered headings print their number first.
    for b in tree["blocks"].as_array().expect("blocks") {
        if b["type"] == "heading" {
            if let Some(n) = b["number"].as_str() {
                let want = format!("{n} {}", b["text"].as_str().expect("text"));
                assert!(headings.iter().any(|(_, t)| *t == want), "{name}: heading `{want}`");
            }
        }
    }

    // The recommendations are a numbered list, right after their heading (in a paper whose
    // template lists them under one).
    let listed = tree["blocks"].as_array().expect("blocks").iter().any(|b| b["anchor"] == "recommendations");
    let main = page.select(&sel("main")).next().expect("main");
    let children: Vec<ElementRef> = main.children().filter_map(ElementRef::wrap).collect();
    let at = children.iter().position(|e| e.value().id() == Some("recommendations"));
    assert_eq!(at.is_some(), listed, "{name}: #recommendations where the tree has it");
    if let Some(at) = at {
        let section: Vec<&ElementRef> =
            children[at + 1..].iter().take_while(|e| !matches!(e.value().name(), "h1" | "h2")).collect();
        let ol = section
            .iter()
            .find(|e| e.value().name() == "ol")
            .unwrap_or_else(|| panic!("{name}: recommendations in an <ol>"));
        assert!(ol.select(&sel(":scope > li")).count() >= 1, "{name}: recommendations listed");
    }

    // Tables: a caption, column headers with scope, row headers with scope.
    let tables: Vec<ElementRef> = page.select(&sel("table")).collect();
    let tree_tables: Vec<&serde_json::Value> =
        tree["blocks"].as_array().expect("blocks").iter().filter(|b| b["type"] == "table").collect();
    assert_eq!(tables.len(), tree_tables.len(), "{name}: every table written");
    for (t, want) in tables.iter().zip(&tree_tables) {
        let caption: Vec<String> = t.select(&sel(":scope > caption")).map(|c| text_of(c).trim().to_owned()).collect();
        assert_eq!(caption.len(), 1, "{name}: a table without a caption");
        assert!(!caption[0].is_empty(), "{name}: empty caption");
        if let Some(c) = want["caption"].as_str() {
            assert_eq!(caption[0], c, "{name}: caption");
        }
        let th: Vec<ElementRef> = t.select(&sel("th")).collect();
        assert!(!th.is_empty(), "{name}: table `{}` has no header cells", caption[0]);
        for h in &th {
            assert!(
                matches!(h.value().attr("scope"), Some("col" | "row")),
                "{name}: <th> without scope in `{}`",
                caption[0]
            );
        }
        assert!(t.select(&sel("thead th[scope=col]")).count() >= 1, "{name}: column headers in `{}`", caption[0]);
        assert_eq!(t.select(&sel("tbody th[scope=col], thead th[scope=row]")).count(), 0, "{name}: scopes misplaced");
        let rows = t.select(&sel("tbody > tr")).count();
        assert_eq!(rows, want["rows"].as_array().expect("rows").len(), "{name}: body rows");
        // Totals are marked.
        let totals = want["rows"].as_array().expect("rows").iter().filter(|r| r["total"] == true).count();
        assert_eq!(t.select(&sel("tbody > tr.total")).count(), totals, "{name}: total rows");
    }
    // Tables whose first column is text labels have row headers there; a register numbered
    // "No." has them in its "Risk" column.
    for (t, want) in tables.iter().zip(&tree_tables) {
        let rows = want["rows"].as_array().expect("rows");
        let cell_text = |r: &serde_json::Value, c: usize| -> String {
            r["cells"][c].as_array().map_or(String::new(), |blocks| {
                blocks
                    .iter()
                    .flat_map(|b| b["content"].as_array().cloned().unwrap_or_default())
                    .map(|i| inline_text(&i))
                    .collect()
            })
        };
        let numeric = |s: &str| {
            s.chars().any(|c| c.is_ascii_digit()) && s.chars().all(|c| c.is_ascii_digit() || " ,.£%()-".contains(c))
        };
        let label_col = if rows.iter().all(|r| !cell_text(r, 0).trim().is_empty() && !numeric(&cell_text(r, 0))) {
            Some(0)
        } else if want["columns"][0]["header"] == "No." && want["columns"][1]["header"] == "Risk" {
            Some(1)
        } else {
            None
        };
        if let Some(c) = label_col {
            for (i, tr) in t.select(&sel("tbody > tr")).enumerate() {
                let cells: Vec<ElementRef> = tr.children().filter_map(ElementRef::wrap).collect();
                assert_eq!(cells[c].value().name(), "th", "{name}: row {i} of `{}` has no row header", want["caption"]);
                assert_eq!(cells[c].value().attr("scope"), Some("row"), "{name}: row header scope");
                assert_eq!(tr.select(&sel("th")).count(), 1, "{name}: one row header per row");
            }
        }
    }

    // Figures: an SVG drawn from the data, named by the alt text, with its caption.
    let figures: Vec<ElementRef> = page.select(&sel("figure")).collect();
    let tree_figures: Vec<&serde_json::Value> =
        tree["blocks"].as_array().expect("blocks").iter().filter(|b| b["type"] == "figure").collect();
    assert_eq!(figures.len(), tree_figures.len(), "{name}: every figure written");
    for (f, want) in figures.iter().zip(&tree_figures) {
        let alt = want["alt"].as_str().expect("alt");
        let svg: Vec<ElementRef> = f.select(&sel("svg")).collect();
        assert_eq!(svg.len(), 1, "{name}: one svg per figure");
        let svg = svg[0];
        assert_eq!(svg.value().attr("role"), Some("img"), "{name}: svg role");
        assert_eq!(svg.value().attr("aria-label"), Some(alt), "{name}: svg accessible name = alt");
        let svg_title = svg.children().filter_map(ElementRef::wrap).next().expect("svg content");
        assert_eq!(svg_title.value().name(), "title", "{name}: <title> first in the svg");
        assert_eq!(text_of(svg_title), alt, "{name}: svg <title> = alt");
        let caption: Vec<String> = f.select(&sel("figcaption")).map(text_of).collect();
        assert_eq!(caption, vec![want["caption"].as_str().expect("caption").to_owned()], "{name}: figcaption");
        // Drawn from the data: the labels are there as text.
        let svg_text: String = svg.select(&sel("text")).map(text_of).collect::<Vec<_>>().join("|");
        match want["chart"]["kind"].as_str() {
            Some("risk-matrix") => {
                for row in want["chart"]["bands"].as_array().expect("bands") {
                    for cell in row.as_array().expect("band row") {
                        assert!(
                            svg_text.contains(cell["label"].as_str().expect("label")),
                            "{name}: band label in matrix"
                        );
                    }
                }
                assert!(svg.select(&sel("rect")).count() >= 25, "{name}: 25 cells");
                for p in want["chart"]["points"].as_array().expect("points") {
                    let number = p["number"].to_string();
                    assert!(svg_text.split('|').any(|t| t.trim() == number), "{name}: risk {number} plotted");
                }
            }
            Some("series") => {
                for c in want["chart"]["categories"].as_array().expect("categories") {
                    assert!(svg_text.contains(c.as_str().expect("category")), "{name}: category label {c}");
                }
                for s in want["chart"]["series"].as_array().expect("series") {
                    assert!(svg_text.contains(s["name"].as_str().expect("name")), "{name}: legend entry {}", s["name"]);
                }
                assert!(svg_text.contains(want["chart"]["unit"].as_str().expect("unit")), "{name}: axis unit");
            }
            other => panic!("{name}: unknown chart kind {other:?}"),
        }
    }

    // House style and print.
    let style: String = page.select(&sel("head > style")).map(text_of).collect();
    assert!(
        style.contains("\"Liberation Sans\"") && style.contains("Arial, Helvetica, sans-serif"),
        "{name}: font stack"
    );
    assert!(style.contains("@media print"), "{name}: print stylesheet");
    assert!(style.contains("thead { display: table-header-group; }"), "{name}: repeating table headers");
    assert!(style.contains("size: 210mm 297mm;") && style.contains("margin: 25mm;"), "{name}: A4 and margins");
}

#[test]
fn every_example_report_reads_back_as_an_accessible_page() {
    let dir = tempdir();
    let files = build_html(&["inputs/"], dir.path());
    let names: Vec<String> = files.iter().map(|f| f.file_name().unwrap().to_string_lossy().into_owned()).collect();
    for want in ["highways-capital-programme.html", "land-disposal.html", "powering-our-future.html"] {
        assert!(names.iter().any(|n| n == want), "{want} built: {names:?}");
    }
    for f in &files {
        check_page(f);
    }
    // Each figure kind is covered by the examples.
    let all: String = files.iter().map(|f| read_text(f)).collect();
    assert!(all.contains("Very high") && all.contains("Likelihood"), "a risk matrix was drawn");
    assert!(all.contains("£000"), "a series chart was drawn");
}

#[test]
fn author_script_is_shown_never_run() {
    let dir = tempdir();
    let src = read_text(&root().join("inputs/highways-capital-programme.yaml"));
    let typed = "summary: |\n  <script>alert(1)</script>\n\n  Typed inline <script>alert(2)</script> & \"quoted\" <b onmouseover=x>bold?</b>.\n\n";
    let changed = src.replacen("summary: |\n", typed, 1);
    assert_ne!(src, changed, "the example's summary moved");
    std::fs::write(dir.path().join("hostile.yaml"), changed).expect("write");
    // The register, in case the example names one.
    let _ = std::fs::copy(root().join("inputs/missions.yaml"), dir.path().join("missions.yaml"));
    let out = dir.path().join("out");
    let input = dir.path().join("hostile.yaml");
    let files = build_html(&[input.to_str().expect("utf-8")], &out);
    assert_eq!(files.len(), 1);
    let raw = read_text(&files[0]);
    assert!(raw.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "the typed script is shown as text");
    assert!(
        raw.contains("&lt;script&gt;alert(2)&lt;/script&gt; &amp; \"quoted\" &lt;b onmouseover=x&gt;"),
        "inline HTML is shown as text"
    );
    assert!(!raw.to_ascii_lowercase().contains("<script"), "no script element");
    assert!(!raw.contains("<b onmouseover"), "no author markup");
    let page = Html::parse_document(&raw);
    assert_eq!(page.select(&sel("script")).count(), 0);
    assert_eq!(page.select(&sel("[onmouseover]")).count(), 0);
    let body_text: String = page.select(&sel("main p")).map(text_of).collect::<Vec<_>>().join("\n");
    assert!(body_text.contains("<script>alert(1)</script>"), "the reader sees what the author typed");
    check_page(&files[0]);
}

#[test]
fn html_output_is_byte_identical_across_builds() {
    let (a, b) = (tempdir(), tempdir());
    let fa = build_html(&["inputs/highways-capital-programme.yaml"], a.path());
    let fb = build_html(&["inputs/highways-capital-programme.yaml"], b.path());
    assert_eq!(std::fs::read(&fa[0]).unwrap(), std::fs::read(&fb[0]).unwrap());
}

/// Runs the axe-core gate on pages; returns (success, output).
pub(crate) fn axe(pages: &[PathBuf]) -> (bool, String) {
    let gate = root().join("tests/a11y/check.mjs");
    let axe_js = root().join("tests/a11y/node_modules/axe-core/axe.min.js");
    assert!(
        axe_js.is_file(),
        "axe-core is not installed ({} missing): run `npm ci --prefix tests/a11y` (and `apt-get install chromium`)",
        axe_js.display()
    );
    let out = Command::new("node")
        .arg(&gate)
        .args(pages)
        .current_dir(root())
        .output()
        .unwrap_or_else(|e| panic!("`node` is required for the accessibility gate (Debian package nodejs): {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.code() != Some(2), "the accessibility gate could not run:\n{text}");
    (out.status.success(), text)
}

#[test]
fn axe_core_finds_no_wcag_2_2_aa_violations_in_the_examples() {
    let dir = tempdir();
    let mut files = build_html(&["inputs/"], dir.path());
    assert!(files.len() >= 3, "{files:?}");
    // And the example meeting's pack index.
    let pack_dir = dir.path().join("pack");
    let o = cabrep(&[
        "pack",
        "inputs/cabinet-2024-01-18.yaml",
        "-f",
        "html",
        "-o",
        pack_dir.to_str().expect("utf-8"),
        "-q",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let index = pack_dir.join("cabinet-2024-01-18-index.html");
    assert!(index.is_file(), "pack index built");
    files.push(index);
    let (ok, text) = axe(&files);
    println!("{text}");
    assert!(ok, "axe-core found WCAG 2.2 AA violations:\n{text}");
    assert_eq!(text.matches(": 0 rule(s) violated").count(), files.len(), "every page checked:\n{text}");
    assert!(text.contains("no violations"), "{text}");
}

#[test]
fn the_axe_gate_fails_a_page_with_violations() {
    // A control: the gate is not vacuous.
    let dir = tempdir();
    let bad = dir.path().join("bad.html");
    std::fs::write(&bad, "<!doctype html><html><head><title>x</title></head><body><main><img src=\"x.png\"><p style=\"color:#bbb\">faint</p></main></body></html>").expect("write");
    let (ok, text) = axe(&[bad]);
    assert!(!ok, "the gate passed a bad page:\n{text}");
    for rule in ["image-alt", "html-has-lang", "color-contrast"] {
        assert!(text.contains(&format!("VIOLATION {rule}")), "{rule} not reported:\n{text}");
    }
}
