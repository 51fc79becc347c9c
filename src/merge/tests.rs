//! Tests of the merge: parts typeset by the project's own PDF writer and bound PDFs built with
//! lopdf in the test (untagged minutes, an A3 landscape plan, a hostile appendix with
//! JavaScript, a Launch link and an attached file), merged, then read back with qpdf and
//! poppler, which must be installed (a missing tool fails the test, never skips it).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use lopdf::{dictionary, Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use serde_json::Value;

use super::*;
use crate::render::pdf::PdfWriter;
use crate::template::Template;
use crate::tree::*;

// ----- parts -------------------------------------------------------------------------------------

fn writer() -> &'static (PdfWriter, HouseStyle) {
    static WRITER: OnceLock<(PdfWriter, HouseStyle)> = OnceLock::new();
    WRITER.get_or_init(|| {
        let template = Template::builtin().expect("the built-in template");
        let style = template.settings.style.clone();
        (PdfWriter::new(template.typst, template.fonts).expect("set up the PDF writer"), style)
    })
}

fn heading(level: u8, text: &str) -> Block {
    Block::Heading(Heading { level, number: None, text: text.into(), anchor: None, caps: false })
}

fn para(text: &str) -> Block {
    Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, text))
}

/// A two-page report typeset by the project's writer: a tagged PDF/UA-1 part.
fn typeset(title: &str, lang: &str) -> &'static [u8] {
    static CACHE: OnceLock<std::sync::Mutex<BTreeMap<String, &'static [u8]>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = format!("{title}|{lang}");
    if let Some(pdf) = cache.lock().unwrap().get(&key) {
        return pdf;
    }
    let (writer, style) = writer();
    let doc = crate::tree::Document {
        template: None,
        meta: Meta {
            title: title.into(),
            author: "Example Borough Council".into(),
            subject: "Report to Cabinet".into(),
            lang: lang.into(),
            date: time::macros::date!(2024 - 01 - 18),
            keywords: Vec::new(),
        },
        style: style.clone(),
        furniture: Furniture { header: None, footer: String::new() },
        blocks: vec![
            heading(1, title),
            heading(2, "Summary of the typeset report"),
            para("The typeset report says that the budget gap is closing."),
            Block::Paragraph(Paragraph {
                style: ParagraphStyle::Body,
                content: vec![Inline::Link {
                    url: "mailto:democratic.services@example.gov.uk".into(),
                    content: vec![Inline::text("democratic.services@example.gov.uk")],
                }],
            }),
            Block::PageBreak,
            heading(2, "Recommendations of the typeset report"),
            para("Cabinet is asked to note the second page of the typeset report."),
        ],
    };
    let pdf: &'static [u8] = writer.render(&doc).expect("typeset the report").leak();
    cache.lock().unwrap().insert(key, pdf);
    pdf
}

/// A page content stream that writes `text` in Helvetica at (72, 700).
fn text_content(text: &str) -> Vec<u8> {
    format!("BT /F1 14 Tf 72 700 Td ({text}) Tj ET\n0 0 1 RG 72 650 m 400 650 l S\n").into_bytes()
}

fn helvetica(doc: &mut Document) -> ObjectId {
    doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    })
}

fn save(mut doc: Document, catalog: Dictionary) -> Vec<u8> {
    let catalog = doc.add_object(catalog);
    doc.trailer.set("Root", catalog);
    doc.reference_table.cross_reference_type = lopdf::xref::XrefType::CrossReferenceTable;
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save the test PDF");
    out
}

/// Saves a tagged one-page PDF: `pages` holding `page` alone, and a catalogue in English, marked,
/// with the structure tree `root`.
fn save_tagged(mut doc: Document, pages: ObjectId, page: ObjectId, root: ObjectId) -> Vec<u8> {
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
    );
    save(
        doc,
        dictionary! {
            "Type" => "Catalog", "Pages" => pages, "StructTreeRoot" => root, "Lang" => Object::string_literal("en-GB"),
            "MarkInfo" => dictionary! { "Marked" => true },
        },
    )
}

/// Untagged minutes: one A4 page of Helvetica text, no structure tree.
fn untagged() -> Vec<u8> {
    let mut doc = Document::with_version("1.4");
    let pages = doc.new_object_id();
    let font = helvetica(&mut doc);
    let content = doc.add_object(Stream::new(Dictionary::new(), text_content("Minutes of the Licensing Committee")));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
    );
    let mut info = Dictionary::new();
    info.set("Title", Object::string_literal("Private draft of the minutes"));
    let info = doc.add_object(info);
    doc.trailer.set("Info", info);
    save(doc, dictionary! { "Type" => "Catalog", "Pages" => pages })
}

/// An A3 plan: page 1 is portrait A3 turned 90° (size and rotation inherited from its page
/// tree node), page 2 landscape A3 with links to page 1 (one by a named destination) and an
/// outline entry.
fn a3_plan() -> Vec<u8> {
    let mut doc = Document::with_version("1.4");
    let pages = doc.new_object_id();
    let font = helvetica(&mut doc);
    let resources = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
    let c1 = doc.add_object(Stream::new(Dictionary::new(), text_content("Site plan for Bowesfield")));
    let c2 = doc.add_object(Stream::new(Dictionary::new(), text_content("Key to the site plan")));
    let p1 = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages, "Contents" => c1 });
    let named_link = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Link", "Rect" => vec![72.into(), 690.into(), 300.into(), 720.into()],
        "Dest" => Object::string_literal("siteplan"),
    });
    let explicit_link = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Link", "Rect" => vec![72.into(), 600.into(), 300.into(), 630.into()],
        "A" => dictionary! { "S" => "GoTo", "D" => vec![p1.into(), "Fit".into()] },
    });
    let p2 = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => c2,
        "MediaBox" => vec![0.into(), 0.into(), 1191.into(), 842.into()], "Rotate" => 0,
        "Annots" => vec![named_link.into(), explicit_link.into()],
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![p1.into(), p2.into()], "Count" => 2,
            "MediaBox" => vec![0.into(), 0.into(), 842.into(), 1191.into()], "Rotate" => 90, "Resources" => resources,
        }),
    );
    let outlines = doc.new_object_id();
    let item = doc.add_object(dictionary! {
        "Title" => Object::string_literal("Key to the plan"), "Parent" => outlines, "Dest" => vec![p2.into(), "Fit".into()],
    });
    doc.objects.insert(
        outlines,
        Object::Dictionary(dictionary! { "Type" => "Outlines", "First" => item, "Last" => item, "Count" => 1 }),
    );
    let dests = doc.add_object(dictionary! {
        "Names" => vec![Object::string_literal("siteplan"), vec![p1.into(), "Fit".into()].into()],
    });
    save(
        doc,
        dictionary! { "Type" => "Catalog", "Pages" => pages, "Outlines" => outlines, "Names" => dictionary! { "Dests" => dests } },
    )
}

/// An appendix carrying everything a pack must not: a JavaScript OpenAction and document
/// script, page and annotation automatic actions, a Launch link, a JavaScript URI, a link whose
/// chained action is JavaScript, an attached file, an embedded file tree and a form with XFA.
fn hostile() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages = doc.new_object_id();
    let font = helvetica(&mut doc);
    let content = doc.add_object(Stream::new(Dictionary::new(), text_content("Appendix with active content")));
    let js = doc.add_object(dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("app.alert('pwned')") });
    let secret = doc.add_object(Stream::new(dictionary! { "Type" => "EmbeddedFile" }, b"secret payload".to_vec()));
    let filespec = doc.add_object(dictionary! {
        "Type" => "Filespec", "F" => Object::string_literal("secret.txt"), "EF" => dictionary! { "F" => secret },
    });
    let rect = |y: i64| Object::Array(vec![72.into(), y.into(), 300.into(), (y + 20).into()]);
    let launch = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Link", "Rect" => rect(500),
        "A" => dictionary! { "S" => "Launch", "F" => Object::string_literal("calc.exe") },
    });
    let attachment = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "FileAttachment", "Rect" => rect(450), "FS" => filespec,
    });
    let web = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Link", "Rect" => rect(400),
        "A" => dictionary! { "S" => "URI", "URI" => Object::string_literal("https://www.example.gov.uk/") },
    });
    let script_uri = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Link", "Rect" => rect(350),
        "A" => dictionary! { "S" => "URI", "URI" => Object::string_literal("javascript:alert(1)") },
    });
    let chained = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "Link", "Rect" => rect(300),
        "A" => dictionary! { "S" => "GoTo", "D" => vec![Object::Null, "Fit".into()], "Next" => js },
        "AA" => dictionary! { "E" => js },
    });
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        "Annots" => vec![launch.into(), attachment.into(), web.into(), script_uri.into(), chained.into()],
        "AA" => dictionary! { "O" => js },
        "PieceInfo" => dictionary! { "Private" => dictionary! { "Data" => Object::string_literal("private-app-data") } },
    });
    // The chained link's GoTo goes to this page.
    if let Ok(Object::Dictionary(a)) = doc.get_dictionary_mut(chained).and_then(|d| d.get_mut(b"A")) {
        a.set("D", Object::Array(vec![page.into(), "Fit".into()]));
    }
    doc.objects.insert(
        pages,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }),
    );
    let xfa = doc.add_object(Stream::new(Dictionary::new(), b"<xdp:xdp/>".to_vec()));
    save(
        doc,
        dictionary! {
            "Type" => "Catalog", "Pages" => pages, "OpenAction" => js,
            "Names" => dictionary! {
                "JavaScript" => dictionary! { "Names" => vec![Object::string_literal("init"), js.into()] },
                "EmbeddedFiles" => dictionary! { "Names" => vec![Object::string_literal("secret.txt"), filespec.into()] },
            },
            "AcroForm" => dictionary! { "Fields" => Vec::<Object>::new(), "XFA" => xfa },
            "AF" => vec![filespec.into()],
        },
    )
}

