//! `planbook serve` end to end: the real binary serves a fixture book, a saved edit reaches the
//! served page, a broken file is reported to the browser and recovered from, and requests that
//! try to leave the output folder get 404. Rebuilds: a page requested after the reload signal is
//! the new one, the git history is read again only after a commit, and saves made during a
//! rebuild end in a build of the last one.

mod common;

use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A minimal HTTP/1.0 GET: (status, body).
fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").ok()?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).ok()?;
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text.split_whitespace().nth(1)?.parse().ok()?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Some((status, body))
}

fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(20) {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn serve_rebuilds_on_save_reports_errors_and_stays_inside_the_site() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), dir.path());
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args([
            "serve",
            "--root",
            dir.path().to_str().unwrap(),
            "--port",
            &port.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let _server = Server(child);
    let page = "/en/chapters/overview/index.html";
    wait_until("the server", || {
        get(port, page).is_some_and(|(s, _)| s == 200)
    });
    let (_, body) = get(port, page).unwrap();
    assert!(body.contains("50 billion yuan"));
    assert!(
        body.contains("/__planbook/live.js"),
        "pages carry the live-reload script"
    );

    // An edit reaches the served page.
    let en = dir.path().join("content/chapters/01-overview/en.md");
    let text = std::fs::read_to_string(&en).unwrap();
    std::fs::write(
        &en,
        text.replace("a leading enterprise", "a leading national enterprise"),
    )
    .unwrap();
    wait_until("the edit to be served", || {
        get(port, page).is_some_and(|(_, b)| b.contains("a leading national enterprise"))
    });

    // A broken file: the last good site stays, and the browser is told what is wrong.
    let glossary = dir.path().join("content/glossary.yaml");
    let good = std::fs::read_to_string(&glossary).unwrap();
    std::fs::write(&glossary, "\n").unwrap();
    wait_until("the error to be reported", || {
        get(port, "/__planbook/wait?v=0").is_some_and(|(_, b)| {
            b.contains("content/glossary.yaml:1:1: error[yaml]: file is empty")
        })
    });
    assert!(
        get(port, page)
            .unwrap()
            .1
            .contains("a leading national enterprise"),
        "last good site still served"
    );

    // Fixing it recovers without a restart.
    std::fs::write(&glossary, good).unwrap();
    wait_until("recovery", || {
        get(port, "/__planbook/wait?v=0").is_some_and(|(_, b)| b.contains("\"error\":null"))
    });

    for bad in [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/zh/../../../etc/passwd",
    ] {
        let (status, body) = get(port, bad).unwrap();
        assert_eq!(status, 404, "{bad}");
        assert!(!body.contains("root:"), "{bad}");
    }
}

/// `planbook serve` on a copy of the mini book (in a git repository with one commit when
/// `git_date` is given), its stderr kept in a file.
struct Served {
    _server: Server,
    port: u16,
    dir: tempfile::TempDir,
    log: std::path::PathBuf,
}

impl Served {
    fn start(git_date: Option<&str>) -> Served {
        let dir = tempfile::tempdir().unwrap();
        copy_tree(&fixtures().join("sites/mini"), dir.path());
        if let Some(date) = git_date {
            git(dir.path(), &["init", "-q"], date);
            commit(dir.path(), date);
        }
        let log = dir.path().join("serve.log");
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_planbook"))
            .args(["serve", "--root", dir.path().to_str().unwrap(), "--port"])
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let served = Served {
            _server: Server(child),
            port,
            dir,
            log,
        };
        wait_until("the server", || {
            get(port, PAGE).is_some_and(|(s, _)| s == 200)
        });
        served
    }

    fn page(&self) -> String {
        get(self.port, PAGE).unwrap().1
    }

    fn version(&self) -> u64 {
        version_of(&get(self.port, "/__planbook/wait?v=0").unwrap().1)
    }

    /// Rewrites the chapter's English with `sentence` in place of its first sentence's end.
    fn save(&self, sentence: &str) {
        let en = self.dir.path().join("content/chapters/01-overview/en.md");
        let text = std::fs::read_to_string(&en).unwrap();
        let start = text.find("By 2030").unwrap();
        let end = start + text[start..].find('\n').unwrap();
        let new = format!("{}By 2030, {sentence}.{}", &text[..start], &text[end..]);
        std::fs::write(&en, new).unwrap();
    }

    fn log_lines(&self, what: &str) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap()
            .lines()
            .filter(|l| l.contains(what))
            .count()
    }
}

const PAGE: &str = "/en/chapters/overview/index.html";

fn version_of(status: &str) -> u64 {
    let v: serde_json::Value = serde_json::from_str(status).unwrap();
    v["version"].as_u64().unwrap()
}

