//! Table column widths, shared by the paged writers (PDF and DOCX) so that a table has the same
//! columns in both.
//!
//! The tree gives each column a relative width. No column may be narrower than its longest word,
//! though, or a header such as "Likelihood" runs into its neighbour (PDF) or is broken mid-word
//! (Word, LibreOffice). So the words are measured in the house font ([`WordMeasure`], from the
//! template's font files: advance widths, no kerning — a shade off what a typesetter sets, which
//! the cell padding absorbs) and [`layout`] gives columns that need more their minimum and shares
//! what is left in proportion.

use ttf_parser::{name_id, Face};

/// Measures words in the house font: its regular and bold faces, read from the template's font
/// files where they lie (nothing is copied).
pub struct WordMeasure<'a> {
    regular: Face<'a>,
    bold: Face<'a>,
}

impl<'a> WordMeasure<'a> {
    /// The upright regular and bold faces of `family` (case-insensitive) among `fonts`; `None`
    /// if the family has no upright face. A family without a bold face measures bold words
    /// with its regular one.
    pub fn new(fonts: impl IntoIterator<Item = &'a [u8]>, family: &str) -> Option<Self> {
        let mut regular = None;
        let mut bold = None;
        for data in fonts {
            let count = ttf_parser::fonts_in_collection(data).unwrap_or(1);
            for index in 0..count {
                let Ok(face) = Face::parse(data, index) else { continue };
                let named = face.names().into_iter().any(|n| {
                    (n.name_id == name_id::FAMILY || n.name_id == name_id::TYPOGRAPHIC_FAMILY)
                        && n.to_string().is_some_and(|s| s.eq_ignore_ascii_case(family.trim()))
                });
                if !named || face.is_italic() || face.is_oblique() {
                    continue;
                }
                let slot = if face.is_bold() { &mut bold } else { &mut regular };
                if slot.is_none() {
                    *slot = Some(face);
                }
            }
        }
        let regular = regular?;
        let bold = bold.unwrap_or_else(|| regular.clone());
        Some(WordMeasure { regular, bold })
    }

    /// The width of the widest whitespace-separated word of `text` at `size` points, in points.
    pub fn widest(&self, text: &str, bold: bool, size: f64) -> f64 {
        let face = if bold { &self.bold } else { &self.regular };
        let upem = f64::from(face.units_per_em());
        let notdef = face.glyph_hor_advance(ttf_parser::GlyphId(0)).unwrap_or(0);
        text.split_whitespace()
            .map(|word| {
                let units: u32 = word
                    .chars()
                    .map(|c| u32::from(face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).unwrap_or(notdef)))
                    .sum();
                f64::from(units) / upem * size
            })
            .fold(0.0, f64::max)
    }
}

/// What a table's columns need, in points: the widest header word (bold) and the widest body
/// word of each column, each with the cell's padding added.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnNeeds {
    /// The columns' relative widths, from the tree.
    pub shares: Vec<f64>,
    /// Per column: the widest header word plus padding.
    pub header: Vec<f64>,
    /// Per column: the widest body word plus padding.
    pub body: Vec<f64>,
}

/// Column widths in points (adding up to the width available) and, per column, whether its
/// body text must be hyphenated because the column is narrower than its longest word.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnLayout {
    /// Widths in points.
    pub widths: Vec<f64>,
    /// Columns too narrow for their longest body word.
    pub hyphenate: Vec<bool>,
}

