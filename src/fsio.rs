//! The one place that reads source files: paths in every error, BOM and CRLF accepted,
//! non-UTF-8 reported with the byte position of the first bad sequence. A source must be a
//! regular file inside the book: a link out of the book, a link loop, a FIFO or a device is an
//! error, checked before the file is opened (a FIFO is never opened, so never blocks a read).

use crate::diag::Diagnostic;
use std::path::{Path, PathBuf};

/// A source file's text, with the path shown to users (relative to the book root).
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub display: PathBuf,
    pub text: String,
}

/// Reads `root/rel` as UTF-8 text, stripping a BOM and turning CRLF into LF.
pub fn read_source(root: &Path, rel: &Path) -> Result<SourceFile, Diagnostic> {
    let text = decode(rel, read_bytes(root, rel)?)?;
    Ok(SourceFile {
        display: rel.to_path_buf(),
        text,
    })
}

/// The bytes of `root/rel`, once `check_source` has found it a regular file in the book.
pub fn read_bytes(root: &Path, rel: &Path) -> Result<Vec<u8>, Diagnostic> {
    let real = check_source(root, rel)?;
    read_regular(&real).map_err(|e| {
        Diagnostic::error(rel, "io", format!("cannot read file: {e}"))
            .hint("check that the file is readable")
    })
}

/// Opens without blocking and reads only a regular file (a FIFO swapped in after the check is
/// refused, not waited on).
fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut options = std::fs::File::options();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(
        &mut options,
        rustix::fs::OFlags::NONBLOCK.bits() as i32,
    );
    let mut file = options.open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file"));
    }
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// `root/rel` with links resolved, if it is a regular file inside the book; else the error
/// that says why not.
pub fn check_source(root: &Path, rel: &Path) -> Result<PathBuf, Diagnostic> {
    let path = root.join(rel);
    let err = |msg: String, hint: &str| Err(Diagnostic::error(rel, "io", msg).hint(hint));
    if let Err(e) = std::fs::symlink_metadata(&path) {
        return err(
            format!("cannot read file: {e}"),
            "check that the file exists and is readable",
        );
    }
    let real = match path.canonicalize() {
        Ok(p) => p,
        Err(e) if is_link_loop(&e) => {
            return err(
                "symbolic link loop: the link points, through other links, back to itself".into(),
                "replace the link with the file itself, or point it at a file in the book",
            );
        }
        Err(e) => {
            return err(
                format!("cannot follow the symbolic link: {e}"),
                "the link points at a file that does not exist: fix or remove the link",
            );
        }
    };
    check_link(root, rel)?;
    match std::fs::metadata(&real) {
        Ok(m) if m.is_file() => Ok(real),
        Ok(m) if m.is_dir() => err(
            "this is a folder, not a file".into(),
            "a file is expected here: move the folder away",
        ),
        Ok(_) => err(
            "not a regular file (a FIFO, socket or device)".into(),
            "replace it with a regular file holding the text",
        ),
        Err(e) => err(
            format!("cannot read file: {e}"),
            "check that the file exists and is readable",
        ),
    }
}

/// A symbolic link (to a file or a folder) that stays inside the book; else the error.
pub fn check_link(root: &Path, rel: &Path) -> Result<(), Diagnostic> {
    let real = root.join(rel).canonicalize().map_err(|e| {
        Diagnostic::error(rel, "io", format!("cannot follow the symbolic link: {e}"))
            .hint("fix or remove the link")
    })?;
    let book = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    if real.starts_with(&book) {
        return Ok(());
    }
    let how = if rel
        .components()
        .any(|c| c == std::path::Component::ParentDir)
    {
        "path leads"
    } else {
        "symbolic link points"
    };
    Err(Diagnostic::error(
        rel,
        "io",
        format!("{how} outside the book, to `{}`", real.display()),
    )
    .hint("copy the file into the book instead of linking to it: planbook publishes only the book's own files"))
}

/// True for the "too many levels of symbolic links" error (ELOOP).
pub fn is_link_loop(e: &std::io::Error) -> bool {
    #[cfg(unix)]
    {
        e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error())
    }
    #[cfg(not(unix))]
    {
        let _ = e;
        false
    }
}

/// Source bytes as text: BOM stripped, CRLF and CR turned into LF, invalid UTF-8 located.
/// Public for the fuzz targets (`fuzz/`).
pub fn decode(rel: &Path, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(mut s) => {
            if s.starts_with('\u{feff}') {
                s.drain(..3);
            }
            if s.contains('\r') {
                s = s.replace("\r\n", "\n").replace('\r', "\n");
            }
            Ok(s)
        }
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let (line, col) = crate::diag::line_col(&prefix, prefix.len());
            Err(Diagnostic::error(rel, "encoding", "file is not valid UTF-8")
                .at(line, col)
                .hint("save the file as UTF-8 (GBK or GB18030 files must be converted, e.g. with `iconv -f GB18030 -t UTF-8`)"))
        }
    }
}

/// `path` relative to `root` for display, or `path` itself when it lies elsewhere.
pub fn relative(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root).unwrap_or(path).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_and_crlf_are_accepted() {
        let s = decode(Path::new("a.md"), b"\xef\xbb\xbfa\r\nb\r\n".to_vec()).unwrap();
        assert_eq!(s, "a\nb\n");
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let e = decode(Path::new("a.md"), b"ok\nab\xffc".to_vec()).unwrap_err();
        assert_eq!((e.line, e.col), (2, 3));
        assert_eq!(e.message, "file is not valid UTF-8");
    }
}
