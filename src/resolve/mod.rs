//! Resolution: turns the parsed content into one linked `Site`. Every id is checked (unique,
//! a slug), every reference is looked up once here, so rendering never searches by string.
//! `site` runs the stages in order, each in its own module: ids, sectors, enterprises
//! (`entities`), chapters, mentions, 专栏 boxes and projects (`sidebars`), targets, glossary.

mod changes;
mod chapters;
mod entities;
mod glossary;
mod ids;
mod mentions;
mod sectors;
mod sidebars;
mod targets;

use crate::config::Config;
use crate::diag::Diagnostics;
use crate::fsio::SourceFile;
use crate::load::{Parsed, RawContent};
use crate::markdown::Body;
use crate::model::*;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The whole book, resolved.
#[derive(Debug)]
pub struct Site {
    pub config: Config,
    pub plan: PlanMeta,
    pub pages: Vec<Page>,
    pub sidebars: Vec<Sidebar>,
    pub sectors: Vec<Sector>,
    pub enterprises: Vec<Enterprise>,
    pub projects: Vec<Project>,
    pub targets: Vec<Target>,
    pub glossary: Vec<GlossaryTerm>,
    /// The public changelog, newest first, each change's pages resolved.
    pub changes: Vec<Change>,
}

/// A change for readers: its date, what changed in each language, the pages it touched.
#[derive(Debug)]
pub struct Change {
    pub date: String,
    pub text: Bi<String>,
    pub pages: Vec<ChangedPage>,
}

/// A page a change touched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangedPage {
    Chapter(usize),
    Sidebar(usize),
    /// An index page by its folder name (sectors, enterprises, projects, targets, glossary).
    Index(&'static str),
}

/// One page of the plan's text in both languages.
#[derive(Debug)]
pub struct Page {
    pub id: String,
    pub chapter: u32,
    pub title: Bi<String>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    pub sector: Option<usize>,
    pub editorial_title: bool,
    pub body: Bi<Body>,
    /// The Markdown texts, shared with the loaded chapter.
    pub source: std::sync::Arc<Bi<SourceFile>>,
    pub meta_path: PathBuf,
    /// Passages whose Chinese changed after the English was last updated.
    pub stale: BTreeSet<String>,
}

#[derive(Debug)]
pub struct Sidebar {
    pub number: u32,
    pub title: Bi<String>,
    pub categories: Vec<Category>,
    /// The page whose text places this box.
    pub page: Option<usize>,
    pub path: PathBuf,
}

#[derive(Debug)]
pub struct Category {
    pub id: String,
    pub name: Bi<String>,
    pub projects: Vec<usize>,
}

#[derive(Debug)]
pub struct Project {
    pub id: String,
    pub name: Bi<String>,
    pub sidebar: u32,
    pub category: Bi<String>,
    pub sectors: Vec<usize>,
    pub enterprises: Vec<usize>,
    /// Where each of `enterprises` (same order) is tied to the item: its own words or the
    /// chapter text about it.
    pub ties: Vec<TieSource>,
    pub note: Option<Bi<String>>,
}

#[derive(Debug)]
pub struct Sector {
    pub id: String,
    pub name: Bi<String>,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// Passages of the plan about this sector: (page, unit indices).
    pub passages: Vec<(usize, Vec<usize>)>,
    pub pages: Vec<usize>,
    pub enterprises: Vec<usize>,
    pub projects: Vec<usize>,
    pub targets: Vec<usize>,
}

#[derive(Debug)]
pub struct Enterprise {
    pub id: String,
    pub name: Bi<String>,
    pub aliases: Bi<Vec<String>>,
    pub sectors: Vec<usize>,
    pub projects: Vec<usize>,
    /// Passages naming it in the Chinese text: (page, anchor), in reading order.
    pub mentions: Vec<(usize, String)>,
    /// What it is: a Harbin company, a subsidiary, a partner, a product, ...
    pub kind: EntityKind,
    /// A subsidiary's group (`check` reports an unknown id; it is left out here).
    pub parent: Option<usize>,
    /// A product's or brand's maker.
    pub maker: Option<usize>,
    /// A partner's deal as the plan states it.
    pub deal: Option<Bi<String>>,
    /// The other entities the deal's Chinese names (Kelch's names 哈量集团).
    pub deal_with: Vec<usize>,
}

#[derive(Debug)]
pub struct Target {
    pub record: TargetRecord,
    pub sector: Option<usize>,
    pub page: usize,
}

/// A record file, or an empty one where the book has none (or it failed to load).
fn or_empty<T>(file: Option<Parsed<T>>, path: &str, empty: T) -> Parsed<T> {
    file.unwrap_or(Parsed {
        file: SourceFile {
            display: path.into(),
            text: String::new(),
        },
        value: empty,
    })
}

/// Resolves everything; returns `None` only when nothing useful could be built.
pub fn site(config: Config, raw: RawContent, diags: &mut Diagnostics) -> Option<Site> {
    let plan = raw.plan?;
    let failed = &raw.failed;
    let sectors_file = or_empty(
        raw.sectors,
        "content/sectors.yaml",
        SectorsFile { sectors: vec![] },
    );
    let ent_file = or_empty(
        raw.enterprises,
        "content/enterprises.yaml",
        EnterprisesFile {
            enterprises: vec![],
        },
    );
    let tgt_file = or_empty(
        raw.targets,
        "content/targets.yaml",
        TargetsFile { targets: vec![] },
    );
    let glossary = glossary::terms(raw.glossary, diags);

    let (mut sectors, sector_ids) = sectors::resolve(&sectors_file, failed, diags);
    let (mut enterprises, ent_ids) = entities::resolve(&ent_file, &sector_ids, failed, diags);
    let linkers = entities::linkers(&enterprises);
    entities::deal_parties(&mut enterprises, &linkers.zh);

    let raw_html = config.output.html.raw_html;
    let rendered = chapters::render(&raw.chapters, &linkers, &enterprises, raw_html);
    let page_ids = chapters::ids(&raw.chapters, failed, diags);
    // A passage a page's Markdown failed to produce is not reported again as a missing anchor.
    let markdown_failed: Vec<bool> = rendered.iter().map(|(_, ds)| !ds.is_empty()).collect();
    let mut pages = chapters::pages(&raw.chapters, rendered, &sector_ids, diags);
    let ids = (&page_ids, &sector_ids);
    chapters::link(
        &raw.chapters,
        &mut pages,
        &mut sectors,
        ids,
        &markdown_failed,
        diags,
    );
    mentions::collect(&pages, &mut enterprises);

    let mut links = sidebars::ProjectLinks {
        sector_ids: &sector_ids,
        ent_ids: &ent_ids,
        linker: &linkers.zh,
        enterprises: &mut enterprises,
        sectors: &mut sectors,
    };
    let (mut sidebars, projects) = sidebars::resolve(&raw.sidebars, &mut links, diags);
    sidebars::place(&mut sidebars, &pages, failed, diags);

    let target_ids = targets::ids(&tgt_file, failed, diags);
    let targets = targets::resolve(
        &tgt_file,
        &pages,
        ids,
        &mut sectors,
        &markdown_failed,
        diags,
    );
    targets::check_references(&tgt_file, &plan, &target_ids, diags);
    mentions::sector_members(&enterprises, &mut sectors);
    let changes = changes::resolve(raw.changes, &pages, &sidebars, diags);
    Some(Site {
        config,
        plan: plan.value,
        pages,
        sidebars,
        sectors,
        enterprises,
        projects,
        targets,
        glossary,
        changes,
    })
}
