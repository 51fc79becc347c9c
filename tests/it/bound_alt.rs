//! A bound document's alternative text (`alt:`) and accessible version
//! (`accessible_version:`): printed and read after an untagged document's stamp, under its
//! title in the agenda and in the pack's HTML index (read back with pdftotext, the structure
//! reader and an HTML parser); an address that is not a well-formed `https://` one is a located
//! error and no pack is written.

use crate::announce_bound::{read_back, untagged};
use crate::common::*;
use scraper::{Html, Selector};
use std::path::Path;

const ALT: &str = "Site plan showing the 1.8 ha plot edged red, north of Teesdale Business Park";
const URL: &str = "https://www.stockton.gov.uk/plans/teesdale-site-plan";

/// A meeting binding an untagged site plan as item 2, with `extra` lines under its `file:`.
fn meeting(dir: &Path, extra: &str) -> std::path::PathBuf {
    untagged(dir, "plan", "The untagged plan sentinel");
    cabinet_meeting(dir, &format!("  - title: Site plan\n    file: plan.pdf\n{extra}"))
}

#[test]
fn a_bound_documents_alt_text_and_accessible_version_are_announced_listed_in_the_agenda_and_linked_in_the_index() {
    let dir = tempdir();
    let m = meeting(dir.path(), &format!("    alt: {ALT}\n    accessible_version: {URL}\n"));
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&m), "-f", "pdf,html", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pack = out_dir.join("meeting-pack.pdf");

    // The stamp's heading, read first in the plan's part, carries both (structure reader).
    let read = read_back(&pack);
    assert!(!read.iter().any(|l| l.starts_with("PROBLEM")), "{read:#?}");
    let heading = read
        .iter()
        .find(|l| l.starts_with("event ") && l.contains(&nospace("Agenda item 2: Site plan")))
        .unwrap_or_else(|| panic!("no stamp heading: {read:#?}"));
    for want in [ALT, URL, "This document is not accessible", "Sarah Whaley"] {
        assert!(heading.contains(&nospace(want)), "{want:?} in the heading: {heading}");
    }

    // Printed: the stamp on the plan's page and the agenda under the item's title (pdftotext).
    let text = squash(&pdf_text(&pack));
    assert!(text.contains("The untagged plan sentinel"), "{text}");
    let agenda = text.find("AGENDA").expect("the agenda");
    let after = &text[agenda..];
    let title = after.find("Site plan").expect("the item's title in the agenda");
    let under = &after[title..];
    assert!(under.find(ALT).is_some_and(|a| a < 200), "the alt text under the title: {after}");
    assert!(under.contains(&format!("Accessible version: {URL}")), "{after}");
    let stamp = text.find("Agenda item 2: Site plan –").expect("the stamp printed");
    assert!(
        nospace(&text[stamp..])
            .contains(&nospace(&format!("{ALT}. This document is not accessible; an accessible version is at {URL}"))),
        "{text}"
    );

    // The HTML index: the alt text in the item's row and the address a link (an HTML parser).
    let index = Html::parse_document(&read_text(&out_dir.join("meeting-index.html")));
    let rows = Selector::parse("tr").expect("selector");
    let row = index
        .select(&rows)
        .find(|r| r.text().collect::<String>().contains("Site plan"))
        .expect("the item's row in the index");
    let row_text = squash(&row.text().collect::<String>());
    assert!(row_text.contains(ALT) && row_text.contains(&format!("Accessible version: {URL}")), "{row_text}");
    let links = Selector::parse("a[href]").expect("selector");
    assert!(row.select(&links).any(|a| a.value().attr("href") == Some(URL)), "{}", row.html());
}

#[test]
fn an_untagged_document_without_alt_text_is_announced_as_before() {
    let dir = tempdir();
    let m = meeting(dir.path(), "");
    let out_dir = dir.path().join("out");
    let out = cabrep(&["pack", s(&m), "-f", "pdf", "-q", "-o", s(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = squash(&pdf_text(&out_dir.join("meeting-pack.pdf")));
    assert!(
        text.contains("Agenda item 2: Site plan – this document is not accessible; ask Sarah Whaley (sarah.whaley@stockton.gov.uk) for an accessible copy"),
        "{text}"
    );
    assert!(!text.contains("Accessible version:"), "{text}");
}

#[test]
fn an_accessible_version_that_is_not_a_well_formed_https_address_is_a_located_error_and_no_pack_is_written() {
    for bad in [
        "http://www.stockton.gov.uk/plan",
        "javascript:alert(1)",
        "\"https://\"",
        "\"https://ex ample.org/plan\"",
        "www.stockton.gov.uk/plan",
    ] {
        let dir = tempdir();
        let m = meeting(dir.path(), &format!("    accessible_version: {bad}\n"));
        let out_dir = dir.path().join("out");
        let out = cabrep(&["pack", s(&m), "-f", "pdf,html", "-o", s(&out_dir)]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{bad}: {err}");
        // Line 14, column 25: the value of the `accessible_version:` line of the meeting file.
        let at = format!("{}:14:25:", m.display());
        assert!(
            err.lines().any(|l| l.contains(&at) && l.contains("items[1].accessible_version") && l.contains("https://")),
            "{bad}: {err}"
        );
        assert!(
            files_in(&out_dir).iter().all(|f| !f.ends_with(".pdf") && !f.ends_with(".html")),
            "{bad}: {:?}",
            files_in(&out_dir)
        );
    }
}

#[test]
fn alt_text_on_an_item_without_a_file_is_a_located_error() {
    let dir = tempdir();
    let m = write(
        dir.path(),
        "meeting.yaml",
        "schema: cabrep/meeting/v1\nmeeting:\n  body: Cabinet\n  council: C\n  date: 2024-01-18\n  time: \"16:30\"\n  venue: V\n  members: [A]\n  contact: { name: N, phone: \"1\", email: n@example.org }\nitems:\n  - title: Apologies\n    alt: Nothing to describe\n",
    );
    let out = cabrep(&["pack", s(&m), "-f", "pdf", "-o", s(&dir.path().join("out"))]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("{}:12:", m.display())) && err.contains("items[0].alt"), "{err}");
    assert!(!dir.path().join("out/meeting-pack.pdf").exists());
}
