//! PDFs bound into a pack: their pages as framed images, page ranges, links, bad or odd files.

use super::*;

#[test]
fn binds_embedded_pages_and_resolves_page_ranges_and_internal_links() {
    // The PDF to bind in: a two-page document of its own.
    let mut minutes = sample("Minutes of the meeting held on 14 December 2023");
    minutes.furniture.header = None;
    minutes.blocks.truncate(20);
    minutes.blocks.push(Block::PageBreak);
    minutes.blocks.push(p("Second page of the minutes"));
    let minutes = writer().render(&minutes).expect("render the minutes");

    let item = |n: u32, anchor: &str, text: &str| Heading {
        level: 2,
        number: Some(format!("{n}.")),
        text: text.into(),
        anchor: Some(anchor.into()),
        caps: false,
    };
    let pages = |start: &str, until: Option<&str>| Inline::PageRange {
        start: start.into(),
        until: until.map(Into::into),
        one: "Page {start}".into(),
        many: "Pages {start} - {end}".into(),
    };
    let mut doc = sample("Cabinet agenda");
    doc.furniture.header = None;
    doc.blocks = vec![
        h(1, None, "Cabinet agenda"),
        Block::Paragraph(Paragraph {
            style: ParagraphStyle::Body,
            content: vec![t("Item 1 minutes: "), pages("item-1", Some("item-2"))],
        }),
        Block::Paragraph(Paragraph {
            style: ParagraphStyle::Body,
            content: vec![t("Item 2 report: "), pages("item-2", None)],
        }),
        Block::Paragraph(Paragraph {
            style: ParagraphStyle::Body,
            content: vec![
                Inline::Link { url: "#item-2".into(), content: vec![t("see item 2")] },
                t(" and "),
                Inline::Link { url: "#nowhere".into(), content: vec![t("a dangling link")] },
            ],
        }),
        Block::BoundPage(BoundPage {
            file: "/bound/1.pdf".into(),
            page: 1,
            alt: "Minutes, page 1".into(),
            heading: Some(item(1, "item-1", "Minutes")),
        }),
        Block::BoundPage(BoundPage {
            file: "/bound/1.pdf".into(),
            page: 2,
            alt: "Minutes, page 2".into(),
            heading: None,
        }),
        Block::Heading(item(2, "item-2", "Powering Our Future")),
        p("The report."),
        // Anchors may repeat in a pack (each report has its own sections): the first one wins.
        Block::Heading(item(3, "item-2", "A repeated anchor")),
    ];
    doc.files = vec![EmbeddedFile { path: "/bound/1.pdf".into(), bytes: std::sync::Arc::new(minutes) }];
    let bytes = writer().render(&doc).expect("render the pack");
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = write_pdf(dir.path(), "pack.pdf", &bytes);
    let info = poppler("pdfinfo", &[], &pdf);
    assert_eq!(field(&info, "Pages"), "4", "{info}");
    assert_eq!(field(&info, "Tagged"), "yes");
    let flat = squash(&poppler("pdftotext", &[], &pdf));
    assert_in_order(
        &flat,
        &[
            "Item 1 minutes: Pages 2 - 3",
            "Item 2 report: Page 4",
            "see item 2 and a dangling link",
            "1. Minutes",
            "Page 2 of 4",
            "Page 3 of 4",
            "2. Powering Our Future",
            "3. A repeated anchor",
            "Page 4 of 4",
        ],
    );
    // The world serves the document's files (and nothing else) at their virtual paths.
    let date = crate::render::pdf::parse_date(&doc.meta.date).unwrap();
    let world =
        crate::render::pdf::world::ReportWorld::new(&writer().typesetter, Vec::new(), &doc.files, Vec::new(), date)
            .unwrap();
    let id = |p: &str| {
        typst::syntax::RootedPath::new(typst::syntax::VirtualRoot::Project, typst::syntax::VirtualPath::new(p).unwrap())
            .intern()
    };
    use typst::World;
    assert!(world.file(id("/bound/1.pdf")).unwrap().as_slice().starts_with(b"%PDF-"));
    assert!(world.file(id("/bound/2.pdf")).is_err());
}

