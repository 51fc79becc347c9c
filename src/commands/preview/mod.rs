//! The author's loop: `cabrep serve` (a live preview over HTTP on the loopback interface) and
//! `cabrep watch` (rebuilds on save). Both learn of saves from [`watcher`] (file-system
//! notifications on the paper, the YAML files beside it such as a missions register, and the
//! files its last load read; polling where notifications are unavailable); `serve` answers a few
//! fixed routes with a small HTTP/1.1 responder of its own (GET only, bounded request size and
//! connections, a thread a connection).
//!
//! `serve` renders the HTML page first, tells the browser, and only then makes the PDF and DOCX
//! of the same save in the background (a link followed before they are ready makes them there
//! and then). The PDF is typeset by the engine's long-lived worker process, whose typst caches
//! stay warm from one save to the next, so a save that changes a title re-typesets little.
//!
//! `serve` answers only requests whose `Host` names the address it was reached at (a page on
//! another site that points its own name at this machine gets 421 and nothing of a paper), and
//! serves an exempt paper, or one that does not load, to this machine only unless told
//! otherwise (`--allow-remote`).
//!
//! This module never writes the preview's page to disk: the reload script and the diagnostics
//! banner are added to the HTML writer's output in memory, for the browser only. `watch` writes
//! only what `build` would.

use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crate::commands::{self, Engine, Outcome};
use crate::diag::{self, Diagnostic, MessageFormat};
use crate::render::Format;
use crate::tree::Document;

mod rebuild;
mod server;
mod watcher;

use server::{loopback, respond};
use watcher::Changes;

/// The longest request line and headers read.
const MAX_REQUEST: u64 = 8 * 1024;
/// The PDF and DOCX of a save are made once no other save came for this long.
const SETTLE: Duration = Duration::from_millis(400);
/// Connections served at once (a live page holds one for its event stream).
const MAX_CONNECTIONS: usize = 64;
/// The longest a client may take to send its request.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);

/// The papers given on the command line: one file, or the reports of a folder.
fn papers(path: &Path) -> Vec<PathBuf> {
    crate::load::report_files(&[path.to_path_buf()])
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

// ---------------------------------------------------------------------------------------------
// watch

/// `cabrep watch`: builds each paper now and again on every save, printing one status line a
/// build. Runs until interrupted. `poll`: look at the files rather than wait for notifications.
pub fn watch(engine: &Engine, path: &Path, out: &Path, formats: &[Format], poll: bool) -> u8 {
    let inputs = papers(path);
    if inputs.is_empty() {
        let _ = writeln!(std::io::stderr(), "error: no report files found in {}", path.display());
        return 1;
    }
    // Watching before the first build: a save during it is not missed.
    let mut changes = Changes::new(&inputs, poll);
    let _ = writeln!(std::io::stderr(), "watching {} (Ctrl-C stops)", path.display());
    for (i, input) in inputs.iter().enumerate() {
        changes.depend(i, watch_build(engine, input, out, formats));
    }
    loop {
        for i in changes.wait() {
            changes.depend(i, watch_build(engine, &inputs[i], out, formats));
        }
    }
}

/// Builds one paper and prints its status line; returns the files its load read.
fn watch_build(engine: &Engine, input: &Path, out: &Path, formats: &[Format]) -> Vec<PathBuf> {
    let started = Instant::now();
    let (outcome, read) =
        crate::input::file::recording_reads(|| commands::build_report(engine, input, out, formats, true));
    let secs = started.elapsed().as_secs_f64();
    let stderr = std::io::stderr();
    let mut e = stderr.lock();
    let fmt = MessageFormat::Human { snippet: false };
    match outcome {
        Outcome::Built { files, warnings, source } => {
            let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
            let _ = writeln!(e, "built {} → {} ({secs:.2} s)", input.display(), names.join(", "));
            diag::emit(&mut e, &warnings, Some(&source), fmt);
        }
        Outcome::Invalid(f) => {
            let errors = f.diagnostics.iter().filter(|d| d.is_error()).count();
            let _ = writeln!(e, "{}: {}", input.display(), plural(errors, "error"));
            diag::emit(&mut e, &f.diagnostics, f.source.as_deref(), fmt);
        }
        Outcome::Failed { input, message } => {
            let _ = writeln!(e, "{}: error: {message}", input.display());
        }
    }
    let _ = e.flush();
    read
}

// ---------------------------------------------------------------------------------------------
// serve

/// One paper's preview: its last good render and its current problems.
#[derive(Default)]
struct Preview {
    /// Bumped at every rebuild; the page compares it with the one it was served at.
    version: u64,
    /// The last good document and its HTML page (kept while the file is broken).
    good: Option<(Arc<Document>, String)>,
    /// The problems of the file as last saved (errors stop the render; warnings do not).
    problems: Vec<Diagnostic>,
    /// A message when the file could not be built for another reason.
    failure: Option<String>,
    /// PDF and DOCX of the last good document, with the version they were built at.
    files: Vec<(Format, u64, Arc<Vec<u8>>)>,
    /// The file as last saved loads and is not exempt: it may be shown to another machine.
    public: bool,
}

struct Paper {
    path: PathBuf,
    state: Mutex<Preview>,
    /// The template folder the paper last loaded with (its key in the engine), and its files'
    /// modification times and sizes then.
    template: Mutex<Option<(String, rebuild::Stamp)>>,
}

struct Server<'e> {
    engine: &'e Engine,
    papers: Vec<Paper>,
    /// A folder: an index page at `/`, each paper under `/N/`.
    folder: bool,
    /// Woken at every rebuild (event streams wait on it).
    changed: Condvar,
    changed_lock: Mutex<u64>,
    connections: AtomicUsize,
    /// The address listened on.
    listening: SocketAddr,
    /// Exempt papers (and papers that do not load) are shown to other machines too.
    allow_remote: bool,
}

