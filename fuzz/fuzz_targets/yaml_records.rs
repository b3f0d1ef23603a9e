//! Arbitrary bytes as a content YAML file: decoded like a source file (BOM, CRLF, UTF-8 check)
//! and parsed into every record type. Errors are expected; panics, hangs and unbounded memory
//! are not.

#![no_main]

use libfuzzer_sys::fuzz_target;
use planbook::fsio::{SourceFile, decode};
use planbook::model::{
    ChapterMeta, EnterprisesFile, GlossaryFile, PlanMeta, SectorsFile, SidebarFile, TargetsFile,
};
use planbook::yaml::parse;
use std::path::{Path, PathBuf};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = decode(Path::new("content/x.yaml"), data.to_vec()) else {
        return;
    };
    let file = SourceFile {
        display: PathBuf::from("content/x.yaml"),
        text,
    };
    let _ = parse::<EnterprisesFile>(&file);
    let _ = parse::<SidebarFile>(&file);
    let _ = parse::<TargetsFile>(&file);
    let _ = parse::<SectorsFile>(&file);
    let _ = parse::<GlossaryFile>(&file);
    let _ = parse::<ChapterMeta>(&file);
    let _ = parse::<PlanMeta>(&file);
});
