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
use rand::Rng;
use serde::Serialize;
use serde_json::json;

use crate::store::{Store, object};
use crate::{Shared, errors, json, v2, v2_postings, v2_questions};

/// Everything the catalogue routes serve.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    /// The key's one workspace.
    pub(crate) workspace_id: String,
    /// Its name.
    pub(crate) workspace_name: String,
    /// Email templates, one per kind of email.
    pub(crate) email_templates: Vec<t::EmailTemplateResponse>,
    /// Sets of email templates.
    pub(crate) email_template_groups: Vec<t::EmailTemplateGroupResponse>,
    /// Page designs, one per page type.
    pub(crate) design_templates: Vec<t::DesignTemplateResponse>,
    /// Sets of page designs.
    pub(crate) design_template_groups: Vec<t::DesignTemplateGroupResponse>,
    /// Templates taken from the first seeded postings.
    pub(crate) interview_templates: Vec<t::InterviewTemplateResponse>,
    /// Custom interview-link domains.
    pub(crate) domains: Vec<t::CustomDomainResponse>,
    /// Voices, `preview_url` filled in when served (it names the server).
    pub(crate) voices: Vec<t::VoiceResponse>,
    /// Numbers of the SMS and voice agents.
    pub(crate) phone_numbers: Vec<t::PhoneNumberResponse>,
    /// Addresses candidate emails come from.
    pub(crate) sender_emails: Vec<t::SenderEmailResponse>,
}

/// Email templates: key, name, subject.
const EMAILS: &[(&str, &str, &str)] = &[
    (
        "WEB_INTERVIEW_INVITATION",
        "Interview Invitation",
        "Your interview for {{job_title}}",
    ),
    (
        "WEB_INTERVIEW_NUDGE",
        "Interview Reminder",
        "Reminder: your interview for {{job_title}}",
    ),
    (
        "RESUME_INVITATION",
        "Resume Request",
        "Share your resume for {{job_title}}",
    ),
    (
        "FORM_INVITATION",
        "Screening Form Invitation",
        "A few questions about {{job_title}}",
    ),
    (
        "REPORT_READY_EMAIL",
        "Report Ready",
        "Your interview report for {{job_title}}",
    ),
];

/// Design templates: page type, name.
const DESIGNS: &[(&str, &str)] = &[
    ("welcome_page", "Acme Welcome Page"),
    ("status_page", "Acme Status Page"),
    ("interview_complete_page", "Acme Thank You Page"),
    ("interview_page", "Acme Interview Room"),
];

/// Voices: provider, name, language, country, gender, accent.
const VOICES: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("elevenlabs", "Sarah", "en", "US", "female", "american"),
    ("elevenlabs", "Marcus", "en", "GB", "male", "british"),
    ("cartesia", "Lena", "de", "DE", "female", "german"),
    ("cartesia", "Diego", "es", "MX", "male", "mexican"),
    ("lmnt", "Ava", "en", "US", "female", "american"),
    ("lmnt", "Kai", "en", "AU", "neutral", "australian"),
];

