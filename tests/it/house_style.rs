//! A council's Word template made by an independent tool (python-docx) is the house style of all
//! three formats: the DOCX carries its styles, header logo, footer field and first-page and
//! even-page headers and footers, and the whole package validates against the OOXML schemas and
//! opens in LibreOffice and pandoc; the PDF is set in the fonts metric-compatible with the Word
//! file's, on its page and margins, with its logo; the HTML has the same font stack, heading
//! colour and logo, and axe finds nothing. A template without a Word file is untouched.

use crate::common::*;
use crate::markdown::assert_valid_part;

use std::path::{Path, PathBuf};
use std::process::Command;

const LOGO_ALT: &str = "Example Borough Council logo";

/// A template folder in `dir` whose Word file python-docx writes, mapping cabrep's headings to
/// the council's style names; returns it and the logo's bytes.
fn council(dir: &Path) -> (PathBuf, Vec<u8>) {
    let folder = dir.join("council");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let docx = folder.join("council.docx");
    let o = Command::new("/usr/bin/python3")
        .arg(root().join("tests/hostile/house_style/make_word_template.py"))
        .arg(&docx)
        .output()
        .expect("python3 runs");
    assert!(
        o.status.success(),
        "python-docx (Debian package python3-docx) writes the Word template: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let logo = std::fs::read(folder.join("council.docx.logo.png")).expect("the logo");
    write(
        &folder,
        "template.toml",
        &format!(
            "extends = \"cabinet\"\n\n[council]\nname = \"Example Borough Council\"\nlogo_alt = \"{LOGO_ALT}\"\n\n\
             [reference]\nfile = \"council.docx\"\n\n[reference.styles]\n\"heading 1\" = \"Report Heading 1\"\n\
             \"heading 2\" = \"Report Heading 2\"\n\"heading 3\" = \"Report Heading 3\"\n"
        ),
    );
    (folder, logo)
}

/// The words of a PDF's page as `pdftotext -bbox` places them: (xMin, yMin, xMax, yMax) in points.
fn word_boxes(pdf: &Path, page: u32) -> Vec<[f64; 4]> {
    let p = page.to_string();
    let html = poppler("pdftotext", &["-bbox", "-f", &p, "-l", &p, s(pdf), "-"]);
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| {
            let v = |k: &str| -> f64 {
                let at = l.find(&format!("{k}=\"")).expect("coordinate") + k.len() + 2;
                l[at..].split('"').next().expect("value").parse().expect("number")
            };
            [v("xMin"), v("yMin"), v("xMax"), v("yMax")]
        })
        .collect()
}

const MM: f64 = 72.0 / 25.4;

