//! Binding a pack: typesets each typeset part on its own (on the worker pool, reusing cached
//! parts), settles the front sheet's agenda against the parts' real page counts, typesets the
//! furniture of every page and merges it all into one PDF ([`crate::merge`]).
//!
//! Memory is bounded by the parts in flight, not by the pack: a part's layout is dropped as soon
//! as its PDF is made, and a typeset part is kept as its bytes only (its objects are read when
//! the merge reaches it, one part at a time). This room decides nothing about what a pack holds (that is
//! [`crate::document::pack`]'s) and writes no output file; it reads and writes only the part
//! cache ([`PartCache`]).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use super::ahead::Ahead;
use super::part_cache::{part_key, Found, PartCache};
use crate::document::pack::{item_anchor, resolved_front, PackPart, PackParts, PartContent};
use crate::engine::Engine;
use crate::jobs::in_workers;
use crate::merge::{self, MergeOptions, Part, PartSource};
use crate::render::pdf::{FurniturePage, FurnitureSpec};
use crate::tree::Document;

/// A bound pack: the PDF, where each item starts, and what the user should hear about it.
#[derive(Debug)]
pub struct BoundPack {
    /// The merged PDF.
    pub pdf: Vec<u8>,
    /// The front sheet and agenda with the agenda's page ranges filled in and the pack's header
    /// and footer (for the DOCX agenda and the HTML index).
    pub front: Document,
    /// Each item's anchor (`item-6`) → the pack page it starts on (1-based).
    pub starts: BTreeMap<String, usize>,
    /// Pages in the pack.
    pub page_count: usize,
    /// What the merge could not hide (content removed from a bound PDF, a damaged one), by the
    /// agenda item the PDF belongs to.
    pub warnings: Vec<(u32, String)>,
}

/// Why a pack could not be bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BindError {
    /// One part could not be typeset: its agenda item, what it is (its file, or its title) and why.
    Part {
        /// The agenda item the part belongs to.
        item: u32,
        /// Its file as named, or its title.
        what: String,
        /// Why it failed.
        message: String,
    },
    /// The pack as a whole: the front sheet, the furniture, the merge, the cache key.
    Pack(String),
    /// Parts found in the cache said they are not for publication: their entries are removed,
    /// and nothing bound with them is kept. Binding again typesets those parts afresh.
    CacheRefused(usize),
}

impl BindError {
    /// The message for a pack named `pack` ("public pack", "Part 2 pack").
    pub fn describe(&self, pack: &str) -> String {
        match self {
            BindError::Part { item, what, message } => format!("{pack} (item {item}, {what}): {message}"),
            BindError::Pack(message) => format!("{pack}: {message}"),
            BindError::CacheRefused(n) => format!(
                "{pack}: {n} part(s) found in the part cache say they are not for publication; their entries were \
                 removed, and the pack was not written"
            ),
        }
    }
}

impl From<String> for BindError {
    fn from(message: String) -> Self {
        BindError::Pack(message)
    }
}

/// How many times the front sheet is typeset again when the agenda's page numbers change its own
/// length (a page range one digit longer can push a row over): the count settles in one or two.
const FRONT_PASSES: usize = 4;