/// A two-page PDF made by the writer itself, to bind into a pack.
pub(super) fn two_page_source() -> Vec<u8> {
    let mut src = sample("Minutes of the meeting held on 14 December 2023");
    src.furniture.header = None;
    src.furniture.footer = "Minutes page {page} of {pages}".into();
    src.blocks.truncate(16);
    src.blocks.push(Block::PageBreak);
    src.blocks.push(h(2, None, "SECOND PAGE OF THE MINUTES"));
    src.blocks.push(p("Resolved: that the minutes be signed by the Chair as a correct record."));
    // A coloured table header: the second page is in colour, the first in black and white.
    src.blocks.push(Block::Table(Table {
        caption: Some("Attendance".into()),
        anchor: None,
        columns: vec![col("Member", Align::Left, 2.0), col("Present", Align::Left, 1.0)],
        rows: vec![row(&["Councillor Bob Cook", "Yes"]), row(&["Councillor Ann Other", "No"])],
    }));
    writer().render(&src).expect("render the source PDF")
}

/// A pack of four pages: an agenda page, the two bound pages, a report page.
pub(super) fn pack_binding(file: &str, pages: [u32; 2]) -> Document {
    let mut doc = sample("Cabinet agenda");
    doc.blocks = vec![
        h(1, None, "Cabinet agenda"),
        p("Agenda item 4: the minutes of the last meeting."),
        Block::BoundPage(BoundPage {
            file: file.into(),
            page: pages[0],
            alt: "Minutes of the meeting held on 14 December 2023, page 1 of 2.".into(),
            heading: Some(Heading {
                level: 2,
                number: Some("4.".into()),
                text: "Agenda item 4 – Minutes of the meeting held on 14 December 2023".into(),
                anchor: Some("item-4".into()),
                caps: false,
            }),
        }),
        Block::BoundPage(BoundPage {
            file: file.into(),
            page: pages[1],
            alt: "Minutes of the meeting held on 14 December 2023, page 2 of 2.".into(),
            heading: None,
        }),
        h(2, Some("5."), "Powering Our Future"),
        p("The report."),
    ];
    doc
}

