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
    /// The request target: path and query.
    pub target: String,
}

impl Seen {
    /// The path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// A query parameter's value (not percent-decoded).
    pub fn query(&self, name: &str) -> Option<&str> {
        let query = self.target.split_once('?')?.1;
        let mut pairs = query.split('&');
        pairs.find_map(|p| p.strip_prefix(name)?.strip_prefix('='))
    }
}

/// How the server answers one request: a status line, headers and a body
/// (whole, cut short or endless), or nothing at all.
#[derive(Debug, Clone)]
pub struct Act {
    /// 0: no answer.
    status: u16,
    /// Extra header lines, each ending in CRLF.
    headers: String,
    body: Vec<u8>,
    /// The `Content-Length` announced; `None`: a chunked body that never ends.
    declared: Option<usize>,
}

impl Act {
    /// A JSON answer.
    pub fn json(status: u16, body: &serde_json::Value) -> Act {
        Act::cut_short(status, 0, body.to_string()).whole()
    }

    /// Announces a body of `declared` bytes, sends only `body`, then closes
    /// the connection.
    pub fn cut_short(status: u16, declared: usize, body: impl Into<Vec<u8>>) -> Act {
        let (headers, body) = (String::new(), body.into());
        let declared = Some(declared);
        Act {
            status,
            headers,
            body,
            declared,
        }
    }

    /// A `200` whose chunked body never ends: 64 KiB chunks as fast as the
    /// client reads them.
    pub fn endless() -> Act {
        Act {
            declared: None,
            ..Act::cut_short(200, 0, "")
        }
    }

    /// Reads the request and never answers (holds the connection open).
    pub fn silent() -> Act {
        Act {
            status: 0,
            ..Act::endless()
        }
    }

    fn whole(self) -> Act {
        Act {
            declared: Some(self.body.len()),
            ..self
        }
    }

    /// Adds a header line, sent as given.
    pub fn with_header(mut self, name: &str, value: &str) -> Act {
        self.headers.push_str(&format!("{name}: {value}\r\n"));
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
        let shared = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let answer = serve(stream, shared.clone(), script.clone());
                tokio::spawn(async move { answer.await.ok() });
            }
        });
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
        seen.push(request.clone());
        (*script.lock().expect("lock"))(seen.len() - 1, &request)
    };
    if act.status == 0 {
        tokio::time::sleep(Duration::from_secs(3600)).await;
    }
    let length = act.declared.map(|n| format!("content-length: {n}"));
    let length = length.unwrap_or_else(|| "transfer-encoding: chunked".into());
    let mut head = format!("HTTP/1.1 {} Hostile\r\n{length}\r\n", act.status);
    if !act.headers.to_ascii_lowercase().contains("content-type:") {
        head.push_str("content-type: application/json\r\n");
    }
    head.push_str(&format!("{}connection: close\r\n\r\n", act.headers));
    stream.write_all(head.as_bytes()).await?;
    stream.write_all(&act.body).await?;
    if act.declared.is_none() {
        let mut frame = format!("{:x}\r\n", 64 * 1024).into_bytes();
        frame.extend([b' '; 64 * 1024].iter().chain(b"\r\n"));
        // Until the client hangs up: the write then fails and ends this task.
        loop {
            stream.write_all(&frame).await?;
        }
    }
    // A body shorter than announced: the client sees it cut short.
    stream.shutdown().await
}

/// Reads one request: head up to the blank line, then `Content-Length` bytes.
async fn read_request(stream: &mut TcpStream) -> std::io::Result<Option<Seen>> {
    let (mut buf, mut chunk) = (Vec::new(), [0u8; 4096]);
    let mut read = async |buf: &mut Vec<u8>| {
        let n = stream.read(&mut chunk).await?;
        buf.extend_from_slice(&chunk[..n]);
        std::io::Result::Ok(n)
    };
    let end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if read(&mut buf).await? == 0 {
            return Ok(None);
        }
    };
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let length = head.lines().find_map(|l| l.strip_prefix("content-length:"));
    let length: usize = length.and_then(|v| v.trim().parse().ok()).unwrap_or(0);
    while buf.len() < end + length && read(&mut buf).await? > 0 {}
    let head = String::from_utf8_lossy(&buf[..end]);
    let target = head.split(' ').nth(1).map(str::to_owned);
    Ok(Some(Seen {
        target: target.unwrap_or_default(),
    }))
}
