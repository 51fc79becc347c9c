//! The part cache of a pack: typeset public parts kept between builds of one meeting's pack, so
//! that rebuilding after one report changed typesets only that report, and the seal by which an
//! entry this user's cabrep wrote is told from one put there by anything else.
//!
//! Each entry is its key's file (`<key>.part`): a line `cabrep-part <key> <SHA-256 of the rest>
//! [<seal>]`, a line of what inspecting the PDF found (JSON), then the PDF.
//!
//! - An entry that does not name its own key (another part's entry copied over it) or whose
//!   bytes do not match their sum is never used, and is removed.
//! - Part 2 parts are never cached: exempt material is never left where a public build writes.
//! - An entry is *sealed* when its first line ends with an HMAC-SHA-256 of the rest of that line
//!   under a secret kept outside the output folder, in the user's own cache folder ([`Seal`]).
//!   Only cabrep, run by this user, writes sealed entries, and only for parts it has just
//!   typeset as public. A sealed entry is used once its metadata is found clean.
//! - An entry that is not sealed (written before seals, with another secret, or planted) is used
//!   only once every page of it has been read and none says it is not for publication
//!   ([`crate::merge::marks`]); then it is sealed. An entry that says so is removed, never used.
//!
//! The folder also vouches for the meeting's Part 2 pack, which is never cached: a file
//! (`last-part2.tag`) holds a seal of what the Part 2 pack was last bound from (a digest) and of
//! the file written then (its SHA-256), so that a rebuild in which nothing of Part 2 changed
//! leaves that file as it is ([`PartCache::part2_unchanged`]). It holds nothing of the exempt
//! material, and without a seal there is no such file.
//!
//! This room reads and writes the cache folder and the seal's file, and reads the Part 2 pack it
//! vouches for; it never typesets, never decides what a pack holds, and writes no output.

use std::path::{Path, PathBuf};

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

use crate::merge::PdfFacts;
use crate::output::Visibility;

/// The first word of a cache entry.
const ENTRY_TAG: &str = "cabrep-part";

/// The largest cached part read back (a part larger than this is typeset again).
const MAX_ENTRY: u64 = 512 * 1024 * 1024;

/// The file in a pack's cache folder that says what each typeset part's PDF was (its page count
/// and sizes) when the pack was last bound: a JSON object of [`PdfFacts`] by part.
const LAST_FACTS_FILE: &str = "last-facts.json";

/// The largest such file read back.
const MAX_LAST_FACTS: u64 = 16 * 1024 * 1024;

/// The file in a pack's cache folder that holds the SHA-256 of each public report's text as the
/// pack was last bound (a JSON array, sorted), by which a rebuild tells the reports edited
/// since as soon as it has read them.
const LAST_SOURCES_FILE: &str = "last-sources.json";

/// The file in a pack's cache folder that vouches for the Part 2 pack beside it (see
/// [`PartCache::part2_unchanged`]).
const LAST_PART2_FILE: &str = "last-part2.tag";

/// The first word of what that file seals.
const PART2_TAG: &str = "cabrep-part2";

/// The seal's file, in the user's cache folder (`$XDG_CACHE_HOME/cabrep/`, else
/// `$HOME/.cache/cabrep/`).
const SEAL_FILE: &str = "part-seal.key";

/// Typeset public parts kept between builds of one meeting's pack (see the module's
/// documentation).
#[derive(Debug)]
pub struct PartCache {
    dir: PathBuf,
    used: std::sync::Mutex<Vec<String>>,
    seal: Option<Seal>,
}

/// A part found in the cache: its PDF and what inspecting it found, not yet known to be public
/// until [`PartCache::refused`] has passed it.
#[derive(Debug, Clone)]
pub struct Found {
    /// The cached PDF.
    pub pdf: Vec<u8>,
    /// What [`crate::merge::inspect`] said of it when it was typeset.
    pub facts: PdfFacts,
    key: String,
    sealed: bool,
}

impl Found {
    /// Whether its entry carries this user's seal.
    pub fn sealed(&self) -> bool {
        self.sealed
    }
}

impl PartCache {
    /// The cache of one pack (`<out>/.cabrep-cache/<pack name>/`), sealed with this user's
    /// [`Seal`] when there is one to be had.
    pub fn new(out_dir: &Path, pack: &str) -> PartCache {
        PartCache::sealed_by(out_dir, pack, Seal::of_user(out_dir))
    }

