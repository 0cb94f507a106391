//! Time expressions, as MSTICPy's query times take them: date-times, ISO
//! strings, numbers of days relative to now, offsets (`-1d`, `-2h`, `-30m`,
//! `-1w`, `-1mon`, `-1y`) with rounding (`@d`, `@h`, …), spans and their
//! split into consecutive ranges.
//!
//! "Now" is always passed in: tests are exact, the wasm host supplies the
//! browser's clock (`SystemTime` panics there), and a frozen data set can
//! name its own "now".

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result};

/// Splitting a span into more ranges than this is refused (a typo such as
/// `1s` over a year would otherwise allocate millions).
const MAX_RANGES: i64 = 100_000;

fn err(text: &str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::TimeExpression {
        text: text.chars().take(80).collect(),
        message: message.into(),
    })
}

/// A calendar or clock unit of an offset or a rounding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Year,
}

fn unit(name: &str) -> Option<Unit> {
    Some(match name {
        "s" | "sec" | "secs" | "second" | "seconds" => Unit::Second,
        // `t` and `min` are pandas' minute aliases (`split_by("15T")`).
        "m" | "t" | "min" | "mins" | "minute" | "minutes" => Unit::Minute,
        "h" | "hr" | "hrs" | "hour" | "hours" => Unit::Hour,
        "d" | "day" | "days" => Unit::Day,
        "w" | "wk" | "week" | "weeks" => Unit::Week,
        "mon" | "month" | "months" => Unit::Month,
        "y" | "yr" | "year" | "years" => Unit::Year,
        _ => return None,
    })
}

/// Adds `n` of `unit` to `t`; months and years are calendar steps (the day
/// is clamped to the month's last, as chrono does).
fn shift(t: DateTime<Utc>, n: i64, unit: Unit) -> Option<DateTime<Utc>> {
    let fixed = |secs: i64| Duration::try_seconds(n.checked_mul(secs)?);
    match unit {
        Unit::Second => t.checked_add_signed(fixed(1)?),
        Unit::Minute => t.checked_add_signed(fixed(60)?),
        Unit::Hour => t.checked_add_signed(fixed(3600)?),
        Unit::Day => t.checked_add_signed(fixed(86_400)?),
        Unit::Week => t.checked_add_signed(fixed(604_800)?),
        Unit::Month | Unit::Year => {
            let months = if unit == Unit::Year {
                n.checked_mul(12)?
            } else {
                n
            };
            let m = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
            if months >= 0 {
                t.checked_add_months(m)
            } else {
                t.checked_sub_months(m)
            }
        }
    }
}

/// Rounds `t` down to the start of its `unit` (weeks start on Monday).
fn round_down(t: DateTime<Utc>, unit: Unit) -> Option<DateTime<Utc>> {
    let d = t.date_naive();
    let at = |date: NaiveDate, h: u32, m: u32, s: u32| {
        date.and_hms_opt(h, m, s).map(|n| Utc.from_utc_datetime(&n))
    };
    use chrono::Timelike;
    match unit {
        Unit::Second => at(d, t.hour(), t.minute(), t.second()),
        Unit::Minute => at(d, t.hour(), t.minute(), 0),
        Unit::Hour => at(d, t.hour(), 0, 0),
        Unit::Day => at(d, 0, 0, 0),
        Unit::Week => at(
            d - Duration::days(i64::from(d.weekday().num_days_from_monday())),
            0,
            0,
            0,
        ),
        Unit::Month => at(d.with_day(1)?, 0, 0, 0),
        Unit::Year => at(NaiveDate::from_ymd_opt(d.year(), 1, 1)?, 0, 0, 0),
    }
}

