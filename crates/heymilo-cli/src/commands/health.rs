//! `heymilo health`: both generations' health checks.

use serde::Serialize;

use super::Ctx;
use crate::error::{self, CliError};
use crate::output::{Column, Output, Shape, text};

/// The table of health checks.
const COLUMNS: &[Column] = &[
    text("GENERATION", "/generation"),
    text("URL", "/url"),
    text("STATUS", "/status"),
    text("DETAIL", "/detail"),
];

/// One generation's answer.
#[derive(Debug, Serialize)]
struct Check {
    generation: &'static str,
    url: String,
    status: &'static str,
    detail: String,
}

/// Runs `heymilo health`: a row per generation; fails if either does.
pub async fn run(ctx: &Ctx) -> anyhow::Result<()> {
    let v1 = ctx
        .client
        .v1()
        .get_health()
        .send()
        .await
        .map(|h| {
            // v1 promises only the status code; the message is commentary.
            let h = h.into_inner();
            h.message.unwrap_or_else(|| h.status.to_string())
        })
        .map_err(heymilo::Error::from);
    let v2 = ctx
        .client
        .v2()
        .health_check()
        .send()
        .await
        .map(|h| {
            h.into_inner()
                .status
                .map(|s| s.to_string())
                .unwrap_or_default()
        })
        .map_err(heymilo::Error::from);
    let mut out = Output::new(&ctx.style, Shape::List, COLUMNS);
    let mut failures = Vec::new();
    for (generation, url, result) in [("v1", &ctx.v1_url, v1), ("v2", &ctx.v2_url, v2)] {
        let (status, detail) = match result {
            Ok(detail) => ("ok", detail),
            Err(e) => {
                let code = error::sdk_code(&e);
                let detail = error::one_line(&anyhow::Error::new(e));
                failures.push((code, format!("{generation} ({url}): {detail}")));
                ("failing", detail)
            }
        };
        out.item(&Check {
            generation,
            url: url.clone(),
            status,
            detail,
        })?;
    }
    out.finish()?;
    match failures.first() {
        None => Ok(()),
        Some((code, _)) => Err(CliError::Failed {
            code: *code,
            message: failures
                .iter()
                .map(|(_, line)| line.as_str())
                .collect::<Vec<_>>()
                .join("; "),
        }
        .into()),
    }
}
