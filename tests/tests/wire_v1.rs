//! Wire tests for every v1 operation: what the generated client sends
//! (method, path, query, key, JSON body) and that a documented answer decodes.

use heymilo_gen::v1::{Client, types};
use heymilo_tests::{Recorder, Reply};
use serde_json::json;

const KEY: &str = "hm_test_key_v1";

fn client(server: &Recorder) -> Client {
    Client::new_with_client(
        &server.url(),
        reqwest::Client::new(),
        heymilo_gen::Inner::api_key(KEY),
    )
}

/// Every request carries the key and the spec's version.
fn assert_common(server: &Recorder) -> heymilo_tests::Recorded {
    let req = server.single();
    assert_eq!(req.header("x-api-key"), Some(KEY));
    assert_eq!(req.header("api-version"), Some("1.0.0"));
    req
}

fn interview() -> serde_json::Value {
    json!({
        "interview_id": "D536A69A4090E13F",
        "details": {"candidate_name": "Jane Doe", "email": "jane@example.com"},
        "workflow": {"steps": [{"type": "web_interview", "status": "completed"}]},
        "agentic_data": {"web_interview": {"score": 82}},
        "company_name": "Acme",
        "company_image": "https://cdn.example.com/acme.png",
        "posting_title": "Backend Engineer",
        "posting_interview_type": "web",
        "posting_id": "13D77095"
    })
}

fn webhook(active: bool) -> serde_json::Value {
    json!({
        "webhook_id": "42AE4CFA720B1C35D499E9E39C14F321",
        "posting_id": "13D77095",
        "url": "https://hooks.example.com/heymilo",
        "event_type": "interview_completed",
        "http_method": "post",
        "is_active": active,
        "created_at": 1739612400.0,
        "updated_at": 1739617200.5
    })
}

