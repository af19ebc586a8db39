//! The in-memory store: postings (with their workflow and questions),
//! candidates (interviews), webhooks, exports, the workspace's read-only
//! catalogues and its ATS.
//!
//! Seeded deterministically from a number; bounded so that a client cannot
//! grow it without limit.

use std::collections::HashMap;

use heymilo_gen::v2::types::QuestionResponse;
use serde_json::{Map, Value};

use rand::Rng;
pub(crate) use rand::rngs::StdRng;

use crate::model::error::ModelError;

/// Most candidates the store holds in all.
pub const MAX_CANDIDATES: usize = 200_000;
/// Most webhook subscriptions.
pub const MAX_WEBHOOKS: usize = 1_000;
/// Most export files kept (the oldest is dropped first).
pub const MAX_EXPORTS: usize = 50;
/// Most postings (seeded, created and cloned).
pub const MAX_POSTINGS: usize = 1_000;
/// Most active questions in one posting.
pub const MAX_QUESTIONS_PER_POSTING: usize = 200;

/// The company every posting belongs to.
pub const COMPANY_ID: &str = "acme";

/// Where an interview stands; advanced through `/_mock/` control routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Invited, not started.
    Pending,
    /// The candidate started.
    InProgress,
    /// The candidate finished.
    Completed,
    /// The report is ready.
    ReportAvailable,
}

impl Stage {
    /// v2's `status` string.
    pub fn status(self) -> &'static str {
        match self {
            Stage::Pending => "pending",
            Stage::InProgress => "in_progress",
            Stage::Completed => "evaluating",
            Stage::ReportAvailable => "completed",
        }
    }
}

/// Where a posting stands; v2 also reports `expired` for an active posting
/// past its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostingStatus {
    /// Not live yet (an ATS-derived posting waiting for `activate_posting`).
    Draft,
    /// Live: takes candidates.
    Active,
    /// Archived: takes no candidates.
    Archived,
}

/// One step of a posting's workflow.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowStep {
    /// Identifier, e.g. `agent_vi_13D7`.
    pub id: String,
    /// Agent type: `web_interview`, `conversational_sms`, `resume` or `form`.
    pub kind: String,
    /// The agent's settings, as the step's config schema has them.
    pub config: Map<String, Value>,
}

impl WorkflowStep {
    /// A step of `kind` in posting `posting_id`: one step per agent type, so
    /// the id is unique within the posting.
    pub fn new(posting_id: &str, kind: &str, config: Map<String, Value>) -> WorkflowStep {
        let abbr = match kind {
            "web_interview" => "vi",
            "conversational_sms" => "sms",
            "resume" => "res",
            "form" => "form",
            other => other,
        };
        let tag: String = posting_id.chars().take(4).collect();
        WorkflowStep {
            id: format!("agent_{abbr}_{tag}"),
            kind: kind.to_owned(),
            config,
        }
    }
}

/// The settings of a posting that v2 reads and writes as they are.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PostingSettings {
    /// Interview language.
    pub language: Option<String>,
    /// Name of the AI interviewer.
    pub interviewer_name: Option<String>,
    /// Instructions for the agents.
    pub instructions: Option<String>,
    /// Company presentation.
    pub company_overview: Option<String>,
    /// Role presentation.
    pub job_overview: Option<String>,
    /// Hiring process presentation.
    pub interview_process_overview: Option<String>,
    /// How the company overview is used.
    pub company_overview_delivery_mode: Option<String>,
    /// How the role overview is used.
    pub job_overview_delivery_mode: Option<String>,
    /// How the process overview is used.
    pub interview_process_overview_delivery_mode: Option<String>,
    /// Phone number of the SMS and voice agents.
    pub phone_number_id: Option<String>,
    /// Address candidate emails come from.
    pub sender_email_id: Option<String>,
    /// Email template group.
    pub email_template_group_id: Option<String>,
    /// Design template group.
    pub design_template_group_id: Option<String>,
    /// Landing page after the interview.
    pub redirect_url: Option<String>,
    /// Booking link for shortlisted candidates.
    pub scheduling_url: Option<String>,
    /// Closing time, Unix seconds.
    pub deadline: Option<f64>,
    /// SMS to candidates allowed.
    pub allow_sms_comms: Option<bool>,
    /// Days between two attempts.
    pub retake_cooldown_days: Option<f64>,
    /// Candidates get their report by email.
    pub email_report_to_candidate: Option<bool>,
}

