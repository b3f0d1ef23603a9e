//! An enterprise's page: its names, kind and relations (group, maker, deal), sectors, projects,
//! every passage of the plan naming it, and its JSON-LD for search engines.

use super::frame::PageSpec;
use super::parts::{NamedLink, ProjectRef, SectorRef, excerpt};
use super::{OutFile, Renderer, chapter_url, enterprise_url};
use crate::diag::Diagnostic;
use crate::model::{EntityKind, Lang};
use crate::resolve::Enterprise;
use serde::Serialize;
use serde_json::{Value, json};

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
    /// What it is, in words ("Outside partner or investor").
    kind: String,
    kind_id: &'static str,
    parent: Option<NamedLink>,
    maker: Option<NamedLink>,
    deal: Option<&'a str>,
    /// The entities the deal is with, linked.
    deal_with: Vec<NamedLink>,
    /// schema.org JSON-LD, `<`, `>` and `&` written as JSON escapes so it cannot end its script
    /// element.
    json_ld: String,
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
                kind: self.tr(lang, &format!("kind_{}", e.kind.id())),
                kind_id: e.kind.id(),
                parent: e.parent.map(|p| self.enterprise_link(lang, p)),
                maker: e.maker.map(|m| self.enterprise_link(lang, m)),
                deal: e.deal.as_ref().map(|d| d.get(lang).as_str()),
                deal_with: e
                    .deal_with
                    .iter()
                    .map(|&d| self.enterprise_link(lang, d))
                    .collect(),
                json_ld: self.json_ld(lang, e),
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

impl Renderer<'_> {
    /// schema.org JSON-LD for an entity: an `Organization` (a `ResearchOrganization` for an
    /// institute) with its group as `parentOrganization`, a `Product` with its maker as
    /// `manufacturer`, a `Place` for a park or site. No `sameAs`: no identity is certain enough.
    fn json_ld(&self, lang: Lang, e: &Enterprise) -> String {
        let s = self.site;
        let org =
            |i: usize| json!({"@type": "Organization", "name": s.enterprises[i].name.get(lang)});
        let mut ld = json!({
            "@context": "https://schema.org",
            "@type": schema_type(e.kind),
            "name": e.name.get(lang),
            "alternateName": std::iter::once(e.name.get(lang.other()))
                .chain(e.aliases.zh.iter().chain(&e.aliases.en))
                .collect::<Vec<_>>(),
        });
        if let Some(base) = &s.config.output.html.site_url {
            let url = format!(
                "{}/{}",
                base.trim_end_matches('/'),
                super::enterprise_url(lang, &e.id)
            );
            ld["url"] = Value::String(url);
        }
        if let Some(p) = e.parent {
            ld["parentOrganization"] = org(p);
        }
        if let Some(m) = e.maker {
            ld["manufacturer"] = org(m);
        }
        serde_json::to_string(&ld)
            .unwrap_or_default()
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
    }
}

/// The schema.org type that fits an entity kind.
fn schema_type(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Company | EntityKind::Subsidiary | EntityKind::Partner => "Organization",
        EntityKind::Institute => "ResearchOrganization",
        EntityKind::Product => "Product",
        EntityKind::Park | EntityKind::Site => "Place",
    }
}

/// Entities of one kind, as the enterprises index and sector pages group them.
#[derive(Serialize)]
pub(super) struct KindGroup {
    pub id: &'static str,
    /// "Outside partners and investors".
    pub title: String,
    pub enterprises: Vec<NamedLink>,
}

impl Renderer<'_> {
    /// `ents` grouped by kind in the order of `EntityKind::ALL`, each group sorted by name;
    /// kinds with no entity are left out.
    pub(super) fn enterprises_by_kind(&self, lang: Lang, ents: &[usize]) -> Vec<KindGroup> {
        EntityKind::ALL
            .iter()
            .filter_map(|&kind| {
                let of_kind: Vec<usize> = ents
                    .iter()
                    .copied()
                    .filter(|&e| self.site.enterprises[e].kind == kind)
                    .collect();
                (!of_kind.is_empty()).then(|| KindGroup {
                    id: kind.id(),
                    title: self.tr(lang, &format!("kinds_{}", kind.id())),
                    enterprises: self.enterprise_links_sorted(lang, &of_kind),
                })
            })
            .collect()
    }
}