fn git(dir: &std::path::Path, args: &[&str], date: &str) {
    let ok = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_DATE", date)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

fn commit(dir: &std::path::Path, date: &str) {
    git(dir, &["add", "-A", "content"], date);
    git(dir, &["commit", "-q", "-m", "edit"], date);
}

#[test]
fn a_page_requested_after_the_reload_signal_is_the_new_one() {
    let book = Served::start(None);
    for n in 0..4 {
        let seen = book.version();
        let port = book.port;
        let poll =
            std::thread::spawn(move || get(port, &format!("/__planbook/wait?v={seen}")).unwrap().1);
        std::thread::sleep(Duration::from_millis(100));
        let sentence = format!("the value added reaches {n} hundred yuan");
        book.save(&sentence);
        let status = poll.join().unwrap();
        assert!(status.contains("\"error\":null"), "{status}");
        let version = version_of(&status);
        assert!(version > seen, "{status}");
        // Asked for at once: the new page, never the last one.
        let page = book.page();
        assert!(
            page.contains(&sentence),
            "edit {n}: the old page after the signal"
        );
        assert!(
            page.contains(&format!("data-version=\"{version}\"")),
            "edit {n}: the page is of the version announced"
        );
        let side = get(book.port, "/zh/chapters/overview/side-by-side/index.html").unwrap();
        assert!(side.1.contains(&sentence), "edit {n}: side-by-side page");
    }
}

#[test]
fn the_git_history_is_read_again_after_a_commit_not_after_a_save() {
    let book = Served::start(Some("2020-01-02T12:00:00Z"));
    assert!(
        book.page().contains("2020-01-02"),
        "the page shows its date"
    );
    book.save("a first saved sentence");
    wait_until("the save to be served", || {
        book.page().contains("a first saved sentence")
    });
    assert_eq!(
        book.log_lines("git history re-read"),
        0,
        "a save is no commit"
    );

    commit(book.dir.path(), "2021-03-04T12:00:00Z");
    book.save("a second saved sentence");
    wait_until("the save to be served", || {
        book.page().contains("a second saved sentence")
    });
    assert_eq!(book.log_lines("git history re-read"), 1);
    let page = book.page();
    assert!(
        page.contains("2021-03-04") && !page.contains("2020-01-02"),
        "the page shows the commit's date"
    );
}

#[test]
fn saves_during_a_rebuild_end_in_a_build_of_the_last_one() {
    let book = Served::start(None);
    let builds = book.log_lines("rebuilt in");
    let rounds = 3;
    let burst = 5;
    for round in 0..rounds {
        let seen = book.version();
        let port = book.port;
        let poll =
            std::thread::spawn(move || get(port, &format!("/__planbook/wait?v={seen}")).unwrap().1);
        std::thread::sleep(Duration::from_millis(100));
        book.save(&format!("round {round} opens"));
        // Signalled at the build's first changed file: the build is still rendering.
        poll.join().unwrap();
        for n in 1..=burst {
            book.save(&format!("round {round} reaches save {n}"));
        }
        let last = format!("round {round} reaches save {burst}");
        wait_until("the last save to be served", || book.page().contains(&last));
        // Nothing more is coming, and the last save stays served.
        std::thread::sleep(Duration::from_millis(500));
        assert!(book.page().contains(&last));
    }
    let after = book.log_lines("rebuilt in") - builds;
    let saves = rounds * (burst + 1);
    assert!(
        (rounds..saves).contains(&after),
        "{after} builds for {saves} saves: the saves made during a build share the next one"
    );
}

/// `serve` renders the pages of the files just saved before any other page, so the page the
/// author is looking at comes back soonest (here on one thread, where the order is exact).
#[test]
fn the_pages_of_a_saved_file_are_rendered_first() {
    let (loaded, diags) = planbook::load(&repo());
    let loaded = loaded.unwrap_or_else(|| panic!("the plan loads:\n{diags}"));
    let page = loaded.site.pages.last().expect("a page");
    let saved = page.source.en.display.clone();
    let received = std::sync::Mutex::new(Vec::new());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a pool");
    pool.install(|| {
        planbook::render_changed_first(&loaded, &Default::default(), &[saved], &|files| {
            let mut received = received.lock().unwrap();
            received.extend(files.into_iter().map(|f| f.path));
            Ok(())
        })
    })
    .expect("renders");
    // The whole-book pages run beside the others; among each language's others, the saved
    // page's come first.
    let received = received.into_inner().unwrap();
    let id = &page.id;
    for lang in ["zh", "en"] {
        let first: Vec<&String> = received
            .iter()
            .filter(|p| p.starts_with(&format!("{lang}/")))
            .filter(|p| !p.contains("/search/") && !p.contains("/print/"))
            .take(2)
            .collect();
        assert_eq!(
            first,
            [
                format!("{lang}/chapters/{id}/index.html"),
                format!("{lang}/chapters/{id}/side-by-side/index.html"),
            ]
            .iter()
            .collect::<Vec<_>>(),
            "{received:#?}"
        );
    }
}
