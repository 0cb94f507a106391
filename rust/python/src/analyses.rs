//! The analyses as plain functions over Arrow: IoCs, decoding, sessions,
//! time series. Each reads its options as the core's serde type (JSON text
//! from Python), runs without the GIL and returns an Arrow batch with the
//! CLI's columns.

use huntkit_core::{
    decode_table as core_decode_table, decode_text as core_decode_text, decoded_frame,
    extract_table, kql_filter, parse_duration_ms, parse_session, score_session_list,
    sessionize as core_sessionize, sessions_frame, timeseries_table, DecodeOptions, Error,
    ErrorKind, Extractor, IocOptions, IocScanner, Session, SessionizeOptions, TimeseriesOptions,
};
use pyo3::prelude::*;
use serde::de::DeserializeOwned;

use crate::arrow_io::{batch_in, frame_batch, frame_out, table};
use crate::errors::{self, detached};
use crate::nested::{command_lists, lists_as_json};

/// Anomaly periods as `(start_ms, end_ms)` pairs.
type Periods = Vec<(i64, i64)>;

/// Reads `json` as the core's options type `T` (unknown fields refused).
pub(crate) fn options<T: DeserializeOwned>(json: &str) -> PyResult<T> {
    serde_json::from_str(json).map_err(errors::options)
}

/// Distinct IoCs of `text` (`IoCType, Observable, Refanged, Count,
/// FirstOffset`), scanned line by line as the CLI streams a file.
#[pyfunction]
pub(crate) fn ioc_text(py: Python<'_>, text: String, options_json: &str) -> PyResult<Py<PyAny>> {
    let opts: IocOptions = options(options_json)?;
    let batch = detached(py, move || {
        let mut scanner = IocScanner::new(Extractor::new(&opts, false).map_err(errors::core)?);
        scanner.push(&text);
        frame_batch(scanner.finish().frame())
    })?;
    frame_out(py, batch)
}

/// IoCs of a table's columns, one row per (row, column, IoC):
/// `IoCType, Observable, SourceIndex, Input, Refanged`.
#[pyfunction]
pub(crate) fn ioc_table(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    options_json: &str,
) -> PyResult<Py<PyAny>> {
    let opts: IocOptions = options(options_json)?;
    let input = batch_in(data)?;
    let batch = detached(py, move || {
        frame_batch(extract_table(&table(&input), &opts).map_err(errors::core)?)
    })?;
    frame_out(py, batch)
}

/// Decoded payloads of `text` (MSTICPy's `unpack` columns plus depth,
/// parent and span), the annotated text and the warnings (limits hit).
#[pyfunction]
pub(crate) fn decode_text(
    py: Python<'_>,
    text: String,
    options_json: &str,
) -> PyResult<(Py<PyAny>, String, Vec<String>)> {
    let opts: DecodeOptions = options(options_json)?;
    let (batch, annotated, warnings) = detached(py, move || {
        opts.validate().map_err(errors::core)?;
        let result = core_decode_text(&text, &opts);
        Ok((
            frame_batch(decoded_frame(&result.rows))?,
            result.annotated,
            result.warnings,
        ))
    })?;
    Ok((frame_out(py, batch)?, annotated, warnings))
}

/// Decoded payloads of a table's columns (MSTICPy's `unpack_df` columns)
/// and the warnings.
#[pyfunction]
#[pyo3(signature = (data, columns, options_json))]
pub(crate) fn decode_table(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    columns: Option<Vec<String>>,
    options_json: &str,
) -> PyResult<(Py<PyAny>, Vec<String>)> {
    let opts: DecodeOptions = options(options_json)?;
    let input = batch_in(data)?;
    let (batch, warnings) = detached(py, move || {
        let result =
            core_decode_table(&table(&input), columns.as_deref(), &opts).map_err(errors::core)?;
        Ok((frame_batch(result.frame)?, result.warnings))
    })?;
    Ok((frame_out(py, batch)?, warnings))
}