    /// The cache of one pack, its entries sealed (and trusted) by `seal`, or by none.
    pub fn sealed_by(out_dir: &Path, pack: &str, seal: Option<Seal>) -> PartCache {
        PartCache { dir: out_dir.join(".cabrep-cache").join(pack), used: Default::default(), seal }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.part"))
    }

    /// The cached part of `key`, if there is a sound entry. An unsound entry (damaged, or
    /// another key's) is removed. What is found must pass [`PartCache::refused`] before anything
    /// bound with it is kept.
    pub fn get(&self, key: &str) -> Option<Found> {
        let path = self.path(key);
        let mut bytes = crate::input::file::read(&path, MAX_ENTRY, "a cached part", "512 MB").ok()?;
        let Some((facts, pdf, sealed)) = entry_pdf(&bytes, key, self.seal.as_ref()) else {
            let _ = std::fs::remove_file(&path);
            return None;
        };
        // The PDF is the entry's tail: moved to the front of the buffer read, not copied out.
        let start = bytes.len() - pdf.len();
        bytes.drain(..start);
        self.used.lock().ok()?.push(key.to_owned());
        Some(Found { pdf: bytes, facts, key: key.to_owned(), sealed })
    }

    /// Keeps `pdf` and its `facts` as `key`'s entry, sealed when the cache has a seal. A cache
    /// that cannot be written only costs time: the error is dropped, the build goes on.
    pub fn put(&self, key: &str, pdf: &[u8], facts: &PdfFacts) {
        let Some(entry) = entry(key, pdf, facts, self.seal.as_ref()) else { return };
        if crate::output::write_atomic(&self.path(key), &entry, Visibility::Public).is_ok() {
            if let Ok(mut used) = self.used.lock() {
                used.push(key.to_owned());
            }
        }
    }

    /// Whether `found` must not be bound. Only public parts are kept here, so one that says it
    /// is not for publication (a Part 2 pack or an exempt report put in a public part's place),
    /// or that cannot be read for it, is refused and its entry removed.
    ///
    /// A sealed entry's metadata is enough: its PDF was typeset as a public part by this user's
    /// cabrep. Any other entry has every page read, and is sealed once it passes.
    pub fn refused(&self, found: &Found) -> bool {
        let keyword = crate::tree::NOT_FOR_PUBLICATION_KEYWORD;
        if !found.facts.marked(keyword) {
            if found.sealed {
                return false;
            }
            if crate::merge::marks(&found.pdf, keyword).is_some_and(|m| !m.any()) {
                if self.seal.is_some() {
                    self.put(&found.key, &found.pdf, &found.facts);
                }
                return false;
            }
        }
        let _ = std::fs::remove_file(self.path(&found.key));
        if let Ok(mut used) = self.used.lock() {
            used.retain(|u| u != &found.key);
        }
        true
    }

