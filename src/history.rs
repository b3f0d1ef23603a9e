//! Page history from git: when each source file last changed. Read once per build with one
//! `git log`; outside a git checkout (or without git) the site simply shows no dates.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// A commit that touched content: date (YYYY-MM-DD), subject, files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// The abbreviated commit hash, used as an anchor.
    pub id: String,
    pub date: String,
    pub subject: String,
    pub files: Vec<String>,
}

/// The book's git history, newest first, with paths relative to the book root.
#[derive(Debug, Default, Clone)]
pub struct History {
    pub commits: Vec<Commit>,
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
                "--format=%x1e%h%x1f%ad%x1f%s",
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
            let Some((id, rest)) = lines.next().and_then(|l| l.split_once('\u{1f}')) else {
                continue;
            };
            let Some((date, subject)) = rest.split_once('\u{1f}') else {
                continue;
            };
            let files: Vec<String> = lines
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.trim().to_string())
                .collect();
            for f in &files {
                h.last.entry(f.clone()).or_insert_with(|| date.to_string());
            }
            h.commits.push(Commit {
                id: format!("c-{id}"),
                date: date.into(),
                subject: subject.into(),
                files,
            });
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
        let log = "\u{1e}abc1234\u{1f}2026-11-02\u{1f}Edit chapter\n\ncontent/chapters/01/zh.md\n\u{1e}def5678\u{1f}2026-10-01\u{1f}First\n\ncontent/chapters/01/zh.md\ncontent/plan.yaml\n";
        let h = History::parse(log);
        assert_eq!(h.commits.len(), 2);
        assert_eq!(h.commits[0].id, "c-abc1234");
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
