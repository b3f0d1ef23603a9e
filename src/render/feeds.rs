//! What's new: the public changelog the maintainers write (`content/changes.yaml`), as a page
//! and as an Atom feed per language. Commit messages are never shown.

use super::frame::{Link, PageSpec};
use super::parts::box_heading;
use super::{OutFile, Renderer, chapter_url, sidebar_url};
use crate::diag::Diagnostic;
use crate::escape;
use crate::model::Lang;
use crate::resolve::ChangedPage;
use serde::Serialize;

/// `whatsnew.html`'s own values.
#[derive(Serialize)]
struct WhatsNewView<'a> {
    changes: &'a [Change],
    /// The Atom feed's path.
    feed: String,
}

/// A public change: its date, what changed in this language, and the pages it touched.
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

    /// The latest 50 changes of `content/changes.yaml`, newest first, in this language. Each
    /// change's anchor is its date and its place among that date's changes.
    fn changes(&self, lang: Lang) -> Vec<Change> {
        let mut seen: std::collections::BTreeMap<&str, usize> = Default::default();
        self.site
            .changes
            .iter()
            .take(50)
            .map(|c| {
                let n = seen.entry(&c.date).or_default();
                *n += 1;
                Change {
                    date: c.date.clone(),
                    summary: c.text.get(lang).clone(),
                    id: format!("c-{}-{n}", c.date),
                    pages: c
                        .pages
                        .iter()
                        .map(|p| self.changed_page(lang, *p))
                        .collect(),
                }
            })
            .collect()
    }

    /// The title and URL of a page a change touched.
    fn changed_page(&self, lang: Lang, p: ChangedPage) -> Link {
        let s = self.site;
        match p {
            ChangedPage::Chapter(i) => Link {
                title: s.pages[i].title.get(lang).clone(),
                url: chapter_url(lang, &s.pages[i].id),
            },
            ChangedPage::Sidebar(i) => {
                let b = &s.sidebars[i];
                Link {
                    title: box_heading(self.strings.get(lang), b.number, b.title.get(lang)),
                    url: sidebar_url(lang, b.number),
                }
            }
            ChangedPage::Index(folder) => Link {
                title: self.tr(lang, folder),
                url: format!("{}/{folder}/index.html", lang.code()),
            },
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
    let entry_url = abs(&format!("{}/whats-new/index.html#{}", lang.code(), c.id));
    let link = c.pages.first().map_or(entry_url, |p| abs(&p.url));
    let list = if list.is_empty() {
        String::new()
    } else {
        format!("<ul>{list}</ul>")
    };
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
        escape::xml(&format!("<p>{}</p>{list}", escape::html(&c.summary))),
    )
}