/// Events cut into sessions (MSTICPy's `sessionize_data` columns).
#[pyfunction]
pub(crate) fn sessionize(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    options_json: &str,
) -> PyResult<Py<PyAny>> {
    let opts: SessionizeOptions = options(options_json)?;
    let input = batch_in(data)?;
    let batch = detached(py, move || {
        let sessions = core_sessionize(&table(&input), &opts).map_err(errors::core)?;
        frame_batch(sessions_frame(&sessions, &opts))
    })?;
    frame_out(py, batch)
}

/// The model's scores of each session in `session_column` (cells: lists
/// of command names, or JSON lists of commands as the CLI reads them):
/// only the score columns `rarest_window<n>_likelihood, rarest_window<n>,
/// likelihood, geomean_likelihood`, which Python appends to the caller's
/// frame (its own columns keep their types).
#[pyfunction]
pub(crate) fn score_sessions(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    session_column: String,
    window_length: usize,
) -> PyResult<Py<PyAny>> {
    let input = batch_in(data)?;
    let batch = detached(py, move || {
        let t = table(&input);
        let col = t.column_index(&session_column).map_err(errors::core)?;
        let array = t.column(col).array();
        // Lists of names (pandas lists of str, polars List[str]) become
        // sessions directly; anything else is read as JSON text.
        let sessions: Vec<Session> = match command_lists(array) {
            Some(sessions) => sessions,
            None => {
                let cells = lists_as_json(array).map(huntkit_core::Column::from);
                let cells = cells.as_ref().unwrap_or(t.column(col));
                (0..cells.len())
                    .map(|row| parse_session(cells.get(row).unwrap_or("[]"), &session_column, row))
                    .collect::<huntkit_core::Result<_>>()
                    .map_err(errors::core)?
            }
        };
        frame_batch(score_session_list(&sessions, window_length).map_err(errors::core)?)
    })?;
    frame_out(py, batch)
}

/// STL anomalies of a series or of events per bin: the scored frame
/// (`<time>, <value>, residual, trend, seasonal, weights, baseline, score,
/// anomalies`), the anomaly periods in ms and their KQL filter.
#[pyfunction]
pub(crate) fn timeseries(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    options_json: &str,
) -> PyResult<(Py<PyAny>, Periods, String)> {
    let opts: TimeseriesOptions = options(options_json)?;
    let input = batch_in(data)?;
    let (batch, periods, kql) = detached(py, move || {
        let result = timeseries_table(&table(&input), &opts).map_err(errors::core)?;
        let periods = result
            .periods
            .iter()
            .map(|p| (p.start_ms, p.end_ms))
            .collect();
        Ok((frame_batch(result.frame)?, periods, result.kql))
    })?;
    Ok((frame_out(py, batch)?, periods, kql))
}

/// Anomaly periods of an already scored series (MSTICPy's
/// `extract_anomaly_periods`): each flagged time widened by `period`,
/// neighbours within two periods merged. Rows are sorted by time first;
/// rows without a time or flag are skipped. Returns the periods in ms and
/// their KQL filter.
#[pyfunction]
pub(crate) fn anomaly_periods(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    time_column: String,
    anomalies_column: String,
    period: String,
    pos_only: bool,
) -> PyResult<(Periods, String)> {
    let input = batch_in(data)?;
    detached(py, move || {
        let period_ms = parse_duration_ms(&period).ok_or_else(|| {
            errors::core(Error::new(ErrorKind::InvalidOption {
                name: "period".into(),
                message: format!("{period:?} is not a duration (try 1h, 15min, 1d)"),
            }))
        })?;
        let t = table(&input);
        let time = t.column(t.column_index(&time_column).map_err(errors::core)?);
        let flags = t.column(t.column_index(&anomalies_column).map_err(errors::core)?);
        let mut points: Vec<(i64, i8)> = (0..t.rows())
            .filter_map(|row| {
                let flag = flags.integer(row)?.clamp(-1, 1) as i8;
                Some((time.time_ms(row)?, flag))
            })
            .collect();
        points.sort_by_key(|p| p.0);
        let (times, flags): (Vec<i64>, Vec<i8>) = points.into_iter().unzip();
        let periods = huntkit_core::anomaly_periods(&times, &flags, period_ms, pos_only);
        let kql = kql_filter(&periods, &time_column);
        Ok((
            periods.iter().map(|p| (p.start_ms, p.end_ms)).collect(),
            kql,
        ))
    })
}
