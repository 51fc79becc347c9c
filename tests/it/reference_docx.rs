//! A council's own Word file as the house style (`reference` in `template.toml`): the DOCX takes
//! its styles, page, header logo and footer field, and still validates and opens in LibreOffice
//! and pandoc; the PDF and HTML take its fonts, colours and margins; hostile Word files are
//! refused with the part at fault, in bounded time and memory. The Word files are written by
//! `tests/reference_docx/make_reference.py` with Python's zip library, not by cabrep.

use crate::common::*;
use crate::markdown::assert_valid_part;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// A council template folder in `dir` whose Word file is made by the fixture script (`variant`
/// makes a hostile one) and whose `template.toml` names it, mapping cabrep's heading and table
/// styles to the council's names.
fn council(dir: &Path, variant: &str) -> PathBuf {
    let folder = dir.join("council");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let script = root().join("tests/reference_docx/make_reference.py");
    let mut c = Command::new("/usr/bin/python3");
    c.arg(&script).arg(folder.join("council-template.docx"));
    if !variant.is_empty() {
        c.arg(variant);
    }
    let out = c.output().expect("python3 runs");
    assert!(out.status.success(), "fixture script: {}", String::from_utf8_lossy(&out.stderr));
    write(
        &folder,
        "template.toml",
        "extends = \"cabinet\"\n\n[reference]\nfile = \"council-template.docx\"\n\n[reference.styles]\n\
         \"heading 1\" = \"Report Heading 1\"\n\"heading 2\" = \"Report Heading 2\"\n\"Report Table\" = \"Council Table\"\n",
    );
    folder
}

/// `cabrep ARGS` from the repository root under `ulimit -v` (`mem_mb`), killed after `secs`.
fn run_capped(args: &[&str], mem_mb: u64, secs: u64) -> Output {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v {}; exec \"$0\" \"$@\"", mem_mb * 1024))
        .arg(bin())
        .args(args)
        .current_dir(root())
        .env_remove("SOURCE_DATE_EPOCH");
    run_limited(c, &format!("cabrep {args:?}"), Duration::from_secs(secs)).0
}

/// Every part of a package, by name.
fn parts(docx: &Path) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::fs::File::open(docx).expect("open")).expect("zip");
    let names: Vec<String> = z.file_names().map(str::to_owned).collect();
    names
        .into_iter()
        .map(|n| {
            let mut data = Vec::new();
            z.by_name(&n).expect("part").read_to_end(&mut data).expect("read");
            (n, data)
        })
        .collect()
}