/// Splits `1d2h` / `-30m` / `15T` into signed (amount, unit) terms.
fn terms(text: &str, s: &str) -> Result<Vec<(i64, Unit)>> {
    let mut out = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let (sign, r) = match rest.as_bytes()[0] {
            b'-' => (-1, &rest[1..]),
            b'+' => (1, &rest[1..]),
            _ if out.is_empty() => (1, rest),
            _ => (1, rest),
        };
        let digits = r.bytes().take_while(u8::is_ascii_digit).count();
        // pandas writes `H` for one hour: a missing amount means 1.
        let n: i64 = if digits == 0 {
            1
        } else {
            r[..digits]
                .parse()
                .map_err(|_| err(text, format!("{:?} is too large", &r[..digits])))?
        };
        let r = &r[digits..];
        let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
        if letters == 0 {
            return Err(err(
                text,
                "expected a unit after the number (s, m, h, d, w, mon, y)",
            ));
        }
        let name = &r[..letters];
        let u = unit(name).ok_or_else(|| {
            err(
                text,
                format!("unknown unit {name:?} (use s, m, h, d, w, mon or y)"),
            )
        })?;
        out.push((sign * n, u));
        rest = &r[letters..];
    }
    Ok(out)
}

/// Reads a time expression against `now`:
///
/// - `now`, and `now` or nothing followed by offsets: `-1d`, `+2h`,
///   `now-30m`, `-1d-12h`; optionally rounded as MSTICPy rounds: down
///   after a negative offset (`-1w@d` is midnight seven days ago), else up
///   (`@d` is the coming midnight, `+1h@h` the start of the hour after next).
/// - a number: days relative to now (`-1`, `-0.5`, `2`).
/// - an ISO-8601 date-time (offsets honoured, none means UTC) or date.
pub fn parse_time(text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    // Spaces carry no meaning (`now - 2 h @ h`).
    let s: String = text
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if s.is_empty() {
        return Err(err(text, "it is empty"));
    }
    if let Some(t) = parse_absolute(text.trim()) {
        return Ok(t);
    }
    if let Ok(days) = s.parse::<f64>() {
        // Beyond ±100,000 days (~270 years) nanoseconds overflow i64.
        if !days.is_finite() || days.abs() > 100_000.0 {
            return Err(err(text, "the number of days is out of range"));
        }
        let ns = (days * 86_400e9).round() as i64;
        return now
            .checked_add_signed(Duration::nanoseconds(ns))
            .ok_or_else(|| err(text, "the time is out of range"));
    }
    let body = s.strip_prefix("now").unwrap_or(&s).trim();
    let (offsets, rounding) = match body.split_once('@') {
        Some((o, r)) => (o.trim(), Some(r.trim())),
        None => (body, None),
    };
    if !(offsets.is_empty() || offsets.starts_with(['-', '+'])) {
        return Err(err(
            text,
            "not a date-time, a number of days, or an offset such as -1d, -2h@h",
        ));
    }
    let mut t = now;
    for (n, u) in terms(text, offsets)? {
        t = shift(t, n, u).ok_or_else(|| err(text, "the time is out of range"))?;
    }
    if let Some(r) = rounding {
        let u = unit(r).ok_or_else(|| {
            err(
                text,
                format!("unknown rounding @{r} (use @s, @m, @h, @d, @w, @mon or @y)"),
            )
        })?;
        // As MSTICPy: after a negative offset round down (`-1w@d` is
        // midnight seven days ago), otherwise up to the next unit (`@d` is
        // the coming midnight, the end of today).
        t = round_down(t, u)
            .and_then(|t| {
                if offsets.starts_with('-') {
                    Some(t)
                } else {
                    shift(t, 1, u)
                }
            })
            .ok_or_else(|| err(text, "the time is out of range"))?;
    }
    Ok(t)
}

/// A parameter value as a time: a string expression, or a number of days.
pub fn parse_time_value(value: &serde_json::Value, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    match value {
        serde_json::Value::String(s) => parse_time(s, now),
        serde_json::Value::Number(n) => parse_time(&n.to_string(), now),
        other => Err(err(
            &other.to_string(),
            "a time must be a string or a number of days",
        )),
    }
}

fn parse_absolute(s: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(t.and_utc());
        }
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%d %H:%M:%S%.f%#z"] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.with_timezone(&Utc));
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()?
        .and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc())
}

/// A time as the queries write it: ISO-8601 UTC with `Z`, fractions only
/// when present (to the nanosecond, so split ranges stay distinct).
pub fn format_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
}