/// A tagged bound PDF made by hand: one page whose text is marked content 0 of a paragraph
/// element (a custom role mapped to `P`, with an `/ID`), under a section; `role` is what the
/// custom role maps to.
fn tagged_bound(text: &str, role: &str) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages = doc.new_object_id();
    let root = doc.new_object_id();
    let sect = doc.new_object_id();
    let font = helvetica(&mut doc);
    let content = format!("/Para <</MCID 0>> BDC BT /F1 14 Tf 72 700 Td ({text}) Tj ET EMC\n");
    let content = doc.add_object(Stream::new(Dictionary::new(), content.into_bytes()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => content, "StructParents" => 0,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    let para = doc.add_object(dictionary! {
        "Type" => "StructElem", "S" => "Para", "P" => sect, "Pg" => page, "K" => 0,
        "ID" => Object::string_literal("para-1"),
    });
    doc.objects.insert(
        sect,
        Object::Dictionary(
            dictionary! { "Type" => "StructElem", "S" => "Sect", "P" => root, "K" => vec![para.into()] },
        ),
    );
    let parent_tree = doc.add_object(dictionary! { "Nums" => vec![0.into(), vec![para.into()].into()] });
    doc.objects.insert(
        root,
        Object::Dictionary(dictionary! {
            "Type" => "StructTreeRoot", "K" => vec![sect.into()], "ParentTree" => parent_tree, "ParentTreeNextKey" => 1,
            "RoleMap" => dictionary! { "Para" => role },
            "IDTree" => dictionary! { "Names" => vec![Object::string_literal("para-1"), para.into()] },
        }),
    );
    save_tagged(doc, pages, page, root)
}

/// A furniture PDF: one page per size given, each saying "Page i of n" near its bottom left,
/// inside marked content of its own (which the merge must remove).
fn furniture(sizes: &[(f32, f32)]) -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages = doc.new_object_id();
    let font = helvetica(&mut doc);
    let n = sizes.len();
    let mut kids = Vec::new();
    for (i, (w, h)) in sizes.iter().enumerate() {
        let text = format!("/P <</MCID 0>> BDC BT /F1 9 Tf 36 20 Td (Page {} of {n}) Tj ET EMC\n", i + 1);
        let content = doc.add_object(Stream::new(Dictionary::new(), text.into_bytes()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(*w), Object::Real(*h)],
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        });
        kids.push(Object::Reference(page));
    }
    doc.objects
        .insert(pages, Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => n as i64 }));
    save(doc, dictionary! { "Type" => "Catalog", "Pages" => pages })
}

/// A part cabrep typeset, as the pack's binding gives it.
fn typeset_part(pdf: &'static [u8], title: &str) -> Part<'static> {
    Part { pdf: pdf.into(), source: PartSource::Typeset, title: title.into(), lang: None, nested: false }
}

fn bound(pdf: &[u8], name: &str, title: &str) -> Part<'static> {
    Part {
        pdf: (&*pdf.to_vec().leak()).into(),
        source: PartSource::Bound { name: name.into() },
        title: title.into(),
        lang: None,
        nested: false,
    }
}

fn options() -> MergeOptions {
    MergeOptions {
        title: "Cabinet, 18 January 2024: agenda pack".into(),
        lang: "en-GB".into(),
        author: "The Pack's Council".into(),
        keywords: vec!["Cabinet".into(), "agenda".into()],
        furniture: None,
        date: Some(time::macros::datetime!(2024-01-18 10:00 UTC)),
        tagged_stamps: Vec::new(),
    }
}

/// Every part kind: two typeset reports (one in Welsh), the untagged minutes, the A3 plan and
/// the hostile appendix.
fn all_parts() -> Vec<Part<'static>> {
    vec![
        Part {
            pdf: typeset("Budget Update", "en-GB").into(),
            source: PartSource::Typeset,
            title: "Item 4: Budget Update".into(),
            lang: None,
            nested: false,
        },
        bound(&untagged(), "minutes.pdf", "Item 2: Minutes"),
        bound(&a3_plan(), "plan.pdf", "Item 5: Site plan"),
        Part {
            pdf: typeset("Diweddariad", "cy").into(),
            source: PartSource::Typeset,
            title: "Item 6: Adroddiad".into(),
            lang: None,
            nested: false,
        },
        bound(&hostile(), "appendix.pdf", "Item 7: Appendix"),
    ]
}

/// The parts' displayed page sizes, in order, as a furniture PDF must have them.
/// The bytes a test part lends the merge.
fn lent_bytes<'a>(part: &Part<'a>) -> &'a [u8] {
    match part.pdf {
        PartPdf::Lent(pdf) => pdf,
        PartPdf::Given(..) => panic!("the tests lend their parts"),
    }
}

fn sizes(parts: &[Part]) -> Vec<(f32, f32)> {
    parts.iter().flat_map(|p| inspect(lent_bytes(p)).expect("inspect").pages).map(|p| (p.width, p.height)).collect()
}

fn merged_with_furniture(parts: &[Part]) -> Merged {
    let opts = MergeOptions { furniture: Some(furniture(&sizes(parts)).into()), ..options() };
    merge(parts, &opts).expect("merge")
}

// ----- tools -------------------------------------------------------------------------------------

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("`{name}` must be installed to test the PDF merge: {e}"));
    assert!(
        out.status.success() || (name == "qpdf" && out.status.code() == Some(3)),
        "{name} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A field of `pdfinfo`'s report, e.g. "Pages".
fn info_field<'a>(info: &'a str, name: &str) -> &'a str {
    let prefix = format!("{name}:");
    let line = info.lines().find(|l| l.starts_with(&prefix)).unwrap_or_else(|| panic!("no {name} in {info}"));
    line[prefix.len()..].trim()
}

