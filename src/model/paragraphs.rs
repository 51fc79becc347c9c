//! Paragraph numbers: where the template asks for them (`[paper] paragraph_numbers =
//! "section"`), the body paragraphs of a section are numbered within it ("2.1", "2.2" in section
//! 2) and the items of an ordered list under a paragraph are its sub-paragraphs ("2.2.1", or
//! "(a)" with `sub_paragraph_numbers = "alpha"`). A paragraph ending in a label `{#id}` can be
//! cross-referenced (`[paragraph](#id)` prints "paragraph 2.2").
//!
//! This room computes the numbers once, into the tree's [`Numbered`] blocks; writers print them
//! and never count. It numbers only what an author wrote as Markdown in a section's body:
//! headings, tables, figures, quotes, bulleted lists and recommendations keep no paragraph number.

use crate::tree::{Block, Inline, Numbered, ParagraphStyle, SubNumbering};

/// Numbers the paragraphs of one section, piece by piece of its body (a section's body may be
/// Markdown with tables and recommendations between): the count runs on across pieces.
#[derive(Debug, Clone)]
pub struct Numberer {
    section: u32,
    sub_style: SubNumbering,
    paragraph: u32,
    sub: u32,
}

impl Numberer {
    /// The numbering of section `section`, its sub-paragraphs numbered as `sub_style` says.
    pub fn new(section: u32, sub_style: SubNumbering) -> Numberer {
        Numberer { section, sub_style, paragraph: 0, sub: 0 }
    }

    /// `blocks` with their body paragraphs numbered, and the items of their ordered lists as
    /// sub-paragraphs (as paragraphs, where no paragraph came before in the section).
    pub fn number(&mut self, blocks: Vec<Block>) -> Vec<Block> {
        let mut out = Vec::with_capacity(blocks.len());
        for block in blocks {
            match block {
                Block::Paragraph(p) if p.style == ParagraphStyle::Body => {
                    out.push(self.next(1, p.content));
                }
                Block::List(l) if l.ordered => {
                    let level = if self.paragraph == 0 { 1 } else { 2 };
                    for item in l.items {
                        let mut rest = item.into_iter();
                        let first = rest.next();
                        let content = match first {
                            Some(Block::Paragraph(p)) => p.content,
                            Some(other) => {
                                out.push(self.next(level, Vec::new()));
                                out.push(other);
                                out.extend(rest);
                                continue;
                            }
                            None => Vec::new(),
                        };
                        out.push(self.next(level, content));
                        out.extend(rest);
                    }
                }
                other => out.push(other),
            }
        }
        out
    }

    fn next(&mut self, level: u8, mut content: Vec<Inline>) -> Block {
        let number = if level == 1 {
            self.paragraph += 1;
            self.sub = 0;
            format!("{}.{}", self.section, self.paragraph)
        } else {
            self.sub += 1;
            match self.sub_style {
                SubNumbering::Decimal => format!("{}.{}.{}", self.section, self.paragraph, self.sub),
                SubNumbering::Letter => format!("({})", letters(self.sub)),
                SubNumbering::Roman => format!("{}.", roman(self.sub)),
            }
        };
        let anchor = take_label(&mut content);
        Block::Numbered(Numbered { number, level, section: self.section, sub: self.sub_style, anchor, content })
    }
}

/// Word's lower-case letter numbering: a … z, then aa … zz, aaa ….
pub fn letters(n: u32) -> String {
    let n = n.max(1) - 1;
    let letter = char::from(b'a' + (n % 26) as u8);
    std::iter::repeat_n(letter, (n / 26) as usize + 1).collect()
}

/// Lower-case roman numerals, as Word's `lowerRoman` prints them (i, ii, … mmmcmxcix; beyond,
/// the thousands repeat).
pub fn roman(n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ];
    let mut n = n.max(1);
    let mut out = String::new();
    for (value, text) in TABLE {
        while n >= value {
            out.push_str(text);
            n -= value;
        }
    }
    out
}

/// Whether `id` can label a paragraph: letters, digits, `-` and `_`.
pub fn is_label(id: &str) -> bool {
    !id.is_empty() && id.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_')
}

/// Takes a label `{#id}` off the end of a paragraph's content: the id, if it ends in one.
pub fn take_label(content: &mut Vec<Inline>) -> Option<String> {
    let Some(Inline::Text { text }) = content.last_mut() else { return None };
    let trimmed = text.trim_end();
    let inner = trimmed.strip_suffix('}')?;
    let at = inner.rfind("{#")?;
    let id = &inner[at + 2..];
    if !is_label(id) {
        return None;
    }
    let id = id.to_owned();
    let kept = inner[..at].trim_end().to_owned();
    if kept.is_empty() {
        content.pop();
    } else {
        *text = kept;
    }
    Some(id)
}

/// The anchors of the numbered paragraphs in `blocks`, with their numbers, in order.
pub fn labelled(blocks: &[Block]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    crate::tree::each_block(blocks, &mut |b| {
        if let Block::Numbered(Numbered { anchor: Some(a), number, .. }) = b {
            out.push((a.clone(), number.clone()));
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{List, Paragraph};

    fn para(s: &str) -> Block {
        Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, s))
    }

    fn numbers(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Numbered(n) => Some(n.number.clone()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn paragraphs_number_within_their_section_and_list_items_below_them() {
        let list = Block::List(List { ordered: true, start: 1, items: vec![vec![para("a")], vec![para("b")]] });
        let mut n = Numberer::new(2, SubNumbering::Decimal);
        let blocks = n.number(vec![para("one"), para("two"), list.clone()]);
        let later = n.number(vec![para("three")]);
        assert_eq!(numbers(&blocks), ["2.1", "2.2", "2.2.1", "2.2.2"]);
        assert_eq!(numbers(&later), ["2.3"]);
        let mut n = Numberer::new(4, SubNumbering::Letter);
        assert_eq!(numbers(&n.number(vec![list, para("x")])), ["4.1", "4.2", "4.3"]);
        let list = Block::List(List { ordered: true, start: 1, items: vec![vec![para("a")], vec![para("b")]] });
        assert_eq!(numbers(&n.number(vec![list])), ["(a)", "(b)"]);
    }

    #[test]
    fn a_label_at_a_paragraphs_end_becomes_its_anchor() {
        let mut n = Numberer::new(1, SubNumbering::Decimal);
        let blocks = n.number(vec![para("Costs rise. {#costs}"), para("Not a label {#a b}")]);
        match &blocks[..] {
            [Block::Numbered(a), Block::Numbered(b)] => {
                assert_eq!(a.anchor.as_deref(), Some("costs"));
                assert_eq!(crate::tree::plain_text(&a.content), "Costs rise.");
                assert_eq!(b.anchor, None);
                assert_eq!(crate::tree::plain_text(&b.content), "Not a label {#a b}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(labelled(&blocks), [("costs".to_owned(), "1.1".to_owned())]);
    }

    #[test]
    fn letters_follow_words_lower_letter_numbering() {
        assert_eq!([1, 2, 26, 27, 28].map(letters), ["a", "b", "z", "aa", "bb"]);
        assert_eq!([1, 4, 9, 14, 40, 1999].map(roman), ["i", "iv", "ix", "xiv", "xl", "mcmxcix"]);
    }
}
