//! Deterministic seeding: the same number gives the same postings,
//! candidates (a spread of every stage), questions, catalogue and ATS.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use serde_json::json;

use heymilo_gen::v2::types as t;

use crate::model::ats::{Ats, AtsRecord};
use crate::model::catalog::{Catalog, DESIGNS, EMAILS, VOICES};
use crate::model::push::record_id;
use crate::model::questions;
use crate::model::store::{
    DEFAULT_MAX_STORE_BYTES, Posting, Stage, StdRng, Store, WorkflowStep, object, posting_size,
};

const FIRST: &[&str] = &[
    "Jane", "Li", "Amara", "Diego", "Priya", "Tomás", "Yuki", "Noah", "Fatima", "Olu",
];
const LAST: &[&str] = &[
    "Smith", "Wei", "Okafor", "García", "Patel", "Novak", "Tanaka", "Berg", "Haddad", "Adeyemi",
];
const TITLES: &[&str] = &[
    "Backend Engineer",
    "Data Analyst",
    "Support Lead",
    "Product Designer",
    "Account Executive",
];

impl Store {
    /// A store with `postings` postings of `per_posting` candidates each,
    /// the same for the same `seed`.
    pub fn seeded(seed: u64, postings: usize, per_posting: usize) -> Store {
        let mut store = Store {
            rng: StdRng::seed_from_u64(seed),
            clock: 1_767_225_600.0, // 2026-01-01T00:00:00Z
            postings: Vec::new(),
            candidates: HashMap::new(),
            interviews: HashMap::new(),
            webhooks: Vec::new(),
            exports: Vec::new(),
            candidate_count: 0,
            latest: HashMap::new(),
            bytes: 0,
            max_bytes: DEFAULT_MAX_STORE_BYTES,
            reserved: (0, 0),
            ingestions: Default::default(),
            catalog: Catalog::default(),
            ats: Ats::default(),
        };
        for i in 0..postings {
            let id = store.hex(8);
            let title = TITLES[i % TITLES.len()].to_owned();
            let url_key = format!(
                "{}-{}",
                title.to_lowercase().replace(' ', "-"),
                &id[..4].to_lowercase()
            );
            let created_at = store.tick();
            let mut posting = Posting::new(id.clone(), url_key, title, created_at);
            // The clock ticks once per event, so a month is a few million
            // requests: seeded postings stay open for a year of them.
            posting.settings.deadline = Some(created_at + 365.0 * 86_400.0);
            // Every second posting screens the resume before the interview.
            if i % 2 == 1 {
                let config = json!({"mandatory": true, "min_evaluation_score": 0.5});
                posting
                    .workflow
                    .push(WorkflowStep::new(&id, "resume", object(config)));
            }
            let config = json!({"video": false, "interview_type": "general", "num_questions": 5, "prompt_version": "v2"});
            posting
                .workflow
                .push(WorkflowStep::new(&id, "web_interview", object(config)));
            store.postings.push(posting);
            for _ in 0..per_posting {
                let first = FIRST[store.rng.random_range(0..FIRST.len())];
                let last = LAST[store.rng.random_range(0..LAST.len())];
                let n: u32 = store.rng.random_range(0..100_000);
                let name = format!("{first} {last}");
                let email = format!(
                    "{}.{}{n}@example.com",
                    first.to_lowercase(),
                    last.to_lowercase()
                );
                // Deterministic stage spread so lists show every status.
                let stage = match store.rng.random_range(0..4) {
                    0 => Stage::Pending,
                    1 => Stage::InProgress,
                    2 => Stage::Completed,
                    _ => Stage::ReportAvailable,
                };
                let c = store.new_candidate(
                    &id,
                    name,
                    email,
                    None,
                    HashMap::new(),
                    serde_json::Map::new(),
                );
                let iid = c.interview_id.clone();
                store.push_candidate(c);
                store.set_stage(&iid, stage);
            }
        }
        // Everything below draws from the generator after the postings and
        // candidates, so their ids stay what they were for a seed.
        questions::seed(&mut store);
        store.catalog = catalog(&mut store);
        store.ats = ats(&mut store);
        let postings: usize = store.postings.iter().map(posting_size).sum();
        store.bytes = store.bytes.saturating_add(postings);
        store
    }
}

