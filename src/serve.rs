//! `planbook serve`: builds the book in memory, serves it on 127.0.0.1 (HTTP in `http.rs`),
//! watches the sources and rebuilds on change (`serve/rebuild.rs`). Every page served is whole
//! and of one build: from the moment a build is announced as the new version, pages are answered
//! from it, waiting for those it has not rendered yet; a failed build keeps the last good site
//! and shows its errors as an overlay until the file is fixed. Open pages reload in place
//! through a long-poll.

mod rebuild;

use notify::{RecursiveMode, Watcher};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// What the server holds: the last good site, its version, and the last build's errors.
#[derive(Default)]
pub struct State {
    pub files: Arc<BTreeMap<String, Vec<u8>>>,
    pub version: u64,
    pub error: Option<String>,
    /// The build being rendered, if any.
    pub next: Option<Next>,
    /// Requests being answered, by client connection (see `begin`).
    pub conns: BTreeMap<SocketAddr, Conn>,
}

/// A build being rendered: the files it has made so far. Once `announced` it is the new
/// version: `version` counts it, and pages are answered from it.
#[derive(Default)]
pub struct Next {
    pub files: BTreeMap<String, Vec<u8>>,
    pub announced: bool,
}

/// The requests of one client connection being answered now.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq)]
pub struct Conn {
    /// Requests begun and not yet answered.
    pub in_flight: usize,
    /// Long-polls among them holding their answer.
    pub waiting: usize,
    /// Bumped to answer this connection's waiting polls at once.
    pub cut: u64,
}

/// Shared between the watcher, the request handlers and the long-polls.
#[derive(Default)]
pub struct Shared {
    pub state: Mutex<State>,
    /// Notified when the version or errors change (long-polls wait on it).
    pub changed: Condvar,
    /// Notified when a build being rendered makes files (pages not made yet wait on it).
    pub made: Condvar,
}

