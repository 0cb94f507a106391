//! Notebook views: everything about a chart except drawing it. A [`Chart`]
//! is built once from the bundle's data sets and options; each pan or zoom
//! asks it for a [`Layout`] (marks in pixels, ticks, events in view), and
//! hover and click ask which rows a mark stands for.
//!
//! The host draws the marks as they come: position, size, colour series.
//! Keeping layout here means both hosts (JupyterLab, VS Code) show the same
//! picture, and decimation is done where a million events are cheap.

mod duration;
mod matrix;
mod options;
mod rows;
mod scale;
mod scatter;
mod series;
mod spec;
mod timeline;
mod values;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::table::Table;

pub use crate::table::{Categories, NULL_LABEL};
pub use options::{
    any_case_pattern, any_case_schema, Columns, Pixels, SortOrder, TimeValue, ViewOptions,
    MAX_PIXELS, MIN_LABEL_LEN, MIN_PIXELS, SORT_WORDS,
};
pub use scale::{nice_domain, nice_step, number_ticks, time_ticks, LinearScale, Tick};
pub use spec::{
    AnomaliesOptions, ClusterScatterOptions, EntityGraphViewOptions, LookupViewOptions,
    MatrixOptions, OneOrMany, PlotStyle, ProcessTreeViewOptions, SessionScoresOptions,
    TimelineDurationOptions, TimelineOptions, TimelineValuesOptions, ViewSpec, BUNDLE_VERSION,
    VIEW_MIME_TYPE,
};

/// Numbers per mark in [`Layout::marks`]: `x, y, w, h, count, row, series`.
///
/// `x, y` is the centre (points, matrix circles) or the top-left corner
/// (duration bars); `w, h` the size (0 for timeline points; for
/// timeline_values `h` is the height of a bar down to 0); `count` the events
/// the mark stands for (a matrix cell: its value); `row` the first of them,
/// as a global row id; `series` the lane, series or bar.
pub const MARK_STRIDE: usize = 7;

/// The kinds of chart (every [`ViewSpec`] kind but the process tree).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "ChartKind")]
pub enum ViewKind {
    /// Events along time, one lane per group.
    Timeline,
    /// A value over time: circles, a line, bars.
    TimelineValues,
    /// One bar per group from first to last event.
    TimelineDuration,
    /// Two categorical columns as a grid of sized circles.
    Matrix,
    /// A time series with its baseline and flagged anomalies (the output
    /// of `huntkit timeseries` or MSTICPy's `ts_anomalies_stl`).
    Anomalies,
    /// Scored sessions: start time against rarest-window likelihood, with
    /// an upper bound the user slides to find the rare ones.
    SessionScores,
    /// Event clusters as a scatter of two numeric features, circles sized
    /// by cluster size and coloured by cluster (noise grey).
    ClusterScatter,
}

impl ViewKind {
    /// Whether the view plots a value against time.
    pub fn has_values(self) -> bool {
        matches!(
            self,
            ViewKind::TimelineValues | ViewKind::Anomalies | ViewKind::SessionScores
        )
    }

    /// Parses the bundle's `kind`; the message lists the kinds there are.
    pub fn parse(name: &str) -> Result<ViewKind> {
        serde_json::from_value(serde_json::Value::String(name.to_string()))
            .map_err(|e| Error::option("kind", format!("{name:?} is not a chart view: {e}")))
    }
}

/// One data set of a view.
#[derive(Debug, Clone)]
pub struct DataSet {
    /// Its name in the legend.
    pub label: String,
    /// Its rows.
    pub table: Table,
    /// Overrides the options' `time_column` for this set.
    pub time_column: Option<String>,
    /// A CSS colour for this set.
    pub color: Option<String>,
}

/// The visible window and the plot area's size in CSS pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    /// Left edge in data units (milliseconds for time axes).
    pub x0: f64,
    /// Right edge.
    pub x1: f64,
    /// Plot area width in pixels.
    pub width: f64,
    /// Plot area height in pixels.
    pub height: f64,
}

/// Which rows a mark stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum MarkRows {
    /// Events `start..end` of a series (sorted by time).
    Span { series: u32, start: u32, end: u32 },
    /// All rows of a duration bar or matrix cell.
    Group(u32),
}

