//! Tests of the PDF writer: a hand-built report exercising every block kind, typeset with the real
//! template and fonts, then read back with poppler's command-line tools (which must be installed).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use super::PdfWriter;
use crate::tree::*;

/// A title made of typst markup characters: it must print exactly as typed.
const MARKUP_TITLE: &str = r"Budget #set page(fill: red) $x$ *a* _b_ @ref <l> \ [ {{ – Update";

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn template_source() -> String {
    std::fs::read_to_string(crate_dir().join("templates/cabinet/report.typ")).expect("read report.typ")
}

fn font_files() -> Vec<Vec<u8>> {
    ["Regular", "Bold", "Italic", "BoldItalic"]
        .iter()
        .map(|v| {
            let p = crate_dir().join(format!("templates/cabinet/fonts/LiberationSans-{v}.ttf"));
            std::fs::read(&p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
        })
        .collect()
}

/// One writer for the whole test binary, as in the CLI.
fn writer() -> &'static PdfWriter {
    static WRITER: OnceLock<PdfWriter> = OnceLock::new();
    WRITER.get_or_init(|| PdfWriter::new(template_source(), font_files()).expect("set up the PDF writer"))
}

// ----- building the tree -------------------------------------------------------------------------

fn t(s: &str) -> Inline {
    Inline::text(s)
}

fn p(s: &str) -> Block {
    Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, s))
}

fn styled(style: ParagraphStyle, s: &str) -> Block {
    Block::Paragraph(Paragraph::plain(style, s))
}

fn h(level: u8, number: Option<&str>, text: &str) -> Block {
    Block::Heading(Heading {
        level,
        number: number.map(str::to_string),
        text: text.to_string(),
        anchor: None,
        caps: text.chars().all(|c| !c.is_lowercase()),
    })
}

fn bullets(items: &[&str]) -> Block {
    Block::List(List { ordered: false, start: 1, items: items.iter().map(|s| vec![p(s)]).collect() })
}

fn numbered(start: u32, items: &[&str]) -> Block {
    Block::List(List { ordered: true, start, items: items.iter().map(|s| vec![p(s)]).collect() })
}

fn col(header: &str, align: Align, width: f32) -> Column {
    Column { header: header.to_string(), align, width }
}

fn row(cells: &[&str]) -> Row {
    Row { cells: cells.iter().map(|s| vec![p(s)]).collect(), total: false }
}

fn style() -> HouseStyle {
    HouseStyle {
        font: "Liberation Sans".into(),
        body_size: 12.0,
        title_size: 16.0,
        heading_size: 12.0,
        subheading_size: 12.0,
        line_spacing: 1.15,
        heading_colour: "#000000".into(),
        table_header_fill: "#1f3864".into(),
        table_header_text: "#ffffff".into(),
        page_width_mm: 210.0,
        page_height_mm: 297.0,
        margin_mm: 25.0,
    }
}

/// The built-in template's bands, as the assembler makes them.
fn bands() -> Vec<Vec<BandCell>> {
    crate::document::assemble::risk_matrix_bands(&crate::template::Template::builtin().expect("built-in template"))
}

