//! Wire tests of every v2 operation, one entry each (`heymilo_tests::wire`):
//! the call with every path, query and header parameter it has, the request
//! it must send, and its documented example decoded.

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroU64;

use heymilo_codegen::spec::Spec;
use heymilo_codegen::synth::{self, Shape};
use heymilo_gen::v2::{Client, types};
use heymilo_tests::case;
use heymilo_tests::wire::{self, Case, example, spec};
use heymilo_tests::{Recorder, Reply};
use serde_json::{Map, Value, json};

const KEY: &str = "hm_test_key_v2";
const WS: &str = "ws_2";

fn client(server: &Recorder) -> Client {
    let inner = heymilo_gen::Inner::api_key(KEY);
    Client::new_with_client(&server.url(), reqwest::Client::new(), inner)
}

fn strings(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
}

fn object(value: Value) -> Map<String, Value> {
    serde_json::from_value(value).expect("an object")
}

fn jane() -> types::CandidateIngestRequest {
    let data = object(jane_json()["data"].clone());
    let b = types::CandidateIngestRequest::builder().name("Jane Doe");
    let b = b.email("jane.doe@example.com").data(data);
    let b = b.phone_number("+12065551234".to_owned());
    let b = b.metadata(strings(&[("ats_stage", "phone_screen")]));
    b.try_into().expect("valid")
}

fn jane_json() -> Value {
    json!({"name": "Jane Doe", "email": "jane.doe@example.com", "phone_number": "+12065551234",
           "metadata": {"ats_stage": "phone_screen"},
           "data": {"source": "referral", "profile": {"years_experience": 7, "skills": ["rust", "sql"]}}})
}

fn posting_workflow() -> Vec<types::CreatePostingRequestWorkflowItem> {
    let b = types::CreateQuestion::builder().modality("voice");
    let b = b.text("How would you design a rate limiter?");
    let b = b.score_weight(3_i64).max_follow_ups(2_i64);
    let question = types::CreateQuestion::try_from(b).expect("valid");
    let cheat = object(json!({"enabled": true, "threshold": 70, "types": ["tab_switching"]}));
    let config = types::WebInterviewConfig {
        video: Some(true),
        voice_id: Some("wrv-abc123".into()),
        interview_type: Some("technical".into()),
        num_questions: NonZeroU64::new(5),
        cheat_detection_config: Some(cheat),
        ..Default::default()
    };
    let web = types::WebInterviewStep {
        config: Some(config),
        questions: Some(vec![question]),
        ..Default::default()
    };
    let config = types::ResumeConfig {
        knockout_enabled: Some(true),
        num_criteria_questions: Some(3),
        ..Default::default()
    };
    let resume = types::ResumeStep {
        config: Some(config),
        ..Default::default()
    };
    vec![web.into(), resume.into()]
}

fn step_config() -> Value {
    json!({"instructions": "Keep this step short.", "company_overview_delivery_mode": "summarized_delivery",
           "web_interview_config": {"show_transcript": false, "max_duration_seconds": 900}})
}

fn structured() -> Value {
    json!({"probing": {"depth": 2, "topics": ["debugging", "ownership"]}})
}

