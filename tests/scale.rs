//! A book larger than `render::TOC_FULL` pages: each page lists a window of the contents (so
//! a build stays linear in the number of pages), the home page lists them all, and every link
//! still resolves.

mod common;

use common::*;
use std::fs;

const CHAPTERS: usize = 150;

fn big_book() -> tempfile::TempDir {
    book_of(CHAPTERS)
}

/// The mini fixture with `chapters` more chapters, `c000` onwards.
fn book_of(chapters: usize) -> tempfile::TempDir {
    let book = tempfile::tempdir().expect("temp dir");
    copy_tree(&fixtures().join("sites/mini"), book.path());
    for i in 0..chapters {
        let dir = book.path().join(format!("content/chapters/c{i:03}"));
        fs::create_dir_all(&dir).expect("chapter dir");
        fs::write(
            dir.join("chapter.yaml"),
            format!(
                "id: c{i:03}\nchapter: {}\ntitle:\n  zh: 第{i}章\n  en: Chapter {i}\n",
                i + 2
            ),
        )
        .expect("chapter.yaml");
        fs::write(dir.join("zh.md"), "## 概况 {#about}\n\n示例机械集团。\n").expect("zh.md");
        fs::write(
            dir.join("en.md"),
            "## About {#about}\n\nExample Machinery Group.\n",
        )
        .expect("en.md");
    }
    book
}

