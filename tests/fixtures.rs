//! Fixture books: one per error message (the exact text a user sees), one per audit finding,
//! and a whole site compared file by file with its expected output.
//! Re-bless snapshots with `INSTA_UPDATE=always cargo test` (or `cargo insta review`).

mod common;

use common::*;
use std::path::Path;

/// The findings of a build that must fail, checking it left no output folder behind.
fn build_errors(root: &Path) -> Option<planbook::diag::Diagnostics> {
    let out = root.join("public");
    let diags = planbook::build(root, &out).err()?;
    assert!(
        !out.exists(),
        "a failed build must not create the output folder"
    );
    Some(diags)
}

/// How many findings each error case gives: one mistake, one finding. Findings that follow
/// from an earlier error (a reference to a record that failed to load) are suppressed and only
/// counted, in a last line "N further findings suppressed" that is part of the snapshot.
/// A case missing here fails the test.
const FINDINGS: &[(&str, usize)] = &[
    ("book-toml-missing", 1),
    ("book-toml-missing-key", 1),
    ("book-toml-syntax", 1),
    ("book-toml-unknown-key", 1),
    ("book-toml-wrong-type", 1),
    // A key typo in the chapter.yaml of the chapter stating a baseline: the chapter fails to
    // load, but the baseline is still defined in targets.yaml, so nothing else is reported.
    ("cascade-chapter-key-typo", 1),
    // The same with that chapter's en.md deleted.
    ("cascade-en-md-deleted", 1),
    ("duplicate-enterprise-name", 1),
    ("duplicate-id", 1),
    ("entity-maker-on-non-product", 1),
    ("entity-unknown-kind", 1),
    ("entity-unknown-parent", 1),
    ("heading-id-duplicate", 2), // the same slip made in zh.md and en.md
    ("heading-id-missing", 1),
    ("html-comment-unclosed", 1),
    ("html-nested-too-deep", 1),
    ("i18n-key-missing", 1),
    // The four references to the sector whose id was rejected are suppressed.
    ("id-escapes-output", 1),
    ("id-not-slug", 1),
    ("link-broken-anchor", 1),
    ("link-to-source-file", 1),
    ("link-to-unknown-page", 1),
    ("many-errors-at-once", 4), // four independent mistakes
    ("markdown-not-utf8", 1),
    ("missing-theme", 1),
    ("missing-translation-field", 1),
    ("missing-translation-file", 1),
    ("template-syntax", 1),
    ("template-unknown-component", 1),
    ("template-unknown-variable", 1),
    ("unknown-enterprise", 1),
    ("unknown-key-chapter", 1),
    ("unknown-key-enterprises", 1),
    ("unknown-key-glossary", 1),
    ("unknown-key-plan", 1),
    ("unknown-key-sectors", 1),
    ("unknown-key-sidebar", 1),
    ("unknown-key-targets", 1),
    ("unknown-passage", 1),
    ("unknown-sector", 2), // two wrong sector ids
    ("unknown-sidebar", 1),
    ("unknown-target", 1),
    ("unknown-value-target-kind", 1),
    ("yaml-alias-amplified", 1),
    ("yaml-duplicate-key", 2), // two independent slips, in two files
    ("yaml-empty-file", 1),
    ("yaml-syntax", 1),
    ("yaml-tab-indent", 1),
    ("yaml-unclosed-brace", 1),
    ("yaml-unclosed-quote", 1),
    ("yaml-wrong-type", 1),
];

