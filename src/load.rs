//! Discovery and parsing: walks `content/` in sorted order and parses every YAML record and
//! Markdown body it finds, collecting every problem instead of stopping at the first.

use crate::diag::{Diagnostic, Diagnostics, each_in_parallel};
use crate::fsio::{SourceFile, read_source, relative};
use crate::model::*;
use crate::yaml;
use std::path::{Path, PathBuf};

/// A parsed file together with its source, kept for locating later findings.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub file: SourceFile,
    pub value: T,
}

/// One chapter page as found on disk.
#[derive(Debug, Clone)]
pub struct RawChapter {
    pub dir: PathBuf,
    pub meta: Parsed<ChapterMeta>,
    /// Shared with the page made from it (`Page::source`), not copied.
    pub body: std::sync::Arc<Bi<SourceFile>>,
    /// `en.sync.yaml`: the Chinese passages' hashes when the English was last updated.
    pub sync: Option<Parsed<std::collections::BTreeMap<String, String>>>,
}

/// Everything under `content/`, parsed but not yet cross-checked.
#[derive(Debug, Clone, Default)]
pub struct RawContent {
    pub plan: Option<Parsed<PlanMeta>>,
    pub chapters: Vec<RawChapter>,
    pub sidebars: Vec<Parsed<SidebarFile>>,
    pub sectors: Option<Parsed<SectorsFile>>,
    pub enterprises: Option<Parsed<EnterprisesFile>>,
    pub targets: Option<Parsed<TargetsFile>>,
    pub glossary: Option<Parsed<GlossaryFile>>,
    /// `changes.yaml`: the public changelog the maintainers write.
    pub changes: Option<Parsed<ChangesFile>>,
    /// Kinds of record whose file (or one of whose files) could not be read or parsed: their
    /// ids are unknown, so references to them are not reported again.
    pub failed: std::collections::BTreeSet<&'static str>,
}

const RECORD_FILES: [&str; 6] = [
    "plan.yaml",
    "changes.yaml",
    "sectors.yaml",
    "enterprises.yaml",
    "targets.yaml",
    "glossary.yaml",
];

/// Reads and parses the book's content folder: the walk sorts chapter folders, 专栏 files and
/// record files apart; then the record files are parsed while the chapters and boxes are, in
/// parallel, and the findings kept in walk order (record files, chapters, boxes).
pub fn content(root: &Path, diags: &mut Diagnostics) -> RawContent {
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        diags.push(
            Diagnostic::error("content", "discover", "the book has no content/ folder")
                .hint("create content/ with plan.yaml and chapters/ (see `planbook init`)"),
        );
        return RawContent::default();
    }
    let found = walk(root, &content_dir, diags);
    let ((mut raw, record_diags), (chapters, sidebars)) = rayon::join(
        || records(root, &found.records),
        || {
            rayon::join(
                || each_in_parallel(&found.chapter_dirs, |dir, d| chapter(root, dir, d)),
                || {
                    each_in_parallel(&found.sidebar_files, |rel, d| {
                        parse::<SidebarFile>(root, rel, d)
                    })
                },
            )
        },
    );
    diags.extend(record_diags);
    for (chapter, found) in chapters {
        diags.extend(found);
        match chapter {
            Some(c) => raw.chapters.push(c),
            None => {
                raw.failed.insert("chapter");
            }
        }
    }
    for (sidebar, found) in sidebars {
        diags.extend(found);
        match sidebar {
            Some(p) => raw.sidebars.push(p),
            None => {
                raw.failed.insert("专栏 box");
            }
        }
    }
    raw.sidebars.sort_by_key(|s| s.value.number);
    // A plan.yaml that exists but failed to parse has been reported already.
    if raw.plan.is_none() && !root.join("content/plan.yaml").exists() {
        diags.push(
            Diagnostic::error(
                "content/plan.yaml",
                "discover",
                "content/plan.yaml is missing",
            )
            .hint("add plan.yaml with the plan's title, issuer, period and translation notice"),
        );
    }
    raw
}

/// What the walk of content/ found, in walk order.
#[derive(Default)]
struct Found {
    chapter_dirs: Vec<String>,
    sidebar_files: Vec<PathBuf>,
    /// Record files: their name and path.
    records: Vec<(String, PathBuf)>,
}

/// Walks content/ (sorted, links followed but not out of the book).
fn walk(root: &Path, content_dir: &Path, diags: &mut Diagnostics) -> Found {
    let mut found = Found::default();
    let mut walker = walkdir::WalkDir::new(content_dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diags.push(walk_error(root, &e));
                continue;
            }
        };
        if let Some(d) = foreign_entry(root, &entry) {
            diags.push(d);
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let rel = relative(root, entry.path());
        let Ok(inner) = entry.path().strip_prefix(content_dir) else {
            continue;
        };
        let parts: Vec<&str> = inner.iter().filter_map(|s| s.to_str()).collect();
        match parts.as_slice() {
            ["chapters", dir] if entry.file_type().is_dir() => {
                found.chapter_dirs.push((*dir).to_string())
            }
            ["sidebars", name] if name.ends_with(".yaml") => found.sidebar_files.push(rel),
            [name] if RECORD_FILES.contains(name) => found.records.push((name.to_string(), rel)),
            _ => {}
        }
    }
    found
}

