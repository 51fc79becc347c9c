use super::*;

fn wording() -> Wording {
    let table: BTreeMap<String, String> = [
        ("agree", "agreed"),
        ("note", "noted"),
        ("delegate", "delegated"),
        ("approve", "approved"),
        ("receive", "received"),
        ("request", "requested"),
        ("subject", "The Council"),
        ("this_report", "the report"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_owned(), b.to_owned()))
    .collect();
    let verbs: Vec<String> = ["Agree", "Note", "Establish", "Instruct", "Delegate", "Approve", "Receive", "Request"]
        .map(String::from)
        .to_vec();
    Wording::from_table(&table, &verbs)
}

fn plain(md: &str, w: &Wording) -> (String, usize) {
    let r = reword(&[Inline::text(md)], w);
    (plain_text(&r.text), r.warnings.len())
}

#[test]
fn single_clauses_are_reworded_as_resolutions() {
    let w = wording();
    assert_eq!(
        plain("Agree the Partnership Charter attached at Appendix 1.", &w).0,
        "The Partnership Charter attached at Appendix 1 be agreed."
    );
    assert_eq!(plain("Note the updates on individual Missions", &w).0, "The updates on individual Missions be noted.");
    assert_eq!(
        plain("Delegate authority to the Director to vary the programme.", &w).0,
        "Authority be delegated to the Director to vary the programme."
    );
    assert_eq!(
        plain("Agree in principle the scope of the reviews", &w).0,
        "The scope of the reviews be agreed in principle."
    );
    assert_eq!(
        plain("Agree that a Big Conversation take place with communities.", &w),
        ("A Big Conversation take place with communities.".into(), 0)
    );
}

#[test]
fn coordinated_clauses_are_reworded_each_with_its_own_verb() {
    let w = wording();
    assert_eq!(
        plain("Note the findings from the Employee Survey, and agree the priority work strands (Section 7)", &w).0,
        "The findings from the Employee Survey be noted, and the priority work strands (Section 7) be agreed."
    );
    assert_eq!(
        plain("Note progress and agree future plans for the Programme", &w).0,
        "Progress be noted and future plans for the Programme be agreed."
    );
    assert_eq!(
        plain("Note the areas of focus (Section 8) and agree to receive future updates.", &w).0,
        "The areas of focus (Section 8) be noted and future updates be received."
    );
    assert_eq!(
        plain("Note the indicative programme for 2025/26, which will be confirmed later.", &w).0,
        "The indicative programme for 2025/26 be noted, which will be confirmed later."
    );
    // "and attached" is no verb of the table: one clause.
    assert_eq!(
        plain("Agree the Policy set out at Section 7 and attached at appendix 1", &w).0,
        "The Policy set out at Section 7 and attached at appendix 1 be agreed."
    );
}

#[test]
fn list_punctuation_ends_the_resolution_as_it_ended_the_recommendation() {
    let w = wording();
    assert_eq!(plain("Approve the collection rate of 97.9%;", &w).0, "The collection rate of 97.9% be approved;");
    assert_eq!(plain("Note the tax base; and", &w).0, "The tax base be noted; and");
    assert_eq!(plain("Note the tax base; or", &w).0, "The tax base be noted; or");
    assert_eq!(plain("Agree the plan,", &w).0, "The plan be agreed,");
    for text in ["Approve the rate;", "Note the base; and", "Approve a base made up as follows:"] {
        let out = plain(text, &w).0;
        assert!(!out.ends_with(";.") && !out.ends_with(":.") && !out.ends_with("and."), "{out}");
    }
}

#[test]
fn a_full_stop_after_list_punctuation_is_not_doubled_into_the_resolution() {
    let w = wording();
    assert_eq!(plain("Note the report;.", &w).0, "The report be noted;");
    assert_eq!(plain("Approve the following:.", &w).0, "The following be approved:");
    assert_eq!(plain("Agree the plan; and.", &w).0, "The plan be agreed; and");
    assert_eq!(plain("Approve the plan..", &w).0, "The plan be approved.");
    for text in ["Note.", "To note;", "Approve:", "Agree ,", "; and", "That.", "Note the report ;"] {
        let out = plain(text, &w).0;
        for doubled in [";.", ":.", ",.", "..", ";;", " ;", " ."] {
            assert!(!out.contains(doubled), "{text:?} → {out:?}");
        }
        assert!(out.chars().any(char::is_alphabetic) || out == text, "{text:?} → {out:?}");
    }
}

