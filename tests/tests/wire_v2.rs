//! Wire tests for the v2 operations, and forward compatibility of decoding.

use heymilo_gen::v2::{Client, types};
use heymilo_tests::{Recorder, Reply};
use serde_json::json;

const KEY: &str = "hm_test_key_v2";

fn client(server: &Recorder) -> Client {
    Client::new_with_client(
        &server.url(),
        reqwest::Client::new(),
        heymilo_gen::Inner::api_key(KEY),
    )
}

fn candidate(id: &str, status: &str) -> serde_json::Value {
    json!({
        "interview_id": id, "posting_id": "13D77095", "name": "Jane Smith",
        "email": "jane.smith@example.com", "status": status, "object": "candidate",
        "candidate_id": "cand_def456", "score": 78.5,
        "interview_url": "https://candidates.heymilo.io/acme/i/D536A69A4090E13F",
        "workflow": {"steps": [{"step_id": "agent_vi_001", "order": 1, "status": "completed",
                                "started": true, "completed": true, "knocked_out": false,
                                "last_updated_at": 1739713800}],
                     "all_complete": true, "last_activity_at": 1739715600},
        "agent_summary": {
            "resume": {"resume_score": 3.8, "is_eligible": true, "resume_link": "https://cdn.heymilo.io/resumes/abc123.pdf"},
            "web_interview": {"score": 82, "highlights": ["clear"], "audio_recording_link": null, "video_recording_link": "https://v"},
            "sms": {"is_eligible": true, "criteria_passed": ["a"], "criteria_failed": [], "messages_sent": 8},
            "form": {"is_complete": true, "is_eligible": true, "questions_answered": 5, "total_questions": 7}
        },
        "shortlisted": false, "dismissed": false,
        "metadata": {"ats_stage": "phone_screen", "external_id": "candidate_xyz"},
        "data": {}, "interviewed_at": 1739713800, "created_at": 1739612400
    })
}

#[tokio::test]
async fn health_check() {
    let server = Recorder::start(Reply::json(
        200,
        json!({"status": "ok", "version": "2.4.1"}),
    ))
    .await;
    let health = client(&server)
        .health_check()
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert_eq!(
        health.status,
        Some(types::HealthStatusStatus::String("ok".to_owned()))
    );
    let req = server.single();
    assert_eq!((req.method.as_str(), req.path.as_str()), ("GET", "/health"));
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn health_status_is_a_string_or_an_integer() {
    use types::HealthStatusStatus as S;
    let cases = [
        (
            json!({"status": "ok"}),
            Some(S::String("ok".to_owned())),
            "ok",
        ),
        (json!({"status": 200}), Some(S::Int64(200)), "200"),
        (json!({"status": null}), None, ""),
        (json!({"uptime": 12.5}), None, ""),
    ];
    for (body, status, shown) in cases {
        let server = Recorder::start(Reply::json(200, body.clone())).await;
        let health = client(&server)
            .health_check()
            .send()
            .await
            .unwrap_or_else(|e| panic!("{body} does not decode: {e}"))
            .into_inner();
        assert_eq!(health.status, status, "{body}");
        let text = health.status.map(|s| s.to_string()).unwrap_or_default();
        assert_eq!(text, shown, "{body}");
    }
}

#[tokio::test]
async fn list_candidates() {
    let body = json!({"data": [candidate("D536A69A4090E13F", "completed")],
                      "pagination": {"has_more": true, "total_count": 123, "url": "/api/v2/postings/13D77095/candidates"}});
    let server = Recorder::start(Reply::json(200, body)).await;
    let page = client(&server)
        .list_candidates()
        .posting_id("13D77095")
        .limit(100)
        .starting_after("C0FFEE")
        .created_after("2026-03-13T00:00:00Z")
        .created_before("1710374399")
        .x_workspace_id("ws_2")
        .send()
        .await
        .expect("decodes")
        .into_inner();
    assert!(page.pagination.has_more);
    assert_eq!(page.pagination.total_count, Some(123));
    let c = &page.data[0];
    assert_eq!(c.score, Some(78.5));
    assert_eq!(c.workflow.as_ref().map(|w| w.steps[0].order), Some(1));
    let sms = c
        .agent_summary
        .as_ref()
        .and_then(|a| a.sms.as_ref())
        .expect("sms summary");
    assert_eq!(sms.messages_sent, Some(8));
    let req = server.single();
    assert_eq!(req.header("x-api-key"), Some(KEY));
    assert_eq!(req.header("api-version"), Some("2.0.0"));
    assert_eq!(req.path, "/api/v2/postings/13D77095/candidates");
    insta::assert_snapshot!(req.wire());
}

#[tokio::test]
async fn list_candidates_rejects_a_zero_limit_before_sending() {
    let server = Recorder::start(Reply::json(200, json!({}))).await;
    let err = client(&server)
        .list_candidates()
        .posting_id("p")
        .limit(0)
        .send()
        .await
        .expect_err("invalid");
    assert!(
        matches!(err, heymilo_gen::v2::Error::InvalidRequest(_)),
        "{err:?}"
    );
    assert!(server.requests().is_empty(), "nothing may be sent");
}

/// A newer server may add fields and new values of open enums: neither may
/// break decoding.
#[test]
fn unknown_fields_and_enum_values_decode() {
    let mut c = candidate("A1", "on_hold_new_status");
    c["brand_new_field"] = json!({"nested": [1, 2, 3]});
    c["workflow"]["steps"][0]["status"] = json!("paused_by_recruiter");
    c["workflow"]["steps"][0]["step_type_v3"] = json!("video_loop");
    let decoded: types::CandidateResponse = serde_json::from_value(c).expect("tolerant decode");
    assert_eq!(decoded.status, "on_hold_new_status");
    assert_eq!(
        decoded.workflow.expect("workflow").steps[0].status,
        "paused_by_recruiter"
    );

    let hook = json!({"webhook_id": "w", "posting_id": "p", "url": "https://x", "event_type": "candidate_archived",
                      "http_method": "put", "is_active": true, "surprise": 1});
    let decoded: heymilo_gen::v1::types::Webhook =
        serde_json::from_value(hook).expect("tolerant decode");
    assert_eq!(decoded.event_type.as_deref(), Some("candidate_archived"));
    assert_eq!(decoded.http_method.as_deref(), Some("put"));

    let step = json!({"type": "voice_call", "unique_id": "agent_vc_001", "config": {"x": 1}});
    let decoded: heymilo_gen::v1::types::AgenticWorkflowStep =
        serde_json::from_value(step).expect("tolerant decode");
    assert_eq!(decoded.type_.as_deref(), Some("voice_call"));
}
