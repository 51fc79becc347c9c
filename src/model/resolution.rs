//! Recommendations reworded as a clerk words resolutions: "Agree the plan" → "The plan be
//! agreed", clause by clause ("Note X, and agree Y" → "X be noted, and Y be agreed"), on the
//! parsed inline text, so bold, italics, links and footnotes survive. The template's style says
//! how its recommendations are written (imperative "Agree …", "That the Cabinet agrees …", third
//! person "Agrees …") and how its resolutions read (passive "The plan be agreed", past "Agreed
//! the plan", or kept as written).
//!
//! Owns the wording rules only: the verb table, subject and style come from the template
//! (`[resolutions]`), and what cannot be reworded with confidence is kept as written and
//! reported for the caller to locate. Never reads files or prints anything.

use std::collections::BTreeMap;

pub use crate::template::resolutions::{RecommendationStyle, ResolutionForm};
use crate::tree::{plain_text, Inline};

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
}

impl Wording {
    /// The wording of a template's `[resolutions]` table: every key a verb, except `subject`,
    /// `style` and `record` (checked when the template loaded).
    pub fn from_table(table: &BTreeMap<String, String>, verbs: &[String]) -> Wording {
        let (style, form) = crate::template::resolutions::style_of(table).unwrap_or_default();
        let mut participles = table.clone();
        let subject = participles.remove("subject").map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
        for key in crate::template::resolutions::NOT_VERBS {
            participles.remove(key);
        }
        let participles = participles.into_iter().map(|(k, v)| (k.to_lowercase(), v)).collect();
        Wording { participles, subject, verbs: verbs.iter().map(|v| v.to_lowercase()).collect(), style, form }
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

/// Words that introduce what follows (a table or a list in the recommendation's note): the
/// resolution's verb goes before them ("Approve a tax base of 82,717.1, made up as follows:" →
/// "A tax base of 82,717.1 be approved, made up as follows:").
const INTRODUCING: [&str; 8] = [
    " made up as follows",
    " as follows",
    " as set out below",
    " set out below",
    " as outlined below",
    " outlined below",
    " as below",
    " below",
];

/// Rewords a recommendation (its parsed inline text) as a resolution.
pub fn reword(text: &[Inline], w: &Wording) -> Resolution {
    let mut text = merge(text.to_vec());
    trim_start(&mut text);
    trim_end(&mut text);
    if w.form != ResolutionForm::Kept {
        // The record speaks of the report the meeting had: "as set out in this report" → "as
        // set out in the report".
        the_report(&mut text);
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

/// The `n`th word of the leading text (letters only), or "".
fn first_word(text: &[Inline], n: usize) -> String {
    let Some(Inline::Text { text }) = text.first() else {
        return String::new();
    };
    text.split_whitespace().nth(n).map(|w| w.trim_matches(|c: char| !c.is_alphabetic()).to_owned()).unwrap_or_default()
}

/// Removes a leading word (`"That "`), in either case of its first letter.
fn strip_word(text: &mut [Inline], word: &str) -> bool {
    let lower = word.to_lowercase();
    strip_text_prefix(text, word).or_else(|| strip_text_prefix(text, &lower)).is_some()
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

/// "this report" (or "This report") → "the report", as whole words, in plain text: the record
/// speaks of the report the meeting considered, not of the page the reader holds.
fn the_report(text: &mut [Inline]) {
    for inline in text.iter_mut() {
        let Inline::Text { text: t } = inline else {
            continue;
        };
        let mut out = String::with_capacity(t.len());
        let mut rest = t.as_str();
        while let Some(at) = ["his report", "his Report"].iter().filter_map(|w| rest.find(w)).min() {
            let lead = rest[..at].chars().next_back().filter(|c| *c == 't' || *c == 'T');
            let start = if lead.is_some() { at - 1 } else { at };
            let before_ok = lead.is_some() && rest[..start].chars().next_back().is_none_or(|c| !c.is_alphanumeric());
            let after = &rest[at + "his report".len()..];
            let after_ok = after.chars().next().is_none_or(|c| !c.is_alphanumeric());
            out.push_str(&rest[..start]);
            if before_ok && after_ok {
                let the = if lead == Some('T') { "The" } else { "the" };
                out.push_str(the);
                out.push_str(&rest[at + 3..at + "his report".len()]);
            } else {
                out.push_str(&rest[start..at + "his report".len()]);
            }
            rest = after;
        }
        out.push_str(rest);
        *t = out;
    }
}

/// "The numbers as set out in the report, be approved" → "… the report be approved": a lone
/// comma between what is resolved and its "be" (a comma of a pair, "X, for consultation, be
/// agreed", is kept).
fn no_comma_before_be(mut text: Vec<Inline>) -> Vec<Inline> {
    let plain = plain_text(&text);
    let Some(at) = plain.find(", be ") else {
        return text;
    };
    if plain[..at].contains(',') {
        return text;
    }
    for inline in text.iter_mut() {
        match inline {
            Inline::Text { text: t } => {
                if let Some(at) = t.find(", be ") {
                    t.remove(at);
                    return text;
                }
                if t.contains(',') {
                    return text;
                }
            }
            // The comma is inside bold or a link: left as written.
            _ if plain_text(std::slice::from_ref(inline)).contains(',') => return text,
            _ => {}
        }
    }
    text
}

/// Rewords one clause in the past ("Agree X" or "Agrees X" → "Agreed X"): the verb replaced
/// by its participle, the rest as written. `Err(None)` keeps the clause (no verb of the
/// table), `Err(Some(warning))` keeps it with a warning.
fn past_clause(clause: Vec<Inline>, w: &Wording, first: bool) -> Result<Vec<Inline>, Option<(String, String)>> {
    let Some(Inline::Text { text }) = clause.first().cloned() else {
        return Err(None);
    };
    let word: String = text.chars().take_while(|c| c.is_alphabetic()).collect();
    let after = &text[word.len()..];
    if word.is_empty() || !(after.is_empty() || after.starts_with(' ')) {
        return Err(None);
    }
    let Some(verb) = w.verb_of(&word) else {
        return Err(None);
    };
    let Some(participle) = w.participles.get(&verb) else {
        return Err(Some((
            format!("`{word}` is not in the template's `[resolutions]` table; the resolution will read as the recommendation does"),
            format!("add `{verb} = \"…\"` (its past participle) to `[resolutions]` in template.toml, or word the resolution in the outcome file's `text:`"),
        )));
    };
    if after.trim().is_empty() && clause.len() == 1 {
        return Err(Some((
            format!("`{word}` has nothing after it to resolve"),
            "say what is to be done: `Agree the plan …`".into(),
        )));
    }
    let mut participle = participle.clone();
    let (after, second) = shared_object(after, w);
    if let Some(v) = second {
        let Some(p2) = w.participles.get(&v) else {
            return Err(None);
        };
        participle = format!("{participle} and {p2}");
        let rest = after.clone();
        return past_finish(clause, participle, &format!(" {}", rest.trim_start()), first);
    }
    past_finish(clause, participle, &after, first)
}

/// The past clause: the participle, capitalised first, then the object as written.
fn past_finish(
    mut clause: Vec<Inline>,
    mut participle: String,
    after: &str,
    first: bool,
) -> Result<Vec<Inline>, Option<(String, String)>> {
    if first {
        capitalise_str(&mut participle);
    }
    clause[0] = Inline::text(format!("{participle}{after}"));
    Ok(merge(clause))
}

/// Upper-cases a string's first letter.
fn capitalise_str(s: &mut String) {
    if let Some(c) = s.chars().next() {
        let up: String = c.to_uppercase().collect();
        s.replace_range(..c.len_utf8(), &up);
    }
}

/// Rewords one imperative clause. `Err(Some(warning))` keeps the clause as written, with a
/// warning; `Err(None)` keeps it silently (not an imperative: perhaps already a resolution).
fn reword_clause(mut clause: Vec<Inline>, w: &Wording, first: bool) -> Result<Vec<Inline>, Option<(String, String)>> {
    let Some(Inline::Text { text }) = clause.first().cloned() else {
        return Err(None);
    };
    let word: String = text.chars().take_while(|c| c.is_alphabetic()).collect();
    let after = &text[word.len()..];
    if word.is_empty() || !(after.is_empty() || after.starts_with(' ') || after.starts_with(", ")) {
        return Err(None);
    }
    let Some(verb) = w.verb_of(&word) else {
        return Err(None);
    };
    // "Note and agree X" → "X be noted and agreed": two verbs sharing their object.
    let (after, second) = shared_object(after, w);
    // "Agree, for the purpose of consultation, X" → "For the purpose of consultation, X …".
    let after = after.strip_prefix(',').unwrap_or(&after).trim_start().to_owned();
    if unclear_object(&after, &clause) {
        return Err(None);
    }
    clause[0] = Inline::text(after.clone());
    if after.is_empty() && clause.len() == 1 {
        return Err(Some((
            format!("`{word}` has nothing after it to resolve"),
            "say what is to be done: `Agree the plan …`".into(),
        )));
    }
    let Some(participle) = w.participles.get(&verb) else {
        if second.is_some() || w.style != RecommendationStyle::Imperative {
            return Err(None);
        }
        return match &w.subject {
            Some(subject) => {
                let subject = if first { subject.clone() } else { lower_the(subject) };
                clause.insert(0, Inline::text(format!("{subject} {verb} ")));
                Ok(merge(clause))
            }
            None => Err(Some((
                format!("`{word}` is not in the template's `[resolutions]` table; the resolution will read as the recommendation does"),
                format!("add `{verb} = \"…\"` (its participle) or a `subject` (\"The Council\") to `[resolutions]` in template.toml, or word the resolution in the outcome file's `text:`"),
            ))),
        };
    };
    // "Agree that X" → "X".
    if strip_text_prefix(&mut clause, "that ").is_some() {
        if first {
            capitalise(&mut clause);
        } else {
            clause.insert(0, Inline::text("that "));
        }
        return Ok(merge(clause));
    }
    // "agree to receive X" → "X be received".
    if let Some(Inline::Text { text }) = clause.first() {
        if let Some(inner) = text.strip_prefix("to ") {
            let next: String = inner.chars().take_while(|c| c.is_alphabetic()).collect();
            if w.verb_of(&next).is_some() {
                let mut inner_clause = clause.clone();
                inner_clause[0] = Inline::text(inner.to_owned());
                return reword_clause(inner_clause, w, first);
            }
        }
    }
    let participle = match second.as_deref().map(|v| w.participles.get(v)) {
        None => participle.clone(),
        Some(Some(p2)) => format!("{participle} and {p2}"),
        Some(None) => return Err(None),
    };
    let mut tail = String::new();
    for adverb in ADVERBIALS {
        if strip_text_prefix(&mut clause, &format!("{adverb} ")).is_some() {
            tail = format!(" {adverb}");
            if unclear_object(&plain_text(&clause), &[]) {
                return Err(None);
            }
        }
    }
    // "Authorise the Chairman to sign …" → "The Chairman be authorised to sign …": a post told
    // (or appointed) to act, the verb before its "to".
    if POST_VERBS.contains(&verb.as_str()) {
        if let Some(Inline::Text { text }) = clause.first() {
            if let Some((post, rest)) = text.split_once(" to ").filter(|(p, r)| is_post(p) && !r.trim().is_empty()) {
                let mut post = post.to_owned();
                if first {
                    capitalise_str(&mut post);
                }
                clause[0] = Inline::text(format!("{post} be {participle}{tail} to {rest}"));
                return Ok(merge(clause));
            }
        }
    }
    // "Delegate authority to the Director to …" → "Authority be delegated to the Director to …".
    if strip_text_prefix(&mut clause, "authority ").is_some() {
        let lead = if first { "Authority" } else { "authority" };
        clause.insert(0, Inline::text(format!("{lead} be {participle}{tail} ")));
        return Ok(merge(clause));
    }
    if plain_text(&clause).trim().is_empty() {
        return Err(Some((
            format!("`{word}` has nothing after it to resolve"),
            "say what is to be done: `Agree the plan …`".into(),
        )));
    }
    if first {
        capitalise(&mut clause);
    }
    // "the programme, which will be confirmed later" → "the programme be noted, which …".
    let be = format!(" be {participle}{tail}");
    for i in clause.iter_mut() {
        if let Inline::Text { text } = i {
            if let Some(at) = [", which ", ", who "].iter().filter_map(|m| text.find(m)).min() {
                text.insert_str(at, &be);
                return Ok(merge(clause));
            }
        }
    }
    // "the minutes … as a correct record" → "the minutes … be approved as a correct record".
    if let Some(Inline::Text { text }) = clause.last_mut() {
        if let Some(adverb) = ADVERBIALS.iter().find(|a| text.ends_with(&format!(" {a}"))) {
            let at = text.len() - adverb.len() - 1;
            text.insert_str(at, &be);
            return Ok(merge(clause));
        }
    }
    clause.push(Inline::text(be));
    Ok(merge(clause))
}

/// Words that say how a thing is resolved, which go after "be agreed": "Agree in principle X"
/// → "X be agreed in principle"; "Approve as a correct record X" → "X be approved as a
/// correct record".
const ADVERBIALS: [&str; 6] = [
    "in principle",
    "in full",
    "as a correct record",
    "as a true record",
    "as an accurate record",
    "as a true and correct record",
];

/// Verbs whose object may be a post told (or appointed) to act: "Authorise the Chairman to
/// sign", "Appoint Councillor Smith to the Board".
const POST_VERBS: [&str; 8] = ["authorise", "authorize", "request", "instruct", "ask", "invite", "appoint", "nominate"];

/// Whether words name a post or a person: "the Chairman", "the Director of Finance",
/// "Councillor Smith" (each word capitalised, or "of", "for", "and", "&"; no comma).
fn is_post(words: &str) -> bool {
    let words = words.strip_prefix("the ").or_else(|| words.strip_prefix("The ")).unwrap_or(words);
    let words: Vec<&str> = words.split(' ').collect();
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(char::is_alphabetic);
    words.len() <= 8
        && words.first().is_some_and(|w| capital(w))
        && words.iter().all(|w| capital(w) || ["of", "for", "and", "&"].contains(w))
}

/// "and agree X" right after a verb: the second verb (base form) and "X"; else the words as they
/// are and no second verb.
fn shared_object(after: &str, w: &Wording) -> (String, Option<String>) {
    if let Some(rest) = after.trim_start().strip_prefix("and ") {
        let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
        if let Some(v) = w.verb_of(&word).filter(|_| rest[word.len()..].starts_with(' ')) {
            return (rest[word.len()..].to_owned(), Some(v));
        }
    }
    (after.to_owned(), None)
}

/// Whether a verb's object cannot be told with confidence: it starts with "and", "or" or a
/// comma after the comma already taken ("To receive and, if so determined, to approve …"), or
/// it joins another "to …" the rules do not know ("… and to answer questions").
fn unclear_object(after: &str, clause: &[Inline]) -> bool {
    let starts = ["and ", "and,", "or ", "or,", ","].iter().any(|p| after.starts_with(p));
    starts || plain_text(clause).contains(" and to ")
}

/// "The Council" → "the Council" inside a sentence; any other subject is kept as written.
fn lower_the(subject: &str) -> String {
    match subject.strip_prefix("The ") {
        Some(rest) => format!("the {rest}"),
        None => subject.to_owned(),
    }
}

/// Removes `prefix` from the clause's leading text, if it starts with it.
fn strip_text_prefix(clause: &mut [Inline], prefix: &str) -> Option<()> {
    let Some(Inline::Text { text }) = clause.first_mut() else {
        return None;
    };
    let rest = text.strip_prefix(prefix)?.to_owned();
    *text = rest;
    Some(())
}

/// Splits off the first sentence: at ". " followed by a capital letter, in plain text (never
/// inside bold, italics or a link). Returns (first sentence with its full stop, the rest).
fn split_sentence(text: Vec<Inline>) -> (Vec<Inline>, Vec<Inline>) {
    for (i, inline) in text.iter().enumerate() {
        let Inline::Text { text: t } = inline else {
            continue;
        };
        let mut from = 0;
        while let Some(found) = t[from..].find(". ") {
            let at = from + found;
            let next = t[at + 2..].chars().next();
            if next.is_some_and(char::is_uppercase) {
                let mut first = text[..i].to_vec();
                first.push(Inline::text(&t[..=at]));
                let mut rest = vec![Inline::text(&t[at + 2..])];
                rest.extend(text[i + 1..].iter().cloned());
                return (merge(first), merge(rest));
            }
            from = at + 2;
        }
    }
    (text, Vec::new())
}

/// Takes the words that introduce what follows ("made up as follows") off the end of a clause,
/// when it ends with them in plain text: any of them before a colon, and "as follows" before
/// any other ending ("… made up as follows;").
fn split_introducing(mut clause: Vec<Inline>, colon: bool) -> (Vec<Inline>, Option<String>) {
    if let Some(Inline::Text { text }) = clause.last_mut() {
        let trimmed = text.trim_end().trim_end_matches(',');
        let introduces = |w: &&&str| trimmed.ends_with(**w) && (colon || w.ends_with("as follows"));
        if let Some(words) = INTRODUCING.iter().find(introduces) {
            let kept = trimmed[..trimmed.len() - words.len()].trim_end().trim_end_matches(',').trim_end().len();
            text.truncate(kept);
            return (merge(clause), Some((*words).to_owned()));
        }
    }
    (clause, None)
}

/// Splits a sentence into coordinated imperative clauses: "X, and agree Y" and "X and note Y",
/// where the word after "and" is a verb of the table, in lower case; and "X, and that Y" or
/// "X and that Y", whose second clause is already in a resolution's words and is kept as written
/// (after a comma without its "that", as a clerk writes it). Each clause comes with the words that join it to the one before ("" for the first)
/// and whether it is kept as written.
fn split_clauses(text: Vec<Inline>, w: &Wording) -> Vec<(String, Vec<Inline>, bool)> {
    let mut clauses = vec![(String::new(), Vec::new(), false)];
    for inline in text {
        let Inline::Text { text: t } = &inline else {
            if let Some(c) = clauses.last_mut() {
                c.1.push(inline);
            }
            continue;
        };
        let mut start = 0;
        let mut from = 0;
        while let Some(found) = t[from..].find(" and ") {
            let at = from + found;
            let after = &t[at + 5..];
            let before_empty = clauses.last().is_some_and(|c| c.1.is_empty()) && t[start..at].trim().is_empty();
            if let (Some(that_rest), false) = (after.strip_prefix("that "), before_empty) {
                // ", and that Y" reads ", and Y" after a resolution; " and that Y" is kept as a
                // clerk keeps it.
                let (cut, joint) = if t[..at].ends_with(',') { (at - 1, ", and ") } else { (at, " and that ") };
                if let Some(c) = clauses.last_mut() {
                    c.1.push(Inline::text(&t[start..cut]));
                }
                clauses.push((joint.to_owned(), Vec::new(), true));
                start = t.len() - that_rest.len();
                from = start;
                continue;
            }
            // "X and to receive Y": the second clause without its "to".
            let to = after.strip_prefix("to ").filter(|rest| {
                let word: String = rest.chars().take_while(|c| c.is_alphabetic()).collect();
                w.verb_of(&word).is_some_and(|v| w.participles.contains_key(&v))
            });
            let after = to.unwrap_or(after);
            let skip = if to.is_some() { 8 } else { 5 };
            let word: String = after.chars().take_while(|c| c.is_alphabetic()).collect();
            let has_object = after[word.len()..].starts_with(' ');
            // "Note and agree X": one verb before "and" shares its object; no split.
            let only_a_verb = {
                let before =
                    format!("{}{}", clauses.last().map(|c| plain_text(&c.1)).unwrap_or_default(), &t[start..at]);
                let before = before.trim();
                !before.contains(' ') && w.verb_of(before).is_some()
            };
            if has_object
                && !before_empty
                && !only_a_verb
                && word.chars().next().is_some_and(char::is_lowercase)
                && w.verb_of(&word).is_some()
            {
                let (cut, joint) = if t[..at].ends_with(',') { (at - 1, ", and ") } else { (at, " and ") };
                if let Some(c) = clauses.last_mut() {
                    c.1.push(Inline::text(&t[start..cut]));
                }
                clauses.push((joint.to_owned(), Vec::new(), false));
                start = at + skip;
            }
            from = at + 5;
        }
        if let Some(c) = clauses.last_mut() {
            c.1.push(Inline::text(&t[start..]));
        }
    }
    clauses.into_iter().map(|(j, c, kept)| (j, merge(c), kept)).collect()
}

/// Merges adjacent text runs and drops empty ones.
fn merge(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for i in inlines {
        match (out.last_mut(), i) {
            (_, Inline::Text { text }) if text.is_empty() => {}
            (Some(Inline::Text { text }), Inline::Text { text: more }) => text.push_str(&more),
            (_, i) => out.push(i),
        }
    }
    out
}

fn trim_start(inlines: &mut [Inline]) {
    if let Some(Inline::Text { text }) = inlines.first_mut() {
        *text = text.trim_start().to_owned();
    }
}

fn trim_end(inlines: &mut [Inline]) {
    if let Some(Inline::Text { text }) = inlines.last_mut() {
        *text = text.trim_end().to_owned();
    }
}

/// Upper-cases the first letter, wherever it is (inside bold or a link too).
fn capitalise(inlines: &mut [Inline]) -> bool {
    for i in inlines {
        match i {
            Inline::Text { text } => {
                let lead = text.len() - text.trim_start().len();
                if let Some(c) = text[lead..].chars().next() {
                    let up: String = c.to_uppercase().collect();
                    text.replace_range(lead..lead + c.len_utf8(), &up);
                    return true;
                }
            }
            Inline::Strong { content }
            | Inline::Emph { content }
            | Inline::Strike { content }
            | Inline::Link { content, .. } => {
                if capitalise(content) {
                    return true;
                }
            }
            Inline::LineBreak | Inline::PageRange { .. } | Inline::Footnote { .. } => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
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
        ]
        .into_iter()
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .collect();
        let verbs: Vec<String> =
            ["Agree", "Note", "Establish", "Instruct", "Delegate", "Approve", "Receive", "Request"]
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
        assert_eq!(
            plain("Note the updates on individual Missions", &w).0,
            "The updates on individual Missions be noted."
        );
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
        assert_eq!(
            plain("Approve a tax base made up as follows;", &w).0,
            "A tax base be approved, made up as follows;"
        );
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
        assert_eq!(
            (plain_text(&r.text).as_str(), r.kept || !r.warnings.is_empty()),
            ("Establishes a Place Board.", true)
        );
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
        assert_eq!(
            plain("Approve the fees set out in this report.", &w).0,
            "The fees set out in the report be approved."
        );
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
        assert_eq!(
            plain("Approve the fees set out in this report.", &kept).0,
            "Approve the fees set out in this report."
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
        assert_eq!(
            plain("The draft, for consultation, be approved.", &w).0,
            "The draft, for consultation, be approved."
        );
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
        assert_eq!(
            plain("Appoint Councillor Smith to the Board;", &w).0,
            "Councillor Smith be appointed to the Board;"
        );
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
}

/// The corpus of real recommendations and the resolutions clerks recorded
/// (`tests/resolutions/corpus.yaml`), each reworded in its council's style.
#[cfg(test)]
mod corpus {
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
        let text = include_str!("../../tests/resolutions/corpus.yaml");
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
            assert!(
                p.source.starts_with("http") && p.record.as_deref().is_none_or(|r| r.starts_with("http")),
                "pair {i}"
            );
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
}
