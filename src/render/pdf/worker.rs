//! Typesetting in worker processes. A template's `report.typ` is code written by someone other
//! than the author, and typst runs it to the end: a loop that never ends, an array of billions,
//! a document of a million pages. So the binary typesets in workers — itself, run again with
//! [`WORKER_ARG`] — each bounded in address space (`RLIMIT_AS`) and given a deadline per
//! document; a worker that passes either is killed, its document fails with one message that
//! says which bound it broke, and the next document gets a fresh worker. The rest of the batch
//! is built.
//!
//! A worker is long-lived: the first message sets it up (the template's source and fonts), then
//! it typesets one document a message, keeping typst's cache warm between them as the writer
//! does in one process. It gets everything as bytes on standard input and answers on standard
//! output; it never opens a file or a socket, writes no file (`RLIMIT_FSIZE` 0, no core dump),
//! and quits when its parent is gone.
//!
//! A message, either way, is a JSON head and the byte blobs it comes with (fonts, the document's
//! data and pictures, a PDF): the count of blobs, then the head and each blob, each after its
//! length (little-endian `u64`s).

use std::collections::BTreeMap;
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{Job, JobHead, Local, PagedOutput, CACHE_MAX_AGE};
use crate::render::bounds::Isolation;
pub use crate::render::bounds::WORKER_ARG;
use crate::render::RenderError;

/// The most blobs one message may have (a document's pictures are far fewer).
const MAX_BLOBS: u64 = 100_000;
/// The most a worker accepts in one message from its parent, in bytes (pictures are at most
/// 20 MB each; a template and its fonts a few).
const MAX_REQUEST_BYTES: u64 = 1 << 32;

/// What the parent asks of a worker.
#[derive(Debug, Serialize, Deserialize)]
enum Request {
    /// Sets the worker up; the blobs are the font files.
    Setup {
        /// The typst source of the layout.
        template: String,
        /// The layout's name in messages.
        name: String,
        /// The most pages a document may have.
        max_pages: usize,
        /// The address space the worker limits itself to, in megabytes.
        max_mb: u64,
    },
    /// Typesets a document; the blobs are its data (`/data.json`) and its pictures.
    Typeset(JobHead),
    /// Typesets a pack's page furniture; the one blob is its data.
    Furniture {
        /// The date.
        date: time::Date,
    },
}

/// A worker's answer.
#[derive(Debug, Serialize, Deserialize)]
enum Reply {
    /// Set up.
    Ready,
    /// A document typeset; the one blob is the PDF.
    Typeset {
        /// Anchor → page.
        pages: BTreeMap<String, usize>,
        /// Pages in the document.
        page_count: usize,
    },
    /// The furniture typeset; the one blob is the PDF.
    Furniture(super::furniture::Laid),
    /// The request failed (a template error, a page cap): the message.
    Failed(String),
}

/// A message as read: its head and its blobs.
struct Message {
    head: Vec<u8>,
    blobs: Vec<Vec<u8>>,
}

/// Why a message could not be read (or written).
#[derive(Debug)]
enum Stop {
    /// The other end closed the pipe (for a worker: it has died).
    Closed,
    /// The deadline passed.
    Late,
    /// The message is larger than allowed.
    TooLarge,
    /// The pipe failed.
    Io(io::Error),
}

fn write_message(w: &mut impl Write, head: &impl Serialize, blobs: &[&[u8]]) -> io::Result<()> {
    let head = serde_json::to_vec(head).map_err(io::Error::other)?;
    w.write_all(&(blobs.len() as u64).to_le_bytes())?;
    for part in std::iter::once(head.as_slice()).chain(blobs.iter().copied()) {
        w.write_all(&(part.len() as u64).to_le_bytes())?;
        w.write_all(part)?;
    }
    w.flush()
}

