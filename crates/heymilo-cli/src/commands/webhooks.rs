//! `heymilo webhooks create|list|get|deactivate`, on the SDK's `client.webhooks()`.

use heymilo::Generation;
use heymilo::webhooks::{DeliveryMethod, EventType, NewSubscription, Subscription};
use serde::Serialize;

use super::{Calling as _, Ctx};
use crate::cli::{Method, WebhooksCmd};
use crate::output::{Column, Output, Shape, text, time};

/// The table of subscriptions.
const COLUMNS: &[Column] = &[
    text("WEBHOOK", "/webhook_id"),
    text("GENERATION", "/generation"),
    text("POSTING", "/posting_id"),
    text("EVENT", "/event_type"),
    text("METHOD", "/http_method"),
    text("ACTIVE", "/is_active"),
    time("CREATED", "/created_at"),
    text("URL", "/url"),
];

/// A subscription as printed: the same fields for both generations.
#[derive(Debug, Serialize)]
struct Row {
    webhook_id: String,
    generation: &'static str,
    posting_id: String,
    event_type: String,
    http_method: Option<String>,
    is_active: Option<bool>,
    created_at: Option<f64>,
    url: String,
}

impl From<Subscription> for Row {
    fn from(s: Subscription) -> Row {
        Row {
            generation: match s.generation {
                Generation::V1 => "v1",
                _ => "v2",
            },
            webhook_id: s.webhook_id,
            posting_id: s.posting_id,
            event_type: s.event_type,
            http_method: s.http_method,
            is_active: s.is_active,
            created_at: s.created_at,
            url: s.url,
        }
    }
}

/// Runs `heymilo webhooks ...`.
pub async fn run(ctx: &Ctx, cmd: WebhooksCmd) -> anyhow::Result<()> {
    let hooks = ctx.client.webhooks();
    let url_of = |g: Generation| match g {
        Generation::V1 => ctx.v1_url.as_str(),
        _ => ctx.v2_url.as_str(),
    };
    match cmd {
        WebhooksCmd::Create {
            posting,
            url,
            event,
            method,
            generation,
        } => {
            let g = generation.generation;
            let new = NewSubscription::new(posting, url, EventType::from(event.as_str())).method(
                match method {
                    Method::Get => DeliveryMethod::Get,
                    Method::Post => DeliveryMethod::Post,
                },
            );
            let sub = hooks
                .create(g, &new)
                .await
                .calling("creating a webhook", url_of(g))?;
            one(ctx, sub)
        }
        WebhooksCmd::List {
            posting,
            generation,
        } => {
            let g = generation.generation;
            let subs = hooks
                .list(g, posting.as_deref())
                .await
                .calling("listing webhooks", url_of(g))?;
            let mut out = Output::new(&ctx.style, Shape::List, COLUMNS);
            for sub in subs {
                out.item(&Row::from(sub))?;
            }
            out.finish()
        }
        WebhooksCmd::Get { id, generation } => {
            let g = generation.generation;
            // The generations' answers differ in type; the error context is one.
            let sub: Result<Subscription, heymilo::Error> = match g {
                Generation::V1 => {
                    let answer = ctx.client.v1().get_webhook().webhook_id(&id).send().await;
                    answer.map(|a| a.into_inner().into()).map_err(Into::into)
                }
                _ => {
                    let answer = ctx.client.v2().get_webhook().webhook_id(&id).send().await;
                    answer
                        .map(|a| a.into_inner().data.into())
                        .map_err(Into::into)
                }
            };
            one(
                ctx,
                sub.calling(&format!("getting webhook {id}"), url_of(g))?,
            )
        }
        WebhooksCmd::Deactivate { id, generation } => {
            let g = generation.generation;
            match hooks.deactivate(g, &id).await {
                Ok(sub) => one(ctx, sub),
                // v2 deletes: a repeat finds nothing, which is what was asked.
                Err(heymilo::Error::NotFound(_)) => {
                    if !ctx.style.quiet {
                        eprintln!(
                            "webhook {id} is not active in {g} (already deactivated, or never created there)"
                        );
                    }
                    let gone = serde_json::json!({
                        "webhook_id": id, "generation": g.to_string(), "is_active": false
                    });
                    Output::one(&ctx.style, COLUMNS, &gone)
                }
                Err(e) => Err(e).calling(&format!("deactivating webhook {id}"), url_of(g)),
            }
        }
    }
}

/// Prints one subscription.
fn one(ctx: &Ctx, sub: Subscription) -> anyhow::Result<()> {
    Output::one(&ctx.style, COLUMNS, &Row::from(sub))
}
