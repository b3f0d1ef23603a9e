//! Search: the search page, and the per-language index it loads piece by piece
//! (`{lang}/search/`, see `search/index.rs`): every enterprise (each name and alias in both
//! languages), sector, glossary term and target, every passage of the text and every 专栏 item.

mod index;

use super::frame::PageSpec;
use super::parts::{SectorOption, box_heading};
use super::{OutFile, Renderer, chapter_url, enterprise_url, sector_url, sidebar_url};
use crate::diag::Diagnostic;
use crate::model::Lang;
use crate::resolve::Enterprise;
use index::Item;
use serde::Serialize;
use std::collections::HashMap;

/// `search.html`'s own values.
#[derive(Serialize)]
struct SearchView {
    sector_options: Vec<SectorOption>,
}

/// The kind an enterprise is listed as. Enterprises carry no kind of their own yet; when the
/// model gains one (company, partner, product, ...), return it here and give each kind an
/// interface string `search_kind_{kind}`.
fn enterprise_kind(_e: &Enterprise) -> &'static str {
    "enterprise"
}

impl Renderer<'_> {
    /// `{lang}/search/index.html` and the files of `{lang}/search/`'s index.
    pub(super) fn search(&self, lang: Lang) -> Result<Vec<OutFile>, Diagnostic> {
        let view = SearchView {
            sector_options: self.sector_options(lang),
        };
        let spec = PageSpec {
            path: format!("{}/search/index.html", lang.code()),
            template: "search.html",
            kind: "search",
            title: self.tr(lang, "search"),
            current: None,
        };
        let mut files = vec![self.page(lang, spec, &view)?];
        files.extend(self.search_index(lang));
        Ok(files)
    }

    /// The index files. Both languages' items decide the layout, so that each file has its twin.
    fn search_index(&self, lang: Lang) -> Vec<OutFile> {
        let items = self.search_items(lang);
        let other = self.search_items(lang.other());
        let layout = index::layout(&[&items, &other]);
        index::files(lang.code(), &items, &layout)
            .into_iter()
            .map(|f| OutFile {
                path: format!("{}/search/{}", lang.code(), f.path),
                bytes: f.bytes,
            })
            .collect()
    }

    /// Items in rank order: records (enterprises, sectors, terms, targets), then the passages
    /// in reading order, then the 专栏 items.
    fn search_items(&self, lang: Lang) -> Vec<Item> {
        let mut items = self.enterprise_items(lang);
        items.extend(self.sector_items(lang));
        items.extend(self.term_items(lang));
        items.extend(self.target_items(lang));
        items.extend(self.text_items(lang));
        items.extend(self.project_items(lang));
        items
    }

    /// The sector ids of `secs` with their ancestors.
    fn sector_id_list(&self, secs: &[usize]) -> Vec<String> {
        self.sector_ids_with_parents(secs)
            .split(' ')
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    }

    /// A record known by `names` (this language's first), its other names as its text.
    fn record(&self, lang: Lang, kind: &'static str, names: Vec<String>, url: String) -> Item {
        let title = names.first().cloned().unwrap_or_default();
        Item {
            kind,
            label: self.tr(lang, &format!("search_kind_{kind}")),
            text: names[1.min(names.len())..].join(" · "),
            title,
            url,
            names,
            ..Item::default()
        }
    }

    /// Every enterprise under every name and alias, in both languages.
    fn enterprise_items(&self, lang: Lang) -> Vec<Item> {
        let other = lang.other();
        self.site
            .enterprises
            .iter()
            .map(|e| {
                let mut names = vec![e.name.get(lang).clone(), e.name.get(other).clone()];
                names.extend(e.aliases.get(lang).iter().cloned());
                names.extend(e.aliases.get(other).iter().cloned());
                let mut item =
                    self.record(lang, enterprise_kind(e), names, enterprise_url(lang, &e.id));
                item.sectors = self.sector_id_list(&e.sectors);
                item
            })
            .collect()
    }

    fn sector_items(&self, lang: Lang) -> Vec<Item> {
        let other = lang.other();
        (0..self.site.sectors.len())
            .map(|i| {
                let x = &self.site.sectors[i];
                let names = vec![x.name.get(lang).clone(), x.name.get(other).clone()];
                let mut item = self.record(lang, "sector", names, sector_url(lang, &x.id));
                item.sectors = self.sector_id_list(&[i]);
                item
            })
            .collect()
    }

    /// Glossary terms in both languages, the note in this one.
    fn term_items(&self, lang: Lang) -> Vec<Item> {
        let url = format!("{}/glossary/index.html", lang.code());
        self.site
            .glossary
            .iter()
            .map(|g| {
                let names = match lang {
                    Lang::Zh => vec![g.zh.clone(), g.en.clone()],
                    Lang::En => vec![g.en.clone(), g.zh.clone()],
                };
                let mut item = self.record(lang, "term", names, url.clone());
                item.anchor = g.id.clone();
                if let Some(note) = &g.note {
                    item.text = format!("{} · {}", item.text, note.get(lang));
                }
                item
            })
            .collect()
    }

    /// Targets by their label in both languages, with the figure.
    fn target_items(&self, lang: Lang) -> Vec<Item> {
        let url = format!("{}/targets/index.html", lang.code());
        (0..self.site.targets.len())
            .map(|i| {
                let x = &self.site.targets[i];
                let view = self.target_view(lang, i);
                let label = &x.record.label;
                let names = vec![label.get(lang).clone(), label.get(lang.other()).clone()];
                let mut item = self.record(lang, "target", names, url.clone());
                item.anchor = x.record.id.clone();
                item.text = view.display;
                item.sectors = self.sector_id_list(&x.sector.into_iter().collect::<Vec<_>>());
                item
            })
            .collect()
    }

    /// Every non-empty passage of the text, in reading order.
    fn text_items(&self, lang: Lang) -> Vec<Item> {
        let s = self.site;
        let about = self.passage_sectors();
        let mut items = Vec::new();
        for &i in &self.order {
            let p = &s.pages[i];
            for u in &p.body.get(lang).units {
                if u.text.trim().is_empty() {
                    continue;
                }
                let mut secs: Vec<usize> = p.sector.into_iter().collect();
                if let Some(more) = about.get(&(i, u.anchor.as_str())) {
                    secs.extend(more);
                }
                items.push(Item {
                    kind: "passage",
                    title: p.title.get(lang).clone(),
                    url: chapter_url(lang, &p.id),
                    anchor: u.anchor.clone(),
                    text: u.text.clone(),
                    sectors: self.sector_id_list(&secs),
                    ..Item::default()
                });
            }
        }
        items
    }

    /// (page, passage anchor) -> the sectors whose passages include it, in one pass over the
    /// sectors (looking each passage up in every sector made large books quadratic).
    fn passage_sectors(&self) -> HashMap<(usize, &str), Vec<usize>> {
        let s = self.site;
        let mut map: HashMap<(usize, &str), Vec<usize>> = HashMap::new();
        for (si, sec) in s.sectors.iter().enumerate() {
            for (pi, units) in &sec.passages {
                for &k in units {
                    if let Some(u) = s.pages[*pi].body.zh.units.get(k) {
                        let list = map.entry((*pi, u.anchor.as_str())).or_default();
                        if !list.contains(&si) {
                            list.push(si);
                        }
                    }
                }
            }
        }
        map
    }

    /// Every 专栏 project as "category: name", found by its name in either language.
    fn project_items(&self, lang: Lang) -> Vec<Item> {
        let s = self.site;
        let t = self.strings.get(lang);
        let colon = if lang == Lang::En { ": " } else { "：" };
        let mut items = Vec::new();
        for b in &s.sidebars {
            for c in &b.categories {
                for &pi in &c.projects {
                    let pr = &s.projects[pi];
                    items.push(Item {
                        kind: "project",
                        label: self.tr(lang, "search_kind_project"),
                        title: box_heading(t, b.number, b.title.get(lang)),
                        url: sidebar_url(lang, b.number),
                        anchor: pr.id.clone(),
                        names: vec![pr.name.get(lang).clone(), pr.name.get(lang.other()).clone()],
                        text: format!("{}{colon}{}", c.name.get(lang), pr.name.get(lang)),
                        sectors: self.sector_id_list(&pr.sectors),
                    });
                }
            }
        }
        items
    }
}
