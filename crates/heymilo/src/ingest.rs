//! Bulk ingestion: any number of candidates, in chunked bulk calls with
//! bounded concurrency, each row ending with exactly one interview or one
//! error, reported in input order.
//!
//! ```no_run
//! use heymilo::ingest::Candidate;
//!
//! # async fn demo(client: heymilo::Client) {
//! let candidates = vec![
//!     Candidate::new("Jane Doe", "jane@example.com").metadata("external_id", "c-1"),
//!     Candidate::new("Li Wei", "li@example.com").phone_number("+12065551234"),
//! ];
//! let report = client
//!     .ingest()
//!     .v2("13D77095")
//!     .concurrency(4)
//!     .on_progress(|p| eprintln!("{}/{:?} rows", p.rows, p.total))
//!     .run(candidates)
//!     .await;
//! for (row, outcome) in report.outcomes.iter().enumerate() {
//!     match outcome {
//!         Ok(done) => println!("row {row}: {}", done.interview_link),
//!         Err(e) => println!("{e}"),
//!     }
//! }
//! # }
//! ```
//!
//! # What is sent, and when it is sent again
//!
//! Every candidate is first checked with [`crate::validate`]; one that fails
//! is never sent and ends as [`RowErrorKind::Invalid`]. The others go in
//! chunks ([`BulkIngest::chunk_size`], default 100) through the client, so
//! every request passes the client's shared rate limiter and its one request
//! engine, which alone decides re-sends ([`crate::Disposition`]); at most
//! [`BulkIngest::concurrency`] chunks (default 4) are in flight.
//!
//! A re-send never creates a second interview for the same candidate:
//!
//! - **v1** (`ingest_candidates_bulk` with `retake: false`) returns a
//!   candidate's existing interview, so the spec marks it idempotent and the
//!   engine sends a chunk again after 5xx, timeouts and answers cut short.
//! - **v2** (`ingest_candidates_bulk`) is not idempotent, so the engine sends
//!   a chunk again only when the server certainly did not process it (429, a
//!   refused connection). After a failure it may have processed (5xx, timeout, broken
//!   connection or body) the chunk is never re-sent; what happens instead is
//!   [`V2Recovery`]: by default its rows end as
//!   [`RowErrorKind::MaybeIngested`]; with [`V2Recovery::SingleIngests`] each
//!   row is ingested alone, which returns the interview the failed chunk may
//!   have created, as long as the posting allows no retakes.
//! - A 422 that names one row of a chunk (`body.candidates.3.email`) ends that
//!   row as [`RowErrorKind::Rejected`] and sends the rest again: the server
//!   processed nothing.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use futures::stream::{self, Stream, StreamExt};
use heymilo_gen::{v1, v2};

use crate::validate::{self, InvalidField};
use crate::{Client, Disposition, Error, Generation};

/// Candidates per bulk request unless [`BulkIngest::chunk_size`] says otherwise.
pub const DEFAULT_CHUNK_SIZE: usize = 100;
/// The most candidates one bulk request may carry.
pub const MAX_CHUNK_SIZE: usize = 1_000;
/// Bulk requests in flight at once unless [`BulkIngest::concurrency`] says otherwise.
pub const DEFAULT_CONCURRENCY: usize = 4;

/// A candidate to ingest: the fields both generations accept.
///
/// ```
/// let c = heymilo::ingest::Candidate::new("Jane Doe", "jane@example.com")
///     .phone_number("+12065551234")
///     .metadata("external_id", "c-1")
///     .data("source", "careers page");
/// assert_eq!(c.metadata["external_id"], "c-1");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Candidate {
    /// Full name (required, not blank).
    pub name: String,
    /// Email address (required).
    pub email: String,
    /// Phone number in E.164 form.
    pub phone_number: Option<String>,
    /// Your labels: at most 50 keys, keys up to 40 and values up to 500 characters.
    pub metadata: HashMap<String, String>,
    /// Free-form data kept with the candidate.
    pub data: serde_json::Map<String, serde_json::Value>,
}

