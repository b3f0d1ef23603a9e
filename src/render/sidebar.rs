//! 专栏 boxes: the box itself (`sidebar_box.html`, also placed inside chapters, side-by-side
//! pages and print editions) and each box's own page.

use super::frame::PageSpec;
use super::parts::{NamedLink, box_heading, box_label};
use super::{OutFile, Renderer, chapter_url, root_of, sidebar_url};
use crate::diag::Diagnostic;
use crate::i18n::Strings;
use crate::model::Lang;
use serde::Serialize;

/// `sidebar.html`'s own values.
#[derive(Serialize)]
struct SidebarView<'a> {
    #[serde(rename = "box")]
    boxed: BoxPage<'a>,
    box_html: String,
}

#[derive(Serialize)]
struct BoxPage<'a> {
    label: String,
    heading: String,
    title: &'a str,
    /// Where the box stands in the plan's text.
    page_url: Option<String>,
    page_title: Option<&'a String>,
    /// How many projects the box lists.
    count: usize,
    /// The box item by item in both languages.
    parallel_url: String,
}

/// `sidebar_box.html`'s values.
#[derive(Serialize)]
struct BoxView<'a> {
    #[serde(rename = "box")]
    boxed: BoxBody<'a>,
    root: &'a str,
    t: &'a Strings,
    lang: &'static str,
}

#[derive(Serialize)]
struct BoxBody<'a> {
    number: u32,
    label: String,
    heading: String,
    title: &'a str,
    url: String,
    categories: Vec<CategoryView<'a>>,
}

#[derive(Serialize)]
struct CategoryView<'a> {
    id: &'a str,
    name: &'a str,
    projects: Vec<ProjectItem<'a>>,
}

#[derive(Serialize)]
struct ProjectItem<'a> {
    id: &'a str,
    name: &'a str,
    note: Option<&'a String>,
    enterprises: Vec<NamedLink>,
}

impl Renderer<'_> {
    /// `{lang}/sidebars/{n}/index.html`.
    pub(super) fn sidebar(&self, lang: Lang, i: usize) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let b = &s.sidebars[i];
        let t = self.strings.get(lang);
        let path = sidebar_url(lang, b.number);
        let box_html = self.sidebar_box(lang, i, &root_of(&path))?;
        let page = b.page.map(|pi| &s.pages[pi]);
        let heading = box_heading(t, b.number, b.title.get(lang));
        let view = SidebarView {
            boxed: BoxPage {
                label: box_label(t, b.number),
                heading: heading.clone(),
                title: b.title.get(lang),
                page_url: page
                    .map(|p| format!("{}#sidebar-{}", chapter_url(lang, &p.id), b.number)),
                page_title: page.map(|p| p.title.get(lang)),
                count: b.categories.iter().map(|c| c.projects.len()).sum(),
                parallel_url: format!(
                    "{}/sidebars/{}/side-by-side/index.html",
                    lang.code(),
                    b.number
                ),
            },
            box_html,
        };
        let spec = PageSpec {
            path,
            template: "sidebar.html",
            kind: "sidebar",
            title: heading,
            current: b.page,
        };
        self.page(lang, spec, &view)
    }

    /// The HTML of 专栏 box `i` in `lang`, its links relative to `root`.
    pub(super) fn sidebar_box(
        &self,
        lang: Lang,
        i: usize,
        root: &str,
    ) -> Result<String, Diagnostic> {
        let s = self.site;
        let b = &s.sidebars[i];
        let t = self.strings.get(lang);
        let project = |p: usize| {
            let pr = &s.projects[p];
            ProjectItem {
                id: &pr.id,
                name: pr.name.get(lang),
                note: pr.note.as_ref().map(|n| n.get(lang)),
                enterprises: pr
                    .enterprises
                    .iter()
                    .map(|&e| self.enterprise_link(lang, e))
                    .collect(),
            }
        };
        let categories = b
            .categories
            .iter()
            .map(|c| CategoryView {
                id: &c.id,
                name: c.name.get(lang),
                projects: c.projects.iter().map(|&p| project(p)).collect(),
            })
            .collect();
        let view = BoxView {
            boxed: BoxBody {
                number: b.number,
                label: box_label(t, b.number),
                heading: box_heading(t, b.number, b.title.get(lang)),
                title: b.title.get(lang),
                url: sidebar_url(lang, b.number),
                categories,
            },
            root,
            t,
            lang: lang.code(),
        };
        let cx = tera::Context::from_serialize(&view).unwrap_or_default();
        self.render_template(Some(lang), "sidebar_box.html", &cx)
    }
}