struct Written {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Written {
    fn s(&self) -> &str {
        self.path.to_str().expect("a UTF-8 temporary path")
    }
}

fn write(pdf: &[u8]) -> Written {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("merged.pdf");
    std::fs::write(&path, pdf).expect("write the merged PDF");
    // Set CABREP_PDF_SAMPLE_DIR to keep the merged samples for looking at.
    if let Ok(keep) = std::env::var("CABREP_PDF_SAMPLE_DIR") {
        std::fs::create_dir_all(&keep).expect("create sample dir");
        let n = std::fs::read_dir(&keep).map(|d| d.count()).unwrap_or(0);
        std::fs::write(Path::new(&keep).join(format!("merged-{n}.pdf")), pdf).expect("keep the sample");
    }
    Written { _dir: dir, path }
}

/// qpdf's decoded, uncompressed rendering of the file (QDF), as text.
fn qdf(path: &Path) -> String {
    let out = path.with_extension("qdf");
    tool(
        "qpdf",
        &["--qdf", "--object-streams=disable", "--decode-level=all", path.to_str().unwrap(), out.to_str().unwrap()],
    );
    String::from_utf8_lossy(&std::fs::read(&out).expect("read the QDF")).into_owned()
}

/// qpdf's JSON of the file.
fn json(path: &Path) -> Value {
    serde_json::from_str(&tool("qpdf", &["--json", path.to_str().unwrap()])).expect("qpdf JSON")
}

/// The objects of a qpdf JSON, by "N 0 R", as their dictionaries (streams' dictionaries).
fn objects(json: &Value) -> BTreeMap<String, Value> {
    let map = json["qpdf"][1].as_object().expect("qpdf objects");
    map.iter()
        .filter_map(|(k, v)| {
            let id = k.strip_prefix("obj:")?.to_string();
            let value = v.get("value").or_else(|| v.get("stream").and_then(|s| s.get("dict")))?.clone();
            Some((id, value))
        })
        .collect()
}

fn page_refs(json: &Value) -> Vec<String> {
    json["pages"].as_array().expect("pages").iter().map(|p| p["object"].as_str().unwrap().to_string()).collect()
}

/// Follows "N 0 R" strings to their objects.
fn resolve<'a>(objects: &'a BTreeMap<String, Value>, v: &'a Value) -> &'a Value {
    match v.as_str().and_then(|s| objects.get(s)) {
        Some(o) => o,
        None => v,
    }
}

/// The ParentTree flattened: key → value.
fn parent_tree(objects: &BTreeMap<String, Value>, node: &Value, out: &mut BTreeMap<i64, Value>) {
    let node = resolve(objects, node);
    if let Some(nums) = node["/Nums"].as_array() {
        for pair in nums.chunks(2) {
            out.insert(pair[0].as_i64().expect("number tree key"), pair[1].clone());
        }
    }
    if let Some(kids) = node["/Kids"].as_array() {
        for kid in kids {
            parent_tree(objects, kid, out);
        }
    }
}

/// MCIDs used in each page's content streams, from qpdf's QDF ("%% Contents for page N").
fn mcids_by_page(qdf: &str) -> BTreeMap<usize, BTreeSet<i64>> {
    let mut out: BTreeMap<usize, BTreeSet<i64>> = BTreeMap::new();
    for section in qdf.split("%% Contents for page ").skip(1) {
        let page: usize = section.split_whitespace().next().unwrap().parse().unwrap();
        let body = section.split("endstream").next().unwrap();
        let set = out.entry(page).or_default();
        for piece in body.split("/MCID").skip(1) {
            let n: String = piece.trim_start().chars().take_while(|c| c.is_ascii_digit()).collect();
            set.insert(n.parse().expect("an MCID number"));
        }
    }
    out
}

// ----- tests -------------------------------------------------------------------------------------

#[test]
fn merged_pack_passes_qpdf_check() {
    let merged = merged_with_furniture(&all_parts());
    let file = write(&merged.pdf);
    let out = tool("qpdf", &["--check", file.s()]);
    assert!(out.contains("No syntax or stream encoding errors"), "{out}");
    assert!(!out.to_lowercase().contains("warning"), "{out}");
}

#[test]
fn part_starts_and_page_count_follow_the_parts() {
    let parts = all_parts();
    let counts: Vec<u32> = parts.iter().map(|p| inspect(lent_bytes(p)).unwrap().page_count).collect();
    let merged = merge(&parts, &options()).expect("merge");
    let mut start = 1;
    let expected: Vec<u32> = counts
        .iter()
        .map(|c| {
            let s = start;
            start += c;
            s
        })
        .collect();
    assert_eq!(merged.part_starts, expected);
    assert_eq!(merged.page_count, counts.iter().sum::<u32>());
    let info = tool("pdfinfo", &[write(&merged.pdf).s()]);
    assert_eq!(info_field(&info, "Pages"), merged.page_count.to_string(), "{info}");
}

/// The PDF/UA structure walk: every page's `StructParents` key and every annotation's
/// `StructParent` key is in the ParentTree, every MCID of a page's content has an element there,
/// and no element's `/Pg` is outside the document. Gives the number of tagged pages.
fn structure_walk(file: &Written) -> usize {
    let json = json(&file.path);
    let objects = objects(&json);
    let pages = page_refs(&json);
    let trailer = &json["qpdf"][1]["trailer"]["value"];
    let catalog = resolve(&objects, &trailer["/Root"]);
    let root = resolve(&objects, &catalog["/StructTreeRoot"]);
    let mut tree = BTreeMap::new();
    parent_tree(&objects, &root["/ParentTree"], &mut tree);
    assert!(!tree.is_empty());
    let next_key = root["/ParentTreeNextKey"].as_i64().expect("ParentTreeNextKey");
    assert!(tree.keys().all(|k| *k < next_key));

    let mcids = mcids_by_page(&qdf(&file.path));
    let mut tagged_pages = 0;
    for (index, page) in pages.iter().enumerate() {
        let dict = &objects[page];
        let Some(key) = dict["/StructParents"].as_i64() else {
            assert!(
                mcids.get(&(index + 1)).is_none_or(|m| m.is_empty()),
                "page {} has MCIDs but no StructParents",
                index + 1
            );
            continue;
        };
        tagged_pages += 1;
        let entry = resolve(
            &objects,
            tree.get(&key).unwrap_or_else(|| panic!("page {} key {key} not in the ParentTree", index + 1)),
        );
        let entry = entry.as_array().expect("a page's ParentTree entry is an array");
        for mcid in mcids.get(&(index + 1)).into_iter().flatten() {
            let elem = entry.get(*mcid as usize).unwrap_or_else(|| panic!("page {} MCID {mcid} missing", index + 1));
            assert!(elem.as_str().is_some_and(|r| objects.contains_key(r)), "page {} MCID {mcid}: {elem}", index + 1);
        }
        for annot in dict["/Annots"].as_array().into_iter().flatten() {
            if let Some(key) = resolve(&objects, annot)["/StructParent"].as_i64() {
                assert!(tree.contains_key(&key), "annotation StructParent {key} not in the ParentTree");
            }
        }
    }
    for (id, object) in &objects {
        if let Some(pg) = object.get("/Pg") {
            let pg = pg.as_str().unwrap_or_default();
            assert!(pages.iter().any(|p| p == pg), "{id} has /Pg {pg}, not a page of the document");
        }
    }
    tagged_pages
}

#[test]
fn structure_walk_parent_tree_agrees_with_every_page() {
    let merged = merged_with_furniture(&all_parts());
    // The typeset reports' four pages are tagged; the bound untagged ones are not.
    assert_eq!(structure_walk(&write(&merged.pdf)), 4);
}

/// The project's example minutes: a tagged PDF bound as it is.
fn example_minutes() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs/minutes-2023-12-14.pdf"))
        .expect("the example minutes")
}

#[test]
fn tagged_bound_minutes_keep_their_headings_text_and_the_pdfua_claim() {
    let parts = vec![
        Part {
            pdf: typeset("Budget Update", "en-GB").into(),
            source: PartSource::Typeset,
            title: "Item 1".into(),
            lang: None,
            nested: false,
        },
        bound(&example_minutes(), "minutes-2023-12-14.pdf", "Item 2: Minutes"),
    ];
    let merged = merged_with_furniture(&parts);
    assert!(merged.warnings.is_empty(), "{:?}", merged.warnings);
    let file = write(&merged.pdf);
    assert_eq!(structure_walk(&file), 3);
    assert!(tool("qpdf", &["--check", file.s()]).contains("No syntax or stream encoding errors"));
    let text = tool("pdftotext", &["-f", "3", "-l", "3", file.s(), "-"]);
    assert!(text.contains("Record of decisions"), "{text}");
    assert!(text.contains("Page 3 of 3"), "{text}");
    // The minutes' own headings are elements under their Part.
    let json = json(&file.path);
    let objects = objects(&json);
    let minutes =
        objects.values().find(|o| o["/S"] == "/Part" && o["/T"] == "u:Item 2: Minutes").expect("the minutes' Part");
    let mut stack: Vec<&Value> = minutes["/K"].as_array().unwrap().iter().collect();
    let mut roles = BTreeSet::new();
    while let Some(k) = stack.pop() {
        let k = resolve(&objects, k);
        if let Some(role) = k["/S"].as_str() {
            roles.insert(role.to_string());
        }
        match &k["/K"] {
            Value::Array(items) => stack.extend(items.iter()),
            v @ Value::String(_) => stack.push(v),
            _ => {}
        }
    }
    assert!(roles.iter().any(|r| r.starts_with("/H")), "{roles:?}");
    assert!(qdf(&file.path).contains("<pdfuaid:part>1</pdfuaid:part>"));
}

#[test]
fn each_tagged_part_is_a_part_element_with_its_title_and_headings() {
    let merged = merge(&all_parts(), &options()).expect("merge");
    let file = write(&merged.pdf);
    let json = json(&file.path);
    let objects = objects(&json);
    let catalog = resolve(&objects, &json["qpdf"][1]["trailer"]["value"]["/Root"]);
    let root = resolve(&objects, &catalog["/StructTreeRoot"]);
    let document = resolve(&objects, &root["/K"][0]);
    assert_eq!(document["/S"], "/Document");
    let parts: Vec<&Value> = document["/K"].as_array().unwrap().iter().map(|p| resolve(&objects, p)).collect();
    assert!(parts.iter().all(|p| p["/S"] == "/Part"));
    let titles: Vec<&str> = parts.iter().map(|p| p["/T"].as_str().unwrap()).collect();
    assert_eq!(titles, ["u:Item 4: Budget Update", "u:Item 6: Adroddiad"]);
    // The Welsh report keeps its language on its element; the English one needs none.
    assert_eq!(parts[0].get("/Lang"), None);
    assert_eq!(parts[1]["/Lang"], "u:cy");
    // The report's own headings are under the Part elements.
    let roles: BTreeSet<&str> = objects.values().filter_map(|o| o["/S"].as_str()).collect();
    assert!(roles.contains("/H1") && roles.contains("/H2"), "{roles:?}");
    for part in &parts {
        assert!(!part["/K"].as_array().expect("a Part has kids").is_empty());
    }
}

