//! The PDF merge: joins separately made PDF parts (typeset reports, bound documents) into one
//! tagged document at the object level, so that a bound document keeps its own pages, text,
//! fonts, vectors, page sizes, rotation, links and structure.
//!
//! This room owns reading a part ([`inspect`], [`read`], and the load inside [`merge`]), copying its
//! pages and everything they reach into the result, sanitising what it copies, grafting each
//! part's structure tree under one `/Part` element, one bookmark per part, the result's
//! catalogue and metadata, and stamping page furniture onto every page (a bound part's stamp as
//! a heading, see `announce`). It never typesets,
//! never decides which parts make a pack or in what order, and never reads or writes files:
//! bytes in, bytes out. It imports nothing of the project but the markup escaper
//! ([`crate::escape`], on the ground floor too), so the meeting's loading reads bound PDFs
//! through it ([`inspect`]) as the pack's binding does.
//!
//! # API
//!
//! - [`inspect`]`(pdf)` (and [`inspect_typeset`] for a PDF cabrep typeset) gives a part's page
//!   count, whether it is tagged, its page sizes as displayed and its Info title and keywords,
//!   so that a caller can lay out an agenda before anything is merged. Reading is bounded: a
//!   page tree deeper than 64 levels or leading back to itself, and a structure tree of more
//!   than 200,000 elements, are refused (nesting within one object is bounded by the reader, at
//!   100 levels).
//! - [`read`]`(pdf)` reads a part as [`inspect`] does and keeps what it read ([`ReadPdf`]), and
//!   [`merge_read`] merges parts already read without reading them again: a bound PDF is read
//!   by this reader once per build.
//! - [`seen`]`(pdf, keyword)` reads a PDF as a reader sees it (each page's text and images, as
//!   digests, through hayro's interpreter) and whether it is marked not for publication (its
//!   Info dictionary, its XMP metadata, the words in a page's header or footer).
//! - [`mark_not_for_publication`]`(pdf, keyword, stamps)` sets that mark on a finished PDF: the
//!   keyword in Info and XMP, and furniture stamped (as an artifact) on the pages named.
//! - [`merge`]`(parts, options)` joins [`Part`]s in order and gives a [`Merged`] document: its
//!   bytes, the first page of each part, its page count and [`MergeWarning`]s. A part that
//!   cannot be read fails the whole merge with a [`MergeError`] naming the part and why.
//!
//! # What the result holds
//!
//! - **Pages as pages.** Each page of a part is copied with the objects it reaches: content
//!   streams (bytes untouched), resources, annotations. Attributes a page inherits from its
//!   page tree (`MediaBox`, `CropBox`, `Resources`, `Rotate`) are resolved onto the page.
//!   Named destinations are resolved to explicit ones while copying (the result has no name
//!   dictionary), so a link or bookmark to a page of the same part still reaches that page.
//! - **One structure tree.** `StructTreeRoot /K [Document /K [Part Part …]]`: one `/Part`
//!   element per tagged part, with `/T` the part's title and `/Lang` when the part's language
//!   differs from the document's. A part whose tree is a single `/Document` element gives that
//!   element's children. `StructParents`/`StructParent` keys are offset so that one merged
//!   `ParentTree` serves all parts; role maps and class maps are merged (the first part's
//!   mapping of a role wins, and a conflict is a warning), each part's role map repaired first
//!   (no cycle, no standard type remapped, every custom role straight to a standard type: see
//!   `repair`); an annotation a tagged part's page keeps outside its structure tree is tagged
//!   (`Link`/`Annot` with an object reference, `/Contents`, the page's `/Tabs /S`); struct element `/ID`s are prefixed
//!   with the part's position, and one `IDTree` lists them. An untagged part (no
//!   `StructTreeRoot`, or `MarkInfo /Marked` not true) is copied as it is, gives
//!   [`MergeWarning::Untagged`], and takes the PDF/UA-1 claim (`pdfuaid:part` in the XMP)
//!   away from the result; `MarkInfo /Marked true` stays. So does a bound tagged part whose
//!   pages draw content outside any tag ([`MergeWarning::UntaggedContent`]).
//! - **Bookmarks.** One outline item per part (its title, to its first page), closed, with the
//!   part's own outline beneath it (a lone top item repeating the part's title is the part's
//!   item itself); a [`Part::nested`] part's item goes under the top-level one before it.
//! - **One catalogue**, made here: `/Lang`, `/ViewerPreferences << /DisplayDocTitle true >>`,
//!   `/MarkInfo`, a fresh XMP stream and Info dictionary (title, language, keywords, dates from
//!   [`MergeOptions::date`] only). Nothing of a part's catalogue, Info or metadata is copied.
//! - **Sanitised parts.** Only what pages reach is copied, and while copying: JavaScript,
//!   `Launch`, `ImportData`, `SubmitForm`, `GoToR`, `GoToE` and every other action but `GoTo`,
//!   `Named` and `URI` (http, https, mailto) are dropped; so are `/AA`, `/OpenAction`, `/JS`,
//!   `/AF`, `/PieceInfo`, `/Metadata`, `/XFA`, embedded files and file attachment, sound,
//!   movie, screen, rich media and 3D annotations. Interactive forms are not carried: a
//!   widget keeps its appearance, the form's `AcroForm` dictionary and scripts are left out
//!   (an XFA form among them is reported). Such an object is refused wherever it is referred from (a page's annotations, a struct
//!   element's object reference, an action chain): the reference becomes null. What was
//!   dropped from a bound part is reported in [`MergeWarning::Sanitised`].
//! - **Furniture.** When [`MergeOptions::furniture`] is given, the furniture page its plan names
//!   for result page *i* (without a plan: its page *i*, each the size of that page as displayed)
//!   becomes a Form XObject, made once however many pages it goes on, drawn on result page *i*,
//!   last, inside `/Artifact BMC … EMC`, placed at the page's visible origin and turned against
//!   the page's `/Rotate` so that it reads upright; the page's number (*i* + 1) is drawn in the
//!   plan's slots in the same artifact, in the digits page's embedded font, kerned as the
//!   typesetter kerns it. Its own marked content operators are removed (the whole stamp is one
//!   artifact); its fonts come with it through the XObject's resources.
//! - **Announced bound parts.** Each part named in [`MergeOptions::tagged_stamps`] has its
//!   first page's stamp drawn from a furniture page of its own (after the result's pages) as
//!   real content: marked content with an MCID under a heading element put first among the
//!   part's structure element's children, so a reader reads it before the part's own content.
//!   An untagged part named there gets a `/Part` element holding only that heading.
//! - **Deterministic bytes.** Objects are numbered in the order the merge reaches them; the
//!   trailer `/ID` is a hash of the inputs and options. The same inputs give the same bytes.
//! - **One part at a time.** Parts are copied in order, and each part's objects are written out
//!   (`write`) as soon as the part is done and its pages are stamped; only the page tree's
//!   kids, the structure tree's top and parent tree, the bookmarks' own items and the
//!   cross-reference offsets are kept to the end. A part not already read ([`merge_read`]) is
//!   read when its turn comes and let go after it, so the merge's memory follows the largest
//!   part, not the document.
//! - **Typeset parts read quickly.** A [`PartSource::Typeset`] part written with a classic
//!   cross-reference table (as the typesetter writes it) has its structure elements, fonts and
//!   streams lexed and copied as the bytes they are, their references renumbered, rather than
//!   parsed into objects and written again; only its other objects are parsed (`raw`; also
//!   [`inspect_typeset`]). An object holding anything the copier removes or rewrites is never
//!   copied that way, so a typeset part is sanitised as any part is; any other file is read
//!   whole.
//! - **Bounded and safe.** Encrypted parts are refused; corrupt or truncated ones give an error,
//!   never a panic; each stream the reader inflates is bounded by [`MAX_INFLATED`].

