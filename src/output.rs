//! Writing output files: atomically (a temporary file in the same folder, then a rename, so a
//! failed build leaves any earlier file untouched and no partial file behind), with the
//! permissions their readers should have, and never two outputs to one name.
//!
//! Temporary files in flight are registered, so that an interrupted build (SIGINT, SIGTERM)
//! removes them before it exits ([`remove_temporaries_on_signal`]). A temporary file's name holds
//! its writer's process id (`.cabrep-<pid>-<random>.tmp`), so that a build sweeps away the ones a
//! build killed outright left, and never those of a build running beside it
//! ([`sweep_stale_temporaries`]).
//!
//! This room owns file names, modes and the write itself; it never decides content, and never
//! decides what is exempt — callers say which [`Visibility`] an output has.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::SystemTime;

/// The name every temporary output file starts with, and ends with. Between them: the writer's
/// process id, a dash and random characters.
const TEMP_PREFIX: &str = ".cabrep-";
const TEMP_SUFFIX: &str = ".tmp";

/// How this process's temporary files' names start: `.cabrep-<pid>-`.
fn temp_prefix() -> String {
    format!("{TEMP_PREFIX}{}-", std::process::id())
}

/// The process id in a temporary file's name (`.cabrep-<pid>-<random>.tmp`); `None` for a name
/// without one (as earlier versions wrote them) or for any other name.
fn writer_of(name: &str) -> Option<u32> {
    let middle = name.strip_prefix(TEMP_PREFIX)?.strip_suffix(TEMP_SUFFIX)?;
    let (pid, random) = middle.split_once('-')?;
    if random.is_empty() || pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    pid.parse().ok().filter(|&p| p > 0)
}

/// Whether process `pid` is gone (no such process). A process that exists but belongs to
/// someone else is alive; anything uncertain counts as alive, so its file is kept.
#[cfg(unix)]
fn process_is_gone(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else { return false };
    if pid <= 0 {
        return false;
    }
    // SAFETY: signal 0 is never delivered; kill(2) only says whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == -1 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn process_is_gone(_pid: u32) -> bool {
    false
}

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

/// Removes the temporary output files (`.cabrep-*.tmp`) in `dir` whose writer is gone: what a
/// build killed outright (SIGKILL, a power cut) left behind. A file named with a process id is
/// removed when no such process runs (or when the id is this process's own and the file is not
/// one it is writing: an earlier process had the id); a build running beside this one keeps its
/// files. A file named without one (as earlier versions wrote them) is removed when it was last
/// modified before `before` (the process start). Returns how many were removed; a folder that
/// does not exist has none.
pub fn sweep_stale_temporaries(dir: &Path, before: SystemTime) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        // Only plain files, never a folder or a link someone named so.
        let Ok(meta) = std::fs::symlink_metadata(e.path()) else { continue };
        if !meta.file_type().is_file() {
            continue;
        }
        // Held while deciding and removing: no file of this process appears or goes meanwhile.
        let registry = in_flight();
        let stale = match writer_of(name) {
            Some(pid) if pid == std::process::id() => {
                !registry.iter().any(|f| f.file_name().is_some_and(|f| f == name))
            }
            Some(pid) => process_is_gone(pid),
            None => meta.modified().is_ok_and(|m| m < before),
        };
        if stale && std::fs::remove_file(e.path()).is_ok() {
            removed += 1;
        }
        drop(registry);
    }
    removed
}

/// Who an output is for, which sets the mode a new file is created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// A document to publish: created `0666` less the process umask, like any file the user
    /// makes.
    Public,
    /// Exempt material (a Part 2 pack or record, an exempt report): created `0640` less the
    /// umask, and never more than `0640` when it replaces an existing file, so the world can
    /// never read it unless someone widens it by hand after every build.
    Restricted,
}

impl Visibility {
    /// The most permissive mode this visibility allows.
    #[cfg(unix)]
    pub fn ceiling(self) -> u32 {
        match self {
            Visibility::Public => 0o666,
            Visibility::Restricted => 0o640,
        }
    }
}

/// One file to write: where, what and for whom.
#[derive(Debug, Clone)]
pub struct Output {
    /// The file.
    pub path: PathBuf,
    /// Its contents.
    pub bytes: Vec<u8>,
    /// Who may read it.
    pub visibility: Visibility,
}

