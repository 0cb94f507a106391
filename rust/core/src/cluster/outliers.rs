//! Isolation forest outliers as scikit-learn's `IsolationForest` builds
//! them (MSTICPy's `identify_outliers`): random subsamples, random features
//! per tree, random splits, path length scored against the average path of
//! an unsuccessful binary-search-tree search.
//!
//! A small module rather than a crate: the Rust isolation-forest crates
//! draw from `rand`'s thread or OS generators, and the result has to be the
//! same, seeded, in the CLI and in the browser. Every decision here uses
//! only IEEE arithmetic (no `ln`/`exp`, whose last bit differs between the
//! native and the wasm maths libraries): a seeded xoshiro256++ stream,
//! uniform splits, and harmonic numbers summed, not approximated by `ln`.

use rand_xoshiro::rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// Isolation forest options, named like MSTICPy's `identify_outliers`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OutlierOptions {
    /// Expected share of outliers, in (0, 0.5]: the rows whose score is in
    /// this top share are flagged.
    pub contamination: f64,
    /// Rows per tree: a count, or a fraction of the rows when in (0, 1);
    /// `None`: min(100, rows), MSTICPy's default.
    pub max_samples: Option<f64>,
    /// Features per tree: a count, or a fraction when in (0, 1); `None`:
    /// floor(sqrt(features)), MSTICPy's default.
    pub max_features: Option<f64>,
    /// Number of trees.
    pub n_estimators: usize,
    /// Seed of the random stream: the same seed gives the same outliers on
    /// every host.
    pub seed: u64,
}

impl Default for OutlierOptions {
    fn default() -> Self {
        OutlierOptions {
            contamination: 0.05,
            max_samples: None,
            max_features: None,
            n_estimators: 100,
            seed: 42,
        }
    }
}

/// Scores and flags, one per row.
#[derive(Debug, Clone, PartialEq)]
pub struct Outliers {
    /// Anomaly score in (0, 1]; higher is more isolated (scikit-learn's
    /// `-score_samples`).
    pub scores: Vec<f64>,
    /// Mean path length over the trees (what the flags are decided on).
    pub path_lengths: Vec<f64>,
    /// Whether the row is an outlier.
    pub is_outlier: Vec<bool>,
}

/// A uniform draw in [0, 1) from the top 53 bits.
fn uniform(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A uniform index below `n` (n > 0), by rejection (no modulo bias).
fn below(rng: &mut Xoshiro256PlusPlus, n: usize) -> usize {
    let n = n as u64;
    let zone = u64::MAX - u64::MAX % n;
    loop {
        let x = rng.next_u64();
        if x < zone {
            return (x % n) as usize;
        }
    }
}

/// The first `k` of a seeded Fisher–Yates shuffle of 0..n.
fn sample(rng: &mut Xoshiro256PlusPlus, n: usize, k: usize) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..n).collect();
    for i in 0..k.min(n) {
        let j = i + below(rng, n - i);
        idx.swap(i, j);
    }
    idx.truncate(k);
    idx
}

/// c(n) for every n up to `max`: the average path length of an
/// unsuccessful search in a binary search tree of n points
/// (2·H(n−1) − 2(n−1)/n; 1 for n = 2; 0 below), with the harmonic numbers
/// summed term by term so every host gets the same bits.
fn average_path_table(max: usize) -> Vec<f64> {
    let mut c = vec![0.0; max + 1];
    let mut h = 0.0; // H(n-1)
    for (n, c) in c.iter_mut().enumerate().skip(2) {
        h += 1.0 / (n - 1) as f64;
        *c = if n == 2 {
            1.0
        } else {
            2.0 * h - 2.0 * (n - 1) as f64 / n as f64
        };
    }
    c
}

enum Node {
    Leaf(usize),
    Split {
        feature: usize,
        threshold: f64,
        left: Box<Node>,
        right: Box<Node>,
    },
}

struct Builder<'a> {
    values: &'a [f64],
    dims: usize,
    features: Vec<usize>,
    max_depth: usize,
}

