//! From a table to an evenly spaced series, and from scores back to a table.

use std::collections::BTreeMap;

use super::anomalies::{anomalies, AnomalyOptions, AnomalyRow};
use crate::error::{Error, Result};
use crate::table::{format_time_ms, Column, Frame, FrameColumn, Table};

/// An evenly spaced series: `times_ms[i]` is the start of bin `i`.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Bin starts, milliseconds since the epoch (UTC), ascending.
    pub times_ms: Vec<i64>,
    /// One value per bin.
    pub values: Vec<f64>,
}

/// Largest number of bins a series may have: a wrong bin size on a long
/// time range (1 s over a year) must be an error, not 31M empty bins.
const MAX_BINS: i64 = 10_000_000;

fn column(table: &Table, name: &str) -> Result<usize> {
    let names = table.names();
    names.iter().position(|n| n == name).ok_or_else(|| {
        Error::new(crate::ErrorKind::MissingColumn {
            column: name.to_string(),
            available: names.to_vec(),
        })
    })
}

/// Reads `time_column` (and `value_column`, summed per bin; without it each
/// row counts 1, as for raw events) into bins of `bin_ms`, filling gaps
/// with 0. Rows with an empty time are skipped; an unreadable time or value
/// is an error naming the row.
pub fn series_from_table(
    table: &Table,
    time_column: &str,
    value_column: Option<&str>,
    bin_ms: i64,
) -> Result<Series> {
    if bin_ms <= 0 {
        return Err(Error::option("bin", "must be a positive duration"));
    }
    let t = column(table, time_column)?;
    let v = value_column.map(|c| column(table, c)).transpose()?;
    let mut bins: BTreeMap<i64, f64> = BTreeMap::new();
    // Typed reads: an Arrow timestamp or number is read as it is, text is
    // parsed; a cell's text is only formatted for an error.
    let times = table.column(t);
    let values = v.map(|v| table.column(v));
    let text = |c: &Column, row| c.get(row).unwrap_or("").to_string();
    for row in 0..table.rows() {
        if times.is_blank(row) {
            continue;
        }
        let ms = times
            .time_ms(row)
            .ok_or_else(|| Error::bad_value(time_column, row, &text(times, row), "a time"))?;
        let value = match values {
            None => 1.0,
            Some(c) if c.is_blank(row) => continue,
            Some(c) => c.number(row).filter(|x| x.is_finite()).ok_or_else(|| {
                Error::bad_value(
                    value_column.unwrap_or(""),
                    row,
                    text(c, row).trim(),
                    "a number",
                )
            })?,
        };
        *bins.entry(ms.div_euclid(bin_ms) * bin_ms).or_default() += value;
    }
    let (Some((&first, _)), Some((&last, _))) = (bins.first_key_value(), bins.last_key_value())
    else {
        return Ok(Series {
            times_ms: vec![],
            values: vec![],
        });
    };
    let count = (last - first) / bin_ms + 1;
    if count > MAX_BINS {
        return Err(Error::option(
            "bin",
            format!("{count} bins between the first and last time; use a larger bin"),
        ));
    }
    let times_ms: Vec<i64> = (0..count).map(|i| first + i * bin_ms).collect();
    let values = times_ms
        .iter()
        .map(|t| bins.get(t).copied().unwrap_or(0.0))
        .collect();
    Ok(Series { times_ms, values })
}

