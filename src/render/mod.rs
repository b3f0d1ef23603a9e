//! Rendering: every page of the resolved `Site`, in both languages, into in-memory output files.
//! This module lists the jobs (one page or a few files each) and hands each to the module that
//! makes that kind of page; `frame` holds what every page of a language shares. Links are
//! relative (`root` is the way back to the site root), so the output works from disk, at a
//! domain's root and under any sub-path.
//!
//! Where each page is made: cover and home `home`, chapter and side-by-side `chapter`, 专栏 box
//! `sidebar`, sector `sector`, enterprise `enterprise`, the lists (sectors, enterprises,
//! projects, targets, glossary, data downloads) `indexes`, print editions `print`, search page
//! and index `search`, what's new and the Atom feed `feeds`, the 404 page `notfound`.

mod chapter;
mod contents;
mod enterprise;
mod feeds;
mod frame;
mod home;
mod indexes;
mod notfound;
mod parts;
mod print;
mod search;
mod sector;
mod sidebar;
mod terms;

use crate::diag::{Diagnostic, Diagnostics};
use crate::history::History;
use crate::i18n::Strings;
use crate::model::{Bi, Lang};
use crate::resolve::Site;
use crate::theme::Theme;
use frame::Frame;
use rayon::prelude::*;
use std::collections::BTreeMap;

pub use crate::theme::error_chain;
pub use parts::{excerpt, sort_key, text};
pub use print::PRINT_PART_BYTES;

/// A file of the built site: its path relative to the output folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

pub fn chapter_url(lang: Lang, id: &str) -> String {
    format!("{}/chapters/{id}/index.html", lang.code())
}
pub fn parallel_url(lang: Lang, id: &str) -> String {
    format!("{}/chapters/{id}/side-by-side/index.html", lang.code())
}
pub fn sector_url(lang: Lang, id: &str) -> String {
    format!("{}/sectors/{id}/index.html", lang.code())
}
pub fn enterprise_url(lang: Lang, id: &str) -> String {
    format!("{}/enterprises/{id}/index.html", lang.code())
}
pub fn sidebar_url(lang: Lang, n: u32) -> String {
    format!("{}/sidebars/{n}/index.html", lang.code())
}

/// The relative way from `path` (e.g. `zh/chapters/x/index.html`) back to the site root.
pub fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

/// Up to this many pages, every page's table of contents lists them all.
pub const TOC_FULL: usize = 100;
/// Beyond it, a page lists the pages this far either side of it in reading order, and links to
/// where the others are listed (the home page, or for a large book a part of the contents):
/// the full list on every page would make a build quadratic.
pub const TOC_RADIUS: usize = 10;
pub use contents::CONTENTS_PART_PAGES;

/// What a job hands its files to: the sink, keeping their paths.
type Give<'g> = dyn Fn(Vec<OutFile>) -> Result<Vec<String>, Diagnostic> + Sync + 'g;

/// What receives the rendered files, job by job, from the rendering threads: `build` writes them
/// straight to the staging folder, so the whole site is never held in memory.
pub type Sink<'s> = dyn Fn(Vec<OutFile>) -> Result<(), Diagnostic> + Sync + 's;

/// What every page kind's function reads: the site, the theme, and what was computed once for
/// the whole build (reading order, asset paths, each language's frame).
pub(crate) struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    strings: &'a Bi<Strings>,
    history: &'a History,
    /// Asset key (`css`, `js`, `search`, other file names) -> its path in the output.
    assets: BTreeMap<String, String>,
    /// Pages in reading order, and each page's place in it.
    order: Vec<usize>,
    place: Vec<usize>,
    /// What every page of a language shares, computed once per language.
    frames: Bi<Frame>,
    /// The print editions' parts (pages in reading order); one part for a book that fits.
    print_parts: Vec<Vec<usize>>,
    /// The contents' parts (positions in reading order); one part for a book that fits.
    contents_parts: Vec<std::ops::Range<usize>>,
    /// Each page's sectors: its own, then those with a passage on it.
    page_sectors: Vec<Vec<usize>>,
    /// The pages to render before all others (`serve`: those whose sources just changed).
    first: Vec<usize>,
}

/// One unit of rendering work for one language: a page, or a page and the files beside it.
#[derive(Debug, Clone)]
enum Job {
    Home,
    Chapter(usize),
    Parallel(usize),
    Sidebar(usize),
    Sidebars,
    Sectors,
    Sector(usize),
    Enterprises,
    Enterprise(usize),
    Projects,
    Targets,
    Glossary,
    Search,
    Print {
        bilingual: bool,
    },
    /// Part `k` (from 1) of the contents of a book too large to list them on its home page.
    ContentsPart(usize),
    /// Part `part` (from 1) of a print edition cut into parts.
    PrintPart {
        bilingual: bool,
        part: usize,
    },
    Data,
    WhatsNew,
}

