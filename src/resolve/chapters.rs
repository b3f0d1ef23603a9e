//! Chapters: each page's Markdown rendered in both languages (in parallel), its metadata
//! checked, its parts linked to their parent, and its sections given to their sectors.

use super::ids::{Ids, check_bi};
use super::{Enterprise, Page, Sector};
use crate::config::RawHtml;
use crate::diag::{Diagnostic, Diagnostics};
use crate::linker::Linker;
use crate::load::RawChapter;
use crate::markdown::{self, Body, UnitKind};
use crate::model::{Bi, Lang};
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Each chapter's bodies with the Markdown findings, rendered on all cores.
pub(super) fn render(
    chapters: &[RawChapter],
    linkers: &Bi<Linker>,
    enterprises: &[Enterprise],
    raw_html: RawHtml,
) -> Vec<(Bi<Body>, Vec<Diagnostic>)> {
    let ent_ids: Vec<String> = enterprises.iter().map(|e| e.id.clone()).collect();
    chapters
        .par_iter()
        .map(|c| {
            let mut ds = Vec::new();
            let mut bodies = Lang::ALL.map(|lang| {
                let cx = markdown::Context {
                    lang,
                    page_id: &c.meta.value.id,
                    linker: linkers.get(lang),
                    enterprise_ids: &ent_ids,
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
        .collect()
}

/// The chapters' ids.
pub(super) fn ids<'a>(
    chapters: &'a [RawChapter],
    failed: &BTreeSet<&'static str>,
    diags: &mut Diagnostics,
) -> Ids<'a> {
    Ids::new(
        "chapter",
        "{lang}/chapters/",
        chapters
            .iter()
            .map(|c| (c.meta.value.id.as_str(), &c.meta.file)),
        diags,
    )
    .incomplete_if(failed)
}

/// One page per chapter, with its rendered bodies, sector and stale passages (parents and
/// children are linked by `link`).
pub(super) fn pages(
    chapters: &[RawChapter],
    rendered: Vec<(Bi<Body>, Vec<Diagnostic>)>,
    sector_ids: &Ids,
    diags: &mut Diagnostics,
) -> Vec<Page> {
    let mut pages = Vec::with_capacity(chapters.len());
    for (c, (body, ds)) in chapters.iter().zip(rendered) {
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
    pages
}

/// Links each part to its parent page, each page to its sector, and each section named in
/// `chapter.yaml` to its sector as a passage. A missing anchor on a page whose Markdown failed
/// (`markdown_failed[page]`) follows from that error.
pub(super) fn link(
    chapters: &[RawChapter],
    pages: &mut [Page],
    sectors: &mut [Sector],
    ids: (&Ids, &Ids),
    markdown_failed: &[bool],
    diags: &mut Diagnostics,
) {
    let (page_ids, sector_ids) = ids;
    for (i, c) in chapters.iter().enumerate() {
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
        for (anchor, sid) in &c.meta.value.sections {
            let from = mf.text.find(&format!("{anchor}:")).unwrap_or(0);
            let Some(s) = sector_ids.get(sid, mf, from, diags) else {
                continue;
            };
            match section_units(&pages[i], anchor) {
                None => diags.push_unless_follows(
                    Diagnostic::error(
                        &mf.display,
                        "reference",
                        format!("no heading or passage `{anchor}` on this page"),
                    )
                    .at_text(&mf.text, from, anchor)
                    .hint(
                        "use a heading id from zh.md, or a passage anchor such as `heading-id-2`",
                    ),
                    markdown_failed[i],
                ),
                Some(idx) => sectors[s].passages.push((i, idx)),
            }
        }
    }
}

/// The units of the section starting at `anchor`: a passage alone, or a heading with
/// everything up to the next heading of the same or a higher level.
fn section_units(page: &Page, anchor: &str) -> Option<Vec<usize>> {
    let units = &page.body.zh.units;
    let start = units.iter().position(|u| u.anchor == anchor)?;
    let mut idx = vec![start];
    if let UnitKind::Heading { level } = units[start].kind {
        for (j, u) in units.iter().enumerate().skip(start + 1) {
            if matches!(u.kind, UnitKind::Heading { level: l } if l <= level) {
                break;
            }
            idx.push(j);
        }
    }
    Some(idx)
}