mod announce;
mod copy;
mod join;
mod mark;
mod metadata;
mod raw;
mod reads;
mod repair;
mod seen;
mod source;
mod stamp;
mod write;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use lopdf::{Dictionary, Object, ObjectId};

pub use announce::TaggedStamp;
pub use join::{merge, merge_read};
pub use mark::{mark_not_for_publication, Stamps};
pub use reads::{count_reads, reads_of, Reader};
pub use seen::{marks, seen, text_string, Marks, PageSeen, Seen};

use source::Source;

/// The most bytes any one stream of a part may inflate to while it is read (256 MiB).
pub const MAX_INFLATED: usize = 256 * 1024 * 1024;

/// The largest side a PDF page may have, in points (PDF 32000-1, annex C).
const MAX_PAGE_SIDE: f32 = 14_400.0;

/// A part's PDF file: lent for the whole merge, or given to it and let go as soon as it has
/// been read, so that a large pack's parts are not all held until the merge ends.
#[derive(Debug)]
pub enum PartPdf<'a> {
    /// Bytes the caller keeps.
    Lent(&'a [u8]),
    /// Bytes given to the merge: their length, and the bytes until the part is read.
    Given(usize, std::sync::Mutex<Option<Vec<u8>>>),
}

impl PartPdf<'_> {
    /// Bytes given to the merge, to be let go once read.
    pub fn given(bytes: Vec<u8>) -> PartPdf<'static> {
        PartPdf::Given(bytes.len(), std::sync::Mutex::new(Some(bytes)))
    }

    /// The file's length in bytes.
    pub fn len(&self) -> usize {
        match self {
            PartPdf::Lent(bytes) => bytes.len(),
            PartPdf::Given(len, _) => *len,
        }
    }

    /// Whether the file is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<'a> From<&'a [u8]> for PartPdf<'a> {
    fn from(bytes: &'a [u8]) -> Self {
        PartPdf::Lent(bytes)
    }
}

