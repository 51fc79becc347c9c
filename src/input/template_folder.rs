//! Reading a template folder (`--template DIR`, or a paper's `template: ./folder`): its
//! `template.toml`, `report.typ`, `fonts/` and the Word file `reference` names, each through the one input reader ([`super::file`]:
//! ordinary files only, never more than a size cap, a FIFO never waited on). The folder is the
//! root of its files: a file or the `fonts/` folder that leads outside it (a symlink) is refused.
//! What is read is handed to [`Template::from_folder`], which parses and checks it.
//!
//! This module never parses what it reads and never quotes a file's content in a message.

use std::path::{Path, PathBuf};

use super::file;
use crate::template::{FolderFiles, Template, TemplateError};

/// `template.toml` and `report.typ` are at most this large (the shipped ones are a few kilobytes).
pub const MAX_TEXT_BYTES: u64 = 4 * 1024 * 1024;
/// One font file is at most this large.
pub const MAX_FONT_BYTES: u64 = 50 * 1024 * 1024;
/// The most font files a template's `fonts/` folder may hold.
pub const MAX_FONT_FILES: usize = 64;
/// The most bytes all of a template's fonts may have together.
pub const MAX_FONTS_BYTES: u64 = 200 * 1024 * 1024;
/// The most entries of `fonts/` looked at (font files or not).
const MAX_FONT_FOLDER_ENTRIES: usize = 10_000;

/// Loads the template folder `dir`.
pub fn load(dir: &Path) -> Result<Template, TemplateError> {
    let shown = |name: &str| dir.join(name).display().to_string();
    let root = std::fs::canonicalize(dir)
        .map_err(|e| TemplateError(format!("{}: cannot read the template folder: {}", dir.display(), reason(&e))))?;
    if !root.is_dir() {
        return Err(TemplateError(format!("{}: is not a folder; a template is a folder", dir.display())));
    }
    let folder = Folder { root, dir };
    let toml_path = folder.inside("template.toml")?.ok_or_else(|| {
        TemplateError(format!("{}: no such file; a template folder holds a `template.toml`", shown("template.toml")))
    })?;
    let toml = text(&toml_path, &shown("template.toml"), "a TOML file")?;
    let typst = match folder.inside("report.typ")? {
        Some(p) => Some(text(&p, &shown("report.typ"), "a typst file")?),
        None => None,
    };
    let fonts = match folder.inside("fonts")? {
        Some(p) => Some(folder.fonts(&p)?),
        None => None,
    };
    let name =
        folder.root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| dir.display().to_string());
    let mut template =
        Template::from_folder(&name, FolderFiles { toml: (shown("template.toml"), toml), typst, fonts })?;
    if let Some(setting) = template.settings.reference.clone() {
        let file = setting.file();
        let ext = Path::new(file).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        if !matches!(ext.as_deref(), Some("docx" | "dotx")) {
            return Err(TemplateError(format!(
                "{}: reference: `{file}` is not a .docx or .dotx file (a .docm or .dotm carries macros, which are never used)",
                shown("template.toml")
            )));
        }
        let real = folder.inside(file)?.ok_or_else(|| {
            TemplateError(format!("{}: no such file (named by `reference` in template.toml)", shown(file)))
        })?;
        let data = file::read(&real, crate::template::reference::MAX_FILE_BYTES, "a Word file", "32 MB")
            .map_err(|e| TemplateError(format!("{}: {}", shown(file), e.message)))?;
        template.attach_reference(&shown(file), &data)?;
    }
    Ok(template)
}

/// A template folder: its canonical path (the root of its files) and the path as given.
struct Folder<'a> {
    root: PathBuf,
    dir: &'a Path,
}