/// A posting (v2: an interviewer); v1 and v2 read the same object.
#[derive(Debug, Clone)]
pub struct Posting {
    /// Identifier (8 hex digits).
    pub id: String,
    /// The ingestion url key (v1).
    pub url_key: String,
    /// Job title.
    pub title: String,
    /// Creation time, Unix seconds.
    pub created_at: f64,
    /// How many retakes a candidate may take (v2's `max_retakes`).
    pub max_retakes: u32,
    /// URL slug.
    pub name: Option<String>,
    /// Job description.
    pub description: String,
    /// Lifecycle state.
    pub status: PostingStatus,
    /// Finalised (activated) at least once.
    pub finalized: bool,
    /// Made for testing.
    pub test_posting: bool,
    /// The agent steps, in order.
    pub workflow: Vec<WorkflowStep>,
    /// Active questions and criteria of every modality (deleted ones are gone).
    pub questions: Vec<QuestionResponse>,
    /// Everything else v2 reads and writes.
    pub settings: PostingSettings,
    /// The ATS link of a posting that comes from one.
    pub ats_metadata: Option<Map<String, Value>>,
    /// The caller's labels.
    pub metadata: HashMap<String, String>,
    /// Last change, Unix seconds.
    pub updated_at: f64,
}

impl Posting {
    /// An active posting with the mock's default settings and no workflow.
    pub fn new(id: String, url_key: String, title: String, created_at: f64) -> Posting {
        Posting {
            description: format!("We are hiring a {title}."),
            name: Some(url_key.clone()),
            id,
            url_key,
            title,
            created_at,
            max_retakes: 0,
            status: PostingStatus::Active,
            finalized: true,
            test_posting: false,
            workflow: Vec::new(),
            questions: Vec::new(),
            settings: PostingSettings {
                language: Some("en".into()),
                interviewer_name: Some("Milo".into()),
                instructions: Some("Be warm and concise.".into()),
                company_overview: Some("Acme builds tools.".into()),
                deadline: Some(crate::model::time::add_month(created_at)),
                allow_sms_comms: Some(false),
                email_report_to_candidate: Some(false),
                ..PostingSettings::default()
            },
            ats_metadata: None,
            metadata: HashMap::new(),
            updated_at: created_at,
        }
    }

    /// v2's `status` at time `now`.
    pub fn status_at(&self, now: f64) -> &'static str {
        match self.status {
            PostingStatus::Draft => "draft",
            PostingStatus::Archived => "archived",
            PostingStatus::Active if self.settings.deadline.is_some_and(|d| d < now) => "expired",
            PostingStatus::Active => "active",
        }
    }

    /// Why the posting takes no candidates at `now`, if it does not.
    pub fn closed(&self, now: f64) -> Option<&'static str> {
        match self.status_at(now) {
            "active" => None,
            "draft" => {
                Some("the posting is a draft waiting for activation and takes no candidates")
            }
            "archived" => Some("the posting is archived and takes no candidates"),
            _ => Some("the posting is past its deadline and takes no candidates"),
        }
    }

    /// The workflow has a step of this agent type.
    pub fn has_step(&self, kind: &str) -> bool {
        self.workflow.iter().any(|w| w.kind == kind)
    }
}

/// A URL slug of a title: lower-case ASCII letters and digits joined by dashes.
pub fn slug(title: &str) -> String {
    let mut out = String::new();
    for ch in title.chars() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= 60 {
            break;
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    if out.is_empty() {
        "posting".into()
    } else {
        out
    }
}

/// A candidate's interview in a posting.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// The interview id (16 hex digits).
    pub interview_id: String,
    /// The person, shared across postings (derived from the email).
    pub candidate_id: String,
    /// The posting.
    pub posting_id: String,
    /// Full name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// Labels.
    pub metadata: HashMap<String, String>,
    /// Free-form data.
    pub data: serde_json::Map<String, serde_json::Value>,
    /// Lifecycle stage.
    pub stage: Stage,
    /// Score once completed.
    pub score: Option<f64>,
    /// Creation time, Unix seconds.
    pub created_at: f64,
    /// Completion time.
    pub interviewed_at: Option<f64>,
    /// Retakes taken so far.
    pub retakes: u32,
}

