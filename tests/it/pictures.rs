//! Pictures an author places from files beside the paper (`![alt](images/map.png "Caption")`):
//! PNG, JPEG and SVG, shown in every format with the alt text as the picture's alternative, and
//! refused at their line when the file is missing, unreadable, not an image or outside the
//! paper's folder. Each format is read back with an independent reader: the HTML with an HTML
//! parser and axe-core, the DOCX's XML against the OOXML schemas and with pandoc, the PDF with
//! poppler's `pdfimages` and the structure reader.

use crate::common::*;
use crate::html::{axe, sel, text_of};
use crate::markdown::{assert_valid_part, structure};
use crate::screen_reader::read_structure;
use std::path::Path;
use std::process::Command;

const PAPER: &str = "tests/pictures/paper.yaml";
const HUBS: &str = "A map of South Tees with the four hubs marked at Thornaby, Stockton, Billingham and Middlesbrough";
const THORNABY: &str = "The front of the Thornaby hub, a two-storey brick building";
const LOGO: &str = "The LiveWell South Tees logo, a green circle";

/// The paper in `dir`, with its four image files under `images/`.
fn paper_with_images(dir: &Path) -> std::path::PathBuf {
    let images = dir.join("images");
    std::fs::create_dir_all(&images).expect("mkdir");
    // A drawing in two flat colours, a photograph-like gradient larger than a page is wide, a
    // logo and a thin divider.
    let hubs =
        image::RgbImage::from_fn(
            800,
            500,
            |x, _| if x < 400 { image::Rgb([0, 90, 200]) } else { image::Rgb([220, 40, 40]) },
        );
    hubs.save(images.join("hubs.png")).expect("hubs.png");
    let photo = image::RgbImage::from_fn(1600, 1200, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
    photo.save_with_format(images.join("thornaby.jpg"), image::ImageFormat::Jpeg).expect("thornaby.jpg");
    write(
        &images,
        "logo.svg",
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120"><circle cx="60" cy="60" r="50" fill="#2e7d32"/></svg>"##,
    );
    image::GrayImage::from_pixel(600, 10, image::Luma([120])).save(images.join("divider.png")).expect("divider.png");
    let paper = dir.join("paper.yaml");
    std::fs::copy(root().join(PAPER), &paper).expect("copy paper");
    paper
}

fn build(paper: &Path, out: &Path, formats: &str) -> std::process::Output {
    cabrep(&["build", s(paper), "-f", formats, "-o", s(out)])
}

#[test]
fn pictures_are_shown_in_every_format_with_their_alt_text() {
    let dir = tempdir();
    let paper = paper_with_images(dir.path());
    let out_dir = dir.path().join("out");
    let out = build(&paper, &out_dir, "pdf,docx,html,tree");
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // The decorative one is shown, with a warning at its line.
    assert!(
        err.contains("paper.yaml:28:11: warning: sections[0].body: the picture `images/divider.png` has no alt text"),
        "{err}"
    );

    // HTML: each picture an <img> carried inline, with its alt text; the caption is the figure's.
    let html_path = out_dir.join("paper.html");
    let page = scraper::Html::parse_document(&read_text(&html_path));
    let imgs: Vec<(String, String)> = page
        .select(&sel("main img"))
        .map(|e| (e.value().attr("alt").unwrap_or("?").to_owned(), e.value().attr("src").unwrap_or("").to_owned()))
        .collect();
    let alts: Vec<&str> = imgs.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(alts, [HUBS, THORNABY, LOGO, ""]);
    let kinds: Vec<&str> = imgs.iter().map(|(_, src)| src.split(";base64,").next().unwrap_or("")).collect();
    assert_eq!(kinds, ["data:image/png", "data:image/jpeg", "data:image/svg+xml", "data:image/png"]);
    let captions: Vec<String> = page.select(&sel("figure.picture figcaption")).map(text_of).collect();
    assert_eq!(captions, ["Map 1: The four hubs"]);
    // The photograph split its paragraph: the text before and after it are paragraphs of their own.
    let paras: Vec<String> = page.select(&sel("main p")).map(text_of).collect();
    for p in ["The new hub at Thornaby opened in May.", "Its doors are open six days a week."] {
        assert!(paras.iter().any(|x| x == p), "{p:?} is not a paragraph: {paras:?}");
    }
    let (ok, text) = axe(&[html_path]);
    assert!(ok, "axe-core found WCAG 2.2 AA violations:\n{text}");

    // DOCX: four images described by their alt texts, the photograph a JPEG and the rest PNGs,
    // each scaled to about the text width, in a schema-valid document; pandoc reads the alt texts.
    let docx = out_dir.join("paper.docx");
    let xml = docx_part(&docx, "word/document.xml");
    let descrs: Vec<&str> = xml
        .split("<wp:docPr ")
        .skip(1)
        .map(|d| d.split("descr=\"").nth(1).and_then(|r| r.split('"').next()).unwrap_or("?"))
        .collect();
    assert_eq!(descrs, [HUBS, THORNABY, LOGO, ""]);
    assert!(xml.contains("title=\"Map 1: The four hubs\""), "the caption is the image's title");
    // The one with no alt text carries Word's decorative mark, and only it.
    let marked: Vec<bool> = xml
        .split("<wp:docPr ")
        .skip(1)
        .map(|d| d.split("</wp:docPr>").next().unwrap_or("").contains("<adec:decorative "))
        .collect();
    assert_eq!(marked, [false, false, false, true]);
    let media = docx_media(&docx);
    let names: Vec<&str> = media.iter().map(|m| m.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "word/media/rIdImage1.png",
            "word/media/rIdImage2.jpeg",
            "word/media/rIdImage3.png",
            "word/media/rIdImage4.png"
        ]
    );
    for (name, data) in &media {
        let format = if name.ends_with(".jpeg") { image::ImageFormat::Jpeg } else { image::ImageFormat::Png };
        let img = image::load_from_memory_with_format(data, format)
            .unwrap_or_else(|e| panic!("{name} is not a {format:?}: {e}"));
        assert!(img.width() <= 1000, "{name} is scaled to about the text width at 150 dpi: {}", img.width());
    }
    let rels = docx_part(&docx, "word/_rels/document.xml.rels");
    assert!(rels.contains("Id=\"rIdImage2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/image\" Target=\"media/rIdImage2.jpeg\""), "{rels}");
    let types = docx_part(&docx, "[Content_Types].xml");
    assert!(
        types.contains("<Default Extension=\"jpeg\" ContentType=\"image/jpeg\"/>")
            || types.contains("<Default ContentType=\"image/jpeg\" Extension=\"jpeg\"/>"),
        "{types}"
    );
    assert_valid_part(&docx, "word/document.xml");
    let md =
        Command::new("pandoc").arg(&docx).args(["-t", "markdown", "--wrap=none"]).output().expect("pandoc is required");
    let md = String::from_utf8_lossy(&md.stdout);
    for alt in [HUBS, THORNABY, LOGO] {
        assert!(md.contains(alt), "pandoc does not see {alt:?}:\n{md}");
    }

    // PDF: the three described pictures are Figures with their alt text; the decorative one is
    // an artifact. The PNGs and the JPEG are images in the file (pdfimages), the SVG is drawn.
    let pdf = out_dir.join("paper.pdf");
    let figures: Vec<String> = structure(&pdf).into_iter().filter(|e| e.starts_with("Figure")).collect();
    assert_eq!(figures, [format!("Figure[{HUBS}]"), format!("Figure[{THORNABY}]"), format!("Figure[{LOGO}]")]);
    let images = poppler("pdfimages", &["-list", s(&pdf)]);
    let sizes: Vec<(String, String)> = images
        .lines()
        .skip(2)
        .map(|l| {
            let c: Vec<&str> = l.split_whitespace().collect();
            (c[3].to_owned(), c[4].to_owned())
        })
        .collect();
    for size in [("800", "500"), ("1600", "1200"), ("600", "10")] {
        assert!(sizes.contains(&(size.0.to_owned(), size.1.to_owned())), "{size:?} not in the PDF:\n{images}");
    }
    let tree = out_dir.join("paper.tree.json");
    let (ok, text) = read_structure(&pdf, &[s(&tree)]);
    assert!(ok, "the PDF does not read as its tree:\n{text}");

    // The same input gives the same bytes.
    let again = dir.path().join("again");
    assert!(build(&paper, &again, "pdf,docx,html").status.success());
    for name in ["paper.pdf", "paper.docx", "paper.html"] {
        assert!(std::fs::read(out_dir.join(name)).ok() == std::fs::read(again.join(name)).ok(), "{name} differs");
    }
}

