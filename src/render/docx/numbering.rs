//! List numbering: real `w:numbering` definitions, so Word keeps the lists live.
//!
//! Two abstract definitions (docx-rs always writes abstract 1 and num 1 itself, so ours start
//! at 2): bullets (• ◦ ▪ by level) and decimal ("1." at every level). All bullet lists share
//! one `w:num`; every ordered list gets its own `w:num` with a start override on its level, so
//! each list restarts at its own `start` instead of continuing the previous list.

use crate::tree::SubNumbering;
use docx_rs::{
    AbstractNumbering, Docx, IndentLevel, Level, LevelJc, LevelOverride, LevelText, NumberFormat, Numbering,
    NumberingId, Paragraph, SpecialIndentType, Start,
};

const BULLET_ABSTRACT: usize = 2;
const ORDERED_ABSTRACT: usize = 3;
/// Abstract definitions of numbered paragraphs, one per section, from here up.
const PARAGRAPH_ABSTRACT: usize = 4;
const FIRST_NUM: usize = 2;

/// Deepest list level Word supports (`w:ilvl` 0–8).
pub(super) const MAX_LEVEL: usize = 8;

/// Hanging indent per level, in twips (0.75 cm): room for "10." at body size.
const STEP: i32 = 425;

/// Left indent of the text of a list item at `level`: each level's number sits where the
/// text of the level above starts.
pub(super) fn text_indent(level: usize) -> i32 {
    STEP * (level.min(MAX_LEVEL) as i32 + 1)
}

/// The numbering definitions used by one document.
#[derive(Debug)]
pub(super) struct Lists {
    bullet_num: Option<usize>,
    /// (num id, level, start) for each ordered list, in order.
    ordered: Vec<(usize, usize, u32)>,
    /// (num id, section, sub-paragraph style) for the numbered paragraphs of each section, in order.
    paragraphs: Vec<(usize, u32, SubNumbering)>,
    next_num: usize,
}

impl Default for Lists {
    fn default() -> Self {
        Lists { bullet_num: None, ordered: Vec::new(), paragraphs: Vec::new(), next_num: FIRST_NUM }
    }
}

impl Lists {
    pub fn new() -> Self {
        Self::default()
    }

    fn alloc(&mut self) -> usize {
        let n = self.next_num;
        self.next_num += 1;
        n
    }

    /// The `w:num` for bulleted lists.
    pub fn bullets(&mut self) -> usize {
        match self.bullet_num {
            Some(n) => n,
            None => {
                let n = self.alloc();
                self.bullet_num = Some(n);
                n
            }
        }
    }

    /// A fresh `w:num` for one ordered list at `level`, restarting at `start`.
    pub fn ordered(&mut self, level: usize, start: u32) -> usize {
        let n = self.alloc();
        // Word stores the start as a signed number and offers at most 32767.
        self.ordered.push((n, level.min(MAX_LEVEL), start.min(32_767)));
        n
    }

    /// The `w:num` of section `section`'s numbered paragraphs: its own definition, whose first
    /// level prints "2.%1" and second "2.%1.%2" (or "(%2)", "%2." as `sub` says), so that Word
    /// counts the paragraphs itself, restarting in each section, and renumbers when one is added.
    pub fn paragraphs(&mut self, section: u32, sub: SubNumbering) -> usize {
        match self.paragraphs.last() {
            Some(&(n, s, l)) if s == section && l == sub => n,
            _ => {
                let n = self.alloc();
                self.paragraphs.push((n, section, sub));
                n
            }
        }
    }

    /// Writes the definitions actually used into the document.
    pub fn apply(self, mut docx: Docx) -> Docx {
        let mut nums: Vec<(usize, Numbering)> = Vec::new();
        if let Some(n) = self.bullet_num {
            docx = docx.add_abstract_numbering(abstract_num(BULLET_ABSTRACT, false));
            nums.push((n, Numbering::new(n, BULLET_ABSTRACT)));
        }
        if !self.ordered.is_empty() {
            docx = docx.add_abstract_numbering(abstract_num(ORDERED_ABSTRACT, true));
        }
        for (i, &(n, section, sub)) in self.paragraphs.iter().enumerate() {
            docx = docx.add_abstract_numbering(paragraph_abstract(PARAGRAPH_ABSTRACT + i, section, sub));
            nums.push((n, Numbering::new(n, PARAGRAPH_ABSTRACT + i)));
        }
        for (n, level, start) in self.ordered {
            let o = LevelOverride::new(level).start(start as usize);
            nums.push((n, Numbering::new(n, ORDERED_ABSTRACT).add_override(o)));
        }
        nums.sort_by_key(|(n, _)| *n);
        for (_, num) in nums {
            docx = docx.add_numbering(num);
        }
        docx
    }
}

/// Marks a paragraph as an item of list `num` at `level`.
pub(super) fn number(p: Paragraph, num: usize, level: usize) -> Paragraph {
    p.numbering(NumberingId::new(num), IndentLevel::new(level.min(MAX_LEVEL)))
}

/// Hanging indent of a numbered paragraph's number, in twips (1.5 cm): room for "12.10".
const PARAGRAPH_STEP: i32 = 850;

/// Left indent of the text of a numbered paragraph at `level` (0: a paragraph, 1: a
/// sub-paragraph).
pub(super) fn paragraph_indent(level: usize) -> i32 {
    PARAGRAPH_STEP * (level.min(1) as i32 + 1)
}

fn paragraph_abstract(id: usize, section: u32, sub: SubNumbering) -> AbstractNumbering {
    let mut a = AbstractNumbering::new(id);
    a.multi_level_type = Some("multilevel".to_owned());
    let sub = match sub {
        SubNumbering::Decimal => ("decimal", format!("{section}.%1.%2")),
        SubNumbering::Letter => ("lowerLetter", "(%2)".to_owned()),
        SubNumbering::Roman => ("lowerRoman", "%2.".to_owned()),
    };
    for (level, (format, text)) in [("decimal", format!("{section}.%1")), sub].into_iter().enumerate() {
        a = a.add_level(
            Level::new(level, Start::new(1), NumberFormat::new(format), LevelText::new(text), LevelJc::new("left"))
                .indent(Some(paragraph_indent(level)), Some(SpecialIndentType::Hanging(PARAGRAPH_STEP)), None, None),
        );
    }
    a
}

fn abstract_num(id: usize, ordered: bool) -> AbstractNumbering {
    let mut a = AbstractNumbering::new(id);
    a.multi_level_type = Some("hybridMultilevel".to_owned());
    for level in 0..=MAX_LEVEL {
        let (format, text) = if ordered {
            ("decimal", format!("%{}.", level + 1))
        } else {
            ("bullet", ["\u{2022}", "\u{25E6}", "\u{25AA}"][level % 3].to_owned())
        };
        a = a.add_level(
            Level::new(level, Start::new(1), NumberFormat::new(format), LevelText::new(text), LevelJc::new("left"))
                .indent(Some(text_indent(level)), Some(SpecialIndentType::Hanging(STEP)), None, None),
        );
    }
    a
}
