//! Parts typeset ahead: while a meeting is still being read, a public report edited since the
//! pack was last bound is typeset as soon as it is read, instead of once the whole meeting is
//! read, checked and assembled. A rebuild after one edit is that report's layout and a merge;
//! here the layout starts some tens of milliseconds sooner.
//!
//! - A report is taken only when it is public (never an exempt one: [`PublicRef`]), when its
//!   text differs from every public report's of the pack's last build (the part cache keeps
//!   their digests), when its part is not in the cache (a report edited where its part does
//!   not show, in a comment, is found there), and while the head start's budget lasts: at most
//!   one report typeset ahead for each worker, so that a first build, where every report is
//!   new, holds no more typeset parts than binding would.
//! - What is typeset ahead is found by binding only under its document's key, the key of the
//!   part cache: a report the meeting refuses, or whose part the pack assembles otherwise, is
//!   never found, and its work is let go. Nothing typeset ahead is written anywhere here.
//!
//! This room decides nothing about what a pack holds and writes no file.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread::{Scope, ScopedJoinHandle};

use sha2::{Digest, Sha256};

use super::part_cache::{hex, part_key, PartCache};
use crate::engine::Engine;
use crate::meeting::{PublicRef, ReadReport};

/// A report's part typeset ahead: its PDF, or why it could not be typeset.
pub type Typeset = Result<Vec<u8>, String>;

/// The parts typeset ahead of a pack's binding (see the module documentation).
pub struct Ahead<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    engine: &'env Engine,
    cache: &'env PartCache,
    /// The digests of the public reports' texts of the last build.
    last: Option<BTreeSet<String>>,
    /// The digests of the public reports' texts of this build.
    seen: Mutex<BTreeSet<String>>,
    /// How many more reports may be typeset ahead.
    left: AtomicUsize,
    /// The reports being typeset ahead, by their part's key.
    running: Mutex<BTreeMap<String, ScopedJoinHandle<'scope, Typeset>>>,
}

impl<'scope, 'env> Ahead<'scope, 'env> {
    /// Parts typeset ahead on threads of `scope`, at most `workers` of them, for a pack whose
    /// part cache is `cache`.
    pub fn new(
        scope: &'scope Scope<'scope, 'env>,
        engine: &'env Engine,
        cache: &'env PartCache,
        workers: usize,
    ) -> Self {
        Ahead {
            scope,
            engine,
            cache,
            last: cache.last_sources(),
            seen: Mutex::new(BTreeSet::new()),
            left: AtomicUsize::new(workers.max(1)),
            running: Mutex::new(BTreeMap::new()),
        }
    }