impl<'a> From<&'a Vec<u8>> for PartPdf<'a> {
    fn from(bytes: &'a Vec<u8>) -> Self {
        PartPdf::Lent(bytes)
    }
}

/// One PDF to be joined, in the order it appears in the result.
#[derive(Debug)]
pub struct Part<'a> {
    /// The PDF file's bytes.
    pub pdf: PartPdf<'a>,
    /// Where the PDF came from: decides how it is named in errors and warnings.
    pub source: PartSource,
    /// The agenda item's title: the `/T` of the part's structure element and its bookmark.
    pub title: String,
    /// The part's language (BCP 47) when known; otherwise the part's own catalogue `/Lang`.
    pub lang: Option<String>,
    /// Bookmarked under the nearest earlier part that is not itself nested (an appendix under
    /// its report), after that part's own headings; else a top-level bookmark.
    pub nested: bool,
}

/// Where a part came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartSource {
    /// Typeset by cabrep: trusted to be tagged, still read through the same copier.
    Typeset,
    /// A PDF bound in as it is; `name` is how the user knows it (the file name).
    Bound {
        /// The file name the user gave, as they know it.
        name: String,
    },
}

/// What the merged document says about itself, and what is stamped on it.
#[derive(Debug, Clone, Default)]
pub struct MergeOptions {
    /// The document title (catalogue, Info, XMP `dc:title`); shown as the window title.
    pub title: String,
    /// The document language (BCP 47), e.g. `en-GB`.
    pub lang: String,
    /// The author (Info `/Author`, XMP `dc:creator`): the council; none when empty.
    pub author: String,
    /// Keywords for Info `/Keywords` and XMP `pdf:Keywords`.
    pub keywords: Vec<String>,
    /// The page furniture stamped onto every result page as an artifact (see [`FurniturePdf`]).
    pub furniture: Option<FurniturePdf>,
    /// Creation and modification date (from `SOURCE_DATE_EPOCH` for reproducible builds);
    /// none gives a document without dates.
    pub date: Option<time::OffsetDateTime>,
    /// Parts whose first page's stamp is real content, a heading first under the part's
    /// structure element; the furniture has one page more for each, in this order, holding
    /// only that stamp. An untagged part named here gets a structure element for it.
    pub tagged_stamps: Vec<TaggedStamp>,
}

