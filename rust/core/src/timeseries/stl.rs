//! STL with statsmodels' parameters.
//!
//! `stlrs` has its own defaults (seasonal degree 0, jumps of a tenth of the
//! window, inner 2); statsmodels' differ, and users compare with statsmodels.
//! So every parameter is resolved here, statsmodels' way, and passed on.

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// STL parameters, named and defaulted as statsmodels' `STL`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StlOptions {
    /// Observations per seasonal cycle (24 for hourly data with a daily cycle).
    pub period: usize,
    /// Length of the seasonal smoother (odd, ≥ 3).
    pub seasonal: usize,
    /// Length of the trend smoother; `None`: the smallest odd integer
    /// greater than `1.5 · period / (1 − 1.5 / seasonal)`.
    pub trend: Option<usize>,
    /// Length of the low-pass filter; `None`: the smallest odd integer > period.
    pub low_pass: Option<usize>,
    /// Degrees of the seasonal, trend and low-pass LOESS (0 or 1).
    pub seasonal_deg: i32,
    /// See `seasonal_deg`.
    pub trend_deg: i32,
    /// See `seasonal_deg`.
    pub low_pass_deg: i32,
    /// LOESS evaluation steps (1: at every point).
    pub seasonal_jump: usize,
    /// See `seasonal_jump`.
    pub trend_jump: usize,
    /// See `seasonal_jump`.
    pub low_pass_jump: usize,
    /// Down-weight outliers (statsmodels: inner 2, outer 15 instead of 5, 0).
    pub robust: bool,
}

impl Default for StlOptions {
    fn default() -> Self {
        StlOptions {
            period: 24,
            seasonal: 7,
            trend: None,
            low_pass: None,
            seasonal_deg: 1,
            trend_deg: 1,
            low_pass_deg: 1,
            seasonal_jump: 1,
            trend_jump: 1,
            low_pass_jump: 1,
            robust: false,
        }
    }
}

impl StlOptions {
    /// The trend window statsmodels uses when none is given.
    pub fn resolved_trend(&self) -> usize {
        self.trend.unwrap_or_else(|| {
            let t = (1.5 * self.period as f64 / (1.0 - 1.5 / self.seasonal as f64)).ceil() as usize;
            t + (1 - t % 2)
        })
    }

    /// The low-pass window statsmodels uses when none is given.
    pub fn resolved_low_pass(&self) -> usize {
        self.low_pass.unwrap_or_else(|| {
            let l = self.period + 1;
            l + (1 - l % 2)
        })
    }

    fn check(&self, n: usize) -> Result<()> {
        let odd = |name: &str, v: usize| {
            if v < 3 || v % 2 == 0 {
                Err(Error::option(
                    name,
                    format!("must be an odd integer >= 3, got {v}"),
                ))
            } else {
                Ok(())
            }
        };
        if self.period < 2 {
            return Err(Error::option(
                "period",
                format!("must be at least 2, got {}", self.period),
            ));
        }
        odd("seasonal", self.seasonal)?;
        odd("trend", self.resolved_trend())?;
        odd("low_pass", self.resolved_low_pass())?;
        for (name, d) in [
            ("seasonal_deg", self.seasonal_deg),
            ("trend_deg", self.trend_deg),
            ("low_pass_deg", self.low_pass_deg),
        ] {
            if !(0..=1).contains(&d) {
                return Err(Error::option(name, format!("must be 0 or 1, got {d}")));
            }
        }
        for (name, j) in [
            ("seasonal_jump", self.seasonal_jump),
            ("trend_jump", self.trend_jump),
            ("low_pass_jump", self.low_pass_jump),
        ] {
            if j == 0 {
                return Err(Error::option(name, "must be at least 1"));
            }
        }
        if n < 2 * self.period {
            return Err(Error::option(
                "period",
                format!(
                    "the series has {n} points, fewer than two periods of {}",
                    self.period
                ),
            ));
        }
        Ok(())
    }

    fn params(&self) -> stlrs::StlParams {
        let mut p = stlrs::params();
        p.seasonal_length(self.seasonal)
            .trend_length(self.resolved_trend())
            .low_pass_length(self.resolved_low_pass())
            .seasonal_degree(self.seasonal_deg)
            .trend_degree(self.trend_deg)
            .low_pass_degree(self.low_pass_deg)
            .seasonal_jump(self.seasonal_jump)
            .trend_jump(self.trend_jump)
            .low_pass_jump(self.low_pass_jump)
            .inner_loops(if self.robust { 2 } else { 5 })
            .outer_loops(if self.robust { 15 } else { 0 })
            .robust(self.robust);
        p
    }
}