    /// What each typeset part's PDF was when the pack was last bound, by the caller's key for the
    /// part: a guess of what it will be, which the caller checks against what it is before using
    /// anything made from it (so a damaged or planted file costs time, never a wrong page).
    pub fn last_facts(&self) -> Option<std::collections::BTreeMap<String, PdfFacts>> {
        let path = self.dir.join(LAST_FACTS_FILE);
        let bytes = crate::input::file::read(&path, MAX_LAST_FACTS, "the parts' last page counts", "16 MB").ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Keeps what each typeset part's PDF is, for [`PartCache::last_facts`]. A cache that cannot
    /// be written only costs time.
    pub fn put_last_facts(&self, facts: &std::collections::BTreeMap<String, PdfFacts>) {
        if let Ok(json) = serde_json::to_vec(facts) {
            let _ = crate::output::write_atomic(&self.dir.join(LAST_FACTS_FILE), &json, Visibility::Public);
        }
    }

    /// The SHA-256 of each public report's text when the pack was last bound: a guess of which
    /// reports are unchanged, never trusted for a part (a part is found by its document's key).
    pub fn last_sources(&self) -> Option<std::collections::BTreeSet<String>> {
        let path = self.dir.join(LAST_SOURCES_FILE);
        let bytes = crate::input::file::read(&path, MAX_LAST_FACTS, "the reports' last digests", "16 MB").ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Keeps the SHA-256 of each public report's text, for [`PartCache::last_sources`]. A cache
    /// that cannot be written only costs time.
    pub fn put_last_sources(&self, sources: &std::collections::BTreeSet<String>) {
        if let Ok(json) = serde_json::to_vec(sources) {
            let _ = crate::output::write_atomic(&self.dir.join(LAST_SOURCES_FILE), &json, Visibility::Public);
        }
    }

    /// Whether `file` is the Part 2 pack this user's cabrep last wrote, bound from what `inputs`
    /// digests ([`crate::commands::binding::inputs_digest`]) and not changed since: then binding
    /// it again from those inputs would write the same bytes, and the file can be left as it is.
    /// Never without a seal; never for a file that is not a regular file, or that is readable by
    /// more than a Part 2 pack may be (its owner and group).
    pub fn part2_unchanged(&self, inputs: &str, file: &Path) -> bool {
        let Some(seal) = &self.seal else { return false };
        let Ok(tag) = crate::input::file::read(&self.dir.join(LAST_PART2_FILE), 1024, "the Part 2 pack's tag", "1 KB")
        else {
            return false;
        };
        let Ok(tag) = std::str::from_utf8(&tag) else { return false };
        let Ok(meta) = std::fs::symlink_metadata(file) else { return false };
        if !meta.is_file() || !restricted(&meta) {
            return false;
        }
        let Ok(pdf) = crate::input::file::read(file, MAX_ENTRY, "the Part 2 pack", "512 MB") else { return false };
        seal.verifies(&part2_head(inputs, &pdf), tag.trim())
    }

    /// What vouches for a Part 2 pack `pdf` bound from what `inputs` digests, once it is written
    /// ([`PartCache::put_part2`]); `None` without a seal.
    pub fn part2_tag(&self, inputs: &str, pdf: &[u8]) -> Option<Part2Tag> {
        self.seal.as_ref().map(|seal| Part2Tag(seal.sign(&part2_head(inputs, pdf))))
    }

    /// Keeps `tag` for the Part 2 pack just written; without a tag, forgets the one kept (a
    /// Part 2 pack that must be bound again next time). A cache that cannot be written only
    /// costs time.
    pub fn put_part2(&self, tag: Option<Part2Tag>) {
        let path = self.dir.join(LAST_PART2_FILE);
        match tag {
            Some(Part2Tag(tag)) => {
                if crate::output::write_atomic(&path, tag.as_bytes(), Visibility::Public).is_err() {
                    let _ = std::fs::remove_file(&path);
                }
            }
            None => {
                let _ = std::fs::remove_file(&path);
            }
        }
    }

    /// Whether `key` has an entry (sound or not: [`PartCache::get`] says).
    pub fn has(&self, key: &str) -> bool {
        self.path(key).is_file()
    }

    /// Removes the entries this build did not use (reports edited or gone), so the cache holds
    /// one pack's parts at most, and the temporary files a build killed while writing an entry
    /// left there ([`crate::output::sweep_stale_temporaries`]).
    pub fn prune(&self) {
        crate::output::sweep_stale_temporaries(&self.dir, crate::output::process_start());
        let Ok(used) = self.used.lock() else { return };
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let key = name.strip_suffix(".part");
            if key.is_some_and(|k| !used.iter().any(|u| u == k)) && entry.path().is_file() {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// The secret that seals cache entries: 32 random bytes in a file only its owner can read, in the
/// user's cache folder, made on first use. Whoever can write to an output folder but cannot read
/// that file cannot make an entry cabrep will trust without reading it.
#[derive(Clone)]
pub struct Seal([u8; 32]);

impl std::fmt::Debug for Seal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Seal(…)")
    }
}

impl Seal {
    /// This user's seal: `$XDG_CACHE_HOME/cabrep/part-seal.key` (else under `$HOME/.cache`),
    /// made when missing. `None` — and every cached part read page by page — when there is no
    /// such folder, when it cannot be made or read, when the file is not its owner's alone, or
    /// when it lies inside `out_dir` (a secret kept beside the cache would guard nothing).
    pub fn of_user(out_dir: &Path) -> Option<Seal> {
        let base = match std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from).filter(|p| p.is_absolute()) {
            Some(dir) => dir,
            None => PathBuf::from(std::env::var_os("HOME")?).join(".cache"),
        };
        Seal::in_cache_home(&base, out_dir)
    }

    /// The seal kept in `<base>/cabrep/`, as [`Seal::of_user`] finds it.
    fn in_cache_home(base: &Path, out_dir: &Path) -> Option<Seal> {
        let dir = base.join("cabrep");
        make_private_dir(&dir).ok()?;
        let (dir, out) = (dir.canonicalize().ok()?, out_dir.canonicalize());
        if out.is_ok_and(|out| dir.starts_with(out)) {
            return None;
        }
        Seal::at(&dir.join(SEAL_FILE))
    }

    /// The seal kept in `path`, made there first when there is none.
    pub fn at(path: &Path) -> Option<Seal> {
        if !path.exists() {
            let mut secret = [0u8; 32];
            getrandom::fill(&mut secret).ok()?;
            let dir = path.parent()?;
            // Made whole beside it (mode 0600), then put in place only if no other build has
            // made one meanwhile: the file is never seen half written.
            let mut tmp = tempfile::Builder::new().prefix(".cabrep-seal-").tempfile_in(dir).ok()?;
            std::io::Write::write_all(&mut tmp, hex(&secret).as_bytes()).ok()?;
            let _ = tmp.persist_noclobber(path);
        }
        let bytes = crate::input::file::read(path, 1024, "the part cache's seal", "1 KB").ok()?;
        if !owner_only(path) {
            return None;
        }
        let text = std::str::from_utf8(&bytes).ok()?.trim();
        let secret = unhex(text)?;
        Some(Seal(secret.try_into().ok()?))
    }

    fn mac(&self) -> hmac::Hmac<Sha256> {
        <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes a key of any length")
    }

    /// The seal of an entry's first line (without its seal), in hex.
    fn sign(&self, head: &str) -> String {
        let mut mac = self.mac();
        mac.update(head.as_bytes());
        hex(&mac.finalize().into_bytes())
    }

    /// Whether `seal` is this secret's seal of `head` (compared in constant time).
    fn verifies(&self, head: &str, seal: &str) -> bool {
        let Some(seal) = unhex(seal) else { return false };
        let mut mac = self.mac();
        mac.update(head.as_bytes());
        mac.verify_slice(&seal).is_ok()
    }
}

/// Makes `dir` (and its parents), the last readable by its owner alone when it is made here.
fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Whether only the file's owner, who runs this, can read or write it.
#[cfg(unix)]
fn owner_only(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    let me = unsafe { libc::geteuid() };
    std::fs::metadata(path).is_ok_and(|m| m.mode() & 0o077 == 0 && m.uid() == me)
}

#[cfg(not(unix))]
fn owner_only(_: &Path) -> bool {
    true
}

/// The seal of a Part 2 pack written (see [`PartCache::part2_tag`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part2Tag(String);

/// What a Part 2 pack's tag seals: the digest of what it was bound from, and the SHA-256 of the
/// file.
fn part2_head(inputs: &str, pdf: &[u8]) -> String {
    format!("{PART2_TAG} {inputs} {}", hex(&Sha256::digest(pdf)))
}

/// Whether a file is readable by no more than a Part 2 pack may be.
#[cfg(unix)]
fn restricted(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o777 & !Visibility::Restricted.ceiling() == 0
}

#[cfg(not(unix))]
fn restricted(_: &std::fs::Metadata) -> bool {
    true
}

/// The cache key of a typeset part: its document tree (all its text, numbers and style) with
/// what every part depends on beyond it ([`crate::render::Writers::layout_digest`]: the tool's
/// version, the layout and its fonts).
pub fn part_key(doc: &crate::tree::Document, fingerprint: &str) -> Result<String, String> {
    let tree = serde_json::to_vec(doc).map_err(|e| format!("cannot key the part cache: {e}"))?;
    let mut h = Sha256::new();
    h.update(fingerprint.as_bytes());
    h.update([0]);
    h.update(&tree);
    Ok(hex(&h.finalize()))
}

pub(super) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok()).collect()
}