/// The map's page as a PNG: the picture is drawn there in its own colours, at the text width
/// or less.
#[test]
fn a_picture_is_drawn_on_the_pdf_page_in_its_colours() {
    let dir = tempdir();
    let paper = paper_with_images(dir.path());
    let out_dir = dir.path().join("out");
    assert!(build(&paper, &out_dir, "pdf").status.success());
    let prefix = dir.path().join("page");
    let pdf = out_dir.join("paper.pdf");
    poppler("pdftoppm", &["-r", "40", "-png", s(&pdf), s(&prefix)]);
    let mut blue = 0;
    let mut red = 0;
    for entry in std::fs::read_dir(dir.path()).expect("list") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "png") {
            let img = image::open(&path).expect("page PNG").to_rgb8();
            for p in img.pixels() {
                blue += usize::from(p[0] < 40 && p[1] > 60 && p[1] < 120 && p[2] > 170);
                red += usize::from(p[0] > 190 && p[1] < 70 && p[2] < 70);
            }
        }
    }
    // At 40 dpi, 800 × 500 CSS pixels (8.3 × 5.2 in, capped at the text width) is some
    // thousands of pixels of each colour.
    assert!(blue > 3_000 && red > 3_000, "blue {blue}, red {red}");
}

#[test]
fn a_missing_unreadable_or_escaping_picture_is_an_error_at_its_line_and_nothing_is_written() {
    let dir = tempdir();
    let base = dir.path().join("root");
    let paper = paper_with_images(&base);
    let images = base.join("images");
    std::fs::write(dir.path().join("outside.png"), std::fs::read(images.join("hubs.png")).expect("read"))
        .expect("write");
    let whole = std::fs::read(images.join("divider.png")).expect("read");
    std::fs::write(images.join("cut.png"), &whole[..whole.len() / 2]).expect("write");
    std::fs::write(images.join("anim.gif"), b"GIF89a\x01\x00\x01\x00\x00\x00\x00;").expect("write");
    std::fs::create_dir_all(images.join("folder.png")).expect("mkdir");
    let text = read_text(&paper);
    for (name, message) in [
        ("images/gone.png", "cannot read the picture `images/gone.png`: No such file or directory"),
        ("images/cut.png", "the picture `images/cut.png` is not a whole PNG file"),
        ("images/anim.gif", "the picture `images/anim.gif` is a GIF image; a picture must be a PNG, JPEG or SVG file"),
        ("images/folder.png", "the picture `images/folder.png` is a folder, not an image file"),
        ("../outside.png", "the picture `../outside.png` is outside the folder the paper is built from"),
    ] {
        let bad = base.join("bad.yaml");
        std::fs::write(&bad, text.replace("images/hubs.png", name)).expect("write");
        let out_dir = dir.path().join("bad-out");
        let out = build(&bad, &out_dir, "pdf,docx,html");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        // At the file name the author typed, on its line.
        let at = format!("bad.yaml:22:108: error: sections[0].body: {message}");
        assert!(err.contains(&at), "{name}: expected {at:?} in:\n{err}");
        assert!(files_in(&out_dir).is_empty(), "{name}: files were written: {:?}", files_in(&out_dir));
    }
}

