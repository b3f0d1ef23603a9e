//! Rendering: one tera context per page per language, built from the resolved `Site`, into
//! in-memory output files. Links are relative (`root` is the way back to the site root), so the
//! output works from disk, at a domain's root and under any sub-path.

use crate::chart;
use crate::diag::{Diagnostic, Diagnostics};
use crate::escape;
use crate::history::History;
use crate::i18n::Strings;
use crate::markdown::{ROOT, UnitKind, sidebar_marker};
use crate::model::{Bi, Lang, TargetKind};
use crate::numbers;
use crate::resolve::{Page, Site};
use crate::theme::Theme;
use rayon::prelude::*;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A file of the built site: its path relative to the output folder, and its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

pub use crate::theme::error_chain;

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

struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    strings: &'a Bi<Strings>,
    history: &'a History,
    assets: Value,
    /// Pages in reading order, and each page's place in it (computed once, not per page).
    order: Vec<usize>,
    place: Vec<usize>,
    /// The context values every page of a language shares.
    base: Bi<tera::Context>,
}

/// The context values every page of `lang` shares.
fn base_context(s: &Site, t: &Strings, assets: &Value, lang: Lang) -> tera::Context {
    let mut cx = tera::Context::new();
    cx.insert("lang", lang.code());
    cx.insert("html_lang", lang.html_lang());
    cx.insert("other_html_lang", lang.other().html_lang());
    cx.insert(
        "other_name",
        &match lang {
            Lang::Zh => &s.config.language.en.name,
            Lang::En => &s.config.language.zh.name,
        },
    );
    cx.insert("t", t);
    cx.insert(
        "description",
        &s.config
            .book
            .description
            .as_ref()
            .map(|d| d.get(lang).clone())
            .unwrap_or_else(|| s.plan.title.get(lang).clone()),
    );
    cx.insert("site", &json!({"title": s.config.book.title.get(lang)}));
    cx.insert("plan", &json!({"title": s.plan.title.get(lang), "subtitle": s.plan.subtitle.as_ref().map(|x| x.get(lang)), "issuer": s.plan.issuer.get(lang), "period": s.plan.period}));
    cx.insert(
        "notice",
        &if lang == Lang::En {
            Some(
                s.plan
                    .translation
                    .notice
                    .en
                    .replace("{date}", &s.plan.translation.date),
            )
        } else {
            None
        },
    );
    cx.insert("assets", assets);
    cx
}

/// Up to this many pages, every page's table of contents lists them all.
pub const TOC_FULL: usize = 100;
/// Beyond it, a page lists the pages this far either side of it in reading order, and links to
/// the home page's full list: the full list on every page would make a build quadratic.
pub const TOC_RADIUS: usize = 10;

/// What receives the rendered files, job by job, from the rendering threads: `build` writes them
/// straight to the staging folder, so the whole site is never held in memory.
pub type Sink<'s> = dyn Fn(Vec<OutFile>) -> Result<(), Diagnostic> + Sync + 's;

