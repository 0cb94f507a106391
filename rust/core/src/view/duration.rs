//! timeline_duration: one bar per group, from its first event to its last
//! (or to the latest `end_time_column`), as MSTICPy's duration plot.

use std::collections::HashMap;

use crate::error::{Error, ErrorKind, Result};

use super::scale::{time_ticks, LinearScale};
use super::{DataSet, Layout, MarkRows, ViewOptions, Viewport};

/// One bar.
#[derive(Debug, Clone)]
pub(crate) struct Bar {
    pub label: String,
    pub dataset: usize,
    pub start: f64,
    pub end: f64,
    /// Every row of the group (within its data set), in table order.
    pub rows: Vec<u32>,
}

/// Groups rows by the `group_by` columns (joined with ` | `), bars sorted
/// by start time.
pub(crate) fn build_bars(
    datasets: &[DataSet],
    options: &ViewOptions,
    warnings: &mut Vec<String>,
) -> Result<Vec<Bar>> {
    let group = options
        .group_by
        .as_ref()
        .map(|g| g.names())
        .filter(|g| !g.is_empty())
        .ok_or_else(|| Error::option("group_by", "timeline_duration needs one or more columns"))?;
    let mut bars = Vec::new();
    for (d, ds) in datasets.iter().enumerate() {
        let t = &ds.table;
        let time_name = ds.time_column.as_deref().unwrap_or(options.time_column());
        let starts = t.times_ms(t.column_index(time_name)?)?;
        let ends = match &options.end_time_column {
            Some(c) => t.times_ms(t.column_index(c)?)?,
            None => starts.clone(),
        };
        let cats: Vec<_> = group
            .iter()
            .map(|g| t.column_index(g).map(|i| t.categories(i)))
            .collect::<Result<_>>()?;
        let mut index: HashMap<Vec<u32>, usize> = HashMap::new();
        let first = bars.len();
        let mut skipped = 0;
        for row in 0..t.rows() {
            let (s, e) = (starts[row], ends[row]);
            if s.is_nan() {
                skipped += 1;
                continue;
            }
            let e = if e.is_nan() { s } else { e };
            let key: Vec<u32> = cats.iter().map(|c| c.codes[row]).collect();
            let b = *index.entry(key.clone()).or_insert_with(|| {
                let label: Vec<&str> = cats
                    .iter()
                    .zip(&key)
                    .map(|(c, &k)| c.labels[k as usize].as_str())
                    .collect();
                let mut label = label.join(" | ");
                if datasets.len() > 1 {
                    label = format!("{}: {label}", ds.label);
                }
                bars.push(Bar {
                    label,
                    dataset: d,
                    start: s,
                    end: e,
                    rows: Vec::new(),
                });
                bars.len() - 1
            });
            let bar = &mut bars[b];
            bar.start = bar.start.min(s.min(e));
            bar.end = bar.end.max(e.max(s));
            bar.rows.push(row as u32);
        }
        if skipped > 0 {
            warnings.push(format!(
                "{skipped} rows of {:?} have no {time_name:?} and are not drawn",
                ds.label
            ));
        }
        bars[first..].sort_by(|a, b| a.start.total_cmp(&b.start).then(a.label.cmp(&b.label)));
    }
    if bars.is_empty() {
        return Err(Error::new(ErrorKind::NoRows(
            "the table has no rows with a time: there are no durations to draw".into(),
        )));
    }
    Ok(bars)
}

/// One bar per lane, at least 2 pixels wide so an instant still shows.
pub(crate) fn layout(bars: &[Bar], vp: &Viewport) -> Layout {
    let x = LinearScale::new(vp.x0, vp.x1, 0.0, vp.width);
    let band = vp.height / bars.len().max(1) as f64;
    let mut out = Layout {
        x_ticks: time_ticks(&x, (vp.width / 110.0).max(2.0) as usize),
        ..Layout::default()
    };
    for (i, bar) in bars.iter().enumerate() {
        if bar.end < vp.x0 || bar.start > vp.x1 {
            continue;
        }
        out.events_in_view += bar.rows.len();
        let (x0, x1) = (x.map(bar.start), x.map(bar.end));
        let w = (x1 - x0).max(2.0);
        let h = (band * 0.6).max(1.0);
        out.push_mark(
            [
                x0 - (w - (x1 - x0)) / 2.0,
                band * (i as f64 + 0.5) - h / 2.0,
                w,
                h,
                bar.rows.len() as f64,
                f64::from(bar.rows.first().copied().unwrap_or(0)),
                i as f64,
            ],
            MarkRows::Group(i as u32),
        );
    }
    out
}
