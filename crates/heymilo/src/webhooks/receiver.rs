//! The ready receiver (feature `axum`): an axum route that parses every
//! delivery, GET or POST, into an [`Event`].

use std::future::Future;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, on};

use super::event::{Event, ParseError};

fn parse(method: &Method, uri: &Uri, body: &[u8]) -> Result<Event, ParseError> {
    if method == Method::GET {
        Event::from_query(uri.query().unwrap_or(""))
    } else {
        Event::from_json(body)
    }
}

fn bad_request(e: &ParseError) -> Response {
    tracing::debug!(error = %e, "webhook delivery refused");
    (StatusCode::BAD_REQUEST, e.to_string()).into_response()
}

/// A GET and POST endpoint that parses every delivery and hands it to
/// `events`, answering at once: 200 when handed over, 400 when the
/// delivery is not an event, 503 when the channel is full or closed (the
/// sender may deliver again later; nothing waits on your code).
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// let (tx, mut events) = tokio::sync::mpsc::channel(1024);
/// let app = axum::Router::new().route("/hooks/heymilo", heymilo::webhooks::receiver(tx));
/// let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
/// tokio::spawn(async move { axum::serve(listener, app).await });
/// while let Some(event) = events.recv().await {
///     println!("{}", event.event_type());
/// }
/// # Ok(()) }
/// ```
pub fn receiver<S>(events: tokio::sync::mpsc::Sender<Event>) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    let handler = move |method: Method, uri: Uri, body: Bytes| {
        let events = events.clone();
        async move {
            let event = match parse(&method, &uri, &body) {
                Ok(event) => event,
                Err(e) => return bad_request(&e),
            };
            match events.try_send(event) {
                Ok(()) => StatusCode::OK.into_response(),
                Err(e) => {
                    tracing::warn!(error = %e, "webhook event not handed over");
                    StatusCode::SERVICE_UNAVAILABLE.into_response()
                }
            }
        }
    };
    on(
        axum::routing::MethodFilter::GET.or(axum::routing::MethodFilter::POST),
        handler,
    )
}

/// A GET and POST endpoint that parses every delivery, answers 200 at
/// once and runs `handler` on the event in a task of its own (400 when
/// the delivery is not an event).
///
/// ```no_run
/// use heymilo::webhooks::Event;
/// let app: axum::Router = axum::Router::new().route(
///     "/hooks/heymilo",
///     heymilo::webhooks::receiver_fn(|event: Event| async move {
///         println!("{}", event.event_type());
///     }),
/// );
/// ```
pub fn receiver_fn<S, F, Fut>(handler: F) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
    F: Fn(Event) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let endpoint = move |method: Method, uri: Uri, body: Bytes| {
        let handler = handler.clone();
        async move {
            match parse(&method, &uri, &body) {
                Ok(event) => {
                    tokio::spawn(handler(event));
                    StatusCode::OK.into_response()
                }
                Err(e) => bad_request(&e),
            }
        }
    };
    on(
        axum::routing::MethodFilter::GET.or(axum::routing::MethodFilter::POST),
        endpoint,
    )
}

/// The event of a delivery, as an axum extractor: query parameters for
/// GET, the JSON body otherwise; a delivery that is not an event is
/// answered 400.
///
/// ```no_run
/// use heymilo::webhooks::Event;
/// async fn hook(event: Event) -> &'static str {
///     println!("{}", event.event_type());
///     "ok"
/// }
/// let app: axum::Router = axum::Router::new().route("/hooks", axum::routing::any(hook));
/// ```
impl<S> FromRequest<S> for Event
where
    S: Send + Sync,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let method = request.method().clone();
        let uri = request.uri().clone();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(IntoResponse::into_response)?;
        parse(&method, &uri, &body).map_err(|e| bad_request(&e))
    }
}