#[test]
fn a_word_template_made_by_python_docx_is_the_house_style_of_the_docx_pdf_and_html() {
    let dir = tempdir();
    let (folder, logo) = council(dir.path());
    let out = dir.path().join("out");
    let o = cabrep(&[
        "build",
        "inputs/highways-capital-programme.yaml",
        "--template",
        s(&folder),
        "-f",
        "docx,pdf,html",
        "-o",
        s(&out),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "{err}");
    // Neither Calibri nor Cambria is among the template's fonts: each is mapped, with a warning naming both.
    assert!(err.contains("\"Calibri\"") && err.contains("\"Carlito\""), "{err}");
    assert!(err.contains("\"Cambria\"") && err.contains("\"Caladea\""), "{err}");

    // DOCX: the council's styles, header logo, footer field, first-page and even-page furniture.
    let docx = out.join("highways-capital-programme.docx");
    let styles = docx_part(&docx, "word/styles.xml");
    let document = docx_part(&docx, "word/document.xml");
    let settings = docx_part(&docx, "word/settings.xml");
    assert!(styles.contains("<w:name w:val=\"Report Heading 1\"/>") && styles.contains("7B2C83"), "{styles}");
    assert!(styles.contains("w:ascii=\"Calibri\""), "the council's body font stays in the DOCX");
    assert!(document.contains("<w:pStyle w:val=\"ReportHeading1\"/>"), "the title is in the council's heading");
    assert!(document.contains("<w:pStyle w:val=\"ReportHeading2\"/>"), "headings are in the council's heading 2");
    assert!(document.contains("w:top=\"1701\"") && document.contains("w:left=\"1587\""), "the council's margins");
    assert!(docx_media(&docx).iter().any(|(_, d)| *d == logo), "the logo, byte for byte");
    for which in ["default", "first", "even"] {
        assert!(document.contains(&format!("<w:headerReference w:type=\"{which}\"")), "{which} header");
        assert!(document.contains(&format!("<w:footerReference w:type=\"{which}\"")), "{which} footer");
    }
    assert!(document.contains("<w:titlePg/>"), "the first page has its own header");
    assert!(settings.contains("<w:evenAndOddHeaders/>"), "even pages have their own: {settings}");
    let header = docx_part(&docx, "word/header-reference1.xml");
    assert!(header.contains("r:embed="), "the logo is in the default header: {header}");
    assert!(docx_part(&docx, "word/footer-reference2.xml").contains(" PAGE "), "the footer's PAGE field");

    // The whole package validates against the OOXML schemas.
    let z = zip::ZipArchive::new(std::fs::File::open(&docx).expect("open")).expect("zip");
    let names: Vec<String> = z.file_names().map(str::to_owned).collect();
    let mut checked = 0;
    for n in &names {
        if n.starts_with("word/") && n.ends_with(".xml") && !n.contains("/_rels/") {
            assert_valid_part(&docx, n);
            checked += 1;
        } else if n.ends_with(".rels") {
            assert_xml_valid(n, &docx_part(&docx, n), "opc-xsd/opc-relationships.xsd");
            checked += 1;
        }
    }
    assert_xml_valid("[Content_Types].xml", &docx_part(&docx, "[Content_Types].xml"), "opc-xsd/opc-contentTypes.xsd");
    assert_xml_valid("docProps/core.xml", &docx_part(&docx, "docProps/core.xml"), "opc-xsd/opc-coreProperties.xsd");
    assert_xml_valid(
        "docProps/app.xml",
        &docx_part(&docx, "docProps/app.xml"),
        "shared-documentPropertiesExtended.xsd",
    );
    assert!(checked >= 20, "every XML part checked: {names:?}");

    // pandoc reads it; LibreOffice opens it and prints each page's own header and footer.
    assert!(pandoc_text(&docx).contains("Highways"), "pandoc reads the text");
    let lo_pdf = libreoffice_pdf(&docx, dir.path());
    let lo_text = squash(&pdf_text(&lo_pdf));
    for needle in ["First page header", "First page footer", "Even page header", "Even page footer, page 2"] {
        assert!(lo_text.contains(needle), "LibreOffice prints `{needle}`: {lo_text}");
    }
    assert!(lo_text.contains("Example Borough Council, page 3"), "the default footer's PAGE field: {lo_text}");
    assert!(poppler("pdfimages", &["-list", s(&lo_pdf)]).contains("image     120    40"), "LibreOffice shows the logo");

    // PDF: Carlito and Caladea, A4, the council's left and right margins and its logo on every page.
    let pdf = out.join("highways-capital-programme.pdf");
    let fonts = poppler("pdffonts", &[s(&pdf)]);
    assert!(fonts.contains("+Carlito") && fonts.contains("+Caladea-Bold"), "{fonts}");
    assert!(!fonts.contains("LiberationSans"), "{fonts}");
    let info = poppler("pdfinfo", &[s(&pdf)]);
    assert!(info.contains("595.3 x 841.9 pts (A4)"), "A4: {info}");
    let pages: u32 =
        info.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|v| v.trim().parse().ok()).expect("page count");
    let words = word_boxes(&pdf, 2);
    let left = words.iter().map(|w| w[0]).fold(f64::MAX, f64::min);
    let right = words.iter().map(|w| w[2]).fold(0.0, f64::max);
    assert!((left - 28.0 * MM).abs() < 1.5, "text starts at the 28 mm left margin: {left} pt");
    assert!(right <= 595.28 - 18.0 * MM + 0.5 && right > 595.28 - 18.0 * MM - 40.0, "18 mm right margin: {right} pt");
    let list = poppler("pdfimages", &["-list", s(&pdf)]);
    let logos = list.lines().filter(|l| l.contains("image     120    40")).count();
    assert_eq!(logos as u32, pages, "the logo on every page: {list}");

    // HTML: the same font stack, the council's heading colour and its logo, and axe finds nothing.
    let html_file = out.join("highways-capital-programme.html");
    let html = read_text(&html_file);
    assert!(html.contains("font-family: \"Carlito\", "), "the body font stack");
    assert!(html.contains("h1, h2, h3, h4, h5, h6 { font-family: \"Caladea\", "), "the heading font");
    assert!(html.contains("color: #7b2c83"), "the heading colour");
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&logo);
    assert!(
        html.contains(&format!("<header class=\"logo\"><img src=\"data:image/png;base64,{b64}\" alt=\"{LOGO_ALT}\"")),
        "the logo with its alt text at the top of the page"
    );
    let (clean, found) = crate::html::axe(&[html_file]);
    assert!(clean, "axe-core: {found}");
}

#[test]
fn a_template_without_a_word_file_gives_the_writers_no_heading_font_margins_or_logo() {
    let dir = tempdir();
    let o = cabrep(&["build", "inputs/highways-capital-programme.yaml", "-f", "tree,html", "-o", s(dir.path())]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let tree: serde_json::Value =
        serde_json::from_str(&read_text(&dir.path().join("highways-capital-programme.tree.json"))).expect("tree");
    let style = tree["style"].as_object().expect("style");
    for key in ["heading_font", "margins_mm", "logo"] {
        assert!(!style.contains_key(key), "{key} is not in the tree: {style:?}");
    }
    let html = read_text(&dir.path().join("highways-capital-programme.html"));
    assert!(!html.contains("class=\"logo\""), "no logo");
}
