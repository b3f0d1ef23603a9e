//! The built plan site in a real browser: headless Chromium driven through ChromeDriver with
//! fantoccini. The bundled book is built once into `target/tmp/browser-site`, served on
//! 127.0.0.1 by a small file server in this process, and every test opens its own browser
//! session (its own ChromeDriver, killed with its Chromium when the test ends).
//!
//! Checked: every page type loads without console errors or failed requests in both languages;
//! the language switch keeps the reader's anchor; the side-by-side view puts twin passages on
//! one row; search finds passages; no horizontal scroll on a phone or a desktop; the dark-mode
//! toggle applies, persists and names the mode it switches to; axe-core finds no accessibility
//! violations; the Nu HTML Checker finds no errors in the whole site. For readers on a phone:
//! a chapter's text is in the first 375x812 screen and the header stays in reach; the language
//! switch lands on the same 专栏 item or paragraph at any size and keeps a search query; the
//! contents start closed with no layout shift (measured with PerformanceObserver); the "cite
//! this passage" control copies a citation with the passage's address, by keyboard. Lighthouse
//! (mobile settings) scores the home page, a chapter and an index in both languages; the
//! bilingual print edition, printed to PDF by Chromium, has an outline. Screenshots of the key
//! pages are saved to `tests/artifacts/`.
//!
//! Needs `chromium` and `chromedriver` (Debian: `chromium`, `chromium-driver`), `fonts-noto-cjk`,
//! `java` (`default-jre-headless`) and `npm` (fetches the pinned axe-core, vnu-jar and lighthouse from
//! `tests/browser-deps/package.json` on first use). `bash scripts/test` installs them all.
//! `PLANBOOK_CHROMIUM` and `PLANBOOK_CHROMEDRIVER` override the binaries' paths.

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::future::Future;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

const LANGS: [&str; 2] = ["zh", "en"];
const PHONE: u32 = 375;
const DESKTOP: u32 = 1280;
const HEIGHT: u32 = 900;

/// The key pages (name, path under the language folder) for layout, screenshots and axe.
const KEY_PAGES: [(&str, &str); 7] = [
    ("home", "index.html"),
    ("chapter", "chapters/review/index.html"),
    ("side-by-side", "chapters/review/side-by-side/index.html"),
    ("sector", "sectors/machinery/index.html"),
    (
        "enterprise",
        "enterprises/harbin-pharmaceutical-group/index.html",
    ),
    ("targets", "targets/index.html"),
    ("search", "search/index.html?q={query}"),
];

/// One page of every type, under the language folder.
const PAGE_TYPES: [&str; 15] = [
    "index.html",
    "chapters/review/index.html",
    "chapters/review/side-by-side/index.html",
    "sidebars/1/index.html",
    "sectors/index.html",
    "sectors/machinery/index.html",
    "enterprises/index.html",
    "enterprises/harbin-pharmaceutical-group/index.html",
    "projects/index.html",
    "targets/index.html",
    "glossary/index.html",
    "search/index.html",
    "search/index.html?q={query}",
    "print/index.html",
    "data/index.html",
];

/// A search word that has results in each language.
fn query(lang: &str) -> &'static str {
    if lang == "zh" { "哈药" } else { "bearings" }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------------
// The site: built once, served from a thread of this process.

struct Site {
    dir: PathBuf,
    base: String,
}

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-site");
        // A folder left by a planbook older than the output marker would be refused.
        let _ = std::fs::remove_dir_all(&dir);
        let report = planbook::build(&repo(), &dir)
            .unwrap_or_else(|d| panic!("the bundled plan does not build:\n{d}"));
        assert!(report.pages > 100, "only {} pages built", report.pages);
        let port = serve(dir.clone());
        Site {
            dir,
            base: format!("http://127.0.0.1:{port}/"),
        }
    })
}

fn url(path: &str) -> String {
    format!("{}{}", site().base, path)
}

/// Serves `dir` on a free port of 127.0.0.1 until the test process ends; returns the port.
fn serve(dir: PathBuf) -> u16 {
    let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("start the file server"));
    let port = server.server_addr().to_ip().expect("an IP address").port();
    for _ in 0..4 {
        let (server, dir) = (Arc::clone(&server), dir.clone());
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let response = match file_for(&dir, request.url()) {
                    Some(path) => match std::fs::read(&path) {
                        Ok(bytes) => tiny_http::Response::from_data(bytes).with_header(
                            tiny_http::Header::from_bytes("Content-Type", content_type(&path))
                                .expect("header"),
                        ),
                        Err(_) => {
                            tiny_http::Response::from_string("not found").with_status_code(404)
                        }
                    },
                    None => tiny_http::Response::from_string("not found").with_status_code(404),
                };
                let _ = request.respond(response);
            }
        });
    }
    port
}

