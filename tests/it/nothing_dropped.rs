//! Nothing an author wrote is dropped: a table or a list written in a recommendation's own text
//! reaches every format, row by row and item by item, with a warning pointing at it.

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
    copy_inputs(dir.path(), &["cabinet-2024-01-18.yaml", "highways-capital-programme.yaml", "minutes-2023-12-14.pdf"]);
    let meeting = read_text(&dir.path().join("cabinet-2024-01-18.yaml"))
        .replace("  - report: powering-our-future.yaml", "  - title: Powering Our Future")
        .replace("  - report: land-disposal.yaml", "  - title: Disposal of Land");
    write(dir.path(), "cabinet-2024-01-18.yaml", &meeting);
    let report = read_text(&dir.path().join("highways-capital-programme.yaml"));
    let first = report.lines().find(|l| l.starts_with("    - Approve the Highways")).expect("first recommendation");
    write(dir.path(), "highways-capital-programme.yaml", &report.replace(&format!("{first}\n"), RECOMMENDATION));
    write(
        dir.path(),
        "outcome.yaml",
        "schema: cabrep/outcome/v1\npublished: 2024-01-19\nitems:\n  - item: 6\n    decisions:\n      - recommendation: 1\n",
    );
    let out_dir = dir.path().join("out");
    let out = cabrep(&[
        "decisions",
        "-q",
        "-f",
        "docx,pdf,html",
        "-o",
        s(&out_dir),
        s(&dir.path().join("cabinet-2024-01-18.yaml")),
        s(&dir.path().join("outcome.yaml")),
    ]);
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

/// The text of HTML, its tags removed.
fn without_tags(html: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for c in html.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => out.push(c),
            _ => {}
        }
    }
    out
}
