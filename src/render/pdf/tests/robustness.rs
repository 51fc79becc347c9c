//! Determinism, literal markup, template errors, a closed world, concurrency and cost.

use super::*;

#[test]
fn two_renders_are_byte_identical() {
    let doc = sample("Powering Our Future – Programme Update");
    let a = writer().render(&doc).expect("first render");
    let b = writer().render(&doc).expect("second render");
    assert!(a == b, "two renders of one document differ");
    // And the PDF's dates are the meeting date at midnight UTC.
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = write_pdf(dir.path(), "plain.pdf", &a);
    let info = poppler("pdfinfo", &["-isodates"], &pdf);
    assert_eq!(field(&info, "CreationDate"), "2024-01-18T00:00:00Z", "{info}");
}

#[test]
fn markup_in_every_text_field_is_printed_literally() {
    let nasty = r#"#set page(fill: red) $x^2$ *a* _b_ @ref <l> \ [ {{ ]] `raw` // not a comment = not a heading"#;
    let mut doc = sample(nasty);
    doc.furniture.header = Some(format!("HDR {nasty}"));
    doc.furniture.footer = format!("{nasty} {{page}}/{{pages}}");
    doc.blocks.push(p(nasty));
    doc.blocks.push(Block::Table(Table {
        caption: Some(nasty.into()),
        anchor: None,
        columns: vec![col(nasty, Align::Left, 1.0)],
        rows: vec![row(&[nasty])],
        spans: Vec::new(),
    }));
    let bytes = writer().render(&doc).expect("render");
    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = write_pdf(dir.path(), "nasty.pdf", &bytes);
    let text = poppler("pdftotext", &[], &pdf);
    let flat = squash(&text);
    // Title, header, footer, paragraph, caption, column header and cell: at least 7 copies per page 1.
    assert!(flat.matches(nasty).count() >= 7, "markup was interpreted:\n{text}");
    assert!(flat.contains(&format!("HDR {nasty}")));
}

#[test]
fn template_errors_name_the_template_line() {
    let template = "#let data = json(\"/data.json\")\n#set document(title: data.meta.title)\n\n#unknown-function()\n";
    let w = PdfWriter::new(template.into(), font_files()).expect("the template parses");
    let err = w.render(&sample("Title")).expect_err("an unknown function is an error");
    assert!(err.0.contains("report.typ:4:"), "{}", err.0);
    assert!(err.0.contains("unknown variable: unknown-function"), "{}", err.0);

    let err = PdfWriter::new("#let x = (\n".into(), font_files()).err().expect("a syntax error fails early");
    assert!(err.0.contains("report.typ:"), "{}", err.0);
}

#[test]
fn the_template_reads_no_other_files() {
    let template = "#set document(title: \"x\")\n#let x = read(\"/etc/passwd\")\n#x\n";
    let err = PdfWriter::new(template.into(), font_files()).unwrap().render(&sample("T")).expect_err("no files");
    assert!(err.0.contains("report.typ:2:"), "{}", err.0);
    let template = "#import \"@preview/cetz:0.3.0\"\n";
    let err = PdfWriter::new(template.into(), font_files()).unwrap().render(&sample("T")).expect_err("no packages");
    assert!(err.0.contains("not available"), "{}", err.0);
}

#[test]
fn bad_inputs_are_render_errors() {
    let mut doc = sample("T");
    doc.style.font = "Comic Sans MS".into();
    let err = writer().render(&doc).expect_err("unknown font");
    assert!(err.0.contains("Liberation Sans"), "{}", err.0);
    assert!(PdfWriter::new(String::new(), vec![b"not a font".to_vec()]).is_err());
}

#[test]
fn renders_concurrently() {
    let w = writer();
    std::thread::scope(|s| {
        let handles: Vec<_> =
            (0..4).map(|i| s.spawn(move || w.render(&sample(&format!("Report {i}"))).expect("render"))).collect();
        for h in handles {
            assert!(h.join().expect("thread").starts_with(b"%PDF-"));
        }
    });
}
