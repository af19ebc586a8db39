//! Questions and criteria of a posting: the fields each modality keeps,
//! what the server infers, ranks, and the seeded questions.
//!
//! Questions live on their posting ([`crate::model::store::Posting::questions`]);
//! each modality has its own ranks, from 1. A question keeps only the fields
//! of its modality; the others are null, as HeyMilo answers.

use heymilo_gen::v2::types as t;
use serde_json::{Map, Value, json};

use crate::model::error::ModelError;
use crate::model::store::Store;

/// The modalities, in the order lists show them.
pub(crate) const MODALITIES: &[&str] = &[
    "voice",
    "sms",
    "form",
    "resume_eligibility",
    "resume_scoring",
    "voice_tags",
];

/// The fields besides `text` that matter for each modality.
pub(crate) fn fields_of(modality: &str) -> &'static [&'static str] {
    match modality {
        "voice" => &[
            "evaluation_criteria",
            "score_of_1",
            "score_of_5",
            "score_weight",
            "not_scored",
            "question_type",
            "min_follow_ups",
            "max_follow_ups",
            "additional_instructions",
            "post_processing_evaluation_criteria",
            "structured_config",
        ],
        "sms" => &[
            "question_type",
            "expected_answer",
            "expected_value",
            "is_dealbreaker",
            "score_weight",
        ],
        "form" => &[
            "question_type",
            "answer",
            "is_knockout",
            "dropdown_values",
            "is_answer_mandated",
            "mcq_type",
            "operator",
            "file_types",
            "allow_multiple_files",
            "slider_min",
            "slider_max",
            "slider_step",
        ],
        "resume_eligibility" => &["score_weight"],
        "resume_scoring" => &[
            "evaluation_criteria",
            "score_of_1",
            "score_of_5",
            "score_weight",
        ],
        "voice_tags" => &["response_format", "instructions", "options"],
        _ => &[],
    }
}

/// The modalities a workflow step of `kind` carries.
pub(crate) fn modalities_of_step(kind: &str) -> &'static [&'static str] {
    match kind {
        "web_interview" => &["voice", "voice_tags"],
        "conversational_sms" => &["sms"],
        "resume" => &["resume_eligibility", "resume_scoring"],
        "form" => &["form"],
        _ => &[],
    }
}

/// What the server infers when the caller leaves `question_type` (and the
/// like) out: sms from the expected answer, form from the answer widgets.
pub(crate) fn infer(modality: &str, m: &mut Map<String, Value>) {
    let has = |m: &Map<String, Value>, k: &str| m.get(k).is_some_and(|v| !v.is_null());
    match modality {
        "voice" if !has(m, "question_type") => {
            let scored = has(m, "score_of_1") || has(m, "score_of_5");
            let kind = if scored { "scored" } else { "open-ended" };
            m.insert("question_type".into(), json!(kind));
        }
        "sms" if !has(m, "question_type") => {
            let kind = if has(m, "expected_value") {
                "NUMERIC"
            } else {
                "YES_NO"
            };
            m.insert("question_type".into(), json!(kind));
        }
        "form" => {
            if has(m, "dropdown_values") {
                m.insert("question_type".into(), json!("dropdown"));
                if !has(m, "mcq_type") {
                    m.insert("mcq_type".into(), json!("multiple"));
                }
            } else if has(m, "file_types") || has(m, "allow_multiple_files") {
                m.insert("question_type".into(), json!("file_upload"));
            } else if has(m, "slider_min") || has(m, "slider_max") {
                m.insert("question_type".into(), json!("slider"));
                if !has(m, "operator") {
                    m.insert("operator".into(), json!("minimum"));
                }
            } else if !has(m, "question_type") {
                m.insert("question_type".into(), json!("textarea"));
            }
        }
        _ => {}
    }
}

/// The next rank of `modality` among `questions`.
pub(crate) fn next_rank(questions: &[t::QuestionResponse], modality: &str) -> i64 {
    questions
        .iter()
        .filter(|q| q.modality == modality)
        .filter_map(|q| q.rank)
        .max()
        .unwrap_or(0)
        .saturating_add(1)
}

/// Builds a question of posting `posting_id` from the fields of a create
/// request (as JSON), keeping those of its modality. Not stored.
pub(crate) fn build(
    store: &mut Store,
    posting_id: &str,
    modality: &str,
    text: &str,
    fields: &Map<String, Value>,
    rank: i64,
) -> Result<t::QuestionResponse, ModelError> {
    let now = store.tick();
    let id = store.fresh_hex(8, |st, id| {
        st.postings
            .iter()
            .any(|p| p.questions.iter().any(|q| q.id == id))
    });
    let keep = fields_of(modality);
    let mut m: Map<String, Value> = fields
        .iter()
        .filter(|(k, v)| keep.contains(&k.as_str()) && !v.is_null())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    infer(modality, &mut m);
    for (k, v) in [
        ("object", json!("question")),
        ("id", json!(id)),
        ("posting_id", json!(posting_id)),
        ("modality", json!(modality)),
        ("text", json!(text)),
        ("rank", json!(rank)),
        ("created_at", json!(now)),
        ("updated_at", json!(now)),
    ] {
        m.insert(k.into(), v);
    }
    serde_json::from_value(Value::Object(m))
        .map_err(|e| ModelError::invalid(&["body"], e.to_string()))
}

/// Seeds three interview questions in every posting, and two eligibility
/// criteria in those that screen resumes.
pub(crate) fn seed(store: &mut Store) {
    const VOICE: &[(&str, &str)] = &[
        (
            "Tell me about a project you are proud of.",
            "Clear ownership and measurable outcome.",
        ),
        (
            "What is the hardest bug you have fixed?",
            "Systematic debugging and a lasting fix.",
        ),
        (
            "Why do you want this role?",
            "Motivation that fits the role.",
        ),
    ];
    const RESUME: &[&str] = &[
        "Two or more years of relevant experience.",
        "Legally allowed to work in the country of the role.",
    ];
    for i in 0..store.postings.len() {
        let pid = store.postings[i].id.clone();
        let mut made = Vec::new();
        for (rank, (text, criteria)) in VOICE.iter().enumerate() {
            let fields = crate::model::store::object(
                json!({"evaluation_criteria": criteria, "score_weight": 5, "max_follow_ups": 2}),
            );
            made.extend(build(store, &pid, "voice", text, &fields, rank as i64 + 1).ok());
        }
        if store.postings[i].has_step("resume") {
            for (rank, text) in RESUME.iter().enumerate() {
                let fields = crate::model::store::object(json!({"score_weight": 3}));
                made.extend(
                    build(
                        store,
                        &pid,
                        "resume_eligibility",
                        text,
                        &fields,
                        rank as i64 + 1,
                    )
                    .ok(),
                );
            }
        }
        store.postings[i].questions = made;
    }
}
