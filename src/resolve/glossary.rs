//! Glossary terms: each id a unique slug, each term given in both languages.

use super::ids::IdLines;
use crate::diag::{Diagnostic, Diagnostics};
use crate::load::Parsed;
use crate::model::{GlossaryFile, GlossaryTerm, is_slug};
use std::collections::BTreeSet;

/// The glossary's terms, checked; none when the book has no glossary.
pub(super) fn terms(
    file: Option<Parsed<GlossaryFile>>,
    diags: &mut Diagnostics,
) -> Vec<GlossaryTerm> {
    let Some(g) = file else {
        return vec![];
    };
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
}
