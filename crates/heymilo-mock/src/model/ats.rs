//! The workspace's applicant tracking systems: connections, their candidate
//! records and the push queue, whose items settle shortly after they are
//! queued (see `model::push`).

use std::time::Duration;

use heymilo_gen::v2::types as t;

/// Most records across every connected ATS.
pub const MAX_ATS_RECORDS: usize = 10_000;
/// Most queue items kept; settled ones are dropped first.
pub const MAX_QUEUE: usize = 1_000;
/// How long a queued push waits before it settles.
pub(crate) const SETTLE_AFTER: Duration = Duration::from_millis(20);

/// The ATSs that resolve and push support.
pub(crate) const PUSH_ATS: &[&str] = &["bullhorn", "avionte"];

/// One candidate record in an ATS.
#[derive(Debug, Clone)]
pub(crate) struct AtsRecord {
    pub(crate) ats_name: String,
    pub(crate) id: String,
    pub(crate) first_name: Option<String>,
    pub(crate) last_name: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) status: String,
    pub(crate) source: Option<String>,
}

/// One queued push.
#[derive(Debug, Clone)]
pub(crate) struct PushItem {
    pub(crate) status: t::QueueItemStatus,
    pub(crate) request: t::PushCandidateRequest,
}

/// The connections, their records and the push queue.
#[derive(Debug, Default)]
pub(crate) struct Ats {
    pub(crate) connections: Vec<t::AtsConnection>,
    pub(crate) records: Vec<AtsRecord>,
    pub(crate) queue: Vec<PushItem>,
}

impl Ats {
    /// An active connection of this ATS exists.
    pub(crate) fn connected(&self, ats_name: &str) -> bool {
        self.connections
            .iter()
            .any(|c| c.is_active && c.ats_provider.eq_ignore_ascii_case(ats_name))
    }
}
