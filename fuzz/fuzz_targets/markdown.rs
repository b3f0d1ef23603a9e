//! Arbitrary UTF-8 as a chapter body, rendered with a linker of a few enterprise names in both
//! scripts. The input's length picks the language and the raw-HTML policy, so seeds stay plain
//! Markdown files. Besides not panicking, the output must never hold a `<script` tag unless the
//! book trusts raw HTML.

#![no_main]

use libfuzzer_sys::fuzz_target;
use planbook::config::RawHtml;
use planbook::fsio::SourceFile;
use planbook::linker::Linker;
use planbook::markdown::{Context, render};
use planbook::model::Lang;
use std::path::PathBuf;
use std::sync::OnceLock;

struct Linkers {
    zh: Linker,
    en: Linker,
    ids: Vec<String>,
}

fn linkers() -> &'static Linkers {
    static L: OnceLock<Linkers> = OnceLock::new();
    L.get_or_init(|| {
        let names = |v: &[&[&str]]| -> Vec<Vec<String>> {
            v.iter()
                .map(|n| n.iter().map(|s| s.to_string()).collect())
                .collect()
        };
        Linkers {
            zh: Linker::new(
                &names(&[&["哈药集团", "哈药"], &["哈电站集团", "哈电"], &["东轻"]]),
                false,
            ),
            en: Linker::new(
                &names(&[
                    &["Harbin Pharmaceutical Group", "HPGC"],
                    &["Harbin Electric Corporation", "Harbin Electric"],
                    &["Northeast Light Alloy"],
                ]),
                true,
            ),
            ids: vec![
                "harbin-pharma".into(),
                "harbin-electric".into(),
                "northeast-light-alloy".into(),
            ],
        }
    })
}

fuzz_target!(|text: &str| {
    let l = linkers();
    let lang = if text.len().is_multiple_of(2) {
        Lang::Zh
    } else {
        Lang::En
    };
    let raw_html = match (text.len() / 2) % 3 {
        0 => RawHtml::Sanitize,
        1 => RawHtml::Escape,
        _ => RawHtml::Trust,
    };
    let file = SourceFile {
        display: PathBuf::from("content/chapters/01-x/zh.md"),
        text: text.to_string(),
    };
    let cx = Context {
        lang,
        page_id: "x",
        linker: if lang == Lang::Zh { &l.zh } else { &l.en },
        enterprise_ids: &l.ids,
        raw_html,
    };
    let (body, _diags) = render(&file, &cx);
    if raw_html != RawHtml::Trust {
        let lower = body.html.to_ascii_lowercase();
        assert!(
            !lower.contains("<script"),
            "script in output: {}",
            body.html
        );
        for u in &body.units {
            assert!(!u.html.to_ascii_lowercase().contains("<script"));
        }
    }
});
