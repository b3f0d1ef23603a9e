//! The maintainers' tools: history from git (dates, what's new, feeds, edit links), translation
//! freshness, external link checking against a local server, and adding an enterprise the way
//! the guide describes.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn mini() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    dir
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn git(dir: &Path, args: &[&str], date: &str) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Editor")
        .env("GIT_AUTHOR_EMAIL", "editor@example.org")
        .env("GIT_COMMITTER_NAME", "Editor")
        .env("GIT_COMMITTER_EMAIL", "editor@example.org")
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .status()
        .expect("git runs")
        .success();
    assert!(ok, "git {args:?}");
}

#[test]
fn git_gives_dates_the_changelog_gives_whats_new_and_no_commit_message_is_published() {
    let dir = mini();
    let book = dir.path();
    let toml = read(&book.join("book.toml")).replace(
        "# edit-url-template = \"https://github.com/you/plan/edit/main/{path}\"",
        "edit-url-template = \"https://example.org/edit/{path}\"",
    );
    std::fs::write(book.join("book.toml"), toml).unwrap();
    std::fs::write(
        book.join("content/changes.yaml"),
        "changes:\n  - date: 2026-01-01\n    zh: 首次发布。\n    en: First publication.\n  - date: 2026-03-05\n    zh: 修订第一章英文译文。\n    en: Chapter one's English revised.\n    pages: [overview]\n",
    )
    .unwrap();
    git(book, &["init", "-q"], "2026-01-01T10:00:00Z");
    git(book, &["add", "-A"], "2026-01-01T10:00:00Z");
    git(
        book,
        &["commit", "-qm", "Tests, docs and CI (internal note)"],
        "2026-01-01T10:00:00Z",
    );
    let en = book.join("content/chapters/01-overview/en.md");
    std::fs::write(
        &en,
        read(&en).replace("a leading enterprise", "a leading national enterprise"),
    )
    .unwrap();
    git(
        book,
        &["commit", "-qam", "Sharpen the English of the goals"],
        "2026-03-05T10:00:00Z",
    );

    planbook::build(book, &book.join("a")).unwrap();
    let page = read(&book.join("a/en/chapters/overview/index.html"));
    assert!(page.contains("2026-03-05"), "last-changed date from git");
    assert!(page.contains("href=\"https://example.org/edit/content/chapters/01-overview/en.md\""));
    let zh_page = read(&book.join("a/zh/chapters/overview/index.html"));
    assert!(
        zh_page.contains("2026-01-01"),
        "the Chinese source changed only in the first commit"
    );
    for (path, bytes) in read_tree(&book.join("a")) {
        let text = String::from_utf8_lossy(&bytes);
        for message in ["Tests, docs and CI", "internal note", "Sharpen the English"] {
            assert!(!text.contains(message), "{path} publishes a commit message");
        }
    }
    let news = read(&book.join("a/en/whats-new/index.html"));
    let first = news
        .find("Chapter one&#39;s English revised")
        .expect("newest change listed");
    let second = news
        .find("First publication.")
        .expect("first change listed");
    assert!(first < second, "newest first");
    assert!(news.contains("../../en/chapters/overview/index.html"));
    let zh_news = read(&book.join("a/zh/whats-new/index.html"));
    assert!(zh_news.contains("修订第一章英文译文。") && !zh_news.contains("First publication"));
    let feed = read(&book.join("a/en/feed.xml"));
    assert_eq!(feed.matches("<entry>").count(), 2);
    assert!(feed.contains("<updated>2026-03-05T00:00:00Z</updated>"));
    assert!(feed.contains("English revised.</title>"), "{feed}");

    planbook::build(book, &book.join("b")).unwrap();
    assert_eq!(
        read_tree(&book.join("a")),
        read_tree(&book.join("b")),
        "same history, same output"
    );
}

#[test]
fn a_change_naming_an_unknown_page_is_reported_at_its_line() {
    let dir = mini();
    let book = dir.path();
    std::fs::write(
        book.join("content/changes.yaml"),
        "changes:\n  - date: 2026-01-01\n    zh: 修订。\n    en: Revised.\n    pages: [overveiw]\n  - date: 2026-13-01\n    zh: 修订。\n    en: \"\"\n",
    )
    .unwrap();
    let findings = planbook::check(book).to_string();
    assert!(
        findings.contains(
            "content/changes.yaml:5:13: error[changes]: change names unknown page `overveiw`"
        ),
        "{findings}"
    );
    assert!(findings.contains("did you mean `overview`?"), "{findings}");
    assert!(
        findings.contains(
            "content/changes.yaml:6:11: error[changes]: change date `2026-13-01` is not a date"
        ),
        "{findings}"
    );
    assert!(
        findings.contains("the change of 2026-13-01 is not written in both languages"),
        "{findings}"
    );
}

