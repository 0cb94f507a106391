//! cluster_scatter: clusters (the rows of `huntkit cluster` or MSTICPy's
//! `dbcluster_events`) as a scatter of two numeric feature columns, each
//! circle sized by its cluster's size and coloured by its cluster, noise
//! in one grey series, as MSTICPy's `plot_cluster` shows them.

use std::collections::BTreeMap;

use crate::error::{Error, ErrorKind, Result};

use super::scale::{nice_domain, number_ticks, LinearScale};
use super::{DataSet, Layout, MarkRows, ViewOptions, Viewport};

/// The cluster id DBSCAN gives rows that belong to no cluster.
const NOISE_ID: i64 = -1;
/// The label of the noise series.
pub(crate) const NOISE_LABEL: &str = "noise";
/// Default column of cluster ids (`dbcluster_events`' output).
pub(crate) const CLUSTER_COLUMN: &str = "ClusterId";
/// Default column of cluster sizes.
pub(crate) const SIZE_COLUMN: &str = "ClusterSize";
/// Circle diameters in pixels: the smallest cluster (or a noise row) and
/// the largest; area grows with the size between them.
const MIN_DIAMETER: f64 = 6.0;
const MAX_DIAMETER: f64 = 36.0;

/// The points of a cluster scatter, in row order.
#[derive(Debug, Clone)]
pub(crate) struct Scatter {
    xs: Vec<f64>,
    ys: Vec<f64>,
    sizes: Vec<f64>,
    /// The series (cluster) of each point.
    series: Vec<u32>,
    /// The table row of each point (rows with no x or y are left out).
    pub rows: Vec<u32>,
    /// Series labels: `noise` first when there is noise, then `cluster N`.
    pub labels: Vec<String>,
    /// Points per series.
    pub counts: Vec<usize>,
    /// Whether series 0 is the noise.
    pub has_noise: bool,
    pub x_domain: [f64; 2],
    pub y_domain: [f64; 2],
    max_size: f64,
}

/// Reads `name` when the options gave it, or `default` when the table has it.
fn optional_column(ds: &DataSet, given: Option<&str>, default: &str) -> Result<Option<Vec<f64>>> {
    let t = &ds.table;
    let name = match given {
        Some(n) => n,
        None if t.names().iter().any(|n| n == default) => default,
        None => return Ok(None),
    };
    Ok(Some(t.numbers(t.column_index(name)?)?))
}