/// Renders every page and asset of the site into `sink`; returns the paths of the files.
pub fn site_into(
    site: &Site,
    theme: &Theme,
    strings: &Bi<Strings>,
    history: &History,
    sink: &Sink,
) -> Result<Vec<String>, Diagnostics> {
    let mut files = Vec::new();
    let mut assets = serde_json::Map::new();
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
        assets.insert(key.to_string(), Value::String(path.clone()));
        files.push(OutFile {
            path,
            bytes: bytes.clone(),
        });
    }
    let order = reading_order(site);
    let mut place = vec![0; site.pages.len()];
    for (k, &i) in order.iter().enumerate() {
        place[i] = k;
    }
    let assets = Value::Object(assets);
    let base = Bi {
        zh: base_context(site, &strings.zh, &assets, Lang::Zh),
        en: base_context(site, &strings.en, &assets, Lang::En),
    };
    let r = Renderer {
        site,
        theme,
        strings,
        history,
        assets,
        order,
        place,
        base,
    };
    let jobs: Vec<(Lang, Job)> = Lang::ALL
        .iter()
        .flat_map(|&l| r.jobs().into_iter().map(move |j| (l, j)))
        .collect();
    // Each job's files go to the sink from the thread that rendered them; only paths are kept.
    let give = |f: Vec<OutFile>| {
        let paths = f.iter().map(|f| f.path.clone()).collect::<Vec<_>>();
        sink(f).map(|()| paths)
    };
    // The whole-book pages (print editions, search index) are by far the largest: one thread
    // renders them one after another while the others render the rest, so at most one of them
    // is in memory at a time.
    let (whole, rest): (Vec<_>, Vec<_>) = jobs
        .into_iter()
        .partition(|(_, job)| matches!(job, Job::Print { .. } | Job::Search));
    let (whole, rest) = rayon::join(
        || {
            whole
                .iter()
                .map(|(lang, job)| r.run(*lang, job).and_then(give))
                .collect::<Vec<_>>()
        },
        || {
            [Ok(files), r.cover()]
                .into_par_iter()
                .chain(rest.par_iter().map(|(lang, job)| r.run(*lang, job)))
                .map(|f| f.and_then(give))
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

#[derive(Debug, Clone)]
enum Job {
    Home,
    Chapter(usize),
    Parallel(usize),
    Sidebar(usize),
    Sectors,
    Sector(usize),
    Enterprises,
    Enterprise(usize),
    Projects,
    Targets,
    Glossary,
    Search,
    Print { bilingual: bool },
    Data,
    WhatsNew,
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

impl<'a> Renderer<'a> {
    fn jobs(&self) -> Vec<Job> {
        let s = self.site;
        let mut v = vec![
            Job::Home,
            Job::Sectors,
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
        v
    }

    fn run(&self, lang: Lang, job: &Job) -> Result<Vec<OutFile>, Diagnostic> {
        let s = self.site;
        let t = self.strings.get(lang);
        let tr = |k: &str| t.get(k).cloned().unwrap_or_default();
        let one = |path: String,
                   template: &str,
                   kind: &str,
                   title: String,
                   extra: Value,
                   page: Option<usize>|
         -> Result<Vec<OutFile>, Diagnostic> {
            Ok(vec![
                self.page(lang, &path, template, kind, &title, extra, page)?,
            ])
        };
        match job {
            Job::Home => {
                let pre = s.pages.iter().find(|p| p.chapter == 0);
                let preamble = pre
                    .map(|p| json!({"title": p.title.get(lang), "html": p.body.get(lang).html}))
                    .unwrap_or(json!({"title": "", "html": ""}));
                let sectors: Vec<Value> = s.sectors.iter().filter(|x| x.parent.is_none()).map(|x| json!({"name": x.name.get(lang), "url": sector_url(lang, &x.id), "counts": self.counts(lang, x)})).collect();
                let headline: Vec<Value> = s
                    .plan
                    .headline_targets
                    .iter()
                    .filter_map(|id| s.targets.iter().position(|x| &x.record.id == id))
                    .map(|i| self.target_json(lang, i))
                    .collect();
                one(
                    format!("{}/index.html", lang.code()),
                    "home.html",
                    "home",
                    s.plan.title.get(lang).clone(),
                    json!({"preamble": preamble, "sectors": sectors, "headline": headline}),
                    pre.map(|_| usize::MAX),
                )
            }
            Job::Chapter(i) => {
                let p = &s.pages[*i];
                let path = chapter_url(lang, &p.id);
                let body = self.body_html(lang, p, &root_of(&path))?;
                let outline: Vec<Value> = p.body.get(lang).units.iter().filter_map(|u| match u.kind {
                    UnitKind::Heading { level } => Some(json!({"level": level, "anchor": u.anchor, "title": u.text})),
                    UnitKind::Sidebar { number } => s.sidebars.iter().find(|b| b.number == number).map(|b| json!({"level": 2, "anchor": format!("sidebar-{number}"), "title": format!("{} {}", box_label(t, number), b.title.get(lang))})),
                    _ => None,
                }).collect();
                let mut sectors: Vec<usize> = p.sector.into_iter().collect();
                for (si, sec) in s.sectors.iter().enumerate() {
                    if sec.passages.iter().any(|(pi, _)| pi == i) && !sectors.contains(&si) {
                        sectors.push(si);
                    }
                }
                let order = &self.order;
                let pos = self.place[*i];
                let nav = |j: Option<&usize>| {
                    j.map(|&j| json!({"url": chapter_url(lang, &s.pages[j].id), "title": s.pages[j].title.get(lang)}))
                };
                let extra = json!({
                    "page": {
                        "title": p.title.get(lang), "editorial_title": p.editorial_title, "html": body,
                        "parallel_url": parallel_url(lang, &p.id), "outline": outline,
                        "sectors": sectors.iter().map(|&x| self.sector_ref(lang, x)).collect::<Vec<_>>(),
                        "children": p.children.iter().map(|&c| json!({"url": chapter_url(lang, &s.pages[c].id), "title": s.pages[c].title.get(lang)})).collect::<Vec<_>>(),
                    },
                    "prev": nav(if pos > 0 { order.get(pos - 1) } else { None }),
                    "next": nav(order.get(pos + 1)),
                });
                one(
                    path,
                    "chapter.html",
                    "chapter",
                    p.title.get(lang).clone(),
                    extra,
                    Some(*i),
                )
            }
            Job::Parallel(i) => {
                let p = &s.pages[*i];
                let path = parallel_url(lang, &p.id);
                let root = root_of(&path);
                let rows = self.parallel_rows(lang, p, &root)?;
                let extra = json!({"page": {"title": p.title.get(lang), "url": chapter_url(lang, &p.id)}, "rows": rows});
                one(
                    path,
                    "parallel.html",
                    "parallel",
                    format!("{} · {}", p.title.get(lang), tr("side_by_side")),
                    extra,
                    Some(*i),
                )
            }
            Job::Sidebar(i) => {
                let b = &s.sidebars[*i];
                let path = sidebar_url(lang, b.number);
                let html = self.sidebar_box(lang, *i, &root_of(&path))?;
                let page = b.page.map(|pi| &s.pages[pi]);
                let extra = json!({"box": {"label": box_label(t, b.number), "heading": box_heading(t, b.number, b.title.get(lang)), "title": b.title.get(lang), "page_url": page.map(|p| format!("{}#sidebar-{}", chapter_url(lang, &p.id), b.number)), "page_title": page.map(|p| p.title.get(lang)), "count": b.categories.iter().map(|c| c.projects.len()).sum::<usize>()}, "box_html": html});
                one(
                    path,
                    "sidebar.html",
                    "sidebar",
                    box_heading(t, b.number, b.title.get(lang)),
                    extra,
                    b.page,
                )
            }
            Job::Sectors => {
                let tree: Vec<Value> = s.sectors.iter().filter(|x| x.parent.is_none()).map(|x| json!({
                    "name": x.name.get(lang), "url": sector_url(lang, &x.id), "counts": self.counts(lang, x),
                    "children": x.children.iter().map(|&c| json!({"name": s.sectors[c].name.get(lang), "url": sector_url(lang, &s.sectors[c].id), "counts": self.counts(lang, &s.sectors[c])})).collect::<Vec<_>>()
                })).collect();
                one(
                    format!("{}/sectors/index.html", lang.code()),
                    "sectors.html",
                    "sectors",
                    tr("sectors"),
                    json!({"tree": tree}),
                    None,
                )
            }
            Job::Sector(i) => self.sector_page(lang, *i).map(|f| vec![f]),
            Job::Enterprises => {
                let mut alpha: Vec<(String, Value)> = s.enterprises.iter().map(|e| (sort_key(e.name.get(lang), lang), json!({"name": e.name.get(lang), "other_name": e.name.get(lang.other()), "url": enterprise_url(lang, &e.id)}))).collect();
                alpha.sort_by(|a, b| a.0.cmp(&b.0));
                let by_sector: Vec<Value> = s.sectors.iter().filter(|x| !x.enterprises.is_empty()).map(|x| {
                    let mut ents: Vec<(String, Value)> = x.enterprises.iter().map(|&e| (sort_key(s.enterprises[e].name.get(lang), lang), json!({"name": s.enterprises[e].name.get(lang), "url": enterprise_url(lang, &s.enterprises[e].id)}))).collect();
                    ents.sort_by(|a, b| a.0.cmp(&b.0));
                    json!({"id": x.id, "name": x.name.get(lang), "url": sector_url(lang, &x.id), "enterprises": ents.into_iter().map(|e| e.1).collect::<Vec<_>>()})
                }).collect();
                one(
                    format!("{}/enterprises/index.html", lang.code()),
                    "enterprises.html",
                    "enterprises",
                    tr("enterprises"),
                    json!({"alphabetical": alpha.into_iter().map(|a| a.1).collect::<Vec<_>>(), "by_sector": by_sector}),
                    None,
                )
            }
            Job::Enterprise(i) => self.enterprise_page(lang, *i).map(|f| vec![f]),
            Job::Projects => {
                let boxes: Vec<Value> = s.sidebars.iter().map(|b| json!({
                    "number": b.number, "label": box_label(t, b.number), "heading": box_heading(t, b.number, b.title.get(lang)), "title": b.title.get(lang), "url": sidebar_url(lang, b.number),
                    "categories": b.categories.iter().map(|c| json!({"name": c.name.get(lang), "projects": c.projects.iter().map(|&p| {
                        let pr = &s.projects[p];
                        json!({"name": pr.name.get(lang), "url": format!("{}#{}", sidebar_url(lang, pr.sidebar), pr.id), "sectors": pr.sectors.iter().map(|&x| self.sector_ref(lang, x)).collect::<Vec<_>>(), "sector_ids": self.sector_ids_with_parents(&pr.sectors)})
                    }).collect::<Vec<_>>()})).collect::<Vec<_>>()
                })).collect();
                one(
                    format!("{}/projects/index.html", lang.code()),
                    "projects.html",
                    "projects",
                    tr("projects"),
                    json!({"boxes": boxes, "sector_options": self.sector_options(lang)}),
                    None,
                )
            }
            Job::Targets => {
                let path = format!("{}/targets/index.html", lang.code());
                let mut groups = Vec::new();
                for (kind, title) in [
                    (TargetKind::Target, tr("targets_for_2010")),
                    (TargetKind::Baseline, tr("baselines")),
                ] {
                    let rows: Vec<Value> = (0..s.targets.len())
                        .filter(|&i| s.targets[i].record.kind == kind)
                        .map(|i| self.target_json(lang, i))
                        .collect();
                    groups.push(json!({"id": if kind == TargetKind::Target { "targets" } else { "baselines" }, "title": title, "rows": rows}));
                }
                let chart = self.chart(
                    lang,
                    "targets-chart",
                    &(0..s.targets.len()).collect::<Vec<_>>(),
                );
                one(
                    path,
                    "targets.html",
                    "targets",
                    tr("targets"),
                    json!({"groups": groups, "chart": chart}),
                    None,
                )
            }
            Job::Glossary => {
                let terms: Vec<Value> = s.glossary.iter().map(|g| json!({"id": g.id, "zh": g.zh, "en": g.en, "note": g.note.as_ref().map(|n| n.get(lang).clone()).unwrap_or_default()})).collect();
                one(
                    format!("{}/glossary/index.html", lang.code()),
                    "glossary.html",
                    "glossary",
                    tr("glossary"),
                    json!({"terms": terms}),
                    None,
                )
            }
            Job::Search => {
                let page = self.page(
                    lang,
                    &format!("{}/search/index.html", lang.code()),
                    "search.html",
                    "search",
                    &tr("search"),
                    json!({"sector_options": self.sector_options(lang)}),
                    None,
                )?;
                Ok(vec![page, self.search_index(lang)])
            }
            Job::WhatsNew => {
                let changes = self.changes(lang);
                let page = self.page(
                    lang,
                    &format!("{}/whats-new/index.html", lang.code()),
                    "whatsnew.html",
                    "whatsnew",
                    &tr("whats_new"),
                    json!({"changes": changes, "feed": format!("{}/feed.xml", lang.code())}),
                    None,
                )?;
                Ok(vec![page, self.feed(lang, &changes)])
            }
            Job::Data => {
                let tables: Vec<Value> = [("enterprises", s.enterprises.len()), ("sectors", s.sectors.len()), ("projects", s.projects.len()), ("targets", s.targets.len())]
                    .iter()
                    .map(|(name, n)| json!({"name": name, "title": tr(name), "count": n, "json": format!("data/{name}.json"), "csv": format!("data/{name}.csv")}))
                    .collect();
                one(
                    format!("{}/data/index.html", lang.code()),
                    "data.html",
                    "data",
                    tr("data_downloads"),
                    json!({"tables": tables}),
                    None,
                )
            }
            Job::Print { bilingual } => {
                let path = if *bilingual {
                    format!("{}/print/bilingual/index.html", lang.code())
                } else {
                    format!("{}/print/index.html", lang.code())
                };
                let root = root_of(&path);
                let mut chapters = Vec::with_capacity(self.order.len());
                for &i in &self.order {
                    let p = &s.pages[i];
                    let rows = if *bilingual {
                        self.parallel_rows(lang, p, &root)?
                    } else {
                        vec![]
                    };
                    let mut chapter = json!({"id": p.id, "title": p.title.get(lang), "html": self.body_html(lang, p, &root)?});
                    chapter["rows"] = Value::Array(rows);
                    chapters.push(chapter);
                }
                let (other, switch) = if *bilingual {
                    (
                        format!("{}/print/index.html", lang.code()),
                        tr("print_single"),
                    )
                } else {
                    (
                        format!("{}/print/bilingual/index.html", lang.code()),
                        tr("print_bilingual"),
                    )
                };
                let title = if *bilingual {
                    tr("print_bilingual")
                } else {
                    tr("print_edition")
                };
                // The whole book: moved into the context, not copied by `json!`.
                let mut extra = json!({"bilingual": bilingual, "other_print_url": other, "print_switch": switch});
                extra["chapters"] = Value::Array(chapters);
                one(path, "print.html", "print", title, extra, None)
            }
        }
    }

    /// Recent changes to the content, from git: date, summary, and the pages they touched.
    fn changes(&self, lang: Lang) -> Vec<Value> {
        let s = self.site;
        let page_of = |file: &str| -> Option<(String, String)> {
            if let Some(p) = s.pages.iter().find(|p| {
                [
                    p.source.zh.display.to_string_lossy(),
                    p.source.en.display.to_string_lossy(),
                    p.meta_path.to_string_lossy(),
                ]
                .iter()
                .any(|x| x == file)
            }) {
                return Some((chapter_url(lang, &p.id), p.title.get(lang).clone()));
            }
            if let Some(b) = s.sidebars.iter().find(|b| b.path.to_string_lossy() == file) {
                return Some((
                    sidebar_url(lang, b.number),
                    box_heading(self.strings.get(lang), b.number, b.title.get(lang)),
                ));
            }
            let t = self.strings.get(lang);
            let named = |k: &str, url: &str| {
                Some((
                    format!("{}/{url}", lang.code()),
                    t.get(k).cloned().unwrap_or_default(),
                ))
            };
            match file {
                "content/enterprises.yaml" => named("enterprises", "enterprises/index.html"),
                "content/sectors.yaml" => named("sectors", "sectors/index.html"),
                "content/targets.yaml" => named("targets", "targets/index.html"),
                "content/glossary.yaml" => named("glossary", "glossary/index.html"),
                _ => None,
            }
        };
        self.history
            .commits
            .iter()
            .filter_map(|c| {
                let mut pages: Vec<(String, String)> = c.files.iter().filter_map(|f| page_of(f)).collect();
                pages.dedup();
                (!pages.is_empty()).then(|| json!({"date": c.date, "summary": c.subject, "id": c.id, "pages": pages.into_iter().map(|(url, title)| json!({"url": url, "title": title})).collect::<Vec<_>>()}))
            })
            .take(50)
            .collect()
    }

    /// An Atom feed of the recent changes.
    fn feed(&self, lang: Lang, changes: &[Value]) -> OutFile {
        let s = self.site;
        let base = s
            .config
            .output
            .html
            .site_url
            .clone()
            .map(|u| if u.ends_with('/') { u } else { format!("{u}/") });
        let abs = |path: &str| match &base {
            Some(b) => format!("{b}{path}"),
            None => format!("urn:planbook:{path}"),
        };
        let updated = changes
            .first()
            .and_then(|c| c["date"].as_str())
            .unwrap_or("1970-01-01");
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{} · {}</title>\n  <id>{}</id>\n  <updated>{updated}T00:00:00Z</updated>\n  <link rel=\"self\" href=\"{}\"/>\n  <link rel=\"alternate\" href=\"{}\"/>\n",
            lang.html_lang(),
            escape::xml(s.config.book.title.get(lang)),
            escape::xml(
                self.strings
                    .get(lang)
                    .get("whats_new")
                    .map(String::as_str)
                    .unwrap_or("")
            ),
            escape::xml(&abs(&format!("{}/feed.xml", lang.code()))),
            escape::xml(&abs(&format!("{}/feed.xml", lang.code()))),
            escape::xml(&abs(&format!("{}/whats-new/index.html", lang.code()))),
        );
        for c in changes {
            let id = c["id"].as_str().unwrap_or("");
            let date = c["date"].as_str().unwrap_or("1970-01-01");
            let mut list = String::new();
            for p in c["pages"].as_array().into_iter().flatten() {
                list.push_str(&format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    escape::html(&abs(p["url"].as_str().unwrap_or(""))),
                    escape::html(p["title"].as_str().unwrap_or(""))
                ));
            }
            let link = c["pages"][0]["url"].as_str().map(&abs).unwrap_or_default();
            xml.push_str(&format!(
                "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <updated>{date}T00:00:00Z</updated>\n    <link href=\"{}\"/>\n    <content type=\"html\">{}</content>\n  </entry>\n",
                escape::xml(c["summary"].as_str().unwrap_or("")),
                escape::xml(&abs(&format!("{}/whats-new/index.html#{id}", lang.code()))),
                escape::xml(&link),
                escape::xml(&format!("<ul>{list}</ul>")),
            ));
        }
        xml.push_str("</feed>\n");
        OutFile {
            path: format!("{}/feed.xml", lang.code()),
            bytes: xml.into_bytes(),
        }
    }

    fn counts(&self, lang: Lang, x: &crate::resolve::Sector) -> String {
        let t = self.strings.get(lang);
        let all = self.sector_family(x);
        let ents: std::collections::BTreeSet<usize> = all
            .iter()
            .flat_map(|&i| self.site.sectors[i].enterprises.iter().copied())
            .collect();
        let projects: std::collections::BTreeSet<usize> = all
            .iter()
            .flat_map(|&i| self.site.sectors[i].projects.iter().copied())
            .collect();
        format!(
            "{} {} · {} {}",
            ents.len(),
            t.get("enterprises_count").cloned().unwrap_or_default(),
            projects.len(),
            t.get("projects_count").cloned().unwrap_or_default()
        )
    }

    /// A sector and its descendants.
    fn sector_family(&self, x: &crate::resolve::Sector) -> Vec<usize> {
        let me = self
            .site
            .sectors
            .iter()
            .position(|s| s.id == x.id)
            .unwrap_or(0);
        let mut v = vec![me];
        let mut i = 0;
        while i < v.len() {
            v.extend(self.site.sectors[v[i]].children.iter().copied());
            i += 1;
        }
        v
    }

    fn sector_ref(&self, lang: Lang, i: usize) -> Value {
        let x = &self.site.sectors[i];
        json!({"id": x.id, "name": x.name.get(lang), "url": sector_url(lang, &x.id)})
    }

    fn sector_ids_with_parents(&self, secs: &[usize]) -> String {
        let mut ids: Vec<&str> = Vec::new();
        for &s in secs {
            let mut cur = Some(s);
            while let Some(c) = cur {
                if !ids.contains(&self.site.sectors[c].id.as_str()) {
                    ids.push(&self.site.sectors[c].id);
                }
                cur = self.site.sectors[c].parent;
            }
        }
        ids.join(" ")
    }

    fn sector_options(&self, lang: Lang) -> Vec<Value> {
        let mut v = Vec::new();
        for (i, x) in self
            .site
            .sectors
            .iter()
            .enumerate()
            .filter(|(_, x)| x.parent.is_none())
        {
            v.push(json!({"id": x.id, "name": x.name.get(lang)}));
            for &c in &self.site.sectors[i].children {
                v.push(json!({"id": self.site.sectors[c].id, "name": format!("— {}", self.site.sectors[c].name.get(lang))}));
            }
        }
        v
    }

    fn target_json(&self, lang: Lang, i: usize) -> Value {
        let s = self.site;
        let x = &s.targets[i];
        let r = &x.record;
        let mut display = numbers::display(r.value, &r.unit.zh, &r.unit.en, lang);
        if let Some(q) = &r.qualifier {
            display = match lang {
                Lang::Zh => format!("{display}{}", q.zh),
                Lang::En => format!("{} {display}", q.en),
            };
        }
        json!({
            "id": r.id, "label": r.label.get(lang), "display": display, "value": r.value,
            "year": r.year, "kind": self.strings.get(lang).get(if r.kind == TargetKind::Target { "kind_target" } else { "kind_baseline" }),
            "sector": x.sector.map(|si| self.sector_ref(lang, si)),
            "source_url": format!("{}#{}", chapter_url(lang, &s.pages[x.page].id), r.source.anchor),
        })
    }

    /// Baseline-vs-target pairs, then percentage targets, as SVG bar charts.
    fn chart(&self, lang: Lang, id: &str, targets: &[usize]) -> String {
        let s = self.site;
        let t = self.strings.get(lang);
        let mut pairs: BTreeMap<String, Vec<chart::Row>> = BTreeMap::new();
        let mut percents = Vec::new();
        for &i in targets {
            let r = &s.targets[i].record;
            if let Some(b) = r
                .baseline
                .as_ref()
                .and_then(|b| s.targets.iter().find(|x| &x.record.id == b))
            {
                let br = &b.record;
                pairs
                    .entry(r.unit.get(lang).clone())
                    .or_default()
                    .push(chart::Row {
                        label: r.label.get(lang).clone(),
                        bars: vec![
                            chart::Bar {
                                value: br.value,
                                text: format!(
                                    "{} ({})",
                                    numbers::display(br.value, &br.unit.zh, &br.unit.en, lang),
                                    br.year.map(|y| y.to_string()).unwrap_or_default()
                                ),
                                class: "bar-base",
                            },
                            chart::Bar {
                                value: r.value,
                                text: format!(
                                    "{} ({})",
                                    numbers::display(r.value, &r.unit.zh, &r.unit.en, lang),
                                    r.year.map(|y| y.to_string()).unwrap_or_default()
                                ),
                                class: "bar-target",
                            },
                        ],
                    });
            } else if r.kind == TargetKind::Target && r.unit.zh == "%" {
                percents.push(chart::Row {
                    label: r.label.get(lang).clone(),
                    bars: vec![chart::Bar {
                        value: r.value,
                        text: numbers::display(r.value, "%", "%", lang),
                        class: "bar-target",
                    }],
                });
            }
        }
        let base = t.get("chart_baseline").cloned().unwrap_or_default();
        let target = t.get("chart_target").cloned().unwrap_or_default();
        let mut out = String::new();
        for (k, (unit, rows)) in pairs.iter().enumerate() {
            let title = format!(
                "{} ({unit})",
                t.get("chart_pairs").cloned().unwrap_or_default()
            );
            out.push_str(&chart::bars(
                &format!("{id}-p{k}"),
                &title,
                &[("bar-base", &base), ("bar-target", &target)],
                rows,
            ));
        }
        out.push_str(&chart::bars(
            &format!("{id}-pct"),
            &t.get("chart_percent").cloned().unwrap_or_default(),
            &[],
            &percents,
        ));
        out
    }

    fn sector_page(&self, lang: Lang, i: usize) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let x = &s.sectors[i];
        let path = sector_url(lang, &x.id);
        let root = root_of(&path);
        let family = self.sector_family(x);
        let mut passages = Vec::new();
        for &f in &family {
            for (pi, units) in &s.sectors[f].passages {
                let p = &s.pages[*pi];
                let us = &p.body.get(lang).units;
                let mut html = String::new();
                for &u in units {
                    let Some(unit) = us.get(u) else { continue };
                    match unit.kind {
                        UnitKind::Heading { .. } => {
                            html.push_str(&format!("<h3>{}</h3>", unit.html))
                        }
                        UnitKind::Sidebar { .. } => {}
                        _ => html.push_str(&format!("<p>{}</p>", unit.html)),
                    }
                }
                let anchor = us
                    .get(units[0])
                    .map(|u| u.anchor.clone())
                    .unwrap_or_default();
                passages.push(json!({"html": html.replace(ROOT, &root), "url": format!("{}#{}", chapter_url(lang, &p.id), anchor), "page_title": p.title.get(lang)}));
            }
        }
        let pages: Vec<Value> = x.pages.iter().map(|&p| json!({"url": chapter_url(lang, &s.pages[p].id), "title": s.pages[p].title.get(lang)})).collect();
        let targets: Vec<usize> = family
            .iter()
            .flat_map(|&f| s.sectors[f].targets.iter().copied())
            .collect();
        let mut projects: Vec<usize> = family
            .iter()
            .flat_map(|&f| s.sectors[f].projects.iter().copied())
            .collect();
        projects.sort();
        projects.dedup();
        let mut ents: Vec<usize> = family
            .iter()
            .flat_map(|&f| s.sectors[f].enterprises.iter().copied())
            .collect();
        ents.sort();
        ents.dedup();
        let mut ents: Vec<(String, Value)> = ents.iter().map(|&e| (sort_key(s.enterprises[e].name.get(lang), lang), json!({"name": s.enterprises[e].name.get(lang), "url": enterprise_url(lang, &s.enterprises[e].id)}))).collect();
        ents.sort_by(|a, b| a.0.cmp(&b.0));
        let t = self.strings.get(lang);
        let extra = json!({"sector": {
            "name": x.name.get(lang), "other_name": x.name.get(lang.other()),
            "parent": x.parent.map(|p| self.sector_ref(lang, p)),
            "children": x.children.iter().map(|&c| self.sector_ref(lang, c)).collect::<Vec<_>>(),
            "pages": pages, "passages": passages,
            "targets": targets.iter().map(|&ti| self.target_json(lang, ti)).collect::<Vec<_>>(),
            "chart": self.chart(lang, &format!("chart-{}", x.id), &targets),
            "projects": projects.iter().map(|&p| { let pr = &s.projects[p]; json!({"name": pr.name.get(lang), "url": format!("{}#{}", sidebar_url(lang, pr.sidebar), pr.id), "box": box_label(t, pr.sidebar)}) }).collect::<Vec<_>>(),
            "enterprises": ents.into_iter().map(|e| e.1).collect::<Vec<_>>(),
        }});
        self.page(
            lang,
            &path,
            "sector.html",
            "sector",
            x.name.get(lang),
            extra,
            None,
        )
    }

    fn enterprise_page(&self, lang: Lang, i: usize) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let e = &s.enterprises[i];
        let path = enterprise_url(lang, &e.id);
        let t = self.strings.get(lang);
        let mut names: Vec<&String> = vec![e.name.get(lang)];
        names.extend(e.aliases.get(lang).iter());
        let mentions: Vec<Value> = e.mentions.iter().map(|(pi, anchor)| {
            let p = &s.pages[*pi];
            let text = p.body.get(lang).units.iter().find(|u| &u.anchor == anchor).map(|u| u.text.as_str()).unwrap_or("");
            json!({"url": format!("{}#{}", chapter_url(lang, &p.id), anchor), "page_title": p.title.get(lang), "excerpt": excerpt(text, &names)})
        }).collect();
        let mut aliases: Vec<String> = e.aliases.zh.clone();
        aliases.extend(e.aliases.en.iter().cloned());
        let extra = json!({"ent": {
            "name": e.name.get(lang), "other_name": e.name.get(lang.other()), "aliases": aliases,
            "sectors": e.sectors.iter().map(|&x| self.sector_ref(lang, x)).collect::<Vec<_>>(),
            "projects": e.projects.iter().map(|&p| { let pr = &s.projects[p]; json!({"name": pr.name.get(lang), "url": format!("{}#{}", sidebar_url(lang, pr.sidebar), pr.id), "box": box_label(t, pr.sidebar)}) }).collect::<Vec<_>>(),
            "mentions": mentions,
        }});
        self.page(
            lang,
            &path,
            "enterprise.html",
            "enterprise",
            e.name.get(lang),
            extra,
            None,
        )
    }

    /// A chapter's body with its 专栏 boxes in place and links made relative to `root`.
    fn body_html(&self, lang: Lang, p: &Page, root: &str) -> Result<String, Diagnostic> {
        let mut html = p.body.get(lang).html.clone();
        if lang == Lang::En {
            let badge = self
                .strings
                .en
                .get("awaiting_translation")
                .cloned()
                .unwrap_or_default();
            for anchor in &p.stale {
                for tag in ["p", "li", "h2", "h3", "h4", "h5"] {
                    let open = format!("<{tag} id=\"{anchor}\">");
                    html = html.replace(&open, &format!("<{tag} id=\"{anchor}\" class=\"stale\"><span class=\"stale-badge\">{}</span> ", escape::html(&badge)));
                }
            }
        }
        for u in &p.body.get(lang).units {
            if let UnitKind::Sidebar { number } = u.kind
                && let Some(bi) = self.site.sidebars.iter().position(|b| b.number == number)
            {
                html = html.replace(&sidebar_marker(number), &self.sidebar_box(lang, bi, root)?);
            }
        }
        Ok(html.replace(ROOT, root))
    }

    fn sidebar_box(&self, lang: Lang, i: usize, root: &str) -> Result<String, Diagnostic> {
        let s = self.site;
        let b = &s.sidebars[i];
        let t = self.strings.get(lang);
        let categories: Vec<Value> = b.categories.iter().map(|c| json!({"id": c.id, "name": c.name.get(lang), "projects": c.projects.iter().map(|&p| {
            let pr = &s.projects[p];
            json!({"id": pr.id, "name": pr.name.get(lang), "note": pr.note.as_ref().map(|n| n.get(lang).clone()),
                   "enterprises": pr.enterprises.iter().map(|&e| json!({"name": s.enterprises[e].name.get(lang), "url": enterprise_url(lang, &s.enterprises[e].id)})).collect::<Vec<_>>()})
        }).collect::<Vec<_>>()})).collect();
        let mut cx = tera::Context::new();
        cx.insert("box", &json!({"number": b.number, "label": box_label(t, b.number), "heading": box_heading(t, b.number, b.title.get(lang)), "title": b.title.get(lang), "url": sidebar_url(lang, b.number), "categories": categories}));
        cx.insert("root", root);
        cx.insert("t", t);
        cx.insert("lang", lang.code());
        self.render_template("sidebar_box.html", &cx)
    }

    fn parallel_rows(&self, lang: Lang, p: &Page, root: &str) -> Result<Vec<Value>, Diagnostic> {
        let first = p.body.get(lang);
        let second = p.body.get(lang.other());
        let mut rows = Vec::with_capacity(first.units.len());
        for u in &first.units {
            let twin = second.units.iter().find(|v| v.anchor == u.anchor);
            let (level, boxed) = match u.kind {
                UnitKind::Heading { level } => (Some(level), false),
                UnitKind::Sidebar { .. } => (None, true),
                _ => (None, false),
            };
            let (a, b) = if let UnitKind::Sidebar { number } = u.kind {
                let bi = self.site.sidebars.iter().position(|x| x.number == number);
                match bi {
                    Some(bi) => (
                        self.sidebar_box(lang, bi, root)?.replace(
                            &format!("id=\"sidebar-{number}"),
                            &format!("id=\"{}-sidebar-{number}", lang.code()),
                        ),
                        self.sidebar_box(lang.other(), bi, root)?.replace(
                            &"id=\"".to_string(),
                            &format!("id=\"{}-", lang.other().code()),
                        ),
                    ),
                    None => (String::new(), String::new()),
                }
            } else {
                (
                    u.html.replace(ROOT, root),
                    twin.map(|v| v.html.replace(ROOT, root)).unwrap_or_default(),
                )
            };
            let kind = match u.kind {
                UnitKind::Heading { .. } => "heading",
                UnitKind::Sidebar { .. } => "box",
                UnitKind::Item => "item",
                UnitKind::Paragraph => "paragraph",
            };
            rows.push(json!({"anchor": u.anchor, "kind": kind, "level": level, "box": boxed, "first": a, "second": b, "first_lang": lang.html_lang(), "second_lang": lang.other().html_lang()}));
        }
        Ok(rows)
    }

    fn search_index(&self, lang: Lang) -> OutFile {
        let s = self.site;
        let mut passages = Vec::new();
        for (order, &i) in self.order.iter().enumerate() {
            let p = &s.pages[i];
            for u in &p.body.get(lang).units {
                if u.text.trim().is_empty() {
                    continue;
                }
                let mut secs: Vec<usize> = p.sector.into_iter().collect();
                for (si, sec) in s.sectors.iter().enumerate() {
                    if sec.passages.iter().any(|(pi, units)| {
                        *pi == i
                            && units.iter().any(|&k| {
                                p.body.zh.units.get(k).is_some_and(|z| z.anchor == u.anchor)
                            })
                    }) {
                        secs.push(si);
                    }
                }
                passages.push(json!({"url": format!("{}#{}", chapter_url(lang, &p.id), u.anchor), "title": p.title.get(lang), "text": u.text, "sectors": self.sector_ids_with_parents(&secs).split(' ').filter(|x| !x.is_empty()).collect::<Vec<_>>(), "order": order}));
            }
        }
        for b in &s.sidebars {
            for c in &b.categories {
                for &pi in &c.projects {
                    let pr = &s.projects[pi];
                    passages.push(json!({"url": format!("{}#{}", sidebar_url(lang, b.number), pr.id), "title": box_heading(self.strings.get(lang), b.number, b.title.get(lang)), "text": format!("{}：{}", c.name.get(lang), pr.name.get(lang)).replace("：", if lang == Lang::En { ": " } else { "：" }), "sectors": self.sector_ids_with_parents(&pr.sectors).split(' ').filter(|x| !x.is_empty()).collect::<Vec<_>>(), "order": 10_000 + pi}));
                }
            }
        }
        // Moved in, not copied by `json!`: the index is large for a large book.
        let mut index = json!({"lang": lang.code()});
        index["passages"] = Value::Array(passages);
        let bytes = serde_json::to_vec(&index).unwrap_or_default();
        OutFile {
            path: format!("{}/search/index.json", lang.code()),
            bytes,
        }
    }

    /// The context every page shares, plus the page's own values.
    #[allow(clippy::too_many_arguments)]
    fn page(
        &self,
        lang: Lang,
        path: &str,
        template: &str,
        kind: &str,
        title: &str,
        extra: Value,
        current: Option<usize>,
    ) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let root = root_of(path);
        let rest = path.split_once('/').map(|(_, r)| r).unwrap_or(path);
        let twin = format!("{}/{rest}", lang.other().code());
        // What every page of this language shares was serialised once; cloning it is cheaper.
        let mut cx = self.base.get(lang).clone();
        cx.insert("root", &root);
        cx.insert("self_path", path);
        cx.insert("twin_path", &twin);
        cx.insert("title", title);
        cx.insert("kind", kind);
        let mut own = serde_json::Map::new();
        own.insert(
            "toc".into(),
            Value::Array(self.toc(lang, current, kind == "home")),
        );
        own.insert(
            "breadcrumbs".into(),
            Value::Array(self.breadcrumbs(lang, kind, title, current)),
        );
        if let Ok(own) = tera::Context::from_value(Value::Object(own)) {
            cx.extend(own);
        }
        let (updated, edit) = match current.and_then(|c| s.pages.get(c)) {
            Some(p) => {
                let src = p
                    .source
                    .get(lang)
                    .display
                    .to_string_lossy()
                    .replace('\\', "/");
                (
                    self.history
                        .last_changed(&[&src, &p.meta_path.to_string_lossy()]),
                    s.config
                        .output
                        .html
                        .edit_url_template
                        .as_ref()
                        .map(|tpl| tpl.replace("{path}", &src)),
                )
            }
            None => (None, None),
        };
        cx.insert("updated", &updated);
        cx.insert("edit_url", &edit);
        // Moved into the context without a copy.
        if let Ok(extra) = tera::Context::from_value(extra) {
            cx.extend(extra);
        }
        let html = self.render_template(template, &cx)?;
        Ok(OutFile {
            path: path.to_string(),
            bytes: html.into_bytes(),
        })
    }

    fn render_template(&self, template: &str, cx: &tera::Context) -> Result<String, Diagnostic> {
        self.theme.tera.render(template, cx).map_err(|e| {
            let chain = error_chain(&e);
            let detail = chain.lines().last().unwrap_or("").trim().to_string();
            Diagnostic::error(format!("themes/{}/templates/{template}", self.site.config.output.html.theme), "template", format!("cannot render template `{template}`: {detail}"))
                .hint("check the variable names used in the template; every value a page offers is listed in the guide")
        })
    }

    /// The table of contents: every page when there are at most `TOC_FULL` (and always on the
    /// home page); otherwise the `TOC_RADIUS` pages either side of `current` in reading order
    /// (with the top-level page of any part shown), and entries marked `more` linking to the
    /// home page's full list where pages are left out.
    fn toc(&self, lang: Lang, current: Option<usize>, full: bool) -> Vec<Value> {
        let s = self.site;
        let n = self.order.len();
        let (lo, hi) = if full || n <= TOC_FULL {
            (0, n)
        } else {
            let width = 2 * TOC_RADIUS + 1;
            let at = current
                .and_then(|c| self.place.get(c).copied())
                .unwrap_or(0);
            let lo = at.saturating_sub(TOC_RADIUS).min(n - width);
            (lo, lo + width)
        };
        let entry = |i: usize| json!({"title": s.pages[i].title.get(lang), "url": chapter_url(lang, &s.pages[i].id), "current": current == Some(i)});
        let more = || {
            let t = self.strings.get(lang);
            json!({"id": "", "more": true, "title": format!("{} …", t.get("chapters").map(String::as_str).unwrap_or("")), "url": format!("{}/index.html#chapters-h", lang.code()), "current": false, "children": []})
        };
        let mut out: Vec<Value> = Vec::new();
        if lo > 0 {
            out.push(more());
        }
        // Top-level pages in the window, each with its parts in the window.
        let mut last_top = None;
        for &i in &self.order[lo..hi] {
            let top = s.pages[i].parent.unwrap_or(i);
            if last_top != Some(top) {
                let p = &s.pages[top];
                out.push(json!({"id": p.id, "title": p.title.get(lang), "url": chapter_url(lang, &p.id), "current": current == Some(top), "children": []}));
                last_top = Some(top);
            }
            if i != top
                && let Some(Value::Array(children)) =
                    out.last_mut().and_then(|e| e.get_mut("children"))
            {
                children.push(entry(i));
            }
        }
        if hi < n {
            out.push(more());
        }
        out
    }

    fn breadcrumbs(
        &self,
        lang: Lang,
        kind: &str,
        title: &str,
        current: Option<usize>,
    ) -> Vec<Value> {
        let s = self.site;
        let t = self.strings.get(lang);
        if kind == "home" {
            return vec![];
        }
        let mut v =
            vec![json!({"title": t.get("home"), "url": format!("{}/index.html", lang.code())})];
        let section = match kind {
            "sector" => Some(("sectors", "sectors/index.html")),
            "enterprise" => Some(("enterprises", "enterprises/index.html")),
            "sidebar" => Some(("projects", "projects/index.html")),
            _ => None,
        };
        if let Some((k, u)) = section {
            v.push(json!({"title": t.get(k), "url": format!("{}/{u}", lang.code())}));
        }
        if let Some(c) = current.and_then(|c| s.pages.get(c)) {
            if let Some(p) = c.parent {
                v.push(json!({"title": s.pages[p].title.get(lang), "url": chapter_url(lang, &s.pages[p].id)}));
            }
            if kind == "parallel" || kind == "sidebar" {
                v.push(json!({"title": c.title.get(lang), "url": chapter_url(lang, &c.id)}));
            }
        }
        v.push(json!({"title": title, "url": null}));
        v
    }

    fn cover(&self) -> Result<Vec<OutFile>, Diagnostic> {
        let s = self.site;
        let mut cx = tera::Context::new();
        cx.insert("html_lang", "zh-CN");
        cx.insert("site", &json!({
            "title_zh": s.config.book.title.zh, "title_en": s.config.book.title.en,
            "description_zh": s.config.book.description.as_ref().map(|d| d.zh.clone()).unwrap_or_default(),
            "description_en": s.config.book.description.as_ref().map(|d| d.en.clone()).unwrap_or_default(),
        }));
        cx.insert("t_zh", &self.strings.zh);
        cx.insert("t_en", &self.strings.en);
        cx.insert("assets", &self.assets);
        let base = s
            .config
            .output
            .html
            .site_url
            .as_deref()
            .and_then(|u| u.split_once("://").map(|(_, r)| r))
            .and_then(|r| r.find('/').map(|i| r[i..].to_string()))
            .unwrap_or_else(|| "/".into());
        let base = if base.ends_with('/') {
            base
        } else {
            format!("{base}/")
        };
        cx.insert("base", &base);
        Ok(vec![
            OutFile {
                path: "index.html".into(),
                bytes: self.render_template("cover.html", &cx)?.into_bytes(),
            },
            OutFile {
                path: "404.html".into(),
                bytes: self.render_template("404.html", &cx)?.into_bytes(),
            },
        ])
    }
}

