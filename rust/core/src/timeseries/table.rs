//! The whole analysis over a table, with one flat options object that the
//! CLI's flags and the wasm facade's JS object both map onto.

use serde::{Deserialize, Serialize};

use super::anomalies::AnomalyOptions;
use super::periods::{anomaly_periods, kql_filter, Period};
use super::series::{anomalies_frame, series_from_table};
use super::stl::StlOptions;
use crate::error::{Error, Result};
use crate::table::{parse_duration_ms, Frame, Table};

/// Time-series anomaly options, named like MSTICPy's parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TimeseriesOptions {
    /// The time column.
    pub time_column: String,
    /// The value column, summed per bin; `None`: rows are events, counted.
    pub value_column: Option<String>,
    /// Bin size (`1h`, `15min`, `1d`); gaps are filled with 0.
    pub bin: String,
    /// Bins per seasonal cycle.
    pub period: usize,
    /// Seasonal smoother length (odd).
    pub seasonal: usize,
    /// Robust STL.
    pub robust: bool,
    /// |z| above which a point is an anomaly.
    pub score_threshold: f64,
    /// Reproduce MSTICPy's `ts_anomalies_stl` exactly.
    pub msticpy_compatible: bool,
    /// Periods and KQL include low anomalies too (MSTICPy: `pos_only=False`).
    pub include_negative: bool,
}

impl Default for TimeseriesOptions {
    fn default() -> Self {
        let stl = StlOptions::default();
        TimeseriesOptions {
            time_column: "TimeGenerated".to_string(),
            value_column: None,
            bin: "1h".to_string(),
            period: stl.period,
            seasonal: stl.seasonal,
            robust: false,
            score_threshold: AnomalyOptions::default().score_threshold,
            msticpy_compatible: false,
            include_negative: false,
        }
    }
}

/// The scored series, its anomaly periods and their KQL filter.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeseriesResult {
    /// `<time>, <value>, residual, trend, seasonal, weights, baseline, score, anomalies`.
    pub frame: Frame,
    /// Windows around the anomalies.
    pub periods: Vec<Period>,
    /// `| where <time> between (…) or …`, empty when there are no periods.
    pub kql: String,
}

/// Bins `table`, decomposes, scores, and derives periods and KQL.
pub fn timeseries_table(table: &Table, options: &TimeseriesOptions) -> Result<TimeseriesResult> {
    let bin_ms = parse_duration_ms(&options.bin).ok_or_else(|| {
        Error::option(
            "bin",
            format!("{:?} is not a duration (try 1h, 15min, 1d)", options.bin),
        )
    })?;
    let anomaly = AnomalyOptions {
        stl: StlOptions {
            period: options.period,
            seasonal: options.seasonal,
            robust: options.robust,
            ..StlOptions::default()
        },
        score_threshold: options.score_threshold,
        msticpy_compatible: options.msticpy_compatible,
    };
    let value = options.value_column.as_deref();
    let series = series_from_table(table, &options.time_column, value, bin_ms)?;
    let value_name = value.unwrap_or("Total");
    let (frame, rows) = anomalies_frame(&series, &options.time_column, value_name, &anomaly)?;
    let flags: Vec<i8> = rows.iter().map(|r| r.anomalies).collect();
    let periods = anomaly_periods(&series.times_ms, &flags, bin_ms, !options.include_negative);
    let kql = kql_filter(&periods, &options.time_column);
    Ok(TimeseriesResult {
        frame,
        periods,
        kql,
    })
}