/// The file a request path names: query and fragment dropped, `%XX` decoded, folders mean
/// their `index.html`, nothing outside `dir`.
fn file_for(dir: &Path, raw: &str) -> Option<PathBuf> {
    let path = raw.split(['?', '#']).next().unwrap_or("");
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    let path = String::from_utf8(decoded).ok()?;
    let mut file = dir.to_path_buf();
    for part in path.split('/').filter(|p| !p.is_empty()) {
        if part == ".." || part == "." || part.contains('\\') {
            return None;
        }
        file.push(part);
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

// ---------------------------------------------------------------------------------------------
// The browser: one ChromeDriver (and so one Chromium) per test, killed on drop.

fn tool(env: &str, default: &str, package: &str) -> PathBuf {
    let path = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    assert!(
        path.is_file(),
        "{} not found: the browser tests need it. Install the Debian package `{package}` \
         (`apt-get install -y chromium chromium-driver fonts-noto-cjk`, or run `bash scripts/test`), \
         or set {env} to its path.",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A running ChromeDriver in its own process group; dropping it kills the group, which holds
/// the Chromium it started.
struct Driver {
    child: Child,
    port: u16,
    profile: tempfile::TempDir,
}

impl Driver {
    fn start() -> Driver {
        let chromedriver = tool(
            "PLANBOOK_CHROMEDRIVER",
            "/usr/bin/chromedriver",
            "chromium-driver",
        );
        let profile = tempfile::tempdir().expect("a Chromium profile folder");
        // Chromium's own scratch folders go inside the profile folder, which is removed after
        // the process group is killed: a killed Chromium cannot clean up TMPDIR itself.
        let scratch = profile.path().join("tmp");
        std::fs::create_dir(&scratch).expect("a Chromium scratch folder");
        let port = free_port();
        let mut child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .env("TMPDIR", &scratch)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let start = Instant::now();
        // Listening means a connection from another port: a connection to a free port in the
        // ephemeral range can be made from that same port to itself (a TCP self-connect), which
        // then holds the port so chromedriver cannot take it (a CI run failed so).
        let listening = || {
            TcpStream::connect(("127.0.0.1", port))
                .is_ok_and(|s| s.local_addr().is_ok_and(|a| a.port() != port))
        };
        while !listening() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("chromedriver exited at start: {status}");
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not listen on port {port} within 20 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Driver {
            child,
            port,
            profile,
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser session: the fantoccini client, plus what is needed to reach ChromeDriver's
/// browser-log endpoint, which fantoccini has no method for.
#[derive(Clone)]
struct Browser {
    client: Client,
    driver_port: u16,
    session: String,
}

/// Browser sessions and the Nu checker share the machine; Lighthouse, which scores speed,
/// takes it alone. Tests run two at a time, and a page load timed while another Chromium
/// rendered scored 85 where it scores 99 alone.
static MACHINE: tokio::sync::RwLock<()> = tokio::sync::RwLock::const_new(());

/// Runs `test` with a fresh browser at desktop size; the session and its processes end
/// afterwards whether the test passed or panicked.
async fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Browser) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let _ = site();
    let _shared = MACHINE.read().await;
    let chromium = tool("PLANBOOK_CHROMIUM", "/usr/bin/chromium", "chromium");
    let driver = Driver::start();
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--lang=en-US",
                format!("--user-data-dir={}", driver.profile.path().display()),
                format!("--window-size={DESKTOP},{HEIGHT}"),
            ],
        },
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    // chromedriver listens on plain HTTP on loopback: no TLS stack (and no OpenSSL) needed.
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    // A chromedriver that has just started may drop the first connection under load: three
    // tries, half a second apart, before the test fails.
    let mut tries = 0;
    let client = loop {
        let connected = ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await;
        match connected {
            Ok(client) => break client,
            Err(e) if tries < 2 => {
                eprintln!("chromedriver did not answer ({e}); trying again");
                tries += 1;
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            Err(e) => panic!("cannot open a Chromium session through chromedriver: {e}"),
        }
    };
    let session = client
        .session_id()
        .await
        .expect("session id")
        .expect("a session");
    let browser = Browser {
        client: client.clone(),
        driver_port: driver.port,
        session,
    };
    // Every page behaves as the focused window's, as a reader's does: headless Chromium
    // otherwise matches no `:focus` when its window loses the focus to another.
    browser.driver_post(
        "goog/cdp/execute",
        &json!({ "cmd": "Emulation.setFocusEmulationEnabled", "params": { "enabled": true } }),
    );
    let outcome = tokio::spawn(test(browser)).await;
    let _ = client.close().await;
    drop(driver);
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("test task failed: {e}"),
        }
    }
}

impl Browser {
    /// POSTs to one of ChromeDriver's session endpoints that fantoccini has no method for.
    fn driver_post(&self, endpoint: &str, body: &Value) -> Value {
        let body = body.to_string();
        let mut stream = TcpStream::connect(("127.0.0.1", self.driver_port)).expect("chromedriver");
        write!(
            stream,
            "POST /session/{}/{endpoint} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.session,
            self.driver_port,
            body.len()
        )
        .expect("write to chromedriver");
        // ChromeDriver keeps the connection open: read the head, then Content-Length bytes.
        let mut reply = Vec::new();
        let mut buf = [0u8; 16384];
        let (head_end, length) = loop {
            let n = stream.read(&mut buf).expect("chromedriver reply");
            assert!(
                n > 0,
                "chromedriver closed the connection: {}",
                String::from_utf8_lossy(&reply)
            );
            reply.extend_from_slice(&buf[..n]);
            if let Some(i) = reply.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&reply[..i]).to_ascii_lowercase();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or_else(|| panic!("chromedriver reply without length: {head}"));
                break (i + 4, length);
            }
        };
        while reply.len() < head_end + length {
            let n = stream.read(&mut buf).expect("chromedriver reply");
            assert!(n > 0, "chromedriver reply cut short");
            reply.extend_from_slice(&buf[..n]);
        }
        let json = &reply[head_end..head_end + length];
        let value: Value = serde_json::from_slice(json).unwrap_or_else(|e| {
            panic!(
                "chromedriver {endpoint}: {e}: {}",
                String::from_utf8_lossy(json)
            )
        });
        value["value"].clone()
    }

    /// Browser log entries (console messages, uncaught exceptions, failed requests) since the
    /// last call, as "LEVEL source: message".
    fn log(&self) -> Vec<String> {
        let entries = self.driver_post("se/log", &json!({ "type": "browser" }));
        entries
            .as_array()
            .unwrap_or_else(|| panic!("browser log: {entries}"))
            .iter()
            .map(|e| {
                format!(
                    "{} {}: {}",
                    e["level"].as_str().unwrap_or("?"),
                    e["source"].as_str().unwrap_or("?"),
                    e["message"].as_str().unwrap_or("?")
                )
            })
            .collect()
    }

    /// Opens `path` of the site and waits for its document to finish loading (ChromeDriver
    /// may return while a busy machine is still parsing it).
    async fn goto(&self, path: &str) {
        self.open_address(&url(path)).await;
    }

    /// Opens a full address (served or `file://`) and waits for its document to load.
    async fn open_address(&self, address: &str) {
        self.client
            .goto(address)
            .await
            .unwrap_or_else(|e| panic!("cannot open {address}: {e}"));
        self.wait_until(
            "return document.readyState === 'complete'",
            &format!("{address} to load"),
        )
        .await;
    }

    async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    async fn resize(&self, width: u32, height: u32) {
        self.client
            .set_window_size(width, height)
            .await
            .expect("resize the window");
        let inner = self.js("return window.innerWidth").await;
        assert_eq!(
            inner.as_u64(),
            Some(u64::from(width)),
            "the viewport did not become {width}px wide"
        );
    }

    /// Makes the viewport itself `width` x `height` (the window is taller by its own frame).
    async fn resize_viewport(&self, width: u32, height: u32) {
        self.resize(width, height).await;
        let inner = self
            .js("return window.innerHeight")
            .await
            .as_u64()
            .unwrap_or(0) as u32;
        if inner != height {
            self.resize(width, height + height.saturating_sub(inner))
                .await;
        }
        let inner = self.js("return window.innerHeight").await;
        assert_eq!(
            inner.as_u64(),
            Some(u64::from(height)),
            "the viewport is not {height}px tall"
        );
    }

    /// Clicks the element `css` selects and returns the URL it leads to.
    async fn click_and_wait_for_new_url(&self, css: &str, before: String) -> String {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
        let start = Instant::now();
        loop {
            let now = self
                .client
                .current_url()
                .await
                .expect("current url")
                .to_string();
            if now != before {
                self.wait_until("return document.readyState === 'complete'", "page load")
                    .await;
                return now;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "clicking {css} on {before} went nowhere"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until `script` returns a truthy value; panics with `what` after 10 s.
    async fn wait_until(&self, script: &str, what: &str) {
        let start = Instant::now();
        loop {
            let v = self.js(script).await;
            if !(v.is_null() || v == json!(false) || v == json!(0) || v == json!("")) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out: {what}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Saves a screenshot of the whole page (up to 6000 px tall) to `tests/artifacts/NAME.png`.
    async fn screenshot(&self, name: &str, width: u32) {
        let height = self
            .js("return document.documentElement.scrollHeight")
            .await
            .as_u64()
            .unwrap_or(u64::from(HEIGHT))
            .clamp(u64::from(HEIGHT), 6000) as u32;
        self.client
            .set_window_size(width, height)
            .await
            .expect("resize for the screenshot");
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = repo().join("tests/artifacts");
        std::fs::create_dir_all(&dir).expect("create tests/artifacts");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("save the screenshot");
        self.client
            .set_window_size(width, HEIGHT)
            .await
            .expect("resize back");
    }
}

/// Requests of the current page that failed (status 400 or more), from resource timing.
const FAILED_RESOURCES: &str = "return performance.getEntriesByType('resource')
    .filter(function (e) { return e.responseStatus >= 400; })
    .map(function (e) { return e.responseStatus + ' ' + e.name; })";

fn key_page(lang: &str, path: &str) -> String {
    format!("{lang}/{}", path.replace("{query}", query(lang)))
}

/// The cover, the 404 page and every page type in both languages.
fn all_pages() -> Vec<String> {
    let mut pages = vec!["index.html".to_string(), "404.html".to_string()];
    for lang in LANGS {
        pages.extend(PAGE_TYPES.iter().map(|p| key_page(lang, p)));
    }
    pages
}

/// Opens `page` and, on a search page with a query, waits for the results.
async fn open(b: &Browser, page: &str) {
    b.goto(page).await;
    if page.contains("?q=") {
        b.wait_until(
            "return document.querySelector('#search-results li')",
            &format!("search results on {page}"),
        )
        .await;
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Every page type loads cleanly in both languages.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_loads_without_console_errors_or_failed_requests() {
    with_browser(|b| async move {
        let mut problems = Vec::new();
        b.log(); // start from an empty log
        for page in &all_pages() {
            open(&b, page).await;
            let title = b.js("return document.title").await;
            if title.as_str().is_none_or(|t| t.trim().is_empty()) {
                problems.push(format!("{page}: no title"));
            }
            let failed = b.js(FAILED_RESOURCES).await;
            for f in failed.as_array().into_iter().flatten() {
                problems.push(format!("{page}: failed request {f}"));
            }
            let css = b
                .js("return Array.from(document.styleSheets).filter(function (s) { return s.href; }).length")
                .await;
            if css.as_u64() != Some(1) {
                problems.push(format!("{page}: stylesheet not applied ({css})"));
            }
            for entry in b.log() {
                if entry.starts_with("SEVERE") || entry.starts_with("WARNING") {
                    problems.push(format!("{page}: {entry}"));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "{} problem(s) loading pages:\n{}",
            problems.len(),
            problems.join("\n")
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 2. The language switch keeps the reader's place.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_switch_keeps_the_anchor() {
    with_browser(|b| async move {
        for (from, to) in [("zh", "en"), ("en", "zh")] {
            let page = format!("{from}/chapters/review/index.html#main-problems");
            b.goto(&page).await;
            let before = b.client.current_url().await.expect("url").to_string();
            let now = b.click_and_wait_for_new_url(".lang-switch", before).await;
            assert_eq!(
                now,
                url(&format!("{to}/chapters/review/index.html#main-problems")),
                "switching language from {page}"
            );
            let lang = b.js("return document.documentElement.lang").await;
            assert!(
                lang.as_str().is_some_and(|l| l.starts_with(to)),
                "the switched page is not in {to}: lang={lang}"
            );
            // The passage is in view, not under the header.
            let place = b
                .js("var t = document.getElementById('main-problems');
                     var h = document.querySelector('.site-header').getBoundingClientRect();
                     if (!t) return 'missing';
                     var r = t.getBoundingClientRect();
                     return r.top >= h.bottom - 1 && r.top < window.innerHeight ? 'ok'
                         : 'top ' + r.top + ', header bottom ' + h.bottom;")
                .await;
            assert_eq!(place, json!("ok"), "#main-problems on the {to} page");
            let png = b.client.screenshot().await.expect("screenshot");
            let dir = repo().join("tests/artifacts");
            std::fs::create_dir_all(&dir).expect("create tests/artifacts");
            std::fs::write(dir.join(format!("{to}-chapter-anchor-{DESKTOP}.png")), png)
                .expect("save the screenshot");
        }
        // At the top of a page without a hash, the switch goes to the other page's top.
        b.goto("zh/chapters/review/index.html").await;
        let before = b.client.current_url().await.expect("url").to_string();
        let now = b.click_and_wait_for_new_url(".lang-switch", before).await;
        assert_eq!(now, url("en/chapters/review/index.html"));
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 3. Side by side: twin passages on one row on a wide window, stacked on a phone.

const TWIN_CELLS: &str = "var cells = document.querySelectorAll('#exceeded-targets-1 > .cell');
    return Array.from(cells).map(function (c) {
        var r = c.getBoundingClientRect();
        return { lang: c.lang, top: r.top, left: r.left, text: c.textContent.trim().length };
    })";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn side_by_side_shows_twin_passages_on_one_row() {
    with_browser(|b| async move {
        for lang in LANGS {
            let page = format!("{lang}/chapters/review/side-by-side/index.html");
            b.resize(DESKTOP, HEIGHT).await;
            b.goto(&page).await;
            let cells = b.js(TWIN_CELLS).await;
            let cells = cells.as_array().expect("cells");
            assert_eq!(
                cells.len(),
                2,
                "{page}: row #exceeded-targets-1 has {cells:?}"
            );
            let langs: Vec<&str> = cells
                .iter()
                .map(|c| c["lang"].as_str().unwrap_or(""))
                .collect();
            assert!(
                langs.iter().any(|l| l.starts_with("zh"))
                    && langs.iter().any(|l| l.starts_with("en")),
                "{page}: the row's cells are not one zh and one en: {langs:?}"
            );
            assert!(
                cells.iter().all(|c| c["text"].as_u64() > Some(10)),
                "{page}: an empty cell: {cells:?}"
            );
            let (a, b0) = (&cells[0], &cells[1]);
            let f = |v: &Value, k: &str| v[k].as_f64().expect("a number");
            assert!(
                (f(a, "top") - f(b0, "top")).abs() <= 2.0,
                "{page} at {DESKTOP}px: twin cells not on one row: {cells:?}"
            );
            assert!(
                (f(a, "left") - f(b0, "left")).abs() > 100.0,
                "{page} at {DESKTOP}px: twin cells not side by side: {cells:?}"
            );
            // The reader's own language comes first.
            assert!(
                langs[0].starts_with(lang),
                "{page}: first cell is {}",
                langs[0]
            );

            b.resize(PHONE, HEIGHT).await;
            let cells = b.js(TWIN_CELLS).await;
            let cells = cells.as_array().expect("cells");
            assert!(
                f(&cells[1], "top") > f(&cells[0], "top") + 10.0,
                "{page} at {PHONE}px: twin cells should stack: {cells:?}"
            );
        }
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 4. Search lists passages in both languages.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_lists_passages_in_both_languages() {
    with_browser(|b| async move {
        for lang in LANGS {
            let page = key_page(lang, "search/index.html?q={query}");
            b.goto(&page).await;
            b.wait_until(
                "return document.querySelectorAll('#search-results li').length",
                &format!("results on {page}"),
            )
            .await;
            let hrefs = b
                .js("return Array.from(document.querySelectorAll('#search-results li.result-passage a.result-title')).map(function (a) { return a.href; })")
                .await;
            let hrefs: Vec<String> = hrefs
                .as_array()
                .expect("links")
                .iter()
                .map(|h| h.as_str().unwrap_or("").to_string())
                .collect();
            assert!(!hrefs.is_empty(), "{page}: no passage among the results");
            for h in &hrefs {
                assert!(h.contains('#'), "{page}: result {h} does not point to a passage");
                assert!(
                    h.starts_with(&url(&format!("{lang}/"))),
                    "{page}: result {h} leaves the {lang} edition"
                );
            }
            let marks = b
                .js("return Array.from(document.querySelectorAll('#search-results mark')).map(function (m) { return m.textContent.toLowerCase(); })")
                .await;
            assert!(
                marks
                    .as_array()
                    .expect("marks")
                    .iter()
                    .all(|m| m.as_str() == Some(query(lang))),
                "{page}: highlighted words are not the query: {marks}"
            );
            let status = b.js("return document.getElementById('search-status').textContent").await;
            assert!(
                status.as_str().is_some_and(|s| s.chars().any(|c| c.is_ascii_digit())),
                "{page}: the status does not count the results: {status}"
            );
            // The first result opens the passage it names.
            let (_, fragment) = hrefs[0].split_once('#').expect("fragment");
            b.open_address(&hrefs[0]).await;
            let found = b
                .js(&format!(
                    "var e = document.getElementById(decodeURIComponent('{fragment}'));
                     return !!e && e.textContent.toLowerCase().indexOf('{}') >= 0",
                    query(lang)
                ))
                .await;
            assert_eq!(
                found,
                json!(true),
                "{}: the passage #{fragment} does not contain the query",
                hrefs[0]
            );
            let log: Vec<String> = b.log().into_iter().filter(|e| e.starts_with("SEVERE")).collect();
            assert!(log.is_empty(), "{page}: {log:?}");
        }
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 5 and 9. No horizontal scroll on a phone or a desktop; screenshots of the key pages.

const OVERFLOW: &str = "var w = window.innerWidth;
    var d = document.documentElement;
    if (d.scrollWidth <= w) return null;
    return d.scrollWidth + 'px wide; widest: ' + Array.from(document.querySelectorAll('body *'))
        .filter(function (e) { return e.getBoundingClientRect().right > w + 1; })
        .slice(0, 5)
        .map(function (e) { return e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px'; })
        .join(', ')";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_horizontal_scroll_at_phone_and_desktop_widths() {
    with_browser(|b| async move {
        let mut problems = Vec::new();
        for width in [PHONE, DESKTOP] {
            b.resize(width, HEIGHT).await;
            for page in all_pages() {
                open(&b, &page).await;
                let overflow = b.js(OVERFLOW).await;
                if let Some(o) = overflow.as_str() {
                    problems.push(format!("{page} at {width}px: {o}"));
                }
            }
            // The key pages are also saved as screenshots, to look at.
            for lang in LANGS {
                for (name, path) in KEY_PAGES {
                    open(&b, &key_page(lang, path)).await;
                    b.screenshot(&format!("{lang}-{name}-{width}"), width).await;
                }
            }
        }
        assert!(
            problems.is_empty(),
            "pages wider than the window:\n{}",
            problems.join("\n")
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 6. Dark mode: the toggle applies and is remembered.

const THEME_STATE: &str = "var t = document.querySelector('.theme-toggle');
    return {
        theme: document.documentElement.getAttribute('data-theme'),
        dark: window.matchMedia('(prefers-color-scheme: dark)').matches,
        bg: getComputedStyle(document.body).backgroundColor,
        offers: t && (getComputedStyle(t.querySelector('.to-dark')).display !== 'none' ? 'dark' : 'light'),
        label: t && t.innerText.trim(),
        visible: !!t && !t.hidden && t.getBoundingClientRect().width > 0
    }";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dark_mode_toggle_works_and_persists() {
    with_browser(|b| async move {
        b.goto("zh/chapters/review/index.html").await;
        let first = b.js(THEME_STATE).await;
        assert_eq!(
            first["visible"],
            json!(true),
            "the theme toggle is not shown: {first}"
        );
        let system_dark = first["dark"] == json!(true);
        let expected = if system_dark { "light" } else { "dark" };
        assert_eq!(
            first["theme"],
            Value::Null,
            "a theme is set before any click: {first}"
        );
        // The button names the mode it switches to.
        assert_eq!(first["offers"], json!(expected), "{first}");

        let click = || async {
            b.client
                .find(Locator::Css(".theme-toggle"))
                .await
                .expect("the .theme-toggle button")
                .click()
                .await
                .expect("click the theme toggle");
        };
        click().await;
        let toggled = b.js(THEME_STATE).await;
        assert_eq!(
            toggled["theme"],
            json!(expected),
            "after one click: {toggled}"
        );
        let original = if system_dark { "dark" } else { "light" };
        assert_eq!(toggled["offers"], json!(original), "{toggled}");
        assert_ne!(
            toggled["label"], first["label"],
            "the button's words did not change: {toggled}"
        );
        assert_ne!(
            toggled["bg"], first["bg"],
            "the page colours did not change: {toggled}"
        );

        b.client.refresh().await.expect("reload");
        let reloaded = b.js(THEME_STATE).await;
        assert_eq!(
            reloaded["theme"],
            json!(expected),
            "after reload: {reloaded}"
        );
        assert_eq!(reloaded["bg"], toggled["bg"], "after reload: {reloaded}");
        assert_eq!(
            reloaded["offers"], toggled["offers"],
            "after reload: {reloaded}"
        );

        b.goto("en/sectors/machinery/index.html").await;
        let other = b.js(THEME_STATE).await;
        assert_eq!(other["theme"], json!(expected), "on another page: {other}");

        click().await;
        b.client.refresh().await.expect("reload");
        let back = b.js(THEME_STATE).await;
        assert_eq!(
            back["theme"],
            json!(original),
            "after the second click and reload: {back}"
        );
        assert_eq!(back["bg"], first["bg"], "{back}");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 7. axe-core: no accessibility violations.

/// The folder with axe-core and vnu-jar, installed from `tests/browser-deps/package.json` with
/// npm when missing.
fn browser_deps() -> &'static Path {
    static DEPS: OnceLock<PathBuf> = OnceLock::new();
    DEPS.get_or_init(|| {
        let dir = repo().join("tests/browser-deps");
        let wanted = [
            "node_modules/axe-core/axe.min.js",
            "node_modules/vnu-jar/build/dist/vnu.jar",
        ];
        if wanted.iter().any(|f| !dir.join(f).is_file()) {
            let status = Command::new("npm")
                .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
                .current_dir(&dir)
                .status()
                .unwrap_or_else(|e| {
                    panic!(
                        "cannot run npm ({e}): it installs axe-core and vnu-jar for the browser \
                         tests. Install it (`apt-get install -y npm`) or run `bash scripts/test`."
                    )
                });
            assert!(
                status.success(),
                "`npm ci` in tests/browser-deps failed: {status}"
            );
            for f in wanted {
                assert!(dir.join(f).is_file(), "npm ci did not install {f}");
            }
        }
        dir
    })
}

const AXE_RUN: &str = "var done = arguments[arguments.length - 1];
    axe.run(document, {options}).then(function (r) {
        done(r.violations.map(function (v) {
            return v.id + ' (' + v.impact + '): ' + v.help + '\\n' + v.nodes.slice(0, 4).map(function (n) {
                return '    ' + n.target.join(' ') + '  ' + n.html.slice(0, 160) + '\\n      ' + (n.failureSummary || '').replace(/\\n/g, ' ');
            }).join('\\n') + (v.nodes.length > 4 ? '\\n    … ' + v.nodes.length + ' nodes' : '');
        }));
    }, function (e) { done(['axe failed: ' + e]); });";

/// Injects axe-core into the current page (once) and runs it with `options`.
async fn axe(b: &Browser, source: &str, options: &str) -> Vec<String> {
    let present = b.js("return typeof window.axe === 'object'").await;
    if present != json!(true) {
        b.client
            .execute(source, vec![])
            .await
            .expect("inject axe-core");
    }
    let script = AXE_RUN.replace("{options}", options);
    let found = b
        .client
        .execute_async(&script, vec![])
        .await
        .unwrap_or_else(|e| panic!("axe.run failed: {e}"));
    found
        .as_array()
        .expect("violations")
        .iter()
        .map(|v| v.as_str().unwrap_or("?").to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn axe_finds_no_accessibility_violations() {
    let source = std::fs::read_to_string(browser_deps().join("node_modules/axe-core/axe.min.js"))
        .expect("read axe.min.js");
    with_browser(move |b| async move {
        let mut problems = Vec::new();
        for lang in LANGS {
            for (_, path) in KEY_PAGES {
                let page = key_page(lang, path);
                // Every rule on a desktop and on a phone, in the light theme.
                for width in [DESKTOP, PHONE] {
                    b.resize(width, HEIGHT).await;
                    open(&b, &page).await;
                    for v in axe(&b, &source, "{ resultTypes: ['violations'] }").await {
                        problems.push(format!("{page} at {width}px: {v}"));
                    }
                }
                // Colour contrast in the dark theme.
                b.resize(DESKTOP, HEIGHT).await;
                b.js("document.documentElement.setAttribute('data-theme', 'dark')")
                    .await;
                let dark = "{ runOnly: ['color-contrast'], resultTypes: ['violations'] }";
                for v in axe(&b, &source, dark).await {
                    problems.push(format!("{page} in dark mode: {v}"));
                }
            }
        }
        assert!(
            problems.is_empty(),
            "axe-core violations:\n{}",
            problems.join("\n")
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 8. The Nu HTML Checker: no errors in the whole site.

#[test]
fn nu_html_checker_reports_no_errors() {
    let jar = browser_deps().join("node_modules/vnu-jar/build/dist/vnu.jar");
    let dir = &site().dir;
    let _shared = MACHINE.blocking_read();
    let output = Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html"])
        .arg(dir)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run java ({e}): the Nu HTML Checker needs it. \
                 Install it (`apt-get install -y default-jre-headless`) or run `bash scripts/test`."
            )
        });
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
    .replace(&format!("file:{}/", dir.display()), "");
    assert!(
        output.status.success(),
        "the Nu HTML Checker found errors ({}):\n{report}",
        output.status
    );
}

// ---------------------------------------------------------------------------------------------
// 10. Phone first: a chapter's own text is in the first screen, and the header stays in reach.

/// The chapter pages of the bundled plan (paths under the language folder).
fn chapter_pages() -> Vec<String> {
    let dir = site().dir.join("zh/chapters");
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("index.html").is_file())
        .map(|e| format!("chapters/{}/index.html", e.file_name().to_string_lossy()))
        .collect();
    pages.sort();
    assert!(pages.len() >= 10, "only {} chapters", pages.len());
    pages
}

const PHONE_HEIGHT: u32 = 812;

/// Where the first line of the chapter's own text starts, and the window's height.
const FIRST_TEXT: &str = "var p = document.querySelector('.chapter .prose p, .chapter .prose li');
    if (!p) return null;
    return { top: p.getBoundingClientRect().top, height: window.innerHeight };";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_shows_chapter_text_in_the_first_screen_and_keeps_the_header_in_reach() {
    with_browser(|b| async move {
        b.resize_viewport(PHONE, PHONE_HEIGHT).await;
        let mut problems = Vec::new();
        for lang in LANGS {
            for page in chapter_pages() {
                let page = format!("{lang}/{page}");
                b.goto(&page).await;
                let first = b.js(FIRST_TEXT).await;
                let (Some(top), Some(height)) = (first["top"].as_f64(), first["height"].as_f64())
                else {
                    problems.push(format!("{page}: no body text ({first})"));
                    continue;
                };
                // At least three lines of text fit below its first line.
                if top > height - 90.0 {
                    problems.push(format!(
                        "{page}: the text starts at {top:.0}px of a {height:.0}px screen"
                    ));
                }
            }
        }
        // Deep in a long chapter, the language switch and search are still on screen.
        b.goto("en/chapters/machinery-base/index.html").await;
        b.js("window.scrollTo(0, 4000)").await;
        let reach = b
            .js("return ['.lang-switch', '.search-link'].map(function (s) {
                     var r = document.querySelector(s).getBoundingClientRect();
                     return r.top >= 0 && r.bottom <= 100 && r.width > 0 ? 'ok' : s + ' at ' + r.top;
                 })")
            .await;
        assert_eq!(reach, json!(["ok", "ok"]), "after scrolling down a chapter");
        assert!(
            problems.is_empty(),
            "chapter text not in the first {PHONE}x{PHONE_HEIGHT} screen:\n{}",
            problems.join("\n")
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 11. The language switch keeps the item being read, inside a 专栏 box and in plain text, at
//     any size; on the search page it keeps the query.

/// Scrolls so that the element `id` is the first thing below the header, as a reader would
/// have it, and reports the scroll position.
fn scroll_to(id: &str) -> String {
    format!(
        "var e = document.getElementById('{id}');
         var h = document.querySelector('.site-header');
         e.scrollIntoView({{ block: 'start' }});
         window.scrollBy(0, e.getBoundingClientRect().top - h.getBoundingClientRect().bottom - 4);
         return window.scrollY;"
    )
}

/// Whether `id` sits at the top of the reading area (below the header, in the top quarter).
fn at_top(id: &str) -> String {
    format!(
        "var e = document.getElementById('{id}');
         if (!e) return 'missing';
         var r = e.getBoundingClientRect();
         var h = document.querySelector('.site-header').getBoundingClientRect();
         return r.top >= h.bottom - 1 && r.top < h.bottom + window.innerHeight / 4 ? 'ok'
             : 'top ' + r.top + ', header bottom ' + h.bottom;"
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn language_switch_lands_on_the_same_box_item_and_keeps_the_search_query() {
    with_browser(|b| async move {
        let page = "chapters/machinery-base/index.html";
        // The fifth item of 专栏1, and a paragraph in ordinary text.
        b.goto(&format!("en/{page}")).await;
        let ids = b
            .js(
                "return [document.querySelectorAll('#sidebar-1 .box-items > li[id]')[4].id,
                         document.querySelectorAll('.prose > p[id]')[5].id]",
            )
            .await;
        let ids: Vec<String> = ids
            .as_array()
            .expect("two ids")
            .iter()
            .map(|v| v.as_str().expect("an id").to_string())
            .collect();
        for width in [PHONE, DESKTOP] {
            b.resize(width, HEIGHT).await;
            for (from, to) in [("en", "zh"), ("zh", "en")] {
                for id in &ids {
                    b.goto(&format!("{from}/{page}")).await;
                    let y = b.js(&scroll_to(id)).await;
                    assert!(
                        y.as_f64() > Some(500.0),
                        "{id} is not far down the page: {y}"
                    );
                    let before = b.client.current_url().await.expect("url").to_string();
                    let now = b.click_and_wait_for_new_url(".lang-switch", before).await;
                    assert_eq!(
                        now,
                        url(&format!("{to}/{page}#{id}")),
                        "switching from {from} at {width}px while reading #{id}"
                    );
                    let place = b.js(&at_top(id)).await;
                    assert_eq!(place, json!("ok"), "#{id} on the {to} page at {width}px");
                }
            }
        }
        // Side by side, an item of the box in the second column lands on the same item.
        b.resize(DESKTOP, HEIGHT).await;
        let twin = "chapters/machinery-base/side-by-side/index.html";
        b.goto(&format!("zh/{twin}")).await;
        b.js(&scroll_to(&format!("en-{}", ids[0]))).await;
        let before = b.client.current_url().await.expect("url").to_string();
        let now = b.click_and_wait_for_new_url(".lang-switch", before).await;
        assert_eq!(
            now,
            url(&format!("en/{twin}#{}", ids[0])),
            "side by side, mid-专栏"
        );
        let place = b.js(&at_top(&ids[0])).await;
        assert_eq!(
            place,
            json!("ok"),
            "#{} on the English side-by-side page",
            ids[0]
        );
        // The search page keeps its query.
        b.goto("zh/search/index.html?q=%E5%93%88%E8%8D%AF").await;
        b.wait_until(
            "return document.querySelector('#search-results li')",
            "search results",
        )
        .await;
        let before = b.client.current_url().await.expect("url").to_string();
        let now = b.click_and_wait_for_new_url(".lang-switch", before).await;
        assert_eq!(now, url("en/search/index.html?q=%E5%93%88%E8%8D%AF"));
        let q = b.js("return document.getElementById('q').value").await;
        assert_eq!(q, json!("哈药"), "the query box on the switched page");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 12. The contents are closed on a phone from the first paint: nothing moves while loading.

/// The page's cumulative layout shift so far, from the buffered 'layout-shift' entries.
const LAYOUT_SHIFT: &str = "var done = arguments[arguments.length - 1];
    var total = 0;
    new PerformanceObserver(function (list) {
        list.getEntries().forEach(function (e) { if (!e.hadRecentInput) total += e.value; });
    }).observe({ type: 'layout-shift', buffered: true });
    setTimeout(function () { done(total); }, 300);";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contents_panel_is_closed_on_a_phone_with_no_layout_shift() {
    with_browser(|b| async move {
        let mut problems = Vec::new();
        for (width, height, open) in [(PHONE, PHONE_HEIGHT, false), (DESKTOP, HEIGHT, true)] {
            b.resize_viewport(width, height).await;
            for lang in LANGS {
                for page in [
                    "chapters/machinery-base/index.html",
                    "index.html",
                    "sectors/machinery/index.html",
                ] {
                    let page = format!("{lang}/{page}");
                    b.goto(&page).await;
                    let state = b
                        .js("return document.getElementById('toc-panel').open")
                        .await;
                    if state != json!(open) {
                        problems.push(format!("{page} at {width}px: contents open = {state}"));
                    }
                    let shift = b
                        .client
                        .execute_async(LAYOUT_SHIFT, vec![])
                        .await
                        .expect("measure layout shift");
                    let shift = shift.as_f64().expect("a number");
                    if shift > 0.01 {
                        problems.push(format!("{page} at {width}px: layout shift {shift:.3}"));
                    }
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 13. Citable: every passage has a link, and "cite this passage" copies a citation with the
//     passage's permanent address in the page's language, by keyboard, from HTTP and file://.

/// Replaces the clipboard with a recorder, so the copied text can be read back.
const RECORD_CLIPBOARD: &str = "window.__copied = null;
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: {
        writeText: function (t) { window.__copied = t; return Promise.resolve(); } } });
    return true;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cite_copies_a_citation_with_the_passage_url_by_keyboard() {
    with_browser(|b| async move {
        let file_base = format!("file://{}/", site().dir.display());
        let cases = [
            ("en", url(""), "Harbin Industrial Economy Development Plan"),
            ("zh", url(""), "《哈尔滨市工业经济发展规划》"),
            ("en", file_base.clone(), "Harbin Industrial Economy Development Plan"),
        ];
        for (lang, base, plan) in cases {
            let page = format!("{base}{lang}/chapters/machinery-base/index.html");
            b.open_address(&page).await;
            // Every heading and paragraph of the text has a link to itself.
            let missing = b
                .js("return Array.from(document.querySelectorAll('.prose p[id], .prose h2[id], .prose h3[id]'))
                         .filter(function (e) { var a = e.querySelector(':scope > a.pl');
                             return !a || a.getAttribute('href') !== '#' + e.id; }).length")
                .await;
            assert_eq!(missing, json!(0), "{page}: passages without a ¶ link");
            b.js(RECORD_CLIPBOARD).await;
            // Keyboard: the ¶ link of a passage, Enter, then Enter on the offered button.
            let link = b
                .client
                .find(Locator::Css("#power-equipment-1 > a.pl"))
                .await
                .expect("the ¶ link of #power-equipment-1");
            b.js("document.querySelector('#power-equipment-1 > a.pl').focus()").await;
            let shown = b
                .js("var a = document.activeElement; return a.classList.contains('pl') && getComputedStyle(a).opacity === '1'")
                .await;
            assert_eq!(shown, json!(true), "{page}: the focused ¶ link is not visible");
            link.send_keys("\u{E007}").await.expect("press Enter on ¶");
            b.wait_until(
                "return document.activeElement.className === 'cite'",
                &format!("{page}: Enter on ¶ to offer the citation"),
            )
            .await;
            b.client
                .active_element()
                .await
                .expect("the focused button")
                .send_keys("\u{E007}")
                .await
                .expect("press Enter on the cite button");
            b.wait_until("return window.__copied", "the citation to be copied").await;
            let copied = b.js("return window.__copied").await;
            let copied = copied.as_str().unwrap_or("");
            // The published address when the site has one, else the address it was opened at.
            let address = b
                .js("return (document.body.dataset.permalink || location.href.split('#')[0]) + '#power-equipment-1'")
                .await;
            let address = address.as_str().expect("an address");
            let path = format!("/{lang}/chapters/machinery-base/index.html#power-equipment-1");
            assert!(address.ends_with(&path), "{page}: the permanent address {address} is not in {lang}");
            assert!(copied.contains(plan), "{page}: citation without the plan's title: {copied}");
            assert!(copied.ends_with(address), "{page}: citation without {address}: {copied}");
            let title = b.js("return document.querySelector('h1').textContent").await;
            assert!(
                copied.contains(title.as_str().unwrap_or("?").trim()),
                "{page}: citation without the chapter title: {copied}"
            );
            b.wait_until(
                "return document.getElementById('pb-status').textContent",
                "the copy to be announced",
            )
            .await;
            let png = b.client.screenshot().await.expect("screenshot");
            let dir = repo().join("tests/artifacts");
            std::fs::create_dir_all(&dir).expect("create tests/artifacts");
            let name = if base.starts_with("file:") { "file" } else { "http" };
            std::fs::write(dir.join(format!("{lang}-{name}-cite-{DESKTOP}.png")), png)
                .expect("save the screenshot");
        }
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 14. Search finds everything: every name of an enterprise in either language from either
// language's page, phrases, several words, Chinese words inside unspaced text, passage twins,
// the sector filter, from disk (file://) as from a server, and a failure said as such.

/// One search result: its kind (`result-enterprise`, `result-passage`, ...), title and address.
#[derive(Debug)]
struct Hit {
    class: String,
    title: String,
    href: String,
}

/// Opens the search page at `address` (served or `file://`), waits for the search to finish,
/// and returns the results and the status line.
async fn search_at(b: &Browser, address: &str) -> (Vec<Hit>, String) {
    b.open_address(address).await;
    b.wait_until(
        "var s = document.getElementById('search-status').textContent;
         return s && s !== document.getElementById('search-results').getAttribute('data-loading')",
        &format!("the search at {address} to finish"),
    )
    .await;
    let rows = b
        .js(
            "return Array.from(document.querySelectorAll('#search-results li')).map(function (li) {
                var a = li.querySelector('a.result-title');
                return [li.className, a ? a.textContent : '', a ? a.href : ''];
             })",
        )
        .await;
    let hits = rows
        .as_array()
        .expect("results")
        .iter()
        .map(|r| Hit {
            class: r[0].as_str().unwrap_or("").to_string(),
            title: r[1].as_str().unwrap_or("").to_string(),
            href: r[2].as_str().unwrap_or("").to_string(),
        })
        .collect();
    let status = b
        .js("return document.getElementById('search-status').textContent")
        .await;
    (hits, status.as_str().unwrap_or("").to_string())
}

/// The served search page of `lang` for `q` (and `extra` query parameters).
fn search_url(lang: &str, q: &str, extra: &str) -> String {
    let q: String = q
        .bytes()
        .map(|c| match c {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => (c as char).to_string(),
            _ => format!("%{c:02X}"),
        })
        .collect();
    url(&format!("{lang}/search/index.html?q={q}{extra}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_an_enterprise_by_any_name_in_either_language_first() {
    let cases = [
        ("en", "HPGC", "harbin-pharmaceutical-group"),
        ("en", "Harbin Pharmaceutical", "harbin-pharmaceutical-group"),
        ("en", "PepsiCo", "pepsico"),
        ("en", "Pepsi-Cola", "pepsico"),
        ("en", "哈药", "harbin-pharmaceutical-group"),
        ("en", "波音公司", "boeing"),
        ("zh", "Boeing", "boeing"),
        ("zh", "hpgc", "harbin-pharmaceutical-group"),
        ("zh", "哈药", "harbin-pharmaceutical-group"),
        ("zh", "百事可乐", "pepsico"),
    ];
    with_browser(move |b| async move {
        for (lang, q, id) in cases {
            let (hits, status) = search_at(&b, &search_url(lang, q, "")).await;
            let first = hits
                .first()
                .unwrap_or_else(|| panic!("{lang} {q:?}: no results ({status})"));
            assert_eq!(first.class, "result result-enterprise", "{lang} {q:?}: {hits:?}");
            assert!(
                first
                    .href
                    .ends_with(&format!("/{lang}/enterprises/{id}/index.html")),
                "{lang} {q:?}: the first result is {first:?}, not the enterprise {id} of the {lang} edition"
            );
            assert_eq!(
                first.title.is_ascii(),
                lang == "en",
                "{lang} {q:?}: the enterprise is not named in the page's language: {first:?}"
            );
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_takes_phrases_and_several_words() {
    with_browser(|b| async move {
        let (phrase, _) = search_at(&b, &search_url("en", "\"wind power\"", "")).await;
        assert!(!phrase.is_empty(), "\"wind power\" in quotes finds nothing");
        let marks = b
            .js("return Array.from(document.querySelectorAll('#search-results blockquote mark')).map(function (m) { return m.textContent.toLowerCase(); })")
            .await;
        let marks: Vec<&str> = marks.as_array().expect("marks").iter().filter_map(|m| m.as_str()).collect();
        assert!(
            !marks.is_empty() && marks.iter().all(|m| *m == "wind power"),
            "a quoted phrase is highlighted whole: {marks:?}"
        );
        let (words, _) = search_at(&b, &search_url("en", "wind power", "")).await;
        let (reversed, _) = search_at(&b, &search_url("en", "power wind", "")).await;
        let hrefs = |h: &[Hit]| h.iter().map(|x| x.href.clone()).collect::<std::collections::BTreeSet<_>>();
        assert_eq!(hrefs(&words), hrefs(&reversed), "the order of the words changes the results");
        assert!(
            words.len() >= phrase.len(),
            "two words ({}) find fewer results than the phrase ({})",
            words.len(),
            phrase.len()
        );
        let (none, status) = search_at(&b, &search_url("en", "wind qqqzzz", "")).await;
        assert!(none.is_empty(), "every word must match: {none:?}");
        let no_results = b
            .js("return document.getElementById('search-results').getAttribute('data-none')")
            .await;
        assert_eq!(json!(status), no_results, "no results is said so");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_finds_chinese_words_inside_unspaced_text_and_links_the_twin() {
    with_browser(|b| async move {
        let (hits, _) = search_at(&b, &search_url("zh", "风电", "")).await;
        assert!(hits.iter().any(|h| h.class == "result result-passage"), "风电: {hits:?}");
        // The word sits between other Chinese characters, with no space around it.
        let inside = b
            .js("return Array.from(document.querySelectorAll('#search-results blockquote')).some(function (q) {
                    return /[\\u4e00-\\u9fff]风电[\\u4e00-\\u9fff]/.test(q.textContent);
                 })")
            .await;
        assert_eq!(inside, json!(true), "风电 is not found inside unspaced text");
        let twin = b
            .js("var a = document.querySelector('#search-results li.result-passage a.result-twin'); return a ? a.href : null")
            .await;
        let twin = twin.as_str().expect("a passage result links its English twin").to_string();
        assert!(twin.starts_with(&url("en/chapters/")), "twin {twin}");
        let (_, fragment) = twin.split_once('#').expect("the twin link names the passage");
        b.open_address(&twin).await;
        let found = b
            .js(&format!("return !!document.getElementById(decodeURIComponent('{fragment}'))"))
            .await;
        assert_eq!(found, json!(true), "{twin}: the twin passage is not there");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_keeps_the_sector_filter() {
    with_browser(|b| async move {
        let (all, _) = search_at(&b, &search_url("zh", "哈药", "")).await;
        let (pharma, _) = search_at(&b, &search_url("zh", "哈药", "&sector=pharma")).await;
        let (textiles, _) = search_at(&b, &search_url("zh", "哈药", "&sector=textiles")).await;
        assert!(
            !pharma.is_empty(),
            "哈药 in the pharmaceutical sector finds nothing"
        );
        assert!(
            pharma.len() <= all.len() && textiles.len() < pharma.len(),
            "the sector filter does not narrow: all {}, pharma {}, textiles {}",
            all.len(),
            pharma.len(),
            textiles.len()
        );
        let selected = b.js("return document.getElementById('sector').value").await;
        assert_eq!(
            selected,
            json!("textiles"),
            "the filter is not shown as chosen"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_works_from_disk_and_says_when_the_index_is_missing() {
    let dir = site().dir.clone();
    with_browser(move |b| async move {
        for (lang, q, id) in [
            ("en", "HPGC", "harbin-pharmaceutical-group"),
            ("zh", "Boeing", "boeing"),
        ] {
            let address = format!("file://{}/{lang}/search/index.html?q={q}", dir.display());
            let (hits, status) = search_at(&b, &address).await;
            assert!(
                hits.first().is_some_and(|h| h
                    .href
                    .ends_with(&format!("{lang}/enterprises/{id}/index.html"))),
                "{address}: {status} {hits:?}"
            );
        }
        let (hits, _) = search_at(
            &b,
            &format!(
                "file://{}/zh/search/index.html?q=%E9%A3%8E%E7%94%B5",
                dir.display()
            ),
        )
        .await;
        assert!(
            hits.iter().any(|h| h.class == "result result-passage"),
            "风电 from disk: {hits:?}"
        );

        // A copy of the search page without its index: the failure is said, not "No results".
        let lone = tempfile::tempdir().expect("temporary folder");
        let page = lone.path().join("en/search");
        std::fs::create_dir_all(&page).expect("folders");
        std::fs::copy(dir.join("en/search/index.html"), page.join("index.html")).expect("copy");
        copy_tree(&dir.join("assets"), &lone.path().join("assets"));
        let address = format!(
            "file://{}/en/search/index.html?q=HPGC",
            lone.path().display()
        );
        let (hits, status) = search_at(&b, &address).await;
        let failed = b
            .js("return document.getElementById('search-results').getAttribute('data-failed')")
            .await;
        assert!(hits.is_empty(), "{hits:?}");
        assert_eq!(
            json!(status),
            failed,
            "a missing index is not reported as such"
        );
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 15. The investor's pages: a sector's goals in the first phone screen, charts whose every value
// label is inside the chart and the window, and the project explorer's filters.

/// Where the sector brief's first goal starts, and the window's height.
const FIRST_GOAL: &str = "var g = document.querySelector('.brief-targets li');
    if (!g) return null;
    return { top: g.getBoundingClientRect().top, bottom: g.getBoundingClientRect().bottom, height: window.innerHeight };";

/// Chart texts that end outside their chart or the window.
const CLIPPED_LABELS: &str = "var w = window.innerWidth, out = [];
    document.querySelectorAll('figure.chart svg').forEach(function (svg) {
      var box = svg.getBoundingClientRect();
      svg.querySelectorAll('text').forEach(function (t) {
        var r = t.getBoundingClientRect();
        if (r.right > box.right + 1 || r.right > w) out.push(t.textContent + ' ends at ' + Math.round(r.right) + 'px');
      });
      var cap = svg.parentNode.querySelector('figcaption');
      if (!cap || cap.getBoundingClientRect().top > box.top) out.push('caption below its chart');
    });
    return out;";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn phone_shows_a_sectors_goals_first_and_whole_charts() {
    with_browser(|b| async move {
        b.resize_viewport(PHONE, PHONE_HEIGHT).await;
        let mut problems = Vec::new();
        let mut with_goals = 0;
        for lang in LANGS {
            let dir = site().dir.join(lang).join("sectors");
            let mut pages: Vec<String> = std::fs::read_dir(&dir)
                .expect("sectors folder")
                .filter_map(|e| e.ok())
                .filter(|e| e.path().join("index.html").is_file())
                .map(|e| {
                    format!(
                        "{lang}/sectors/{}/index.html",
                        e.file_name().to_string_lossy()
                    )
                })
                .collect();
            pages.sort();
            pages.push(format!("{lang}/targets/index.html"));
            for page in pages {
                b.goto(&page).await;
                let goal = b.js(FIRST_GOAL).await;
                if let (Some(bottom), Some(height)) =
                    (goal["bottom"].as_f64(), goal["height"].as_f64())
                {
                    with_goals += 1;
                    if bottom > height {
                        problems.push(format!(
                            "{page}: the first goal ends at {bottom:.0}px of {height:.0}px"
                        ));
                    }
                }
                let clipped = b.js(CLIPPED_LABELS).await;
                if clipped.as_array().is_some_and(|a| !a.is_empty()) {
                    problems.push(format!("{page}: {clipped}"));
                }
            }
        }
        assert!(
            with_goals >= 10,
            "only {with_goals} sector pages list goals"
        );
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    })
    .await;
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_tree(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy a file");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_project_explorer_filters_by_enterprise_and_kind() {
    with_browser(|b| async move {
        b.goto("en/projects/index.html").await;
        let pick = |select: &str, value: &str| {
            format!(
                "var s = document.querySelector('{select}'); s.value = '{value}';
                 s.dispatchEvent(new Event('change'));
                 var shown = Array.from(document.querySelectorAll('.box-items li')).filter(function (li) {{ return !li.hidden; }});
                 return shown.map(function (li) {{ return li.getAttribute('data-enterprises') + '|' + li.getAttribute('data-kinds'); }});"
            )
        };
        let shown = b.js(&pick("#enterprise-filter", "harbin-measuring-cutting-tool-group")).await;
        let shown = shown.as_array().expect("a list");
        assert!(!shown.is_empty(), "the enterprise filter shows its projects");
        assert!(shown.iter().all(|s| s.as_str().unwrap().contains("harbin-measuring-cutting-tool-group")));
        b.js(&pick("#enterprise-filter", "")).await;
        let parks = b.js(&pick("#kind-filter", "park")).await;
        let parks = parks.as_array().expect("a list");
        assert!(!parks.is_empty() && parks.iter().all(|s| s.as_str().unwrap().split('|').nth(1).is_some_and(|k| k.split(' ').any(|k| k == "park"))), "{parks:?}");
        let all = b.js(&pick("#kind-filter", "")).await;
        assert!(all.as_array().unwrap().len() > 250, "clearing the filter shows every project");
    })
    .await;
}

// ---------------------------------------------------------------------------------------------
// 16. Lighthouse, mobile settings: performance, accessibility, best practices, SEO and layout
//     shift on the home page, a chapter and an index in both languages.

/// The Lighthouse command line from `tests/browser-deps` (installed by npm when missing).
fn lighthouse_cli() -> PathBuf {
    let dir = browser_deps();
    let cli = dir.join("node_modules/lighthouse/cli/index.js");
    if !cli.is_file() {
        let status = Command::new("npm")
            .args(["ci", "--ignore-scripts", "--no-audit", "--no-fund"])
            .current_dir(dir)
            .status()
            .expect("npm runs");
        assert!(status.success(), "`npm ci` in tests/browser-deps failed");
    }
    assert!(cli.is_file(), "npm did not install lighthouse");
    cli
}

/// Runs Lighthouse (its default mobile emulation and throttling) on `page`; returns the
/// category scores (0–100) and the cumulative layout shift, or what went wrong.
fn lighthouse(cli: &Path, page: &str) -> Result<(Vec<(String, f64)>, f64), String> {
    let chromium = tool("PLANBOOK_CHROMIUM", "/usr/bin/chromium", "chromium");
    // The Chromium that Lighthouse starts leaves scratch folders in TMPDIR: give it one that
    // is removed when this run ends.
    let scratch = tempfile::tempdir().map_err(|e| format!("no temporary folder: {e}"))?;
    let out = Command::new("node")
        .arg(cli)
        .arg(url(page))
        .args([
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage",
            "--only-categories=performance,accessibility,best-practices,seo",
            "--output=json",
            "--output-path=stdout",
            "--quiet",
        ])
        .env("CHROME_PATH", chromium)
        .env("TMPDIR", scratch.path())
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let report: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "no Lighthouse report for {page} ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    let scores = ["performance", "accessibility", "best-practices", "seo"]
        .iter()
        .map(|c| {
            let score = report["categories"][c]["score"].as_f64().unwrap_or(0.0);
            (c.to_string(), (score * 100.0).round())
        })
        .collect();
    let cls = report["audits"]["cumulative-layout-shift"]["numericValue"]
        .as_f64()
        .unwrap_or(f64::MAX);
    Ok((scores, cls))
}

#[test]
fn lighthouse_scores_on_a_phone() {
    let cli = lighthouse_cli();
    let _alone = MACHINE.blocking_write();
    let mut problems = Vec::new();
    for lang in LANGS {
        for path in [
            "index.html",
            "chapters/review/index.html",
            "enterprises/index.html",
        ] {
            let page = format!("{lang}/{path}");
            match lighthouse(&cli, &page) {
                Ok((scores, cls)) => {
                    eprintln!("lighthouse {page}: {scores:?}, layout shift {cls:.3}");
                    for (category, score) in scores {
                        let floor = if category == "performance" {
                            95.0
                        } else {
                            100.0
                        };
                        if score < floor {
                            problems.push(format!("{page}: {category} {score} < {floor}"));
                        }
                    }
                    if cls > 0.02 {
                        problems.push(format!("{page}: layout shift {cls:.3} > 0.02"));
                    }
                }
                Err(e) => problems.push(e),
            }
        }
    }
    assert!(problems.is_empty(), "Lighthouse:\n{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 17. The bilingual print edition printed to PDF by Chromium has an outline: the cover, the
//     contents and every chapter, from the page's real headings.

/// The titles of a PDF's outline entries (literal or UTF-16 hex strings after `/Title`).
fn pdf_outline_titles(pdf: &[u8]) -> Vec<String> {
    let mut titles = Vec::new();
    let mut at = 0;
    while let Some(i) = find(&pdf[at..], b"/Title") {
        at += i + b"/Title".len();
        let rest = &pdf[at..];
        let start = rest
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .unwrap_or(0);
        let rest = &rest[start..];
        let title = match rest.first() {
            Some(b'<') => rest.iter().position(|&b| b == b'>').and_then(|end| {
                let hex = std::str::from_utf8(&rest[1..end]).ok()?;
                let bytes: Vec<u8> = (0..hex.len() / 2)
                    .filter_map(|k| u8::from_str_radix(&hex[2 * k..2 * k + 2], 16).ok())
                    .collect();
                let units: Vec<u16> = bytes
                    .strip_prefix(&[0xfe, 0xff])?
                    .chunks(2)
                    .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
                    .collect();
                Some(String::from_utf16_lossy(&units))
            }),
            Some(b'(') => {
                let mut s = Vec::new();
                let mut escaped = false;
                for &b in &rest[1..] {
                    match (escaped, b) {
                        (false, b'\\') => escaped = true,
                        (false, b')') => break,
                        _ => {
                            escaped = false;
                            s.push(b);
                        }
                    }
                }
                Some(String::from_utf8_lossy(&s).into_owned())
            }
            _ => None,
        };
        titles.extend(title);
    }
    titles
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn bilingual_print_edition_prints_to_a_pdf_with_an_outline() {
    let chromium = tool("PLANBOOK_CHROMIUM", "/usr/bin/chromium", "chromium");
    let tmp = tempfile::tempdir().expect("temporary folder");
    let _shared = MACHINE.blocking_read();
    for (lang, chapter) in [
        ("zh", "一、“十五”发展回顾"),
        ("en", "I. Review of the 10th Five-Year Plan Period"),
    ] {
        let pdf = tmp.path().join(format!("{lang}.pdf"));
        let status = Command::new(&chromium)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--generate-pdf-document-outline",
                "--no-pdf-header-footer",
            ])
            .arg(format!(
                "--user-data-dir={}",
                tmp.path().join("profile").display()
            ))
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .env("TMPDIR", tmp.path())
            .arg(url(&format!("{lang}/print/bilingual/index.html")))
            .stderr(Stdio::null())
            .status()
            .expect("chromium runs");
        assert!(
            status.success(),
            "chromium could not print the {lang} edition"
        );
        let titles = pdf_outline_titles(&std::fs::read(&pdf).expect("the PDF"));
        let contents = if lang == "zh" { "目录" } else { "Contents" };
        for wanted in [contents, chapter] {
            assert!(
                titles.iter().any(|t| t == wanted),
                "the {lang} PDF's outline lacks {wanted:?}; it has {titles:?}"
            );
        }
        assert!(
            titles.len() > 40,
            "{lang}: only {} outline entries",
            titles.len()
        );
    }
}