// A table: one entry per line group, kept as written.
#[rustfmt::skip]
fn cases() -> Vec<Case<Client>> {
    use types::{CreatePostingRequestCompanyOverviewDeliveryMode as Overview, ListQuestionsModality};
    vec![
        case!("health_check", "GET /health", |c| c.health_check()),
        case!("create_posting", "POST /api/v2/postings",
            json!({"title": "Senior Software Engineer",
                "description": "We are hiring a backend engineer to own our billing services.",
                // Fields with a server default are sent only when set.
                "company_overview_delivery_mode": "summarized_delivery", "deadline": "2025-03-15T00:00:00Z",
                "metadata": {"external_id": "ats_12345", "source": "workday"},
                "workflow": [{"type": "web_interview",
                    "config": {"video": true, "voice_id": "wrv-abc123", "interview_type": "technical", "num_questions": 5,
                               "cheat_detection_config": {"enabled": true, "threshold": 70, "types": ["tab_switching"]}},
                    "questions": [{"modality": "voice", "text": "How would you design a rate limiter?", "score_weight": 3, "max_follow_ups": 2}]},
                    {"type": "resume", "config": {"knockout_enabled": true, "num_criteria_questions": 3}}]}),
            |c| c.create_posting().x_workspace_id(WS).body_map(|b| {
                let text = "We are hiring a backend engineer to own our billing services.";
                b.title("Senior Software Engineer").description(Some(text.try_into().expect("valid")))
                    .workflow(posting_workflow()).deadline("2025-03-15T00:00:00Z".to_owned())
                    .company_overview_delivery_mode(Overview::SummarizedDelivery)
                    .metadata(strings(&[("external_id", "ats_12345"), ("source", "workday")]))
            })),
        case!(label: "required only", "create_posting", "POST /api/v2/postings", json!({"title": "Backend Engineer"}),
            |c| c.create_posting().x_workspace_id(WS).body_map(|b| b.title("Backend Engineer"))),
        case!(label: "from a template", "create_posting", "POST /api/v2/postings",
            json!({"title": "Backend Engineer", "interview_template_id": "IT_abc123"}),
            |c| c.create_posting().x_workspace_id(WS)
                .body_map(|b| b.title("Backend Engineer").interview_template_id("IT_abc123".to_owned()))),
        case!("list_postings", "GET /api/v2/postings?limit=50&starting_after=13D77095&search=senior+engineer",
            |c| c.list_postings().limit(50).starting_after("13D77095").search("senior engineer").x_workspace_id(WS)),
        case!("list_posting_summaries", "GET /api/v2/postings/list?limit=100&starting_after=13D77095&search=Engineer+%26+Co",
            |c| c.list_posting_summaries().limit(100).starting_after("13D77095").search("Engineer & Co").x_workspace_id(WS)),
        case!("get_posting", "GET /api/v2/postings/13D77095",
            |c| c.get_posting().posting_id("13D77095").x_workspace_id(WS)),
        case!("update_posting", "PATCH /api/v2/postings/13D77095",
            json!({"title": "Staff Software Engineer", "max_retakes": 2, "allow_sms_comms": true,
                   "job_overview_delivery_mode": "reference_only", "metadata": {"external_id": "ats_67890"}}),
            |c| c.update_posting().posting_id("13D77095").x_workspace_id(WS).body(types::UpdatePostingRequest {
                title: Some("Staff Software Engineer".try_into().expect("valid title")),
                max_retakes: Some(2),
                allow_sms_comms: Some(true),
                job_overview_delivery_mode: Some(types::UpdatePostingRequestJobOverviewDeliveryMode::ReferenceOnly),
                metadata: Some(strings(&[("external_id", "ats_67890")])),
                ..Default::default()
            })),
        case!(label: "title only", "update_posting", "PATCH /api/v2/postings/13D77095", json!({"title": "Staff Engineer"}),
            |c| c.update_posting().posting_id("13D77095").x_workspace_id(WS)
                .body_map(|b| b.title(Some("Staff Engineer".try_into().expect("a valid title"))))),
        case!("get_posting_stats", "GET /api/v2/postings/13D77095/stats",
            |c| c.get_posting_stats().posting_id("13D77095").x_workspace_id(WS)),
        case!("update_interviewer_workflow_step", "PATCH /api/v2/postings/13D77095/workflow/web_interview",
            json!({"config": step_config()}),
            |c| c.update_interviewer_workflow_step().posting_id("13D77095").step_id("web_interview").x_workspace_id(WS)
                .body_map(|b| b.config(object(step_config())))),
        case!("archive_posting", "POST /api/v2/postings/13D77095/archive",
            |c| c.archive_posting().posting_id("13D77095").x_workspace_id(WS)),
        case!("activate_posting", "POST /api/v2/postings/13D77095/activate",
            |c| c.activate_posting().posting_id("13D77095").x_workspace_id(WS)),
        case!("clone_posting", "POST /api/v2/postings/13D77095/clone",
            |c| c.clone_posting().posting_id("13D77095").x_workspace_id(WS)),
        case!("list_candidates", "GET /api/v2/postings/13D77095/candidates?limit=100&starting_after=C0FFEE&created_after=2026-03-13T00:00:00Z&created_before=1710374399",
            |c| c.list_candidates().posting_id("13D77095").limit(100).starting_after("C0FFEE")
                .created_after("2026-03-13T00:00:00Z").created_before("1710374399").x_workspace_id(WS)),
        case!("ingest_candidate", "POST /api/v2/postings/13D77095/candidates", jane_json(),
            |c| c.ingest_candidate().posting_id("13D77095").x_workspace_id(WS).body(jane())),
        case!("ingest_candidates_bulk", "POST /api/v2/postings/13D77095/candidates/bulk",
            json!({"data": [jane_json(), {"name": "John Roe", "email": "john.roe@example.com"}]}),
            |c| c.ingest_candidates_bulk().posting_id("13D77095").x_workspace_id(WS).body_map(|b| {
                let john = types::CandidateIngestRequest::builder().name("John Roe").email("john.roe@example.com");
                b.data(vec![jane(), john.try_into().expect("valid")])
            })),
        case!("ingest_candidate_async", "POST /api/v2/postings/13D77095/candidates/async", jane_json(),
            |c| c.ingest_candidate_async().posting_id("13D77095").x_workspace_id(WS).body(jane())),
        case!("ingest_candidates_bulk_async", "POST /api/v2/postings/13D77095/candidates/bulk/async",
            json!({"data": [jane_json()]}),
            |c| c.ingest_candidates_bulk_async().posting_id("13D77095").x_workspace_id(WS)
                .body(types::BulkCandidateIngestRequest { data: vec![jane()] })),
        case!("get_interview_data", "GET /api/v2/interviews/D536A69A4090E13F/data",
            |c| c.get_interview_data().interview_id("D536A69A4090E13F").x_workspace_id(WS)),
        case!("get_interview_metadata", "GET /api/v2/interviews/D536A69A4090E13F/metadata",
            |c| c.get_interview_metadata().interview_id("D536A69A4090E13F").x_workspace_id(WS)),
        case!("set_interview_metadata", "POST /api/v2/interviews/D536A69A4090E13F/metadata",
            json!({"metadata": {"external_id": "ats_12345", "source": "workday"}}),
            |c| c.set_interview_metadata().interview_id("D536A69A4090E13F").x_workspace_id(WS)
                .body_map(|b| b.metadata(strings(&[("external_id", "ats_12345"), ("source", "workday")])))),
        case!("delete_interview_metadata", "DELETE /api/v2/interviews/D536A69A4090E13F/metadata",
            |c| c.delete_interview_metadata().interview_id("D536A69A4090E13F").x_workspace_id(WS)),
        // Schema discovery needs no key; the client sends it anyway, as on every request.
        case!("list_agent_types", "GET /api/v2/schemas/agents", |c| c.list_agent_types()),
        case!("list_question_types", "GET /api/v2/schemas/question-types", |c| c.list_question_types()),
        case!("create_webhook", "POST /api/v2/webhooks",
            json!({"posting_id": "13D77095", "webhook_url": "https://webhook.site/test", "event_type": "interview_completed"}),
            |c| c.create_webhook().x_workspace_id(WS).body_map(|b| b.posting_id("13D77095")
                .webhook_url("https://webhook.site/test").event_type("interview_completed"))),
        case!("list_webhooks", "GET /api/v2/webhooks?limit=20&starting_after=42AE4CFA720B1C35D499E9E39C14F321",
            |c| c.list_webhooks().limit(20).starting_after("42AE4CFA720B1C35D499E9E39C14F321").x_workspace_id(WS)),
        case!("get_webhook", "GET /api/v2/webhooks/42AE4CFA720B1C35D499E9E39C14F321",
            |c| c.get_webhook().webhook_id("42AE4CFA720B1C35D499E9E39C14F321").x_workspace_id(WS)),
        case!("delete_webhook", "DELETE /api/v2/webhooks/42AE4CFA720B1C35D499E9E39C14F321",
            |c| c.delete_webhook().webhook_id("42AE4CFA720B1C35D499E9E39C14F321").x_workspace_id(WS)),
        case!("list_email_templates", "GET /api/v2/email-templates?limit=10&starting_after=B31EB9E73BEE&search=invitation",
            |c| c.list_email_templates().limit(10).starting_after("B31EB9E73BEE").search("invitation").x_workspace_id(WS)),
        case!("get_email_template", "GET /api/v2/email-templates/B31EB9E73BEE",
            |c| c.get_email_template().template_id("B31EB9E73BEE").x_workspace_id(WS)),
        case!("list_email_template_groups", "GET /api/v2/email-template-groups?limit=5&starting_after=E629E33BC4AD&search=engineering",
            |c| c.list_email_template_groups().limit(5).starting_after("E629E33BC4AD").search("engineering").x_workspace_id(WS)),
        case!("get_email_template_group", "GET /api/v2/email-template-groups/E629E33BC4AD",
            |c| c.get_email_template_group().group_id("E629E33BC4AD").x_workspace_id(WS)),
        case!("list_design_templates", "GET /api/v2/design-templates?limit=10&starting_after=E00CF3AFCF58&search=dark+mode",
            |c| c.list_design_templates().limit(10).starting_after("E00CF3AFCF58").search("dark mode").x_workspace_id(WS)),
        case!("get_design_template", "GET /api/v2/design-templates/E00CF3AFCF58",
            |c| c.get_design_template().template_id("E00CF3AFCF58").x_workspace_id(WS)),
        case!("list_design_template_groups", "GET /api/v2/design-template-groups?limit=10&starting_after=00231A58EB85&search=brand",
            |c| c.list_design_template_groups().limit(10).starting_after("00231A58EB85").search("brand").x_workspace_id(WS)),
        case!("get_design_template_group", "GET /api/v2/design-template-groups/00231A58EB85",
            |c| c.get_design_template_group().group_id("00231A58EB85").x_workspace_id(WS)),
        case!("list_interview_templates", "GET /api/v2/interview-templates?limit=10&starting_after=IT_abc123&search=senior",
            |c| c.list_interview_templates().limit(10).starting_after("IT_abc123").search("senior").x_workspace_id(WS)),
        case!("get_interview_template", "GET /api/v2/interview-templates/IT_abc123",
            |c| c.get_interview_template().template_id("IT_abc123").x_workspace_id(WS)),
        case!("list_domains", "GET /api/v2/domains?limit=10&starting_after=BCE1C810",
            |c| c.list_domains().limit(10).starting_after("BCE1C810").x_workspace_id(WS)),
        case!("get_domain", "GET /api/v2/domains/BCE1C810", |c| c.get_domain().config_id("BCE1C810").x_workspace_id(WS)),
        case!("list_voices", "GET /api/v2/voices?limit=10&starting_after=wrv-abc123&search=sarah",
            |c| c.list_voices().limit(10).starting_after("wrv-abc123").search("sarah").x_workspace_id(WS)),
        case!("get_voice", "GET /api/v2/voices/wrv-abc123", |c| c.get_voice().voice_id("wrv-abc123").x_workspace_id(WS)),
        case!("list_phone_numbers", "GET /api/v2/phone-numbers?limit=10&starting_after=666A24C3",
            |c| c.list_phone_numbers().limit(10).starting_after("666A24C3").x_workspace_id(WS)),
        case!("get_phone_number", "GET /api/v2/phone-numbers/666A24C3",
            |c| c.get_phone_number().config_id("666A24C3").x_workspace_id(WS)),
        case!("list_sender_emails", "GET /api/v2/sender-emails?limit=10&starting_after=A72B528BDEDF",
            |c| c.list_sender_emails().limit(10).starting_after("A72B528BDEDF").x_workspace_id(WS)),
        case!("get_sender_email", "GET /api/v2/sender-emails/A72B528BDEDF",
            |c| c.get_sender_email().sender_email_id("A72B528BDEDF").x_workspace_id(WS)),
        case!("list_questions", "GET /api/v2/postings/13D77095/questions?modality=resume_scoring&limit=25&starting_after=A1B2C3D4",
            |c| c.list_questions().posting_id("13D77095").modality(ListQuestionsModality::ResumeScoring).limit(25)
                .starting_after("A1B2C3D4").x_workspace_id(WS)),
        case!("create_question", "POST /api/v2/postings/13D77095/questions",
            json!({"modality": "form", "text": "Which shifts can you work?", "is_knockout": true, "answer": ["weekend", "night"],
                   "dropdown_values": [{"label": "Weekend", "value": "weekend"}, {"label": "Night", "value": "night"}],
                   "score_weight": 4}),
            |c| c.create_question().posting_id("13D77095").x_workspace_id(WS).body_map(|b| {
                b.modality(types::CreateQuestionRequestModality::Form).text("Which shifts can you work?")
                    .is_knockout(true).answer(json!(["weekend", "night"])).score_weight(NonZeroU64::new(4))
                    .dropdown_values(vec![strings(&[("label", "Weekend"), ("value", "weekend")]),
                                          strings(&[("label", "Night"), ("value", "night")])])
            })),
        case!("get_question", "GET /api/v2/postings/13D77095/questions/A1B2C3D4",
            |c| c.get_question().posting_id("13D77095").question_id("A1B2C3D4").x_workspace_id(WS)),
        case!("update_question", "PATCH /api/v2/postings/13D77095/questions/A1B2C3D4",
            json!({"text": "What is the hardest bug you have shipped a fix for?", "max_follow_ups": 3,
                   "not_scored": false, "structured_config": structured()}),
            |c| c.update_question().posting_id("13D77095").question_id("A1B2C3D4").x_workspace_id(WS)
                .body(types::UpdateQuestionRequest {
                    text: Some("What is the hardest bug you have shipped a fix for?".into()),
                    max_follow_ups: Some(3),
                    not_scored: Some(false),
                    structured_config: Some(object(structured())),
                    ..Default::default()
                })),
        // Path parameters are percent-encoded as one segment.
        case!("delete_question", "DELETE /api/v2/postings/13D77095/questions/Q%2F1%20%232%3F",
            |c| c.delete_question().posting_id("13D77095").question_id("Q/1 #2?").x_workspace_id(WS)),
        case!("reorder_questions", "POST /api/v2/postings/13D77095/questions/reorder",
            json!({"modality": "voice", "order": ["Q1", "Q3", "Q2"]}),
            |c| c.reorder_questions().posting_id("13D77095").x_workspace_id(WS).body_map(|b| {
                b.modality(types::ReorderQuestionsRequestModality::Voice).order(vec!["Q1".into(), "Q3".into(), "Q2".into()])
            })),
        case!("list_workspaces", "GET /api/v2/workspaces", |c| c.list_workspaces().x_workspace_id(WS)),
        case!("resolve_ats_candidate", "POST /api/v2/ats/candidates/resolve",
            json!({"ats_name": "bullhorn", "email": "jane.doe@example.com", "limit": 5}),
            |c| c.resolve_ats_candidate().x_workspace_id(WS).body_map(|b| {
                b.ats_name("bullhorn").email("jane.doe@example.com".to_owned()).limit(NonZeroU64::new(5))
            })),
        case!("push_ats_candidate", "POST /api/v2/ats/candidates/push",
            json!({"ats_name": "avionte", "interview_id": "D536A69A4090E13F", "create_submission": true,
                   "candidate": {"first_name": "Jane", "last_name": "Doe", "email": "jane.doe@example.com", "set_heymilo_source": true}}),
            |c| c.push_ats_candidate().x_workspace_id(WS).body_map(|b| {
                b.ats_name("avionte").interview_id("D536A69A4090E13F".to_owned()).create_submission(true)
                    .candidate(types::PushCandidatePayload {
                        first_name: Some("Jane".into()),
                        last_name: Some("Doe".into()),
                        email: Some("jane.doe@example.com".into()),
                        set_heymilo_source: Some(true),
                        ..Default::default()
                    })
            })),
        case!(label: "required only", "push_ats_candidate", "POST /api/v2/ats/candidates/push",
            json!({"ats_name": "bullhorn", "candidate": {}}),
            |c| c.push_ats_candidate().x_workspace_id(WS)
                .body_map(|b| b.ats_name("bullhorn").candidate(types::PushCandidatePayload::default()))),
        case!("get_ats_push_status", "GET /api/v2/ats/candidates/push/queue%2Fitem%2042",
            |c| c.get_ats_push_status().item_id("queue/item 42").x_workspace_id(WS)),
        case!("list_ats_connections", "GET /api/v2/ats/connections", |c| c.list_ats_connections().x_workspace_id(WS)),
    ]
}

