//! `planbook init`: writes a small bilingual book that builds and checks clean, so a maintainer
//! can start another plan. Everything it writes is compiled into the binary. It writes content
//! only: the theme and the interface strings stay the compiled-in ones until the maintainer
//! overrides a single template (`themes/NAME/templates/X.html`) or string (`i18n/LANG.yaml`).

use crate::diag::Diagnostic;
use std::path::Path;

macro_rules! skeleton {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("skeleton/", $name)))),*]
    };
}

const SKELETON: &[(&str, &str)] = skeleton!(
    "book.toml",
    "content/plan.yaml",
    "content/chapters/01-overview/chapter.yaml",
    "content/chapters/01-overview/zh.md",
    "content/chapters/01-overview/en.md",
    "content/sidebars/1.yaml",
    "content/sectors.yaml",
    "content/enterprises.yaml",
    "content/targets.yaml",
    "content/glossary.yaml",
);

/// Creates a new book in `dir`, which must not exist or be empty.
pub fn run(dir: &Path) -> Result<usize, Diagnostic> {
    if dir.exists()
        && dir
            .read_dir()
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        return Err(
            Diagnostic::error(dir, "init", "the folder already exists and is not empty")
                .hint("choose a new folder name; planbook init never overwrites files"),
        );
    }
    let mut n = 0;
    for (rel, text) in SKELETON {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                Diagnostic::error(parent, "init", format!("cannot create folder: {e}"))
            })?;
        }
        std::fs::write(&path, text)
            .map_err(|e| Diagnostic::error(&path, "init", format!("cannot write file: {e}")))?;
        n += 1;
    }
    Ok(n)
}