#[test]
fn bound_text_is_extractable_on_its_own_pages() {
    let parts = all_parts();
    let merged = merge(&parts, &options()).expect("merge");
    let file = write(&merged.pdf);
    let page = |n: u32| tool("pdftotext", &["-f", &n.to_string(), "-l", &n.to_string(), file.s(), "-"]);
    let [report, minutes, plan, ..] = merged.part_starts[..] else { panic!() };
    assert!(page(report).contains("budget gap is closing"));
    assert!(page(minutes).contains("Minutes of the Licensing Committee"));
    assert!(page(plan).contains("Site plan for Bowesfield"));
    assert!(page(plan + 1).contains("Key to the site plan"));
    assert!(page(merged.page_count).contains("Appendix with active content"));
}

#[test]
fn a3_plan_keeps_its_size_and_rotation() {
    let merged = merge(&all_parts(), &options()).expect("merge");
    let file = write(&merged.pdf);
    let plan = merged.part_starts[2].to_string();
    let info = tool("pdfinfo", &["-f", &plan, "-l", &(merged.part_starts[2] + 1).to_string(), file.s()]);
    let lines: Vec<&str> =
        info.lines().filter(|l| l.starts_with("Page") && l.contains("size") || l.contains("rot")).collect();
    let text = lines.join("\n");
    assert!(text.contains("842 x 1191 pts (A3)"), "{text}");
    assert!(text.contains("1191 x 842 pts (A3)"), "{text}");
    assert!(lines.iter().any(|l| l.contains("rot:") && l.trim_end().ends_with("90")), "{text}");
    let facts = inspect(&merged.pdf).expect("inspect the merge");
    let p = facts.pages[merged.part_starts[2] as usize - 1];
    assert_eq!((p.width, p.height, p.rotate), (1191.0, 842.0, 90));
}

#[test]
fn links_inside_a_bound_part_still_reach_their_page() {
    let merged = merge(&all_parts(), &options()).expect("merge");
    let file = write(&merged.pdf);
    let json = json(&file.path);
    let objects = objects(&json);
    let pages = page_refs(&json);
    let plan = merged.part_starts[2] as usize - 1;
    let key = &objects[&pages[plan + 1]];
    let annots: Vec<&Value> =
        key["/Annots"].as_array().expect("annotations kept").iter().map(|a| resolve(&objects, a)).collect();
    assert_eq!(annots.len(), 2);
    // The named destination became an explicit one; the GoTo action's too.
    assert_eq!(annots[0]["/Dest"][0], pages[plan].as_str());
    assert_eq!(annots[1]["/A"]["/D"][0], pages[plan].as_str());
    // No name dictionary is left to dangle.
    let catalog = resolve(&objects, &json["qpdf"][1]["trailer"]["value"]["/Root"]);
    assert!(catalog.get("/Names").is_none());
}

#[test]
fn bookmarks_one_per_part_with_the_parts_own_outline_beneath() {
    let parts = all_parts();
    let merged = merge(&parts, &options()).expect("merge");
    let json = json(&write(&merged.pdf).path);
    let outlines = json["outlines"].as_array().expect("outlines");
    let titles: Vec<&str> = outlines.iter().map(|o| o["title"].as_str().unwrap()).collect();
    let expected: Vec<&str> = parts.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, expected);
    for (outline, start) in outlines.iter().zip(&merged.part_starts) {
        assert_eq!(outline["destpageposfrom1"], *start as i64, "{outline}");
    }
    let plan_kids: Vec<&str> =
        outlines[2]["kids"].as_array().unwrap().iter().map(|k| k["title"].as_str().unwrap()).collect();
    assert_eq!(plan_kids, ["Key to the plan"]);
    assert_eq!(outlines[2]["kids"][0]["destpageposfrom1"], merged.part_starts[2] as i64 + 1);
    // The typeset report's headings are its bookmarks, under its item.
    let report_kids = outlines[0]["kids"].as_array().unwrap();
    assert!(report_kids.iter().any(|k| k["title"] == "Budget Update"), "{report_kids:?}");
}

/// Asserts that nothing of the hostile part's active or embedded content is in the merged file
/// (as `qpdf --qdf` writes it).
fn assert_nothing_active(qdf: &str) {
    for forbidden in [
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/FileAttachment",
        "/OpenAction",
        "/AA",
        "/XFA",
        "/AcroForm",
        "/PieceInfo",
        "/AF",
        "calc.exe",
        "secret",
        "pwned",
        "javascript:",
        "private-app-data",
    ] {
        assert!(!qdf.contains(forbidden), "{forbidden} survived the merge");
    }
}

#[test]
fn bound_parts_are_sanitised() {
    let merged = merge(&all_parts(), &options()).expect("merge");
    let file = write(&merged.pdf);
    let qdf = qdf(&file.path);
    assert_nothing_active(&qdf);
    assert!(!qdf.contains("Private draft"), "a bound part's Info title survived the merge");
    assert!(qdf.contains("(https://www.example.gov.uk/)"), "a web link is kept");
    assert!(qdf.contains("mailto:democratic.services@example.gov.uk"), "the report's mail link is kept");
    let json = json(&file.path);
    assert!(json["attachments"].as_object().is_none_or(|a| a.is_empty()));
    let warning = merged.warnings.iter().find_map(|w| match w {
        MergeWarning::Sanitised { name, removed } if name == "appendix.pdf" => Some(removed.clone()),
        _ => None,
    });
    let removed = warning.expect("the appendix's sanitising is reported");
    for kind in ["JavaScript", "Launch actions", "embedded files", "automatic actions"] {
        assert!(removed.iter().any(|r| r == kind), "{kind} not in {removed:?}");
    }
}

#[test]
fn untagged_part_is_named_and_drops_the_pdfua_claim() {
    let merged = merge(&all_parts(), &options()).expect("merge");
    assert!(merged.warnings.contains(&MergeWarning::Untagged { name: "minutes.pdf".into() }));
    assert!(merged.warnings.contains(&MergeWarning::Untagged { name: "plan.pdf".into() }));
    let text = merged.warnings.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    assert!(text.contains("minutes.pdf is not tagged: the pack cannot claim PDF/UA-1"), "{text}");
    let file = write(&merged.pdf);
    let qdf = qdf(&file.path);
    assert!(!qdf.contains("pdfuaid"), "an untagged part must not leave a PDF/UA claim");
    assert!(qdf.contains("/Marked true"));
    let json = json(&file.path);
    let objects = objects(&json);
    let catalog = resolve(&objects, &json["qpdf"][1]["trailer"]["value"]["/Root"]);
    assert_eq!(catalog["/Lang"], "u:en-GB");
    assert_eq!(catalog["/ViewerPreferences"]["/DisplayDocTitle"], true);
}

#[test]
fn all_tagged_parts_keep_the_pdfua_claim_and_metadata() {
    let parts = vec![
        Part {
            pdf: typeset("Budget Update", "en-GB").into(),
            source: PartSource::Typeset,
            title: "Item 4".into(),
            lang: None,
            nested: false,
        },
        Part {
            pdf: typeset("Diweddariad", "cy").into(),
            source: PartSource::Typeset,
            title: "Item 6".into(),
            lang: None,
            nested: false,
        },
    ];
    let merged = merge(&parts, &options()).expect("merge");
    assert!(merged.warnings.is_empty(), "{:?}", merged.warnings);
    let file = write(&merged.pdf);
    let qdf = qdf(&file.path);
    assert!(qdf.contains("<pdfuaid:part>1</pdfuaid:part>"));
    assert!(qdf.contains("Cabinet, 18 January 2024: agenda pack"));
    assert!(qdf.contains("2024-01-18T10:00:00Z"));
    // Nothing of the parts' own metadata.
    assert!(!qdf.contains("Example Borough Council"), "a part's author leaked into the pack");
    let info = tool("pdfinfo", &[file.s()]);
    assert_eq!(info_field(&info, "Title"), "Cabinet, 18 January 2024: agenda pack", "{info}");
    assert_eq!(info_field(&info, "Author"), "The Pack's Council", "the pack's own author: {info}");
    assert_eq!(info_field(&info, "Keywords"), "Cabinet, agenda", "{info}");
    assert_eq!(info_field(&info, "Tagged"), "yes", "{info}");
}

#[test]
fn two_merges_are_byte_identical() {
    let a = merged_with_furniture(&all_parts());
    let b = merged_with_furniture(&all_parts());
    assert!(a.pdf == b.pdf, "two merges of the same inputs differ");
    let other = merge(&all_parts()[..2], &options()).expect("merge");
    assert_ne!(a.pdf, other.pdf);
}