/// An exempt paper's pictures are in the Part 2 pack only: no image of it, and no alt text, in
/// any public output.
#[test]
fn an_exempt_papers_pictures_reach_only_the_part_2_pack() {
    let dir = tempdir();
    let paper = paper_with_images(dir.path());
    let text = read_text(&paper).replace(
        "title: Pictures an officer places\n",
        "title: Pictures an officer places\nexempt:\n  paragraphs: [3]\n  reason: Information relating to the financial or business affairs of any particular person\n",
    );
    std::fs::write(&paper, text).expect("write");
    write(
        dir.path(),
        "meeting.yaml",
        "schema: cabrep/meeting/v1\nmeeting:\n  body: Health & Wellbeing Board\n  council: Stockton-on-Tees Borough Council\n  date: 2025-01-23\n  time: \"14:00\"\n  venue: Council Chamber\n  members: [Councillor A]\n  contact: { name: Sarah Kirkby, phone: \"01642 528158\", email: sarah.kirkby@stockton.gov.uk }\n  proper_officer: { name: Sarah Kirkby, post: Democratic Services Officer }\nitems:\n  - title: Apologies for Absence\n  - title: Exclusion of the Public\n  - report: paper.yaml\n",
    );
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&dir.path().join("meeting.yaml")), "-f", "pdf,docx,html", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let images = |pdf: &Path| poppler("pdfimages", &["-list", s(pdf)]).lines().skip(2).count();
    assert_eq!(images(&out_dir.join("meeting-part2.pdf")), 3, "the PNGs and the JPEG are in Part 2");
    assert_eq!(images(&out_dir.join("meeting-pack.pdf")), 0, "no image in the public pack");
    assert!(structure(&out_dir.join("meeting-part2.pdf")).contains(&format!("Figure[{HUBS}]")));
    for name in files_in(&out_dir) {
        let path = out_dir.join(&name);
        if name.contains("part2") || !path.is_file() {
            continue;
        }
        // Compressed formats are read through their readers; the rest as they are.
        let raw = if name.ends_with(".pdf") {
            format!("{}\n{}", structure(&path).join("\n"), pdf_text(&path)).into_bytes()
        } else if name.ends_with(".docx") {
            docx_part(&path, "word/document.xml").into_bytes()
        } else {
            std::fs::read(&path).expect("read")
        };
        for needle in
            [HUBS.as_bytes(), b"data:image/".as_slice(), b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"120\""]
        {
            assert!(
                !raw.windows(needle.len()).any(|w| w == needle),
                "{name} holds part of the exempt paper's pictures"
            );
        }
    }
}

