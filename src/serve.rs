//! `planbook serve`: builds the book in memory, serves it on 127.0.0.1, watches the sources and
//! rebuilds on change. The served site is swapped whole after a successful build, so a reader
//! never sees half of one; a failed build keeps the last good site and shows its errors as an
//! overlay until the file is fixed. Open pages reload in place through a long-poll.

use crate::render::OutFile;
use notify::{RecursiveMode, Watcher};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// What the server holds: the last good site, its version, and the last build's errors.
#[derive(Default)]
pub struct State {
    pub files: Arc<BTreeMap<String, Vec<u8>>>,
    pub version: u64,
    pub error: Option<String>,
}

/// Shared between the watcher, the request handlers and the long-polls.
pub struct Shared {
    pub state: Mutex<State>,
    pub changed: Condvar,
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
      if (s.error) { overlay(s.error); version = s.version; return poll(); }
      if (s.version !== version) { try { sessionStorage.setItem(key, String(window.scrollY)); } catch (e) {} location.reload(); return; }
      poll();
    }).catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();"#;

/// Builds the book at `root` into memory.
pub fn build_in_memory(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let (loaded, diags) = crate::load(root);
    let Some(loaded) = loaded else {
        return Err(diags.to_string());
    };
    let files: Vec<OutFile> = crate::render_all(root, &loaded).map_err(|d| d.to_string())?;
    Ok(files.into_iter().map(|f| (f.path, f.bytes)).collect())
}

/// Rebuilds and publishes the result; returns how long the build took.
pub fn rebuild(root: &Path, shared: &Shared) -> Duration {
    let started = Instant::now();
    let result = build_in_memory(root);
    let took = started.elapsed();
    let mut st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    st.version += 1;
    match result {
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
    shared.changed.notify_all();
    took
}

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

fn header(name: &str, value: &str) -> tiny_http::Header {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("static header is valid")
}

/// Answers one request from the current site.
pub fn respond(shared: &Shared, url: &str) -> (u16, &'static str, Vec<u8>) {
    let (files, version) = {
        let st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
        (st.files.clone(), st.version)
    };
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
    match files.get(&path) {
        Some(bytes) if path.ends_with(".html") => {
            (200, content_type(&path), inject(bytes, version))
        }
        Some(bytes) => (200, content_type(&path), bytes.clone()),
        None => {
            let body = files
                .get("404.html")
                .map(|b| inject(b, version))
                .unwrap_or_else(|| b"not found".to_vec());
            (404, "text/html; charset=utf-8", body)
        }
    }
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
    let st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    let (st, _) = shared
        .changed
        .wait_timeout_while(st, timeout, |s| s.version == seen)
        .unwrap_or_else(|e| e.into_inner());
    serde_json::json!({"version": st.version, "error": st.error}).to_string()
}

/// Long-polls beyond this many wait on a short timeout instead of holding a thread.
const MAX_WAITERS: usize = 64;

/// Runs the server until the process is stopped.
pub fn run(root: &Path, addr: SocketAddr, open: bool) -> Result<(), String> {
    let shared = Arc::new(Shared {
        state: Mutex::new(State::default()),
        changed: Condvar::new(),
    });
    rebuild(root, &shared);
    let server = Arc::new(
        tiny_http::Server::http(addr).map_err(|e| format!("cannot listen on {addr}: {e}"))?,
    );
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
            let _ = tx.send(());
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
        let root = root.to_path_buf();
        std::thread::spawn(move || {
            while rx.recv().is_ok() {
                // Let a burst of events from one save settle, then build once.
                std::thread::sleep(Duration::from_millis(15));
                while rx.try_recv().is_ok() {}
                rebuild(&root, &shared);
            }
        });
    }
    let waiters = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let (server, shared, waiters) = (server.clone(), shared.clone(), waiters.clone());
            std::thread::spawn(move || {
                while let Ok(req) = server.recv() {
                    handle(req, &shared, &waiters);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    drop(watcher);
    Ok(())
}

fn handle(req: tiny_http::Request, shared: &Arc<Shared>, waiters: &Arc<AtomicUsize>) {
    let url = req.url().to_string();
    if let Some(q) = url.strip_prefix("/__planbook/wait?v=") {
        let seen: u64 = q.parse().unwrap_or(0);
        let busy = waiters.fetch_add(1, Ordering::SeqCst) >= MAX_WAITERS;
        let (shared, waiters) = (shared.clone(), waiters.clone());
        std::thread::spawn(move || {
            let timeout = if busy {
                Duration::from_millis(500)
            } else {
                Duration::from_secs(25)
            };
            let body = wait_for_change(&shared, seen, timeout);
            waiters.fetch_sub(1, Ordering::SeqCst);
            let resp = tiny_http::Response::from_string(body)
                .with_header(header("Content-Type", "application/json"))
                .with_header(header("Cache-Control", "no-store"));
            let _ = req.respond(resp);
        });
        return;
    }
    let (status, ctype, body) = respond(shared, &url);
    let resp = tiny_http::Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", ctype))
        .with_header(header("Cache-Control", "no-cache"));
    let _ = req.respond(resp);
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn waiters_wake_on_a_new_version() {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
        });
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
