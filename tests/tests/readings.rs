//! What HeyMilo may send decodes into the generated v2 types (issue 16): for
//! every 2xx JSON response of HeyMilo's published OpenAPI 3.1 document, bodies
//! with every nullable field `null`, with only the required fields, and with
//! unknown extra keys (see `heymilo_codegen::synth`). `cargo xtask readings`
//! checks the same bodies against the published 3.0.3 and 3.1 bundles.
//!
//! The published document lives outside the repository
//! (`../shared/reference/`); without it the test says so and passes.

use heymilo_codegen::synth::{self, Shape};
use heymilo_gen::v2::types;
use serde_json::Value;

/// `Some(result)` when `name` is a generated response type, else `None`.
macro_rules! decoders {
    ($($ty:ident),* $(,)?) => {
        fn decode(name: &str, body: &Value) -> Option<Result<(), String>> {
            match name {
                $(stringify!($ty) => Some(
                    serde_json::from_value::<types::$ty>(body.clone())
                        .map(drop)
                        .map_err(|e| e.to_string()),
                ),)*
                _ => None,
            }
        }
    };
}

decoders!(
    HealthStatus,
    AgentTypeRegistry,
    QuestionTypeRegistry,
    ListResponse,
    ListResponseAtsConnection,
    ListResponseCandidateResponse,
    ListResponseCustomDomainResponse,
    ListResponseDesignTemplateGroupResponse,
    ListResponseDesignTemplateResponse,
    ListResponseEmailTemplateGroupResponse,
    ListResponseEmailTemplateResponse,
    ListResponseInterviewTemplateResponse,
    ListResponsePhoneNumberResponse,
    ListResponsePostingResponse,
    ListResponsePostingSummary,
    ListResponseQuestionResponse,
    ListResponseSenderEmailResponse,
    ListResponseVoiceResponse,
    ListResponseWebhookResponse,
    SingleResponseAsyncIngestResponse,
    SingleResponseCreatePostingResponse,
    SingleResponseCustomDomainResponse,
    SingleResponseDesignTemplateGroupResponse,
    SingleResponseDesignTemplateResponse,
    SingleResponseEmailTemplateGroupResponse,
    SingleResponseEmailTemplateResponse,
    SingleResponseEnqueuePushResponse,
    SingleResponseIngestCandidateResponse,
    SingleResponseInterviewDataResponse,
    SingleResponseInterviewTemplateResponse,
    SingleResponseListBulkIngestCandidateResponseItem,
    SingleResponseMetadataResponse,
    SingleResponsePhoneNumberResponse,
    SingleResponsePostingResponse,
    SingleResponsePostingStatsResponse,
    SingleResponseQuestionResponse,
    SingleResponseQueueItemStatus,
    SingleResponseResolveCandidateResponse,
    SingleResponseSenderEmailResponse,
    SingleResponseVoiceResponse,
    SingleResponseWebhookResponse,
);

fn reference() -> Option<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/heymilo-v2-openapi-3.1.json"
    );
    let text = std::fs::read_to_string(path).ok()?;
    Some(serde_json::from_str(&text).expect("the published document is JSON"))
}

fn ours() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/v2.yaml");
    serde_yaml::from_str(&std::fs::read_to_string(path).expect("read v2.yaml")).expect("YAML")
}

/// The generated type of our operation at `path`/`method` answering `status`:
/// typify's name for the response's component schema.
fn response_type(spec: &Value, path: &str, method: &str, status: &str) -> Option<String> {
    let op = spec.get("paths")?.get(path)?.get(method)?;
    let schema = op
        .get("responses")?
        .get(status)?
        .pointer("/content/application~1json/schema/$ref")?
        .as_str()?;
    let name = schema.rsplit('/').next()?;
    Some(
        name.split('_')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let mut c = p.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect(),
    )
}

#[test]
fn every_published_response_decodes_in_every_shape() {
    let Some(reference) = reference() else {
        eprintln!("skipped: ../shared/reference/heymilo-v2-openapi-3.1.json is absent");
        return;
    };
    let ours = ours();
    let instances = synth::instances(&reference);
    let mut failures = Vec::new();
    let mut decoded = 0;
    for inst in &instances {
        let name =
            response_type(&ours, &inst.path, &inst.method, &inst.status).unwrap_or_else(|| {
                panic!(
                    "{} {} {}: no JSON response in openapi/v2.yaml",
                    inst.method, inst.path, inst.status
                )
            });
        match decode(&name, &inst.body) {
            None => panic!("{name} ({}) is not in the decoder table", inst.operation),
            Some(Ok(())) => decoded += 1,
            Some(Err(e)) => failures.push(format!(
                "{} {} ({}): {e}\n  body: {}",
                inst.operation,
                name,
                inst.shape.name(),
                inst.body
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} bodies do not decode:\n{}",
        failures.len(),
        instances.len(),
        failures.join("\n")
    );
    // Every 2xx JSON operation of the published document but the empty
    // `getVoicePreview` schema, in three shapes each.
    assert!(decoded >= 3 * 50, "only {decoded} bodies decoded");
}

#[test]
fn the_all_null_shape_really_holds_nulls() {
    let Some(reference) = reference() else {
        eprintln!("skipped: ../shared/reference/heymilo-v2-openapi-3.1.json is absent");
        return;
    };
    let page = synth::instances(&reference)
        .into_iter()
        .find(|i| i.operation == "listCandidates" && i.shape == Shape::AllNull)
        .expect("listCandidates has a body");
    let candidate = &page.body["data"][0];
    for key in ["workflow", "agent_summary", "metadata"] {
        assert_eq!(
            candidate.get(key),
            Some(&Value::Null),
            "{key} in {candidate}"
        );
    }
}
