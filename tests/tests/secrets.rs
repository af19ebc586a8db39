//! The API key never appears in Debug output, errors, or logs at TRACE.

use std::io::Write;
use std::sync::{Arc, Mutex};

use heymilo_tests::{KEY, Recorded, Recorder, Reply, builder, health_error};
use serde_json::json;

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
    let logs = Buffer::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = Recorder::scripted(
        vec![
            Reply::json(503, json!({"error": {"type": "api_error", "code": "down", "message": "down"}})),
            Reply::json(200, json!({"message": "ok", "status": 200})),
            Reply::json(401, json!({"error": {"type": "authentication_error", "code": "invalid_api_key", "message": "Invalid key"}})),
            Reply::raw(200, "not json"),
        ],
        Reply::json(429, json!({})).header("retry-after", "600"),
    )
    .await;
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

    let logged = String::from_utf8(logs.0.lock().expect("lock").clone()).expect("utf8");
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
