//! 专栏 boxes and their projects: box numbers unique, every item a project with its sectors
//! and enterprises (listed, or found by name in its Chinese text), and each box placed in the
//! chapter whose text holds it.

use super::ids::{IdLines, Ids, check_bi};
use super::{Category, Enterprise, Page, Project, Sector, Sidebar};
use crate::diag::{Diagnostic, Diagnostics};
use crate::fsio::SourceFile;
use crate::linker::Linker;
use crate::load::Parsed;
use crate::markdown::UnitKind;
use crate::model::{Bi, Lang, SidebarCategory, SidebarFile, SidebarItem, TieSource};
use std::collections::BTreeSet;

/// What a project's references are looked up in, and the lists that gain backlinks to it.
pub(super) struct ProjectLinks<'l, 'i> {
    pub sector_ids: &'l Ids<'i>,
    pub ent_ids: &'l Ids<'i>,
    /// Finds enterprise names in a project's Chinese text.
    pub linker: &'l Linker,
    pub enterprises: &'l mut [Enterprise],
    pub sectors: &'l mut [Sector],
}

/// Every box with its categories, and every project, in file order.
pub(super) fn resolve(
    files: &[Parsed<SidebarFile>],
    links: &mut ProjectLinks,
    diags: &mut Diagnostics,
) -> (Vec<Sidebar>, Vec<Project>) {
    let mut projects: Vec<Project> = Vec::new();
    let mut sidebars: Vec<Sidebar> = Vec::new();
    let all_items = files.iter().flat_map(|s| {
        s.value
            .categories
            .iter()
            .flat_map(move |c| c.items.iter().map(move |it| (it.id.as_str(), &s.file)))
    });
    let _project_ids = Ids::new("project", "{lang}/projects/#", all_items, diags);
    let mut numbers = BTreeSet::new();
    for s in files {
        let f = &s.file;
        if !numbers.insert(s.value.number) {
            diags.push(Diagnostic::error(&f.display, "duplicate-id", format!("专栏 number {} is used by two files, so two pages claim {{lang}}/sidebars/{}/index.html", s.value.number, s.value.number)).at_text(&f.text, 0, "number:").hint("give each box its own number"));
        }
        check_bi(f, 0, "the box title", &s.value.title, diags);
        let lines = IdLines::new(f);
        let categories = s
            .value
            .categories
            .iter()
            .map(|c| category(c, s.value.number, (f, &lines), links, &mut projects, diags))
            .collect();
        sidebars.push(Sidebar {
            number: s.value.number,
            title: s.value.title.clone(),
            categories,
            page: None,
            path: f.display.clone(),
        });
    }
    (sidebars, projects)
}

/// A category of box `number`, its items appended to `projects`.
fn category(
    c: &SidebarCategory,
    number: u32,
    (f, lines): (&SourceFile, &IdLines),
    links: &mut ProjectLinks,
    projects: &mut Vec<Project>,
    diags: &mut Diagnostics,
) -> Category {
    let cpos = lines.pos(&c.id);
    check_bi(f, cpos, &format!("category `{}`", c.id), &c.name, diags);
    let csecs: Vec<usize> = c
        .sectors
        .iter()
        .filter_map(|x| links.sector_ids.get(x, f, cpos, diags))
        .collect();
    let indices = c
        .items
        .iter()
        .map(|it| {
            project(
                it,
                (number, &c.name, &csecs),
                (f, lines),
                links,
                projects,
                diags,
            )
        })
        .collect();
    Category {
        id: c.id.clone(),
        name: c.name.clone(),
        projects: indices,
    }
}

/// An item of a category as a project (appended to `projects`; returns its index), with
/// its sectors (the category's and its own) and enterprises (listed, then found by name).
fn project(
    it: &SidebarItem,
    (number, category, csecs): (u32, &Bi<String>, &[usize]),
    (f, lines): (&SourceFile, &IdLines),
    links: &mut ProjectLinks,
    projects: &mut Vec<Project>,
    diags: &mut Diagnostics,
) -> usize {
    let ipos = lines.pos(&it.id);
    let name = Bi {
        zh: it.zh.clone(),
        en: it.en.clone(),
    };
    check_bi(f, ipos, &format!("item `{}`", it.id), &name, diags);
    let mut secs = csecs.to_vec();
    for x in &it.sectors {
        if let Some(si) = links.sector_ids.get(x, f, ipos, diags)
            && !secs.contains(&si)
        {
            secs.push(si);
        }
    }
    let mut ents: Vec<usize> = it
        .enterprises
        .iter()
        .filter_map(|x| links.ent_ids.get(x, f, ipos, diags))
        .collect();
    for e in links.linker.find(&it.zh) {
        if !ents.contains(&e) {
            ents.push(e);
        }
    }
    let pi = projects.len();
    for &e in &ents {
        links.enterprises[e].projects.push(pi);
    }
    for &si in &secs {
        links.sectors[si].projects.push(pi);
    }
    let ties = ents
        .iter()
        .map(|&e| {
            it.basis
                .get(&links.enterprises[e].id)
                .map_or(TieSource::Item, |b| b.by)
        })
        .collect();
    projects.push(Project {
        id: it.id.clone(),
        name,
        sidebar: number,
        category: category.clone(),
        sectors: secs,
        enterprises: ents,
        ties,
        note: it.note.clone(),
    });
    pi
}

/// Places each box in the page whose text holds it; reports boxes placed nowhere and
/// placements of boxes that do not exist.
pub(super) fn place(
    sidebars: &mut [Sidebar],
    pages: &[Page],
    failed: &BTreeSet<&'static str>,
    diags: &mut Diagnostics,
) {
    for (i, p) in pages.iter().enumerate() {
        for lang in Lang::ALL {
            for u in &p.body.get(lang).units {
                let UnitKind::Sidebar { number } = u.kind else {
                    continue;
                };
                match sidebars.iter_mut().find(|s| s.number == number) {
                    Some(s) => s.page = Some(i),
                    None => diags.push_unless_follows(
                        Diagnostic::error(
                            &p.source.get(lang).display,
                            "reference",
                            format!("unknown 专栏 box {number}"),
                        )
                        .at(u.line, 1)
                        .hint("add content/sidebars/N.yaml with this number, or correct it"),
                        failed.contains("专栏 box"),
                    ),
                }
            }
        }
    }
    for s in sidebars.iter().filter(|s| s.page.is_none()) {
        // The chapter placing it may be one that failed to load.
        diags.push_unless_follows(
            Diagnostic::warning(
                &s.path,
                "unused",
                format!("专栏 box {} is not placed in any chapter", s.number),
            )
            .hint(format!(
                "add a ```sidebar block holding {} where the box belongs",
                s.number
            )),
            failed.contains("chapter"),
        );
    }
}