/// Every operation but the audio preview (below) has an entry; every request
/// body with a defaulted optional field has a "required only" one.
#[tokio::test]
async fn every_operation_sends_what_it_should_and_decodes_its_example() {
    let cases = cases();
    let ops: BTreeSet<&str> = cases.iter().map(|c| c.op).collect();
    let generated: BTreeSet<&str> = heymilo_gen::v2::OPERATIONS.iter().map(|o| o.id).collect();
    let missing: Vec<_> = generated.difference(&ops).collect();
    assert_eq!(missing, [&"get_voice_preview"], "ops without a wire case");
    wire::run("v2", client, KEY, WS, cases).await;
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
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/heymilo-v2-openapi-3.1.json"
    );
    if !std::path::Path::new(path).exists() && std::env::var("CI").as_deref() != Ok("true") {
        return eprintln!("skipped: {path} is absent");
    }
    let published = heymilo_codegen::spec::load(path.as_ref()).unwrap_or_else(|e| panic!("{e}"));
    let instances = synth::instances(&published);
    let (ours, cases) = (Spec::new(spec("v2.yaml")).operations(), cases());
    for inst in &instances {
        let at = (inst.path.as_str(), inst.method.as_str());
        let op = ours.iter().find(|o| (o.path, o.method) == at);
        let id = op.and_then(|o| o.id);
        let id = id.unwrap_or_else(|| panic!("{}: not in v2.yaml", inst.operation));
        let case = cases.iter().find(|c| c.op == id);
        let case = case.unwrap_or_else(|| panic!("{id}: no case"));
        let status = inst.status.parse().expect("a status");
        let server = Recorder::start(Reply::json(status, inst.body.clone())).await;
        let decoded = (case.call)(client(&server)).await;
        let shape = inst.shape.name();
        assert!(
            decoded.is_ok(),
            "{id} ({shape}) does not decode {}: {decoded:?}",
            inst.body
        );
    }
    // Every 2xx JSON operation but the empty `getVoicePreview` schema, in three shapes.
    assert!(instances.len() >= 3 * 50, "only {} bodies", instances.len());
    let page = instances
        .iter()
        .find(|i| i.operation == "listCandidates" && i.shape == Shape::AllNull);
    let candidate = &page.expect("listCandidates has a body").body["data"][0];
    for key in ["workflow", "agent_summary", "metadata"] {
        let value = candidate.get(key);
        assert_eq!(value, Some(&Value::Null), "{key} in {candidate}");
    }
}