#[test]
fn parts_given_to_the_merge_make_the_same_file_as_parts_lent_and_are_let_go_once_read() {
    let lent = merged_with_furniture(&all_parts());
    let given: Vec<Part> =
        all_parts().into_iter().map(|p| Part { pdf: PartPdf::given(lent_bytes(&p).to_vec()), ..p }).collect();
    let opts = MergeOptions { furniture: Some(furniture(&sizes(&all_parts())).into()), ..options() };
    let merged = merge(&given, &opts).expect("merge");
    assert!(merged.pdf == lent.pdf, "the same bytes, the same identifier");
    for part in &given {
        let PartPdf::Given(len, bytes) = &part.pdf else { panic!("given") };
        assert!(*len > 0);
        assert!(bytes.lock().expect("lock").is_none(), "{}: its bytes were let go", part.title);
    }
    // A part is merged once: its bytes are gone the second time.
    let again = merge(&given, &options()).expect_err("merged twice");
    assert!(again.to_string().contains("already merged"), "{again}");
}

#[test]
fn furniture_is_stamped_on_every_page_as_an_artifact() {
    let parts = all_parts();
    let merged = merged_with_furniture(&parts);
    let file = write(&merged.pdf);
    let n = merged.page_count;
    for page in 1..=n {
        let text = tool("pdftotext", &["-f", &page.to_string(), "-l", &page.to_string(), file.s(), "-"]);
        assert!(text.contains(&format!("Page {page} of {n}")), "page {page}: {text}");
    }
    let qdf = qdf(&file.path);
    assert_eq!(qdf.matches("/Artifact BMC").count(), n as usize);
    // The furniture's own marked content was removed (its MCID would have no owner).
    assert!(!qdf.contains("/P <<\n  /MCID 0\n>> BDC\nBT\n/F1 9 Tf"));
}

#[test]
fn furniture_reads_upright_at_the_foot_of_a_rotated_page() {
    let parts = all_parts();
    let merged = merged_with_furniture(&parts);
    let file = write(&merged.pdf);
    let plan = merged.part_starts[2].to_string();
    let html = tool("pdftotext", &["-bbox", "-f", &plan, "-l", &plan, file.s(), "-"]);
    // Word boxes are in displayed coordinates (y from the top; the page shown is 1191 wide and
    // 842 high). The plan's own text runs down the page, as its rotation shows it; the stamp
    // runs left to right, 20pt above the displayed foot.
    let word = |w: &str| -> (f32, f32, f32, f32) {
        let line = html.lines().find(|l| l.contains(&format!(">{w}</word>"))).unwrap_or_else(|| panic!("{html}"));
        let num = |attr: &str| -> f32 {
            let rest = &line[line.find(&format!("{attr}=\"")).unwrap() + attr.len() + 2..];
            rest[..rest.find('"').unwrap()].parse().unwrap()
        };
        (num("xMin"), num("yMin"), num("xMax"), num("yMax"))
    };
    let (x0, y0, x1, y1) = word("Bowesfield");
    assert!(y1 - y0 > x1 - x0, "the plan's text is turned with its page: {html}");
    let (x0, y0, x1, y1) = word("Page");
    assert!(x1 - x0 > y1 - y0, "the stamp reads upright: {html}");
    assert!((30.0..50.0).contains(&x0), "{html}");
    assert!(y1 > 800.0 && y1 < 842.0, "{html}");
}

#[test]
fn furniture_with_the_wrong_page_count_is_refused() {
    let parts = all_parts();
    let opts = MergeOptions { furniture: Some(furniture(&[(595.0, 842.0)]).into()), ..options() };
    let err = merge(&parts, &opts).unwrap_err();
    assert!(matches!(err.kind, MergeErrorKind::FurniturePages { found: 1, .. }), "{err}");
}

#[test]
fn inspect_gives_page_count_tagging_and_sizes() {
    let report = inspect(typeset("Budget Update", "en-GB")).expect("inspect");
    assert_eq!(report.page_count, 2);
    assert!(report.tagged);
    let minutes = inspect(&untagged()).expect("inspect");
    assert_eq!(minutes.page_count, 1);
    assert!(!minutes.tagged);
    assert_eq!(minutes.pages[0], PageFacts { width: 595.0, height: 842.0, rotate: 0 });
    let plan = inspect(&a3_plan()).expect("inspect");
    assert_eq!(plan.pages[0], PageFacts { width: 1191.0, height: 842.0, rotate: 90 });
    assert_eq!(plan.pages[1], PageFacts { width: 1191.0, height: 842.0, rotate: 0 });
}

/// An encrypted copy of the minutes, made with qpdf (an empty user password: it opens without
/// one, yet is encrypted).
fn encrypted() -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let (input, output) = (dir.path().join("in.pdf"), dir.path().join("out.pdf"));
    std::fs::write(&input, untagged()).unwrap();
    tool("qpdf", &["--encrypt", "", "owner", "256", "--", input.to_str().unwrap(), output.to_str().unwrap()]);
    std::fs::read(output).unwrap()
}

#[test]
fn encrypted_part_is_refused_by_name() {
    let parts = vec![bound(&untagged(), "minutes.pdf", "Item 2"), bound(&encrypted(), "locked.pdf", "Item 3")];
    let err = merge(&parts, &options()).unwrap_err();
    assert_eq!(err, MergeError { name: "locked.pdf".into(), kind: MergeErrorKind::Encrypted });
    assert_eq!(inspect(&encrypted()).unwrap_err().kind, MergeErrorKind::Encrypted);
}

#[test]
fn truncated_part_is_refused_by_name() {
    let pdf = untagged();
    let cut = &pdf[..pdf.len() * 2 / 3];
    let err = merge(&[bound(cut, "cut.pdf", "Item 2")], &options()).unwrap_err();
    assert_eq!(err, MergeError { name: "cut.pdf".into(), kind: MergeErrorKind::Truncated });
}

#[test]
fn garbage_and_pageless_parts_are_refused() {
    let err = merge(&[bound(b"this is not a PDF at all", "notes.txt", "Item 2")], &options()).unwrap_err();
    assert!(matches!(err.kind, MergeErrorKind::Corrupt(_)), "{err}");
    assert!(err.to_string().starts_with("notes.txt is not a readable PDF"), "{err}");

    let mut doc = Document::with_version("1.4");
    let pages = doc.add_object(dictionary! { "Type" => "Pages", "Kids" => Vec::<Object>::new(), "Count" => 0 });
    let empty = save(doc, dictionary! { "Type" => "Catalog", "Pages" => pages });
    let err = merge(&[bound(&empty, "empty.pdf", "Item 2")], &options()).unwrap_err();
    assert_eq!(err.kind, MergeErrorKind::NoPages, "{err}");
    assert!(merge(&[], &options()).is_err());
}

#[test]
fn damaged_parts_never_panic() {
    // Every cut of the files and thousands of flipped bytes: each merge either succeeds or gives
    // an error; none panics.
    let sources = [untagged(), a3_plan(), hostile(), typeset("Budget Update", "en-GB").to_vec()];
    let mut seed: u64 = 0x2545F4914F6CDD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut outcomes = [0usize; 2];
    for pdf in &sources {
        let step = (pdf.len() / 150).max(1);
        let mut variants: Vec<Vec<u8>> = (0..pdf.len()).step_by(step).map(|n| pdf[..n].to_vec()).collect();
        for _ in 0..150 {
            let mut v = pdf.clone();
            for _ in 0..1 + next() % 8 {
                let at = (next() as usize) % v.len();
                v[at] = next() as u8;
            }
            variants.push(v);
        }
        for v in &variants {
            let result = std::panic::catch_unwind(|| {
                let part = Part {
                    pdf: v.into(),
                    source: PartSource::Bound { name: "x.pdf".into() },
                    title: "X".into(),
                    lang: None,
                    nested: false,
                };
                let _ = inspect(v);
                merge(&[part], &options()).is_ok()
            });
            let ok = result.unwrap_or_else(|_| panic!("the merge panicked on a damaged file"));
            outcomes[ok as usize] += 1;
        }
    }
    // Both outcomes happen: damage is sometimes repaired, sometimes refused.
    assert!(outcomes[0] > 0 && outcomes[1] > 0, "{outcomes:?}");
}

