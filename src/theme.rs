//! Themes: tera templates and static assets. The default theme is compiled into the binary (so
//! `planbook init` and books without a themes/ folder work); a book's `themes/NAME/` overrides
//! any single template or asset by file name.

use crate::diag::{Diagnostic, Diagnostics};
use crate::fsio::{read_source, relative};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../themes/default/", $name)))),*]
    };
}

/// The default theme's files, relative to `themes/default/`.
pub const DEFAULT_FILES: &[(&str, &str)] = embed!(
    "templates/base.html",
    "templates/macros.html",
    "templates/cover.html",
    "templates/home.html",
    "templates/chapter.html",
    "templates/parallel.html",
    "templates/sidebar.html",
    "templates/sidebar_box.html",
    "templates/sidebars_index.html",
    "templates/sidebar_parallel.html",
    "templates/sectors.html",
    "templates/sector.html",
    "templates/enterprises.html",
    "templates/enterprise.html",
    "templates/projects.html",
    "templates/targets.html",
    "templates/glossary.html",
    "templates/search.html",
    "templates/print.html",
    "templates/404.html",
    "templates/data.html",
    "templates/whatsnew.html",
    "static/style.css",
    "static/planbook.js",
    "static/search.js",
);

/// Loaded templates plus the static assets to copy (file name -> bytes).
pub struct Theme {
    pub tera: tera::Tera,
    pub assets: BTreeMap<String, Vec<u8>>,
}

/// Loads the default theme, then the book's overrides.
pub fn load(root: &Path, name: &str, diags: &mut Diagnostics) -> Option<Theme> {
    let mut templates: BTreeMap<String, (PathBuf, String)> = BTreeMap::new();
    let mut assets = BTreeMap::new();
    for (file, text) in DEFAULT_FILES {
        add(
            file,
            PathBuf::from("themes/default").join(file),
            text.to_string(),
            &mut templates,
            &mut assets,
        );
    }
    let mut dirs = vec![root.join("themes/default")];
    if name != "default" {
        let dir = root.join("themes").join(name);
        if !dir.is_dir() {
            diags.push(
                Diagnostic::error("book.toml", "theme", format!("theme `{name}` not found: there is no folder themes/{name}/"))
                    .hint(format!("create themes/{name}/templates/ with the templates to override, or set theme = \"default\"")),
            );
            return None;
        }
        dirs.push(dir);
    }
    for dir in dirs.iter().filter(|d| d.is_dir()) {
        // Links are followed, but not out of the book; nothing is skipped silently.
        let mut walker = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter();
        while let Some(entry) = walker.next() {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(crate::load::walk_error(root, &e));
                    continue;
                }
            };
            if let Some(d) = crate::load::foreign_entry(root, &entry) {
                diags.push(d);
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
            if entry.file_type().is_dir() {
                continue;
            }
            let Ok(inner) = entry.path().strip_prefix(dir) else {
                continue;
            };
            let key = inner.to_string_lossy().replace('\\', "/");
            let rel = relative(root, entry.path());
            if key.starts_with("templates/") {
                match read_source(root, &rel) {
                    Ok(f) => add(&key, rel, f.text, &mut templates, &mut assets),
                    Err(d) => diags.push(d),
                }
            } else if let Some(asset) = key.strip_prefix("static/") {
                match crate::fsio::read_bytes(root, &rel) {
                    Ok(bytes) => {
                        assets.insert(asset.to_string(), bytes);
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
    }
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(crate::escape::tera_escape);
    let mut ok = true;
    // Macro files first: a template that imports macros is checked when it is added.
    let mut in_order: Vec<_> = templates.iter().collect();
    in_order.sort_by_key(|(key, _)| !key.ends_with("macros.html"));
    for (key, (path, text)) in in_order {
        let name = key.trim_start_matches("templates/");
        if let Err(e) = tera.add_raw_template(name, text) {
            ok = false;
            diags.push(template_error(path, &e));
        }
    }
    if ok && let Err(e) = tera.build_inheritance_chains() {
        diags.push(Diagnostic::error("themes", "template", error_chain(&e)));
        return None;
    }
    ok.then_some(Theme { tera, assets })
}

fn add(
    key: &str,
    path: PathBuf,
    text: String,
    templates: &mut BTreeMap<String, (PathBuf, String)>,
    assets: &mut BTreeMap<String, Vec<u8>>,
) {
    if key.starts_with("templates/") {
        templates.insert(key.to_string(), (path, text));
    } else if let Some(a) = key.strip_prefix("static/") {
        assets.insert(a.to_string(), text.into_bytes());
    }
}

/// A tera parse error as `path:line:col`, read from tera's own "--> line:col" marker.
fn template_error(path: &Path, e: &tera::Error) -> Diagnostic {
    let chain = error_chain(e);
    let (line, col) = chain
        .split("--> ")
        .nth(1)
        .and_then(|rest| {
            let mut it = rest
                .split(|c: char| !c.is_ascii_digit())
                .filter(|s| !s.is_empty());
            Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
        })
        .unwrap_or((1, 1));
    let first = chain
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .unwrap_or("template syntax error")
        .trim()
        .trim_start_matches("= ")
        .to_string();
    Diagnostic::error(path, "template", format!("template syntax error: {first}"))
        .at(line, col)
        .hint("fix the tera syntax here ({{ ... }} for values, {% ... %} for tags)")
}

/// tera's error with its causes, one per line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push('\n');
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}
