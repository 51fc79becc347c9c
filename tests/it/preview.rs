//! `cabrep serve` and `cabrep watch`: the live preview seen in a real browser (headless Chromium,
//! driven through the DevTools protocol by `tests/preview/drive.mjs`), its HTTP routes read with
//! a plain socket, and `watch` rebuilding on save. Chromium and Node are required: a missing one
//! fails these tests (never a silent skip).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use crate::common::*;

/// Kills the processes it holds when dropped, so that a failing test leaves none behind.
#[derive(Default)]
pub(crate) struct Reaper {
    pub(crate) children: Vec<Child>,
    pub(crate) pids: Vec<i32>,
}

impl Drop for Reaper {
    fn drop(&mut self) {
        for &pid in &self.pids {
            // SAFETY: kill(2) on a process this test started (Chromium, reported by the driver).
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        for c in &mut self.children {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// The lines a stream prints, through a channel (so that every wait can have a timeout).
pub(crate) fn lines(stream: impl Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Waits for a line satisfying `want`; panics with everything seen after `timeout`.
pub(crate) fn wait_line(rx: &Receiver<String>, timeout: Duration, what: &str, want: impl Fn(&str) -> bool) -> String {
    let end = Instant::now() + timeout;
    let mut seen = Vec::new();
    loop {
        let left = end.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) if want(&line) => return line,
            Ok(line) => seen.push(line),
            Err(_) => panic!("no {what} within {timeout:?}; seen:\n{}", seen.join("\n")),
        }
    }
}

/// An example report and its missions register, copied into a fresh folder.
pub(crate) fn example(dir: &Path) -> PathBuf {
    copy_inputs(dir, &["powering-our-future.yaml", "missions.yaml"]);
    dir.join("powering-our-future.yaml")
}

/// Starts a long-running `cabrep` command (`serve`, `watch`) with its standard error piped, for
/// the test to read its status lines.
pub(crate) fn start(args: &[&str]) -> Child {
    cabrep_cmd(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start cabrep {args:?}: {e}"))
}

/// Starts `cabrep serve` on a free port; returns its URL.
pub(crate) fn serve(reaper: &mut Reaper, path: &Path) -> String {
    let mut child = start(&["serve", s(path), "--port", "0"]);
    let rx = lines(child.stderr.take().expect("stderr"));
    reaper.children.push(child);
    let line = wait_line(&rx, Duration::from_secs(30), "`serving` line", |l| l.starts_with("serving http://"));
    // Keep reading its standard error, so that the server never blocks on a full pipe.
    std::thread::spawn(move || while rx.recv().is_ok() {});
    let url = line["serving ".len()..].split_whitespace().next().expect("url").to_string();
    assert!(url.starts_with("http://127.0.0.1:") && url.ends_with('/'), "{line}");
    url
}

/// A GET (or another method) over a plain socket: the status line and the body.
pub(crate) fn http(url: &str, method: &str, path: &str) -> (String, Vec<u8>) {
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
    write!(s, "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("send");
    let mut all = Vec::new();
    s.read_to_end(&mut all).expect("read response");
    let split = all.windows(4).position(|w| w == b"\r\n\r\n").expect("end of headers");
    let head = String::from_utf8_lossy(&all[..split]).into_owned();
    (head.lines().next().unwrap_or("").to_string(), all[split + 4..].to_vec())
}

/// The browser driver: commands in, one answer line each.
struct Driver {
    stdin: ChildStdin,
    out: Receiver<String>,
}

impl Driver {
    fn start(reaper: &mut Reaper, url: &str, profile: &Path) -> Driver {
        let mut child = Command::new("node")
            .arg("--experimental-websocket")
            .arg(root().join("tests/preview/drive.mjs"))
            .args([url, profile.to_str().expect("utf-8 path")])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("`node` (20 or later) is required for this test: {e}"));
        let out = lines(child.stdout.take().expect("stdout"));
        let stdin = child.stdin.take().expect("stdin");
        reaper.children.push(child);
        let browser = wait_line(&out, Duration::from_secs(30), "Chromium (is `chromium` installed?)", |l| {
            l.starts_with("browser ")
        });
        reaper.pids.push(browser["browser ".len()..].trim().parse().expect("browser pid"));
        wait_line(&out, Duration::from_secs(30), "page open", |l| l == "ready");
        Driver { stdin, out }
    }

    /// Sends `expect TEXT` or `lacks TEXT`; returns how long the page took, in milliseconds.
    fn until(&mut self, command: &str, text: &str) -> u64 {
        writeln!(self.stdin, "{command} {text}").expect("send to driver");
        let line = wait_line(&self.out, Duration::from_secs(30), "answer from the driver", |_| true);
        match line.strip_prefix("ok ") {
            Some(ms) => ms.parse().expect("milliseconds"),
            None => panic!("the page did not come to {command} `{text}`: {line}"),
        }
    }
}

pub(crate) fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read");
    assert!(text.contains(from), "`{from}` not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write");
}

#[test]
fn the_preview_page_follows_each_save_and_shows_located_problems() {
    let dir = tempdir();
    let paper = example(dir.path());
    let mut reaper = Reaper::default();
    let url = serve(&mut reaper, &paper);
    let profile = dir.path().join("chromium-profile");
    let mut page = Driver::start(&mut reaper, &url, &profile);
    page.until("expect", "Powering Our Future – Programme Update");

    edit(&paper, "title: Powering Our Future – Programme Update", "title: Powering Our Future – Revised Plan");
    let ms = page.until("expect", "Powering Our Future – Revised Plan");
    eprintln!("save to reloaded page: {ms} ms");
    assert!(ms < 5000, "the page took {ms} ms to follow the save");

    edit(&paper, "decision: cabinet", "decision: kye");
    page.until("expect", "powering-our-future.yaml:7:11: error: decision");
    // The last good render is kept below the problems.
    page.until("expect", "Revised Plan");

    edit(&paper, "decision: kye", "decision: cabinet");
    page.until("lacks", "powering-our-future.yaml:7:11");
    page.until("expect", "Powering Our Future – Revised Plan");
}

#[test]
fn the_preview_serves_fresh_pdf_and_docx_and_only_its_fixed_routes() {
    let dir = tempdir();
    let paper = example(dir.path());
    let mut reaper = Reaper::default();
    let url = serve(&mut reaper, &paper);

    let (status, page) = http(&url, "GET", "/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let page = String::from_utf8_lossy(&page);
    assert!(page.contains("new EventSource(\"events\")") && page.contains("href=\"report.pdf\""), "{page}");

    let (status, pdf) = http(&url, "GET", "/report.pdf");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let pdf_path = dir.path().join("served.pdf");
    std::fs::write(&pdf_path, &pdf).expect("write pdf");
    assert!(squash(&pdf_text(&pdf_path)).contains("Powering Our Future"));
    let (status, docx) = http(&url, "GET", "/report.docx");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let docx_path = dir.path().join("served.docx");
    std::fs::write(&docx_path, &docx).expect("write docx");
    assert!(docx_part(&docx_path, "word/document.xml").contains("Powering Our Future"));

    // A save makes the next PDF anew.
    edit(&paper, "title: Powering Our Future – Programme Update", "title: Powering Our Future – Second Draft");
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, pdf) = http(&url, "GET", "/report.pdf");
        std::fs::write(&pdf_path, &pdf).expect("write pdf");
        if squash(&pdf_text(&pdf_path)).contains("Second Draft") {
            break;
        }
        assert!(Instant::now() < end, "the PDF did not follow the save");
        std::thread::sleep(Duration::from_millis(200));
    }

    for path in
        ["/../missions.yaml", "/missions.yaml", "/powering-our-future.yaml", "/%2e%2e/Cargo.toml", "/report.pdf/x"]
    {
        assert_eq!(http(&url, "GET", path).0, "HTTP/1.1 404 Not Found", "{path}");
    }
    assert_eq!(http(&url, "POST", "/").0, "HTTP/1.1 405 Method Not Allowed");
    // An endless request line is refused, not buffered.
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let _ = s.write_all(format!("GET /{} HTTP/1.1\r\n", "a".repeat(64 * 1024)).as_bytes());
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 431"), "{answer:.200}");

    // The reload script is for the browser only: a built HTML file has none.
    let out = dir.path().join("out");
    let o = cabrep(&["build", paper.to_str().expect("utf-8"), "-f", "html", "-o", out.to_str().expect("utf-8")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let built = std::fs::read_to_string(out.join("powering-our-future.html")).expect("built html");
    assert!(!built.to_ascii_lowercase().contains("<script") && !built.contains("EventSource"));
}

#[test]
fn a_served_folder_lists_its_reports_and_serves_each() {
    let dir = tempdir();
    example(dir.path());
    std::fs::copy(root().join("inputs/land-disposal.yaml"), dir.path().join("land-disposal.yaml")).expect("copy");
    let mut reaper = Reaper::default();
    let url = serve(&mut reaper, dir.path());
    let (status, index) = http(&url, "GET", "/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    let index = String::from_utf8_lossy(&index);
    assert!(
        index.contains("href=\"0/\">land-disposal.yaml</a>")
            && index.contains("href=\"1/\">powering-our-future.yaml</a>"),
        "{index}"
    );
    assert!(!index.contains("missions.yaml"), "{index}");
    let (status, page) = http(&url, "GET", "/1/");
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(String::from_utf8_lossy(&page).contains("<title>Powering Our Future – Programme Update</title>"));
    assert_eq!(http(&url, "GET", "/2/").0, "HTTP/1.1 404 Not Found");
    assert_eq!(http(&url, "GET", "/01/").0, "HTTP/1.1 200 OK");
}

#[test]
fn watch_rebuilds_on_save_with_one_status_line_a_build() {
    let dir = tempdir();
    let paper = example(dir.path());
    let out = dir.path().join("out");
    let mut reaper = Reaper::default();
    let mut child = start(&["watch", s(&paper), "-f", "html,docx", "-o", s(&out)]);
    let rx = lines(child.stderr.take().expect("stderr"));
    reaper.children.push(child);
    let t = Duration::from_secs(30);
    let built = wait_line(&rx, t, "first build", |l| l.starts_with("built "));
    assert!(
        built.contains("powering-our-future.yaml → ")
            && built.contains("powering-our-future.html, ")
            && built.ends_with(" s)"),
        "{built}"
    );
    assert!(out.join("powering-our-future.docx").is_file());

    edit(&paper, "decision: cabinet", "decision: kye");
    let status = wait_line(&rx, t, "status of the broken file", |l| {
        l.starts_with("built ") || l.ends_with(" error") || l.ends_with(" errors")
    });
    assert!(status.ends_with("powering-our-future.yaml: 1 error"), "{status}");
    wait_line(&rx, t, "located diagnostic", |l| l.contains("powering-our-future.yaml:7:11: error: decision"));

    // Fixed, and retitled, in one save.
    let text = std::fs::read_to_string(&paper).expect("read");
    std::fs::write(
        &paper,
        text.replacen("decision: kye", "decision: cabinet", 1).replacen("Programme Update", "Watched", 1),
    )
    .expect("write");
    let status =
        wait_line(&rx, t, "rebuild", |l| l.starts_with("built ") || l.ends_with(" error") || l.ends_with(" errors"));
    assert!(status.starts_with("built "), "{status}");
    let html = std::fs::read_to_string(out.join("powering-our-future.html")).expect("html");
    assert!(html.contains("<title>Powering Our Future – Watched</title>"));
}

#[test]
fn the_preview_follows_a_save_of_the_missions_register_beside_the_report() {
    let dir = tempdir();
    let paper = example(dir.path());
    let mut reaper = Reaper::default();
    let url = serve(&mut reaper, &paper);
    assert!(String::from_utf8_lossy(&http(&url, "GET", "/").1).contains("Communities Powering Our Future"));
    edit(
        &dir.path().join("missions.yaml"),
        "name: Communities Powering Our Future",
        "name: Neighbourhoods Powering Our Future",
    );
    let end = Instant::now() + Duration::from_secs(10);
    while !String::from_utf8_lossy(&http(&url, "GET", "/").1).contains("Neighbourhoods Powering Our Future") {
        assert!(Instant::now() < end, "the page did not follow the missions register's save");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_request_sent_too_slowly_is_answered_408_and_closed() {
    let dir = tempdir();
    let paper = example(dir.path());
    let mut reaper = Reaper::default();
    let url = serve(&mut reaper, &paper);
    let addr = url.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
    let started = Instant::now();
    s.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n").expect("send");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:.200}");
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
    // The server still answers others.
    assert_eq!(http(&url, "GET", "/").0, "HTTP/1.1 200 OK");
}

#[test]
fn ctrl_c_stops_the_preview_server() {
    let dir = tempdir();
    let paper = example(dir.path());
    let mut child = start(&["serve", s(&paper)]);
    let rx = lines(child.stderr.take().expect("stderr"));
    let pid = child.id() as i32;
    let mut reaper = Reaper::default();
    reaper.children.push(child);
    let line =
        wait_line(&rx, Duration::from_secs(30), "`serving` line", |l| l.starts_with("serving http://127.0.0.1:"));
    let url = line["serving ".len()..].split_whitespace().next().expect("url").to_string();
    // An open event stream does not keep it alive.
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
    let mut events = TcpStream::connect(&addr).expect("connect");
    events.write_all(b"GET /events HTTP/1.1\r\n\r\n").expect("send");
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: kill(2) on the server this test started.
    unsafe { libc::kill(pid, libc::SIGINT) };
    let end = Instant::now() + Duration::from_secs(10);
    let child = &mut reaper.children[0];
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        assert!(Instant::now() < end, "cabrep serve still runs 10 s after SIGINT");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(130), "{status:?}");
}
