//! The corpus of real recommendations and the resolutions clerks recorded
//! (`tests/resolutions/corpus.yaml`), each reworded in its council's style.

use super::*;

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Corpus {
    pairs: Vec<Pair>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Pair {
    council: String,
    source: String,
    #[serde(default)]
    record: Option<String>,
    style: String,
    form: String,
    recommendation: String,
    resolution: String,
    #[serde(default)]
    cabrep: Option<String>,
    #[serde(default)]
    why: Option<String>,
    #[serde(default)]
    kept: bool,
    #[serde(default)]
    note: Option<String>,
}

/// The stated normalisation: white space, quotes, a leading list number, a leading "That" or
/// "RESOLVED that", the body the record's lead names before a past verb ("Cabinet noted"),
/// and the first letter's case.
fn normal(s: &str) -> String {
    let mut s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s = s.replace(['‘', '’'], "'").replace(['“', '”'], "\"");
    let number = |w: &str| {
        let w = w.trim_start_matches('(').trim_end_matches([')', '.', ':']);
        !w.is_empty()
            && w.len() <= 4
            && (w.chars().all(|c| c.is_ascii_digit())
                || w.chars().all(|c| "ivx".contains(c))
                || (w.len() == 1 && w.chars().all(|c| c.is_ascii_alphabetic())))
    };
    if let Some((first, rest)) = s.split_once(' ') {
        if number(first) && first != "A" && first != "a" || first.ends_with(')') || first == "A:" {
            s = rest.to_owned();
        }
    }
    for lead in ["RESOLVED that ", "Resolved that ", "That ", "that ", "Cabinet ", "the Committee "] {
        if let Some(rest) = s.strip_prefix(lead) {
            s = rest.trim_start().to_owned();
        }
    }
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => s,
    }
}

fn wording(t: &crate::template::Template, verbs: &[String], style: &str, form: &str) -> Wording {
    let mut table = t.settings.resolutions.clone();
    table.insert("style".into(), style.into());
    table.insert("record".into(), form.into());
    // Most of the corpus's clerks write "the report" for the recommendation's "this report".
    table.insert("this_report".into(), "the report".into());
    crate::template::resolutions::style_of(&table).expect("a style and form of the corpus");
    Wording::from_table(&table, verbs)
}

/// How many pairs cabrep words as the clerk did; the test fails below it.
const MATCHING_FLOOR: usize = 6;

/// The causes a non-matching pair's `why:` names before its first ": " (one or more, joined
/// by ", "), each with what it means.
const CAUSES: [(&str, &str); 9] = [
    ("agenda summary", "the words are an agenda's description of the item, not a recommendation in the style"),
    ("not in style", "a recommendation, but not in the style's form (\"is asked to note\", \"Recommends that\")"),
    ("kept as written", "an opening the rules do not know, kept with a warning that quotes it"),
    ("recommendation to Council", "the clerk lifts \"recommends to Council\" into the lead-in"),
    ("free rewording", "the clerk chose other words (another verb, a limb dropped, a list collapsed)"),
    ("clerk's addition", "the clerk adds words the recommendation lacks (\"and signed by the Chairman\")"),
    ("narrative past", "the record tells what happened (\"were approved\") rather than resolving"),
    ("backshift", "a verb inside the object put into the past (\"is\" → \"was\"), which would be a guess"),
    ("second sentence", "a second sentence, kept as written with a warning"),
];

/// The causes a `why:` names, or what is wrong with it.
fn causes(why: &str) -> Result<Vec<&str>, String> {
    let (named, detail) = why.split_once(": ").ok_or("no \"cause: detail\"")?;
    if detail.trim().is_empty() {
        return Err("no detail after the cause".into());
    }
    named
        .split(", ")
        .map(|c| {
            CAUSES
                .iter()
                .find(|(k, _)| *k == c)
                .map(|(k, _)| *k)
                .ok_or_else(|| format!("`{c}` is no cause of the list"))
        })
        .collect()
}

#[test]
fn real_recommendations_are_resolved_as_their_clerks_wrote_them_or_differ_for_a_named_cause() {
    let text = include_str!("../../../tests/resolutions/corpus.yaml");
    let corpus: Corpus = serde_saphyr::from_str(text).expect("the corpus parses");
    let councils: std::collections::BTreeSet<&str> = corpus.pairs.iter().map(|p| p.council.as_str()).collect();
    assert!(
        corpus.pairs.len() >= 40 && councils.len() >= 5,
        "{} pairs, {} councils",
        corpus.pairs.len(),
        councils.len()
    );
    let t = crate::template::Template::builtin().expect("the built-in template loads");
    let verbs = crate::model::validate::Rules::from_template(&t).verbs;
    let mut exact = 0;
    let mut problems = Vec::new();
    let mut tally: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, p) in corpus.pairs.iter().enumerate() {
        assert!(p.source.starts_with("http") && p.record.as_deref().is_none_or(|r| r.starts_with("http")), "pair {i}");
        let w = wording(&t, &verbs, &p.style, &p.form);
        let r = reword(&[Inline::text(&p.recommendation)], &w);
        let got = plain_text(&r.text);
        for doubled in [";.", ":.", ",.", "..", ";;", ",,", ":;"] {
            if got.contains(doubled) {
                problems.push(format!("pair {i}: `{doubled}` in {got:?}"));
            }
        }
        if p.kept && !r.kept && r.warnings.is_empty() {
            problems.push(format!("pair {i}: kept without a warning: {got:?}"));
        }
        let warned = if r.kept || !r.warnings.is_empty() { " (kept, warned)" } else { "" };
        if normal(&got) == normal(&p.resolution) {
            exact += 1;
            if p.cabrep.is_some() || p.why.is_some() {
                problems.push(format!("pair {i} now matches the clerk's words: remove its `cabrep:` and `why:`"));
            }
            continue;
        }
        match p.why.as_deref().map(causes) {
            Some(Ok(named)) => named.into_iter().for_each(|c| *tally.entry(c).or_default() += 1),
            Some(Err(e)) => problems.push(format!("pair {i}: `why:` {e}")),
            None => problems.push(format!("pair {i} differs and has no `why:`")),
        }
        if p.cabrep.as_deref().is_none_or(|c| normal(c) != normal(&got)) {
            problems.push(format!(
                "pair {i} ({}): {:?}\n    clerk:  {}\n    cabrep: {:?}{warned}",
                p.council, p.note, p.resolution, got
            ));
        }
    }
    println!("{exact} of {} match word for word", corpus.pairs.len());
    for (cause, n) in &tally {
        println!("  {n:>2} differ for {cause}");
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
    assert!(
        exact >= MATCHING_FLOOR,
        "{exact} of {} match word for word, fewer than {MATCHING_FLOOR}",
        corpus.pairs.len()
    );
}
