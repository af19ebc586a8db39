//! Wire tests of every v2 operation, one entry each (`heymilo_tests::wire`):
//! the call with every path, query and header parameter it has, the request
//! it must send, and its documented example decoded.

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroU64;

use futures::StreamExt;
use heymilo_codegen::spec::Spec;
use heymilo_codegen::synth;
use heymilo_gen::v2::{Client, types};
use heymilo_tests::case;
use heymilo_tests::wire::{self, Case, WS, example, spec};
use heymilo_tests::{Recorder, Reply};
use serde_json::{Map, Value, json};

const KEY: &str = "hm_test_key_v2";
const P: &str = "13D77095";
const I: &str = "D536A69A4090E13F";
const W: &str = "42AE4CFA720B1C35D499E9E39C14F321";

fn client(server: &Recorder) -> Client {
    let inner = heymilo_gen::Inner::api_key(KEY);
    Client::new_with_client(&server.url(), reqwest::Client::new(), inner)
}

fn strings(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
}

/// A value of a generated type from its JSON (nested parts of a body).
fn typed<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("valid")
}

/// A value of a generated type from its builder.
fn built<T: TryFrom<B, Error: std::fmt::Display>, B>(builder: B) -> T {
    T::try_from(builder).unwrap_or_else(|e| panic!("{e}"))
}

/// A candidate with every field set.
fn jane() -> types::CandidateIngestRequest {
    let jane = json!({"name": "Jane Doe", "email": "jane.doe@example.com", "phone_number": "+12065551234",
        "metadata": {"ats_stage": "phone_screen"},
        "data": {"source": "referral", "profile": {"years_experience": 7, "skills": ["rust", "sql"]}}});
    typed(jane)
}

/// A catalogue's list (`limit` items after `id`, the search if given) and get of `id`.
macro_rules! catalogue {
    ($list:ident($limit:literal), $get:ident.$param:ident($id:literal) $(, $search:literal)?) => {[
        case!($list.limit($limit).starting_after($id)$(.search($search))?.x_workspace_id(WS)),
        case!($get.$param($id).x_workspace_id(WS)),
    ]};
}