/// A pack's page furniture: a PDF of furniture pages and the plan of which goes where.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FurniturePdf {
    /// The furniture pages.
    pub pdf: Vec<u8>,
    /// Which page goes on each result page, and where the page's number is drawn on it. None:
    /// one furniture page per result page, in order, then one per tagged stamp.
    pub plan: Option<FurniturePlan>,
}

impl From<Vec<u8>> for FurniturePdf {
    /// A furniture PDF with one page per result page, in order (then one per tagged stamp).
    fn from(pdf: Vec<u8>) -> FurniturePdf {
        FurniturePdf { pdf, plan: None }
    }
}

/// Which furniture page goes on each result page, and where each page's own number is drawn, so
/// that one furniture page serves every result page of its size and kind, whatever its number.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FurniturePlan {
    /// For each result page, in order, the furniture page laid over it (0-based).
    pub pages: Vec<u32>,
    /// For each of [`MergeOptions::tagged_stamps`], in order, the furniture page holding its stamp.
    pub stamps: Vec<u32>,
    /// `slots[i]`: where furniture page *i* has the result page's number drawn (none past the end).
    pub slots: Vec<Vec<NumberSlot>>,
    /// The digits the numbers are drawn with; needed when any page has a slot.
    pub digits: Option<Digits>,
}

/// Where a page's number goes on a furniture page, in points from its top left: the number is
/// centred in a slot as wide as the widest number of its digits, on the slot's baseline.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct NumberSlot {
    /// The slot's left edge.
    pub x: f32,
    /// The slot's baseline, from the top of the page.
    pub baseline: f32,
    /// The slot's width.
    pub width: f32,
}

/// The furniture page whose only text is the ten digits 0 to 9, in order, in the numbers' font
/// and size, and each digit's advance width in points.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Digits {
    /// The page (0-based).
    pub page: u32,
    /// The advance width of 0, 1, … 9.
    pub widths: [f32; 10],
    /// The kerning of each pair of digits in points (`kerning[10 * a + b]` between digit `a` and
    /// digit `b` after it; negative sets them closer), as the typesetter sets them; none: none.
    #[serde(default)]
    pub kerning: Vec<f32>,
}

impl Digits {
    /// The digits of `number`, in order, each with its kerning against the digit before it (0
    /// for the first), in points.
    pub fn figures(&self, number: usize) -> Vec<(usize, f32)> {
        let digits: Vec<usize> = number.to_string().bytes().map(|b| usize::from(b - b'0')).collect();
        let kern = |i: usize| i.checked_sub(1).and_then(|p| self.kerning.get(10 * digits[p] + digits[i])).copied();
        digits.iter().enumerate().map(|(i, &d)| (d, kern(i).unwrap_or(0.0))).collect()
    }

    /// How wide `number` is set, in points: its digits' widths and the kerning between them.
    pub fn set_width(&self, number: usize) -> f32 {
        self.figures(number).iter().map(|&(d, kern)| self.widths[d] + kern).sum()
    }
}

/// The merged document.
#[derive(Debug, Clone)]
pub struct Merged {
    /// The PDF file's bytes.
    pub pdf: Vec<u8>,
    /// The first page of each part, 1-based, in the order of the parts.
    pub part_starts: Vec<u32>,
    /// Pages in the document.
    pub page_count: u32,
    /// Things the caller should tell the user; none stops the merge.
    pub warnings: Vec<MergeWarning>,
}

