//! Writing output files atomically: a temporary file in the same folder, then a rename, so a
//! failed build leaves any earlier file untouched and no partial file behind.
//!
//! Temporary files in flight are registered, so that an interrupted build (SIGINT, SIGTERM)
//! removes them before it exits ([`remove_temporaries_on_signal`]); a build also sweeps away
//! stale ones that an earlier, killed build left ([`sweep_stale_temporaries`]).

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::SystemTime;

/// The name every temporary output file starts with, and ends with.
const TEMP_PREFIX: &str = ".cabrep-";
const TEMP_SUFFIX: &str = ".tmp";

/// Temporary files being written now. A temporary file is created and registered under the lock,
/// and renamed (or removed) and unregistered under it, so the signal handler (which takes the
/// lock) sees every temporary file that exists.
static IN_FLIGHT: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());

fn in_flight() -> MutexGuard<'static, BTreeSet<PathBuf>> {
    IN_FLIGHT.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

static PROCESS_START: OnceLock<SystemTime> = OnceLock::new();

/// When this process started (the first call; `main` calls it first).
pub fn process_start() -> SystemTime {
    *PROCESS_START.get_or_init(SystemTime::now)
}

/// Removes the registered temporary files when SIGINT or SIGTERM arrives, then exits with status
/// 130 or 143 (128 + the signal's number), as a shell reports a process killed by it. Call once, at
/// the start of `main`; if the handler cannot be set up, the signals keep their default action.
pub fn remove_temporaries_on_signal() -> std::io::Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    std::thread::Builder::new().name("signals".into()).spawn(move || {
        if let Some(signal) = signals.forever().next() {
            // Holding the lock: no temporary file is created or renamed from here on.
            let mut files = in_flight();
            for f in files.iter() {
                let _ = std::fs::remove_file(f);
            }
            files.clear();
            std::process::exit(128 + signal);
        }
    })?;
    Ok(())
}

/// Removes temporary output files (`.cabrep-*.tmp`) in `dir` last modified before `before` (the
/// process start): what a build killed outright (SIGKILL, a power cut) left behind. Returns how
/// many were removed; a folder that does not exist has none.
pub fn sweep_stale_temporaries(dir: &Path, before: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        // Only plain files (never a folder or a link someone named so), and only old ones: a
        // build running now beside this one may be writing a new one.
        let Ok(meta) = std::fs::symlink_metadata(e.path()) else { continue };
        let old = meta.modified().is_ok_and(|m| m < before);
        if meta.file_type().is_file() && old && std::fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Writes `bytes` to `path` atomically, creating the folder if needed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let mut tmp = {
        let mut registry = in_flight();
        let tmp = tempfile::Builder::new().prefix(TEMP_PREFIX).suffix(TEMP_SUFFIX).tempfile_in(&dir)?;
        registry.insert(tmp.path().to_path_buf());
        tmp
    };
    let tmp_path = tmp.path().to_path_buf();
    let written = write_temporary(&mut tmp, bytes);
    let mut registry = in_flight();
    // Renamed, or removed on an error, before it leaves the registry.
    let result = match written {
        Ok(()) => tmp.persist(path).map(drop).map_err(|e| e.error),
        Err(e) => {
            drop(tmp);
            Err(e)
        }
    };
    registry.remove(&tmp_path);
    result
}

/// Fills the temporary file of [`write_atomic`].
fn write_temporary(tmp: &mut tempfile::NamedTempFile, bytes: &[u8]) -> std::io::Result<()> {
    tmp.write_all(bytes)?;
    // Temporary files are private (0600); a published document is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644))?;
    }
    tmp.as_file().sync_all()
}

/// The output path for an input file: `DIR/<stem><suffix>.<ext>`.
pub fn output_path(out_dir: &Path, input: &Path, suffix: &str, extension: &str) -> PathBuf {
    let stem = input.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "report".into());
    out_dir.join(format!("{stem}{suffix}.{extension}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.pdf");
        write_atomic(&p, b"one").expect("write");
        write_atomic(&p, b"two").expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("e").file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.pdf")]);
    }

    #[test]
    fn stale_temporaries_are_swept_but_new_ones_and_other_files_kept() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in [".cabrep-old.tmp", "report.pdf", ".cabrep-dir.tmp.keep"] {
            std::fs::write(dir.path().join(name), b"x").expect("write");
        }
        std::fs::create_dir(dir.path().join(".cabrep-folder.tmp")).expect("mkdir");
        let later = SystemTime::now() + std::time::Duration::from_secs(5);
        assert_eq!(sweep_stale_temporaries(dir.path(), SystemTime::UNIX_EPOCH), 0, "nothing is older than 1970");
        assert_eq!(sweep_stale_temporaries(dir.path(), later), 1);
        let mut names: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("e").file_name()).collect();
        names.sort();
        assert_eq!(names, [".cabrep-dir.tmp.keep", ".cabrep-folder.tmp", "report.pdf"]);
        assert_eq!(sweep_stale_temporaries(&dir.path().join("missing"), later), 0);
    }
}