/// A cache entry: a line naming its key and the SHA-256 of what follows it (and the seal of
/// that line, when there is a seal); a line of what [`crate::merge::inspect`] said of the PDF
/// (JSON), so that a part found here is not read for it again; then the PDF.
fn entry(key: &str, pdf: &[u8], facts: &PdfFacts, seal: Option<&Seal>) -> Option<Vec<u8>> {
    let mut body = serde_json::to_vec(facts).ok()?;
    body.push(b'\n');
    body.extend_from_slice(pdf);
    let mut head = format!("{ENTRY_TAG} {key} {}", hex(&Sha256::digest(&body)));
    if let Some(seal) = seal {
        let signed = seal.sign(&head);
        head = format!("{head} {signed}");
    }
    let mut bytes = head.into_bytes();
    bytes.push(b'\n');
    bytes.extend_from_slice(&body);
    Some(bytes)
}

/// What a cache entry read for `key` holds, and whether `seal` sealed it: only when it names
/// that key and its bytes match the sum it names. A seal that does not verify leaves the entry
/// unsealed, as one written before seals is.
fn entry_pdf<'a>(bytes: &'a [u8], key: &str, seal: Option<&Seal>) -> Option<(PdfFacts, &'a [u8], bool)> {
    let split = bytes.iter().position(|&b| b == b'\n')?;
    let (head, body) = (std::str::from_utf8(&bytes[..split]).ok()?, &bytes[split + 1..]);
    let fields: Vec<&str> = head.split(' ').collect();
    let sound = matches!(fields.len(), 3 | 4)
        && fields[0] == ENTRY_TAG
        && fields[1] == key
        && fields[2] == hex(&Sha256::digest(body)).as_str();
    if !sound {
        return None;
    }
    let sealed = match (seal, fields.get(3)) {
        (Some(seal), Some(signed)) => seal.verifies(&fields[..3].join(" "), signed),
        _ => false,
    };
    let split = body.iter().position(|&b| b == b'\n')?;
    let facts = serde_json::from_slice(&body[..split]).ok()?;
    Some((facts, &body[split + 1..], sealed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(keywords: Option<&str>) -> PdfFacts {
        PdfFacts {
            page_count: 1,
            tagged: true,
            pages: vec![crate::merge::PageFacts { width: 595.28, height: 841.89, rotate: 0 }],
            title: Some("Report A".into()),
            keywords: keywords.map(str::to_owned),
        }
    }

    #[test]
    fn a_cache_entry_is_used_only_for_its_own_key_and_bytes() {
        let (a, b) = (hex(&Sha256::digest(b"a")), hex(&Sha256::digest(b"b")));
        let pdf = b"%PDF-1.7 report A";
        let facts = facts(None);
        let made = entry(&a, pdf, &facts, None).expect("an entry");
        assert_eq!(
            entry_pdf(&made, &a, None),
            Some((facts.clone(), &pdf[..], false)),
            "the PDF and its facts, as kept"
        );
        let mut told = made.clone();
        let head = told.iter().position(|&b| b == b'\n').expect("a first line");
        let at = head + told[head..].windows(3).position(|w| w == b"595").expect("the page width");
        told[at] = b'4';
        assert_eq!(entry_pdf(&told, &a, None), None, "facts that do not match their sum");
        assert_eq!(entry_pdf(&made, &b, None), None, "another part's entry copied over this one's");
        let mut damaged = made.clone();
        *damaged.last_mut().expect("a byte") ^= 1;
        assert_eq!(entry_pdf(&damaged, &a, None), None, "bytes that do not match their sum");
        let mut old = hex(&Sha256::digest(pdf)).into_bytes();
        old.push(b'\n');
        old.extend_from_slice(pdf);
        assert_eq!(entry_pdf(&old, &a, None), None, "an entry that names no key");
        assert_eq!(entry_pdf(b"", &a, None), None);
        assert_eq!(entry_pdf(format!("cabrep-part {a}\n").as_bytes(), &a, None), None);
    }

    #[test]
    fn an_entry_is_sealed_only_by_the_secret_that_sealed_it_and_only_for_its_own_line() {
        let a = hex(&Sha256::digest(b"a"));
        let pdf = b"%PDF-1.7 report A";
        let (mine, other) = (Seal([7; 32]), Seal([8; 32]));
        let made = entry(&a, pdf, &facts(None), Some(&mine)).expect("an entry");
        assert_eq!(entry_pdf(&made, &a, Some(&mine)).map(|e| e.2), Some(true), "sealed by this secret");
        assert_eq!(entry_pdf(&made, &a, Some(&other)).map(|e| e.2), Some(false), "another secret's seal: unsealed");
        assert_eq!(entry_pdf(&made, &a, None).map(|e| e.2), Some(false), "no secret: unsealed");
        let unsealed = entry(&a, pdf, &facts(None), None).expect("an entry");
        assert_eq!(entry_pdf(&unsealed, &a, Some(&mine)).map(|e| e.2), Some(false), "written without a seal");
        // Another PDF under this entry's seal: its sum no longer matches, and a sum made anew
        // for it is a line the seal was not made for.
        let other_pdf = b"%PDF-1.7 a Part 2 pack";
        let replanted = entry(&a, other_pdf, &facts(None), None).expect("an entry");
        let head = |e: &[u8]| String::from_utf8(e[..e.iter().position(|&b| b == b'\n').unwrap()].to_vec()).unwrap();
        let seal_field = head(&made).rsplit(' ').next().unwrap().to_owned();
        let mut forged = format!("{} {seal_field}", head(&replanted)).into_bytes();
        forged.extend_from_slice(&replanted[replanted.iter().position(|&b| b == b'\n').unwrap()..]);
        assert_eq!(entry_pdf(&forged, &a, Some(&mine)).map(|e| e.2), Some(false), "a seal moved to another line");
        let mut garbled = made.clone();
        let at = head(&made).len() - 1;
        garbled[at] = if garbled[at] == b'0' { b'1' } else { b'0' };
        assert_eq!(entry_pdf(&garbled, &a, Some(&mine)).map(|e| e.2), Some(false), "a damaged seal");
    }

    #[test]
    fn a_sealed_entry_is_used_without_reading_its_pages_and_one_marked_in_its_metadata_never() {
        let dir = tempfile::tempdir().expect("tempdir");
        let seal = Seal([9; 32]);
        let cache = PartCache::sealed_by(dir.path(), "pack", Some(seal));
        let key = hex(&Sha256::digest(b"k"));
        // Not a PDF at all: reading its pages would fail and refuse it.
        cache.put(&key, b"not a pdf", &facts(None));
        let found = cache.get(&key).expect("found");
        assert!(found.sealed);
        assert!(!cache.refused(&found), "sealed and clean: used as it is");
        // The same, marked in its metadata: refused, and its entry gone.
        cache.put(&key, b"not a pdf", &facts(Some(crate::tree::NOT_FOR_PUBLICATION_KEYWORD)));
        let found = cache.get(&key).expect("found");
        assert!(cache.refused(&found));
        assert!(!cache.path(&key).exists(), "the entry is removed");
        // Unsealed (the cache has no seal): its pages are read, and a file that cannot be read
        // for them is refused.
        let unsealed = PartCache::sealed_by(dir.path(), "pack", None);
        unsealed.put(&key, b"not a pdf", &facts(None));
        let found = unsealed.get(&key).expect("found");
        assert!(!found.sealed);
        assert!(unsealed.refused(&found));
    }

    #[test]
    fn the_seal_is_made_once_kept_for_its_owner_alone_and_refused_when_others_can_read_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(SEAL_FILE);
        let first = Seal::at(&path).expect("made");
        let again = Seal::at(&path).expect("read");
        assert_eq!(first.0, again.0, "made once, then read");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{mode:o}");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            assert!(Seal::at(&path).is_none(), "a seal others can read seals nothing");
        }
        std::fs::write(dir.path().join("short.key"), "abcd").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let short = dir.path().join("short.key");
            std::fs::set_permissions(&short, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        }
        assert!(Seal::at(&dir.path().join("short.key")).is_none(), "not a secret of 32 bytes");
        assert_eq!(format!("{first:?}"), "Seal(…)", "never printed");
    }

    #[test]
    fn a_seal_inside_the_output_folder_is_not_used() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("out");
        let cache_home = out.join("cache");
        std::fs::create_dir_all(&cache_home).expect("mkdir");
        assert!(Seal::in_cache_home(&cache_home, &out).is_none(), "a secret kept beside the cache guards nothing");
        assert!(Seal::in_cache_home(&cache_home, &dir.path().join("elsewhere")).is_some());
        assert!(Seal::in_cache_home(&dir.path().join("home"), &out).is_some(), "its folder made when missing");
    }
}