impl Candidate {
    /// A candidate with a name and an email.
    pub fn new(name: impl Into<String>, email: impl Into<String>) -> Self {
        Candidate {
            name: name.into(),
            email: email.into(),
            ..Candidate::default()
        }
    }

    /// Sets the phone number (E.164, e.g. `+12065551234`).
    pub fn phone_number(mut self, phone: impl Into<String>) -> Self {
        self.phone_number = Some(phone.into());
        self
    }

    /// Adds one metadata label.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Adds one free-form data field.
    pub fn data(mut self, key: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        self.data.insert(key.into(), value.into());
        self
    }

    fn metadata_or_none(&self) -> Option<HashMap<String, String>> {
        (!self.metadata.is_empty()).then(|| self.metadata.clone())
    }

    fn data_or_none(&self) -> Option<serde_json::Map<String, serde_json::Value>> {
        (!self.data.is_empty()).then(|| self.data.clone())
    }

    fn to_v1(&self) -> v1::types::IngestCandidate {
        v1::types::IngestCandidate {
            name: self.name.clone(),
            email: self.email.clone(),
            phone_number: self.phone_number.clone(),
            metadata: self.metadata_or_none(),
            data: self.data_or_none(),
        }
    }

    /// The same fields as v1's row, under v2's type.
    fn to_v2(&self) -> v2::types::CandidateIngestRequest {
        let v1::types::IngestCandidate {
            name,
            email,
            phone_number,
            metadata,
            data,
        } = self.to_v1();
        v2::types::CandidateIngestRequest {
            name,
            email,
            phone_number,
            metadata,
            data,
        }
    }
}

/// Where candidates go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// v1 `ingest_candidates_bulk` into the pipeline of a url key, with `retake: false`.
    V1 { url_key: String },
    /// v2 `ingest_candidates_bulk` into a posting.
    V2 { posting_id: String },
}

/// What to do with the rows of a v2 chunk the server may have processed
/// although the request failed (5xx, timeout, broken connection).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum V2Recovery {
    /// End them as [`RowErrorKind::MaybeIngested`] and send nothing more: no
    /// duplicate is possible whatever the posting's settings (the default).
    #[default]
    ReportMaybeIngested,
    /// Ingest each of them alone (v2 `ingest_candidate`, repeated on failure).
    ///
    /// v2 keeps one interview per candidate and posting, so a candidate the
    /// failed chunk did create gets that interview back. Use this only for
    /// postings that allow no retakes (`max_retakes` 0, the default): where
    /// retakes are allowed, a repeat ingest creates a retake interview.
    SingleIngests,
}

/// A row's interview.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Ingested {
    /// The interview created or found for the candidate.
    pub interview_id: String,
    /// The link the candidate opens to take it.
    pub interview_link: String,
}

impl Ingested {
    fn from_v1(d: v1::types::InterviewLink) -> Self {
        // v1 does not promise either field; a missing one reaches the caller
        // as empty text instead of failing a chunk that was ingested.
        let (interview_id, link) = (d.interview_id, d.interview_link);
        Ingested {
            interview_id: interview_id.unwrap_or_default(),
            interview_link: link.unwrap_or_default(),
        }
    }

    fn from_v2(d: v2::types::BulkIngestCandidateResponseItem) -> Self {
        let (interview_id, interview_link) = (d.interview_id, d.interview_url);
        Ingested {
            interview_id,
            interview_link,
        }
    }
}

/// One row's outcome.
pub type RowOutcome = Result<Ingested, RowError>;

/// Why a row has no interview.
#[derive(Debug, Clone, thiserror::Error)]
#[error("row {row}: {kind}")]
#[non_exhaustive]
pub struct RowError {
    /// The row's position in the input, from 0.
    pub row: usize,
    /// What happened.
    pub kind: RowErrorKind,
}

impl RowError {
    /// The field at fault, when the row was refused for one (client-side or by the server).
    pub fn field(&self) -> Option<&str> {
        match &self.kind {
            RowErrorKind::Invalid(f) => Some(f.field),
            RowErrorKind::Rejected(e) => e
                .api_error()
                .and_then(|a| a.fields.first())
                .map(|f| f.field.rsplit('.').next().unwrap_or(&f.field)),
            _ => None,
        }
    }

