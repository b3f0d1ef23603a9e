//! planbook turns a bilingual plan (book.toml, YAML records, Markdown in Chinese and English, a
//! theme and interface strings) into a cross-linked static website. The pipeline, in order:
//!
//! `config` → `load` (discover + parse) → `i18n` → `theme` → `resolve` (with `markdown`) →
//! `audit` → `render` + `data` → `write`.

pub mod audit;
pub mod capacity;
pub mod chart;
pub mod config;
pub mod data;
pub mod diag;
pub mod entity_checks;
pub mod escape;
pub mod freshness;
pub mod fsio;
pub mod hash;
pub mod highlight;
pub mod history;
pub mod http;
pub mod i18n;
pub mod init;
pub mod linker;
pub mod links;
pub mod load;
pub mod markdown;
pub mod model;
pub mod numbers;
pub mod render;
pub mod resolve;
pub mod serve;
pub mod theme;
pub mod write;
pub mod yaml;

use diag::{Diagnostic, Diagnostics};
use std::path::{Path, PathBuf};

/// Everything a build needs, loaded and checked.
pub struct Loaded {
    pub site: resolve::Site,
    pub theme: theme::Theme,
    pub strings: model::Bi<i18n::Strings>,
    /// Each entity's kind and relations, by id (for the data files).
    pub entities: entity_checks::Entities,
}

/// Loads and resolves the book at `root`; every problem found is in the diagnostics.
pub fn load(root: &Path) -> (Option<Loaded>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let config = match fsio::read_source(root, Path::new("book.toml"))
        .and_then(|f| config::parse(&f))
    {
        Ok(c) => Some(c),
        Err(d) => {
            // Only a missing book.toml is "not found"; one that cannot be read says why.
            let missing = std::fs::symlink_metadata(root.join("book.toml")).is_err();
            diags.push(if missing {
                Diagnostic::error("book.toml", "config", "book.toml not found: this folder is not a book").hint("run planbook in the book's folder, pass --root DIR, or create a book with `planbook init DIR`")
            } else {
                d
            });
            None
        }
    };
    let raw = load::content(root, &mut diags);
    let entities = entity_checks::check(&raw, &mut diags);
    let strings = i18n::load(root, &mut diags);
    let theme = config
        .as_ref()
        .and_then(|c| theme::load(root, &c.output.html.theme, &mut diags));
    let site = config.and_then(|c| resolve::site(c, raw, &mut diags));
    match (site, theme, strings) {
        (Some(site), Some(theme), Some(strings)) if !diags.has_errors() => (
            Some(Loaded {
                site,
                theme,
                strings,
                entities,
            }),
            diags,
        ),
        _ => (None, diags),
    }
}

/// What a successful build did.
pub struct BuildReport {
    pub files: usize,
    pub pages: usize,
    pub warnings: Diagnostics,
}

