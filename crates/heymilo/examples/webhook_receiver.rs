//! A webhook receiver for both API generations, against heymilo-mock started
//! in-process (no account needed): subscribe, receive typed events while an
//! interview moves on, then switch the subscriptions off.
//!
//! ```sh
//! cargo run -p heymilo --example webhook_receiver
//! ```
//!
//! The receiver is `heymilo::webhooks::receiver` (cargo feature `axum`): it
//! answers HeyMilo at once and hands each parsed event to a channel.

mod common;

use std::time::Duration;

use heymilo::Generation;
use heymilo::ingest::Candidate;
use heymilo::webhooks::{DeliveryMethod, Event, EventType, NewSubscription};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (mock, client) = common::mock_and_client(heymilo_mock::Config::default()).await?;

    // The receiver: GET and POST deliveries at /hooks/heymilo, events into a channel.
    let (tx, mut events) = tokio::sync::mpsc::channel::<Event>(64);
    let app = axum::Router::new().route("/hooks/heymilo", heymilo::webhooks::receiver(tx));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook_url = format!("http://{}/hooks/heymilo", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    println!("receiver at {hook_url}");

    // One subscription per event, across both generations.
    let (posting_id, _) = mock.postings()[0].clone();
    let hooks = client.webhooks();
    let subscriptions = [
        (
            Generation::V1,
            NewSubscription::new(&posting_id, &hook_url, EventType::InterviewStarted)
                .method(DeliveryMethod::Get),
        ),
        (
            Generation::V2,
            NewSubscription::new(&posting_id, &hook_url, EventType::InterviewCompleted),
        ),
        (
            Generation::V1,
            NewSubscription::new(&posting_id, &hook_url, EventType::ReportAvailable),
        ),
    ];
    let mut created = Vec::new();
    for (generation, new) in &subscriptions {
        let sub = hooks.create(*generation, new).await?;
        println!(
            "subscribed ({:?}, {}): {} {}",
            sub.generation,
            sub.http_method.as_deref().unwrap_or("post"),
            sub.event_type,
            sub.webhook_id
        );
        created.push(sub);
    }

    // A candidate arrives and takes the interview (driven by the mock's control route).
    let report = client
        .ingest()
        .v2(&posting_id)
        .run([Candidate::new("Jane Doe", "jane.doe@example.com")])
        .await;
    let interview = report.outcomes[0].as_ref().map_err(|e| e.to_string())?;
    println!("ingested: interview {}", interview.interview_id);
    let control = reqwest::Client::new();
    for to in ["started", "completed", "report_available"] {
        control
            .post(format!(
                "{}/_mock/interviews/{}/advance",
                mock.base_url(),
                interview.interview_id
            ))
            .json(&serde_json::json!({ "to": to }))
            .send()
            .await?
            .error_for_status()?;
        let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
            .await?
            .ok_or("receiver closed")?;
        match &event {
            Event::InterviewStarted(e) => {
                println!("event: interview {} started", e.interview_id)
            }
            Event::InterviewCompleted(e) => println!(
                "event: interview {} completed by {}",
                e.interview_id,
                e.candidate
                    .as_ref()
                    .and_then(|c| c.name.as_deref())
                    .unwrap_or("?")
            ),
            Event::ReportAvailable(e) => println!(
                "event: report of {} ready, score {:?}",
                e.interview_id, e.score
            ),
            other => println!("event: {} (not handled here)", other.event_type()),
        }
    }

    for generation in [Generation::V1, Generation::V2] {
        let listed = hooks.list(generation, Some(&posting_id)).await?;
        println!("{generation:?} lists {} subscription(s)", listed.len());
    }
    for sub in &created {
        let off = hooks.deactivate(sub.generation, &sub.webhook_id).await?;
        println!(
            "deactivated {} (active: {:?})",
            off.webhook_id, off.is_active
        );
    }
    mock.stop().await;
    Ok(())
}
