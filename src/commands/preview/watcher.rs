//! What tells the preview a paper was saved: file-system notifications (inotify on Linux, through
//! the `notify` crate) on the folders of the files each paper was built from — the paper, the
//! YAML files beside it (its missions register), and every file its last load read (pictures) —
//! with bursts of events gathered into one change. An editor that saves by writing a new file and
//! renaming it over the old one is seen too: the folder is watched, not the file.
//!
//! When notifications cannot be had (no inotify, its watch limit reached, a folder that cannot be
//! watched), it says so on standard error once and looks at the files' modification times and
//! sizes every 200 ms instead, as before. It reads no file's content and writes nothing.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant, SystemTime};

use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify::{RecommendedWatcher, RecursiveMode, Watcher as _};

/// How often the watched files are looked at when notifications are unavailable.
const POLL: Duration = Duration::from_millis(200);
/// A burst of events ends when none came for this long (a save is a few events within a
/// millisecond or two: truncate, write, close, or write and rename).
const QUIET: Duration = Duration::from_millis(8);
/// After a write that was not yet closed, the writer is given this long to close the file.
const OPEN_WRITE: Duration = Duration::from_millis(100);
/// The longest a burst is gathered before the papers are rebuilt anyway.
const MAX_BURST: Duration = Duration::from_millis(300);
/// The YAML files beside a paper looked at (its missions register is one of them), at most.
const MAX_SIBLINGS: usize = 1000;

/// Modification times and sizes of the files one paper depends on: what changes when one of
/// them is saved.
type Stamp = Vec<(PathBuf, SystemTime, u64)>;

/// The files of each paper, and how their saves are seen.
pub(super) struct Changes {
    /// Per paper: the paper itself, and the other files its last load read.
    papers: Vec<(PathBuf, Vec<PathBuf>)>,
    how: How,
}

enum How {
    /// Notifications: the watcher, its events, and the folders watched.
    Notified {
        watcher: RecommendedWatcher,
        events: Receiver<notify::Result<notify::Event>>,
        folders: BTreeSet<PathBuf>,
    },
    /// Looking every [`POLL`]: each paper's last stamp.
    Polled(Vec<Stamp>),
}

impl Changes {
    /// Watches `papers` (their own files; [`Changes::depend`] adds what each reads). Falls back
    /// to polling, saying so once, when notifications are unavailable or `poll` asks for it.
    pub(super) fn new(papers: &[PathBuf], poll: bool) -> Changes {
        let papers: Vec<_> = papers.iter().map(|p| (p.clone(), Vec::new())).collect();
        // Stamped now: a save from here on is seen.
        let polled =
            |papers: &[(PathBuf, Vec<PathBuf>)]| How::Polled(papers.iter().map(|(p, f)| stamp(p, f)).collect());
        let how = if poll {
            polled(&papers)
        } else {
            let (tx, events) = channel();
            match notify::recommended_watcher(move |e| {
                let _ = tx.send(e);
            }) {
                Ok(watcher) => How::Notified { watcher, events, folders: BTreeSet::new() },
                Err(e) => {
                    fall_back(&e);
                    polled(&papers)
                }
            }
        };
        let mut changes = Changes { papers, how };
        for i in 0..changes.papers.len() {
            changes.watch_folders(i);
        }
        changes
    }

    /// Records the files paper `i`'s last load read (besides the paper), to watch them too.
    pub(super) fn depend(&mut self, i: usize, mut files: Vec<PathBuf>) {
        let Some((paper, old)) = self.papers.get_mut(i) else { return };
        let own = key(paper);
        files.retain(|f| key(f) != own);
        files.sort();
        files.dedup();
        if *old != files {
            *old = files;
            self.watch_folders(i);
        }
    }

    /// Blocks until one or more papers' files were saved; returns their indices, in order.
    pub(super) fn wait(&mut self) -> Vec<usize> {
        loop {
            let changed = match &mut self.how {
                How::Polled(stamps) => {
                    std::thread::sleep(POLL);
                    let mut changed = Vec::new();
                    for (i, ((paper, files), last)) in self.papers.iter().zip(stamps.iter_mut()).enumerate() {
                        let now = stamp(paper, files);
                        if now != *last {
                            *last = now;
                            changed.push(i);
                        }
                    }
                    changed
                }
                How::Notified { events, .. } => match burst(events) {
                    Some(paths) => affected(&self.papers, &paths),
                    None => {
                        // The watcher is gone: look at the files instead.
                        let _ = writeln!(
                            std::io::stderr(),
                            "warning: file notifications stopped: looking at the files every 200 ms instead"
                        );
                        self.how = How::Polled(self.papers.iter().map(|(p, f)| stamp(p, f)).collect());
                        Vec::new()
                    }
                },
            };
            if !changed.is_empty() {
                return changed;
            }
        }
    }

