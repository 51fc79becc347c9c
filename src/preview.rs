//! The author's loop: `cabrep serve` (a live preview over HTTP on the loopback interface) and
//! `cabrep watch` (rebuilds on save). Both poll the watched files' modification time and size
//! (and those of the YAML files beside them, such as a missions register) every 200 ms (no
//! watcher crate); `serve` answers a few fixed routes with a small HTTP/1.1
//! responder of its own (GET only, bounded request size and connections, a thread a connection).
//!
//! This module never writes the preview's page to disk: the reload script and the diagnostics
//! banner are added to the HTML writer's output in memory, for the browser only. `watch` writes
//! only what `build` would.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime};

use cabrep::build::{self, Engine, Outcome};
use cabrep::diag::{self, Diagnostic, MessageFormat};
use cabrep::jobs;
use cabrep::render::Format;
use cabrep::tree::Document;

/// How often the watched files are looked at.
const POLL: Duration = Duration::from_millis(200);
/// The longest request line and headers read.
const MAX_REQUEST: u64 = 8 * 1024;
/// Connections served at once (a live page holds one for its event stream).
const MAX_CONNECTIONS: usize = 64;

/// The YAML files beside a paper looked at (its missions register is one of them), at most.
const MAX_SIBLINGS: usize = 1000;
/// The longest a client may take to send its request.
const REQUEST_DEADLINE: Duration = Duration::from_secs(10);

/// Modification times and sizes of a paper and of the YAML files beside it (a missions register
/// it names): what changes when one of them is saved.
type Stamp = Vec<(PathBuf, SystemTime, u64)>;

fn stamp(path: &Path) -> Stamp {
    let one =
        |p: PathBuf| std::fs::metadata(&p).ok().map(|m| (p, m.modified().unwrap_or(SystemTime::UNIX_EPOCH), m.len()));
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let mut siblings: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|f| f.as_path() != path && f.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .take(MAX_SIBLINGS)
        .collect();
    siblings.sort();
    std::iter::once(path.to_path_buf()).chain(siblings).filter_map(one).collect()
}