#[test]
fn bound_pages_are_framed_images_under_the_pack_furniture() {
    let source = std::sync::Arc::new(two_page_source());
    let mut doc = pack_binding("/bound/4.pdf", [1, 2]);
    doc.files = vec![EmbeddedFile { path: "/bound/4.pdf".into(), bytes: source.clone() }];

    // Rasterising alone: deterministic, and how long it takes per page.
    let started = Instant::now();
    let rasters = crate::render::pdf::bound::rasterise(&writer().typesetter, &doc).expect("rasterise");
    let took = started.elapsed();
    assert_eq!(rasters.len(), 2);
    assert_eq!(rasters[0].path, "/bound/4.pdf#p1.png");
    assert!(rasters.iter().all(|r| r.png.starts_with(b"\x89PNG")));
    let again = crate::render::pdf::bound::rasterise(&writer().typesetter, &doc).expect("rasterise again");
    assert!(rasters.iter().zip(&again).all(|(a, b)| a.png == b.png), "rasterising differs");
    eprintln!(
        "rasterised 2 pages in {:.1} ms ({:.1} ms a page), PNGs of {} and {} bytes",
        took.as_secs_f64() * 1e3,
        took.as_secs_f64() * 1e3 / 2.0,
        rasters[0].png.len(),
        rasters[1].png.len()
    );

    let started = Instant::now();
    let bytes = writer().render(&doc).expect("render the pack");
    eprintln!("rendered the pack in {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    let twice = writer().render(&doc).expect("render the pack again");
    assert!(bytes == twice, "two renders of a pack with bound pages differ");

    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = write_pdf(dir.path(), "bound.pdf", &bytes);
    let info = poppler("pdfinfo", &[], &pdf);
    assert_eq!(field(&info, "Pages"), "4", "2 own pages + 2 bound: {info}");
    assert_eq!(field(&info, "Tagged"), "yes");

    // The bound pages carry the pack's header and footer; the first its agenda heading. The source's
    // own text is an image, not text of this document.
    let page = |n: u32| {
        let n = n.to_string();
        squash(&poppler("pdftotext", &["-f", &n, "-l", &n], &pdf))
    };
    let (p2, p3) = (page(2), page(3));
    assert_in_order(
        &p2,
        &["NOT FOR PUBLICATION", "4. Agenda item 4 – Minutes of the meeting held on 14 December 2023", "Page 2 of 4"],
    );
    assert_in_order(&p3, &["NOT FOR PUBLICATION", "Page 3 of 4"]);
    assert!(!p3.contains("Agenda item 4"), "{p3}");
    for text in [&p2, &p3] {
        assert!(!text.contains("Minutes page"), "the source's text leaked: {text}");
    }
    assert!(page(4).contains("Page 4 of 4"));

    // One image on each bound page (and none elsewhere), big enough to read.
    let list = poppler("pdfimages", &["-list"], &pdf);
    let images: Vec<(u32, u32, u32, String)> = list
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .filter(|f| f.len() > 6)
        .map(|f| (f[0].parse().unwrap(), f[3].parse().unwrap(), f[4].parse().unwrap(), f[6].into()))
        .collect();
    // page, width, height, colour components: no alpha mask; a black-and-white page is a grey
    // image (one component), a page in colour RGB.
    assert_eq!(images.iter().map(|i| i.0).collect::<Vec<_>>(), [2, 3], "{list}");
    assert!(images.iter().all(|(_, w, h, _)| *w >= 1000 && h > w), "{list}");
    assert_eq!((images[0].3.as_str(), images[1].3.as_str()), ("1", "3"), "{list}");

    // Tagged: the heading is a real heading, each image a figure with the block's alt text (the
    // structure tree is written uncompressed, so the alt text can be found in the file).
    let tree = Command::new("pdfinfo").arg("-struct-text").arg(&pdf).output().expect("pdfinfo");
    let tree = squash(&String::from_utf8_lossy(&tree.stdout));
    assert_in_order(
        &tree,
        &[
            "H1",
            "H2",
            "\"Agenda item 4 – Minutes of the meeting held on 14 December 2023\"",
            "Figure:",
            "Figure:",
            "H2 \"5. Powering Our Future\"",
        ],
    );
    let raw = String::from_utf8_lossy(&bytes);
    for n in [1, 2] {
        let alt = format!("/Alt(Minutes of the meeting held on 14 December 2023, page {n} of 2.)");
        assert!(raw.contains(&alt), "no {alt}");
    }

    // A page may be bound twice: rendered once, shown twice.
    let mut twice = pack_binding("/bound/4.pdf", [2, 2]);
    twice.files = doc.files.clone();
    let rasters = crate::render::pdf::bound::rasterise(&writer().typesetter, &twice).expect("rasterise");
    assert_eq!(rasters.len(), 1);
    writer().render(&twice).expect("render a page bound twice");
}

/// A hand-written one-page landscape PDF whose text is in Helvetica, not embedded (as old scanners and
/// office tools write them): the house font stands in.
fn landscape_helvetica_pdf() -> Vec<u8> {
    let content = "BT /F1 36 Tf 72 400 Td (STANDARD FONT TEXT) Tj ET 0 0 1 rg 72 100 300 150 re f";
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 595] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{content}\nendstream", content.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, o) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend(format!("{} 0 obj\n{o}\nendobj\n", i + 1).bytes());
    }
    let xref = pdf.len();
    pdf.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for off in offsets {
        pdf.extend(format!("{off:010} 00000 n \n").bytes());
    }
    pdf.extend(format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1).bytes());
    pdf
}

