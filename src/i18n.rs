//! Interface strings: `i18n/zh.yaml` and `i18n/en.yaml`, flat maps from key to text. Templates
//! hold no words of their own. The default theme's strings are compiled in; a book's tables
//! (either, both or neither) override them key by key, and a key of the book's own must be
//! given in both languages.

use crate::diag::{Diagnostic, Diagnostics, locate};
use crate::fsio::{SourceFile, read_source};
use crate::model::{Bi, Lang};
use crate::yaml;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub type Strings = BTreeMap<String, String>;

/// A book's own string table: the file (absent when the book has none) and its entries.
type Table = (Option<SourceFile>, Strings);

/// The interface strings of both languages: the compiled-in ones with the book's laid over.
pub fn load(root: &Path, diags: &mut Diagnostics) -> Option<Bi<Strings>> {
    let zh = read_table(root, Lang::Zh, diags);
    let en = read_table(root, Lang::En, diags);
    let (zh, en) = (zh?, en?);
    let defaults = Bi {
        zh: yaml::parse_builtin::<Strings>(DEFAULT_ZH).unwrap_or_default(),
        en: yaml::parse_builtin::<Strings>(DEFAULT_EN).unwrap_or_default(),
    };
    let ok = own_keys_in_both(&zh, Lang::Zh, &en, &defaults.zh, diags)
        & own_keys_in_both(&en, Lang::En, &zh, &defaults.en, diags);
    let merge = |mut all: Strings, own: Strings| {
        all.extend(own);
        all
    };
    ok.then(|| Bi {
        zh: merge(defaults.zh, zh.1),
        en: merge(defaults.en, en.1),
    })
}

/// `i18n/{lang}.yaml` if the book has one; `None` (reported) when it cannot be read or parsed.
fn read_table(root: &Path, lang: Lang, diags: &mut Diagnostics) -> Option<Table> {
    let rel = PathBuf::from(format!("i18n/{}.yaml", lang.code()));
    if !root.join(&rel).exists() {
        return Some((None, Strings::new()));
    }
    match read_source(root, &rel).and_then(|f| yaml::parse::<Strings>(&f).map(|t| (f, t))) {
        Ok((file, table)) => Some((Some(file), table)),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// Reports each key of `have` that the compiled-in strings lack and `other` does not give
/// either: no language could show it. True when there is none.
fn own_keys_in_both(
    have: &Table,
    have_lang: Lang,
    other: &Table,
    defaults: &Strings,
    diags: &mut Diagnostics,
) -> bool {
    let (Some(have_file), have) = have else {
        return true;
    };
    let miss_lang = have_lang.other();
    let miss_path = PathBuf::from(format!("i18n/{}.yaml", miss_lang.code()));
    let mut ok = true;
    for key in have
        .keys()
        .filter(|k| !defaults.contains_key(*k) && !other.1.contains_key(*k))
    {
        ok = false;
        let (line, col) = locate(&have_file.text, 0, &format!("{key}:"));
        diags.push(
            Diagnostic::error(
                &miss_path,
                "i18n",
                format!("key `{key}` is missing in the {} strings", miss_lang.code()),
            )
            .hint(format!(
                "add `{key}: ...` to {} (it is defined at {}:{line}:{col})",
                miss_path.display(),
                have_file.display.display()
            )),
        );
    }
    ok
}

/// The default theme's strings, compiled in: a book's tables override them key by key, so a
/// book written for an older theme still builds when the theme gains a string, and a book
/// without `i18n/` builds with these.
const DEFAULT_ZH: &str = include_str!("../i18n/zh.yaml");
const DEFAULT_EN: &str = include_str!("../i18n/en.yaml");

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

    fn book(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        for (rel, text) in files {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    #[test]
    fn a_book_without_tables_uses_the_compiled_in_strings() {
        let dir = book(&[]);
        let mut diags = Diagnostics::default();
        let strings = load(dir.path(), &mut diags).expect("loads");
        assert!(diags.is_empty(), "{diags}");
        assert_eq!(
            strings.en.get("glossary").map(String::as_str),
            Some("Glossary")
        );
    }

    #[test]
    fn a_book_overrides_single_keys_in_one_language() {
        let dir = book(&[("i18n/en.yaml", "glossary: Terms\n")]);
        let mut diags = Diagnostics::default();
        let strings = load(dir.path(), &mut diags).expect("loads");
        assert!(diags.is_empty(), "{diags}");
        assert_eq!(strings.en["glossary"], "Terms");
        assert_eq!(strings.zh["glossary"], "术语表");
    }

    #[test]
    fn a_key_of_the_books_own_must_be_in_both_languages() {
        let dir = book(&[("i18n/zh.yaml", "funding_note: 资金说明\n")]);
        let mut diags = Diagnostics::default();
        assert!(load(dir.path(), &mut diags).is_none());
        assert_eq!(
            diags.to_string(),
            "i18n/en.yaml:1:1: error[i18n]: key `funding_note` is missing in the en strings\n  = hint: add `funding_note: ...` to i18n/en.yaml (it is defined at i18n/zh.yaml:1:1)\n"
        );
    }
}
