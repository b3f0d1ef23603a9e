//! An enterprise's page: its names, sectors, projects, and every passage of the plan naming it.

use super::frame::PageSpec;
use super::parts::{ProjectRef, SectorRef, excerpt};
use super::{OutFile, Renderer, chapter_url, enterprise_url};
use crate::diag::Diagnostic;
use crate::model::Lang;
use serde::Serialize;

/// `enterprise.html`'s own values.
#[derive(Serialize)]
struct EnterpriseView<'a> {
    ent: EnterprisePage<'a>,
}

#[derive(Serialize)]
struct EnterprisePage<'a> {
    name: &'a str,
    other_name: &'a str,
    /// Chinese aliases, then English ones.
    aliases: Vec<&'a String>,
    sectors: Vec<SectorRef>,
    projects: Vec<ProjectRef>,
    mentions: Vec<Mention<'a>>,
}

/// A passage naming the enterprise: a link to it and an excerpt around the name.
#[derive(Serialize)]
struct Mention<'a> {
    url: String,
    page_title: &'a str,
    excerpt: String,
}

impl Renderer<'_> {
    /// `{lang}/enterprises/{id}/index.html`.
    pub(super) fn enterprise(&self, lang: Lang, i: usize) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let e = &s.enterprises[i];
        let mut names: Vec<&String> = vec![e.name.get(lang)];
        names.extend(e.aliases.get(lang).iter());
        let mentions = e
            .mentions
            .iter()
            .map(|(pi, anchor)| {
                let p = &s.pages[*pi];
                let units = &p.body.get(lang).units;
                let text = units
                    .iter()
                    .find(|u| &u.anchor == anchor)
                    .map(|u| u.text.as_str())
                    .unwrap_or("");
                Mention {
                    url: format!("{}#{}", chapter_url(lang, &p.id), anchor),
                    page_title: p.title.get(lang),
                    excerpt: excerpt(text, &names),
                }
            })
            .collect();
        let view = EnterpriseView {
            ent: EnterprisePage {
                name: e.name.get(lang),
                other_name: e.name.get(lang.other()),
                aliases: e.aliases.zh.iter().chain(&e.aliases.en).collect(),
                sectors: e
                    .sectors
                    .iter()
                    .map(|&x| self.sector_ref(lang, x))
                    .collect(),
                projects: e
                    .projects
                    .iter()
                    .map(|&p| self.project_ref(lang, p))
                    .collect(),
                mentions,
            },
        };
        let spec = PageSpec {
            path: enterprise_url(lang, &e.id),
            template: "enterprise.html",
            kind: "enterprise",
            title: e.name.get(lang).clone(),
            current: None,
        };
        self.page(lang, spec, &view)
    }
}
