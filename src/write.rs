//! Safe output: planbook replaces only a folder it made (marked by `.planbook-output`), never
//! the book or its sources; one build at a time per output (an advisory lock); the new site is
//! written beside the output and swapped in atomically, so the output folder always holds the
//! previous build or the new one, and leftovers of an interrupted swap are recovered.

use crate::diag::Diagnostic;
use crate::render::OutFile;
use std::fs::File;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};

/// The file planbook writes into every output folder it makes; a folder without it (and not
/// empty) is not replaced unless `--force` is given.
pub const MARKER: &str = ".planbook-output";

const MARKER_TEXT: &str =
    "This folder was written by planbook. The next `planbook build` into it replaces it whole.\n";

fn io(what: &str, p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(p, "output", format!("{what}: {e}")).hint("check that the output folder's parent exists and is writable, and that the output path is not a file")
}

/// A write error. A full disk (or quota) gives the same diagnostic for every file, so the
/// collection reports it once, with the hint that fixes it.
fn write_error(out: &Path, what: &str, p: &Path, e: std::io::Error) -> Diagnostic {
    match e.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => Diagnostic::error(
            out,
            "output",
            "the disk is full: the new site could not be written",
        )
        .hint("free some disk space (or pass an --out on another disk) and build again; the previous output was not changed"),
        _ => io(what, p, e),
    }
}

/// A build being written: files go into a hidden staging folder beside the output (from any
/// thread), and `commit` swaps it in. Dropped without a commit, the staging folder is removed.
/// The output's lock is held from creation to commit or drop.
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    parent: PathBuf,
    prefix: String,
    committed: bool,
    warnings: Vec<Diagnostic>,
    _lock: File,
}

