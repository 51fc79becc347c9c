//! The preview's HTTP/1.1 responder: one request a connection, GET on a few fixed routes, the
//! `Host` checked, bounded in size and time; the page with its banner and reload script, the
//! event stream, and the PDF and DOCX of the last good render.

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::{plural, Paper, Server, MAX_REQUEST, REQUEST_DEADLINE};
use crate::jobs;
use crate::render::Format;

impl Server<'_> {
    /// Reads one request and answers it.
    pub(super) fn answer(&self, mut stream: TcpStream) -> std::io::Result<()> {
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
        let mut lines = text.lines();
        let first = lines.next().unwrap_or("");
        // The Host header: one, naming this server (never a name some other site points here).
        let hosts: Vec<&str> = lines
            .take_while(|l| !l.trim().is_empty())
            .filter_map(|l| l.split_once(':'))
            .filter(|(name, _)| name.eq_ignore_ascii_case("host"))
            .map(|(_, value)| value.trim())
            .collect();
        match hosts.as_slice() {
            [host] if names_server(host, stream.local_addr()?, self.listening) => {}
            [_] => {
                return respond(
                    &mut stream,
                    "421 Misdirected Request",
                    "text/plain; charset=utf-8",
                    b"this preview answers requests for its own address only\n",
                )
            }
            _ => {
                return respond(
                    &mut stream,
                    "400 Bad Request",
                    "text/plain; charset=utf-8",
                    b"a request names its Host once\n",
                )
            }
        }
        // Another machine asking, when exempt papers are for this one only.
        let remote = !self.allow_remote && !loopback(stream.peer_addr()?.ip());
        let mut parts = first.split_whitespace();
        let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
        if method != "GET" {
            return respond(&mut stream, "405 Method Not Allowed", "text/plain; charset=utf-8", b"only GET\n");
        }
        let route = target.split(['?', '#']).next().unwrap_or("");
        let (paper, rest) = if self.folder {
            if route == "/" {
                return respond(&mut stream, "200 OK", "text/html; charset=utf-8", self.index(remote).as_bytes());
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
        let hidden = remote && !paper.state.lock().unwrap_or_else(|e| e.into_inner()).public;
        match rest {
            "" | "report.pdf" | "report.docx" if hidden => {
                respond(&mut stream, "403 Forbidden", "text/html; charset=utf-8", self.withheld(paper).as_bytes())
            }
            "" => respond(&mut stream, "200 OK", "text/html; charset=utf-8", self.page(paper).as_bytes()),
            "events" => self.events(paper, stream),
            "report.pdf" => self.file(paper, Format::Pdf, &mut stream),
            "report.docx" => self.file(paper, Format::Docx, &mut stream),
            _ => not_found(&mut stream),
        }
    }

    /// The folder's index: each paper, linked, with its title or its error count (for another
    /// machine, `remote`, no title of a paper shown to this machine only).
    fn index(&self, remote: bool) -> String {
        let mut items = String::new();
        for (i, p) in self.papers.iter().enumerate() {
            let st = p.state.lock().unwrap_or_else(|e| e.into_inner());
            let name = p.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let title = match &st.good {
                _ if remote && !st.public => "shown on the machine serving it only".to_owned(),
                Some((d, _)) => d.meta.title.clone(),
                None => String::new(),
            };
            let errors = st.problems.iter().filter(|d| d.is_error()).count();
            let note =
                if errors > 0 { format!(" <strong>({})</strong>", plural(errors, "error")) } else { String::new() };
            items.push_str(&format!(
                "<li><a href=\"{i}/\">{}</a> — {}{note}</li>\n",
                crate::render::escape::attr(&name),
                crate::render::escape::attr(&title)
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
            crate::render::escape::attr(&paper.path.display().to_string()),
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
                banner.push_str(&crate::render::escape::attr(&d.to_string()));
                banner.push('\n');
            }
            if let Some(f) = &st.failure {
                banner.push_str(&crate::render::escape::attr(f));
                banner.push('\n');
            }
            banner.push_str("</pre>\n");
        }
        banner.push_str("</div>\n");
        let script = reload_script(st.version);
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

    /// What another machine is shown of a paper that is for this one only: that, and the reload
    /// script (the page comes back when the paper may be shown). Nothing of the paper.
    fn withheld(&self, paper: &Paper) -> String {
        let version = paper.state.lock().unwrap_or_else(|e| e.into_inner()).version;
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Not shown</title>\n</head>\n<body>\n<main>\n<h1>Not shown</h1>\n<p>This paper is exempt, or does not load as saved: it is shown on the machine serving it only (<code>cabrep serve --allow-remote</code> shows it to others).</p>\n</main>\n{}</body>\n</html>\n",
            reload_script(version)
        )
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

    /// The PDF or DOCX of the last good render (made after the page at each save, or now).
    fn file(&self, paper: &Paper, format: Format, stream: &mut TcpStream) -> std::io::Result<()> {
        match self.prepare(paper, format) {
            Some(Ok(bytes)) => respond(stream, "200 OK", content_type(format), &bytes),
            Some(Err(e)) => {
                respond(stream, "500 Internal Server Error", "text/plain; charset=utf-8", format!("{e}\n").as_bytes())
            }
            None => respond(
                stream,
                "409 Conflict",
                "text/plain; charset=utf-8",
                b"the paper has not built yet: see its page\n",
            ),
        }
    }

    /// The PDF or DOCX of the last good render: kept from an earlier call at the same version, or
    /// made now and kept. `None` when the paper has not built yet.
    pub(super) fn prepare(&self, paper: &Paper, format: Format) -> Option<Result<Arc<Vec<u8>>, String>> {
        let (version, doc) = {
            let st = paper.state.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((_, _, bytes)) = st.files.iter().find(|(f, v, _)| *f == format && *v == st.version) {
                return Some(Ok(bytes.clone()));
            }
            let (doc, _) = st.good.as_ref()?;
            (st.version, doc.clone())
        };
        let rendered = match jobs::catch_panic(|| self.engine.render(&doc, format)) {
            Ok(Ok(bytes)) => Arc::new(bytes),
            Ok(Err(e)) => return Some(Err(e.to_string())),
            Err(panic) => return Some(Err(panic)),
        };
        let mut st = paper.state.lock().unwrap_or_else(|e| e.into_inner());
        if st.version == version {
            st.files.retain(|(f, _, _)| *f != format);
            st.files.push((format, version, rendered.clone()));
        }
        Some(Ok(rendered))
    }
}

/// The script that brings a page served at `version` up to date when the paper is rebuilt: it
/// fetches the page again and puts its head and body in place of the old ones (no reload: the
/// page keeps its scroll position, and the new page's own script, parsed as data, never runs);
/// a page that cannot be fetched so is reloaded.
fn reload_script(version: u64) -> String {
    format!(
        r#"<script>
(function () {{
  var shown = {version};
  var events = new EventSource("events");
  events.onmessage = function (e) {{
    var version = Number(e.data);
    if (version === shown) return;
    shown = version;
    fetch(location.href, {{ cache: "no-store" }})
      .then(function (r) {{ return r.text(); }})
      .then(function (html) {{
        var next = new DOMParser().parseFromString(html, "text/html");
        var x = window.scrollX, y = window.scrollY;
        var root = document.documentElement;
        root.replaceChild(document.adoptNode(next.head), document.head);
        root.replaceChild(document.adoptNode(next.body), document.body);
        window.scrollTo(x, y);
      }})
      .catch(function () {{ events.close(); location.reload(); }});
  }};
}})();
</script>
"#
    )
}

/// Whether an address is this machine's loopback (an IPv4 one seen through IPv6 too).
pub(super) fn loopback(ip: IpAddr) -> bool {
    ip.to_canonical().is_loopback()
}

/// Whether a request's `Host` names this server: the address the connection came in on
/// (`local`) or the one listened on, as an IP with or without the port, and for a connection on
/// loopback also `localhost`, `127.0.0.1` and `[::1]`. A name of some other site (what a page
/// that points its own name at this machine sends) never does.
fn names_server(host: &str, local: SocketAddr, listening: SocketAddr) -> bool {
    let (name, port) = match host.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((ip, "")) => (ip, None),
            Some((ip, port)) => match port.strip_prefix(':') {
                Some(port) => (ip, Some(port)),
                None => return false,
            },
            None => return false,
        },
        None => match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    if let Some(port) = port {
        if !port.bytes().all(|b| b.is_ascii_digit()) || port.parse::<u16>().ok() != Some(local.port()) {
            return false;
        }
    }
    // A bracketed name is an IPv6 address; a bare one, an IPv4 address or a name.
    let ip = if host.starts_with('[') {
        match name.parse::<std::net::Ipv6Addr>() {
            Ok(ip) => Some(IpAddr::V6(ip)),
            Err(_) => return false,
        }
    } else {
        name.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
    };
    let on_loopback = loopback(local.ip());
    match ip {
        Some(ip) => {
            let ip = ip.to_canonical();
            ip == local.ip().to_canonical() || ip == listening.ip().to_canonical() || (on_loopback && ip.is_loopback())
        }
        None => on_loopback && name.eq_ignore_ascii_case("localhost"),
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

pub(super) fn respond(stream: &mut TcpStream, status: &str, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    stream.flush()
}
