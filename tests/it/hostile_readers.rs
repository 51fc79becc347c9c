//! Hostile files read by the bounded readers: bound PDFs nested or branched past what a reader can
//! walk (deep arrays, deep or looping page trees, a million structure elements), and pictures whose
//! decoding is unbounded (a colour-profile bomb, SVG filters) or that carry what must not be
//! published (links out of an SVG, a photograph's EXIF). Each file is made here; each run is under
//! an address-space cap and a time limit, and must end with a located refusal (exit 1, no
//! output file), never a crash.

use crate::common::*;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

/// Runs `cabrep` in `dir` under an address-space cap of `mem_mb` megabytes (`ulimit -v`); kills
/// it and fails the test if it is still running after `secs` seconds.
fn run_capped(dir: &Path, args: &[&str], mem_mb: u64, secs: u64) -> Output {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v {}; exec \"$0\" \"$@\"", mem_mb * 1024))
        .arg(bin())
        .args(args)
        .current_dir(dir)
        .env_remove("SOURCE_DATE_EPOCH");
    run_limited(c, &format!("cabrep {args:?}"), Duration::from_secs(secs)).0
}

/// A meeting file binding `pdf` as its only item (the item's `file:` is on the last line).
fn meeting_binding(pdf: &str) -> String {
    let s = lib::STARTER_MEETING;
    let at = s.find("items:\n").expect("items");
    format!("{}items:\n  - title: Minutes\n    file: {pdf}\n", &s[..at])
}

/// A PDF of the given objects (numbered from 1; object 1 is the catalogue), with a correct
/// cross-reference table.
fn pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1).as_bytes());
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", offsets.len() + 1).as_bytes(),
    );
    out
}

/// A one-page PDF whose catalogue has `catalog_extra` and whose page has `page_extra`.
fn one_page(catalog_extra: &str, page_extra: &[u8], more: Vec<Vec<u8>>) -> Vec<u8> {
    let mut page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] ".to_vec();
    page.extend_from_slice(page_extra);
    page.extend_from_slice(b" >>");
    let mut objects = vec![
        format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>").into_bytes(),
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>".to_vec(),
        page,
    ];
    objects.extend(more);
    pdf(&objects)
}

/// A folder with `name` holding `bytes` and `m.yaml` binding it.
fn bound(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let t = tempdir();
    std::fs::write(t.path().join(name), bytes).expect("write pdf");
    std::fs::write(t.path().join("m.yaml"), meeting_binding(name)).expect("write meeting");
    let dir = t.path().to_path_buf();
    (t, dir)
}

/// The line of the meeting's `file:` (its last line).
fn file_line(dir: &Path) -> usize {
    read_text(&dir.join("m.yaml")).lines().count()
}

/// Runs `check` and `pack` on `m.yaml` in `dir` under 2 GB and 60 s; both must refuse it with
/// `message` at the `file:` line, with exit 1 and no pack written.
fn assert_refused(dir: &Path, message: &str) {
    let line = file_line(dir);
    for args in [&["check", "m.yaml"][..], &["pack", "m.yaml", "-o", "out"][..]] {
        let out = run_capped(dir, args, 2_000, 60);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?} (a crash is 134 or 139, or no code): {err}");
        assert!(
            err.contains(&format!("m.yaml:{line}:")),
            "{args:?}: the error is not located at the file: line: {err}"
        );
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(!err.contains("panicked") && !err.contains("overflow"), "{err}");
        assert!(files_in(&dir.join("out")).is_empty(), "{args:?} wrote {:?}", files_in(&dir.join("out")));
    }
}

#[test]
fn a_page_dictionary_nesting_arrays_200000_deep_is_refused_without_a_stack_overflow() {
    let deep = [vec![b'['; 200_000], vec![b']'; 200_000]].concat();
    let mut page = b"/X ".to_vec();
    page.extend_from_slice(&deep);
    let (_t, dir) = bound("deep.pdf", &one_page("", &page, vec![]));
    assert_refused(&dir, "cannot use deep.pdf: it nests arrays or dictionaries more than 100 deep (at byte ");
}

