//! Recommendations reworded as a clerk words resolutions: "Agree the plan" → "The plan be
//! agreed", clause by clause ("Note X, and agree Y" → "X be noted, and Y be agreed"), on the
//! parsed inline text, so bold, italics, links and footnotes survive. The template's style says
//! how its recommendations are written (imperative "Agree …", "That the Cabinet agrees …", third
//! person "Agrees …") and how its resolutions read (passive "The plan be agreed", past "Agreed
//! the plan", or kept as written).
//!
//! Owns the wording rules only: the verb table, subject and style come from the template
//! (`[resolutions]`), and what cannot be reworded with confidence is kept as written and
//! reported for the caller to locate. Never reads files or prints anything. The clause rules
//! (passive, past, coordinated clauses, what introduces a table) are in `clause`, the
//! inline-text helpers in `text`; the corpus of real pairs is tested in `corpus`.

use std::collections::BTreeMap;

pub use crate::template::resolutions::{RecommendationStyle, ResolutionForm};
use crate::tree::{plain_text, Inline};
use clause::{past_clause, reword_clause, split_clauses, split_introducing, split_sentence};
use text::{capitalise, first_word, merge, no_comma_before_be, strip_word, the_report, trim_end, trim_start};

mod clause;
mod text;

/// What rewording needs from the template.
#[derive(Debug, Clone, Default)]
pub struct Wording {
    /// Verb (lower case) → participle: `agree` → `agreed`.
    pub participles: BTreeMap<String, String>,
    /// Who acts when a verb has no participle in the table ("The Council"), if the template
    /// names one (`[resolutions] subject`).
    pub subject: Option<String>,
    /// Words a recommendation may start with (imperative verbs), lower case.
    pub verbs: Vec<String>,
    /// How the template's recommendations are written (`[resolutions] style`).
    pub style: RecommendationStyle,
    /// How its resolutions read (`[resolutions] record`).
    pub form: ResolutionForm,
    /// What the record says for the recommendation's "this report" ("the report"), if the
    /// template rewrites it (`[resolutions] this_report`); kept as written otherwise.
    pub this_report: Option<String>,
}

impl Wording {
    /// The wording of a template's `[resolutions]` table: every key a verb, except `subject`,
    /// `style`, `record` and `this_report` (checked when the template loaded).
    pub fn from_table(table: &BTreeMap<String, String>, verbs: &[String]) -> Wording {
        let (style, form) = crate::template::resolutions::style_of(table).unwrap_or_default();
        let mut participles = table.clone();
        let subject = participles.remove("subject").map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        let this_report = participles.remove("this_report").map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        for key in crate::template::resolutions::NOT_VERBS {
            participles.remove(key);
        }
        let participles = participles.into_iter().map(|(k, v)| (k.to_lowercase(), v)).collect();
        Wording {
            participles,
            subject,
            verbs: verbs.iter().map(|v| v.to_lowercase()).collect(),
            style,
            form,
            this_report,
        }
    }

    /// The verb (lower case) a word is, in the forms this style writes: "Agree" (imperative,
    /// and "That Cabinet approve …"), "agrees" (third person and "That …"). `None` when the
    /// word is no verb of the table or the verbs.
    pub fn verb_of(&self, word: &str) -> Option<String> {
        let word = word.to_lowercase();
        let known = |v: &str| self.participles.contains_key(v) || self.verbs.iter().any(|x| x == v);
        let mut candidates = Vec::new();
        if self.style != RecommendationStyle::ThirdPerson {
            candidates.push(word.clone());
        }
        if self.style != RecommendationStyle::Imperative {
            if let Some(b) = word.strip_suffix('s') {
                candidates.push(b.to_owned());
            }
            if let Some(b) = word.strip_suffix("es") {
                candidates.push(b.to_owned());
            }
            if let Some(b) = word.strip_suffix("ies") {
                candidates.push(format!("{b}y"));
            }
        }
        candidates.into_iter().find(|c| known(c))
    }