    /// Whether the candidate may have been ingested although the row failed.
    pub fn may_have_been_ingested(&self) -> bool {
        matches!(self.kind, RowErrorKind::MaybeIngested(_))
    }
}

/// What happened to a row that has no interview.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RowErrorKind {
    /// Failed the client-side checks; not sent.
    #[error("invalid {0}")]
    Invalid(InvalidField),
    /// The server refused it (400, 401, 404, 422): nothing was ingested.
    #[error("refused by the server: {0}")]
    Rejected(Arc<Error>),
    /// The request failed before the server processed it (429, connection
    /// refused), also after the retries: nothing was ingested.
    #[error("not ingested: {0}")]
    NotIngested(Arc<Error>),
    /// The request failed after the server may have processed it (5xx,
    /// timeout, broken connection): the candidate may have an interview.
    /// For v1 (`retake: false`) ingesting the row again is safe.
    #[error("may have been ingested: {0}")]
    MaybeIngested(Arc<Error>),
}

/// How far a bulk ingest has come; reported after every chunk.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct IngestProgress {
    /// Rows finished (an interview or an error).
    pub rows: usize,
    /// Rows with an interview.
    pub succeeded: usize,
    /// Rows with an error.
    pub failed: usize,
    /// Rows in all, when the input knows its length.
    pub total: Option<usize>,
}

/// Every row's outcome, in input order.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct IngestReport {
    /// `outcomes[i]` is row `i`'s.
    pub outcomes: Vec<RowOutcome>,
}

impl IngestReport {
    /// Rows with an interview.
    pub fn succeeded(&self) -> usize {
        self.outcomes.iter().filter(|o| o.is_ok()).count()
    }

    /// Rows with an error.
    pub fn failed(&self) -> usize {
        self.outcomes.len() - self.succeeded()
    }

    /// The errors, in row order.
    pub fn errors(&self) -> impl Iterator<Item = &RowError> {
        self.outcomes.iter().filter_map(|o| o.as_ref().err())
    }
}

type ProgressFn<'a> = Box<dyn FnMut(IngestProgress) + Send + 'a>;

/// A bulk ingest being configured; start from [`Client::ingest`].
pub struct BulkIngest<'a> {
    plan: Plan,
    chunk_size: usize,
    concurrency: usize,
    progress: Option<ProgressFn<'a>>,
}

impl fmt::Debug for BulkIngest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BulkIngest")
            .field("target", &self.plan.target)
            .field("chunk_size", &self.chunk_size)
            .field("concurrency", &self.concurrency)
            .field("v2_recovery", &self.plan.recovery)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Bulk ingestion of candidates; see [`crate::ingest`].
    pub fn ingest(&self) -> Ingest {
        Ingest {
            client: self.clone(),
        }
    }
}

/// The bulk ingests of a client; start from [`Client::ingest`].
#[derive(Debug, Clone)]
pub struct Ingest {
    client: Client,
}

impl Ingest {
    /// Into a v1 pipeline, named by its url key (v1 `ingest_candidates_bulk`).
    ///
    /// ```no_run
    /// # async fn demo(client: heymilo::Client) {
    /// use heymilo::ingest::Candidate;
    /// let report = client
    ///     .ingest()
    ///     .v1("backend-engineer-13d7")
    ///     .run([Candidate::new("Jane Doe", "jane@example.com")])
    ///     .await;
    /// assert_eq!(report.outcomes.len(), 1);
    /// # }
    /// ```
    pub fn v1(&self, url_key: impl Into<String>) -> BulkIngest<'static> {
        self.start(Target::V1 {
            url_key: url_key.into(),
        })
    }

    /// Into a v2 posting, named by its id (v2 `ingest_candidates_bulk`).
    pub fn v2(&self, posting_id: impl Into<String>) -> BulkIngest<'static> {
        self.start(Target::V2 {
            posting_id: posting_id.into(),
        })
    }

    /// Into `generation`: `id` is a v1 url key or a v2 posting id.
    pub fn into_generation(
        &self,
        generation: Generation,
        id: impl Into<String>,
    ) -> BulkIngest<'static> {
        match generation {
            Generation::V1 => self.v1(id),
            Generation::V2 => self.v2(id),
        }
    }

    fn start(&self, target: Target) -> BulkIngest<'static> {
        BulkIngest {
            plan: Plan {
                client: self.client.clone(),
                target,
                recovery: V2Recovery::default(),
            },
            chunk_size: DEFAULT_CHUNK_SIZE,
            concurrency: DEFAULT_CONCURRENCY,
            progress: None,
        }
    }
}