/// Reads one message with `fill` (which fills a buffer completely, or stops), refusing one of
/// more than `cap` bytes before allocating it.
fn read_message(fill: &mut dyn FnMut(&mut [u8]) -> Result<(), Stop>, cap: u64) -> Result<Message, Stop> {
    let mut word = [0u8; 8];
    fill(&mut word)?;
    let count = u64::from_le_bytes(word);
    if count > MAX_BLOBS {
        return Err(Stop::TooLarge);
    }
    let mut total: u64 = 0;
    let mut part = |fill: &mut dyn FnMut(&mut [u8]) -> Result<(), Stop>| -> Result<Vec<u8>, Stop> {
        let mut word = [0u8; 8];
        fill(&mut word)?;
        let len = u64::from_le_bytes(word);
        total = total.saturating_add(len);
        if total > cap {
            return Err(Stop::TooLarge);
        }
        let mut bytes = vec![0; usize::try_from(len).map_err(|_| Stop::TooLarge)?];
        fill(&mut bytes)?;
        Ok(bytes)
    };
    let head = part(fill)?;
    let blobs = (0..count).map(|_| part(fill)).collect::<Result<_, _>>()?;
    Ok(Message { head, blobs })
}

// --- The worker ----------------------------------------------------------------------------

/// Serves typesetting requests from `input` on `output` until `input` closes: the whole life of
/// a worker process. Returns its exit status (0 when its parent closed the pipe).
pub fn serve(mut input: impl Read, mut output: impl Write) -> u8 {
    // A panic is answered as a failed request; nothing is printed (standard error is read only
    // when the worker dies, to tell why).
    std::panic::set_hook(Box::new(|_| {}));
    set_limit(libc::RLIMIT_CORE, 0);
    set_limit(libc::RLIMIT_FSIZE, 0);
    quit_with_parent();
    let mut local: Option<Local> = None;
    loop {
        let mut fill = |buf: &mut [u8]| match input.read_exact(buf) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => Err(Stop::Closed),
            Err(e) => Err(Stop::Io(e)),
        };
        let message = match read_message(&mut fill, MAX_REQUEST_BYTES) {
            Ok(m) => m,
            Err(Stop::Closed) => return 0,
            Err(_) => return 1,
        };
        let answered = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| answer(&mut local, message)));
        let (reply, pdf) = answered.unwrap_or_else(|payload| {
            let what = crate::diag::panic_message(&*payload);
            (
                Reply::Failed(format!(
                    "PDF: internal error in the typesetter: {what} (a bug in cabrep; please report it)"
                )),
                Vec::new(),
            )
        });
        let blobs: Vec<&[u8]> = if pdf.is_empty() { Vec::new() } else { vec![&pdf] };
        if write_message(&mut output, &reply, &blobs).is_err() {
            return 1;
        }
    }
}

fn answer(local: &mut Option<Local>, message: Message) -> (Reply, Vec<u8>) {
    let failed = |e: RenderError| (Reply::Failed(e.0), Vec::new());
    let request: Request = match serde_json::from_slice(&message.head) {
        Ok(r) => r,
        Err(e) => return failed(RenderError::new(format!("PDF: the typesetter got a garbled request: {e}"))),
    };
    let mut blobs = message.blobs.into_iter();
    match request {
        Request::Setup { template, name, max_pages, max_mb } => {
            set_limit(libc::RLIMIT_AS, max_mb.saturating_mul(1 << 20));
            match Local::new(template, blobs.collect(), max_pages, name) {
                Ok(l) => {
                    *local = Some(l);
                    (Reply::Ready, Vec::new())
                }
                Err(e) => failed(e),
            }
        }
        Request::Typeset(head) => {
            let Some(l) = local.as_ref() else { return failed(RenderError::new("PDF: the typesetter is not set up")) };
            let data = blobs.next().unwrap_or_default();
            let result = l.typeset(Job { head, data, pictures: blobs.collect() });
            comemo::evict(CACHE_MAX_AGE);
            match result {
                Ok(out) => (Reply::Typeset { pages: out.pages, page_count: out.page_count }, out.pdf),
                Err(e) => failed(e),
            }
        }
        Request::Furniture { date } => {
            let Some(l) = local.as_ref() else { return failed(RenderError::new("PDF: the typesetter is not set up")) };
            let result = l.furniture(blobs.next().unwrap_or_default(), date);
            comemo::evict(CACHE_MAX_AGE);
            match result {
                Ok((pdf, laid)) => (Reply::Furniture(laid), pdf),
                Err(e) => failed(e),
            }
        }
    }
}

