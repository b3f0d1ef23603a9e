//! Properties over arbitrary input: escaping round-trips and leaves no markup characters, ids
//! are safe path segments, the preview server never maps a request outside the site, and the
//! Markdown renderer never panics.

use planbook::config::RawHtml;
use planbook::fsio::SourceFile;
use planbook::linker::Linker;
use planbook::markdown::{Context, render};
use planbook::model::{Lang, is_slug};
use proptest::prelude::*;
use std::path::{Component, Path, PathBuf};

fn unescape(s: &str) -> String {
    // `&amp;` last, so `&amp;lt;` becomes `&lt;` and not `<`.
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Strings rich in the characters that matter here, plus anything at all.
fn tricky() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just("<".to_string()),
                Just(">".to_string()),
                Just("&".to_string()),
                Just("\"".to_string()),
                Just("'".to_string()),
                Just("&amp;".to_string()),
                Just("&lt;".to_string()),
                Just("&#39;".to_string()),
                Just("/".to_string()),
                Just("\\".to_string()),
                Just("..".to_string()),
                Just(".".to_string()),
                Just("%2e".to_string()),
                Just("%2F".to_string()),
                Just("%5c".to_string()),
                Just("%00".to_string()),
                Just("%".to_string()),
                Just("?".to_string()),
                Just("#".to_string()),
                Just("-".to_string()),
                Just("a".to_string()),
                Just("中".to_string()),
                "[a-z0-9]{1,3}",
            ],
            0..24,
        )
        .prop_map(|v| v.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// (a) Escaping is lossless and leaves nothing that could open or close markup.
    #[test]
    fn html_escape_round_trips_and_has_no_markup(s in tricky()) {
        let e = planbook::escape::html(&s);
        prop_assert_eq!(unescape(&e), s.clone());
        for c in ['<', '>', '"', '\''] {
            prop_assert!(!e.contains(c), "{:?} -> {:?}", s, e);
        }
        // Every `&` starts one of the five entities.
        for (i, _) in e.match_indices('&') {
            let rest = &e[i..];
            prop_assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"].iter().any(|x| rest.starts_with(x)),
                "{:?}", e
            );
        }
        let x = planbook::escape::xml(&s);
        prop_assert!(!x.contains('<') && !x.contains('>') && !x.contains('"') && !x.contains('\''));
    }

    /// (b) An id that passes `is_slug` is one harmless path segment.
    #[test]
    fn slugs_are_single_safe_path_segments(id in prop_oneof![
        "[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}",
        tricky(),
        "[a-z0-9./\\\\-]{0,12}",
    ]) {
        if is_slug(&id) {
            prop_assert!(!id.is_empty());
            prop_assert!(!id.contains('/') && !id.contains('\\') && !id.contains(".."));
            prop_assert!(!id.contains('\0') && !id.contains(':'));
            let base = Path::new("/srv/site/zh/enterprises");
            let joined = base.join(&id);
            prop_assert!(joined.starts_with(base));
            let comps: Vec<Component> = Path::new(&id).components().collect();
            prop_assert_eq!(comps.len(), 1);
            prop_assert!(matches!(comps[0], Component::Normal(_)));
            prop_assert_eq!(joined.parent(), Some(base));
        }
    }

    /// (c) A request path never resolves to a file outside the site.
    #[test]
    fn resolved_paths_stay_inside_the_site(url in prop_oneof![
        tricky(),
        tricky().prop_map(|s| format!("/{s}")),
        any::<String>(),
    ]) {
        if let Some(p) = planbook::serve::resolve_path(&url) {
            prop_assert!(!p.starts_with('/'), "{:?} -> {:?}", url, p);
            prop_assert!(!p.contains('\\') && !p.contains('\0'), "{:?} -> {:?}", url, p);
            for seg in p.split('/') {
                prop_assert!(seg != ".." && seg != ".", "{:?} -> {:?}", url, p);
            }
            prop_assert!(!p.is_empty());
            let site = Path::new("/srv/site");
            let joined: PathBuf = site.join(&p);
            prop_assert!(joined.starts_with(site));
            prop_assert!(
                Path::new(&p).components().all(|c| matches!(c, Component::Normal(_))),
                "{:?} -> {:?}", url, p
            );
        }
    }

    /// (d) Any text renders (maybe with diagnostics) without panicking.
    #[test]
    fn markdown_render_never_panics(text in prop_oneof![
        any::<String>(),
        markdownish(),
    ], lang in prop_oneof![Just(Lang::Zh), Just(Lang::En)],
       mode in prop_oneof![Just(RawHtml::Sanitize), Just(RawHtml::Escape), Just(RawHtml::Trust)]) {
        render_text(&text, lang, mode);
    }
}

/// Markdown made of the constructs the renderer treats specially.
fn markdownish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("## 标题 {#a}\n".to_string()),
            Just("## 标题\n".to_string()),
            Just("# x {#A_B}\n".to_string()),
            Just("```sidebar\n1\n```\n".to_string()),
            Just("```sidebar\nx\n```\n".to_string()),
            Just("```rust\nfn main() {}\n".to_string()),
            Just("```\n".to_string()),
            Just("- 哈药集团\n".to_string()),
            Just("  - Harbin Electric\n".to_string()),
            Just("1. item\n".to_string()),
            Just("> quote\n".to_string()),
            Just("[^1]\n".to_string()),
            Just("[^1]: note 哈药\n".to_string()),
            Just("[x](javascript:alert(1))".to_string()),
            Just("[x](../a/b#c)".to_string()),
            Just("[x](#)".to_string()),
            Just("[x](..)".to_string()),
            Just("![i](data:x)".to_string()),
            Just("<div>".to_string()),
            Just("</div>\n".to_string()),
            Just("<b>".to_string()),
            Just("<!-- c -->".to_string()),
            Just("| a | b |\n|---|---|\n| 1 | 2 |\n".to_string()),
            Just("~~s~~".to_string()),
            Just("`c`".to_string()),
            Just("\n\n".to_string()),
            Just("\n".to_string()),
            Just("    indented\n".to_string()),
            Just("哈药".to_string()),
            Just("Harbin Electric".to_string()),
            Just("\u{E000}".to_string()),
            Just("\r\n".to_string()),
            "[ -~]{0,6}",
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

fn render_text(text: &str, lang: Lang, mode: RawHtml) {
    let names = match lang {
        Lang::Zh => vec![vec!["哈药".to_string(), "哈药集团".to_string()], vec![]],
        Lang::En => vec![
            vec!["Harbin Pharmaceutical Group".to_string()],
            vec!["Harbin Electric".to_string(), "HE".to_string()],
        ],
    };
    let linker = Linker::new(&names, lang == Lang::En);
    let ids = vec!["harbin-pharma".to_string(), "harbin-electric".to_string()];
    let file = SourceFile {
        display: PathBuf::from("content/chapters/01-x/zh.md"),
        text: text.to_string(),
    };
    let cx = Context {
        lang,
        page_id: "x",
        linker: &linker,
        enterprise_ids: &ids,
        raw_html: mode,
    };
    let (body, _diags) = render(&file, &cx);
    if mode != RawHtml::Trust {
        assert!(
            !body.html.to_ascii_lowercase().contains("<script"),
            "{text:?} -> {}",
            body.html
        );
    }
}

#[test]
fn resolve_path_examples() {
    assert_eq!(
        planbook::serve::resolve_path("/zh/").as_deref(),
        Some("zh/index.html")
    );
    assert_eq!(planbook::serve::resolve_path("/a/%2e%2e/b"), None);
}
