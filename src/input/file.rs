//! Reading an input file safely: the one place every input (reports, meetings, missions
//! registers, outcome files, bound PDFs) is opened. Only regular files are read (a device, a FIFO
//! or a folder is refused before it is opened, and a FIFO swapped in cannot block the open), never
//! more than a size cap, and a path a paper names is confined to the folder it is built from.
//!
//! This module never parses what it reads and never quotes a file's content in a message.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Inputs larger than this are refused (a report is a few tens of kilobytes).
pub const MAX_YAML_BYTES: u64 = 5 * 1024 * 1024;

/// Size and page caps for the PDFs bound into a pack (`--max-pdf-mb`, `--max-pdf-pages`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest PDF file accepted, in bytes.
    pub pdf_bytes: u64,
    /// The most pages one bound PDF may have.
    pub pdf_pages: u32,
    /// The most bytes all of one PDF's streams may decode to, together.
    pub pdf_decoded_bytes: u64,
    /// The most pixels one image in a bound PDF may have.
    pub image_pixels: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            pdf_bytes: 100 * 1024 * 1024,
            pdf_pages: 2_000,
            pdf_decoded_bytes: 256 * 1024 * 1024,
            image_pixels: 100_000_000,
        }
    }
}

/// What the command line allows: an explicit root (`--root DIR`) and the caps.
#[derive(Debug, Clone, Default)]
pub struct Access {
    /// The folder every path a paper names must stay inside; by default the folder of the file
    /// given on the command line.
    pub root: Option<PathBuf>,
    /// Size and page caps.
    pub limits: Limits,
}

impl Access {
    /// The scope of one file given on the command line: the explicit root, or the file's own
    /// folder.
    pub fn scope_for(&self, input: &Path) -> Scope {
        let shown = match &self.root {
            Some(r) => r.clone(),
            None => input
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
        };
        let root = std::fs::canonicalize(&shown).ok();
        Scope { root, shown, limits: self.limits }
    }
}

/// Where the paths of one command-line input may lead, and the caps on what they name.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The root, canonical; `None` if it does not exist (then every named path is refused).
    root: Option<PathBuf>,
    /// The root as the user named it, for messages.
    shown: PathBuf,
    /// Size and page caps.
    pub limits: Limits,
}

impl Scope {
    /// A scope rooted at `root` (tests and fuzzing).
    pub fn new(root: &Path, limits: Limits) -> Scope {
        Scope { root: std::fs::canonicalize(root).ok(), shown: root.to_path_buf(), limits }
    }

    /// Resolves `written`, a path a paper names, against `base` (the folder of the paper), following
    /// symlinks; refuses a path that leads outside the root. The message quotes what the author
    /// wrote, never the file.
    pub fn resolve(&self, base: &Path, written: &str) -> Result<PathBuf, ReadError> {
        let joined = base.join(written);
        let real = std::fs::canonicalize(&joined).map_err(|e| {
            // A file missing now, in a folder inside the root, is one to look out for.
            let folder = joined.parent().and_then(|f| std::fs::canonicalize(f).ok());
            if folder.is_some_and(|f| self.root.as_ref().is_some_and(|r| f.starts_with(r))) {
                note_read(&joined);
            }
            ReadError::new(format!("cannot read `{written}`: {}", io_reason(&e)))
        })?;
        match &self.root {
            Some(root) if real.starts_with(root) => Ok(real),
            _ => Err(ReadError {
                outside: true,
                ..ReadError::new(format!(
                    "`{written}` is outside the folder the paper is built from ({})",
                    self.shown.display()
                ))
                .help("name a file inside that folder, or widen it with `--root DIR`")
            }),
        }
    }
}

/// Why a file could not be read: a message (and a hint), to be located by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
    /// The path leads outside the root (as opposed to naming nothing, or a file that cannot be
    /// read).
    pub outside: bool,
}