/// A webhook subscription of either generation.
#[derive(Debug, Clone)]
pub struct Webhook {
    /// Identifier (32 hex digits).
    pub id: String,
    /// The posting whose events are delivered.
    pub posting_id: String,
    /// Where to deliver.
    pub url: String,
    /// The event subscribed to.
    pub event_type: String,
    /// `get` or `post`.
    pub http_method: String,
    /// Deliveries on.
    pub active: bool,
    /// Creation time.
    pub created_at: f64,
    /// Last change.
    pub updated_at: f64,
}

/// What the store holds.
#[derive(Debug)]
pub struct Store {
    pub(crate) rng: StdRng,
    pub(crate) clock: f64,
    /// Postings, oldest first.
    pub postings: Vec<Posting>,
    /// Candidates per posting, oldest first (lists serve them newest first).
    pub candidates: HashMap<String, Vec<Candidate>>,
    /// Interview id to its posting id and index in that posting's list.
    pub interviews: HashMap<String, (String, usize)>,
    /// Webhooks, oldest first.
    pub webhooks: Vec<Webhook>,
    /// Export files by job id, oldest first (see [`Store::add_export`]).
    pub exports: Vec<(String, Vec<u8>)>,
    /// Total candidates held.
    pub candidate_count: usize,
    /// The workspace's read-only catalogues (templates, voices, numbers...).
    pub(crate) catalog: crate::model::catalog::Catalog,
    /// The connected applicant tracking systems and their push queue.
    pub(crate) ats: crate::model::ats::Ats,
    /// The newest interview of an email (lower case) in a posting, as an
    /// index into `candidates[posting]`: retake rules look it up in O(1).
    pub(crate) latest: HashMap<String, HashMap<String, usize>>,
    /// Estimated bytes held (see [`Store::charge`]).
    pub bytes: usize,
    /// The byte budget; writes past it are refused.
    pub max_bytes: usize,
    /// Candidates and bytes promised to accepted async ingestions not yet run.
    pub(crate) reserved: (usize, usize),
    /// The async ingestions and their outcomes.
    pub ingestions: crate::model::ingestions::IngestionLog,
}

impl Store {
    /// The generator, for seeding the other modules.
    pub(crate) fn rng(&mut self) -> &mut StdRng {
        &mut self.rng
    }

    /// The clock without advancing it.
    pub fn now(&self) -> f64 {
        self.clock
    }

    /// A fresh identifier of `len` upper-case hex digits that `taken` rejects
    /// (a few tries; collisions are rare at these lengths).
    pub fn fresh_hex(&mut self, len: usize, taken: impl Fn(&Store, &str) -> bool) -> String {
        let mut id = self.hex(len);
        for _ in 0..8 {
            if !taken(self, &id) {
                break;
            }
            id = self.hex(len);
        }
        id
    }

    /// A posting by id, mutable.
    pub fn posting_mut(&mut self, id: &str) -> Option<&mut Posting> {
        self.postings.iter_mut().find(|p| p.id == id)
    }

