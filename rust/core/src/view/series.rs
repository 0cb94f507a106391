//! Events split into time-sorted series (a timeline's lanes, a value plot's
//! lines), the shape both time views lay out from.

use crate::error::{Error, Result};

use super::scale::LinearScale;

use super::{DataSet, ViewOptions};
use crate::table::NULL_LABEL;

/// One lane or line: its events sorted by time.
#[derive(Debug, Clone, Default)]
pub(crate) struct Series {
    pub label: String,
    pub dataset: usize,
    pub times: Vec<f64>,
    /// Row (within the data set) of each event.
    pub rows: Vec<u32>,
    /// The `y` value of each event (timeline_values only).
    pub values: Vec<f64>,
}

/// Splits every data set by `group_by` (if set) into series sorted by time.
/// Rows with no time (or, with `y`, no value) are left out and counted in a
/// warning, never drawn at a made-up place.
pub(crate) fn build_series(
    datasets: &[DataSet],
    options: &ViewOptions,
    y: Option<&str>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Series>> {
    let group = match &options.group_by {
        Some(g) => {
            let names = g.names();
            if names.len() != 1 {
                return Err(Error::option("group_by", "takes one column for this view"));
            }
            Some(names[0].clone())
        }
        None => None,
    };
    let mut out = Vec::new();
    for (d, ds) in datasets.iter().enumerate() {
        let time_name = ds.time_column.as_deref().unwrap_or(options.time_column());
        let times = ds.table.times_ms(ds.table.column_index(time_name)?)?;
        let values = match y {
            Some(y) => Some(ds.table.numbers(ds.table.column_index(y)?)?),
            None => None,
        };
        let (codes, labels) = match &group {
            Some(g) => {
                let c = ds.table.categories(ds.table.column_index(g)?);
                (c.codes, c.labels)
            }
            None => (vec![0; times.len()], vec![ds.label.clone()]),
        };
        let mut groups: Vec<Series> = labels
            .iter()
            .map(|l| Series {
                label: if group.is_some() && datasets.len() > 1 {
                    format!("{}: {l}", ds.label)
                } else {
                    l.clone()
                },
                dataset: d,
                ..Series::default()
            })
            .collect();
        let (mut no_time, mut no_value) = (0usize, 0usize);
        for (row, (&t, &code)) in times.iter().zip(&codes).enumerate() {
            if t.is_nan() {
                no_time += 1;
                continue;
            }
            let v = values.as_ref().map_or(0.0, |v| v[row]);
            if v.is_nan() {
                no_value += 1;
                continue;
            }
            let s = &mut groups[code as usize];
            s.times.push(t);
            s.rows.push(row as u32);
            if values.is_some() {
                s.values.push(v);
            }
        }
        if no_time > 0 {
            warnings.push(format!(
                "{no_time} rows of {:?} have no {time_name:?} and are not drawn",
                ds.label
            ));
        }
        if no_value > 0 {
            warnings.push(format!(
                "{no_value} rows of {:?} have no {:?} value and are not drawn",
                ds.label,
                y.unwrap_or_default()
            ));
        }
        for s in &mut groups {
            sort_by_time(s);
        }
        // Lanes in label order, the null group last: stable across runs and
        // easy to find by eye.
        groups.sort_by(|a, b| {
            (a.label.ends_with(NULL_LABEL), &a.label)
                .cmp(&(b.label.ends_with(NULL_LABEL), &b.label))
        });
        out.extend(
            groups
                .into_iter()
                .filter(|s| !s.times.is_empty() || group.is_none()),
        );
    }
    if out.iter().all(|s| s.times.is_empty()) {
        let what = if datasets.iter().all(|d| d.table.rows() == 0) {
            "the table is empty: there are no events to draw".to_string()
        } else {
            format!(
                "no row has a usable {:?}{}: there are no events to draw",
                options.time_column(),
                y.map(|y| format!(" and {y:?}")).unwrap_or_default()
            )
        };
        return Err(Error::new(crate::ErrorKind::NoRows(what)));
    }
    Ok(out)
}

fn sort_by_time(s: &mut Series) {
    if s.times.windows(2).all(|w| w[0] <= w[1]) {
        return;
    }
    let mut order: Vec<u32> = (0..s.times.len() as u32).collect();
    order.sort_by(|&a, &b| s.times[a as usize].total_cmp(&s.times[b as usize]));
    s.times = order.iter().map(|&i| s.times[i as usize]).collect();
    s.rows = order.iter().map(|&i| s.rows[i as usize]).collect();
    if !s.values.is_empty() {
        s.values = order.iter().map(|&i| s.values[i as usize]).collect();
    }
}

/// Splits events `start..end` of the sorted `times` into one run per pixel
/// column of `x` (`columns` of them) and calls `f(column, i, j)` for each
/// non-empty run `i..j`. Bounds come from binary search, so the cost is
/// columns × log(events) whatever the zoom: what keeps a million-event pan
/// smooth.
pub(crate) fn pixel_runs(
    times: &[f64],
    (start, end): (usize, usize),
    x: &LinearScale,
    columns: usize,
    mut f: impl FnMut(usize, usize, usize),
) {
    let mut i = start;
    for c in 0..columns {
        if i >= end {
            break;
        }
        let j = if c + 1 == columns {
            end
        } else {
            let edge = x.invert((c + 1) as f64);
            i + times[i..end].partition_point(|&t| t < edge)
        };
        if j > i {
            f(c, i, j);
        }
        i = j;
    }
}

/// The events of a sorted series within `[lo, hi]`, as index bounds.
pub(crate) fn range(times: &[f64], lo: f64, hi: f64) -> (usize, usize) {
    (
        times.partition_point(|&t| t < lo),
        times.partition_point(|&t| t <= hi),
    )
}

impl Series {
    /// The points whose value is at most `max` (the slider's bound).
    pub(crate) fn below(&self, max: f64) -> Series {
        let keep: Vec<usize> = (0..self.times.len())
            .filter(|&i| self.values[i] <= max)
            .collect();
        Series {
            label: self.label.clone(),
            dataset: self.dataset,
            times: keep.iter().map(|&i| self.times[i]).collect(),
            rows: keep.iter().map(|&i| self.rows[i]).collect(),
            values: keep.iter().map(|&i| self.values[i]).collect(),
        }
    }
}

/// Names of the anomalies view's three series, in drawing order.
pub(crate) const ANOMALY_SERIES: [&str; 3] = ["observed", "baseline", "anomalies"];

/// The anomalies view's series from one table: the observed value, the
/// baseline, and the observed value where the anomalies column is non-zero.
pub(crate) fn build_anomaly_series(
    datasets: &[DataSet],
    options: &ViewOptions,
    y: &str,
    warnings: &mut Vec<String>,
) -> Result<Vec<Series>> {
    let ds = datasets
        .first()
        .ok_or_else(|| Error::option("data", "an anomalies view needs a data set"))?;
    let t = &ds.table;
    let time_name = ds.time_column.as_deref().unwrap_or(options.time_column());
    let times = t.times_ms(t.column_index(time_name)?)?;
    let observed = t.numbers(t.column_index(y)?)?;
    let baseline_name = options.baseline_col.as_deref().unwrap_or("baseline");
    let baseline = t.numbers(t.column_index(baseline_name)?)?;
    let flags_name = options.anomalies_col.as_deref().unwrap_or("anomalies");
    let flags = t.numbers(t.column_index(flags_name)?)?;
    let mut out: Vec<Series> = ANOMALY_SERIES
        .iter()
        .map(|l| Series {
            label: l.to_string(),
            ..Series::default()
        })
        .collect();
    let mut skipped = 0;
    for row in 0..t.rows() {
        let time = times[row];
        if time.is_nan() || observed[row].is_nan() {
            skipped += 1;
            continue;
        }
        let mut push = |s: usize, v: f64| {
            out[s].times.push(time);
            out[s].rows.push(row as u32);
            out[s].values.push(v);
        };
        push(0, observed[row]);
        if !baseline[row].is_nan() {
            push(1, baseline[row]);
        }
        if flags[row] != 0.0 && !flags[row].is_nan() {
            push(2, observed[row]);
        }
    }
    if skipped > 0 {
        warnings.push(format!(
            "{skipped} rows have no {time_name:?} or {y:?} and are not drawn"
        ));
    }
    if out[0].times.is_empty() {
        return Err(Error::new(crate::ErrorKind::NoRows(
            "the series is empty: there are no points to draw".into(),
        )));
    }
    for s in &mut out {
        sort_by_time(s);
    }
    Ok(out)
}
