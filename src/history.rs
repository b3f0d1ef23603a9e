//! Page history from git: when each source file last changed. Read once per build with one
//! `git log`; outside a git checkout (or without git) the site simply shows no dates. Only dates
//! and paths are read: commit messages are never read, so no page or feed can publish one (the
//! public changelog is `content/changes.yaml`).

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// When each file of the book last changed (YYYY-MM-DD), paths relative to the book root.
#[derive(Debug, Default, Clone)]
pub struct History {
    last: BTreeMap<String, String>,
}

impl History {
    /// Reads the history of `root`; empty when `root` is not in a git checkout.
    pub fn load(root: &Path) -> History {
        let out = Command::new("git")
            .arg("-C")
            .arg(root)
            .args([
                "log",
                "--no-merges",
                "--date=short",
                "--format=%x1e%ad",
                "--name-only",
                "--relative",
                "--",
                ".",
            ])
            .output();
        match out {
            Ok(o) if o.status.success() => History::parse(&String::from_utf8_lossy(&o.stdout)),
            _ => History::default(),
        }
    }

    fn parse(log: &str) -> History {
        let mut h = History::default();
        for rec in log.split('\u{1e}').filter(|r| !r.trim().is_empty()) {
            let mut lines = rec.lines();
            let Some(date) = lines.next().map(str::trim) else {
                continue;
            };
            for f in lines.map(str::trim).filter(|l| !l.is_empty()) {
                h.last
                    .entry(f.to_string())
                    .or_insert_with(|| date.to_string());
            }
        }
        h
    }

    /// The latest date any of `paths` changed.
    pub fn last_changed(&self, paths: &[&str]) -> Option<String> {
        paths
            .iter()
            .filter_map(|p| self.last.get(*p))
            .max()
            .cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_git_log() {
        let log = "\u{1e}2026-11-02\n\ncontent/chapters/01/zh.md\n\u{1e}2026-10-01\n\ncontent/chapters/01/zh.md\ncontent/plan.yaml\n";
        let h = History::parse(log);
        assert_eq!(
            h.last_changed(&["content/chapters/01/zh.md"]).as_deref(),
            Some("2026-11-02")
        );
        assert_eq!(
            h.last_changed(&["content/plan.yaml", "x"]).as_deref(),
            Some("2026-10-01")
        );
        assert_eq!(h.last_changed(&["nope"]), None);
    }
}
