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
use crate::diag::Diagnostic;
use crate::model::{Lang, TargetKind};
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

    /// `{lang}/projects/index.html`.
    pub(super) fn projects_index(&self, lang: Lang) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let t = self.strings.get(lang);
        let project = |p: usize| {
            let pr = &s.projects[p];
            ProjectEntry {
                name: pr.name.get(lang).clone(),
                url: format!("{}#{}", sidebar_url(lang, pr.sidebar), pr.id),
                sectors: pr
                    .sectors
                    .iter()
                    .map(|&x| self.sector_ref(lang, x))
                    .collect(),
                sector_ids: self.sector_ids_with_parents(&pr.sectors),
            }
        };
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
                        name: c.name.get(lang).clone(),
                        projects: c.projects.iter().map(|&p| project(p)).collect(),
                    })
                    .collect(),
            })
            .collect();
        let view = ProjectsView {
            boxes,
            sector_options: self.sector_options(lang),
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
