//! Time cells: the forms hunters' exports use, to milliseconds since the
//! epoch (UTC), and back.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat};

/// Parses RFC 3339 (`2024-03-04T10:15:02Z`, offsets allowed), naive
/// date-times taken as UTC (`2024-03-04 10:15:02.123`, `T` or space),
/// osquery's `Mon Mar  4 10:15:02 2024 UTC`, dates, and epoch numbers
/// (seconds, or milliseconds when ≥ 1e11).
pub fn parse_time_ms(cell: &str) -> Option<i64> {
    let s = cell.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.timestamp_millis());
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc().timestamp_millis());
        }
    }
    // osquery's `calendarTime`: `Thu Feb 27 07:52:04 2020 UTC`.
    if let Some(t) = s
        .strip_suffix(" UTC")
        .and_then(|c| NaiveDateTime::parse_from_str(c, "%a %b %e %H:%M:%S %Y").ok())
    {
        return Some(t.and_utc().timestamp_millis());
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return d
            .and_hms_opt(0, 0, 0)
            .map(|t| t.and_utc().timestamp_millis());
    }
    let n: f64 = s.parse().ok().filter(|n: &f64| n.is_finite())?;
    Some(if n.abs() >= 1e11 {
        n as i64
    } else {
        (n * 1000.0).round() as i64
    })
}

/// RFC 3339 in UTC with a `Z`, milliseconds only when there are any.
pub fn format_time_ms(ms: i64) -> String {
    DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::AutoSi, true))
        .unwrap_or_else(|| ms.to_string())
}

/// Parses durations such as `1h`, `15min`, `30s`, `1d`, `500ms` (pandas-style
/// units, case-insensitive; `H`, `T` and `min` accepted).
pub fn parse_duration_ms(s: &str) -> Option<i64> {
    let s = s.trim();
    let split = s
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: f64 = if num.is_empty() {
        1.0
    } else {
        num.parse().ok()?
    };
    let unit_ms = match unit.trim().to_ascii_lowercase().as_str() {
        "ms" => 1.0,
        "s" | "sec" | "second" | "seconds" => 1e3,
        "t" | "m" | "min" | "mins" | "minute" | "minutes" => 60e3,
        "h" | "hr" | "hour" | "hours" => 3_600e3,
        "d" | "day" | "days" => 86_400e3,
        "w" | "week" | "weeks" => 604_800e3,
        _ => return None,
    };
    let ms = (n * unit_ms).round();
    (1.0..9e15).contains(&ms).then_some(ms as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_forms() {
        let t = 1_709_547_302_000;
        for s in [
            "2024-03-04T10:15:02Z",
            "2024-03-04T11:15:02+01:00",
            "2024-03-04 10:15:02",
            "2024-03-04T10:15:02.000",
            "1709547302",
            "1709547302000",
            "Mon Mar  4 10:15:02 2024 UTC",
            "Mon Mar 4 10:15:02 2024 UTC",
        ] {
            assert_eq!(parse_time_ms(s), Some(t), "{s}");
        }
        assert_eq!(parse_time_ms("2024-03-04"), Some(1_709_510_400_000));
        assert_eq!(parse_time_ms("yesterday"), None);
        assert_eq!(format_time_ms(t), "2024-03-04T10:15:02Z");
        assert_eq!(format_time_ms(t + 5), "2024-03-04T10:15:02.005Z");
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("1h"), Some(3_600_000));
        assert_eq!(parse_duration_ms("15min"), Some(900_000));
        assert_eq!(parse_duration_ms("1H"), Some(3_600_000));
        assert_eq!(parse_duration_ms("2d"), Some(172_800_000));
        assert_eq!(parse_duration_ms("0s"), None);
        assert_eq!(parse_duration_ms("5 parsecs"), None);
    }
}
