//! `planbook serve` end to end: the real binary serves a fixture book, a saved edit reaches the
//! served page, a broken file is reported to the browser and recovered from, and requests that
//! try to leave the output folder get 404.

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
