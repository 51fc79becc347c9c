//! The characters a template's fonts can print, for validation to check authors' text against.

use super::Template;

/// The characters a template's fonts can print: every code point that some face of some font
/// file maps to a glyph (its `cmap`). Validation checks authors' text against it, so a character
/// no font has is a located error in the input, not a failure of the typesetter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CharCoverage {
    /// Sorted, disjoint, inclusive ranges of code points.
    ranges: Vec<(u32, u32)>,
}

impl CharCoverage {
    /// What `fonts` (font files or collections) cover.
    pub fn of_fonts<'a>(fonts: impl IntoIterator<Item = &'a [u8]>) -> CharCoverage {
        let mut points = Vec::new();
        for data in fonts {
            let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
            for index in 0..count {
                let Ok(face) = ttf_parser::Face::parse(data, index) else { continue };
                let Some(cmap) = face.tables().cmap else { continue };
                for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                    sub.codepoints(|cp| {
                        if sub.glyph_index(cp).is_some_and(|g| g.0 != 0) {
                            points.push(cp);
                        }
                    });
                }
            }
        }
        points.sort_unstable();
        points.dedup();
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for cp in points {
            match ranges.last_mut() {
                Some((_, end)) if *end + 1 == cp => *end = cp,
                _ => ranges.push((cp, cp)),
            }
        }
        CharCoverage { ranges }
    }

    /// Whether a font has a glyph for `c`.
    pub fn contains(&self, c: char) -> bool {
        let cp = u32::from(c);
        let i = self.ranges.partition_point(|&(_, end)| end < cp);
        self.ranges.get(i).is_some_and(|&(start, _)| start <= cp)
    }
}

impl Template {
    /// The characters the template's fonts cover (read from the fonts on each call: the engine's
    /// rules keep one for the process).
    pub fn char_coverage(&self) -> CharCoverage {
        CharCoverage::of_fonts(self.fonts.iter().map(Vec::as_slice))
    }
}