/// The papers given on the command line: one file, or the reports of a folder.
fn papers(path: &Path) -> Vec<PathBuf> {
    cabrep::load::report_files(&[path.to_path_buf()])
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
/// build. Runs until interrupted.
pub fn watch(engine: &Engine, path: &Path, out: &Path, formats: &[Format]) -> u8 {
    let inputs = papers(path);
    if inputs.is_empty() {
        let _ = writeln!(std::io::stderr(), "error: no report files found in {}", path.display());
        return 1;
    }
    let mut stamps: Vec<Option<Stamp>> = vec![None; inputs.len()];
    let _ = writeln!(std::io::stderr(), "watching {} (Ctrl-C stops)", path.display());
    loop {
        for (input, last) in inputs.iter().zip(stamps.iter_mut()) {
            let now = Some(stamp(input));
            if now == *last {
                continue;
            }
            *last = now;
            watch_build(engine, input, out, formats);
        }
        std::thread::sleep(POLL);
    }
}

fn watch_build(engine: &Engine, input: &Path, out: &Path, formats: &[Format]) {
    let started = Instant::now();
    let outcome = build::build_report(engine, input, out, formats, true);
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
}

struct Paper {
    path: PathBuf,
    state: Mutex<Preview>,
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
}

/// `cabrep serve`: a live preview of a paper (or a folder's papers) on `http://HOST:PORT/`.
pub fn serve(engine: &Engine, path: &Path, host: &str, port: u16) -> u8 {
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
    let server = Server {
        engine,
        papers: inputs.into_iter().map(|path| Paper { path, state: Mutex::new(Preview::default()) }).collect(),
        folder: path.is_dir(),
        changed: Condvar::new(),
        changed_lock: Mutex::new(0),
        connections: AtomicUsize::new(0),
    };
    // The first render, before the address is printed: the first page load shows the paper.
    let mut stamps: Vec<Stamp> = server.papers.iter().map(|p| stamp(&p.path)).collect();
    for p in &server.papers {
        server.rebuild(p);
    }
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "error: {e}");
            return 3;
        }
    };
    let _ = writeln!(std::io::stderr(), "serving http://{addr}/ (Ctrl-C stops)");
    std::thread::scope(|s| {
        s.spawn(|| loop {
            std::thread::sleep(POLL);
            for (p, last) in server.papers.iter().zip(stamps.iter_mut()) {
                let now = stamp(&p.path);
                if now != *last {
                    *last = now;
                    server.rebuild(p);
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
            let server = &server;
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

impl Server<'_> {
    /// Loads and renders a paper's HTML page again; keeps the last good render on failure.
    fn rebuild(&self, paper: &Paper) {
        let started = Instant::now();
        let result = jobs::catch_panic(|| match self.engine.load(&paper.path) {
            Ok(l) => {
                let doc = self.engine.document(&l.report);
                match self.engine.render(&doc, Format::Html) {
                    Ok(bytes) => Ok((doc, String::from_utf8_lossy(&bytes).into_owned(), l.warnings)),
                    Err(e) => Err((Vec::new(), Some(format!("html output: {e}")))),
                }
            }
            Err(f) => Err((f.diagnostics, None)),
        });
        let mut st = paper.state.lock().unwrap_or_else(|e| e.into_inner());
        st.version += 1;
        let line = match result {
            Ok(Ok((doc, html, warnings))) => {
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
    }

    /// Reads one request and answers it.
    fn answer(&self, mut stream: TcpStream) -> std::io::Result<()> {
        stream.set_write_timeout(Some(Duration::from_secs(30)))?;
        // The request line and headers (ignored), to the blank line: within a size and a time.
        let deadline = Instant::now() + REQUEST_DEADLINE;
        let mut request = Vec::new();
        let mut chunk = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") && !request.windows(2).any(|w| w == b"\n\n") {
            if request.len() as u64 >= MAX_REQUEST {
                return respond(
                    &mut stream,
                    "431 Request Header Fields Too Large",
                    "text/plain; charset=utf-8",
                    b"request too large\n",
                );
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return respond(&mut stream, "408 Request Timeout", "text/plain; charset=utf-8", b"request too slow\n");
            }
            stream.set_read_timeout(Some(left))?;
            match stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => request.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    return respond(
                        &mut stream,
                        "408 Request Timeout",
                        "text/plain; charset=utf-8",
                        b"request too slow\n",
                    );
                }
                Err(e) => return Err(e),
            }
        }
        let text = String::from_utf8_lossy(&request);
        let first = text.lines().next().unwrap_or("");
        let mut parts = first.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        if method != "GET" {
            return respond(&mut stream, "405 Method Not Allowed", "text/plain; charset=utf-8", b"only GET\n");
        }
        let route = target.split(['?', '#']).next().unwrap_or("");
        let (paper, rest) = if self.folder {
            if route == "/" {
                return respond(&mut stream, "200 OK", "text/html; charset=utf-8", self.index().as_bytes());
            }
            let Some((n, rest)) = route.strip_prefix('/').and_then(|r| r.split_once('/')) else {
                return not_found(&mut stream);
            };
            match n
                .parse::<usize>()
                .ok()
                .filter(|_| n.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|i| self.papers.get(i))
            {
                Some(p) => (p, rest),
                None => return not_found(&mut stream),
            }
        } else {
            (&self.papers[0], route.strip_prefix('/').unwrap_or(route))
        };
        match rest {
            "" => respond(&mut stream, "200 OK", "text/html; charset=utf-8", self.page(paper).as_bytes()),
            "events" => self.events(paper, stream),
            "report.pdf" => self.file(paper, Format::Pdf, &mut stream),
            "report.docx" => self.file(paper, Format::Docx, &mut stream),
            _ => not_found(&mut stream),
        }
    }

    /// The folder's index: each paper, linked, with its title or its error count.
    fn index(&self) -> String {
        let mut items = String::new();
        for (i, p) in self.papers.iter().enumerate() {
            let st = p.state.lock().unwrap_or_else(|e| e.into_inner());
            let name = p.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let title = st.good.as_ref().map(|(d, _)| d.meta.title.clone()).unwrap_or_default();
            let errors = st.problems.iter().filter(|d| d.is_error()).count();
            let note =
                if errors > 0 { format!(" <strong>({})</strong>", plural(errors, "error")) } else { String::new() };
            items.push_str(&format!(
                "<li><a href=\"{i}/\">{}</a> — {}{note}</li>\n",
                cabrep::render::escape::attr(&name),
                cabrep::render::escape::attr(&title)
            ));
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Papers</title>\n</head>\n<body>\n<main>\n<h1>Papers</h1>\n<ul>\n{items}</ul>\n</main>\n</body>\n</html>\n"
        )
    }

    /// A paper's page: the banner (links, problems) and the last good render, with the reload
    /// script.
    fn page(&self, paper: &Paper) -> String {
        let st = paper.state.lock().unwrap_or_else(|e| e.into_inner());
        let mut banner = String::from(
            "<div id=\"cabrep-preview\" role=\"status\" style=\"font-family:sans-serif;border-bottom:2px solid #555;padding:0.5em 1em;background:#f4f4f4\">\n",
        );
        banner.push_str(&format!(
            "<p>Preview of <code>{}</code> · <a href=\"report.pdf\">PDF</a> · <a href=\"report.docx\">DOCX</a>{}</p>\n",
            cabrep::render::escape::attr(&paper.path.display().to_string()),
            if self.folder { " · <a href=\"../\">all papers</a>" } else { "" }
        ));
        let errors = st.problems.iter().filter(|d| d.is_error()).count();
        if errors > 0 || st.failure.is_some() {
            banner.push_str(&format!(
                "<p style=\"color:#a00\"><strong>{}</strong>{}</p>\n",
                if st.failure.is_some() {
                    "The file could not be built".to_string()
                } else {
                    format!("{} in the file as saved", plural(errors, "error"))
                },
                if st.good.is_some() { "; below is the last good render." } else { "." }
            ));
        }
        if !st.problems.is_empty() || st.failure.is_some() {
            banner.push_str("<pre id=\"cabrep-diagnostics\" style=\"white-space:pre-wrap\">");
            for d in &st.problems {
                banner.push_str(&cabrep::render::escape::attr(&d.to_string()));
                banner.push('\n');
            }
            if let Some(f) = &st.failure {
                banner.push_str(&cabrep::render::escape::attr(f));
                banner.push('\n');
            }
            banner.push_str("</pre>\n");
        }
        banner.push_str("</div>\n");
        let script = format!(
            "<script>\n(function () {{\n  var shown = {};\n  var events = new EventSource(\"events\");\n  events.onmessage = function (e) {{ if (Number(e.data) !== shown) {{ events.close(); location.reload(); }} }};\n}})();\n</script>\n",
            st.version
        );
        let body = match &st.good {
            Some((_, html)) => html.clone(),
            None => "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Preview</title>\n</head>\n<body>\n</body>\n</html>\n".into(),
        };
        // The banner right after `<body…>`, the script before `</body>`.
        let mut page = body;
        let at = page.find("<body").and_then(|b| page[b..].find('>').map(|e| b + e + 1)).unwrap_or(0);
        page.insert_str(at, &format!("\n{banner}"));
        let end = page.rfind("</body>").unwrap_or(page.len());
        page.insert_str(end, &script);
        page
    }

    /// A server-sent event stream: the paper's version now, and again at each rebuild.
    fn events(&self, paper: &Paper, mut stream: TcpStream) -> std::io::Result<()> {
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n")?;
        let mut sent = None;
        loop {
            let version = paper.state.lock().unwrap_or_else(|e| e.into_inner()).version;
            if sent != Some(version) {
                stream.write_all(format!("data: {version}\n\n").as_bytes())?;
                sent = Some(version);
            } else {
                // A comment: finds a closed connection, so that its thread ends.
                stream.write_all(b": still here\n\n")?;
            }
            stream.flush()?;
            let n = self.changed_lock.lock().unwrap_or_else(|e| e.into_inner());
            let _ = self.changed.wait_timeout(n, Duration::from_secs(10));
        }
    }

    /// The PDF or DOCX of the last good render, built on first request after each save.
    fn file(&self, paper: &Paper, format: Format, stream: &mut TcpStream) -> std::io::Result<()> {
        let (version, doc) = {
            let st = paper.state.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, _, bytes)) = st.files.iter().find(|(f, v, _)| *f == format && *v == st.version) {
                let bytes = bytes.clone();
                drop(st);
                return respond(stream, "200 OK", content_type(format), &bytes);
            }
            match &st.good {
                Some((doc, _)) => (st.version, doc.clone()),
                None => {
                    return respond(
                        stream,
                        "409 Conflict",
                        "text/plain; charset=utf-8",
                        b"the paper has not built yet: see its page\n",
                    )
                }
            }
        };
        let rendered = jobs::catch_panic(|| self.engine.render(&doc, format));
        match rendered {
            Ok(Ok(bytes)) => {
                let bytes = Arc::new(bytes);
                let mut st = paper.state.lock().unwrap_or_else(|e| e.into_inner());
                if st.version == version {
                    st.files.retain(|(f, _, _)| *f != format);
                    st.files.push((format, version, bytes.clone()));
                }
                drop(st);
                respond(stream, "200 OK", content_type(format), &bytes)
            }
            Ok(Err(e)) => {
                respond(stream, "500 Internal Server Error", "text/plain; charset=utf-8", format!("{e}\n").as_bytes())
            }
            Err(panic) => respond(
                stream,
                "500 Internal Server Error",
                "text/plain; charset=utf-8",
                format!("{panic}\n").as_bytes(),
            ),
        }
    }
}

fn content_type(format: Format) -> &'static str {
    match format {
        Format::Pdf => "application/pdf",
        Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Format::Html => "text/html; charset=utf-8",
        Format::Tree => "application/json",
    }
}

fn not_found(stream: &mut TcpStream) -> std::io::Result<()> {
    respond(stream, "404 Not Found", "text/plain; charset=utf-8", b"not found\n")
}

fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}
