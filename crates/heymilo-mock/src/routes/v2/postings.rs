//! v2 postings (interviewers): create, list, get, update, statistics, one
//! workflow step's config, archive, activate and clone.
//!
//! A posting is the store's [`Posting`], the same object v1 lists. A workflow
//! has one step per agent type, each config checked against its agent's
//! schema; a posting created from an ATS-derived template (or cloned from an
//! ATS-derived posting) stays a draft until `activate_posting`.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, patch, post};
use heymilo_gen::v2::types as t;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::http::error::{self, ApiError};
use crate::http::params::Body;
use crate::http::{AppState, Reply, Shared, json, pagination, params};
use crate::model::postings::{self, AGENT_TYPES, copy_of, new_keys, resume_score};
use crate::model::questions;
use crate::model::store::{
    COMPANY_ID, MAX_QUESTIONS_PER_POSTING, Posting, PostingStatus, Stage, Store, WorkflowStep,
    object,
};
use crate::routes::v2::questions::check_inline;

/// The posting routes (besides the summaries, candidates and questions).
pub(crate) fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v2/postings", get(list_postings).post(create_posting))
        .route("/api/v2/postings/list", get(list_posting_summaries))
        .route(
            "/api/v2/postings/{posting_id}",
            get(get_posting).patch(update_posting),
        )
        .route(
            "/api/v2/postings/{posting_id}/stats",
            get(get_posting_stats),
        )
        .route(
            "/api/v2/postings/{posting_id}/workflow/{step_id}",
            patch(update_interviewer_workflow_step),
        )
        .route(
            "/api/v2/postings/{posting_id}/archive",
            post(|s, id| on_posting(s, id, archive)),
        )
        .route(
            "/api/v2/postings/{posting_id}/activate",
            post(|s, id| on_posting(s, id, activate)),
        )
        .route("/api/v2/postings/{posting_id}/clone", post(clone_posting))
}

/// The links of a posting.
fn urls(s: &AppState, store: &Store, p: &Posting) -> t::PostingUrLs {
    t::PostingUrLs {
        candidate_url: Some(format!("{}/_mock/p/{}", s.base_url, p.url_key)),
        ingestion_url_key: Some(p.url_key.clone()),
        review_url: Some(format!(
            "https://admin.heymilo.ai/w/{}/lab2/{}/1-details",
            store.catalog.workspace_id, p.id
        )),
    }
}

/// The v2 view of a posting.
pub(crate) fn posting_response(s: &AppState, store: &Store, p: &Posting) -> t::PostingResponse {
    let st = p.settings.clone();
    t::PostingResponse {
        object: "posting".into(),
        id: p.id.clone(),
        company_id: COMPANY_ID.into(),
        title: p.title.clone(),
        name: p.name.clone(),
        description: p.description.clone(),
        language: st.language,
        interviewer_name: st.interviewer_name,
        status: p.status_at(store.now()).into(),
        finalized: p.finalized,
        archived: p.status == PostingStatus::Archived,
        test_posting: p.test_posting,
        workflow: p
            .workflow
            .iter()
            .enumerate()
            .map(|(i, w)| t::WorkflowStep {
                id: Some(w.id.clone()),
                type_: w.kind.clone(),
                order: i as i64 + 1,
                config: w.config.clone(),
            })
            .collect(),
        urls: Some(urls(s, store, p)),
        deadline: st.deadline,
        redirect_url: st.redirect_url,
        scheduling_url: st.scheduling_url,
        max_retakes: Some(i64::from(p.max_retakes)),
        allow_sms_comms: st.allow_sms_comms,
        instructions: st.instructions,
        company_overview: st.company_overview,
        job_overview: st.job_overview,
        interview_process_overview: st.interview_process_overview,
        company_overview_delivery_mode: st.company_overview_delivery_mode,
        job_overview_delivery_mode: st.job_overview_delivery_mode,
        interview_process_overview_delivery_mode: st.interview_process_overview_delivery_mode,
        phone_number_id: st.phone_number_id,
        sender_email_id: st.sender_email_id,
        email_template_group_id: st.email_template_group_id,
        design_template_group_id: st.design_template_group_id,
        retake_cooldown_days: st.retake_cooldown_days,
        email_report_to_candidate: st.email_report_to_candidate,
        ats_metadata: p.ats_metadata.clone(),
        metadata: Some(p.metadata.clone()),
        created_at: Some(p.created_at),
        updated_at: Some(p.updated_at),
    }
}

