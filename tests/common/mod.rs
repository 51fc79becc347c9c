//! Helpers shared by the integration tests: running the binary, reading outputs with
//! independent readers (unzip + XML parser for DOCX, poppler for PDF).

#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `cabrep` with arguments, from the repository root.
pub fn cabrep(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cabrep"))
        .args(args)
        .current_dir(root())
        .env_remove("SOURCE_DATE_EPOCH")
        .output()
        .expect("run cabrep")
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs a poppler tool; a missing tool fails the test loudly (never a silent skip).
pub fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{tool}` is required for this test (Debian package poppler-utils): {e}"));
    assert!(out.status.success(), "{tool} {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The text of a PDF, as `pdftotext` reads it (reading order, no layout).
pub fn pdf_text(pdf: &Path) -> String {
    poppler("pdftotext", &[pdf.to_str().expect("utf-8 path"), "-"])
}

/// One part of a DOCX (a zip) as text.
pub fn docx_part(docx: &Path, part: &str) -> String {
    let f = std::fs::File::open(docx).expect("open docx");
    let mut z = zip::ZipArchive::new(f).expect("docx is a zip");
    let mut s = String::new();
    z.by_name(part).unwrap_or_else(|_| panic!("{part} in docx")).read_to_string(&mut s).expect("read part");
    s
}

/// The pictures of a DOCX (`word/media/*`), by part name, in name order.
pub fn docx_media(docx: &Path) -> Vec<(String, Vec<u8>)> {
    let f = std::fs::File::open(docx).expect("open docx");
    let mut z = zip::ZipArchive::new(f).expect("docx is a zip");
    let mut names: Vec<String> = z.file_names().filter(|n| n.starts_with("word/media/")).map(str::to_owned).collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let mut data = Vec::new();
            z.by_name(&n).expect("listed part").read_to_end(&mut data).expect("read part");
            (n, data)
        })
        .collect()
}

/// The visible text of a WordprocessingML part (all `w:t` runs, paragraphs on their own lines).
pub fn docx_text(xml: &str) -> String {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    let mut out = String::new();
    for p in doc.descendants().filter(|n| n.tag_name().name() == "p") {
        for t in p.descendants().filter(|n| n.tag_name().name() == "t") {
            out.push_str(t.text().unwrap_or(""));
        }
        out.push('\n');
    }
    out
}

/// Asserts that `needles` appear in `hay` in this order.
pub fn assert_in_order(hay: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        match hay[from..].find(n) {
            Some(i) => from += i + n.len(),
            None => panic!("`{n}` not found (in order) after byte {from}; text was:\n{}", &hay[..hay.len().min(4000)]),
        }
    }
}

/// A fresh temporary folder.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("tempdir")
}

/// Collapses runs of whitespace to one space (PDF text extraction breaks lines).
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Removes all white space.
pub fn nospace(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}
