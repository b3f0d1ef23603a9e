//! Shared helpers for the integration tests: fixture books assembled in temporary folders.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    repo().join("tests/fixtures")
}

/// Copies every file under `from` into `to`, keeping relative paths.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("walk fixture");
        let rel = entry.path().strip_prefix(from).expect("relative");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("mkdir");
        } else if rel != Path::new("_remove") {
            std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
            std::fs::copy(entry.path(), &dest).expect("copy");
        }
    }
}

/// The mini book with a case folder's files laid over it and its `_remove` list deleted.
pub fn book_with_overlay(case: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    copy_tree(case, dir.path());
    if let Ok(list) = std::fs::read_to_string(case.join("_remove")) {
        for rel in list.lines().filter(|l| !l.trim().is_empty()) {
            std::fs::remove_file(dir.path().join(rel)).expect("remove listed file");
        }
    }
    dir
}

/// Case folder names under `tests/fixtures/{kind}`, sorted.
pub fn cases(kind: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures().join(kind))
        .expect("read cases")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    v.sort();
    v
}

/// Every file under `dir` as (relative path, bytes), sorted.
pub fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .expect("rel")
                .to_string_lossy()
                .replace('\\', "/");
            v.push((rel, std::fs::read(entry.path()).expect("read")));
        }
    }
    v
}

/// Visible text of an HTML page: tags removed, entities decoded, whitespace folded.
pub fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    let mut skip_sup = 0;
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("<sup class=\"footnote-reference\"") {
            skip_sup += 1;
        }
        if skip_sup > 0 && rest.starts_with("</sup>") {
            skip_sup -= 1;
            rest = &rest[6..];
            continue;
        }
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag && skip_sup == 0 => out.push(c),
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}