/// Scores `series` and returns MSTICPy's columns: `<time>, <value>,
/// residual, trend, seasonal, weights, baseline, score, anomalies`.
pub fn anomalies_frame(
    series: &Series,
    time_name: &str,
    value_name: &str,
    options: &AnomalyOptions,
) -> Result<(Frame, Vec<AnomalyRow>)> {
    let rows = anomalies(&series.values, options)?;
    let float =
        |f: fn(&AnomalyRow) -> f64| FrameColumn::Float64(rows.iter().map(|r| Some(f(r))).collect());
    let frame = Frame::new(vec![
        (
            time_name,
            FrameColumn::Utf8(
                series
                    .times_ms
                    .iter()
                    .map(|&t| Some(format_time_ms(t)))
                    .collect(),
            ),
        ),
        (
            value_name,
            FrameColumn::Float64(series.values.iter().map(|&v| Some(v)).collect()),
        ),
        ("residual", float(|r| r.residual)),
        ("trend", float(|r| r.trend)),
        ("seasonal", float(|r| r.seasonal)),
        ("weights", float(|r| r.weights)),
        ("baseline", float(|r| r.baseline)),
        ("score", float(|r| r.score)),
        (
            "anomalies",
            FrameColumn::Int64(rows.iter().map(|r| Some(r.anomalies as i64)).collect()),
        ),
    ]);
    Ok((frame, rows))
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: i64 = 3_600_000;

    fn table(csv: &str) -> Table {
        crate::read_table(csv.as_bytes(), crate::TableFormat::Csv).unwrap()
    }

    /// A notebook's typed columns (ms timestamps, integer counts) bin as
    /// their text does, and are never formatted on the way.
    #[test]
    fn typed_arrow_columns_bin_as_text_and_are_never_formatted() {
        use std::sync::Arc;

        use arrow_array::{ArrayRef, Int32Array, RecordBatch, TimestampMillisecondArray};
        let text = table("t,n\n1970-01-01T00:00:00Z,2\n1970-01-01T02:30:00Z,3\n,9\n");
        let batch = RecordBatch::try_from_iter_with_nullable(vec![
            (
                "t",
                Arc::new(TimestampMillisecondArray::from(vec![
                    Some(0),
                    Some(2 * H + H / 2),
                    None,
                ])) as ArrayRef,
                true,
            ),
            (
                "n",
                Arc::new(Int32Array::from(vec![2, 3, 9])) as ArrayRef,
                false,
            ),
        ])
        .unwrap();
        let typed = Table::from_record_batch(&batch);
        let want = series_from_table(&text, "t", Some("n"), H).unwrap();
        assert_eq!(want.values, [2.0, 0.0, 3.0]);
        assert_eq!(series_from_table(&typed, "t", Some("n"), H).unwrap(), want);
        assert!(!typed.column(0).formatted() && !typed.column(1).formatted());
    }

    #[test]
    fn counts_events_per_bin_with_gaps() {
        let t = table("TimeGenerated,User\n2024-03-04T10:05:00Z,a\n2024-03-04T10:55:00Z,b\n2024-03-04T13:00:00Z,c\n,d\n");
        let s = series_from_table(&t, "TimeGenerated", None, H).unwrap();
        assert_eq!(s.values, [2.0, 0.0, 0.0, 1.0]);
        assert_eq!(format_time_ms(s.times_ms[0]), "2024-03-04T10:00:00Z");
    }

    #[test]
    fn sums_values_and_names_bad_cells() {
        let t = table("t,n\n2024-03-04 10:00,3\n2024-03-04 10:30,4\n");
        assert_eq!(
            series_from_table(&t, "t", Some("n"), H).unwrap().values,
            [7.0]
        );
        let bad = table("t,n\n2024-03-04 10:00,3\nnot a time,4\n");
        let e = series_from_table(&bad, "t", Some("n"), H).unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"row 1 of column "t": "not a time" is not a time"#
        );
        let bad = table("t,n\n2024-03-04 10:00,x\n");
        assert_eq!(
            series_from_table(&bad, "t", Some("n"), H)
                .unwrap_err()
                .kind_name(),
            "bad_value"
        );
        assert_eq!(
            series_from_table(&bad, "T", None, H)
                .unwrap_err()
                .kind_name(),
            "missing_column"
        );
        let wide = table("t\n2000-01-01\n2024-01-01\n");
        assert!(series_from_table(&wide, "t", None, 1).is_err());
        assert!(series_from_table(&table("t\n"), "t", None, H)
            .unwrap()
            .values
            .is_empty());
    }
}