/// "专栏1先进制造业重点建设项目" / "Box 1: Key Construction Projects ...", as the plan heads a box.
fn box_heading(t: &Strings, n: u32, title: &str) -> String {
    t.get("box_heading")
        .map(|l| l.replace("{n}", &n.to_string()).replace("{title}", title))
        .unwrap_or_else(|| format!("{n} {title}"))
}

/// "专栏1" / "Box 1".
fn box_label(t: &Strings, n: u32) -> String {
    t.get("box_label")
        .map(|l| l.replace("{n}", &n.to_string()))
        .unwrap_or_else(|| n.to_string())
}

/// Sort key: pinyin (tone-less, letter by letter) for Chinese, case-folded text for English.
pub fn sort_key(name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => name.to_lowercase(),
        Lang::Zh => {
            use pinyin::ToPinyin;
            let mut k = String::new();
            for c in name.chars() {
                match c.to_pinyin() {
                    Some(p) => {
                        k.push_str(p.plain());
                        k.push(' ');
                    }
                    None => k.extend(c.to_lowercase()),
                }
            }
            k
        }
    }
}

/// A short excerpt of `text` around the first of `names` found in it.
pub fn excerpt(text: &str, names: &[&String]) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= 180 {
        return text.to_string();
    }
    let pos = names
        .iter()
        .filter_map(|n| text.find(n.as_str()))
        .min()
        .map(|b| text[..b].chars().count())
        .unwrap_or(0);
    let mut start = pos.saturating_sub(60);
    let mut end = (pos + 120).min(chars.len());
    // In Latin script, do not cut a word in two: move the cuts to the nearest spaces.
    let in_word = |i: usize| {
        i > 0
            && i < chars.len()
            && chars[i - 1].is_ascii_alphanumeric()
            && chars[i].is_ascii_alphanumeric()
    };
    while start < pos && in_word(start) {
        start += 1;
    }
    while end > pos && in_word(end) {
        end -= 1;
    }
    let mut s: String = chars[start..end]
        .iter()
        .collect::<String>()
        .trim()
        .to_string();
    if start > 0 {
        s = format!("…{s}");
    }
    if end < chars.len() {
        s.push('…');
    }
    s
}