/// Something about a part that the merged document cannot hide.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeWarning {
    /// The part has no structure tree: the document cannot claim PDF/UA-1.
    Untagged {
        /// The part's name.
        name: String,
    },
    /// Active or embedded content was removed from the part; `removed` names each kind once.
    Sanitised {
        /// The part's name.
        name: String,
        /// Each kind of content removed, in words, once.
        removed: Vec<String>,
    },
    /// The part's cross-reference data was damaged and rebuilt while reading it.
    Repaired {
        /// The part's name.
        name: String,
    },
    /// A page is larger than PDF's limit of 14,400 units a side: readers may show it cut or
    /// scaled.
    PageTooLarge {
        /// The part's name.
        name: String,
        /// The page, from 1 within the part.
        page: usize,
        /// Its `MediaBox`'s longer side, in whole points.
        side: u32,
    },
    /// A tagged part's pages draw content outside any tag: the document cannot claim PDF/UA-1.
    UntaggedContent {
        /// The part's name.
        name: String,
        /// The pages, from 1 within the part.
        pages: Vec<usize>,
    },
    /// Two parts map the same structure role differently; the first part's mapping is kept.
    RoleConflict {
        /// The later part's name.
        name: String,
        /// The custom role, without its slash.
        role: String,
    },
}

impl std::fmt::Display for MergeWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MergeWarning::Untagged { name } => write!(
                f,
                "{name} is not tagged: the pack cannot claim PDF/UA-1; export it from Word or LibreOffice \
                 with tagging on"
            ),
            MergeWarning::Sanitised { name, removed } => {
                write!(f, "{name}: removed {} (not allowed in a pack)", removed.join(", "))
            }
            MergeWarning::Repaired { name } => {
                write!(f, "{name} is damaged (its cross-reference table was rebuilt); check its pages in the pack")
            }
            MergeWarning::PageTooLarge { name, page, side } => write!(
                f,
                "{name}: page {page} is {side} points ({:.1} m) on its longer side, over the 14,400 points (5.08 m) a PDF page may have; readers may cut or shrink it",
                f64::from(*side) / 72.0 * 0.0254
            ),
            MergeWarning::UntaggedContent { name, pages } => write!(
                f,
                "{name} draws content outside its tags on page{} {}: a screen reader may miss it, and the pack \
                 cannot claim PDF/UA-1; export it again with tagging on",
                if pages.len() == 1 { "" } else { "s" },
                pages.iter().map(usize::to_string).collect::<Vec<_>>().join(", ")
            ),
            MergeWarning::RoleConflict { name, role } => {
                write!(f, "{name} maps the structure role {role} differently from an earlier part; the earlier mapping is kept")
            }
        }
    }
}

/// Why a merge or an inspection failed: the part (its name) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeError {
    /// The part's name: a bound file's name, a typeset part's title, or `furniture`.
    pub name: String,
    /// What is wrong with it.
    pub kind: MergeErrorKind,
}

/// What is wrong with a part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MergeErrorKind {
    /// The PDF is encrypted (even with an empty password): it cannot be copied faithfully.
    Encrypted,
    /// The file ends before its end-of-file marker: it was cut short.
    Truncated,
    /// The file cannot be read as a PDF; the reader's words.
    Corrupt(String),
    /// The PDF has no pages.
    NoPages,
    /// The page tree nests deeper than `limit` levels.
    PageTreeTooDeep {
        /// The most levels allowed.
        limit: usize,
    },
    /// The structure tree has more than `limit` elements.
    TooManyStructElems {
        /// The most elements allowed.
        limit: usize,
    },
    /// The furniture has a different number of pages from the merged document.
    FurniturePages {
        /// Pages in the merged document.
        expected: u32,
        /// Pages in the furniture.
        found: u32,
    },
    /// The merged document could not be written (the writer's words).
    Write(String),
}

impl std::fmt::Display for MergeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let name = &self.name;
        match &self.kind {
            MergeErrorKind::Encrypted => write!(f, "{name} is encrypted; save a copy without a password and bind that"),
            MergeErrorKind::Truncated => write!(f, "{name} is truncated (it ends before its end-of-file marker)"),
            MergeErrorKind::Corrupt(why) => write!(f, "{name} is not a readable PDF: {why}"),
            MergeErrorKind::NoPages => write!(f, "{name} has no pages"),
            MergeErrorKind::PageTreeTooDeep { limit } => {
                write!(f, "{name}'s page tree nests more than {limit} levels deep; at most {limit} are supported")
            }
            MergeErrorKind::TooManyStructElems { limit } => write!(
                f,
                "{name} has more than {limit} structure elements (tags); at most {limit} are supported in a bound PDF"
            ),
            MergeErrorKind::FurniturePages { expected, found } => {
                write!(f, "{name} has {found} pages for a document of {expected}")
            }
            MergeErrorKind::Write(why) => write!(f, "{name} could not be written: {why}"),
        }
    }
}

