//! How many times each reader has read a given PDF, for the tests that hold a build to one reading
//! of each bound PDF. Off unless a test turns it on ([`count_reads`]); then each reading records
//! the SHA-256 of the bytes read, so that tests running beside each other in one process do not
//! count each other's files. Records only; never changes what a reader does.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// A reader of a PDF's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reader {
    /// The bounded scan of the file's syntax and streams, before any parser runs.
    Scan,
    /// The object reader the merge copies from ([`super::read`], [`super::inspect`], [`super::merge`]).
    Objects,
    /// The page interpreter that sees each page's text and images ([`super::seen`]).
    Pages,
}

static ON: AtomicBool = AtomicBool::new(false);
static READS: Mutex<BTreeMap<([u8; 32], Reader), usize>> = Mutex::new(BTreeMap::new());

/// Starts counting readings in this process (for tests; it costs a digest of every PDF read).
#[doc(hidden)]
pub fn count_reads() {
    ON.store(true, Ordering::SeqCst);
}

/// How many times `reader` has read exactly `pdf` since [`count_reads`].
#[doc(hidden)]
pub fn reads_of(pdf: &[u8], reader: Reader) -> usize {
    let key = (Sha256::digest(pdf).into(), reader);
    READS.lock().map_or(0, |r| r.get(&key).copied().unwrap_or(0))
}

impl Reader {
    /// Records that this reader read `pdf`, when counting is on.
    pub fn note(self, pdf: &[u8]) {
        if ON.load(Ordering::Relaxed) {
            let key = (Sha256::digest(pdf).into(), self);
            if let Ok(mut r) = READS.lock() {
                *r.entry(key).or_insert(0) += 1;
            }
        }
    }
}
