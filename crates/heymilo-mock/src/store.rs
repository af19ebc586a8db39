//! The in-memory store: postings, candidates (interviews), webhooks, exports.
//!
//! Seeded deterministically from a number; bounded so that a client cannot
//! grow it without limit.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Most candidates the store holds in all.
pub const MAX_CANDIDATES: usize = 200_000;
/// Most webhook subscriptions.
pub const MAX_WEBHOOKS: usize = 1_000;
/// Most export files kept (the oldest is dropped first).
pub const MAX_EXPORTS: usize = 50;

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

/// A posting.
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
    rng: StdRng,
    clock: f64,
    /// Postings, oldest first.
    pub postings: Vec<Posting>,
    /// Candidates per posting, oldest first (lists serve them newest first).
    pub candidates: HashMap<String, Vec<Candidate>>,
    /// Interview id to posting id.
    pub interviews: HashMap<String, String>,
    /// Webhooks, oldest first.
    pub webhooks: Vec<Webhook>,
    /// Export files by job id, oldest first.
    pub exports: Vec<(String, Vec<u8>)>,
    /// Total candidates held.
    pub candidate_count: usize,
}

const FIRST: &[&str] = &[
    "Jane", "Li", "Amara", "Diego", "Priya", "Tomás", "Yuki", "Noah", "Fatima", "Olu",
];
const LAST: &[&str] = &[
    "Smith", "Wei", "Okafor", "García", "Patel", "Novak", "Tanaka", "Berg", "Haddad", "Adeyemi",
];
const TITLES: &[&str] = &[
    "Backend Engineer",
    "Data Analyst",
    "Support Lead",
    "Product Designer",
    "Account Executive",
];

impl Store {
    /// A store with `postings` postings of `per_posting` candidates each,
    /// the same for the same `seed`.
    pub fn seeded(seed: u64, postings: usize, per_posting: usize) -> Store {
        let mut store = Store {
            rng: StdRng::seed_from_u64(seed),
            clock: 1_767_225_600.0, // 2026-01-01T00:00:00Z
            postings: Vec::new(),
            candidates: HashMap::new(),
            interviews: HashMap::new(),
            webhooks: Vec::new(),
            exports: Vec::new(),
            candidate_count: 0,
        };
        for i in 0..postings {
            let id = store.hex(8);
            let title = TITLES[i % TITLES.len()].to_owned();
            let url_key = format!(
                "{}-{}",
                title.to_lowercase().replace(' ', "-"),
                &id[..4].to_lowercase()
            );
            let created_at = store.tick();
            store.postings.push(Posting {
                id: id.clone(),
                url_key,
                title,
                created_at,
                max_retakes: 0,
            });
            for _ in 0..per_posting {
                let first = FIRST[store.rng.random_range(0..FIRST.len())];
                let last = LAST[store.rng.random_range(0..LAST.len())];
                let n: u32 = store.rng.random_range(0..100_000);
                let name = format!("{first} {last}");
                let email = format!(
                    "{}.{}{n}@example.com",
                    first.to_lowercase(),
                    last.to_lowercase()
                );
                // Deterministic stage spread so lists show every status.
                let stage = match store.rng.random_range(0..4) {
                    0 => Stage::Pending,
                    1 => Stage::InProgress,
                    2 => Stage::Completed,
                    _ => Stage::ReportAvailable,
                };
                let c = store.new_candidate(
                    &id,
                    name,
                    email,
                    None,
                    HashMap::new(),
                    serde_json::Map::new(),
                );
                let iid = c.interview_id.clone();
                store.push_candidate(c);
                store.set_stage(&iid, stage);
            }
        }
        store
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

    /// A posting by id or by url key.
    pub fn posting(&self, id_or_key: &str) -> Option<&Posting> {
        self.postings
            .iter()
            .find(|p| p.id == id_or_key || p.url_key == id_or_key)
    }

    /// A candidate by interview id.
    pub fn candidate(&self, interview_id: &str) -> Option<&Candidate> {
        let posting = self.interviews.get(interview_id)?;
        self.candidates
            .get(posting)?
            .iter()
            .find(|c| c.interview_id == interview_id)
    }

    /// A candidate by interview id, mutable.
    pub fn candidate_mut(&mut self, interview_id: &str) -> Option<&mut Candidate> {
        let posting = self.interviews.get(interview_id)?.clone();
        self.candidates
            .get_mut(&posting)?
            .iter_mut()
            .find(|c| c.interview_id == interview_id)
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

    /// Stores a candidate.
    pub fn push_candidate(&mut self, c: Candidate) {
        self.interviews
            .insert(c.interview_id.clone(), c.posting_id.clone());
        self.candidates
            .entry(c.posting_id.clone())
            .or_default()
            .push(c);
        self.candidate_count += 1;
    }

    /// The newest interview of this email in this posting.
    pub fn existing(&self, posting_id: &str, email: &str) -> Option<&Candidate> {
        self.candidates
            .get(posting_id)?
            .iter()
            .rev()
            .find(|c| c.email.eq_ignore_ascii_case(email))
    }

    /// Moves an interview to `stage` (and fills what that stage implies).
    pub fn set_stage(&mut self, interview_id: &str, stage: Stage) -> Option<Candidate> {
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

/// A small stable hash (FNV-1a), for ids derived from an email.
fn fnv(s: &str) -> u64 {
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
    }
}
