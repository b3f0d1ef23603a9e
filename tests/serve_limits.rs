//! `planbook serve` under hostile requests (all to 127.0.0.1): oversized request lines and
//! headers are refused (414/431) without reading them whole, methods other than GET and HEAD
//! get 405, a `Host` other than the loopback gets 421 (DNS rebinding), a head sent too slowly
//! is cut off, and 500 slow connections do not stop normal requests.

mod common;

use common::*;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    _book: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    let book = tempfile::tempdir().unwrap();
    copy_tree(&fixtures().join("sites/mini"), book.path());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_planbook"))
        .args(["serve", "--root"])
        .arg(book.path())
        .args(["--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let server = Server {
        child,
        port,
        _book: book,
    };
    let started = Instant::now();
    while send(port, &request("GET", "/", "localhost"))
        .is_none_or(|r| !r.starts_with("HTTP/1.1 200"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    server
}

fn request(method: &str, path: &str, host: &str) -> Vec<u8> {
    format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").into_bytes()
}

/// Sends `bytes` and reads the answer until the server closes the connection.
fn send(port: u16, bytes: &[u8]) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    // The server may answer and close before it has read everything: a failed write is fine.
    let _ = s.write_all(bytes);
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    (!buf.is_empty()).then(|| String::from_utf8_lossy(&buf).into_owned())
}

fn status(answer: &str) -> &str {
    answer.get(9..12).unwrap_or("")
}

#[test]
fn methods_hosts_and_sizes_are_checked() {
    let server = start();
    let port = server.port;
    for method in [
        "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT",
    ] {
        let a = send(port, &request(method, "/", "localhost")).unwrap();
        assert_eq!(status(&a), "405", "{method}: {a}");
        assert!(a.contains("Allow: GET, HEAD"), "{a}");
    }
    let head = send(port, &request("HEAD", "/en/index.html", "localhost")).unwrap();
    assert_eq!(status(&head), "200");
    assert!(head.ends_with("\r\n\r\n"), "HEAD has no body: {head}");

    for host in [
        "localhost",
        &format!("127.0.0.1:{port}"),
        &format!("localhost:{port}"),
    ] {
        let a = send(port, &request("GET", "/", host)).unwrap();
        assert_eq!(status(&a), "200", "{host}");
    }
    for host in [
        "evil.example",
        &format!("evil.example:{port}"),
        "127.0.0.1:1",
    ] {
        let a = send(port, &request("GET", "/", host)).unwrap();
        assert_eq!(status(&a), "421", "{host}: {a}");
    }

    let long_line = request("GET", &format!("/{}", "a".repeat(100_000)), "localhost");
    assert_eq!(status(&send(port, &long_line).unwrap()), "414");
    let mut big_header = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ".to_vec();
    big_header.extend(std::iter::repeat_n(b'a', 10_000_000));
    big_header.extend(b"\r\n\r\n");
    let started = Instant::now();
    assert_eq!(status(&send(port, &big_header).unwrap()), "431");
    assert!(started.elapsed() < Duration::from_secs(5));
    let many: String = (0..200).map(|i| format!("X-H{i}: v\r\n")).collect();
    let many = format!("GET / HTTP/1.1\r\nHost: localhost\r\n{many}\r\n");
    assert_eq!(status(&send(port, many.as_bytes()).unwrap()), "431");
}

#[test]
fn a_head_sent_too_slowly_is_cut_off() {
    let server = start();
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    let started = Instant::now();
    s.write_all(b"GET / HTTP/1.1\r\n").unwrap();
    let mut buf = Vec::new();
    // One header byte a second, as a slowloris client sends: the server closes the connection
    // once the head is 10 s old.
    loop {
        assert!(started.elapsed() < Duration::from_secs(30), "never cut off");
        if s.write_all(b"X").is_err() {
            break;
        }
        match s.read_to_end(&mut buf) {
            Ok(_) => break,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(_) => break,
        }
    }
    let took = started.elapsed();
    assert!(took >= Duration::from_secs(9), "cut off early: {took:?}");
    let answer = String::from_utf8_lossy(&buf);
    assert!(answer.is_empty() || status(&answer) == "408", "{answer}");
}

#[test]
fn normal_requests_are_answered_while_500_slow_connections_are_open() {
    let server = start();
    let port = server.port;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let slow = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut conns: Vec<TcpStream> = (0..500)
                .filter_map(|_| TcpStream::connect(("127.0.0.1", port)).ok())
                .collect();
            let opened = conns.len();
            for s in &mut conns {
                let _ = s.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\n");
            }
            while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                for s in &mut conns {
                    let _ = s.write_all(b"X-Slow: 1\r\n");
                }
                std::thread::sleep(Duration::from_millis(500));
            }
            opened
        })
    };
    std::thread::sleep(Duration::from_millis(500));
    let mut times = Vec::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(4) {
        let t = Instant::now();
        let a = send(
            port,
            &request("GET", "/en/chapters/overview/index.html", "localhost"),
        )
        .expect("answered");
        assert_eq!(status(&a), "200", "{a}");
        times.push(t.elapsed());
        std::thread::sleep(Duration::from_millis(50));
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let opened = slow.join().unwrap();
    times.sort();
    let median = times[times.len() / 2];
    let worst = times[times.len() - 1];
    eprintln!(
        "{opened} slow connections open: {} normal requests, median {median:?}, worst {worst:?}",
        times.len()
    );
    assert_eq!(opened, 500);
    assert!(median < Duration::from_millis(200), "median {median:?}");
    assert!(worst < Duration::from_secs(2), "worst {worst:?}");
}
