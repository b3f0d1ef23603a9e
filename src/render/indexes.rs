//! The list pages: sectors (a tree with counts), enterprises (by kind, alphabetical, by sector),
//! projects (every 专栏 box's items, filterable by sector), targets (tables and charts), the
//! glossary, and the data downloads page.

use super::enterprise::KindGroup;
use super::frame::PageSpec;
use super::home::SectorCard;
use super::parts::{
    NamedLink, SectorOption, SectorRef, TargetView, box_heading, box_label, sort_key,
};
use super::{OutFile, Renderer, enterprise_url, sector_url, sidebar_url};
use crate::capacity::Capacity;
use crate::diag::Diagnostic;
use crate::model::{EntityKind, Lang, TargetKind, TieSource};
use serde::Serialize;

/// `sectors.html`'s own values.
#[derive(Serialize)]
struct SectorsView {
    tree: Vec<SectorBranch>,
}

/// A top-level sector with its sub-sectors.
#[derive(Serialize)]
struct SectorBranch {
    #[serde(flatten)]
    card: SectorCard,
    children: Vec<SectorCard>,
}

/// `enterprises.html`'s own values.
#[derive(Serialize)]
struct EnterprisesView {
    alphabetical: Vec<EnterpriseEntry>,
    by_kind: Vec<KindGroup>,
    by_sector: Vec<SectorEnterprises>,
}

#[derive(Serialize)]
struct EnterpriseEntry {
    name: String,
    other_name: String,
    url: String,
    kind: String,
    kind_id: &'static str,
}

#[derive(Serialize)]
struct SectorEnterprises {
    id: String,
    name: String,
    url: String,
    enterprises: Vec<NamedLink>,
}

/// `projects.html`'s own values.
#[derive(Serialize)]
struct ProjectsView {
    boxes: Vec<BoxProjects>,
    sector_options: Vec<SectorOption>,
    box_options: Vec<FacetOption>,
    category_options: Vec<FacetOption>,
    enterprise_options: Vec<FacetOption>,
    kind_options: Vec<FacetOption>,
    count: usize,
}

/// A choice of one of the project explorer's filters: the token items carry, and its label.
#[derive(Serialize)]
struct FacetOption {
    id: String,
    name: String,
}

#[derive(Serialize)]
struct BoxProjects {
    number: u32,
    label: String,
    heading: String,
    title: String,
    url: String,
    categories: Vec<CategoryProjects>,
}

#[derive(Serialize)]
struct CategoryProjects {
    /// `b{box}-{category id}`, the category filter's token.
    id: String,
    name: String,
    projects: Vec<ProjectEntry>,
}

#[derive(Serialize)]
struct ProjectEntry {
    name: String,
    url: String,
    sectors: Vec<SectorRef>,
    /// The project's sectors and their ancestors, space-separated, for the filter.
    sector_ids: String,
    enterprises: Vec<TiedEnterprise>,
    /// Enterprise ids and their kinds, space-separated, for the filters.
    enterprise_ids: String,
    kind_ids: String,
    /// The capacity or scale the item states, in the page's language and in the other.
    capacity: Option<CapacityView>,
}

/// An enterprise behind a project, and where the plan ties them.
#[derive(Serialize)]
struct TiedEnterprise {
    #[serde(flatten)]
    link: NamedLink,
    kind: String,
    /// "named in the item" or "named in the chapter text".
    basis: String,
    basis_id: &'static str,
}

#[derive(Serialize)]
struct CapacityView {
    text: String,
    other: String,
}

/// `targets.html`'s own values.
#[derive(Serialize)]
struct TargetsView {
    groups: Vec<TargetGroup>,
    chart: String,
}

#[derive(Serialize)]
struct TargetGroup {
    id: &'static str,
    title: String,
    rows: Vec<TargetView>,
}

/// `glossary.html`'s own values.
#[derive(Serialize)]
struct GlossaryView<'a> {
    terms: Vec<Term<'a>>,
}

#[derive(Serialize)]
struct Term<'a> {
    id: &'a str,
    zh: &'a str,
    en: &'a str,
    note: String,
}

/// `data.html`'s own values.
#[derive(Serialize)]
struct DataView {
    tables: Vec<DataTable>,
}

#[derive(Serialize)]
struct DataTable {
    name: &'static str,
    title: String,
    count: usize,
    json: String,
    csv: String,
}