/// Renders the loaded book to in-memory files (pages, assets, data, sitemap).
pub fn render_all(root: &Path, loaded: &Loaded) -> Result<Vec<render::OutFile>, Diagnostics> {
    let files = std::sync::Mutex::new(Vec::new());
    let history = history::History::load(root);
    render_into(loaded, &history, &|f| {
        files
            .lock()
            .map_err(|_| Diagnostic::error("", "render", "a render thread panicked"))?
            .extend(f);
        Ok(())
    })?;
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Renders the loaded book (pages, assets, data, sitemap) into `sink` as it goes, from several
/// threads, and returns the paths of the files.
pub fn render_into(
    loaded: &Loaded,
    history: &history::History,
    sink: &render::Sink,
) -> Result<Vec<String>, Diagnostics> {
    render_changed_first(loaded, history, &[], sink)
}

/// `render_into`, making first the pages of the chapters whose folders hold one of `changed`
/// (paths relative to the book): `serve` has the page just saved soonest.
pub fn render_changed_first(
    loaded: &Loaded,
    history: &history::History,
    changed: &[PathBuf],
    sink: &render::Sink,
) -> Result<Vec<String>, Diagnostics> {
    let first = render::pages_in(&loaded.site, changed);
    // The data files do not depend on the pages: made on a thread of their own while the
    // pages render. Only the sitemap waits for the pages' paths.
    let (rendered, data) = std::thread::scope(|scope| {
        let data = scope.spawn(|| {
            let mut files = data::files(&loaded.site, &loaded.entities);
            files.push(data::robots(&loaded.site));
            files
        });
        let rendered = render::site_into(
            &loaded.site,
            &loaded.theme,
            &loaded.strings,
            history,
            &first,
            sink,
        );
        (rendered, data.join())
    });
    let mut paths = rendered?;
    let mut files = data.map_err(|_| panicked("data"))?;
    files.extend(data::sitemap(
        &loaded.site,
        paths
            .iter()
            .chain(files.iter().map(|f| &f.path))
            .map(String::as_str),
    ));
    paths.extend(files.iter().map(|f| f.path.clone()));
    sink(files).map_err(|d| {
        let mut all = Diagnostics::default();
        all.push(d);
        all
    })?;
    Ok(paths)
}

/// The finding for a thread of `stage` that panicked (a bug in planbook, not in the book).
fn panicked(stage: &str) -> Diagnostics {
    let mut all = Diagnostics::default();
    all.push(
        Diagnostic::error("", "render", format!("a {stage} thread panicked"))
            .hint("this is a bug in planbook: please report it with the book that shows it"),
    );
    all
}

/// What a build leaves to free: the loaded book and the index of the site's ids. Freeing them
/// takes a measurable share of a large build; a process that exits next can forget them.
pub struct Leftovers {
    pub loaded: Loaded,
    pub index: links::SiteIndex,
}

/// Builds the book at `root` into `out`. On any error the previous output is left untouched.
/// `out` must be empty, absent or a previous planbook output (see `build_with`).
pub fn build(root: &Path, out: &Path) -> Result<BuildReport, Diagnostics> {
    build_with(root, out, false)
}

/// `build`, with `force` replacing an output folder that planbook did not make (never the
/// book or its sources).
pub fn build_with(root: &Path, out: &Path, force: bool) -> Result<BuildReport, Diagnostics> {
    build_leaving(root, out, force).map(|(report, _)| report)
}

/// `build_with`, handing back what is left to free (see `Leftovers`) instead of freeing it.
pub fn build_leaving(
    root: &Path,
    out: &Path,
    force: bool,
) -> Result<(BuildReport, Leftovers), Diagnostics> {
    // The output is checked, locked and recovered first, so a failed build still restores an
    // interrupted swap; `git log` runs while the book loads.
    let staging = root.is_dir().then(|| write::Staging::new(root, out, force));
    let (history, (loaded, mut diags)) = std::thread::scope(|scope| {
        let history = scope.spawn(|| history::History::load(root));
        let loaded = load(root);
        (history.join().unwrap_or_default(), loaded)
    });
    let staging = match staging {
        Some(Ok(s)) => Some(s),
        Some(Err(d)) => {
            diags.push(d);
            None
        }
        None => None,
    };
    let (Some(loaded), Some(staging)) = (loaded, staging) else {
        return Err(diags);
    };
    // Files are written to the staging folder as they are rendered, never all held in memory.
    // Each batch's ids are gathered as it is written, for the link check below. The
    // translation audit runs on a thread of its own meanwhile.
    let index = std::sync::Mutex::new(links::SiteIndex::default());
    let anchored = links::anchored_targets(&loaded.site);
    let (audit, rendered) = std::thread::scope(|scope| {
        let audit = scope.spawn(|| audit::run(&loaded.site));
        let rendered = render_into(&loaded, &history, &|files| {
            files.iter().try_for_each(|f| staging.write(f))?;
            let batch = links::SiteIndex::of_some(&files, Some(&anchored));
            index
                .lock()
                .map_err(|_| Diagnostic::error("", "render", "a render thread panicked"))?
                .merge(batch);
            Ok(())
        });
        (audit.join(), rendered)
    });
    match audit {
        Ok(found) => found.into_iter().for_each(|d| diags.push(d)),
        Err(_) => diags.extend(panicked("audit")),
    }
    let paths = rendered.map_err(|d| {
        let mut all = diags.clone();
        all.extend(d);
        all
    })?;
    // A link written in the text that points nowhere fails the build, at its source line.
    let index = index.into_inner().unwrap_or_default();
    let (broken, _) = links::check_sources(&loaded.site, &index);
    if !broken.is_empty() {
        broken.into_iter().for_each(|d| diags.push(d));
        return Err(diags);
    }
    match staging.commit() {
        Ok(warnings) => warnings.into_iter().for_each(|w| diags.push(w)),
        Err(d) => {
            diags.push(d);
            return Err(diags);
        }
    }
    let pages = paths.iter().filter(|p| p.ends_with(".html")).count();
    let report = BuildReport {
        files: paths.len(),
        pages,
        warnings: diags,
    };
    Ok((report, Leftovers { loaded, index }))
}

/// Every validation and audit, nothing written. Findings are errors.
pub fn check(root: &Path) -> Diagnostics {
    check_with(root, false)
}

/// `check`, optionally also fetching every external link written in the Markdown.
pub fn check_with(root: &Path, external: bool) -> Diagnostics {
    let (loaded, mut diags) = load(root);
    if let Some(loaded) = loaded {
        if external {
            for d in links::check_external(&loaded.site) {
                diags.push(d);
            }
        }
        for d in audit::run(&loaded.site) {
            diags.push(d);
        }
        match render_all(root, &loaded) {
            Ok(files) => {
                let index = links::SiteIndex::of(&files);
                let (found, known) = links::check_sources(&loaded.site, &index);
                for d in found.into_iter().chain(links::check(&files, &known)) {
                    diags.push(d);
                }
            }
            Err(d) => diags.extend(d),
        }
    }
    diags.all_as_errors()
}

/// `planbook mark-translated`: writes `en.sync.yaml` (see `freshness`) for the chosen pages (all when `pages` is empty); returns how many.
pub fn mark_translated(root: &Path, pages: &[String]) -> Result<usize, Vec<Diagnostic>> {
    let (loaded, diags) = load(root);
    let Some(loaded) = loaded else {
        return Err(diags.sorted());
    };
    let mut n = 0;
    for p in &loaded.site.pages {
        if !pages.is_empty() && !pages.contains(&p.id) {
            continue;
        }
        let dir = p.source.zh.display.parent().unwrap_or(Path::new("."));
        let path = root.join(dir).join(freshness::SYNC_FILE);
        std::fs::write(&path, freshness::record(&p.body.zh.units)).map_err(|e| {
            vec![Diagnostic::error(
                dir.join(freshness::SYNC_FILE),
                "io",
                format!("cannot write: {e}"),
            )]
        })?;
        n += 1;
    }
    for want in pages {
        if !loaded.site.pages.iter().any(|p| &p.id == want) {
            return Err(vec![
                Diagnostic::error(
                    "content/chapters",
                    "reference",
                    format!("unknown chapter `{want}`"),
                )
                .hint("name chapter ids from chapter.yaml"),
            ]);
        }
    }
    Ok(n)
}

/// The default output folder of a book.
pub fn default_out(root: &Path) -> PathBuf {
    root.join("public")
}
