//! Postings: new ids and url keys, copies (clone and templates), the cap
//! on their number, and figures derived from them.

use serde_json::json;

use crate::model::error::ModelError;
use crate::model::questions;
use crate::model::store::{
    MAX_POSTINGS, Posting, PostingSettings, PostingStatus, Store, WorkflowStep, fnv, object,
    posting_size, slug,
};
use crate::model::time::add_month;

/// The agent types a workflow step can use.
pub(crate) const AGENT_TYPES: &[&str] = &["web_interview", "conversational_sms", "resume", "form"];

/// Refused once the store holds [`MAX_POSTINGS`].
pub(crate) fn room_for_posting(store: &Store) -> Result<(), ModelError> {
    if store.postings.len() >= MAX_POSTINGS {
        return Err(ModelError::full(format!(
            "the mock holds at most {MAX_POSTINGS} postings"
        )));
    }
    Ok(())
}

/// Stores a new posting, charging its size; refused (nothing stored) past
/// the cap or the budget.
pub(crate) fn add(store: &mut Store, p: Posting) -> Result<(), ModelError> {
    room_for_posting(store)?;
    store.charge(posting_size(&p))?;
    store.postings.push(p);
    Ok(())
}

/// Changes posting `id` with `f`, re-charging its size: when the change
/// would pass the budget or `f` refuses, the posting is left as it was.
pub(crate) fn update<T, E: From<ModelError>>(
    store: &mut Store,
    id: &str,
    f: impl FnOnce(&mut Posting) -> Result<T, E>,
) -> Result<(Posting, T), E> {
    let i = store
        .postings
        .iter()
        .position(|p| p.id == id)
        .ok_or_else(|| ModelError::not_found("Posting"))?;
    let mut draft = store.postings[i].clone();
    let out = f(&mut draft)?;
    store.recharge(posting_size(&store.postings[i]), posting_size(&draft))?;
    store.postings[i] = draft.clone();
    Ok((draft, out))
}

/// [`update`] of posting `id`, found as [`Store::posting_by_id`] finds it (a
/// 404 that hints at a url key), with `f` given the store's clock.
pub(crate) fn edit<T, E: From<ModelError>>(
    store: &mut Store,
    id: &str,
    f: impl FnOnce(&mut Posting, f64) -> Result<T, E>,
) -> Result<(Posting, T), E> {
    store.posting_by_id(id)?;
    let now = store.tick();
    update(store, id, |p| f(p, now))
}

/// A new posting id and a url key (slug of the title and the id's start)
/// that no posting uses yet.
pub(crate) fn new_keys(store: &mut Store, title: &str) -> (String, String) {
    let id = store.fresh_hex(8, |st, id| st.posting(id).is_some());
    let base = format!(
        "{}-{}",
        slug(title),
        id.chars().take(4).collect::<String>().to_lowercase()
    );
    let mut key = base.clone();
    let mut n = 2u32;
    while store.postings.iter().any(|p| p.url_key == key) {
        key = format!("{base}-{n}");
        n = n.saturating_add(1);
    }
    (id, key)
}

/// A copy of `src` under a new id: settings, workflow and questions. A copy
/// of an ATS-derived posting is a draft waiting for activation.
pub(crate) fn copy_of(store: &mut Store, src: &Posting, title: &str, now: f64) -> Posting {
    let (id, url_key) = new_keys(store, title);
    let mut p = Posting::new(id.clone(), url_key, title.to_owned(), now);
    p.description = src.description.clone();
    p.max_retakes = src.max_retakes;
    // The copy takes the settings over, with a deadline of its own.
    p.settings = PostingSettings {
        deadline: Some(add_month(now)),
        ..src.settings.clone()
    };
    p.workflow = src
        .workflow
        .iter()
        .map(|w| WorkflowStep::new(&id, &w.kind, w.config.clone()))
        .collect();
    for q in &src.questions {
        let fields = object(serde_json::to_value(q).unwrap_or_default());
        let rank = q.rank.unwrap_or(1);
        if let Ok(copy) = questions::build(store, &id, &q.modality, &q.text, &fields, rank) {
            p.questions.push(copy);
        }
    }
    if let Some(ats) = &src.ats_metadata {
        let mut ats = ats.clone();
        for k in [
            "mapping_activated_at",
            "mapping_activated_by",
            "mapping_deactivated_at",
            "mapping_deactivated_by",
        ] {
            ats.remove(k);
        }
        ats.insert("pending_activation".into(), json!(true));
        p.ats_metadata = Some(ats);
        p.status = PostingStatus::Draft;
        p.finalized = false;
    }
    p
}

/// A candidate's resume score (0 to 100), derived from the interview id: the
/// mock has no resumes, but the figure stays the same on every read.
pub(crate) fn resume_score(interview_id: &str) -> f64 {
    50.0 + (fnv(interview_id) % 500) as f64 / 10.0
}
