//! Search: the search page, and the per-language passage index it loads
//! (`{lang}/search/index.json`, every passage of the text and every 专栏 project).

use super::frame::PageSpec;
use super::parts::{SectorOption, box_heading};
use super::{OutFile, Renderer, chapter_url, sidebar_url};
use crate::diag::Diagnostic;
use crate::model::Lang;
use serde::Serialize;

/// `search.html`'s own values.
#[derive(Serialize)]
struct SearchView {
    sector_options: Vec<SectorOption>,
}

/// `search/index.json`. Field order is the file's key order.
#[derive(Serialize)]
struct SearchIndex<'a> {
    lang: &'static str,
    passages: Vec<Entry<'a>>,
}

/// A searchable passage: where it is, its page's title, its text, its sectors (with their
/// ancestors) and its place in reading order (专栏 projects after the text).
#[derive(Serialize)]
struct Entry<'a> {
    url: String,
    title: String,
    text: std::borrow::Cow<'a, str>,
    sectors: Vec<String>,
    order: usize,
}

impl Renderer<'_> {
    /// `{lang}/search/index.html` and `{lang}/search/index.json`.
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
        let page = self.page(lang, spec, &view)?;
        Ok(vec![page, self.search_index(lang)])
    }

    fn search_index(&self, lang: Lang) -> OutFile {
        let mut passages = self.text_entries(lang);
        passages.extend(self.project_entries(lang));
        let index = SearchIndex {
            lang: lang.code(),
            passages,
        };
        OutFile {
            path: format!("{}/search/index.json", lang.code()),
            bytes: serde_json::to_vec(&index).unwrap_or_default(),
        }
    }

    /// The sector ids of `secs` with their ancestors.
    fn sector_id_list(&self, secs: &[usize]) -> Vec<String> {
        self.sector_ids_with_parents(secs)
            .split(' ')
            .filter(|x| !x.is_empty())
            .map(String::from)
            .collect()
    }

    /// Every non-empty passage of the text, in reading order.
    fn text_entries(&self, lang: Lang) -> Vec<Entry<'_>> {
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
                    let about = sec.passages.iter().any(|(pi, units)| {
                        *pi == i
                            && units.iter().any(|&k| {
                                p.body.zh.units.get(k).is_some_and(|z| z.anchor == u.anchor)
                            })
                    });
                    if about {
                        secs.push(si);
                    }
                }
                passages.push(Entry {
                    url: format!("{}#{}", chapter_url(lang, &p.id), u.anchor),
                    title: p.title.get(lang).clone(),
                    text: u.text.as_str().into(),
                    sectors: self.sector_id_list(&secs),
                    order,
                });
            }
        }
        passages
    }

    /// Every 专栏 project as "category: name", after the text.
    fn project_entries(&self, lang: Lang) -> Vec<Entry<'_>> {
        let s = self.site;
        let t = self.strings.get(lang);
        let colon = if lang == Lang::En { ": " } else { "：" };
        let mut passages = Vec::new();
        for b in &s.sidebars {
            for c in &b.categories {
                for &pi in &c.projects {
                    let pr = &s.projects[pi];
                    let text = format!("{}：{}", c.name.get(lang), pr.name.get(lang));
                    passages.push(Entry {
                        url: format!("{}#{}", sidebar_url(lang, b.number), pr.id),
                        title: box_heading(t, b.number, b.title.get(lang)),
                        text: text.replace("：", colon).into(),
                        sectors: self.sector_id_list(&pr.sectors),
                        order: 10_000 + pi,
                    });
                }
            }
        }
        passages
    }
}