/// The preview is `audio/mpeg`: the generated code hands back the raw body as
/// a byte stream, and asks for no media type (reqwest's `Accept: */*`).
#[tokio::test]
async fn get_voice_preview() {
    let v2 = Spec::new(spec("v2.yaml"));
    let op = v2.operation("get_voice_preview").expect("operation");
    let (status, response) = op.success().expect("a 2xx response");
    assert_eq!(status, "200");
    assert!(response["content"].get("audio/mpeg").is_some());
    let audio = "ID3\u{4}\0\0\0\0\0\0\u{7f}fake mpeg frame";
    let server = Recorder::start(Reply::raw(200, audio).header("content-type", "audio/mpeg")).await;
    let c = client(&server);
    let preview = c.get_voice_preview().voice_id("wrv-abc123");
    let res = preview.x_workspace_id(WS).send().await.expect("streams");
    let kind = res.headers()["content-type"].to_str().ok();
    assert_eq!((res.status().as_u16(), kind), (200, Some("audio/mpeg")));
    let mut stream = res.into_inner().into_inner();
    let mut body = Vec::new();
    while let Some(chunk) = futures::StreamExt::next(&mut stream).await {
        body.extend_from_slice(&chunk.expect("chunk"));
    }
    assert_eq!(body, audio.as_bytes());
    let req = server.single();
    let want = ("/api/v2/voices/wrv-abc123/preview", Some("*/*"));
    assert_eq!((req.path.as_str(), req.header("accept")), want);
    insta::assert_snapshot!("get_voice_preview", req.wire());
}

