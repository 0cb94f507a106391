//! Time cells: the forms hunters' exports use, to milliseconds since the
//! epoch (UTC), and back.

use chrono::{DateTime, NaiveDate, NaiveDateTime, SecondsFormat};

/// Parses RFC 3339 (`2024-03-04T10:15:02Z`, offsets allowed), naive
/// date-times taken as UTC (`2024-03-04 10:15:02.123`, `T` or space),
/// osquery's `Mon Mar  4 10:15:02 2024 UTC`, dates, and epoch numbers
/// (seconds, or milliseconds when ≥ 1e11).
pub fn parse_time_ms(cell: &str) -> Option<i64> {
    let s = super::cells::trim_cell(cell);
    iso_utc_ms(s.as_bytes()).or_else(|| parse_general(s))
}

/// The same forms through chrono: every form, a few times slower than
/// [`iso_utc_ms`] on the common one.
fn parse_general(s: &str) -> Option<i64> {
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
    let n: f64 = s.parse().ok()?;
    epoch_number_ms(n)
}

/// An epoch number as milliseconds: seconds, or milliseconds when ≥ 1e11
/// (`None` when not finite). How a number cell, as text or typed, is read
/// as a time.
pub(crate) fn epoch_number_ms(n: f64) -> Option<i64> {
    n.is_finite().then(|| {
        if n.abs() >= 1e11 {
            n as i64
        } else {
            (n * 1000.0).round() as i64
        }
    })
}

/// The fast path for what event exports nearly always hold,
/// `YYYY-MM-DD[T ]HH:MM:SS[.f…][Z]` (UTC): digits read in place, no
/// allocation, ~10× cheaper than chrono's format-driven parser (time
/// parsing was a large share of a process-tree build). `None` for anything
/// else, including leap seconds and impossible dates, which the general
/// parser then decides on.
fn iso_utc_ms(b: &[u8]) -> Option<i64> {
    if b.len() < 19 || !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter().try_fold(0i64, |n, &d| {
            d.is_ascii_digit().then(|| n * 10 + i64::from(d - b'0'))
        })
    };
    if b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, min, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let mut rest = &b[19..];
    let mut ms = 0;
    if let Some((b'.', frac)) = rest.split_first() {
        let digits = frac.iter().take_while(|d| d.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        // Milliseconds truncated, as chrono's timestamp_millis.
        ms = frac[..digits.min(3)]
            .iter()
            .fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'))
            * 10i64.pow(3 - digits.min(3) as u32);
        rest = &frac[digits..];
    }
    // A `Z` (RFC 3339) or nothing (a naive time, taken as UTC); offsets
    // go the general way.
    // chrono's naive forms take only `T` or a space; RFC 3339 also `t`.
    let ok = match rest {
        [b'Z' | b'z'] => true,
        [] => b[10] != b't',
        _ => false,
    };
    if !ok {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&month)
        || day < 1
        || day > month_days[(month - 1) as usize]
        || hour > 23
        || min > 59
        || sec > 59
    {
        return None;
    }
    // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hour) * 60 + min) * 60_000 + sec * 1000 + ms)
}

/// [`format_time_ms`] appended to `out`: digits written directly for
/// years 0–9999 (a million process keys each carry a time), chrono beyond.
pub(crate) fn write_time_ms(out: &mut String, ms: i64) {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    if !(0..=9999).contains(&year) {
        out.push_str(&format_time_ms(ms));
        return;
    }
    let (h, m, s, milli) = (
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1000 % 60,
        in_day % 1000,
    );
    let mut buf = [0u8; 24];
    let mut put = |at: usize, mut n: i64, width: usize| {
        for k in (at..at + width).rev() {
            buf[k] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    };
    put(0, year, 4);
    put(5, month, 2);
    put(8, day, 2);
    put(11, h, 2);
    put(14, m, 2);
    put(17, s, 2);
    put(20, milli, 3);
    for (at, c) in [
        (4, b'-'),
        (7, b'-'),
        (10, b'T'),
        (13, b':'),
        (16, b':'),
        (19, b'.'),
    ] {
        buf[at] = c;
    }
    let text = if milli == 0 { &buf[..19] } else { &buf[..23] };
    // All ASCII digits and separators: one copy, not a push per char.
    out.push_str(std::str::from_utf8(text).unwrap_or_default());
    out.push('Z');
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

    /// The fast path agrees with chrono wherever it answers, and leaves
    /// the rest to it.
    #[test]
    fn fast_iso_equals_chrono() {
        let cases = [
            "2024-03-04T10:15:02Z",
            "2024-03-04T10:15:02.444113Z",
            "2024-03-04 10:15:02.4",
            "2024-03-04 10:15:02Z",
            "2024-03-04t10:15:02",
            "2024-03-04T10:15:02",
            "2024-03-04t10:15:02.99z",
            "2024-03-04T10:15:02.123456789Z",
            "2024-02-29T23:59:59.999Z",
            "2023-02-29T00:00:00Z",
            "1900-03-01T00:00:00Z",
            "1969-12-31T23:59:59.999Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "2000-02-29 12:00:00",
            "2100-02-29T00:00:00Z",
            "2024-13-01T00:00:00Z",
            "2024-04-31T00:00:00Z",
            "2024-01-01T24:00:00Z",
            "2024-01-01T23:60:00Z",
            "2016-12-31T23:59:60Z",
            "2024-01-01T00:00:00.Z",
            "2024-01-01T00:00:00.1234567891Z",
            "2024-01-01T00:00:00+01:00",
            "2024-01-01T00:00:00ZZ",
            "2024-01-01X00:00:00Z",
            "2024-1-01T00:00:00Z",
            "+024-01-01T00:00:00Z",
            "2024-01-01T00:00:0٣Z",
        ];
        for c in cases {
            let fast = iso_utc_ms(c.as_bytes());
            if let Some(ms) = fast {
                assert_eq!(Some(ms), parse_general(c), "{c}");
            }
            assert_eq!(parse_time_ms(c), fast.or_else(|| parse_general(c)), "{c}");
        }
        assert_eq!(
            iso_utc_ms(b"2024-03-04T10:15:02.444113Z"),
            Some(1_709_547_302_444)
        );
        assert_eq!(
            iso_utc_ms(b"2016-12-31T23:59:60Z"),
            None,
            "leap seconds go to chrono"
        );
        assert_eq!(iso_utc_ms(b"2023-02-29T00:00:00Z"), None);
        // Every day of four years, at a varying time of day.
        let start = parse_general("1999-12-25T00:00:00Z").unwrap();
        for d in 0..(4 * 366) {
            let ms = start + d * 86_400_000 + (d * 7_919_321) % 86_400_000;
            let text = format_time_ms(ms);
            assert_eq!(iso_utc_ms(text.as_bytes()), Some(ms), "{text}");
            assert_eq!(parse_general(&text), Some(ms), "{text}");
        }
    }

    /// The direct writer prints what chrono prints.
    #[test]
    fn fast_format_equals_chrono() {
        let mut ms = -62_167_219_200_000; // 0000-01-01
        while ms < 253_402_300_800_000 {
            let mut out = String::new();
            write_time_ms(&mut out, ms);
            assert_eq!(out, format_time_ms(ms), "{ms}");
            ms += 7_654_321_987 + ms.rem_euclid(1000);
        }
        for ms in [
            0,
            -1,
            1,
            999,
            1_709_547_302_444,
            951_782_400_000,
            253_402_300_800_000,
        ] {
            let mut out = String::new();
            write_time_ms(&mut out, ms);
            assert_eq!(out, format_time_ms(ms), "{ms}");
        }
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