/// A fixed length such as `1H`, `30min`, `15T`, `1d12h`, `1w` (no months
/// or years: they have no fixed length).
pub fn parse_period(text: &str) -> Result<Duration> {
    let s = text.trim().to_ascii_lowercase();
    if s.is_empty() || s.starts_with(['-', '+']) {
        return Err(err(
            text,
            "a period is a positive length such as 1h or 30min",
        ));
    }
    let mut total = Duration::zero();
    for (n, u) in terms(text, &s)? {
        let secs = match u {
            Unit::Second => 1,
            Unit::Minute => 60,
            Unit::Hour => 3600,
            Unit::Day => 86_400,
            Unit::Week => 604_800,
            Unit::Month | Unit::Year => {
                return Err(err(text, "months and years have no fixed length"))
            }
        };
        total = n
            .checked_mul(secs)
            .and_then(Duration::try_seconds)
            .and_then(|d| total.checked_add(&d))
            .ok_or_else(|| err(text, "the period is too long"))?;
    }
    if total <= Duration::zero() {
        return Err(err(text, "a period must be longer than zero"));
    }
    Ok(total)
}

/// A time range, both ends included (as queries use `between`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeSpan {
    /// First instant.
    #[serde(serialize_with = "ser_time")]
    pub start: DateTime<Utc>,
    /// Last instant.
    #[serde(serialize_with = "ser_time")]
    pub end: DateTime<Utc>,
}

fn ser_time<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.serialize_str(&format_time(*t))
}