/// A ~6-page exempt report with every block kind, modelled on the reference report.
fn sample(title: &str) -> Document {
    let lorem = "Although we can no longer afford to meet the needs of our residents in the way we have in the past, \
                 we are confident we can work with our partners and communities to put in place new and innovative \
                 approaches that will not only save money, but also reshape what we do, in the best interests of our \
                 residents – we will do this through our Powering Our Future Programme.";
    let mut blocks = vec![
        styled(
            ParagraphStyle::Banner,
            "NOT FOR PUBLICATION — by virtue of paragraph 3 of Part 1 of Schedule 12A of the Local Government Act 1972",
        ),
        styled(ParagraphStyle::HeaderLine, "AGENDA ITEM 7"),
        styled(ParagraphStyle::HeaderLine, "REPORT TO CABINET"),
        styled(ParagraphStyle::HeaderLine, "DATE: 18 JANUARY 2024"),
        styled(ParagraphStyle::HeaderLine, "REPORT OF THE CORPORATE MANAGEMENT TEAM"),
        styled(ParagraphStyle::HeaderLine, "CABINET DECISION"),
        styled(ParagraphStyle::HeaderLine, "Key Decision – Forward Plan reference: KD 2024/001"),
        styled(ParagraphStyle::HeaderLine, "Portfolio Title – Leader of the Council, Councillor Bob Cook"),
        h(1, None, title),
        h(2, None, "SUMMARY"),
        p("This report provides an update on the Powering Our Future Programme. It includes:"),
        Block::List(List {
            ordered: false,
            start: 1,
            items: vec![
                vec![p("Draft Mission Statement and Council Missions for Cabinet approval")],
                vec![
                    p("Communities Powering Our Future"),
                    bullets(&["Building intelligence and insight to inform our future approach to community development"]),
                ],
                vec![
                    p("Transformation Powering Our Future"),
                    bullets(&["Details of scope for Phase 1 reviews, for Cabinet approval"]),
                ],
            ],
        }),
        h(2, None, "REASONS FOR RECOMMENDATION(S)/DECISION(S)"),
        p("Cabinet is recommended to agree the Powering Our Future approach to ensure that the Council has a clear \
           plan to address the financial challenges we face."),
        h(2, None, "RECOMMENDATIONS"),
        p("Cabinet is recommended to:"),
        numbered(
            1,
            &[
                "Agree the draft Mission Statement and Council Missions set out at Sections 2 & 3",
                "Agree the approach to Communities Powering Our Future, set out at Section 4",
                "Agree in principle the scope of Phase 1 Transformation reviews set out at Section 6.",
            ],
        ),
        numbered(4, &["Agree the Smart Working Policy set out at Section 7 and attached at appendix 1"]),
        h(2, Some("1."), "Introduction"),
        p("Powering Our Future sets a new strategic framework for the Council, initially agreed by Cabinet in July 2023."),
        Block::Paragraph(Paragraph {
            style: ParagraphStyle::Body,
            content: vec![
                t("Our draft Mission Statement is: "),
                Inline::Emph { content: vec![t("We will be a bold, brave and innovative Council.")] },
                t(" It is "),
                Inline::strong("underpinned"),
                t(" by five Missions."),
                Inline::LineBreak,
                t("A second line after a line break."),
            ],
        }),
        p(lorem),
        p(lorem),
        h(2, Some("2."), "Council Missions"),
        styled(ParagraphStyle::Aim, "Changing our relationship with communities so residents have happy, healthy lives."),
        styled(ParagraphStyle::Status, "Status: On track"),
        p(lorem),
        h(3, None, "Milestones"),
        Block::Table(Table {
            caption: Some("Table 1: Milestones".into()),
            anchor: None,
            columns: vec![col("Milestone", Align::Left, 3.0), col("Due", Align::Left, 1.0), col("Status", Align::Left, 1.0)],
            rows: vec![
                row(&["Residents survey closes", "March 2024", "On track"]),
                row(&["Appreciative Inquiry sessions", "June 2024", "At risk"]),
            ],
        }),
        h(2, Some("3."), "Transformation Powering Our Future"),
        p("The table below outlines an initial tranche of reviews."),
    ];
    // A long table that must break across pages with its header repeated.
    let mut reviews = Vec::new();
    for i in 1..=14 {
        reviews.push(Row {
            cells: vec![
                vec![p(if i % 4 == 1 { "CORPORATE SUPPORT" } else { "" })],
                vec![p(&format!("Review {i}"))],
                vec![
                    p("Review of all the ways that people contact the Council to access services. The review will consider:"),
                    bullets(&["methods of contact", "use of technology", "roles and responsibilities"]),
                ],
            ],
            total: false,
        });
    }
    blocks.push(Block::Table(Table {
        caption: Some("Table 2: Phase 1 reviews".into()),
        anchor: Some("phase-1".into()),
        columns: vec![
            col("Theme", Align::Left, 1.2),
            col("Project Name", Align::Left, 1.2),
            col("Scope", Align::Left, 3.0),
        ],
        rows: reviews,
    }));
    blocks.extend([
        p(lorem),
        h(2, None, "FINANCIAL IMPLICATIONS"),
        p("The Council is forecasting a budget gap of £9m by 2026/27."),
        Block::Table(Table {
            caption: Some("Table 3: Budget gap (£000)".into()),
            anchor: None,
            columns: vec![
                col("Line", Align::Left, 2.0),
                col("2024/25", Align::Right, 1.0),
                col("2025/26", Align::Right, 1.0),
                col("2026/27", Align::Right, 1.0),
            ],
            rows: vec![
                row(&["Pressures", "4,200", "6,100", "8,300"]),
                row(&["Savings", "-1,500", "-2,100", "-2,800"]),
                Row { cells: ["Total", "2,700", "4,000", "5,500"].iter().map(|s| vec![p(s)]).collect(), total: true },
            ],
        }),
        styled(ParagraphStyle::Note, "Figures are rounded to the nearest £000."),
        Block::Figure(Figure {
            caption: "Figure 1: Budget gap by year".into(),
            alt: "Bar chart of pressures, savings and the total gap in £000 for 2024/25 to 2026/27: \
                  pressures 4,200, 6,100, 8,300; savings -1,500, -2,100, -2,800; total 2,700, 4,000, 5,500."
                .into(),
            chart: Chart::Series {
                style: SeriesStyle::Bar,
                categories: vec!["2024/25".into(), "2025/26".into(), "2026/27".into()],
                series: vec![
                    Series { name: "Pressures".into(), values: vec![4200.0, 6100.0, 8300.0] },
                    Series { name: "Savings".into(), values: vec![-1500.0, -2100.0, -2800.0] },
                    Series { name: "Total".into(), values: vec![2700.0, 4000.0, 5500.0] },
                ],
                unit: "£000".into(),
            },
        }),
        Block::Figure(Figure {
            caption: "Figure 2: Council Tax base".into(),
            alt: "Line chart of the Council Tax base: 61,000 rising to 63,500 over four years.".into(),
            chart: Chart::Series {
                style: SeriesStyle::Line,
                categories: vec!["2023/24".into(), "2024/25".into(), "2025/26".into(), "2026/27".into()],
                series: vec![
                    Series { name: "Band D equivalents".into(), values: vec![61000.0, 61900.0, 62700.0, 63500.0] },
                    Series { name: "Forecast".into(), values: vec![61000.0, 61500.0, 62000.0, 62600.0] },
                ],
                unit: "Properties".into(),
            },
        }),
        h(2, None, "RISK ASSESSMENT"),
        p("There are two main risks associated with the programme."),
        Block::Table(Table {
            caption: Some("Table 4: Risk register".into()),
            anchor: None,
            columns: vec![
                col("No.", Align::Right, 0.5),
                col("Risk", Align::Left, 3.0),
                col("L", Align::Right, 0.5),
                col("I", Align::Right, 0.5),
                col("Score", Align::Right, 0.8),
                col("Band", Align::Left, 1.0),
            ],
            rows: vec![
                row(&["1", "Savings are not achieved", "3", "5", "15", "High"]),
                row(&["2", "Outcomes do not improve", "2", "4", "8", "Medium"]),
                row(&["3", "Reputational damage", "2", "3", "6", "Medium"]),
            ],
        }),
        Block::Figure(Figure {
            caption: "Figure 3: Risk matrix".into(),
            alt: "Risk matrix: risk 1 at likelihood 3, impact 5 (High); risk 2 at likelihood 2, impact 4 (Medium); \
                  risk 3 at likelihood 2, impact 3 (Medium)."
                .into(),
            chart: Chart::RiskMatrix {
                points: vec![
                    RiskPoint { number: 1, likelihood: 3, impact: 5 },
                    RiskPoint { number: 2, likelihood: 2, impact: 4 },
                    RiskPoint { number: 3, likelihood: 2, impact: 3 },
                    RiskPoint { number: 4, likelihood: 2, impact: 3 },
                ],
                bands: bands(),
            },
        }),
        h(2, None, "BACKGROUND PAPERS"),
        bullets(&["Financial Update and MTFP Report to Cabinet (December 2023)"]),
        Block::Paragraph(Paragraph {
            style: ParagraphStyle::Contact,
            content: vec![Inline::strong("Name of Contact Officer: "), t("Geraldine Brown")],
        }),
        Block::Paragraph(Paragraph {
            style: ParagraphStyle::Contact,
            content: vec![Inline::strong("Post Title: "), t("Head of Policy Development & Public Affairs")],
        }),
        Block::Paragraph(Paragraph {
            style: ParagraphStyle::Contact,
            content: vec![Inline::strong("Telephone No. "), t("01642 527657")],
        }),
        Block::Paragraph(Paragraph {
            style: ParagraphStyle::Contact,
            content: vec![
                Inline::strong("Email Address: "),
                Inline::Link {
                    url: "mailto:geraldine.brown@stockton.gov.uk".into(),
                    content: vec![t("geraldine.brown@stockton.gov.uk")],
                },
            ],
        }),
        Block::PageBreak,
        h(2, None, "Appendix 1 – Smart Working Policy"),
        p("Our Principles for Smart Working are:"),
        bullets(&[
            "We will be Bold, Brave and Innovative in the way we work",
            "We will use our resources such as data, technology, equipment and workplaces more efficiently",
        ]),
        p("THE END"),
    ]);
    Document {
        meta: Meta {
            title: title.to_string(),
            author: "Stockton-on-Tees Borough Council".into(),
            subject: "Report to Cabinet, 18 January 2024".into(),
            lang: "en-GB".into(),
            date: "2024-01-18".into(),
            keywords: Vec::new(),
        },
        style: style(),
        furniture: Furniture { header: Some("NOT FOR PUBLICATION".into()), footer: "Page {page} of {pages}".into() },
        blocks,
        files: Vec::new(),
    }
}

