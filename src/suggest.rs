//! "Did you mean …?" suggestions by edit distance.

/// The closest of `choices` to `typed`, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(typed: &str, choices: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let typed_lower = typed.to_lowercase();
    choices
        .into_iter()
        .map(|c| {
            let c_lower = c.to_lowercase();
            // Jaro-Winkler favours shared prefixes; Damerau-Levenshtein catches swapped letters
            // in short words ("kye" → "key").
            let score = strsim::jaro_winkler(&typed_lower, &c_lower)
                .max(strsim::normalized_damerau_levenshtein(&typed_lower, &c_lower) + 0.14);
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("titel", ["title", "summary"]), Some("title"));
        assert_eq!(did_you_mean("on-trak", ["on-track", "at-risk"]), Some("on-track"));
        assert_eq!(did_you_mean("kye", ["cabinet", "key", "council"]), Some("key"));
        assert_eq!(did_you_mean("xyz", ["title", "summary"]), None);
    }
}