impl ReadError {
    pub(crate) fn new(message: impl Into<String>) -> ReadError {
        ReadError { message: message.into(), help: None, outside: false }
    }
    pub(crate) fn help(mut self, help: impl Into<String>) -> ReadError {
        self.help = Some(help.into());
        self
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// An I/O error without its OS code: `No such file or directory`.
fn io_reason(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

thread_local! {
    /// The paths [`read`] was asked for on this thread, while [`recording_reads`] runs.
    static READS: std::cell::RefCell<Option<Vec<PathBuf>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` and returns, with its result, every path this thread asked [`read`] for meanwhile,
/// read or refused, and the paths a paper named that are missing (a picture not there yet is one
/// to look out for): what the live preview watches.
pub fn recording_reads<T>(f: impl FnOnce() -> T) -> (T, Vec<PathBuf>) {
    let outer = READS.with(|r| r.borrow_mut().replace(Vec::new()));
    let result = f();
    let paths = READS.with(|r| std::mem::replace(&mut *r.borrow_mut(), outer)).unwrap_or_default();
    (result, paths)
}

/// Notes `path` for [`recording_reads`], when it runs on this thread.
fn note_read(path: &Path) {
    READS.with(|r| {
        if let Some(paths) = r.borrow_mut().as_mut() {
            paths.push(path.to_path_buf());
        }
    });
}

/// Reads a regular file of at most `max` bytes. `what` names the kind of file for the messages
/// ("a YAML file", "a PDF"); `cap` says the limit in words ("5 MB").
pub fn read(path: &Path, max: u64, what: &str, cap: &str) -> Result<Vec<u8>, ReadError> {
    note_read(path);
    // Follows symlinks: the file type is that of the file named.
    let meta = std::fs::metadata(path).map_err(|e| ReadError::new(format!("cannot read file: {e}")))?;
    check_type(&meta, what)?;
    let too_large = |len: u64| {
        ReadError::new(format!("the file is too large: {len} bytes; the limit is {cap} ({max} bytes)"))
            .help("check that the right file is named")
    };
    if meta.len() > max {
        return Err(too_large(meta.len()));
    }
    let file = open_nonblocking(path).map_err(|e| ReadError::new(format!("cannot read file: {e}")))?;
    // The file named may have been swapped for another since it was looked at.
    let meta = file.metadata().map_err(|e| ReadError::new(format!("cannot read file: {e}")))?;
    check_type(&meta, what)?;
    let mut bytes = Vec::with_capacity(meta.len().min(max) as usize);
    file.take(max + 1).read_to_end(&mut bytes).map_err(|e| ReadError::new(format!("cannot read file: {e}")))?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

fn check_type(meta: &std::fs::Metadata, what: &str) -> Result<(), ReadError> {
    let ft = meta.file_type();
    if ft.is_file() {
        return Ok(());
    }
    let kind = if ft.is_dir() { "a folder" } else { special_kind(&ft) };
    Err(ReadError::new(format!("is {kind}, not {what}")).help("name an ordinary file"))
}

#[cfg(unix)]
fn special_kind(ft: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_char_device() || ft.is_block_device() {
        "a device"
    } else if ft.is_socket() {
        "a socket"
    } else {
        "not an ordinary file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "not an ordinary file"
}

/// Opens for reading without blocking on a FIFO (reads of a regular file are unaffected).
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().read(true).custom_flags(libc::O_NONBLOCK).open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<File> {
    File::open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_within_the_cap_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.yaml");
        std::fs::write(&p, b"title: x\n").expect("write");
        assert_eq!(read(&p, 100, "a YAML file", "100 bytes").expect("read"), b"title: x\n");
        let e = read(&p, 4, "a YAML file", "4 bytes").expect_err("over the cap");
        assert!(e.message.starts_with("the file is too large: 9 bytes"), "{e:?}");
    }

    #[test]
    fn devices_and_folders_are_refused_before_reading() {
        let e = read(Path::new("/dev/zero"), 100, "a PDF", "100 bytes").expect_err("device");
        assert_eq!(e.message, "is a device, not a PDF");
        let e = read(Path::new("/"), 100, "a PDF", "100 bytes").expect_err("folder");
        assert_eq!(e.message, "is a folder, not a PDF");
    }

    #[test]
    fn paths_outside_the_root_are_refused_quoting_what_was_written() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("paper")).expect("mkdir");
        std::fs::write(dir.path().join("secret.yaml"), b"x").expect("write");
        std::fs::write(dir.path().join("paper/ok.yaml"), b"x").expect("write");
        let scope = Scope::new(&dir.path().join("paper"), Limits::default());
        let base = dir.path().join("paper");
        assert!(scope.resolve(&base, "ok.yaml").is_ok());
        let e = scope.resolve(&base, "../secret.yaml").expect_err("outside");
        assert!(e.message.starts_with("`../secret.yaml` is outside the folder"), "{e:?}");
        let e = scope.resolve(&base, "missing.yaml").expect_err("missing");
        assert_eq!(e.message, "cannot read `missing.yaml`: No such file or directory");
    }
}
