//! Calendar arithmetic on Unix seconds: ISO-8601 parsing and "a month later".

/// `YYYY-MM-DDTHH:MM:SS` with an optional fraction and `Z` / `±HH:MM`;
/// a bare date `YYYY-MM-DD` is midnight UTC.
pub fn parse_iso(s: &str) -> Option<f64> {
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
pub fn add_month(secs: f64) -> f64 {
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
