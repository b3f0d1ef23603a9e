//! The contents of a book too large to list on one page: cut into pages of whole top-level
//! chapters (`{lang}/contents/part-K/index.html`), which the home page lists instead of every
//! chapter, so no page grows with the book.

use super::frame::PageSpec;
use super::print::PartLink;
use super::{OutFile, Renderer};
use crate::diag::Diagnostic;
use crate::model::Lang;
use serde::Serialize;
use std::ops::Range;

/// Most pages listed on one page of contents (the home page, or one part of the contents).
pub const CONTENTS_PART_PAGES: usize = 500;

/// `contents.html`'s own values.
#[derive(Serialize)]
struct ContentsView {
    /// "Part 2 of 7".
    part: String,
    /// The contents entries of this part: top-level pages with their parts.
    entries: Vec<tera::Value>,
    previous: Option<PartLink>,
    next: Option<PartLink>,
}

/// The reading order's positions cut into runs of whole top-level chapters (with their
/// sections) of at most `CONTENTS_PART_PAGES` pages; one run for a book that fits.
pub(super) fn contents_parts(site: &crate::resolve::Site, order: &[usize]) -> Vec<Range<usize>> {
    let mut parts: Vec<Range<usize>> = Vec::new();
    let mut at = 0;
    for group in order.chunk_by(|_, &next| site.pages[next].parent.is_some()) {
        let end = at + group.len();
        match parts.last_mut() {
            Some(last) if end - last.start <= CONTENTS_PART_PAGES => last.end = end,
            _ => parts.push(at..end),
        }
        at = end;
    }
    if parts.is_empty() {
        parts.push(0..0);
    }
    parts
}

/// Where part `k` (from 1) of the contents is.
pub(super) fn contents_url(lang: Lang, k: usize) -> String {
    format!("{}/contents/part-{k}/index.html", lang.code())
}

impl Renderer<'_> {
    /// Where the contents entry of the page at position `at` of the reading order is listed:
    /// the home page's list, or the part of the contents holding it.
    pub(super) fn listed_at(&self, lang: Lang, at: usize) -> String {
        // The parts are consecutive runs: the one holding `at` is the first that ends after it.
        let k = self.contents_parts.partition_point(|r| r.end <= at);
        match self.contents_parts.len() {
            2.. => contents_url(lang, k.min(self.contents_parts.len() - 1) + 1),
            _ => format!("{}/index.html#chapters-h", lang.code()),
        }
    }

    /// The parts of the contents, for the home page of a book whose contents are cut.
    pub(super) fn contents_links(&self, lang: Lang) -> Vec<PartLink> {
        if self.contents_parts.len() < 2 {
            return vec![];
        }
        (1..=self.contents_parts.len())
            .map(|k| self.contents_link(lang, k))
            .collect()
    }

    /// Part `k` (from 1) of the contents, named by its first and last top-level page.
    fn contents_link(&self, lang: Lang, k: usize) -> PartLink {
        let range = self.contents_parts[k - 1].clone();
        let title = |at: Option<usize>| {
            at.and_then(|at| self.order.get(at))
                .map(|&i| {
                    let top = self.site.pages[i].parent.unwrap_or(i);
                    self.site.pages[top].title.get(lang).clone()
                })
                .unwrap_or_default()
        };
        PartLink {
            label: self.contents_label(lang, k),
            first: title(Some(range.start)),
            last: title(range.end.checked_sub(1)),
            url: contents_url(lang, k),
        }
    }

    /// "Part 2 of 7" of the contents, in `lang`.
    fn contents_label(&self, lang: Lang, k: usize) -> String {
        self.tr(lang, "contents_part")
            .replace("{n}", &k.to_string())
            .replace("{total}", &self.contents_parts.len().to_string())
    }

    /// `{lang}/contents/part-K/index.html`: the contents entries of part `k` (from 1).
    pub(super) fn contents_part(&self, lang: Lang, k: usize) -> Result<OutFile, Diagnostic> {
        let range = self.contents_parts[k - 1].clone();
        let n = self.contents_parts.len();
        let view = ContentsView {
            part: self.contents_label(lang, k),
            entries: self.toc_entries(lang, None, range),
            previous: (k > 1).then(|| self.contents_link(lang, k - 1)),
            next: (k < n).then(|| self.contents_link(lang, k + 1)),
        };
        let spec = PageSpec {
            path: contents_url(lang, k),
            template: "contents.html",
            kind: "contents",
            title: format!("{} · {}", self.tr(lang, "chapters"), view.part),
            current: None,
        };
        self.page(lang, spec, &view)
    }
}
