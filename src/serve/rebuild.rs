//! `serve`'s rebuilds, kept apart from its HTTP answers: what a rebuild reuses from the last
//! one (the git history) and when rebuilds run after file events.

use super::Shared;
use crate::history::Kept;
use crate::render::OutFile;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Builds the book into memory and publishes each result, keeping the git history between
/// builds (re-read only when the commit checked out may have changed, see `Kept`).
pub struct Builder {
    root: PathBuf,
    history: Kept,
}

impl Builder {
    /// Reads the git history of the book at `root` once.
    pub fn new(root: &Path) -> Builder {
        Builder {
            root: root.to_path_buf(),
            history: Kept::new(root),
        }
    }

    /// How many times the git history was read.
    pub fn history_reads(&self) -> usize {
        self.history.reads()
    }

    /// Rebuilds and publishes the result; returns how long the build took.
    pub fn rebuild(&mut self, shared: &Shared) -> Duration {
        let started = Instant::now();
        if self.history.refresh(&self.root) {
            eprintln!("git history re-read (the commit checked out changed)");
        }
        let result = build_in_memory(&self.root, self.history.get());
        let took = started.elapsed();
        publish(shared, result, took);
        took
    }
}

/// Builds the book at `root` into memory, with the page dates of `history`.
pub fn build_in_memory(
    root: &Path,
    history: &crate::history::History,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let (loaded, diags) = crate::load(root);
    let Some(loaded) = loaded else {
        return Err(diags.to_string());
    };
    let files = std::sync::Mutex::new(Vec::new());
    crate::render_into(&loaded, history, &|f: Vec<OutFile>| {
        files.lock().unwrap_or_else(|e| e.into_inner()).extend(f);
        Ok(())
    })
    .map_err(|d| d.to_string())?;
    let files = files.into_inner().unwrap_or_else(|e| e.into_inner());
    Ok(files.into_iter().map(|f| (f.path, f.bytes)).collect())
}

/// Swaps in a new site, or keeps the last good one and shows the errors; wakes the long-polls.
/// A site byte for byte the one served (a save that changed nothing, or the second build of a
/// save written in two steps) is no new version, so open pages do not reload for it.
fn publish(shared: &Shared, result: Result<BTreeMap<String, Vec<u8>>, String>, took: Duration) {
    let mut st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    match result {
        Ok(files) if st.error.is_none() && *st.files == files => {
            eprintln!("rebuilt in {} ms: no change", took.as_millis());
            return;
        }
        Ok(files) => {
            st.files = Arc::new(files);
            st.error = None;
            eprintln!("rebuilt in {} ms", took.as_millis());
        }
        Err(e) => {
            eprint!("{e}");
            eprintln!("build failed; still serving the last good site");
            st.error = Some(e);
        }
    }
    st.version += 1;
    shared.changed.notify_all();
}

/// How long the events of one save take to arrive: a save in place is two events (truncate,
/// write) and a save through a temporary file four (create, write, rename from and to), within
/// 0.1-0.5 ms of each other (BENCHMARKS.md). Waiting this long after the first event makes them
/// one build instead of two.
pub const SETTLE: Duration = Duration::from_millis(2);

/// Runs `build` once per burst of events from `events`: the first event starts a build after
/// `SETTLE`, and every event that arrives while it runs is answered by one more build, which
/// reads the sources as they are when it starts. Returns when the sender is gone.
pub fn coalesce(events: &std::sync::mpsc::Receiver<()>, mut build: impl FnMut()) {
    while events.recv().is_ok() {
        std::thread::sleep(SETTLE);
        while events.try_recv().is_ok() {}
        build();
    }
}
