//! Resolution: turns the parsed content into one linked `Site`. Every id is checked (unique,
//! a slug), every reference is looked up once here, so rendering never searches by string.

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics};
use crate::fsio::SourceFile;
use crate::linker::Linker;
use crate::load::{Parsed, RawContent};
use crate::markdown::{self, Body, UnitKind};
use crate::model::*;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet, HashMap};
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
    pub source: Bi<SourceFile>,
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
}

#[derive(Debug)]
pub struct Target {
    pub record: TargetRecord,
    pub sector: Option<usize>,
    pub page: usize,
}

/// Where an id is defined, for pointing at it in a finding.
fn id_pos(file: &SourceFile, id: &str) -> usize {
    for pat in [
        format!("id: {id}\n"),
        format!("id: {id}"),
        format!("id: \"{id}\""),
    ] {
        if let Some(p) = file.text.find(&pat) {
            return p;
        }
    }
    0
}

/// Where each id of a file is defined, found in one pass over the file: `id_pos` searches the
/// whole file, and calling it for every record is quadratic in the number of records.
struct IdLines<'f> {
    file: &'f SourceFile,
    /// The text after `id: ` up to the end of the line -> where the first such line starts.
    first: HashMap<&'f str, usize>,
}

impl<'f> IdLines<'f> {
    fn new(file: &'f SourceFile) -> IdLines<'f> {
        let mut first = HashMap::new();
        for (p, _) in file.text.match_indices("id: ") {
            if let Some((line, _)) = file.text[p + 4..].split_once('\n') {
                first.entry(line).or_insert(p);
            }
        }
        IdLines { file, first }
    }

    /// The same position as `id_pos`.
    fn pos(&self, id: &str) -> usize {
        match self.first.get(id) {
            Some(&p) => p,
            None => id_pos(self.file, id),
        }
    }
}

struct Ids<'a> {
    map: HashMap<&'a str, usize>,
    what: &'static str,
    /// The records' own file failed to load: unknown ids are not news.
    quiet: bool,
}

impl<'a> Ids<'a> {
    /// Registers ids, reporting duplicates and non-slugs.
    fn new(
        what: &'static str,
        url: &str,
        ids: impl Iterator<Item = (&'a str, &'a SourceFile)>,
        diags: &mut Diagnostics,
    ) -> Ids<'a> {
        let mut map = HashMap::new();
        for (i, (id, file)) in ids.enumerate() {
            // Only a finding needs the position.
            let pos = || id_pos(file, id);
            if !is_slug(id) {
                diags.push(
                    Diagnostic::error(&file.display, "id", format!("{what} id `{id}` is not a slug"))
                        .at_text(&file.text, pos(), id)
                        .hint("ids are lowercase ASCII letters and digits joined by single hyphens, e.g. `harbin-electric`; they become folder names, so `/`, `..` and spaces are not allowed"),
                );
            }
            if map.insert(id, i).is_some() {
                let pos = pos();
                let later = file.text[pos + 1..]
                    .find(&format!("id: {id}"))
                    .map(|p| p + pos + 1)
                    .unwrap_or(pos);
                diags.push(
                    Diagnostic::error(&file.display, "duplicate-id", format!("{what} id `{id}` is defined twice, so two pages claim {url}{id}/index.html"))
                        .at_text(&file.text, later, id)
                        .hint(format!("give each {what} its own id")),
                );
            }
        }
        Ids {
            map,
            what,
            quiet: false,
        }
    }

    fn quiet_if(mut self, failed: &BTreeSet<&'static str>) -> Self {
        self.quiet = failed.contains(self.what);
        self
    }

    fn get(
        &self,
        id: &str,
        file: &SourceFile,
        from: usize,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        let found = self.map.get(id).copied();
        if found.is_none() && !self.quiet {
            let suggestion = crate::diag::suggest(id, self.map.keys().copied());
            let d = Diagnostic::error(
                &file.display,
                "reference",
                format!("unknown {} `{id}`", self.what),
            )
            .at_text(&file.text, from, id);
            diags.push(match suggestion {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => d.hint(format!("define the {} first, or correct the id", self.what)),
            });
        }
        found
    }
}