/// Writes `bytes` to `path` atomically, creating the folder if needed.
///
/// A new file gets the [`Visibility`]'s mode less the process umask (`umask 077` gives `0600`); a
/// file that is replaced keeps its mode (a `chmod 600` survives a rebuild), capped by the
/// visibility (a restricted output never keeps a world-readable mode).
pub fn write_atomic(path: &Path, bytes: &[u8], visibility: Visibility) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let mut tmp = {
        let mut registry = in_flight();
        let mut builder = tempfile::Builder::new();
        let prefix = temp_prefix();
        builder.prefix(&prefix).suffix(TEMP_SUFFIX);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Applied when the file is created, so the umask applies too.
            builder.permissions(std::fs::Permissions::from_mode(visibility.ceiling()));
        }
        let tmp = builder.tempfile_in(&dir)?;
        registry.insert(tmp.path().to_path_buf());
        tmp
    };
    let tmp_path = tmp.path().to_path_buf();
    let written = write_temporary(&mut tmp, bytes, path, visibility);
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

/// Fills the temporary file of [`write_atomic`], giving it the mode of the file it replaces
/// (capped by the visibility), if there is one.
fn write_temporary(
    tmp: &mut tempfile::NamedTempFile,
    bytes: &[u8],
    path: &Path,
    visibility: Visibility,
) -> std::io::Result<()> {
    tmp.write_all(bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(old) = std::fs::metadata(path) {
            if old.is_file() {
                let mode = old.permissions().mode() & 0o777 & visibility.ceiling();
                tmp.as_file().set_permissions(std::fs::Permissions::from_mode(mode))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = (path, visibility);
    tmp.as_file().sync_all()
}

/// Writes every output, after checking that no two share a name; returns the paths written.
/// Nothing is written when two collide; each file is written atomically.
pub fn write_all(outputs: Vec<Output>) -> Result<Vec<PathBuf>, String> {
    if let Some(c) = collisions(outputs.iter().map(|o| (o.path.as_path(), "")).collect::<Vec<_>>().as_slice()).first() {
        return Err(format!("two outputs would be written to {}", c.path.display()));
    }
    let mut files = Vec::new();
    for o in outputs {
        write_atomic(&o.path, &o.bytes, o.visibility).map_err(|e| format!("cannot write {}: {e}", o.path.display()))?;
        files.push(o.path);
    }
    Ok(files)
}

/// Two sources whose outputs would land on one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// The file both would be written to.
    pub path: PathBuf,
    /// What the first output comes from.
    pub first: String,
    /// What the second comes from.
    pub second: String,
}

/// The collisions among planned outputs, each `(path, where it comes from)`, in the order the
/// second of each pair was planned. Names are compared without regard to case, since a
/// publish folder may be on a case-insensitive file system (`Report.pdf` is `report.pdf`).
pub fn collisions<S: AsRef<str>>(planned: &[(&Path, S)]) -> Vec<Collision> {
    let mut seen: BTreeMap<String, (usize, &Path)> = BTreeMap::new();
    let mut found = Vec::new();
    for (i, (path, _)) in planned.iter().enumerate() {
        let key = path.to_string_lossy().to_lowercase();
        match seen.get(&key) {
            Some(&(j, _)) => found.push(Collision {
                path: path.to_path_buf(),
                first: planned[j].1.as_ref().to_owned(),
                second: planned[i].1.as_ref().to_owned(),
            }),
            None => {
                seen.insert(key, (i, path));
            }
        }
    }
    found
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
        write_atomic(&p, b"one", Visibility::Public).expect("write");
        write_atomic(&p, b"two", Visibility::Public).expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("e").file_name()).collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.pdf")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_restricted_one_is_never_world_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        let p = dir.path().join("a.pdf");
        write_atomic(&p, b"one", Visibility::Public).expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        write_atomic(&p, b"two", Visibility::Public).expect("write");
        assert_eq!(mode(&p), 0o600, "a chmod 600 survives a rebuild");
        let q = dir.path().join("b-part2.pdf");
        std::fs::write(&q, b"old").expect("write");
        std::fs::set_permissions(&q, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        write_atomic(&q, b"new", Visibility::Restricted).expect("write");
        assert_eq!(mode(&q) & 0o007, 0, "restricted output stays unreadable by others: {:o}", mode(&q));
        assert!(mode(&q) <= 0o640);
    }

    #[test]
    fn collisions_name_both_sources_and_ignore_case() {
        let a = PathBuf::from("out/report.pdf");
        let b = PathBuf::from("out/Report.pdf");
        let c = PathBuf::from("out/other.pdf");
        let found =
            collisions(&[(a.as_path(), "a/report.yaml"), (c.as_path(), "c.yaml"), (b.as_path(), "b/Report.yaml")]);
        assert_eq!(found.len(), 1);
        assert_eq!((found[0].first.as_str(), found[0].second.as_str()), ("a/report.yaml", "b/Report.yaml"));
        assert!(collisions(&[(a.as_path(), "x"), (c.as_path(), "y")]).is_empty());
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
        let mut names: Vec<_> =
            std::fs::read_dir(dir.path()).expect("dir").map(|e| e.expect("e").file_name()).collect();
        names.sort();
        assert_eq!(names, [".cabrep-dir.tmp.keep", ".cabrep-folder.tmp", "report.pdf"]);
        assert_eq!(sweep_stale_temporaries(&dir.path().join("missing"), later), 0);
    }

    #[test]
    fn a_temporary_names_its_writer_and_only_such_names_give_a_pid() {
        assert_eq!(writer_of(".cabrep-4242-aB3xYz.tmp"), Some(4242));
        for name in
            [".cabrep-aB3xYz.tmp", ".cabrep-0-aB3xYz.tmp", ".cabrep-42-.tmp", ".cabrep--x.tmp", ".cabrep-4x-y.tmp"]
        {
            assert_eq!(writer_of(name), None, "{name}");
        }
        assert_eq!(writer_of(".cabrep-99999999999999999999-x.tmp"), None, "not a pid");
        let dir = tempfile::tempdir().expect("tempdir");
        let mut tmp = tempfile::Builder::new();
        let prefix = temp_prefix();
        let made = tmp.prefix(&prefix).suffix(TEMP_SUFFIX).tempfile_in(dir.path()).expect("tmp");
        let name = made.path().file_name().and_then(|n| n.to_str()).expect("name").to_owned();
        assert_eq!(writer_of(&name), Some(std::process::id()), "{name}");
    }

    #[cfg(unix)]
    #[test]
    fn only_temporaries_whose_writer_is_gone_are_swept_whatever_their_age() {
        let dir = tempfile::tempdir().expect("tempdir");
        // A process that has exited (and been reaped): its id names no process now.
        let mut child = std::process::Command::new("true").spawn().expect("spawn true");
        let dead = child.id();
        child.wait().expect("wait");
        assert!(process_is_gone(dead));
        // SAFETY: getppid(2) has no preconditions.
        let parent = u32::try_from(unsafe { libc::getppid() }).expect("parent pid");
        assert!(!process_is_gone(parent) && !process_is_gone(1));
        let own = std::process::id();
        let names = [
            format!(".cabrep-{dead}-AAAAAA.tmp"),
            format!(".cabrep-{parent}-BBBBBB.tmp"),
            format!(".cabrep-{own}-CCCCCC.tmp"),
            ".cabrep-DDDDDD.tmp".to_owned(),
        ];
        for n in &names {
            std::fs::write(dir.path().join(n), b"x").expect("write");
        }
        // Registered: this process is writing it now.
        let writing = dir.path().join(format!(".cabrep-{own}-EEEEEE.tmp"));
        std::fs::write(&writing, b"x").expect("write");
        in_flight().insert(writing.clone());
        // Made before the start: an old-style name is kept (a build beside this one may own it).
        let removed = sweep_stale_temporaries(dir.path(), SystemTime::UNIX_EPOCH);
        in_flight().remove(&writing);
        assert_eq!(removed, 2);
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("e").file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut want = vec![names[1].clone(), names[3].clone(), format!(".cabrep-{own}-EEEEEE.tmp")];
        want.sort();
        assert_eq!(left, want, "the dead writer's and this process's unregistered file are gone");
    }
}
