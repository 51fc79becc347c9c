//! Golden files of the document tree (`tests/golden/`): the tree of every example report in
//! `inputs/` and of the example pack, built with a fixed `SOURCE_DATE_EPOCH`, compared with the
//! stored copy. The tree is what every writer reads, so a change here is a change of content or
//! layout decisions in all three formats.
//!
//! After a deliberate change to the tree, rewrite the golden files with
//!
//! ```sh
//! CABREP_BLESS=1 cargo test --release --locked golden
//! ```
//!
//! and read `git diff tests/golden/` before committing it.

use crate::common::*;
use std::path::Path;

/// The fixed build time of the golden trees (2023-11-14T22:13:20Z).
const EPOCH: &str = "1700000000";

/// How many lines of context the diff shows before the first differing line.
const CONTEXT: usize = 3;

/// How many differing lines the diff shows at most.
const SHOWN: usize = 20;

/// Builds the trees of the examples into `out`: every report in `inputs/`, and the pack.
fn build_trees(out: &Path) {
    let o = out.to_str().expect("utf-8 path");
    for args in [
        vec!["build", "inputs/", "-f", "tree", "-q", "-o", o],
        vec!["pack", "inputs/cabinet-2024-01-18.yaml", "-f", "tree", "-q", "-o", o],
    ] {
        let r = cabrep_with_env(&args, &[("SOURCE_DATE_EPOCH", EPOCH)]);
        assert!(r.status.success(), "cabrep {args:?} failed: {}", stderr(&r));
    }
}

/// The `*.tree.json` files in a folder, by name, sorted.
fn trees_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tree.json"))
        .collect();
    v.sort();
    v
}

/// The first differing lines of `want` and `got`, with a few lines of context before them;
/// `None` when they are the same.
fn first_difference(want: &str, got: &str) -> Option<String> {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let at = (0..w.len().max(g.len())).find(|&i| w.get(i) != g.get(i))?;
    let mut out = String::new();
    let from = at.saturating_sub(CONTEXT);
    for (i, line) in w.iter().enumerate().take(at).skip(from) {
        out.push_str(&format!("  {:>6} | {line}\n", i + 1));
    }
    for i in at..(at + SHOWN).min(w.len().max(g.len())) {
        if w.get(i) == g.get(i) {
            break;
        }
        if let Some(l) = w.get(i) {
            out.push_str(&format!("- {:>6} | {l}\n", i + 1));
        }
        if let Some(l) = g.get(i) {
            out.push_str(&format!("+ {:>6} | {l}\n", i + 1));
        }
    }
    Some(out)
}

#[test]
fn first_difference_shows_the_first_differing_lines_with_context() {
    assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
    let d = first_difference("1\n2\n3\n4\n5\n", "1\n2\n3\n4\nfive\n").expect("a difference");
    assert_eq!(d, "       2 | 2\n       3 | 3\n       4 | 4\n-      5 | 5\n+      5 | five\n");
    let d = first_difference("1\n", "1\n2\n").expect("a longer file differs");
    assert_eq!(d, "       1 | 1\n+      2 | 2\n");
}

#[test]
fn golden_trees_of_the_examples_are_unchanged() {
    let dir = tempdir();
    build_trees(dir.path());
    let golden = root().join("tests/golden");
    let built = trees_in(dir.path());
    assert!(built.len() >= 4, "the examples' trees: {built:?}");
    if blessing() {
        std::fs::create_dir_all(&golden).expect("create tests/golden");
        for old in trees_in(&golden) {
            std::fs::remove_file(golden.join(old)).expect("remove old golden file");
        }
        for name in &built {
            std::fs::copy(dir.path().join(name), golden.join(name)).expect("bless golden file");
        }
        return;
    }
    assert_eq!(trees_in(&golden), built, "golden files and built trees differ in name; bless with CABREP_BLESS=1");
    let mut failures = Vec::new();
    for name in &built {
        let want = read_text(&golden.join(name));
        let got = read_text(&dir.path().join(name));
        if let Some(d) = first_difference(&want, &got) {
            failures.push(format!("tests/golden/{name} (-golden +built):\n{d}"));
        }
    }
    assert!(
        failures.is_empty(),
        "the document tree changed; if that is meant, bless with `CABREP_BLESS=1 cargo test --release --locked golden`\n\n{}",
        failures.join("\n")
    );
}