/// Binds `pack`: parts typeset with `workers` threads, each typeset part looked up in (and added
/// to) `cache` when one is given. An error names the part that failed.
///
/// Each typeset part's document is taken from `pack` and let go as soon as it is typeset (or
/// found in the cache), so that a large pack never holds its documents and their PDFs at once.
///
/// `turn`, when given, is given once the front sheet has been laid out ahead of the parts (or at
/// once, when there is nothing to lay out ahead), and when binding ends, whatever its end.
pub fn bind(
    engine: &Engine,
    pack: &mut PackParts,
    workers: usize,
    cache: Option<&PartCache>,
    ahead: Option<&Ahead<'_, '_>>,
    turn: Option<&Turn>,
) -> Result<BoundPack, BindError> {
    let turn = GivenOnDrop(turn);
    let documents: Vec<std::sync::Mutex<Option<Box<Document>>>> = pack
        .parts
        .iter_mut()
        .map(|p| {
            std::sync::Mutex::new(match &mut p.content {
                PartContent::Typeset(doc) => doc.take(),
                PartContent::Bound(_) => None,
            })
        })
        .collect();
    let pack: &PackParts = pack;
    // As many typesetters as will work at once, started side by side rather than as each is
    // first needed: an edited part finds one ready while the front sheet is laid out ahead.
    let typeset = pack.parts.iter().filter(|p| matches!(p.content, PartContent::Typeset(_))).count();
    let writer = engine.writers_of(&pack.front).pdf_for(workers.min(typeset + 1)).map_err(|e| e.to_string())?;
    // A bound PDF as the meeting read it (what the merge copies from); a typeset one inspected
    // here for the agenda's layout, its objects let go until the merge reads it again, one part
    // at a time, so that a pack's parts are never all held as objects at once.
    let jobs: Vec<(&PackPart, &std::sync::Mutex<Option<Box<Document>>>)> = pack.parts.iter().zip(&documents).collect();
    // Each part's page count and sizes as the last build of this pack found them, when it found
    // them for every typeset part: the front sheet and furniture are laid out for those while the
    // parts are typeset, and used if the parts come out the same (an edit seldom changes them).
    let last = cache.and_then(PartCache::last_facts);
    let guessed: Option<Vec<merge::PdfFacts>> = last.as_ref().and_then(|last| {
        let mut guessed = Vec::with_capacity(pack.parts.len());
        for (index, part) in pack.parts.iter().enumerate() {
            guessed.push(match &part.content {
                PartContent::Bound(pdf) => pdf.read.facts().clone(),
                PartContent::Typeset(_) => last.get(&facts_key(index, part))?.clone(),
            });
        }
        Some(guessed)
    });
    if guessed.is_none() {
        turn.give();
    }
    let (typeset, laid_ahead) = std::thread::scope(|scope| {
        let turn = &turn;
        let laying = guessed.map(|guessed| {
            scope.spawn(move || {
                let laid = lay_front_and_furniture(pack, &guessed.iter().collect::<Vec<_>>(), writer);
                turn.give();
                (guessed, laid)
            })
        });
        let typeset = typeset_parts(engine, &jobs, workers, cache, ahead);
        (typeset, laying.and_then(|a| a.join().ok()))
    });
    let read = typeset.into_iter().collect::<Result<Vec<_>, _>>()?;
    if let Some(cache) = cache {
        let facts = pack
            .parts
            .iter()
            .enumerate()
            .zip(&read)
            .filter(|((_, part), _)| matches!(part.content, PartContent::Typeset(_)));
        let facts = facts.map(|((index, part), read)| (facts_key(index, part), read.facts().clone())).collect();
        if last.as_ref() != Some(&facts) {
            cache.put_last_facts(&facts);
        }
    }

    // A part found in the cache is checked for not-for-publication marks (see
    // `PartCache::refused`): a sealed one's metadata at once; any other's every page, on a copy of
    // its bytes, on a thread of its own while the front sheet, the furniture and the merge go on
    // (the merge lets the parts' own bytes go as it reads them). A part that says so refuses the
    // whole binding (nothing bound with it leaves here) and its entry goes, so that binding again
    // typesets it afresh.
    let mut refused = 0;
    let mut unsealed = Vec::new();
    if let Some(cache) = cache {
        for found in read.iter().filter_map(|r| if let ReadPart::Cached(found) = r { Some(found) } else { None }) {
            if !found.sealed() {
                unsealed.push(found.clone());
            } else if cache.refused(found) {
                refused += 1;
            }
        }
    }
    if refused > 0 {
        return Err(BindError::CacheRefused(refused));
    }
    let (checked, bound) = std::thread::scope(|scope| {
        let checker = scope.spawn(|| match cache {
            Some(cache) => unsealed.iter().filter(|found| cache.refused(found)).count(),
            None => 0,
        });
        let bound = join_parts(pack, read, writer, laid_ahead);
        (checker.join(), bound)
    });
    match checked {
        Ok(0) => bound,
        Ok(refused) => Err(BindError::CacheRefused(refused)),
        Err(_) => Err(BindError::Pack("the check of cached parts stopped unexpectedly".into())),
    }
}