/// Every JSON success response gets a non-empty example, and the examples
/// pass through every component schema a 2xx response can reach; the others
/// serve only request bodies and errors, apart from the two error shapes
/// `ErrorBody` stands for, kept as documentation.
#[test]
fn documented_examples_cover_every_success_response_schema() {
    let doc = spec("v2.yaml");
    let spec = Spec::new(doc);
    let ops = spec.operations();
    assert_eq!(ops.len(), 56, "v2 operations in the spec");
    let documented: BTreeSet<&str> = ops.iter().filter_map(|op| op.id).collect();
    let generated: BTreeSet<&str> = heymilo_gen::v2::OPERATIONS.iter().map(|o| o.id).collect();
    assert_eq!(documented, generated, "every operation is generated");
    let (mut visited, mut reachable, mut elsewhere) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for op in &ops {
        let id = op.id.expect("operationId");
        for (code, response) in op.node["responses"].as_object().expect("responses") {
            let into = if code.starts_with('2') {
                &mut reachable
            } else {
                &mut elsewhere
            };
            spec.reachable(response, into);
        }
        if let Some(body) = op.node.get("requestBody") {
            spec.reachable(body, &mut elsewhere);
        }
        let Some((_, example, seen)) = example(doc, id) else {
            assert_eq!(id, "get_voice_preview", "only the preview is not JSON");
            continue;
        };
        let schema =
            spec.deref(&op.success().expect("2xx").1["content"]["application/json"]["schema"]);
        // A registry "whose layout the server decides" declares no property: its example is `{}`.
        let free_form =
            schema.get("properties").is_none() && schema["additionalProperties"] == true;
        let fields = example
            .as_object()
            .unwrap_or_else(|| panic!("{id}: not an object"));
        assert!(!fields.is_empty() || free_form, "{id}: empty example");
        visited.extend(seen);
    }
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
        let health = health
            .unwrap_or_else(|e| panic!("{body}: {e}"))
            .into_inner();
        assert_eq!(health.status, status, "{body}");
        let text = health.status.map(|s| s.to_string()).unwrap_or_default();
        assert_eq!(text, shown, "{body}");
    }
}