#[test]
fn a_colon_before_a_table_keeps_the_table_introduced_after_the_verb() {
    let w = wording();
    assert_eq!(
        plain("Approve a net tax base of 82,717.1 for the whole area made up as follows:", &w).0,
        "A net tax base of 82,717.1 for the whole area be approved, made up as follows:"
    );
    assert_eq!(plain("Note the figures, as set out below:", &w).0, "The figures be noted, as set out below:");
    assert_eq!(plain("Approve a tax base made up as follows;", &w).0, "A tax base be approved, made up as follows;");
    // "below" alone introduces only before a colon.
    assert_eq!(plain("Note the figures below.", &w).0, "The figures below be noted.");
    // A colon with nothing that introduces: the verb at the end, the colon kept once.
    assert_eq!(plain("Approve the following:", &w).0, "The following be approved:");
}

#[test]
fn an_and_that_clause_keeps_its_own_words_and_after_a_comma_loses_its_that() {
    let w = wording();
    assert_eq!(
        plain(
            "Agree the development of a strategy for the town centre, and that a further report be presented to Cabinet.",
            &w
        )
        .0,
        "The development of a strategy for the town centre be agreed, and a further report be presented to Cabinet."
    );
    assert_eq!(
        plain("Note the report and that officers will report back in March;", &w).0,
        "The report be noted and that officers will report back in March;"
    );
}

#[test]
fn a_verb_the_table_lacks_gets_the_subject_or_a_warning() {
    let w = wording();
    assert_eq!(
        plain("Establish a Place Leadership Board.", &w),
        ("The Council establish a Place Leadership Board.".into(), 0)
    );
    let mut no_subject = wording();
    no_subject.subject = None;
    let (text, warnings) = plain("Instruct the Director to report back.", &no_subject);
    assert_eq!((text.as_str(), warnings), ("Instruct the Director to report back.", 1));
    // Not an imperative at all (already a resolution): kept, no warning.
    assert_eq!(plain("Cabinet will consider this again.", &w), ("Cabinet will consider this again.".into(), 0));
}

#[test]
fn a_second_sentence_is_kept_and_warned_about() {
    let w = wording();
    let r = reword(
        &[Inline::text(
            "Agree the scope set out at Section 6. It is recommended that the Board agrees the final scope.",
        )],
        &w,
    );
    assert_eq!(
        plain_text(&r.text),
        "The scope set out at Section 6 be agreed. It is recommended that the Board agrees the final scope."
    );
    assert_eq!(r.warnings.len(), 1);
    assert!(
        r.warnings[0].0.contains("will read: “The scope set out at Section 6 be agreed. It is"),
        "{:?}",
        r.warnings
    );
}

fn styled(style: &str, form: Option<&str>) -> Wording {
    let mut w = wording();
    let mut table: BTreeMap<String, String> = w.participles.clone();
    table.insert("style".into(), style.into());
    if let Some(f) = form {
        table.insert("record".into(), f.into());
    }
    let (s, f) = crate::template::resolutions::style_of(&table).expect("style");
    w.style = s;
    w.form = f;
    w
}

#[test]
fn third_person_recommendations_are_resolved_in_the_past_or_kept() {
    let w = styled("third-person", None);
    assert_eq!(
        plain("Agrees the revised facility mix set out in the Assessment;", &w).0,
        "Agreed the revised facility mix set out in the Assessment;"
    );
    assert_eq!(
        plain("Notes the report and approves the plan; and", &w).0,
        "Noted the report and approved the plan; and"
    );
    assert_eq!(
        plain("Delegates authority to the Director to vary the programme.", &w).0,
        "Delegated authority to the Director to vary the programme."
    );
    assert!(w.starts_in_style("Agrees the plan") && !w.starts_in_style("Agree the plan"));
    // A verb the table lacks: kept as written, flagged (never "Officers … be given").
    let r = reword(&[Inline::text("Establishes a Place Board.")], &w);
    assert_eq!((plain_text(&r.text).as_str(), r.kept || !r.warnings.is_empty()), ("Establishes a Place Board.", true));
    let passive = styled("third-person", Some("passive"));
    assert_eq!(plain("Agrees the revised facility mix;", &passive).0, "The revised facility mix be agreed;");
    let kept = styled("third-person", Some("kept"));
    assert_eq!(plain("Agrees the revised facility mix;", &kept).0, "Agrees the revised facility mix;");
}

#[test]
fn that_recommendations_lose_their_that_and_their_subject() {
    let w = styled("that", None);
    assert_eq!(plain("That the Cabinet agrees the Housing Strategy.", &w).0, "The Housing Strategy be agreed.");
    assert_eq!(plain("That Cabinet approve the budget;", &w).0, "The budget be approved;");
    assert_eq!(plain("That the Cabinet Member for Finance notes the report", &w).0, "The report be noted.");
    assert_eq!(plain("That the plan be approved; and", &w), ("The plan be approved; and".into(), 0));
    assert!(w.starts_in_style("That the plan be approved") && !w.starts_in_style("Approve the plan"));
    // Who acts is not recognised: kept as written (without its "That"), flagged.
    let r = reword(&[Inline::text("That officers will report back in March.")], &w);
    assert_eq!(plain_text(&r.text), "Officers will report back in March.");
    assert!(r.kept);
}