/// Sets a resource limit of this process, soft and hard (a limit it cannot set is left as it
/// is: the parent's deadline still holds).
fn set_limit(resource: libc::__rlimit_resource_t, value: libc::rlim_t) {
    let limit = libc::rlimit { rlim_cur: value, rlim_max: value };
    // SAFETY: setrlimit reads the one struct passed, which lives for the call.
    unsafe {
        libc::setrlimit(resource, &limit);
    }
}

/// Quits this worker when its parent is gone (it is then a child of another process): a worker
/// busy in a runaway loop reads no pipe that would tell it.
fn quit_with_parent() {
    let parent = std::os::unix::process::parent_id();
    let watch = move || loop {
        std::thread::sleep(Duration::from_millis(200));
        if std::os::unix::process::parent_id() != parent {
            std::process::exit(0);
        }
    };
    let _ = std::thread::Builder::new().name("parent-watch".into()).stack_size(64 * 1024).spawn(watch);
}

// --- The parent's side ---------------------------------------------------------------------

/// The workers of one layout: started as documents need them (one per document typeset at
/// once), kept between documents, replaced when one is stopped.
pub(super) struct Pool {
    template: String,
    fonts: Vec<Vec<u8>>,
    /// The layout's name in messages (`cabinet/report.typ`).
    name: String,
    max_pages: usize,
    isolation: Isolation,
    idle: Mutex<Vec<Worker>>,
    /// Workers started so far (see [`Pool::warm`]).
    started: std::sync::atomic::AtomicUsize,
}

