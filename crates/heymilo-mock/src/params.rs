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

/// `YYYY-MM-DDTHH:MM:SS` with an optional fraction and `Z` / `±HH:MM`;
/// a bare date `YYYY-MM-DD` is midnight UTC.
pub(crate) fn parse_iso(s: &str) -> Option<f64> {
    let (date, time) = s.split_once(['T', ' ']).unwrap_or((s, "00:00:00"));
    let mut d = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    if d.next().is_some() || !(0..=9999).contains(&y) {
        return None;
    }
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
    if !sec.is_finite() || !(0.0..61.0).contains(&sec) {
        return None;
    }
    let offset_secs = match offset {
        "" | "Z" => 0,
        o => {
            let sign = if o.starts_with('-') { -1 } else { 1 };
            let (oh, om) = o.get(1..)?.split_once(':')?;
            let (oh, om) = (oh.parse::<i64>().ok()?, om.parse::<i64>().ok()?);
            if !(0..=23).contains(&oh) || !(0..=59).contains(&om) {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    if !(1..=12).contains(&m)
        || !(1..=31).contains(&day)
        || !(0..=23).contains(&h)
        || !(0..=59).contains(&min)
    {
        return None;
    }
    let days = days_from_civil(y, m, day);
    Some((days * 86_400 + h * 3600 + min * 60 - offset_secs) as f64 + sec)
}

/// Days since the epoch of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count since the epoch (the inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// One calendar month after `secs` (Unix seconds), the day clamped to the
/// month's length: 31 January gives the last day of February.
pub(crate) fn add_month(secs: f64) -> f64 {
    let whole = secs.floor() as i64;
    let (days, rest) = (whole.div_euclid(86_400), whole.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    let last = (28..=31)
        .rev()
        .find(|&n| civil_from_days(days_from_civil(y, m, n)).1 == m)
        .unwrap_or(28);
    (days_from_civil(y, m, d.min(last)) * 86_400 + rest) as f64 + (secs - secs.floor())
}

/// An integer field within `min..=max` when present.
pub(crate) fn int_range(loc: &[&str], v: Option<i64>, min: i64, max: i64) -> Result<(), Response> {
    match v {
        Some(v) if v < min => Err(validation(
            loc,
            &format!("Input should be greater than or equal to {min}"),
            "greater_than_equal",
        )),
        Some(v) if v > max => Err(validation(
            loc,
            &format!("Input should be less than or equal to {max}"),
            "less_than_equal",
        )),
        _ => Ok(()),
    }
}

/// An unsigned integer field (the generated types use `u64` for a minimum
/// of 1) at most `max` when present.
pub(crate) fn uint_max(
    loc: &[&str],
    v: Option<std::num::NonZeroU64>,
    max: u64,
) -> Result<(), Response> {
    match v {
        Some(v) if v.get() > max => Err(validation(
            loc,
            &format!("Input should be less than or equal to {max}"),
            "less_than_equal",
        )),
        _ => Ok(()),
    }
}

/// A number field within `min..=max` when present.
pub(crate) fn num_range(loc: &[&str], v: Option<f64>, min: f64, max: f64) -> Result<(), Response> {
    match v {
        Some(v) if v.is_nan() || v < min => Err(validation(
            loc,
            &format!("Input should be greater than or equal to {min}"),
            "greater_than_equal",
        )),
        Some(v) if v > max => Err(validation(
            loc,
            &format!("Input should be less than or equal to {max}"),
            "less_than_equal",
        )),
        _ => Ok(()),
    }
}

/// A JSON body that has to be an object: the keys the caller actually sent,
/// for PATCH semantics where `null` and absent differ.
pub(crate) fn body_object(
    bytes: &[u8],
) -> Result<serde_json::Map<String, serde_json::Value>, Response> {
    match body::<serde_json::Value>(bytes)? {
        serde_json::Value::Object(m) => Ok(m),
        _ => Err(validation(
            &["body"],
            "Input should be a valid dictionary or object",
            "model_attributes_type",
        )),
    }
}

/// Keys whose schema is `nullable` with an `enum` that lacks `null`: under
/// OpenAPI 3.0.3 the enum still applies, so an explicit `null` is invalid.
pub(crate) fn enum_not_null(
    loc: &[&str],
    m: &serde_json::Map<String, serde_json::Value>,
    keys: &[&str],
) -> Result<(), Response> {
    match keys
        .iter()
        .find(|k| m.get(**k).is_some_and(serde_json::Value::is_null))
    {
        Some(k) => Err(validation(
            &loc.iter().copied().chain([*k]).collect::<Vec<_>>(),
            "Input should be one of the listed values, not null",
            "enum",
        )),
        None => Ok(()),
    }
}

/// Keys that are optional but not nullable: an explicit `null` is invalid,
/// although the generated request type reads it as "not sent".
pub(crate) fn not_null(
    loc: &[&str],
    m: &serde_json::Map<String, serde_json::Value>,
    keys: &[&str],
) -> Result<(), Response> {
    match keys
        .iter()
        .find(|k| m.get(**k).is_some_and(serde_json::Value::is_null))
    {
        Some(k) => Err(validation(
            &loc.iter().copied().chain([*k]).collect::<Vec<_>>(),
            "Input should not be null",
            "type_error",
        )),
        None => Ok(()),
    }
}

/// The delivery-mode keys of postings and step configs (nullable enums).
pub(crate) const DELIVERY_MODES: &[&str] = &[
    "company_overview_delivery_mode",
    "job_overview_delivery_mode",
    "interview_process_overview_delivery_mode",
];

/// An ISO-8601 date-time body field, as Unix seconds.
pub(crate) fn iso_field(loc: &[&str], v: Option<&str>) -> Result<Option<f64>, Response> {
    match v {
        None => Ok(None),
        Some(raw) => parse_iso(raw).map(Some).ok_or_else(|| {
            validation(
                loc,
                "Input should be an ISO-8601 date-time",
                "datetime_parsing",
            )
        }),
    }
}

/// HeyMilo's metadata limits: at most 50 keys, keys up to 40 and values up
/// to 500 characters.
pub(crate) fn metadata_limits(loc: &[&str], m: &HashMap<String, String>) -> Result<(), Response> {
    if m.len() > MAX_METADATA_KEYS {
        return Err(validation(
            loc,
            &format!("metadata may have at most {MAX_METADATA_KEYS} keys"),
            "value_error",
        ));
    }
    if let Some((k, _)) = m
        .iter()
        .find(|(k, v)| k.chars().count() > 40 || v.chars().count() > 500)
    {
        return Err(validation(
            loc,
            &format!("metadata key {k:?}: keys are at most 40 and values at most 500 characters"),
            "value_error",
        ));
    }
    Ok(())
}

/// Most metadata keys on one object.
pub(crate) const MAX_METADATA_KEYS: usize = 50;

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
        metadata_limits(&at("metadata"), m)?;
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
        assert_eq!(parse_iso("2026-03-13"), Some(1_773_360_000.0));
        assert_eq!(parse_iso("2026-03-13T00:00:00+99:00"), None);
        assert_eq!(parse_iso("99999-01-01T00:00:00Z"), None);
    }

    #[test]
    fn a_month_later_clamps_the_day() {
        let jan31 = parse_iso("2026-01-31T10:00:00Z").unwrap_or_default();
        let feb28 = parse_iso("2026-02-28T10:00:00Z").unwrap_or_default();
        assert_eq!(add_month(jan31), feb28);
        let dec15 = parse_iso("2025-12-15T00:00:00Z").unwrap_or_default();
        let jan15 = parse_iso("2026-01-15T00:00:00Z").unwrap_or_default();
        assert_eq!(add_month(dec15), jan15);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
    }
}