// ----- poppler helpers ---------------------------------------------------------------------------

/// Runs a poppler tool; a missing binary fails the test (never skips it).
fn poppler(tool: &str, args: &[&str], pdf: &Path) -> String {
    let out = Command::new(tool)
        .args(args)
        .arg(pdf)
        .args(if tool == "pdftotext" { &["-"][..] } else { &[][..] })
        .output()
        .unwrap_or_else(|e| panic!("`{tool}` (poppler-utils) must be installed to test the PDF writer: {e}"));
    assert!(out.status.success(), "{tool} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("poppler output is UTF-8")
}

fn write_pdf(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write PDF");
    // Set CABREP_PDF_SAMPLE_DIR to keep the sample for looking at.
    if let Ok(keep) = std::env::var("CABREP_PDF_SAMPLE_DIR") {
        std::fs::create_dir_all(&keep).expect("create sample dir");
        std::fs::copy(&path, Path::new(&keep).join(name)).expect("copy sample");
    }
    path
}

fn field<'a>(info: &'a str, name: &str) -> &'a str {
    info.lines()
        .find_map(|l| l.strip_prefix(name).map(|v| v.trim_start_matches(':').trim()))
        .unwrap_or_else(|| panic!("pdfinfo has no {name}:\n{info}"))
}