impl<'a> BulkIngest<'a> {
    /// Candidates per bulk request, 1 to 1,000 (default 100).
    pub fn chunk_size(mut self, size: usize) -> Self {
        self.chunk_size = size.clamp(1, MAX_CHUNK_SIZE);
        self
    }

    /// Bulk requests in flight at once, at least 1 (default 4). They all pass
    /// the client's rate limiter, so this bounds parallelism, not the rate.
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests.max(1);
        self
    }

    /// What to do after a v2 chunk fails once the server may have processed it.
    pub fn v2_recovery(mut self, recovery: V2Recovery) -> Self {
        self.plan.recovery = recovery;
        self
    }

    /// Called after every chunk with the rows finished so far.
    pub fn on_progress<'b>(
        self,
        progress: impl FnMut(IngestProgress) + Send + 'b,
    ) -> BulkIngest<'b> {
        BulkIngest {
            plan: self.plan,
            chunk_size: self.chunk_size,
            concurrency: self.concurrency,
            progress: Some(Box::new(progress)),
        }
    }

    /// Ingests every candidate of `candidates`; one outcome per row, in order.
    pub async fn run<I>(self, candidates: I) -> IngestReport
    where
        I: IntoIterator<Item = Candidate>,
    {
        self.run_stream(stream::iter(candidates)).await
    }

    /// Ingests every candidate `candidates` yields; one outcome per row, in order.
    pub async fn run_stream<S>(self, candidates: S) -> IngestReport
    where
        S: Stream<Item = Candidate>,
    {
        let capacity = candidates.size_hint().0;
        let outcomes = self.stream(candidates);
        futures::pin_mut!(outcomes);
        let mut report = IngestReport {
            outcomes: Vec::with_capacity(capacity),
        };
        while let Some(outcome) = outcomes.next().await {
            report.outcomes.push(outcome);
        }
        report
    }

    /// The API generation this ingest writes to.
    pub fn generation(&self) -> Generation {
        match self.plan.target {
            Target::V1 { .. } => Generation::V1,
            Target::V2 { .. } => Generation::V2,
        }
    }

    /// The outcomes as a stream, in input order, for inputs too large to keep
    /// every outcome: at most `concurrency` chunks are held at a time.
    pub fn stream<S>(self, candidates: S) -> impl Stream<Item = RowOutcome>
    where
        S: Stream<Item = Candidate>,
    {
        let (low, high) = candidates.size_hint();
        let mut progress = IngestProgress {
            total: (Some(low) == high).then_some(low),
            ..IngestProgress::default()
        };
        let mut report = self.progress;
        let plan = self.plan;
        candidates
            .enumerate()
            .chunks(self.chunk_size)
            .map(move |rows| plan.clone().chunk(rows))
            .buffered(self.concurrency)
            .map(move |outcomes| {
                for o in &outcomes {
                    progress.rows += 1;
                    match o {
                        Ok(_) => progress.succeeded += 1,
                        Err(_) => progress.failed += 1,
                    }
                }
                if let Some(report) = report.as_mut() {
                    report(progress);
                }
                stream::iter(outcomes)
            })
            .flatten()
    }
}

