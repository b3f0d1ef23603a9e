//! Never lose a maintainer's work: `build --out` replaces only a folder planbook made (or an
//! empty one), never the book or its sources, even with `--force`; one build at a time per
//! output; an interrupted swap is recovered by the next build, failed or not.
#![cfg(unix)]

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn mini() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), &dir.path().join("book"));
    dir
}

fn planbook() -> Command {
    Command::new(env!("CARGO_BIN_EXE_planbook"))
}

/// Runs `planbook build --root book --out out [extra]`; (success, stderr).
fn build_cli(book: &Path, out: &Path, extra: &[&str]) -> (bool, String) {
    let run = planbook()
        .args(["build", "--root"])
        .arg(book)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    (
        run.status.success(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

#[test]
fn the_book_and_its_sources_are_never_an_output_even_with_force() {
    let dir = mini();
    let book = dir.path().join("book");
    let before = read_tree(&book);
    let cases = [
        (book.clone(), "is the book's folder"),
        (book.join("."), "is the book's folder"),
        (dir.path().to_path_buf(), "holds the book"),
        (
            book.join("content"),
            "lies inside the book's content/ folder",
        ),
        (
            book.join("content/new"),
            "lies inside the book's content/ folder",
        ),
        (book.join("i18n"), "lies inside the book's i18n/ folder"),
        (
            book.join("themes/x"),
            "lies inside the book's themes/ folder",
        ),
        (
            book.join("public/../content"),
            "lies inside the book's content/ folder",
        ),
    ];
    for (out, why) in cases {
        for extra in [&[][..], &["--force"][..]] {
            let (ok, err) = build_cli(&book, &out, extra);
            assert!(!ok, "--out {} {extra:?} must fail", out.display());
            assert!(err.contains(why), "{}: {err}", out.display());
            assert!(err.contains("hint: choose an --out outside"), "{err}");
        }
    }
    assert_eq!(read_tree(&book), before, "the book is unchanged");
}

#[test]
fn a_symlink_to_the_book_is_no_way_around_the_guard() {
    let dir = mini();
    let book = dir.path().join("book");
    let link = dir.path().join("link");
    std::os::unix::fs::symlink(&book, &link).unwrap();
    let (ok, err) = build_cli(&book, &link.join("content"), &["--force"]);
    assert!(!ok);
    assert!(
        err.contains("lies inside the book's content/ folder"),
        "{err}"
    );
    assert!(book.join("content/plan.yaml").is_file());
}

#[test]
fn a_folder_planbook_did_not_make_is_replaced_only_with_force() {
    let dir = mini();
    let book = dir.path().join("book");
    let thesis = dir.path().join("thesis");
    std::fs::create_dir_all(thesis.join(".git")).unwrap();
    std::fs::write(thesis.join("chapter1.tex"), "years of work").unwrap();
    let (ok, err) = build_cli(&book, &thesis, &[]);
    assert!(!ok);
    assert!(
        err.contains(
            "thesis:1:1: error[output]: the output folder is not empty and was not made by planbook"
        ),
        "{err}"
    );
    assert!(err.contains("pass --force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(thesis.join("chapter1.tex")).unwrap(),
        "years of work"
    );
    let (ok, err) = build_cli(&book, &thesis, &["--force"]);
    assert!(ok, "{err}");
    assert!(thesis.join("zh/index.html").is_file());
    assert!(!thesis.join("chapter1.tex").exists());
}

#[test]
fn an_empty_or_absent_or_own_folder_is_replaced() {
    let dir = mini();
    let book = dir.path().join("book");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    for out in [empty, dir.path().join("new/site")] {
        planbook::build(&book, &out).expect("first build");
        assert!(out.join(planbook::write::MARKER).is_file(), "the marker");
        std::fs::write(out.join("stale.html"), "old").unwrap();
        planbook::build(&book, &out).expect("a rebuild replaces planbook's own output");
        assert!(!out.join("stale.html").exists());
        assert!(out.join("en/index.html").is_file());
    }
}

#[test]
fn a_second_build_into_a_locked_output_fails_with_a_clear_message() {
    let dir = mini();
    let book = dir.path().join("book");
    let out = book.join("public");
    planbook::build(&book, &out).unwrap();
    let before = read_tree(&out);
    // The first build holds the lock (flock conflicts between separate opens, as between
    // processes).
    let held = std::fs::File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(book.join(".public.planbook-lock"))
        .unwrap();
    held.try_lock().unwrap();
    let (ok, err) = build_cli(&book, &out, &[]);
    assert!(!ok);
    assert!(
        err.contains("error[output]: another planbook build is writing to this output folder"),
        "{err}"
    );
    assert!(
        err.contains("hint: wait for the other build to finish"),
        "{err}"
    );
    assert_eq!(read_tree(&out), before);
    held.unlock().unwrap();
    let (ok, err) = build_cli(&book, &out, &[]);
    assert!(ok, "{err}");
}

#[test]
fn concurrent_builds_never_leave_an_incomplete_site() {
    let dir = mini();
    let book = dir.path().join("book");
    let out = book.join("public");
    let results: Vec<Result<usize, String>> = std::thread::scope(|s| {
        let runs: Vec<_> = (0..4)
            .map(|_| {
                s.spawn(|| {
                    planbook::build(&book, &out)
                        .map(|r| r.files)
                        .map_err(|d| d.to_string())
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let done: Vec<usize> = results.iter().filter_map(|r| r.clone().ok()).collect();
    assert!(!done.is_empty(), "{results:?}");
    for r in &results {
        if let Err(e) = r {
            assert!(e.contains("another planbook build is writing"), "{e}");
        }
    }
    // The marker is the one file beyond what the build reports.
    assert_eq!(read_tree(&out).len(), done[0] + 1);
}

#[test]
fn an_interrupted_swap_is_recovered_even_by_a_failed_build() {
    let dir = mini();
    let book = dir.path().join("book");
    let out = book.join("public");
    planbook::build(&book, &out).unwrap();
    let before = read_tree(&out);
    // Killed between the two renames of a swap: the previous site aside, no output folder.
    std::fs::rename(&out, book.join(".public.planbook-old")).unwrap();
    std::fs::write(book.join("content/plan.yaml"), "title: [").unwrap();
    let (ok, err) = build_cli(&book, &out, &[]);
    assert!(!ok);
    assert!(err.contains("was left untouched"), "{err}");
    assert_eq!(
        read_tree(&out),
        before,
        "the previous site is back in place"
    );
    assert!(!book.join(".public.planbook-old").exists());
}

/// Makes `file` impossible to delete: `chattr +i` (which binds root too), else read-only
/// permissions on its folder (which bind everyone else). Returns the undo command's argument.
fn make_undeletable(file: &Path) {
    let immutable = Command::new("chattr").arg("+i").arg(file).status();
    if !immutable.is_ok_and(|s| s.success()) {
        let dir = file.parent().unwrap();
        let mut perms = std::fs::metadata(dir).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o500);
        std::fs::set_permissions(dir, perms).unwrap();
    }
    assert!(
        std::fs::remove_file(file).is_err(),
        "the test needs a file that cannot be deleted"
    );
}

fn make_deletable(file: &Path) {
    let _ = Command::new("chattr").arg("-i").arg(file).status();
    let dir = file.parent().unwrap();
    let mut perms = std::fs::metadata(dir).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o700);
    std::fs::set_permissions(dir, perms).unwrap();
}

#[test]
fn a_leftover_that_cannot_be_removed_does_not_block_later_builds() {
    let dir = mini();
    let book = dir.path().join("book");
    let out = dir.path().join("site");
    planbook::build(&book, &out).unwrap();
    let stuck = dir.path().join(".site.planbook-old/zh/index.html");
    std::fs::create_dir_all(stuck.parent().unwrap()).unwrap();
    std::fs::write(&stuck, "a previous site that could not be removed").unwrap();
    make_undeletable(&stuck);
    let mut results = Vec::new();
    for _ in 0..2 {
        results.push(planbook::build(&book, &out).map(|r| r.warnings.to_string()));
    }
    make_deletable(&stuck);
    for r in results {
        let warnings = r.expect("later builds succeed");
        assert!(
            warnings.contains(
                "warning[output]: cannot remove a previous output left beside the output folder"
            ),
            "{warnings}"
        );
    }
    assert!(out.join("zh/index.html").is_file());
}

#[test]
fn a_full_disk_is_one_error_with_the_right_hint() {
    let dir = mini();
    let book = dir.path().join("book");
    let disk = dir.path().join("disk");
    std::fs::create_dir(&disk).unwrap();
    // A 64 KB disk: mounting needs root, as CI and this project's machines run.
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&disk)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("cannot mount a small disk here (not root); write::tests covers the message");
        return;
    }
    let result = planbook::build(&book, &disk.join("public"));
    let _ = Command::new("umount").arg(&disk).status();
    let diags = result.err().expect("a full disk fails the build");
    assert_eq!(diags.errors(), 1, "{diags}");
    let text = diags.to_string();
    assert!(text.contains("the disk is full"), "{text}");
    assert!(text.contains("hint: free some disk space"), "{text}");
}

#[test]
fn a_reader_never_finds_the_output_missing_during_rebuilds() {
    let dir = mini();
    let book = dir.path().join("book");
    let out = book.join("public");
    planbook::build(&book, &out).unwrap();
    let done = std::sync::atomic::AtomicBool::new(false);
    let (checks, misses) = std::thread::scope(|s| {
        let reader = s.spawn(|| {
            let (mut checks, mut misses) = (0u64, 0u64);
            while !done.load(std::sync::atomic::Ordering::SeqCst) {
                checks += 1;
                if !out.join("en/index.html").is_file() {
                    misses += 1;
                }
                std::thread::yield_now();
            }
            (checks, misses)
        });
        // The reader stops however the builds end: a failed or panicking build would otherwise
        // leave it spinning and the test hanging instead of failing.
        struct StopReader<'a>(&'a std::sync::atomic::AtomicBool);
        impl Drop for StopReader<'_> {
            fn drop(&mut self) {
                self.0.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let stop = StopReader(&done);
        for _ in 0..5 {
            planbook::build(&book, &out).unwrap();
        }
        drop(stop);
        reader.join().unwrap()
    });
    assert!(checks > 100, "the reader ran: {checks}");
    assert_eq!(
        misses, 0,
        "the output was missing {misses} of {checks} times"
    );
}