#[test]
fn a_page_dictionary_nesting_dictionaries_100000_deep_is_refused_without_a_stack_overflow() {
    let page = format!("/X {}{}", "<< /A ".repeat(100_000), ">>".repeat(100_000));
    let (_t, dir) = bound("deep.pdf", &one_page("", page.as_bytes(), vec![]));
    assert_refused(&dir, "cannot use deep.pdf: it nests arrays or dictionaries more than 100 deep");
}

#[test]
fn a_page_tree_10000_levels_deep_is_refused_in_bounded_memory() {
    let levels = 10_000;
    let mut objects = vec![b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()];
    for i in 0..levels {
        let me = i + 2;
        let parent = if i == 0 { String::new() } else { format!("/Parent {} 0 R ", me - 1) };
        objects.push(format!("<< /Type /Pages /Count 1 {parent}/Kids [{} 0 R] >>", me + 1).into_bytes());
    }
    objects.push(format!("<< /Type /Page /Parent {} 0 R /MediaBox [0 0 595 842] >>", levels + 1).into_bytes());
    let (_t, dir) = bound("tree.pdf", &pdf(&objects));
    assert_refused(&dir, "tree.pdf's page tree nests more than 64 levels deep; at most 64 are supported");
}

#[test]
fn a_page_tree_that_leads_back_to_itself_is_refused() {
    let objects = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Count 2 /Kids [3 0 R 4 0 R] >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_vec(),
        b"<< /Type /Pages /Parent 2 0 R /Count 1 /Kids [2 0 R] >>".to_vec(),
    ];
    let (_t, dir) = bound("loop.pdf", &pdf(&objects));
    assert_refused(&dir, "loop.pdf is not a readable PDF: its page tree leads back to one of its own nodes (object 2)");
}

/// A tagged one-page PDF whose document element holds `elems` paragraph elements (direct).
fn tagged_with(elems: usize) -> Vec<u8> {
    let mut document = b"<< /Type /StructElem /S /Document /P 4 0 R /K [".to_vec();
    for _ in 0..elems {
        document.extend_from_slice(b"<</S/P>>");
    }
    document.extend_from_slice(b"] >>");
    pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R /MarkInfo << /Marked true >> /StructTreeRoot 4 0 R >>".to_vec(),
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>".to_vec(),
        b"<< /Type /StructTreeRoot /K 5 0 R >>".to_vec(),
        document,
    ])
}

#[test]
fn a_tagged_pdf_with_a_million_structure_elements_is_refused_in_bounded_memory() {
    let (_t, dir) = bound("tags.pdf", &tagged_with(1_000_000));
    // A million elements of three values each: over the caps of the syntax scan, before the
    // reader holds them.
    assert_refused(&dir, "cannot use tags.pdf: it holds more than 3000000 values");
    let (_t, dir) = bound("tags.pdf", &tagged_with(250_000));
    assert_refused(&dir, "tags.pdf has more than 200000 structure elements (tags); at most 200000 are supported");
}

#[test]
fn a_pdf_of_ten_million_numbers_is_refused_before_the_reader_holds_them() {
    let numbers = format!("/X [{}]", "0 ".repeat(10_000_000));
    let (_t, dir) = bound("numbers.pdf", &one_page("", numbers.as_bytes(), vec![]));
    assert_refused(
        &dir,
        "cannot use numbers.pdf: it holds more than 3000000 values (numbers, names, strings) outside its streams",
    );
}

/// Packs `m.yaml` in `dir`; the pack must be written. Returns standard error.
fn pack_ok(dir: &Path) -> String {
    let out = run_capped(dir, &["pack", "m.yaml", "-o", "out"], 4_000, 120);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(dir.join("out/m-pack.pdf").is_file(), "{:?}", files_in(&dir.join("out")));
    err
}

#[test]
fn an_xfa_form_left_out_of_a_pack_is_reported() {
    let xfa = b"<< /Length 38 >>\nstream\n<xdp:xdp><script>x()</script></xdp:xdp>\nendstream".to_vec();
    let (_t, dir) = bound("form.pdf", &one_page("/AcroForm << /Fields [] /XFA 4 0 R >>", b"", vec![xfa]));
    let err = pack_ok(&dir);
    assert!(err.contains("form.pdf: removed XFA forms (not allowed in a pack)"), "{err}");
}

