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
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

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
    /// `{lang}/search/index.html` and the files of `{lang}/search/`'s index, handed to `give`
    /// a batch at a time; the paths given.
    pub(super) fn search_into(
        &self,
        lang: Lang,
        give: &super::Give,
    ) -> Result<Vec<String>, Diagnostic> {
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
        let mut paths = give(vec![self.page(lang, spec, &view)?])?;
        // Both languages' items decide the layout, so that each file has its twin; the other
        // language's are dropped before the index is made.
        let items = self.search_items(lang);
        let layout = index::layout(&[&items, &self.search_items(lang.other())]);
        index::files_into(lang.code(), &items, &layout, &mut |batch| {
            let files = batch
                .into_iter()
                .map(|f| OutFile {
                    path: format!("{}/search/{}", lang.code(), f.path),
                    bytes: f.bytes,
                })
                .collect();
            paths.extend(give(files)?);
            Ok(())
        })?;
        Ok(paths)
    }

    /// Items in rank order: records (enterprises, sectors, terms, targets), then the passages
    /// in reading order, then the 专栏 items.
    fn search_items(&self, lang: Lang) -> Vec<Item<'_>> {
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
    fn record(&self, lang: Lang, kind: &'static str, names: Vec<String>, url: String) -> Item<'_> {
        let title = names.first().cloned().unwrap_or_default();
        Item {
            kind,
            label: self.tr(lang, &format!("search_kind_{kind}")),
            text: names[1.min(names.len())..].join(" · ").into(),
            title: title.into(),
            url: url.into(),
            names,
            ..Item::default()
        }
    }

    /// Every enterprise under every name and alias, in both languages.
    fn enterprise_items(&self, lang: Lang) -> Vec<Item<'_>> {
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
                item.sectors = self.sector_id_list(&e.sectors).into();
                item
            })
            .collect()
    }

    fn sector_items(&self, lang: Lang) -> Vec<Item<'_>> {
        let other = lang.other();
        (0..self.site.sectors.len())
            .map(|i| {
                let x = &self.site.sectors[i];
                let names = vec![x.name.get(lang).clone(), x.name.get(other).clone()];
                let mut item = self.record(lang, "sector", names, sector_url(lang, &x.id));
                item.sectors = self.sector_id_list(&[i]).into();
                item
            })
            .collect()
    }

    /// Glossary terms in both languages, the note in this one.
    fn term_items(&self, lang: Lang) -> Vec<Item<'_>> {
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
                item.anchor = g.id.as_str().into();
                if let Some(note) = &g.note {
                    item.text = format!("{} · {}", item.text, note.get(lang)).into();
                }
                item
            })
            .collect()
    }

    /// Targets by their label in both languages, with the figure.
    fn target_items(&self, lang: Lang) -> Vec<Item<'_>> {
        let url = format!("{}/targets/index.html", lang.code());
        (0..self.site.targets.len())
            .map(|i| {
                let x = &self.site.targets[i];
                let view = self.target_view(lang, i);
                let label = &x.record.label;
                let names = vec![label.get(lang).clone(), label.get(lang.other()).clone()];
                let mut item = self.record(lang, "target", names, url.clone());
                item.anchor = x.record.id.as_str().into();
                item.text = view.display.into();
                item.sectors = self
                    .sector_id_list(&x.sector.into_iter().collect::<Vec<_>>())
                    .into();
                item
            })
            .collect()
    }

    /// Every non-empty passage of the text, in reading order.
    fn text_items(&self, lang: Lang) -> Vec<Item<'_>> {
        let s = self.site;
        let about = self.passage_sectors();
        let mut items = Vec::new();
        for &i in &self.order {
            let p = &s.pages[i];
            let url: Arc<str> = chapter_url(lang, &p.id).into();
            let own: Vec<usize> = p.sector.into_iter().collect();
            let page_sectors: Arc<[String]> = self.sector_id_list(&own).into();
            for u in &p.body.get(lang).units {
                if u.text.trim().is_empty() {
                    continue;
                }
                let sectors = match about.get(&(i, u.anchor.as_str())) {
                    Some(more) => {
                        let mut secs = own.clone();
                        secs.extend(more);
                        self.sector_id_list(&secs).into()
                    }
                    None => page_sectors.clone(),
                };
                items.push(Item {
                    kind: "passage",
                    title: Cow::Borrowed(p.title.get(lang)),
                    url: url.clone(),
                    anchor: Cow::Borrowed(&u.anchor),
                    text: Cow::Borrowed(&u.text),
                    sectors,
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
    fn project_items(&self, lang: Lang) -> Vec<Item<'_>> {
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
                        title: box_heading(t, b.number, b.title.get(lang)).into(),
                        url: sidebar_url(lang, b.number).into(),
                        anchor: pr.id.as_str().into(),
                        names: vec![pr.name.get(lang).clone(), pr.name.get(lang.other()).clone()],
                        text: format!("{}{colon}{}", c.name.get(lang), pr.name.get(lang)).into(),
                        sectors: self.sector_id_list(&pr.sectors).into(),
                    });
                }
            }
        }
        items
    }
}
