//! `serve`'s rebuilds, kept apart from its HTTP answers: when they run after file events, what
//! they reuse from the last one (the git history), and when a build becomes the new version
//! (at its first file that differs from the site served, so pages reload before the whole site
//! is rendered, and a build that changes nothing reloads nothing).

use super::{Next, Shared, State, lock};
use crate::history::Kept;
use crate::render::OutFile;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds the book into memory and publishes each result, keeping the git history between
/// builds (re-read only when the commit checked out may have changed, see `Kept`) and its own
/// thread pool.
pub struct Builder {
    root: PathBuf,
    history: Kept,
    pool: Option<rayon::ThreadPool>,
}

/// Rendering threads per core. Rendering runs the whole-book pages (print editions, search
/// index) one after another on one thread and the other pages in job order on the rest, so with
/// one thread per core the pages of the second language start late; with two per core the
/// jobs of both languages start at once and a changed page is made sooner, for the same CPU
/// (BENCHMARKS.md).
const THREADS_PER_CORE: usize = 2;

/// The pool rebuilds run on (`None`: rayon's global pool, if this one cannot be made).
fn pool() -> Option<rayon::ThreadPool> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    rayon::ThreadPoolBuilder::new()
        .num_threads(cores * THREADS_PER_CORE)
        .thread_name(|i| format!("planbook-serve-{i}"))
        .build()
        .ok()
}

impl Builder {
    /// Reads the git history of the book at `root` once, and has every build from now on keep
    /// its parsed YAML for the next (`yaml::keep_parsed`).
    pub fn new(root: &Path) -> Builder {
        crate::yaml::keep_parsed();
        Builder {
            root: root.to_path_buf(),
            history: Kept::new(root),
            pool: pool(),
        }
    }

    /// Rebuilds and publishes the result, the pages of the files `changed` (as the watcher
    /// names them) first; returns how long the build took.
    pub fn rebuild(&mut self, shared: &Shared, changed: &[PathBuf]) -> Duration {
        let started = Instant::now();
        if self.history.refresh(&self.root) {
            eprintln!("git history re-read (the commit checked out changed)");
        }
        let changed = in_book(&self.root, changed);
        let build = || build(&self.root, self.history.get(), &changed, shared);
        let result = match &self.pool {
            Some(pool) => pool.install(build),
            None => build(),
        };
        let took = started.elapsed();
        finish(shared, result, took);
        took
    }
}

/// `changed` as paths relative to the book at `root` (the watcher names them under the
/// folders it watches, which are under `root` as given); paths outside the book are left out.
fn in_book(root: &Path, changed: &[PathBuf]) -> Vec<PathBuf> {
    let canonical = std::fs::canonicalize(root).ok();
    changed
        .iter()
        .filter_map(|p| {
            p.strip_prefix(root)
                .ok()
                .or_else(|| p.strip_prefix(canonical.as_deref()?).ok())
                .map(Path::to_path_buf)
        })
        .collect()
}

/// Loads the book and renders it into `State::next`, the pages of `changed` first; the errors
/// if it does not load or render.
fn build(
    root: &Path,
    history: &crate::history::History,
    changed: &[PathBuf],
    shared: &Shared,
) -> Result<(), String> {
    let (loaded, diags) = crate::load(root);
    match loaded {
        Some(loaded) => render(&loaded, history, changed, shared),
        None => Err(diags.to_string()),
    }
}

/// Renders the loaded book into `State::next`, file by file as the rendering threads make them.
fn render(
    loaded: &crate::Loaded,
    history: &crate::history::History,
    changed: &[PathBuf],
    shared: &Shared,
) -> Result<(), String> {
    lock(shared).next = Some(Next::default());
    crate::render_changed_first(loaded, history, changed, &|files| {
        receive(shared, files);
        Ok(())
    })
    .map(drop)
    .map_err(|d| d.to_string())
}

/// Adds files to the build being rendered. The first file that differs from the site served
/// (or any, while errors are shown) announces the build as the new version: the long-polls
/// are answered, and pages are answered from this build from then on.
fn receive(shared: &Shared, files: Vec<OutFile>) {
    let mut st = lock(shared);
    let State {
        files: served,
        version,
        error,
        next,
        ..
    } = &mut *st;
    let Some(next) = next else { return };
    if !next.announced
        && (error.is_some() || files.iter().any(|f| served.get(&f.path) != Some(&f.bytes)))
    {
        next.announced = true;
        *version += 1;
        *error = None;
        shared.changed.notify_all();
    }
    next.files
        .extend(files.into_iter().map(|f| (f.path, f.bytes)));
    shared.made.notify_all();
}

/// Ends a build: a rendered one becomes the site served (announced now if none of its files
/// differed but the site lost files; a build identical to the site served is no new version);
/// a failed one keeps the last good site and shows its errors.
fn finish(shared: &Shared, result: Result<(), String>, took: Duration) {
    let mut st = lock(shared);
    let next = st.next.take();
    match (result, next) {
        (Ok(()), Some(next)) if next.announced || next.files.len() != st.files.len() => {
            if !next.announced {
                st.version += 1;
                st.error = None;
            }
            st.files = Arc::new(next.files);
            eprintln!("rebuilt in {} ms", took.as_millis());
        }
        (Ok(()), _) => eprintln!("rebuilt in {} ms: no change", took.as_millis()),
        (Err(e), _) => {
            eprint!("{e}");
            eprintln!("build failed; still serving the last good site");
            st.error = Some(e);
            st.version += 1;
        }
    }
    shared.changed.notify_all();
    shared.made.notify_all();
}

