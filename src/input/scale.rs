//! The 1 to 5 scales a risk is scored on (likelihood and impact): their range and what their
//! ends mean, stated once for the input's messages, validation's checks and the risk matrix's
//! description. A risk's score is likelihood × impact, so scores run from `MIN²` to `MAX²`.

/// One of the two scales of a risk register, from 1 to 5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    /// The field it is typed in (`likelihood`).
    pub name: &'static str,
    /// What the lowest value means (`rare`).
    pub low: &'static str,
    /// What the highest value means (`almost certain`).
    pub high: &'static str,
}

impl Scale {
    /// The lowest value on every scale.
    pub const MIN: u8 = 1;
    /// The highest value on every scale; the risk matrix has this many rows and columns.
    pub const MAX: u8 = 5;
    /// How likely a risk is.
    pub const LIKELIHOOD: Scale = Scale { name: "likelihood", low: "rare", high: "almost certain" };
    /// How bad it would be.
    pub const IMPACT: Scale = Scale { name: "impact", low: "negligible", high: "severe" };
    /// Both scales, likelihood first.
    pub const ALL: [Scale; 2] = [Scale::LIKELIHOOD, Scale::IMPACT];

    /// The scale typed in the field `name`, if it is one.
    pub fn of_field(name: &str) -> Option<Scale> {
        Scale::ALL.into_iter().find(|s| s.name == name)
    }

    /// The range in words: "1 to 5".
    pub fn range() -> String {
        format!("{} to {}", Scale::MIN, Scale::MAX)
    }

    /// Whether `v` is on the scale.
    pub fn contains(v: u8) -> bool {
        (Scale::MIN..=Scale::MAX).contains(&v)
    }

    /// `v` brought onto the scale (for a score computed despite a reported error).
    pub fn clamp(v: u8) -> u8 {
        v.clamp(Scale::MIN, Scale::MAX)
    }

    /// The ends with their meaning: "1 (rare) to 5 (almost certain)".
    pub fn ends(self) -> String {
        format!("{} ({}) to {} ({})", Scale::MIN, self.low, Scale::MAX, self.high)
    }

    /// The hint under a value off the scale: "likelihood runs from 1 (rare) to 5 (almost certain)".
    pub fn hint(self) -> String {
        format!("{} runs from {}", self.name, self.ends())
    }
}

#[cfg(test)]
mod tests {
    use super::Scale;

    #[test]
    fn the_scales_run_from_1_to_5_with_their_meaning() {
        assert_eq!(Scale::range(), "1 to 5");
        assert_eq!(Scale::LIKELIHOOD.hint(), "likelihood runs from 1 (rare) to 5 (almost certain)");
        assert_eq!(Scale::IMPACT.hint(), "impact runs from 1 (negligible) to 5 (severe)");
        assert_eq!(Scale::of_field("impact"), Some(Scale::IMPACT));
        assert_eq!(Scale::of_field("paragraphs"), None);
        assert!(Scale::contains(1) && Scale::contains(5) && !Scale::contains(0) && !Scale::contains(6));
        assert_eq!(Scale::clamp(0), 1);
        assert_eq!(Scale::clamp(9), 5);
    }
}
