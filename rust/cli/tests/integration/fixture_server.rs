//! The loopback provider server the `ti` and `query` tests share: a real
//! HTTP server on 127.0.0.1 (a thread in the test) that logs every request
//! and answers it with what the test's route returns, bodies read from
//! `tests/fixtures/providers/`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

/// The repository root (fixtures and configs are named from it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A provider fixture's text, by its path under `tests/fixtures/providers/`.
pub fn fixture(name: &str) -> String {
    std::fs::read_to_string(root().join("tests/fixtures/providers").join(name)).unwrap()
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: HashMap<String, String>,
    pub body: String,
}

/// Every request the server has seen, in order.
pub type Log = Arc<Mutex<Vec<Seen>>>;

/// An answer: status, extra headers, JSON body. Routes may return
/// `(status, body)` or `(status, headers, body)`.
pub struct Reply(u16, Vec<(&'static str, String)>, String);

impl From<(u16, String)> for Reply {
    fn from((status, body): (u16, String)) -> Self {
        Reply(status, Vec::new(), body)
    }
}

impl From<(u16, Vec<(&'static str, String)>, String)> for Reply {
    fn from((status, headers, body): (u16, Vec<(&'static str, String)>, String)) -> Self {
        Reply(status, headers, body)
    }
}

/// Starts a server on 127.0.0.1; `route` answers each request given how
/// many times that target was asked before. Returns the port and the log.
pub fn serve<A: Into<Reply> + 'static>(route: fn(&Seen, usize) -> A) -> (u16, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let seen_log = Arc::clone(&log);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let Some(seen) = read_request(&mut reader) else {
                continue;
            };
            let count = {
                let mut log = seen_log.lock().unwrap();
                let n = log.iter().filter(|s| s.target == seen.target).count();
                log.push(seen.clone());
                n
            };
            let Reply(status, extra, body) = route(&seen, count).into();
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (k, v) in extra {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    (port, log)
}

/// Reads the request line, the headers and a `content-length` body.
fn read_request(reader: &mut impl BufRead) -> Option<Seen> {
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let len: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    let _ = reader.read_exact(&mut body);
    Some(Seen {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    })
}

/// Writes `text` to `name` in a per-process temp folder tagged `tag`.
pub fn temp_file(tag: &str, name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("huntkit-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Runs the built `huntkit` from the repository root with `env` set and
/// the host's provider configuration and Azure variables removed.
pub fn huntkit(args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_huntkit"));
    cmd.args(args).current_dir(root());
    for k in [
        "MSTICPYCONFIG",
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_AUTHORITY_HOST",
        "HUNTKIT_AZURE_TOKEN",
        "HUNTKIT_PROVIDER_BASE_URLS",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}
