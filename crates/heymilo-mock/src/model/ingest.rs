//! Candidate ingestion with each generation's retake rule, all or nothing.
//!
//! A batch is planned before anything is stored: how many rows make a new
//! interview and how many bytes they take. A batch that would pass the
//! candidate cap or the byte budget is refused whole. An async ingestion
//! reserves its room when it is accepted, so running it later cannot pass a
//! limit; should it fail anyway (its posting closed meanwhile), the failure
//! is kept in the ingestion log (`GET /_mock/ingestions`).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::model::error::ModelError;
use crate::model::ingestions::{Ingestion, Outcome};
use crate::model::store::{Candidate, Store, person_size};

/// Most candidates in one bulk request.
pub const MAX_BULK: usize = 1_000;

/// One candidate to ingest, as either generation sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCandidate {
    /// Full name.
    pub name: String,
    /// Email.
    pub email: String,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// Labels.
    pub metadata: HashMap<String, String>,
    /// Free-form data.
    pub data: Map<String, Value>,
}

/// When a repeat ingest of the same email makes a new interview.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Retakes {
    /// v1: a new interview only when the caller says `retake`; otherwise the
    /// existing one is returned.
    V1 {
        /// The request's `retake`.
        retake: bool,
    },
    /// v2: one interview per candidate and posting, plus up to the posting's
    /// `max_retakes` retakes; past them the newest is returned.
    V2 {
        /// The posting's allowance.
        max_retakes: u32,
    },
}

impl Retakes {
    /// Whether a row makes a new interview, given the retakes of the email's
    /// newest interview (`None`: it has none); and the new one's retakes.
    fn new_interview(self, newest: Option<u32>) -> Option<u32> {
        match (self, newest) {
            (_, None) => Some(0),
            (Retakes::V1 { retake: true }, Some(_)) => Some(0),
            (Retakes::V1 { retake: false }, Some(_)) => None,
            (Retakes::V2 { max_retakes }, Some(r)) if r < max_retakes => Some(r + 1),
            (Retakes::V2 { .. }, Some(_)) => None,
        }
    }
}

/// An upper estimate of the bytes a row takes once stored (the ids have
/// their longest length).
fn row_size(posting_id: &str, row: &NewCandidate) -> usize {
    16 + "cand_".len()
        + 16
        + posting_id.len()
        + person_size(
            &row.name,
            &row.email,
            row.phone.as_deref(),
            &row.metadata,
            &row.data,
        )
}

/// How many rows of a batch would make a new interview, and their bytes.
fn plan(store: &Store, posting_id: &str, rows: &[NewCandidate], rule: Retakes) -> (usize, usize) {
    let mut newest: HashMap<String, Option<u32>> = HashMap::new();
    let (mut count, mut bytes) = (0usize, 0usize);
    for row in rows {
        let key = row.email.to_lowercase();
        let now = *newest
            .entry(key)
            .or_insert_with(|| store.existing(posting_id, &row.email).map(|c| c.retakes));
        if let Some(r) = rule.new_interview(now) {
            count += 1;
            bytes = bytes.saturating_add(row_size(posting_id, row));
            newest.insert(row.email.to_lowercase(), Some(r));
        }
    }
    (count, bytes)
}

/// The refusal for a posting that takes no candidates now, if it does not;
/// `loc` names the path parameter.
pub fn check_open(store: &Store, posting_id: &str, loc: &[&str]) -> Result<(), ModelError> {
    let p = store
        .posting(posting_id)
        .ok_or_else(|| ModelError::not_found("Posting"))?;
    match p.closed(store.now()) {
        Some(why) => Err(ModelError::invalid(loc, why)),
        None => Ok(()),
    }
}

/// Ingests `rows` into posting `posting_id` (which takes candidates): every
/// row, or none when the batch would pass the cap or the budget. Returns
/// the interview of each row, in order (existing ones where the rule says so).
pub fn ingest(
    store: &mut Store,
    posting_id: &str,
    rows: &[NewCandidate],
    rule: Retakes,
) -> Result<Vec<Candidate>, ModelError> {
    let (count, bytes) = plan(store, posting_id, rows, rule);
    store.room_for(count, bytes)?;
    Ok(rows
        .iter()
        .map(|row| {
            let newest = store.existing(posting_id, &row.email).cloned();
            let retakes = rule.new_interview(newest.as_ref().map(|c| c.retakes));
            match (newest, retakes) {
                (Some(existing), None) => existing,
                (_, retakes) => {
                    let mut c = store.new_candidate(
                        posting_id,
                        row.name.clone(),
                        row.email.clone(),
                        row.phone.clone(),
                        row.metadata.clone(),
                        row.data.clone(),
                    );
                    c.retakes = retakes.unwrap_or(0);
                    store.push_candidate(c.clone());
                    c
                }
            }
        })
        .collect())
}

/// An accepted async ingestion: its room is reserved in the store.
#[derive(Debug)]
pub struct Accepted {
    /// The id the 202 carries.
    pub ingestion_id: String,
    posting_id: String,
    rows: Vec<NewCandidate>,
    rule: Retakes,
    reserved: (usize, usize),
}