fn check_bi(file: &SourceFile, from: usize, what: &str, bi: &Bi<String>, diags: &mut Diagnostics) {
    for lang in Lang::ALL {
        if bi.get(lang).trim().is_empty() {
            let needle = format!("{}:", lang.code());
            diags.push(
                Diagnostic::error(
                    &file.display,
                    "translation",
                    format!("missing translation: {what} has no {} text", lang.code()),
                )
                .at_text(&file.text, from, &needle)
                .hint(format!("fill in `{}:`", lang.code())),
            );
        }
    }
}

/// Resolves everything; returns `None` only when nothing useful could be built.
pub fn site(config: Config, raw: RawContent, diags: &mut Diagnostics) -> Option<Site> {
    let empty = SourceFile {
        display: PathBuf::from("content"),
        text: String::new(),
    };
    let plan = raw.plan?;
    let sectors_file = raw.sectors.unwrap_or(Parsed {
        file: SourceFile {
            display: "content/sectors.yaml".into(),
            text: String::new(),
        },
        value: SectorsFile { sectors: vec![] },
    });
    let ent_file = raw.enterprises.unwrap_or(Parsed {
        file: SourceFile {
            display: "content/enterprises.yaml".into(),
            text: String::new(),
        },
        value: EnterprisesFile {
            enterprises: vec![],
        },
    });
    let tgt_file = raw.targets.unwrap_or(Parsed {
        file: SourceFile {
            display: "content/targets.yaml".into(),
            text: String::new(),
        },
        value: TargetsFile { targets: vec![] },
    });
    let glossary = raw
        .glossary
        .map(|g| {
            let mut ids = BTreeSet::new();
            let lines = IdLines::new(&g.file);
            for t in &g.value.terms {
                let pos = lines.pos(&t.id);
                if !is_slug(&t.id) || !ids.insert(t.id.clone()) {
                    diags.push(
                        Diagnostic::error(
                            &g.file.display,
                            "id",
                            format!("glossary id `{}` is not a unique slug", t.id),
                        )
                        .at_text(&g.file.text, pos, &t.id)
                        .hint("give each term its own lowercase ASCII id"),
                    );
                }
                if t.zh.trim().is_empty() || t.en.trim().is_empty() {
                    diags.push(
                        Diagnostic::error(
                            &g.file.display,
                            "translation",
                            format!("missing translation: glossary term `{}`", t.id),
                        )
                        .at_text(&g.file.text, pos, &t.id)
                        .hint("fill in both `zh:` and `en:`"),
                    );
                }
            }
            g.value.terms
        })
        .unwrap_or_default();

    // Sectors.
    let sf = &sectors_file.file;
    let sector_ids = Ids::new(
        "sector",
        "{lang}/sectors/",
        sectors_file
            .value
            .sectors
            .iter()
            .map(|s| (s.id.as_str(), sf)),
        diags,
    )
    .quiet_if(&raw.failed);
    let sf_lines = IdLines::new(sf);
    let mut sectors: Vec<Sector> = sectors_file
        .value
        .sectors
        .iter()
        .map(|s| {
            let pos = sf_lines.pos(&s.id);
            check_bi(sf, pos, &format!("sector `{}`", s.id), &s.name, diags);
            let parent = s
                .parent
                .as_ref()
                .and_then(|p| sector_ids.get(p, sf, pos, diags));
            Sector {
                id: s.id.clone(),
                name: s.name.clone(),
                parent,
                children: vec![],
                passages: vec![],
                pages: vec![],
                enterprises: vec![],
                projects: vec![],
                targets: vec![],
            }
        })
        .collect();
    for i in 0..sectors.len() {
        if let Some(p) = sectors[i].parent {
            sectors[p].children.push(i);
        }
    }

    // Enterprises.
    let ef = &ent_file.file;
    let ent_ids = Ids::new(
        "enterprise",
        "{lang}/enterprises/",
        ent_file
            .value
            .enterprises
            .iter()
            .map(|e| (e.id.as_str(), ef)),
        diags,
    )
    .quiet_if(&raw.failed);
    let ef_lines = IdLines::new(ef);
    let mut enterprises: Vec<Enterprise> = ent_file
        .value
        .enterprises
        .iter()
        .map(|e| {
            let pos = ef_lines.pos(&e.id);
            check_bi(ef, pos, &format!("enterprise `{}`", e.id), &e.name, diags);
            let secs = e
                .sectors
                .iter()
                .filter_map(|s| sector_ids.get(s, ef, pos, diags))
                .collect();
            Enterprise {
                id: e.id.clone(),
                name: e.name.clone(),
                aliases: e.aliases.clone(),
                sectors: secs,
                projects: vec![],
                mentions: vec![],
            }
        })
        .collect();
    let linkers = Bi {
        zh: Linker::new(
            &enterprises
                .iter()
                .map(|e| names(e, Lang::Zh))
                .collect::<Vec<_>>(),
            false,
        ),
        en: Linker::new(
            &enterprises
                .iter()
                .map(|e| names(e, Lang::En))
                .collect::<Vec<_>>(),
            true,
        ),
    };
    let ent_id_list: Vec<String> = enterprises.iter().map(|e| e.id.clone()).collect();

    // Pages: render both languages in parallel.
    let raw_html = config.output.html.raw_html;
    let rendered: Vec<(Bi<Body>, Vec<Diagnostic>)> = raw
        .chapters
        .par_iter()
        .map(|c| {
            let mut ds = Vec::new();
            let mut bodies = Lang::ALL.map(|lang| {
                let cx = markdown::Context {
                    lang,
                    page_id: &c.meta.value.id,
                    linker: linkers.get(lang),
                    enterprise_ids: &ent_id_list,
                    raw_html,
                };
                let (b, d) = markdown::render(c.body.get(lang), &cx);
                ds.extend(d);
                b
            });
            let en = std::mem::take(&mut bodies[1]);
            let zh = std::mem::take(&mut bodies[0]);
            (Bi { zh, en }, ds)
        })
        .collect();
    let page_ids = Ids::new(
        "chapter",
        "{lang}/chapters/",
        raw.chapters
            .iter()
            .map(|c| (c.meta.value.id.as_str(), &c.meta.file)),
        diags,
    )
    .quiet_if(&raw.failed);
    let mut pages: Vec<Page> = Vec::new();
    let markdown_failed = rendered.iter().any(|(_, ds)| !ds.is_empty());
    for (c, (body, ds)) in raw.chapters.iter().zip(rendered) {
        for d in ds {
            diags.push(d);
        }
        let m = &c.meta.value;
        let mf = &c.meta.file;
        check_bi(mf, 0, &format!("chapter `{}` title", m.id), &m.title, diags);
        let sector = m
            .sector
            .as_ref()
            .and_then(|s| sector_ids.get(s, mf, mf.text.find("sector:").unwrap_or(0), diags));
        let stale = c
            .sync
            .as_ref()
            .map(|s| crate::freshness::stale(&body.zh.units, &s.value))
            .unwrap_or_default();
        pages.push(Page {
            id: m.id.clone(),
            chapter: m.chapter,
            title: m.title.clone(),
            parent: None,
            children: vec![],
            sector,
            editorial_title: m.editorial_title,
            body,
            source: c.body.clone(),
            meta_path: mf.display.clone(),
            stale,
        });
    }
    for (i, c) in raw.chapters.iter().enumerate() {
        let mf = &c.meta.file;
        if let Some(p) = &c.meta.value.parent {
            let parent = page_ids.get(p, mf, mf.text.find("parent:").unwrap_or(0), diags);
            pages[i].parent = parent;
            if let Some(p) = parent {
                pages[p].children.push(i);
            }
        }
        if let Some(s) = pages[i].sector {
            sectors[s].pages.push(i);
        }
        // Sections that belong to a sector.
        for (anchor, sid) in &c.meta.value.sections {
            let from = mf.text.find(&format!("{anchor}:")).unwrap_or(0);
            let Some(s) = sector_ids.get(sid, mf, from, diags) else {
                continue;
            };
            let units = &pages[i].body.zh.units;
            match units.iter().position(|u| &u.anchor == anchor) {
                None if markdown_failed => {}
                None => diags.push(
                    Diagnostic::error(
                        &mf.display,
                        "reference",
                        format!("no heading or passage `{anchor}` on this page"),
                    )
                    .at_text(&mf.text, from, anchor)
                    .hint(
                        "use a heading id from zh.md, or a passage anchor such as `heading-id-2`",
                    ),
                ),
                Some(start) => {
                    let mut idx = vec![start];
                    if let UnitKind::Heading { level } = units[start].kind {
                        for (j, u) in units.iter().enumerate().skip(start + 1) {
                            if matches!(u.kind, UnitKind::Heading { level: l } if l <= level) {
                                break;
                            }
                            idx.push(j);
                        }
                    }
                    sectors[s].passages.push((i, idx));
                }
            }
        }
    }
    // Mentions come from the authoritative Chinese text.
    for (i, p) in pages.iter().enumerate() {
        for m in &p.body.zh.mentions {
            let e = &mut enterprises[m.enterprise];
            if !e.mentions.iter().any(|(pi, a)| *pi == i && *a == m.anchor) {
                e.mentions.push((i, m.anchor.clone()));
            }
        }
    }

    // Sidebars and their projects.
    let mut projects: Vec<Project> = Vec::new();
    let mut sidebars: Vec<Sidebar> = Vec::new();
    let all_items: Vec<(&str, &SourceFile)> = raw
        .sidebars
        .iter()
        .flat_map(|s| {
            s.value
                .categories
                .iter()
                .flat_map(move |c| c.items.iter().map(move |it| (it.id.as_str(), &s.file)))
        })
        .collect();
    let _project_ids = Ids::new("project", "{lang}/projects/#", all_items.into_iter(), diags);
    let mut numbers = BTreeSet::new();
    for s in &raw.sidebars {
        let f = &s.file;
        if !numbers.insert(s.value.number) {
            diags.push(Diagnostic::error(&f.display, "duplicate-id", format!("专栏 number {} is used by two files, so two pages claim {{lang}}/sidebars/{}/index.html", s.value.number, s.value.number)).at_text(&f.text, 0, "number:").hint("give each box its own number"));
        }
        check_bi(f, 0, "the box title", &s.value.title, diags);
        let f_lines = IdLines::new(f);
        let mut categories = Vec::new();
        for c in &s.value.categories {
            let cpos = f_lines.pos(&c.id);
            check_bi(f, cpos, &format!("category `{}`", c.id), &c.name, diags);
            let csecs: Vec<usize> = c
                .sectors
                .iter()
                .filter_map(|x| sector_ids.get(x, f, cpos, diags))
                .collect();
            let mut pidx = Vec::new();
            for it in &c.items {
                let ipos = f_lines.pos(&it.id);
                check_bi(
                    f,
                    ipos,
                    &format!("item `{}`", it.id),
                    &Bi {
                        zh: it.zh.clone(),
                        en: it.en.clone(),
                    },
                    diags,
                );
                let mut secs = csecs.clone();
                for x in &it.sectors {
                    if let Some(si) = sector_ids.get(x, f, ipos, diags)
                        && !secs.contains(&si)
                    {
                        secs.push(si);
                    }
                }
                let mut ents: Vec<usize> = it
                    .enterprises
                    .iter()
                    .filter_map(|x| ent_ids.get(x, f, ipos, diags))
                    .collect();
                for e in linkers.zh.find(&it.zh) {
                    if !ents.contains(&e) {
                        ents.push(e);
                    }
                }
                let pi = projects.len();
                for &e in &ents {
                    enterprises[e].projects.push(pi);
                }
                for &si in &secs {
                    sectors[si].projects.push(pi);
                }
                projects.push(Project {
                    id: it.id.clone(),
                    name: Bi {
                        zh: it.zh.clone(),
                        en: it.en.clone(),
                    },
                    sidebar: s.value.number,
                    category: c.name.clone(),
                    sectors: secs,
                    enterprises: ents,
                    note: it.note.clone(),
                });
                pidx.push(pi);
            }
            categories.push(Category {
                id: c.id.clone(),
                name: c.name.clone(),
                projects: pidx,
            });
        }
        sidebars.push(Sidebar {
            number: s.value.number,
            title: s.value.title.clone(),
            categories,
            page: None,
            path: f.display.clone(),
        });
    }
    for (i, p) in pages.iter().enumerate() {
        for lang in Lang::ALL {
            for u in &p.body.get(lang).units {
                if let UnitKind::Sidebar { number } = u.kind {
                    match sidebars.iter_mut().find(|s| s.number == number) {
                        Some(s) => s.page = Some(i),
                        None if raw.failed.contains("专栏 box") => {}
                        None => diags.push(
                            Diagnostic::error(
                                &p.source.get(lang).display,
                                "reference",
                                format!("unknown 专栏 box {number}"),
                            )
                            .at(u.line, 1)
                            .hint("add content/sidebars/N.yaml with this number, or correct it"),
                        ),
                    }
                }
            }
        }
    }
    for s in &sidebars {
        if s.page.is_none() && !raw.failed.contains("chapter") {
            diags.push(
                Diagnostic::warning(
                    &s.path,
                    "unused",
                    format!("专栏 box {} is not placed in any chapter", s.number),
                )
                .hint(format!(
                    "add a ```sidebar block holding {} where the box belongs",
                    s.number
                )),
            );
        }
    }

    // Targets.
    let tf = &tgt_file.file;
    let _target_ids = Ids::new(
        "target",
        "{lang}/targets/#",
        tgt_file.value.targets.iter().map(|t| (t.id.as_str(), tf)),
        diags,
    );
    let mut targets = Vec::new();
    let tf_lines = IdLines::new(tf);
    for t in &tgt_file.value.targets {
        let pos = tf_lines.pos(&t.id);
        check_bi(
            tf,
            pos,
            &format!("target `{}` label", t.id),
            &t.label,
            diags,
        );
        let sector = t
            .sector
            .as_ref()
            .and_then(|s| sector_ids.get(s, tf, pos, diags));
        let Some(page) = page_ids.get(&t.source.page, tf, pos, diags) else {
            continue;
        };
        if !pages[page]
            .body
            .zh
            .units
            .iter()
            .any(|u| u.anchor == t.source.anchor)
        {
            if markdown_failed {
                continue;
            }
            diags.push(
                Diagnostic::error(
                    &tf.display,
                    "reference",
                    format!(
                        "page `{}` has no passage `{}`",
                        t.source.page, t.source.anchor
                    ),
                )
                .at_text(&tf.text, pos, &t.source.anchor)
                .hint(
                    "use the anchor of the passage that states the figure (see the page's ¶ links)",
                ),
            );
            continue;
        }
        let ti = targets.len();
        if let Some(s) = sector {
            sectors[s].targets.push(ti);
        }
        targets.push(Target {
            record: t.clone(),
            sector,
            page,
        });
    }
    for t in &targets {
        if let Some(b) = &t.record.baseline
            && !targets.iter().any(|x| &x.record.id == b)
        {
            let pos = id_pos(tf, &t.record.id);
            diags.push(
                Diagnostic::error(
                    &tf.display,
                    "reference",
                    format!("unknown target `{b}` as the baseline of `{}`", t.record.id),
                )
                .at_text(&tf.text, pos, b)
                .hint("name the id of the baseline record this target is measured against"),
            );
        }
    }
    for id in &plan.value.headline_targets {
        if !raw.failed.contains("target") && !targets.iter().any(|t| &t.record.id == id) {
            diags.push(
                Diagnostic::error(
                    &plan.file.display,
                    "reference",
                    format!("unknown target `{id}` in headline_targets"),
                )
                .at_text(&plan.file.text, 0, id)
                .hint("list ids from content/targets.yaml"),
            );
        }
    }

    // Enterprises of each sector, in the order of the enterprise list.
    for (ei, e) in enterprises.iter().enumerate() {
        for &s in &e.sectors {
            if !sectors[s].enterprises.contains(&ei) {
                sectors[s].enterprises.push(ei);
            }
        }
    }
    let _ = &empty;
    let _ = BTreeMap::<(), ()>::new();
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
    })
}

fn names(e: &Enterprise, lang: Lang) -> Vec<String> {
    let mut v = vec![e.name.get(lang).clone()];
    v.extend(e.aliases.get(lang).iter().cloned());
    v
}