/// The links of the page's table of contents.
fn toc_links(html: &str) -> Vec<String> {
    let start = html
        .find("<nav class=\"toc\"")
        .expect("a table of contents");
    let end = start + html[start..].find("</nav>").expect("its end");
    html[start..end]
        .split("<a href=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap_or(0)].to_string())
        .filter(|h| !h.ends_with("glossary/index.html"))
        .filter(|h| !h.contains("/print/") && !h.contains("/data/"))
        .collect()
}

#[test]
fn a_large_book_lists_a_window_of_the_contents_and_the_home_page_lists_all() {
    let book = big_book();
    let (loaded, diags) = planbook::load(book.path());
    let loaded = loaded.unwrap_or_else(|| panic!("the book loads:\n{diags}"));
    assert!(loaded.site.pages.len() > planbook::render::TOC_FULL);
    let files = planbook::render_all(book.path(), &loaded).expect("renders");
    let page = |path: &str| {
        let f = files
            .iter()
            .find(|f| f.path == path)
            .unwrap_or_else(|| panic!("{path} is built"));
        String::from_utf8(f.bytes.clone()).expect("UTF-8")
    };

    let middle = page("en/chapters/c075/index.html");
    let links = toc_links(&middle);
    let width = 2 * planbook::render::TOC_RADIUS + 1;
    // The window, and before and after it a link to the full list on the home page.
    assert_eq!(links.len(), width + 2, "{links:#?}");
    assert_eq!(links[0], "../../../en/index.html#chapters-h");
    assert_eq!(links[width + 1], "../../../en/index.html#chapters-h");
    assert!(links.contains(&"../../../en/chapters/c075/index.html".to_string()));
    assert!(middle.contains("aria-current=\"page\">Chapter 75<"));

    // At the start, no link before the window.
    let first = toc_links(&page("zh/chapters/overview/index.html"));
    assert_eq!(first.len(), width + 1, "{first:#?}");
    assert_eq!(first[width], "../../../zh/index.html#chapters-h");

    // The home page lists every chapter.
    let home = page("en/index.html");
    for i in 0..CHAPTERS {
        assert!(
            home.contains(&format!("en/chapters/c{i:03}/index.html")),
            "c{i:03} missing from the home page"
        );
    }

    // Every internal link and anchor resolves, including the links to the full list.
    let findings = planbook::check(book.path());
    assert!(findings.is_empty(), "{findings}");
}

#[test]
fn a_build_writes_what_render_all_renders() {
    let book = big_book();
    let (loaded, _) = planbook::load(book.path());
    let files = planbook::render_all(book.path(), &loaded.expect("loads")).expect("renders");
    let out = book.path().join("public");
    let report = planbook::build(book.path(), &out).expect("builds");
    assert_eq!(report.files, files.len());
    let mut written = read_tree(&out);
    // The output marker is the build's own, not part of the site.
    written.retain(|(p, _)| p != planbook::write::MARKER);
    written.sort();
    let mut expected: Vec<(String, Vec<u8>)> =
        files.into_iter().map(|f| (f.path, f.bytes)).collect();
    expected.sort();
    assert_eq!(written.len(), expected.len());
    for ((wp, wb), (ep, eb)) in written.iter().zip(&expected) {
        assert_eq!(wp, ep);
        assert!(wb == eb, "{wp} differs between build and render_all");
    }
}

#[test]
fn a_book_too_large_for_its_home_page_lists_its_contents_in_parts() {
    let chapters = planbook::render::CONTENTS_PART_PAGES + 20;
    let book = book_of(chapters);
    let (loaded, diags) = planbook::load(book.path());
    let loaded = loaded.unwrap_or_else(|| panic!("the book loads:\n{diags}"));
    let files = planbook::render_all(book.path(), &loaded).expect("renders");
    let page = |path: &str| {
        let f = files.iter().find(|f| f.path == path);
        let f = f.unwrap_or_else(|| panic!("{path} is built"));
        String::from_utf8(f.bytes.clone()).expect("UTF-8")
    };
    let chapter_links = |html: &str| -> Vec<String> {
        let list = &html[html.find("<ol class=\"chapter-list\">").expect("a list")..];
        list.split("href=\"../../../en/chapters/")
            .skip(1)
            .map(|s| s[..s.find('/').unwrap_or(0)].to_string())
            .collect()
    };

    // The home page lists the parts, not every chapter.
    let home = page("en/index.html");
    assert!(home.contains("en/contents/part-1/index.html"));
    assert!(home.contains("en/contents/part-2/index.html"));
    assert!(
        !home.contains("en/contents/part-3/"),
        "two parts for this book"
    );
    assert!(!home.contains(&format!("chapters/c{:03}/", chapters - 1)));

    // Every chapter is listed once, in reading order, in a part of at most the limit.
    let mut listed = Vec::new();
    for k in 1..=2 {
        let links = chapter_links(&page(&format!("en/contents/part-{k}/index.html")));
        assert!(links.len() <= planbook::render::CONTENTS_PART_PAGES);
        listed.extend(links);
    }
    let reading: Vec<&str> = loaded.site.pages.iter().map(|p| p.id.as_str()).collect();
    let listed: Vec<&str> = listed.iter().map(String::as_str).collect();
    let expected: Vec<&str> = reading.into_iter().filter(|id| *id != "preamble").collect();
    assert_eq!(listed, expected);

    // A chapter's contents link, before its window, goes to the part listing the page before
    // the window, and after it, to the part listing the page after it.
    for id in ["c030", "c400", "c510"] {
        let links = toc_links(&page(&format!("en/chapters/{id}/index.html")));
        let id_of = |link: &str| link.split('/').nth(5).unwrap_or("").to_string();
        let at = |id: &str| expected.iter().position(|x| *x == id).expect("listed");
        let width = 2 * planbook::render::TOC_RADIUS + 1;
        for (more, beside) in [
            (0, at(&id_of(&links[1])) - 1),
            (width + 1, at(&id_of(&links[width])) + 1),
        ] {
            let Some(part) = links.get(more) else {
                continue;
            };
            let part = part.trim_start_matches("../../../");
            assert!(part.starts_with("en/contents/part-"), "{id}: {links:#?}");
            assert!(
                chapter_links(&page(part)).contains(&expected[beside].to_string()),
                "{id}: {part} lists {}",
                expected[beside]
            );
        }
    }

    let broken = planbook::links::check(&files, &Default::default());
    assert!(broken.is_empty(), "every link resolves: {broken:?}");
}

/// A book whose text is larger than one print part: 120 chapters of about 27 KB per language.
fn long_book() -> tempfile::TempDir {
    let book = big_book();
    let zh = "哈尔滨市工业经济发展规划的段落文字，重点发展装备制造业。\n\n".repeat(300);
    let en = "A paragraph of the plan about equipment manufacturing in Harbin.\n\n".repeat(400);
    for i in 0..120 {
        let dir = book.path().join(format!("content/chapters/c{i:03}"));
        fs::write(dir.join("zh.md"), format!("## 概况 {{#about}}\n\n{zh}")).expect("zh.md");
        fs::write(dir.join("en.md"), format!("## About {{#about}}\n\n{en}")).expect("en.md");
    }
    book
}

#[test]
fn a_long_book_prints_in_parts_each_under_ten_megabytes() {
    let book = long_book();
    let (loaded, diags) = planbook::load(book.path());
    let loaded = loaded.unwrap_or_else(|| panic!("the book loads:\n{diags}"));
    let files = planbook::render_all(book.path(), &loaded).expect("renders");
    let page = |path: &str| {
        let f = files.iter().find(|f| f.path == path);
        String::from_utf8(
            f.unwrap_or_else(|| panic!("{path} is written"))
                .bytes
                .clone(),
        )
        .expect("UTF-8")
    };
    for (lang, edition) in [("zh", "print"), ("en", "print"), ("en", "print/bilingual")] {
        let first = page(&format!("{lang}/{edition}/index.html"));
        let parts: Vec<&planbook::render::OutFile> = files
            .iter()
            .filter(|f| f.path.starts_with(&format!("{lang}/{edition}/part-")))
            .collect();
        assert!(parts.len() >= 2, "{lang}/{edition} is cut into parts");
        for (k, part) in parts.iter().enumerate() {
            assert!(
                part.bytes.len() < 10_000_000,
                "{} is under 10 MB",
                part.path
            );
            let link = format!("part-{}/index.html", k + 1);
            assert!(first.contains(&link), "{lang}/{edition} lists {link}");
        }
        // Every chapter is printed once, in one part, in reading order.
        let printed: Vec<String> = parts
            .iter()
            .flat_map(|p| {
                let html = String::from_utf8_lossy(&p.bytes).into_owned();
                html.split("<section class=\"print-chapter\" id=\"ch-")
                    .skip(1)
                    .map(|s| s[..s.find('"').unwrap_or(0)].to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        let mut order: Vec<String> = loaded.site.pages.iter().map(|p| p.id.clone()).collect();
        order.sort();
        let mut sorted = printed.clone();
        sorted.sort();
        assert_eq!(sorted, order, "{lang}/{edition} prints every chapter once");
    }
    let broken = planbook::links::check(&files, &Default::default());
    assert!(broken.is_empty(), "every link resolves: {broken:?}");
}