/// Builds the points from the first data set: `x` and `y` must be numeric.
pub(crate) fn build(
    datasets: &[DataSet],
    options: &ViewOptions,
    warnings: &mut Vec<String>,
) -> Result<Scatter> {
    let ds = datasets
        .first()
        .ok_or_else(|| Error::option("data", "a cluster scatter needs a data set"))?;
    let t = &ds.table;
    let x_name = options
        .x
        .as_deref()
        .ok_or_else(|| Error::option("x", "a cluster scatter needs an x feature column"))?;
    let y_name = options
        .y
        .as_deref()
        .ok_or_else(|| Error::option("y", "a cluster scatter needs a y feature column"))?;
    let xv = t.numbers(t.column_index(x_name)?)?;
    let yv = t.numbers(t.column_index(y_name)?)?;
    let ids = optional_column(ds, options.cluster_column.as_deref(), CLUSTER_COLUMN)?;
    let sizes = optional_column(ds, options.size_column.as_deref(), SIZE_COLUMN)?;
    if t.rows() == 0 {
        return Err(Error::new(ErrorKind::NoRows(
            "the table is empty: there are no clusters to draw".into(),
        )));
    }
    // Series: noise first, then clusters by id (a NaN id counts as noise).
    let id_of = |r: usize| -> i64 {
        match &ids {
            Some(v) if v[r].is_finite() => v[r] as i64,
            Some(_) => NOISE_ID,
            None => 0,
        }
    };
    let mut keys: BTreeMap<i64, u32> = BTreeMap::new();
    for r in 0..t.rows() {
        keys.insert(id_of(r), 0);
    }
    let has_noise = ids.is_some() && keys.contains_key(&NOISE_ID);
    let mut labels = Vec::with_capacity(keys.len());
    for (i, (id, slot)) in keys.iter_mut().enumerate() {
        *slot = i as u32;
        labels.push(match (*id, &ids) {
            (NOISE_ID, Some(_)) => NOISE_LABEL.to_string(),
            (_, None) => "rows".to_string(),
            (id, Some(_)) => format!("cluster {id}"),
        });
    }
    let mut s = Scatter {
        xs: Vec::new(),
        ys: Vec::new(),
        sizes: Vec::new(),
        series: Vec::new(),
        rows: Vec::new(),
        counts: vec![0; labels.len()],
        labels,
        has_noise,
        x_domain: [0.0, 1.0],
        y_domain: [0.0, 1.0],
        max_size: 1.0,
    };
    let mut skipped = 0usize;
    for r in 0..t.rows() {
        if !(xv[r].is_finite() && yv[r].is_finite()) {
            skipped += 1;
            continue;
        }
        let size = sizes.as_ref().map_or(1.0, |v| v[r]);
        let series = keys[&id_of(r)];
        s.xs.push(xv[r]);
        s.ys.push(yv[r]);
        s.sizes
            .push(if size.is_finite() { size.max(1.0) } else { 1.0 });
        s.series.push(series);
        s.rows.push(r as u32);
        s.counts[series as usize] += 1;
    }
    if skipped > 0 {
        warnings.push(format!(
            "{skipped} rows without a number in {x_name:?} or {y_name:?} are not drawn"
        ));
    }
    if s.rows.is_empty() {
        return Err(Error::new(ErrorKind::NoRows(format!(
            "no row has numbers in both {x_name:?} and {y_name:?}: there is nothing to draw"
        ))));
    }
    let range = |v: &[f64]| {
        let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let (a, b) = nice_domain(lo, hi, 5);
        [a, b]
    };
    s.x_domain = range(&s.xs);
    s.y_domain = range(&s.ys);
    s.max_size = s.sizes.iter().copied().fold(1.0, f64::max);
    Ok(s)
}

impl Scatter {
    /// A circle's diameter: area in proportion to the cluster's size.
    pub(crate) fn diameter(&self, size: f64) -> f64 {
        let frac = (size.max(1.0) / self.max_size).clamp(0.0, 1.0).sqrt();
        MIN_DIAMETER + (MAX_DIAMETER - MIN_DIAMETER) * frac
    }

    /// One circle per row inside the viewport's x window, largest first so
    /// small clusters stay on top and can be hovered.
    pub(crate) fn layout(&self, vp: &Viewport) -> Layout {
        let x = LinearScale::new(vp.x0, vp.x1, 0.0, vp.width);
        let y = LinearScale::new(self.y_domain[0], self.y_domain[1], vp.height, 0.0);
        let mut out = Layout {
            x_ticks: number_ticks(&x, (vp.width / 90.0).max(2.0) as usize),
            y_ticks: number_ticks(&y, (vp.height / 40.0).max(2.0) as usize),
            ..Layout::default()
        };
        let (lo, hi) = x.domain();
        let mut order: Vec<usize> = (0..self.xs.len())
            .filter(|&i| self.xs[i] >= lo && self.xs[i] <= hi)
            .collect();
        order.sort_by(|&a, &b| self.sizes[b].total_cmp(&self.sizes[a]));
        for i in order {
            let d = self.diameter(self.sizes[i]);
            out.events_in_view += self.sizes[i] as usize;
            out.push_mark(
                [
                    x.map(self.xs[i]),
                    y.map(self.ys[i]),
                    d,
                    d,
                    self.sizes[i],
                    f64::from(self.rows[i]),
                    f64::from(self.series[i]),
                ],
                MarkRows::Group(i as u32),
            );
        }
        out
    }

