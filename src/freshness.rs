//! Translation freshness: each chapter may record, in `en.sync.yaml`, a short hash of every
//! Chinese passage as it was when the English was last brought up to date. A passage whose
//! Chinese has changed since is marked on the English page and listed by `check`.

use crate::markdown::{Unit, UnitKind};
use std::collections::{BTreeMap, BTreeSet};

/// The file beside a chapter's Markdown that records the translated state.
pub const SYNC_FILE: &str = "en.sync.yaml";

/// A stable short hash of a passage's Chinese text.
pub fn passage_hash(text: &str) -> String {
    format!("{:016x}", crate::hash::fnv(text.trim().as_bytes()))
}

fn tracked(units: &[Unit]) -> impl Iterator<Item = &Unit> {
    units
        .iter()
        .filter(|u| !matches!(u.kind, UnitKind::Sidebar { .. }))
}

/// Anchors whose Chinese text no longer matches the recorded hash (new passages included).
pub fn stale(zh: &[Unit], recorded: &BTreeMap<String, String>) -> BTreeSet<String> {
    tracked(zh)
        .filter(|u| recorded.get(&u.anchor) != Some(&passage_hash(&u.text)))
        .map(|u| u.anchor.clone())
        .collect()
}

/// The YAML recording every passage of `zh` as translated.
pub fn record(zh: &[Unit]) -> String {
    let mut out = String::from(
        "# Chinese passages as they were when the English was last updated (planbook mark-translated).\n",
    );
    for u in tracked(zh) {
        out.push_str(&format!("{}: \"{}\"\n", u.anchor, passage_hash(&u.text)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(anchor: &str, text: &str) -> Unit {
        Unit {
            kind: UnitKind::Paragraph,
            anchor: anchor.into(),
            text: text.into(),
            html: String::new(),
            heading: None,
            line: 1,
        }
    }

    #[test]
    fn changed_and_new_passages_are_stale() {
        let before = vec![unit("a-1", "甲"), unit("a-2", "乙")];
        let recorded: BTreeMap<String, String> =
            crate::yaml::parse_builtin(&record(&before)).unwrap();
        assert!(stale(&before, &recorded).is_empty());
        let after = vec![unit("a-1", "甲"), unit("a-2", "乙改"), unit("a-3", "丙")];
        assert_eq!(
            stale(&after, &recorded),
            ["a-2", "a-3"].iter().map(|s| s.to_string()).collect()
        );
    }
}
