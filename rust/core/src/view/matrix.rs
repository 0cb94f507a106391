//! The matrix: two categorical columns as a grid of circles, each sized by
//! the rows of that pair (or a total or distinct count of `value_col`), as
//! MSTICPy's `plot_matrix`.

use std::collections::{HashMap, HashSet};

use crate::error::{Error, ErrorKind, Result};

use super::options::SortOrder;
use super::scale::Tick;
use super::{DataSet, Layout, MarkRows, ViewOptions, Viewport};
use crate::table::Categories;

/// A laid-out grid: categories per axis and the non-empty cells.
#[derive(Debug, Clone)]
pub(crate) struct Matrix {
    pub x_labels: Vec<String>,
    pub y_labels: Vec<String>,
    pub cells: Vec<Cell>,
    pub max_value: f64,
    pub min_value: f64,
    log_size: bool,
    invert: bool,
}

/// One non-empty (x, y) pair.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub x: usize,
    pub y: usize,
    pub value: f64,
    pub rows: Vec<u32>,
}

/// Cuts a label to `max` characters, marking the cut.
fn cut(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        return label.to_string();
    }
    let mut s: String = label.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// Positions of categories after sorting by their totals.
fn order(cats: &Categories, totals: &[f64], sort: SortOrder) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..cats.labels.len()).collect();
    match sort {
        SortOrder::None => {}
        SortOrder::Asc => idx.sort_by(|&a, &b| totals[a].total_cmp(&totals[b])),
        SortOrder::Desc => idx.sort_by(|&a, &b| totals[b].total_cmp(&totals[a])),
    }
    let mut pos = vec![0; idx.len()];
    for (p, &i) in idx.iter().enumerate() {
        pos[i] = p;
    }
    pos
}

/// Builds the grid from the first data set.
pub(crate) fn build(datasets: &[DataSet], options: &ViewOptions) -> Result<Matrix> {
    let ds = datasets
        .first()
        .ok_or_else(|| Error::option("data", "a matrix needs a data set"))?;
    let t = &ds.table;
    let x_name = options
        .x
        .as_deref()
        .ok_or_else(|| Error::option("x", "a matrix needs an x column"))?;
    let y_name = options
        .y
        .as_deref()
        .ok_or_else(|| Error::option("y", "a matrix needs a y column"))?;
    let xc = t.categories(t.column_index(x_name)?);
    let yc = t.categories(t.column_index(y_name)?);
    if options.dist_count && options.value_col.is_none() {
        return Err(Error::option(
            "dist_count",
            "needs value_col, the column whose distinct values are counted",
        ));
    }
    let values = match &options.value_col {
        Some(v) if !options.dist_count => Some(t.numbers(t.column_index(v)?)?),
        _ => None,
    };
    let distinct = match &options.value_col {
        Some(v) if options.dist_count => Some(t.categories(t.column_index(v)?)),
        _ => None,
    };
    let mut index: HashMap<(u32, u32), usize> = HashMap::new();
    let mut cells: Vec<Cell> = Vec::new();
    let mut seen: Vec<HashSet<u32>> = Vec::new();
    for row in 0..t.rows() {
        let key = (xc.codes[row], yc.codes[row]);
        let c = *index.entry(key).or_insert_with(|| {
            cells.push(Cell {
                x: key.0 as usize,
                y: key.1 as usize,
                value: 0.0,
                rows: Vec::new(),
            });
            seen.push(HashSet::new());
            cells.len() - 1
        });
        let cell = &mut cells[c];
        cell.rows.push(row as u32);
        match (&values, &distinct) {
            (Some(v), _) => {
                if !v[row].is_nan() {
                    cell.value += v[row];
                }
            }
            (_, Some(d)) => {
                if seen[c].insert(d.codes[row]) {
                    cell.value += 1.0;
                }
            }
            _ => cell.value += 1.0,
        }
    }
    if cells.is_empty() {
        return Err(Error::new(ErrorKind::NoRows(
            "the table is empty: there is no matrix to draw".into(),
        )));
    }
    let mut x_tot = vec![0.0; xc.labels.len()];
    let mut y_tot = vec![0.0; yc.labels.len()];
    for c in &cells {
        x_tot[c.x] += c.value;
        y_tot[c.y] += c.value;
    }
    let xp = order(&xc, &x_tot, options.sort_order("x")?);
    let yp = order(&yc, &y_tot, options.sort_order("y")?);
    let max_len = options.max_label_len.unwrap_or(25);
    let place = |cats: &Categories, pos: &[usize]| {
        let mut labels = vec![String::new(); cats.labels.len()];
        for (i, l) in cats.labels.iter().enumerate() {
            labels[pos[i]] = cut(l, max_len);
        }
        labels
    };
    let (x_labels, y_labels) = (place(&xc, &xp), place(&yc, &yp));
    for c in &mut cells {
        c.x = xp[c.x];
        c.y = yp[c.y];
    }
    let max_value = cells
        .iter()
        .map(|c| c.value)
        .fold(f64::NEG_INFINITY, f64::max);
    let min_value = cells.iter().map(|c| c.value).fold(f64::INFINITY, f64::min);
    Ok(Matrix {
        x_labels,
        y_labels,
        cells,
        max_value,
        min_value,
        log_size: options.log_size,
        invert: options.invert,
    })
}

impl Matrix {
    /// A cell's circle diameter as a fraction (0–1] of the cell: area
    /// proportional to the value (or its log), reversed with `invert`.
    pub(crate) fn size(&self, value: f64) -> f64 {
        let f = |v: f64| {
            if self.log_size {
                (v.max(0.0)).ln_1p()
            } else {
                v.max(0.0)
            }
        };
        let (lo, hi) = (f(self.min_value), f(self.max_value));
        let mut frac = if hi > 0.0 { f(value) / hi } else { 1.0 };
        if self.invert {
            frac = if hi > 0.0 {
                (hi - f(value) + lo) / hi
            } else {
                1.0
            };
        }
        frac.clamp(0.0, 1.0).sqrt().max(0.08)
    }

    /// One circle per non-empty cell; category ticks at cell centres.
    pub(crate) fn layout(&self, vp: &Viewport) -> Layout {
        let (nx, ny) = (
            self.x_labels.len().max(1) as f64,
            self.y_labels.len().max(1) as f64,
        );
        let (cw, ch) = (vp.width / nx, vp.height / ny);
        let d_max = cw.min(ch) * 0.9;
        let x_ticks = self
            .x_labels
            .iter()
            .enumerate()
            .map(|(i, l)| Tick {
                px: cw * (i as f64 + 0.5),
                value: i as f64,
                label: l.clone(),
            })
            .collect();
        let y_ticks = self
            .y_labels
            .iter()
            .enumerate()
            .map(|(i, l)| Tick {
                px: ch * (i as f64 + 0.5),
                value: i as f64,
                label: l.clone(),
            })
            .collect();
        let mut out = Layout {
            x_ticks,
            y_ticks,
            ..Layout::default()
        };
        for (i, c) in self.cells.iter().enumerate() {
            let d = d_max * self.size(c.value);
            out.events_in_view += c.rows.len();
            out.push_mark(
                [
                    cw * (c.x as f64 + 0.5),
                    ch * (c.y as f64 + 0.5),
                    d,
                    d,
                    c.value,
                    f64::from(c.rows.first().copied().unwrap_or(0)),
                    0.0,
                ],
                MarkRows::Group(i as u32),
            );
        }
        out
    }
}