impl Staging {
    /// Checks that `out` may be replaced, takes its lock, recovers or removes leftovers of an
    /// interrupted build and creates an empty staging folder holding the marker.
    pub fn new(book: &Path, out: &Path, force: bool) -> Result<Staging, Diagnostic> {
        if out.is_file() {
            return Err(Diagnostic::error(
                out,
                "output",
                "the output path is a file, not a folder",
            )
            .hint("choose another --out, or remove the file"));
        }
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        reject_file_ancestor(out, &parent)?;
        guard_book(book, out)?;
        std::fs::create_dir_all(&parent)
            .map_err(|e| io("cannot create the output's parent folder", &parent, e))?;
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "public".into());
        let prefix = format!(".{name}.planbook-");
        let lock = lock(out, &parent.join(format!("{prefix}lock")))?;
        let warnings = recover(out, &parent, &prefix);
        check_owned(out, force)?;
        let staging = free_name(&parent, &format!("{prefix}staging"));
        std::fs::create_dir(&staging)
            .map_err(|e| io("cannot create the staging folder", &staging, e))?;
        std::fs::write(staging.join(MARKER), MARKER_TEXT)
            .map_err(|e| write_error(out, "cannot write file", &staging.join(MARKER), e))?;
        Ok(Staging {
            out: out.to_path_buf(),
            staging,
            parent,
            prefix,
            committed: false,
            warnings,
            _lock: lock,
        })
    }

    /// Writes one file into the staging folder.
    pub fn write(&self, f: &OutFile) -> Result<(), Diagnostic> {
        let path = self.staging.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| write_error(&self.out, "cannot create folder", dir, e))?;
        }
        std::fs::write(&path, &f.bytes)
            .map_err(|e| write_error(&self.out, "cannot write file", &path, e))
    }

    /// Swaps the new site into place and removes the previous one; returns warnings (a
    /// previous site that could not be removed, leftovers that could not be cleaned).
    pub fn commit(mut self) -> Result<Vec<Diagnostic>, Diagnostic> {
        let old = swap(&self.staging, &self.out, &self.parent, &self.prefix)?;
        self.committed = true;
        let mut warnings = std::mem::take(&mut self.warnings);
        if let Some(old) = old
            && let Err(e) = std::fs::remove_dir_all(&old)
        {
            warnings.push(leftover_warning(&old, e));
        }
        Ok(warnings)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Writes `files` into `out` (which must be planbook's, empty or absent), replacing its
/// previous contents atomically.
pub fn atomically(book: &Path, out: &Path, files: &[OutFile]) -> Result<(), Diagnostic> {
    let staging = Staging::new(book, out, false)?;
    for f in files {
        staging.write(f)?;
    }
    staging.commit().map(drop)
}

fn reject_file_ancestor(out: &Path, parent: &Path) -> Result<(), Diagnostic> {
    match parent
        .ancestors()
        .find(|a| !a.as_os_str().is_empty() && a.exists())
        .filter(|a| !a.is_dir())
    {
        Some(file) => Err(Diagnostic::error(
            out,
            "output",
            format!(
                "cannot create the output folder: `{}` is a file, not a folder",
                file.display()
            ),
        )
        .hint("choose another --out, or move the file out of the way")),
        None => Ok(()),
    }
}

/// `path` made absolute with symbolic links resolved, for the part that exists, and `..`
/// removed from the rest (which cannot hold links, not existing).
pub fn resolved(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let parts: Vec<Component> = absolute.components().collect();
    let (mut out, rest) = (0..=parts.len())
        .rev()
        .find_map(|n| {
            let prefix: PathBuf = parts[..n].iter().collect();
            prefix.canonicalize().ok().map(|c| (c, &parts[n..]))
        })
        .unwrap_or_else(|| (PathBuf::new(), &parts[..]));
    for part in rest {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The output may never be the book, hold the book, or lie in its sources (`--force` or not).
fn guard_book(book: &Path, out: &Path) -> Result<(), Diagnostic> {
    let (book, target) = (resolved(book), resolved(out));
    let refuse = |what: String| {
        Err(Diagnostic::error(out, "output", format!("the output folder {what}: building there would delete the book's own files"))
            .hint("choose an --out outside the book's content/, i18n/ and themes/ folders, e.g. public/ (the default)"))
    };
    if book.starts_with(&target) {
        return refuse(if book == target {
            "is the book's folder".into()
        } else {
            format!("holds the book (`{}`)", book.display())
        });
    }
    for source in ["content", "i18n", "themes"] {
        if target.starts_with(book.join(source)) {
            return refuse(format!("lies inside the book's {source}/ folder"));
        }
    }
    Ok(())
}

/// Takes the output's advisory lock; another build holding it is an error.
fn lock(out: &Path, path: &Path) -> Result<File, Diagnostic> {
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| io("cannot create the output's lock file", path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Diagnostic::error(
            out,
            "output",
            "another planbook build is writing to this output folder",
        )
        .hint("wait for the other build to finish, then build again (or pass another --out)")),
        Err(std::fs::TryLockError::Error(e)) => Err(io("cannot lock the output folder", path, e)),
    }
}

/// Empty, absent, or made by planbook: anything else is replaced only with `force`.
fn check_owned(out: &Path, force: bool) -> Result<(), Diagnostic> {
    let Ok(mut entries) = std::fs::read_dir(out) else {
        return Ok(());
    };
    if force || entries.next().is_none() || out.join(MARKER).is_file() {
        return Ok(());
    }
    Err(Diagnostic::error(
        out,
        "output",
        format!("the output folder is not empty and was not made by planbook (it has no {MARKER} file): replacing it would delete its contents"),
    )
    .hint("choose an empty or new folder for --out, or pass --force to replace this folder and everything in it"))
}

/// Leftovers of an interrupted build beside the output: a previous site moved aside while the
/// output is missing is moved back; every other leftover is removed. A leftover that cannot be
/// removed is a warning, never a failed build.
fn recover(out: &Path, parent: &Path, prefix: &str) -> Vec<Diagnostic> {
    let leftovers: Vec<PathBuf> = std::fs::read_dir(parent)
        .map(|rd| {
            rd.flatten()
                .filter(|e| {
                    let n = e.file_name().to_string_lossy().to_string();
                    n.starts_with(&format!("{prefix}staging"))
                        || n.starts_with(&format!("{prefix}old"))
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    if std::fs::symlink_metadata(out).is_err() {
        let newest_old = leftovers
            .iter()
            .filter(|p| p.to_string_lossy().contains("planbook-old") && p.is_dir())
            .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok());
        if let Some(old) = newest_old {
            let _ = std::fs::rename(old, out);
        }
    }
    leftovers
        .iter()
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .filter_map(|p| {
            let removed = if p.is_dir() && !p.is_symlink() {
                std::fs::remove_dir_all(p)
            } else {
                std::fs::remove_file(p)
            };
            removed.err().map(|e| leftover_warning(p, e))
        })
        .collect()
}

fn leftover_warning(p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::warning(
        p,
        "output",
        format!("cannot remove a previous output left beside the output folder: {e}"),
    )
    .hint("remove it by hand; builds go on without it")
}

/// `base`, or `base-N` for the first N not taken (a leftover that could not be removed).
fn free_name(parent: &Path, base: &str) -> PathBuf {
    let first = parent.join(base);
    if std::fs::symlink_metadata(&first).is_err() {
        return first;
    }
    (1..)
        .map(|n| parent.join(format!("{base}-{n}")))
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .unwrap_or(first)
}

/// Puts `staging` in the place of `out`; returns where the previous site now is, if any.
fn swap(
    staging: &Path,
    out: &Path,
    parent: &Path,
    prefix: &str,
) -> Result<Option<PathBuf>, Diagnostic> {
    if std::fs::symlink_metadata(out).is_err() {
        std::fs::rename(staging, out)
            .map_err(|e| io("cannot move the new output into place", out, e))?;
        return Ok(None);
    }
    if exchange(staging, out)? {
        return Ok(Some(staging.to_path_buf()));
    }
    let old = free_name(parent, &format!("{prefix}old"));
    std::fs::rename(out, &old).map_err(|e| io("cannot move the previous output aside", out, e))?;
    if let Err(e) = std::fs::rename(staging, out) {
        return Err(match std::fs::rename(&old, out) {
            Ok(()) => io("cannot move the new output into place", out, e),
            Err(_) => Diagnostic::error(out, "swap", format!("cannot move the new output into place ({e}), and the previous output could not be moved back: it is at {}", old.display()))
                .hint("the next build moves it back; or rename it to the output folder's name by hand"),
        });
    }
    Ok(Some(old))
}

/// Exchanges two folders in one step (Linux `renameat2(RENAME_EXCHANGE)`). `Ok(false)` where
/// the platform or file system cannot, and two renames must do.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<bool, Diagnostic> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(Errno::INVAL | Errno::NOSYS | Errno::OPNOTSUPP) => Ok(false),
        Err(e) => Err(io(
            "cannot swap the new output into place",
            b,
            std::io::Error::from(e),
        )),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> Result<bool, Diagnostic> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_disk_is_one_error_however_many_files_fail() {
        let mut all = crate::diag::Diagnostics::default();
        for name in ["a.html", "b.html", "c/d.html"] {
            let e = std::io::Error::from(ErrorKind::StorageFull);
            all.push(write_error(
                Path::new("public"),
                "cannot write file",
                Path::new(name),
                e,
            ));
        }
        assert_eq!(all.errors(), 1, "{all}");
        assert!(all.to_string().contains("free some disk space"), "{all}");
    }

    #[test]
    fn resolved_removes_dot_dot_past_the_existing_part() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        assert_eq!(resolved(&dir.path().join("x/../y")), base.join("y"));
        assert_eq!(resolved(&dir.path().join("x/./y")), base.join("x/y"));
    }
}
