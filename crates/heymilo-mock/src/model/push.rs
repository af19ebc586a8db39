//! Carrying out queued ATS pushes: a push creates or updates a record of
//! the ATS and settles its queue item as completed or failed.

use serde_json::{Map, Value, json};

use crate::model::ats::AtsRecord;
use crate::model::store::{Store, object};

/// The id of record number `n` in the style of the ATS (Bullhorn numbers,
/// Avionte `AV-` codes).
pub(crate) fn record_id(store: &mut Store, n: usize, ats_name: &str) -> String {
    let n = n.saturating_add(100_001);
    match ats_name {
        "avionte" => format!("AV-{n}-{}", store.hex(4)),
        _ => format!("{n}"),
    }
}

/// Carries a queued push out: creates or updates the ATS record.
pub(crate) fn settle(store: &mut Store, item_id: &str) {
    let Some(i) = store
        .ats
        .queue
        .iter()
        .position(|i| i.status.item_id == item_id)
    else {
        return;
    };
    if store.ats.queue[i].status.status != "queued" {
        return;
    }
    let now = store.tick();
    let req = store.ats.queue[i].request.clone();
    let c = &req.candidate;
    let outcome: Result<(String, &str), String> = match &c.ats_candidate_id {
        Some(id) => match store
            .ats
            .records
            .iter_mut()
            .find(|r| r.ats_name == req.ats_name && r.id == *id)
        {
            Some(r) => {
                let keep = |new: &Option<String>, old: &mut Option<String>| {
                    if new.is_some() {
                        old.clone_from(new);
                    }
                };
                keep(&c.first_name, &mut r.first_name);
                keep(&c.last_name, &mut r.last_name);
                keep(&c.email, &mut r.email);
                keep(&c.phone, &mut r.phone);
                if c.set_heymilo_source == Some(true) {
                    r.source = Some("HeyMilo".into());
                }
                Ok((r.id.clone(), "updated"))
            }
            None => Err(format!("{} has no candidate {id}", req.ats_name)),
        },
        None => {
            let n = store.ats.records.len();
            let id = record_id(store, n, &req.ats_name);
            store.ats.records.push(AtsRecord {
                ats_name: req.ats_name.clone(),
                id: id.clone(),
                first_name: c.first_name.clone(),
                last_name: c.last_name.clone(),
                email: c.email.clone(),
                phone: c.phone.clone(),
                status: "New Lead".into(),
                source: (c.set_heymilo_source == Some(true)).then(|| "HeyMilo".into()),
            });
            Ok((id, "created"))
        }
    };
    let submission = (req.create_submission == Some(true) && req.posting_id.is_some())
        .then(|| format!("sub_{}", store.hex(8).to_lowercase()));
    let Some(item) = store.ats.queue.get_mut(i) else {
        return;
    };
    item.status.updated_at = Some(now);
    match outcome {
        Ok((id, action)) => {
            let mut details: Map<String, Value> =
                object(json!({"ats_candidate_id": id, "action": action}));
            if let Some(sub) = submission {
                details.insert("submission_id".into(), json!(sub));
            }
            item.status.status = "completed".into();
            item.status.success_details = Some(details);
        }
        Err(why) => {
            item.status.status = "failed".into();
            item.status
                .failure_instances
                .push(object(json!({"error": why, "at": now})));
        }
    }
}
