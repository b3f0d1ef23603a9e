//! Page history from git: when each source file last changed. Read once per build with one
//! `git log` (`serve` keeps it between builds, see `Kept`); outside a git checkout (or without
//! git) the site simply shows no dates. Only dates and paths are read: commit messages are
//! never read, so no page or feed can publish one (the public changelog is
//! `content/changes.yaml`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::SystemTime;

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

/// The history `serve` keeps between builds. Dates come only from commits, so saving a source
/// file cannot change them: `git log` runs again only when the commit checked out may have
/// changed, that is when git's `HEAD`, its index, or the ref `HEAD` names (loose or packed)
/// changed modification time or length. A book that is not in a checkout when `serve` starts
/// keeps an empty history; with a git older than 2.31 (no `--path-format`) the history is read
/// once.
pub struct Kept {
    dirs: Option<(PathBuf, PathBuf)>,
    stamp: Vec<Option<(SystemTime, u64)>>,
    history: History,
    reads: usize,
}

impl Kept {
    /// Reads the history of `root` and notes the state of the files that say when to re-read it.
    pub fn new(root: &Path) -> Kept {
        let dirs = git_dirs(root);
        let stamp = stamp(dirs.as_ref());
        Kept {
            dirs,
            stamp,
            history: History::load(root),
            reads: 1,
        }
    }

    /// Re-reads the history when the commit checked out may have changed; true when it did.
    pub fn refresh(&mut self, root: &Path) -> bool {
        let now = stamp(self.dirs.as_ref());
        if now == self.stamp {
            return false;
        }
        // Noted before reading, so a commit made meanwhile is seen by the next refresh.
        self.stamp = now;
        self.history = History::load(root);
        self.reads += 1;
        true
    }

    /// The history as last read.
    pub fn get(&self) -> &History {
        &self.history
    }

    /// How many times `git log` ran.
    pub fn reads(&self) -> usize {
        self.reads
    }
}

/// The git directory of the checkout holding `root` and the common one (they differ in a
/// linked worktree), or `None` outside a checkout.
fn git_dirs(root: &Path) -> Option<(PathBuf, PathBuf)> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "rev-parse",
            "--path-format=absolute",
            "--git-dir",
            "--git-common-dir",
        ])
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let mut lines = text.lines();
    match (out.status.success(), lines.next(), lines.next()) {
        (true, Some(git), Some(common)) => Some((git.into(), common.into())),
        _ => None,
    }
}

/// The modification time and length (`None`: missing) of each file whose change may mean
/// another commit is checked out: `HEAD`, the index, the ref `HEAD` names as a loose file
/// (looked up each time, as `HEAD` may have moved to another branch), and the packed refs.
fn stamp(dirs: Option<&(PathBuf, PathBuf)>) -> Vec<Option<(SystemTime, u64)>> {
    let Some((git, common)) = dirs else {
        return Vec::new();
    };
    let mut files = vec![git.join("HEAD"), git.join("index")];
    let head = std::fs::read_to_string(git.join("HEAD")).unwrap_or_default();
    if let Some(name) = head.trim().strip_prefix("ref: ") {
        files.push(common.join(name));
    }
    files.push(common.join("packed-refs"));
    files
        .iter()
        .map(|f| {
            let m = std::fs::metadata(f).ok()?;
            Some((m.modified().ok()?, m.len()))
        })
        .collect()
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

    fn git(dir: &Path, args: &[&str], date: &str) {
        let ok = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
            .args(args)
            .env("GIT_AUTHOR_DATE", date)
            .env("GIT_COMMITTER_DATE", date)
            .status()
            .is_ok_and(|s| s.success());
        assert!(ok, "git {args:?}");
    }

    #[test]
    fn kept_history_is_read_again_after_a_commit_not_after_a_save() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.md");
        std::fs::write(&file, "one").unwrap();
        git(dir.path(), &["init", "-q"], "2020-01-02T12:00:00Z");
        git(dir.path(), &["add", "a.md"], "2020-01-02T12:00:00Z");
        git(dir.path(), &["commit", "-qm", "a"], "2020-01-02T12:00:00Z");
        let mut kept = Kept::new(dir.path());
        let date = |k: &Kept| k.get().last_changed(&["a.md"]);
        assert_eq!(date(&kept).as_deref(), Some("2020-01-02"));
        std::fs::write(&file, "two").unwrap();
        assert!(!kept.refresh(dir.path()), "a save is no commit");
        git(dir.path(), &["commit", "-qam", "b"], "2021-03-04T12:00:00Z");
        assert!(kept.refresh(dir.path()));
        assert_eq!(date(&kept).as_deref(), Some("2021-03-04"));
        assert!(!kept.refresh(dir.path()));
        // A branch of its own: HEAD moves, and commits there are seen too.
        git(
            dir.path(),
            &["checkout", "-qb", "other"],
            "2022-01-01T12:00:00Z",
        );
        assert!(kept.refresh(dir.path()));
        std::fs::write(&file, "three").unwrap();
        git(dir.path(), &["commit", "-qam", "c"], "2022-05-06T12:00:00Z");
        assert!(kept.refresh(dir.path()));
        assert_eq!(date(&kept).as_deref(), Some("2022-05-06"));
        assert_eq!(kept.reads(), 4);
    }
}
