//! Wire tests of every v1 operation, one entry each (`heymilo_tests::wire`),
//! and liberal decoding of what v1 answers.

use std::collections::BTreeSet;

use heymilo_codegen::synth::{self, Shape};
use heymilo_gen::v1::{Client, types};
use heymilo_tests::wire::{self, Case, spec};
use heymilo_tests::{Recorder, Reply, case};
use serde_json::{Value, json};

const KEY: &str = "hm_test_key_v1";

fn client(server: &Recorder) -> Client {
    let inner = heymilo_gen::Inner::api_key(KEY);
    Client::new_with_client(&server.url(), reqwest::Client::new(), inner)
}

// A table: one entry per operation (the call), kept as written; the request
// each sends is in its snapshot (`heymilo_tests::wire`).
#[rustfmt::skip]
fn cases() -> Vec<Case<Client>> {
    use types::{WebhookEventType, WebhookHttpMethod};
    let candidate = |name, email| -> types::IngestCandidate { types::IngestCandidate::builder().name(name).email(email).try_into().expect("valid") };
    let (jane, li) = (move || candidate("Jane Doe", "jane@example.com"), move || candidate("Li Wei", "li@example.com"));
    vec![
        case!(get_health),
        case!(list_postings.page(2).limit(5)),
        case!(get_interview.interview_id("D536A69A4090E13F")),
        case!(list_interviews.posting_id("13D77095").page(1).limit(10)),
        case!(export_interviews.posting_id("13D77095")),
        case!(create_webhook.body(types::CreateWebhookRequest::builder().posting_id("13D77095").url("https://hooks.example.com/heymilo")
                .event_type(WebhookEventType::InterviewCompleted).http_method(WebhookHttpMethod::Post))),
        case!(get_webhook.webhook_id("42AE4CFA720B1C35D499E9E39C14F321")),
        case!(list_webhooks.posting_id("13D77095").event_type("interview_completed")),
        case!(deactivate_webhook.webhook_id("42AE")),
        case!(ingest_candidate.url_key("acme-backend").body(types::IngestCandidateRequest::builder().name("Jane Doe")
                .email("jane.doe@example.com").phone_number(Some("+12065551234".to_owned()))
                .metadata(Some([("external_id".to_owned(), "cand_1".to_owned())].into())).retake(false))),
        // A body with only its required fields sends only those, whatever defaults the spec documents.
        case!(label: "required only", ingest_candidate.url_key("k").body_map(|b| b.name("Jane Doe").email("jane@example.com"))),
        case!(ingest_candidates_bulk.url_key("acme-backend").body(types::BulkIngestRequest::builder().candidates(vec![jane(), li()]).retake(true))),
        case!(label: "required only", ingest_candidates_bulk.url_key("k").body_map(|b| b.candidates(vec![jane()]))),
    ]
}

#[tokio::test]
async fn every_operation_sends_what_it_should_and_decodes_its_example() {
    wire::run("v1", heymilo_gen::v1::OPERATIONS, client, KEY, cases()).await;
}

/// Liberal decoding (issue 16): every v1 answer with every optional field
/// `null`, and with only the fields the spec requires, decodes.
#[tokio::test]
async fn every_answer_decodes_with_nulls_and_with_only_required_fields() {
    let instances = synth::instances(spec("v1.yaml")).into_iter();
    let instances: Vec<_> = instances.filter(|i| i.shape != Shape::ExtraKeys).collect();
    wire::decode_all("v1", &instances, client, &cases()).await;
    let ops: BTreeSet<&str> = instances.iter().map(|i| i.operation.as_str()).collect();
    assert_eq!(ops.len(), 11, "every v1 operation: {ops:?}");
    // The all-null page really is full of nulls.
    let page = wire::all_null(&instances, "list_postings");
    assert_eq!(page["postings"][0]["title"], Value::Null);
}

#[tokio::test]
async fn errors_decode_in_both_shapes() {
    let validation =
        json!({"detail": [{"loc": ["body", "email"], "msg": "Field required", "type": "missing"}]});
    let not_found = json!({"error": {"type": "invalid_request_error", "code": "resource_not_found", "message": "Interview not found."}});
    // (status, body, the error's code, whether it says a field is required)
    #[rustfmt::skip]
    let cases = [(422, validation, None, true), (404, not_found, Some("resource_not_found"), false)];
    for (status, body, want_code, want_required) in cases {
        let server = Recorder::start(Reply::json(status, body)).await;
        let c = client(&server);
        let err = c.get_interview().interview_id("x").send().await;
        let err = err.expect_err("an error");
        let heymilo_gen::v1::Error::ErrorResponse(body) = err else {
            panic!("typed error expected: {err:?}")
        };
        let code = body.error.as_ref().map(|e| e.code.as_str());
        let required = matches!(body.detail, Some(types::ErrorDetail::Array(ref v)) if v[0].msg == "Field required");
        let got = (body.status().as_u16(), code, required);
        assert_eq!(got, (status, want_code, want_required), "{status}");
    }
}

#[tokio::test]
async fn webhooks_decode_as_a_bare_or_wrapped_list_and_with_either_url_key() {
    let v1 = json!({"webhook_id": "W1", "url": "https://hooks.example.com/heymilo", "event_type": "interview_completed"});
    let v2 = json!({"webhook_id": "W2", "webhook_url": "https://hooks.example.com/v2"});
    let bare = json!([v1, v2]);
    let want = [v1["url"].as_str(), v2["webhook_url"].as_str()];
    #[rustfmt::skip]
    let bodies = [bare.clone(), json!({"data": bare.clone()}), json!({"webhooks": bare.clone()})];
    for body in bodies {
        let server = Recorder::start(Reply::json(200, body.clone())).await;
        let hooks = client(&server).list_webhooks().send().await;
        let hooks = hooks.unwrap_or_else(|e| panic!("{body}: {e}"));
        let hooks = hooks.into_inner().into_webhooks();
        let urls: Vec<Option<&str>> = hooks.iter().map(types::Webhook::target_url).collect();
        assert_eq!(urls, want, "{body}");
    }
}
