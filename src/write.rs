//! Atomic output: the new site is written to a staging folder beside the output and swapped in
//! with renames, so the output folder always holds either the previous build or the new one.

use crate::diag::Diagnostic;
use crate::render::OutFile;
use std::path::{Path, PathBuf};

fn io(what: &str, p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(p, "output", format!("{what}: {e}")).hint("check that the output folder's parent exists and is writable, and that the output path is not a file")
}

/// A build being written: files go into a hidden staging folder beside the output (from any
/// thread), and `commit` swaps it in. Dropped without a commit, the staging folder is removed.
pub struct Staging {
    out: PathBuf,
    staging: PathBuf,
    old: PathBuf,
    committed: bool,
}

impl Staging {
    /// Removes leftovers of an interrupted build and creates an empty staging folder.
    pub fn new(out: &Path) -> Result<Staging, Diagnostic> {
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
        if let Some(file) = parent
            .ancestors()
            .find(|a| !a.as_os_str().is_empty() && a.exists())
            .filter(|a| !a.is_dir())
        {
            return Err(Diagnostic::error(
                out,
                "output",
                format!(
                    "cannot create the output folder: `{}` is a file, not a folder",
                    file.display()
                ),
            )
            .hint("choose another --out, or move the file out of the way"));
        }
        let name = out
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "public".into());
        let staging = parent.join(format!(".{name}.planbook-staging"));
        let old = parent.join(format!(".{name}.planbook-old"));
        for leftover in [&staging, &old] {
            if leftover.exists() {
                std::fs::remove_dir_all(leftover).map_err(|e| {
                    io(
                        "cannot remove a leftover folder from an interrupted build",
                        leftover,
                        e,
                    )
                })?;
            }
        }
        std::fs::create_dir_all(&staging)
            .map_err(|e| io("cannot create the staging folder", &staging, e))?;
        Ok(Staging {
            out: out.to_path_buf(),
            staging,
            old,
            committed: false,
        })
    }

    /// Writes one file into the staging folder.
    pub fn write(&self, f: &OutFile) -> Result<(), Diagnostic> {
        let path = self.staging.join(&f.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| io("cannot create folder", dir, e))?;
        }
        std::fs::write(&path, &f.bytes).map_err(|e| io("cannot write file", &path, e))
    }

    /// Moves the previous output aside, the new one into place, and removes the previous one.
    pub fn commit(mut self) -> Result<(), Diagnostic> {
        let (out, staging, old) = (&self.out, &self.staging, &self.old);
        if out.exists() {
            std::fs::rename(out, old)
                .map_err(|e| io("cannot move the previous output aside", out, e))?;
        }
        if let Err(e) = std::fs::rename(staging, out) {
            let _ = std::fs::rename(old, out);
            return Err(io("cannot move the new output into place", out, e));
        }
        self.committed = true;
        if old.exists() {
            let _ = std::fs::remove_dir_all(old);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

/// Writes `files` into `out`, replacing its previous contents atomically.
pub fn atomically(out: &Path, files: &[OutFile]) -> Result<(), Diagnostic> {
    let staging = Staging::new(out)?;
    for f in files {
        staging.write(f)?;
    }
    staging.commit()
}