#[test]
fn a_changed_chinese_passage_marks_its_english_twin_until_marked_translated() {
    let dir = mini();
    let book = dir.path();
    assert_eq!(planbook::mark_translated(book, &[]).unwrap(), 1);
    assert!(planbook::check(book).is_empty());
    let zh = book.join("content/chapters/01-overview/zh.md");
    std::fs::write(
        &zh,
        read(&zh).replace("示例机械集团成为龙头企业", "示例机械集团成为全国龙头企业"),
    )
    .unwrap();
    planbook::build(book, &book.join("public")).unwrap();
    let en = read(&book.join("public/en/chapters/overview/index.html"));
    assert!(
        en.contains("<p id=\"goals-1\" class=\"stale\"><span class=\"stale-badge\">"),
        "stale passage marked"
    );
    let findings = planbook::check(book).to_string();
    assert!(findings.contains("content/chapters/01-overview/en.md:3:1: error[stale]: passage #goals-1 awaits an updated translation"), "{findings}");
    planbook::mark_translated(book, &["overview".to_string()]).unwrap();
    assert!(planbook::check(book).is_empty());
}

#[test]
fn external_links_are_checked_only_when_asked() {
    let server = tiny_http::Server::http("127.0.0.1:0").unwrap();
    let port = server.server_addr().to_ip().unwrap().port();
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let code = if req.url() == "/ok" { 200 } else { 404 };
            let _ = req.respond(tiny_http::Response::empty(code));
        }
    });
    let dir = mini();
    let book = dir.path();
    for (file, text) in [
        (
            "zh.md",
            "见[说明](http://127.0.0.1:{p}/ok)和[旧页](http://127.0.0.1:{p}/gone)。",
        ),
        (
            "en.md",
            "See the [notes](http://127.0.0.1:{p}/ok) and the [old page](http://127.0.0.1:{p}/gone).",
        ),
    ] {
        let path = book.join("content/chapters/01-overview").join(file);
        std::fs::write(
            &path,
            format!(
                "{}\n{}\n",
                read(&path),
                text.replace("{p}", &port.to_string())
            ),
        )
        .unwrap();
    }
    assert!(
        planbook::check(book).is_empty(),
        "external links are not fetched by default"
    );
    let findings = planbook::check_with(book, true).sorted();
    let msgs: Vec<String> = findings
        .iter()
        .map(|d| format!("{}:{}: {}", d.path.display(), d.line, d.message))
        .collect();
    assert_eq!(
        msgs,
        [
            format!(
                "content/chapters/01-overview/en.md:9: external link `http://127.0.0.1:{port}/gone` answered HTTP 404"
            ),
            format!(
                "content/chapters/01-overview/zh.md:9: external link `http://127.0.0.1:{port}/gone` answered HTTP 404"
            ),
        ]
    );
}

#[test]
fn adding_an_enterprise_as_the_guide_says_gives_it_pages_in_both_languages() {
    let dir = mini();
    let book = dir.path();
    let ents = book.join("content/enterprises.yaml");
    std::fs::write(&ents, format!("{}  - id: example-bearing\n    name: {{zh: 示例轴承厂, en: Example Bearing Works}}\n    kind: company\n    aliases: {{zh: [示例轴承], en: []}}\n    sectors: [manufacturing]\n    basis: {{plan: 示例轴承扩大精密轴承生产}}\n", read(&ents))).unwrap();
    for (file, text) in [
        ("zh.md", "示例轴承扩大精密轴承生产。"),
        (
            "en.md",
            "Example Bearing Works will expand the production of precision bearings.",
        ),
    ] {
        let path = book.join("content/chapters/01-overview").join(file);
        std::fs::write(&path, format!("{}\n{}\n", read(&path), text)).unwrap();
    }
    let report = planbook::build(book, &book.join("public")).unwrap();
    assert!(report.warnings.is_empty(), "{}", report.warnings);
    let zh = read(&book.join("public/zh/enterprises/example-bearing/index.html"));
    let en = read(&book.join("public/en/enterprises/example-bearing/index.html"));
    assert!(
        zh.contains("示例轴承扩大精密轴承生产")
            && zh.contains("../../../zh/chapters/overview/index.html#goals-2")
    );
    assert!(en.contains("Example Bearing Works will expand"));
    let chapter = read(&book.join("public/zh/chapters/overview/index.html"));
    assert!(chapter.contains(
        "<a class=\"ent\" href=\"../../../zh/enterprises/example-bearing/index.html\">示例轴承</a>"
    ));
}

/// Runs the `planbook` binary; returns (success, stdout, stderr).
fn planbook(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args(args)
        .output()
        .expect("planbook runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn counts_of_one_are_singular() {
    let dir = mini();
    let book = dir.path();
    let root = book.to_str().unwrap();
    let (ok, _, err) = planbook(&["mark-translated", "--root", root]);
    assert!(ok, "{err}");
    assert_eq!(err, "recorded 1 chapter as translated\n");
    let targets = book.join("content/targets.yaml");
    std::fs::write(&targets, read(&targets).replace("    unit:", "    units:")).unwrap();
    let (ok, out, _) = planbook(&["check", "--root", root]);
    assert!(!ok);
    assert!(out.ends_with("\ncheck failed: 1 finding\n"), "{out}");
    let (ok, _, err) = planbook(&["build", "--root", root]);
    assert!(!ok);
    assert!(err.contains("\nbuild failed: 1 error; "), "{err}");
}

#[test]
fn a_busy_port_is_reported_before_the_build_with_a_hint() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    // No book here: had serve built first, it would report the missing book.toml.
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_str().unwrap();
    let (ok, _, err) = planbook(&["serve", "--root", root, "--port", &port]);
    assert!(!ok);
    assert!(
        err.starts_with(&format!("error: cannot listen on 127.0.0.1:{port}")),
        "{err}"
    );
    assert!(err.contains("planbook serve --port "), "{err}");
    assert!(
        !err.contains("book.toml"),
        "built before checking the port: {err}"
    );
}

