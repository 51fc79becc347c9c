//! Numbered paragraphs in validation: the scheme the template asks for, and the numbers of
//! labelled paragraphs (`{#id}`) worked out before any text is parsed for real, so that a
//! cross-reference anywhere in the paper — before or after the paragraph — prints its number.

use super::*;
use crate::model::paragraphs::{labelled, Numberer};
use crate::template::paper::{ParagraphNumbers, SubParagraphNumbers};
use crate::tree::SubNumbering;

/// How sub-paragraphs are numbered, where the template numbers sections' paragraphs.
pub(super) fn scheme(paper: &Paper) -> Option<SubNumbering> {
    (paper.paragraph_numbers == ParagraphNumbers::Section).then_some(match paper.sub_paragraph_numbers {
        SubParagraphNumbers::Decimal => SubNumbering::Decimal,
        SubParagraphNumbers::Alpha => SubNumbering::Letter,
        SubParagraphNumbers::Roman => SubNumbering::Roman,
    })
}

/// The paragraph numbering of one section, or none.
pub(super) struct SectionNumbers(Option<Numberer>);

impl SectionNumbers {
    /// Section `section`'s numbering under `scheme` (see [`scheme`]).
    pub(super) fn new(scheme: Option<SubNumbering>, section: u32) -> SectionNumbers {
        SectionNumbers(scheme.map(|sub| Numberer::new(section, sub)))
    }

    /// The next piece of the section's Markdown, numbered where the template asks.
    pub(super) fn number(&mut self, blocks: Vec<Block>) -> Vec<Block> {
        match &mut self.0 {
            Some(n) => n.number(blocks),
            None => blocks,
        }
    }
}

impl Checker {
    /// Adds the numbers of the sections' labelled paragraphs to `xrefs`. The sections' Markdown is
    /// read ahead here exactly as [`Checker::section`] reads it (its problems are reported there);
    /// a label used twice, or also a section's id, is an error.
    pub(super) fn paragraph_xrefs(&mut self, f: &ReportFile, xrefs: &mut Xrefs) {
        let Some(sub) = self.paragraph_numbers else { return };
        let mut seen: HashMap<String, String> = HashMap::new();
        for (i, s) in f.sections.iter().enumerate() {
            let path = format!("sections[{i}].body");
            let pieces: Vec<(String, &str)> = match &s.body {
                Some(TextOrSeq::Text(md)) => vec![(path.clone(), md.as_str())],
                Some(TextOrSeq::Seq(parts)) => parts
                    .iter()
                    .enumerate()
                    .filter_map(|(j, part)| match part {
                        TextOr::Text(md) => Some((format!("{path}[{j}]"), md.as_str())),
                        TextOr::Full(_) => None,
                    })
                    .collect(),
                None => Vec::new(),
            };
            let mut numberer = Numberer::new(i as u32 + 1, sub);
            for (at, md) in pieces {
                let mut scratch = Vec::new();
                let blocks = numberer.number(rich_text::parse(md, xrefs, &at, &mut scratch));
                for (id, number) in labelled(&blocks) {
                    let label = format!("{{#{id}}}");
                    if let Some(first) = seen.get(&id) {
                        self.problems.push(
                            Problem::error(&at, format!("the paragraph label `{label}` is used twice"))
                                .at_text(label.clone())
                                .help(format!("`{first}` already uses it; labels must be unique")),
                        );
                    } else if xrefs.numbers.contains_key(&id) {
                        self.problems.push(
                            Problem::error(&at, format!("the paragraph label `{label}` is also a section's id"))
                                .at_text(label.clone())
                                .help("give the paragraph a label of its own"),
                        );
                    } else {
                        seen.insert(id.clone(), at.clone());
                        xrefs.paragraphs.insert(id, number);
                    }
                }
            }
        }
    }
}
