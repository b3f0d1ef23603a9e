//! Interface strings: `i18n/zh.yaml` and `i18n/en.yaml`, flat maps from key to text. Templates
//! hold no words of their own; a key present in one language only is an error.

use crate::diag::{Diagnostic, Diagnostics, locate};
use crate::fsio::read_source;
use crate::model::{Bi, Lang};
use crate::yaml;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub type Strings = BTreeMap<String, String>;

/// Loads both string tables and checks that they have the same keys.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Bi<Strings>> {
    let mut tables = Vec::new();
    for lang in Lang::ALL {
        let rel = PathBuf::from(format!("i18n/{}.yaml", lang.code()));
        if !root.join(&rel).exists() {
            diags.push(
                Diagnostic::error(&rel, "i18n", format!("the {} string table is missing", lang.code()))
                    .hint(format!("create {} with the interface strings (copy the other language's file and translate it)", rel.display())),
            );
            tables.push(None);
            continue;
        }
        match read_source(root, &rel).and_then(|f| yaml::parse::<Strings>(&f).map(|t| (f, t))) {
            Ok(t) => tables.push(Some(t)),
            Err(d) => {
                diags.push(d);
                tables.push(None);
            }
        }
    }
    let en = tables.pop().flatten();
    let zh = tables.pop().flatten();
    let ((zh_file, zh), (en_file, en)) = (zh?, en?);
    let mut ok = true;
    for (have, have_file, miss_file, miss_lang) in [
        (&zh, &zh_file, &en_file, Lang::En),
        (&en, &en_file, &zh_file, Lang::Zh),
    ] {
        let other = if miss_lang == Lang::En { &en } else { &zh };
        for key in have.keys().filter(|k| !other.contains_key(*k)) {
            ok = false;
            let (line, col) = locate(&have_file.text, 0, &format!("{key}:"));
            diags.push(
                Diagnostic::error(
                    &miss_file.display,
                    "i18n",
                    format!("key `{key}` is missing in the {} strings", miss_lang.code()),
                )
                .hint(format!(
                    "add `{key}: ...` to {} (it is defined at {}:{line}:{col})",
                    miss_file.display.display(),
                    have_file.display.display()
                )),
            );
        }
    }
    ok.then(|| Bi {
        zh: with_defaults(zh, DEFAULT_ZH),
        en: with_defaults(en, DEFAULT_EN),
    })
}

/// The default theme's strings, compiled in: a book's tables override them key by key, so a
/// book written for an older theme still builds when the theme gains a string.
const DEFAULT_ZH: &str = include_str!("../i18n/zh.yaml");
const DEFAULT_EN: &str = include_str!("../i18n/en.yaml");

fn with_defaults(own: Strings, defaults: &str) -> Strings {
    let mut all: Strings = yaml::parse_builtin(defaults).unwrap_or_default();
    all.extend(own);
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_tables_parse_and_share_their_keys() {
        let zh: Strings = yaml::parse_builtin(DEFAULT_ZH).expect("i18n/zh.yaml parses");
        let en: Strings = yaml::parse_builtin(DEFAULT_EN).expect("i18n/en.yaml parses");
        assert!(zh.len() > 50);
        assert_eq!(zh.keys().collect::<Vec<_>>(), en.keys().collect::<Vec<_>>());
    }
}
