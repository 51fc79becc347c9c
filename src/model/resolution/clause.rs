//! The clause rules of rewording: a sentence split into its first sentence and the rest, into
//! coordinated clauses ("Note X, and agree Y") and the words that introduce what follows it
//! ("made up as follows:"); each clause's verb put into the passive ("X be agreed") or the past
//! ("Agreed X"). Owns no style and no ending of the whole resolution: the caller strips the
//! style's opening words and puts the ending back.

use super::text::{capitalise, capitalise_str, merge, strip_text_prefix};
use super::{RecommendationStyle, Wording};
use crate::tree::{plain_text, Inline};

/// Rewords one clause in the past ("Agree X" or "Agrees X" → "Agreed X"): the verb replaced
/// by its participle, the rest as written. `Err(None)` keeps the clause (no verb of the
/// table), `Err(Some(warning))` keeps it with a warning.
pub(super) fn past_clause(
    clause: Vec<Inline>,
    w: &Wording,
    first: bool,
) -> Result<Vec<Inline>, Option<(String, String)>> {
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
pub(super) fn past_finish(
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

/// Rewords one imperative clause. `Err(Some(warning))` keeps the clause as written, with a
/// warning; `Err(None)` keeps it silently (not an imperative: perhaps already a resolution).
pub(super) fn reword_clause(
    mut clause: Vec<Inline>,
    w: &Wording,
    first: bool,
) -> Result<Vec<Inline>, Option<(String, String)>> {
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
pub(super) const ADVERBIALS: [&str; 6] = [
    "in principle",
    "in full",
    "as a correct record",
    "as a true record",
    "as an accurate record",
    "as a true and correct record",
];

/// Verbs whose object may be a post told (or appointed) to act: "Authorise the Chairman to
/// sign", "Appoint Councillor Smith to the Board".
pub(super) const POST_VERBS: [&str; 8] =
    ["authorise", "authorize", "request", "instruct", "ask", "invite", "appoint", "nominate"];

/// Whether words name a post or a person: "the Chairman", "the Director of Finance",
/// "Councillor Smith" (each word capitalised, or "of", "for", "and", "&"; no comma).
pub(super) fn is_post(words: &str) -> bool {
    let words = words.strip_prefix("the ").or_else(|| words.strip_prefix("The ")).unwrap_or(words);
    let words: Vec<&str> = words.split(' ').collect();
    let capital = |w: &str| w.chars().next().is_some_and(char::is_uppercase) && w.chars().all(char::is_alphabetic);
    words.len() <= 8
        && words.first().is_some_and(|w| capital(w))
        && words.iter().all(|w| capital(w) || ["of", "for", "and", "&"].contains(w))
}

/// "and agree X" right after a verb: the second verb (base form) and "X"; else the words as they
/// are and no second verb.
pub(super) fn shared_object(after: &str, w: &Wording) -> (String, Option<String>) {
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
pub(super) fn unclear_object(after: &str, clause: &[Inline]) -> bool {
    let starts = ["and ", "and,", "or ", "or,", ","].iter().any(|p| after.starts_with(p));
    starts || plain_text(clause).contains(" and to ")
}

/// "The Council" → "the Council" inside a sentence; any other subject is kept as written.
pub(super) fn lower_the(subject: &str) -> String {
    match subject.strip_prefix("The ") {
        Some(rest) => format!("the {rest}"),
        None => subject.to_owned(),
    }
}

/// Splits off the first sentence: at ". " followed by a capital letter, in plain text (never
/// inside bold, italics or a link). Returns (first sentence with its full stop, the rest).
pub(super) fn split_sentence(text: Vec<Inline>) -> (Vec<Inline>, Vec<Inline>) {
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

/// Words that introduce what follows (a table or a list in the recommendation's note): the
/// resolution's verb goes before them ("Approve a tax base of 82,717.1, made up as follows:" →
/// "A tax base of 82,717.1 be approved, made up as follows:").
pub(super) const INTRODUCING: [&str; 8] = [
    " made up as follows",
    " as follows",
    " as set out below",
    " set out below",
    " as outlined below",
    " outlined below",
    " as below",
    " below",
];

/// Takes the words that introduce what follows ("made up as follows") off the end of a clause,
/// when it ends with them in plain text: any of them before a colon, and "as follows" before
/// any other ending ("… made up as follows;").
pub(super) fn split_introducing(mut clause: Vec<Inline>, colon: bool) -> (Vec<Inline>, Option<String>) {
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
pub(super) fn split_clauses(text: Vec<Inline>, w: &Wording) -> Vec<(String, Vec<Inline>, bool)> {
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