/// A digest (SHA-256, in hex) of everything [`bind`] makes `pack` from: its front sheet and
/// furniture, each part's place, title and standing, each typeset part's key ([`part_key`]: its
/// document and what its layout depends on) and each bound PDF's bytes and name. Two packs of one
/// digest bind to the same bytes, as binding is deterministic. `None` when a part's document has
/// already been typeset and let go.
pub fn inputs_digest(engine: &Engine, pack: &PackParts) -> Option<String> {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    // Each piece as JSON, one line each: no piece can run into the next.
    let mut piece = |value: serde_json::Value| {
        h.update(value.to_string().as_bytes());
        h.update(b"\n");
    };
    let front_key = part_key(&pack.front, engine.writers_of(&pack.front).layout_digest()).ok()?;
    piece(serde_json::json!(["cabrep-pack-inputs", front_key, pack.furniture]));
    for part in &pack.parts {
        let content = match &part.content {
            PartContent::Typeset(Some(doc)) => {
                serde_json::json!(["typeset", part_key(doc, engine.writers_of(doc).layout_digest()).ok()?])
            }
            PartContent::Typeset(None) => return None,
            PartContent::Bound(pdf) => serde_json::json!([
                "bound",
                display_name(&pdf.path),
                super::part_cache::hex(&Sha256::digest(pdf.read.bytes().as_slice()))
            ]),
        };
        piece(serde_json::json!([part.item, part.title, part.appendix, part.announce, content]));
    }
    Some(super::part_cache::hex(&h.finalize()))
}

/// A turn that work which is not needed first waits for. A pack's public binding gives it once it
/// has laid its front sheet out ahead of its parts, so that the Part 2 pack, bound beside it,
/// does not take the typesetter an edited report needs (a rebuild's one long task).
#[derive(Debug, Default)]
pub struct Turn {
    given: std::sync::Mutex<bool>,
    changed: std::sync::Condvar,
}

impl Turn {
    /// Gives the turn: whoever waits for it goes on (now and later).
    pub fn give(&self) {
        *self.given.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = true;
        self.changed.notify_all();
    }

    /// Waits until the turn is given.
    pub fn wait(&self) {
        let mut given = self.given.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while !*given {
            given = self.changed.wait(given).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
    }
}

/// Gives a turn when dropped (or earlier, by [`GivenOnDrop::give`]): a binding that fails or
/// panics never leaves the turn's waiter waiting.
struct GivenOnDrop<'a>(Option<&'a Turn>);

impl GivenOnDrop<'_> {
    fn give(&self) {
        if let Some(turn) = self.0 {
            turn.give();
        }
    }
}

impl Drop for GivenOnDrop<'_> {
    fn drop(&mut self) {
        self.give();
    }
}

/// Typesets each typeset part of `jobs` (or finds it in `cache`, or adds it there) with
/// `workers` threads; a bound part is as the meeting read it.
fn typeset_parts<'a>(
    engine: &Engine,
    jobs: &[(&'a PackPart, &std::sync::Mutex<Option<Box<Document>>>)],
    workers: usize,
    cache: Option<&PartCache>,
    ahead: Option<&Ahead<'_, '_>>,
) -> Vec<Result<ReadPart<'a>, BindError>> {
    in_workers(jobs, workers, |&(part, document)| -> Result<ReadPart<'a>, BindError> {
        let read = |pdf: Vec<u8>| {
            merge::inspect_typeset(&pdf).map(|facts| ReadPart::Typeset(pdf, facts)).map_err(|e| BindError::Part {
                item: part.item,
                what: part.title.clone(),
                message: e.to_string(),
            })
        };
        match &part.content {
            PartContent::Bound(pdf) => Ok(ReadPart::Bound(&pdf.read)),
            PartContent::Typeset(_) => {
                let taken = document.lock().ok().and_then(|mut d| d.take());
                let Some(doc) = taken else {
                    return Err(BindError::Part {
                        item: part.item,
                        what: part.title.clone(),
                        message: "its document was already typeset (a pack is bound once)".into(),
                    });
                };
                // A report is typeset with its own template's layout and fonts.
                let writers = engine.writers_of(&doc);
                let writer = writers.pdf().map_err(|e| e.to_string())?;
                let key = cache.map(|_| part_key(&doc, writers.layout_digest())).transpose()?;
                if let (Some(cache), Some(key)) = (cache, key.as_deref()) {
                    if let Some(found) = cache.get(key) {
                        return Ok(ReadPart::Cached(found));
                    }
                }
                // Typeset ahead of binding (under this key only: see `Ahead`), or now.
                let typeset_ahead = ahead.zip(key.as_deref()).and_then(|(ahead, key)| ahead.take(key));
                let pdf = typeset_ahead.unwrap_or_else(|| writer.render(&doc).map_err(|e| e.to_string())).map_err(
                    |message| BindError::Part {
                        item: part.item,
                        what: part.source.as_ref().map_or_else(|| part.title.clone(), |s| s.display().to_string()),
                        message,
                    },
                )?;
                drop(doc);
                let read = read(pdf)?;
                if let (Some(cache), Some(key), ReadPart::Typeset(pdf, facts)) = (cache, key.as_deref(), &read) {
                    cache.put(key, pdf, facts);
                }
                Ok(read)
            }
        }
    })
}

