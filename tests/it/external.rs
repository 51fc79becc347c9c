//! The outputs opened by the tools people use: LibreOffice and pandoc read the DOCX; poppler
//! reads the PDF. These tools are required (CI installs them); a missing one fails the test.

use crate::common::*;
use std::process::Command;

fn build(dir: &std::path::Path) {
    let out = cabrep(&["build", "inputs/powering-our-future.yaml", "-q", "-o", dir.to_str().expect("utf-8")]);
    assert!(out.status.success(), "{}", stderr(&out));
}

fn tool(name: &str) -> Command {
    let probe = Command::new(name).arg("--version").output();
    assert!(probe.is_ok(), "`{name}` is required for this test (CI installs it)");
    Command::new(name)
}

#[test]
fn libreoffice_converts_the_docx_and_its_text_matches() {
    let dir = tempdir();
    build(dir.path());
    let profile = dir.path().join("lo-profile");
    let out = tool("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path().join("lo"))
        .arg(dir.path().join("powering-our-future.docx"))
        .output()
        .expect("run soffice");
    assert!(out.status.success(), "LibreOffice failed: {}", String::from_utf8_lossy(&out.stderr));
    let pdf = dir.path().join("lo/powering-our-future.pdf");
    assert!(pdf.exists(), "LibreOffice wrote a PDF: {}", String::from_utf8_lossy(&out.stdout));
    let text = squash(&pdf_text(&pdf));
    assert_in_order(
        &text,
        &[
            "AGENDA ITEM",
            "Powering Our Future – Programme Update",
            "SUMMARY",
            "Cabinet is recommended to:",
            "Agree the draft Mission Statement and Council Missions set out at Sections 2 & 3",
            "1. Introduction",
            "8. Regeneration Powering Our Future",
            "RISK ASSESSMENT",
            "Name of Contact Officer: Geraldine Brown",
        ],
    );
    // LibreOffice numbers the pages from the footer fields.
    assert!(text.contains("Page 1 of"), "footer fields evaluated");
    let info = poppler("pdfinfo", &[pdf.to_str().expect("utf-8")]);
    assert!(info.contains("Page size:       595"), "A4 kept: {info}");
}

#[test]
fn pandoc_reads_the_docx_headings_and_lists() {
    let dir = tempdir();
    build(dir.path());
    let out = tool("pandoc")
        .args(["-f", "docx", "-t", "markdown-smart", "--wrap=none"])
        .arg(dir.path().join("powering-our-future.docx"))
        .output()
        .expect("run pandoc");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("# Powering Our Future – Programme Update"), "title is a heading:\n{md}");
    assert!(md.contains("## SUMMARY"), "SUMMARY is a level-2 heading");
    assert!(md.contains("## 1. Introduction"), "numbered sections are headings");
    assert!(md.contains("### Employee Survey Results"), "sub-headings are level 3");
    assert!(
        md.lines().any(|l| l.starts_with("1.  Agree the draft Mission Statement")),
        "recommendations are a numbered list:\n{md}"
    );
    // pandoc writes a mailto link whose text is the address as an autolink.
    assert!(md.contains("<Gerladine.brown@stockton.gov.uk>"), "mailto link:\n{md}");
}
