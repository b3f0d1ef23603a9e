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
    "templates/components.html",
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
    "templates/contents.html",
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
    /// Each template's name -> the file it came from (the book's theme or the default one).
    pub paths: BTreeMap<String, PathBuf>,
}

impl Theme {
    /// A template that failed to render, reported at the place in the file where it failed.
    pub fn render_error(&self, template: &str, e: &tera::Error) -> Diagnostic {
        let hint = "check the variable names used in the template; every value a page offers \
                    is listed in the guide";
        let file = |name: &str| {
            self.paths
                .get(name)
                .cloned()
                .unwrap_or_else(|| PathBuf::from("themes"))
        };
        match e.kind() {
            tera::ErrorKind::RenderingError(report) => Diagnostic::error(
                file(report.filename()),
                "template",
                format!("cannot render template `{template}`: {}", report.message()),
            )
            .at(report.span().start_line, report.span().start_col + 1),
            _ => Diagnostic::error(
                file(template),
                "template",
                format!("cannot render template `{template}`: {}", error_chain(e)),
            ),
        }
        .hint(hint)
    }
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
    let paths = templates
        .iter()
        .map(|(key, (path, _))| {
            (
                key.trim_start_matches("templates/").to_string(),
                path.clone(),
            )
        })
        .collect();
    compile(templates, diags).map(|tera| Theme {
        tera,
        assets,
        paths,
    })
}

/// The templates compiled into one tera instance; each template with a syntax error, or, when
/// they parse, what does not fit together (a missing parent or component), is an error.
fn compile(
    templates: BTreeMap<String, (PathBuf, String)>,
    diags: &mut Diagnostics,
) -> Option<tera::Tera> {
    let mut tera = tera::Tera::new();
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.set_escape_fn(crate::escape::tera_escape);
    let named = |(key, (_, text)): (&String, &(PathBuf, String))| {
        (
            key.trim_start_matches("templates/").to_string(),
            text.clone(),
        )
    };
    let Err(e) = tera.add_raw_templates(templates.iter().map(named)) else {
        return Some(tera);
    };
    // Syntax errors first, each template on its own, so every broken file is reported.
    let mut found = false;
    for (key, (path, text)) in &templates {
        let name = key.trim_start_matches("templates/");
        if let Err(e) = tera::Tera::new().add_raw_template(name, text)
            && let tera::ErrorKind::SyntaxError(report) = e.kind()
        {
            found = true;
            diags.push(located(path, report.message(), report.span(), SYNTAX_HINT));
        }
    }
    if !found {
        for d in finalize_errors(&e, &templates) {
            diags.push(d);
        }
    }
    None
}

const SYNTAX_HINT: &str = "fix the tera syntax here ({{ ... }} for values, {% ... %} for tags)";

/// A finding at a tera span (lines 1-based, columns 0-based).
fn located(path: &Path, message: &str, span: &tera::Span, hint: &str) -> Diagnostic {
    Diagnostic::error(
        path,
        "template",
        format!("template syntax error: {message}"),
    )
    .at(span.start_line, span.start_col + 1)
    .hint(hint)
}

/// The templates that do not fit together: tera reports them as one message of reports, each
/// `error: MESSAGE` then `--> NAME:LINE:COL`.
fn finalize_errors(
    e: &tera::Error,
    templates: &BTreeMap<String, (PathBuf, String)>,
) -> Vec<Diagnostic> {
    let text = error_chain(e);
    let mut out = Vec::new();
    for report in text.split("\n\n").filter(|r| r.starts_with("error: ")) {
        let mut lines = report.lines();
        let message = lines.next().unwrap_or("").trim_start_matches("error: ");
        let at = lines.find_map(|l| l.trim().strip_prefix("--> "));
        let mut parts = at.unwrap_or("").rsplitn(3, ':');
        let (col, line, name) = (parts.next(), parts.next(), parts.next().unwrap_or(""));
        let path = templates
            .get(&format!("templates/{name}"))
            .map(|(p, _)| p.clone())
            .unwrap_or_else(|| PathBuf::from("themes"));
        let number = |x: Option<&str>| x.and_then(|x| x.parse().ok()).unwrap_or(1);
        out.push(
            Diagnostic::error(path, "template", format!("template error: {message}"))
                .at(number(line), number(col))
                .hint("every template a template extends, includes or calls must exist in the theme or the default theme"),
        );
    }
    if out.is_empty() {
        out.push(
            Diagnostic::error("themes", "template", text)
                .hint("every template a template extends, includes or calls must exist in the theme or the default theme"),
        );
    }
    out
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