impl Job {
    /// How long the job takes, roughly: 0 for the pages that hold a part of the whole book,
    /// 1 for the pages that list a whole kind (home, indexes, sectors), 2 for one page.
    fn size_rank(&self) -> u8 {
        match self {
            Job::PrintPart { .. } | Job::Print { .. } | Job::Search => 0,
            Job::Home
            | Job::Sectors
            | Job::Sector(_)
            | Job::Sidebars
            | Job::Enterprises
            | Job::Projects
            | Job::Targets
            | Job::Glossary
            | Job::Data
            | Job::WhatsNew
            | Job::ContentsPart(_) => 1,
            Job::Chapter(_) | Job::Parallel(_) | Job::Sidebar(_) | Job::Enterprise(_) => 2,
        }
    }
}

/// The pages whose chapter folder holds one of `changed` (paths relative to the book).
pub fn pages_in(site: &Site, changed: &[std::path::PathBuf]) -> Vec<usize> {
    let folder = |i: usize| {
        site.pages[i]
            .source
            .zh
            .display
            .parent()
            .map(|d| d.to_path_buf())
    };
    (0..site.pages.len())
        .filter(|&i| {
            folder(i).is_some_and(|d| changed.iter().any(|c| c.parent() == Some(d.as_path())))
        })
        .collect()
}

/// Renders every page and asset of the site into `sink`, the pages `first` (and their
/// side-by-side twins) before the others; returns the paths of the files.
pub fn site_into(
    site: &Site,
    theme: &Theme,
    strings: &Bi<Strings>,
    history: &History,
    first: &[usize],
    sink: &Sink,
) -> Result<Vec<String>, Diagnostics> {
    let (asset_files, assets) = asset_files(theme);
    let order = reading_order(site);
    let mut place = vec![0; site.pages.len()];
    for (k, &i) in order.iter().enumerate() {
        place[i] = k;
    }
    let frames = Bi {
        zh: Frame::new(site, &theme.tera, &strings.zh, &assets, Lang::Zh),
        en: Frame::new(site, &theme.tera, &strings.en, &assets, Lang::En),
    };
    let print_parts = print::print_parts(site, &order);
    let contents_parts = contents::contents_parts(site, &order);
    let r = Renderer {
        site,
        theme,
        strings,
        history,
        assets,
        order,
        place,
        frames,
        print_parts,
        contents_parts,
        first: first.to_vec(),
        page_sectors: chapter::page_sectors(site),
    };
    r.run_all(asset_files, sink)
}

/// The theme's assets under their output paths (CSS and JS names carry a content hash), and
/// the map from asset key to path that templates read.
fn asset_files(theme: &Theme) -> (Vec<OutFile>, BTreeMap<String, String>) {
    let mut files = Vec::new();
    let mut assets = BTreeMap::new();
    for (name, bytes) in &theme.assets {
        let path = match name.rsplit_once('.') {
            Some((stem, ext)) if matches!(ext, "css" | "js") => {
                format!("assets/{stem}.{:08x}.{ext}", crate::hash::fnv(bytes) as u32)
            }
            _ => format!("assets/{name}"),
        };
        let key = match name.as_str() {
            "style.css" => "css",
            "planbook.js" => "js",
            "search.js" => "search",
            other => other,
        };
        assets.insert(key.to_string(), path.clone());
        files.push(OutFile {
            path,
            bytes: bytes.clone(),
        });
    }
    (files, assets)
}

/// Pages in reading order: each top-level page followed by its parts.
fn reading_order(site: &Site) -> Vec<usize> {
    let mut v = Vec::new();
    for (i, p) in site.pages.iter().enumerate() {
        if p.parent.is_none() {
            v.push(i);
            v.extend(p.children.iter().copied());
        }
    }
    v
}

