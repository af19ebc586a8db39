//! Errors of the command line and the exit code each one ends the process with.
//!
//! | code | meaning |
//! |---|---|
//! | 0 | success |
//! | 1 | an unexpected internal failure |
//! | 2 | usage: bad flags or arguments, no API key, an unusable base URL |
//! | 3 | HeyMilo answered with an error (HTTP 4xx/5xx) or a response the SDK could not read |
//! | 4 | the network: HeyMilo could not be reached, or did not answer in time |
//! | 5 | local: a file that cannot be read or written, an invalid input row |

use std::fmt::Write as _;

use heymilo::{Error, ExportError};

/// Success.
pub const OK: u8 = 0;
/// An unexpected internal failure.
pub const INTERNAL: u8 = 1;
/// A usage error (clap's own code for bad arguments).
pub const USAGE: u8 = 2;
/// HeyMilo answered with an error.
pub const API: u8 = 3;
/// HeyMilo could not be reached.
pub const NETWORK: u8 = 4;
/// A local problem: files, input rows.
pub const LOCAL: u8 = 5;
/// Interrupted by Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// An error raised by the command line itself, with its exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad flags or settings (exit 2).
    #[error("{0}")]
    Usage(String),
    /// A local problem: a file, an input row (exit 5).
    #[error("{0}")]
    Local(String),
    /// Something already explained on stderr, ending with `code`.
    #[error("{message}")]
    Failed {
        /// The exit code.
        code: u8,
        /// The summary line.
        message: String,
    },
    /// Standard output was closed by its reader (`heymilo ... | head`): stop quietly.
    #[error("standard output closed")]
    StdoutClosed,
}

impl CliError {
    /// This error's exit code.
    pub fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) => USAGE,
            CliError::Local(_) => LOCAL,
            CliError::Failed { code, .. } => *code,
            CliError::StdoutClosed => OK,
        }
    }
}

/// The exit code of an SDK error.
pub fn sdk_code(error: &Error) -> u8 {
    match error {
        Error::Timeout { .. }
        | Error::Connection { .. }
        | Error::RateLimiterUnavailable { .. }
        | Error::LimiterTimeout { .. } => NETWORK,
        Error::Config { .. } => USAGE,
        Error::InvalidRequest { .. } => USAGE,
        _ => API,
    }
}

/// The exit code of an export error.
pub fn export_code(error: &ExportError) -> u8 {
    match error {
        ExportError::Api(e) => sdk_code(e),
        ExportError::Stalled(_) => NETWORK,
        ExportError::Io(_) => LOCAL,
        _ => API,
    }
}

/// The exit code for `error`: the first error in its chain that says.
pub fn exit_code(error: &anyhow::Error) -> u8 {
    for cause in error.chain() {
        if let Some(e) = cause.downcast_ref::<CliError>() {
            return e.code();
        }
        if let Some(e) = cause.downcast_ref::<Error>() {
            return sdk_code(e);
        }
        if let Some(e) = cause.downcast_ref::<ExportError>() {
            return export_code(e);
        }
        if cause.is::<std::io::Error>() || cause.is::<csv::Error>() {
            return LOCAL;
        }
    }
    INTERNAL
}

/// Whether the error only says that stdout went away.
pub fn is_stdout_closed(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<CliError>(),
            Some(CliError::StdoutClosed)
        ) || cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            || matches!(cause.downcast_ref::<ExportError>(),
                Some(ExportError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// One line: every message of the chain, each said once.
pub fn one_line(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let message = cause.to_string();
        if message.is_empty() || line.contains(&message) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        let _ = write!(line, "{message}");
    }
    let line = crate::terminal::printable(&line);
    match hint(error) {
        Some(hint) => format!("{line} ({hint})"),
        None => line,
    }
}

/// What to try next, for the errors that have an obvious next step.
fn hint(error: &anyhow::Error) -> Option<&'static str> {
    let sdk = error.chain().find_map(|c| {
        c.downcast_ref::<Error>()
            .or_else(|| match c.downcast_ref::<ExportError>() {
                Some(ExportError::Api(e)) => Some(e),
                _ => None,
            })
    })?;
    match sdk {
        Error::Unauthorized(_) => Some("check --api-key or HEYMILO_API_KEY"),
        Error::Connection { .. } | Error::Timeout { .. } => {
            Some("check the network and --base-url (or --v1-url / --v2-url)")
        }
        _ => None,
    }
}