/// Asserts that `needles` occur in `hay` in this order.
fn assert_in_order(hay: &str, needles: &[&str]) {
    let mut from = 0;
    for n in needles {
        match hay[from..].find(n) {
            Some(i) => from += i + n.len(),
            None => panic!("{n:?} missing or out of order (after byte {from}) in:\n{hay}"),
        }
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

// ----- tests -------------------------------------------------------------------------------------

#[test]
fn renders_every_block_kind_in_order_as_tagged_a4() {
    let doc = sample(MARKUP_TITLE);
    let started = Instant::now();
    let bytes = writer().render(&doc).expect("render");
    eprintln!("first render (includes the writer's setup): {:?}", started.elapsed());
    assert!(bytes.starts_with(b"%PDF-"));

    let dir = tempfile::tempdir().expect("tempdir");
    let pdf = write_pdf(dir.path(), "sample.pdf", &bytes);

    let info = poppler("pdfinfo", &[], &pdf);
    assert_eq!(field(&info, "Tagged"), "yes", "{info}");
    assert_eq!(field(&info, "Title"), MARKUP_TITLE, "{info}");
    assert_eq!(field(&info, "Author"), "Stockton-on-Tees Borough Council");
    assert_eq!(field(&info, "Subject"), "Report to Cabinet, 18 January 2024");
    let size = field(&info, "Page size");
    let dims: Vec<f64> = size.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    assert!(
        dims.len() == 2 && (dims[0] - 595.28).abs() < 0.01 && (dims[1] - 841.89).abs() < 0.01,
        "page size is {size}"
    );
    let pages: usize = field(&info, "Pages").parse().expect("page count");
    assert!((4..=9).contains(&pages), "expected a ~6 page report, got {pages}");

    let text = poppler("pdftotext", &["-layout"], &pdf);
    let flat = squash(&text);
    // The markup-characters title, verbatim (it may wrap).
    assert!(flat.contains(MARKUP_TITLE), "title not verbatim in:\n{text}");
    assert_in_order(
        &flat,
        &[
            "NOT FOR PUBLICATION",
            "NOT FOR PUBLICATION — by virtue of paragraph 3",
            "AGENDA ITEM 7",
            "REPORT TO CABINET",
            "DATE: 18 JANUARY 2024",
            "CABINET DECISION",
            "Portfolio Title – Leader of the Council, Councillor Bob Cook",
            MARKUP_TITLE,
            "SUMMARY",
            "• Draft Mission Statement",
            "◦ Building intelligence",
            "RECOMMENDATIONS",
            "1. Agree the draft Mission Statement",
            "3. Agree in principle",
            "4. Agree the Smart Working Policy",
            "1. Introduction",
            "We will be a bold, brave and innovative Council.",
            "A second line after a line break.",
            "2. Council Missions",
            "Changing our relationship",
            "Status: On track",
            "Milestones",
            "Table 1: Milestones",
            "Milestone Due Status",
            "Residents survey closes March 2024 On track",
            "3. Transformation Powering Our Future",
            "Table 2: Phase 1 reviews",
            "Theme Project Name Scope",
            "Review 1 ",
            "Review 14 ",
            "FINANCIAL IMPLICATIONS",
            "Table 3: Budget gap (£000)",
            "Pressures 4,200 6,100 8,300",
            "Total 2,700 4,000 5,500",
            "Figures are rounded",
            "Figure 1: Budget gap by year",
            "Figure 2: Council Tax base",
            "RISK ASSESSMENT",
            "Table 4: Risk register",
            "Savings are not achieved",
            "Figure 3: Risk matrix",
            "BACKGROUND PAPERS",
            "Name of Contact Officer: Geraldine Brown",
            "Email Address: geraldine.brown@stockton.gov.uk",
            "Appendix 1 – Smart Working Policy",
            "THE END",
        ],
    );
    // The footer on every page, with the final count.
    for n in 1..=pages {
        assert!(flat.contains(&format!("Page {n} of {pages}")), "no footer for page {n}");
    }
    // The running header on every page and the long table's header row repeated.
    assert_eq!(text.matches("NOT FOR PUBLICATION").count(), pages + 1, "running header on every page");
    assert!(text.matches("Project Name").count() >= 2, "the long table's header row should repeat");
    // The appendix starts a new page.
    let last_page = text.split('\u{c}').rfind(|p| !p.trim().is_empty()).expect("pages");
    assert!(last_page.contains("Appendix 1"), "appendix not on its own page:\n{last_page}");

    // The risk matrix is drawn: band labels and axis titles are on the page.
    assert!(flat.contains("Likelihood") && flat.contains("Impact") && flat.contains("Very high"));

    // Every font embedded (and subset).
    let fonts = poppler("pdffonts", &[], &pdf);
    let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty()).collect();
    assert!(!rows.is_empty(), "no fonts listed:\n{fonts}");
    for r in &rows {
        let cols: Vec<&str> = r.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "font not embedded: {r}");
        assert!(r.contains("LiberationSans"), "unexpected font: {r}");
    }
}

