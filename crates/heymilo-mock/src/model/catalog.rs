//! The workspace's read-only v2 catalogues: email templates and their
//! groups, design templates and their groups, interview templates, custom
//! domains, voices, phone numbers and sender emails.
//!
//! Seeded in `model::seed` from the store's generator after the postings,
//! so the same seed gives the same catalogue; postings refer to its entries
//! by id.

use heymilo_gen::v2::types as t;

/// Everything the catalogue routes serve.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    /// The key's one workspace.
    pub(crate) workspace_id: String,
    /// Its name.
    pub(crate) workspace_name: String,
    /// Email templates, one per kind of email.
    pub(crate) email_templates: Vec<t::EmailTemplateResponse>,
    /// Sets of email templates.
    pub(crate) email_template_groups: Vec<t::EmailTemplateGroupResponse>,
    /// Page designs, one per page type.
    pub(crate) design_templates: Vec<t::DesignTemplateResponse>,
    /// Sets of page designs.
    pub(crate) design_template_groups: Vec<t::DesignTemplateGroupResponse>,
    /// Templates taken from the first seeded postings.
    pub(crate) interview_templates: Vec<t::InterviewTemplateResponse>,
    /// Custom interview-link domains.
    pub(crate) domains: Vec<t::CustomDomainResponse>,
    /// Voices, `preview_url` filled in when served (it names the server).
    pub(crate) voices: Vec<t::VoiceResponse>,
    /// Numbers of the SMS and voice agents.
    pub(crate) phone_numbers: Vec<t::PhoneNumberResponse>,
    /// Addresses candidate emails come from.
    pub(crate) sender_emails: Vec<t::SenderEmailResponse>,
}

/// Email templates: key, name, subject.
pub(crate) const EMAILS: &[(&str, &str, &str)] = &[
    (
        "WEB_INTERVIEW_INVITATION",
        "Interview Invitation",
        "Your interview for {{job_title}}",
    ),
    (
        "WEB_INTERVIEW_NUDGE",
        "Interview Reminder",
        "Reminder: your interview for {{job_title}}",
    ),
    (
        "RESUME_INVITATION",
        "Resume Request",
        "Share your resume for {{job_title}}",
    ),
    (
        "FORM_INVITATION",
        "Screening Form Invitation",
        "A few questions about {{job_title}}",
    ),
    (
        "REPORT_READY_EMAIL",
        "Report Ready",
        "Your interview report for {{job_title}}",
    ),
];

/// Design templates: page type, name.
pub(crate) const DESIGNS: &[(&str, &str)] = &[
    ("welcome_page", "Acme Welcome Page"),
    ("status_page", "Acme Status Page"),
    ("interview_complete_page", "Acme Thank You Page"),
    ("interview_page", "Acme Interview Room"),
];

/// Voices: provider, name, language, country, gender, accent.
pub(crate) const VOICES: &[(&str, &str, &str, &str, &str, &str)] = &[
    ("elevenlabs", "Sarah", "en", "US", "female", "american"),
    ("elevenlabs", "Marcus", "en", "GB", "male", "british"),
    ("cartesia", "Lena", "de", "DE", "female", "german"),
    ("cartesia", "Diego", "es", "MX", "male", "mexican"),
    ("lmnt", "Ava", "en", "US", "female", "american"),
    ("lmnt", "Kai", "en", "AU", "neutral", "australian"),
];
