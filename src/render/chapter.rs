//! A chapter page (the plan's text in one language, with its outline, sectors, parts and
//! neighbours) and its side-by-side page (both languages, passage by passage).

use super::frame::{Link, PageSpec};
use super::parts::{SectorRef, box_label};
use super::{OutFile, Renderer, chapter_url, parallel_url, root_of};
use crate::diag::Diagnostic;
use crate::escape;
use crate::markdown::{UnitKind, sidebar_marker, with_root};
use crate::model::Lang;
use crate::resolve::Page;
use serde::Serialize;

/// `chapter.html`'s own values.
#[derive(Serialize)]
struct ChapterView {
    page: ChapterPage,
    prev: Option<Link>,
    next: Option<Link>,
}

#[derive(Serialize)]
struct ChapterPage {
    title: String,
    editorial_title: bool,
    html: String,
    parallel_url: String,
    outline: Vec<OutlineEntry>,
    sectors: Vec<SectorRef>,
    children: Vec<Link>,
}

/// A heading or 专栏 box in the page's own outline.
#[derive(Serialize)]
struct OutlineEntry {
    level: u8,
    anchor: String,
    title: String,
}

/// `parallel.html`'s own values.
#[derive(Serialize)]
struct ParallelView<'a> {
    page: ParallelPage<'a>,
    rows: Vec<ParallelRow>,
}

#[derive(Serialize)]
struct ParallelPage<'a> {
    title: &'a str,
    url: String,
}

/// One passage in both languages: the page's language first. Also used by the bilingual print
/// edition.
#[derive(Serialize)]
pub(super) struct ParallelRow {
    anchor: String,
    kind: &'static str,
    level: Option<u8>,
    #[serde(rename = "box")]
    boxed: bool,
    first: String,
    second: String,
    first_lang: &'static str,
    second_lang: &'static str,
}

