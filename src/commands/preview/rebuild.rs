//! Rebuilding a paper's preview on save: loads the paper, renders its HTML page and keeps it
//! with the paper's problems (the last good render stays while the file is broken). A template
//! folder saved since the paper's last load is loaded anew.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use super::{plural, Paper, Server};
use crate::jobs;
use crate::render::Format;

impl Server<'_> {
    /// Loads and renders a paper's HTML page again; keeps the last good render on failure.
    /// Returns the files the load read.
    pub(super) fn rebuild(&self, paper: &Paper) -> Vec<PathBuf> {
        let started = Instant::now();
        let mut folder = paper.template.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((key, stamp)) = folder.as_ref() {
            if folder_stamp(Path::new(key)) != *stamp {
                self.engine.forget_template(key);
            }
        }
        let (result, mut read) = crate::input::file::recording_reads(|| {
            jobs::catch_panic(|| match self.engine.load(&paper.path) {
                Ok(l) => {
                    let doc = self.engine.document(&l.report);
                    let public = l.report.exempt.is_none();
                    match self.engine.render(&doc, Format::Html) {
                        Ok(bytes) => Ok((doc, String::from_utf8_lossy(&bytes).into_owned(), l.warnings, public)),
                        Err(e) => Err((Vec::new(), Some(format!("html output: {e}")))),
                    }
                }
                Err(f) => Err((f.diagnostics, None)),
            })
        });
        // The template folder of the paper as loaded now (as before, when it did not load).
        let key = match &result {
            Ok(Ok((doc, ..))) => doc.template.clone(),
            _ => folder.as_ref().map(|(k, _)| k.clone()),
        };
        *folder = key.filter(|k| Path::new(k).is_absolute() && Path::new(k).is_dir()).map(|k| {
            let stamp = folder_stamp(Path::new(&k));
            (k, stamp)
        });
        read.extend(folder.iter().flat_map(|(_, s)| s.iter().map(|(p, ..)| p.clone())));
        drop(folder);
        let mut st = paper.state.lock().unwrap_or_else(|e| e.into_inner());
        st.version += 1;
        st.public = matches!(result, Ok(Ok((.., true))));
        let line = match result {
            Ok(Ok((doc, html, warnings, _))) => {
                st.good = Some((Arc::new(doc), html));
                st.problems = warnings;
                st.failure = None;
                st.files.clear();
                format!("rendered {} ({:.2} s)", paper.path.display(), started.elapsed().as_secs_f64())
            }
            Ok(Err((diags, failure))) => {
                let errors = diags.iter().filter(|d| d.is_error()).count();
                st.problems = diags;
                st.failure = failure.clone();
                match failure {
                    Some(f) => format!("{}: error: {f}", paper.path.display()),
                    None => format!("{}: {}", paper.path.display(), plural(errors, "error")),
                }
            }
            Err(panic) => {
                st.problems.clear();
                st.failure = Some(panic.clone());
                format!("{}: error: {panic}", paper.path.display())
            }
        };
        drop(st);
        let _ = writeln!(std::io::stderr(), "{line}");
        let mut n = self.changed_lock.lock().unwrap_or_else(|e| e.into_inner());
        *n += 1;
        self.changed.notify_all();
        read
    }
}

/// Modification times and sizes of files.
pub(super) type Stamp = Vec<(PathBuf, SystemTime, u64)>;

/// The files of a template folder and of its `fonts/`, with their modification times and sizes.
fn folder_stamp(dir: &Path) -> Stamp {
    let files = |d: &Path| -> Vec<PathBuf> {
        std::fs::read_dir(d).into_iter().flatten().filter_map(Result::ok).map(|e| e.path()).take(500).collect()
    };
    let mut all: Stamp = files(dir)
        .into_iter()
        .chain(files(&dir.join("fonts")))
        .filter_map(|p| {
            let m = std::fs::metadata(&p).ok().filter(|m| m.is_file())?;
            Some((p, m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()))
        })
        .collect();
    all.sort();
    all
}
