//! The fake HeyMilo itself, without HTTP: the store and its byte budget,
//! seeding, ingestion with each generation's retake rule, postings and
//! their questions, the interview lifecycle, webhooks, the catalogues and
//! the ATS. Nothing here knows axum; the HTTP layer renders its answers
//! and its refusals ([`error::ModelError`]).

pub(crate) mod ats;
pub(crate) mod catalog;
pub mod error;
pub mod ingest;
pub mod ingestions;
pub mod lifecycle;
pub(crate) mod postings;
pub(crate) mod push;
pub(crate) mod questions;
mod seed;
pub mod store;
pub mod time;
pub mod webhooks;
