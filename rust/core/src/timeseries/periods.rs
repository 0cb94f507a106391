//! From flagged points to time windows to look at, and the KQL clause that
//! selects them (MSTICPy's `extract_anomaly_periods` and
//! `create_time_period_kqlfilter`).

use serde::Serialize;

use crate::table::format_time_ms;

/// A window around one or more anomalies, in milliseconds since the epoch (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// One period before the first anomaly.
    pub start_ms: i64,
    /// One period after the last anomaly.
    pub end_ms: i64,
}

/// Windows around anomalous points: each flagged time widened by `period_ms`
/// on both sides, and merged with the previous window when it is at most two
/// periods after the previous flagged time. `times_ms` must be sorted;
/// `pos_only` keeps only high anomalies (flag 1).
pub fn anomaly_periods(
    times_ms: &[i64],
    flags: &[i8],
    period_ms: i64,
    pos_only: bool,
) -> Vec<Period> {
    let mut out: Vec<Period> = Vec::new();
    let mut last: Option<i64> = None;
    for (&t, &f) in times_ms.iter().zip(flags) {
        if f == 0 || (pos_only && f < 0) {
            continue;
        }
        match (last, out.last_mut()) {
            (Some(prev), Some(p)) if t - prev <= 2 * period_ms => p.end_ms = t + period_ms,
            _ => out.push(Period {
                start_ms: t - period_ms,
                end_ms: t + period_ms,
            }),
        }
        last = Some(t);
    }
    out
}

/// `| where TimeGenerated between (datetime(…) .. datetime(…)) or …` for
/// `periods`; an empty string when there are none (nothing to filter on).
pub fn kql_filter(periods: &[Period], time_column: &str) -> String {
    if periods.is_empty() {
        return String::new();
    }
    let clauses: Vec<String> = periods
        .iter()
        .map(|p| {
            format!(
                "{time_column} between (datetime({}) .. datetime({}))",
                format_time_ms(p.start_ms),
                format_time_ms(p.end_ms)
            )
        })
        .collect();
    format!("| where {}", clauses.join(" or "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    #[test]
    fn merges_anomalies_up_to_two_periods_apart() {
        let times: Vec<i64> = (0..12).map(|i| i * H).collect();
        let flags = [0, 1, 0, 1, 0, 0, 0, 0, -1, 0, 0, 1];
        let p = anomaly_periods(&times, &flags, H, true);
        assert_eq!(
            p,
            [
                Period {
                    start_ms: 0,
                    end_ms: 4 * H
                },
                Period {
                    start_ms: 10 * H,
                    end_ms: 12 * H
                }
            ]
        );
        let p = anomaly_periods(&times, &flags, H, false);
        assert_eq!(p.len(), 3);
        assert_eq!(
            p[1],
            Period {
                start_ms: 7 * H,
                end_ms: 9 * H
            }
        );
    }

    #[test]
    fn kql() {
        let p = [Period {
            start_ms: 1_709_542_800_000,
            end_ms: 1_709_550_000_000,
        }];
        assert_eq!(
            kql_filter(&p, "TimeGenerated"),
            "| where TimeGenerated between (datetime(2024-03-04T09:00:00Z) .. datetime(2024-03-04T11:00:00Z))"
        );
        assert_eq!(kql_filter(&[], "TimeGenerated"), "");
    }
}
