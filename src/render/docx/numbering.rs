//! List numbering: real `w:numbering` definitions, so Word keeps the lists live.
//!
//! Two abstract definitions (docx-rs always writes abstract 1 and num 1 itself, so ours start
//! at 2): bullets (• ◦ ▪ by level) and decimal ("1." at every level). All bullet lists share
//! one `w:num`; every ordered list gets its own `w:num` with a start override on its level, so
//! each list restarts at its own `start` instead of continuing the previous list.

use docx_rs::{
    AbstractNumbering, Docx, IndentLevel, Level, LevelJc, LevelOverride, LevelText, NumberFormat, Numbering,
    NumberingId, Paragraph, SpecialIndentType, Start,
};

const BULLET_ABSTRACT: usize = 2;
const ORDERED_ABSTRACT: usize = 3;
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
    next_num: usize,
}

impl Default for Lists {
    fn default() -> Self {
        Lists { bullet_num: None, ordered: Vec::new(), next_num: FIRST_NUM }
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
