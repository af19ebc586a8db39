//! What HeyMilo may send decodes into the generated v2 types (issue 16): for
//! every 2xx JSON response of HeyMilo's published OpenAPI 3.1 document, bodies
//! with every nullable field `null`, with only the required fields, and with
//! unknown extra keys (see `heymilo_codegen::synth`). `cargo xtask readings`
//! checks the same bodies against the published 3.0.3 and 3.1 bundles.
//!
//! The published document lives beside the repository
//! (`../shared/reference/`); without it the tests say so and pass, except
//! under `CI=true`, where it must be present.

use heymilo_codegen::spec::{self, Spec};
use heymilo_codegen::synth::{self, Shape};
use heymilo_gen::v2::types;
use heymilo_tests::wire;
use serde_json::Value;

/// `Some(result)` when `name` is a generated response type, else `None`.
macro_rules! decoders {
    ($($ty:ident),* $(,)?) => {
        fn decode(name: &str, body: &Value) -> Option<Result<(), String>> {
            match name {
                $(stringify!($ty) => Some(serde_json::from_value::<types::$ty>(body.clone())
                    .map(drop).map_err(|e| e.to_string())),)*
                _ => None,
            }
        }
    };
}

#[rustfmt::skip]
decoders!(
    HealthStatus, AgentTypeRegistry, QuestionTypeRegistry, ListResponse, ListResponseAtsConnection,
    ListResponseCandidateResponse, ListResponseCustomDomainResponse, ListResponseDesignTemplateGroupResponse,
    ListResponseDesignTemplateResponse, ListResponseEmailTemplateGroupResponse, ListResponseEmailTemplateResponse,
    ListResponseInterviewTemplateResponse, ListResponsePhoneNumberResponse, ListResponsePostingResponse,
    ListResponsePostingSummary, ListResponseQuestionResponse, ListResponseSenderEmailResponse,
    ListResponseVoiceResponse, ListResponseWebhookResponse, SingleResponseAsyncIngestResponse,
    SingleResponseCreatePostingResponse, SingleResponseCustomDomainResponse, SingleResponseDesignTemplateGroupResponse,
    SingleResponseDesignTemplateResponse, SingleResponseEmailTemplateGroupResponse, SingleResponseEmailTemplateResponse,
    SingleResponseEnqueuePushResponse, SingleResponseIngestCandidateResponse, SingleResponseInterviewDataResponse,
    SingleResponseInterviewTemplateResponse, SingleResponseListBulkIngestCandidateResponseItem,
    SingleResponseMetadataResponse, SingleResponsePhoneNumberResponse, SingleResponsePostingResponse,
    SingleResponsePostingStatsResponse, SingleResponseQuestionResponse, SingleResponseQueueItemStatus,
    SingleResponseResolveCandidateResponse, SingleResponseSenderEmailResponse, SingleResponseVoiceResponse,
    SingleResponseWebhookResponse,
);

/// The published document; `None` (said on stderr) when absent outside CI.
fn reference() -> Option<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/heymilo-v2-openapi-3.1.json"
    );
    if !std::path::Path::new(path).exists() && std::env::var("CI").as_deref() != Ok("true") {
        eprintln!("skipped: {path} is absent");
        return None;
    }
    Some(spec::load(path.as_ref()).unwrap_or_else(|e| panic!("{e} (required under CI=true)")))
}

/// typify's name for the component schema our operation at `path`/`method`
/// answers `status` with.
fn response_type(path: &str, method: &str, status: &str) -> Option<String> {
    let ops = Spec::new(wire::spec("v2.yaml")).operations();
    let op = ops
        .into_iter()
        .find(|op| (op.path, op.method) == (path, method))?;
    let (_, response) = op.successes().into_iter().find(|(s, _)| *s == status)?;
    let schema = response
        .pointer("/content/application~1json/schema/$ref")?
        .as_str()?;
    let words = schema
        .rsplit('/')
        .next()?
        .split('_')
        .filter(|p| !p.is_empty());
    Some(words.map(|w| w[..1].to_uppercase() + &w[1..]).collect())
}

#[test]
fn every_published_response_decodes_in_every_shape() {
    let Some(reference) = reference() else { return };
    let instances = synth::instances(&reference);
    let mut failures = Vec::new();
    for inst in &instances {
        let (op, shape) = (&inst.operation, inst.shape.name());
        let name = response_type(&inst.path, &inst.method, &inst.status)
            .unwrap_or_else(|| panic!("{op}: no JSON {} response in openapi/v2.yaml", inst.status));
        match decode(&name, &inst.body) {
            None => panic!("{name} ({op}) is not in the decoder table"),
            Some(Ok(())) => {}
            Some(Err(e)) => {
                failures.push(format!("{op} {name} ({shape}): {e}\n  body: {}", inst.body))
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} bodies do not decode:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every 2xx JSON operation of the published document but the empty
    // `getVoicePreview` schema, in three shapes each.
    assert!(instances.len() >= 3 * 50, "only {} bodies", instances.len());
}

#[test]
fn the_all_null_shape_really_holds_nulls() {
    let Some(reference) = reference() else { return };
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