impl Renderer<'_> {
    /// Runs every job on the thread pool, each job's files going to `sink` from the thread that
    /// rendered them; only paths are kept.
    fn run_all(&self, assets: Vec<OutFile>, sink: &Sink) -> Result<Vec<String>, Diagnostics> {
        // One language's jobs, then the other's: the threads split the list in ranges, so each
        // works on one language's pages (sharing its template values with no other thread).
        // In each, the pages asked for first, then the longest jobs, so that no thread is left
        // alone with a print part at the end (a serial tail of up to a second at 10,000 pages
        // when they came last).
        let mut jobs = self.jobs();
        jobs.sort_by_key(|job| (!self.is_first(job), job.size_rank()));
        let jobs: Vec<(Lang, Job)> = Lang::ALL
            .iter()
            .flat_map(|&l| jobs.iter().map(move |j| (l, j.clone())))
            .collect();
        let give = |f: Vec<OutFile>| {
            let paths = f.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
            sink(f).map(|()| paths)
        };
        // The whole-book pages (print editions, search index) are by far the largest: one thread
        // renders them one after another while the others render the rest, so at most one of
        // them is in memory at a time.
        let (whole, rest): (Vec<_>, Vec<_>) = jobs
            .into_iter()
            .partition(|(_, job)| matches!(job, Job::Print { .. } | Job::Search));
        let (whole, rest) = rayon::join(
            || {
                whole
                    .iter()
                    .map(|(lang, job)| self.run(*lang, job, &give))
                    .collect::<Vec<_>>()
            },
            || {
                [Ok(assets), self.cover_and_404()]
                    .into_par_iter()
                    .map(|f| f.and_then(give))
                    .chain(
                        rest.par_iter()
                            .map(|(lang, job)| self.run(*lang, job, &give)),
                    )
                    .collect::<Vec<_>>()
            },
        );
        let mut written = Vec::new();
        let mut diags = Diagnostics::default();
        for res in whole.into_iter().chain(rest) {
            match res {
                Ok(p) => written.extend(p),
                Err(d) => diags.push(d),
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(written)
    }

    /// Whether `job` makes a page of `first` or its side-by-side twin.
    fn is_first(&self, job: &Job) -> bool {
        match job {
            Job::Chapter(i) | Job::Parallel(i) => self.first.contains(i),
            _ => false,
        }
    }

    /// Every job of one language.
    fn jobs(&self) -> Vec<Job> {
        let s = self.site;
        let mut v = vec![
            Job::Home,
            Job::Sectors,
            Job::Sidebars,
            Job::Enterprises,
            Job::Projects,
            Job::Targets,
            Job::Glossary,
            Job::Search,
            Job::Print { bilingual: false },
            Job::Print { bilingual: true },
            Job::Data,
            Job::WhatsNew,
        ];
        v.extend((0..s.pages.len()).map(Job::Chapter));
        v.extend((0..s.pages.len()).map(Job::Parallel));
        v.extend((0..s.sidebars.len()).map(Job::Sidebar));
        v.extend((0..s.sectors.len()).map(Job::Sector));
        v.extend((0..s.enterprises.len()).map(Job::Enterprise));
        if self.contents_parts.len() > 1 {
            v.extend((1..=self.contents_parts.len()).map(Job::ContentsPart));
        }
        if self.print_parts.len() > 1 {
            for part in 1..=self.print_parts.len() {
                v.extend([false, true].map(|bilingual| Job::PrintPart { bilingual, part }));
            }
        }
        v
    }

    /// One job: the module that makes this kind of page makes it, and hands its files to
    /// `give` (the search index a batch at a time); the paths given.
    fn run(&self, lang: Lang, job: &Job, give: &Give) -> Result<Vec<String>, Diagnostic> {
        let one = |f: Result<OutFile, Diagnostic>| give(vec![f?]);
        match job {
            Job::Home => one(self.home(lang)),
            Job::Chapter(i) => one(self.chapter(lang, *i)),
            Job::Parallel(i) => one(self.parallel(lang, *i)),
            Job::Sidebar(i) => give(vec![
                self.sidebar(lang, *i)?,
                self.sidebar_parallel(lang, *i)?,
            ]),
            Job::Sectors => one(self.sectors_index(lang)),
            Job::Sidebars => one(self.sidebars_index(lang)),
            Job::Sector(i) => one(self.sector(lang, *i)),
            Job::Enterprises => one(self.enterprises_index(lang)),
            Job::Enterprise(i) => one(self.enterprise(lang, *i)),
            Job::Projects => one(self.projects_index(lang)),
            Job::Targets => one(self.targets_index(lang)),
            Job::Glossary => one(self.glossary(lang)),
            Job::Data => one(self.data_page(lang)),
            Job::Search => self.search_into(lang, give),
            Job::WhatsNew => give(self.whats_new(lang)?),
            Job::ContentsPart(k) => one(self.contents_part(lang, *k)),
            Job::Print { bilingual } => one(self.print(lang, *bilingual)),
            Job::PrintPart { bilingual, part } => one(self.print_part(lang, *bilingual, *part)),
        }
    }

    /// The language-neutral pages at the root: the cover (`index.html`) and `404.html`.
    fn cover_and_404(&self) -> Result<Vec<OutFile>, Diagnostic> {
        let cover = home::CoverView::new(self);
        Ok(vec![self.cover(&cover)?, self.not_found(&cover)?])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_relative() {
        assert_eq!(root_of("index.html"), "");
        assert_eq!(root_of("zh/index.html"), "../");
        assert_eq!(root_of("zh/chapters/review/index.html"), "../../../");
    }
}