#[test]
fn the_sample_compiles_without_warnings() {
    // A warning would mean e.g. a glyph the shipped font lacks (a list marker) or an unknown font.
    let doc = sample("Warnings");
    let date = super::parse_date(&doc.meta.date).unwrap();
    let world = super::world::ReportWorld::new(
        &writer().typesetter,
        serde_json::to_vec(&doc).unwrap(),
        &doc.files,
        Vec::new(),
        date,
    )
    .unwrap();
    let warned = typst::compile::<typst_layout::PagedDocument>(&world);
    let messages: Vec<_> = warned.warnings.iter().map(|w| w.message.to_string()).collect();
    assert!(messages.is_empty(), "warnings: {messages:?}");
    assert!(warned.output.is_ok());
}

#[test]
fn odd_charts_still_render() {
    // No series, a missing (NaN → null) value, more values than categories, all zero, one point.
    let mut doc = sample("Odd charts");
    let chart = |series: Vec<Series>, style| {
        Block::Figure(Figure {
            caption: "Odd".into(),
            alt: "An odd chart.".into(),
            chart: Chart::Series { style, categories: vec!["A".into(), "B".into()], series, unit: "£".into() },
        })
    };
    for style in [SeriesStyle::Bar, SeriesStyle::Line] {
        doc.blocks.push(chart(vec![], style));
        doc.blocks.push(chart(vec![Series { name: "S".into(), values: vec![f64::NAN, 0.25, 9.0] }], style));
        doc.blocks.push(chart(vec![Series { name: "Z".into(), values: vec![0.0, 0.0] }], style));
        doc.blocks.push(chart(vec![Series { name: "One".into(), values: vec![-3.0] }], style));
    }
    doc.blocks.push(Block::Figure(Figure {
        caption: "Empty matrix".into(),
        alt: "No risks.".into(),
        chart: Chart::RiskMatrix { points: vec![], bands: vec![] },
    }));
    let bytes = writer().render(&doc).expect("odd charts render");
    let dir = tempfile::tempdir().expect("tempdir");
    write_pdf(dir.path(), "odd.pdf", &bytes);
}

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
    let date = super::parse_date(&doc.meta.date).unwrap();
    let world = super::world::ReportWorld::new(&writer().typesetter, Vec::new(), &doc.files, Vec::new(), date).unwrap();
    let id = |p: &str| {
        typst::syntax::RootedPath::new(typst::syntax::VirtualRoot::Project, typst::syntax::VirtualPath::new(p).unwrap())
            .intern()
    };
    use typst::World;
    assert!(world.file(id("/bound/1.pdf")).unwrap().as_slice().starts_with(b"%PDF-"));
    assert!(world.file(id("/bound/2.pdf")).is_err());
}

