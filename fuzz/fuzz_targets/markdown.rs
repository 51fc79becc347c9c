//! Arbitrary text → the Markdown of a rich-text field → the document tree: whatever the text,
//! parsing must end in blocks (and problems at the field), never a panic, a hang or runaway
//! memory, and the tree must never nest deeper than the writers accept — nesting past the limits
//! is an error at the field.
#![no_main]

use cabrep::model::rich_text::{self, Xrefs, MAX_INLINE_DEPTH, MAX_LIST_DEPTH};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(md) = std::str::from_utf8(data) else {
        return;
    };
    let mut xrefs = Xrefs { one: "Section".into(), many: "Sections".into(), ..Xrefs::default() };
    xrefs.numbers.insert("a".into(), 1);
    let mut problems = Vec::new();
    let blocks = rich_text::parse(md, &xrefs, "summary", &mut problems);
    let depth = cabrep::render::depth(&blocks);
    // A list is two levels (the list, its item's blocks); a table cell one more; markup one each.
    assert!(depth <= 2 * MAX_LIST_DEPTH + MAX_INLINE_DEPTH + 3, "tree nests {depth} deep");
    assert!(depth <= cabrep::render::MAX_TREE_DEPTH, "tree nests {depth} deep");
    assert!(problems.iter().all(|p| p.path == "summary"), "{problems:?}");
    let _ = rich_text::parse_inline(md, &xrefs, "recommendations.items[0].text", &mut problems);
});
