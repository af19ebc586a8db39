//! The log of accepted async ingestions and their outcomes, served at
//! `GET /_mock/ingestions`: a failure after the 202 is never silent.

use std::collections::VecDeque;

use serde::Serialize;

/// Most async ingestions kept in the log (the oldest finished go first).
pub const MAX_LOG: usize = 1_000;

/// Where an accepted async ingestion stands.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Ingestion {
    /// The `ingestion_id` of the 202.
    pub ingestion_id: String,
    /// The posting.
    pub posting_id: String,
    /// `queued`, `completed` or `failed`.
    pub status: String,
    /// Rows in the request.
    pub rows: usize,
    /// The interviews, in row order, once completed.
    pub interview_ids: Vec<String>,
    /// Why it failed, when it did (nothing of it was stored then).
    pub error: Option<String>,
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
            match self.0.iter().position(|i| i.status != "queued") {
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
            match outcome {
                Ok(ids) => {
                    e.status = "completed".into();
                    e.interview_ids = ids;
                }
                Err(why) => {
                    e.status = "failed".into();
                    e.error = Some(why);
                }
            }
        }
    }
}
