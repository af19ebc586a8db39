//! A tour of the SDK against heymilo-mock, started in-process (no account
//! needed): list postings, page through every candidate, handle a typed
//! error, ingest a candidate, receive the webhook HeyMilo sends when the
//! interview completes, and export the posting's interviews to a file.
//!
//! Run with `cargo run -p heymilo --example quickstart`.

use std::time::Duration;

use heymilo::Generation;
use heymilo::ingest::Candidate;
use heymilo::prelude::*;
use heymilo::webhooks::{Event, EventType, NewSubscription};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = heymilo_mock::MockServer::start(heymilo_mock::Config {
        candidates_per_posting: 120,
        ..heymilo_mock::Config::default()
    })
    .await?;
    println!(
        "A local HeyMilo (heymilo-mock) serves both API generations at {}\n",
        mock.base_url()
    );
    let client = Client::builder()
        .api_key(mock.api_key())
        .v1_base_url(mock.base_url())
        .v2_base_url(mock.base_url())
        .build()?;

    // Postings (v2), each with the url key v1's ingestion takes.
    println!("Postings:");
    let postings: Vec<_> = client
        .v2()
        .list_postings()
        .limit(10)
        .stream()
        .try_collect()
        .await?;
    for p in &postings {
        let key = p.urls.as_ref().and_then(|u| u.ingestion_url_key.as_deref());
        println!(
            "  {}  {:<18} {:<8} url key {}",
            p.id,
            p.title,
            p.status,
            key.unwrap_or("-")
        );
    }
    let posting = postings.last().ok_or("the mock has no postings")?;

    // Every candidate of a posting, page by page (v2 cursor pagination).
    let mut pages = client
        .v2()
        .list_candidates()
        .posting_id(&posting.id)
        .limit(50)
        .pages();
    let mut seen = 0;
    while let Some(page) = pages.try_next().await? {
        seen += page.items.len();
        let total = page.total.map_or("?".to_owned(), |t| t.to_string());
        println!(
            "Candidates of {}: a page of {}, {seen} of {total} so far",
            posting.title,
            page.items.len()
        );
    }

    // Errors are typed: an unknown interview is `Error::NotFound`, not a string to parse.
    match client
        .v1()
        .get_interview()
        .interview_id("NO-SUCH-INTERVIEW")
        .send()
        .await
    {
        Err(e) => match heymilo::Error::from(e) {
            heymilo::Error::NotFound(api) => {
                println!(
                    "\nLooking up an unknown interview: not found (HTTP {}), as expected",
                    api.status
                )
            }
            other => return Err(other.into()),
        },
        Ok(_) => return Err("an unknown interview was found".into()),
    }

    // A webhook receiver (`heymilo::webhooks::receiver`, feature `axum`) and a subscription to it.
    let (tx, mut events) = tokio::sync::mpsc::channel::<Event>(16);
    let app = axum::Router::new().route("/hooks/heymilo", heymilo::webhooks::receiver(tx));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let hook_url = format!("http://{}/hooks/heymilo", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let new = NewSubscription::new(&posting.id, &hook_url, EventType::InterviewCompleted);
    let subscription = client.webhooks().create(Generation::V2, &new).await?;
    println!(
        "\nSubscribed {hook_url} to interview_completed (webhook {})",
        subscription.webhook_id
    );

    // Ingest a candidate (v2 bulk ingest: validated, chunked, one outcome per row).
    let report = client
        .ingest()
        .v2(&posting.id)
        .run([Candidate::new("Jane Doe", "jane.doe@example.com").phone_number("+12065551234")])
        .await;
    let interview = report.outcomes[0].as_ref().map_err(|e| e.to_string())?;
    println!(
        "Ingested Jane Doe: interview {} at {}",
        interview.interview_id, interview.interview_link
    );

    // The candidate finishes the interview (the mock's control route stands in for her)...
    let advance = format!(
        "{}/_mock/interviews/{}/advance",
        mock.base_url(),
        interview.interview_id
    );
    let control = reqwest::Client::new()
        .post(advance)
        .json(&serde_json::json!({"to": "completed"}));
    control.send().await?.error_for_status()?;
    // ...and HeyMilo calls the webhook.
    let event = tokio::time::timeout(Duration::from_secs(5), events.recv())
        .await?
        .ok_or("no event")?;
    if let Event::InterviewCompleted(done) = &event {
        println!(
            "Webhook received: interview_completed for interview {}",
            done.interview_id
        );
    }

    // Every interview of the posting to a file, streamed (v1's export).
    let dir = std::env::temp_dir().join(format!("heymilo-quickstart-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join("interviews.json");
    let summary = client
        .export()
        .interviews(&posting.id)
        .to_path(&path)
        .await?;
    println!(
        "Exported {} bytes of interviews to {}",
        summary.bytes,
        path.display()
    );
    std::fs::remove_dir_all(&dir)?;
    mock.stop().await;

    println!("\nWhat next:");
    println!("  the CLI:   cargo install --path crates/heymilo-cli && heymilo --help");
    println!("             (heymilo mock serves this same local HeyMilo)");
    println!("  examples:  cargo run -p heymilo --example bulk_ingest | webhook_receiver | export");
    println!("  docs:      cargo doc -p heymilo --open, and README.md");
    Ok(())
}