/// What to draw for one viewport.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// [`MARK_STRIDE`] numbers per mark.
    pub marks: Vec<f64>,
    /// Ticks along x (time or categories).
    pub x_ticks: Vec<Tick>,
    /// Ticks along y (values or categories; lanes are in [`ChartInfo`]).
    pub y_ticks: Vec<Tick>,
    /// Events inside the window (the marks' counts add up to this, except
    /// for a matrix, whose marks carry cell values).
    pub events_in_view: usize,
    rows: Vec<MarkRows>,
}

impl Layout {
    fn push_mark(&mut self, mark: [f64; MARK_STRIDE], rows: MarkRows) {
        self.marks.extend_from_slice(&mark);
        self.rows.push(rows);
    }

    /// Number of marks.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there is nothing to draw.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// A lane, series or bar as the legend and axis show it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SeriesInfo {
    /// Its label.
    pub label: String,
    /// The data set it comes from.
    pub dataset: usize,
    /// Events in it.
    pub events: usize,
}

/// A data set as the legend shows it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DataSetInfo {
    /// Its label.
    pub label: String,
    /// Rows in it.
    pub rows: usize,
    /// Its CSS colour, if the bundle gave one.
    pub color: Option<String>,
}

/// What a chart is, for the host to build its frame (title, legend, axes).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ChartInfo {
    /// The view kind.
    pub kind: ViewKind,
    /// The title.
    pub title: Option<String>,
    /// Requested height in CSS pixels.
    pub height: Option<f64>,
    /// Requested width in CSS pixels.
    pub width: Option<f64>,
    /// `time`, `category` or `number` (cluster_scatter).
    pub x_axis: &'static str,
    /// The full x range (milliseconds for time).
    pub x_domain: [f64; 2],
    /// The y range of timeline_values.
    pub y_domain: Option<[f64; 2]>,
    /// Lanes (timeline, timeline_duration) or series (timeline_values).
    pub series: Vec<SeriesInfo>,
    /// Whether `series` are horizontal lanes with labels on the y axis.
    pub lanes: bool,
    /// The data sets.
    pub datasets: Vec<DataSetInfo>,
    /// Mark styles to draw: `circle`, `line`, `vbar` (timeline_values),
    /// `point` (timeline), `bar` (timeline_duration), `cell` (matrix).
    pub marks: Vec<String>,
    /// The reference marker's time and label.
    pub ref_time: Option<f64>,
    /// The reference marker's label.
    pub ref_label: Option<String>,
    /// The y column (timeline_values) or axis names (matrix: x, y).
    pub axis_labels: [Option<String>; 2],
    /// Rows drawn over all data sets.
    pub total_events: usize,
    /// Columns shown in tooltips and copied (over all data sets).
    pub columns: Vec<String>,
    /// What was left out, and why.
    pub warnings: Vec<String>,
    /// A series drawn in the theme's muted grey (cluster_scatter's noise).
    pub muted_series: Option<usize>,
}

enum Body {
    Series(Vec<series::Series>),
    Bars(Vec<duration::Bar>),
    Matrix(matrix::Matrix),
    Scatter(scatter::Scatter),
}

/// A view ready to lay out, hover and copy from.
pub struct Chart {
    info: ChartInfo,
    datasets: Vec<DataSet>,
    /// Global row id where each data set starts.
    offsets: Vec<u32>,
    /// Per data set, the columns tooltips and copies show.
    columns: Vec<Vec<usize>>,
    body: Body,
    last: Layout,
    /// Points above this value are hidden (the session-score slider).
    y_max: Option<f64>,
    /// The series with `y_max` applied, rebuilt when it changes.
    filtered: Option<Vec<series::Series>>,
}