    /// Typesets `read`'s report ahead when it is public, edited since the last build and not in
    /// the cache, and the budget lasts (see the module documentation).
    pub fn consider(&self, read: &ReadReport<'_>) {
        let Some(public) = PublicRef::new(read.report) else { return };
        let digest = hex(&Sha256::digest(read.text.as_bytes()));
        let edited = self.last.as_ref().is_none_or(|last| !last.contains(&digest));
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(digest);
        }
        if !edited || self.left.load(Ordering::SeqCst) == 0 {
            return;
        }
        let own = self.engine.template_of(public.report());
        let doc = crate::document::pack::report_part(read.number, public, own, &self.engine.options());
        let writers = self.engine.writers_of(&doc);
        let Ok(key) = part_key(&doc, writers.layout_digest()) else { return };
        // A report edited where its part does not show (a comment) is found in the cache, and
        // spends none of the budget.
        if self.cache.has(&key)
            || self.left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_err()
        {
            return;
        }
        let handle = self.scope.spawn(move || {
            crate::jobs::catch_panic(|| writers.pdf().and_then(|w| w.render(&doc)).map_err(|e| e.to_string()))
                .and_then(|typeset| typeset)
        });
        if let Ok(mut running) = self.running.lock() {
            running.insert(key, handle);
        }
    }

    /// The part of `key` typeset ahead, once it is done; `None` when it was not typeset ahead
    /// (or its thread was lost: binding then typesets it itself).
    pub fn take(&self, key: &str) -> Option<Typeset> {
        let handle = self.running.lock().ok()?.remove(key)?;
        handle.join().ok()
    }

    /// The digests of this build's public reports' texts, for the next build's
    /// [`PartCache::put_last_sources`].
    pub fn sources(&self) -> BTreeSet<String> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// [`Ahead::sources`], when they are not the last build's (else there is nothing to keep).
    pub fn changed_sources(&self) -> Option<BTreeSet<String>> {
        Some(self.sources()).filter(|now| self.last.as_ref() != Some(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs").join(name)
    }

    /// The key binding looks a report's part up by, as item `number`.
    fn key_of(engine: &Engine, number: u32, report: &crate::model::Report) -> String {
        let public = PublicRef::new(report).expect("public");
        let doc = crate::document::pack::report_part(number, public, engine.template_of(report), &engine.options());
        part_key(&doc, engine.writers_of(&doc).layout_digest()).expect("key")
    }

    #[test]
    fn an_edited_public_report_is_typeset_ahead_and_an_exempt_or_unchanged_one_or_one_over_budget_is_not() {
        let engine = Engine::new(None).expect("engine");
        let out = tempfile::tempdir().expect("tempdir");
        let cache = PartCache::sealed_by(out.path(), "meeting", None);
        let public = engine.load(&inputs("powering-our-future.yaml")).expect("public report");
        let other = engine.load(&inputs("highways-capital-programme.yaml")).expect("another public report");
        let exempt = engine.load(&inputs("land-disposal.yaml")).expect("exempt report");
        assert!(exempt.report.exempt.is_some() && public.report.exempt.is_none());
        fn read(number: u32, loaded: &crate::load::Loaded) -> ReadReport<'_> {
            ReadReport { number, report: &loaded.report, text: &loaded.source.text }
        }
        let typeset = std::thread::scope(|scope| {
            let ahead = Ahead::new(scope, &engine, &cache, 1);
            ahead.consider(&read(7, &exempt));
            ahead.consider(&read(3, &public));
            // The budget of one is spent: the next edited report is left to binding.
            ahead.consider(&read(4, &other));
            let typeset = ahead.take(&key_of(&engine, 3, &public.report)).expect("typeset ahead").expect("typeset");
            assert!(typeset.starts_with(b"%PDF-"), "a PDF");
            assert!(ahead.take(&key_of(&engine, 3, &public.report)).is_none(), "taken once");
            assert!(ahead.take(&key_of(&engine, 4, &other.report)).is_none(), "over the budget");
            // Under another item's key (another document), nothing is found.
            assert!(ahead.take(&key_of(&engine, 5, &public.report)).is_none());
            assert_eq!(ahead.running.lock().expect("lock").len(), 0, "the exempt report was never typeset ahead");
            let digest = |t: &str| hex(&Sha256::digest(t.as_bytes()));
            let sources = ahead.sources();
            assert!(sources.contains(&digest(&public.source.text)) && sources.contains(&digest(&other.source.text)));
            assert!(!sources.contains(&digest(&exempt.source.text)), "no digest of an exempt report is kept");
            assert_eq!(ahead.changed_sources(), Some(sources.clone()), "a first build keeps its digests");
            cache.put_last_sources(&sources);
            typeset
        });
        // Another pack's cache, which has the first report's part but no digests: that report
        // is found in the cache and spends none of the budget of one, so the next one is taken.
        let other_out = tempfile::tempdir().expect("tempdir");
        let other_cache = PartCache::sealed_by(other_out.path(), "meeting", None);
        let facts = crate::merge::inspect_typeset(&typeset).expect("facts");
        other_cache.put(&key_of(&engine, 3, &public.report), &typeset, &facts);
        std::thread::scope(|scope| {
            let ahead = Ahead::new(scope, &engine, &other_cache, 1);
            ahead.consider(&read(3, &public));
            ahead.consider(&read(4, &other));
            assert!(ahead.take(&key_of(&engine, 3, &public.report)).is_none(), "found in the cache");
            assert!(ahead.take(&key_of(&engine, 4, &other.report)).is_some(), "the budget was left for it");
        });
        // The next build: both reports unchanged, so neither is typeset ahead.
        std::thread::scope(|scope| {
            let ahead = Ahead::new(scope, &engine, &cache, 2);
            ahead.consider(&read(3, &public));
            ahead.consider(&read(4, &other));
            assert_eq!(ahead.running.lock().expect("lock").len(), 0, "unchanged reports are left to the cache");
            assert_eq!(ahead.changed_sources(), None, "the same digests are not written again");
        });
    }
}
