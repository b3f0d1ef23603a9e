//! The 404 page at the site root: both languages at once, with absolute links (it is served
//! for any missing path, at any depth), from the same values as the cover.

use super::home::CoverView;
use super::{OutFile, Renderer};
use crate::diag::Diagnostic;

impl Renderer<'_> {
    /// `404.html`.
    pub(super) fn not_found(&self, view: &CoverView) -> Result<OutFile, Diagnostic> {
        let cx = tera::Context::from_serialize(view).unwrap_or_default();
        Ok(OutFile {
            path: "404.html".into(),
            bytes: self.render_page(None, "404.html", &cx)?,
        })
    }
}