impl std::error::Error for MergeError {}

/// What [`inspect`] learns of a PDF.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PdfFacts {
    /// Pages in the document.
    pub page_count: u32,
    /// Whether the document has a structure tree and says it is marked.
    pub tagged: bool,
    /// Each page's size as displayed, in order.
    pub pages: Vec<PageFacts>,
    /// The document information dictionary's `/Title`, decoded.
    pub title: Option<String>,
    /// The document information dictionary's `/Keywords`, decoded.
    pub keywords: Option<String>,
}

impl PdfFacts {
    /// Whether the Info dictionary read says the file is not for publication (`keyword` among
    /// its keywords, or the words in its title), as [`seen`] reads it.
    pub fn marked(&self, keyword: &str) -> bool {
        seen::info_marked(self.keywords.as_deref(), self.title.as_deref(), &keyword.to_lowercase())
    }
}

/// One page's size as displayed: its visible box (`CropBox`, else `MediaBox`) turned by its
/// `/Rotate`.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PageFacts {
    /// Width in points (1/72 inch) as displayed.
    pub width: f32,
    /// Height in points as displayed.
    pub height: f32,
    /// The page's rotation in degrees clockwise: 0, 90, 180 or 270.
    pub rotate: u16,
}

/// Reads a PDF far enough to say how many pages it has, their sizes, and whether it is tagged.
/// `name` is not known here, so errors name the file `PDF`.
pub fn inspect(pdf: &[u8]) -> Result<PdfFacts, MergeError> {
    Source::load(pdf, "PDF").map(|source| facts(&source))
}

/// [`inspect`] for a PDF cabrep typeset: read the quick way the merge reads such a part (its
/// structure elements, fonts and streams lexed, not parsed), and as [`inspect`] reads any
/// other file.
pub fn inspect_typeset(pdf: &[u8]) -> Result<PdfFacts, MergeError> {
    Source::load_typeset(pdf, "PDF").map(|source| facts(&source))
}

fn facts(source: &Source) -> PdfFacts {
    let pages = source.pages.iter().map(|p| p.facts()).collect::<Vec<_>>();
    let (title, keywords) = source.info.clone();
    PdfFacts { page_count: pages.len() as u32, tagged: source.tagged, pages, title, keywords }
}

/// A part read once: its bytes, what [`inspect`] says of it, and the objects [`merge_read`]
/// copies from, so that a part read to lay out an agenda is not read again to be merged.
pub struct ReadPdf {
    bytes: Arc<Vec<u8>>,
    facts: PdfFacts,
    source: Source,
}

impl ReadPdf {
    /// The PDF file's bytes.
    pub fn bytes(&self) -> &Arc<Vec<u8>> {
        &self.bytes
    }
    /// What [`inspect`] says of it.
    pub fn facts(&self) -> &PdfFacts {
        &self.facts
    }
}

impl std::fmt::Debug for ReadPdf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadPdf").field("bytes", &self.bytes.len()).field("facts", &self.facts).finish()
    }
}

/// Reads a PDF as [`inspect`] does and keeps what was read, for [`merge_read`]. Errors name the
/// file `PDF`.
pub fn read(pdf: Arc<Vec<u8>>) -> Result<ReadPdf, MergeError> {
    let source = Source::load(&pdf, "PDF")?;
    Ok(ReadPdf { facts: facts(&source), source, bytes: pdf })
}