/// The row of a chunk a 422 names (`body.candidates.3.email`, `body.data.3.email`).
fn rejected_row(error: &Error, rows: usize) -> Option<usize> {
    let Error::Validation(api) = error else {
        return None;
    };
    api.fields.iter().find_map(|f| {
        let parts: Vec<&str> = f.field.split('.').collect();
        parts
            .windows(2)
            .find(|w| w[0] == "candidates" || w[0] == "data")
            .and_then(|w| w[1].parse::<usize>().ok())
            .filter(|i| *i < rows)
    })
}

/// What every chunk of one bulk ingest shares.
#[derive(Clone)]
struct Plan {
    client: Client,
    target: Target,
    recovery: V2Recovery,
}

type Row = (usize, Candidate);

impl Plan {
    /// One chunk's outcomes, in row order.
    async fn chunk(self, rows: Vec<Row>) -> Vec<RowOutcome> {
        let mut done: Vec<(usize, RowOutcome)> = Vec::with_capacity(rows.len());
        let mut pending = Vec::with_capacity(rows.len());
        for (row, candidate) in rows {
            match validate::candidate(&candidate) {
                Ok(()) => pending.push((row, candidate)),
                Err(invalid) => done.push((
                    row,
                    Err(RowError {
                        row,
                        kind: RowErrorKind::Invalid(invalid),
                    }),
                )),
            }
        }
        self.send(pending, &mut done).await;
        done.sort_by_key(|(row, _)| *row);
        done.into_iter().map(|(_, o)| o).collect()
    }

    /// Sends `pending` in one bulk request, again when that is safe; every
    /// row ends in `done` exactly once.
    async fn send(&self, mut pending: Vec<Row>, done: &mut Vec<(usize, RowOutcome)>) {
        while !pending.is_empty() {
            let error = match self.bulk_call(&pending).await {
                Ok(interviews) if interviews.len() == pending.len() => {
                    done.extend(
                        pending
                            .drain(..)
                            .zip(interviews)
                            .map(|((row, _), i)| (row, Ok(i))),
                    );
                    return;
                }
                Ok(interviews) => Error::Decode {
                    what: "bulk ingest response".into(),
                    message: format!(
                        "{} interviews for {} candidates",
                        interviews.len(),
                        pending.len()
                    ),
                    snippet: String::new(),
                },
                Err(e) => e,
            };
            if let Some(i) = rejected_row(&error, pending.len()) {
                // The server processed nothing: drop the row it named, send the rest.
                let (row, _) = pending.remove(i);
                done.push((
                    row,
                    Err(RowError {
                        row,
                        kind: RowErrorKind::Rejected(Arc::new(error)),
                    }),
                ));
                continue;
            }
            // The engine has already sent the chunk again wherever that was
            // safe; what is left is final for these rows.
            if error.disposition() == Disposition::MaybeProcessed
                && self.recovery == V2Recovery::SingleIngests
                && let Target::V2 { posting_id } = &self.target
            {
                tracing::debug!(
                    rows = pending.len(),
                    error = %error,
                    "bulk ingest chunk may have been processed: ingesting its rows one by one"
                );
                // v2 keeps one interview per candidate and posting, so a
                // repeat returns it: the engine may re-send these.
                let client = self.client.resending_safely();
                for (row, candidate) in pending.drain(..) {
                    let outcome = single_v2(&client, posting_id, row, &candidate).await;
                    done.push((row, outcome));
                }
                return;
            }
            let error = Arc::new(error);
            for (row, _) in pending.drain(..) {
                done.push((
                    row,
                    Err(RowError {
                        row,
                        kind: row_error(error.clone()),
                    }),
                ));
            }
        }
    }

