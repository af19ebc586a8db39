//! A short tour of the SDK against an in-process stand-in for HeyMilo (no
//! account needed): health, postings, candidates, an ingest.
//!
//! Run with `cargo run --example quickstart`.

use axum::Json;
use axum::routing::{get, post};
use heymilo::{v1, v2};
use serde_json::json;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = serve_canned().await?;
    println!("stand-in HeyMilo listening on {base}");
    let key = heymilo_gen_key();

    let legacy = v1::Client::new_with_client(&base, reqwest::Client::new(), key.clone());
    let health = legacy.get_health().send().await?;
    println!("v1 health: {} ({})", health.message, health.status);

    let postings = legacy.list_postings().limit(10).send().await?;
    for p in &postings.postings {
        println!("posting {}: {}", p.posting_id, p.title);
    }

    let current = v2::Client::new_with_client(&base, reqwest::Client::new(), key);
    let page = current
        .list_candidates()
        .posting_id("13D77095")
        .limit(20)
        .send()
        .await?;
    for c in &page.data {
        println!("candidate {} <{}>: {}", c.name, c.email, c.status);
    }

    let ingested = legacy
        .ingest_candidate()
        .url_key("acme-backend")
        .body(
            v1::types::IngestCandidateRequest::builder()
                .name("Jane Doe")
                .email("jane@example.com"),
        )
        .send()
        .await?;
    for d in &ingested.interview_details {
        println!(
            "ingested: interview {} at {}",
            d.interview_id, d.interview_link
        );
    }
    Ok(())
}

fn heymilo_gen_key() -> heymilo::Inner {
    heymilo::Inner::api_key("demo-key")
}

/// Serves a few canned HeyMilo answers on an ephemeral loopback port.
async fn serve_canned() -> std::io::Result<String> {
    let app = axum::Router::new()
        .route("/health", get(|| async { Json(json!({"message": "API Gateway is healthy", "status": 200})) }))
        .route(
            "/postings",
            get(|| async {
                Json(json!({"postings": [{"posting_id": "13D77095", "title": "Backend Engineer"}],
                            "total": 1, "page": 1, "limit": 10, "total_pages": 1}))
            }),
        )
        .route(
            "/api/v2/postings/{posting_id}/candidates",
            get(|| async {
                Json(json!({"data": [{"interview_id": "D536A69A4090E13F", "posting_id": "13D77095",
                                      "name": "Jane Smith", "email": "jane.smith@example.com", "status": "completed"}],
                            "pagination": {"has_more": false, "total_count": 1}}))
            }),
        )
        .route(
            "/ingest/x/{url_key}",
            post(|| async {
                Json(json!({"message": "Candidate ingestion initiated", "ingestion_id": "ing_1",
                            "interview_details": [{"interview_id": "IV1", "interview_link": "https://candidates.heymilo.io/i/IV1"}]}))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}"))
}