    /// Watches the folders of paper `i`'s files not yet watched; on failure, falls back to
    /// polling.
    fn watch_folders(&mut self, i: usize) {
        let How::Notified { watcher, folders, .. } = &mut self.how else { return };
        let (paper, files) = &self.papers[i];
        let wanted: BTreeSet<PathBuf> = std::iter::once(paper).chain(files).map(|f| folder_of(&key(f))).collect();
        for folder in wanted {
            if folders.contains(&folder) || !folder.is_dir() {
                continue;
            }
            if let Err(e) = watcher.watch(&folder, RecursiveMode::NonRecursive) {
                fall_back(&e);
                self.how = How::Polled(self.papers.iter().map(|(p, f)| stamp(p, f)).collect());
                return;
            }
            folders.insert(folder);
        }
    }
}

/// Says once (this is the one place that switches) why saves are now looked for by polling.
fn fall_back(e: &notify::Error) {
    let why = match &e.kind {
        notify::ErrorKind::MaxFilesWatch => {
            "the system's limit of watched folders is reached (fs.inotify.max_user_watches)".to_owned()
        }
        _ => e.to_string(),
    };
    let _ = writeln!(
        std::io::stderr(),
        "warning: file notifications are unavailable ({why}): looking at the files every 200 ms instead"
    );
}

/// Gathers one burst of events: waits for the first that can mean a save, then for the rest
/// of it. The paths named (an empty path: everything may have changed), or `None` when the
/// watcher is gone.
fn burst(events: &Receiver<notify::Result<notify::Event>>) -> Option<BTreeMap<PathBuf, bool>> {
    // Path → whether a write to it is still open.
    let mut paths: BTreeMap<PathBuf, bool> = BTreeMap::new();
    let mut started: Option<Instant> = None;
    loop {
        let next = match started {
            None => events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(t) => {
                let open = paths.values().any(|&o| o);
                let wait = if open { OPEN_WRITE } else { QUIET };
                let left = MAX_BURST.saturating_sub(t.elapsed());
                if left.is_zero() {
                    return Some(paths);
                }
                events.recv_timeout(wait.min(left))
            }
        };
        let event = match next {
            Ok(e) => e,
            Err(RecvTimeoutError::Timeout) => return Some(paths),
            Err(RecvTimeoutError::Disconnected) => return None,
        };
        match event {
            Ok(event) => {
                let open = match event.kind {
                    // Reading a file (the rebuild does) is not a save; closing a write ends one.
                    EventKind::Access(AccessKind::Close(AccessMode::Write)) => false,
                    EventKind::Access(_) => continue,
                    EventKind::Modify(ModifyKind::Data(_)) => true,
                    _ => false,
                };
                if event.need_rescan() {
                    paths.insert(PathBuf::new(), false);
                }
                for p in event.paths {
                    paths.insert(p, open);
                }
            }
            // An overflowed queue, a folder gone: everything may have changed.
            Err(_) => {
                paths.insert(PathBuf::new(), false);
            }
        }
        started.get_or_insert_with(Instant::now);
    }
}

/// The papers whose files are among `paths` (a YAML file beside a paper counts for it: a
/// missions register saved anew).
fn affected(papers: &[(PathBuf, Vec<PathBuf>)], paths: &BTreeMap<PathBuf, bool>) -> Vec<usize> {
    let all = paths.contains_key(Path::new(""));
    let paths: BTreeSet<PathBuf> = paths.keys().map(|p| key(p)).collect();
    let yaml = |p: &Path| p.extension().is_some_and(|x| x == "yaml" || x == "yml");
    papers
        .iter()
        .enumerate()
        .filter(|(_, (paper, files))| {
            let own = key(paper);
            let folder = folder_of(&own);
            all || paths
                .iter()
                .any(|p| *p == own || (yaml(p) && folder_of(p) == folder) || files.iter().any(|f| key(f) == *p))
        })
        .map(|(i, _)| i)
        .collect()
}

/// A file as the watcher names it: its folder's real path, and its name (the file itself may be
/// missing, or a link).
fn key(path: &Path) -> PathBuf {
    let name = path.file_name().map(PathBuf::from).unwrap_or_default();
    let folder = folder_of(path);
    std::fs::canonicalize(&folder).unwrap_or(folder).join(name)
}

/// The folder a file is in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf()
}

/// The modification times and sizes of a paper, of the YAML files beside it and of `files`.
fn stamp(paper: &Path, files: &[PathBuf]) -> Stamp {
    let one =
        |p: PathBuf| std::fs::metadata(&p).ok().map(|m| (p, m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
    let dir = folder_of(paper);
    let mut siblings: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|f| f.as_path() != paper && f.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .take(MAX_SIBLINGS)
        .collect();
    siblings.sort();
    std::iter::once(paper.to_path_buf()).chain(siblings).chain(files.iter().cloned()).filter_map(one).collect()
}
