//! Sources stay inside the book, and nothing is dropped silently: a link out of the book, a
//! link loop, a FIFO or a device where a source should be, a name that is not UTF-8 and an
//! unreadable book.toml are each an error naming the file, reported quickly (never a blocking
//! read), by `build` and `check` alike.
#![cfg(unix)]

mod common;

use common::*;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn mini() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    dir
}

/// `planbook build` on `book` with a time limit (a blocking read would hang it); its stderr.
fn build_fails(book: &Path) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args(["build", "--root"])
        .arg(book)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            panic!("the build hung");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success(), "the build must fail");
    assert!(!book.join("public").exists(), "nothing is published");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn replace_with_link(book: &Path, rel: &str, target: &Path) {
    std::fs::remove_file(book.join(rel)).ok();
    symlink(target, book.join(rel)).unwrap();
}

#[test]
fn a_source_linked_outside_the_book_is_an_error_not_published() {
    let dir = mini();
    let book = dir.path();
    let secret = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(secret.path(), "## SECRET {#secret}\n\nroot:x:0:0\n").unwrap();
    replace_with_link(book, "content/chapters/01-overview/zh.md", secret.path());
    let err = build_fails(book);
    let real = secret.path().canonicalize().unwrap();
    assert!(
        err.contains(&format!(
            "content/chapters/01-overview/zh.md:1:1: error[io]: symbolic link points outside the book, to `{}`",
            real.display()
        )),
        "{err}"
    );
    assert!(err.contains("hint: copy the file into the book"), "{err}");
    assert!(!planbook::check(book).is_empty(), "check fails too");
}

#[test]
fn a_folder_linked_outside_the_book_is_an_error_and_not_walked() {
    let dir = mini();
    let book = dir.path();
    let outside = tempfile::tempdir().unwrap();
    copy_tree(&book.join("content/chapters/01-overview"), outside.path());
    symlink(outside.path(), book.join("content/chapters/02-linked")).unwrap();
    let err = build_fails(book);
    assert!(
        err.contains(
            "content/chapters/02-linked:1:1: error[io]: symbolic link points outside the book"
        ),
        "{err}"
    );
}

#[test]
fn links_inside_the_book_are_followed() {
    let dir = mini();
    let book = dir.path();
    std::fs::create_dir(book.join("shared")).unwrap();
    std::fs::rename(
        book.join("content/glossary.yaml"),
        book.join("shared/glossary.yaml"),
    )
    .unwrap();
    symlink(
        "../shared/glossary.yaml",
        book.join("content/glossary.yaml"),
    )
    .unwrap();
    planbook::build(book, &book.join("public")).expect("a link within the book is fine");
}

#[test]
fn theme_links_outside_the_book_are_errors_not_ignored() {
    let dir = mini();
    let book = dir.path();
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), "body { color: red }").unwrap();
    std::fs::create_dir_all(book.join("themes/default/static")).unwrap();
    symlink(outside.path(), book.join("themes/default/static/extra.css")).unwrap();
    let err = build_fails(book);
    assert!(
        err.contains(
            "themes/default/static/extra.css:1:1: error[io]: symbolic link points outside the book"
        ),
        "{err}"
    );
}

#[test]
fn a_link_loop_gets_a_loop_message_and_hint() {
    let dir = mini();
    let book = dir.path();
    replace_with_link(
        book,
        "content/glossary.yaml",
        &book.join("content/glossary.yaml"),
    );
    let err = build_fails(book);
    assert!(
        err.contains(
            "content/glossary.yaml:1:1: error[discover]: symbolic link loop under content/"
        ),
        "{err}"
    );
    assert!(!err.contains("permissions"), "{err}");
    std::fs::create_dir_all(book.join("themes/default/templates")).unwrap();
    symlink("b.html", book.join("themes/default/templates/a.html")).unwrap();
    symlink("a.html", book.join("themes/default/templates/b.html")).unwrap();
    let err = build_fails(book);
    assert!(
        err.contains(
            "themes/default/templates/a.html:1:1: error[discover]: symbolic link loop under themes/"
        ),
        "{err}"
    );
}

fn mkfifo(path: &Path) {
    std::fs::remove_file(path).ok();
    let ok = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(ok.success());
}

#[test]
fn a_fifo_where_a_source_should_be_is_an_error_not_a_hang() {
    let dir = mini();
    let book = dir.path();
    mkfifo(&book.join("content/chapters/01-overview/zh.md"));
    mkfifo(&book.join("content/sectors.yaml"));
    std::fs::create_dir_all(book.join("themes/default/static")).unwrap();
    mkfifo(&book.join("themes/default/static/pipe.css"));
    let err = build_fails(book);
    for rel in [
        "content/chapters/01-overview/zh.md",
        "content/sectors.yaml",
        "themes/default/static/pipe.css",
    ] {
        assert!(
            err.contains(&format!(
                "{rel}:1:1: error[io]: not a regular file (a FIFO, socket or device)"
            )),
            "{rel}: {err}"
        );
    }
}

#[test]
fn a_device_where_a_source_should_be_is_an_error() {
    let dir = mini();
    let book = dir.path();
    replace_with_link(book, "content/glossary.yaml", Path::new("/dev/zero"));
    let err = build_fails(book);
    // /dev/zero is outside the book, and would be an endless read.
    assert!(
        err.contains("content/glossary.yaml:1:1: error[io]:"),
        "{err}"
    );
}

#[test]
fn a_chapter_folder_with_a_non_utf8_name_is_an_error_not_skipped() {
    use std::os::unix::ffi::OsStrExt;
    let dir = mini();
    let book = dir.path();
    let name = std::ffi::OsStr::from_bytes(b"02-\xb5\xda\xb6\xfe\xd5\xc2");
    let bad = book.join("content/chapters").join(name);
    copy_tree(&book.join("content/chapters/01-overview"), &bad);
    let err = build_fails(book);
    assert!(
        err.contains("error[discover]: file name is not valid UTF-8: `content/chapters/02-"),
        "{err}"
    );
    assert!(err.contains("hint: rename it in UTF-8"), "{err}");
}

#[test]
fn an_unreadable_book_toml_is_not_reported_as_missing() {
    let dir = mini();
    let book = dir.path();
    std::fs::remove_file(book.join("book.toml")).unwrap();
    std::fs::create_dir(book.join("book.toml")).unwrap();
    let err = build_fails(book);
    assert!(!err.contains("not found"), "{err}");
    assert!(
        err.contains("book.toml:1:1: error[io]: this is a folder, not a file"),
        "{err}"
    );
}

#[test]
fn a_theme_name_leading_out_of_the_book_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    copy_tree(&fixtures().join("sites/mini"), &book);
    std::fs::create_dir_all(book.join("themes")).unwrap();
    std::fs::create_dir_all(dir.path().join("evil/templates")).unwrap();
    std::fs::write(dir.path().join("evil/templates/base.html"), "EVIL").unwrap();
    let toml = std::fs::read_to_string(book.join("book.toml")).unwrap();
    std::fs::write(
        book.join("book.toml"),
        toml.replace("theme = \"default\"", "theme = \"../../evil\""),
    )
    .unwrap();
    let err = build_fails(&book);
    assert!(
        err.contains(
            "themes/../../evil/templates/base.html:1:1: error[io]: path leads outside the book"
        ),
        "{err}"
    );
}
