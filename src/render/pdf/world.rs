//! The typst `World` the PDF writer compiles in: the layout template as the only source, the document
//! tree as JSON at `/data.json`, the document's embedded files (PDFs bound into a pack) at their
//! virtual paths, the shipped fonts, a fixed date. No file system, network or packages.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use super::bound::Raster;
use crate::render::RenderError;
use crate::tree::EmbeddedFile;

/// The virtual path of the layout template (the main source).
pub(super) const TEMPLATE_PATH: &str = "/report.typ";
/// The virtual path the document tree is served at; the template reads it with `json("/data.json")`.
pub(super) const DATA_PATH: &str = "/data.json";

/// File ids are interned for the life of the process (about 65,000 available), so the two fixed paths
/// are interned once and shared by every writer and every render.
static TEMPLATE_ID: LazyLock<FileId> = LazyLock::new(|| project_file(TEMPLATE_PATH));
static DATA_ID: LazyLock<FileId> = LazyLock::new(|| project_file(DATA_PATH));

fn project_file(path: &str) -> FileId {
    let vpath = VirtualPath::new(path).expect("fixed virtual paths are valid");
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

/// What every render shares: the standard library, the fonts and the parsed template. Built once per
/// process; immutable, so `Send + Sync`.
pub(super) struct Typesetter {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    template: Source,
}

impl Typesetter {
    /// Parses the fonts (every face of every file) and the template.
    pub(super) fn new(template: String, fonts: Vec<Vec<u8>>) -> Result<Self, RenderError> {
        let mut parsed = Vec::new();
        for (i, data) in fonts.into_iter().enumerate() {
            let before = parsed.len();
            parsed.extend(Font::iter(Bytes::new(data)));
            if parsed.len() == before {
                return Err(RenderError::new(format!("PDF: font file {} is not a font typst can read", i + 1)));
            }
        }
        if parsed.is_empty() {
            return Err(RenderError::new("PDF: no fonts were given to the typesetter"));
        }
        let book = FontBook::from_fonts(&parsed);
        Ok(Typesetter {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(book),
            fonts: parsed,
            template: Source::new(*TEMPLATE_ID, template),
        })
    }

    /// A typesetter over the same library and fonts (shared, not parsed again) with another main
    /// source: the pack's page furniture.
    pub(super) fn with_template(&self, template: String) -> Typesetter {
        Typesetter {
            library: self.library.clone(),
            book: self.book.clone(),
            fonts: self.fonts.clone(),
            template: Source::new(*TEMPLATE_ID, template),
        }
    }

    /// The font book (to check that the house style names a font we have).
    pub(super) fn book(&self) -> &FontBook {
        &self.book
    }

    /// The font files' bytes, a face at a time (a collection's file once per face).
    pub(super) fn font_data(&self) -> impl Iterator<Item = &[u8]> {
        self.fonts.iter().map(|f| &**f.data())
    }

    /// A font by its index in the book.
    pub(super) fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    /// The parsed template (to map diagnostics to its lines).
    pub(super) fn template(&self) -> &Source {
        &self.template
    }
}

/// One render's world: the shared typesetter plus this document's JSON, files, bound-page images
/// and date.
pub(super) struct ReportWorld<'a> {
    base: &'a Typesetter,
    data: Bytes,
    /// Embedded files and bound-page images by normalised virtual path (`/bound/4.pdf`,
    /// `/bound/4.pdf#p3.png`).
    files: HashMap<String, Bytes>,
    today: Datetime,
}

impl<'a> ReportWorld<'a> {
    /// A world serving `data` (the document tree as JSON), `files` and the bound pages' images
    /// `rasters`, with `today` as the date.
    pub(super) fn new(
        base: &'a Typesetter,
        data: Vec<u8>,
        files: &[EmbeddedFile],
        rasters: Vec<Raster>,
        today: Datetime,
    ) -> Result<Self, RenderError> {
        let mut served = HashMap::new();
        for f in files {
            let path = served_path(&f.path)?;
            served.insert(path, Bytes::new(SharedBytes(Arc::clone(&f.bytes))));
        }
        for r in rasters {
            let path = served_path(&r.path)?;
            if served.insert(path.clone(), Bytes::new(r.png)).is_some() {
                return Err(RenderError::new(format!(
                    "PDF: an embedded file has the path {path}, which a bound page's image needs"
                )));
            }
        }
        Ok(ReportWorld { base, data: Bytes::new(data), files: served, today })
    }
}

/// The normalised virtual path an embedded file is served at (not one of the fixed paths).
pub(super) fn served_path(path: &str) -> Result<String, RenderError> {
    let vpath = VirtualPath::new(path)
        .map_err(|e| RenderError::new(format!("PDF: embedded file path {path:?} is not usable: {e}")))?;
    let vpath = vpath.get_with_slash().to_string();
    if vpath == TEMPLATE_PATH || vpath == DATA_PATH {
        return Err(RenderError::new(format!("PDF: embedded file path {vpath} is reserved")));
    }
    Ok(vpath)
}

/// Embedded file bytes shared with the document tree, without a copy.
struct SharedBytes(Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl World for ReportWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.base.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.base.book
    }

    fn main(&self) -> FileId {
        *TEMPLATE_ID
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == *TEMPLATE_ID {
            Ok(self.base.template.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA_ID {
            return Ok(self.data.clone());
        }
        if id == *TEMPLATE_ID {
            return Ok(Bytes::from_string(self.base.template.clone()));
        }
        let path = id.get();
        if let VirtualRoot::Project = path.root() {
            if let Some(bytes) = self.files.get(path.vpath().get_with_slash()) {
                return Ok(bytes.clone());
            }
        }
        Err(not_found(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.base.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Any other file (an image, a package, an import) is refused: the template is self-contained.
fn not_found(id: FileId) -> FileError {
    let path = id.get();
    let what = match path.root() {
        VirtualRoot::Project => format!("file {}", path.vpath().get_with_slash()),
        VirtualRoot::Package(spec) => format!("package {spec}"),
    };
    FileError::Other(Some(
        format!(
            "{what} is not available: the PDF template may read only {DATA_PATH} and the \
             document's embedded files"
        )
        .into(),
    ))
}
