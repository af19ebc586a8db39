//! A tour of the SDK against heymilo-mock, started in-process (no account
//! needed): list postings, page through every candidate, ingest one, receive
//! the webhook HeyMilo sends when the interview completes, download an export.
//!
//! Run with `cargo run --example quickstart`.

use std::time::Duration;

use axum::routing::post;
use heymilo::prelude::*;
use heymilo::v1::types::{CreateWebhookRequest, IngestCandidateRequest, WebhookEventType};
use tokio::sync::mpsc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = heymilo_mock::MockServer::start(heymilo_mock::Config {
        candidates_per_posting: 120,
        ..heymilo_mock::Config::default()
    })
    .await?;
    println!("heymilo-mock at {}", mock.base_url());

    let client = Client::builder()
        .api_key(mock.api_key())
        .v1_base_url(mock.base_url())
        .v2_base_url(mock.base_url())
        .build()?;

    let health = client.v1().get_health().send().await?;
    let message = health.message.as_deref().unwrap_or("no message");
    println!("v1 health: {message} ({})", health.status);

    // Page-number pagination (v1).
    let postings: Vec<_> = client
        .v1()
        .list_postings()
        .limit(2)
        .stream()
        .try_collect()
        .await?;
    for p in &postings {
        println!(
            "posting {} {:?} ({})",
            p.posting_id,
            p.title,
            p.name.as_deref().unwrap_or("")
        );
    }
    let posting = &postings[0];

    // Cursor pagination (v2): 120 candidates in pages of 50.
    let mut pages = client
        .v2()
        .list_candidates()
        .posting_id(&posting.posting_id)
        .limit(50)
        .pages();
    let mut seen = 0;
    while let Some(page) = pages.try_next().await? {
        seen += page.items.len();
        println!(
            "page of {} candidates ({} of {:?})",
            page.items.len(),
            seen,
            page.total
        );
    }

    // A webhook receiver of our own, and a subscription pointing at it.
    let (tx, mut events) = mpsc::channel::<serde_json::Value>(8);
    let receiver = axum::Router::new().route(
        "/hooks",
        post(move |axum::Json(event): axum::Json<serde_json::Value>| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(event).await;
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook_url = format!("http://{}/hooks", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, receiver).await;
    });
    let hook = client
        .v1()
        .create_webhook()
        .body(
            CreateWebhookRequest::builder()
                .posting_id(posting.posting_id.clone())
                .url(hook_url.clone())
                .event_type(WebhookEventType::InterviewCompleted),
        )
        .send()
        .await?;
    println!("webhook {} -> {hook_url}", hook.webhook_id);

    // Ingest a candidate through the posting's url key.
    let url_key = posting.name.clone().unwrap_or_default();
    let ingested = client
        .v1()
        .ingest_candidate()
        .url_key(url_key)
        .body(
            IngestCandidateRequest::builder()
                .name("Jane Doe")
                .email("jane.doe@example.com"),
        )
        .send()
        .await?;
    // v1 promises neither field of an interview link; the mock sends both.
    let interview = &ingested.interview_details[0];
    let interview_id = interview.interview_id.as_deref().unwrap_or_default();
    let link = interview.interview_link.as_deref().unwrap_or_default();
    println!("ingested: interview {interview_id} at {link}");

    // The candidate finishes the interview (driven through the mock's control route)...
    reqwest::Client::new()
        .post(format!(
            "{}/_mock/interviews/{}/advance",
            mock.base_url(),
            interview_id
        ))
        .json(&serde_json::json!({"to": "completed"}))
        .send()
        .await?
        .error_for_status()?;
    // ...and HeyMilo calls our webhook.
    let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await?
        .ok_or("receiver closed")?;
    println!(
        "webhook received: {} for interview {}",
        event["event_type"], event["interview_id"]
    );

    // Export every interview of the posting and download the file.
    let export = client
        .v1()
        .export_interviews()
        .posting_id(&posting.posting_id)
        .send()
        .await?;
    let file_url = export.file_url.clone().ok_or("export has no file yet")?;
    let path = std::env::temp_dir().join(format!("{}.json", export.job_id));
    let mut response = reqwest::get(&file_url).await?.error_for_status()?;
    let mut file = tokio::fs::File::create(&path).await?;
    let mut bytes = 0;
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len();
        tokio::io::AsyncWriteExt::write_all(&mut file, &chunk).await?;
    }
    println!(
        "export {} ({}): {bytes} bytes written to {}",
        export.job_id,
        export.status.as_deref().unwrap_or("no status"),
        path.display()
    );

    mock.stop().await;
    Ok(())
}
