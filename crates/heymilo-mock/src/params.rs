//! Request validation with FastAPI's 422 bodies, as HeyMilo answers.

use std::collections::HashMap;

use axum::response::Response;
use serde::de::DeserializeOwned;

use crate::errors::validation;

/// An integer query parameter within `min..=max`, `default` when absent.
pub(crate) fn int(
    q: &HashMap<String, String>,
    name: &str,
    default: i64,
    min: i64,
    max: i64,
) -> Result<i64, Response> {
    let Some(raw) = q.get(name) else {
        return Ok(default);
    };
    let v: i64 = raw.parse().map_err(|_| {
        validation(
            &["query", name],
            "Input should be a valid integer, unable to parse string as an integer",
            "int_parsing",
        )
    })?;
    if v < min {
        return Err(validation(
            &["query", name],
            &format!("Input should be greater than or equal to {min}"),
            "greater_than_equal",
        ));
    }
    if v > max {
        return Err(validation(
            &["query", name],
            &format!("Input should be less than or equal to {max}"),
            "less_than_equal",
        ));
    }
    Ok(v)
}

/// A required query parameter.
pub(crate) fn required<'q>(
    q: &'q HashMap<String, String>,
    name: &str,
) -> Result<&'q str, Response> {
    q.get(name)
        .map(String::as_str)
        .ok_or_else(|| validation(&["query", name], "Field required", "missing"))
}

/// A JSON body of type `T`.
pub(crate) fn body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Response> {
    if bytes.is_empty() {
        return Err(validation(&["body"], "Field required", "missing"));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        let kind = if e.is_syntax() || e.is_eof() {
            "json_invalid"
        } else {
            "value_error"
        };
        validation(&["body"], &e.to_string(), kind)
    })
}

/// A timestamp filter: ISO-8601 (offset optional, UTC assumed) or Unix seconds.
pub(crate) fn instant(q: &HashMap<String, String>, name: &str) -> Result<Option<f64>, Response> {
    let Some(raw) = q.get(name) else {
        return Ok(None);
    };
    if let Ok(secs) = raw.parse::<f64>() {
        return Ok(Some(secs));
    }
    parse_iso(raw).map(Some).ok_or_else(|| {
        validation(
            &["query", name],
            "Input should be an ISO-8601 datetime or Unix seconds",
            "datetime_parsing",
        )
    })
}

/// `YYYY-MM-DDTHH:MM:SS` with an optional fraction and `Z` / `±HH:MM`.
fn parse_iso(s: &str) -> Option<f64> {
    let (date, time) = s.split_once(['T', ' '])?;
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let (clock, offset) = match time.find(['Z', '+', '-']) {
        Some(i) => time.split_at(i),
        None => (time, ""),
    };
    let mut t = clock.split(':');
    let (h, min) = (
        t.next()?.parse::<i64>().ok()?,
        t.next()?.parse::<i64>().ok()?,
    );
    let sec: f64 = t.next().map(|s| s.parse().ok()).unwrap_or(Some(0.0))?;
    let offset_secs = match offset {
        "" | "Z" => 0,
        o => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (oh, om) = o[1..].split_once(':')?;
            sign * (oh.parse::<i64>().ok()? * 3600 + om.parse::<i64>().ok()? * 60)
        }
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || min > 59 {
        return None;
    }
    // Days since the epoch (proleptic Gregorian), Howard Hinnant's algorithm.
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + min * 60 - offset_secs) as f64 + sec)
}

/// Checks a candidate's fields as HeyMilo documents them; the 422 names the field.
pub(crate) fn candidate(
    loc: &[&str],
    email: &str,
    phone: Option<&str>,
    metadata: Option<&HashMap<String, String>>,
) -> Result<(), Response> {
    let at = |field: &'static str| loc.iter().copied().chain([field]).collect::<Vec<_>>();
    let valid_email = email.split_once('@').is_some_and(|(u, d)| {
        !u.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
    });
    if !valid_email || email.chars().any(char::is_whitespace) {
        return Err(validation(
            &at("email"),
            "value is not a valid email address",
            "value_error",
        ));
    }
    if let Some(p) = phone {
        let digits = p.strip_prefix('+').unwrap_or("");
        if !(8..=15).contains(&digits.len())
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || digits.starts_with('0')
        {
            return Err(validation(
                &at("phone_number"),
                "phone number must be in E.164 format",
                "value_error",
            ));
        }
    }
    if let Some(m) = metadata {
        if m.len() > 50 {
            return Err(validation(
                &at("metadata"),
                "metadata may have at most 50 keys",
                "value_error",
            ));
        }
        if let Some((k, _)) = m
            .iter()
            .find(|(k, v)| k.chars().count() > 40 || v.chars().count() > 500)
        {
            return Err(validation(
                &at("metadata"),
                &format!(
                    "metadata key {k:?}: keys are at most 40 and values at most 500 characters"
                ),
                "value_error",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_and_epoch_instants() {
        assert_eq!(parse_iso("2026-03-13T00:00:00Z"), Some(1_773_360_000.0));
        assert_eq!(
            parse_iso("2026-03-13T00:00:00+01:00"),
            Some(1_773_356_400.0)
        );
        assert_eq!(parse_iso("2026-03-13T00:00:00"), Some(1_773_360_000.0));
        assert_eq!(parse_iso("1970-01-01T00:00:01.5Z"), Some(1.5));
        assert_eq!(parse_iso("2026-13-01T00:00:00Z"), None);
        assert_eq!(parse_iso("yesterday"), None);
    }
}