const LIVE_JS: &str = r#"(function () {
  var key = "planbook-scroll:" + location.pathname;
  try { var y = sessionStorage.getItem(key); if (y !== null) { sessionStorage.removeItem(key); window.addEventListener("load", function () { window.scrollTo(0, +y); }); } } catch (e) {}
  var version = +document.currentScript.getAttribute("data-version");
  function overlay(text) {
    var o = document.getElementById("planbook-error");
    if (!text) { if (o) o.remove(); return; }
    if (!o) { o = document.createElement("pre"); o.id = "planbook-error"; o.setAttribute("role", "alert");
      o.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;margin:0;padding:1rem;background:#3b0d0d;color:#ffdede;font:13px/1.5 monospace;z-index:99999;white-space:pre-wrap";
      document.body.appendChild(o); }
    o.textContent = text;
  }
  function poll() {
    fetch("/__planbook/wait?v=" + version, { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (s) {
      function again() { setTimeout(poll, s.retry || 0); }
      if (s.error) { overlay(s.error); version = s.version; return again(); }
      if (s.version !== version) { try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) {} location.reload(); return; }
      again();
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();"#;

/// Maps a request path to a file of the site, refusing anything that could leave it.
pub fn resolve_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let decoded = percent_decode(path)?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let mut parts = Vec::new();
    for seg in decoded.split('/') {
        match seg {
            "" | "." => {}
            ".." => return None,
            s => parts.push(s),
        }
    }
    let mut p = parts.join("/");
    if p.is_empty() || decoded.ends_with('/') {
        if !p.is_empty() {
            p.push('/');
        }
        p.push_str("index.html");
    }
    Some(p)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        _ => "application/octet-stream",
    }
}

/// Answers one request from the current site.
pub fn respond(shared: &Shared, url: &str) -> (u16, &'static str, Vec<u8>) {
    if url.split('?').next() == Some("/__planbook/live.js") {
        return (
            200,
            "text/javascript; charset=utf-8",
            LIVE_JS.as_bytes().to_vec(),
        );
    }
    let Some(path) = resolve_path(url) else {
        return (404, "text/plain; charset=utf-8", b"not found".to_vec());
    };
    match file(shared, &path) {
        (Some(bytes), version) if path.ends_with(".html") => {
            (200, content_type(&path), inject(&bytes, version))
        }
        (Some(bytes), _) => (200, content_type(&path), bytes),
        (None, _) => {
            let body = match file(shared, "404.html") {
                (Some(page), version) => inject(&page, version),
                (None, _) => b"not found".to_vec(),
            };
            (404, "text/html; charset=utf-8", body)
        }
    }
}

/// A request never waits longer than this for a page being rendered.
const MAX_PAGE_WAIT: Duration = Duration::from_secs(60);

/// The file at `path` in the newest version, and that version. While the build announced as the
/// new version is being rendered, a file it has not made yet is waited for, until it is made or
/// the build ends (then the site holds the whole new version, or the last good one if it failed).
fn file(shared: &Shared, path: &str) -> (Option<Vec<u8>>, u64) {
    let not_made = |s: &mut State| {
        s.next
            .as_ref()
            .is_some_and(|n| n.announced && !n.files.contains_key(path))
    };
    let (st, _) = shared
        .made
        .wait_timeout_while(lock(shared), MAX_PAGE_WAIT, not_made)
        .unwrap_or_else(|e| e.into_inner());
    let bytes = match &st.next {
        Some(n) if n.announced => n.files.get(path),
        _ => st.files.get(path),
    };
    (bytes.cloned(), st.version)
}

fn inject(html: &[u8], version: u64) -> Vec<u8> {
    let tag =
        format!("<script src=\"/__planbook/live.js\" data-version=\"{version}\"></script></body>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(i) => format!("{}{}{}", &text[..i], tag, &text[i + 7..]).into_bytes(),
        None => html.to_vec(),
    }
}

/// Waits until the site's version differs from `seen` or `timeout` passes; returns the status.
pub fn wait_for_change(shared: &Shared, seen: u64, timeout: Duration) -> String {
    poll(shared, seen, timeout, Ticket { from: None, cut: 0 })
}

fn lock(shared: &Shared) -> std::sync::MutexGuard<'_, State> {
    shared.state.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a held long-poll waits on besides a new version.
#[derive(Debug, Clone, Copy)]
pub struct Ticket {
    from: Option<SocketAddr>,
    cut: u64,
}

/// Notes a request from connection `from` as begun. A connection's requests are answered
/// in order, so a reply waits for every request before it on its connection; polls
/// held there are therefore answered now, or the new request would wait up to 25 s for them.
pub fn begin(shared: &Shared, from: SocketAddr) {
    let mut st = lock(shared);
    let c = st.conns.entry(from).or_default();
    c.in_flight += 1;
    if c.waiting > 0 {
        c.cut += 1;
        drop(st);
        shared.changed.notify_all();
    }
}

/// Notes a request from `from` as answered.
pub fn end(shared: &Shared, from: SocketAddr) {
    let mut st = lock(shared);
    if let Some(c) = st.conns.get_mut(&from) {
        c.in_flight = c.in_flight.saturating_sub(1);
        if c.in_flight == 0 && c.waiting == 0 {
            st.conns.remove(&from);
        }
    }
}

/// Decides whether a begun long-poll from `from` may hold its answer: not when `held` polls
/// already do, and not when another request of its connection is being answered (which may
/// have been sent after it). Otherwise the poll is registered and its ticket returned; a poll
/// that is not held is answered at once, telling the page to retry a second later.
pub fn hold(shared: &Shared, from: Option<SocketAddr>, held: usize) -> Option<Ticket> {
    if held >= MAX_WAITERS {
        return None;
    }
    let mut st = lock(shared);
    let cut = match from {
        Some(a) => {
            let c = st.conns.entry(a).or_default();
            if c.in_flight > 1 {
                return None;
            }
            c.waiting += 1;
            c.cut
        }
        None => 0,
    };
    Some(Ticket { from, cut })
}

/// A held long-poll: waits like `wait_for_change`, but is answered early (with a retry delay)
/// when another request begins on its connection.
pub fn poll(shared: &Shared, seen: u64, timeout: Duration, t: Ticket) -> String {
    let st = lock(shared);
    let is_cut = |s: &State| {
        t.from
            .is_some_and(|a| s.conns.get(&a).map(|c| c.cut) != Some(t.cut))
    };
    let (mut st, _) = shared
        .changed
        .wait_timeout_while(st, timeout, |s| s.version == seen && !is_cut(s))
        .unwrap_or_else(|e| e.into_inner());
    let early = st.version == seen && is_cut(&st);
    if let Some(a) = t.from
        && let Some(c) = st.conns.get_mut(&a)
    {
        c.waiting = c.waiting.saturating_sub(1);
    }
    if early {
        return status(&st, Some(RETRY_MS));
    }
    status(&st, None)
}

/// A long-poll's answer: the site's version and errors, and when not held, how long the page
/// waits before it polls again.
fn status(st: &State, retry_ms: Option<u64>) -> String {
    match retry_ms {
        Some(r) => serde_json::json!({"version": st.version, "error": st.error, "retry": r}),
        None => serde_json::json!({"version": st.version, "error": st.error}),
    }
    .to_string()
}

/// How long a page waits before polling again when its poll was not held.
const RETRY_MS: u64 = 1000;

/// At most this many long-polls are held (each holds its connection's thread); more are
/// answered at once with a retry delay.
const MAX_WAITERS: usize = 64;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (as in main.rs, which sets it for builds).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t =
    libmimalloc_sys::mi_option_use_numa_nodes - 1;

/// A server rebuilds the same site again and again: memory freed after a build is kept for the
/// next instead of going back to the system, which would fault it in again, zeroed, page by
/// page (thousands of page faults per save; BENCHMARKS.md). No effect when mimalloc is not
/// the allocator.
fn keep_freed_memory() {
    // SAFETY: sets one of mimalloc's documented options; a negative delay means never purge.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

/// Runs the server until the process is stopped.
pub fn run(root: &Path, addr: SocketAddr, open: bool) -> Result<(), String> {
    keep_freed_memory();
    let shared = Arc::new(Shared::default());
    let mut builder = rebuild::Builder::new(root);
    builder.rebuild(&shared, &[]);
    let listener =
        std::net::TcpListener::bind(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let url = format!("http://{addr}/");
    eprintln!("serving {} on {url} (Ctrl-C to stop)", root.display());
    if open {
        let _ = std::process::Command::new("xdg-open").arg(&url).spawn();
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev
            && !matches!(ev.kind, notify::EventKind::Access(_))
        {
            let _ = tx.send(ev.paths);
        }
    })
    .map_err(|e| format!("cannot watch files: {e}"))?;
    for dir in ["book.toml", "content", "themes", "i18n"] {
        let p: PathBuf = root.join(dir);
        if p.exists() {
            watcher
                .watch(&p, RecursiveMode::Recursive)
                .map_err(|e| format!("cannot watch {}: {e}", p.display()))?;
        }
    }
    {
        let shared = shared.clone();
        std::thread::spawn(move || {
            rebuild::coalesce(&rx, |changed| {
                builder.rebuild(&shared, changed);
            })
        });
    }
    let waiters = AtomicUsize::new(0);
    let handler: Arc<crate::http::Handler> = {
        let shared = shared.clone();
        Arc::new(move |req: &crate::http::Request| handle(req, &shared, &waiters))
    };
    crate::http::serve(listener, handler);
    drop(watcher);
    Ok(())
}

/// Answers one request that passed the HTTP checks (method, limits, `Host`).
fn handle(
    req: &crate::http::Request,
    shared: &Shared,
    waiters: &AtomicUsize,
) -> crate::http::Response {
    begin(shared, req.from);
    let answer = answer(req, shared, waiters);
    end(shared, req.from);
    answer
}

fn answer(
    req: &crate::http::Request,
    shared: &Shared,
    waiters: &AtomicUsize,
) -> crate::http::Response {
    if let Some(q) = req.target.strip_prefix("/__planbook/wait?v=") {
        let seen: u64 = q.parse().unwrap_or(0);
        let held = waiters.fetch_add(1, Ordering::SeqCst);
        let body = match hold(shared, Some(req.from), held) {
            Some(ticket) => poll(shared, seen, Duration::from_secs(25), ticket),
            None => status(&lock(shared), Some(RETRY_MS)),
        };
        waiters.fetch_sub(1, Ordering::SeqCst);
        return crate::http::Response {
            status: 200,
            content_type: "application/json",
            cache: "no-store",
            body: body.into_bytes(),
        };
    }
    let (status, content_type, body) = respond(shared, &req.target);
    crate::http::Response {
        status,
        content_type,
        cache: "no-cache",
        body,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn paths_never_leave_the_site() {
        assert_eq!(resolve_path("/").as_deref(), Some("index.html"));
        assert_eq!(resolve_path("/zh/").as_deref(), Some("zh/index.html"));
        assert_eq!(
            resolve_path("/zh/chapters/review/index.html?x=1#a").as_deref(),
            Some("zh/chapters/review/index.html")
        );
        assert_eq!(resolve_path("/%E4%B8%AD"), Some("中".into()));
        for bad in [
            "/../../etc/passwd",
            "/zh/../../etc/passwd",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/a%5c..%5cb",
            "/%zz",
            "/a%00b",
        ] {
            assert_eq!(resolve_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn html_gets_the_live_reload_script() {
        let out = String::from_utf8(inject(b"<html><body><p>x</p></body></html>", 7)).unwrap();
        assert!(out.ends_with(
            "<script src=\"/__planbook/live.js\" data-version=\"7\"></script></body></html>"
        ));
    }

    #[test]
    fn another_request_on_the_connection_answers_its_poll() {
        let shared = Arc::new(Shared::default());
        let (a, b): (SocketAddr, SocketAddr) = (
            "127.0.0.1:5000".parse().unwrap(),
            "127.0.0.1:5001".parse().unwrap(),
        );
        begin(&shared, a);
        begin(&shared, b);
        let (ta, tb) = (
            hold(&shared, Some(a), 0).unwrap(),
            hold(&shared, Some(b), 1).unwrap(),
        );
        let s2 = shared.clone();
        let on_a = std::thread::spawn(move || poll(&s2, 0, Duration::from_secs(20), ta));
        let s3 = shared.clone();
        let on_b = std::thread::spawn(move || poll(&s3, 0, Duration::from_millis(300), tb));
        std::thread::sleep(Duration::from_millis(100));
        // A request pipelined after the poll on connection a.
        begin(&shared, a);
        let started = Instant::now();
        assert_eq!(
            on_a.join().unwrap(),
            r#"{"version":0,"error":null,"retry":1000}"#
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        // A poll begun while another request of its connection is in flight is not held.
        assert!(hold(&shared, Some(a), 0).is_none());
        // The poll on the other connection ran to its own timeout.
        assert_eq!(on_b.join().unwrap(), r#"{"version":0,"error":null}"#);
        for (c, n) in [(a, 2), (b, 1)] {
            for _ in 0..n {
                end(&shared, c);
            }
        }
        assert!(shared.state.lock().unwrap().conns.is_empty());
        // Past the cap, polls are not held.
        assert!(hold(&shared, None, MAX_WAITERS).is_none());
        assert!(hold(&shared, None, MAX_WAITERS - 1).is_some());
    }

    #[test]
    fn waiters_wake_on_a_new_version() {
        let shared = Arc::new(Shared::default());
        let s2 = shared.clone();
        let t = std::thread::spawn(move || wait_for_change(&s2, 0, Duration::from_secs(10)));
        std::thread::sleep(Duration::from_millis(50));
        {
            let mut st = shared.state.lock().unwrap();
            st.version = 1;
            st.error = Some("content/x.yaml:1:1: error".into());
        }
        shared.changed.notify_all();
        let body = t.join().unwrap();
        assert!(
            body.contains("\"version\":1") && body.contains("content/x.yaml"),
            "{body}"
        );
    }
}