/// The catalogue of a freshly seeded store; links the seeded postings
/// to its first phone number, sender and template groups.
fn catalog(store: &mut Store) -> Catalog {
    let mut c = Catalog {
        workspace_id: store.hex(6),
        workspace_name: "Acme Hiring".into(),
        ..Catalog::default()
    };
    // Three of every list (senders, groups, domains), so each pages three times.
    let domain_id = store.hex(12);
    c.sender_emails = ["hiring", "talent", "careers"]
        .into_iter()
        .map(|prefix| t::SenderEmailResponse {
            created_at: store.tick(),
            full_email: format!("{prefix}@acme.com"),
            email_prefix: prefix.into(),
            domain: "acme.com".into(),
            domain_id: domain_id.clone(),
            object: "sender_email".into(),
            id: store.hex(12),
        })
        .collect();
    for (key, name, subject) in EMAILS {
        let created_at = store.tick();
        let nudge = key.ends_with("_NUDGE");
        c.email_templates.push(t::EmailTemplateResponse {
            object: "email_template".into(),
            id: store.hex(12),
            template_key: (*key).into(),
            name: (*name).into(),
            subject: (*subject).into(),
            content: "<p>Hi {{candidate_name}},</p><p>Thank you for applying to {{job_title}}.</p>"
                .into(),
            blackout_period: nudge.then(|| t::BlackoutPeriod {
                enabled: true,
                timezone: "America/New_York".into(),
                start_hour: 22,
                end_hour: 7,
            }),
            created_at,
            updated_at: created_at,
        });
    }
    let mapping = |n: usize, all: &[(String, String)]| -> HashMap<String, String> {
        all.iter().take(n).cloned().collect()
    };
    let emails = keyed(&c.email_templates, |e| (&e.template_key, &e.id));
    for (name, n, sender) in [
        ("Default Emails", emails.len(), 0),
        ("Engineering Hiring Emails", 2, 1),
        ("Sales Hiring Emails", 1, 2),
    ] {
        let created_at = store.tick();
        c.email_template_groups.push(t::EmailTemplateGroupResponse {
            object: "email_template_group".into(),
            id: store.hex(12),
            name: name.into(),
            template_mappings: mapping(n, &emails),
            sender_email_id: c.sender_emails.get(sender).map(|s| s.id.clone()),
            created_at,
            updated_at: created_at,
        });
    }
    for (kind, name) in DESIGNS {
        let created_at = store.tick();
        c.design_templates.push(t::DesignTemplateResponse {
            object: "design_template".into(),
            id: store.hex(12),
            name: (*name).into(),
            template_type: (*kind).into(),
            design_config: object(json!({
                "background_color": "#ffffff",
                "primary_color": "#0b5fff",
                "font_family": "Inter, sans-serif",
                "header_text": "Welcome to your interview",
                "show_logo": true
            })),
            created_at,
            updated_at: created_at,
        });
    }
    let designs = keyed(&c.design_templates, |d| (&d.template_type, &d.id));
    for (name, n, is_default) in [
        ("Acme Brand Kit", designs.len(), true),
        ("Minimal Welcome", 1, false),
        ("Campus Recruiting", 2, false),
    ] {
        let created_at = store.tick();
        c.design_template_groups
            .push(t::DesignTemplateGroupResponse {
                object: "design_template_group".into(),
                id: store.hex(12),
                name: name.into(),
                template_mappings: mapping(n, &designs),
                is_default,
                created_at,
                updated_at: created_at,
            });
    }
    let blueprints: Vec<(String, String)> = store
        .postings
        .iter()
        .take(3)
        .map(|p| (p.id.clone(), p.title.clone()))
        .collect();
    for (i, (posting_id, title)) in blueprints.into_iter().enumerate() {
        let created_at = store.tick();
        let code = format!("{}-template", crate::model::store::slug(&title));
        c.interview_templates.push(t::InterviewTemplateResponse {
            object: "interview_template".into(),
            id: format!("IT_{}", store.hex(6).to_lowercase()),
            template_code: code.chars().take(32).collect(),
            name: format!("{title} Template"),
            description: Some(format!("The screening used for {title} roles.")),
            posting_id,
            is_default: i == 0,
            created_at,
            updated_at: created_at,
        });
    }
    for (domain, active) in [
        ("interviews.acme.com", true),
        ("careers.acme.io", false),
        ("jobs.acme.dev", true),
    ] {
        let created_at = store.tick();
        c.domains.push(t::CustomDomainResponse {
            object: "domain".into(),
            id: store.hex(8),
            domain: domain.into(),
            cname_target: "ingress.heymilo.ai".into(),
            status: (if active { "active" } else { "pending" }).into(),
            active,
            created_at,
            updated_at: created_at,
        });
    }
    for (provider, name, language, country, gender, accent) in VOICES {
        let created_at = store.tick();
        c.voices.push(t::VoiceResponse {
            object: "voice".into(),
            id: format!("wrv-{}", store.hex(8).to_lowercase()),
            provider: (*provider).into(),
            provider_voice_id: store.hex(20),
            name: (*name).into(),
            language: Some((*language).into()),
            country_code: Some((*country).into()),
            gender: Some((*gender).into()),
            preview_url: None,
            labels: [
                ("accent", *accent),
                ("age", "middle_aged"),
                ("style", "conversational"),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
            created_at,
            updated_at: created_at,
        });
    }
    for (prefix, country, active) in [
        ("+1206555", "US", true),
        ("+4420794", "GB", true),
        ("+1415555", "US", false),
    ] {
        let created_at = store.tick();
        let line: u32 = store.rng().random_range(0..10_000);
        c.phone_numbers.push(t::PhoneNumberResponse {
            object: "phone_number".into(),
            id: store.hex(8),
            phone_number: format!("{prefix}{line:04}"),
            country_code: Some(country.into()),
            active,
            date_provisioned: Some(created_at),
        });
    }
    let first = |ids: Vec<String>| ids.into_iter().next();
    let phone = first(c.phone_numbers.iter().map(|x| x.id.clone()).collect());
    let sender = first(c.sender_emails.iter().map(|x| x.id.clone()).collect());
    let emails = first(
        c.email_template_groups
            .iter()
            .map(|x| x.id.clone())
            .collect(),
    );
    let designs = first(
        c.design_template_groups
            .iter()
            .map(|x| x.id.clone())
            .collect(),
    );
    for p in &mut store.postings {
        p.settings.phone_number_id = phone.clone();
        p.settings.sender_email_id = sender.clone();
        p.settings.email_template_group_id = emails.clone();
        p.settings.design_template_group_id = designs.clone();
    }
    c
}

/// (key, id) of each item, for a group's template mappings.
fn keyed<T>(items: &[T], pair: impl Fn(&T) -> (&String, &String)) -> Vec<(String, String)> {
    let owned = |(k, v): (&String, &String)| (k.clone(), v.clone());
    items.iter().map(|i| owned(pair(i))).collect()
}

/// Bullhorn (with three records made from the first posting's first
/// candidates) and Workable, the ATS the last seeded posting (of two or
/// more) was imported from.
fn ats(store: &mut Store) -> Ats {
    let mut ats = Ats::default();
    for (provider, source, display) in [
        ("bullhorn", "native", "Bullhorn (Acme US)"),
        ("workable", "kombo", "Workable"),
    ] {
        let created_at = store.tick();
        ats.connections.push(t::AtsConnection {
            integration_id: format!("int_{}", store.hex(10).to_lowercase()),
            ats_provider: provider.into(),
            source: source.into(),
            display_name: Some(display.into()),
            is_active: true,
            created_at: Some(created_at),
            updated_at: Some(created_at),
        });
    }
    let people: Vec<(String, String, Option<String>)> = store
        .postings
        .first()
        .and_then(|p| store.candidates.get(&p.id))
        .map(|cs| {
            cs.iter()
                .take(3)
                .map(|c| (c.name.clone(), c.email.clone(), c.phone.clone()))
                .collect()
        })
        .unwrap_or_default();
    for (name, email, phone) in people {
        let (first, last) = name.split_once(' ').unwrap_or((name.as_str(), ""));
        let id = record_id(store, ats.records.len(), "bullhorn");
        ats.records.push(AtsRecord {
            ats_name: "bullhorn".into(),
            id,
            first_name: Some(first.to_owned()),
            last_name: Some(last.to_owned()),
            email: Some(email),
            phone,
            status: "Active".into(),
            source: None,
        });
    }
    if store.postings.len() >= 2 {
        let integration = ats.connections.get(1).map(|c| c.integration_id.clone());
        let job = format!("WK-{}", store.hex(5));
        if let Some(p) = store.postings.last_mut() {
            p.ats_metadata = Some(object(json!({
                "source": "job_sync",
                "ats_name": "workable",
                "ats_job_id": job,
                "integration_id": integration,
                "pending_activation": false,
                "mapping_activated_at": p.created_at,
                "mapping_activated_by": "api",
            })));
        }
    }
    ats
}