/// How long the events of one save take to arrive. A save is several events (in place: the
/// truncation and the write; through a temporary file: its creation, write and rename); the
/// bench found them within 0.1 ms (in place) and 0.5 ms (temporary file) of the first. Without
/// this wait a save made two builds, and the first often read the file truncated
/// (BENCHMARKS.md).
pub const SETTLE: Duration = Duration::from_millis(2);

/// Runs `build` once per burst of events from `events`: the first event starts a build after
/// `SETTLE`, and every event that arrives while it runs is answered by one more build, which
/// reads the sources as they are when it starts. Returns when the sender is gone.
pub fn coalesce(
    events: &std::sync::mpsc::Receiver<Vec<PathBuf>>,
    mut build: impl FnMut(&[PathBuf]),
) {
    while let Ok(mut changed) = events.recv() {
        std::thread::sleep(SETTLE);
        while let Ok(more) = events.try_recv() {
            changed.extend(more);
        }
        build(&changed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn out(path: &str, text: &str) -> OutFile {
        OutFile {
            path: path.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn events_during_a_build_make_one_more_build_of_the_last_content() {
        let (tx, rx) = std::sync::mpsc::channel();
        let content = Arc::new(AtomicUsize::new(0));
        let built = Arc::new(Mutex::new(Vec::new()));
        let (c, b) = (content.clone(), built.clone());
        let watcher = std::thread::spawn(move || {
            coalesce(&rx, |changed| {
                b.lock()
                    .unwrap()
                    .push((c.load(Ordering::SeqCst), changed.len()));
                std::thread::sleep(Duration::from_millis(200));
            })
        });
        let file = |n: usize| vec![PathBuf::from(format!("content/chapters/c{n}/en.md"))];
        content.store(1, Ordering::SeqCst);
        tx.send(file(1)).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        for n in 2..=6 {
            content.store(n, Ordering::SeqCst);
            tx.send(file(n)).unwrap();
        }
        std::thread::sleep(Duration::from_millis(600));
        drop(tx);
        watcher.join().unwrap();
        // The second build knows every file saved while the first ran.
        assert_eq!(*built.lock().unwrap(), [(1, 1), (6, 5)]);
    }

    #[test]
    fn changed_files_are_named_relative_to_the_book() {
        let book = tempfile::tempdir().unwrap();
        let root = book.path();
        let inside = root.join("content/chapters/a/en.md");
        let outside = PathBuf::from("/elsewhere/en.md");
        assert_eq!(
            in_book(root, &[inside, outside]),
            [PathBuf::from("content/chapters/a/en.md")]
        );
        let canonical = std::fs::canonicalize(root).unwrap();
        assert_eq!(
            in_book(&root.join("."), &[canonical.join("i18n/en.yaml")]),
            [PathBuf::from("i18n/en.yaml")]
        );
    }

    #[test]
    fn a_build_is_the_new_version_from_its_first_changed_file() {
        let shared = Arc::new(Shared::default());
        lock(&shared).next = Some(Next::default());
        receive(&shared, vec![out("a.html", "A")]);
        finish(&shared, Ok(()), Duration::ZERO);
        assert_eq!(lock(&shared).version, 1);

        // The same site again: no new version.
        lock(&shared).next = Some(Next::default());
        receive(&shared, vec![out("a.html", "A")]);
        finish(&shared, Ok(()), Duration::ZERO);
        assert_eq!(lock(&shared).version, 1);

        // A changed file announces the build before it ends, and a page it has not made yet
        // is waited for, never answered from the last site.
        lock(&shared).next = Some(Next::default());
        receive(&shared, vec![out("a.html", "A2")]);
        assert_eq!(lock(&shared).version, 2);
        let s2 = shared.clone();
        let asked = std::thread::spawn(move || super::super::file(&s2, "b.html"));
        std::thread::sleep(Duration::from_millis(100));
        receive(&shared, vec![out("b.html", "B")]);
        assert_eq!(asked.join().unwrap(), (Some(b"B".to_vec()), 2));
        finish(&shared, Ok(()), Duration::ZERO);
        let st = lock(&shared);
        assert_eq!(st.version, 2);
        assert_eq!(st.files.len(), 2);
        assert!(st.next.is_none());
    }

    #[test]
    fn a_failed_build_keeps_the_last_site_and_a_site_that_lost_a_file_is_new() {
        let shared = Shared::default();
        lock(&shared).next = Some(Next::default());
        receive(&shared, vec![out("a.html", "A"), out("b.html", "B")]);
        finish(&shared, Ok(()), Duration::ZERO);
        lock(&shared).next = Some(Next::default());
        finish(&shared, Err("content/x.yaml: error".into()), Duration::ZERO);
        {
            let st = lock(&shared);
            assert_eq!((st.version, st.files.len()), (2, 2));
            assert!(st.error.is_some());
        }
        // b.html is gone; nothing else changed.
        lock(&shared).next = Some(Next::default());
        receive(&shared, vec![out("a.html", "A")]);
        finish(&shared, Ok(()), Duration::ZERO);
        let st = lock(&shared);
        assert_eq!((st.version, st.files.len()), (3, 1));
        assert!(st.error.is_none());
    }
}