/// One worker process and its pipes; killed when dropped.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
    stderr: ChildStderr,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Pool {
    /// Starts the first worker and sets it up, so that a template that does not even parse fails
    /// now, as the writer in one process does; and beside it the others of `workers`.
    pub(super) fn start(
        template: String,
        fonts: Vec<Vec<u8>>,
        max_pages: usize,
        isolation: Isolation,
        name: &str,
        workers: usize,
    ) -> Result<Pool, RenderError> {
        let pool = Pool {
            template,
            fonts,
            name: name.to_owned(),
            max_pages,
            isolation,
            idle: Mutex::new(Vec::new()),
            started: std::sync::atomic::AtomicUsize::new(0),
        };
        let first = std::thread::scope(|scope| {
            for _ in 1..workers {
                scope.spawn(|| pool.start_one());
            }
            pool.spawn()
        })?;
        pool.lock().push(first);
        Ok(pool)
    }

    /// Stops the idle workers: all are killed first, then each is waited for, so that they end
    /// together rather than one after another.
    pub(super) fn stop(&self) {
        let mut idle = std::mem::take(&mut *self.lock());
        for worker in &mut idle {
            let _ = worker.child.kill();
        }
        drop(idle);
    }

    /// Starts workers, side by side, until `count` have been started, so that as many documents
    /// as that find one set up when they are typeset at once. A worker that cannot be started
    /// is left to the document that needs it, which says why.
    pub(super) fn warm(&self, count: usize) {
        use std::sync::atomic::Ordering;
        let wanted = count.saturating_sub(self.started.load(Ordering::Relaxed));
        if wanted == 0 {
            return;
        }
        std::thread::scope(|scope| {
            for _ in 0..wanted {
                scope.spawn(|| self.start_one());
            }
        });
    }

    /// Starts one worker and adds it to the idle ones (one that cannot start is left to the
    /// document that needs it, which says why).
    fn start_one(&self) {
        if let Ok(worker) = self.spawn() {
            self.lock().push(worker);
        }
    }

    /// The font files (the writer measures table words in them before sending a document).
    pub(super) fn fonts(&self) -> impl Iterator<Item = &[u8]> {
        self.fonts.iter().map(Vec::as_slice)
    }

    /// Typesets a document in a worker.
    pub(super) fn typeset(&self, job: Job) -> Result<PagedOutput, RenderError> {
        let mut blobs: Vec<&[u8]> = vec![&job.data];
        blobs.extend(job.pictures.iter().map(Vec::as_slice));
        match self.call(&Request::Typeset(job.head), &blobs)? {
            (Reply::Typeset { pages, page_count }, pdf) => Ok(PagedOutput { pdf, pages, page_count }),
            (reply, _) => Err(self.unexpected(reply)),
        }
    }

    /// Typesets a pack's page furniture in a worker.
    pub(super) fn furniture(
        &self,
        data: Vec<u8>,
        date: time::Date,
    ) -> Result<(Vec<u8>, super::furniture::Laid), RenderError> {
        match self.call(&Request::Furniture { date }, &[&data])? {
            (Reply::Furniture(laid), pdf) => Ok((pdf, laid)),
            (reply, _) => Err(self.unexpected(reply)),
        }
    }

    fn unexpected(&self, reply: Reply) -> RenderError {
        match reply {
            Reply::Failed(message) => RenderError::new(message),
            other => RenderError::new(format!("PDF: the typesetter answered out of turn ({other:?})")),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Worker>> {
        self.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Sends a request to an idle worker (or a new one) and waits for its answer until the
    /// deadline. A worker that answers goes back to the pool; one that does not is killed.
    fn call(&self, request: &Request, blobs: &[&[u8]]) -> Result<(Reply, Vec<u8>), RenderError> {
        let idle = self.lock().pop();
        let mut worker = match idle {
            // An idle worker that has gone (killed from outside) is replaced, not blamed.
            Some(mut w) => match write_message(&mut w.stdin, request, blobs) {
                Ok(()) => w,
                Err(_) => {
                    drop(w);
                    self.spawn_and_send(request, blobs)?
                }
            },
            None => self.spawn_and_send(request, blobs)?,
        };
        let reply = self.receive(&mut worker)?;
        self.lock().push(worker);
        Ok(reply)
    }

    fn spawn_and_send(&self, request: &Request, blobs: &[&[u8]]) -> Result<Worker, RenderError> {
        let mut worker = self.spawn()?;
        // A worker that died on the way is told apart by `receive`.
        let _ = write_message(&mut worker.stdin, request, blobs);
        Ok(worker)
    }

    /// Starts a worker and sets it up.
    fn spawn(&self) -> Result<Worker, RenderError> {
        self.started.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let program = &self.isolation.program;
        let mut child = Command::new(program)
            .arg(WORKER_ARG)
            .env_clear()
            // Few malloc arenas: each thread's own would reserve 64 MB of the address space.
            .env("MALLOC_ARENA_MAX", "2")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| RenderError::new(format!("PDF: cannot start the typesetter ({}): {e}", program.display())))?;
        let (Some(stdin), Some(stdout), Some(stderr)) = (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RenderError::new("PDF: cannot start the typesetter: its pipes were not set up"));
        };
        let mut worker = Worker { child, stdin, stdout, stderr };
        let setup = Request::Setup {
            template: self.template.clone(),
            name: self.name.clone(),
            max_pages: self.max_pages,
            max_mb: self.isolation.max_mb,
        };
        let fonts: Vec<&[u8]> = self.fonts().collect();
        let _ = write_message(&mut worker.stdin, &setup, &fonts);
        match self.receive(&mut worker)? {
            (Reply::Ready, _) => Ok(worker),
            (reply, _) => Err(self.unexpected(reply)),
        }
    }

    /// Reads a worker's answer, waiting no longer than the deadline.
    fn receive(&self, worker: &mut Worker) -> Result<(Reply, Vec<u8>), RenderError> {
        let deadline = Instant::now() + Duration::from_secs(self.isolation.max_seconds);
        let cap = self.isolation.max_mb.saturating_mul(1 << 20);
        let stdout = &mut worker.stdout;
        let read = read_message(&mut |buf| fill_by(stdout, buf, deadline), cap);
        let message = match read {
            Ok(m) => m,
            Err(stop) => return Err(self.stopped(worker, stop)),
        };
        let reply: Reply = serde_json::from_slice(&message.head)
            .map_err(|e| RenderError::new(format!("PDF: the typesetter's answer is garbled: {e}")))?;
        Ok((reply, message.blobs.into_iter().next().unwrap_or_default()))
    }

    /// Kills a worker that broke a bound or died, and says why, in a message naming the layout.
    fn stopped(&self, worker: &mut Worker, stop: Stop) -> RenderError {
        let _ = worker.child.kill();
        let status = worker.child.wait().ok();
        // The worker is gone: what it wrote to standard error (the runtime's last words) is all
        // there is, and reading it cannot block.
        let mut said = Vec::new();
        let _ = worker.stderr.by_ref().take(64 * 1024).read_to_end(&mut said);
        let said = String::from_utf8_lossy(&said);
        let Isolation { max_seconds, max_mb, .. } = self.isolation;
        let why = match stop {
            Stop::Late => format!("it took longer than {max_seconds} s (--max-typeset-seconds)"),
            Stop::TooLarge => format!("its PDF is larger than {max_mb} MB (--max-typeset-mb)"),
            _ if said.contains("memory allocation of") => {
                format!("it used more than {max_mb} MB of memory (--max-typeset-mb)")
            }
            _ if said.contains("overflowed its stack") => "it nested too deeply (stack overflow)".to_owned(),
            Stop::Io(e) => format!("reading its answer failed: {e}"),
            Stop::Closed => {
                use std::os::unix::process::ExitStatusExt;
                match status.and_then(|s| s.signal()) {
                    Some(signal) => format!("the typesetter was killed (signal {signal})"),
                    None => "the typesetter quit".to_owned(),
                }
            }
        };
        RenderError::new(format!("PDF: typesetting with {} stopped: {why}", self.name))
    }
}

/// Fills `buf` from a worker's output, waiting until `deadline` at most.
fn fill_by(pipe: &mut ChildStdout, buf: &mut [u8], deadline: Instant) -> Result<(), Stop> {
    let mut done = 0;
    while done < buf.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Stop::Late);
        }
        if !readable(pipe, left)? {
            continue;
        }
        match pipe.read(&mut buf[done..]) {
            Ok(0) => return Err(Stop::Closed),
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(Stop::Io(e)),
        }
    }
    Ok(())
}