fn single(s: &AppState, store: &Store, p: &Posting) -> Response {
    json(
        200,
        &t::SingleResponsePostingResponse {
            data: posting_response(s, store, p),
            meta: None,
        },
    )
}

fn created(s: &AppState, store: &Store, p: &Posting) -> Response {
    let posting = posting_response(s, store, p);
    json(
        201,
        &t::SingleResponseCreatePostingResponse {
            data: t::CreatePostingResponse {
                object: "posting".into(),
                id: p.id.clone(),
                status: posting.status.clone(),
                urls: urls(s, store, p),
                created_at: p.created_at,
                posting: Some(posting),
            },
            meta: None,
        },
    )
}

/// `T` from a JSON value, with the 422 naming `loc`.
fn typed<T: DeserializeOwned>(v: Value, loc: &[&str]) -> Result<T, ApiError> {
    serde_json::from_value(v).map_err(|e| error::validation(loc, &e.to_string(), "value_error"))
}

/// Checks a step's config against its agent type's schema (types, lengths,
/// enums and bounds) and returns it as stored: the keys set, nothing else.
pub(crate) fn step_config(
    kind: &str,
    config: Value,
    loc: &[&str],
) -> Result<Map<String, Value>, ApiError> {
    let config = if config.is_null() {
        Value::Object(Map::new())
    } else {
        config
    };
    if let Some(m) = config.as_object() {
        params::enum_not_null(loc, m, params::DELIVERY_MODES)?;
    }
    let at = |f: &'static str| loc.iter().copied().chain([f]).collect::<Vec<_>>();
    let min_score = |v| params::num_range(&at("min_evaluation_score"), v, 0.0, 1.0);
    let stored = match kind {
        "web_interview" => {
            let c: t::WebInterviewConfig = typed(config, loc)?;
            params::uint_max(&at("num_questions"), c.num_questions, 25)?;
            min_score(c.min_evaluation_score)?;
            serde_json::to_value(c)
        }
        "conversational_sms" => {
            let c: t::ConversationalSmsConfig = typed(config, loc)?;
            params::uint_max(&at("num_questions"), c.num_questions, 10)?;
            params::uint_max(&at("cooldown_period_hrs"), c.cooldown_period_hrs, 168)?;
            params::int_range(&at("max_nudge_amount"), c.max_nudge_amount, 0, 10)?;
            serde_json::to_value(c)
        }
        "resume" => {
            let c: t::ResumeConfig = typed(config, loc)?;
            min_score(c.min_evaluation_score)?;
            for (field, n) in [
                ("num_eligibility_questions", c.num_eligibility_questions),
                ("num_criteria_questions", c.num_criteria_questions),
            ] {
                params::int_range(&at(field), n, 0, 15)?;
            }
            serde_json::to_value(c)
        }
        "form" => serde_json::to_value(typed::<t::FormConfig>(config, loc)?),
        other => {
            return Err(error::validation(
                loc,
                &format!("unknown agent type {other:?}"),
                "value_error",
            ));
        }
    };
    Ok(object(stored.unwrap_or_default()))
}

/// A checked step of a create request.
struct NewStep {
    kind: String,
    config: Map<String, Value>,
    questions: Vec<t::CreateQuestion>,
}

