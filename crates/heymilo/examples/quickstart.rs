//! A short tour of the SDK against an in-process stand-in for HeyMilo (no
//! account needed): health, postings, every candidate across pages, an ingest.
//!
//! Run with `cargo run --example quickstart`.

use axum::Json;
use axum::routing::{get, post};
use heymilo::prelude::*;
use heymilo::v1;
use serde_json::json;

#[tokio::main]
async fn main() -> heymilo::Result<()> {
    let base = serve_canned().await.map_err(|e| heymilo::Error::Config {
        message: e.to_string(),
    })?;
    println!("stand-in HeyMilo listening on {base}");
    let client = Client::builder()
        .api_key("demo-key")
        .v1_base_url(&base)
        .v2_base_url(&base)
        .build()?;

    let health = client.v1().get_health().send().await?;
    println!("v1 health: {} ({})", health.message, health.status);

    let postings: Vec<_> = client
        .v1()
        .list_postings()
        .limit(50)
        .stream()
        .try_collect()
        .await?;
    for p in &postings {
        println!("posting {}: {}", p.posting_id, p.title);
    }

    let candidates: Vec<_> = client
        .v2()
        .list_candidates()
        .posting_id("13D77095")
        .limit(100)
        .stream()
        .try_collect()
        .await?;
    for c in &candidates {
        println!("candidate {} <{}>: {}", c.name, c.email, c.status);
    }

    let ingested = client
        .v1()
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

/// Serves a few canned HeyMilo answers on an ephemeral loopback port.
async fn serve_canned() -> std::io::Result<String> {
    let app = axum::Router::new()
        .route("/health", get(|| async { Json(json!({"message": "API Gateway is healthy", "status": 200})) }))
        .route(
            "/postings",
            get(|| async {
                Json(json!({"postings": [{"posting_id": "13D77095", "title": "Backend Engineer"}],
                            "total": 1, "page": 1, "limit": 50, "total_pages": 1}))
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
