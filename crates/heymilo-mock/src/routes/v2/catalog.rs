//! The workspace's read-only v2 catalogues: email templates and their
//! groups, design templates and their groups, interview templates, custom
//! domains, voices (with an audio preview), phone numbers, sender emails and
//! workspaces, plus the agent and question type registries.
//!
//! Seeded from the store's generator after the postings, so the same seed
//! gives the same catalogue; postings refer to its entries by id.

use std::collections::HashMap;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::get;
use heymilo_gen::v2::types as t;
use serde::Serialize;
use serde_json::json;

use crate::http::error;
use crate::http::{AppState, Reply, Shared, json, pagination};
use crate::model::postings::AGENT_TYPES;
use crate::model::questions::{MODALITIES, modalities_of_step};
use crate::model::store::object;

/// The catalogue and registry routes.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v2/email-templates", get(list_email_templates))
        .route(
            "/api/v2/email-templates/{template_id}",
            get(get_email_template),
        )
        .route(
            "/api/v2/email-template-groups",
            get(list_email_template_groups),
        )
        .route(
            "/api/v2/email-template-groups/{group_id}",
            get(get_email_template_group),
        )
        .route("/api/v2/design-templates", get(list_design_templates))
        .route(
            "/api/v2/design-templates/{template_id}",
            get(get_design_template),
        )
        .route(
            "/api/v2/design-template-groups",
            get(list_design_template_groups),
        )
        .route(
            "/api/v2/design-template-groups/{group_id}",
            get(get_design_template_group),
        )
        .route("/api/v2/interview-templates", get(list_interview_templates))
        .route(
            "/api/v2/interview-templates/{template_id}",
            get(get_interview_template),
        )
        .route("/api/v2/phone-numbers", get(list_phone_numbers))
        .route("/api/v2/phone-numbers/{config_id}", get(get_phone_number))
        .route("/api/v2/sender-emails", get(list_sender_emails))
        .route(
            "/api/v2/sender-emails/{sender_email_id}",
            get(get_sender_email),
        )
        .route("/api/v2/domains", get(list_domains))
        .route("/api/v2/domains/{config_id}", get(get_domain))
        .route("/api/v2/schemas/agents", get(list_agent_types))
        .route("/api/v2/schemas/question-types", get(list_question_types))
        .route("/api/v2/voices", get(list_voices))
        .route("/api/v2/voices/{voice_id}", get(get_voice))
        .route("/api/v2/voices/{voice_id}/preview", get(get_voice_preview))
        .route("/api/v2/workspaces", get(list_workspaces))
}

/// One page of `all` (already filtered), wrapped in its list type.
fn page<T: Clone, L: Serialize>(
    q: &HashMap<String, String>,
    all: &[T],
    id: impl Fn(&T) -> &str,
    url: &str,
    wrap: impl FnOnce(Vec<T>, t::PaginationMeta) -> L,
) -> Reply {
    let (data, pagination) = pagination::paginate(all, id, q, url)?;
    Ok(json(200, &wrap(data, pagination)))
}

/// The entry with this id, wrapped in its single-item type, or a 404.
fn one<T: Clone, S: Serialize>(
    all: &[T],
    id: impl Fn(&T) -> &str,
    wanted: &str,
    what: &str,
    wrap: impl FnOnce(T) -> S,
) -> Reply {
    let x = all
        .iter()
        .find(|x| id(x) == wanted)
        .ok_or_else(|| error::not_found(what))?;
    Ok(json(200, &wrap(x.clone())))
}

/// The entries whose name matches `search`.
fn named<T: Clone>(q: &HashMap<String, String>, all: &[T], name: impl Fn(&T) -> &str) -> Vec<T> {
    all.iter()
        .filter(|x| pagination::matches_search(q, name(x)))
        .cloned()
        .collect()
}

async fn list_agent_types() -> Reply {
    let config_keys = |kind: &str| -> Vec<&'static str> {
        let shared = [
            "instructions",
            "company_overview",
            "job_overview",
            "interview_process_overview",
            "company_overview_delivery_mode",
            "job_overview_delivery_mode",
            "interview_process_overview_delivery_mode",
        ];
        let own: &[&str] = match kind {
            "web_interview" => &[
                "video",
                "voice_id",
                "phone_calls_enabled",
                "interview_type",
                "num_questions",
                "min_evaluation_score",
                "prompt_version",
                "is_multilingual",
                "cheat_detection_config",
                "web_interview_config",
            ],
            "conversational_sms" => &[
                "knockout_enabled",
                "num_questions",
                "intro_message",
                "disqualification_message",
                "follow_up_message",
                "hop_on_call_message",
                "cooldown_period_hrs",
                "max_nudge_amount",
                "blackout_period",
            ],
            "resume" => &[
                "knockout_enabled",
                "min_evaluation_score",
                "mandatory",
                "num_eligibility_questions",
                "num_criteria_questions",
            ],
            _ => &["knockout_enabled"],
        };
        shared.iter().chain(own).copied().collect()
    };
    let describe = |kind: &str| match kind {
        "web_interview" => "Voice or video interview held by the AI interviewer.",
        "conversational_sms" => "Screening conversation by text message.",
        "resume" => "Resume screening against eligibility and scored criteria.",
        _ => "Screening form with optional knockout questions.",
    };
    let agents: Vec<_> = AGENT_TYPES
        .iter()
        .map(|kind| {
            json!({
                "type": kind,
                "description": describe(kind),
                "config_keys": config_keys(kind),
                "question_modalities": modalities_of_step(kind),
            })
        })
        .collect();
    let registry = t::AgentTypeRegistry(object(json!({
        "object": "agent_type_registry",
        "agent_types": agents,
    })));
    Ok(json(200, &registry))
}