    /// A fresh identifier of `len` upper-case hex digits.
    pub fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| {
                char::from_digit(self.rng.random_range(0..16), 16)
                    .unwrap_or('0')
                    .to_ascii_uppercase()
            })
            .collect()
    }

    /// The store's clock: advances one second per event so order is total.
    pub fn tick(&mut self) -> f64 {
        self.clock += 1.0;
        self.clock
    }

    /// A posting by id (v2 paths, v1 listings and webhooks name it so).
    pub fn posting(&self, id: &str) -> Option<&Posting> {
        self.postings.iter().find(|p| p.id == id)
    }

    /// A posting by id, or a 404 that says a posting id was expected (and
    /// that `id` is a url key, when it is one).
    pub fn posting_by_id(&self, id: &str) -> Result<&Posting, ModelError> {
        self.posting_or_hint(|p| p.id == id, |p| p.url_key == id, ID_HINTS)
    }

    /// A posting by its ingestion url key (v1 ingestion), or a 404 that says
    /// a url key was expected (and that `key` is a posting id, when it is one).
    pub fn posting_by_key(&self, key: &str) -> Result<&Posting, ModelError> {
        self.posting_or_hint(|p| p.url_key == key, |p| p.id == key, KEY_HINTS)
    }

    /// The posting that is `wanted`, or a 404 with the first hint when the
    /// caller sent the other kind of name (`mistaken` matches a posting), the
    /// second otherwise.
    fn posting_or_hint(
        &self,
        wanted: impl Fn(&Posting) -> bool,
        mistaken: impl Fn(&Posting) -> bool,
        [mistaken_hint, hint]: [&str; 2],
    ) -> Result<&Posting, ModelError> {
        self.postings.iter().find(|p| wanted(p)).ok_or_else(|| {
            let was_other = self.postings.iter().any(mistaken);
            ModelError::not_found_hint("Posting", if was_other { mistaken_hint } else { hint })
        })
    }

    /// A candidate by interview id.
    pub fn candidate(&self, interview_id: &str) -> Option<&Candidate> {
        let (posting, i) = self.interviews.get(interview_id)?;
        self.candidates.get(posting)?.get(*i)
    }

    /// A candidate by interview id, mutable.
    pub fn candidate_mut(&mut self, interview_id: &str) -> Option<&mut Candidate> {
        let (posting, i) = self.interviews.get(interview_id)?;
        self.candidates.get_mut(posting)?.get_mut(*i)
    }

    /// Builds (does not store) a candidate.
    pub fn new_candidate(
        &mut self,
        posting_id: &str,
        name: String,
        email: String,
        phone: Option<String>,
        metadata: HashMap<String, String>,
        data: serde_json::Map<String, serde_json::Value>,
    ) -> Candidate {
        let interview_id = self.hex(16);
        let candidate_id = format!("cand_{:x}", fnv(&email.to_lowercase()));
        let created_at = self.tick();
        Candidate {
            interview_id,
            candidate_id,
            posting_id: posting_id.to_owned(),
            name,
            email,
            phone,
            metadata,
            data,
            stage: Stage::Pending,
            score: None,
            created_at,
            interviewed_at: None,
            retakes: 0,
        }
    }

    /// Stores a candidate, charging its size: callers check the caps and
    /// the budget first (see `model::ingest`), so this never refuses.
    pub(crate) fn push_candidate(&mut self, c: Candidate) {
        self.bytes = self.bytes.saturating_add(candidate_size(&c));
        let list = self.candidates.entry(c.posting_id.clone()).or_default();
        let i = list.len();
        self.interviews
            .insert(c.interview_id.clone(), (c.posting_id.clone(), i));
        self.latest
            .entry(c.posting_id.clone())
            .or_default()
            .insert(c.email.to_lowercase(), i);
        list.push(c);
        self.candidate_count += 1;
    }

    /// The newest interview of this email in this posting.
    pub fn existing(&self, posting_id: &str, email: &str) -> Option<&Candidate> {
        let i = *self.latest.get(posting_id)?.get(&email.to_lowercase())?;
        self.candidates.get(posting_id)?.get(i)
    }

    /// Room for `count` more candidates of `bytes` estimated bytes, counting
    /// what accepted async ingestions have reserved; nothing changes.
    pub fn room_for(&self, count: usize, bytes: usize) -> Result<(), ModelError> {
        let (rc, rb) = self.reserved;
        if self
            .candidate_count
            .saturating_add(rc)
            .saturating_add(count)
            > MAX_CANDIDATES
        {
            return Err(ModelError::full(format!(
                "the mock holds at most {MAX_CANDIDATES} candidates; this request would pass that"
            )));
        }
        self.room_for_bytes(bytes.saturating_add(rb))
    }

    /// Room for `bytes` more estimated bytes within the budget.
    pub fn room_for_bytes(&self, bytes: usize) -> Result<(), ModelError> {
        if self.bytes.saturating_add(bytes) > self.max_bytes {
            return Err(ModelError::full(format!(
                "the mock's store budget of {} bytes would be passed (--max-store-bytes)",
                self.max_bytes
            )));
        }
        Ok(())
    }

    /// Checks the budget for a write of `bytes` and charges it.
    pub fn charge(&mut self, bytes: usize) -> Result<(), ModelError> {
        self.room_for_bytes(bytes.saturating_add(self.reserved.1))?;
        self.bytes = self.bytes.saturating_add(bytes);
        Ok(())
    }

    /// Re-charges an object that changed from `old` to `new` bytes; refused
    /// (and nothing charged) when growing would pass the budget.
    pub fn recharge(&mut self, old: usize, new: usize) -> Result<(), ModelError> {
        if new > old {
            self.charge(new - old)
        } else {
            self.bytes = self.bytes.saturating_sub(old - new);
            Ok(())
        }
    }

    /// Keeps an export file, dropping the oldest ones while the count or
    /// the budget would be passed; refused when the file alone does not fit.
    pub fn add_export(&mut self, job_id: String, file: Vec<u8>) -> Result<(), ModelError> {
        let size = file.len() + job_id.len() + RECORD_OVERHEAD;
        let kept: usize = self
            .exports
            .iter()
            .map(|(id, f)| f.len() + id.len() + RECORD_OVERHEAD)
            .sum();
        self.room_for_bytes(size.saturating_add(self.reserved.1).saturating_sub(kept))?;
        while !self.exports.is_empty()
            && (self.exports.len() >= MAX_EXPORTS
                || self
                    .room_for_bytes(size.saturating_add(self.reserved.1))
                    .is_err())
        {
            let (id, f) = self.exports.remove(0);
            self.release(f.len() + id.len() + RECORD_OVERHEAD);
        }
        self.charge(size)?;
        self.exports.push((job_id, file));
        Ok(())
    }

    /// Gives back the bytes of something removed.
    pub fn release(&mut self, bytes: usize) {
        self.bytes = self.bytes.saturating_sub(bytes);
    }

    /// Replaces an interview's labels, re-charging its size; refused (and
    /// nothing changed) when the growth would pass the budget.
    pub fn set_labels(
        &mut self,
        interview_id: &str,
        labels: HashMap<String, String>,
    ) -> Result<&Candidate, ModelError> {
        let c = self
            .candidate(interview_id)
            .ok_or_else(|| ModelError::not_found("Interview"))?;
        let old = candidate_size(c);
        let new = old - json_size(&c.metadata) + json_size(&labels);
        self.recharge(old, new)?;
        let c = self
            .candidate_mut(interview_id)
            .ok_or_else(|| ModelError::not_found("Interview"))?;
        c.metadata = labels;
        Ok(c)
    }

    /// Moves an interview to `stage` (and fills what that stage implies).
    pub fn set_stage(&mut self, interview_id: &str, stage: Stage) -> Option<Candidate> {
        // Nothing moves (not even the clock) for an unknown interview.
        self.candidate(interview_id)?;
        let now = self.tick();
        let score = 50.0 + f64::from(self.rng.random_range(0..500u32)) / 10.0;
        let c = self.candidate_mut(interview_id)?;
        c.stage = stage;
        if matches!(stage, Stage::Completed | Stage::ReportAvailable) {
            c.interviewed_at.get_or_insert(now);
        }
        if stage == Stage::ReportAvailable {
            c.score.get_or_insert(score);
        }
        Some(c.clone())
    }
}