impl Builder<'_> {
    fn build(&self, rng: &mut Xoshiro256PlusPlus, rows: &mut [usize], depth: usize) -> Node {
        if depth >= self.max_depth || rows.len() <= 1 {
            return Node::Leaf(rows.len());
        }
        let at = |r: usize, f: usize| self.values[r * self.dims + f];
        // Features in random order; the first that is not constant here
        // splits (scikit-learn's extra-tree splitter skips constant ones).
        let mut order = self.features.clone();
        for i in 0..order.len() {
            let j = i + below(rng, order.len() - i);
            order.swap(i, j);
        }
        for feature in order {
            let (lo, hi) = rows
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &r| {
                    (lo.min(at(r, feature)), hi.max(at(r, feature)))
                });
            if lo >= hi {
                continue;
            }
            let mut threshold = lo + uniform(rng) * (hi - lo);
            if threshold >= hi {
                threshold = lo;
            }
            // Partition: left ≤ threshold (never empty: it has `lo`),
            // right > threshold (never empty: it has `hi`).
            let mut split = 0;
            for i in 0..rows.len() {
                if at(rows[i], feature) <= threshold {
                    rows.swap(i, split);
                    split += 1;
                }
            }
            let (l, r) = rows.split_at_mut(split);
            return Node::Split {
                feature,
                threshold,
                left: Box::new(self.build(rng, l, depth + 1)),
                right: Box::new(self.build(rng, r, depth + 1)),
            };
        }
        Node::Leaf(rows.len())
    }
}

fn path_length(node: &Node, row: &[f64], c: &[f64]) -> f64 {
    let mut node = node;
    let mut depth = 0.0;
    loop {
        match node {
            Node::Leaf(n) => return depth + c[*n],
            Node::Split {
                feature,
                threshold,
                left,
                right,
            } => {
                node = if row[*feature] <= *threshold {
                    left
                } else {
                    right
                };
                depth += 1.0;
            }
        }
    }
}

/// A count from a count-or-fraction option: a value in (0, 1) is a share of
/// `total`, anything else a count of at most `total`.
fn count_of(name: &str, value: f64, total: usize) -> Result<usize> {
    if !(value.is_finite() && value > 0.0) {
        return Err(Error::option(
            name,
            format!("{value} is not a positive count or fraction"),
        ));
    }
    let n = if value < 1.0 {
        (value * total as f64) as usize
    } else {
        (value as usize).min(total)
    };
    Ok(n.max(1))
}