/// The components of a series; `observed = trend + seasonal + residual`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decomposition {
    /// The long-run level.
    pub trend: Vec<f64>,
    /// The repeating cycle (the sum of all cycles for MSTL).
    pub seasonal: Vec<f64>,
    /// What is left: where anomalies show.
    pub residual: Vec<f64>,
    /// Robustness weights (all 1 when not robust).
    pub weights: Vec<f64>,
}

fn finite(values: &[f64]) -> Result<()> {
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(Error::option(
            "values",
            format!("value {i} is {} (fill gaps before decomposing)", values[i]),
        )),
        None => Ok(()),
    }
}

/// Decomposes `values` (evenly spaced, no gaps) with STL.
pub fn decompose(values: &[f64], options: &StlOptions) -> Result<Decomposition> {
    options.check(values.len())?;
    finite(values)?;
    let fit = options
        .params()
        .fit(values, options.period)
        .map_err(|e| Error::option("stl", e.to_string()))?;
    let (seasonal, trend, residual, weights) = fit.into_parts();
    Ok(Decomposition {
        trend,
        seasonal,
        residual,
        weights,
    })
}

/// Decomposes with several seasonal periods at once (MSTL, e.g. daily and
/// weekly cycles in hourly data); the seasonal column is their sum.
pub fn decompose_multi(
    values: &[f64],
    periods: &[usize],
    options: &StlOptions,
) -> Result<Decomposition> {
    let Some(&longest) = periods.iter().max() else {
        return Err(Error::option("periods", "give at least one period"));
    };
    // Each period must be valid, and the series two of the longest long.
    for &period in periods {
        StlOptions {
            period,
            ..options.clone()
        }
        .check(values.len().max(2 * period))?;
    }
    StlOptions {
        period: longest,
        ..options.clone()
    }
    .check(values.len())?;
    finite(values)?;
    let fit = stlrs::MstlParams::new()
        .stl_params(options.params())
        .fit(values, periods)
        .map_err(|e| Error::option("mstl", e.to_string()))?;
    let (seasonals, trend, residual) = fit.into_parts();
    let seasonal = (0..values.len())
        .map(|i| seasonals.iter().map(|s| s[i]).sum())
        .collect();
    Ok(Decomposition {
        trend,
        seasonal,
        residual,
        weights: vec![1.0; values.len()],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statsmodels_default_windows() {
        let o = StlOptions::default();
        assert_eq!((o.resolved_trend(), o.resolved_low_pass()), (47, 25));
        let o = StlOptions {
            period: 7,
            ..StlOptions::default()
        };
        assert_eq!(o.resolved_low_pass(), 9);
    }

    #[test]
    fn mstl_separates_two_cycles() {
        let y: Vec<f64> = (0..24 * 7 * 3)
            .map(|i| {
                let day = ((i % 24) as f64 / 24.0 * std::f64::consts::TAU).sin();
                let week = if (i / 24) % 7 >= 5 { -5.0 } else { 1.0 };
                20.0 + 3.0 * day + week
            })
            .collect();
        let d = decompose_multi(&y, &[24, 168], &StlOptions::default()).unwrap();
        for (i, v) in y.iter().enumerate() {
            assert!((d.trend[i] + d.seasonal[i] + d.residual[i] - v).abs() < 1e-9);
        }
        let rms = (d.residual.iter().map(|r| r * r).sum::<f64>() / y.len() as f64).sqrt();
        assert!(rms < 1.0, "residual rms {rms}");
        assert!(decompose_multi(&y, &[24, 1000], &StlOptions::default()).is_err());
        assert!(decompose_multi(&y, &[], &StlOptions::default()).is_err());
    }

    #[test]
    fn components_add_up_and_bad_input_is_refused() {
        let y: Vec<f64> = (0..96).map(|i| (i % 24) as f64 + i as f64 * 0.1).collect();
        let d = decompose(&y, &StlOptions::default()).unwrap();
        for (i, v) in y.iter().enumerate() {
            assert!((d.trend[i] + d.seasonal[i] + d.residual[i] - v).abs() < 1e-9);
        }
        assert_eq!(
            decompose(&y[..30], &StlOptions::default())
                .unwrap_err()
                .kind_name(),
            "invalid_option"
        );
        let mut nan = y.clone();
        nan[3] = f64::NAN;
        assert!(decompose(&nan, &StlOptions::default())
            .unwrap_err()
            .to_string()
            .contains("value 3"));
        let even = StlOptions {
            seasonal: 8,
            ..StlOptions::default()
        };
        assert!(decompose(&y, &even)
            .unwrap_err()
            .to_string()
            .contains("seasonal"));
    }
}
