//! The print editions: the whole book on one page, in one language or side by side.

use super::chapter::ParallelRow;
use super::frame::PageSpec;
use super::{OutFile, Renderer, root_of};
use crate::diag::Diagnostic;
use crate::model::Lang;
use serde::Serialize;

/// `print.html`'s own values.
#[derive(Serialize)]
struct PrintView {
    bilingual: bool,
    /// The other edition (single-language <-> bilingual) and the words linking to it.
    other_print_url: String,
    print_switch: String,
    chapters: Vec<PrintChapter>,
}

/// A page of the book in reading order: its body, and in the bilingual edition its rows.
#[derive(Serialize)]
struct PrintChapter {
    id: String,
    title: String,
    html: String,
    rows: Vec<ParallelRow>,
}

impl Renderer<'_> {
    /// `{lang}/print/index.html`, or with `bilingual` `{lang}/print/bilingual/index.html`.
    pub(super) fn print(&self, lang: Lang, bilingual: bool) -> Result<OutFile, Diagnostic> {
        let single = format!("{}/print/index.html", lang.code());
        let both = format!("{}/print/bilingual/index.html", lang.code());
        let (path, other, switch, title) = if bilingual {
            (both, single, "print_single", "print_bilingual")
        } else {
            (single, both, "print_bilingual", "print_edition")
        };
        let root = root_of(&path);
        let mut chapters = Vec::with_capacity(self.order.len());
        for &i in &self.order {
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
            bilingual,
            other_print_url: other,
            print_switch: self.tr(lang, switch),
            chapters,
        };
        let spec = PageSpec {
            path,
            template: "print.html",
            kind: "print",
            title: self.tr(lang, title),
            current: None,
        };
        self.page_with(lang, spec, view.into_context())
    }
}

impl PrintView {
    /// The view as template values. The book is held twice while they are made (once as this
    /// view, once as template values); the view is dropped as soon as they exist.
    fn into_context(self) -> Option<tera::Context> {
        tera::Context::from_serialize(&self).ok()
    }
}