#[test]
fn a_bound_page_larger_than_14400_points_is_warned_about() {
    let (_t, dir) = bound("plan.pdf", &one_page("", b"/CropBox [0 0 595 842] /MediaBox [0 0 20000 842]", vec![]));
    let err = pack_ok(&dir);
    assert!(
        err.contains("plan.pdf: page 1 is 20000 points (7.1 m) on its longer side, over the 14,400 points (5.08 m) a PDF page may have"),
        "{err}"
    );
}

// ---------------------------------------------------------------------------------------------
// Pictures
// ---------------------------------------------------------------------------------------------

/// The pictures paper in a fresh folder with plain pictures; `images/` holds them. The hubs PNG
/// is on line 22, the JPEG on line 24 and the SVG on line 26.
fn picture_paper() -> (tempfile::TempDir, PathBuf) {
    let t = tempdir();
    let images = t.path().join("images");
    std::fs::create_dir_all(&images).expect("mkdir");
    image::RgbImage::from_pixel(40, 30, image::Rgb([0, 90, 200])).save(images.join("hubs.png")).expect("png");
    image::RgbImage::from_pixel(40, 30, image::Rgb([90, 120, 150]))
        .save_with_format(images.join("thornaby.jpg"), image::ImageFormat::Jpeg)
        .expect("jpeg");
    write(
        &images,
        "logo.svg",
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12"><circle cx="6" cy="6" r="5"/></svg>"#,
    );
    image::GrayImage::from_pixel(60, 2, image::Luma([120])).save(images.join("divider.png")).expect("png");
    std::fs::copy(root().join("tests/pictures/paper.yaml"), t.path().join("paper.yaml")).expect("copy paper");
    let dir = t.path().to_path_buf();
    (t, dir)
}

/// `check paper.yaml` must refuse it at `line` with `message`, in bounded memory and time.
fn assert_picture_refused(dir: &Path, line: usize, message: &str) {
    let out = run_capped(dir, &["check", "paper.yaml"], 2_000, 60);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("paper.yaml:{line}:")), "not at line {line}: {err}");
    assert!(err.contains(message), "{err}");
    let out = run_capped(dir, &["build", "paper.yaml", "-o", "out", "-f", "pdf,docx,html"], 2_000, 120);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(files_in(&dir.join("out")).is_empty(), "{:?}", files_in(&dir.join("out")));
}

/// A PNG chunk with its checksum.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    let mut crc = !0u32;
    for &b in &body {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { 0xEDB8_8320 ^ (crc >> 1) } else { crc >> 1 };
        }
    }
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(&body);
    out.extend_from_slice(&(!crc).to_be_bytes());
    out
}

#[test]
fn a_10_pixel_png_whose_colour_profile_inflates_to_a_gigabyte_is_refused_at_its_line() {
    let (_t, dir) = picture_paper();
    let path = dir.join("images/hubs.png");
    let plain = std::fs::read(&path).expect("png");
    // 1 GB of zeros, deflated: about 1 MB.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..1024 {
        std::io::Write::write_all(&mut z, &zeros).expect("compress");
    }
    let mut iccp = b"bomb\0\0".to_vec();
    iccp.extend(z.finish().expect("compress"));
    let idat = plain.windows(4).position(|w| w == b"IDAT").expect("IDAT") - 4;
    let bomb = [&plain[..idat], &png_chunk(b"iCCP", &iccp), &plain[idat..]].concat();
    std::fs::write(&path, bomb).expect("write");
    assert_picture_refused(&dir, 22, "is a PNG whose colour profile (iCCP) inflates to more than 4 MB");
}

#[test]
fn an_svg_with_a_huge_blur_and_dilation_is_refused_at_its_line_in_bounded_time() {
    let (_t, dir) = picture_paper();
    write(
        &dir.join("images"),
        "logo.svg",
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="4000" height="4000"><filter id="f" x="-100" y="-100" width="200" height="200"><feMorphology operator="dilate" radius="100000"/><feGaussianBlur stdDeviation="100000"/></filter><rect width="4000" height="4000" filter="url(#f)"/></svg>"##,
    );
    assert_picture_refused(&dir, 26, "is an SVG with filter effects");
}