/// The result being built: its objects, numbered from 1 in the order they are reached. While
/// merging, the objects of the part being copied are held here until the part is done
/// ([`Output::flush`]) and are then written out; only what a later part changes again
/// ([`Output::hold`]) stays.
pub(crate) struct Output {
    objects: BTreeMap<ObjectId, Object>,
    /// Objects copied as bytes (see `raw`), written out with the others: where each one's bytes
    /// are in `raw_bytes`, one buffer for them all (not an allocation each).
    raw: BTreeMap<ObjectId, std::ops::Range<usize>>,
    raw_bytes: Vec<u8>,
    next: u32,
    /// Where finished objects are written; none while a whole document is held (marking one).
    sink: Option<write::Sink>,
    /// Objects [`Output::flush`] keeps back.
    held: BTreeSet<ObjectId>,
}

impl Output {
    /// An output written as it goes, into a file with room for about `bytes` from the start.
    fn new(bytes: usize) -> Self {
        Output {
            objects: BTreeMap::new(),
            raw: BTreeMap::new(),
            raw_bytes: Vec::new(),
            next: 1,
            sink: Some(write::Sink::with_capacity(bytes)),
            held: BTreeSet::new(),
        }
    }

    /// A whole document's objects, held and changed in place.
    pub(crate) fn whole(objects: BTreeMap<ObjectId, Object>, next: u32) -> Self {
        Output { objects, raw: BTreeMap::new(), raw_bytes: Vec::new(), next, sink: None, held: BTreeSet::new() }
    }

    /// A fresh object number (generation 0).
    pub(crate) fn allocate(&mut self) -> ObjectId {
        let id = (self.next, 0);
        self.next += 1;
        id
    }

    pub(crate) fn insert(&mut self, id: ObjectId, object: Object) {
        self.objects.insert(id, object);
    }

    /// Object `id` as the bytes of its value, written out as they are: what `write` appends.
    pub(crate) fn insert_raw_with(&mut self, id: ObjectId, write: impl FnOnce(&mut Vec<u8>)) {
        let start = self.raw_bytes.len();
        write(&mut self.raw_bytes);
        self.raw.insert(id, start..self.raw_bytes.len());
    }

    /// A new object holding `object`.
    pub(crate) fn add(&mut self, object: Object) -> ObjectId {
        let id = self.allocate();
        self.insert(id, object);
        id
    }

    /// Keeps `id` back from [`Output::flush`] until [`Output::finish`].
    fn hold(&mut self, id: ObjectId) {
        self.held.insert(id);
    }

    /// Writes out every object not held, in number order, and forgets it.
    fn flush(&mut self) -> Result<(), MergeError> {
        let Some(sink) = self.sink.as_mut() else { return Ok(()) };
        let raw_bytes = std::mem::take(&mut self.raw_bytes);
        let mut raw = std::mem::take(&mut self.raw).into_iter().peekable();
        for (id, object) in std::mem::take(&mut self.objects) {
            while let Some((raw_id, bytes)) = raw.next_if(|(raw_id, _)| *raw_id < id) {
                sink.write_raw(raw_id, &raw_bytes[bytes]).map_err(write_error)?;
            }
            if self.held.contains(&id) {
                self.objects.insert(id, object);
            } else {
                sink.write(id, &object).map_err(write_error)?;
            }
        }
        for (raw_id, bytes) in raw {
            sink.write_raw(raw_id, &raw_bytes[bytes]).map_err(write_error)?;
        }
        // The buffer is kept, emptied, for the next part's objects.
        self.raw_bytes = raw_bytes;
        self.raw_bytes.clear();
        Ok(())
    }

    /// Writes out everything left and closes the file with `trailer`.
    fn finish(mut self, trailer: Dictionary) -> Result<Vec<u8>, MergeError> {
        self.held.clear();
        self.flush()?;
        let sink = self.sink.take().unwrap_or_else(write::Sink::new);
        sink.finish(trailer, self.next - 1).map_err(write_error)
    }
}

fn write_error(e: std::io::Error) -> MergeError {
    MergeError { name: "the merged document".into(), kind: MergeErrorKind::Write(e.to_string()) }
}