// A table: one entry per operation (the call), kept as written; the request
// each sends is in its snapshot (`heymilo_tests::wire`).
#[rustfmt::skip]
fn cases() -> Vec<Case<Client>> {
    use types::{CreatePostingRequestCompanyOverviewDeliveryMode as Overview, ListQuestionsModality};
    let ats = [("external_id", "ats_12345"), ("source", "workday")];
    let catalogues = [
        catalogue!(list_email_templates(10), get_email_template.template_id("B31EB9E73BEE"), "invitation"),
        catalogue!(list_email_template_groups(5), get_email_template_group.group_id("E629E33BC4AD"), "engineering"),
        catalogue!(list_design_templates(10), get_design_template.template_id("E00CF3AFCF58"), "dark mode"),
        catalogue!(list_design_template_groups(10), get_design_template_group.group_id("00231A58EB85"), "brand"),
        catalogue!(list_interview_templates(10), get_interview_template.template_id("IT_abc123"), "senior"),
        catalogue!(list_domains(10), get_domain.config_id("BCE1C810")),
        catalogue!(list_voices(10), get_voice.voice_id("wrv-abc123"), "sarah"),
        catalogue!(list_phone_numbers(10), get_phone_number.config_id("666A24C3")),
        catalogue!(list_sender_emails(10), get_sender_email.sender_email_id("A72B528BDEDF")),
    ];
    let cases = vec![
        case!(health_check),
        case!(create_posting.x_workspace_id(WS).body_map(|b| b.title("Senior Software Engineer")
                .description(Some("We are hiring a backend engineer to own our billing services.".try_into().expect("valid")))
                .workflow(typed::<Vec<types::CreatePostingRequestWorkflowItem>>(json!([{"type": "web_interview",
                    "config": {"video": true, "voice_id": "wrv-abc123", "interview_type": "technical", "num_questions": 5,
                               "cheat_detection_config": {"enabled": true, "threshold": 70, "types": ["tab_switching"]}},
                    "questions": [{"modality": "voice", "text": "How would you design a rate limiter?", "score_weight": 3, "max_follow_ups": 2}]},
                    {"type": "resume", "config": {"knockout_enabled": true, "num_criteria_questions": 3}}])))
                .deadline("2025-03-15T00:00:00Z".to_owned())
                .company_overview_delivery_mode(Overview::SummarizedDelivery).metadata(strings(&ats)))),
        // Fields with a server default are sent only when set.
        case!(label: "required only", create_posting.x_workspace_id(WS).body_map(|b| b.title("Backend Engineer"))),
        case!(label: "from a template", create_posting.x_workspace_id(WS)
                .body_map(|b| b.title("Backend Engineer").interview_template_id("IT_abc123".to_owned()))),
        case!(list_postings.limit(50).starting_after(P).search("senior engineer").x_workspace_id(WS)),
        case!(list_posting_summaries.limit(100).starting_after(P).search("Engineer & Co").x_workspace_id(WS)),
        case!(get_posting.posting_id(P).x_workspace_id(WS)),
        case!(update_posting.posting_id(P).x_workspace_id(WS).body_map(|b| b
                .title(Some("Staff Software Engineer".try_into().expect("valid title"))).max_retakes(2).allow_sms_comms(true)
                .job_overview_delivery_mode(types::UpdatePostingRequestJobOverviewDeliveryMode::ReferenceOnly)
                .metadata(strings(&[("external_id", "ats_67890")])))),
        case!(label: "title only", update_posting.posting_id(P).x_workspace_id(WS)
                .body_map(|b| b.title(Some("Staff Engineer".try_into().expect("a valid title"))))),
        case!(get_posting_stats.posting_id(P).x_workspace_id(WS)),
        case!(update_interviewer_workflow_step.posting_id(P).step_id("web_interview").x_workspace_id(WS)
                .body_map(|b| b.config(typed::<Map<_, _>>(json!({"instructions": "Keep this step short.",
                    "company_overview_delivery_mode": "summarized_delivery",
                    "web_interview_config": {"show_transcript": false, "max_duration_seconds": 900}}))))),
        case!(archive_posting.posting_id(P).x_workspace_id(WS)),
        case!(activate_posting.posting_id(P).x_workspace_id(WS)),
        case!(clone_posting.posting_id(P).x_workspace_id(WS)),
        case!(list_candidates.posting_id(P).limit(100).starting_after("C0FFEE").created_after("2026-03-13T00:00:00Z")
                .created_before("1710374399").x_workspace_id(WS)),
        case!(ingest_candidate.posting_id(P).x_workspace_id(WS).body(jane())),
        case!(ingest_candidates_bulk.posting_id(P).x_workspace_id(WS).body_map(|b| b.data(vec![jane(),
                built(types::CandidateIngestRequest::builder().name("John Roe").email("john.roe@example.com"))]))),
        case!(ingest_candidate_async.posting_id(P).x_workspace_id(WS).body(jane())),
        case!(ingest_candidates_bulk_async.posting_id(P).x_workspace_id(WS).body(types::BulkCandidateIngestRequest { data: vec![jane()] })),
        case!(get_interview_data.interview_id(I).x_workspace_id(WS)),
        case!(get_interview_metadata.interview_id(I).x_workspace_id(WS)),
        case!(set_interview_metadata.interview_id(I).x_workspace_id(WS).body_map(|b| b.metadata(strings(&ats)))),
        case!(delete_interview_metadata.interview_id(I).x_workspace_id(WS)),
        // Schema discovery needs no key; the client sends it anyway, as on every request.
        case!(list_agent_types),
        case!(list_question_types),
        case!(create_webhook.x_workspace_id(WS).body_map(|b| b.posting_id(P).webhook_url("https://webhook.site/test")
                .event_type("interview_completed"))),
        case!(list_webhooks.limit(20).starting_after(W).x_workspace_id(WS)),
        case!(get_webhook.webhook_id(W).x_workspace_id(WS)),
        case!(delete_webhook.webhook_id(W).x_workspace_id(WS)),
        case!(list_questions.posting_id(P).modality(ListQuestionsModality::ResumeScoring).limit(25).starting_after("A1B2C3D4").x_workspace_id(WS)),
        case!(create_question.posting_id(P).x_workspace_id(WS).body_map(|b| b.modality(types::CreateQuestionRequestModality::Form)
                .text("Which shifts can you work?").is_knockout(true).answer(json!(["weekend", "night"])).score_weight(NonZeroU64::new(4))
                .dropdown_values(vec![strings(&[("label", "Weekend"), ("value", "weekend")]), strings(&[("label", "Night"), ("value", "night")])]))),
        case!(get_question.posting_id(P).question_id("A1B2C3D4").x_workspace_id(WS)),
        case!(update_question.posting_id(P).question_id("A1B2C3D4").x_workspace_id(WS).body_map(|b| b
                .text(Some("What is the hardest bug you have shipped a fix for?".into())).max_follow_ups(3).not_scored(false)
                .structured_config(typed::<Map<_, _>>(json!({"probing": {"depth": 2, "topics": ["debugging", "ownership"]}}))))),
        // Path parameters are percent-encoded as one segment.
        case!(delete_question.posting_id(P).question_id("Q/1 #2?").x_workspace_id(WS)),
        case!(reorder_questions.posting_id(P).x_workspace_id(WS).body_map(|b| b.modality(types::ReorderQuestionsRequestModality::Voice)
                .order(vec!["Q1".into(), "Q3".into(), "Q2".into()]))),
        case!(list_workspaces.x_workspace_id(WS)),
        case!(resolve_ats_candidate.x_workspace_id(WS)
                .body_map(|b| b.ats_name("bullhorn").email("jane.doe@example.com".to_owned()).limit(NonZeroU64::new(5)))),
        case!(push_ats_candidate.x_workspace_id(WS).body_map(|b| b.ats_name("avionte").interview_id(I.to_owned()).create_submission(true)
                .candidate(built::<types::PushCandidatePayload, _>(types::PushCandidatePayload::builder().first_name("Jane".to_owned())
                    .last_name("Doe".to_owned()).email("jane.doe@example.com".to_owned()).set_heymilo_source(true))))),
        case!(label: "required only", push_ats_candidate.x_workspace_id(WS)
                .body_map(|b| b.ats_name("bullhorn").candidate(types::PushCandidatePayload::default()))),
        case!(get_ats_push_status.item_id("queue/item 42").x_workspace_id(WS)),
        case!(list_ats_connections.x_workspace_id(WS)),
    ];
    cases.into_iter().chain(catalogues.into_iter().flatten()).collect()
}

