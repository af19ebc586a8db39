//! Why the model refuses a change: plain data, rendered by the HTTP layer.

/// A refusal of the model; the store is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// No such object; `hint` says which identifier was expected.
    #[error("{what} not found{}", hint.as_deref().map(|h| format!(": {h}")).unwrap_or_default())]
    NotFound {
        /// What was looked up (`Posting`, `Interview`...).
        what: String,
        /// Which kind of identifier the caller should have given.
        hint: Option<String>,
    },
    /// A value breaks a rule of HeyMilo's; `loc` is FastAPI's location.
    #[error("{}: {msg}", loc.join("."))]
    Invalid {
        /// Where, e.g. `["body", "candidates"]`.
        loc: Vec<String>,
        /// What is wrong.
        msg: String,
    },
    /// A cap or the byte budget would be passed; nothing was stored.
    #[error("{message}")]
    Full {
        /// Which limit, and its value.
        message: String,
    },
}

impl ModelError {
    /// `what` not found.
    pub fn not_found(what: &str) -> ModelError {
        ModelError::NotFound {
            what: what.into(),
            hint: None,
        }
    }

    /// `what` not found, with the identifier that was expected.
    pub fn not_found_hint(what: &str, hint: &str) -> ModelError {
        ModelError::NotFound {
            what: what.into(),
            hint: Some(hint.into()),
        }
    }

    /// A rule broken at `loc`.
    pub fn invalid(loc: &[&str], msg: impl Into<String>) -> ModelError {
        ModelError::Invalid {
            loc: loc.iter().map(|s| (*s).to_owned()).collect(),
            msg: msg.into(),
        }
    }

    /// A limit that would be passed.
    pub fn full(message: impl Into<String>) -> ModelError {
        ModelError::Full {
            message: message.into(),
        }
    }
}