/// Accepts an async ingestion: refused (nothing reserved) when it would pass
/// the cap or the budget; otherwise its room is reserved and it is logged
/// as queued.
pub fn accept(
    store: &mut Store,
    posting_id: &str,
    rows: Vec<NewCandidate>,
    rule: Retakes,
) -> Result<Accepted, ModelError> {
    let (count, bytes) = plan(store, posting_id, &rows, rule);
    store.room_for(count, bytes)?;
    store.reserved.0 += count;
    store.reserved.1 = store.reserved.1.saturating_add(bytes);
    let ingestion_id = format!("intake_{}", store.hex(12).to_lowercase());
    store.ingestions.push(Ingestion {
        ingestion_id: ingestion_id.clone(),
        posting_id: posting_id.to_owned(),
        rows: rows.len(),
        outcome: Outcome::Queued,
    });
    Ok(Accepted {
        ingestion_id,
        posting_id: posting_id.to_owned(),
        rows,
        rule,
        reserved: (count, bytes),
    })
}

/// Runs an accepted ingestion: releases its reservation, then ingests all
/// rows or none, and records the outcome in the log either way.
pub fn run(store: &mut Store, job: Accepted) -> Result<Vec<Candidate>, ModelError> {
    store.reserved.0 = store.reserved.0.saturating_sub(job.reserved.0);
    store.reserved.1 = store.reserved.1.saturating_sub(job.reserved.1);
    // The rule may have changed meanwhile (max_retakes is a posting setting).
    let rule = match (job.rule, store.posting(&job.posting_id)) {
        (Retakes::V2 { .. }, Some(p)) => Retakes::V2 {
            max_retakes: p.max_retakes,
        },
        (rule, _) => rule,
    };
    let outcome = check_open(store, &job.posting_id, &["path", "posting_id"])
        .and_then(|()| ingest(store, &job.posting_id, &job.rows, rule));
    store.ingestions.finish(
        &job.ingestion_id,
        match &outcome {
            Ok(done) => Ok(done.iter().map(|c| c.interview_id.clone()).collect()),
            Err(e) => Err(e.to_string()),
        },
    );
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(email: &str) -> NewCandidate {
        NewCandidate {
            name: "A B".into(),
            email: email.into(),
            phone: None,
            metadata: HashMap::new(),
            data: Map::new(),
        }
    }

    #[test]
    fn retake_rules_per_generation() {
        use Retakes::*;
        let table = [
            (V1 { retake: false }, None, Some(0)),
            (V1 { retake: false }, Some(0), None),
            (V1 { retake: true }, Some(3), Some(0)),
            (V2 { max_retakes: 0 }, None, Some(0)),
            (V2 { max_retakes: 0 }, Some(0), None),
            (V2 { max_retakes: 2 }, Some(1), Some(2)),
            (V2 { max_retakes: 2 }, Some(2), None),
        ];
        for (rule, newest, want) in table {
            assert_eq!(rule.new_interview(newest), want, "{rule:?} {newest:?}");
        }
    }

    #[test]
    fn a_batch_past_the_cap_stores_nothing() {
        let mut store = Store::seeded(1, 1, 0);
        let pid = store.postings[0].id.clone();
        store.candidate_count = crate::model::store::MAX_CANDIDATES - 2;
        let rows: Vec<_> = (0..3).map(|i| row(&format!("a{i}@x.io"))).collect();
        let err = ingest(&mut store, &pid, &rows, Retakes::V1 { retake: false });
        assert!(matches!(err, Err(ModelError::Full { .. })));
        assert!(store.candidates.get(&pid).is_none_or(Vec::is_empty));
        // Duplicates within the batch count once: two new interviews fit.
        let rows = [row("a@x.io"), row("A@x.io"), row("b@x.io")];
        let done = ingest(&mut store, &pid, &rows, Retakes::V1 { retake: false });
        let done = done.expect("two new interviews fit");
        assert_eq!(done[0].interview_id, done[1].interview_id);
    }

    #[test]
    fn a_batch_past_the_budget_stores_nothing() {
        let mut store = Store::seeded(1, 1, 0);
        let pid = store.postings[0].id.clone();
        let rows: Vec<_> = (0..3).map(|i| row(&format!("a{i}@x.io"))).collect();
        store.max_bytes = store.bytes + row_size(&pid, &rows[0]) + row_size(&pid, &rows[1]);
        let before = store.bytes;
        let err = ingest(&mut store, &pid, &rows, Retakes::V2 { max_retakes: 0 });
        assert!(matches!(err, Err(ModelError::Full { .. })));
        assert_eq!(store.bytes, before);
        assert!(ingest(&mut store, &pid, &rows[..2], Retakes::V2 { max_retakes: 0 }).is_ok());
        assert!(store.bytes <= store.max_bytes);
    }

    #[test]
    fn accepted_ingestions_hold_their_room_and_log_failures() {
        let mut store = Store::seeded(1, 1, 0);
        let pid = store.postings[0].id.clone();
        store.candidate_count = crate::model::store::MAX_CANDIDATES - 1;
        let job = accept(
            &mut store,
            &pid,
            vec![row("a@x.io")],
            Retakes::V2 { max_retakes: 0 },
        );
        let job = job.expect("room for one");
        // The reserved room is taken: a second one is refused now, not later.
        let again = accept(
            &mut store,
            &pid,
            vec![row("b@x.io")],
            Retakes::V2 { max_retakes: 0 },
        );
        assert!(again.is_err());
        store.postings[0].status = crate::model::store::PostingStatus::Archived;
        let id = job.ingestion_id.clone();
        assert!(run(&mut store, job).is_err());
        let logged = store.ingestions.get(&id).expect("logged");
        let failed =
            matches!(&logged.outcome, Outcome::Failed { error } if error.contains("archived"));
        assert!(failed, "{logged:?}");
        assert_eq!(store.reserved, (0, 0));
    }
}