/// Binds the parts read (typeset, found in the cache, or bound) with the front sheet, settled
/// against their page counts, and the furniture of every page. A typeset part's bytes are given
/// to the merge, which lets them go once it has read them.
fn join_parts(
    pack: &PackParts,
    read: Vec<ReadPart<'_>>,
    writer: &crate::render::pdf::PdfWriter,
    laid_ahead: LaidAhead,
) -> Result<BoundPack, BindError> {
    let facts: Vec<merge::PdfFacts> = read.iter().map(|r| r.facts().clone()).collect();
    let facts: Vec<&merge::PdfFacts> = facts.iter().collect();
    let bound_read: Vec<Option<&merge::ReadPdf>> = read.iter().map(ReadPart::read).collect();

    // The front sheet and furniture: laid out while the parts were typeset, from their page
    // counts and sizes of the last build, when those were right; else now.
    let laid = match laid_ahead {
        Some((guessed, Ok(laid))) if same_pages(&guessed, &facts) => laid,
        _ => lay_front_and_furniture(pack, &facts, writer)?,
    };
    let Laid { front, front_pdf, starts, page_count, furniture, tagged_stamps } = laid;

    let mut parts = vec![Part {
        pdf: merge::PartPdf::Lent(front_pdf.bytes()),
        source: PartSource::Typeset,
        title: pack.front.meta.title.clone(),
        lang: None,
        nested: false,
    }];
    for (part, pdf) in pack.parts.iter().zip(read) {
        let source = match &part.content {
            PartContent::Typeset(_) => PartSource::Typeset,
            PartContent::Bound(b) => PartSource::Bound { name: display_name(&b.path) },
        };
        let pdf = match pdf {
            ReadPart::Bound(bound) => merge::PartPdf::Lent(bound.bytes()),
            ReadPart::Typeset(pdf, _) | ReadPart::Cached(Found { pdf, .. }) => merge::PartPdf::given(pdf),
        };
        parts.push(Part { pdf, source, title: part.title.clone(), lang: None, nested: part.appendix });
    }
    let read: Vec<Option<&merge::ReadPdf>> = std::iter::once(Some(&front_pdf)).chain(bound_read).collect();
    let options = MergeOptions {
        title: pack.front.meta.title.clone(),
        lang: pack.front.meta.lang.clone(),
        author: pack.front.meta.author.clone(),
        keywords: pack.front.meta.keywords.clone(),
        furniture: Some(furniture),
        date: Some(pack.front.meta.date.midnight().assume_utc()),
        tagged_stamps,
    };
    let mut merged = merge::merge_read(&parts, &read, &options).map_err(|e| e.to_string())?;
    if options.keywords.iter().any(|k| k == crate::tree::NOT_FOR_PUBLICATION_KEYWORD) {
        // The pack's furniture says NOT FOR PUBLICATION in the words of the template; the mark
        // is made sure of as on every not-for-publication PDF.
        let front = &pack.front.meta;
        merged.pdf = writer
            .mark_not_for_publication(merged.pdf, &pack.front.style, &front.lang, front.date)
            .map_err(|e| e.to_string())?;
    }
    if merged.page_count as usize != page_count {
        return Err(BindError::Pack(format!(
            "the merged pack has {} pages, its parts {page_count}",
            merged.page_count
        )));
    }
    // Printed on its own (the DOCX agenda, the HTML index), the front sheet has the pack's
    // header and footer, which the merge laid over it as furniture.
    let front = Document { furniture: pack.furniture.clone(), ..front };
    Ok(BoundPack {
        pdf: merged.pdf,
        front,
        starts,
        page_count,
        warnings: merged
            .warnings
            .iter()
            // An untagged bound PDF is the meeting's warning, given where the file is named.
            .filter(|w| !matches!(w, merge::MergeWarning::Untagged { .. }))
            .map(|w| (item_of(pack, w), w.to_string()))
            .collect(),
    })
}

