//! The one place that reads source files: paths in every error, BOM and CRLF accepted,
//! non-UTF-8 reported with the byte position of the first bad sequence.

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
    let bytes = std::fs::read(root.join(rel)).map_err(|e| {
        Diagnostic::error(rel, "io", format!("cannot read file: {e}"))
            .hint("check that the file exists and is readable")
    })?;
    let text = decode(rel, bytes)?;
    Ok(SourceFile {
        display: rel.to_path_buf(),
        text,
    })
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