/// The photograph's colours: its stored left half green, its right half yellow.
const GREEN: image::Rgb<u8> = image::Rgb([0, 150, 0]);
const YELLOW: image::Rgb<u8> = image::Rgb([230, 200, 0]);

fn is_green(p: &[u8]) -> bool {
    p[0] < 60 && p[1] > 110 && p[2] < 60
}

fn is_yellow(p: &[u8]) -> bool {
    p[0] > 190 && p[1] > 160 && p[2] < 60
}

/// A JPEG of `width` × `height` stored pixels whose EXIF says to turn it a quarter clockwise to
/// show it (orientation 6, as a phone writes a portrait photograph).
fn jpeg_on_its_side(width: u32, height: u32) -> Vec<u8> {
    let mut plain = Vec::new();
    image::RgbImage::from_fn(width, height, |x, _| if x < width / 2 { GREEN } else { YELLOW })
        .write_to(&mut std::io::Cursor::new(&mut plain), image::ImageFormat::Jpeg)
        .expect("encode");
    // APP1 "Exif": a big-endian TIFF header and one IFD entry, Orientation (0x0112) = 6.
    let mut app1 = b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08".to_vec();
    app1.extend_from_slice(b"\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00");
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((app1.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&plain[2..]);
    out
}

/// A phone's portrait photograph (stored 1200 × 900, EXIF orientation 6) is shown upright, 900
/// wide and 1200 high, in every format: the HTML's size, the PDF's placed image, and the DOCX's
/// pixels, which are turned (Word does not read EXIF).
#[test]
fn a_photograph_stored_on_its_side_is_shown_upright_in_every_format() {
    let dir = tempdir();
    let paper = paper_with_images(dir.path());
    std::fs::write(dir.path().join("images/thornaby.jpg"), jpeg_on_its_side(1200, 900)).expect("write");
    let out_dir = dir.path().join("out");
    let out = build(&paper, &out_dir, "pdf,docx,html");
    assert!(out.status.success(), "{}", stderr(&out));

    let page = scraper::Html::parse_document(&read_text(&out_dir.join("paper.html")));
    let photo = page.select(&sel("img[alt^='The front of the Thornaby hub']")).next().expect("the photograph");
    assert_eq!((photo.value().attr("width"), photo.value().attr("height")), (Some("900"), Some("1200")));

    let media = docx_media(&out_dir.join("paper.docx"));
    let (_, jpeg) = media.iter().find(|(n, _)| n.ends_with(".jpeg")).expect("the photograph in the DOCX");
    let img = image::load_from_memory_with_format(jpeg, image::ImageFormat::Jpeg).expect("a JPEG");
    assert!(img.height() > img.width(), "the DOCX's pixels are upright: {} × {}", img.width(), img.height());
    // Its stored left half is green: turned a quarter clockwise, the top is green.
    let rgb = img.to_rgb8();
    let top = rgb.get_pixel(img.width() / 2, img.height() / 8).0;
    let bottom = rgb.get_pixel(img.width() / 2, img.height() * 7 / 8).0;
    assert!(is_green(&top) && is_yellow(&bottom), "upright, green above yellow: {top:?} {bottom:?}");
    let xml = docx_part(&out_dir.join("paper.docx"), "word/document.xml");
    let extent = xml.split("<wp:extent ").nth(2).expect("the photograph's extent");
    let emu = |k: &str| -> u64 {
        extent.split(&format!("{k}=\"")).nth(1).and_then(|r| r.split('"').next()).and_then(|v| v.parse().ok()).expect(k)
    };
    assert!(emu("cy") > emu("cx"), "the DOCX shows it taller than wide: {extent:.60}");

    // typst turns it by its EXIF too: on the rendered pages the photograph is taller than wide,
    // its green above its yellow.
    let pdf = out_dir.join("paper.pdf");
    let prefix = dir.path().join("page");
    poppler("pdftoppm", &["-r", "30", "-png", s(&pdf), s(&prefix)]);
    let (mut green, mut yellow) = (Vec::new(), Vec::new());
    let mut offset = 0;
    let mut pages: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    pages.sort();
    for path in pages {
        let img = image::open(&path).expect("page PNG").to_rgb8();
        for (x, y, p) in img.enumerate_pixels() {
            if is_green(&p.0) {
                green.push((x, y + offset));
            } else if is_yellow(&p.0) {
                yellow.push((x, y + offset));
            }
        }
        offset += img.height();
    }
    assert!(green.len() > 500 && yellow.len() > 500, "green {}, yellow {}", green.len(), yellow.len());
    let all: Vec<(u32, u32)> = green.iter().chain(&yellow).copied().collect();
    let span = |f: fn(&(u32, u32)) -> u32| all.iter().map(f).max().unwrap_or(0) - all.iter().map(f).min().unwrap_or(0);
    let (wide, high) = (span(|p| p.0), span(|p| p.1));
    assert!(high > wide, "the photograph is {wide} wide and {high} high on the page");
    let mean_y = |v: &[(u32, u32)]| v.iter().map(|p| f64::from(p.1)).sum::<f64>() / v.len() as f64;
    assert!(mean_y(&green) < mean_y(&yellow), "green is above yellow");
}