/// Lays out the columns of a table `avail` points wide. Columns whose share is less than their
/// longest word get that word's width; the rest share what is left in proportion. If the words
/// cannot all fit, the widest columns give up their body words' demand first (their long text
/// wraps over many lines anyway), one at a time; if even the headers cannot fit, every column
/// keeps its share and the narrow ones are hyphenated.
pub fn layout(needs: &ColumnNeeds, avail: f64) -> ColumnLayout {
    let n = needs.shares.len();
    let get = |v: &[f64], x: usize| v.get(x).copied().filter(|w| w.is_finite()).unwrap_or(0.0).max(0.0);
    let raw: Vec<f64> = (0..n).map(|x| get(&needs.shares, x)).collect();
    let total: f64 = raw.iter().sum();
    let share: Vec<f64> =
        if total > 0.0 { raw.iter().map(|w| w / total).collect() } else { vec![1.0 / n.max(1) as f64; n] };
    let head: Vec<f64> = (0..n).map(|x| get(&needs.header, x)).collect();
    let body: Vec<f64> = (0..n).map(|x| get(&needs.body, x)).collect();

    let mut mins: Vec<f64> = (0..n).map(|x| head[x].max(body[x])).collect();
    let mut by_share: Vec<usize> = (0..n).collect();
    by_share.sort_by(|&a, &b| share[b].total_cmp(&share[a]));
    for &x in &by_share {
        if mins.iter().sum::<f64>() <= avail {
            break;
        }
        mins[x] = head[x];
    }
    if mins.iter().sum::<f64>() > avail {
        let widths: Vec<f64> = share.iter().map(|s| s * avail).collect();
        let hyphenate = (0..n).map(|x| widths[x] < body[x]).collect();
        return ColumnLayout { widths, hyphenate };
    }
    // Fix, at their minimum, the columns whose share of what is left is less than it, until
    // no more need fixing.
    let mut fixed = vec![false; n];
    let free_and_rest = |fixed: &[bool]| {
        let free = avail - (0..n).filter(|&x| fixed[x]).map(|x| mins[x]).sum::<f64>();
        let rest: f64 = (0..n).filter(|&x| !fixed[x]).map(|x| share[x]).sum();
        (free, rest)
    };
    loop {
        let (free, rest) = free_and_rest(&fixed);
        let grow: Vec<usize> =
            (0..n).filter(|&x| !fixed[x] && (rest <= 0.0 || share[x] / rest * free < mins[x])).collect();
        if grow.is_empty() {
            break;
        }
        grow.into_iter().for_each(|x| fixed[x] = true);
    }
    let (free, rest) = free_and_rest(&fixed);
    let widths: Vec<f64> =
        (0..n).map(|x| if fixed[x] || rest <= 0.0 { mins[x] } else { share[x] / rest * free }).collect();
    let hyphenate = (0..n).map(|x| widths[x] + 0.5 < body[x]).collect();
    ColumnLayout { widths, hyphenate }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::Template;

    #[test]
    fn words_are_measured_from_the_font() {
        let t = Template::builtin().expect("built-in template");
        let m = WordMeasure::new(t.fonts.iter().map(Vec::as_slice), "Liberation Sans").expect("the house font");
        // Liberation Sans has Arial's metrics: "M" is 0.833 em, "i" 0.222 em.
        assert!((m.widest("M", false, 11.0) - 0.833 * 11.0).abs() < 0.01);
        assert!((m.widest("ii", false, 11.0) - 2.0 * 0.222 * 11.0).abs() < 0.01);
        assert!(m.widest("Likelihood", true, 11.0) > m.widest("Likelihood", false, 11.0));
        assert_eq!(m.widest("a Likelihood b", false, 11.0), m.widest("Likelihood", false, 11.0));
        assert_eq!(m.widest(" ", false, 11.0), 0.0);
        assert!(WordMeasure::new(t.fonts.iter().map(Vec::as_slice), "No Such Font").is_none());
    }

    #[test]
    fn columns_get_their_longest_word_and_share_the_rest() {
        // Four columns sharing 100 pt equally, but the second needs 40.
        let needs = ColumnNeeds { shares: vec![1.0; 4], header: vec![10.0, 40.0, 10.0, 10.0], body: vec![5.0; 4] };
        let l = layout(&needs, 100.0);
        assert_eq!(l.widths[1], 40.0);
        for x in [0, 2, 3] {
            assert!((l.widths[x] - 20.0).abs() < 1e-9, "{:?}", l.widths);
        }
        assert!((l.widths.iter().sum::<f64>() - 100.0).abs() < 1e-9);
        assert_eq!(l.hyphenate, vec![false; 4]);
    }

    #[test]
    fn when_words_cannot_fit_the_widest_column_gives_way_and_hyphenates() {
        // Body words need 60 + 60 of 100 pt: the wider column keeps only its header's need.
        let needs = ColumnNeeds { shares: vec![2.0, 1.0], header: vec![10.0, 10.0], body: vec![60.0, 60.0] };
        let l = layout(&needs, 100.0);
        assert_eq!(l.widths, vec![40.0, 60.0]);
        assert_eq!(l.hyphenate, vec![true, false]);
        // Even the headers cannot fit: plain shares, the narrow columns hyphenated.
        let needs = ColumnNeeds { shares: vec![1.0, 1.0], header: vec![80.0, 80.0], body: vec![10.0, 70.0] };
        let l = layout(&needs, 100.0);
        assert_eq!(l.widths, vec![50.0, 50.0]);
        assert_eq!(l.hyphenate, vec![false, true]);
    }

    #[test]
    fn odd_input_gives_finite_widths() {
        let needs = ColumnNeeds { shares: vec![0.0, f64::NAN], header: vec![], body: vec![f64::INFINITY] };
        let l = layout(&needs, 100.0);
        assert_eq!(l.widths, vec![50.0, 50.0]);
        assert!(layout(&ColumnNeeds { shares: vec![], header: vec![], body: vec![] }, 100.0).widths.is_empty());
    }
}