#[test]
fn a_council_word_template_gives_the_docx_its_styles_page_header_logo_and_footer_field() {
    let dir = tempdir();
    let folder = council(dir.path(), "");
    let out = dir.path().join("out");
    let o = run_capped(
        &[
            "build",
            "inputs/highways-capital-programme.yaml",
            "--template",
            s(&folder),
            "-f",
            "docx,pdf,html",
            "-o",
            s(&out),
        ],
        4096,
        300,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    // Arial is not among the template's fonts: the PDF and HTML use its metric twin, said once per paper.
    assert!(err.contains("\"Arial\"") && err.contains("\"Liberation Sans\""), "names both fonts: {err}");

    let docx = out.join("highways-capital-programme.docx");
    let styles = docx_part(&docx, "word/styles.xml");
    let document = docx_part(&docx, "word/document.xml");
    // The council's styles travel with the document, and cabrep's paragraphs use them by name.
    assert!(styles.contains("w:styleId=\"ReportHeading1\"") && styles.contains("<w:name w:val=\"Report Heading 1\"/>"));
    assert!(styles.contains("<w:color w:val=\"005EB8\"/>"), "the council's heading colour");
    assert!(styles.contains("w:styleId=\"CouncilTable\""), "the council's table style");
    assert!(document.contains("<w:pStyle w:val=\"ReportHeading1\"/>"), "the title is in the council's heading 1");
    assert!(document.contains("<w:pStyle w:val=\"ReportHeading2\"/>"), "headings in the council's heading 2");
    assert!(document.contains("<w:tblStyle w:val=\"CouncilTable\"/>"), "tables in the council's table style");
    assert!(!document.contains("<w:pStyle w:val=\"Heading1\"/>"), "no paragraph left in cabrep's heading 1");
    // A style the council's file lacks is added from cabrep's own.
    assert!(styles.contains("w:styleId=\"TableText\"") && document.contains("<w:pStyle w:val=\"TableText\"/>"));
    // The council's list numbering is not copied, so its list style names none.
    assert!(!styles.contains("<w:numPr>"), "no numbering from the council's file");
    // The page: A4 with the council's margins.
    assert!(document.contains("w:top=\"1701\"") && document.contains("w:left=\"1134\""), "the council's margins");
    assert!(document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));

    let all = parts(&docx);
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    let header = docx_part(&docx, "word/header-reference1.xml");
    let footer = docx_part(&docx, "word/footer-reference2.xml");
    assert!(header.contains("Exampleshire Council") && header.contains("r:embed=\"rIdLogo\""), "{header}");
    assert!(footer.contains("w:instr=\" PAGE \""), "the council's PAGE field: {footer}");
    assert!(document.contains("w:headerReference") && document.contains("rIdReference1"));
    // The logo is the council's image, byte for byte.
    let logo = parts(&folder.join("council-template.docx"))
        .into_iter()
        .find(|(n, _)| n == "word/media/logo.png")
        .expect("the fixture has a logo")
        .1;
    assert!(docx_media(&docx).iter().any(|(_, d)| *d == logo), "the logo is in the package: {names:?}");
    assert!(names.contains(&"word/theme/theme1.xml"), "the council's theme: {names:?}");
    assert!(docx_part(&docx, "word/fontTable.xml").contains("w:name=\"Arial\""));
    // Word's link to the file the template came from is outside the package: never copied.
    for (n, d) in &all {
        let t = String::from_utf8_lossy(d);
        assert!(!t.contains("Exampleshire.dotm") && !t.contains("attachedTemplate"), "{n} links outside");
    }
    for part in ["word/document.xml", "word/styles.xml", "word/header-reference1.xml", "word/footer-reference2.xml"] {
        assert_valid_part(&docx, part);
    }

    // pandoc reads it.
    assert!(pandoc_text(&docx).contains("Highways"), "pandoc reads the text");
    // LibreOffice opens it and prints the council's header on the page.
    let lo_text = squash(&pdf_text(&libreoffice_pdf(&docx, dir.path())));
    assert!(lo_text.contains("Exampleshire Council"), "the council's header: {lo_text}");
    assert!(lo_text.contains("Exampleshire Council · Page 1"), "the footer's PAGE field: {lo_text}");

    // The PDF is set in Arial's metric twin; the HTML uses the council's heading colour.
    let fonts = poppler("pdffonts", &[s(&out.join("highways-capital-programme.pdf"))]);
    assert!(fonts.contains("LiberationSans"), "{fonts}");
    let html = read_text(&out.join("highways-capital-programme.html"));
    assert!(html.to_ascii_lowercase().contains("#005eb8"), "the heading colour in the HTML");
}