#[test]
fn an_opening_the_rules_do_not_know_keeps_the_whole_sentence_never_half_reworded() {
    let w = wording();
    for text in [
        "To take as read and approve as a true record the minutes of the meeting held on 22 March 2022",
        "To receive and, if so determined, to approve the minutes.",
        "To approve as a correct record and sign the Minutes of the meeting held on 18 January 2017.",
    ] {
        let r = reword(&[Inline::text(text)], &w);
        assert!(r.kept, "{text}");
        assert_eq!(plain_text(&r.text), text);
    }
    assert_eq!(
        plain("To note and agree the following appointments:", &w).0,
        "The following appointments be noted and agreed:"
    );
    assert_eq!(
        plain("To approve as a correct record the Minutes of the meeting held on 13 February 2020", &w).0,
        "The Minutes of the meeting held on 13 February 2020 be approved as a correct record."
    );
}

#[test]
fn this_report_reads_the_report_in_the_record() {
    let w = wording();
    assert_eq!(plain("Approve the fees set out in this report.", &w).0, "The fees set out in the report be approved.");
    assert_eq!(plain("Note that this Report replaces the last.", &w).0, "The Report replaces the last.");
    // Whole words only; a record that keeps the recommendation's words keeps them all.
    assert_eq!(
        plain("Note the figures in thisreport and this reporting.", &w).0,
        "The figures in thisreport and this reporting be noted."
    );
    let kept = {
        let mut k = wording();
        k.form = ResolutionForm::Kept;
        k
    };
    assert_eq!(plain("Approve the fees set out in this report.", &kept).0, "Approve the fees set out in this report.");
    // A template that does not ask for it keeps "this report", as the seed records do.
    let as_written = Wording { this_report: None, ..wording() };
    assert_eq!(
        plain("Approve the fees set out in this report.", &as_written).0,
        "The fees set out in this report be approved."
    );
}

#[test]
fn a_lone_comma_between_what_is_resolved_and_its_be_is_dropped() {
    let w = wording();
    assert_eq!(
        plain("The estimated numbers of properties as set out in this report, be approved.", &w),
        ("The estimated numbers of properties as set out in the report be approved.".into(), 0)
    );
    // A pair of commas is the author's: kept.
    assert_eq!(plain("The draft, for consultation, be approved.", &w).0, "The draft, for consultation, be approved.");
}

#[test]
fn a_post_told_to_act_takes_the_verb_before_its_to() {
    let mut w = wording();
    w.participles.insert("authorise".into(), "authorised".into());
    w.participles.insert("appoint".into(), "appointed".into());
    assert_eq!(
        plain("To authorise the Chairman to sign, as a correct record, the decisions of 21 July.", &w).0,
        "The Chairman be authorised to sign, as a correct record, the decisions of 21 July."
    );
    assert_eq!(
        plain("Note the plan and request the Director of Finance to report back in March", &w).0,
        "The plan be noted and the Director of Finance be requested to report back in March."
    );
    assert_eq!(plain("Appoint Councillor Smith to the Board;", &w).0, "Councillor Smith be appointed to the Board;");
    // Not a post: the verb at the end, as for any object.
    assert_eq!(
        plain("Approve the transfer of £5m to the reserve.", &w).0,
        "The transfer of £5m to the reserve be approved."
    );
    assert_eq!(plain("Request a report to the next meeting.", &w).0, "A report to the next meeting be requested.");
}

#[test]
fn bold_and_links_survive_rewording() {
    let w = wording();
    let text = vec![
        Inline::text("Agree the "),
        Inline::Strong { content: vec![Inline::text("Smart Working Policy")] },
        Inline::text(" and note the "),
        Inline::Link { url: "https://example.org/guide".into(), content: vec![Inline::text("guidance")] },
    ];
    let r = reword(&text, &w);
    assert_eq!(plain_text(&r.text), "The Smart Working Policy be agreed and the guidance be noted.");
    assert!(r.text.iter().any(|i| matches!(i, Inline::Strong { .. })), "{:?}", r.text);
    assert!(
        r.text.iter().any(|i| matches!(i, Inline::Link { url, .. } if url == "https://example.org/guide")),
        "{:?}",
        r.text
    );
    // A bold first word of the object is capitalised inside the bold.
    let r = reword(&[Inline::text("Note "), Inline::Strong { content: vec![Inline::text("the plan")] }], &w);
    assert_eq!(r.text[0], Inline::Strong { content: vec![Inline::text("The plan")] });
}