#[tokio::test]
async fn get_health() {
    let server = Recorder::start(Reply::json(
        200,
        json!({"message": "API Gateway is healthy", "status": 200}),
    ))
    .await;
    let health = client(&server)
        .get_health()
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(health.status, 200);
    let req = assert_common(&server);
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_postings() {
    let body = json!({
        "postings": [{
            "posting_id": "13D77095", "title": "Backend Engineer", "name": "backend-engineer",
            "description": "Build APIs", "company_id": "acme", "created_at": 1739612400.0,
            "last_updated": 1739617200.0, "archived": false, "deadline": null, "finalized": true,
            "phone_number_id": "pn_1",
            "root_level_configs": {"instructions": "Be kind", "company_overview": "We make things",
                "job_overview": null, "interview_process_overview": "Two steps", "language": "en",
                "interviewer_name": "Milo"},
            "agentic_workflow": [
                {"type": "resume", "unique_id": "agent_rs_001", "config": {"threshold": 3}},
                {"type": "web_interview", "unique_id": "agent_vi_001", "config": {}}
            ]
        }],
        "total": 11, "page": 2, "limit": 5, "total_pages": 3
    });
    let server = Recorder::start(Reply::json(200, body)).await;
    let page = client(&server)
        .list_postings()
        .page(2)
        .limit(5)
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(
        (page.page, page.total_pages, page.postings.len()),
        (2, 3, 1)
    );
    let steps = page.postings[0]
        .agentic_workflow
        .as_deref()
        .unwrap_or_default();
    assert_eq!(steps[1].type_.as_deref(), Some("web_interview"));
    let req = assert_common(&server);
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("GET", "/postings")
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_interview() {
    let server = Recorder::start(Reply::json(200, interview())).await;
    let got = client(&server)
        .get_interview()
        .interview_id("D536A69A4090E13F")
        .send()
        .await
        .expect("decodes");
    assert_eq!(got.posting_id.as_deref(), Some("13D77095"));
    let req = assert_common(&server);
    assert_eq!(req.path, "/interview/D536A69A4090E13F");
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_interviews() {
    let body =
        json!({"candidates": [interview()], "total": 1, "page": 1, "limit": 10, "total_pages": 1});
    let server = Recorder::start(Reply::json(200, body)).await;
    let page = client(&server)
        .list_interviews()
        .posting_id("13D77095")
        .page(1)
        .limit(10)
        .send()
        .await
        .expect("decodes");
    assert_eq!(page.candidates[0].interview_id, "D536A69A4090E13F");
    let req = assert_common(&server);
    assert_eq!(req.path, "/interviews/13D77095");
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn export_interviews() {
    let body = json!({"job_id": "exp_7f3a", "status": "success", "file_url": "https://exports.example.com/exp_7f3a.json"});
    let server = Recorder::start(Reply::json(200, body)).await;
    let job = client(&server)
        .export_interviews()
        .posting_id("13D77095")
        .send()
        .await
        .expect("decodes");
    assert_eq!(job.status.as_deref(), Some("success"));
    let req = assert_common(&server);
    assert_eq!(req.query.as_deref(), Some("posting_id=13D77095"));
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn create_webhook() {
    let server = Recorder::start(Reply::json(200, webhook(true))).await;
    let hook = client(&server)
        .create_webhook()
        .body(
            types::CreateWebhookRequest::builder()
                .posting_id("13D77095")
                .url("https://hooks.example.com/heymilo")
                .event_type(types::WebhookEventType::InterviewCompleted)
                .http_method(types::WebhookHttpMethod::Post),
        )
        .send()
        .await
        .expect("decodes");
    assert!(hook.is_active.unwrap_or_default());
    let req = assert_common(&server);
    assert_eq!(
        req.json(),
        json!({"posting_id": "13D77095", "url": "https://hooks.example.com/heymilo",
               "event_type": "interview_completed", "http_method": "post"})
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn get_webhook() {
    let server = Recorder::start(Reply::json(200, webhook(true))).await;
    let hook = client(&server)
        .get_webhook()
        .webhook_id("42AE4CFA720B1C35D499E9E39C14F321")
        .send()
        .await
        .expect("decodes");
    assert_eq!(hook.event_type.as_deref(), Some("interview_completed"));
    let req = assert_common(&server);
    assert_eq!(req.path, "/fetch/42AE4CFA720B1C35D499E9E39C14F321");
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_webhooks() {
    let server = Recorder::start(Reply::json(200, json!([webhook(true), webhook(false)]))).await;
    let hooks = client(&server)
        .list_webhooks()
        .posting_id("13D77095")
        .event_type("interview_completed")
        .send()
        .await
        .expect("decodes")
        .into_inner()
        .into_webhooks();
    assert_eq!(hooks.len(), 2);
    let req = assert_common(&server);
    assert_eq!(req.path, "/all");
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn deactivate_webhook() {
    let server = Recorder::start(Reply::json(200, webhook(false))).await;
    let hook = client(&server)
        .deactivate_webhook()
        .webhook_id("42AE")
        .send()
        .await
        .expect("decodes");
    assert_eq!(hook.is_active, Some(false));
    let req = assert_common(&server);
    assert_eq!(
        (req.method.as_str(), req.path.as_str()),
        ("POST", "/deactivate/42AE")
    );
    insta::assert_snapshot!(req.wire());
}

fn ingest_answer(n: usize) -> serde_json::Value {
    let details: Vec<_> = (0..n)
        .map(|i| json!({"interview_id": format!("IV{i}"), "interview_link": format!("https://candidates.heymilo.io/acme/i/IV{i}")}))
        .collect();
    json!({"message": "Candidate ingestion initiated", "ingestion_id": "ing_4c1d", "interview_details": details})
}

#[tokio::test]
async fn ingest_candidate() {
    let server = Recorder::start(Reply::json(200, ingest_answer(1))).await;
    let out = client(&server)
        .ingest_candidate()
        .url_key("acme-backend")
        .body(
            types::IngestCandidateRequest::builder()
                .name("Jane Doe")
                .email("jane.doe@example.com")
                .phone_number(Some("+12065551234".to_owned()))
                .metadata(Some(
                    [("external_id".to_owned(), "cand_1".to_owned())].into(),
                ))
                .retake(false),
        )
        .send()
        .await
        .expect("decodes");
    assert_eq!(
        out.interview_details[0].interview_id.as_deref(),
        Some("IV0")
    );
    let req = assert_common(&server);
    assert_eq!(req.path, "/ingest/x/acme-backend");
    assert_eq!(
        req.json(),
        json!({"name": "Jane Doe", "email": "jane.doe@example.com", "phone_number": "+12065551234",
               "metadata": {"external_id": "cand_1"}, "retake": false})
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn ingest_candidates_bulk() {
    let server = Recorder::start(Reply::json(200, ingest_answer(2))).await;
    let candidates = vec![
        types::IngestCandidate::builder()
            .name("Jane Doe")
            .email("jane@example.com")
            .try_into()
            .expect("valid"),
        types::IngestCandidate::builder()
            .name("Li Wei")
            .email("li@example.com")
            .try_into()
            .expect("valid"),
    ];
    let out = client(&server)
        .ingest_candidates_bulk()
        .url_key("acme-backend")
        .body(
            types::BulkIngestRequest::builder()
                .candidates(candidates)
                .retake(true),
        )
        .send()
        .await
        .expect("decodes");
    assert_eq!(out.interview_details.len(), 2);
    let req = assert_common(&server);
    assert_eq!(req.path, "/ingest/x/bulk/acme-backend");
    assert_eq!(
        req.json(),
        json!({"candidates": [{"name": "Jane Doe", "email": "jane@example.com"},
                              {"name": "Li Wei", "email": "li@example.com"}], "retake": true})
    );
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn errors_decode_in_both_shapes() {
    let server = Recorder::start(Reply::json(
        422,
        json!({"detail": [{"loc": ["body", "email"], "msg": "Field required", "type": "missing"}]}),
    ))
    .await;
    let err = client(&server)
        .get_interview()
        .interview_id("x")
        .send()
        .await
        .expect_err("422");
    let heymilo_gen::v1::Error::ErrorResponse(body) = err else {
        panic!("typed error expected: {err:?}")
    };
    assert_eq!(body.status().as_u16(), 422);
    assert!(
        matches!(body.detail, Some(types::ErrorDetail::Array(ref v)) if v[0].msg == "Field required")
    );

    let server = Recorder::start(Reply::json(
        404,
        json!({"error": {"type": "invalid_request_error", "code": "resource_not_found", "message": "Interview not found."}}),
    ))
    .await;
    let err = client(&server)
        .get_interview()
        .interview_id("x")
        .send()
        .await
        .expect_err("404");
    let heymilo_gen::v1::Error::ErrorResponse(body) = err else {
        panic!("typed error expected")
    };
    assert_eq!(
        body.error.as_ref().map(|e| e.code.as_str()),
        Some("resource_not_found")
    );
}

// ---------------------------------------------------------------------------
// Liberal decoding (issue 16): every v1 answer with every optional field
// `null`, and with only the fields the spec requires, decodes.
// ---------------------------------------------------------------------------

/// Calls `op` with valid arguments; whether its answer decoded.
async fn call(c: &Client, op: &str) -> Result<(), String> {
    let candidate = || types::IngestCandidate {
        name: "Jane Doe".to_owned(),
        email: "jane@example.com".to_owned(),
        phone_number: None,
        metadata: None,
        data: None,
    };
    let result = match op {
        "get_health" => c.get_health().send().await.map(drop),
        "list_postings" => c.list_postings().send().await.map(drop),
        "get_interview" => c.get_interview().interview_id("IV1").send().await.map(drop),
        "list_interviews" => c.list_interviews().posting_id("P1").send().await.map(drop),
        "export_interviews" => c
            .export_interviews()
            .posting_id("P1")
            .send()
            .await
            .map(drop),
        "create_webhook" => c
            .create_webhook()
            .body_map(|b| {
                b.posting_id("P1")
                    .url("https://hooks.example.com/h")
                    .event_type(types::WebhookEventType::InterviewStarted)
            })
            .send()
            .await
            .map(drop),
        "get_webhook" => c.get_webhook().webhook_id("W1").send().await.map(drop),
        "list_webhooks" => c.list_webhooks().send().await.map(drop),
        "deactivate_webhook" => c
            .deactivate_webhook()
            .webhook_id("W1")
            .send()
            .await
            .map(drop),
        "ingest_candidate" => c
            .ingest_candidate()
            .url_key("k")
            .body_map(|b| b.name("Jane Doe").email("jane@example.com"))
            .send()
            .await
            .map(drop),
        "ingest_candidates_bulk" => c
            .ingest_candidates_bulk()
            .url_key("k")
            .body_map(|b| b.candidates(vec![candidate()]))
            .send()
            .await
            .map(drop),
        other => panic!("no call for {other}"),
    };
    result.map_err(|e| e.to_string())
}

#[tokio::test]
async fn every_answer_decodes_with_nulls_and_with_only_required_fields() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/v1.yaml");
    let spec: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(path).expect("read v1.yaml")).expect("YAML");
    let instances: Vec<_> = heymilo_codegen::synth::instances(&spec)
        .into_iter()
        .filter(|i| i.shape != heymilo_codegen::synth::Shape::ExtraKeys)
        .collect();
    let ops: std::collections::BTreeSet<&str> =
        instances.iter().map(|i| i.operation.as_str()).collect();
    assert_eq!(ops.len(), 11, "every v1 operation: {ops:?}");
    for inst in &instances {
        let status: u16 = inst.status.parse().expect("numeric status");
        let server = Recorder::start(Reply::json(status, inst.body.clone())).await;
        let decoded = call(&client(&server), &inst.operation).await;
        assert!(
            decoded.is_ok(),
            "{} ({}) does not decode {}: {decoded:?}",
            inst.operation,
            inst.shape.name(),
            inst.body
        );
    }
    // The all-null page really is full of nulls.
    let page = instances
        .iter()
        .find(|i| i.operation == "list_postings" && i.shape.name() == "all-null")
        .expect("list_postings");
    assert_eq!(page.body["postings"][0]["title"], serde_json::Value::Null);
}

#[tokio::test]
async fn webhooks_decode_as_a_bare_or_wrapped_list_and_with_either_url_key() {
    let v2_named = json!({"webhook_id": "W2", "webhook_url": "https://hooks.example.com/v2"});
    let cases = [
        json!([webhook(true), v2_named.clone()]),
        json!({"data": [webhook(true), v2_named.clone()]}),
        json!({"webhooks": [webhook(true), v2_named.clone()]}),
    ];
    for body in cases {
        let server = Recorder::start(Reply::json(200, body.clone())).await;
        let hooks = client(&server)
            .list_webhooks()
            .send()
            .await
            .unwrap_or_else(|e| panic!("{body}: {e}"))
            .into_inner()
            .into_webhooks();
        let urls: Vec<Option<&str>> = hooks.iter().map(types::Webhook::target_url).collect();
        assert_eq!(
            urls,
            [
                Some("https://hooks.example.com/heymilo"),
                Some("https://hooks.example.com/v2")
            ],
            "{body}"
        );
    }
}