#[test]
fn unembedded_fonts_and_odd_page_sizes() {
    let mut doc = pack_binding("/bound/1.pdf", [1, 1]);
    doc.files =
        vec![EmbeddedFile { path: "/bound/1.pdf".into(), bytes: std::sync::Arc::new(landscape_helvetica_pdf()) }];
    let rasters = crate::render::pdf::bound::rasterise(&writer().typesetter, &doc).expect("rasterise");
    let decoder = png::Decoder::new(std::io::Cursor::new(&rasters[0].png));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).expect("decode");
    // Landscape, and the text was drawn (dark pixels in its band, above the blue box).
    assert!(info.width > info.height, "{info:?}");
    assert_eq!(info.color_type, png::ColorType::Rgb);
    let row = |y: u32| &pixels[(y * info.width * 3) as usize..((y + 1) * info.width * 3) as usize];
    let band = (info.height * 150 / 595)..(info.height * 200 / 595);
    let dark = band.flat_map(|y| row(y).chunks(3).filter(|p| p.iter().all(|&c| c < 100)).collect::<Vec<_>>()).count();
    assert!(dark > 2000, "the Helvetica text was not drawn ({dark} dark pixels)");
    let bytes = writer().render(&doc).expect("render");
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = write_pdf(dir.path(), "landscape.pdf", &bytes);
    assert_eq!(field(&poppler("pdfinfo", &[], &pdf), "Pages"), "4");
}

/// Single-byte flips tried on a bound file (200 took 17 s and made hayro panic 3 times).
const CABREP_FLIPS: usize = 24;

#[test]
fn bad_bound_pdfs_are_render_errors() {
    let source = two_page_source();
    let cases: Vec<(&str, Vec<u8>, [u32; 2])> = vec![
        ("not a PDF", b"this is not a PDF at all".to_vec(), [1, 2]),
        ("empty", Vec::new(), [1, 2]),
        ("truncated", source[..source.len() / 3].to_vec(), [1, 2]),
        ("no such page", source.clone(), [1, 3]),
        ("page zero", source.clone(), [0, 1]),
    ];
    for (what, bytes, pages) in cases {
        let mut doc = pack_binding("/bound/4.pdf", pages);
        doc.files = vec![EmbeddedFile { path: "/bound/4.pdf".into(), bytes: std::sync::Arc::new(bytes) }];
        // A damaged file may still render (hayro repairs what it can); it must never panic.
        match writer().render(&doc) {
            Ok(pdf) => assert!(what == "truncated" && pdf.starts_with(b"%PDF-"), "{what}"),
            Err(e) => {
                eprintln!("{what}: {}", e.0);
                assert!(e.0.contains("/bound/4.pdf"), "{what}: {}", e.0)
            }
        }
    }
    // Garbage in the middle of every stream: rendered as far as it goes, or an error.
    let mut mangled = source.clone();
    for (i, b) in mangled.iter_mut().enumerate().skip(2000) {
        if i % 97 == 0 {
            *b = b.wrapping_add(0x55);
        }
    }
    let mut doc = pack_binding("/bound/4.pdf", [1, 2]);
    doc.files = vec![EmbeddedFile { path: "/bound/4.pdf".into(), bytes: std::sync::Arc::new(mangled) }];
    eprintln!("mangled: {:?}", writer().render(&doc).map(|pdf| pdf.len()));
    // Damage inside the page streams (the cross-reference table intact): a spread of single-byte
    // flips, each rendered or refused, never a panic out of the writer.
    let body = source.len() / 10..source.len() * 8 / 10;
    let started = Instant::now();
    let mut rendered = 0;
    for k in 0..CABREP_FLIPS {
        let mut flipped = source.clone();
        let at = body.start + (k * 7919 * 131) % body.len();
        flipped[at] ^= 0xa5;
        let mut doc = pack_binding("/bound/4.pdf", [1, 2]);
        doc.files = vec![EmbeddedFile { path: "/bound/4.pdf".into(), bytes: std::sync::Arc::new(flipped) }];
        rendered += usize::from(crate::render::pdf::bound::rasterise(&writer().typesetter, &doc).is_ok());
    }
    eprintln!("flipped bytes: {rendered} of {CABREP_FLIPS} rendered in {:?}", started.elapsed());
    // A bound page whose file the document does not carry.
    let doc = pack_binding("/bound/9.pdf", [1, 2]);
    let err = writer().render(&doc).expect_err("missing file");
    assert!(err.0.contains("/bound/9.pdf"), "{}", err.0);
}
