//! The typst `World` the PDF writer compiles in: the layout template as the only source, the document
//! tree as JSON at `/data.json`, the document's pictures at `/picture-N`, the shipped fonts, a fixed date. No file system, network or
//! packages. (PDFs bound into a pack are not typeset: [`crate::merge`] joins them to the parts.)

use std::sync::{LazyLock, Mutex};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

use crate::render::RenderError;

/// The virtual path of the layout template (the main source).
pub(super) const TEMPLATE_PATH: &str = "/report.typ";
/// The virtual path the document tree is served at; the template reads it with `json("/data.json")`.
pub(super) const DATA_PATH: &str = "/data.json";

/// File ids are interned for the life of the process (about 65,000 available), so the two fixed paths
/// are interned once and shared by every writer and every render.
static TEMPLATE_ID: LazyLock<FileId> = LazyLock::new(|| project_file(TEMPLATE_PATH));
static DATA_ID: LazyLock<FileId> = LazyLock::new(|| project_file(DATA_PATH));

/// The virtual path the `i`th picture of a document is served at.
pub(super) fn picture_path(i: usize) -> String {
    format!("/picture-{i}")
}

/// The file id of [`picture_path`]`(i)`: interned once per index for the process, so renders
/// reuse the same few ids.
fn picture_id(i: usize) -> FileId {
    static IDS: Mutex<Vec<FileId>> = Mutex::new(Vec::new());
    let mut ids = IDS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    while ids.len() <= i {
        let next = project_file(&picture_path(ids.len()));
        ids.push(next);
    }
    ids[i]
}

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
            // The accessibility extras: the template tags a table's row-label column as row headers
            // (`pdf.header-cell(scope: "row")`) and an empty corner cell as data (`pdf.data-cell`).
            library: LazyHash::new(
                Library::builder().with_features([typst::Feature::A11yExtras].into_iter().collect()).build(),
            ),
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

    /// The parsed template (to map diagnostics to its lines).
    pub(super) fn template(&self) -> &Source {
        &self.template
    }
}

/// One render's world: the shared typesetter plus this document's JSON, pictures and date.
pub(super) struct ReportWorld<'a> {
    base: &'a Typesetter,
    data: Bytes,
    pictures: Vec<(FileId, Bytes)>,
    today: Datetime,
}

impl<'a> ReportWorld<'a> {
    /// A world serving `data` (the document tree as JSON), with `today` as the date.
    pub(super) fn new(base: &'a Typesetter, data: Vec<u8>, today: Datetime) -> Self {
        ReportWorld { base, data: Bytes::new(data), pictures: Vec::new(), today }
    }

    /// The same world serving `pictures`, the `i`th at [`picture_path`]`(i)`.
    pub(super) fn with_pictures(mut self, pictures: Vec<Bytes>) -> Self {
        self.pictures = pictures.into_iter().enumerate().map(|(i, b)| (picture_id(i), b)).collect();
        self
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
        if let Some((_, bytes)) = self.pictures.iter().find(|(p, _)| *p == id) {
            return Ok(bytes.clone());
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

/// Any other file (an image the tree does not hold, a package, an import) is refused: the
/// template is self-contained.
fn not_found(id: FileId) -> FileError {
    let path = id.get();
    let what = match path.root() {
        VirtualRoot::Project => format!("file {}", path.vpath().get_with_slash()),
        VirtualRoot::Package(spec) => format!("package {spec}"),
    };
    FileError::Other(Some(
        format!("{what} is not available: the PDF template may read only {DATA_PATH} and the document's pictures")
            .into(),
    ))
}