/// Checks the `workflow` of a create request: at least one step, one step
/// per agent type, each config and inline question valid.
fn parse_workflow(raw: &[Value]) -> Result<Vec<NewStep>, ApiError> {
    if raw.is_empty() {
        return Err(error::validation(
            &["body", "workflow"],
            "a workflow has at least one step",
            "too_short",
        ));
    }
    let mut steps: Vec<NewStep> = Vec::with_capacity(raw.len());
    for (i, item) in raw.iter().enumerate() {
        let n = i.to_string();
        let loc = ["body", "workflow", n.as_str()];
        let Some(step) = item.as_object() else {
            return Err(error::validation(
                &loc,
                "Input should be a valid dictionary or object",
                "model_attributes_type",
            ));
        };
        let kind = match step.get("type") {
            Some(Value::String(k)) if AGENT_TYPES.contains(&k.as_str()) => k.clone(),
            None => {
                return Err(error::validation(
                    &[loc.as_slice(), &["type"]].concat(),
                    "Field required",
                    "missing",
                ));
            }
            Some(_) => {
                return Err(error::validation(
                    &[loc.as_slice(), &["type"]].concat(),
                    "Input tag does not match any of the expected tags: 'web_interview', 'conversational_sms', 'resume', 'form'",
                    "union_tag_invalid",
                ));
            }
        };
        if steps.iter().any(|s| s.kind == kind) {
            return Err(error::validation(
                &[loc.as_slice(), &["type"]].concat(),
                &format!("a workflow has at most one {kind} step"),
                "value_error",
            ));
        }
        let config_loc = [loc.as_slice(), &["config"]].concat();
        let config = step_config(
            &kind,
            step.get("config").cloned().unwrap_or(Value::Null),
            &config_loc,
        )?;
        let questions_loc = [loc.as_slice(), &["questions"]].concat();
        let questions: Vec<t::CreateQuestion> = match step.get("questions") {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => typed(v.clone(), &questions_loc)?,
        };
        for (j, q) in questions.iter().enumerate() {
            let m = j.to_string();
            check_inline(
                &[questions_loc.as_slice(), &[m.as_str()]].concat(),
                &kind,
                q,
            )?;
        }
        steps.push(NewStep {
            kind,
            config,
            questions,
        });
    }
    let total: usize = steps.iter().map(|s| s.questions.len()).sum();
    if total > MAX_QUESTIONS_PER_POSTING {
        return Err(error::validation(
            &["body", "workflow"],
            &format!("a posting holds at most {MAX_QUESTIONS_PER_POSTING} questions"),
            "value_error",
        ));
    }
    Ok(steps)
}

/// 404 when a referenced catalogue entry does not exist.
fn check_refs(
    store: &Store,
    phone_number_id: Option<&str>,
    sender_email_id: Option<&str>,
    email_template_group_id: Option<&str>,
    design_template_group_id: Option<&str>,
) -> Result<(), ApiError> {
    let c = &store.catalog;
    if phone_number_id.is_some_and(|id| !c.phone_numbers.iter().any(|x| x.id == id)) {
        return Err(error::not_found("Phone number"));
    }
    if sender_email_id.is_some_and(|id| !c.sender_emails.iter().any(|x| x.id == id)) {
        return Err(error::not_found("Sender email"));
    }
    if email_template_group_id.is_some_and(|id| !c.email_template_groups.iter().any(|x| x.id == id))
    {
        return Err(error::not_found("Email template group"));
    }
    if design_template_group_id
        .is_some_and(|id| !c.design_template_groups.iter().any(|x| x.id == id))
    {
        return Err(error::not_found("Design template group"));
    }
    Ok(())
}

