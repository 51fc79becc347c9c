//! The preview server against requests for another site's name and against other machines, and
//! builds against each other: two builds of one folder at once, a cache entry copied over
//! another's, and the temporary files a killed build left.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

use crate::common::*;

/// A `cabrep serve` process, killed when dropped (a failing test leaves none behind), with the
/// lines it printed before `serving`.
struct Served {
    child: Child,
    port: u16,
    said: Vec<String>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `cabrep serve` with these arguments on a free port; waits for its `serving` line.
fn serve(args: &[&str]) -> Served {
    let mut all = vec!["serve", "--port", "0"];
    all.extend_from_slice(args);
    let mut child = cabrep_cmd(&all)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start cabrep {all:?}: {e}"));
    let (tx, rx) = channel();
    let err = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(err).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut served = Served { child, port: 0, said: Vec::new() };
    let line = wait_serving(&rx, &mut served.said);
    // Keep reading its standard error, so that the server never blocks on a full pipe.
    std::thread::spawn(move || while rx.recv().is_ok() {});
    let addr = line.trim_start_matches("serving http://").split('/').next().expect("address");
    served.port = addr.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("port in {line}"));
    served
}

fn wait_serving(rx: &Receiver<String>, said: &mut Vec<String>) -> String {
    let end = Instant::now() + Duration::from_secs(60);
    loop {
        match rx.recv_timeout(end.saturating_duration_since(Instant::now())) {
            Ok(line) if line.starts_with("serving http://") => return line,
            Ok(line) => said.push(line),
            Err(_) => panic!("no `serving` line within 60 s; seen:\n{}", said.join("\n")),
        }
    }
}

