//! Nothing an author wrote is dropped: every construct an author can write reaches every kind of
//! document (a report, a pack's front sheet, agenda and web index, a decision record, the Forward
//! Plan) in every format, or a warning at its line names it. The constructs are tables, one
//! line each ([`MARKDOWN`], [`FIELDS`]); the fixtures in `tests/hostile/dropped/` carry them.

use std::io::Read;
use std::path::Path;

use crate::common::*;

/// The highways report with its first recommendation holding a table and a list.
const RECOMMENDATION: &str = "    - |
      Approve the tax base as follows:

      | Area | Band D |
      |---|---|
      | Yarm | 71,482.6 |

      and ask the Director:

      - to publish **the base**
      - to tell the [parishes](https://example.org/parishes)
";

#[test]
fn a_table_and_a_list_in_a_recommendations_text_reach_every_format_with_located_warnings() {
    let dir = tempdir();
    copy_inputs(dir.path(), &["highways-capital-programme.yaml"]);
    let path = dir.path().join("highways-capital-programme.yaml");
    let report = read_text(&path);
    let first = report.lines().find(|l| l.starts_with("    - Approve the Highways")).expect("first recommendation");
    write(dir.path(), "highways-capital-programme.yaml", &report.replace(&format!("{first}\n"), RECOMMENDATION));
    let out_dir = dir.path().join("out");
    let out = cabrep(&["build", s(&path), "-f", "docx,pdf,html", "-o", s(&out_dir)]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(err.contains(":36:7: warning: recommendations.items[0]: the table is not shown as a table"), "{err}");
    assert!(err.contains(":42:7: warning: recommendations.items[0]: the list is printed as lines"), "{err}");

    let wanted = [
        "Approve the tax base as follows:",
        "Area: Yarm; Band D: 71,482.6",
        "and ask the Director:",
        "• to publish the base",
        "• to tell the parishes",
    ];
    let pdf = squash(&pdf_text(&out_dir.join("highways-capital-programme.pdf")));
    assert_in_order(&pdf, &wanted);
    let docx = squash(&docx_text(&docx_part(&out_dir.join("highways-capital-programme.docx"), "word/document.xml")));
    assert_in_order(&docx, &wanted);
    let html = read_text(&out_dir.join("highways-capital-programme.html"));
    assert!(html.contains("https://example.org/parishes"), "the link is kept in the HTML");
    assert!(html.contains("<strong>the base</strong>"), "the bold is kept in the HTML");
    let text = squash(&without_tags(&html));
    assert_in_order(&text, &wanted);
}

#[test]
fn a_table_and_a_list_in_a_recommendations_text_reach_the_decision_record() {
    let dir = tempdir();
    highways_meeting(dir.path());
    let report = read_text(&dir.path().join("highways-capital-programme.yaml"));
    let first = report.lines().find(|l| l.starts_with("    - Approve the Highways")).expect("first recommendation");
    write(dir.path(), "highways-capital-programme.yaml", &report.replace(&format!("{first}\n"), RECOMMENDATION));
    let (out, out_dir) = highways_record(dir.path(), "      - recommendation: 1\n", "docx,pdf,html");
    assert!(out.status.success(), "{}", stderr(&out));
    let wanted =
        ["tax base as follows:", "Area: Yarm; Band D: 71,482.6", "• to publish the base", "• to tell the parishes"];
    let pdf = squash(&pdf_text(&out_dir.join("cabinet-2024-01-18-decisions.pdf")));
    assert_in_order(&pdf, &wanted);
    let docx = squash(&docx_text(&docx_part(&out_dir.join("cabinet-2024-01-18-decisions.docx"), "word/document.xml")));
    assert_in_order(&docx, &wanted);
    let html = squash(&without_tags(&read_text(&out_dir.join("cabinet-2024-01-18-decisions.html"))));
    assert_in_order(&html, &wanted);
}

/// Every Markdown construct an author can write, one line each: what it is, its Markdown, the
/// words that must reach every output, and the warning it gets (empty when it is printed as it
/// is). Each marker is a word of its own, so no assertion can pass by accident. The fixtures'
/// `{{MARKDOWN}}` lines are replaced by all of them, in a report's summary, a recommendation's
/// note and a section's body, and in an outcome's amended `text:`.
const MARKDOWN: &[(&str, &str, &[&str], &str)] = &[
    ("a heading inside rich text", "#### ZZHEADING1 words", &["ZZHEADING1"], "level-4 heading"),
    ("a block quote", "> ZZQUOTE1 quoted words", &["ZZQUOTE1"], ""),
    ("inline code", "Run `ZZCODE1` now.", &["ZZCODE1"], ""),
    ("a fenced code block", "```\nZZFENCE1 fenced\n```", &["ZZFENCE1"], ""),
    ("raw HTML", "Some <i>ZZHTML1</i> words.", &["ZZHTML1"], "raw HTML `<i>`"),
    (
        "a picture with alt text and a title",
        "![ZZALT1 a blue box](box.svg \"Box ZZPICTITLE1\")",
        &["ZZALT1", "ZZPICTITLE1"],
        "",
    ),
    ("a footnote", "A claim ZZFOOTREF1.[^zz]\n\n[^zz]: ZZFOOTNOTE1 the note.", &["ZZFOOTREF1", "ZZFOOTNOTE1"], ""),
    ("a nested list", "- ZZOUTER1 item\n  - ZZINNER1 item", &["ZZOUTER1", "ZZINNER1"], ""),
    ("an ordered list with a start", "7. ZZSEVENTH1 item\n8. ZZEIGHTH1 item", &["ZZSEVENTH1", "ZZEIGHTH1"], ""),
    ("a link", "See [ZZLINK1 text](https://example.org/zzlink2).", &["ZZLINK1"], ""),
    ("emphasis", "Some *ZZEM1* words.", &["ZZEM1"], ""),
    ("strong", "Some **ZZSTRONG1** words.", &["ZZSTRONG1"], ""),
    ("strikethrough", "Some ~~ZZSTRIKE1~~ words.", &["ZZSTRIKE1"], ""),
    ("a hard break", "ZZBREAK1 line  \nZZBREAK2 line", &["ZZBREAK1", "ZZBREAK2"], ""),
    ("a table in Markdown", "| ZZTH1 | Other |\n|---|---|\n| ZZTD1 | 3 |", &["ZZTH1", "ZZTD1"], ""),
    (
        "a horizontal rule",
        "ZZBEFORERULE1\n\n---\n\nZZAFTERRULE1",
        &["ZZBEFORERULE1", "ZZAFTERRULE1"],
        "horizontal rule",
    ),
];

/// A kind of document cabrep writes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// `cabrep build`: the report.
    Report,
    /// `cabrep pack`: the pack PDF (front sheet, agenda, reports, bound PDFs).
    Pack,
    /// `cabrep pack -f html`: the pack's web index.
    Index,
    /// `cabrep decisions`: the decision record.
    Record,
    /// `cabrep forward-plan`.
    Plan,
}
use Kind::*;

/// Every other field the fixtures fill, one line each: what it is, its marker, and the documents
/// it must reach (in every format each writes).
const FIELDS: &[(&str, &str, &[Kind])] = &[
    ("the report's title", "ZZTITLE1", &[Report, Pack, Index, Record, Plan]),
    ("report_of", "ZZREPORTOF1", &[Report, Pack]),
    ("the portfolio's title", "ZZPORTFOLIO1", &[Report, Pack, Plan]),
    ("the portfolio holder", "ZZHOLDER1", &[Report, Pack, Plan]),
    ("key_reason", "ZZKEYREASON1", &[Plan]),
    ("forward_plan_ref", "FP/2024/ZZ1", &[Report, Pack, Plan]),
    ("reasons", "ZZREASONS1", &[Report, Pack]),
    ("options", "ZZOPTIONS1", &[Report, Pack]),
    ("a recommendation's text", "ZZRECTEXT1", &[Report, Pack, Record]),
    ("a recommendation amended by the outcome", "ZZRECTWO1", &[Report, Pack]),
    ("a recommendation that is only a table: its header", "ZZONLYTABLEHEAD1", &[Report, Pack, Record]),
    ("a recommendation that is only a table: its cell", "ZZONLYTABLECELL1", &[Report, Pack, Record]),
    ("a recommendation after it", "ZZRECFOUR1", &[Report, Pack, Record]),
    ("a section's title", "ZZSECTIONTITLE1", &[Report, Pack]),
    ("a table's caption", "ZZCAPTION1", &[Report, Pack]),
    ("a table's header row", "ZZCOLHEAD1", &[Report, Pack]),
    ("a cell spanning rows", "ZZROWSPAN1", &[Report, Pack]),
    ("a cell spanning columns", "ZZCOLSPAN1", &[Report, Pack]),
    ("a table's cells", "ZZCELLA1", &[Report, Pack]),
    ("a table's cell beside a spanned one", "ZZCELLC1", &[Report, Pack]),
    ("a table's last cell", "ZZCELLE1", &[Report, Pack]),
    ("a recommendation in a section's body", "ZZINLINEREC1", &[Report, Pack]),
    ("an implication", "ZZCOMMUNITY1", &[Report, Pack]),
    ("a financial table's caption", "ZZFINCAPTION1", &[Report, Pack]),
    ("a financial table's column", "ZZFINCOL1", &[Report, Pack]),
    ("a financial table's rows", "ZZFINROW2", &[Report, Pack]),
    ("the risk", "ZZRISK1", &[Report, Pack]),
    ("the wards", "ZZWARDS1", &[Report, Pack]),
    ("a background paper", "ZZBACKGROUND1", &[Report, Pack]),
    ("an appendix's title", "ZZAPPENDIXTITLE1", &[Report, Pack, Plan]),
    ("an appendix's body", "ZZAPPENDIXBODY1", &[Report, Pack]),
    ("the contact's name", "ZZCONTACTNAME1", &[Report, Pack, Plan]),
    ("the contact's post", "ZZCONTACTPOST1", &[Report, Pack, Plan]),
    ("the contact's email", "zzcontact1@example.gov.uk", &[Report, Pack, Plan]),
    ("the meeting's venue", "ZZVENUE1 <Town Hall> & *Chamber*", &[Pack, Index]),
    ("a member", "ZZMEMBER1", &[Pack, Index]),
    ("a member written with Markdown marks", "**ZZMEMBER2**", &[Pack, Index]),
    ("the democratic services contact", "ZZDSONAME1", &[Pack, Index]),
    ("an item's title, Markdown and HTML marks as typed", "ZZITEMTITLE1 *starred* <b>tagged</b>", &[Pack, Index]),
    ("a bound PDF's item title", "ZZMINUTESTITLE1", &[Pack, Index]),
    ("the proper officer", "ZZPROPERNAME1", &[Record]),
    ("the proper officer's post", "ZZPROPERPOST1", &[Record]),
    ("an amended decision's words", "ZZOVERRIDE1", &[Record]),
    ("the outcome's reasons", "ZZOUTCOMEREASONS1", &[Record]),
    ("the outcome's options", "ZZOUTCOMEOPTIONS1", &[Record]),
    ("a declared interest's member", "ZZINTERESTMEMBER1", &[Record]),
    ("a declared interest's nature", "ZZINTERESTNATURE1", &[Record]),
    ("a dispensation's member", "ZZDISPMEMBER1", &[Record]),
    ("a dispensation's details", "ZZDISPDETAILS1", &[Record]),
];

/// For each construct of [`MARKDOWN`], the (first, last) lines of each place it stands in a file.
type Places = Vec<Vec<(usize, usize)>>;

/// A fixture with every `{{MARKDOWN}}` line replaced by [`MARKDOWN`] at that line's indent, and,
/// for each construct, the (first, last) lines it occupies in the result, one pair per place.
fn expand(fixture: &str) -> (String, Places) {
    let mut out: Vec<String> = Vec::new();
    let mut places = vec![Vec::new(); MARKDOWN.len()];
    for line in fixture.lines() {
        if line.trim() != "{{MARKDOWN}}" {
            out.push(line.to_owned());
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        for (i, (_, md, _, _)) in MARKDOWN.iter().enumerate() {
            if i > 0 {
                out.push(String::new());
            }
            let first = out.len() + 1;
            out.extend(md.lines().map(|l| if l.is_empty() { String::new() } else { format!("{indent}{l}") }));
            places[i].push((first, out.len()));
        }
    }
    (out.join("\n") + "\n", places)
}

/// The fixtures written into `dir` (`{{MARKDOWN}}` expanded), with the minutes as a bound PDF;
/// returns the constructs' places in the report and in the outcome.
fn fixtures(dir: &Path) -> (Places, Places) {
    let from = root().join("tests/hostile/dropped");
    let (report, in_report) = expand(&read_text(&from.join("report.yaml")));
    write(dir, "report.yaml", &report);
    let (outcome, in_outcome) = expand(&read_text(&from.join("outcome.yaml")));
    write(dir, "outcome.yaml", &outcome);
    write(dir, "meeting.yaml", &read_text(&from.join("meeting.yaml")));
    write(dir, "box.svg", &read_text(&from.join("box.svg")));
    std::fs::copy(root().join("inputs/minutes-2023-12-14.pdf"), dir.join("minutes.pdf")).expect("copy the minutes");
    (in_report, in_outcome)
}

/// Everything of a PDF a reader gets: its text (pdftotext) and its alternative texts (`/Alt`).
fn pdf_all(pdf: &Path) -> String {
    let alts = pikepdf_script(
        "import pikepdf, sys\n\
         p = pikepdf.open(sys.argv[1])\n\
         for o in p.objects:\n\
         \x20   if isinstance(o, pikepdf.Dictionary) and '/Alt' in o:\n\
         \x20       print(str(o.Alt))\n",
        pdf,
    );
    format!("{}\n{alts}", pdf_text(pdf))
}

/// A PDF's text with its layout kept: `pdftotext` without `-layout` joins a line ending in `-`
/// to the next, as if hyphenated.
fn layout_text(pdf: &Path) -> String {
    poppler("pdftotext", &["-layout", s(pdf), "-"])
}

/// Every WordprocessingML part of a DOCX (the body, footnotes, headers), as XML: text and
/// pictures' descriptions alike.
fn docx_all(docx: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(docx).expect("open docx")).expect("docx is a zip");
    let names: Vec<String> =
        z.file_names().filter(|n| n.starts_with("word/") && n.ends_with(".xml")).map(str::to_owned).collect();
    let mut all = String::new();
    for n in names {
        z.by_name(&n).expect("listed part").read_to_string(&mut all).expect("read part");
    }
    all
}

/// The HTML as written, its text unescaped (`&lt;` → `<`), so a marker with `<` or `&` is found
/// as the reader sees it; alt text stays in its attribute.
fn html_all(html: &Path) -> String {
    read_text(html).replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

/// Whether `err` has a warning at `file`, on a line from `first` to `last`, saying `what`.
fn warned(err: &str, file: &str, (first, last): (usize, usize), what: &str) -> bool {
    err.lines().any(|l| {
        let Some(rest) = l.split_once(&format!("{file}:")).map(|(_, r)| r) else { return false };
        let line: usize = rest.split(':').next().and_then(|n| n.parse().ok()).unwrap_or(0);
        (first..=last).contains(&line) && l.contains(": warning: ") && l.contains(what)
    })
}

/// Asserts every construct of [`MARKDOWN`] reached `text` at least `times` times (once per place it
/// was written), and that each one that warns was warned about at each of its places.
fn assert_markdown(what: &str, text: &str, times: usize, err: &str, places: &[(&str, &Places)]) {
    for (i, (name, _, markers, warning)) in MARKDOWN.iter().enumerate() {
        for m in *markers {
            let n = text.matches(m).count();
            assert!(n >= times, "{what}: {name} (`{m}`) is printed {n} times, not {times}");
        }
        if !warning.is_empty() {
            for (file, in_file) in places {
                for place in &in_file[i] {
                    assert!(
                        warned(err, file, *place, warning),
                        "{what}: {name} at {file}:{place:?} is not warned about: {err}"
                    );
                }
            }
        }
    }
}

/// Asserts every field of [`FIELDS`] for `kind` reached `text`.
fn assert_fields(kind: Kind, what: &str, text: &str) {
    for (name, marker, kinds) in FIELDS {
        if kinds.contains(&kind) {
            assert!(text.contains(marker), "{what} ({kind:?}): {name} (`{marker}`) is dropped");
        }
    }
}

/// Asserts a record has no line that is punctuation alone ("3.", ":") and no empty list item or
/// paragraph.
fn assert_no_lone_punctuation(pdf: &str, html: &str) {
    for line in pdf.lines().map(str::trim) {
        let lone = !line.is_empty()
            && line.chars().any(|c| c.is_ascii_punctuation())
            && line.chars().all(|c| c.is_ascii_punctuation() || c.is_ascii_digit() || c.is_whitespace());
        assert!(!lone, "the record prints a lone `{line}`:\n{pdf}");
    }
    let squashed = nospace(html);
    for empty in ["<li></li>", "<p></p>", "<td></td>"] {
        assert!(!squashed.contains(empty), "the record's HTML has an empty `{empty}`");
    }
}

#[test]
fn every_construct_reaches_a_report_in_every_format_or_is_warned_about_at_its_line() {
    let dir = tempdir();
    let (in_report, _) = fixtures(dir.path());
    let out_dir = dir.path().join("out");
    let out = cabrep(&["build", s(&dir.path().join("report.yaml")), "-f", "docx,pdf,html", "-o", s(&out_dir)]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let places = [("report.yaml", &in_report)];
    for (format, text) in [
        ("PDF", pdf_all(&out_dir.join("report.pdf"))),
        ("DOCX", docx_all(&out_dir.join("report.docx"))),
        ("HTML", html_all(&out_dir.join("report.html"))),
    ] {
        assert_markdown(&format!("the report's {format}"), &text, 3, &err, &places);
        assert_fields(Report, &format!("the report's {format}"), &text);
    }
}

#[test]
fn every_construct_reaches_a_pack_its_front_sheet_agenda_and_web_index() {
    let dir = tempdir();
    let (in_report, _) = fixtures(dir.path());
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&dir.path().join("meeting.yaml")), "-f", "pdf,html", "-o", s(&out_dir)]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    let places = [("report.yaml", &in_report)];
    let pack = pdf_all(&out_dir.join("meeting-pack.pdf"));
    assert_markdown("the pack", &pack, 3, &err, &places);
    assert_fields(Pack, "the pack", &pack);
    let index = html_all(&out_dir.join("meeting-index.html"));
    assert_fields(Index, "the pack's web index", &index);
    let page = html_all(&out_dir.join("report.html"));
    assert_markdown("the pack's report page", &page, 3, &err, &places);
    assert_fields(Report, "the pack's report page", &page);
}

#[test]
fn every_construct_reaches_a_decision_record_in_every_format_and_no_line_is_lone_punctuation() {
    let dir = tempdir();
    let (in_report, in_outcome) = fixtures(dir.path());
    let out_dir = dir.path().join("out");
    let out = cabrep(&[
        "decisions",
        "-f",
        "docx,pdf,html",
        "-o",
        s(&out_dir),
        s(&dir.path().join("meeting.yaml")),
        s(&dir.path().join("outcome.yaml")),
    ]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // The summary (the consideration), recommendation 1's note and recommendation 2's amended words.
    let places = [("report.yaml", &in_report), ("outcome.yaml", &in_outcome)];
    let pdf = pdf_all(&out_dir.join("meeting-decisions.pdf"));
    let html = html_all(&out_dir.join("meeting-decisions.html"));
    for (format, text) in [("PDF", &pdf), ("DOCX", &docx_all(&out_dir.join("meeting-decisions.docx"))), ("HTML", &html)]
    {
        assert_markdown(&format!("the record's {format}"), text, 3, &err, &places);
        assert_fields(Record, &format!("the record's {format}"), text);
    }
    assert_no_lone_punctuation(
        &layout_text(&out_dir.join("meeting-decisions.pdf")),
        &read_text(&out_dir.join("meeting-decisions.html")),
    );
}

#[test]
fn every_field_of_a_key_decision_reaches_the_forward_plan_in_every_format() {
    let dir = tempdir();
    fixtures(dir.path());
    let out_dir = dir.path().join("out");
    let out =
        cabrep(&["forward-plan", s(dir.path()), "--published", "2023-12-01", "-f", "docx,pdf,html", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (format, text) in [
        ("PDF", pdf_all(&out_dir.join("2023-12-01-forward-plan.pdf"))),
        ("DOCX", docx_all(&out_dir.join("2023-12-01-forward-plan.docx"))),
        ("HTML", html_all(&out_dir.join("2023-12-01-forward-plan.html"))),
    ] {
        assert_fields(Plan, &format!("the Forward Plan's {format}"), &text);
    }
}

/// The report fixture with the merged-cells table's cells replaced.
fn report_with_cells(dir: &Path, cells: [&str; 4]) -> std::path::PathBuf {
    fixtures(dir);
    let mut report = read_text(&dir.join("report.yaml"));
    for (marker, cell) in ["ZZCELLA1", "ZZCELLB1", "ZZCELLC1", "ZZCELLD1"].iter().zip(cells) {
        report = report.replace(&format!("- {marker}\n"), &format!("- {cell:?}\n"));
    }
    write(dir, "report.yaml", &report)
}

#[test]
fn a_dash_for_none_in_a_table_cell_is_printed_as_typed_not_as_an_empty_bullet() {
    let dir = tempdir();
    let path = report_with_cells(dir.path(), ["-", "*", "---", "#"]);
    let out_dir = dir.path().join("out");
    let out = cabrep(&["build", s(&path), "-f", "docx,pdf,html", "-o", s(&out_dir)]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        !err.lines().any(|l| l.contains("table.rows") && l.contains("horizontal rule")),
        "a cell's `---` is printed, not left out: {err}"
    );
    let table = |text: &str| -> String {
        let from = text.find("ZZCOLHEAD1").expect("the table");
        let to = text[from..].find("ZZCOLSPAN1").expect("its last row") + from;
        text[from..to].to_owned()
    };
    let pdf = table(&layout_text(&out_dir.join("report.pdf")));
    let docx = table(&docx_text(&docx_part(&out_dir.join("report.docx"), "word/document.xml")));
    let html = table(&read_text(&out_dir.join("report.html")));
    for (format, text) in [("PDF", &pdf), ("DOCX", &docx)] {
        let cells: Vec<&str> = text.split_whitespace().collect();
        for typed in ["-", "*", "---", "#"] {
            assert!(cells.contains(&typed), "{format}: the cell `{typed}` is printed as typed: {text}");
        }
        assert!(!text.contains('•'), "{format}: no empty bullet: {text}");
    }
    assert!(
        !html.contains("<ul") && !html.contains("<hr") && !html.contains("<h"),
        "HTML: no list, rule or heading in the table: {html}"
    );
    for typed in ["<td>-</td>", "<td>*</td>", "<td>---</td>", "<td>#</td>"] {
        assert!(html.contains(typed), "HTML: `{typed}` in the table: {html}");
    }
}

#[test]
fn an_amended_decision_of_marks_only_is_printed_as_typed_never_as_a_lone_number() {
    let dir = tempdir();
    fixtures(dir.path());
    write(
        dir.path(),
        "outcome.yaml",
        "schema: cabrep/outcome/v1\npublished: 2024-01-19\nitems:\n  - item: 3\n    decisions:\n      - recommendation: 2\n        text: \"---\"\n      - recommendation: 4\n        text: \"-\"\n    reasons: \"[^a]: ZZREASONSDEF1\"\ninterests: []\ndispensations: []\n",
    );
    let out_dir = dir.path().join("out");
    let out = cabrep(&[
        "decisions",
        "-f",
        "pdf,html",
        "-o",
        s(&out_dir),
        s(&dir.path().join("meeting.yaml")),
        s(&dir.path().join("outcome.yaml")),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = squash(&layout_text(&out_dir.join("meeting-decisions.pdf")));
    assert_in_order(&pdf, &["RESOLVED that:", "1. ---", "2. -", "Reasons for the Decision", "[^a]: ZZREASONSDEF1"]);
}

#[test]
fn reasons_of_marks_only_over_several_lines_are_an_error_at_their_line_not_an_empty_heading() {
    let dir = tempdir();
    fixtures(dir.path());
    write(
        dir.path(),
        "outcome.yaml",
        "schema: cabrep/outcome/v1\npublished: 2024-01-19\nitems:\n  - item: 3\n    reasons: |\n      ---\n\n      ***\ninterests: []\ndispensations: []\n",
    );
    let out_dir = dir.path().join("out");
    let out = cabrep(&[
        "decisions",
        "-f",
        "pdf,html",
        "-o",
        s(&out_dir),
        s(&dir.path().join("meeting.yaml")),
        s(&dir.path().join("outcome.yaml")),
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("outcome.yaml:6:7: error: items[0].reasons: prints nothing"), "{err}");
    assert!(files_in(&out_dir).is_empty(), "no record is written: {:?}", files_in(&out_dir));
}

#[test]
fn a_field_of_twenty_thousand_rules_is_checked_in_bounded_time_its_first_rules_warned_at_their_lines() {
    let dir = tempdir();
    let rules = "  ---\n\n".repeat(20_000);
    let report = lib::STARTER_REPORT.replace("  All wards.\n", &format!("  All wards.\n\n{rules}"));
    let path = write(dir.path(), "rules.yaml", &report);
    let line = report.lines().position(|l| l == "  All wards.").expect("the wards") + 1;
    let (out, _) = run_limited(cabrep_cmd(&["check", s(&path)]), "check", std::time::Duration::from_secs(20));
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    for n in [0, 1, 2] {
        let at = format!("rules.yaml:{}:3: warning: wards: a horizontal rule", line + 2 + 2 * n);
        assert!(err.contains(&at), "{at}: {}", &err[..err.len().min(2000)]);
    }
}