#[test]
fn every_error_case_reports_its_exact_message_and_count() {
    let cases = cases("errors");
    let listed: Vec<&str> = FINDINGS.iter().map(|(case, _)| *case).collect();
    assert_eq!(
        cases, listed,
        "every error fixture needs its count in FINDINGS"
    );
    let mut wrong = Vec::new();
    for (case, expected) in FINDINGS {
        let book = book_with_overlay(&fixtures().join("errors").join(case));
        let diags =
            build_errors(book.path()).unwrap_or_else(|| panic!("case {case} should fail to build"));
        let note = diags
            .suppressed_note()
            .map(|n| n + "\n")
            .unwrap_or_default();
        let text = format!("{diags}{note}");
        insta::assert_snapshot!(format!("error-{case}"), text);
        if diags.len() != *expected {
            wrong.push(format!(
                "{case}: {} findings, expected {expected}",
                diags.len()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_audit_case_is_found_by_check() {
    for case in cases("audit") {
        let book = book_with_overlay(&fixtures().join("audit").join(&case));
        let findings = planbook::check(book.path());
        assert!(!findings.is_empty(), "case {case}: check found nothing");
        insta::assert_snapshot!(format!("audit-{case}"), findings.to_string());
    }
}

#[test]
fn mini_book_output_matches_expected_files() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    let out = dir.path().join("public");
    let report = planbook::build(dir.path(), &out).expect("mini book builds");
    assert!(report.warnings.is_empty(), "{}", report.warnings);
    let tree = read_tree(&out);
    let listing: Vec<&str> = tree.iter().map(|(p, _)| p.as_str()).collect();
    insta::assert_snapshot!("mini-files", listing.join("\n"));
    for (path, bytes) in &tree {
        if path.starts_with("assets/") {
            continue;
        }
        let name = format!("mini-{}", path.replace('/', "__"));
        insta::assert_snapshot!(name, String::from_utf8_lossy(bytes));
    }
}

#[test]
fn mini_book_checks_clean() {
    let findings = planbook::check(&fixtures().join("sites/mini"));
    assert!(findings.is_empty(), "{findings}");
}

#[test]
fn init_creates_a_book_that_builds_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("new-plan");
    planbook::init::run(&book).expect("init");
    assert!(
        !book.join("themes").exists() && !book.join("i18n").exists(),
        "a new book overrides no template and no string"
    );
    let report = planbook::build(&book, &book.join("public")).expect("builds");
    assert!(report.warnings.is_empty(), "{}", report.warnings);
    assert!(planbook::check(&book).is_empty());
    assert!(
        book.join("public/en/enterprises/example-machinery/index.html")
            .is_file()
    );
    let again = planbook::init::run(&book).unwrap_err();
    assert_eq!(again.message, "the folder already exists and is not empty");
}

#[test]
fn a_book_without_i18n_builds_with_the_compiled_in_strings() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    std::fs::remove_dir_all(dir.path().join("i18n")).unwrap();
    let out = dir.path().join("public");
    planbook::build(dir.path(), &out).expect("builds without i18n/");
    let en = std::fs::read_to_string(out.join("en/glossary/index.html")).unwrap();
    assert!(en.contains("<title>Glossary"), "{en}");
}

#[test]
fn bom_and_crlf_files_are_accepted() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    for rel in [
        "content/sectors.yaml",
        "content/chapters/01-overview/zh.md",
        "book.toml",
    ] {
        let p = dir.path().join(rel);
        let text = std::fs::read_to_string(&p).unwrap().replace('\n', "\r\n");
        std::fs::write(&p, format!("\u{feff}{text}")).unwrap();
    }
    planbook::build(dir.path(), &dir.path().join("public")).expect("BOM and CRLF accepted");
    let zh =
        std::fs::read_to_string(dir.path().join("public/zh/chapters/overview/index.html")).unwrap();
    assert!(zh.contains("到2030年，制造业增加值达到500亿元"));
}

#[test]
fn output_path_that_is_a_file_is_an_error_and_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    let out = dir.path().join("public");
    std::fs::write(&out, "not a folder").unwrap();
    let err = planbook::build(dir.path(), &out)
        .err()
        .expect("fails")
        .to_string();
    assert!(
        err.contains("error[output]: the output path is a file, not a folder"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "not a folder");
}

#[cfg(unix)]
#[test]
fn symlink_loop_under_content_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    std::os::unix::fs::symlink("..", dir.path().join("content/chapters/loop")).unwrap();
    let err = planbook::build(dir.path(), &dir.path().join("public"))
        .err()
        .expect("fails")
        .to_string();
    assert!(
        err.contains("error[discover]: symbolic link loop under content/"),
        "{err}"
    );
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    let out = dir.path().join("public");
    planbook::build(dir.path(), &out).expect("first build");
    let before = read_tree(&out);
    std::fs::write(dir.path().join("content/glossary.yaml"), "\n").unwrap();
    assert!(planbook::build(dir.path(), &out).is_err());
    assert_eq!(
        read_tree(&out),
        before,
        "the previous site must survive a failed build"
    );
}

#[test]
fn two_builds_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    planbook::build(dir.path(), &dir.path().join("a")).unwrap();
    planbook::build(dir.path(), &dir.path().join("b")).unwrap();
    assert_eq!(
        read_tree(&dir.path().join("a")),
        read_tree(&dir.path().join("b"))
    );
}