/// The front sheet and agenda, settled against the parts' page counts, and the furniture of
/// every page, from what each part's PDF is (`facts`, in the parts' order).
fn lay_front_and_furniture(
    pack: &PackParts,
    facts: &[&merge::PdfFacts],
    writer: &crate::render::pdf::PdfWriter,
) -> Result<Laid, BindError> {
    // The front sheet: typeset, then again while the agenda's numbers change its length. A front
    // sheet and an agenda are a page each, as a rule, so that is the first guess.
    let settled = settle(2, FRONT_PASSES, |front_pages| {
        let (starts, total) = item_starts(pack, facts, front_pages);
        let front = resolved_front(&pack.front, &starts, total);
        let pdf = writer.render(&front).map_err(|e| format!("front sheet and agenda: {e}"))?;
        let pdf = merge::read(Arc::new(pdf)).map_err(|e| format!("front sheet and agenda: {e}"))?;
        Ok((pdf.facts().page_count as usize, (front, pdf, starts, total)))
    })?;
    let Some((front, front_pdf, starts, page_count)) = settled else {
        return Err(BindError::Pack(format!(
            "front sheet and agenda: its length did not settle in {FRONT_PASSES} passes (the agenda's page numbers \
             keep changing it)"
        )));
    };

    // A bound PDF's first page is stamped with its agenda item (its title is not on its pages):
    // drawn from a furniture page of its own as real content, a heading (see `merge::announce`).
    let bound = std::iter::once(false).chain(pack.parts.iter().map(|p| matches!(p.content, PartContent::Bound(_))));
    let sizes: Vec<FurniturePage> = std::iter::once(front_pdf.facts())
        .chain(facts.iter().copied())
        .zip(bound)
        .flat_map(|(f, bound)| {
            f.pages.iter().map(move |p| FurniturePage { width: p.width, height: p.height, stamp: None, bound })
        })
        .collect();
    let (stamp_pages, tagged_stamps) = announced(pack, facts);
    let furniture = writer
        .furniture(
            &FurnitureSpec {
                style: &pack.front.style,
                lang: &pack.front.meta.lang,
                title: &pack.front.meta.title,
                header: pack.furniture.header.as_deref(),
                footer: &pack.furniture.footer,
                pages: &sizes,
                stamp_pages: &stamp_pages,
            },
            pack.front.meta.date,
        )
        .map_err(|e| format!("page furniture: {e}"))?;

    Ok(Laid { front, front_pdf, starts, page_count, furniture, tagged_stamps })
}

/// Whether two readings of the parts agree on what [`lay_front_and_furniture`] reads of them:
/// each part's page count and page sizes (an edited report's title, say, may differ).
fn same_pages(guessed: &[merge::PdfFacts], facts: &[&merge::PdfFacts]) -> bool {
    guessed.len() == facts.len()
        && guessed.iter().zip(facts).all(|(g, f)| g.page_count == f.page_count && g.pages == f.pages)
}

/// The front sheet and furniture of a pack, laid out for its parts' page counts and sizes.
struct Laid {
    /// The front sheet and agenda as a document, its page numbers resolved.
    front: Document,
    /// The front sheet and agenda, typeset and read.
    front_pdf: merge::ReadPdf,
    /// Each item's first page.
    starts: BTreeMap<String, usize>,
    /// The pack's pages.
    page_count: usize,
    furniture: merge::FurniturePdf,
    tagged_stamps: Vec<merge::TaggedStamp>,
}

/// What a pack's front sheet was laid out for while its parts were typeset: the parts' facts as
/// the last build found them, and the front sheet and furniture laid out for those.
type LaidAhead = Option<(Vec<merge::PdfFacts>, Result<Laid, BindError>)>;

/// The key of a typeset part's facts among the last build's: its place in the pack and its
/// report file (not its title, which an edit may change).
fn facts_key(index: usize, part: &PackPart) -> String {
    format!("{index} {}", part.source.as_ref().map(|s| s.display().to_string()).unwrap_or_default())
}

/// A part as binding keeps it until the merge: a bound PDF as the meeting read it, objects and
/// all; a typeset one as its bytes and what [`merge::inspect_typeset`] said of them.
enum ReadPart<'a> {
    Bound(&'a merge::ReadPdf),
    Typeset(Vec<u8>, merge::PdfFacts),
    /// Found in the cache (checked while it is bound: see [`PartCache::refused`]).
    Cached(Found),
}

