//! Rebuilding a paper's preview on save: loads the paper, renders its HTML page and keeps it
//! with the paper's problems (the last good render stays while the file is broken).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use super::{plural, Paper, Server};
use crate::jobs;
use crate::render::Format;

impl Server<'_> {
    /// Loads and renders a paper's HTML page again; keeps the last good render on failure.
    /// Returns the files the load read.
    pub(super) fn rebuild(&self, paper: &Paper) -> Vec<PathBuf> {
        let started = Instant::now();
        let (result, read) = crate::input::file::recording_reads(|| {
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
