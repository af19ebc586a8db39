//! A hostile HTTP/1.1 server on 127.0.0.1: for each request a test chooses
//! how it misbehaves, down to the bytes and the connection (a body cut
//! short, a body that never ends, no answer at all).
//!
//! Raw TCP rather than a framework, because a framework will not send what a
//! broken or malicious server sends. Every connection answers one request
//! and is then closed.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One request as the hostile server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target: path and query.
    pub target: String,
    /// Header names (lower case) and values.
    pub headers: Vec<(String, String)>,
    /// The body (by `Content-Length`).
    pub body: Vec<u8>,
}

impl Seen {
    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// A query parameter's value (not percent-decoded).
    pub fn query(&self, name: &str) -> Option<&str> {
        let query = self.target.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k == name).then_some(v)
        })
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// How the server answers one request.
#[derive(Debug, Clone)]
pub enum Act {
    /// A complete answer: status, extra headers, body (as JSON).
    Answer {
        /// The status code.
        status: u16,
        /// Extra header lines (name, value), sent as given.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// The status line and headers, then a chunked body that never ends:
    /// 64 KiB chunks as fast as the client reads them.
    Endless {
        /// The status code.
        status: u16,
    },
    /// Declares a body of `declared` bytes, sends only `body`, then closes
    /// the connection.
    CutShort {
        /// The status code.
        status: u16,
        /// The `Content-Length` announced.
        declared: usize,
        /// What is actually sent.
        body: Vec<u8>,
    },
    /// Reads the request and never answers (holds the connection open).
    Silent,
}

impl Act {
    /// A JSON answer.
    pub fn json(status: u16, body: &serde_json::Value) -> Act {
        Act::Answer {
            status,
            headers: Vec::new(),
            body: body.to_string().into_bytes(),
        }
    }

    /// Adds a header to an [`Act::Answer`] (other acts are returned as they are).
    pub fn with_header(mut self, name: &str, value: &str) -> Act {
        if let Act::Answer { headers, .. } = &mut self {
            headers.push((name.to_owned(), value.to_owned()));
        }
        self
    }
}

type Script = Box<dyn FnMut(usize, &Seen) -> Act + Send>;

/// The hostile server; stops when dropped.
pub struct Hostile {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Hostile {
    /// Starts a server that answers request number `n` (from 0) with
    /// `script(n, &request)`.
    pub async fn start(script: impl FnMut(usize, &Seen) -> Act + Send + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").await;
        let listener = listener.expect("bind loopback");
        let addr = listener.local_addr().expect("addr");
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let script: Arc<Mutex<Script>> = Arc::new(Mutex::new(Box::new(script)));
        let task = {
            let seen = seen.clone();
            tokio::spawn(async move {
                while let Ok((stream, _)) = listener.accept().await {
                    let (seen, script) = (seen.clone(), script.clone());
                    tokio::spawn(async move {
                        let _ = serve(stream, seen, script).await;
                    });
                }
            })
        };
        Hostile { addr, seen, task }
    }

    /// Starts a server that answers every request with `act`.
    pub async fn always(act: Act) -> Hostile {
        Hostile::start(move |_, _| act.clone()).await
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request read so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    /// How many requests were read so far.
    pub fn count(&self) -> usize {
        self.seen.lock().expect("lock").len()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    seen: Arc<Mutex<Vec<Seen>>>,
    script: Arc<Mutex<Script>>,
) -> std::io::Result<()> {
    let Some(request) = read_request(&mut stream).await? else {
        return Ok(());
    };
    let act = {
        let mut seen = seen.lock().expect("lock");
        let n = seen.len();
        seen.push(request.clone());
        let mut script = script.lock().expect("lock");
        (*script)(n, &request)
    };
    let mut head = format!("HTTP/1.1 {} Hostile\r\n", act_status(&act));
    match act {
        Act::Answer { headers, body, .. } => {
            head.push_str(&format!("content-length: {}\r\n", body.len()));
            let is_type = |(k, _): &(String, String)| k.eq_ignore_ascii_case("content-type");
            if !headers.iter().any(is_type) {
                head.push_str("content-type: application/json\r\n");
            }
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("connection: close\r\n\r\n");
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            stream.shutdown().await?;
        }
        Act::Endless { .. } => {
            head.push_str("content-type: application/json\r\ntransfer-encoding: chunked\r\n");
            head.push_str("connection: close\r\n\r\n");
            stream.write_all(head.as_bytes()).await?;
            let mut frame = format!("{:x}\r\n", 64 * 1024).into_bytes();
            frame.extend([b' '; 64 * 1024]);
            frame.extend(b"\r\n");
            // Until the client hangs up: the write then fails and ends this task.
            loop {
                stream.write_all(&frame).await?;
            }
        }
        Act::CutShort { declared, body, .. } => {
            head.push_str(&format!(
                "content-type: application/json\r\ncontent-length: {declared}\r\n\r\n"
            ));
            stream.write_all(head.as_bytes()).await?;
            stream.write_all(&body).await?;
            // The connection ends before the declared length: the client sees the body cut short.
            stream.flush().await?;
        }
        Act::Silent => tokio::time::sleep(Duration::from_secs(3600)).await,
    }
    Ok(())
}

fn act_status(act: &Act) -> u16 {
    match act {
        Act::Answer { status, .. } | Act::Endless { status } | Act::CutShort { status, .. } => {
            *status
        }
        Act::Silent => 0,
    }
}

/// Reads one request: head up to the blank line, then `Content-Length` bytes.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Seen>> {
    let mut buf = Vec::new();
    let mut byte = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = stream.read(&mut byte).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&byte[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_owned();
    let target = first.next().unwrap_or("").to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length = headers.iter().find(|(k, _)| k == "content-length");
    let length: usize = length.and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut byte).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&byte[..n]);
    }
    Ok(Some(Seen {
        method,
        target,
        headers,
        body,
    }))
}