#[test]
fn many_warnings_of_one_shape_print_as_three_and_a_count() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    let root = book.to_str().unwrap();
    let (ok, _, err) = planbook(&["init", root]);
    assert!(ok, "{err}");
    // Five figures the English paragraph does not have: five warnings of one shape.
    let zh = book.join("content/chapters/01-overview/zh.md");
    let text = read(&zh).replace("500亿元，", "500亿元，新增11项、12项、13项、14项、15项，");
    std::fs::write(&zh, text).unwrap();
    let (ok, _, err) = planbook(&["build", "--root", root]);
    assert!(ok, "{err}");
    for shown in ["11项", "12项", "13项"] {
        assert!(
            err.contains(&format!("warning[figure]: figure {shown} has")),
            "{err}"
        );
    }
    assert!(!err.contains("figure 14项"), "{err}");
    assert!(
        err.contains(
            "\n… and 2 more like this: warning[figure]: figure … has no counterpart in the \
             English paragraph (`planbook check` lists them all)\nbuilt "
        ),
        "{err}"
    );
    assert!(err.ends_with(", 5 warnings\n"), "{err}");
    let (ok, out, _) = planbook(&["check", "--root", root]);
    assert!(!ok);
    assert!(out.contains("figure 15项 has"), "{out}");
    assert!(out.ends_with("\ncheck failed: 5 findings\n"), "{out}");
}

#[test]
fn pages_carry_their_own_description_and_absolute_alternates_only_with_a_site_url() {
    let dir = mini();
    let book = dir.path();
    planbook::build(book, &book.join("a")).unwrap();
    let chapter = read(&book.join("a/en/chapters/overview/index.html"));
    assert!(
        chapter
            .contains("<meta name=\"description\" content=\"By 2030, value added of manufacturing")
    );
    assert!(chapter.contains("<meta property=\"og:title\" content=\"I. Overall Goals\">"));
    assert!(
        !chapter.contains("hreflang=\"zh-CN\" href=\"..") && !chapter.contains("rel=\"canonical\""),
        "no relative alternates or canonical without site-url"
    );

    let toml = read(&book.join("book.toml"))
        .replace("# site-url = ", "site-url = ")
        .replace(
            "theme = \"default\"",
            "theme = \"default\"\nreport-url = \"https://example.org/plan/issues/new\"",
        );
    std::fs::write(book.join("book.toml"), toml).unwrap();
    let plan = read(&book.join("content/plan.yaml"))
        + "document:\n  issuer_stated: false\n  issuer_note: {zh: 文中未写明。, en: The text names no issuer.}\n  status: {zh: 规划期已结束。, en: The plan period has ended.}\n  status_short: {zh: 规划原文, en: The plan as issued}\n  source: {zh: 原文副本。, en: A copy of the original.}\n  authoritative: {zh: 中文, en: Chinese}\n  translation: {zh: 参考译文。, en: A reference translation.}\n  licence: {zh: 未声明。, en: None declared.}\n";
    std::fs::write(book.join("content/plan.yaml"), plan).unwrap();
    planbook::build(book, &book.join("b")).unwrap();
    let chapter = read(&book.join("b/en/chapters/overview/index.html"));
    for tag in [
        "<link rel=\"canonical\" href=\"https://example.org/plan/en/chapters/overview/index.html\">",
        "<link rel=\"alternate\" hreflang=\"zh-CN\" href=\"https://example.org/plan/zh/chapters/overview/index.html\">",
        "<link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/plan/zh/chapters/overview/index.html\">",
        "<meta property=\"og:url\" content=\"https://example.org/plan/en/chapters/overview/index.html\">",
        "<summary>The plan as issued</summary>",
        "<dt>Issuing body</dt><dd>Not stated in the document. The text names no issuer.</dd>",
        "<a href=\"https://example.org/plan/issues/new\">Report an error in the text or translation</a>",
    ] {
        assert!(chapter.contains(tag), "missing {tag}");
    }
    let home = read(&book.join("b/zh/index.html"));
    assert!(home.contains("<h2 id=\"about-document-h\">关于本文件</h2>"));
    assert!(home.contains("<dt>许可</dt><dd>未声明。</dd>"));
    let sidebars = read(&book.join("b/en/sidebars/index.html"));
    assert!(
        sidebars.contains("href=\"../../en/sidebars/1/index.html\""),
        "the box list links each box"
    );
}
