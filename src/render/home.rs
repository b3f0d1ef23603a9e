//! The cover (`index.html`, the language choice at the site root) and each language's home
//! page (preamble, sectors, headline targets, the full contents or, for a large book, the
//! list of its parts).

use super::frame::PageSpec;
use super::parts::TargetView;
use super::{OutFile, Renderer, sector_url};
use crate::diag::Diagnostic;
use crate::i18n::Strings;
use crate::model::Lang;
use serde::Serialize;
use std::collections::BTreeMap;

/// `home.html`'s own values.
#[derive(Serialize)]
struct HomeView<'a> {
    preamble: Preamble<'a>,
    sectors: Vec<SectorCard>,
    headline: Vec<TargetView>,
    /// For a book too large to list every page here: the parts of its contents.
    contents_parts: Vec<super::print::PartLink>,
}

/// The plan's opening text (the page numbered chapter 0), shown on the home page.
#[derive(Serialize)]
struct Preamble<'a> {
    title: &'a str,
    html: &'a str,
}

/// A top-level sector with its enterprise and project counts.
#[derive(Serialize)]
pub(super) struct SectorCard {
    pub name: String,
    pub url: String,
    pub counts: String,
}

/// `cover.html`'s and `404.html`'s values: both languages at once, outside any language folder.
#[derive(Serialize)]
pub(super) struct CoverView<'a> {
    html_lang: &'static str,
    site: CoverSite,
    t_zh: &'a Strings,
    t_en: &'a Strings,
    assets: &'a BTreeMap<String, String>,
    /// The site's path on its host ("/" or "/sub/path/"), for absolute links from any depth.
    base: String,
    /// `site-url` ending in `/`, when set: the cover's absolute canonical and hreflang links.
    /// (Not `site_url`: the 404 page would then load its assets from the published host.)
    canonical_base: Option<String>,
}

#[derive(Serialize)]
struct CoverSite {
    title_zh: String,
    title_en: String,
    description_zh: String,
    description_en: String,
}

impl<'a> CoverView<'a> {
    pub fn new(r: &'a Renderer) -> CoverView<'a> {
        let book = &r.site.config.book;
        let description = |en: bool| {
            book.description
                .as_ref()
                .map(|d| if en { d.en.clone() } else { d.zh.clone() })
                .unwrap_or_default()
        };
        let base = r
            .site
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
        CoverView {
            html_lang: "zh-CN",
            site: CoverSite {
                title_zh: book.title.zh.clone(),
                title_en: book.title.en.clone(),
                description_zh: description(false),
                description_en: description(true),
            },
            t_zh: &r.strings.zh,
            t_en: &r.strings.en,
            assets: &r.assets,
            base,
            canonical_base: super::frame::site_base(r.site),
        }
    }
}

impl Renderer<'_> {
    /// `index.html` at the site root.
    pub(super) fn cover(&self, view: &CoverView) -> Result<OutFile, Diagnostic> {
        let cx = tera::Context::from_serialize(view).unwrap_or_default();
        Ok(OutFile {
            path: "index.html".into(),
            bytes: self.render_page(None, "cover.html", &cx)?,
        })
    }

    /// `{lang}/index.html`.
    pub(super) fn home(&self, lang: Lang) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let pre = s.pages.iter().find(|p| p.chapter == 0);
        let preamble = match pre {
            Some(p) => Preamble {
                title: p.title.get(lang),
                html: &p.body.get(lang).html,
            },
            None => Preamble {
                title: "",
                html: "",
            },
        };
        let headline = s
            .plan
            .headline_targets
            .iter()
            .filter_map(|id| s.targets.iter().position(|x| &x.record.id == id))
            .map(|i| self.target_view(lang, i))
            .collect();
        let view = HomeView {
            preamble,
            sectors: self.sector_cards(lang),
            headline,
            contents_parts: self.contents_links(lang),
        };
        let spec = PageSpec {
            path: format!("{}/index.html", lang.code()),
            template: "home.html",
            kind: "home",
            title: s.plan.title.get(lang).clone(),
            current: None,
        };
        self.page(lang, spec, &view)
    }

    /// The top-level sectors, each with its counts.
    fn sector_cards(&self, lang: Lang) -> Vec<SectorCard> {
        self.site
            .sectors
            .iter()
            .filter(|x| x.parent.is_none())
            .map(|x| SectorCard {
                name: x.name.get(lang).clone(),
                url: sector_url(lang, &x.id),
                counts: self.counts(lang, x),
            })
            .collect()
    }
}
