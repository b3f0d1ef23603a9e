//! Ids and where they are defined: each kind of record's ids checked (unique, a slug) and
//! registered once, looked up with a located finding and a suggestion when unknown.

use crate::diag::{Diagnostic, Diagnostics};
use crate::fsio::SourceFile;
use crate::model::{Bi, Lang, is_slug};
use std::collections::{BTreeSet, HashMap};

/// Where an id is defined, for pointing at it in a finding.
pub(super) fn id_pos(file: &SourceFile, id: &str) -> usize {
    for pat in [
        format!("id: {id}\n"),
        format!("id: {id}"),
        format!("id: \"{id}\""),
    ] {
        if let Some(p) = file.text.find(&pat) {
            return p;
        }
    }
    0
}

/// Where each id of a file is defined, found in one pass over the file: `id_pos` searches the
/// whole file, and calling it for every record is quadratic in the number of records.
pub(super) struct IdLines<'f> {
    file: &'f SourceFile,
    /// The text after `id: ` up to the end of the line -> where the first such line starts.
    first: HashMap<&'f str, usize>,
}

impl<'f> IdLines<'f> {
    pub fn new(file: &'f SourceFile) -> IdLines<'f> {
        let mut first = HashMap::new();
        for (p, _) in file.text.match_indices("id: ") {
            if let Some((line, _)) = file.text[p + 4..].split_once('\n') {
                first.entry(line).or_insert(p);
            }
        }
        IdLines { file, first }
    }

    /// The same position as `id_pos`.
    pub fn pos(&self, id: &str) -> usize {
        match self.first.get(id) {
            Some(&p) => p,
            None => id_pos(self.file, id),
        }
    }
}

/// The ids of one kind of record -> their index.
pub(super) struct Ids<'a> {
    map: HashMap<&'a str, usize>,
    what: &'static str,
    /// Some records of this kind were lost to an error already reported (their file failed to
    /// load, or an id was rejected as not a slug): an unknown id may name one of them, so
    /// references to unknown ids follow from that error and are suppressed, not reported.
    incomplete: bool,
}

impl<'a> Ids<'a> {
    /// Registers ids, reporting duplicates and non-slugs.
    pub fn new(
        what: &'static str,
        url: &str,
        ids: impl Iterator<Item = (&'a str, &'a SourceFile)>,
        diags: &mut Diagnostics,
    ) -> Ids<'a> {
        let mut map = HashMap::new();
        let mut incomplete = false;
        for (i, (id, file)) in ids.enumerate() {
            // Only a finding needs the position.
            let pos = || id_pos(file, id);
            if !is_slug(id) {
                incomplete = true;
                diags.push(
                    Diagnostic::error(&file.display, "id", format!("{what} id `{id}` is not a slug"))
                        .at_text(&file.text, pos(), id)
                        .hint("ids are lowercase ASCII letters and digits joined by single hyphens, e.g. `harbin-electric`; they become folder names, so `/`, `..` and spaces are not allowed"),
                );
            }
            if map.insert(id, i).is_some() {
                let pos = pos();
                let later = file.text[pos + 1..]
                    .find(&format!("id: {id}"))
                    .map(|p| p + pos + 1)
                    .unwrap_or(pos);
                diags.push(
                    Diagnostic::error(&file.display, "duplicate-id", format!("{what} id `{id}` is defined twice, so two pages claim {url}{id}/index.html"))
                        .at_text(&file.text, later, id)
                        .hint(format!("give each {what} its own id")),
                );
            }
        }
        Ids {
            map,
            what,
            incomplete,
        }
    }

    /// Marks the ids incomplete when a file of this kind of record failed to load.
    pub fn incomplete_if(mut self, failed: &BTreeSet<&'static str>) -> Self {
        self.incomplete |= failed.contains(self.what);
        self
    }

    /// Whether `id` is defined; if not, reports `finding` (or suppresses it when the ids are
    /// incomplete, see `incomplete`).
    pub fn require(
        &self,
        id: &str,
        finding: impl FnOnce() -> Diagnostic,
        diags: &mut Diagnostics,
    ) -> bool {
        let known = self.map.contains_key(id);
        if !known {
            diags.push_unless_follows(finding(), self.incomplete);
        }
        known
    }

    /// The index of `id`, referred to in `file` at byte `from`; unknown ids are reported there.
    pub fn get(
        &self,
        id: &str,
        file: &SourceFile,
        from: usize,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        let finding = || {
            let d = Diagnostic::error(
                &file.display,
                "reference",
                format!("unknown {} `{id}`", self.what),
            )
            .at_text(&file.text, from, id);
            match crate::diag::suggest(id, self.map.keys().copied().filter(|k| is_slug(k))) {
                Some(s) => d.hint(format!("did you mean `{s}`?")),
                None => d.hint(format!("define the {} first, or correct the id", self.what)),
            }
        };
        self.require(id, finding, diags);
        self.map.get(id).copied()
    }
}

/// Reports a text that is empty in either language.
pub(super) fn check_bi(
    file: &SourceFile,
    from: usize,
    what: &str,
    bi: &Bi<String>,
    diags: &mut Diagnostics,
) {
    for lang in Lang::ALL {
        if bi.get(lang).trim().is_empty() {
            let needle = format!("{}:", lang.code());
            diags.push(
                Diagnostic::error(
                    &file.display,
                    "translation",
                    format!("missing translation: {what} has no {} text", lang.code()),
                )
                .at_text(&file.text, from, &needle)
                .hint(format!("fill in `{}:`", lang.code())),
            );
        }
    }
}
