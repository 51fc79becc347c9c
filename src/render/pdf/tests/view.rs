//! The template's view of a document: the tree's keys, with the writer's hints set as it is built.

use serde_json::Value;

use super::*;
use crate::render::pdf::hints::TableLayout;
use crate::render::pdf::view::View;

/// The view of `doc` as the template reads it (JSON), with the tables laid out in the house font,
/// and the images it serves.
fn view_json(doc: &Document) -> (Value, Vec<Vec<u8>>) {
    let t = crate::template::Template::builtin().expect("built-in template");
    let words = crate::render::columns::WordMeasure::new(t.fonts.iter().map(Vec::as_slice), &doc.style.font)
        .expect("the house font");
    let tables = TableLayout { words: &words, size: 11.0, avail: 450.0 };
    let (view, images) = View::build(doc, Some(&tables)).expect("the view is built");
    (serde_json::to_value(&view).expect("serialised"), images)
}

/// `value` without the keys the writer adds and without the break opportunities it puts in
/// long words.
fn without_hints(value: &mut Value) {
    match value {
        Value::Object(obj) => {
            for key in ["svg", "path", "layout", "row_header", "unique_anchors"] {
                obj.remove(key);
            }
            obj.values_mut().for_each(without_hints);
        }
        Value::Array(items) => items.iter_mut().for_each(without_hints),
        Value::String(s) => *s = s.replace('\u{200B}', ""),
        _ => {}
    }
}

fn picture(digest: &str, data: &[u8]) -> Block {
    Block::Picture(Picture {
        alt: format!("Picture {digest}"),
        caption: None,
        source: format!("{digest}.png"),
        image: Image {
            format: ImageFormat::Png,
            width: 1,
            height: 1,
            orientation: 1,
            digest: digest.into(),
            pixels: None,
            data: data.into(),
        },
    })
}

#[test]
fn the_view_is_the_trees_json_with_the_hints_added() {
    let mut doc = sample("View");
    let long = "CAB/2024/0118/POF-PHASE1-TRANSFORMATION-REVIEWS-SCOPE-AND-GOVERNANCE";
    doc.blocks.push(p(&format!("See {long}.")));
    doc.blocks.push(picture("abc", b"png"));
    let (mut view, _) = view_json(&doc);
    // The hints are there: every figure drawn, every table laid out, the long word breakable.
    let blocks = view["blocks"].as_array().expect("blocks").clone();
    let of = |kind: &str| blocks.iter().filter(|b| b["type"] == kind).cloned().collect::<Vec<_>>();
    assert!(
        !of("figure").is_empty()
            && of("figure").iter().all(|f| f["svg"].as_str().is_some_and(|s| s.starts_with("<svg")))
    );
    assert!(!of("table").is_empty() && of("table").iter().all(|t| t["layout"]["widths"].is_array()));
    assert_eq!(of("picture")[0]["path"], "/picture-0");
    let last_text = &blocks[blocks.len() - 2]["content"][0]["text"];
    assert!(last_text.as_str().is_some_and(|t| t.contains('\u{200B}')), "{last_text}");
    assert!(view["unique_anchors"].is_object());
    // Without them, it is the tree's own JSON, key for key: a template written against the tree
    // reads the view unchanged.
    without_hints(&mut view);
    assert_eq!(view, serde_json::to_value(&doc).expect("the tree serialises"));
}

#[test]
fn only_anchors_carried_once_are_unique() {
    let heading = |anchor: Option<&str>| {
        Block::Heading(Heading {
            level: 2,
            number: None,
            text: "H".into(),
            anchor: anchor.map(Into::into),
            caps: false,
        })
    };
    let mut doc = sample("Anchors");
    doc.blocks = vec![
        heading(Some("a")),
        heading(Some("b")),
        Block::Table(Table {
            caption: None,
            anchor: Some("b".into()),
            columns: vec![col("X", Align::Left, 1.0)],
            rows: vec![Row { cells: vec![vec![heading(Some("c"))]], total: false }],
            spans: Vec::new(),
        }),
        Block::Quote(Quote {
            callout: false,
            blocks: vec![Block::Numbered(Numbered {
                number: "1.1".into(),
                level: 1,
                section: 1,
                sub: SubNumbering::Decimal,
                anchor: Some("d".into()),
                content: vec![t("n")],
            })],
        }),
        heading(Some("")),
        heading(None),
    ];
    let (view, _) = view_json(&doc);
    assert_eq!(view["unique_anchors"], serde_json::json!({"a": true, "c": true, "d": true}));
}

#[test]
fn each_figure_carries_its_own_drawing_and_each_image_is_served_once() {
    let mut doc = sample("Figures");
    let figures: Vec<Figure> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Figure(f) => Some(f.clone()),
            _ => None,
        })
        .collect();
    assert!(figures.len() >= 2, "the sample has figures of different kinds");
    // The figures again, inside a list item (after the same image twice and another).
    doc.blocks = vec![
        picture("one", b"first"),
        Block::List(List {
            ordered: false,
            start: 1,
            items: vec![
                vec![picture("two", b"second"), picture("one", b"first")],
                figures.iter().cloned().map(Block::Figure).collect(),
            ],
        }),
    ];
    let (view, images) = view_json(&doc);
    assert_eq!(images, [b"first".to_vec(), b"second".to_vec()]);
    assert_eq!(view["blocks"][0]["path"], "/picture-0");
    let items = &view["blocks"][1]["items"];
    assert_eq!(items[0][0]["path"], "/picture-1");
    assert_eq!(items[0][1]["path"], "/picture-0");
    for (i, f) in figures.iter().enumerate() {
        let drawn = crate::render::chart::svg(f, &doc.style.font).expect("drawn");
        assert_eq!(items[1][i]["svg"], drawn.as_str(), "figure {i} has its own drawing");
        assert_eq!(items[1][i]["caption"], f.caption.as_str());
    }
}
