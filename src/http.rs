//! The preview server's HTTP/1.1 front: requests parsed by `httparse` within limits a local
//! preview needs (request line 8 KB → 414, head 32 KB or 64 headers → 431), a deadline for
//! each request head and for idle keep-alive connections, at most `MAX_CONNECTIONS` served at
//! once (more are refused with 503), GET and HEAD only (405), and a `Host` that names the
//! address listened on (421 otherwise, against DNS rebinding).

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Connections served at once, each by a thread with a small stack; past it, new connections
/// get 503 and are closed.
pub const MAX_CONNECTIONS: usize = 1024;
/// The whole request head must arrive within this, however slowly it is sent.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// A kept-alive connection with no new request for this long is closed.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(15);
pub const MAX_REQUEST_LINE: usize = 8 * 1024;
pub const MAX_HEAD: usize = 32 * 1024;
pub const MAX_HEADERS: usize = 64;
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
const STACK: usize = 256 * 1024;

/// A request that passed the checks.
pub struct Request {
    pub target: String,
    pub from: SocketAddr,
}

/// What the handler answers.
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub cache: &'static str,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(status: u16, body: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            cache: "no-store",
            body: body.as_bytes().to_vec(),
        }
    }
}

pub type Handler = dyn Fn(&Request) -> Response + Send + Sync;

/// Accepts connections on `listener` until it fails, serving each on its own thread.
pub fn serve(listener: TcpListener, handler: Arc<Handler>) {
    let local = listener.local_addr().ok();
    let open = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let _ = stream.set_nodelay(true);
        if open.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            open.fetch_sub(1, Ordering::SeqCst);
            let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
            let _ = write_response(&mut stream, &Response::text(503, "busy"), false, true);
            continue;
        }
        let (handler, open2) = (handler.clone(), open.clone());
        let spawned = std::thread::Builder::new()
            .stack_size(STACK)
            .spawn(move || {
                connection(stream, local, &*handler);
                open2.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            open.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

/// Serves the requests of one connection in order, until it closes, idles or misbehaves.
fn connection(mut stream: TcpStream, local: Option<SocketAddr>, handler: &Handler) {
    let Ok(from) = stream.peer_addr() else { return };
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let mut buf = Vec::new();
    loop {
        let head = match read_head(&mut stream, &mut buf) {
            Ok(Some(n)) => n,
            Ok(None) => return,
            Err(status) => {
                let _ = write_response(
                    &mut stream,
                    &Response::text(status, reason(status)),
                    false,
                    true,
                );
                return;
            }
        };
        let (answer, head_only, keep) = match check(&buf[..head], local) {
            Ok(req) => {
                let keep = req.keep_alive && !req.has_body;
                let request = Request {
                    target: req.target,
                    from,
                };
                (handler(&request), req.head_only, keep)
            }
            Err(resp) => (resp, false, false),
        };
        buf.drain(..head);
        if write_response(&mut stream, &answer, head_only, !keep).is_err() || !keep {
            return;
        }
    }
}

/// Reads until `buf` holds a whole request head; its length, `None` when the connection closed
/// or idled before a request began, or the status refusing it.
fn read_head(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Result<Option<usize>, u16> {
    let idle_until = Instant::now() + IDLE_TIMEOUT;
    let mut head_until: Option<Instant> = None;
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = find(buf, b"\r\n\r\n") {
            return Ok(Some(end + 4));
        }
        let line_end = find(buf, b"\r\n");
        if line_end.map_or(buf.len(), |e| e) > MAX_REQUEST_LINE {
            return Err(414);
        }
        if buf.len() > MAX_HEAD {
            return Err(431);
        }
        if !buf.is_empty() && head_until.is_none() {
            head_until = Some(Instant::now() + HEAD_TIMEOUT);
        }
        let deadline = head_until.unwrap_or(idle_until);
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return if buf.is_empty() { Ok(None) } else { Err(408) };
        }
        let _ = stream.set_read_timeout(Some(left));
        match stream.read(&mut chunk) {
            Ok(0) => return Ok(None),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                if buf.is_empty() {
                    return Ok(None);
                }
                return Err(408);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return Ok(None),
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

struct Checked {
    target: String,
    head_only: bool,
    keep_alive: bool,
    has_body: bool,
}

/// Parses a request head and applies the method and `Host` rules.
fn check(head: &[u8], local: Option<SocketAddr>) -> Result<Checked, Response> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut req = httparse::Request::new(&mut headers);
    match req.parse(head) {
        Ok(httparse::Status::Complete(_)) => {}
        Err(httparse::Error::TooManyHeaders) => return Err(Response::text(431, reason(431))),
        _ => return Err(Response::text(400, reason(400))),
    }
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase())
    };
    let head_only = match req.method {
        Some("GET") => false,
        Some("HEAD") => true,
        _ => return Err(Response::text(405, "only GET and HEAD are served")),
    };
    let version = req.version.unwrap_or(0);
    match header("host") {
        Some(host) if !host_allowed(&host, local) => {
            return Err(Response::text(
                421,
                "misdirected request: this preview answers only to the address it listens on",
            ));
        }
        None if version == 1 => return Err(Response::text(400, "a Host header is required")),
        _ => {}
    }
    let connection = header("connection").unwrap_or_default();
    let keep_alive = if version == 1 {
        connection != "close"
    } else {
        connection == "keep-alive"
    };
    let has_body =
        header("transfer-encoding").is_some() || header("content-length").is_some_and(|v| v != "0");
    Ok(Checked {
        target: req.path.unwrap_or("/").to_string(),
        head_only,
        keep_alive,
        has_body,
    })
}

/// A `Host` naming the loopback (`localhost`, `127.0.0.1`, `[::1]`) or the address listened
/// on, with the port listened on if any. A server bound to every address (`--bind 0.0.0.0`)
/// accepts any IP address, not names.
pub fn host_allowed(host: &str, local: Option<SocketAddr>) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((n, p)) if !p.contains(']') => (n, Some(p)),
        _ => (host, None),
    };
    if let (Some(p), Some(l)) = (port, local)
        && p.parse::<u16>().ok() != Some(l.port())
    {
        return false;
    }
    let ip: Option<IpAddr> = name
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .ok();
    let bound = local.map(|l| l.ip());
    match ip {
        Some(ip) => {
            ip.is_loopback() || Some(ip) == bound || bound.is_some_and(|b| b.is_unspecified())
        }
        None => name == "localhost" || name.ends_with(".localhost"),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        414 => "URI Too Long",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Error",
    }
}