impl<'a> ReadPart<'a> {
    fn facts(&self) -> &merge::PdfFacts {
        match self {
            ReadPart::Bound(read) => read.facts(),
            ReadPart::Typeset(_, facts) | ReadPart::Cached(Found { facts, .. }) => facts,
        }
    }

    /// The objects already read, when they are kept (the meeting keeps them).
    fn read(&self) -> Option<&'a merge::ReadPdf> {
        match self {
            ReadPart::Bound(read) => Some(*read),
            ReadPart::Typeset(..) | ReadPart::Cached(..) => None,
        }
    }
}

/// Typesets something whose content depends on its own length (`typeset(guess)` gives the page
/// count it came out at, and what it made) until the count is the guess, at most `passes` times;
/// `None` when it never settles — never a result made with a wrong guess.
fn settle<T>(
    first_guess: usize,
    passes: usize,
    mut typeset: impl FnMut(usize) -> Result<(usize, T), String>,
) -> Result<Option<T>, String> {
    let mut guess = first_guess;
    for _ in 0..passes {
        let (count, made) = typeset(guess)?;
        if count == guess {
            return Ok(Some(made));
        }
        guess = count;
    }
    Ok(None)
}

/// Where each item starts when the front sheet takes `front_pages`: the anchor of every item with
/// pages → its first page, and the pack's page count.
fn item_starts(pack: &PackParts, facts: &[&merge::PdfFacts], front_pages: usize) -> (BTreeMap<String, usize>, usize) {
    let mut starts = BTreeMap::new();
    let mut next = front_pages + 1;
    for (part, f) in pack.parts.iter().zip(facts) {
        starts.entry(item_anchor(part.item)).or_insert(next);
        next += f.page_count as usize;
    }
    (starts, next - 1)
}

/// The agenda item of the part a merge warning names (the first bound file of that name).
fn item_of(pack: &PackParts, warning: &merge::MergeWarning) -> u32 {
    use merge::MergeWarning as W;
    let name = match warning {
        W::Untagged { name }
        | W::Sanitised { name, .. }
        | W::Repaired { name }
        | W::RoleConflict { name, .. }
        | W::UntaggedContent { name, .. }
        | W::PageTooLarge { name, .. } => name,
    };
    pack.parts
        .iter()
        .find(|p| matches!(&p.content, PartContent::Bound(b) if display_name(&b.path) == *name) || p.title == *name)
        .map_or(0, |p| p.item)
}

/// A bound file as the user knows it: its file name.
fn display_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The stamp of each bound PDF's first page ("Agenda item 4: Minutes …", and for an untagged
/// one what a reader is told of it), on a furniture page of its own, and the heading the merge
/// makes of it: an item's own document heads the item
/// (`H1`, as a report's title does), an appendix comes under its item (`H2`). The front sheet
/// is part 0.
fn announced(pack: &PackParts, facts: &[&merge::PdfFacts]) -> (Vec<FurniturePage>, Vec<merge::TaggedStamp>) {
    let mut pages = Vec::new();
    let mut tagged = Vec::new();
    for (i, (part, f)) in pack.parts.iter().zip(facts).enumerate() {
        let (PartContent::Bound(_), Some(first)) = (&part.content, f.pages.first()) else { continue };
        pages.push(FurniturePage {
            width: first.width,
            height: first.height,
            // An untagged document's announcement after the stamp, in one text (a line break
            // would join the two without a space for a reader).
            stamp: Some(match &part.announce {
                Some(announce) => format!("{} – {announce}", part.title),
                None => part.title.clone(),
            }),
            bound: true,
        });
        tagged.push(merge::TaggedStamp { part: i + 1, level: if part.appendix { 2 } else { 1 } });
    }
    (pages, tagged)
}

#[cfg(test)]
mod tests {
    use super::{inputs_digest, settle, GivenOnDrop, Turn};
    use crate::document::pack::{PackPart, PackParts, PartContent};
    use crate::engine::Engine;
    use std::time::Duration;

