//! Generated HeyMilo API clients, one module per API generation.
//!
//! [`v1`] (legacy, `https://api.heymilo.network`) and [`v2`] (current,
//! `https://api.heymilo.ai`) are generated at build time by progenitor from
//! `openapi/v1.yaml` and `openapi/v2.yaml`. Nothing in them is written by hand.
//!
//! Every request of every operation goes through one [`Transport`], held by the
//! generated client's inner value ([`Inner`]). [`ApiKeyTransport`] is the plain
//! one: it adds the `X-API-KEY` header, marked sensitive, and sends. The
//! `heymilo` crate plugs in its own transport for retries, rate limiting and
//! tracing; tests plug in a recording one.
//!
//! ```no_run
//! # async fn demo() -> Result<(), heymilo_gen::v2::Error<heymilo_gen::v2::types::ErrorBody>> {
//! let client = heymilo_gen::v2::Client::new_with_client(
//!     "https://api.heymilo.ai",
//!     reqwest::Client::new(),
//!     heymilo_gen::Inner::api_key("my-key"),
//! );
//! let page = client.list_candidates().posting_id("13D77095").limit(50).send().await?;
//! println!("{} candidates", page.data.len());
//! # Ok(()) }
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[doc(hidden)]
pub mod paging;
mod transport;

pub use paging::{Page, Paged, Position};

pub use transport::{
    API_KEY_HEADER, ApiKeyTransport, BoxFuture, Inner, REFUSED, Refusal, Transport, set_api_key,
};

/// What the runtime needs to know about an operation, read from the spec at
/// generation time (see each module's `OPERATIONS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationMeta {
    /// The operationId, which is also the generated method's name.
    pub id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template, e.g. `/api/v2/postings/{posting_id}/candidates`.
    pub path: &'static str,
    /// Sending the request twice has the effect of sending it once, so it may
    /// be retried after the server may have received it.
    pub idempotent: bool,
    /// A boolean body field that makes an otherwise idempotent-by-definition
    /// request create again when true (v1's `retake`). With the field false or
    /// absent the request is safe to repeat.
    pub idempotent_unless: Option<&'static str>,
    /// How the operation pages, if it is a list.
    pub pagination: Option<Pagination>,
    /// Integer query parameters with bounds from the spec: (name, min, max).
    pub query_ranges: &'static [(&'static str, Option<i64>, Option<i64>)],
}

/// How a list operation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pagination {
    /// Cursor pages (v2): send the last item's `cursor_field` as `cursor_param`
    /// until `pagination.has_more` is false.
    Cursor {
        /// The response field holding the items.
        items: &'static str,
        /// The query parameter carrying the cursor.
        cursor_param: &'static str,
        /// The item field whose value is the next cursor.
        cursor_field: &'static str,
    },
    /// Numbered pages (v1): `page_param` from 1 to the `total_pages_field` value.
    Page {
        /// The response field holding the items.
        items: &'static str,
        /// The query parameter carrying the page number.
        page_param: &'static str,
        /// The query parameter carrying the page size.
        limit_param: &'static str,
        /// The response field holding the number of pages.
        total_pages_field: &'static str,
    },
}

impl OperationMeta {
    /// Stands in for an operation id missing from the table (it cannot happen
    /// with generated code); treated as not idempotent, the safe assumption.
    pub const UNKNOWN: OperationMeta = OperationMeta {
        id: "unknown",
        method: "",
        path: "",
        idempotent: false,
        idempotent_unless: None,
        pagination: None,
        query_ranges: &[],
    };

    /// Checks the request's query against the spec's integer bounds, so an
    /// out-of-range value (e.g. `limit=500`) fails before anything is sent.
    pub fn check_query(&self, url: &reqwest::Url) -> Result<(), String> {
        for (name, value) in url.query_pairs() {
            let Some((_, min, max)) = self.query_ranges.iter().find(|(n, _, _)| *n == name) else {
                continue;
            };
            let Ok(v) = value.parse::<i64>() else {
                return Err(format!("{}: {name}={value} is not an integer", self.id));
            };
            if min.is_some_and(|m| v < m) || max.is_some_and(|m| v > m) {
                let bound = |b: &Option<i64>| b.map(|x| x.to_string()).unwrap_or_default();
                return Err(format!(
                    "{}: {name}={v} is outside {}..={}",
                    self.id,
                    bound(min),
                    bound(max)
                ));
            }
        }
        Ok(())
    }
}

macro_rules! generation {
    ($(#[$doc:meta])* $module:ident) => {
        $(#[$doc])*
        #[allow(missing_docs, clippy::all, clippy::unwrap_used, rust_2018_idioms, unused_imports)]
        pub mod $module {
            include!(concat!(env!("OUT_DIR"), "/", stringify!($module), ".rs"));

            impl progenitor_client::ClientHooks<crate::Inner> for Client {
                async fn pre<E>(
                    &self,
                    request: &mut reqwest::Request,
                    info: &progenitor_client::OperationInfo,
                ) -> Result<(), progenitor_client::Error<E>> {
                    let op = operation(info.operation_id).unwrap_or(&crate::OperationMeta::UNKNOWN);
                    op.check_query(request.url()).map_err(progenitor_client::Error::InvalidRequest)?;
                    self.inner
                        .transport()
                        .admit(op)
                        .await
                        .map_err(|r| progenitor_client::Error::Custom(r.to_message()))
                }

                async fn exec(
                    &self,
                    request: reqwest::Request,
                    info: &progenitor_client::OperationInfo,
                ) -> reqwest::Result<reqwest::Response> {
                    let op = operation(info.operation_id).unwrap_or(&crate::OperationMeta::UNKNOWN);
                    self.inner.transport().execute(&self.client, request, op).await
                }
            }
        }
    };
}

generation!(
    /// HeyMilo API v1 (legacy): postings, interviews, export, webhooks, ingest.
    v1
);
generation!(
    /// HeyMilo API v2 (current).
    v2
);

impl v1::types::WebhookListing {
    /// The webhooks, whichever shape the server answered with: a bare array,
    /// or an object carrying them under `data` or `webhooks`.
    pub fn into_webhooks(self) -> Vec<v1::types::Webhook> {
        match self {
            Self::Array(hooks) => hooks,
            Self::WebhookPage(page) => page.data.or(page.webhooks).unwrap_or_default(),
        }
    }
}

impl v1::types::Webhook {
    /// Where events are delivered: `url`, or `webhook_url` (v2's name) when
    /// the server answered with that.
    pub fn target_url(&self) -> Option<&str> {
        self.url.as_deref().or(self.webhook_url.as_deref())
    }
}
