//! What every page shares: the per-language frame (language names, strings, header and footer
//! values, asset paths, and each page's entry for the contents), computed once per language,
//! and the per-page part of the frame (contents, breadcrumbs, paths, last change) wrapped
//! around each page's own view before its template is rendered.

use super::{OutFile, Renderer, TOC_FULL, TOC_RADIUS, chapter_url, root_of};
use crate::diag::Diagnostic;
use crate::i18n::Strings;
use crate::model::Lang;
use crate::resolve::Site;
use serde::Serialize;
use std::collections::BTreeMap;

/// What every page of one language shares, computed once per language.
pub(super) struct Frame {
    /// The theme's templates with the frame's values as their global context, so a page's
    /// own context holds only what is its own.
    tera: tera::Tera,
    /// Each page's title and URL in this language, for the contents.
    pages: Vec<Link>,
    /// Finds the glossary's terms in this language's text (none without a glossary).
    pub terms: Option<aho_corasick::AhoCorasick>,
    /// Each top-level page's contents entry with all its parts and nothing marked current,
    /// as a template value: most pages list it as it is (a value is shared, not copied).
    toc_entries: Vec<Option<tera::Value>>,
}

/// A title and a URL: contents entries of parts, links to pages.
#[derive(Serialize, Clone)]
pub(super) struct Link {
    pub title: String,
    pub url: String,
}

/// The values `base.html` reads on every page of a language.
#[derive(Serialize)]
struct FrameView<'a> {
    lang: &'static str,
    html_lang: &'static str,
    other_html_lang: &'static str,
    other_name: &'a str,
    t: &'a Strings,
    description: &'a str,
    site: SiteTitle<'a>,
    plan: PlanView<'a>,
    /// The translation notice, on English pages only.
    notice: Option<String>,
    /// The document block, when plan.yaml describes the document.
    doc: Option<DocView<'a>>,
    /// The absolute site URL ending in `/`, when `site-url` is set: canonical links, hreflang
    /// alternates and Open Graph URLs are absolute, and left out without it.
    site_url: Option<String>,
    /// The language `x-default` points to.
    default_lang: &'a str,
    assets: &'a BTreeMap<String, String>,
}

/// What the document block shows, in one language: `issuer` is `None` when the document does
/// not name its issuing body (the block says so, with what the document does state).
#[derive(Serialize)]
struct DocView<'a> {
    issuer: Option<&'a str>,
    issuer_note: Option<&'a str>,
    issued: Option<&'a str>,
    status: &'a str,
    status_short: &'a str,
    source: &'a str,
    source_url: Option<&'a str>,
    authoritative: &'a str,
    translation: &'a str,
    translation_date: &'a str,
    licence: &'a str,
    licence_url: Option<&'a str>,
    report_url: Option<&'a str>,
}

impl<'a> DocView<'a> {
    fn new(s: &'a Site, lang: Lang) -> Option<DocView<'a>> {
        let d = s.plan.document.as_ref()?;
        Some(DocView {
            issuer: d.issuer_stated.then(|| s.plan.issuer.get(lang).as_str()),
            issuer_note: d.issuer_note.as_ref().map(|n| n.get(lang).as_str()),
            issued: d.issued.as_deref(),
            status: d.status.get(lang),
            status_short: d.status_short.get(lang),
            source: d.source.get(lang),
            source_url: d.source_url.as_deref(),
            authoritative: d.authoritative.get(lang),
            translation: d.translation.get(lang),
            translation_date: &s.plan.translation.date,
            licence: d.licence.get(lang),
            licence_url: d.licence_url.as_deref(),
            report_url: s.config.output.html.report_url.as_deref(),
        })
    }
}

/// `site-url` with a trailing slash.
pub(super) fn site_base(s: &Site) -> Option<String> {
    let u = s.config.output.html.site_url.as_ref()?;
    Some(if u.ends_with('/') {
        u.clone()
    } else {
        format!("{u}/")
    })
}

#[derive(Serialize)]
struct SiteTitle<'a> {
    title: &'a str,
}

#[derive(Serialize)]
struct PlanView<'a> {
    title: &'a str,
    subtitle: Option<&'a String>,
    issuer: &'a str,
    period: &'a str,
}