    #[test]
    fn the_inputs_digest_of_a_pack_follows_its_front_sheet_every_part_and_each_bound_pdf_s_bytes() {
        let engine = Engine::new(None).expect("engine");
        let inputs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs");
        let exempt = engine.load(&inputs.join("land-disposal.yaml")).expect("exempt report");
        let other = engine.load(&inputs.join("highways-capital-programme.yaml")).expect("another report");
        let doc = engine.document(&exempt.report);
        let pdf = engine.render(&doc, crate::render::Format::Pdf).expect("a PDF to bind");
        let bound = |bytes: Vec<u8>| {
            let limits = crate::input::file::Limits::default();
            crate::meeting::BoundPdf::from_bytes(std::path::Path::new("appendix.pdf"), bytes, &limits).expect("bound")
        };
        let part = |title: &str, content: PartContent| PackPart {
            item: 7,
            title: title.to_owned(),
            appendix: false,
            source: None,
            content,
            alone: None,
            announce: None,
        };
        let pack = |doc: &crate::tree::Document, title: &str, appendix: Vec<u8>| PackParts {
            front: engine.document(&other.report),
            parts: vec![
                part(title, PartContent::Typeset(Some(Box::new(doc.clone())))),
                part("Appendix 1", PartContent::Bound(bound(appendix))),
            ],
            furniture: crate::tree::Furniture {
                header: Some("NOT FOR PUBLICATION".into()),
                footer: "Page {page}".into(),
            },
        };
        let digest = |p: &PackParts| inputs_digest(&engine, p).expect("digest");
        let base = digest(&pack(&doc, "Land", pdf.clone()));
        assert_eq!(base, digest(&pack(&doc, "Land", pdf.clone())), "the same inputs, the same digest");
        assert_eq!(base.len(), 64);
        // A part's title, a typeset part's document, a bound PDF's bytes, the front sheet and the
        // furniture each change it.
        assert_ne!(base, digest(&pack(&doc, "Land at Teesdale", pdf.clone())));
        let mut edited = doc.clone();
        edited.meta.title.push_str(" (revised)");
        assert_ne!(base, digest(&pack(&edited, "Land", pdf.clone())));
        let mut replaced = pdf.clone();
        replaced.extend_from_slice(b"%\n");
        assert_ne!(base, digest(&pack(&doc, "Land", replaced)));
        let mut other_front = pack(&doc, "Land", pdf.clone());
        other_front.front.meta.title.push_str(" (revised)");
        assert_ne!(base, digest(&other_front));
        let mut other_footer = pack(&doc, "Land", pdf.clone());
        other_footer.furniture.footer = "Page {page} of {pages}".into();
        assert_ne!(base, digest(&other_footer));
        // A part already typeset and let go cannot be digested: nothing is left as it is.
        let mut spent = pack(&doc, "Land", pdf);
        spent.parts[0].content = PartContent::Typeset(None);
        assert_eq!(inputs_digest(&engine, &spent), None);
    }

    #[test]
    fn a_turn_is_waited_for_until_given_and_a_binding_that_ends_any_way_gives_it() {
        let turn = Turn::default();
        let (went_on, heard) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            let turn = &turn;
            scope.spawn(move || {
                turn.wait();
                let _ = went_on.send(());
            });
            // Ended by a panic: its guard gives the turn as it unwinds.
            let given = GivenOnDrop(Some(turn));
            assert!(heard.recv_timeout(Duration::from_millis(50)).is_err(), "the waiter goes on before the turn");
            let ended = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
                let _given = given;
                panic!("the binding failed");
            }));
            assert!(ended.is_err());
            let went_on = heard.recv_timeout(Duration::from_secs(10)).is_ok();
            turn.give(); // so that a waiter left waiting ends, and the test with it
            assert!(went_on, "the waiter never went on");
        });
        // Given once, it stays given: a later waiter goes straight on.
        turn.wait();
    }

    #[test]
    fn a_front_sheet_that_never_settles_is_refused_not_used_with_the_last_wrong_guess() {
        // Each pass comes out one page longer than guessed: no result may be taken.
        let mut guesses = Vec::new();
        let r = settle(2, 4, |g| {
            guesses.push(g);
            Ok((g + 1, g))
        });
        assert_eq!(r, Ok(None));
        assert_eq!(guesses, [2, 3, 4, 5]);
    }

    #[test]
    fn a_front_sheet_settles_on_the_guess_that_comes_out_right() {
        assert_eq!(settle(2, 4, |g| Ok((2, g))), Ok(Some(2)), "right first time: one pass");
        let mut passes = 0;
        assert_eq!(
            settle(2, 4, |g| {
                passes += 1;
                Ok((3, g))
            }),
            Ok(Some(3))
        );
        assert_eq!(passes, 2);
        assert_eq!(settle(2, 4, |_| Err::<(usize, ()), _>("boom".to_owned())), Err("boom".to_owned()));
    }
}