#[test]
fn tagged_bound_part_is_grafted_with_unique_ids_and_merged_role_map() {
    // The same tagged file twice, then one that maps its custom role differently.
    let parts = vec![
        bound(&tagged_bound("First tagged minutes", "P"), "first.pdf", "Item 2"),
        bound(&tagged_bound("Second tagged minutes", "P"), "second.pdf", "Item 3"),
        bound(&tagged_bound("Third tagged minutes", "H1"), "third.pdf", "Item 4"),
    ];
    let merged = merge(&parts, &options()).expect("merge");
    assert_eq!(
        merged.warnings,
        [MergeWarning::RoleConflict { name: "third.pdf".into(), role: "Para".into() }],
        "tagged parts are not reported as untagged"
    );
    let file = write(&merged.pdf);
    let json = json(&file.path);
    let objects = objects(&json);
    let pages = page_refs(&json);
    let ids: Vec<&str> = objects.values().filter_map(|o| o.get("/ID")).filter_map(Value::as_str).collect();
    assert_eq!(ids, ["u:p1-para-1", "u:p2-para-1", "u:p3-para-1"]);
    let catalog = resolve(&objects, &json["qpdf"][1]["trailer"]["value"]["/Root"]);
    let root = resolve(&objects, &catalog["/StructTreeRoot"]);
    assert_eq!(root["/RoleMap"]["/Para"], "/P");
    let id_tree: Vec<&str> =
        root["/IDTree"]["/Names"].as_array().unwrap().iter().step_by(2).map(|v| v.as_str().unwrap()).collect();
    assert_eq!(id_tree, ["u:p1-para-1", "u:p2-para-1", "u:p3-para-1"]);
    // Each page's key leads to its own paragraph, whose /Pg is that page and whose parent chain
    // reaches the page's Part element.
    let mut tree = BTreeMap::new();
    parent_tree(&objects, &root["/ParentTree"], &mut tree);
    for (i, page) in pages.iter().enumerate() {
        let key = objects[page]["/StructParents"].as_i64().unwrap();
        let para = resolve(&objects, &resolve(&objects, &tree[&key])[0]);
        assert_eq!(para["/Pg"], page.as_str());
        let sect = resolve(&objects, &para["/P"]);
        assert_eq!(sect["/S"], "/Sect");
        let part = resolve(&objects, &sect["/P"]);
        assert_eq!(part["/S"], "/Part");
        assert_eq!(part["/T"], format!("u:Item {}", i + 2));
    }
    assert!(tool("qpdf", &["--check", file.s()]).contains("No syntax or stream encoding errors"));
    assert!(qdf(&file.path).contains("<pdfuaid:part>1</pdfuaid:part>"), "all parts tagged: the claim stays");
}

#[test]
fn text_strings_are_pdfdoc_or_utf16() {
    assert_eq!(metadata::text_string("Item 4"), Object::String(b"Item 4".to_vec(), StringFormat::Literal));
    let Object::String(bytes, _) = metadata::text_string("Eitem 6 – Adroddiad") else { panic!() };
    assert_eq!(&bytes[..2], &[0xFE, 0xFF]);
}

#[test]
fn placement_turns_the_stamp_against_the_page_rotation() {
    // A point of the displayed page's bottom-left corner lands where the viewer shows it.
    let apply = |m: [f32; 6], (u, v): (f32, f32)| (m[0] * u + m[2] * v + m[4], m[1] * u + m[3] * v + m[5]);
    let page = [0.0, 0.0, 842.0, 1191.0];
    assert_eq!(apply(stamp::placement(page, 0), (0.0, 0.0)), (0.0, 0.0));
    // Turned 90° clockwise, the displayed bottom-left is the user space's bottom-right.
    assert_eq!(apply(stamp::placement(page, 90), (0.0, 0.0)), (842.0, 0.0));
    assert_eq!(apply(stamp::placement(page, 180), (0.0, 0.0)), (842.0, 1191.0));
    assert_eq!(apply(stamp::placement(page, 270), (0.0, 0.0)), (0.0, 1191.0));
    assert_eq!(apply(stamp::placement([10.0, 20.0, 100.0, 200.0], 0), (0.0, 0.0)), (10.0, 20.0));
}

#[test]
fn attachment_reached_from_the_structure_tree_is_not_copied() {
    // A tagged file whose paragraph owns a file attachment annotation through an object
    // reference (and the ParentTree): dropping it from the page is not enough.
    let mut doc = Document::load_mem(&tagged_bound("Tagged minutes with an attachment", "P")).unwrap();
    let page = doc.page_iter().next().unwrap();
    let secret = doc.add_object(Stream::new(dictionary! { "Type" => "EmbeddedFile" }, b"secret payload".to_vec()));
    let filespec = doc.add_object(dictionary! {
        "Type" => "Filespec", "F" => Object::string_literal("secret.txt"), "EF" => dictionary! { "F" => secret },
    });
    let annot = doc.add_object(dictionary! {
        "Type" => "Annot", "Subtype" => "FileAttachment", "Rect" => vec![72.into(), 600.into(), 90.into(), 620.into()],
        "FS" => filespec, "StructParent" => 1, "P" => page,
    });
    doc.get_dictionary_mut(page).unwrap().set("Annots", vec![annot.into()]);
    let objr = dictionary! { "Type" => "OBJR", "Obj" => annot, "Pg" => page };
    let para = doc
        .objects
        .iter()
        .find(|(_, o)| o.as_dict().is_ok_and(|d| d.get(b"S").and_then(Object::as_name).is_ok_and(|s| s == b"Para")))
        .map(|(id, _)| *id)
        .unwrap();
    doc.get_dictionary_mut(para).unwrap().set("K", vec![0.into(), objr.into()]);
    let root = doc.catalog().unwrap().get(b"StructTreeRoot").unwrap().as_reference().unwrap();
    let tree = doc.get_dictionary(root).unwrap().get(b"ParentTree").unwrap().as_reference().unwrap();
    doc.get_dictionary_mut(tree).unwrap().set("Nums", vec![0.into(), vec![para.into()].into(), 1.into(), para.into()]);
    doc.get_dictionary_mut(root).unwrap().set("ParentTreeNextKey", 2);
    let mut pdf = Vec::new();
    doc.save_to(&mut pdf).unwrap();

    let merged = merge(&[bound(&pdf, "attached.pdf", "Item 2")], &options()).expect("merge");
    let file = write(&merged.pdf);
    let qdf = qdf(&file.path);
    for forbidden in ["/FileAttachment", "/EmbeddedFile", "secret"] {
        assert!(!qdf.contains(forbidden), "{forbidden} survived the merge");
    }
    assert!(tool("qpdf", &["--check", file.s()]).contains("No syntax or stream encoding errors"));
    assert_eq!(structure_walk(&file), 1);
    assert!(merged.warnings.iter().any(
        |w| matches!(w, MergeWarning::Sanitised { removed, .. } if removed.iter().any(|r| r == "embedded files"))
    ));
}

/// Furniture typeset by the project's writer: `pages` empty pages with the footer
/// "Page X of Y" in the house font (embedded), as the pack will make it.
fn typeset_furniture(pages: usize) -> Vec<u8> {
    let (writer, style) = writer();
    let mut blocks = vec![para(" ")];
    for _ in 1..pages {
        blocks.push(Block::PageBreak);
        blocks.push(para(" "));
    }
    let doc = crate::tree::Document {
        template: None,
        meta: Meta {
            title: "Furniture".into(),
            author: String::new(),
            subject: String::new(),
            lang: "en-GB".into(),
            date: time::macros::date!(2024 - 01 - 18),
            keywords: Vec::new(),
        },
        style: style.clone(),
        furniture: Furniture { header: Some("NOT FOR PUBLICATION".into()), footer: "Page {page} of {pages}".into() },
        blocks,
    };
    writer.render(&doc).expect("typeset the furniture")
}

