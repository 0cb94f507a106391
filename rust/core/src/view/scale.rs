//! Scales and ticks: data values to pixels, and the labelled positions an
//! axis shows. Time ticks fall on calendar-friendly steps (1 s, 5 min, 1 h,
//! 1 day…) so a zoomed axis reads like a clock, not like epoch numbers.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use serde::Serialize;

/// A linear map from a data interval to a pixel interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinearScale {
    d0: f64,
    d1: f64,
    r0: f64,
    r1: f64,
}

impl LinearScale {
    /// Maps `[d0, d1]` onto `[r0, r1]`. An empty domain is widened by one
    /// unit each side so a single value still has a place.
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> LinearScale {
        let (d0, d1) = if d1 > d0 {
            (d0, d1)
        } else {
            (d0 - 1.0, d0 + 1.0)
        };
        LinearScale { d0, d1, r0, r1 }
    }

    /// The pixel of a value.
    pub fn map(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }

    /// The value at a pixel.
    pub fn invert(&self, px: f64) -> f64 {
        self.d0 + (px - self.r0) / (self.r1 - self.r0) * (self.d1 - self.d0)
    }

    /// The data domain.
    pub fn domain(&self) -> (f64, f64) {
        (self.d0, self.d1)
    }
}

/// One labelled axis position.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Tick {
    /// Position in pixels along the axis.
    pub px: f64,
    /// The value there (milliseconds for time axes).
    pub value: f64,
    /// The label to draw.
    pub label: String,
}

const SECOND: f64 = 1e3;
const MINUTE: f64 = 60e3;
const HOUR: f64 = 3_600e3;
const DAY: f64 = 86_400e3;

/// Fixed steps, smallest first; months and years are handled apart since
/// they are not a fixed number of milliseconds.
const TIME_STEPS: [f64; 24] = [
    1.0,
    2.0,
    5.0,
    10.0,
    20.0,
    50.0,
    100.0,
    200.0,
    500.0,
    SECOND,
    2.0 * SECOND,
    5.0 * SECOND,
    10.0 * SECOND,
    15.0 * SECOND,
    30.0 * SECOND,
    MINUTE,
    5.0 * MINUTE,
    15.0 * MINUTE,
    30.0 * MINUTE,
    HOUR,
    3.0 * HOUR,
    6.0 * HOUR,
    12.0 * HOUR,
    DAY,
];

/// Time ticks for `scale` (milliseconds, UTC), about `count` of them.
pub fn time_ticks(scale: &LinearScale, count: usize) -> Vec<Tick> {
    let (d0, d1) = scale.domain();
    let span = d1 - d0;
    let target = span / count.max(1) as f64;
    let tick = |v: f64, fmt: &str| Tick {
        px: scale.map(v),
        value: v,
        label: DateTime::<Utc>::from_timestamp_millis(v as i64)
            .map(|t| t.format(fmt).to_string())
            .unwrap_or_default(),
    };
    if let Some(&step) = TIME_STEPS.iter().find(|&&s| s >= target) {
        let fmt = if step >= DAY {
            "%Y-%m-%d"
        } else if step >= MINUTE {
            "%m-%d %H:%M"
        } else if step >= SECOND {
            "%H:%M:%S"
        } else {
            "%H:%M:%S%.3f"
        };
        let first = (d0 / step).ceil() * step;
        return (0..)
            .map(|i| first + i as f64 * step)
            .take_while(|&v| v <= d1)
            .take(1000)
            .map(|v| tick(v, fmt))
            .collect();
    }
    // Days to months to years: step through calendar months.
    let months_target = target / (30.0 * DAY);
    let step_months = [1, 2, 3, 6, 12, 24, 60, 120, 600]
        .into_iter()
        .find(|&m| m as f64 >= months_target)
        .unwrap_or(1200);
    let fmt = if step_months >= 12 { "%Y" } else { "%Y-%m" };
    let Some(start) = DateTime::<Utc>::from_timestamp_millis(d0 as i64) else {
        return Vec::new();
    };
    let mut months = start.year() * 12 + start.month0() as i32;
    months = (months + step_months - 1).div_euclid(step_months) * step_months;
    let mut out = Vec::new();
    while out.len() < 1000 {
        let Some(t) = Utc
            .with_ymd_and_hms(
                months.div_euclid(12),
                (months.rem_euclid(12) + 1) as u32,
                1,
                0,
                0,
                0,
            )
            .single()
        else {
            break;
        };
        let v = t.timestamp_millis() as f64;
        if v > d1 {
            break;
        }
        if v >= d0 {
            out.push(tick(v, fmt));
        }
        months += step_months;
    }
    out
}

