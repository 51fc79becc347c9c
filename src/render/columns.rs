//! Table column widths, shared by the paged writers (PDF and DOCX) so that a table has the same
//! columns in both.
//!
//! The columns are laid out from their content, as browsers lay out `table-layout: auto`: each
//! column has a minimum width (its longest word: no column may be narrower, or a header such as
//! "Likelihood" runs into its neighbour in the PDF and is broken mid-word, without a hyphen, by
//! Word and LibreOffice) and a preferred width (its longest cell set on one line). The words are
//! measured in the house font ([`WordMeasure`], from the template's font files: advance widths,
//! no kerning — a shade off what a typesetter sets, which the cell padding absorbs) and
//! [`layout`] gives every column its minimum, then shares what is left in proportion to how much
//! more each column would use: a column of single digits keeps its digits' width and the columns
//! of running text get the room.
//!
//! Rows may break across pages, but a row that is short ([`KEEP_ROW_LINES`] lines or fewer,
//! [`WordMeasure::lines`] estimates them) is kept whole, and so is a short cell of a long row
//! ([`KEEP_CELL_LINES`]): a break never leaves a lone line or splits a label.

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

    /// The width of `text` set on one line, its runs of whitespace as single spaces, at `size`
    /// points, in points.
    pub fn line(&self, text: &str, bold: bool, size: f64) -> f64 {
        let space = self.word(" ", bold, size);
        let words: Vec<f64> = words(text).map(|w| self.word(w, bold, size)).collect();
        words.iter().sum::<f64>() + space * words.len().saturating_sub(1) as f64
    }

    /// How many lines `text` takes set in a column `width` points wide, breaking only between
    /// words (a word wider than the column takes a line of its own); 0 for blank text.
    pub fn lines(&self, text: &str, bold: bool, size: f64, width: f64) -> usize {
        let space = self.word(" ", bold, size);
        let mut lines = 0;
        let mut used = 0.0;
        for word in words(text) {
            let w = self.word(word, bold, size);
            if lines == 0 || used + space + w > width {
                lines += 1;
                used = w;
            } else {
                used += space + w;
            }
        }
        lines
    }

    /// The width of `word` (measured as one run, spaces included) at `size` points, in points.
    fn word(&self, word: &str, bold: bool, size: f64) -> f64 {
        let face = if bold { &self.bold } else { &self.regular };
        let upem = f64::from(face.units_per_em());
        let notdef = face.glyph_hor_advance(ttf_parser::GlyphId(0)).unwrap_or(0);
        let units: u32 = word
            .chars()
            .map(|c| u32::from(face.glyph_index(c).and_then(|g| face.glyph_hor_advance(g)).unwrap_or(notdef)))
            .sum();
        f64::from(units) / upem * size
    }

    /// The width of the widest word of `text` at `size` points, in points.
    pub fn widest(&self, text: &str, bold: bool, size: f64) -> f64 {
        words(text).map(|w| self.word(w, bold, size)).fold(0.0, f64::max)
    }
}

/// The no-break spaces: a line never breaks at one, so the words either side are one word here.
const NO_BREAK_SPACES: [char; 3] = ['\u{00A0}', '\u{2007}', '\u{202F}'];

/// The words of `text` as a line breaks it: split at white space other than a no-break space.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| c.is_whitespace() && !NO_BREAK_SPACES.contains(&c)).filter(|w| !w.is_empty())
}

/// A row whose tallest cell takes this many lines or fewer is kept on one page.
pub const KEEP_ROW_LINES: usize = 8;

/// A cell of this many lines or fewer is never split between pages (a split would leave a lone
/// line on one side, or break a short label such as a theme's name).
pub const KEEP_CELL_LINES: usize = 5;

/// What a table's columns need, in points, each with the cell's padding added.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnNeeds {
    /// The columns' relative widths, from the tree: used only for a table whose cells and
    /// headers are all empty.
    pub shares: Vec<f64>,
    /// Per column: the widest header word (bold).
    pub header: Vec<f64>,
    /// Per column: the widest body word.
    pub body: Vec<f64>,
    /// Per column: the widest header or body cell set on one line (at least the widest word).
    pub preferred: Vec<f64>,
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

