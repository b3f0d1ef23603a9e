//! Atomic output: the new site is written to a staging folder beside the output and swapped in
//! with renames, so the output folder always holds either the previous build or the new one.

use crate::diag::Diagnostic;
use crate::render::OutFile;
use std::path::{Path, PathBuf};

/// Writes `files` into `out`, replacing its previous contents atomically.
pub fn atomically(out: &Path, files: &[OutFile]) -> Result<(), Diagnostic> {
    let io = |what: &str, p: &Path, e: std::io::Error| {
        Diagnostic::error(p, "output", format!("{what}: {e}")).hint("check that the output folder's parent exists and is writable, and that the output path is not a file")
    };
    if out.is_file() {
        return Err(
            Diagnostic::error(out, "output", "the output path is a file, not a folder")
                .hint("choose another --out, or remove the file"),
        );
    }
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
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
    let written = (|| {
        for f in files {
            let path = staging.join(&f.path);
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| io("cannot create folder", dir, e))?;
            }
            std::fs::write(&path, &f.bytes).map_err(|e| io("cannot write file", &path, e))?;
        }
        Ok(())
    })();
    if let Err(d) = written {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(d);
    }
    if out.exists() {
        std::fs::rename(out, &old)
            .map_err(|e| io("cannot move the previous output aside", out, e))?;
    }
    if let Err(e) = std::fs::rename(&staging, out) {
        let _ = std::fs::rename(&old, out);
        return Err(io("cannot move the new output into place", out, e));
    }
    if old.exists() {
        let _ = std::fs::remove_dir_all(&old);
    }
    Ok(())
}