/// A two-page PDF made by the writer itself, to bind into a pack.
fn two_page_source() -> Vec<u8> {
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
fn pack_binding(file: &str, pages: [u32; 2]) -> Document {
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
    let rasters = super::bound::rasterise(&writer().typesetter, &doc).expect("rasterise");
    let took = started.elapsed();
    assert_eq!(rasters.len(), 2);
    assert_eq!(rasters[0].path, "/bound/4.pdf#p1.png");
    assert!(rasters.iter().all(|r| r.png.starts_with(b"\x89PNG")));
    let again = super::bound::rasterise(&writer().typesetter, &doc).expect("rasterise again");
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
    let rasters = super::bound::rasterise(&writer().typesetter, &twice).expect("rasterise");
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
    let rasters = super::bound::rasterise(&writer().typesetter, &doc).expect("rasterise");
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
        rendered += usize::from(super::bound::rasterise(&writer().typesetter, &doc).is_ok());
    }
    eprintln!("flipped bytes: {rendered} of {CABREP_FLIPS} rendered in {:?}", started.elapsed());
    // A bound page whose file the document does not carry.
    let doc = pack_binding("/bound/9.pdf", [1, 2]);
    let err = writer().render(&doc).expect_err("missing file");
    assert!(err.0.contains("/bound/9.pdf"), "{}", err.0);
}

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
    doc.meta.date = "18/01/2024".into();
    assert!(writer().render(&doc).is_err());
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