/// Sends `head` (the request line and headers, without the blank line) to `ip:port`; returns the
/// status line and the body.
fn request(ip: IpAddr, port: u16, head: &str) -> (String, String) {
    let mut s = TcpStream::connect((ip, port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
    write!(s, "{head}\r\nConnection: close\r\n\r\n").expect("send");
    let mut all = Vec::new();
    // An event stream never ends: what came within the timeout is enough.
    let _ = s.read_to_end(&mut all);
    let text = String::from_utf8_lossy(&all).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no end of headers: {text}"));
    (head.lines().next().unwrap_or("").to_owned(), body.to_owned())
}

fn get(ip: IpAddr, port: u16, path: &str, host: &str) -> (String, String) {
    request(ip, port, &format!("GET {path} HTTP/1.1\r\nHost: {host}"))
}

const LOOPBACK: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);
/// Words of the example report's title and body.
const PUBLIC_TITLE: &str = "Powering Our Future";
const EXEMPT_TITLE: &str = "Disposal of Land at Teesdale Business Park";

#[test]
fn a_request_for_another_sites_name_gets_421_and_nothing_of_the_paper() {
    let dir = tempdir();
    copy_inputs(dir.path(), &["powering-our-future.yaml", "missions.yaml"]);
    let server = serve(&[s(&dir.path().join("powering-our-future.yaml"))]);
    let port = server.port;
    let good = get(LOOPBACK, port, "/", &format!("127.0.0.1:{port}"));
    assert_eq!(good.0, "HTTP/1.1 200 OK");
    assert!(good.1.contains(PUBLIC_TITLE), "the page is served to its own address");
    for host in [format!("localhost:{port}"), "127.0.0.1".to_owned(), "LocalHost".to_owned(), format!("[::1]:{port}")] {
        let (status, body) = get(LOOPBACK, port, "/", &host);
        assert_eq!(status, "HTTP/1.1 200 OK", "Host: {host}");
        assert!(body.contains(PUBLIC_TITLE), "Host: {host}");
    }
    // What a page on another site sends once its name points at this machine (DNS rebinding).
    for host in [
        "evil.example".to_owned(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("127.0.0.1:{port}@evil.example"),
        format!("[::1]x:{port}"),
        String::new(),
    ] {
        for path in ["/", "/report.pdf", "/report.docx", "/events"] {
            let (status, body) = get(LOOPBACK, port, path, &host);
            assert_eq!(status, "HTTP/1.1 421 Misdirected Request", "Host: {host} {path}: {body}");
            assert!(!body.contains(PUBLIC_TITLE) && !body.contains("%PDF") && !body.contains("data:"), "{body}");
        }
    }
    // No Host at all, and two of them, are refused as well.
    for head in [
        "GET / HTTP/1.1".to_owned(),
        "GET / HTTP/1.0".to_owned(),
        format!("GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nHost: evil.example"),
    ] {
        let (status, body) = request(LOOPBACK, port, &head);
        assert_eq!(status, "HTTP/1.1 400 Bad Request", "{head}");
        assert!(!body.contains(PUBLIC_TITLE), "{body}");
    }
}

/// An address of this machine beyond loopback (the one it would reach the internet from).
fn outward_address() -> IpAddr {
    let probe = std::net::UdpSocket::bind("0.0.0.0:0").expect("udp socket");
    // Connecting a UDP socket sends nothing: it only picks the interface.
    let ip = probe.connect("192.0.2.1:9").and_then(|()| probe.local_addr()).map(|a| a.ip());
    match ip {
        Ok(ip) if !ip.is_loopback() && !ip.is_unspecified() => ip,
        other => panic!("this test needs an address of this machine beyond loopback, found {other:?}"),
    }
}

/// A folder with a public report and an exempt one.
fn public_and_exempt(dir: &Path) -> PathBuf {
    let folder = dir.join("papers");
    std::fs::create_dir(&folder).expect("mkdir");
    copy_inputs(&folder, &["powering-our-future.yaml", "missions.yaml", "land-disposal.yaml"]);
    folder
}

/// Which of the folder's papers (`/0/`, `/1/`) is which, from the index seen on loopback.
fn exempt_route(index: &str) -> (String, String) {
    let at = |name: &str| {
        let i = index.find(name).unwrap_or_else(|| panic!("{name} in the index: {index}"));
        let link = index[..i].rfind("href=\"").expect("link");
        index[link + 6..].split('"').next().expect("href").to_owned()
    };
    (format!("/{}", at("land-disposal.yaml")), format!("/{}", at("powering-our-future.yaml")))
}

#[test]
fn listening_beyond_loopback_warns_and_shows_an_exempt_paper_to_this_machine_only() {
    let outward = outward_address();
    let dir = tempdir();
    let folder = public_and_exempt(dir.path());
    let server = serve(&[s(&folder), "--host", "0.0.0.0"]);
    let said = server.said.join("\n");
    assert!(said.contains("warning: listening on 0.0.0.0:"), "{said}");
    assert!(said.contains("beyond this machine"), "{said}");
    assert!(said.contains("land-disposal.yaml: shown to this machine only"), "{said}");
    assert!(!said.contains("powering-our-future.yaml: shown"), "{said}");
    let port = server.port;
    let here = format!("127.0.0.1:{port}");
    let there = format!("{outward}:{port}");
    let (status, index) = get(LOOPBACK, port, "/", &here);
    assert_eq!(status, "HTTP/1.1 200 OK");
    let (exempt, public) = exempt_route(&index);
    assert!(index.contains(EXEMPT_TITLE), "this machine sees every title: {index}");
    // This machine sees the exempt paper.
    let (status, page) = get(LOOPBACK, port, &exempt, &here);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains(EXEMPT_TITLE));
    // Another machine (a connection from an address beyond loopback) does not, by any route.
    let (status, index) = get(outward, port, "/", &there);
    assert_eq!(status, "HTTP/1.1 200 OK", "the index, on the outward address");
    assert!(index.contains(PUBLIC_TITLE) && !index.contains(EXEMPT_TITLE), "{index}");
    for route in ["", "report.pdf", "report.docx"] {
        let (status, body) = get(outward, port, &format!("{exempt}{route}"), &there);
        assert_eq!(status, "HTTP/1.1 403 Forbidden", "{exempt}{route}");
        assert!(!body.contains(EXEMPT_TITLE) && !body.contains("Teesdale") && !body.contains("PK"), "{body}");
    }
    let (status, page) = get(outward, port, &public, &there);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains(PUBLIC_TITLE));
    // The other machine's request must still name this one.
    assert_eq!(get(outward, port, &public, "evil.example").0, "HTTP/1.1 421 Misdirected Request");
    drop(server);

    // Deliberately: --allow-remote shows it to others, and says so.
    let server = serve(&[s(&folder), "--host", "0.0.0.0", "--allow-remote"]);
    let said = server.said.join("\n");
    assert!(said.contains("warning: --allow-remote: exempt papers are shown to other machines too"), "{said}");
    let there = format!("{outward}:{}", server.port);
    let (status, page) = get(outward, server.port, &exempt, &there);
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(page.contains(EXEMPT_TITLE));
}