#[test]
fn typeset_furniture_is_stamped_with_its_fonts_embedded() {
    let pdf = typeset("Budget Update", "en-GB");
    let parts = vec![
        Part { pdf: pdf.into(), source: PartSource::Typeset, title: "Item 1".into(), lang: None, nested: false },
        bound(&untagged(), "minutes.pdf", "Item 2"),
        Part { pdf: pdf.into(), source: PartSource::Typeset, title: "Item 3".into(), lang: None, nested: false },
    ];
    let furniture = typeset_furniture(5);
    assert_eq!(inspect(&furniture).unwrap().page_count, 5);
    let merged = merge(&parts, &MergeOptions { furniture: Some(furniture.into()), ..options() }).expect("merge");
    let file = write(&merged.pdf);
    for page in 1..=5 {
        let text = tool("pdftotext", &["-f", &page.to_string(), "-l", &page.to_string(), file.s(), "-"]);
        assert!(text.contains(&format!("Page {page} of 5")), "page {page}: {text}");
        assert!(text.contains("NOT FOR PUBLICATION"), "page {page}: {text}");
    }
    // Every font but the untagged minutes' standard Helvetica is embedded.
    let fonts = tool("pdffonts", &[file.s()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    // Two fonts in each report part, Helvetica, and the furniture's two fonts once, not once
    // per page.
    assert_eq!(rows.len(), 2 + 2 + 1 + 2, "{fonts}");
    for row in rows {
        assert!(row.starts_with("Helvetica") || row.split_whitespace().rev().nth(4) == Some("yes"), "{fonts}");
    }
    assert!(tool("qpdf", &["--check", file.s()]).contains("No syntax or stream encoding errors"));
    assert_eq!(structure_walk(&file), 4);
}

/// Report parts and a bound part with a stamp, at least `pages` pages in all, and furniture for
/// them with `footer`, typeset by the project's writer: the merged pack, and how many pages.
fn planned_pack(pages: usize, footer: &str) -> (Merged, usize, FurniturePlan) {
    let (writer, style) = writer();
    let pdf = typeset("Budget Update", "en-GB");
    let per_part = inspect(pdf).unwrap().page_count as usize;
    let mut parts: Vec<Part> = Vec::new();
    let mut kinds = Vec::new();
    while kinds.len() + per_part < pages {
        parts.push(Part {
            pdf: pdf.into(),
            source: PartSource::Typeset,
            title: "Item".into(),
            lang: None,
            nested: false,
        });
        kinds.extend(std::iter::repeat_n(false, per_part));
    }
    parts.push(bound(&untagged(), "minutes.pdf", "Minutes"));
    kinds.push(true);
    let sizes: Vec<crate::render::pdf::FurniturePage> = kinds
        .iter()
        .map(|bound| crate::render::pdf::FurniturePage {
            width: if *bound { 612.0 } else { 595.2756 },
            height: if *bound { 792.0 } else { 841.8898 },
            stamp: bound.then(|| "Agenda item 9: Minutes".to_owned()),
            bound: *bound,
        })
        .collect();
    let spec = crate::render::pdf::FurnitureSpec {
        style,
        lang: "en-GB",
        title: "Cabinet",
        header: None,
        footer,
        pages: &sizes,
        stamp_pages: &[],
    };
    let furniture = writer.furniture(&spec, time::macros::date!(2024 - 01 - 18)).expect("furniture");
    let plan = furniture.plan.clone().expect("a plan");
    let merged = merge(&parts, &MergeOptions { furniture: Some(furniture), ..options() }).expect("merge");
    assert_eq!(merged.page_count as usize, sizes.len());
    (merged, sizes.len(), plan)
}

#[test]
fn a_footer_in_other_words_is_numbered_wherever_its_numbers_stand() {
    // The number first, twice, or not at all: each page reads its own words.
    for (footer, expect) in [
        ("{page}/{pages}", "{page}/{pages}"),
        ("Tudalen {page} o {pages} (tudalen {page})", "Tudalen {page} o {pages} (tudalen {page})"),
        ("Cabinet agenda", "Cabinet agenda"),
    ] {
        let (merged, total, plan) = planned_pack(11, footer);
        if !footer.contains("{page}") {
            assert!(plan.digits.is_none() && plan.slots.iter().all(Vec::is_empty), "{footer}: {plan:?}");
        }
        let file = write(&merged.pdf);
        for page in [1, 9, 10, total] {
            let words = expect.replace("{pages}", &total.to_string()).replace("{page}", &page.to_string());
            let text = tool("pdftotext", &["-f", &page.to_string(), "-l", &page.to_string(), file.s(), "-"]);
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(text.contains(&words), "{footer}, page {page}: {text}");
        }
    }
}

#[test]
fn planned_furniture_numbers_every_page_from_one_form_for_each_kind_of_page() {
    // Twelve pages: eleven typeset (A4) and a bound one with a stamp. The furniture is typeset
    // as a page for each kind (one digit, two digits, the bound page), and every page still reads
    // its own number, in the furniture's embedded font, without a furniture page of its own.
    let (merged, total, plan) = planned_pack(12, "Page {page} of {pages}");
    // One digit, two digits, "11" (its ones set closer), the bound page: fewer than the pages.
    let kinds = plan.pages.iter().collect::<BTreeSet<_>>().len();
    assert!((3..total).contains(&kinds), "{plan:?}");
    assert_eq!(plan.digits.as_ref().map(|d| d.page as usize), Some(kinds), "a page per kind, then the digits");
    assert!(plan.slots.iter().take(kinds).all(|s| s.len() == 1), "{plan:?}");

    let file = write(&merged.pdf);
    for page in 1..=total {
        let text = tool("pdftotext", &["-f", &page.to_string(), "-l", &page.to_string(), file.s(), "-"]);
        assert!(text.contains(&format!("Page {page} of {total}")), "page {page}: {text}");
    }
    let stamp = tool("pdftotext", &["-f", &total.to_string(), "-l", &total.to_string(), file.s(), "-"]);
    assert!(stamp.contains("Agenda item 9: Minutes"), "{stamp}");
    // One form for each kind of page, however many pages: not one per page.
    let doc = Document::load_mem(&merged.pdf).expect("reads");
    let forms: BTreeSet<ObjectId> = doc
        .get_pages()
        .values()
        .filter_map(|id| doc.get_dictionary(*id).ok())
        .filter_map(|page| page.get(b"Resources").ok()?.as_dict().ok()?.get(b"XObject").ok()?.as_dict().ok().cloned())
        .filter_map(|x| x.get(b"CabrepFurniture").ok()?.as_reference().ok())
        .collect();
    assert_eq!(forms.len(), kinds, "{forms:?}");
    let fonts = tool("pdffonts", &[file.s()]);
    for row in fonts.lines().skip(2) {
        assert!(row.starts_with("Helvetica") || row.split_whitespace().rev().nth(4) == Some("yes"), "{fonts}");
    }
    assert!(tool("qpdf", &["--check", file.s()]).contains("No syntax or stream encoding errors"));
}

#[test]
fn a_furniture_plan_naming_a_page_it_lacks_is_refused() {
    let parts = vec![bound(&untagged(), "minutes.pdf", "Minutes")];
    let plan = FurniturePlan { pages: vec![3], ..FurniturePlan::default() };
    let planned = FurniturePdf { pdf: furniture(&[(612.0, 792.0)]), plan: Some(plan) };
    let err = merge(&parts, &MergeOptions { furniture: Some(planned), ..options() }).unwrap_err();
    assert!(matches!(&err.kind, MergeErrorKind::Corrupt(why) if why.contains("page 4 of 1")), "{err}");
    // Slots without digits to draw the numbers with: refused too.
    let plan = FurniturePlan {
        pages: vec![0],
        slots: vec![vec![NumberSlot { x: 10.0, baseline: 780.0, width: 12.0 }]],
        ..FurniturePlan::default()
    };
    let planned = FurniturePdf { pdf: furniture(&[(612.0, 792.0)]), plan: Some(plan) };
    let err = merge(&parts, &MergeOptions { furniture: Some(planned), ..options() }).unwrap_err();
    assert!(matches!(&err.kind, MergeErrorKind::Corrupt(why) if why.contains("digits")), "{err}");
}

#[test]
fn the_xmp_packet_escapes_text_as_the_writers_markup_does() {
    // One escaper for all markup: an apostrophe as `&#39;`, control characters (C0 and C1) dropped.
    let opts = MergeOptions { title: "King's Lynn <&> \u{85}\u{1}end".into(), ..options() };
    let x = metadata::xmp(&opts, false);
    assert!(x.contains("<rdf:li xml:lang=\"x-default\">King&#39;s Lynn &lt;&amp;&gt; end</rdf:li>"), "{x}");
    assert!(x.contains("<rdf:li>The Pack&#39;s Council</rdf:li>"), "{x}");
    assert!(!x.contains("&apos;"), "{x}");
}

#[test]
fn a_damaged_part_among_many_is_refused_by_name_while_the_next_parts_are_being_read() {
    // The parts are read one ahead of the copying: a bad one in the middle of a long pack stops
    // the merge with its own name, and the reader, parts still before it, stops with it.
    let good = untagged();
    let mut parts: Vec<Part> = (0..12).map(|i| bound(&good, "minutes.pdf", &format!("Item {i}"))).collect();
    parts[5] = bound(b"this is not a PDF at all", "notes.txt", "Item 6");
    let err = merge(&parts, &options()).unwrap_err();
    assert_eq!(err.name, "notes.txt", "{err}");
    assert!(matches!(err.kind, MergeErrorKind::Corrupt(_)), "{err}");

    // The same, with a furniture of the wrong length: every part reads, the pack is refused.
    let mut opts = options();
    opts.furniture = Some(furniture(&[(595.28, 841.89)]).into());
    let parts: Vec<Part> = (0..12).map(|i| bound(&good, "minutes.pdf", &format!("Item {i}"))).collect();
    let err = merge(&parts, &opts).unwrap_err();
    assert!(matches!(err.kind, MergeErrorKind::FurniturePages { found: 1, .. }), "{err}");
}

#[test]
fn marks_alone_are_those_a_whole_reading_finds() {
    // A page whose header says NOT FOR PUBLICATION, a report that says nothing of it, a file
    // with images, and the same merged with the marked pages: the marks-only reading (what a
    // cached part is checked with) finds what the whole one finds, and no less.
    let marked = typeset_furniture(3);
    let report = typeset("Budget Update", "en-GB").to_vec();
    let parts = vec![
        Part {
            pdf: (&*report.clone().leak()).into(),
            source: PartSource::Typeset,
            title: "Item 1".into(),
            lang: None,
            nested: false,
        },
        bound(&marked, "part2.pdf", "Item 2"),
    ];
    let merged = merge(&parts, &options()).expect("merge").pdf;
    for (name, pdf) in [("marked", &marked), ("report", &report), ("plan", &a3_plan()), ("merged", &merged)] {
        let whole = seen(pdf, "cabrep:not-for-publication").expect("readable").marks;
        let alone = marks(pdf, "cabrep:not-for-publication").expect("readable");
        assert_eq!(alone, whole, "{name}");
    }
    let keyword = "cabrep:not-for-publication";
    assert_eq!(marks(&marked, keyword).expect("readable").pages, [1, 2, 3]);
    assert_eq!(marks(&merged, keyword).expect("readable").pages.len(), 3, "the three marked pages of the merged file");
    assert!(!marks(&report, keyword).expect("readable").any());
}

#[test]
fn a_hostile_pdf_passed_off_as_a_typeset_part_is_sanitised_as_a_bound_one() {
    // What a planted part cache entry could hold: written with a classic table, so that the
    // merge copies its elements, fonts and streams as bytes; scripts and files hidden in a font
    // and a content stream too, which would be copied as bytes but for what they hold.
    let mut doc = Document::load_mem(&hostile()).expect("the hostile PDF");
    let script = doc.add_object(dictionary! { "S" => "JavaScript", "JS" => Object::string_literal("pwned()") });
    let file = doc.add_object(Stream::new(dictionary! {}, b"secret payload".to_vec()));
    let spec = doc.add_object(dictionary! { "Type" => "Filespec", "EF" => dictionary! { "F" => file } });
    for object in doc.objects.values_mut() {
        match object {
            Object::Dictionary(d) if d.get(b"Type").and_then(Object::as_name).is_ok_and(|t| t == b"Font") => {
                d.set("AA", dictionary! { "O" => script });
                d.set("JS", Object::string_literal("pwned-font"));
            }
            Object::Stream(s) if s.dict.is_empty() || s.dict.has(b"Length") && !s.dict.has(b"Type") => {
                s.dict.set("AF", vec![spec.into()]);
            }
            _ => {}
        }
    }
    let catalog = doc.catalog().expect("catalogue").clone();
    let hostile = save(doc, catalog);
    assert!(super::raw::split(&hostile).is_some(), "the quick read takes it");
    let parts = vec![
        typeset_part(typeset("Budget Update", "en-GB"), "Item 4: Budget Update"),
        typeset_part(hostile.leak(), "Item 7: Appendix"),
    ];
    let merged = merge(&parts, &options()).expect("merge");
    let file = write(&merged.pdf);
    let qdf = qdf(&file.path);
    assert_nothing_active(&qdf);
    assert!(qdf.contains("(https://www.example.gov.uk/)"), "a web link is kept");
    assert!(tool("pdftotext", &[file.s(), "-"]).contains("Appendix with active content"));
}

#[test]
fn a_typeset_part_copied_as_bytes_reads_as_the_same_part_parsed_whole() {
    let report = typeset("Budget Update", "en-GB");
    assert!(super::raw::split(report).is_some(), "the typesetter's PDF is read the quick way");
    let quick = write(&merged_with_furniture(&[typeset_part(report, "Item 4: Budget Update")]).pdf);
    let whole = write(&merged_with_furniture(&[bound(report, "report.pdf", "Item 4: Budget Update")]).pdf);
    assert_eq!(tool("pdftotext", &[quick.s(), "-"]), tool("pdftotext", &[whole.s(), "-"]));
    assert_eq!(structure_walk(&quick), structure_walk(&whole));
    let objects = |file: &Written| {
        let json = json(&file.path);
        let mut kinds: Vec<String> = objects(&json)
            .values()
            .map(|o| {
                let o = o.get("dict").unwrap_or(o);
                format!("{} {}", o["/Type"], o["/S"])
            })
            .collect();
        kinds.sort();
        kinds
    };
    assert_eq!(objects(&quick), objects(&whole), "the same objects, of the same kinds");
    assert!(tool("qpdf", &["--check", quick.s()]).contains("No syntax or stream encoding errors"));
}

#[test]
fn a_typeset_part_s_parsed_objects_are_built_as_the_object_reader_reads_them() {
    // The objects of a report not copied as bytes are built from the quick read's lexing, not
    // parsed again by the object reader; they are the same objects either way.
    let report = typeset("Budget Update", "en-GB");
    let Some((super::raw::Parsed::Objects(built), _)) = super::raw::split(report) else {
        panic!("the typesetter's objects are built from the quick read")
    };
    let Some((super::raw::Parsed::Small(small), _)) = super::raw::split_with(report, false) else {
        panic!("a small PDF")
    };
    let read = lopdf::Document::load_mem(&small).expect("the small PDF loads");
    assert_eq!(built.trailer, read.trailer);
    assert_eq!(built.objects.len(), read.objects.len());
    for (id, object) in &read.objects {
        assert!(built.objects.get(id) == Some(object), "{id:?}");
    }
}

/// A tagged one-page PDF with a table: a header cell of ID `h1`, a cell naming it in its
/// `/Headers`, and a cell naming it through an indirect array.
fn tagged_table() -> Vec<u8> {
    let mut doc = Document::with_version("1.7");
    let pages = doc.new_object_id();
    let root = doc.new_object_id();
    let table = doc.new_object_id();
    let (head_row, body_row) = (doc.new_object_id(), doc.new_object_id());
    let font = helvetica(&mut doc);
    let content = b"/TH <</MCID 0>> BDC BT /F1 12 Tf 72 700 Td (Year) Tj ET EMC\n/TD <</MCID 1>> BDC BT /F1 12 Tf 72 680 Td (2024) Tj ET EMC\n";
    let content = doc.add_object(Stream::new(Dictionary::new(), content.to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages, "Contents" => content, "StructParents" => 0,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    let th = doc.add_object(dictionary! {
        "Type" => "StructElem", "S" => "TH", "P" => head_row, "Pg" => page, "K" => 0,
        "ID" => Object::string_literal("h1"), "A" => dictionary! { "O" => "Table", "Scope" => "Column" },
    });
    let td = doc.add_object(dictionary! {
        "Type" => "StructElem", "S" => "TD", "P" => body_row, "Pg" => page, "K" => 1,
        "A" => dictionary! { "O" => "Table", "Headers" => vec![Object::string_literal("h1")] },
    });
    let headers = doc.add_object(Object::Array(vec![Object::string_literal("h1")]));
    let td_indirect = doc.add_object(dictionary! {
        "Type" => "StructElem", "S" => "TD", "P" => body_row,
        "A" => dictionary! { "O" => "Table", "Headers" => headers },
    });
    for (row, kids) in [(head_row, vec![th.into()]), (body_row, vec![td.into(), td_indirect.into()])] {
        doc.objects.insert(
            row,
            Object::Dictionary(dictionary! { "Type" => "StructElem", "S" => "TR", "P" => table, "K" => kids }),
        );
    }
    doc.objects.insert(
        table,
        Object::Dictionary(dictionary! {
            "Type" => "StructElem", "S" => "Table", "P" => root, "K" => vec![head_row.into(), body_row.into()],
        }),
    );
    let parent_tree = doc.add_object(dictionary! { "Nums" => vec![0.into(), vec![th.into(), td.into()].into()] });
    doc.objects.insert(
        root,
        Object::Dictionary(dictionary! {
            "Type" => "StructTreeRoot", "K" => vec![table.into()], "ParentTree" => parent_tree, "ParentTreeNextKey" => 1,
            "IDTree" => dictionary! { "Names" => vec![Object::string_literal("h1"), th.into()] },
        }),
    );
    save_tagged(doc, pages, page, root)
}

#[test]
fn a_table_cell_s_headers_name_its_header_cell_s_renamed_id_in_every_part() {
    let parts = [bound(&tagged_table(), "first.pdf", "Item 2"), bound(&tagged_table(), "second.pdf", "Item 3")];
    let merged = merge(&parts, &options()).expect("merge");
    let file = write(&merged.pdf);
    let json = json(&file.path);
    let objects = objects(&json);
    let catalog = resolve(&objects, &json["qpdf"][1]["trailer"]["value"]["/Root"]);
    let root = resolve(&objects, &catalog["/StructTreeRoot"]);
    let names = root["/IDTree"]["/Names"].as_array().expect("an ID tree");
    let by_id: BTreeMap<&str, &Value> =
        names.chunks(2).map(|pair| (pair[0].as_str().expect("an ID"), resolve(&objects, &pair[1]))).collect();
    assert_eq!(by_id.keys().copied().collect::<Vec<_>>(), ["u:p1-h1", "u:p2-h1"]);
    // Every cell's headers, direct or given indirectly, name a header cell by its renamed ID:
    // two cells in each part, each naming its own part's.
    let mut named = Vec::new();
    for cell in objects.values().filter(|o| o["/S"] == "/TD") {
        let headers = resolve(&objects, &cell["/A"]["/Headers"]);
        for id in headers.as_array().expect("headers").iter().map(|h| h.as_str().expect("an ID")) {
            let th = by_id.get(id).unwrap_or_else(|| panic!("{id} names no element: {cell}"));
            assert_eq!(th["/S"], "/TH");
            named.push(id);
        }
    }
    named.sort_unstable();
    assert_eq!(named, ["u:p1-h1", "u:p1-h1", "u:p2-h1", "u:p2-h1"]);
}