fn write_response(
    stream: &mut TcpStream,
    r: &Response,
    head_only: bool,
    close: bool,
) -> std::io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: {}\r\nX-Content-Type-Options: nosniff\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len(),
        r.cache
    );
    if r.status == 405 {
        out.push_str("Allow: GET, HEAD\r\n");
    }
    out.push_str(if close {
        "Connection: close\r\n\r\n"
    } else {
        "Connection: keep-alive\r\n\r\n"
    });
    let mut bytes = out.into_bytes();
    if !head_only {
        bytes.extend_from_slice(&r.body);
    }
    stream.write_all(&bytes)?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_loopback_or_the_bound_address_is_a_host() {
        let local: SocketAddr = "127.0.0.1:3000".parse().unwrap();
        for ok in [
            "localhost",
            "localhost:3000",
            "127.0.0.1:3000",
            "[::1]:3000",
            "127.0.0.1",
        ] {
            assert!(host_allowed(ok, Some(local)), "{ok}");
        }
        for bad in [
            "evil.example",
            "evil.example:3000",
            "localhost:4000",
            "10.0.0.1:3000",
            "127.0.0.1.evil.example",
        ] {
            assert!(!host_allowed(bad, Some(local)), "{bad}");
        }
        let any: SocketAddr = "0.0.0.0:3000".parse().unwrap();
        assert!(host_allowed("192.168.1.5:3000", Some(any)));
        assert!(!host_allowed("rebind.example:3000", Some(any)));
    }
}