#[test]
fn listening_on_loopback_says_no_warning() {
    let dir = tempdir();
    let folder = public_and_exempt(dir.path());
    let server = serve(&[s(&folder)]);
    assert!(!server.said.iter().any(|l| l.starts_with("warning")), "{:?}", server.said);
}

// ---------------------------------------------------------------------------------------------
// builds against each other

/// Every file of a folder (not its hidden ones) with its bytes, by name.
fn outputs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("out folder")
        .map(|e| e.expect("entry"))
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read")))
        .collect();
    v.sort();
    v
}

/// The hidden temporary files in a folder.
fn temporaries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".cabrep-") && n.ends_with(".tmp"))
        .collect();
    v.sort();
    v
}

#[test]
fn two_builds_of_one_folder_at_once_both_succeed_with_whole_identical_outputs() {
    let dir = tempdir();
    let folder = dir.path().join("papers");
    std::fs::create_dir(&folder).expect("mkdir");
    copy_inputs(
        &folder,
        &[
            "powering-our-future.yaml",
            "missions.yaml",
            "highways-capital-programme.yaml",
            "land-disposal.yaml",
            "hwb-mission-led-approach.yaml",
        ],
    );
    let build = |out: &Path| cabrep_cmd(&["build", s(&folder), "-o", s(out), "-f", "docx,pdf,html", "-q", "-j", "1"]);
    let single = dir.path().join("single");
    let alone = build(&single).output().expect("run");
    assert!(alone.status.success(), "{}", stderr(&alone));
    let want = outputs(&single);
    assert!(want.len() >= 12, "every report in three formats: {:?}", want.iter().map(|w| &w.0).collect::<Vec<_>>());
    let out = dir.path().join("both");
    let mut caught = 0;
    for round in 0..3 {
        let mut first = build(&out).stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("first build");
        let pid = libc::pid_t::try_from(first.id()).expect("pid");
        // The second starts while the first is writing: the first is held (SIGSTOP) the moment a
        // temporary file of its own is seen, and let go once the second has finished.
        let mut held = false;
        while !held && first.try_wait().expect("first build").is_none() {
            if !temporaries_if_any(&out).is_empty() {
                // SAFETY: kill(2) on the child this test started.
                unsafe { libc::kill(pid, libc::SIGSTOP) };
                held = !temporaries_if_any(&out).is_empty();
                if !held {
                    // SAFETY: as above.
                    unsafe { libc::kill(pid, libc::SIGCONT) };
                }
            }
        }
        let second = build(&out).output().expect("second build");
        // SAFETY: as above.
        unsafe { libc::kill(pid, libc::SIGCONT) };
        let first = first.wait_with_output().expect("first build");
        caught += usize::from(held);
        assert!(first.status.success(), "round {round}, the first build: {}", stderr(&first));
        assert!(second.status.success(), "round {round}, the second build: {}", stderr(&second));
        assert!(outputs(&out) == want, "round {round}: the outputs differ from a build on its own");
        assert_eq!(temporaries(&out), Vec::<String>::new(), "round {round}");
    }
    assert!(caught > 0, "the first build was never caught writing: the test tested nothing");
}