    /// Events the rows stand for (cluster sizes added up).
    pub(crate) fn total_events(&self) -> usize {
        self.sizes.iter().map(|&s| s as usize).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::Table;

    fn data(csv: &str) -> Vec<DataSet> {
        vec![DataSet {
            label: "clusters".into(),
            table: Table::read(csv.as_bytes(), crate::table::TableFormat::Csv).unwrap(),
            time_column: None,
            color: None,
        }]
    }

    fn opts(x: &str, y: &str) -> ViewOptions {
        ViewOptions {
            x: Some(x.into()),
            y: Some(y.into()),
            ..ViewOptions::default()
        }
    }

    const CLUSTERS: &str = "ClusterId,ClusterSize,pathScore,commandlineTokensFull\n\
        0,100,5000,10\n\
        1,4,6000,20\n\
        -1,1,7000,3\n\
        -1,1,9000,40\n";

    #[test]
    fn noise_is_one_series_and_sizes_scale_area() {
        let mut w = Vec::new();
        let s = build(
            &data(CLUSTERS),
            &opts("pathScore", "commandlineTokensFull"),
            &mut w,
        )
        .unwrap();
        assert_eq!(s.labels, vec!["noise", "cluster 0", "cluster 1"]);
        assert!(s.has_noise);
        assert_eq!(s.counts, vec![2, 1, 1]);
        assert_eq!(s.total_events(), 106);
        assert!(w.is_empty());
        assert_eq!(s.diameter(100.0), MAX_DIAMETER);
        // A tenth of the size range's diameter for a hundredth of the events.
        let small = MIN_DIAMETER + (MAX_DIAMETER - MIN_DIAMETER) * 0.1;
        assert!((s.diameter(1.0) - small).abs() < 1e-9);
        let vp = Viewport {
            x0: s.x_domain[0],
            x1: s.x_domain[1],
            width: 400.0,
            height: 200.0,
        };
        let l = s.layout(&vp);
        assert_eq!(l.len(), 4);
        // Largest first: the 100-event cluster, row 0, series 1.
        assert_eq!(
            &l.marks[2..7],
            &[MAX_DIAMETER, MAX_DIAMETER, 100.0, 0.0, 1.0]
        );
        // x grows to the right, y upwards.
        let mark = |row: f64| {
            l.marks
                .chunks(super::super::MARK_STRIDE)
                .find(|m| m[5] == row)
                .unwrap()
                .to_vec()
        };
        assert!(mark(3.0)[0] > mark(2.0)[0]);
        assert!(mark(3.0)[1] < mark(0.0)[1]);
        assert!(l.x_ticks.iter().any(|t| t.label.contains("000")));
        assert_eq!(l.events_in_view, 106);
    }

    #[test]
    fn a_zoomed_window_keeps_only_its_points() {
        let mut w = Vec::new();
        let s = build(&data(CLUSTERS), &opts("pathScore", "ClusterSize"), &mut w).unwrap();
        let vp = Viewport {
            x0: 5500.0,
            x1: 8000.0,
            width: 400.0,
            height: 200.0,
        };
        let l = s.layout(&vp);
        let rows: Vec<f64> = l.marks.chunks(7).map(|m| m[5]).collect();
        assert_eq!(rows, vec![1.0, 2.0]);
    }

    #[test]
    fn bad_columns_and_empty_tables_are_named() {
        let mut w = Vec::new();
        let e = build(&data("a,b\nx,1\n"), &opts("a", "b"), &mut w).unwrap_err();
        assert!(e.to_string().contains("\"a\""), "{e}");
        let e = build(&data("a,b\n1,2\n"), &opts("a", "c"), &mut w).unwrap_err();
        assert!(e.to_string().contains("\"c\""), "{e}");
        let e = build(&data("a,b\n"), &opts("a", "b"), &mut w).unwrap_err();
        assert!(e.to_string().contains("empty"), "{e}");
        let mut o = opts("a", "b");
        o.cluster_column = Some("Cluster".into());
        let e = build(&data("a,b\n1,2\n"), &o, &mut w).unwrap_err();
        assert!(e.to_string().contains("Cluster"), "{e}");
        // Rows without a number are left out, and said so.
        let s = build(&data("a,b\n1,2\n,3\n"), &opts("a", "b"), &mut w).unwrap();
        assert_eq!(s.labels, vec!["rows"]);
        assert!(!s.has_noise);
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("1 rows"), "{w:?}");
    }

    #[test]
    fn a_single_row_gets_a_domain() {
        let mut w = Vec::new();
        let s = build(&data("a,b\n5,5\n"), &opts("a", "b"), &mut w).unwrap();
        assert!(
            s.x_domain[0] < 5.0 && s.x_domain[1] > 5.0,
            "{:?}",
            s.x_domain
        );
    }
}
