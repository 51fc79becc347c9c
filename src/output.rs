//! Writing output files: atomically (a temporary file in the same folder, then a rename, so a
//! failed build leaves any earlier file untouched and no partial file behind), with the
//! permissions their readers should have, and never two outputs to one name.
//!
//! This room owns file names, modes and the write itself; it never decides content, and never
//! decides what is exempt — callers say which [`Visibility`] an output has.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Who an output is for, which sets the mode a new file is created with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    /// A document to publish: created `0666` less the process umask, like any file the user
    /// makes.
    Public,
    /// Exempt material (a Part 2 pack or record, an exempt report): created `0640` less the
    /// umask, and never more than `0640` when it replaces an existing file, so the world can
    /// never read it unless someone widens it by hand after every build.
    Restricted,
}

impl Visibility {
    /// The most permissive mode this visibility allows.
    #[cfg(unix)]
    fn ceiling(self) -> u32 {
        match self {
            Visibility::Public => 0o666,
            Visibility::Restricted => 0o640,
        }
    }
}

/// One file to write: where, what and for whom.
#[derive(Debug, Clone)]
pub struct Output {
    /// The file.
    pub path: PathBuf,
    /// Its contents.
    pub bytes: Vec<u8>,
    /// Who may read it.
    pub visibility: Visibility,
}

/// Writes `bytes` to `path` atomically, creating the folder if needed.
///
/// A new file gets the [`Visibility`]'s mode less the process umask (`umask 077` gives `0600`); a
/// file that is replaced keeps its mode (a `chmod 600` survives a rebuild), capped by the
/// visibility (a restricted output never keeps a world-readable mode).
pub fn write_atomic(path: &Path, bytes: &[u8], visibility: Visibility) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".cabrep-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Applied when the file is created, so the umask applies too.
        builder.permissions(std::fs::Permissions::from_mode(visibility.ceiling()));
    }
    let mut tmp = builder.tempfile_in(&dir)?;
    tmp.write_all(bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(old) = std::fs::metadata(path) {
            if old.is_file() {
                let mode = old.permissions().mode() & 0o777 & visibility.ceiling();
                tmp.as_file()
                    .set_permissions(std::fs::Permissions::from_mode(mode))?;
            }
        }
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Writes every output, after checking that no two share a name; returns the paths written.
/// Nothing is written when two collide; each file is written atomically.
pub fn write_all(outputs: Vec<Output>) -> Result<Vec<PathBuf>, String> {
    if let Some(c) = collisions(
        outputs
            .iter()
            .map(|o| (o.path.as_path(), ""))
            .collect::<Vec<_>>()
            .as_slice(),
    )
    .first()
    {
        return Err(format!(
            "two outputs would be written to {}",
            c.path.display()
        ));
    }
    let mut files = Vec::new();
    for o in outputs {
        write_atomic(&o.path, &o.bytes, o.visibility)
            .map_err(|e| format!("cannot write {}: {e}", o.path.display()))?;
        files.push(o.path);
    }
    Ok(files)
}

/// Two sources whose outputs would land on one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collision {
    /// The file both would be written to.
    pub path: PathBuf,
    /// What the first output comes from.
    pub first: String,
    /// What the second comes from.
    pub second: String,
}

/// The collisions among planned outputs, each `(path, where it comes from)`, in the order the
/// second of each pair was planned. Names are compared without regard to case, since a
/// publish folder may be on a case-insensitive file system (`Report.pdf` is `report.pdf`).
pub fn collisions<S: AsRef<str>>(planned: &[(&Path, S)]) -> Vec<Collision> {
    let mut seen: BTreeMap<String, (usize, &Path)> = BTreeMap::new();
    let mut found = Vec::new();
    for (i, (path, _)) in planned.iter().enumerate() {
        let key = path.to_string_lossy().to_lowercase();
        match seen.get(&key) {
            Some(&(j, _)) => found.push(Collision {
                path: path.to_path_buf(),
                first: planned[j].1.as_ref().to_owned(),
                second: planned[i].1.as_ref().to_owned(),
            }),
            None => {
                seen.insert(key, (i, path));
            }
        }
    }
    found
}

/// The output path for an input file: `DIR/<stem><suffix>.<ext>`.
pub fn output_path(out_dir: &Path, input: &Path, suffix: &str, extension: &str) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    out_dir.join(format!("{stem}{suffix}.{extension}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("a.pdf");
        write_atomic(&p, b"one", Visibility::Public).expect("write");
        write_atomic(&p, b"two", Visibility::Public).expect("write");
        assert_eq!(std::fs::read(&p).expect("read"), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("dir")
            .map(|e| e.expect("e").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("a.pdf")]);
    }

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_mode_and_a_restricted_one_is_never_world_readable() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        let p = dir.path().join("a.pdf");
        write_atomic(&p, b"one", Visibility::Public).expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        write_atomic(&p, b"two", Visibility::Public).expect("write");
        assert_eq!(mode(&p), 0o600, "a chmod 600 survives a rebuild");
        let q = dir.path().join("b-part2.pdf");
        std::fs::write(&q, b"old").expect("write");
        std::fs::set_permissions(&q, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        write_atomic(&q, b"new", Visibility::Restricted).expect("write");
        assert_eq!(
            mode(&q) & 0o007,
            0,
            "restricted output stays unreadable by others: {:o}",
            mode(&q)
        );
        assert!(mode(&q) <= 0o640);
    }

    #[test]
    fn collisions_name_both_sources_and_ignore_case() {
        let a = PathBuf::from("out/report.pdf");
        let b = PathBuf::from("out/Report.pdf");
        let c = PathBuf::from("out/other.pdf");
        let found = collisions(&[
            (a.as_path(), "a/report.yaml"),
            (c.as_path(), "c.yaml"),
            (b.as_path(), "b/Report.yaml"),
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].first.as_str(), found[0].second.as_str()),
            ("a/report.yaml", "b/Report.yaml")
        );
        assert!(collisions(&[(a.as_path(), "x"), (c.as_path(), "y")]).is_empty());
    }
}
