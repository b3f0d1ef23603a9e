//! Arbitrary bytes as book.toml: decoded like a source file and checked by `config::parse`.
//! Errors (with their nearest-key hints) are expected; panics are not.

#![no_main]

use libfuzzer_sys::fuzz_target;
use planbook::fsio::{SourceFile, decode};
use std::path::{Path, PathBuf};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = decode(Path::new("book.toml"), data.to_vec()) else {
        return;
    };
    let file = SourceFile {
        display: PathBuf::from("book.toml"),
        text,
    };
    if let Err(d) = planbook::config::parse(&file) {
        // Rendering the diagnostic exercises the located message and hint too.
        let _ = d.to_string();
    }
});