#[tokio::test]
async fn list_candidates_rejects_a_zero_limit_before_sending() {
    let server = Recorder::start(Reply::json(200, json!({}))).await;
    let c = client(&server);
    let err = c.list_candidates().posting_id("p").limit(0).send().await;
    let err = err.expect_err("invalid");
    let invalid = matches!(err, heymilo_gen::v2::Error::InvalidRequest(_));
    assert!(invalid, "{err:?}");
    assert!(server.requests().is_empty(), "nothing may be sent");
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
    let decoded: types::CandidateResponse = serde_json::from_value(c).expect("tolerant decode");
    assert_eq!(decoded.status, "on_hold_new_status");
    let step = &decoded.workflow.expect("workflow").steps[0];
    assert_eq!(step.status, "paused_by_recruiter");
    let hook = json!({"webhook_id": "w", "posting_id": "p", "url": "https://x", "event_type": "candidate_archived",
                      "http_method": "put", "is_active": true, "surprise": 1});
    let hook: heymilo_gen::v1::types::Webhook = serde_json::from_value(hook).expect("decodes");
    let (event, method) = (hook.event_type.as_deref(), hook.http_method.as_deref());
    assert_eq!((event, method), (Some("candidate_archived"), Some("put")));
    let step = json!({"type": "voice_call", "unique_id": "agent_vc_001", "config": {"x": 1}});
    let decoded: heymilo_gen::v1::types::AgenticWorkflowStep =
        serde_json::from_value(step).expect("tolerant decode");
    assert_eq!(decoded.type_.as_deref(), Some("voice_call"));
}

#[test]
fn workflow_steps_carry_their_own_tag() {
    use types::{
        ConversationalSmsStep, CreatePostingRequestWorkflowItem as Item, FormStep, ResumeStep,
        WebInterviewStep,
    };
    let form = FormStep {
        questions: Some(Vec::new()),
        ..Default::default()
    };
    #[rustfmt::skip]
    let cases: [(Item, Value); 4] = [
        (WebInterviewStep::default().into(), json!({"type": "web_interview"})),
        (ConversationalSmsStep::default().into(), json!({"type": "conversational_sms"})),
        (ResumeStep::default().into(), json!({"type": "resume"})),
        (form.into(), json!({"type": "form", "questions": []})),
    ];
    for (step, wire) in cases {
        assert_eq!(serde_json::to_value(&step).expect("serializes"), wire);
        // The tag alone says which variant a step is.
        let back: Item = serde_json::from_value(wire.clone()).expect("decodes");
        assert_eq!(back, step, "{wire}");
    }
    let wrong = serde_json::from_value::<Item>(json!({"type": "web_interviw"}));
    assert!(wrong.is_err(), "a misspelt tag is not a step: {wrong:?}");
}
