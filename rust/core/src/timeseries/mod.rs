//! Time-series anomalies: STL decomposition (through `stlrs`) with
//! statsmodels' defaults, residual z-scores, and the periods and KQL filters
//! a hunter turns them into.
//!
//! - [`decompose`] / [`StlOptions`]: the decomposition, every parameter set
//!   explicitly so results equal statsmodels' `STL` on the same series.
//! - [`anomalies`] / [`AnomalyOptions`]: MSTICPy's `ts_anomalies_stl` output
//!   columns, in a precise default mode or a `msticpy_compatible` one.
//! - [`anomaly_periods`], [`kql_filter`], [`apply_threshold`]: what to query
//!   next.
//! - [`timeseries_table`] / [`TimeseriesOptions`]: all of it over a table.
//! - [`series_from_table`] / [`anomalies_frame`]: tables in and out (events
//!   counted per bin, gaps filled with 0).

mod anomalies;
mod periods;
mod series;
mod stl;
mod table;

pub use anomalies::{anomalies, apply_threshold, AnomalyOptions, AnomalyRow};
pub use periods::{anomaly_periods, kql_filter, Period};
pub use series::{anomalies_frame, series_from_table, Series};
pub use stl::{decompose, decompose_multi, Decomposition, StlOptions};
pub use table::{timeseries_table, TimeseriesOptions, TimeseriesResult};