impl Folder<'_> {
    /// The real path of `name` in the folder, symlinks followed; `None` when there is no such
    /// entry. A path that leads outside the folder is refused.
    fn inside(&self, name: &str) -> Result<Option<PathBuf>, TemplateError> {
        let path = self.dir.join(name);
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(TemplateError(format!("{}: cannot read: {}", path.display(), reason(&e)))),
            Ok(_) => {}
        }
        self.confine(&path).map(Some)
    }

    /// `path` with symlinks followed, refused when it leads outside the folder.
    fn confine(&self, path: &Path) -> Result<PathBuf, TemplateError> {
        let real = std::fs::canonicalize(path)
            .map_err(|e| TemplateError(format!("{}: cannot read: {}", path.display(), reason(&e))))?;
        if !real.starts_with(&self.root) {
            return Err(TemplateError(format!(
                "{}: leads outside the template folder ({}); every file of a template must be inside its folder",
                path.display(),
                self.dir.display()
            )));
        }
        Ok(real)
    }

    /// The `.ttf` and `.otf` files of the fonts folder (`real`, inside the root), sorted by name,
    /// each read through the input reader, with their paths as shown.
    fn fonts(&self, real: &Path) -> Result<Vec<(String, Vec<u8>)>, TemplateError> {
        let shown_dir = self.dir.join("fonts");
        if !real.is_dir() {
            return Err(TemplateError(format!("{}: is not a folder of fonts", shown_dir.display())));
        }
        let entries = std::fs::read_dir(real)
            .map_err(|e| TemplateError(format!("{}: cannot read: {}", shown_dir.display(), reason(&e))))?;
        let mut names = Vec::new();
        for (i, entry) in entries.enumerate() {
            if i >= MAX_FONT_FOLDER_ENTRIES {
                return Err(TemplateError(format!(
                    "{}: holds more than {MAX_FONT_FOLDER_ENTRIES} entries; a template's fonts folder holds its font files",
                    shown_dir.display()
                )));
            }
            let entry =
                entry.map_err(|e| TemplateError(format!("{}: cannot read: {}", shown_dir.display(), reason(&e))))?;
            let name = entry.file_name();
            let is_font = Path::new(&name).extension().is_some_and(|x| x == "ttf" || x == "otf");
            if is_font {
                names.push(name);
            }
        }
        if names.len() > MAX_FONT_FILES {
            return Err(TemplateError(format!(
                "{}: holds {} font files; the limit is {MAX_FONT_FILES}",
                shown_dir.display(),
                names.len()
            )));
        }
        names.sort();
        let mut fonts = Vec::new();
        let mut total = 0u64;
        for name in names {
            let path = shown_dir.join(&name);
            let shown = path.display().to_string();
            let real = self.confine(&path)?;
            let data = file::read(&real, MAX_FONT_BYTES, "a font file", "50 MB")
                .map_err(|e| TemplateError(format!("{shown}: {}", e.message)))?;
            total += data.len() as u64;
            if total > MAX_FONTS_BYTES {
                return Err(TemplateError(format!(
                    "{}: the fonts come to more than {MAX_FONTS_BYTES} bytes (200 MB) together",
                    shown_dir.display()
                )));
            }
            fonts.push((shown, data));
        }
        if fonts.is_empty() {
            return Err(TemplateError(format!("{}: holds no `.ttf` or `.otf` font files", shown_dir.display())));
        }
        Ok(fonts)
    }
}

/// A text file of the template, through the input reader: UTF-8, at most [`MAX_TEXT_BYTES`].
fn text(real: &Path, shown: &str, what: &str) -> Result<String, TemplateError> {
    let bytes =
        file::read(real, MAX_TEXT_BYTES, what, "4 MB").map_err(|e| TemplateError(format!("{shown}: {}", e.message)))?;
    String::from_utf8(bytes).map_err(|e| {
        TemplateError(format!(
            "{shown}: is not UTF-8 text (an invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// An I/O error without its OS code.
fn reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    s.find(" (os error").map(|i| s[..i].to_owned()).unwrap_or(s)
}
