//! How a template's recommendations are written and its resolutions worded: the `style` and
//! `record` keys of `[resolutions]` (every other key of that table is a verb and its
//! participle). Owns the names of the styles and their checking when the template loads; never
//! rewords anything (that is the model's `resolution` room).

use std::collections::BTreeMap;

/// How the template's recommendations are written (`[resolutions] style`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RecommendationStyle {
    /// "Agree the plan" (also "To agree the plan"): `imperative`, the default.
    #[default]
    Imperative,
    /// "That the Cabinet agrees the plan", "That the plan be approved": `that`.
    That,
    /// "Agrees the plan", after a lead "It is recommended that the Executive:": `third-person`.
    ThirdPerson,
}

/// How the decision record words a resolution (`[resolutions] record`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ResolutionForm {
    /// "The plan be agreed": `passive`, the default for imperative and "That …" styles.
    #[default]
    Passive,
    /// "Agreed the plan", after a lead "RESOLVED that the Cabinet:": `past`, the default for the
    /// third person.
    Past,
    /// The recommendation's words as written ("Agrees the plan"): `kept`.
    Kept,
}

impl RecommendationStyle {
    /// The style's name as a template writes it.
    pub fn name(self) -> &'static str {
        match self {
            RecommendationStyle::Imperative => "imperative",
            RecommendationStyle::That => "that",
            RecommendationStyle::ThirdPerson => "third-person",
        }
    }

    /// How a recommendation in this style starts, for messages.
    pub fn example(self) -> &'static str {
        match self {
            RecommendationStyle::Imperative => "“Agree …”, “Note …”",
            RecommendationStyle::That => "“That the Cabinet agrees …”, “That the plan be approved”",
            RecommendationStyle::ThirdPerson => "“Agrees …”, “Notes …”",
        }
    }
}

const STYLES: [RecommendationStyle; 3] =
    [RecommendationStyle::Imperative, RecommendationStyle::That, RecommendationStyle::ThirdPerson];
const FORMS: [(&str, ResolutionForm); 3] =
    [("passive", ResolutionForm::Passive), ("past", ResolutionForm::Past), ("kept", ResolutionForm::Kept)];

/// The style and the resolution form a `[resolutions]` table names (the defaults where it names
/// none), or what is wrong with them.
pub fn style_of(table: &BTreeMap<String, String>) -> Result<(RecommendationStyle, ResolutionForm), String> {
    let style = match table.get("style").map(|s| s.trim()) {
        None => RecommendationStyle::default(),
        Some(s) => *STYLES.iter().find(|x| x.name() == s).ok_or_else(|| {
            format!("[resolutions] style: `{s}` is not a style; use \"imperative\", \"that\" or \"third-person\"")
        })?,
    };
    let form = match table.get("record").map(|s| s.trim()) {
        None if style == RecommendationStyle::ThirdPerson => ResolutionForm::Past,
        None => ResolutionForm::default(),
        Some(s) => FORMS.iter().find(|(n, _)| *n == s).map(|(_, f)| *f).ok_or_else(|| {
            format!("[resolutions] record: `{s}` is not a form of resolution; use \"passive\", \"past\" or \"kept\"")
        })?,
    };
    Ok((style, form))
}

/// The keys of `[resolutions]` that are not verbs.
pub const NOT_VERBS: [&str; 4] = ["subject", "style", "record", "this_report"];

#[cfg(test)]
mod tests {
    use super::*;

    fn table(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn styles_default_and_are_named() {
        assert_eq!(style_of(&table(&[])), Ok((RecommendationStyle::Imperative, ResolutionForm::Passive)));
        assert_eq!(
            style_of(&table(&[("style", "third-person")])),
            Ok((RecommendationStyle::ThirdPerson, ResolutionForm::Past))
        );
        assert_eq!(
            style_of(&table(&[("style", "third-person"), ("record", "kept")])),
            Ok((RecommendationStyle::ThirdPerson, ResolutionForm::Kept))
        );
        assert_eq!(style_of(&table(&[("style", "that")])), Ok((RecommendationStyle::That, ResolutionForm::Passive)));
        assert!(style_of(&table(&[("style", "passive")])).unwrap_err().contains("`passive` is not a style"));
        assert!(style_of(&table(&[("record", "future")])).unwrap_err().contains("`future` is not a form"));
    }
}