/// The temporary files in a folder, none while it does not exist.
fn temporaries_if_any(dir: &Path) -> Vec<String> {
    if dir.is_dir() {
        temporaries(dir)
    } else {
        Vec::new()
    }
}

/// A meeting of two reports in a fresh folder, and its pack's cache folder.
fn meeting(dir: &Path) -> (PathBuf, PathBuf, PathBuf) {
    copy_inputs(dir, &["powering-our-future.yaml", "missions.yaml", "highways-capital-programme.yaml"]);
    let m = dir.join("meeting.yaml");
    std::fs::copy(root().join("tests/hostile/serve/meeting.yaml"), &m).expect("copy meeting");
    let out = dir.join("out");
    let cache = out.join(".cabrep-cache/meeting");
    (m, out, cache)
}

fn pack(m: &Path, out: &Path) -> std::process::Output {
    cabrep(&["pack", s(m), "-o", s(out), "-f", "pdf", "-q"])
}

fn entries(cache: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(cache)
        .expect("a cache")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "part"))
        .collect();
    v.sort();
    v
}

#[test]
fn a_cache_entry_copied_over_another_reports_is_not_bound_but_typeset_again() {
    let dir = tempdir();
    let (m, out, cache) = meeting(dir.path());
    let first = pack(&m, &out);
    assert!(first.status.success(), "{}", stderr(&first));
    let want = std::fs::read(out.join("meeting-pack.pdf")).expect("pack");
    let parts = entries(&cache);
    assert_eq!(parts.len(), 2, "{parts:?}");
    // Each entry names its own key.
    for p in &parts {
        let bytes = std::fs::read(p).expect("entry");
        let key = p.file_stem().and_then(|k| k.to_str()).expect("key");
        assert!(bytes.starts_with(format!("cabrep-part {key} ").as_bytes()), "{}", p.display());
    }
    let (a, b) = (std::fs::read(&parts[0]).expect("a"), std::fs::read(&parts[1]).expect("b"));
    std::fs::write(&parts[1], &a).expect("copy one entry over the other");
    let second = pack(&m, &out);
    assert!(second.status.success(), "{}", stderr(&second));
    let got = std::fs::read(out.join("meeting-pack.pdf")).expect("pack");
    assert!(got == want, "the pack binds each report's own pages, not the copied entry's");
    let text = pdf_text(&out.join("meeting-pack.pdf"));
    assert!(text.contains("Highways Capital Programme") && text.contains(PUBLIC_TITLE));
    assert_eq!(std::fs::read(&parts[1]).expect("b"), b, "the entry is its own report's again");
    assert_eq!(entries(&cache), parts);
}

#[test]
fn temporaries_of_a_killed_build_are_swept_from_the_out_and_cache_folders_and_live_ones_kept() {
    let dir = tempdir();
    let (m, out, cache) = meeting(dir.path());
    let first = pack(&m, &out);
    assert!(first.status.success(), "{}", stderr(&first));
    // A process that has exited: a build killed outright, as far as its files go.
    let mut gone = std::process::Command::new("true").spawn().expect("true");
    let dead = gone.id();
    gone.wait().expect("wait");
    // A process alive throughout: a build writing beside this one.
    let mut alive = std::process::Command::new("sleep").arg("600").spawn().expect("sleep");
    let live = alive.id();
    let dead_name = format!(".cabrep-{dead}-Xq3ZkA.tmp");
    let live_name = format!(".cabrep-{live}-Pw7RtB.tmp");
    for folder in [&out, &cache] {
        for name in [&dead_name, &live_name] {
            std::fs::write(folder.join(name), b"%PDF-1.7 half written").expect("leave a temporary");
        }
    }
    let second = pack(&m, &out);
    let kept = (temporaries(&out), temporaries(&cache));
    let _ = alive.kill();
    let _ = alive.wait();
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(kept.0, vec![live_name.clone()], "the out folder");
    assert_eq!(kept.1, vec![live_name], "the cache folder");
    assert_eq!(entries(&cache).len(), 2);
}