/// Every operation but the audio preview (below) has an entry; every request
/// body with a defaulted optional field has a "required only" one.
#[tokio::test]
async fn every_operation_sends_what_it_should_and_decodes_its_example() {
    wire::run("v2", heymilo_gen::v2::OPERATIONS, client, KEY, cases()).await;
}

/// What HeyMilo may send decodes (issue 16): for every 2xx JSON response of
/// HeyMilo's published OpenAPI 3.1 document, bodies with every nullable field
/// `null`, with only the required fields, and with unknown extra keys (see
/// `heymilo_codegen::synth`), answered to our operation's call. `cargo xtask
/// readings` checks the same bodies against the published bundles. The
/// document lives beside the repository; without it the test says so and
/// passes, except under `CI=true`.
#[tokio::test]
async fn every_published_answer_decodes_in_every_shape() {
    let path = "/../../shared/reference/heymilo-v2-openapi-3.1.json";
    let path = format!("{}{path}", env!("CARGO_MANIFEST_DIR"));
    if !std::path::Path::new(&path).exists() && std::env::var("CI").as_deref() != Ok("true") {
        return eprintln!("skipped: {path} is absent");
    }
    let published = heymilo_codegen::spec::load(path.as_ref()).unwrap_or_else(|e| panic!("{e}"));
    let instances = synth::instances(&published);
    wire::decode_all("v2", &instances, client, &cases()).await;
    // Every 2xx JSON operation but the empty `getVoicePreview` schema, in three shapes.
    assert!(instances.len() >= 3 * 50, "only {} bodies", instances.len());
    let candidate = &wire::all_null(&instances, "listCandidates")["data"][0];
    let keys = ["workflow", "agent_summary", "metadata"].map(|k| candidate.get(k));
    assert_eq!(keys, [Some(&Value::Null); 3], "{candidate}");
}

