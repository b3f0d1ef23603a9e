//! The print editions: the whole book on one page, in one language or side by side. A large
//! book's edition is cut into parts of consecutive top-level chapters (no page over a few MB,
//! and only one part in memory per rendering thread); its print page then lists the parts.

use super::chapter::ParallelRow;
use super::frame::PageSpec;
use super::{OutFile, Renderer, root_of};
use crate::diag::Diagnostic;
use crate::model::Lang;
use serde::Serialize;

/// Most text (both languages' chapter HTML) in one part of a print edition. A part's page is
/// about twice that in the bilingual edition, so every page stays well under 10 MB.
pub const PRINT_PART_BYTES: usize = 6_000_000;

/// `print.html`'s own values.
#[derive(Serialize)]
struct PrintView {
    bilingual: bool,
    /// The other edition (single-language <-> bilingual) and the words linking to it.
    other_print_url: String,
    print_switch: String,
    /// This part's label ("Part 2 of 7") when the edition is cut into parts.
    part: Option<String>,
    /// The edition's first page, listing the parts, when this is one of them.
    parts_url: Option<String>,
    /// On the first page of an edition cut into parts: the parts, in order.
    parts: Vec<PartLink>,
    chapters: Vec<PrintChapter>,
}

/// A part of a print edition or of the contents, named by its first and last chapter.
#[derive(Serialize)]
pub(super) struct PartLink {
    pub label: String,
    pub first: String,
    pub last: String,
    pub url: String,
}

/// A page of the book in reading order: its body, and in the bilingual edition its rows.
#[derive(Serialize)]
struct PrintChapter {
    id: String,
    title: String,
    html: String,
    rows: Vec<ParallelRow>,
}

/// The reading order cut into parts of whole top-level chapters (with their sections) of at
/// most `PRINT_PART_BYTES` of text each; one part holding everything for a book that fits.
pub(super) fn print_parts(site: &crate::resolve::Site, order: &[usize]) -> Vec<Vec<usize>> {
    let mut parts: Vec<Vec<usize>> = vec![vec![]];
    let mut size = 0;
    for group in order.chunk_by(|_, &next| site.pages[next].parent.is_some()) {
        let bytes: usize = group
            .iter()
            .map(|&i| site.pages[i].body.zh.html.len() + site.pages[i].body.en.html.len())
            .sum();
        if size + bytes > PRINT_PART_BYTES && size > 0 {
            parts.push(vec![]);
            size = 0;
        }
        size += bytes;
        if let Some(part) = parts.last_mut() {
            part.extend_from_slice(group);
        }
    }
    parts
}

/// Where an edition's first page is, and where its part `k` (from 1) is.
fn edition_url(lang: Lang, bilingual: bool, part: Option<usize>) -> String {
    let edition = if bilingual {
        "print/bilingual"
    } else {
        "print"
    };
    match part {
        Some(k) => format!("{}/{edition}/part-{k}/index.html", lang.code()),
        None => format!("{}/{edition}/index.html", lang.code()),
    }
}

impl Renderer<'_> {
    /// The first page of an edition: `{lang}/print/index.html`, or with `bilingual`
    /// `{lang}/print/bilingual/index.html`; the whole book, or the list of its parts.
    pub(super) fn print(&self, lang: Lang, bilingual: bool) -> Result<OutFile, Diagnostic> {
        match self.print_parts.as_slice() {
            [whole] => self.print_page(lang, bilingual, whole, None),
            parts => self.print_contents(lang, bilingual, parts),
        }
    }

    /// Part `k` (from 1) of an edition cut into parts.
    pub(super) fn print_part(
        &self,
        lang: Lang,
        bilingual: bool,
        k: usize,
    ) -> Result<OutFile, Diagnostic> {
        let pages = self.print_parts.get(k - 1).map_or(&[][..], Vec::as_slice);
        self.print_page(lang, bilingual, pages, Some(k))
    }

    /// A page of an edition holding `pages`, as part `part` or as the whole book.
    fn print_page(
        &self,
        lang: Lang,
        bilingual: bool,
        pages: &[usize],
        part: Option<usize>,
    ) -> Result<OutFile, Diagnostic> {
        let path = edition_url(lang, bilingual, part);
        let root = root_of(&path);
        let mut chapters = Vec::with_capacity(pages.len());
        for &i in pages {
            let p = &self.site.pages[i];
            let rows = if bilingual {
                self.parallel_rows(lang, p, &root)?
            } else {
                vec![]
            };
            chapters.push(PrintChapter {
                id: p.id.clone(),
                title: p.title.get(lang).clone(),
                html: self.body_html(lang, p, &root)?,
                rows,
            });
        }
        let view = PrintView {
            part: part.map(|k| self.part_label(lang, k)),
            parts_url: part.map(|_| edition_url(lang, bilingual, None)),
            parts: vec![],
            chapters,
            ..self.print_view(lang, bilingual, part)
        };
        self.page_with(
            lang,
            self.print_spec(lang, bilingual, path, part),
            view.into_context(),
        )
    }

    /// The first page of an edition cut into parts: the cover and the list of parts.
    fn print_contents(
        &self,
        lang: Lang,
        bilingual: bool,
        parts: &[Vec<usize>],
    ) -> Result<OutFile, Diagnostic> {
        let title = |i: Option<&usize>| {
            i.map(|&i| self.site.pages[i].title.get(lang).clone())
                .unwrap_or_default()
        };
        let parts = parts
            .iter()
            .enumerate()
            .map(|(k, pages)| PartLink {
                label: self.part_label(lang, k + 1),
                first: title(pages.first()),
                last: title(pages.last()),
                url: edition_url(lang, bilingual, Some(k + 1)),
            })
            .collect();
        let view = PrintView {
            parts,
            ..self.print_view(lang, bilingual, None)
        };
        let path = edition_url(lang, bilingual, None);
        self.page_with(
            lang,
            self.print_spec(lang, bilingual, path, None),
            view.into_context(),
        )
    }

    /// What every page of an edition shows: the switch to the other edition (at the same part).
    fn print_view(&self, lang: Lang, bilingual: bool, part: Option<usize>) -> PrintView {
        PrintView {
            bilingual,
            other_print_url: edition_url(lang, !bilingual, part),
            print_switch: self.tr(
                lang,
                if bilingual {
                    "print_single"
                } else {
                    "print_bilingual"
                },
            ),
            part: None,
            parts_url: None,
            parts: vec![],
            chapters: vec![],
        }
    }

    fn print_spec(
        &self,
        lang: Lang,
        bilingual: bool,
        path: String,
        part: Option<usize>,
    ) -> PageSpec {
        let title = self.tr(
            lang,
            if bilingual {
                "print_bilingual"
            } else {
                "print_edition"
            },
        );
        PageSpec {
            path,
            template: "print.html",
            kind: "print",
            title: match part {
                Some(k) => format!("{title} · {}", self.part_label(lang, k)),
                None => title,
            },
            current: None,
        }
    }

    /// "Part 2 of 7" in `lang`.
    fn part_label(&self, lang: Lang, k: usize) -> String {
        self.tr(lang, "print_part")
            .replace("{n}", &k.to_string())
            .replace("{total}", &self.print_parts.len().to_string())
    }
}

impl PrintView {
    /// The view as template values. The book is held twice while they are made (once as this
    /// view, once as template values); the view is dropped as soon as they exist.
    fn into_context(self) -> Option<tera::Context> {
        tera::Context::from_serialize(&self).ok()
    }
}