/// One record file, parsed.
enum Record {
    /// Boxed: the plan's metadata is ten times the size of the other files' lists.
    Plan(Box<Option<Parsed<PlanMeta>>>),
    Changes(Option<Parsed<ChangesFile>>),
    Sectors(Option<Parsed<SectorsFile>>),
    Enterprises(Option<Parsed<EnterprisesFile>>),
    Targets(Option<Parsed<TargetsFile>>),
    Glossary(Option<Parsed<GlossaryFile>>),
}

/// The record file `name` at `rel`, parsed as its kind.
fn record(root: &Path, (name, rel): &(String, PathBuf), diags: &mut Diagnostics) -> Record {
    match name.as_str() {
        "plan.yaml" => Record::Plan(Box::new(parse(root, rel, diags))),
        "changes.yaml" => Record::Changes(parse(root, rel, diags)),
        "sectors.yaml" => Record::Sectors(parse(root, rel, diags)),
        "enterprises.yaml" => Record::Enterprises(parse(root, rel, diags)),
        "targets.yaml" => Record::Targets(parse(root, rel, diags)),
        _ => Record::Glossary(parse(root, rel, diags)),
    }
}

/// The record files (plan, changes, sectors, enterprises, targets, glossary) parsed in
/// parallel into a `RawContent`, with their findings in walk order.
fn records(root: &Path, files: &[(String, PathBuf)]) -> (RawContent, Diagnostics) {
    let mut raw = RawContent::default();
    let mut diags = Diagnostics::default();
    for (parsed, found) in each_in_parallel(files, |file, d| record(root, file, d)) {
        diags.extend(found);
        match parsed {
            Record::Plan(v) => raw.plan = *v,
            Record::Changes(v) => raw.changes = v,
            Record::Sectors(v) => raw.sectors = v,
            Record::Enterprises(v) => raw.enterprises = v,
            Record::Targets(v) => raw.targets = v,
            Record::Glossary(v) => raw.glossary = v,
        }
    }
    for (kind, missing) in [
        ("sector", raw.sectors.is_none()),
        ("enterprise", raw.enterprises.is_none()),
        ("target", raw.targets.is_none()),
    ] {
        let listed = files.iter().any(|(n, _)| n.starts_with(kind));
        if missing && listed {
            raw.failed.insert(kind);
        }
    }
    (raw, diags)
}

/// The chapter in `content/chapters/DIR`: its chapter.yaml, both texts and its sync record.
fn chapter(root: &Path, dir: &str, diags: &mut Diagnostics) -> Option<RawChapter> {
    let rel_dir = PathBuf::from("content/chapters").join(dir);
    let meta = parse::<ChapterMeta>(root, &rel_dir.join("chapter.yaml"), diags);
    let zh = read_md(root, &rel_dir.join("zh.md"), diags);
    let en = read_md(root, &rel_dir.join("en.md"), diags);
    let sync_path = rel_dir.join(crate::freshness::SYNC_FILE);
    let sync = if root.join(&sync_path).exists() {
        parse(root, &sync_path, diags)
    } else {
        None
    };
    Some(RawChapter {
        dir: rel_dir,
        meta: meta?,
        body: std::sync::Arc::new(Bi { zh: zh?, en: en? }),
        sync,
    })
}

/// A walk error: a link loop gets its own message (walkdir's, or the system's ELOOP).
pub(crate) fn walk_error(root: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e
        .path()
        .map(|p| relative(root, p))
        .unwrap_or_else(|| PathBuf::from("content"));
    let looped = e.loop_ancestor().is_some() || e.io_error().is_some_and(crate::fsio::is_link_loop);
    let (msg, hint) = if looped {
        (
            format!(
                "symbolic link loop under {}/",
                path.iter().next().unwrap_or_default().to_string_lossy()
            ),
            "remove the link that points back to itself or to one of its parent folders",
        )
    } else {
        (format!("cannot read: {e}"), "check the file's permissions")
    };
    Diagnostic::error(path, "discover", msg).hint(hint)
}

/// An entry that is not the book's own: a name that is not UTF-8 (it would be skipped), or a
/// symbolic link resolving outside the book.
pub(crate) fn foreign_entry(root: &Path, entry: &walkdir::DirEntry) -> Option<Diagnostic> {
    let rel = relative(root, entry.path());
    if entry.file_name().to_str().is_none() {
        return Some(
            Diagnostic::error(&rel, "discover", format!("file name is not valid UTF-8: `{}`", rel.display()))
                .hint("rename it in UTF-8 (names saved in GBK can be converted with `convmv -f GBK -t UTF-8`)"),
        );
    }
    if entry.path_is_symlink() {
        return crate::fsio::check_link(root, &rel).err();
    }
    None
}

fn read_md(root: &Path, rel: &Path, diags: &mut Diagnostics) -> Option<SourceFile> {
    if !root.join(rel).exists() {
        let lang = rel.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
        diags.push(
            Diagnostic::error(
                rel,
                "translation",
                format!(
                    "missing translation: {} has no {lang}.md",
                    rel.parent().unwrap_or(rel).display()
                ),
            )
            .hint(format!(
                "add {} with the {lang} text of this chapter",
                rel.display()
            )),
        );
        return None;
    }
    match read_source(root, rel) {
        Ok(f) => Some(f),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

fn parse<T: yaml::Document>(root: &Path, rel: &Path, diags: &mut Diagnostics) -> Option<Parsed<T>> {
    let file = match read_source(root, rel) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    match yaml::parse::<T>(&file) {
        Ok(value) => Some(Parsed { file, value }),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}