/// The 404 hints of [`Store::posting_by_id`]: a url key sent, anything else.
const ID_HINTS: [&str; 2] = [
    "a posting id was expected; that is an ingestion url key (v1 ingestion takes those)",
    "a posting id (8 hex digits) was expected",
];

/// The 404 hints of [`Store::posting_by_key`]: a posting id sent, anything else.
const KEY_HINTS: [&str; 2] = [
    "v1 ingestion takes the posting's url key; that is a posting id (v2 paths take those)",
    "v1 ingestion takes the posting's url key",
];

/// Fixed cost charged per stored record on top of its serialized size: the
/// struct, its strings' headers and the indexes that point at it.
pub const RECORD_OVERHEAD: usize = 256;

/// The default byte budget of the store (`--max-store-bytes`).
pub const DEFAULT_MAX_STORE_BYTES: usize = 256 << 20;

/// Serialized size of a JSON value (0 when it cannot be serialized).
pub fn json_size<T: serde::Serialize + ?Sized>(v: &T) -> usize {
    serde_json::to_vec(v).map_or(0, |b| b.len())
}

/// The estimated bytes of a candidate: its fields serialized, plus overhead.
pub fn candidate_size(c: &Candidate) -> usize {
    c.interview_id.len()
        + c.candidate_id.len()
        + c.posting_id.len()
        + person_size(&c.name, &c.email, c.phone.as_deref(), &c.metadata, &c.data)
}