/// Lays out the columns of a table `avail` points wide from their content. Every column gets
/// its minimum (its longest word); what is left is shared in proportion to how much wider than
/// its minimum each column would like to be (its preferred width, the longest cell on one line).
/// If every column can have its preferred width, the table keeps the tree's proportions, no
/// column narrower than its preferred width. If the words
/// cannot all fit, the columns with the most text give up their body words' demand first (their
/// text wraps over many lines anyway), one at a time; if even the headers cannot fit, every
/// column keeps its share of the tree's widths and the narrow ones are hyphenated.
pub fn layout(needs: &ColumnNeeds, avail: f64) -> ColumnLayout {
    let n = needs.shares.len();
    let get = |v: &[f64], x: usize| v.get(x).copied().filter(|w| w.is_finite()).unwrap_or(0.0).max(0.0);
    let raw: Vec<f64> = (0..n).map(|x| get(&needs.shares, x)).collect();
    let total: f64 = raw.iter().sum();
    let share: Vec<f64> =
        if total > 0.0 { raw.iter().map(|w| w / total).collect() } else { vec![1.0 / n.max(1) as f64; n] };
    let head: Vec<f64> = (0..n).map(|x| get(&needs.header, x)).collect();
    let body: Vec<f64> = (0..n).map(|x| get(&needs.body, x)).collect();
    let preferred: Vec<f64> = (0..n).map(|x| get(&needs.preferred, x).max(head[x]).max(body[x])).collect();

    let mut mins: Vec<f64> = (0..n).map(|x| head[x].max(body[x])).collect();
    let mut by_text: Vec<usize> = (0..n).collect();
    by_text.sort_by(|&a, &b| preferred[b].total_cmp(&preferred[a]).then(share[b].total_cmp(&share[a])));
    for &x in &by_text {
        if mins.iter().sum::<f64>() <= avail {
            break;
        }
        mins[x] = head[x];
    }
    let min_sum: f64 = mins.iter().sum();
    if min_sum > avail || preferred.iter().sum::<f64>() <= 0.0 {
        let widths: Vec<f64> = share.iter().map(|s| s * avail).collect();
        let hyphenate = (0..n).map(|x| widths[x] + 0.5 < body[x]).collect();
        return ColumnLayout { widths, hyphenate };
    }
    // A column of short cells (its longest line a fifth of the width or less: figures, page
    // ranges, a short label) gets its whole line, if the table still fits.
    let short: Vec<usize> = (0..n).filter(|&x| preferred[x] <= avail / 5.0 && preferred[x] > mins[x]).collect();
    if min_sum + short.iter().map(|&x| preferred[x] - mins[x]).sum::<f64>() <= avail {
        short.into_iter().for_each(|x| mins[x] = preferred[x]);
    }
    let min_sum: f64 = mins.iter().sum();
    let pref: Vec<f64> = (0..n).map(|x| preferred[x].max(mins[x])).collect();
    let pref_sum: f64 = pref.iter().sum();
    let widths: Vec<f64> = if pref_sum <= avail {
        shares_with_minimums(&share, &pref, avail)
    } else {
        let spare = (avail - min_sum) / (pref_sum - min_sum);
        (0..n).map(|x| mins[x] + (pref[x] - mins[x]) * spare).collect()
    };
    let hyphenate = (0..n).map(|x| widths[x] + 0.5 < body[x]).collect();
    ColumnLayout { widths, hyphenate }
}

/// Widths in proportion to `share`, adding up to `avail`, except that a column whose share is
/// less than its minimum gets its minimum and the rest share what is left (until no more need
/// fixing). The minimums must add up to no more than `avail`.
fn shares_with_minimums(share: &[f64], mins: &[f64], avail: f64) -> Vec<f64> {
    let n = share.len();
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
    (0..n).map(|x| if fixed[x] || rest <= 0.0 { mins[x] } else { share[x] / rest * free }).collect()
}