/// Escaped text for HTML built outside templates.
pub fn text(s: &str) -> String {
    escape::html(s)
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

    #[test]
    fn chinese_sorts_by_pinyin() {
        let mut v = vec!["哈药集团", "阿城", "东北轻合金"];
        v.sort_by_key(|n| sort_key(n, Lang::Zh));
        assert_eq!(v, ["阿城", "东北轻合金", "哈药集团"]);
    }

    #[test]
    fn english_excerpts_cut_between_words() {
        let text = format!(
            "{} Harbin Bearing Group {}",
            "word ".repeat(40),
            "more ".repeat(40)
        );
        let name = "Harbin Bearing Group".to_string();
        let e = excerpt(&text, &[&name]);
        assert!(
            e.starts_with("…word ") && e.ends_with(" more…") || e.ends_with("more…"),
            "{e}"
        );
        assert!(!e.contains("…ord") && !e.contains("mor…"), "{e}");
    }

    #[test]
    fn excerpt_centres_on_the_name() {
        let text = format!("{}哈药{}", "甲".repeat(200), "乙".repeat(200));
        let name = "哈药".to_string();
        let e = excerpt(&text, &[&name]);
        assert!(e.starts_with('…') && e.ends_with('…') && e.contains("哈药"));
        assert!(e.chars().count() < 190);
    }
}