impl Renderer<'_> {
    /// `{lang}/chapters/{id}/index.html`.
    pub(super) fn chapter(&self, lang: Lang, i: usize) -> Result<OutFile, Diagnostic> {
        let s = self.site;
        let p = &s.pages[i];
        let path = chapter_url(lang, &p.id);
        let root = root_of(&path);
        let html = self.body_html(lang, p, &root)?;
        let glossary = format!("{root}{}/glossary/index.html", lang.code());
        let html = match &self.frames.get(lang).terms {
            Some(finder) => {
                super::terms::mark_first_with(finder, &html, &s.glossary, lang, &glossary)
            }
            None => html,
        };
        let link = |j: usize| Link {
            title: s.pages[j].title.get(lang).clone(),
            url: chapter_url(lang, &s.pages[j].id),
        };
        let pos = self.place[i];
        let view = ChapterView {
            page: ChapterPage {
                title: p.title.get(lang).clone(),
                editorial_title: p.editorial_title,
                html,
                parallel_url: parallel_url(lang, &p.id),
                outline: self.outline(lang, p),
                sectors: self.page_sectors[i]
                    .iter()
                    .map(|&x| self.sector_ref(lang, x))
                    .collect(),
                children: p.children.iter().map(|&c| link(c)).collect(),
            },
            prev: pos
                .checked_sub(1)
                .and_then(|k| self.order.get(k))
                .map(|&j| link(j)),
            next: self.order.get(pos + 1).map(|&j| link(j)),
        };
        let spec = PageSpec {
            path,
            template: "chapter.html",
            kind: "chapter",
            title: p.title.get(lang).clone(),
            current: Some(i),
        };
        self.page(lang, spec, &view)
    }

    /// The page's headings and 专栏 boxes.
    fn outline(&self, lang: Lang, p: &Page) -> Vec<OutlineEntry> {
        let t = self.strings.get(lang);
        let entry = |u: &crate::markdown::Unit| match u.kind {
            UnitKind::Heading { level } => Some(OutlineEntry {
                level,
                anchor: u.anchor.clone(),
                title: u.text.clone(),
            }),
            UnitKind::Sidebar { number } => {
                let b = self.site.sidebars.iter().find(|b| b.number == number)?;
                Some(OutlineEntry {
                    level: 2,
                    anchor: format!("sidebar-{number}"),
                    title: format!("{} {}", box_label(t, number), b.title.get(lang)),
                })
            }
            _ => None,
        };
        p.body.get(lang).units.iter().filter_map(entry).collect()
    }

    /// `{lang}/chapters/{id}/side-by-side/index.html`.
    pub(super) fn parallel(&self, lang: Lang, i: usize) -> Result<OutFile, Diagnostic> {
        let p = &self.site.pages[i];
        let path = parallel_url(lang, &p.id);
        let view = ParallelView {
            page: ParallelPage {
                title: p.title.get(lang),
                url: chapter_url(lang, &p.id),
            },
            rows: self.parallel_rows(lang, p, &root_of(&path))?,
        };
        let spec = PageSpec {
            path,
            template: "parallel.html",
            kind: "parallel",
            title: format!("{} · {}", p.title.get(lang), self.tr(lang, "side_by_side")),
            current: Some(i),
        };
        self.page(lang, spec, &view)
    }

    /// A chapter's body with its 专栏 boxes in place, stale English passages marked, and links
    /// made relative to `root`.
    pub(super) fn body_html(&self, lang: Lang, p: &Page, root: &str) -> Result<String, Diagnostic> {
        let mut html = p.body.get(lang).html.clone();
        if lang == Lang::En {
            let badge = self.tr(Lang::En, "awaiting_translation");
            for anchor in &p.stale {
                for tag in ["p", "li", "h2", "h3", "h4", "h5"] {
                    let open = format!("<{tag} id=\"{anchor}\">");
                    html = html.replace(&open, &format!("<{tag} id=\"{anchor}\" class=\"stale\"><span class=\"stale-badge\">{}</span> ", escape::html(&badge)));
                }
            }
        }
        for u in &p.body.get(lang).units {
            if let UnitKind::Sidebar { number } = u.kind
                && let Some(bi) = self.site.sidebars.iter().position(|b| b.number == number)
            {
                html = html.replace(&sidebar_marker(number), &self.sidebar_box(lang, bi, root)?);
            }
        }
        Ok(with_root(&html, root))
    }

    /// Each passage of `p` in `lang` beside its twin (same anchor) in the other language.
    pub(super) fn parallel_rows(
        &self,
        lang: Lang,
        p: &Page,
        root: &str,
    ) -> Result<Vec<ParallelRow>, Diagnostic> {
        let first = p.body.get(lang);
        let second = p.body.get(lang.other());
        let mut rows = Vec::with_capacity(first.units.len());
        for u in &first.units {
            let twin = second.units.iter().find(|v| v.anchor == u.anchor);
            let (level, boxed, kind) = match u.kind {
                UnitKind::Heading { level } => (Some(level), false, "heading"),
                UnitKind::Sidebar { .. } => (None, true, "box"),
                UnitKind::Item => (None, false, "item"),
                UnitKind::Paragraph => (None, false, "paragraph"),
            };
            let (first, second) = if let UnitKind::Sidebar { number } = u.kind {
                self.parallel_boxes(lang, number, root)?
            } else {
                (
                    with_root(&u.html, root),
                    twin.map(|v| with_root(&v.html, root)).unwrap_or_default(),
                )
            };
            rows.push(ParallelRow {
                anchor: u.anchor.clone(),
                kind,
                level,
                boxed,
                first,
                second,
                first_lang: lang.html_lang(),
                second_lang: lang.other().html_lang(),
            });
        }
        Ok(rows)
    }

    /// 专栏 box `number` in both languages, its ids prefixed by language so the two copies on
    /// one page stay unique.
    fn parallel_boxes(
        &self,
        lang: Lang,
        number: u32,
        root: &str,
    ) -> Result<(String, String), Diagnostic> {
        let Some(bi) = self.site.sidebars.iter().position(|x| x.number == number) else {
            return Ok((String::new(), String::new()));
        };
        Ok((
            self.sidebar_box(lang, bi, root)?.replace(
                &format!("id=\"sidebar-{number}"),
                &format!("id=\"{}-sidebar-{number}", lang.code()),
            ),
            self.sidebar_box(lang.other(), bi, root)?
                .replace("id=\"", &format!("id=\"{}-", lang.other().code())),
        ))
    }
}

/// For each page: its own sector, then every sector with a passage on it, in one pass over the
/// sectors (looking at every sector's passages for each page made large books quadratic).
pub(super) fn page_sectors(site: &crate::resolve::Site) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = site
        .pages
        .iter()
        .map(|p| p.sector.into_iter().collect())
        .collect();
    for (si, sec) in site.sectors.iter().enumerate() {
        for (pi, _) in &sec.passages {
            if let Some(list) = out.get_mut(*pi)
                && !list.contains(&si)
            {
                list.push(si);
            }
        }
    }
    out
}