impl TimeSpan {
    /// MSTICPy's `TimeSpan(start, end | period)`: `start` and `end` are
    /// time expressions; with a `period` instead of an end, the span runs
    /// from `start` for that long, or, without a start, ends now.
    pub fn new(
        start: Option<&str>,
        end: Option<&str>,
        period: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<TimeSpan> {
        let span = match (start, end, period) {
            (_, Some(_), Some(p)) => {
                return Err(err(p, "give an end or a period, not both"));
            }
            (Some(s), Some(e), None) => TimeSpan {
                start: parse_time(s, now)?,
                end: parse_time(e, now)?,
            },
            (Some(s), None, Some(p)) => {
                let start = parse_time(s, now)?;
                let end = start
                    .checked_add_signed(parse_period(p)?)
                    .ok_or_else(|| err(p, "the span ends out of range"))?;
                TimeSpan { start, end }
            }
            (None, e, Some(p)) => {
                let end = match e {
                    Some(e) => parse_time(e, now)?,
                    None => now,
                };
                let start = end
                    .checked_sub_signed(parse_period(p)?)
                    .ok_or_else(|| err(p, "the span starts out of range"))?;
                TimeSpan { start, end }
            }
            (Some(s), None, None) => TimeSpan {
                start: parse_time(s, now)?,
                end: now,
            },
            (None, _, None) => return Err(err("", "a span needs a start or a period")),
        };
        if span.start > span.end {
            return Err(err(
                &format!("{} .. {}", format_time(span.start), format_time(span.end)),
                "the start is after the end",
            ));
        }
        Ok(span)
    }

    /// Reads `TimeSpan(start, end)` / `TimeSpan(start, period=1d)` /
    /// `start..end` as a user would type it in a form or on the CLI.
    pub fn parse(text: &str, now: DateTime<Utc>) -> Result<TimeSpan> {
        let t = text.trim();
        let inner = t
            .strip_prefix("TimeSpan(")
            .or_else(|| t.strip_prefix("timespan("))
            .and_then(|r| r.strip_suffix(')'));
        let parts: Vec<&str> = match inner {
            Some(i) => i.split(',').map(str::trim).collect(),
            None => match t.split_once("..") {
                Some((a, b)) => vec![a.trim(), b.trim()],
                None => return Err(err(text, "write TimeSpan(start, end) or start..end")),
            },
        };
        let mut start = None;
        let mut end = None;
        let mut period = None;
        for (i, p) in parts.iter().enumerate() {
            let (key, value) = match p.split_once('=') {
                Some((k, v)) => (k.trim(), v.trim()),
                None => (["start", "end"].get(i).copied().unwrap_or(""), *p),
            };
            let value = value.trim_matches(['"', '\'']);
            match key {
                "start" => start = Some(value),
                "end" => end = Some(value),
                "period" => period = Some(value),
                _ => return Err(err(text, format!("unexpected argument {p:?}"))),
            }
        }
        TimeSpan::new(start, end, period, now)
    }

    /// Consecutive ranges of `period` (`1H`, `30min`, `1d`) that cover the
    /// span exactly: each ends 1 ns before the next starts, the last ends at
    /// the span's end (shorter when the span is not a whole number of
    /// periods).
    pub fn split_by(&self, period: &str) -> Result<Vec<TimeSpan>> {
        let step = parse_period(period)?;
        let total = self.end.signed_duration_since(self.start);
        let step_ns = step.num_nanoseconds().unwrap_or(i64::MAX);
        let count = total
            .num_nanoseconds()
            .map_or(i64::MAX, |ns| ns / step_ns + 1);
        if count > MAX_RANGES {
            return Err(err(
                period,
                format!("splits the span into more than {MAX_RANGES} ranges"),
            ));
        }
        let one = Duration::nanoseconds(1);
        let mut out = Vec::new();
        let mut start = self.start;
        loop {
            match start.checked_add_signed(step) {
                Some(next) if next < self.end => {
                    out.push(TimeSpan {
                        start,
                        end: next - one,
                    });
                    start = next;
                }
                // The last range ends at the span's end, whole or short.
                _ => {
                    out.push(TimeSpan {
                        start,
                        end: self.end,
                    });
                    break;
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        // A Wednesday.
        parse_absolute("2024-03-06T10:15:30.5Z").unwrap()
    }

    fn t(s: &str) -> String {
        format_time(parse_time(s, now()).unwrap())
    }

    #[test]
    fn offsets_and_rounding() {
        assert_eq!(t("now"), "2024-03-06T10:15:30.500Z");
        assert_eq!(t("-1d"), "2024-03-05T10:15:30.500Z");
        assert_eq!(t("-2h"), "2024-03-06T08:15:30.500Z");
        assert_eq!(t("-30m"), "2024-03-06T09:45:30.500Z");
        assert_eq!(t("-1w"), "2024-02-28T10:15:30.500Z");
        assert_eq!(t("-1mon"), "2024-02-06T10:15:30.500Z");
        assert_eq!(t("-1y"), "2023-03-06T10:15:30.500Z");
        assert_eq!(t("-1w@d"), "2024-02-28T00:00:00Z");
        assert_eq!(t("now-2h@h"), "2024-03-06T08:00:00Z");
        assert_eq!(t("-1mon@mon"), "2024-02-01T00:00:00Z");
        assert_eq!(t("-0d@w"), "2024-03-04T00:00:00Z");
        // Not negative: rounded up, as MSTICPy does.
        assert_eq!(t("@d"), "2024-03-07T00:00:00Z");
        assert_eq!(t("+1h@h"), "2024-03-06T12:00:00Z");
        assert_eq!(t("@w"), "2024-03-11T00:00:00Z");
        assert_eq!(t("@y"), "2025-01-01T00:00:00Z");
        assert_eq!(t("-1d-12h"), "2024-03-04T22:15:30.500Z");
        assert_eq!(t("+1D"), "2024-03-07T10:15:30.500Z");
        assert_eq!(t(" now - 2 h @ h "), "2024-03-06T08:00:00Z");
    }

    #[test]
    fn numbers_are_days_and_iso_is_absolute() {
        assert_eq!(t("-1"), "2024-03-05T10:15:30.500Z");
        assert_eq!(t("-0.5"), "2024-03-05T22:15:30.500Z");
        assert_eq!(t("2024-01-02"), "2024-01-02T00:00:00Z");
        assert_eq!(t("2024-01-02 03:04:05"), "2024-01-02T03:04:05Z");
        assert_eq!(t("2024-01-02T03:04:05+02:00"), "2024-01-02T01:04:05Z");
        let v = serde_json::json!(-2);
        assert_eq!(
            format_time(parse_time_value(&v, now()).unwrap()),
            "2024-03-04T10:15:30.500Z"
        );
    }

    #[test]
    fn bad_expressions_say_what_is_wrong() {
        let e = parse_time("-1fortnight", now()).unwrap_err();
        assert_eq!(e.kind_name(), "time_expression");
        assert!(e.to_string().contains("unknown unit \"fortnight\""), "{e}");
        let e = parse_time("yesterday", now()).unwrap_err();
        assert!(e.to_string().contains("not a date-time"), "{e}");
        assert!(parse_time("-1d@q", now())
            .unwrap_err()
            .to_string()
            .contains("rounding"));
        assert!(parse_time("", now()).is_err());
        assert!(parse_time("-99999999999999999999d", now()).is_err());
        assert!(parse_time("-9999999999y", now()).is_err());
        assert!(parse_time("1e308", now()).is_err());
        assert!(parse_period("1mon").is_err());
        assert!(parse_period("0h").is_err());
        assert!(parse_time_value(&serde_json::json!([1]), now()).is_err());
    }

    #[test]
    fn spans_from_end_or_period() {
        let s = TimeSpan::new(Some("-1d@d"), None, Some("1d"), now()).unwrap();
        assert_eq!(s, TimeSpan::parse("TimeSpan(-1d@d, -0d@d)", now()).unwrap());
        assert_eq!(format_time(s.start), "2024-03-05T00:00:00Z");
        assert_eq!(format_time(s.end), "2024-03-06T00:00:00Z");
        let s = TimeSpan::new(None, None, Some("2h"), now()).unwrap();
        assert_eq!(format_time(s.start), "2024-03-06T08:15:30.500Z");
        let s = TimeSpan::parse("TimeSpan(2024-03-01, 2024-03-02)", now()).unwrap();
        assert_eq!(format_time(s.end), "2024-03-02T00:00:00Z");
        let s = TimeSpan::parse("TimeSpan(start=-1d, period=1h)", now()).unwrap();
        assert_eq!(format_time(s.end), "2024-03-05T11:15:30.500Z");
        let e = TimeSpan::parse("2024-03-02..2024-03-01", now()).unwrap_err();
        assert!(e.to_string().contains("after the end"), "{e}");
        assert!(TimeSpan::new(Some("-1d"), Some("now"), Some("1h"), now()).is_err());
    }

    #[test]
    fn split_by_covers_the_span_exactly() {
        let s = TimeSpan::parse("2024-03-01T00:00:00Z..2024-03-01T02:30:00Z", now()).unwrap();
        let parts: Vec<(String, String)> = s
            .split_by("1H")
            .unwrap()
            .iter()
            .map(|p| (format_time(p.start), format_time(p.end)))
            .collect();
        assert_eq!(
            parts,
            [
                (
                    "2024-03-01T00:00:00Z".into(),
                    "2024-03-01T00:59:59.999999999Z".into()
                ),
                (
                    "2024-03-01T01:00:00Z".into(),
                    "2024-03-01T01:59:59.999999999Z".into()
                ),
                ("2024-03-01T02:00:00Z".into(), "2024-03-01T02:30:00Z".into()),
            ]
        );
        // Consecutive, 1 ns apart, first start and last end are the span's.
        let s = TimeSpan::parse("-3d..now", now()).unwrap();
        let parts = s.split_by("7h").unwrap();
        assert_eq!(parts[0].start, s.start);
        assert_eq!(parts.last().unwrap().end, s.end);
        for w in parts.windows(2) {
            assert_eq!(w[1].start - w[0].end, Duration::nanoseconds(1));
        }
        assert!(s.split_by("1s").is_err());
        // A whole number of periods: the last range still ends at the end.
        let s = TimeSpan::parse("2024-03-01..2024-03-03", now()).unwrap();
        let parts = s.split_by("1d").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(format_time(parts[1].end), "2024-03-03T00:00:00Z");
    }
}