impl Frame {
    pub fn new(
        s: &Site,
        theme: &tera::Tera,
        t: &Strings,
        assets: &BTreeMap<String, String>,
        lang: Lang,
    ) -> Frame {
        let view = FrameView {
            lang: lang.code(),
            html_lang: lang.html_lang(),
            other_html_lang: lang.other().html_lang(),
            other_name: match lang {
                Lang::Zh => &s.config.language.en.name,
                Lang::En => &s.config.language.zh.name,
            },
            t,
            description: s
                .config
                .book
                .description
                .as_ref()
                .map(|d| d.get(lang))
                .unwrap_or_else(|| s.plan.title.get(lang)),
            site: SiteTitle {
                title: s.config.book.title.get(lang),
            },
            plan: PlanView {
                title: s.plan.title.get(lang),
                subtitle: s.plan.subtitle.as_ref().map(|x| x.get(lang)),
                issuer: s.plan.issuer.get(lang),
                period: &s.plan.period,
            },
            notice: (lang == Lang::En).then(|| {
                s.plan
                    .translation
                    .notice
                    .en
                    .replace("{date}", &s.plan.translation.date)
            }),
            doc: DocView::new(s, lang),
            site_url: site_base(s),
            default_lang: &s.config.book.default_language,
            assets,
        };
        let pages: Vec<Link> = s
            .pages
            .iter()
            .map(|p| Link {
                title: p.title.get(lang).clone(),
                url: chapter_url(lang, &p.id),
            })
            .collect();
        let mut tera = theme.clone();
        if let Ok(values) = tera::Context::from_serialize(&view) {
            tera.global_context().extend(values);
        }
        let terms = super::terms::term_finder(&s.glossary, lang);
        let toc_entries = s
            .pages
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let entry = top_entry(s, &pages, i, None, p.children.iter().copied());
                p.parent
                    .is_none()
                    .then(|| tera::Value::from_serializable(&entry))
            })
            .collect();
        Frame {
            tera,
            pages,
            terms,
            toc_entries,
        }
    }
}

/// One page to render: where it goes, with which template, and what it is.
pub(super) struct PageSpec {
    pub path: String,
    pub template: &'static str,
    /// The page kind, `kind` in templates (home, chapter, sector, ...).
    pub kind: &'static str,
    pub title: String,
    /// The chapter page this page belongs to, if any: marked in the contents, and the source of
    /// the last-changed date and edit link.
    pub current: Option<usize>,
}

/// The per-page part of the frame.
#[derive(Serialize)]
struct PageFrame<'a> {
    root: String,
    self_path: &'a str,
    twin_path: String,
    title: &'a str,
    kind: &'a str,
    breadcrumbs: Vec<Crumb>,
    updated: Option<String>,
    edit_url: Option<String>,
    /// This page's own description (meta, Open Graph): its first passage, or its title with
    /// the book's description.
    page_description: String,
}

/// A top-level entry of the contents, with its parts; or, marked `more`, a link to where the
/// pages left out are listed (the home page, or a part of the contents).
#[derive(Serialize)]
struct TocEntry {
    id: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    more: bool,
    title: String,
    url: String,
    current: bool,
    children: Vec<TocChild>,
}

#[derive(Serialize)]
struct TocChild {
    title: String,
    url: String,
    current: bool,
}

/// A step of the breadcrumb trail; the last (the page itself) has no URL.
#[derive(Serialize)]
struct Crumb {
    title: Option<String>,
    url: Option<String>,
}

