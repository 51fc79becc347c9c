//! The Markdown an officer writes, in all three formats: block quotes (and the template's
//! callout box), footnotes, headings below `###`, strikethrough, and the located warnings for
//! what is not kept (raw HTML, a horizontal rule, a footnote without text). The input is
//! `tests/markdown/constructs.yaml`; each format is read back with an independent reader
//! (an XML parser and the OOXML schemas for DOCX, pikepdf for the PDF's structure tree).

use std::path::Path;
use std::process::Command;

use crate::common::*;

const INPUT: &str = "tests/markdown/constructs.yaml";

/// Builds the test input into a fresh folder, with the given template folder if any; returns
/// the folder and what the build printed on stderr.
fn build(template: Option<&Path>) -> (tempfile::TempDir, String) {
    let dir = tempdir();
    let mut args = vec!["build", INPUT, "-f", "html,docx,pdf,tree", "-o", s(dir.path())];
    if let Some(t) = template {
        args.extend(["--template", s(t)]);
    }
    let out = cabrep(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    (dir, stderr(&out))
}

/// The cabinet template with `extra` added at the end of its template.toml.
fn template_with(extra: &str) -> tempfile::TempDir {
    let dir = tempdir();
    let from = root().join("templates/cabinet");
    std::fs::create_dir(dir.path().join("fonts")).expect("mkdir fonts");
    for name in ["template.toml", "report.typ"] {
        std::fs::copy(from.join(name), dir.path().join(name)).expect("copy template");
    }
    for font in std::fs::read_dir(from.join("fonts")).expect("fonts") {
        let font = font.expect("font").path();
        std::fs::copy(&font, dir.path().join("fonts").join(font.file_name().expect("name"))).expect("copy font");
    }
    let toml = dir.path().join("template.toml");
    let text = std::fs::read_to_string(&toml).expect("read toml") + "\n" + extra;
    std::fs::write(&toml, text).expect("write toml");
    dir
}

/// The structure elements of a tagged PDF, in reading order, as `Type` or `Type[Alt]` (read with
/// pikepdf).
pub fn structure(pdf: &Path) -> Vec<String> {
    let script = r#"
import sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
out = []
def walk(n):
    if isinstance(n, pikepdf.Dictionary):
        if '/S' in n:
            alt = n.get('/Alt')
            out.append(str(n.S)[1:] + ('[' + str(alt) + ']' if alt is not None else ''))
        k = n.get('/K')
        if k is not None:
            walk(k)
    elif isinstance(n, pikepdf.Array):
        for x in n:
            walk(x)
walk(pdf.Root.StructTreeRoot)
print('\n'.join(out))
"#;
    pikepdf_script(script, pdf).lines().map(str::to_owned).collect()
}

/// Checks one WordprocessingML part against the OOXML schemas (`tests/ooxml-xsd/`), as Word reads it: the namespaces it ignores (`mc:Ignorable`) are left out
/// first. A missing xmllint (Debian package libxml2-utils) or schema folder fails the test.
pub fn assert_valid_part(docx: &Path, part: &str) {
    let mut xml = docx_part(docx, part);
    let ignorable: Vec<String> = xml
        .split("mc:Ignorable=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(|l| l.split_whitespace().map(str::to_owned).collect())
        .unwrap_or_default();
    xml = xml.replacen(&format!(" mc:Ignorable=\"{}\"", ignorable.join(" ")), "", 1);
    for prefix in &ignorable {
        xml = strip_markup(&xml, &format!(" {prefix}:"), "\"", 2);
        xml = strip_markup(&xml, &format!("<{prefix}:"), "/>", 1);
    }
    assert_xml_valid(part, &xml, "wordml-all.xsd");
}

/// Removes every stretch from `lead` to the `n`th `end` after it (an attribute ` w14:x="…"`
/// ends at its second quote; an empty element `<w14:x …/>` at its first `/>`).
fn strip_markup(xml: &str, lead: &str, end: &str, n: usize) -> String {
    let mut xml = xml.to_owned();
    while let Some(i) = xml.find(lead) {
        let mut at = i + lead.len();
        for _ in 0..n {
            at += xml[at..].find(end).expect("markup closes") + end.len();
        }
        xml.replace_range(i..at, "");
    }
    xml
}

#[test]
fn html_has_quotes_struck_text_deeper_headings_and_linked_endnotes() {
    let (dir, _) = build(None);
    let html = read_text(&dir.path().join("constructs.html"));
    assert_in_order(
        &html,
        &[
            "Five offers were received.<sup class=\"note-ref\"><a href=\"#note-1\" id=\"note-ref-1\" role=\"doc-noteref\"",
            "<blockquote>\n<p>The offer represents the best consideration",
            "</blockquote>",
            "<h3>Terms</h3>",
            "<del>£1,200,000</del> £1,234,567.",
            "href=\"#note-2\"",
            "<h4>Conditions</h4>",
            "<section class=\"endnotes\" role=\"doc-endnotes\"",
            "<li id=\"note-1\">Evaluated by the Council's agents, November 2023. <a href=\"#note-ref-1\" role=\"doc-backlink\"",
            "<li id=\"note-2\">Revised after the second round of bids.",
            "</section>\n</main>",
        ],
    );
    // The notes and their links pass the accessibility gate (axe-core, WCAG 2.2 AA).
    let gate = Command::new("node")
        .arg(root().join("tests/a11y/check.mjs"))
        .arg(dir.path().join("constructs.html"))
        .current_dir(root())
        .output()
        .expect("`node` is required for the accessibility gate (Debian package nodejs)");
    let said = format!("{}{}", String::from_utf8_lossy(&gate.stdout), String::from_utf8_lossy(&gate.stderr));
    assert!(gate.status.success(), "accessibility gate:\n{said}");
    // What is not kept is shown as typed, never interpreted or dropped.
    assert!(html.contains("missing note[^nowhere] stays"), "undefined footnote printed as typed");
    assert!(html.contains("Some &lt;b&gt;raw HTML&lt;/b&gt;"), "raw HTML escaped");
}

#[test]
fn docx_has_real_footnotes_with_separators_struck_runs_and_quote_style() {
    let (dir, _) = build(None);
    let docx = dir.path().join("constructs.docx");
    let doc = docx_part(&docx, "word/document.xml");
    assert!(doc.contains("<w:footnoteReference w:id=\"1\"/>"), "first note referenced");
    assert!(doc.contains("<w:footnoteReference w:id=\"2\"/>"), "second note referenced");
    assert!(doc.contains("<w:pStyle w:val=\"Quote\"/>"), "the quotation in the Quote style");
    assert!(doc.contains("<w:pStyle w:val=\"Heading4\"/>"), "#### is a level-4 heading");
    let struck = doc.split("<w:strike/>").nth(1).expect("a struck run");
    assert!(struck.split("</w:r>").next().expect("run").contains("£1,200,000"), "the struck run holds the old figure");

    let notes = docx_part(&docx, "word/footnotes.xml");
    assert_in_order(
        &notes,
        &[
            "<w:footnote w:type=\"separator\" w:id=\"-1\">",
            "<w:separator/>",
            "<w:footnote w:type=\"continuationSeparator\" w:id=\"0\">",
            "<w:continuationSeparator/>",
            "<w:footnote w:id=\"1\">",
            "<w:footnoteRef/>",
            "Evaluated by the Council",
            "<w:footnote w:id=\"2\">",
            "Revised after the second round of bids.",
        ],
    );
    let settings = docx_part(&docx, "word/settings.xml");
    assert!(settings.contains("<w:footnotePr><w:footnote w:id=\"-1\"/><w:footnote w:id=\"0\"/></w:footnotePr>"));
    let styles = docx_part(&docx, "word/styles.xml");
    for style in ["Quote", "FootnoteText", "FootnoteReference", "Heading4"] {
        assert!(styles.contains(&format!("w:styleId=\"{style}\"")), "style {style} defined");
    }
    for part in ["word/document.xml", "word/footnotes.xml", "word/settings.xml", "word/styles.xml"] {
        assert_valid_part(&docx, part);
    }
}

#[test]
fn pdf_tags_the_quote_as_block_quote_and_the_footnotes_as_notes() {
    let (dir, _) = build(None);
    let pdf = dir.path().join("constructs.pdf");
    let tags = structure(&pdf);
    assert_eq!(tags.iter().filter(|t| *t == "BlockQuote").count(), 1, "{tags:?}");
    assert_eq!(tags.iter().filter(|t| *t == "Note").count(), 2, "{tags:?}");
    assert_in_order(&tags.join("\n"), &["H3", "H4"]);
    let text = squash(&pdf_text(&pdf));
    assert!(text.contains("Evaluated by the Council's agents, November 2023."), "{text}");
    assert!(text.contains("£1,200,000 £1,234,567.2"), "struck figure kept, note 2 marked: {text}");
}

#[test]
fn what_is_not_kept_gets_a_warning_naming_file_line_and_construct() {
    let (_, err) = build(None);
    for (at, what) in [
        ("constructs.yaml:49:36: warning", "the footnote `[^nowhere]` has no text"),
        ("constructs.yaml:51:12: warning", "raw HTML `<b>` is not supported"),
        ("constructs.yaml:51:23: warning", "raw HTML `</b>` is not supported"),
        ("constructs.yaml:53:7: warning", "a horizontal rule (`---`) is not supported"),
    ] {
        let line = err.lines().find(|l| l.contains(at)).unwrap_or_else(|| panic!("no warning at {at}:\n{err}"));
        assert!(line.contains(what), "{line}");
    }
}

#[test]
fn the_template_can_show_quotes_as_callouts_and_limit_heading_depth() {
    let t = template_with("[markdown]\nquote = \"callout\"\nheading_depth = 3\n");
    let (dir, err) = build(Some(t.path()));
    let html = read_text(&dir.path().join("constructs.html"));
    assert!(html.contains("<aside class=\"callout\">\n<p>The offer represents"), "callout box");
    assert!(!html.contains("<blockquote>"));
    assert!(html.contains("<h3>Conditions</h3>"), "#### printed at the template's depth");
    let line = err.lines().find(|l| l.contains("constructs.yaml:45:7: warning")).unwrap_or_else(|| panic!("{err}"));
    assert!(line.contains("a level-4 heading (`####`)"), "{line}");
    let docx = dir.path().join("constructs.docx");
    assert!(docx_part(&docx, "word/document.xml").contains("<w:pStyle w:val=\"Callout\"/>"));
    let tags = structure(&dir.path().join("constructs.pdf"));
    assert!(!tags.iter().any(|t| t == "BlockQuote" || t == "H4"), "{tags:?}");
}

#[test]
fn a_heading_depth_outside_three_to_six_is_a_template_error() {
    let t = template_with("[markdown]\nheading_depth = 7\n");
    let out = cabrep(&["build", INPUT, "-f", "html", "-o", s(tempdir().path()), "--template", s(t.path())]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("markdown.heading_depth is 7; it must be 3 to 6"), "{}", stderr(&out));
}
