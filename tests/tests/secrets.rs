//! The API key never appears in Debug output, errors, or logs at TRACE.

use std::io::Write;
use std::sync::{Arc, Mutex};

use heymilo_tests::world::{error, health};
use heymilo_tests::{KEY, Recorded, Recorder, Reply, builder, health_error};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn the_key_never_leaks() {
    let writer = Buffer::default();
    let logs = writer.0.clone();
    let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE);
    let subscriber = subscriber.with_writer(move || writer.clone());
    let _guard = tracing::subscriber::set_default(subscriber.with_ansi(false).finish());
    let script = vec![error(503, "down"), health(), error(401, "invalid_api_key")];
    let script = [script, vec![Reply::raw(200, "not json")]].concat();
    let too_many = Reply::json(429, serde_json::json!({})).header("retry-after", "600");
    let server = Recorder::scripted(script, too_many).await;
    let builder = builder(&server.url());
    let mut seen = format!("{builder:?}");
    let client = builder.build().expect("client");
    seen += &format!("{client:?}{:?}{:?}", client.v1(), client.v2());
    let first = client.v1().get_health().send().await;
    first.expect("retried to success");
    for _ in 0..3 {
        let err = health_error(&client).await;
        seen += &format!("{err}\n{err:?}\n");
        if let Some(source) = std::error::Error::source(&err) {
            seen += &format!("{source}\n{source:?}\n");
        }
    }
    let logged = String::from_utf8(logs.lock().expect("lock").clone()).expect("utf8");
    assert!(
        logged.contains("heymilo.request"),
        "tracing is on: {logged}"
    );
    assert!(logged.contains("sending again"), "{logged}");
    let leaked = logged.contains(KEY) || logged.contains("SECRET");
    assert!(!leaked, "key in logs:\n{logged}");
    assert!(!seen.contains("SECRET"), "key in debug/display:\n{seen}");
    let keyed = |r: &Recorded| r.header("x-api-key") == Some(KEY);
    assert!(server.requests().iter().all(keyed), "the key is sent");
}
