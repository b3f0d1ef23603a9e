//! The public changelog (`content/changes.yaml`): each change dated, written in both languages,
//! its pages resolved to the site's pages. The what's-new page and the feeds show only this,
//! never a commit message.

use super::{Change, ChangedPage, Page, Sidebar};
use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::load::Parsed;
use crate::model::{Bi, ChangeEntry, ChangesFile};

/// Index pages a change may name, by folder.
const INDEXES: [&str; 5] = ["sectors", "enterprises", "projects", "targets", "glossary"];

/// The changes, checked and sorted newest first; none when the book has no changes.yaml.
pub(super) fn resolve(
    file: Option<Parsed<ChangesFile>>,
    pages: &[Page],
    sidebars: &[Sidebar],
    diags: &mut Diagnostics,
) -> Vec<Change> {
    let Some(f) = file else {
        return vec![];
    };
    let mut from = 0;
    let mut out = Vec::new();
    for entry in &f.value.changes {
        // Each entry's findings are located from where its date is written, onwards.
        from = f.file.text[from..]
            .find(&entry.date)
            .map_or(from, |i| from + i);
        let mut err = |needle: &str, msg: String, hint: &str| {
            diags.push(
                Diagnostic::error(&f.file.display, "changes", msg)
                    .at_text(&f.file.text, from, needle)
                    .hint(hint.to_string()),
            )
        };
        if !is_date(&entry.date) {
            err(
                &entry.date,
                format!("change date `{}` is not a date", entry.date),
                "write the date as YYYY-MM-DD, e.g. 2026-11-30",
            );
        }
        if entry.zh.trim().is_empty() || entry.en.trim().is_empty() {
            err(
                &entry.date,
                format!(
                    "the change of {} is not written in both languages",
                    entry.date
                ),
                "fill in both `zh:` and `en:`",
            );
        }
        let resolved = entry
            .pages
            .iter()
            .filter_map(|p| match page_ref(p, pages, sidebars) {
                Some(x) => Some(x),
                None => {
                    err(
                        p,
                        format!("change names unknown page `{p}`"),
                        &page_hint(p, pages),
                    );
                    None
                }
            })
            .collect();
        out.push(change(entry, resolved));
    }
    out.sort_by(|a, b| b.date.cmp(&a.date));
    out
}

fn change(entry: &ChangeEntry, pages: Vec<ChangedPage>) -> Change {
    Change {
        date: entry.date.clone(),
        text: Bi {
            zh: entry.zh.trim().to_string(),
            en: entry.en.trim().to_string(),
        },
        pages,
    }
}

/// `YYYY-MM-DD` with a plausible month and day.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) {
        return false;
    }
    if !digits(5..7) || !digits(8..10) {
        return false;
    }
    let month: u32 = s[5..7].parse().unwrap_or(0);
    let day: u32 = s[8..10].parse().unwrap_or(0);
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// A page reference: a chapter id, `sidebars/N`, or an index folder.
fn page_ref(r: &str, pages: &[Page], sidebars: &[Sidebar]) -> Option<ChangedPage> {
    if let Some(i) = pages.iter().position(|p| p.id == r) {
        return Some(ChangedPage::Chapter(i));
    }
    if let Some(n) = r
        .strip_prefix("sidebars/")
        .and_then(|n| n.parse::<u32>().ok())
    {
        return sidebars
            .iter()
            .position(|b| b.number == n)
            .map(ChangedPage::Sidebar);
    }
    INDEXES
        .iter()
        .find(|x| **x == r)
        .map(|x| ChangedPage::Index(x))
}

fn page_hint(r: &str, pages: &[Page]) -> String {
    let names = pages
        .iter()
        .map(|p| p.id.as_str())
        .chain(INDEXES.iter().copied());
    match suggest(r, names) {
        Some(s) => format!("did you mean `{s}`?"),
        None => "name a chapter id, `sidebars/N`, or one of sectors, enterprises, projects, \
                 targets, glossary"
            .into(),
    }
}

#[cfg(test)]
mod tests {
    use super::is_date;

    #[test]
    fn dates_are_checked() {
        assert!(is_date("2026-11-30"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("30.11.2026"));
        assert!(!is_date("2026-1-1"));
    }
}
