//! Client-side checks of a candidate before it is sent, with the limits
//! HeyMilo documents for ingestion (both generations share them).
//!
//! A candidate that fails here is never sent: the bulk helper
//! ([`crate::ingest`]) reports it as that row's error, and the rest of its
//! chunk goes ahead. The checks are the server's, so a candidate that passes
//! is not refused for these reasons.
//!
//! ```
//! use heymilo::ingest::Candidate;
//!
//! let ok = Candidate::new("Jane Doe", "jane@example.com").phone_number("+12065551234");
//! assert!(heymilo::validate::candidate(&ok).is_ok());
//!
//! let bad = Candidate::new("Jane Doe", "jane@example.com").phone_number("012345678");
//! let err = heymilo::validate::candidate(&bad).expect_err("bad phone");
//! assert_eq!(err.field, "phone_number");
//! ```

use std::collections::HashMap;

use crate::ingest::Candidate;

/// Most metadata keys on one candidate.
pub const MAX_METADATA_KEYS: usize = 50;
/// Longest metadata key, in characters.
pub const MAX_METADATA_KEY_CHARS: usize = 40;
/// Longest metadata value, in characters.
pub const MAX_METADATA_VALUE_CHARS: usize = 500;
/// Fewest digits after the `+` of an E.164 number.
pub const MIN_PHONE_DIGITS: usize = 8;
/// Most digits after the `+` of an E.164 number.
pub const MAX_PHONE_DIGITS: usize = 15;
/// Longest email address (RFC 5321 path limit).
pub const MAX_EMAIL_CHARS: usize = 254;

/// One field of a candidate that HeyMilo would refuse.
///
/// The message names the rule, never more than a short excerpt of the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
#[non_exhaustive]
pub struct InvalidField {
    /// The field, as the API names it: `name`, `email`, `phone_number` or `metadata`.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl InvalidField {
    fn new(field: &'static str, message: impl Into<String>) -> Self {
        InvalidField {
            field,
            message: message.into(),
        }
    }
}

/// Checks every field of `c`; the first problem found is returned.
///
/// ```
/// let c = heymilo::ingest::Candidate::new("", "jane@example.com");
/// assert_eq!(heymilo::validate::candidate(&c).expect_err("blank").field, "name");
/// ```
pub fn candidate(c: &Candidate) -> Result<(), InvalidField> {
    name(&c.name)?;
    email(&c.email)?;
    if let Some(p) = &c.phone_number {
        phone_number(p)?;
    }
    metadata(&c.metadata)
}

/// A name is required: not empty, not only white space.
pub fn name(name: &str) -> Result<(), InvalidField> {
    if name.trim().is_empty() {
        return Err(InvalidField::new("name", "a name is required"));
    }
    Ok(())
}

/// The shape of an email address: one `@`, something before it, and a domain
/// of dot-separated labels after it (at least two, none empty); no white
/// space or control characters; at most 254 characters.
///
/// ```
/// assert!(heymilo::validate::email("jane.doe+jobs@mail.example.com").is_ok());
/// assert!(heymilo::validate::email("jane@localhost").is_err());
/// ```
pub fn email(email: &str) -> Result<(), InvalidField> {
    let invalid = |why: &str| {
        Err(InvalidField::new(
            "email",
            format!("not a valid email address: {why}"),
        ))
    };
    if email.chars().count() > MAX_EMAIL_CHARS {
        return invalid("longer than 254 characters");
    }
    if email.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return invalid("contains white space");
    }
    let Some((local, domain)) = email.split_once('@') else {
        return invalid("no @");
    };
    if local.is_empty() {
        return invalid("nothing before the @");
    }
    if domain.contains('@') {
        return invalid("more than one @");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || labels.iter().any(|l| l.is_empty()) {
        return invalid("the domain needs dot-separated labels, e.g. example.com");
    }
    Ok(())
}