impl Renderer<'_> {
    /// Renders `view` (the page's own values) inside the frame into the page's file.
    pub(super) fn page(
        &self,
        lang: Lang,
        spec: PageSpec,
        view: &impl Serialize,
    ) -> Result<OutFile, Diagnostic> {
        self.page_with(lang, spec, tera::Context::from_serialize(view).ok())
    }

    /// `page` with the page's own values already in a context (the print editions move the
    /// whole book into theirs rather than copy it).
    pub(super) fn page_with(
        &self,
        lang: Lang,
        spec: PageSpec,
        view: Option<tera::Context>,
    ) -> Result<OutFile, Diagnostic> {
        let path = spec.path.as_str();
        let rest = path.split_once('/').map(|(_, r)| r).unwrap_or(path);
        let (updated, edit_url) = self.last_change(lang, spec.current);
        let own = PageFrame {
            root: root_of(path),
            self_path: path,
            twin_path: format!("{}/{rest}", lang.other().code()),
            title: &spec.title,
            kind: spec.kind,
            breadcrumbs: self.breadcrumbs(lang, spec.kind, &spec.title, spec.current),
            updated,
            edit_url,
            page_description: self.describe(lang, &spec),
        };
        // What every page of this language shares is the language's global context.
        let mut cx = tera::Context::from_serialize(&own).unwrap_or_default();
        let full = spec.kind == "home" && self.contents_parts.len() < 2;
        cx.insert_value("toc", self.toc(lang, spec.current, full));
        if let Some(view) = view {
            cx.extend(view);
        }
        let bytes = self.render_page(Some(lang), spec.template, &cx)?;
        Ok(OutFile {
            path: spec.path,
            bytes,
        })
    }

    /// A page's description: a chapter's first passage (up to about 150 characters), the
    /// book's description on the home page, otherwise the page's title and the plan's title.
    fn describe(&self, lang: Lang, spec: &PageSpec) -> String {
        let s = self.site;
        let book = s
            .config
            .book
            .description
            .as_ref()
            .map(|d| d.get(lang).as_str());
        let passage = spec
            .current
            .filter(|_| matches!(spec.kind, "chapter" | "parallel"))
            .and_then(|c| s.pages.get(c))
            .and_then(|p| {
                p.body.get(lang).units.iter().find(|u| {
                    matches!(u.kind, crate::markdown::UnitKind::Paragraph)
                        && u.text.chars().count() > 20
                })
            })
            .map(|u| shorten(&u.text, if lang == Lang::Zh { 80 } else { 155 }));
        match (passage, spec.kind) {
            (Some(p), _) => p,
            (None, "home") => book.unwrap_or(s.plan.title.get(lang)).to_string(),
            (None, _) => {
                let sep = if lang == Lang::Zh { "：" } else { ": " };
                format!("{}{sep}{}", s.plan.title.get(lang), spec.title)
            }
        }
    }

    /// The date the page's sources last changed (from git) and its edit link.
    fn last_change(&self, lang: Lang, current: Option<usize>) -> (Option<String>, Option<String>) {
        let s = self.site;
        let Some(p) = current.and_then(|c| s.pages.get(c)) else {
            return (None, None);
        };
        let src = p
            .source
            .get(lang)
            .display
            .to_string_lossy()
            .replace('\\', "/");
        (
            self.history
                .last_changed(&[&src, &p.meta_path.to_string_lossy()]),
            s.config
                .output
                .html
                .edit_url_template
                .as_ref()
                .map(|tpl| tpl.replace("{path}", &src)),
        )
    }

    /// Renders `template` with `cx` into a string, over the frame of `lang` (none for the
    /// language-neutral cover and 404 pages).
    pub(super) fn render_template(
        &self,
        lang: Option<Lang>,
        template: &str,
        cx: &tera::Context,
    ) -> Result<String, Diagnostic> {
        self.tera(lang)
            .render(template, cx)
            .map_err(|e| self.theme.render_error(template, &e))
    }

    /// `render_template` into a page's bytes (tera writes only strings, so they are UTF-8
    /// without checking them again).
    pub(super) fn render_page(
        &self,
        lang: Option<Lang>,
        template: &str,
        cx: &tera::Context,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut bytes = Vec::with_capacity(32 * 1024);
        self.tera(lang)
            .render_to(template, cx, &mut bytes)
            .map_err(|e| self.theme.render_error(template, &e))?;
        Ok(bytes)
    }

    fn tera(&self, lang: Option<Lang>) -> &tera::Tera {
        match lang {
            Some(lang) => &self.frames.get(lang).tera,
            None => &self.theme.tera,
        }
    }

    /// The table of contents: every page when there are at most `TOC_FULL` (and on the home
    /// page of a book whose contents fit on it); otherwise the `TOC_RADIUS` pages either side
    /// of `current` in reading order (with the top-level page of any part shown), and entries
    /// marked `more` linking to where the pages left out are listed.
    fn toc(&self, lang: Lang, current: Option<usize>, full: bool) -> tera::Value {
        let n = self.order.len();
        let (lo, hi) = if full || n <= TOC_FULL {
            (0, n)
        } else {
            let width = 2 * TOC_RADIUS + 1;
            let at = current
                .and_then(|c| self.place.get(c).copied())
                .unwrap_or(0);
            let lo = at.saturating_sub(TOC_RADIUS).min(n - width);
            (lo, lo + width)
        };
        let more = |at: usize| {
            tera::Value::from_serializable(&TocEntry {
                id: String::new(),
                more: true,
                title: format!("{} …", self.tr(lang, "chapters")),
                url: self.listed_at(lang, at),
                current: false,
                children: vec![],
            })
        };
        let mut out = Vec::new();
        if lo > 0 {
            out.push(more(lo - 1));
        }
        out.extend(self.toc_entries(lang, current, lo..hi));
        if hi < n {
            out.push(more(hi));
        }
        out.into()
    }

    /// The contents entries of the pages at positions `range` of the reading order: each
    /// top-level page in it with its parts in it, `current` marked.
    pub(super) fn toc_entries(
        &self,
        lang: Lang,
        current: Option<usize>,
        range: std::ops::Range<usize>,
    ) -> Vec<tera::Value> {
        let s = self.site;
        let frame = self.frames.get(lang);
        let mut out = Vec::new();
        let window = &self.order[range];
        for (k, &i) in window.iter().enumerate() {
            let top = s.pages[i].parent.unwrap_or(i);
            if k > 0 && s.pages[i].parent.is_some() {
                continue;
            }
            let parts = window[k..]
                .iter()
                .copied()
                .skip(usize::from(i == top))
                .take_while(|&j| s.pages[j].parent == Some(top));
            let whole = i == top && parts.clone().count() == s.pages[top].children.len();
            let marked = current.is_some_and(|c| c == top || s.pages[c].parent == Some(top));
            match &frame.toc_entries[top] {
                Some(entry) if whole && !marked => out.push(entry.clone()),
                _ => out.push(tera::Value::from_serializable(&top_entry(
                    s,
                    &frame.pages,
                    top,
                    current,
                    parts,
                ))),
            }
        }
        out
    }

    fn breadcrumbs(
        &self,
        lang: Lang,
        kind: &str,
        title: &str,
        current: Option<usize>,
    ) -> Vec<Crumb> {
        let s = self.site;
        let t = self.strings.get(lang);
        if kind == "home" {
            return vec![];
        }
        let crumb = |title: &str, url: String| Crumb {
            title: Some(title.to_string()),
            url: Some(url),
        };
        let mut v = vec![Crumb {
            title: t.get("home").cloned(),
            url: Some(format!("{}/index.html", lang.code())),
        }];
        let section = match kind {
            "sector" => Some(("sectors", "sectors/index.html")),
            "enterprise" => Some(("enterprises", "enterprises/index.html")),
            "sidebar" => Some(("projects", "projects/index.html")),
            _ => None,
        };
        if let Some((k, u)) = section {
            v.push(Crumb {
                title: t.get(k).cloned(),
                url: Some(format!("{}/{u}", lang.code())),
            });
        }
        if let Some(c) = current.and_then(|c| s.pages.get(c)) {
            if let Some(p) = c.parent {
                v.push(crumb(
                    s.pages[p].title.get(lang),
                    chapter_url(lang, &s.pages[p].id),
                ));
            }
            if kind == "parallel" || kind == "sidebar" {
                v.push(crumb(c.title.get(lang), chapter_url(lang, &c.id)));
            }
        }
        v.push(Crumb {
            title: Some(title.to_string()),
            url: None,
        });
        v
    }

    /// An interface string of `lang`; empty when the table lacks it.
    pub(super) fn tr(&self, lang: Lang, key: &str) -> String {
        self.strings.get(lang).get(key).cloned().unwrap_or_default()
    }
}