/// Number ticks on 1-2-5 steps, about `count` of them.
pub fn number_ticks(scale: &LinearScale, count: usize) -> Vec<Tick> {
    let (d0, d1) = scale.domain();
    let step = nice_step((d1 - d0) / count.max(1) as f64);
    let first = (d0 / step).ceil() * step;
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    (0..)
        .map(|i| first + i as f64 * step)
        .take_while(|&v| v <= d1 + step * 1e-9)
        .take(1000)
        .map(|v| Tick {
            px: scale.map(v),
            value: v,
            label: format!("{v:.decimals$}"),
        })
        .collect()
}

/// The 1, 2 or 5 × 10ⁿ at or above `raw`.
pub fn nice_step(raw: f64) -> f64 {
    if raw.is_nan() || raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let mag = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|&s| s >= raw * (1.0 - 1e-12))
        .unwrap_or(10.0 * mag)
}

/// Widens `[lo, hi]` outward to multiples of a nice step (axes start and end
/// on a tick); zero stays in a non-negative domain.
pub fn nice_domain(lo: f64, hi: f64, count: usize) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        return (0.0, 1.0);
    }
    if hi <= lo {
        return (lo - 1.0, lo + 1.0);
    }
    let step = nice_step((hi - lo) / count.max(1) as f64);
    ((lo / step).floor() * step, (hi / step).ceil() * step)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_is_monotonic_and_inverts() {
        let s = LinearScale::new(100.0, 200.0, 0.0, 500.0);
        let mut last = f64::NEG_INFINITY;
        for v in (100..=200).map(f64::from) {
            let px = s.map(v);
            assert!(px > last);
            last = px;
            assert!((s.invert(px) - v).abs() < 1e-9);
        }
        let flipped = LinearScale::new(0.0, 10.0, 300.0, 0.0);
        assert!(flipped.map(1.0) > flipped.map(2.0));
        let single = LinearScale::new(5.0, 5.0, 0.0, 10.0);
        assert_eq!(single.map(5.0), 5.0);
    }

    #[test]
    fn time_ticks_use_clock_steps() {
        let t0 = 1_700_000_000_000.0; // 2023-11-14T22:13:20Z
        let s = LinearScale::new(t0, t0 + 6.0 * HOUR, 0.0, 600.0);
        let ticks = time_ticks(&s, 6);
        assert!(ticks.len() >= 5 && ticks.len() <= 7, "{ticks:?}");
        for w in ticks.windows(2) {
            assert_eq!(w[1].value - w[0].value, HOUR);
            assert!(w[1].px > w[0].px);
        }
        assert!(ticks.iter().all(|t| t.value % HOUR == 0.0));
        assert_eq!(ticks[0].label, "11-14 23:00");
        let ms = time_ticks(&LinearScale::new(t0, t0 + 50.0, 0.0, 500.0), 5);
        assert_eq!(ms[1].value - ms[0].value, 10.0);
        assert!(ms[0].label.contains('.'));
    }

    #[test]
    fn long_spans_tick_on_months_and_years() {
        let t0 = 1_577_836_800_000.0; // 2020-01-01
        let s = LinearScale::new(t0, t0 + 3.0 * 365.0 * DAY, 0.0, 600.0);
        let ticks = time_ticks(&s, 12);
        assert!(!ticks.is_empty());
        assert!(ticks.iter().all(|t| t.label.len() == 7), "{ticks:?}");
        assert_eq!(ticks[0].label, "2020-01");
        let years = time_ticks(
            &LinearScale::new(t0, t0 + 40.0 * 365.0 * DAY, 0.0, 600.0),
            6,
        );
        assert!(years.iter().all(|t| t.label.len() == 4), "{years:?}");
    }

    #[test]
    fn number_ticks_are_nice() {
        let s = LinearScale::new(0.0, 97.0, 0.0, 100.0);
        let labels: Vec<_> = number_ticks(&s, 5).into_iter().map(|t| t.label).collect();
        assert_eq!(labels, ["0", "20", "40", "60", "80"]);
        assert_eq!(nice_step(0.03), 0.05);
        assert_eq!(nice_domain(3.0, 97.0, 5), (0.0, 100.0));
        let small = number_ticks(&LinearScale::new(0.0, 0.5, 0.0, 100.0), 5);
        assert_eq!(small[1].label, "0.1");
    }
}