/// The checks create and update share beyond the schema: delivery modes not
/// null, retake bounds, metadata limits, and an ISO deadline (returned parsed).
fn posting_checks(
    raw: &serde_json::Map<String, serde_json::Value>,
    max_retakes: Option<i64>,
    retake_cooldown_days: Option<f64>,
    metadata: Option<&HashMap<String, String>>,
    deadline: Option<&str>,
) -> Result<Option<f64>, ApiError> {
    params::enum_not_null(&["body"], raw, params::DELIVERY_MODES)?;
    params::int_range(&["body", "max_retakes"], max_retakes, 0, 5)?;
    params::num_range(
        &["body", "retake_cooldown_days"],
        retake_cooldown_days,
        0.0,
        f64::MAX,
    )?;
    if let Some(m) = metadata {
        params::metadata_limits(&["body", "metadata"], m)?;
    }
    params::iso_field(&["body", "deadline"], deadline)
}

/// The fields create and update requests share, checked alike.
trait PostingFields {
    /// [`posting_checks`] on this request; the deadline, parsed.
    fn checks(&self, raw: &serde_json::Map<String, Value>) -> Result<Option<f64>, ApiError>;
    /// [`check_refs`] on this request.
    fn refs(&self, store: &Store) -> Result<(), ApiError>;
}

macro_rules! posting_fields {
    ($($request:ty),*) => {$(
        impl PostingFields for $request {
            fn checks(&self, raw: &serde_json::Map<String, Value>) -> Result<Option<f64>, ApiError> {
                let (metadata, deadline) = (self.metadata.as_ref(), self.deadline.as_deref());
                posting_checks(raw, self.max_retakes, self.retake_cooldown_days, metadata, deadline)
            }
            fn refs(&self, store: &Store) -> Result<(), ApiError> {
                let phone = self.phone_number_id.as_deref();
                let (sender, email) = (self.sender_email_id.as_deref(), self.email_template_group_id.as_deref());
                check_refs(store, phone, sender, email, self.design_template_group_id.as_deref())
            }
        }
    )*};
}

posting_fields!(t::CreatePostingRequest, t::UpdatePostingRequest);

/// The settings create and update copy as given, each with its conversion,
/// handed to `$apply` (create sets what is given; update also clears a null).
macro_rules! copied_settings {
    ($apply:ident) => {
        $apply!(
            interview_process_overview => String::from,
            company_overview_delivery_mode => shown,
            job_overview_delivery_mode => shown,
            interview_process_overview_delivery_mode => shown,
            phone_number_id => String::from,
            sender_email_id => String::from,
            email_template_group_id => String::from,
            design_template_group_id => String::from,
            redirect_url => String::from,
            scheduling_url => String::from,
            allow_sms_comms => std::convert::identity,
            retake_cooldown_days => std::convert::identity,
            email_report_to_candidate => std::convert::identity,
        )
    };
}

/// A delivery mode's wire name.
fn shown(mode: impl std::fmt::Display) -> String {
    mode.to_string()
}

/// Applies `change` (given the store's clock) to posting `posting_id` and
/// answers the posting: the change runs on a copy, so a refusal (or the byte
/// budget) leaves the posting as it was.
fn change_posting(
    s: &Shared,
    mut store: std::sync::MutexGuard<'_, Store>,
    posting_id: &str,
    change: impl FnOnce(&mut Posting, f64) -> Result<(), ApiError>,
) -> Reply {
    let (p, ()) = postings::edit(&mut store, posting_id, change)?;
    Ok(single(s, &store, &p))
}

/// The server's `language` for a posting created without one.
const DEFAULT_LANGUAGE: &str = "en";
/// The server's `interviewer_name` for a posting created without one.
const DEFAULT_INTERVIEWER: &str = "Sarah";
/// Create-request keys with a server default: optional, but never `null`.
const DEFAULTED_KEYS: &[&str] = &[
    "description",
    "language",
    "interviewer_name",
    "instructions",
    "company_overview",
    "job_overview",
];