    /// One bulk request; the interviews in request order.
    async fn bulk_call(&self, rows: &[Row]) -> Result<Vec<Ingested>, Error> {
        match &self.target {
            Target::V1 { url_key } => {
                let body = v1::types::BulkIngestRequest {
                    candidates: rows.iter().map(|(_, c)| c.to_v1()).collect(),
                    retake: Some(false),
                };
                let call = self.client.v1().ingest_candidates_bulk().url_key(url_key);
                let sent = call.body(body).send().await?.into_inner();
                Ok(sent
                    .interview_details
                    .into_iter()
                    .map(Ingested::from_v1)
                    .collect())
            }
            Target::V2 { posting_id } => {
                let body = v2::types::BulkCandidateIngestRequest {
                    data: rows.iter().map(|(_, c)| c.to_v2()).collect(),
                };
                let call = self
                    .client
                    .v2()
                    .ingest_candidates_bulk()
                    .posting_id(posting_id);
                let sent = call.body(body).send().await?.into_inner();
                Ok(sent.data.into_iter().map(Ingested::from_v2).collect())
            }
        }
    }
}

/// One candidate through v2 `ingest_candidate` on a client that re-sends it
/// after any failure that is not a refusal ([`V2Recovery::SingleIngests`]).
async fn single_v2(
    client: &Client,
    posting_id: &str,
    row: usize,
    candidate: &Candidate,
) -> RowOutcome {
    let result = client
        .v2()
        .ingest_candidate()
        .posting_id(posting_id)
        .body(candidate.to_v2())
        .send()
        .await;
    match result {
        Ok(response) => {
            let data = response.into_inner().data;
            Ok(Ingested {
                interview_id: data.interview_id,
                interview_link: data.interview_url,
            })
        }
        Err(e) => Err(RowError {
            row,
            kind: row_error(Arc::new(e.into())),
        }),
    }
}

/// What a failed request means for its rows, read from the engine's one
/// classification: refused by the server, never processed (a local check,
/// the limiter, a connection that never opened, a 429), or maybe processed.
fn row_error(error: Arc<Error>) -> RowErrorKind {
    match error.disposition() {
        Disposition::Rejected => RowErrorKind::Rejected(error),
        d if d.may_have_been_processed() => RowErrorKind::MaybeIngested(error),
        _ => RowErrorKind::NotIngested(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ApiError, FieldError};

    fn validation(field: &str) -> Error {
        Error::Validation(Box::new(ApiError {
            status: 422,
            code: None,
            kind: None,
            message: "invalid".into(),
            param: None,
            fields: vec![FieldError {
                field: field.into(),
                code: None,
                message: "bad".into(),
            }],
            request_id: None,
        }))
    }

    #[test]
    fn a_422_names_its_row() {
        assert_eq!(
            rejected_row(&validation("body.candidates.3.email"), 5),
            Some(3)
        );
        assert_eq!(
            rejected_row(&validation("body.data.0.phone_number"), 1),
            Some(0)
        );
        assert_eq!(rejected_row(&validation("body.data.7.email"), 5), None);
        assert_eq!(rejected_row(&validation("body.url_key"), 5), None);
        assert!(matches!(
            row_error(Arc::new(validation("body"))),
            RowErrorKind::Rejected(_)
        ));
        let local = Error::InvalidRequest {
            message: "limit".into(),
        };
        assert!(matches!(
            row_error(Arc::new(local)),
            RowErrorKind::NotIngested(_)
        ));
        let limiter = Error::RateLimiterUnavailable {
            message: "redis down".into(),
        };
        assert!(matches!(
            row_error(Arc::new(limiter)),
            RowErrorKind::NotIngested(_)
        ));
    }

    #[test]
    fn empty_labels_are_not_sent() {
        let c = Candidate::new("A", "a@example.com");
        assert_eq!(c.to_v1().metadata, None);
        assert_eq!(c.to_v2().data, None);
        let c = c.metadata("k", "v").data("n", 1);
        assert_eq!(c.to_v2().metadata.map(|m| m.len()), Some(1));
        assert!(c.to_v1().data.is_some());
    }

    #[test]
    fn settings_are_clamped() {
        let client = Client::builder().api_key("k").build().expect("client");
        let b = client.ingest().v1("x").chunk_size(0).concurrency(0);
        assert_eq!((b.chunk_size, b.concurrency), (1, 1));
        let b = client.ingest().v2("x").chunk_size(5_000);
        assert_eq!(b.chunk_size, MAX_CHUNK_SIZE);
    }
}