    /// Whether a recommendation's first words are as this style writes them: a verb
    /// ("Agree", "To agree"), "That …", or a verb in the third person ("Agrees").
    pub fn starts_in_style(&self, text: &str) -> bool {
        let mut words = text.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphabetic()));
        let first = words.next().unwrap_or("");
        match self.style {
            RecommendationStyle::That => first.eq_ignore_ascii_case("that"),
            RecommendationStyle::Imperative if first.eq_ignore_ascii_case("to") => {
                words.next().is_some_and(|w| self.verb_of(w).is_some())
            }
            _ => self.verb_of(first).is_some(),
        }
    }

    /// The warning for a recommendation that does not start as this style writes them
    /// (message, help), quoting how its resolution will read.
    pub fn style_warning(&self, first: &str, resolution: &Resolution) -> (String, String) {
        let style = self.style;
        let message = match style {
            RecommendationStyle::Imperative => format!("recommendation starts with `{first}`, not a verb"),
            _ => format!(
                "recommendation starts with `{first}`, not as this template's recommendations are written ({} style: {})",
                style.name(),
                style.example()
            ),
        };
        let mut help = match style {
            RecommendationStyle::Imperative => {
                "start with what the body is asked to do: Agree, Approve, Note, Delegate, …".to_owned()
            }
            _ => format!(
                "write it as the template's others are ({}), or word the resolution in the outcome file's `text:`",
                style.example()
            ),
        };
        if resolution.kept {
            help.push_str(&format!(
                "; as it stands it is kept as written, and the resolution will read: “{}”",
                plain_text(&resolution.text)
            ));
        }
        (message, help)
    }

    /// The warning for a recommendation in the template's style that the rules cannot reword
    /// (message, help), quoting how its resolution will read.
    pub fn kept_warning(&self, resolution: &Resolution) -> (String, String) {
        (
            format!(
                "the rules cannot reword this recommendation as a resolution, so it is kept as written; the resolution will read: “{}”",
                plain_text(&resolution.text)
            ),
            format!(
                "start with a verb of the template's `[resolutions]` table ({} style: {}), or word the resolution in the outcome file's `text:`",
                self.style.name(),
                self.style.example()
            ),
        )
    }
}

/// A recommendation as resolved, with what the author should look at.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    /// The resolution's wording.
    pub text: Vec<Inline>,
    /// Warnings (message, help) about the wording.
    pub warnings: Vec<(String, String)>,
    /// Set when the rules did not recognise the recommendation's opening and kept it as
    /// written (no warning given yet: the caller gives [`Wording::kept_warning`] or
    /// [`Wording::style_warning`]).
    pub kept: bool,
}

/// The punctuation that ends an item of a list of recommendations, kept at the end of its
/// resolution ("Approve X;" → "X be approved;"): longest first.
const LIST_ENDINGS: [&str; 6] = ["; and", "; or", ";", ", and", ", or", ","];