impl Renderer<'_> {
    /// A list page `{lang}/{dir}/index.html` titled by the string `title_key`.
    fn list_page(
        &self,
        lang: Lang,
        dir: &str,
        template: &'static str,
        kind: &'static str,
        title_key: &str,
        view: &impl Serialize,
    ) -> Result<OutFile, Diagnostic> {
        let spec = PageSpec {
            path: format!("{}/{dir}/index.html", lang.code()),
            template,
            kind,
            title: self.tr(lang, title_key),
            current: None,
        };
        self.page(lang, spec, view)
    }

    fn sector_card(&self, lang: Lang, i: usize) -> SectorCard {
        let x = &self.site.sectors[i];
        SectorCard {
            name: x.name.get(lang).clone(),
            url: sector_url(lang, &x.id),
            counts: self.counts(lang, x),
        }
    }

    /// `{lang}/sectors/index.html`.
    pub(super) fn sectors_index(&self, lang: Lang) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let tree = (0..s.sectors.len())
            .filter(|&i| s.sectors[i].parent.is_none())
            .map(|i| SectorBranch {
                card: self.sector_card(lang, i),
                children: s.sectors[i]
                    .children
                    .iter()
                    .map(|&c| self.sector_card(lang, c))
                    .collect(),
            })
            .collect();
        let view = SectorsView { tree };
        self.list_page(lang, "sectors", "sectors.html", "sectors", "sectors", &view)
    }

    /// `{lang}/enterprises/index.html`.
    pub(super) fn enterprises_index(&self, lang: Lang) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let mut alpha: Vec<(String, EnterpriseEntry)> = s
            .enterprises
            .iter()
            .map(|e| {
                let entry = EnterpriseEntry {
                    name: e.name.get(lang).clone(),
                    other_name: e.name.get(lang.other()).clone(),
                    url: enterprise_url(lang, &e.id),
                    kind: self.tr(lang, &format!("kind_{}", e.kind.id())),
                    kind_id: e.kind.id(),
                };
                (sort_key(e.name.get(lang), lang), entry)
            })
            .collect();
        alpha.sort_by(|a, b| a.0.cmp(&b.0));
        let by_sector = s
            .sectors
            .iter()
            .filter(|x| !x.enterprises.is_empty())
            .map(|x| SectorEnterprises {
                id: x.id.clone(),
                name: x.name.get(lang).clone(),
                url: sector_url(lang, &x.id),
                enterprises: self.enterprise_links_sorted(lang, &x.enterprises),
            })
            .collect();
        let view = EnterprisesView {
            alphabetical: alpha.into_iter().map(|a| a.1).collect(),
            by_kind: self.enterprises_by_kind(lang, &(0..s.enterprises.len()).collect::<Vec<_>>()),
            by_sector,
        };
        self.list_page(
            lang,
            "enterprises",
            "enterprises.html",
            "enterprises",
            "enterprises",
            &view,
        )
    }

    /// `{lang}/projects/index.html`: every 专栏 item with who is behind it, its sectors and the
    /// capacity it states, all in the markup; the filters only hide items.
    pub(super) fn projects_index(&self, lang: Lang) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let t = self.strings.get(lang);
        let boxes = s
            .sidebars
            .iter()
            .map(|b| BoxProjects {
                number: b.number,
                label: box_label(t, b.number),
                heading: box_heading(t, b.number, b.title.get(lang)),
                title: b.title.get(lang).clone(),
                url: sidebar_url(lang, b.number),
                categories: b
                    .categories
                    .iter()
                    .map(|c| CategoryProjects {
                        id: format!("b{}-{}", b.number, c.id),
                        name: c.name.get(lang).clone(),
                        projects: c
                            .projects
                            .iter()
                            .map(|&p| self.project_entry(lang, p))
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        let view = ProjectsView {
            boxes,
            sector_options: self.sector_options(lang),
            box_options: s
                .sidebars
                .iter()
                .map(|b| FacetOption {
                    id: format!("b{}", b.number),
                    name: box_heading(t, b.number, b.title.get(lang)),
                })
                .collect(),
            category_options: s
                .sidebars
                .iter()
                .flat_map(|b| {
                    b.categories.iter().map(move |c| FacetOption {
                        id: format!("b{}-{}", b.number, c.id),
                        name: format!("{} · {}", box_label(t, b.number), c.name.get(lang)),
                    })
                })
                .collect(),
            enterprise_options: self.tied_enterprise_options(lang),
            kind_options: EntityKind::ALL
                .iter()
                .filter(|&&k| {
                    s.projects
                        .iter()
                        .flat_map(|p| &p.enterprises)
                        .any(|&e| s.enterprises[e].kind == k)
                })
                .map(|k| FacetOption {
                    id: k.id().to_string(),
                    name: self.tr(lang, &format!("kinds_{}", k.id())),
                })
                .collect(),
            count: s.projects.len(),
        };
        self.list_page(
            lang,
            "projects",
            "projects.html",
            "projects",
            "projects",
            &view,
        )
    }

    /// A project as the explorer lists it.
    fn project_entry(&self, lang: Lang, p: usize) -> ProjectEntry {
        let s = self.site;
        let pr = &s.projects[p];
        let enterprises = pr
            .enterprises
            .iter()
            .zip(pr.ties.iter().chain(std::iter::repeat(&TieSource::Item)))
            .map(|(&e, &tie)| {
                let basis_id = match tie {
                    TieSource::Item => "item",
                    TieSource::Chapter => "chapter",
                };
                TiedEnterprise {
                    link: self.enterprise_link(lang, e),
                    kind: self.tr(lang, &format!("kind_{}", s.enterprises[e].kind.id())),
                    basis: self.tr(lang, &format!("tie_{basis_id}")),
                    basis_id,
                }
            })
            .collect();
        let ids = |f: &dyn Fn(usize) -> String| {
            let mut v: Vec<String> = pr.enterprises.iter().map(|&e| f(e)).collect();
            v.sort();
            v.dedup();
            v.join(" ")
        };
        ProjectEntry {
            name: pr.name.get(lang).clone(),
            url: format!("{}#{}", sidebar_url(lang, pr.sidebar), pr.id),
            sectors: pr
                .sectors
                .iter()
                .map(|&x| self.sector_ref(lang, x))
                .collect(),
            sector_ids: self.sector_ids_with_parents(&pr.sectors),
            enterprises,
            enterprise_ids: ids(&|e| s.enterprises[e].id.clone()),
            kind_ids: ids(&|e| s.enterprises[e].kind.id().to_string()),
            capacity: crate::capacity::parse(&pr.name.zh).map(|c| CapacityView {
                text: self.capacity_text(&c, lang),
                other: self.capacity_text(&c, lang.other()),
            }),
        }
    }

    /// The enterprises tied to any project, sorted by name, for the enterprise filter.
    fn tied_enterprise_options(&self, lang: Lang) -> Vec<FacetOption> {
        let s = self.site;
        let tied: Vec<usize> = (0..s.enterprises.len())
            .filter(|&e| !s.enterprises[e].projects.is_empty())
            .collect();
        let mut v: Vec<(String, FacetOption)> = tied
            .into_iter()
            .map(|e| {
                let name = s.enterprises[e].name.get(lang);
                let option = FacetOption {
                    id: s.enterprises[e].id.clone(),
                    name: name.clone(),
                };
                (sort_key(name, lang), option)
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v.into_iter().map(|o| o.1).collect()
    }

    /// `{lang}/targets/index.html`.
    pub(super) fn targets_index(&self, lang: Lang) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let group = |kind: TargetKind, id: &'static str, title_key: &str| TargetGroup {
            id,
            title: self.tr(lang, title_key),
            rows: (0..s.targets.len())
                .filter(|&i| s.targets[i].record.kind == kind)
                .map(|i| self.target_view(lang, i))
                .collect(),
        };
        let view = TargetsView {
            groups: vec![
                group(TargetKind::Target, "targets", "targets_for_2010"),
                group(TargetKind::Baseline, "baselines", "baselines"),
            ],
            chart: self.chart(
                lang,
                "targets-chart",
                &(0..s.targets.len()).collect::<Vec<_>>(),
            ),
        };
        self.list_page(lang, "targets", "targets.html", "targets", "targets", &view)
    }

    /// `{lang}/glossary/index.html`.
    pub(super) fn glossary(&self, lang: Lang) -> Result<OutFile, Diagnostic> {
        let terms = self
            .site
            .glossary
            .iter()
            .map(|g| Term {
                id: &g.id,
                zh: &g.zh,
                en: &g.en,
                note: g
                    .note
                    .as_ref()
                    .map(|n| n.get(lang).clone())
                    .unwrap_or_default(),
            })
            .collect();
        let view = GlossaryView { terms };
        self.list_page(
            lang,
            "glossary",
            "glossary.html",
            "glossary",
            "glossary",
            &view,
        )
    }

    /// `{lang}/data/index.html`: the downloadable tables (written by `data`).
    pub(super) fn data_page(&self, lang: Lang) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let tables = [
            ("enterprises", s.enterprises.len()),
            ("sectors", s.sectors.len()),
            ("projects", s.projects.len()),
            ("targets", s.targets.len()),
        ]
        .into_iter()
        .map(|(name, count)| DataTable {
            name,
            title: self.tr(lang, name),
            count,
            json: format!("data/{name}.json"),
            csv: format!("data/{name}.csv"),
        })
        .collect();
        let view = DataView { tables };
        self.list_page(lang, "data", "data.html", "data", "data_downloads", &view)
    }
}

impl Renderer<'_> {
    /// A capacity as a reader of `lang` reads it: the plan's words in Chinese ("年产15万台"), the
    /// value and unit in English ("150,000 units a year").
    fn capacity_text(&self, c: &Capacity, lang: Lang) -> String {
        match lang {
            Lang::Zh => c.stated.clone(),
            Lang::En => {
                let figure = crate::numbers::display(c.value, "", &c.unit.en, Lang::En);
                let class = if c.class {
                    self.tr(lang, "capacity_class")
                } else {
                    String::new()
                };
                let per = match c.per {
                    Some(per) => self.tr(lang, &format!("capacity_per_{per}")),
                    None => String::new(),
                };
                format!("{figure}{class}{per}")
            }
        }
    }
}
