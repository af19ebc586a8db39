//! The log of accepted async ingestions and their outcomes, served at
//! `GET /_mock/ingestions`: a failure after the 202 is never silent.

use std::collections::VecDeque;

use serde::Serialize;

/// Most async ingestions kept in the log (the oldest finished go first).
pub const MAX_LOG: usize = 1_000;

/// An accepted async ingestion and where it stands.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Ingestion {
    /// The `ingestion_id` of the 202.
    pub ingestion_id: String,
    /// The posting.
    pub posting_id: String,
    /// Rows in the request.
    pub rows: usize,
    /// Its `status`, with what that status carries.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Where an ingestion stands: the interviews exist only once it completed,
/// a reason only once it failed.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "status", rename_all = "lowercase")]
pub enum Outcome {
    /// Accepted, not yet processed.
    Queued,
    /// Stored: the interviews, in row order.
    Completed {
        /// One per row.
        interview_ids: Vec<String>,
    },
    /// Refused after the 202 (nothing of it was stored).
    Failed {
        /// Why.
        error: String,
    },
}

/// The async ingestions, newest last, bounded by [`MAX_LOG`].
#[derive(Debug, Default)]
pub struct IngestionLog(VecDeque<Ingestion>);

impl IngestionLog {
    /// Every entry, oldest first.
    pub fn all(&self) -> Vec<Ingestion> {
        self.0.iter().cloned().collect()
    }

    /// One entry.
    pub fn get(&self, id: &str) -> Option<&Ingestion> {
        self.0.iter().find(|i| i.ingestion_id == id)
    }

    pub(crate) fn push(&mut self, entry: Ingestion) {
        if self.0.len() >= MAX_LOG {
            // Queued entries stay: dropping one would hide its outcome.
            match self.0.iter().position(|i| i.outcome != Outcome::Queued) {
                Some(i) => {
                    self.0.remove(i);
                }
                None => {
                    self.0.pop_front();
                }
            }
        }
        self.0.push_back(entry);
    }

    pub(crate) fn finish(&mut self, id: &str, outcome: Result<Vec<String>, String>) {
        if let Some(e) = self.0.iter_mut().find(|i| i.ingestion_id == id) {
            e.outcome = match outcome {
                Ok(interview_ids) => Outcome::Completed { interview_ids },
                Err(error) => Outcome::Failed { error },
            };
        }
    }
}
