//! Whether parsed rich text prints anything. A text that Markdown reads as marks only — a lone
//! `-` or `*` (an empty list item), `---` (a rule), `#` (an empty heading), a footnote's text
//! never referred to — would leave its heading, list item or table cell empty, the author's
//! characters gone. One line of such marks is what the author means to see (a dash for "none"
//! in a table's cell) and is printed as typed; anything longer that prints nothing is an error
//! at the field. Knows nothing of where the text stands.

use crate::diag::{Problem, Severity};
use crate::tree::{each_block, plain_text, Block, Paragraph, ParagraphStyle};

/// The blocks of `md` as parsed, or `md` as typed when it is one line that prints nothing;
/// the parse's problems are passed on, and an error added when a longer text prints nothing.
pub(super) fn checked(
    md: &str,
    blocks: Vec<Block>,
    own: Vec<Problem>,
    path: &str,
    problems: &mut Vec<Problem>,
) -> Vec<Block> {
    let typed = md.trim();
    if typed.is_empty() || !prints_nothing(&blocks) {
        problems.extend(own);
        return blocks;
    }
    if !typed.contains('\n') {
        // Warnings about the marks ("a rule is left out") no longer hold: they are printed.
        problems.extend(own.into_iter().filter(|p| p.severity == Severity::Error));
        return vec![Block::Paragraph(Paragraph::plain(ParagraphStyle::Body, typed))];
    }
    problems.extend(own);
    problems.push(
        Problem::error(
            path,
            "prints nothing: Markdown reads this text as marks only (a rule, an empty list item or heading, a footnote's text never referred to)",
        )
        .help("write the words to be printed"),
    );
    blocks
}

/// Whether `blocks` print no text and no picture.
pub(super) fn prints_nothing(blocks: &[Block]) -> bool {
    let mut printed = false;
    each_block(blocks, &mut |b| {
        printed |= match b {
            Block::Heading(h) => !h.text.trim().is_empty(),
            Block::Paragraph(p) => !plain_text(&p.content).trim().is_empty(),
            Block::Numbered(n) => !plain_text(&n.content).trim().is_empty(),
            Block::Table(t) => t.caption.as_ref().is_some_and(|c| !c.trim().is_empty()),
            Block::Picture(_) | Block::Figure(_) => true,
            Block::List(_) | Block::Quote(_) | Block::PageBreak => false,
        }
    });
    !printed
}
