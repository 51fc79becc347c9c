//! `cabrep template new NAME --from council.docx` (a template folder made from a council's Word
//! file: the file, and a `template.toml` extending the shipped cabinet template that names it,
//! with comments saying what was read from it) and `cabrep template check DIR` (what a template
//! folder's Word file gives, and which of its styles each of cabrep's is printed in).
//!
//! The Word file is read through the input reader and checked as a template loading it would
//! check it; nothing is written unless it passes, and an existing folder is never written into.

use std::fmt::Write as _;
use std::path::Path;

use crate::input::file;
use crate::template::reference::{self, Reference};
use crate::template::Template;

/// What `template check` reports for a loaded template: one line each.
pub fn report(t: &Template) -> Vec<String> {
    let mut out = vec![format!("template {}: loads", t.name)];
    match &t.reference {
        None => out.push("no Word file (`reference`): the house style is template.toml's".to_owned()),
        Some(r) => {
            out.push(format!("Word file {}:", r.file));
            out.extend(r.notes.iter().map(|n| format!("  read: {n}")));
            let headers = r.furniture.iter().filter(|f| f.kind == reference::FurnitureKind::Header).count();
            let footers = r.furniture.len() - headers;
            out.push(format!(
                "  read: {headers} header(s), {footers} footer(s), {} image(s){}",
                r.media.len(),
                if r.theme.is_some() { ", a theme" } else { "" }
            ));
            if r.title_page {
                out.push("  read: the first page has a header and footer of its own".to_owned());
            }
            if r.even_and_odd {
                out.push("  read: even pages have a header and footer of their own".to_owned());
            }
            out.extend(r.mapping().into_iter().map(|m| format!("  style: {m}")));
        }
    }
    out
}

/// A failure of `template new`, with its exit status.
pub struct NewError {
    /// The message.
    pub message: String,
    /// 1: the Word file is not usable; 3: the folder could not be written.
    pub status: u8,
}

/// Writes the template folder `dir` from the Word file `from`; returns the lines to print.
pub fn new(dir: &Path, from: &Path) -> Result<Vec<String>, NewError> {
    let bad = |message: String| NewError { message, status: 1 };
    let shown = from.display().to_string();
    let name = from.file_name().and_then(|n| n.to_str()).ok_or_else(|| bad(format!("{shown}: not a file name")))?;
    let ext = Path::new(name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    if !matches!(ext.as_deref(), Some("docx" | "dotx")) {
        return Err(bad(format!(
            "{shown}: is not a .docx or .dotx file (a .docm or .dotm carries macros, which are never used)"
        )));
    }
    if dir.exists() {
        return Err(bad(format!("{}: already exists; not writing into it", dir.display())));
    }
    let data = file::read(from, reference::MAX_FILE_BYTES, "a Word file", "32 MB")
        .map_err(|e| bad(format!("{shown}: {}", e.message)))?;
    let mut r = Reference::read(&shown, &data, Default::default()).map_err(|e| bad(e.0))?;
    let builtin = Template::builtin().map_err(|e| NewError { message: e.to_string(), status: 3 })?;
    let mut style = builtin.settings.style.clone();
    r.apply(&mut style, &reference::families(&builtin.fonts), "");

    let mut toml = String::new();
    let _ = writeln!(toml, "# A template folder made by `cabrep template new` from {name}.");
    let _ = writeln!(toml, "# Everything not given here comes from the shipped cabinet template.");
    let _ = writeln!(toml, "extends = \"cabinet\"\n");
    let _ = writeln!(toml, "# The council's Word file is the house style: the DOCX takes its styles, theme, fonts,");
    let _ = writeln!(toml, "# page, headers and footers; the PDF and HTML take these values, read from it:");
    for n in &r.notes {
        let _ = writeln!(toml, "#   {n}");
    }
    let _ = writeln!(toml, "[reference]\nfile = \"{}\"\n", name.replace('\\', "\\\\").replace('"', "\\\""));
    let _ = writeln!(toml, "# cabrep's styles are printed in the Word file's of the same name; map others here:");
    for m in r.mapping() {
        let _ = writeln!(toml, "#   {m}");
    }
    let _ = writeln!(toml, "[reference.styles]\n# \"heading 1\" = \"Report Heading 1\"");

    let fail = |e: std::io::Error| NewError { message: format!("{}: cannot write: {e}", dir.display()), status: 3 };
    std::fs::create_dir_all(dir).map_err(fail)?;
    std::fs::write(dir.join(name), &data).map_err(fail)?;
    std::fs::write(dir.join("template.toml"), toml).map_err(fail)?;
    let mut lines = vec![format!("wrote {}: template.toml and {name}", dir.display())];
    lines.extend(r.notes.iter().map(|n| format!("  read: {n}")));
    Ok(lines)
}