/// Fits a forest on the row-major `values` (`dims` per row) and scores
/// every row.
pub fn isolation_forest(values: &[f64], dims: usize, options: &OutlierOptions) -> Result<Outliers> {
    let c = options.contamination;
    if !(c > 0.0 && c <= 0.5) {
        return Err(Error::option(
            "contamination",
            format!("{c} is not in (0, 0.5]"),
        ));
    }
    if options.n_estimators == 0 {
        return Err(Error::option("n_estimators", "must be at least 1"));
    }
    let rows = values.len().checked_div(dims).unwrap_or(0);
    if rows < 2 {
        return Err(Error::new(crate::error::ErrorKind::NoRows(format!(
            "outliers need at least 2 rows, the table has {rows}"
        ))));
    }
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(Error::option(
            "features",
            format!("row {} has a value that is not finite", i / dims),
        ));
    }
    let n_samples = match options.max_samples {
        None => rows.min(100),
        Some(v) => count_of("max_samples", v, rows)?,
    };
    let n_features = match options.max_features {
        None => ((dims as f64).sqrt() as usize).max(1),
        Some(v) => count_of("max_features", v, dims)?,
    };
    // scikit-learn's depth limit: ceil(log2(max_samples)), by integers.
    let max_depth = (usize::BITS - (n_samples.max(2) - 1).leading_zeros()) as usize;
    let table = average_path_table(n_samples);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(options.seed);
    let mut total = vec![0.0; rows];
    for _ in 0..options.n_estimators {
        let features = sample(&mut rng, dims, n_features);
        let mut picked = sample(&mut rng, rows, n_samples);
        let builder = Builder {
            values,
            dims,
            features,
            max_depth,
        };
        let tree = builder.build(&mut rng, &mut picked, 0);
        for (r, t) in total.iter_mut().enumerate() {
            *t += path_length(&tree, &values[r * dims..(r + 1) * dims], &table);
        }
    }
    let n_trees = options.n_estimators as f64;
    let path_lengths: Vec<f64> = total.iter().map(|t| t / n_trees).collect();
    let norm = table[n_samples].max(1.0);
    let scores = path_lengths.iter().map(|h| (-h / norm).exp2()).collect();
    // scikit-learn's offset is the `contamination` percentile (linear
    // interpolation) of the scores; a row is an outlier strictly beyond
    // it. Path length is a monotone function of the score, so the same
    // rows are found by ranks alone, with no transcendental maths.
    let mut sorted = path_lengths.clone();
    sorted.sort_by(f64::total_cmp);
    let pos = c * (rows - 1) as f64;
    let lo = pos.floor() as usize;
    let frac = pos - lo as f64;
    let cut = sorted[lo];
    let inclusive = frac > 0.0 && lo + 1 < rows && sorted[lo + 1] > cut;
    let is_outlier = path_lengths
        .iter()
        .map(|&h| if inclusive { h <= cut } else { h < cut })
        .collect();
    Ok(Outliers {
        scores,
        path_lengths,
        is_outlier,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> Vec<f64> {
        // 200 points on a small grid and two far away.
        let mut v = vec![];
        for i in 0..200 {
            v.push((i % 10) as f64);
            v.push((i / 10) as f64 * 0.5);
        }
        v.extend([100.0, 100.0, -80.0, 50.0]);
        v
    }

    #[test]
    fn far_points_are_the_outliers_and_seeded() {
        let v = data();
        let o = OutlierOptions {
            // The 0.8th percentile of 202 rows lies between the 2nd and 3rd
            // lowest, so exactly two rows are beyond it.
            contamination: 0.008,
            max_features: Some(2.0),
            ..OutlierOptions::default()
        };
        let a = isolation_forest(&v, 2, &o).unwrap();
        let flagged: Vec<usize> = (0..a.is_outlier.len())
            .filter(|&i| a.is_outlier[i])
            .collect();
        assert_eq!(flagged, [200, 201]);
        let grid = a.scores[..200].iter().copied().fold(0.0, f64::max);
        assert!(a.scores[200] > grid && a.scores[201] > grid && grid < 0.7);
        let b = isolation_forest(&v, 2, &o).unwrap();
        assert_eq!(a, b);
        let c = isolation_forest(&v, 2, &OutlierOptions { seed: 7, ..o }).unwrap();
        assert_ne!(a.path_lengths, c.path_lengths);
    }

    #[test]
    fn average_path_matches_the_formula() {
        let t = average_path_table(256);
        assert_eq!((t[0], t[1], t[2]), (0.0, 0.0, 1.0));
        // 2·H(255) − 2·255/256 = 10.24869; scikit-learn's 2(ln 255 + γ) −
        // 2·255/256 = 10.24477 approximates the same sum.
        assert!((t[256] - 10.24869).abs() < 1e-5, "{}", t[256]);
        assert!((t[256] - 10.24477).abs() < 5e-3);
    }

    #[test]
    fn bad_options_are_errors() {
        let v = data();
        let bad = |o: OutlierOptions| isolation_forest(&v, 2, &o).unwrap_err().to_string();
        let d = OutlierOptions::default();
        assert!(bad(OutlierOptions {
            contamination: 0.7,
            ..d.clone()
        })
        .contains("contamination"));
        assert!(bad(OutlierOptions {
            max_samples: Some(-1.0),
            ..d.clone()
        })
        .contains("max_samples"));
        assert!(isolation_forest(&[1.0, 2.0], 2, &d)
            .unwrap_err()
            .to_string()
            .contains("2 rows"));
    }
}