impl Catalog {
    /// The catalogue of a freshly seeded store; links the seeded postings
    /// to its first phone number, sender and template groups.
    pub(crate) fn seeded(store: &mut Store) -> Catalog {
        let mut c = Catalog {
            workspace_id: store.hex(6),
            workspace_name: "Acme Hiring".into(),
            ..Catalog::default()
        };
        let domain_id = store.hex(12);
        for prefix in ["hiring", "talent"] {
            let created_at = store.tick();
            c.sender_emails.push(t::SenderEmailResponse {
                object: "sender_email".into(),
                id: store.hex(12),
                email_prefix: prefix.into(),
                domain: "acme.com".into(),
                full_email: format!("{prefix}@acme.com"),
                domain_id: domain_id.clone(),
                created_at,
            });
        }
        for (key, name, subject) in EMAILS {
            let created_at = store.tick();
            let nudge = key.ends_with("_NUDGE");
            c.email_templates.push(t::EmailTemplateResponse {
                object: "email_template".into(),
                id: store.hex(12),
                template_key: (*key).into(),
                name: (*name).into(),
                subject: (*subject).into(),
                content:
                    "<p>Hi {{candidate_name}},</p><p>Thank you for applying to {{job_title}}.</p>"
                        .into(),
                blackout_period: nudge.then(|| t::BlackoutPeriod {
                    enabled: true,
                    timezone: "America/New_York".into(),
                    start_hour: 22,
                    end_hour: 7,
                }),
                created_at,
                updated_at: created_at,
            });
        }
        let mapping = |n: usize, all: &[(String, String)]| -> HashMap<String, String> {
            all.iter().take(n).cloned().collect()
        };
        let emails: Vec<(String, String)> = c
            .email_templates
            .iter()
            .map(|e| (e.template_key.clone(), e.id.clone()))
            .collect();
        for (name, n, sender) in [
            ("Default Emails", emails.len(), 0),
            ("Engineering Hiring Emails", 2, 1),
        ] {
            let created_at = store.tick();
            c.email_template_groups.push(t::EmailTemplateGroupResponse {
                object: "email_template_group".into(),
                id: store.hex(12),
                name: name.into(),
                template_mappings: mapping(n, &emails),
                sender_email_id: c.sender_emails.get(sender).map(|s| s.id.clone()),
                created_at,
                updated_at: created_at,
            });
        }
        for (kind, name) in DESIGNS {
            let created_at = store.tick();
            c.design_templates.push(t::DesignTemplateResponse {
                object: "design_template".into(),
                id: store.hex(12),
                name: (*name).into(),
                template_type: (*kind).into(),
                design_config: object(json!({
                    "background_color": "#ffffff",
                    "primary_color": "#0b5fff",
                    "font_family": "Inter, sans-serif",
                    "header_text": "Welcome to your interview",
                    "show_logo": true
                })),
                created_at,
                updated_at: created_at,
            });
        }
        let designs: Vec<(String, String)> = c
            .design_templates
            .iter()
            .map(|d| (d.template_type.clone(), d.id.clone()))
            .collect();
        for (name, n, is_default) in [
            ("Acme Brand Kit", designs.len(), true),
            ("Minimal Welcome", 1, false),
        ] {
            let created_at = store.tick();
            c.design_template_groups
                .push(t::DesignTemplateGroupResponse {
                    object: "design_template_group".into(),
                    id: store.hex(12),
                    name: name.into(),
                    template_mappings: mapping(n, &designs),
                    is_default,
                    created_at,
                    updated_at: created_at,
                });
        }
        let blueprints: Vec<(String, String)> = store
            .postings
            .iter()
            .take(3)
            .map(|p| (p.id.clone(), p.title.clone()))
            .collect();
        for (i, (posting_id, title)) in blueprints.into_iter().enumerate() {
            let created_at = store.tick();
            let code = format!("{}-template", crate::store::slug(&title));
            c.interview_templates.push(t::InterviewTemplateResponse {
                object: "interview_template".into(),
                id: format!("IT_{}", store.hex(6).to_lowercase()),
                template_code: code.chars().take(32).collect(),
                name: format!("{title} Template"),
                description: Some(format!("The screening used for {title} roles.")),
                posting_id,
                is_default: i == 0,
                created_at,
                updated_at: created_at,
            });
        }
        for (domain, active) in [("interviews.acme.com", true), ("careers.acme.io", false)] {
            let created_at = store.tick();
            c.domains.push(t::CustomDomainResponse {
                object: "domain".into(),
                id: store.hex(8),
                domain: domain.into(),
                cname_target: "ingress.heymilo.ai".into(),
                status: (if active { "active" } else { "pending" }).into(),
                active,
                created_at,
                updated_at: created_at,
            });
        }
        for (provider, name, language, country, gender, accent) in VOICES {
            let created_at = store.tick();
            c.voices.push(t::VoiceResponse {
                object: "voice".into(),
                id: format!("wrv-{}", store.hex(8).to_lowercase()),
                provider: (*provider).into(),
                provider_voice_id: store.hex(20),
                name: (*name).into(),
                language: Some((*language).into()),
                country_code: Some((*country).into()),
                gender: Some((*gender).into()),
                preview_url: None,
                labels: [
                    ("accent", *accent),
                    ("age", "middle_aged"),
                    ("style", "conversational"),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
                created_at,
                updated_at: created_at,
            });
        }
        for (prefix, country, active) in [
            ("+1206555", "US", true),
            ("+4420794", "GB", true),
            ("+1415555", "US", false),
        ] {
            let created_at = store.tick();
            let line: u32 = store.rng().random_range(0..10_000);
            c.phone_numbers.push(t::PhoneNumberResponse {
                object: "phone_number".into(),
                id: store.hex(8),
                phone_number: format!("{prefix}{line:04}"),
                country_code: Some(country.into()),
                active,
                date_provisioned: Some(created_at),
            });
        }
        let first = |ids: Vec<String>| ids.into_iter().next();
        let phone = first(c.phone_numbers.iter().map(|x| x.id.clone()).collect());
        let sender = first(c.sender_emails.iter().map(|x| x.id.clone()).collect());
        let emails = first(
            c.email_template_groups
                .iter()
                .map(|x| x.id.clone())
                .collect(),
        );
        let designs = first(
            c.design_template_groups
                .iter()
                .map(|x| x.id.clone())
                .collect(),
        );
        for p in &mut store.postings {
            p.settings.phone_number_id = phone.clone();
            p.settings.sender_email_id = sender.clone();
            p.settings.email_template_group_id = emails.clone();
            p.settings.design_template_group_id = designs.clone();
        }
        c
    }
}

/// The catalogue and registry routes.
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v2/schemas/agents", get(list_agent_types))
        .route("/api/v2/schemas/question-types", get(list_question_types))
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
        .route("/api/v2/domains", get(list_domains))
        .route("/api/v2/domains/{config_id}", get(get_domain))
        .route("/api/v2/voices", get(list_voices))
        .route("/api/v2/voices/{voice_id}", get(get_voice))
        .route("/api/v2/voices/{voice_id}/preview", get(get_voice_preview))
        .route("/api/v2/phone-numbers", get(list_phone_numbers))
        .route("/api/v2/phone-numbers/{config_id}", get(get_phone_number))
        .route("/api/v2/sender-emails", get(list_sender_emails))
        .route(
            "/api/v2/sender-emails/{sender_email_id}",
            get(get_sender_email),
        )
        .route("/api/v2/workspaces", get(list_workspaces))
}