/// Rewords a recommendation (its parsed inline text) as a resolution.
pub fn reword(text: &[Inline], w: &Wording) -> Resolution {
    let mut text = merge(text.to_vec());
    trim_start(&mut text);
    trim_end(&mut text);
    if let Some(words) = w.this_report.as_deref().filter(|_| w.form != ResolutionForm::Kept) {
        // The record speaks of the report the meeting had: "as set out in this report" → "as
        // set out in the report".
        the_report(&mut text, words);
    }
    let original = text.clone();
    // The style's opening words: "That " before a "That …" recommendation, "To " before "To
    // note the report".
    match w.style {
        RecommendationStyle::That => {
            if strip_word(&mut text, "That ") {
                trim_start(&mut text);
            }
        }
        RecommendationStyle::Imperative => {
            let second = first_word(&text, 1);
            if first_word(&text, 0).eq_ignore_ascii_case("to") && w.verb_of(&second).is_some() {
                strip_word(&mut text, "To ");
            }
        }
        RecommendationStyle::ThirdPerson => {}
    }
    let as_written = |mut text: Vec<Inline>, kept: bool| {
        capitalise(&mut text);
        Resolution { text, warnings: Vec::new(), kept }
    };
    if w.form == ResolutionForm::Kept {
        return as_written(text, false);
    }
    if w.style == RecommendationStyle::That {
        // "the Cabinet agrees X" → "agrees X", reworded below; "the plan be approved" is
        // already a resolution's words.
        match strip_subject(&text, w) {
            // A verb the table has no participle for: who acts is the recommendation's own
            // subject, so it is kept as written.
            Some(rest) if w.verb_of(&first_word(&rest, 0)).is_none_or(|v| !w.participles.contains_key(&v)) => {
                return as_written(text, true)
            }
            Some(rest) => text = rest,
            None if w.form == ResolutionForm::Passive && is_resolved(&text) => {
                return as_written(no_comma_before_be(text), false)
            }
            None => return as_written(text, true),
        }
    }
    let mut warnings = Vec::new();
    let (first, rest) = split_sentence(text);
    let as_written_first = first.clone();
    let mut first = first;
    // How the recommendation ends: a full stop (or nothing), list punctuation, or a colon
    // before what follows it. The resolution ends the same way, never with two marks ("…;.").
    let mut ending = ".".to_owned();
    if let Some(Inline::Text { text: t }) = first.last_mut() {
        // A full stop after list punctuation ("…;.") is a slip: the list's mark is kept, once.
        let trimmed = t.trim_end().trim_end_matches('.').trim_end();
        if let Some(list) = LIST_ENDINGS.iter().find(|e| trimmed.ends_with(*e)) {
            ending = (*list).to_owned();
            let kept = trimmed.len() - list.len();
            t.truncate(kept);
        } else if trimmed.ends_with(':') {
            ending = ":".to_owned();
            let kept = trimmed.len() - 1;
            t.truncate(kept);
        } else {
            let kept = trimmed.len();
            t.truncate(kept);
        }
        let kept = t.trim_end().len();
        t.truncate(kept);
    }
    let clauses = split_clauses(first, w);
    let mut out = Vec::new();
    let mut kept = false;
    let last = clauses.len().saturating_sub(1);
    for (i, (joint, clause, as_resolved)) in clauses.into_iter().enumerate() {
        out.push(Inline::text(joint));
        if as_resolved {
            // "…, and that a further report be presented": already a resolution's words.
            out.extend(clause);
            continue;
        }
        if w.form == ResolutionForm::Past {
            match past_clause(clause.clone(), w, i == 0) {
                Ok(c) => out.extend(c),
                Err(why) => {
                    kept |= why.is_none();
                    warnings.extend(why);
                    out.extend(clause);
                }
            }
            continue;
        }
        // Before a colon, the verb goes before the words that introduce what follows.
        let (clause, introducing) = if i == last { split_introducing(clause, ending == ":") } else { (clause, None) };
        match reword_clause(clause.clone(), w, i == 0) {
            Ok(c) => {
                out.extend(c);
                if let Some(words) = introducing {
                    out.push(Inline::text(format!(",{words}")));
                }
            }
            Err(why) => {
                kept |= why.is_none();
                warnings.extend(why);
                out.extend(clause);
                out.extend(introducing.map(Inline::text));
            }
        }
    }
    out.push(Inline::text(ending));
    let mut out = merge(out);
    if kept {
        // The opening is not one the rules know: the whole sentence as written, never a part
        // reworded and a part not.
        out = if w.style == RecommendationStyle::Imperative { split_sentence(original).0 } else { as_written_first };
        capitalise(&mut out);
        // Already a resolution's words ("The plan be approved subject to …"): nothing to say.
        kept = !(w.form == ResolutionForm::Passive && is_resolved(&out));
        if !kept {
            out = no_comma_before_be(out);
        }
    }
    if !rest.is_empty() {
        out.push(Inline::text(" "));
        out.extend(rest);
        out = merge(out);
        warnings.push((
            format!("the recommendation has more than one sentence; only the first is reworded, and the resolution will read: “{}”", plain_text(&out)),
            "make the recommendation one sentence: put what follows in its `note:`, or in a recommendation of its own (or word the resolution in the outcome file's `text:`)".to_owned(),
        ));
    }
    Resolution { text: out, warnings, kept }
}

/// "the Cabinet agrees X" (after a "That") → "agrees X": the words before the first verb,
/// when they read as who acts ("the Cabinet", "Cabinet", "the Cabinet Member for Finance").
fn strip_subject(text: &[Inline], w: &Wording) -> Option<Vec<Inline>> {
    let Some(Inline::Text { text: t }) = text.first() else {
        return None;
    };
    let mut at = 0;
    for (subject_words, word) in t.split(' ').enumerate() {
        let bare = word.trim_matches(|c: char| !c.is_alphabetic());
        let starts_lower = bare.chars().next().is_some_and(char::is_lowercase);
        if subject_words > 0 && starts_lower && w.verb_of(bare).is_some() && !word.ends_with(',') {
            let mut rest = text.to_vec();
            rest[0] = Inline::text(&t[at..]);
            return Some(rest);
        }
        let subject_like = bare.chars().next().is_some_and(char::is_uppercase)
            || ["the", "of", "for", "and"].contains(&bare)
            || word == "&";
        if !subject_like || subject_words >= 10 {
            return None;
        }
        at += word.len() + 1;
        if at > t.len() {
            return None;
        }
    }
    None
}

/// Whether a "That …" recommendation is already in a resolution's words ("the plan be
/// approved", "authority be delegated to …").
fn is_resolved(text: &[Inline]) -> bool {
    let plain = plain_text(text);
    let Some((before, after)) = plain.split_once(" be ") else {
        return false;
    };
    let modal = ["will", "would", "to", "can", "may", "should", "must", "shall", "could"];
    if before.rsplit(' ').next().is_some_and(|w| modal.contains(&w.to_lowercase().as_str())) {
        return false;
    }
    Some(after).is_some_and(|after| {
        let next: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
        next.ends_with("ed") || next.ends_with("en") || next == "given" || next == "made"
    })
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod corpus;