/// The preview is `audio/mpeg`: the generated code hands back the raw body as
/// a byte stream, and asks for no media type (reqwest's `Accept: */*`).
#[tokio::test]
async fn get_voice_preview() {
    let op = Spec::new(spec("v2.yaml")).operation("get_voice_preview");
    let (status, response) = op.and_then(|op| op.success()).expect("a 2xx");
    let audio_documented = response["content"].get("audio/mpeg").is_some();
    assert_eq!((status, audio_documented), ("200", true));
    let audio = "ID3\u{4}\0\0\0\0\0\0\u{7f}fake mpeg frame";
    let server = Recorder::start(Reply::raw(200, audio).header("content-type", "audio/mpeg")).await;
    let c = client(&server);
    let preview = c.get_voice_preview().voice_id("wrv-abc123");
    let res = preview.x_workspace_id(WS).send().await.expect("streams");
    let kind = res.headers()["content-type"].to_str().ok();
    assert_eq!((res.status().as_u16(), kind), (200, Some("audio/mpeg")));
    let chunks: Vec<_> = res.into_inner().into_inner().collect().await;
    let body: Vec<u8> = chunks.into_iter().flat_map(|c| c.expect("chunk")).collect();
    assert_eq!(body, audio.as_bytes());
    // The snapshot records the path and `accept: */*`.
    insta::assert_snapshot!("get_voice_preview", server.single().wire());
}

/// Every JSON success response gets a non-empty example, and the examples
/// pass through every component schema a 2xx response can reach; the others
/// serve only request bodies and errors, apart from the two error shapes
/// `ErrorBody` stands for, kept as documentation.
#[test]
fn documented_examples_cover_every_success_response_schema() {
    let doc = spec("v2.yaml");
    let spec = Spec::new(doc);
    // Schemas the examples pass through; reachable from a 2xx; from the rest.
    let mut seen = <[BTreeSet<String>; 3]>::default();
    let ops = spec.operations();
    let documented: BTreeSet<&str> = ops.iter().filter_map(|op| op.id).collect();
    let generated: BTreeSet<&str> = heymilo_gen::v2::OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(documented, generated, "every operation is generated");
    for op in &ops {
        let id = op.id.expect("operationId");
        for (code, response) in op.node["responses"].as_object().expect("responses") {
            spec.reachable(response, &mut seen[2 - usize::from(code.starts_with('2'))]);
        }
        if let Some(body) = op.node.get("requestBody") {
            spec.reachable(body, &mut seen[2]);
        }
        let Some((_, example, schemas)) = example(doc, id) else {
            assert_eq!(id, "get_voice_preview", "only the preview is not JSON");
            continue;
        };
        let success = op.success().expect("2xx").1;
        let schema = spec.deref(&success["content"]["application/json"]["schema"]);
        // A registry "whose layout the server decides" declares no property: its example is `{}`.
        let free_form = schema.get("properties").is_none();
        let free_form = free_form && schema["additionalProperties"] == true;
        let fields = example.as_object();
        let fields = fields.unwrap_or_else(|| panic!("{id}: not an object"));
        assert!(!fields.is_empty() || free_form, "{id}: empty example");
        seen[0].extend(schemas);
    }
    let [visited, reachable, elsewhere] = seen;
    assert_eq!(visited, reachable, "schemas no example passes through");
    let all: BTreeSet<&String> = spec.schemas().expect("schemas").keys().collect();
    let used = |n: &&&String| reachable.contains(**n) || elsewhere.contains(**n);
    let unused: Vec<_> = all.iter().filter(|n| !used(n)).collect();
    let errors = [&"APIErrorResponse", &"HTTPValidationError"];
    assert_eq!(unused, errors, "schemas nothing refers to");
    let (used, all) = (reachable.len(), all.len());
    assert!(used > all / 2, "{used} of {all}");
}