/// The estimated bytes of what an ingest row brings (name, email, phone,
/// labels and data), plus the per-record overhead: a candidate's size
/// without its ids.
pub fn person_size(
    name: &str,
    email: &str,
    phone: Option<&str>,
    metadata: &impl serde::Serialize,
    data: &impl serde::Serialize,
) -> usize {
    name.len()
        + email.len()
        + phone.map_or(0, str::len)
        + json_size(metadata)
        + json_size(data)
        + RECORD_OVERHEAD
}

/// The estimated bytes of a posting: its texts, workflow, questions and
/// labels serialized, plus overhead.
pub fn posting_size(p: &Posting) -> usize {
    let st = &p.settings;
    let texts = [
        &st.language,
        &st.interviewer_name,
        &st.instructions,
        &st.company_overview,
        &st.job_overview,
        &st.interview_process_overview,
        &st.company_overview_delivery_mode,
        &st.job_overview_delivery_mode,
        &st.interview_process_overview_delivery_mode,
        &st.phone_number_id,
        &st.sender_email_id,
        &st.email_template_group_id,
        &st.design_template_group_id,
        &st.redirect_url,
        &st.scheduling_url,
        &p.name,
    ]
    .iter()
    .map(|t| t.as_ref().map_or(0, String::len))
    .sum::<usize>();
    let workflow: usize = p
        .workflow
        .iter()
        .map(|w| w.id.len() + w.kind.len() + json_size(&w.config))
        .sum();
    p.id.len()
        + p.url_key.len()
        + p.title.len()
        + p.description.len()
        + texts
        + workflow
        + json_size(&p.questions)
        + p.ats_metadata.as_ref().map_or(0, json_size)
        + json_size(&p.metadata)
        + RECORD_OVERHEAD
}

/// The estimated bytes of a webhook subscription.
pub fn webhook_size(w: &Webhook) -> usize {
    w.id.len() + w.posting_id.len() + w.url.len() + w.event_type.len() + RECORD_OVERHEAD
}

/// The object inside a JSON value (empty for anything else).
pub(crate) fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// A small stable hash (FNV-1a), for ids and figures derived from a string.
pub(crate) fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeding_is_deterministic() {
        let a = Store::seeded(7, 3, 10);
        let b = Store::seeded(7, 3, 10);
        let ids = |s: &Store| s.postings.iter().map(|p| p.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&a), ids(&b));
        assert_eq!(a.candidate_count, 30);
        let first = |s: &Store| s.candidates[&s.postings[0].id][0].email.clone();
        assert_eq!(first(&a), first(&b));
        assert_ne!(ids(&a), ids(&Store::seeded(8, 3, 10)));
        let voices = |s: &Store| {
            s.catalog
                .voices
                .iter()
                .map(|v| v.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(voices(&a), voices(&b));
        assert!(!voices(&a).is_empty());
        let questions = |s: &Store| s.postings[0].questions.clone();
        assert_eq!(questions(&a), questions(&b));
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(slug("Senior  Engineer (Rust)!"), "senior-engineer-rust");
        assert_eq!(slug("¿¿¿"), "posting");
    }
}