async fn create_posting(
    State(s): State<Shared>,
    Body(req, body): Body<t::CreatePostingRequest>,
) -> Reply {
    let raw = params::body_object(&body)?;
    params::not_null(&["body"], &raw, DEFAULTED_KEYS)?;
    let deadline = req.checks(&raw)?;
    let steps = match (&req.workflow, &req.interview_template_id) {
        (Some(_), Some(_)) => {
            return Err(error::validation(
                &["body"],
                "give workflow or interview_template_id, not both",
                "value_error",
            ));
        }
        (None, None) => {
            return Err(error::validation(
                &["body", "workflow"],
                "Field required: give workflow or interview_template_id",
                "missing",
            ));
        }
        (Some(_), None) => {
            let items = raw
                .get("workflow")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or_default();
            match parse_workflow(items) {
                Ok(steps) => Some(steps),
                Err(e) => return Err(e),
            }
        }
        (None, Some(_)) => None,
    };
    let mut store = s.store();
    req.refs(&store)?;
    postings::room_for_posting(&store)?;
    let source = match &req.interview_template_id {
        None => None,
        Some(tid) => {
            let blueprint = store
                .catalog
                .interview_templates
                .iter()
                .find(|it| it.id == *tid)
                .and_then(|it| store.posting(&it.posting_id))
                .cloned();
            match blueprint {
                Some(p) => Some(p),
                None => return Err(error::not_found("Interview template")),
            }
        }
    };
    let now = store.tick();
    let title = req.title.to_string();
    let mut p = match &source {
        Some(src) => copy_of(&mut store, src, &title, now),
        None => {
            let (id, url_key) = new_keys(&mut store, &title);
            Posting::new(id, url_key, title, now)
        }
    };
    // An absent field takes the server's default on a fresh posting; from a
    // template only what the request sets overrides the copy.
    let fresh = source.is_none();
    let pick =
        |given: Option<String>, default: &str| given.or_else(|| fresh.then(|| default.to_owned()));
    let text = |v: String| (!v.is_empty()).then_some(v);
    if let Some(v) = pick(req.description.as_ref().map(|d| d.to_string()), "") {
        p.description = v;
    }
    if let Some(name) = &req.name {
        p.name = Some(name.clone());
    }
    let st = &mut p.settings;
    if let Some(v) = pick(req.language.clone(), DEFAULT_LANGUAGE) {
        st.language = Some(v);
    }
    if let Some(v) = pick(req.interviewer_name.clone(), DEFAULT_INTERVIEWER) {
        st.interviewer_name = Some(v);
    }
    if let Some(v) = pick(req.instructions.clone(), "") {
        st.instructions = text(v);
    }
    if let Some(v) = pick(req.company_overview.clone(), "") {
        st.company_overview = text(v);
    }
    if let Some(v) = pick(req.job_overview.clone(), "") {
        st.job_overview = text(v);
    }
    macro_rules! set_if_given {
        ($($field:ident => $conv:expr),* $(,)?) => {
            $( if let Some(v) = req.$field.clone() { st.$field = Some($conv(v)); } )*
        };
    }
    copied_settings!(set_if_given);
    if deadline.is_some() {
        st.deadline = deadline;
    }
    if let Some(n) = req.max_retakes {
        p.max_retakes = u32::try_from(n).unwrap_or(0);
    }
    if let Some(m) = &req.metadata {
        p.metadata = m.clone();
    }
    if let Some(steps) = steps {
        let id = p.id.clone();
        let mut questions = Vec::new();
        for step in steps {
            for q in &step.questions {
                let fields = object(serde_json::to_value(q).unwrap_or_default());
                let rank = questions
                    .iter()
                    .filter(|x: &&t::QuestionResponse| x.modality == q.modality)
                    .count() as i64
                    + 1;
                let made = questions::build(&mut store, &id, &q.modality, &q.text, &fields, rank)?;
                questions.push(made);
            }
            p.workflow
                .push(WorkflowStep::new(&id, &step.kind, step.config));
        }
        p.questions = questions;
    }
    postings::add(&mut store, p.clone())?;
    Ok(created(&s, &store, &p))
}