#[test]
fn an_exempt_papers_not_for_publication_header_is_added_to_the_councils_header() {
    let dir = tempdir();
    let folder = council(dir.path(), "");
    let out = dir.path().join("out");
    let o = run_capped(
        &["build", "inputs/land-disposal.yaml", "--template", s(&folder), "-f", "docx", "-o", s(&out)],
        4096,
        120,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let header = docx_part(&out.join("land-disposal.docx"), "word/header-reference1.xml");
    assert!(header.contains("Exampleshire Council"), "the council's header");
    assert!(header.contains("NOT FOR PUBLICATION"), "the exempt marking is kept: {header}");
    assert_valid_part(&out.join("land-disposal.docx"), "word/header-reference1.xml");
}

/// Building with a hostile Word file fails as a broken template does (exit 3), naming the part
/// (`needles`), within 60 s and 1 GB of address space, writing nothing.
fn assert_refused(variant: &str, needles: &[&str]) {
    let dir = tempdir();
    let folder = council(dir.path(), variant);
    let out = dir.path().join("out");
    let o = run_capped(
        &["build", "inputs/highways-capital-programme.yaml", "--template", s(&folder), "-f", "docx", "-o", s(&out)],
        1024,
        60,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{variant}: {err}");
    for n in needles {
        assert!(err.contains(n), "{variant}: names `{n}`: {err}");
    }
    assert!(err.contains("council-template.docx"), "{variant}: names the file: {err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(files_in(&out).is_empty(), "nothing written");
}

#[test]
fn a_reference_that_is_not_a_zip_is_refused() {
    assert_refused("not-zip", &["not a zip package"]);
}

#[test]
fn a_reference_without_a_styles_part_is_refused_naming_the_document_part() {
    assert_refused("no-styles", &["word/document.xml", "no styles part"]);
}

#[test]
fn a_reference_carrying_macros_is_refused_and_nothing_of_it_copied() {
    assert_refused("macro", &["word/vbaProject.bin", "macro"]);
}

#[test]
fn a_reference_header_image_linked_from_outside_the_package_is_refused() {
    assert_refused("external-header-link", &["word/header1.xml", "rIdLogo", "outside the package"]);
}

#[test]
fn a_reference_header_image_of_3_6_billion_pixels_is_refused_from_its_header() {
    assert_refused("huge-image", &["word/media/logo.png", "60000 × 60000"]);
}

#[test]
fn a_reference_styles_part_inflating_to_200_mb_is_refused_in_bounded_memory() {
    assert_refused("zip-bomb", &["word/styles.xml", "decompresses to"]);
}

#[test]
fn a_docm_reference_is_refused_by_its_name() {
    let dir = tempdir();
    let folder = council(dir.path(), "");
    std::fs::rename(folder.join("council-template.docx"), folder.join("council-template.docm")).expect("rename");
    write(&folder, "template.toml", "extends = \"cabinet\"\nreference = \"council-template.docm\"\n");
    let out = dir.path().join("out");
    let o = run_capped(
        &["build", "inputs/highways-capital-programme.yaml", "--template", s(&folder), "-f", "docx", "-o", s(&out)],
        1024,
        60,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("council-template.docm") && err.contains("not a .docx or .dotx"), "{err}");
    assert!(files_in(&out).is_empty());
}

#[test]
fn a_reference_style_name_the_word_file_lacks_is_refused_naming_it() {
    let dir = tempdir();
    let folder = council(dir.path(), "");
    write(
        &folder,
        "template.toml",
        "extends = \"cabinet\"\n[reference]\nfile = \"council-template.docx\"\n[reference.styles]\n\"heading 1\" = \"Big Title\"\n",
    );
    let out = dir.path().join("out");
    let o = run_capped(
        &["build", "inputs/highways-capital-programme.yaml", "--template", s(&folder), "-f", "docx", "-o", s(&out)],
        1024,
        60,
    );
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(3), "{err}");
    assert!(err.contains("Big Title") && err.contains("no style named"), "{err}");
}

#[test]
fn template_new_from_a_word_file_writes_a_folder_that_builds_and_template_check_reports_the_mapping() {
    let dir = tempdir();
    let src = council(dir.path(), "");
    let made = dir.path().join("made");
    let o = cabrep(&["template", "new", s(&made), "--from", s(&src.join("council-template.docx"))]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let toml = read_text(&made.join("template.toml"));
    assert!(toml.contains("extends = \"cabinet\"") && toml.contains("file = \"council-template.docx\""), "{toml}");
    // Without the style names mapped, the colour is that of the council's "heading 3".
    assert!(toml.contains("heading colour #1f3864"), "says what it read: {toml}");
    assert!(made.join("council-template.docx").is_file());
    // An existing folder is never written into.
    let again = cabrep(&["template", "new", s(&made), "--from", s(&src.join("council-template.docx"))]);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));

    let c = cabrep(&["template", "check", s(&made)]);
    let err = stderr(&c);
    assert_eq!(c.status.code(), Some(0), "{err}");
    assert!(err.contains("\"heading 3\" → the Word file's \"heading 3\""), "{err}");
    assert!(err.contains("\"Table Text\" → added from cabrep's own"), "{err}");
    assert!(err.contains("1 header(s), 1 footer(s), 1 image(s)"), "{err}");

    let out = dir.path().join("out");
    let b = run_capped(
        &["build", "inputs/highways-capital-programme.yaml", "--template", s(&made), "-f", "docx", "-o", s(&out)],
        4096,
        120,
    );
    assert_eq!(b.status.code(), Some(0), "{}", stderr(&b));
    assert_valid_part(&out.join("highways-capital-programme.docx"), "word/styles.xml");
}

#[test]
fn template_new_refuses_a_word_file_with_macros_and_writes_nothing() {
    let dir = tempdir();
    let src = council(dir.path(), "macro");
    let made = dir.path().join("made");
    let o = cabrep(&["template", "new", s(&made), "--from", s(&src.join("council-template.docx"))]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("word/vbaProject.bin"), "{err}");
    assert!(!made.exists(), "nothing written");
}