/// `sidebars_index.html`'s own values: every box, with where it stands in the text.
#[derive(Serialize)]
struct SidebarsIndexView {
    boxes: Vec<BoxEntry>,
}

#[derive(Serialize)]
struct BoxEntry {
    heading: String,
    url: String,
    count: usize,
    page: Option<super::frame::Link>,
}

impl Renderer<'_> {
    /// `{lang}/sidebars/index.html`: the list of 专栏 boxes, so the folder's own address works.
    pub(super) fn sidebars_index(&self, lang: Lang) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let t = self.strings.get(lang);
        let boxes = s
            .sidebars
            .iter()
            .map(|b| BoxEntry {
                heading: box_heading(t, b.number, b.title.get(lang)),
                url: sidebar_url(lang, b.number),
                count: b.categories.iter().map(|c| c.projects.len()).sum(),
                page: b.page.map(|p| super::frame::Link {
                    title: s.pages[p].title.get(lang).clone(),
                    url: chapter_url(lang, &s.pages[p].id),
                }),
            })
            .collect();
        let spec = PageSpec {
            path: format!("{}/sidebars/index.html", lang.code()),
            template: "sidebars_index.html",
            kind: "sidebars",
            title: self.tr(lang, "projects_boxes"),
            current: None,
        };
        self.page(lang, spec, &SidebarsIndexView { boxes })
    }
}

/// `sidebar_parallel.html`'s own values: a box's categories and items, both languages a row.
#[derive(Serialize)]
struct BoxParallelView {
    heading: String,
    url: String,
    rows: Vec<BoxRow>,
}

/// A category heading or an item, in the page's language first.
#[derive(Serialize)]
struct BoxRow {
    id: String,
    heading: bool,
    first: String,
    second: String,
}

impl Renderer<'_> {
    /// `{lang}/sidebars/{n}/side-by-side/index.html`: the box item by item in both languages.
    pub(super) fn sidebar_parallel(&self, lang: Lang, i: usize) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let b = &s.sidebars[i];
        let t = self.strings.get(lang);
        let other = lang.other();
        let item = |p: usize| {
            let pr = &s.projects[p];
            let text = |l: Lang| {
                let ents: Vec<String> = pr
                    .enterprises
                    .iter()
                    .map(|&e| self.enterprise_link(l, e).name)
                    .collect();
                let (open, sep, close) = (
                    self.tr(l, "enterprises_open"),
                    self.tr(l, "list_separator"),
                    self.tr(l, "enterprises_close"),
                );
                match ents.is_empty() {
                    true => pr.name.get(l).clone(),
                    false => format!("{}{open}{}{close}", pr.name.get(l), ents.join(&sep)),
                }
            };
            BoxRow {
                id: pr.id.clone(),
                heading: false,
                first: text(lang),
                second: text(other),
            }
        };
        let mut rows = Vec::new();
        for c in &b.categories {
            rows.push(BoxRow {
                id: format!("{}-{}", b.number, c.id),
                heading: true,
                first: c.name.get(lang).clone(),
                second: c.name.get(other).clone(),
            });
            rows.extend(c.projects.iter().map(|&p| item(p)));
        }
        let heading = box_heading(t, b.number, b.title.get(lang));
        let view = BoxParallelView {
            heading: heading.clone(),
            url: sidebar_url(lang, b.number),
            rows,
        };
        let spec = PageSpec {
            path: format!(
                "{}/sidebars/{}/side-by-side/index.html",
                lang.code(),
                b.number
            ),
            template: "sidebar_parallel.html",
            kind: "sidebar",
            title: format!(
                "{heading} · {}",
                t.get("side_by_side").cloned().unwrap_or_default()
            ),
            current: b.page,
        };
        self.page(lang, spec, &view)
    }
}