/// The contents entry of top-level page `top` with `parts`, `current` marked.
fn top_entry(
    s: &Site,
    links: &[Link],
    top: usize,
    current: Option<usize>,
    parts: impl Iterator<Item = usize>,
) -> TocEntry {
    TocEntry {
        id: s.pages[top].id.clone(),
        more: false,
        title: links[top].title.clone(),
        url: links[top].url.clone(),
        current: current == Some(top),
        children: parts
            .map(|i| TocChild {
                title: links[i].title.clone(),
                url: links[i].url.clone(),
                current: current == Some(i),
            })
            .collect(),
    }
}

/// `text` cut to at most `max` characters at a word or clause boundary, with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let at = cut
        .rfind([' ', '，', '、', '；'])
        .filter(|&i| i > cut.len() / 2)
        .unwrap_or(cut.len());
    format!(
        "{}…",
        cut[..at].trim_end_matches([',', ' ', '，', '、', '；'])
    )
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn descriptions_are_cut_at_a_boundary() {
        assert_eq!(shorten("short text", 20), "short text");
        assert_eq!(shorten("one two three four five six", 16), "one two three…");
        assert_eq!(
            shorten("甲乙丙丁，戊己庚辛壬癸子丑寅卯", 8),
            "甲乙丙丁，戊己庚…"
        );
    }
}