/// An E.164 phone number: `+`, then 8 to 15 digits, the first not 0.
///
/// ```
/// assert!(heymilo::validate::phone_number("+12065551234").is_ok());
/// assert!(heymilo::validate::phone_number("2065551234").is_err());
/// ```
pub fn phone_number(phone: &str) -> Result<(), InvalidField> {
    let digits = phone.strip_prefix('+').unwrap_or("");
    if phone.starts_with('+')
        && (MIN_PHONE_DIGITS..=MAX_PHONE_DIGITS).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
    {
        return Ok(());
    }
    Err(InvalidField::new(
        "phone_number",
        "not in E.164 form: '+' then 8 to 15 digits, the first not 0",
    ))
}

/// At most 50 keys, keys up to 40 characters, values up to 500 characters.
pub fn metadata(metadata: &HashMap<String, String>) -> Result<(), InvalidField> {
    if metadata.len() > MAX_METADATA_KEYS {
        return Err(InvalidField::new(
            "metadata",
            format!(
                "{} keys; at most {MAX_METADATA_KEYS} are allowed",
                metadata.len()
            ),
        ));
    }
    // Sorted so that the same input always reports the same key.
    let mut keys: Vec<&String> = metadata.keys().collect();
    keys.sort();
    for key in keys {
        if key.chars().count() > MAX_METADATA_KEY_CHARS {
            return Err(InvalidField::new(
                "metadata",
                format!(
                    "key {:?} is longer than {MAX_METADATA_KEY_CHARS} characters",
                    excerpt(key)
                ),
            ));
        }
        if metadata[key].chars().count() > MAX_METADATA_VALUE_CHARS {
            return Err(InvalidField::new(
                "metadata",
                format!(
                    "the value of {key:?} is longer than {MAX_METADATA_VALUE_CHARS} characters"
                ),
            ));
        }
    }
    Ok(())
}

/// The start of a long string, for messages.
fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(MAX_METADATA_KEY_CHARS).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_and_phones() {
        let long = format!("{}@example.com", "a".repeat(250));
        type Check = fn(&str) -> Result<(), InvalidField>;
        let cases: [(Check, &str, &[&str], &[&str]); 2] = [
            (
                email,
                "email",
                &["a@b.co", "jane.doe+x@mail.example.com", "o'neil@example.ie"],
                &[
                    "",
                    "plain",
                    "@example.com",
                    "a@b",
                    "a@.com",
                    "a@example.",
                    "a@b..com",
                    "a b@example.com",
                    "a@b@example.com",
                    &long,
                ],
            ),
            (
                phone_number,
                "phone_number",
                &["+12345678", "+123456789012345", "+442071838750"],
                &[
                    "",
                    "+",
                    "12065551234",
                    "+1234567",
                    "+1234567890123456",
                    "+02065551234",
                    "+1 206 555 1234",
                    "+1206555123a",
                    "++12065551234",
                ],
            ),
        ];
        for (check, field, good, bad) in cases {
            for ok in good {
                assert!(check(ok).is_ok(), "{field}: {ok}");
            }
            for bad in bad {
                assert_eq!(check(bad).map_err(|e| e.field), Err(field), "{bad}");
            }
        }
    }

    #[test]
    fn metadata_limits() {
        let mut m: HashMap<String, String> =
            (0..50).map(|i| (format!("k{i}"), "v".into())).collect();
        assert!(metadata(&m).is_ok());
        m.insert("one_more".into(), "v".into());
        assert!(
            metadata(&m)
                .expect_err("51 keys")
                .message
                .contains("51 keys")
        );
        let key40 = "k".repeat(40);
        let ok = HashMap::from([(key40.clone(), "v".repeat(500))]);
        assert!(metadata(&ok).is_ok());
        let long_key = HashMap::from([(format!("{key40}x"), "v".into())]);
        assert!(metadata(&long_key).is_err());
        let long_value = HashMap::from([("k".to_owned(), "é".repeat(501))]);
        assert!(
            metadata(&long_value)
                .expect_err("long value")
                .message
                .contains("\"k\"")
        );
    }

    #[test]
    fn names() {
        assert!(name("Jane").is_ok());
        assert!(name("").is_err());
        assert!(name("  \t").is_err());
    }
}
