//! A sector's page as a brief for an investor: it opens with the sector's targets, counts and
//! links for its key projects and its enterprises by kind, and its sub-sectors; then the plan's
//! passages, the targets' table and chart, the projects with who is behind them, gathered over
//! the sector and its sub-sectors.

use super::enterprise::KindGroup;
use super::frame::{Link, PageSpec};
use super::parts::{NamedLink, ProjectRef, SectorRef, TargetView};
use super::{OutFile, Renderer, chapter_url, root_of, sector_url};
use crate::diag::Diagnostic;
use crate::markdown::{UnitKind, with_root};
use crate::model::{Lang, TargetKind};
use serde::Serialize;

/// `sector.html`'s own values.
#[derive(Serialize)]
struct SectorView<'a> {
    sector: SectorPage<'a>,
}

#[derive(Serialize)]
struct SectorPage<'a> {
    name: &'a str,
    other_name: &'a str,
    parent: Option<SectorRef>,
    children: Vec<SectorRef>,
    /// Pages whose sector this is.
    pages: Vec<Link>,
    passages: Vec<Passage<'a>>,
    targets: Vec<TargetView>,
    /// The goals among `targets`, which the brief lists first.
    goals: Vec<TargetView>,
    chart: String,
    projects: Vec<SectorProject>,
    /// The sector's enterprises grouped by kind: companies apart from partners, products, ...
    kinds: Vec<KindGroup>,
    enterprise_count: usize,
}

/// A key project with the enterprises the plan ties to it.
#[derive(Serialize)]
struct SectorProject {
    #[serde(flatten)]
    project: ProjectRef,
    enterprises: Vec<NamedLink>,
}

/// A passage of the plan about the sector, with a link to it in its page.
#[derive(Serialize)]
struct Passage<'a> {
    html: String,
    url: String,
    page_title: &'a str,
}

impl Renderer<'_> {
    /// `{lang}/sectors/{id}/index.html`.
    pub(super) fn sector(&self, lang: Lang, i: usize) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let x = &s.sectors[i];
        let path = sector_url(lang, &x.id);
        let family = self.sector_family(x);
        let gather = |of: fn(&crate::resolve::Sector) -> &Vec<usize>| -> Vec<usize> {
            family
                .iter()
                .flat_map(|&f| of(&s.sectors[f]).iter().copied())
                .collect()
        };
        let targets = gather(|x| &x.targets);
        let mut projects = gather(|x| &x.projects);
        projects.sort();
        projects.dedup();
        let mut ents = gather(|x| &x.enterprises);
        ents.sort();
        ents.dedup();
        let view = SectorView {
            sector: SectorPage {
                name: x.name.get(lang),
                other_name: x.name.get(lang.other()),
                parent: x.parent.map(|p| self.sector_ref(lang, p)),
                children: x
                    .children
                    .iter()
                    .map(|&c| self.sector_ref(lang, c))
                    .collect(),
                pages: x
                    .pages
                    .iter()
                    .map(|&p| Link {
                        title: s.pages[p].title.get(lang).clone(),
                        url: chapter_url(lang, &s.pages[p].id),
                    })
                    .collect(),
                passages: self.sector_passages(lang, &family, &root_of(&path)),
                targets: targets.iter().map(|&t| self.target_view(lang, t)).collect(),
                goals: targets
                    .iter()
                    .filter(|&&t| s.targets[t].record.kind == TargetKind::Target)
                    .map(|&t| self.target_view(lang, t))
                    .collect(),
                chart: self.chart(lang, &format!("chart-{}", x.id), &targets),
                projects: projects
                    .iter()
                    .map(|&p| SectorProject {
                        project: self.project_ref(lang, p),
                        enterprises: self.enterprise_links_sorted(lang, &s.projects[p].enterprises),
                    })
                    .collect(),
                kinds: self.enterprises_by_kind(lang, &ents),
                enterprise_count: ents.len(),
            },
        };
        let spec = PageSpec {
            path,
            template: "sector.html",
            kind: "sector",
            title: x.name.get(lang).clone(),
            current: None,
        };
        self.page(lang, spec, &view)
    }

    /// The passages about any sector of `family`, headings as `<h3>`, the rest as paragraphs.
    fn sector_passages(&self, lang: Lang, family: &[usize], root: &str) -> Vec<Passage<'_>> {
        let s = self.site;
        let mut passages = Vec::new();
        for &f in family {
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
                passages.push(Passage {
                    html: with_root(&html, root),
                    url: format!("{}#{}", chapter_url(lang, &p.id), anchor),
                    page_title: p.title.get(lang),
                });
            }
        }
        passages
    }
}
