//! The checks that no exempt paper reaches the public pack by a second route: a public binding
//! marked not for publication, or one that is an exempt binding again (the same file, the same
//! bytes, or a page with the same text or image). Reads only what the bound PDFs' readers saw;
//! gives problems located at the meeting's items, and decides nothing else.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diag::Problem;

/// One PDF bound into a pack, as the check for second routes sees it.
pub(super) struct Binding<'a> {
    /// Index of the meeting's item that binds it (`items[i]`), where a refusal is located.
    pub item_index: usize,
    /// The field of that item a refusal of the file itself is located at (`items[3].file`).
    pub field: String,
    /// How the clerk knows it: "item 4 (Minutes …), `minutes.pdf`".
    pub label: String,
    /// Whether it belongs to an exempt report.
    pub exempt: bool,
    /// The file read (its path resolved, symlinks followed).
    pub path: PathBuf,
    /// Its contents.
    pub bytes: &'a [u8],
    /// What a reader sees of it.
    pub seen: &'a crate::merge::Seen,
}

/// Every public binding that says it is not for publication — by the keyword in its metadata
/// (Info or XMP), "not for publication" in its title, or NOT FOR PUBLICATION in a page's header
/// or footer — as an error at the item that binds it. An exempt report's own appendix may say so.
pub(super) fn marked_public(bindings: &[Binding<'_>]) -> Vec<Problem> {
    let mut problems = Vec::new();
    for public in bindings.iter().filter(|b| !b.exempt && b.seen.marks.any()) {
        let marks = &public.seen.marks;
        let mut how = Vec::new();
        if marks.info {
            how.push("its document properties".to_owned());
        }
        if marks.xmp {
            how.push("its XMP metadata".to_owned());
        }
        match marks.pages.as_slice() {
            [] => {}
            [one] if public.seen.pages.len() > 1 => how.push(format!("the header or footer of page {one}")),
            _ if marks.pages.len() == public.seen.pages.len() => how.push("the header or footer of every page".into()),
            [first, ..] => {
                how.push(format!("the headers or footers of {} pages, from page {first}", marks.pages.len()))
            }
        }
        problems.push(
            Problem::error(
                &public.field,
                format!(
                    "{} is marked not for publication (by {}); binding it into the public pack would publish exempt material",
                    public.label,
                    crate::house::and_list(&how)
                ),
            )
            .help("exempt papers go in the Part 2 pack only, as an exempt report's appendix: bind a version for publication here"),
        );
    }
    problems
}

/// Every public binding that is also an exempt one, as an error located at the public item: the
/// same file by path, the same bytes under another name, or a near-copy — a page with the same
/// text (letters and digits, whatever the spacing) or the same image as a page of the exempt one
/// (the file re-saved, changed by a byte, or some of its pages taken). Without this, an exempt
/// report's appendix listed again as a public `file:` item or as a public report's appendix would
/// be published.
pub(super) fn second_routes(bindings: &[Binding<'_>]) -> Vec<Problem> {
    // Each page's text and images of the exempt bindings, to the first binding and page that has it.
    let mut exempt_pages: BTreeMap<[u8; 32], (usize, usize, &str)> = BTreeMap::new();
    for (b, binding) in bindings.iter().enumerate().filter(|(_, b)| b.exempt) {
        for (p, page) in binding.seen.pages.iter().enumerate() {
            for (digest, what) in telling(page) {
                exempt_pages.entry(digest).or_insert((b, p + 1, what));
            }
        }
    }
    let mut problems = Vec::new();
    for public in bindings.iter().filter(|b| !b.exempt) {
        let mut found = false;
        for exempt in bindings.iter().filter(|b| b.exempt) {
            let how = if public.path == exempt.path {
                "is the same file as"
            } else if public.bytes == exempt.bytes {
                "has the same contents as"
            } else {
                continue;
            };
            found = true;
            problems.push(
                Problem::error(
                    format!("items[{}]", public.item_index),
                    format!("{} {how} {}, which is exempt; it would publish exempt material", public.label, exempt.label),
                )
                .help("an exempt item's papers go in the Part 2 pack only: remove the public listing, or bind a redacted version"),
            );
        }
        if found {
            continue;
        }
        let shared = public
            .seen
            .pages
            .iter()
            .enumerate()
            .find_map(|(p, page)| telling(page).find_map(|(d, _)| exempt_pages.get(&d)).map(|hit| (p + 1, *hit)));
        if let Some((page, (b, exempt_page, what))) = shared {
            problems.push(
                Problem::error(
                    format!("items[{}]", public.item_index),
                    format!(
                        "{} is a copy of {}, which is exempt: its page {page} has the same {what} as page {exempt_page} of that file; it would publish exempt material",
                        public.label, bindings[b].label
                    ),
                )
                .help("an exempt item's papers go in the Part 2 pack only: remove the public listing, or bind a redacted version"),
            );
        }
    }
    problems
}

/// A page whose text has fewer letters and digits than this is not compared by its text (a page
/// holding only "2", or a heading alone, says nothing of where it came from).
const MIN_PAGE_LETTERS: usize = 40;

/// An image with fewer pixels than this is not compared (a council's logo on the letterhead of
/// both an exempt appendix and public minutes is not a copy of either); a photograph, a plan or a
/// scanned page is far larger.
const MIN_IMAGE_PIXELS: u64 = 300 * 300;

/// What tells a page apart: its text's digest when it has enough of it, and the digests of its
/// images large enough to be content rather than furniture.
fn telling(page: &crate::merge::PageSeen) -> impl Iterator<Item = ([u8; 32], &'static str)> + '_ {
    let text = page.text.filter(|_| page.letters >= MIN_PAGE_LETTERS).map(|t| (t, "text"));
    text.into_iter().chain(page.images.iter().filter(|(_, px)| *px >= MIN_IMAGE_PIXELS).map(|(d, _)| (*d, "image")))
}