/// Whether a row is kept on one page, given the lines each of its cells takes.
pub fn keep_row(cell_lines: &[usize]) -> bool {
    cell_lines.iter().copied().max().unwrap_or(0) <= KEEP_ROW_LINES
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
    fn a_no_break_space_joins_the_words_either_side_into_one_word() {
        let t = Template::builtin().expect("built-in template");
        let m = WordMeasure::new(t.fonts.iter().map(Vec::as_slice), "Liberation Sans").expect("the house font");
        let joined = "Pages\u{a0}100\u{a0}-\u{a0}120";
        // Measured as the line it is, spaces included: wider than any of its words alone.
        assert!((m.widest(joined, false, 11.0) - m.line("Pages 100 - 120", false, 11.0)).abs() < 1e-9);
        assert!(m.widest(joined, false, 11.0) > m.widest("Pages 100 - 120", false, 11.0));
        // It never breaks: in a column too narrow, it still takes one line.
        assert_eq!(m.lines(joined, false, 11.0, 10.0), 1);
        assert_eq!(m.lines("Pages 100 - 120", false, 11.0, 10.0), 4);
    }

    #[test]
    fn lines_are_counted_by_breaking_between_words() {
        let t = Template::builtin().expect("built-in template");
        let m = WordMeasure::new(t.fonts.iter().map(Vec::as_slice), "Liberation Sans").expect("the house font");
        let two = m.line("aa  bb", false, 10.0);
        let space = m.line("a a", false, 10.0) - 2.0 * m.widest("a", false, 10.0);
        assert!(space > 0.0 && (two - (2.0 * m.widest("aa", false, 10.0) + space)).abs() < 1e-9);
        assert_eq!(m.lines("aa bb", false, 10.0, two), 1);
        assert_eq!(m.lines("aa bb", false, 10.0, two - 0.1), 2);
        assert_eq!(m.lines("aa bb cc", false, 10.0, 1.0), 3, "a word wider than the column takes a line");
        assert_eq!(m.lines("  ", false, 10.0, 100.0), 0);
        assert!(keep_row(&[1, KEEP_ROW_LINES]) && !keep_row(&[KEEP_ROW_LINES + 1, 1]) && keep_row(&[]));
    }

    #[test]
    fn columns_get_their_longest_word_and_the_rest_goes_to_the_text() {
        // A risk register in miniature: a column of digits under a short header, and two of
        // running text. The digits keep their width; the text columns share the rest by how
        // much more they would use.
        let needs = ColumnNeeds {
            shares: vec![1.0, 1.0, 1.0],
            header: vec![10.0, 20.0, 20.0],
            body: vec![12.0, 50.0, 50.0],
            preferred: vec![12.0, 250.0, 450.0],
        };
        let l = layout(&needs, 300.0);
        assert_eq!(l.widths[0], 12.0);
        // 300 − (12 + 50 + 50) = 188 spare, shared 200 : 400.
        assert!((l.widths[1] - (50.0 + 188.0 / 3.0)).abs() < 1e-9, "{:?}", l.widths);
        assert!((l.widths[2] - (50.0 + 2.0 * 188.0 / 3.0)).abs() < 1e-9, "{:?}", l.widths);
        assert_eq!(l.hyphenate, vec![false; 3]);
        // Room for every cell on one line: the tree's proportions, no column narrower than its line.
        let needs = ColumnNeeds {
            shares: vec![3.0, 1.0],
            header: vec![10.0, 10.0],
            body: vec![10.0, 10.0],
            preferred: vec![30.0, 10.0],
        };
        assert_eq!(layout(&needs, 80.0).widths, vec![60.0, 20.0]);
        let needs = ColumnNeeds { preferred: vec![30.0, 40.0], ..needs };
        assert_eq!(layout(&needs, 80.0).widths, vec![40.0, 40.0]);
    }

    #[test]
    fn when_words_cannot_fit_the_column_with_most_text_gives_way_and_hyphenates() {
        // Body words need 60 + 60 of 100 pt: the column with more text keeps only its header's need.
        let needs = ColumnNeeds {
            shares: vec![1.0, 1.0],
            header: vec![10.0, 10.0],
            body: vec![60.0, 60.0],
            preferred: vec![400.0, 100.0],
        };
        let l = layout(&needs, 100.0);
        // Minimums 10 and 60, the 30 pt spare shared 390 : 40.
        assert!((l.widths[0] - (10.0 + 390.0 * 30.0 / 430.0)).abs() < 1e-9, "{:?}", l.widths);
        assert!((l.widths[1] - (60.0 + 40.0 * 30.0 / 430.0)).abs() < 1e-9, "{:?}", l.widths);
        assert_eq!(l.hyphenate, vec![true, false]);
        // Even the headers cannot fit: plain shares, the narrow columns hyphenated.
        let needs =
            ColumnNeeds { shares: vec![1.0, 1.0], header: vec![80.0, 80.0], body: vec![10.0, 70.0], preferred: vec![] };
        let l = layout(&needs, 100.0);
        assert_eq!(l.widths, vec![50.0, 50.0]);
        assert_eq!(l.hyphenate, vec![false, true]);
    }

    #[test]
    fn odd_input_gives_finite_widths() {
        let needs = ColumnNeeds {
            shares: vec![0.0, f64::NAN],
            header: vec![],
            body: vec![f64::INFINITY],
            preferred: vec![f64::NAN],
        };
        let l = layout(&needs, 100.0);
        assert_eq!(l.widths, vec![50.0, 50.0]);
        assert!(layout(&ColumnNeeds { shares: vec![], header: vec![], body: vec![], preferred: vec![] }, 100.0)
            .widths
            .is_empty());
    }
}