async fn list_question_types() -> Reply {
    let modality = |m: &str| match m {
        "voice" => {
            json!({"question_types": ["open-ended", "scored"], "score_weight": {"minimum": 1, "maximum": 10}})
        }
        "sms" => json!({"question_types": ["YES_NO", "NUMERIC"]}),
        "form" => {
            json!({"question_types": ["textarea", "dropdown", "file_upload", "slider"], "operators": ["eq", "neq", "gt", "gte", "lt", "lte"]})
        }
        "voice_tags" => json!({"response_formats": ["text", "freeform", "date", "number"]}),
        _ => json!({"question_types": []}),
    };
    let modalities: serde_json::Map<String, serde_json::Value> = MODALITIES
        .iter()
        .map(|m| ((*m).to_owned(), modality(m)))
        .collect();
    let registry = t::QuestionTypeRegistry(object(json!({
        "object": "question_type_registry",
        "modalities": modalities,
    })));
    Ok(json(200, &registry))
}

/// For each row, `list_*` and `get_*` of one catalogue: a page of its
/// entries (filtered by `search` on their name when the row ends in
/// `search`), and the entry with an id or a 404 naming `what`.
macro_rules! catalogue {
    (@entries $q:ident, $all:expr, search) => {
        named(&$q, &$all, |x| &x.name)
    };
    (@entries $q:ident, $all:expr) => {
        $all.clone()
    };
    ($($list:ident, $get:ident, $field:ident, $url:literal, $what:literal, $List:ident, $Single:ident $(, $search:ident)?;)*) => {$(
        async fn $list(
            State(s): State<Shared>,
            Query(q): Query<HashMap<String, String>>,
        ) -> Reply {
            let all = catalogue!(@entries q, s.store().catalog.$field $(, $search)?);
            page(&q, &all, |x| &x.id, $url, |data, pagination| t::$List { data, pagination })
        }

        async fn $get(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
            one(&s.store().catalog.$field, |x| &x.id, &id, $what, |data| t::$Single { data, meta: None })
        }
    )*};
}

// list, get, catalogue field, list path, what a 404 names, list type, single type[, search]
catalogue! {
    list_email_templates, get_email_template, email_templates, "/api/v2/email-templates", "Email template", ListResponseEmailTemplateResponse, SingleResponseEmailTemplateResponse, search;
    list_email_template_groups, get_email_template_group, email_template_groups, "/api/v2/email-template-groups", "Email template group", ListResponseEmailTemplateGroupResponse, SingleResponseEmailTemplateGroupResponse, search;
    list_design_templates, get_design_template, design_templates, "/api/v2/design-templates", "Design template", ListResponseDesignTemplateResponse, SingleResponseDesignTemplateResponse, search;
    list_design_template_groups, get_design_template_group, design_template_groups, "/api/v2/design-template-groups", "Design template group", ListResponseDesignTemplateGroupResponse, SingleResponseDesignTemplateGroupResponse, search;
    list_interview_templates, get_interview_template, interview_templates, "/api/v2/interview-templates", "Interview template", ListResponseInterviewTemplateResponse, SingleResponseInterviewTemplateResponse, search;
    list_phone_numbers, get_phone_number, phone_numbers, "/api/v2/phone-numbers", "Phone number", ListResponsePhoneNumberResponse, SingleResponsePhoneNumberResponse;
    list_sender_emails, get_sender_email, sender_emails, "/api/v2/sender-emails", "Sender email", ListResponseSenderEmailResponse, SingleResponseSenderEmailResponse;
    list_domains, get_domain, domains, "/api/v2/domains", "Domain", ListResponseCustomDomainResponse, SingleResponseCustomDomainResponse;
}

/// The voices with their preview link on this server.
fn voices(s: &AppState) -> Vec<t::VoiceResponse> {
    let mut all = s.store().catalog.voices.clone();
    for v in &mut all {
        v.preview_url = Some(format!("{}/api/v2/voices/{}/preview", s.base_url, v.id));
    }
    all
}

async fn list_voices(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Reply {
    let all = named(&q, &voices(&s), |x| &x.name);
    page(
        &q,
        &all,
        |x| &x.id,
        "/api/v2/voices",
        |data, pagination| t::ListResponseVoiceResponse { data, pagination },
    )
}

async fn get_voice(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
    one(
        &voices(&s),
        |x| &x.id,
        &id,
        "Voice",
        |data| t::SingleResponseVoiceResponse { data, meta: None },
    )
}

/// A tiny but well-formed MP3: an ID3v2 tag and one silent MPEG-1 Layer III
/// frame (128 kbit/s, 44.1 kHz).
fn silent_mp3() -> Vec<u8> {
    let mut out = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    let mut frame = vec![0u8; 417];
    frame[..4].copy_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
    out.extend(frame);
    out
}

async fn get_voice_preview(State(s): State<Shared>, Path(id): Path<String>) -> Reply {
    if !s.store().catalog.voices.iter().any(|v| v.id == id) {
        return Err(error::not_found("Voice"));
    }
    Ok(Response::builder()
        .status(200)
        .header("content-type", "audio/mpeg")
        .body(Body::from(silent_mp3()))
        .unwrap_or_default())
}

/// An API key acts in exactly one workspace.
async fn list_workspaces(State(s): State<Shared>) -> Reply {
    let store = s.store();
    let c = &store.catalog;
    let workspace = json!({
        "object": "workspace",
        "id": c.workspace_id,
        "name": c.workspace_name,
        "company_id": crate::model::store::COMPANY_ID,
        "is_default": true,
    });
    Ok(json(
        200,
        &t::ListResponse {
            data: vec![workspace],
            pagination: pagination::page_meta(false, 1, "/api/v2/workspaces".into()),
        },
    ))
}
