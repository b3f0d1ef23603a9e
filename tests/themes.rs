//! Themes: a book overrides a single template and keeps the rest of the default theme; fenced
//! code is highlighted at build time with CSS classes.

mod common;

use common::*;

#[test]
fn a_book_can_override_one_template() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path();
    copy_tree(&fixtures().join("sites/mini"), book);
    let toml = std::fs::read_to_string(book.join("book.toml"))
        .unwrap()
        .replace("theme = \"default\"", "theme = \"civic\"");
    std::fs::write(book.join("book.toml"), toml).unwrap();
    std::fs::create_dir_all(book.join("themes/civic/templates")).unwrap();
    std::fs::write(
        book.join("themes/civic/templates/glossary.html"),
        "{% extends \"base.html\" %}{% block main %}<h1 class=\"civic\">{{ t.glossary }}</h1>{% for g in terms %}<p>{{ g.zh }} = {{ g.en }}</p>{% endfor %}{% endblock main %}",
    )
    .unwrap();
    planbook::build(book, &book.join("public")).expect("builds with the override");
    let glossary = std::fs::read_to_string(book.join("public/en/glossary/index.html")).unwrap();
    assert!(
        glossary.contains("<h1 class=\"civic\">Glossary</h1>")
            && glossary.contains("<p>增加值 = value added</p>")
    );
    let home = std::fs::read_to_string(book.join("public/en/index.html")).unwrap();
    assert!(
        home.contains("class=\"lang-switch\""),
        "other pages still use the default theme"
    );
}

#[test]
fn fenced_code_is_highlighted_with_classes() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path();
    copy_tree(&fixtures().join("sites/mini"), book);
    for lang in ["zh", "en"] {
        let path = book.join(format!("content/chapters/01-overview/{lang}.md"));
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            format!("{text}\n```toml\n[book]\ntitle = \"x\"\n```\n"),
        )
        .unwrap();
    }
    planbook::build(book, &book.join("public")).unwrap();
    let page =
        std::fs::read_to_string(book.join("public/zh/chapters/overview/index.html")).unwrap();
    assert!(
        page.contains("<pre class=\"code\" data-lang=\"toml\"><code>"),
        "{page}"
    );
    assert!(page.contains("class=\"hl-"), "syntect classes present");
    assert!(!page.contains("style=\""), "classes, not inline styles");
}