async fn list_postings(State(s): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Reply {
    let (data, pagination) = posting_page(&s, &q, "/api/v2/postings", |store, p| {
        posting_response(&s, store, p)
    })?;
    Ok(json(
        200,
        &t::ListResponsePostingResponse { data, pagination },
    ))
}

/// One page of the postings whose title matches `search`, each shown by
/// `view`; newest first, as every cursor list: new postings land before
/// every cursor.
fn posting_page<R>(
    s: &AppState,
    q: &HashMap<String, String>,
    url: &str,
    view: impl Fn(&Store, &Posting) -> R,
) -> Result<(Vec<R>, t::PaginationMeta), ApiError> {
    let store = s.store();
    let all: Vec<&Posting> = store
        .postings
        .iter()
        .rev()
        .filter(|p| pagination::matches_search(q, &p.title))
        .collect();
    let (page, meta) = pagination::paginate(&all, |p| p.id.as_str(), q, url)?;
    Ok((page.into_iter().map(|p| view(&store, p)).collect(), meta))
}

async fn get_posting(State(s): State<Shared>, Path(posting_id): Path<String>) -> Reply {
    let store = s.store();
    let p = store.posting_by_id(&posting_id)?;
    Ok(single(&s, &store, p))
}

async fn update_posting(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    Body(req, body): Body<t::UpdatePostingRequest>,
) -> Reply {
    let raw = params::body_object(&body)?;
    let deadline = req.checks(&raw)?;
    let store = s.store();
    req.refs(&store)?;
    change_posting(&s, store, &posting_id, |p, now| {
        // Only the keys sent change; a null clears a nullable field.
        let sent = |k: &str| raw.contains_key(k);
        if let Some(v) = req.title.clone() {
            p.title = v.into();
        }
        if let Some(v) = req.description.clone() {
            p.description = v.into();
        }
        if sent("name") {
            p.name = req.name.clone().map(String::from);
        }
        if let Some(n) = req.max_retakes {
            p.max_retakes = u32::try_from(n).unwrap_or(0);
        }
        if sent("metadata") {
            p.metadata = req.metadata.clone().unwrap_or_default();
        }
        let st = &mut p.settings;
        if sent("deadline") {
            st.deadline = deadline;
        }
        macro_rules! patch {
        ($($field:ident => $conv:expr),* $(,)?) => {
            $( if sent(stringify!($field)) { st.$field = req.$field.clone().map($conv); } )*
        };
    }
        patch!(
            language => String::from,
            interviewer_name => String::from,
            instructions => String::from,
            company_overview => String::from,
            job_overview => String::from,
        );
        copied_settings!(patch);
        p.updated_at = now;
        Ok(())
    })
}

async fn get_posting_stats(State(s): State<Shared>, Path(posting_id): Path<String>) -> Reply {
    let store = s.store();
    let p = store.posting_by_id(&posting_id)?;
    let candidates = store
        .candidates
        .get(&p.id)
        .map(Vec::as_slice)
        .unwrap_or_default();
    let mean = |xs: Vec<f64>| (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64);
    let interview = p
        .has_step("web_interview")
        .then(|| mean(candidates.iter().filter_map(|c| c.score).collect()))
        .flatten();
    let resume = p
        .has_step("resume")
        .then(|| {
            mean(
                candidates
                    .iter()
                    .filter(|c| c.stage != Stage::Pending)
                    .map(|c| resume_score(&c.interview_id))
                    .collect(),
            )
        })
        .flatten();
    let stats = t::PostingStatsResponse {
        object: "posting_stats".into(),
        posting_id: p.id.clone(),
        title: p.title.clone(),
        name: p.name.clone(),
        total_candidates: candidates.len() as i64,
        completed_interviews: candidates
            .iter()
            .filter(|c| matches!(c.stage, Stage::Completed | Stage::ReportAvailable))
            .count() as i64,
        average_interview_score: interview,
        average_resume_score: resume,
    };
    Ok(json(
        200,
        &t::SingleResponsePostingStatsResponse {
            data: stats,
            meta: None,
        },
    ))
}

async fn update_interviewer_workflow_step(
    State(s): State<Shared>,
    Path((posting_id, step_id)): Path<(String, String)>,
    Body(req, _): Body<t::UpdateWorkflowStepRequest>,
) -> Reply {
    let store = s.store();
    change_posting(&s, store, &posting_id, |p, now| {
        let by_position = step_id
            .parse::<usize>()
            .ok()
            .and_then(|n| n.checked_sub(1))
            .filter(|i| *i < p.workflow.len());
        let Some(i) = by_position.or_else(|| p.workflow.iter().position(|w| w.kind == step_id))
        else {
            return Err(error::not_found("Workflow step"));
        };
        let kind = p.workflow[i].kind.clone();
        let mut merged = p.workflow[i].config.clone();
        for (k, v) in &req.config {
            if v.is_null() {
                merged.remove(k);
            } else {
                merged.insert(k.clone(), v.clone());
            }
        }
        let checked = step_config(&kind, Value::Object(merged.clone()), &["body", "config"])?;
        // A key that does not survive the typed round trip is not one of the agent's.
        if let Some(k) = merged.keys().find(|k| !checked.contains_key(*k)) {
            return Err(error::validation(
                &["body", "config", k],
                &format!("{k} is not a setting of a {kind} step"),
                "extra_forbidden",
            ));
        }
        p.workflow[i].config = checked;
        p.updated_at = now;
        Ok(())
    })
}

/// `archive_posting` and `activate_posting`: `change` applied to the posting.
async fn on_posting(
    State(s): State<Shared>,
    Path(posting_id): Path<String>,
    change: fn(&mut Posting, f64) -> Result<(), ApiError>,
) -> Reply {
    let store = s.store();
    change_posting(&s, store, &posting_id, change)
}

fn archive(p: &mut Posting, now: f64) -> Result<(), ApiError> {
    if p.status != PostingStatus::Archived {
        p.status = PostingStatus::Archived;
        p.updated_at = now;
    }
    Ok(())
}

fn activate(p: &mut Posting, now: f64) -> Result<(), ApiError> {
    if p.workflow.is_empty() {
        return Err(error::validation(
            &["path", "posting_id"],
            "the posting's workflow has no step",
            "value_error",
        ));
    }
    if p.status != PostingStatus::Active || !p.finalized {
        p.status = PostingStatus::Active;
        p.finalized = true;
        p.updated_at = now;
    }
    // The ATS job is linked once; activating again changes nothing.
    if let Some(ats) = p.ats_metadata.as_mut()
        && ats.get("pending_activation") == Some(&json!(true))
    {
        ats.insert("pending_activation".into(), json!(false));
        ats.insert("mapping_activated_at".into(), json!(now));
        ats.insert("mapping_activated_by".into(), json!("api"));
        p.updated_at = now;
    }
    Ok(())
}

async fn clone_posting(State(s): State<Shared>, Path(posting_id): Path<String>) -> Reply {
    let mut store = s.store();
    let src = store.posting_by_id(&posting_id)?.clone();
    postings::room_for_posting(&store)?;
    let now = store.tick();
    let mut copy = copy_of(&mut store, &src, &src.title, now);
    copy.metadata = src.metadata.clone();
    postings::add(&mut store, copy.clone())?;
    Ok(created(&s, &store, &copy))
}

async fn list_posting_summaries(
    State(s): State<Shared>,
    Query(q): Query<HashMap<String, String>>,
) -> Reply {
    let (data, pagination) =
        posting_page(&s, &q, "/api/v2/postings/list", |_, p| t::PostingSummary {
            object: "posting_summary".into(),
            id: p.id.clone(),
            title: p.title.clone(),
            name: p.name.clone(),
        })?;
    Ok(json(
        200,
        &t::ListResponsePostingSummary { data, pagination },
    ))
}
