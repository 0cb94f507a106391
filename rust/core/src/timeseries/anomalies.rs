//! Residual z-scores and anomaly flags, with MSTICPy's output columns.

use serde::{Deserialize, Serialize};

use super::stl::{decompose, Decomposition, StlOptions};
use crate::error::{Error, Result};

/// How anomalies are scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnomalyOptions {
    /// The decomposition.
    pub stl: StlOptions,
    /// |z| above this is an anomaly (MSTICPy: z above it).
    pub score_threshold: f64,
    /// Reproduce MSTICPy's `ts_anomalies_stl` exactly: components truncated
    /// to integers before the z-score, only high scores flagged, the sign
    /// taken from the seasonal component. Off by default, because the
    /// truncation loses precision on small counts and low outliers (a
    /// logon count dropping to 0) are missed.
    pub msticpy_compatible: bool,
}

impl Default for AnomalyOptions {
    fn default() -> Self {
        AnomalyOptions {
            stl: StlOptions::default(),
            score_threshold: 3.0,
            msticpy_compatible: false,
        }
    }
}

/// One point of the output (`residual, trend, seasonal, weights, baseline,
/// score, anomalies`, MSTICPy's columns; time and value stay with the caller).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AnomalyRow {
    /// What the model did not explain.
    pub residual: f64,
    /// The long-run level.
    pub trend: f64,
    /// The cycle.
    pub seasonal: f64,
    /// Robustness weight.
    pub weights: f64,
    /// What was expected: `seasonal + trend`.
    pub baseline: f64,
    /// z-score of the residual (population standard deviation).
    pub score: f64,
    /// 1 above the baseline, −1 below, 0 normal.
    pub anomalies: i8,
}

/// Decomposes `values` and scores every point.
pub fn anomalies(values: &[f64], options: &AnomalyOptions) -> Result<Vec<AnomalyRow>> {
    if !options.score_threshold.is_finite() || options.score_threshold <= 0.0 {
        return Err(Error::option(
            "score_threshold",
            format!("must be a positive number, got {}", options.score_threshold),
        ));
    }
    let d = decompose(values, &options.stl)?;
    Ok(score(&d, options))
}

fn score(d: &Decomposition, options: &AnomalyOptions) -> Vec<AnomalyRow> {
    // MSTICPy runs `.astype("int64")` over the whole frame before scoring.
    let cast = |v: f64| {
        if options.msticpy_compatible {
            v.trunc()
        } else {
            v
        }
    };
    let residual: Vec<f64> = d.residual.iter().map(|&r| cast(r)).collect();
    let z = zscores(&residual);
    (0..residual.len())
        .map(|i| {
            let (trend, seasonal) = (cast(d.trend[i]), cast(d.seasonal[i]));
            let t = options.score_threshold;
            let anomalies = if options.msticpy_compatible {
                match (z[i] > t, seasonal) {
                    (true, s) if s > 0.0 => 1,
                    (true, s) if s < 0.0 => -1,
                    _ => 0,
                }
            } else if z[i] > t {
                1
            } else if z[i] < -t {
                -1
            } else {
                0
            };
            AnomalyRow {
                residual: residual[i],
                trend,
                seasonal,
                weights: cast(d.weights[i]),
                baseline: if options.msticpy_compatible {
                    (d.seasonal[i] + d.trend[i]).trunc()
                } else {
                    seasonal + trend
                },
                score: z[i],
                anomalies,
            }
        })
        .collect()
}

/// z-scores with ddof 0, as `scipy.stats.zscore`; all 0 for a constant series.
fn zscores(values: &[f64]) -> Vec<f64> {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let sd = (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    values
        .iter()
        .map(|v| if sd > 0.0 { (v - mean) / sd } else { 0.0 })
        .collect()
}

/// Re-flags scored rows with another threshold, and optionally a separate
/// one for low outliers (MSTICPy's `set_new_anomaly_threshold`: `score >=
/// threshold` → 1, `score <= -threshold_low` → −1).
pub fn apply_threshold(rows: &mut [AnomalyRow], threshold: f64, threshold_low: Option<f64>) {
    let low = threshold_low.unwrap_or(threshold);
    for r in rows {
        r.anomalies = if r.score >= threshold {
            1
        } else if r.score <= -low {
            -1
        } else {
            0
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series_with_spike() -> Vec<f64> {
        (0..24 * 14)
            .map(|i| {
                let base = 10.0 + 5.0 * ((i % 24) as f64 / 24.0 * std::f64::consts::TAU).sin();
                if i == 200 {
                    base + 60.0
                } else if i == 250 {
                    base - 40.0
                } else {
                    base
                }
            })
            .collect()
    }

    #[test]
    fn finds_high_and_low_outliers() {
        let rows = anomalies(&series_with_spike(), &AnomalyOptions::default()).unwrap();
        assert_eq!(rows[200].anomalies, 1);
        assert_eq!(rows[250].anomalies, -1);
        // STL spreads a spike a little (neighbours, the same hour on nearby
        // days), but the extremes are the spike and the dip.
        let by_score = |a: &&AnomalyRow, b: &&AnomalyRow| a.score.total_cmp(&b.score);
        assert_eq!(rows.iter().max_by(by_score).unwrap(), &rows[200]);
        assert_eq!(rows.iter().min_by(by_score).unwrap(), &rows[250]);
        for r in &rows {
            assert!((r.baseline - r.trend - r.seasonal).abs() < 1e-12);
        }
    }

    #[test]
    fn msticpy_mode_flags_only_high_scores() {
        let opts = AnomalyOptions {
            msticpy_compatible: true,
            ..AnomalyOptions::default()
        };
        let rows = anomalies(&series_with_spike(), &opts).unwrap();
        assert_ne!(rows[200].anomalies, 0);
        assert_eq!(rows[250].anomalies, 0);
        assert!(rows
            .iter()
            .all(|r| r.residual.fract() == 0.0 && r.trend.fract() == 0.0));
    }

    #[test]
    fn thresholds() {
        let mut rows = anomalies(&series_with_spike(), &AnomalyOptions::default()).unwrap();
        apply_threshold(&mut rows, 100.0, Some(1.0));
        assert_eq!(rows[200].anomalies, 0);
        assert_eq!(rows[250].anomalies, -1);
        let bad = AnomalyOptions {
            score_threshold: -1.0,
            ..AnomalyOptions::default()
        };
        assert!(anomalies(&series_with_spike(), &bad).is_err());
        assert_eq!(zscores(&[2.0, 2.0]), [0.0, 0.0]);
    }
}