impl Chart {
    /// Builds a chart, checking every column the options name.
    pub fn new(kind: ViewKind, datasets: Vec<DataSet>, options: &ViewOptions) -> Result<Chart> {
        options.check()?;
        if datasets.is_empty() {
            return Err(Error::option("data", "the bundle has no data set"));
        }
        let mut warnings = Vec::new();
        let (body, marks, x_axis) = match kind {
            ViewKind::Timeline => (
                Body::Series(series::build_series(
                    &datasets,
                    options,
                    None,
                    &mut warnings,
                )?),
                vec!["point".to_string()],
                "time",
            ),
            ViewKind::TimelineValues => {
                let y = options
                    .y
                    .as_deref()
                    .ok_or_else(|| Error::option("y", "timeline_values needs a y column"))?;
                let styles = match &options.kind {
                    Some(k) => k.names(),
                    None => vec!["vbar".to_string()],
                };
                for s in &styles {
                    PlotStyle::parse(s)?;
                }
                let series = series::build_series(&datasets, options, Some(y), &mut warnings)?;
                (Body::Series(series), styles, "time")
            }
            ViewKind::Anomalies => {
                let y = options.y.as_deref().ok_or_else(|| {
                    Error::option("y", "an anomalies view needs y, the value column")
                })?;
                let series = series::build_anomaly_series(&datasets, options, y, &mut warnings)?;
                (Body::Series(series), vec!["anomalies".to_string()], "time")
            }
            ViewKind::SessionScores => {
                let y = options.y.as_deref().ok_or_else(|| {
                    Error::option("y", "a session_scores view needs y, the likelihood column")
                })?;
                let series = series::build_series(&datasets, options, Some(y), &mut warnings)?;
                (Body::Series(series), vec!["circle".to_string()], "time")
            }
            ViewKind::TimelineDuration => (
                Body::Bars(duration::build_bars(&datasets, options, &mut warnings)?),
                vec!["bar".to_string()],
                "time",
            ),
            ViewKind::Matrix => (
                Body::Matrix(matrix::build(&datasets, options)?),
                vec!["cell".to_string()],
                "category",
            ),
            ViewKind::ClusterScatter => (
                Body::Scatter(scatter::build(&datasets, options, &mut warnings)?),
                vec!["cluster".to_string()],
                "number",
            ),
        };
        let mut columns = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for ds in &datasets {
            let cols = match &options.source_columns {
                Some(list) => list
                    .iter()
                    .map(|c| ds.table.column_index(c))
                    .collect::<Result<Vec<_>>>()?,
                None => (0..ds.table.names().len()).collect(),
            };
            for &c in &cols {
                let n = &ds.table.names()[c];
                if !names.contains(n) {
                    names.push(n.clone());
                }
            }
            columns.push(cols);
        }
        let mut offsets = vec![0u32];
        for ds in &datasets {
            let next = offsets.last().copied().unwrap_or(0) as usize + ds.table.rows();
            offsets.push(
                u32::try_from(next).map_err(|_| {
                    Error::option("data", "more than 4 billion rows cannot be drawn")
                })?,
            );
        }
        let (series_info, lanes, x_domain, y_domain, total) = match &body {
            Body::Series(list) => {
                let (lo, hi) = list
                    .iter()
                    .filter(|s| !s.times.is_empty())
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), s| {
                        (lo.min(s.times[0]), hi.max(s.times[s.times.len() - 1]))
                    });
                let y = kind.has_values().then(|| {
                    let (a, b) = values::y_domain(list);
                    [a, b]
                });
                (
                    list.iter()
                        .map(|s| SeriesInfo {
                            label: s.label.clone(),
                            dataset: s.dataset,
                            events: s.times.len(),
                        })
                        .collect(),
                    kind == ViewKind::Timeline,
                    pad_domain(lo, hi),
                    y,
                    list.iter().map(|s| s.times.len()).sum(),
                )
            }
            Body::Bars(bars) => {
                let lo = bars.iter().map(|b| b.start).fold(f64::INFINITY, f64::min);
                let hi = bars.iter().map(|b| b.end).fold(f64::NEG_INFINITY, f64::max);
                (
                    bars.iter()
                        .map(|b| SeriesInfo {
                            label: b.label.clone(),
                            dataset: b.dataset,
                            events: b.rows.len(),
                        })
                        .collect(),
                    true,
                    pad_domain(lo, hi),
                    None,
                    bars.iter().map(|b| b.rows.len()).sum(),
                )
            }
            Body::Matrix(m) => (
                Vec::new(),
                false,
                [0.0, m.x_labels.len() as f64],
                Some([0.0, m.y_labels.len() as f64]),
                m.cells.iter().map(|c| c.rows.len()).sum(),
            ),
            Body::Scatter(s) => (
                s.labels
                    .iter()
                    .zip(&s.counts)
                    .map(|(label, &events)| SeriesInfo {
                        label: label.clone(),
                        dataset: 0,
                        events,
                    })
                    .collect(),
                false,
                s.x_domain,
                Some(s.y_domain),
                s.total_events(),
            ),
        };
        let muted_series = match &body {
            Body::Scatter(s) if s.has_noise => Some(0),
            _ => None,
        };
        let axis_labels = match kind {
            ViewKind::TimelineValues | ViewKind::Anomalies | ViewKind::SessionScores => {
                [None, options.y.clone()]
            }
            ViewKind::Matrix | ViewKind::ClusterScatter => [options.x.clone(), options.y.clone()],
            _ => [None, None],
        };
        let info = ChartInfo {
            kind,
            title: options.title.clone(),
            height: options.height,
            width: options.width,
            x_axis,
            x_domain,
            y_domain,
            series: series_info,
            lanes,
            datasets: datasets
                .iter()
                .map(|d| DataSetInfo {
                    label: d.label.clone(),
                    rows: d.table.rows(),
                    color: d.color.clone(),
                })
                .collect(),
            marks,
            ref_time: options.ref_time_ms()?,
            ref_label: options.ref_label.clone(),
            axis_labels,
            total_events: total,
            columns: names,
            warnings,
            muted_series,
        };
        Ok(Chart {
            info,
            datasets,
            offsets,
            columns,
            body,
            last: Layout::default(),
            y_max: None,
            filtered: None,
        })
    }

    /// Hides points whose value is above `y_max` (`None` shows all): the
    /// session-score slider. The y axis keeps its range so points do not
    /// jump as the bound moves.
    pub fn set_y_max(&mut self, y_max: Option<f64>) {
        let y_max = y_max.filter(|v| v.is_finite());
        if y_max == self.y_max {
            return;
        }
        self.y_max = y_max;
        self.filtered = match (&self.body, y_max) {
            (Body::Series(list), Some(max)) => Some(list.iter().map(|s| s.below(max)).collect()),
            _ => None,
        };
    }

    /// The series as drawn (with the `y_max` filter applied).
    fn drawn_series(&self) -> Option<&[series::Series]> {
        match &self.body {
            Body::Series(list) => Some(self.filtered.as_deref().unwrap_or(list)),
            _ => None,
        }
    }

    /// What the host needs to frame the chart.
    pub fn info(&self) -> &ChartInfo {
        &self.info
    }

    /// Lays out `viewport` and keeps the result for [`Chart::mark_rows`].
    pub fn layout(&mut self, vp: Viewport) -> &Layout {
        let vp = Viewport {
            width: vp.width.clamp(1.0, 100_000.0),
            height: vp.height.clamp(1.0, 100_000.0),
            ..vp
        };
        let mut layout = match &self.body {
            Body::Series(s) if self.info.kind.has_values() => {
                let [a, b] = self.info.y_domain.unwrap_or([0.0, 1.0]);
                values::layout(self.filtered.as_deref().unwrap_or(s), (a, b), &vp)
            }
            Body::Series(s) => timeline::layout(s, &vp),
            Body::Bars(b) => duration::layout(b, &vp),
            Body::Matrix(m) => m.layout(&vp),
            Body::Scatter(s) => s.layout(&vp),
        };
        // Marks carry global row ids: data set offset + row.
        for (m, rows) in layout.marks.chunks_mut(MARK_STRIDE).zip(&layout.rows) {
            let d = match (rows, &self.body) {
                (MarkRows::Span { series, .. }, Body::Series(s)) => s[*series as usize].dataset,
                (MarkRows::Group(g), Body::Bars(b)) => b[*g as usize].dataset,
                _ => 0,
            };
            m[5] += f64::from(self.offsets[d]);
        }
        self.last = layout;
        &self.last
    }

    /// Events per pixel column over the whole time range (the range
    /// selector's strip); empty for a matrix.
    pub fn overview(&self, width: usize) -> Vec<u32> {
        let [x0, x1] = self.info.x_domain;
        match &self.body {
            Body::Series(s) => timeline::density(s, x0, x1, width.clamp(1, 10_000)),
            _ => Vec::new(),
        }
    }

    /// The nearest mark of the last layout to a point, within `radius`
    /// pixels (inside a bar counts as distance 0).
    pub fn hit(&self, px: f64, py: f64, radius: f64) -> Option<usize> {
        let mut best: Option<(f64, usize)> = None;
        for (i, m) in self.last.marks.chunks(MARK_STRIDE).enumerate() {
            let d = match self.info.kind {
                ViewKind::TimelineDuration => {
                    let dx = (m[0] - px).max(px - (m[0] + m[2])).max(0.0);
                    let dy = (m[1] - py).max(py - (m[1] + m[3])).max(0.0);
                    dx.hypot(dy)
                }
                ViewKind::Matrix | ViewKind::ClusterScatter => {
                    ((m[0] - px).hypot(m[1] - py) - m[2] / 2.0).max(0.0)
                }
                ViewKind::TimelineValues if self.info.marks.iter().any(|k| k == "vbar") => {
                    let (top, bottom) = if m[3] >= 0.0 {
                        (m[1], m[1] + m[3])
                    } else {
                        (m[1] + m[3], m[1])
                    };
                    let dy = (top - py).max(py - bottom).max(0.0);
                    (m[0] - px).abs().hypot(dy)
                }
                _ => (m[0] - px).hypot(m[1] - py),
            };
            if d <= radius && best.is_none_or(|(b, _)| d < b) {
                best = Some((d, i));
            }
        }
        best.map(|(_, i)| i)
    }

    /// The global row ids a mark of the last layout stands for: at most
    /// `limit` of them, and how many there are.
    pub fn mark_rows(&self, mark: usize, limit: usize) -> (Vec<u32>, usize) {
        let Some(rows) = self.last.rows.get(mark) else {
            return (Vec::new(), 0);
        };
        match (rows, &self.body) {
            (MarkRows::Span { series, start, end }, Body::Series(_)) => {
                let Some(ser) = self.drawn_series().and_then(|s| s.get(*series as usize)) else {
                    return (Vec::new(), 0);
                };
                let off = self.offsets[ser.dataset];
                let (a, b) = (*start as usize, *end as usize);
                let ids = ser.rows[a..b.min(a + limit)]
                    .iter()
                    .map(|r| r + off)
                    .collect();
                (ids, b - a)
            }
            (MarkRows::Group(g), Body::Bars(bars)) => {
                let bar = &bars[*g as usize];
                let off = self.offsets[bar.dataset];
                (
                    bar.rows.iter().take(limit).map(|r| r + off).collect(),
                    bar.rows.len(),
                )
            }
            (MarkRows::Group(g), Body::Scatter(s)) => (vec![s.rows[*g as usize]], 1),
            (MarkRows::Group(g), Body::Matrix(m)) => {
                let cell = &m.cells[*g as usize];
                (
                    cell.rows.iter().take(limit).copied().collect(),
                    cell.rows.len(),
                )
            }
            _ => (Vec::new(), 0),
        }
    }

    /// Global row ids of the events between two times (a brushed range),
    /// at most `limit`, and how many there are.
    pub fn rows_between(&self, t0: f64, t1: f64, limit: usize) -> (Vec<u32>, usize) {
        let (lo, hi) = (t0.min(t1), t0.max(t1));
        let mut ids = Vec::new();
        let mut total = 0;
        if let Some(list) = self.drawn_series() {
            for s in list {
                let (a, b) = series::range(&s.times, lo, hi);
                total += b - a;
                let off = self.offsets[s.dataset];
                ids.extend(
                    s.rows[a..b]
                        .iter()
                        .take(limit.saturating_sub(ids.len()))
                        .map(|r| r + off),
                );
            }
        }
        (ids, total)
    }

    /// Rows as JSON objects of their tooltip columns (with the data set's
    /// label when there are several).
    pub fn rows_json(&self, ids: &[u32]) -> Vec<serde_json::Map<String, serde_json::Value>> {
        rows::json(self, ids)
    }

    /// Rows as CSV with a header, for the clipboard.
    pub fn rows_csv(&self, ids: &[u32]) -> String {
        rows::csv(self, ids)
    }

    fn locate(&self, id: u32) -> Option<(usize, usize)> {
        let d = self.offsets.partition_point(|&o| o <= id).checked_sub(1)?;
        (d < self.datasets.len()).then(|| (d, (id - self.offsets[d]) as usize))
    }
}

/// A domain with room around it; a single instant gets a minute each side.
fn pad_domain(lo: f64, hi: f64) -> [f64; 2] {
    if !(lo.is_finite() && hi.is_finite()) {
        return [0.0, 1.0];
    }
    if hi <= lo {
        return [lo - 60e3, lo + 60e3];
    }
    let pad = (hi - lo) * 0.02;
    [lo - pad, hi + pad]
}