/// Waits up to `within` for `pipe` to have something to read (or to be closed).
fn readable(pipe: &impl AsRawFd, within: Duration) -> Result<bool, Stop> {
    let mut fd = libc::pollfd { fd: pipe.as_raw_fd(), events: libc::POLLIN, revents: 0 };
    let ms = libc::c_int::try_from(within.as_millis().saturating_add(1)).unwrap_or(libc::c_int::MAX);
    // SAFETY: poll reads and writes the one `pollfd` passed, which lives for the call.
    let n = unsafe { libc::poll(&mut fd, 1, ms) };
    if n < 0 {
        let e = io::Error::last_os_error();
        return if e.kind() == io::ErrorKind::Interrupted { Ok(false) } else { Err(Stop::Io(e)) };
    }
    Ok(n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_reads_back_as_written_and_one_over_its_cap_is_refused_before_it_is_allocated() {
        let mut wire = Vec::new();
        let head = Request::Furniture { date: time::macros::date!(2024 - 01 - 18) };
        write_message(&mut wire, &head, &[b"data", b"", &[7; 300]]).expect("write");
        let mut at = 0;
        let mut fill = |buf: &mut [u8]| {
            let end = at + buf.len();
            let Some(src) = wire.get(at..end) else { return Err(Stop::Closed) };
            buf.copy_from_slice(src);
            at = end;
            Ok(())
        };
        let m = read_message(&mut fill, 1 << 20).expect("read");
        assert!(
            matches!(serde_json::from_slice(&m.head), Ok(Request::Furniture { date }) if date == time::macros::date!(2024 - 01 - 18))
        );
        assert_eq!(m.blobs, [b"data".to_vec(), Vec::new(), vec![7; 300]]);
        assert!(matches!(read_message(&mut fill, 1 << 20), Err(Stop::Closed)), "the end of the pipe");

        // A length of 2^60 after a short head: refused, not allocated.
        let mut wire = 1u64.to_le_bytes().to_vec();
        wire.extend(2u64.to_le_bytes());
        wire.extend(b"{}");
        wire.extend((1u64 << 60).to_le_bytes());
        let mut at = 0;
        let mut fill = |buf: &mut [u8]| {
            let end = at + buf.len();
            let Some(src) = wire.get(at..end) else { return Err(Stop::Closed) };
            buf.copy_from_slice(src);
            at = end;
            Ok(())
        };
        assert!(matches!(read_message(&mut fill, 1 << 20), Err(Stop::TooLarge)));
    }
}
