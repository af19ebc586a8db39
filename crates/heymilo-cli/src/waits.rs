//! Waits made visible: a rate-limit or retry wait longer than
//! [`SHOWN_AFTER`] gets one line on stderr (a spinner counting down on a
//! terminal) with its reason and the time left, through the SDK's
//! `ClientBuilder::on_wait` hook.

use std::io::IsTerminal as _;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use heymilo::{Wait, WaitReason};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Waits this short pass silently.
pub const SHOWN_AFTER: Duration = Duration::from_secs(2);

/// The observer for `ClientBuilder::on_wait`; `None` with `--quiet`.
pub fn observer(quiet: bool) -> Option<impl Fn(Wait) + Send + Sync + 'static> {
    let shown_until: Arc<Mutex<Option<Instant>>> = Arc::default();
    let terminal = std::io::stderr().is_terminal();
    (!quiet).then_some(move |wait: Wait| {
        if wait.left.is_some_and(|left| left <= SHOWN_AFTER) {
            return;
        }
        let now = Instant::now();
        let until = now + wait.left.unwrap_or(SHOWN_AFTER);
        {
            // Tasks waiting out the same pause say it once.
            let mut shown = shown_until.lock().unwrap_or_else(|p| p.into_inner());
            if shown.is_some_and(|s| s + Duration::from_millis(500) >= until) {
                return;
            }
            *shown = Some(until);
        }
        let reason = match wait.reason {
            WaitReason::RateLimited => "HeyMilo's rate limit answered 429".to_owned(),
            WaitReason::Permit => "a rate-limit permit (300 requests a minute per key)".to_owned(),
            _ => format!("the last attempt failed; retry {} follows", wait.retry),
        };
        match (wait.left, terminal) {
            (Some(_), true) => spin(reason, until),
            (Some(left), false) => eprintln!("waiting {} s: {reason}", left.as_secs_f64().ceil()),
            (None, _) => eprintln!("waiting for {reason}"),
        }
    })
}

/// A spinner on stderr counting down to `until`, then gone.
fn spin(reason: String, until: Instant) {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}") {
        bar.set_style(style);
    }
    std::thread::spawn(move || {
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            bar.set_message(format!("waiting {} s: {reason}", left.as_secs() + 1));
            bar.tick();
            std::thread::sleep(Duration::from_millis(100));
        }
        bar.finish_and_clear();
    });
}