/// One page of `all` (already filtered), wrapped in its list type.
fn page<T: Clone, L: Serialize>(
    q: &HashMap<String, String>,
    all: &[T],
    id: impl Fn(&T) -> &str,
    url: &str,
    wrap: impl FnOnce(Vec<T>, t::PaginationMeta) -> L,
) -> Response {
    match v2::paginate(all, id, q, url) {
        Ok((data, pagination)) => json(200, &wrap(data, pagination)),
        Err(e) => e,
    }
}

/// The entry with this id, wrapped in its single-item type, or a 404.
fn one<T: Clone, S: Serialize>(
    all: &[T],
    id: impl Fn(&T) -> &str,
    wanted: &str,
    what: &str,
    wrap: impl FnOnce(T) -> S,
) -> Response {
    match all.iter().find(|x| id(x) == wanted) {
        Some(x) => json(200, &wrap(x.clone())),
        None => errors::not_found(what),
    }
}

/// The entries whose name matches `search`.
fn named<T: Clone>(q: &HashMap<String, String>, all: &[T], name: impl Fn(&T) -> &str) -> Vec<T> {
    all.iter()
        .filter(|x| v2::matches_search(q, name(x)))
        .cloned()
        .collect()
}

async fn list_agent_types() -> Response {
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
    let agents: Vec<_> = v2_postings::AGENT_TYPES
        .iter()
        .map(|kind| {
            json!({
                "type": kind,
                "description": describe(kind),
                "config_keys": config_keys(kind),
                "question_modalities": v2_questions::modalities_of_step(kind),
            })
        })
        .collect();
    let registry = t::AgentTypeRegistry(object(json!({
        "object": "agent_type_registry",
        "agent_types": agents,
    })));
    json(200, &registry)
}

async fn list_question_types() -> Response {
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
    let modalities: serde_json::Map<String, serde_json::Value> = v2_questions::MODALITIES
        .iter()
        .map(|m| ((*m).to_owned(), modality(m)))
        .collect();
    let registry = t::QuestionTypeRegistry(object(json!({
        "object": "question_type_registry",
        "modalities": modalities,
    })));
    json(200, &registry)
}

async fn list_email_templates(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let all = named(&q, &s.store().catalog.email_templates, |x| &x.name);
    page(
        &q,
        &all,
        |x| &x.id,
        "/api/v2/email-templates",
        |data, pagination| t::ListResponseEmailTemplateResponse { data, pagination },
    )
}

async fn get_email_template(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    one(
        &s.store().catalog.email_templates,
        |x| &x.id,
        &id,
        "Email template",
        |data| t::SingleResponseEmailTemplateResponse { data, meta: None },
    )
}

async fn list_email_template_groups(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let all = named(&q, &s.store().catalog.email_template_groups, |x| &x.name);
    page(
        &q,
        &all,
        |x| &x.id,
        "/api/v2/email-template-groups",
        |data, pagination| t::ListResponseEmailTemplateGroupResponse { data, pagination },
    )
}

async fn get_email_template_group(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    one(
        &s.store().catalog.email_template_groups,
        |x| &x.id,
        &id,
        "Email template group",
        |data| t::SingleResponseEmailTemplateGroupResponse { data, meta: None },
    )
}

