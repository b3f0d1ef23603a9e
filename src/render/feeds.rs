//! What's new: the recent changes to the content, from git, as a page and as an Atom feed.

use super::frame::{Link, PageSpec};
use super::parts::box_heading;
use super::{OutFile, Renderer, chapter_url, sidebar_url};
use crate::diag::Diagnostic;
use crate::escape;
use crate::model::Lang;
use serde::Serialize;

/// `whatsnew.html`'s own values.
#[derive(Serialize)]
struct WhatsNewView<'a> {
    changes: &'a [Change],
    /// The Atom feed's path.
    feed: String,
}

/// A commit that touched the content: its date, summary, and the pages it changed.
#[derive(Serialize)]
struct Change {
    date: String,
    summary: String,
    id: String,
    pages: Vec<Link>,
}

impl Renderer<'_> {
    /// `{lang}/whats-new/index.html` and `{lang}/feed.xml`.
    pub(super) fn whats_new(&self, lang: Lang) -> Result<Vec<OutFile>, Diagnostic> {
        let changes = self.changes(lang);
        let view = WhatsNewView {
            changes: &changes,
            feed: format!("{}/feed.xml", lang.code()),
        };
        let spec = PageSpec {
            path: format!("{}/whats-new/index.html", lang.code()),
            template: "whatsnew.html",
            kind: "whatsnew",
            title: self.tr(lang, "whats_new"),
            current: None,
        };
        let page = self.page(lang, spec, &view)?;
        Ok(vec![page, self.feed(lang, &changes)])
    }

    /// The latest 50 commits that changed a page, newest first.
    fn changes(&self, lang: Lang) -> Vec<Change> {
        self.history
            .commits
            .iter()
            .filter_map(|c| {
                let mut pages: Vec<Link> = c
                    .files
                    .iter()
                    .filter_map(|f| self.page_of(lang, f))
                    .collect();
                pages.dedup_by(|a, b| a.url == b.url && a.title == b.title);
                (!pages.is_empty()).then(|| Change {
                    date: c.date.clone(),
                    summary: c.subject.clone(),
                    id: c.id.clone(),
                    pages,
                })
            })
            .take(50)
            .collect()
    }

    /// The page a content file shows on, if any.
    fn page_of(&self, lang: Lang, file: &str) -> Option<Link> {
        let s = self.site;
        let link = |url: String, title: String| Some(Link { title, url });
        if let Some(p) = s.pages.iter().find(|p| {
            [
                p.source.zh.display.to_string_lossy(),
                p.source.en.display.to_string_lossy(),
                p.meta_path.to_string_lossy(),
            ]
            .iter()
            .any(|x| x == file)
        }) {
            return link(chapter_url(lang, &p.id), p.title.get(lang).clone());
        }
        if let Some(b) = s.sidebars.iter().find(|b| b.path.to_string_lossy() == file) {
            let heading = box_heading(self.strings.get(lang), b.number, b.title.get(lang));
            return link(sidebar_url(lang, b.number), heading);
        }
        let named = |k: &str, url: &str| link(format!("{}/{url}", lang.code()), self.tr(lang, k));
        match file {
            "content/enterprises.yaml" => named("enterprises", "enterprises/index.html"),
            "content/sectors.yaml" => named("sectors", "sectors/index.html"),
            "content/targets.yaml" => named("targets", "targets/index.html"),
            "content/glossary.yaml" => named("glossary", "glossary/index.html"),
            _ => None,
        }
    }

    /// An Atom feed of the recent changes.
    fn feed(&self, lang: Lang, changes: &[Change]) -> OutFile {
        let s = self.site;
        let base = s
            .config
            .output
            .html
            .site_url
            .clone()
            .map(|u| if u.ends_with('/') { u } else { format!("{u}/") });
        let abs = |path: &str| match &base {
            Some(b) => format!("{b}{path}"),
            None => format!("urn:planbook:{path}"),
        };
        let updated = changes
            .first()
            .map(|c| c.date.as_str())
            .unwrap_or("1970-01-01");
        let feed_url = abs(&format!("{}/feed.xml", lang.code()));
        let mut xml = format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{} · {}</title>\n  <id>{}</id>\n  <updated>{updated}T00:00:00Z</updated>\n  <link rel=\"self\" href=\"{}\"/>\n  <link rel=\"alternate\" href=\"{}\"/>\n",
            lang.html_lang(),
            escape::xml(s.config.book.title.get(lang)),
            escape::xml(&self.tr(lang, "whats_new")),
            escape::xml(&feed_url),
            escape::xml(&feed_url),
            escape::xml(&abs(&format!("{}/whats-new/index.html", lang.code()))),
        );
        for c in changes {
            xml.push_str(&feed_entry(lang, c, &abs));
        }
        xml.push_str("</feed>\n");
        OutFile {
            path: format!("{}/feed.xml", lang.code()),
            bytes: xml.into_bytes(),
        }
    }
}

/// One change as an Atom entry, linking to the first page it touched.
fn feed_entry(lang: Lang, c: &Change, abs: &dyn Fn(&str) -> String) -> String {
    let mut list = String::new();
    for p in &c.pages {
        list.push_str(&format!(
            "<li><a href=\"{}\">{}</a></li>",
            escape::html(&abs(&p.url)),
            escape::html(&p.title)
        ));
    }
    let link = c.pages.first().map(|p| abs(&p.url)).unwrap_or_default();
    format!(
        "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <updated>{}T00:00:00Z</updated>\n    <link href=\"{}\"/>\n    <content type=\"html\">{}</content>\n  </entry>\n",
        escape::xml(&c.summary),
        escape::xml(&abs(&format!(
            "{}/whats-new/index.html#{}",
            lang.code(),
            c.id
        ))),
        c.date,
        escape::xml(&link),
        escape::xml(&format!("<ul>{list}</ul>")),
    )
}