/// Timings and memory over many renders: `cargo test --release --lib render::pdf -- --ignored --nocapture`.
#[test]
#[ignore]
fn timings_and_memory_over_many_renders() {
    fn rss_mb() -> f64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    }
    let started = Instant::now();
    let w = PdfWriter::new(template_source(), font_files()).expect("writer");
    eprintln!("writer setup (fonts parsed, library built): {:?}", started.elapsed());
    let renders: usize = std::env::var("CABREP_PDF_RENDERS").ok().and_then(|n| n.parse().ok()).unwrap_or(30);
    for i in 0..renders {
        let doc = sample(&format!("Report number {i}"));
        let started = Instant::now();
        let bytes = w.render(&doc).expect("render");
        eprintln!(
            "render {i:2}: {:>6.1} ms, {} bytes, RSS {:.0} MB",
            started.elapsed().as_secs_f64() * 1e3,
            bytes.len(),
            rss_mb()
        );
    }
    // Split compile and export for one document.
    let doc = sample("Split timing");
    let date = super::parse_date(&doc.meta.date).unwrap();
    let started = Instant::now();
    let world =
        super::world::ReportWorld::new(&w.typesetter, serde_json::to_vec(&doc).unwrap(), &doc.files, Vec::new(), date)
            .unwrap();
    let setup = started.elapsed();
    let started = Instant::now();
    let paged = typst::compile::<typst_layout::PagedDocument>(&world).output.expect("compile");
    let compile = started.elapsed();
    let started = Instant::now();
    let options = typst_pdf::PdfOptions {
        standards: typst_pdf::PdfStandards::new(&[typst_pdf::PdfStandard::Ua_1]).unwrap(),
        timestamp: Some(typst_pdf::Timestamp::new_utc(date)),
        ..Default::default()
    };
    typst_pdf::pdf(&paged, &options).expect("export");
    eprintln!("world {setup:?}, compile {compile:?}, export {:?} for {} pages", started.elapsed(), paged.pages().len());
    // A long pack: CABREP_PDF_BOUND pages bound in (memory grows with the decoded images).
    let n: u32 = std::env::var("CABREP_PDF_BOUND").ok().and_then(|n| n.parse().ok()).unwrap_or(0);
    if n > 0 {
        let mut long = pack_binding("/bound/4.pdf", [1, 2]);
        // Distinct pages, as a real pack has.
        let mut blocks = Vec::new();
        let mut files = Vec::new();
        for i in 0..n {
            let file = format!("/bound/{i}.pdf");
            let mut src = sample(&format!("Appendix {i}"));
            src.blocks.truncate(16);
            let src = w.render(&src).expect("render a source");
            files.push(EmbeddedFile { path: file.clone(), bytes: std::sync::Arc::new(src) });
            blocks.push(Block::BoundPage(BoundPage { file, page: 1, alt: "A page.".into(), heading: None }));
        }
        long.blocks = blocks;
        long.files = files;
        let before = rss_mb();
        let started = Instant::now();
        let bytes = w.render(&long).expect("render the long pack");
        eprintln!(
            "{n} bound pages: {:.0} ms ({:.1} ms a page), {} bytes, RSS {before:.0} -> {:.0} MB",
            started.elapsed().as_secs_f64() * 1e3,
            started.elapsed().as_secs_f64() * 1e3 / f64::from(n),
            bytes.len(),
            rss_mb()
        );
    }
    // Bound pages: rasterising alone, and the whole pack (2 own pages + 2 bound).
    let mut pack = pack_binding("/bound/4.pdf", [1, 2]);
    pack.files = vec![EmbeddedFile { path: "/bound/4.pdf".into(), bytes: std::sync::Arc::new(two_page_source()) }];
    let mut plain = pack.clone();
    plain.blocks.retain(|b| !matches!(b, Block::BoundPage(_)));
    for i in 0..5 {
        let started = Instant::now();
        super::bound::rasterise(&w.typesetter, &pack).expect("rasterise");
        let raster = started.elapsed();
        let started = Instant::now();
        let bytes = w.render(&pack).expect("render the pack");
        let with = started.elapsed();
        let started = Instant::now();
        w.render(&plain).expect("render the pack without its bound pages");
        eprintln!(
            "pack {i}: rasterise {:.1} ms a page; render {:.1} ms with the 2 bound pages, {:.1} ms \
             without; {} bytes",
            raster.as_secs_f64() * 1e3 / 2.0,
            with.as_secs_f64() * 1e3,
            started.elapsed().as_secs_f64() * 1e3,
            bytes.len()
        );
    }
}