async fn list_design_templates(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let all = named(&q, &s.store().catalog.design_templates, |x| &x.name);
    page(
        &q,
        &all,
        |x| &x.id,
        "/api/v2/design-templates",
        |data, pagination| t::ListResponseDesignTemplateResponse { data, pagination },
    )
}

async fn get_design_template(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    one(
        &s.store().catalog.design_templates,
        |x| &x.id,
        &id,
        "Design template",
        |data| t::SingleResponseDesignTemplateResponse { data, meta: None },
    )
}

async fn list_design_template_groups(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let all = named(&q, &s.store().catalog.design_template_groups, |x| &x.name);
    page(
        &q,
        &all,
        |x| &x.id,
        "/api/v2/design-template-groups",
        |data, pagination| t::ListResponseDesignTemplateGroupResponse { data, pagination },
    )
}

async fn get_design_template_group(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    one(
        &s.store().catalog.design_template_groups,
        |x| &x.id,
        &id,
        "Design template group",
        |data| t::SingleResponseDesignTemplateGroupResponse { data, meta: None },
    )
}

async fn list_interview_templates(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let all = named(&q, &s.store().catalog.interview_templates, |x| &x.name);
    page(
        &q,
        &all,
        |x| &x.id,
        "/api/v2/interview-templates",
        |data, pagination| t::ListResponseInterviewTemplateResponse { data, pagination },
    )
}

async fn get_interview_template(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    one(
        &s.store().catalog.interview_templates,
        |x| &x.id,
        &id,
        "Interview template",
        |data| t::SingleResponseInterviewTemplateResponse { data, meta: None },
    )
}

async fn list_domains(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let all = s.store().catalog.domains.clone();
    page(
        &q,
        &all,
        |x| &x.id,
        "/api/v2/domains",
        |data, pagination| t::ListResponseCustomDomainResponse { data, pagination },
    )
}

async fn get_domain(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    one(
        &s.store().catalog.domains,
        |x| &x.id,
        &id,
        "Domain",
        |data| t::SingleResponseCustomDomainResponse { data, meta: None },
    )
}

/// The voices with their preview link on this server.
fn voices(s: &crate::AppState) -> Vec<t::VoiceResponse> {
    let mut all = s.store().catalog.voices.clone();
    for v in &mut all {
        v.preview_url = Some(format!("{}/api/v2/voices/{}/preview", s.base_url, v.id));
    }
    all
}

async fn list_voices(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let all = named(&q, &voices(&s), |x| &x.name);
    page(
        &q,
        &all,
        |x| &x.id,
        "/api/v2/voices",
        |data, pagination| t::ListResponseVoiceResponse { data, pagination },
    )
}

async fn get_voice(State(s): State<Shared>, Path(id): Path<String>) -> Response {
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

async fn get_voice_preview(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    if !s.store().catalog.voices.iter().any(|v| v.id == id) {
        return errors::not_found("Voice");
    }
    Response::builder()
        .status(200)
        .header("content-type", "audio/mpeg")
        .body(Body::from(silent_mp3()))
        .unwrap_or_default()
}

async fn list_phone_numbers(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let all = s.store().catalog.phone_numbers.clone();
    page(
        &q,
        &all,
        |x| &x.id,
        "/api/v2/phone-numbers",
        |data, pagination| t::ListResponsePhoneNumberResponse { data, pagination },
    )
}

async fn get_phone_number(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    one(
        &s.store().catalog.phone_numbers,
        |x| &x.id,
        &id,
        "Phone number",
        |data| t::SingleResponsePhoneNumberResponse { data, meta: None },
    )
}

async fn list_sender_emails(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let all = s.store().catalog.sender_emails.clone();
    page(
        &q,
        &all,
        |x| &x.id,
        "/api/v2/sender-emails",
        |data, pagination| t::ListResponseSenderEmailResponse { data, pagination },
    )
}

async fn get_sender_email(State(s): State<Shared>, Path(id): Path<String>) -> Response {
    one(
        &s.store().catalog.sender_emails,
        |x| &x.id,
        &id,
        "Sender email",
        |data| t::SingleResponseSenderEmailResponse { data, meta: None },
    )
}

/// An API key acts in exactly one workspace.
async fn list_workspaces(State(s): State<Shared>) -> Response {
    let store = s.store();
    let c = &store.catalog;
    let workspace = json!({
        "object": "workspace",
        "id": c.workspace_id,
        "name": c.workspace_name,
        "company_id": crate::store::COMPANY_ID,
        "is_default": true,
    });
    json(
        200,
        &t::ListResponse {
            data: vec![workspace],
            pagination: v2::page_meta(false, 1, "/api/v2/workspaces".into()),
        },
    )
}