#[test]
fn an_svg_linking_to_another_svg_a_stylesheet_or_a_font_file_is_refused_at_its_line() {
    for (svg, shown) in [
        (r##"<use href="other.svg#logo"/>"##, "other.svg#logo"),
        (r##"<style>@import url(http://example.com/x.css);</style><circle r="5"/>"##, "@import"),
        (r##"<style>@font-face { font-family: X; src: url(file:///etc/passwd) }</style><text>x</text>"##, "@font-face"),
    ] {
        let (_t, dir) = picture_paper();
        write(
            &dir.join("images"),
            "logo.svg",
            &format!(r#"<svg xmlns="http://www.w3.org/2000/svg" width="12" height="12">{svg}</svg>"#),
        );
        assert_picture_refused(&dir, 26, &format!("is an SVG that links to another file (`{shown}`)"));
    }
}

/// An EXIF block (TIFF, big-endian) with an artist, a description and a GPS position.
fn exif_with_gps() -> Vec<u8> {
    let mut t = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    // IFD0 at 8: three entries (12 bytes each), then the next-IFD offset; data after it.
    let artist = b"Eve Example\0";
    let description = b"Back garden of 12 Acacia Avenue\0";
    let ifd0_end = 8 + 2 + 3 * 12 + 4;
    let artist_at = ifd0_end;
    let description_at = artist_at + artist.len();
    let gps_at = description_at + description.len();
    t.extend_from_slice(&3u16.to_be_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&kind.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        t.extend_from_slice(&value.to_be_bytes());
    };
    entry(&mut t, 0x010E, 2, description.len() as u32, description_at as u32);
    entry(&mut t, 0x013B, 2, artist.len() as u32, artist_at as u32);
    entry(&mut t, 0x8825, 4, 1, gps_at as u32);
    t.extend_from_slice(&0u32.to_be_bytes());
    t.extend_from_slice(artist);
    t.extend_from_slice(description);
    // GPS IFD: latitude ref N, latitude 54° 34' 12".
    t.extend_from_slice(&2u16.to_be_bytes());
    let rationals_at = gps_at + 2 + 2 * 12 + 4;
    entry(&mut t, 0x0001, 2, 2, u32::from_be_bytes(*b"N\0\0\0"));
    entry(&mut t, 0x0002, 5, 3, rationals_at as u32);
    t.extend_from_slice(&0u32.to_be_bytes());
    for (n, d) in [(54u32, 1u32), (34, 1), (12, 1)] {
        t.extend_from_slice(&n.to_be_bytes());
        t.extend_from_slice(&d.to_be_bytes());
    }
    t
}

/// The GPS latitude as it is stored (three rationals), to look for in the published bytes.
const LATITUDE: [u8; 24] = [0, 0, 0, 54, 0, 0, 0, 1, 0, 0, 0, 34, 0, 0, 0, 1, 0, 0, 0, 12, 0, 0, 0, 1];

/// Whether `hay` holds any of what the photograph's metadata said.
fn leaks(hay: &[u8]) -> Vec<String> {
    let needles: [&[u8]; 5] =
        [b"Eve Example", b"Acacia Avenue", &LATITUDE, b"Secret picnic", b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x03"];
    needles
        .iter()
        .filter(|n| hay.windows(n.len()).any(|w| w == **n))
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect()
}

#[test]
fn a_photographs_gps_position_artist_and_comment_are_not_published_in_any_format() {
    let (_t, dir) = picture_paper();
    let path = dir.join("images/thornaby.jpg");
    let plain = std::fs::read(&path).expect("jpeg");
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(exif_with_gps());
    let com = b"Secret picnic";
    let segment =
        |marker: u8, data: &[u8]| [&[0xFF, marker][..], &((data.len() + 2) as u16).to_be_bytes(), data].concat();
    let dirty = [&plain[..2], &segment(0xE1, &app1), &segment(0xFE, com), &plain[2..]].concat();
    assert_eq!(leaks(&dirty).len(), 5, "the test photograph carries its metadata");
    std::fs::write(&path, &dirty).expect("write");

    let out = run_capped(&dir, &["build", "paper.yaml", "-o", "out", "-f", "pdf,docx,html"], 4_000, 300);
    assert!(out.status.success(), "{}", stderr(&out));
    let out_dir = dir.join("out");

    let media = docx_media(&out_dir.join("paper.docx"));
    let jpegs: Vec<&(String, Vec<u8>)> = media.iter().filter(|(_, d)| d.starts_with(&[0xFF, 0xD8])).collect();
    assert_eq!(jpegs.len(), 1, "{:?}", media.iter().map(|m| &m.0).collect::<Vec<_>>());
    assert!(leaks(&jpegs[0].1).is_empty(), "DOCX {}: {:?}", jpegs[0].0, leaks(&jpegs[0].1));
    assert!(image::load_from_memory(&jpegs[0].1).is_ok(), "the DOCX's photograph still decodes");

    let html = read_text(&out_dir.join("paper.html"));
    let at = html.find("data:image/jpeg;base64,").expect("the photograph in the HTML") + 23;
    let end = at + html[at..].find('"').expect("end of the address");
    use base64::Engine as _;
    let jpeg = base64::engine::general_purpose::STANDARD.decode(&html[at..end]).expect("base64");
    assert!(leaks(&jpeg).is_empty(), "HTML: {:?}", leaks(&jpeg));
    assert!(image::load_from_memory(&jpeg).is_ok(), "the HTML's photograph still decodes");

    // Every stream of the PDF, decoded (a JPEG as it is stored).
    let found = pikepdf_script(
        r#"
import sys, pikepdf
pdf = pikepdf.open(sys.argv[1])
needles = [b"Eve Example", b"Acacia Avenue", bytes([0,0,0,54,0,0,0,1,0,0,0,34,0,0,0,1,0,0,0,12,0,0,0,1]), b"Secret picnic"]
jpegs = leaks = 0
for o in pdf.objects:
    if isinstance(o, pikepdf.Stream):
        jpeg = o.get("/Filter") == pikepdf.Name.DCTDecode
        jpegs += jpeg
        data = o.read_raw_bytes() if jpeg else o.read_bytes()
        leaks += any(n in data for n in needles)
print(jpegs, leaks)
"#,
        &out_dir.join("paper.pdf"),
    );
    let counts: Vec<u32> = found.split_whitespace().map(|n| n.parse().expect("count")).collect();
    assert!(counts[0] >= 1, "no JPEG in the PDF: {found}");
    assert_eq!(counts[1], 0, "PDF streams hold the photograph's metadata: {found}");
    let whole = std::fs::read(out_dir.join("paper.pdf")).expect("pdf");
    assert!(leaks(&whole).is_empty(), "PDF: {:?}", leaks(&whole));
}

#[test]
fn the_fuzzing_seeds_one_past_each_cap_are_refused_and_a_looping_structure_tree_is_read() {
    for (seed, message) in [
        ("arrays-101-deep.pdf", "nests arrays or dictionaries more than 100 deep"),
        ("dictionaries-101-deep.pdf", "nests arrays or dictionaries more than 100 deep"),
        ("page-tree-65-deep.pdf", "page tree nests more than 64 levels deep"),
        ("page-tree-loop.pdf", "its page tree leads back to one of its own nodes"),
    ] {
        let bytes = std::fs::read(root().join("tests/hostile/readers").join(seed)).expect("seed");
        let (_t, dir) = bound(seed, &bytes);
        let out = run_capped(&dir, &["check", "m.yaml"], 2_000, 60);
        assert_eq!(out.status.code(), Some(1), "{seed}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{seed}: {}", stderr(&out));
    }
    let bytes = std::fs::read(root().join("tests/hostile/readers/structure-loop.pdf")).expect("seed");
    let (_t, dir) = bound("structure-loop.pdf", &bytes);
    let out = run_capped(&dir, &["check", "m.yaml"], 2_000, 60);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}