#[tokio::test]
async fn health_status_is_a_string_or_an_integer() {
    use types::HealthStatusStatus as S;
    let cases = [
        (json!({"status": "ok"}), Some(S::String("ok".into())), "ok"),
        (json!({"status": 200}), Some(S::Int64(200)), "200"),
        (json!({"status": null}), None, ""),
        (json!({"uptime": 12.5}), None, ""),
    ];
    for (body, status, shown) in cases {
        let server = Recorder::start(Reply::json(200, body.clone())).await;
        let health = client(&server).health_check().send().await;
        let got = health.unwrap_or_else(|e| panic!("{body}: {e}"));
        let got = got.into_inner().status;
        let text = got.as_ref().map(ToString::to_string).unwrap_or_default();
        assert_eq!((got, text.as_str()), (status, shown), "{body}");
    }
}

/// A newer server may add fields and new values of open enums: neither may
/// break decoding.
#[test]
fn unknown_fields_and_enum_values_decode() {
    let (_, page, _) = example(spec("v2.yaml"), "list_candidates").expect("an example");
    let mut c = page["data"][0].clone();
    c["status"] = json!("on_hold_new_status");
    c["brand_new_field"] = json!({"nested": [1, 2, 3]});
    c["workflow"]["steps"][0]["status"] = json!("paused_by_recruiter");
    c["workflow"]["steps"][0]["step_type_v3"] = json!("video_loop");
    let decoded: types::CandidateResponse = typed(c);
    let step = &decoded.workflow.expect("workflow").steps[0];
    let statuses = (decoded.status.as_str(), step.status.as_str());
    assert_eq!(statuses, ("on_hold_new_status", "paused_by_recruiter"));
    let hook = json!({"webhook_id": "w", "posting_id": "p", "url": "https://x", "event_type": "candidate_archived",
                      "http_method": "put", "is_active": true, "surprise": 1});
    let hook: heymilo_gen::v1::types::Webhook = typed(hook);
    let (event, method) = (hook.event_type.as_deref(), hook.http_method.as_deref());
    assert_eq!((event, method), (Some("candidate_archived"), Some("put")));
    let step = json!({"type": "voice_call", "unique_id": "agent_vc_001", "config": {"x": 1}});
    let decoded: heymilo_gen::v1::types::AgenticWorkflowStep = typed(step);
    assert_eq!(decoded.type_.as_deref(), Some("voice_call"));
}

#[test]
fn workflow_steps_carry_their_own_tag() {
    use types::{CreatePostingRequestWorkflowItem as Item, FormStep};
    #[rustfmt::skip]
    let cases: [(Item, Value); 4] = [
        (types::WebInterviewStep::default().into(), json!({"type": "web_interview"})),
        (types::ConversationalSmsStep::default().into(), json!({"type": "conversational_sms"})),
        (types::ResumeStep::default().into(), json!({"type": "resume"})),
        (FormStep { questions: Some(Vec::new()), ..Default::default() }.into(), json!({"type": "form", "questions": []})),
    ];
    for (step, wire) in cases {
        assert_eq!(serde_json::to_value(&step).expect("serializes"), wire);
        // The tag alone says which variant a step is.
        assert_eq!(typed::<Item>(wire.clone()), step, "{wire}");
    }
    let wrong = serde_json::from_value::<Item>(json!({"type": "web_interviw"}));
    assert!(wrong.is_err(), "a misspelt tag is not a step: {wrong:?}");
}