/// `cabrep serve`: a live preview of a paper (or a folder's papers) on `http://HOST:PORT/`. Beyond
/// the loopback interface, exempt papers and papers that do not load are shown to this machine
/// only, unless `allow_remote`. `poll`: look at the files rather than wait for notifications.
pub fn serve(engine: &Engine, path: &Path, host: &str, port: u16, allow_remote: bool, poll: bool) -> u8 {
    let inputs = papers(path);
    if inputs.is_empty() {
        let _ = writeln!(std::io::stderr(), "error: no report files found in {}", path.display());
        return 1;
    }
    let listener = match TcpListener::bind((host, port)) {
        Ok(l) => l,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: cannot listen on {host}:{port}: {e}");
            return 3;
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            return 3;
        }
    };
    let beyond = !loopback(addr.ip());
    if beyond {
        let _ = writeln!(
            std::io::stderr(),
            "warning: listening on {addr}, beyond this machine: anyone who can reach it on port {} can read the \
             preview",
            addr.port()
        );
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            if allow_remote {
                "warning: --allow-remote: exempt papers are shown to other machines too"
            } else {
                "warning: exempt papers, and papers that do not load, are shown to this machine only \
                 (--allow-remote shows them to others)"
            }
        );
    }
    let server = Server {
        engine,
        papers: inputs
            .into_iter()
            .map(|path| Paper { path, state: Mutex::new(Preview::default()), template: Mutex::new(None) })
            .collect(),
        folder: path.is_dir(),
        changed: Condvar::new(),
        changed_lock: Mutex::new(0),
        connections: AtomicUsize::new(0),
        listening: addr,
        allow_remote,
    };
    // The first render, before the address is printed: the first page load shows the paper.
    // Watching before it: a save during it is not missed.
    let paths: Vec<PathBuf> = server.papers.iter().map(|p| p.path.clone()).collect();
    let mut changes = Changes::new(&paths, poll);
    for (i, p) in server.papers.iter().enumerate() {
        changes.depend(i, server.rebuild(p));
    }
    if beyond && !allow_remote {
        for p in &server.papers {
            if !p.state.lock().unwrap_or_else(|e| e.into_inner()).public {
                let _ = writeln!(std::io::stderr(), "warning: {}: shown to this machine only", p.path.display());
            }
        }
    }
    // An address a browser here can open (one listening on every interface is reached on loopback).
    let url = match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => format!("http://127.0.0.1:{}/", addr.port()),
        IpAddr::V6(ip) if ip.is_unspecified() => format!("http://[::1]:{}/", addr.port()),
        _ => format!("http://{addr}/"),
    };
    let _ = writeln!(std::io::stderr(), "serving {url} (Ctrl-C stops)");
    // The formats the page links to, made after the page (the first ones too).
    let (later, todo) = std::sync::mpsc::channel::<usize>();
    for i in 0..server.papers.len() {
        let _ = later.send(i);
    }
    std::thread::scope(|s| {
        let server = &server;
        s.spawn(move || loop {
            for i in changes.wait() {
                changes.depend(i, server.rebuild(&server.papers[i]));
                let _ = later.send(i);
            }
        });
        s.spawn(move || {
            while let Ok(first) = todo.recv() {
                // Only once the saves pause (the page of the next save comes first), then only
                // the papers still waiting, each once, in the order saved.
                let mut waiting = vec![first];
                while let Ok(i) = todo.recv_timeout(SETTLE) {
                    waiting.push(i);
                }
                let mut seen = std::collections::BTreeSet::new();
                waiting.retain(|i| seen.insert(*i));
                for i in waiting {
                    for format in [Format::Pdf, Format::Docx] {
                        server.prepare(&server.papers[i], format);
                    }
                }
            }
        });
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            if server.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                server.connections.fetch_sub(1, Ordering::SeqCst);
                let mut stream = stream;
                let _ = respond(
                    &mut stream,
                    "503 Service Unavailable",
                    "text/plain; charset=utf-8",
                    b"too many connections\n",
                );
                continue;
            }
            let spawned = std::thread::Builder::new().name("http".into()).spawn_scoped(s, move || {
                let _ = server.answer(stream);
                server.connections.fetch_sub(1, Ordering::SeqCst);
            });
            if spawned.is_err() {
                server.connections.fetch_sub(1, Ordering::SeqCst);
            }
        }
    });
    0
}
