//! Tests of the PDF writer: a hand-built report exercising every block kind, typeset with the real
//! template and fonts, then read back with poppler's command-line tools (which must be installed).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

use super::PdfWriter;
use crate::tree::*;

mod document;
mod robustness;
mod view;

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
    Column { header: header.to_string(), align, width, full: None }
}

fn row(cells: &[&str]) -> Row {
    Row { cells: cells.iter().map(|s| vec![p(s)]).collect(), total: false }
}

/// The house style with a larger title.
fn style() -> HouseStyle {
    HouseStyle { title_size: 16.0, ..crate::render::test_support::house_style() }
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
        h(2, None, "REASONS"),
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
            ], spans: Vec::new(), }),
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
        spans: Vec::new(),
    }));
    blocks.extend([
        p(lorem),
        h(2, None, "Financial implications"),
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
            spans: Vec::new(),
        }),
        styled(ParagraphStyle::Note, "Figures are rounded to the nearest £000."),
        Block::Figure(Figure {
            palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
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
            palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
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
        h(2, None, "RISK"),
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
            spans: Vec::new(),
        }),
        Block::Figure(Figure {
            palette: crate::template::Template::builtin().expect("built-in template").settings.chart,
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
                    url: "mailto:geraldine.brown@example.gov.uk".into(),
                    content: vec![t("geraldine.brown@example.gov.uk")],
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
        template: None,
        meta: Meta {
            title: title.to_string(),
            author: "Example Borough Council".into(),
            subject: "Report to Cabinet, 18 January 2024".into(),
            lang: "en-GB".into(),
            date: time::macros::date!(2024 - 01 - 18),
            keywords: Vec::new(),
        },
        style: style(),
        furniture: Furniture { header: Some("NOT FOR PUBLICATION".into()), footer: "Page {page} of {pages}".into() },
        blocks,
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
