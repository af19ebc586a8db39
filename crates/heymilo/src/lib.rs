//! The Rust SDK for the HeyMilo recruiting and AI-interview API.
//!
//! One [`Client`] reaches both API generations: [`Client::v1`] (legacy,
//! `https://api.heymilo.network`) and [`Client::v2`] (current,
//! `https://api.heymilo.ai`). Every operation is generated from the project's
//! OpenAPI specs; this crate adds what every call needs:
//!
//! - **retries** with jittered exponential backoff and `Retry-After`, never
//!   re-sending a request that may have created something ([`RetryPolicy`]);
//! - **rate limiting** at HeyMilo's 300 requests/minute, shared by clones
//!   ([`rate_limit`]);
//! - **pagination** streams over every list, page-number and cursor alike
//!   ([`Paginate`]);
//! - **one error type**, [`Error`], with HeyMilo's field-level details;
//! - the API key kept secret: never in `Debug`, logs or errors.
//!
//! ```no_run
//! use heymilo::prelude::*;
//!
//! # async fn demo() -> heymilo::Result<()> {
//! let client = Client::from_env()?;
//! let candidates: Vec<_> = client
//!     .v2()
//!     .list_candidates()
//!     .posting_id("13D77095")
//!     .limit(100)
//!     .stream()
//!     .try_collect()
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! # API guidelines
//!
//! - **An operation**: `client.v1()` or `client.v2()`, then the operation's
//!   builder (named after its `operationId`), then `.send().await?`. Lists
//!   also have `.stream()` and `.pages()` ([`Paginate`]).
//! - **A workflow**: `client.ingest()`, `client.export()`,
//!   `client.webhooks()` each return a small handle; its methods choose the
//!   generation (`.v1(url_key)`, `.v2(posting_id)`, or a [`Generation`]) and
//!   return a builder with optional settings such as `.on_progress(f)`, ended
//!   by one `async` call (`.run(..)`, `.to_path(..)`, `.to_writer(..)`).
//! - **An error**: every call returns [`Error`] (workflows wrap it: a row's
//!   [`ingest::RowError`], [`ExportError::Api`]). [`Error::disposition`] says
//!   whether the request reached the server and may be sent again;
//!   [`Error::api_error`] holds HeyMilo's code, message and field errors.
//! - **A setting**: on [`ClientBuilder`] for the whole client, or `with_`
//!   methods on a [`Client`] for a handle that shares its connections and
//!   rate limiter.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// First: the modules below use its macro.
#[macro_use]
mod setters;

mod client;
pub mod config;
mod engine;
mod error;
pub mod export;
mod generation;
pub mod ingest;
mod paginate;
pub mod rate_limit;
#[cfg(feature = "redis")]
mod rate_limit_redis;
mod retry;
mod text;
mod transport;
pub mod validate;
pub mod webhooks;

pub use client::Client;
pub use config::ClientBuilder;
pub use engine::Disposition;
pub use error::{ApiError, Error, FieldError, Result};
pub use export::ExportError;
pub use generation::{Generation, UnknownGeneration};
pub use heymilo_gen::{Page, v1, v2};
pub use paginate::{Pages, Paginate};
pub use retry::{PERMIT_NOTICE, RetryPolicy, Wait, WaitObserver, WaitReason};

/// The crate README's examples, compiled as doctests so the README cannot rot.
/// It is the crate's own (packaged with it); the workspace README is tested by
/// the `tests` crate, and `cargo xtask check` keeps their example the same.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The seam between the generated clients and the transport they send
/// through: what the constructors of [`v1::Client`] and [`v2::Client`] take,
/// for building a generated client by hand (a custom transport, a recording
/// one in tests). [`Client`] does all of this for you.
pub mod generated {
    pub use heymilo_gen::{
        ApiKeyTransport, BoxFuture, Inner, OperationMeta, Pagination, Position, Refusal, Transport,
    };
}

/// The usual imports: the client, the error, and the `.stream()` extension.
pub mod prelude {
    pub use crate::{Client, Error, Paginate};
    pub use futures::{StreamExt as _, TryStreamExt as _};
}
