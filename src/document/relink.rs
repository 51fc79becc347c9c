//! A report's paragraph anchors inside a pack: every item's numbered paragraphs get its item's
//! prefix (as its headings do), and the links to them in the same item follow, so that two items
//! labelling a paragraph alike each link to their own.
//!
//! This room renames anchors and links within one item's blocks; it never adds or removes one.

use std::collections::HashMap;

use crate::tree::{Block, Inline};

/// Prefixes the anchors of the numbered paragraphs in `blocks` with `prefix` and points the
/// links to them at the new names.
pub(crate) fn prefix_paragraph_anchors(blocks: &mut [Block], prefix: &str) {
    let mut renamed = HashMap::new();
    for b in blocks.iter_mut() {
        if let Block::Numbered(n) = b {
            if let Some(a) = &mut n.anchor {
                let new = format!("{prefix}-{a}");
                renamed.insert(std::mem::replace(a, new.clone()), new);
            }
        }
    }
    if !renamed.is_empty() {
        blocks.iter_mut().for_each(|b| relink_block(b, &renamed));
    }
}

fn relink_block(b: &mut Block, renamed: &HashMap<String, String>) {
    match b {
        Block::Paragraph(p) => relink(&mut p.content, renamed),
        Block::Numbered(n) => relink(&mut n.content, renamed),
        Block::List(l) => l.items.iter_mut().flatten().for_each(|b| relink_block(b, renamed)),
        Block::Table(t) => {
            t.rows.iter_mut().flat_map(|r| r.cells.iter_mut().flatten()).for_each(|b| relink_block(b, renamed))
        }
        Block::Quote(q) => q.blocks.iter_mut().for_each(|b| relink_block(b, renamed)),
        Block::Heading(_) | Block::Figure(_) | Block::Picture(_) | Block::PageBreak => {}
    }
}

fn relink(inlines: &mut [Inline], renamed: &HashMap<String, String>) {
    for i in inlines {
        match i {
            Inline::Link { url, content } => {
                if let Some(new) = url.strip_prefix('#').and_then(|a| renamed.get(a)) {
                    *url = format!("#{new}");
                }
                relink(content, renamed);
            }
            Inline::Strong { content }
            | Inline::Emph { content }
            | Inline::Strike { content }
            | Inline::Footnote { content } => relink(content, renamed),
            Inline::Text { .. } | Inline::LineBreak | Inline::PageRange { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{Numbered, Paragraph, ParagraphStyle, SubNumbering};

    #[test]
    fn a_paragraph_anchor_and_the_links_to_it_take_the_items_prefix() {
        let link = |a: &str| Inline::Link { url: format!("#{a}"), content: vec![Inline::text("paragraph 1.1")] };
        let mut blocks = vec![
            Block::Paragraph(Paragraph { style: ParagraphStyle::Body, content: vec![link("costs"), link("summary")] }),
            Block::Numbered(Numbered {
                number: "1.1".into(),
                level: 1,
                section: 1,
                sub: SubNumbering::Decimal,
                anchor: Some("costs".into()),
                content: vec![Inline::text("Costs.")],
            }),
        ];
        prefix_paragraph_anchors(&mut blocks, "item-3");
        let Block::Paragraph(p) = &blocks[0] else { panic!("a paragraph") };
        let urls: Vec<&str> = p
            .content
            .iter()
            .filter_map(|i| match i {
                Inline::Link { url, .. } => Some(url.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(urls, ["#item-3-costs", "#summary"]);
        let Block::Numbered(n) = &blocks[1] else { panic!("numbered") };
        assert_eq!(n.anchor.as_deref(), Some("item-3-costs"));
    }
}
