//! A PDF bound into a pack ([`BoundPdf`]): read once, bounded (its streams scanned before any
//! reader decodes them, its pages counted), and what each reader learned kept with it for the
//! merge and for the checks that no exempt paper is published. Never decides where it goes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::scan;
use crate::diag::Problem;
use crate::input::file::Limits;

/// A PDF bound into a pack, read once: each reader reads its bytes once, at load, and what they
/// learned travels with it to the merge (which copies from the objects read here).
#[derive(Debug, Clone)]
pub struct BoundPdf {
    /// Where it came from, as the paper names it (joined to the paper's folder).
    pub path: PathBuf,
    /// The file that was checked to be inside the root and then opened (symlinks resolved).
    pub real: PathBuf,
    /// Its bytes, read by the merge's reader: page count, page sizes, tags, the objects to copy.
    pub read: Arc<crate::merge::ReadPdf>,
    /// What a reader sees of it: each page's text and images, and its not-for-publication marks.
    pub seen: Arc<crate::merge::Seen>,
    /// What the meeting file says of it for someone who cannot read it, and where an accessible
    /// version is ([`super::access`]).
    pub access: super::access::Access,
}

impl BoundPdf {
    /// Reads the PDF at `real` (a path [`Scope::resolve`](crate::input::file::Scope::resolve) gave: the file checked is the file
    /// opened), a regular file within `limits.pdf_bytes`, named `path` in messages; see
    /// [`BoundPdf::from_bytes`].
    pub fn read(path: &Path, real: &Path, limits: &Limits) -> Result<BoundPdf, String> {
        let mb = limits.pdf_bytes / (1024 * 1024);
        let bytes = crate::input::file::read(real, limits.pdf_bytes, "a PDF", &format!("{mb} MB")).map_err(|e| {
            let raise =
                if e.message.starts_with("the file is too large") { "; raise it with `--max-pdf-mb N`" } else { "" };
            format!("cannot read {}: {}{raise}", path.display(), e.message)
        })?;
        Ok(BoundPdf { real: real.to_path_buf(), ..BoundPdf::from_bytes(path, bytes, limits)? })
    }

    /// Checks that a PDF's streams decode within the limits before any PDF reader decodes them,
    /// reads it once with the merge's reader (bounded: the page tree's depth, the structure
    /// elements; at most `limits.pdf_pages` pages) and once as a reader sees it, and keeps both.
    pub fn from_bytes(path: &Path, bytes: Vec<u8>, limits: &Limits) -> Result<BoundPdf, String> {
        if let Err(e) = scan::check_streams(&bytes, limits) {
            let raise = match e {
                scan::ScanError::TooMuchData { .. } => "; raise it with `--max-pdf-decoded-mb N`",
                scan::ScanError::ImageTooLarge { .. }
                | scan::ScanError::TooDeep { .. }
                | scan::ScanError::TooManyObjects { .. } => "",
            };
            return Err(format!("cannot use {}: {e}{raise}", path.display()));
        }
        let read = crate::merge::read(Arc::new(bytes)).map_err(|e| match e.kind {
            // One with only an owner password (restrictions on printing, copying or changing it)
            // opens without a password, but bound in it would lose those restrictions; one with a
            // user password cannot be read at all. So neither is bound in.
            crate::merge::MergeErrorKind::Encrypted => format!(
                "{} is encrypted (it has a password or restrictions on printing or copying); \
                 binding it into the pack would remove its protection, so it is refused: bind in a copy without encryption",
                path.display()
            ),
            _ => e.to_string().replacen("PDF", &path.display().to_string(), 1),
        })?;
        let pages = read.facts().page_count;
        if pages > limits.pdf_pages {
            return Err(format!(
                "{} has {pages} pages; at most {} pages of one PDF are bound into a pack (raise it with `--max-pdf-pages N`)",
                path.display(),
                limits.pdf_pages
            ));
        }
        let seen = crate::merge::seen(read.bytes(), crate::model::NOT_FOR_PUBLICATION_KEYWORD).ok_or_else(|| {
            format!("{} cannot be read page by page, to check that it holds no exempt material", path.display())
        })?;
        Ok(BoundPdf {
            path: path.to_path_buf(),
            real: path.to_path_buf(),
            read: Arc::new(read),
            seen: Arc::new(seen),
            access: Default::default(),
        })
    }

    /// Its bytes.
    pub fn bytes(&self) -> &Arc<Vec<u8>> {
        self.read.bytes()
    }

    /// Its page count.
    pub fn pages(&self) -> u32 {
        self.read.facts().page_count
    }

    /// Whether it is a tagged PDF (a structure tree, marked): a pack binding an untagged one
    /// cannot claim PDF/UA-1.
    pub fn tagged(&self) -> bool {
        self.read.facts().tagged
    }
}

/// A bound PDF without tags: bound as it is, but the pack can no longer claim PDF/UA-1.
pub(super) fn untagged(path: String, name: &str) -> Problem {
    Problem::warning(path, format!("{name} is not tagged: the pack cannot claim PDF/UA-1"))
        .help("export it from Word or LibreOffice with tagging on (in LibreOffice: PDF options, \"Tagged PDF\")")
}
