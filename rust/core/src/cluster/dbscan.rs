//! DBSCAN as scikit-learn's `DBSCAN` (Euclidean, `eps` inclusive,
//! `min_samples` counting the point itself), over the distinct rows with
//! their counts as sample weights.
//!
//! Why not `linfa-clustering`'s `Dbscan`: it builds here for native and
//! wasm32, but has no sample weights, so each of thousands of identical
//! process events queries the index again and gets all the others back:
//! quadratic on the data hunters cluster most. Distinct rows with weights
//! give the same labels (a point's neighbourhood weight is its neighbour
//! count) at the cost of the distinct rows only. Range queries use the
//! `kdtree` crate, the index `linfa-nn` uses.

use std::collections::{HashMap, VecDeque};

use kdtree::distance::squared_euclidean;
use kdtree::KdTree;

use crate::error::{Error, Result};

/// Noise: the label of a row in no cluster (scikit-learn's `-1`).
pub const NOISE: i64 = -1;

/// Divides each row by its Euclidean norm (scikit-learn's `Normalizer`,
/// `norm="l2"`); an all-zero row stays zero.
pub fn l2_normalize(values: &mut [f64], dims: usize) {
    for row in values.chunks_mut(dims.max(1)) {
        let norm = row.iter().fold(0.0, |s, x| s + x * x).sqrt();
        if norm != 0.0 {
            row.iter_mut().for_each(|x| *x /= norm);
        }
    }
}

/// Cluster labels (0, 1, …, numbered by their first row, as scikit-learn
/// numbers them) or [`NOISE`], one per row of the row-major `values`.
pub fn dbscan(values: &[f64], dims: usize, eps: f64, min_samples: usize) -> Result<Vec<i64>> {
    if !(eps.is_finite() && eps > 0.0) {
        return Err(Error::option(
            "max_cluster_distance",
            format!("{eps} is not a positive distance"),
        ));
    }
    if min_samples == 0 {
        return Err(Error::option("min_cluster_samples", "must be at least 1"));
    }
    if dims == 0 || values.is_empty() {
        return Ok(vec![]);
    }
    if let Some(i) = values.iter().position(|v| !v.is_finite()) {
        return Err(Error::option(
            "features",
            format!("row {} has a value that is not finite", i / dims),
        ));
    }
    // Distinct rows in order of first appearance, and which one each row is.
    let mut index: HashMap<Vec<u64>, usize> = HashMap::new();
    let mut distinct: Vec<&[f64]> = vec![];
    let mut weight: Vec<usize> = vec![];
    let of_row: Vec<usize> = values
        .chunks(dims)
        .map(|row| {
            // +0.0 and -0.0 are the same point.
            let key = row.iter().map(|x| (x + 0.0).to_bits()).collect();
            let next = distinct.len();
            let id = *index.entry(key).or_insert(next);
            if id == next {
                distinct.push(row);
                weight.push(0);
            }
            weight[id] += 1;
            id
        })
        .collect();
    let mut tree = KdTree::with_capacity(dims, distinct.len());
    for (i, row) in distinct.iter().enumerate() {
        tree.add(*row, i)
            .map_err(|e| Error::option("features", format!("{e:?}")))?;
    }
    let eps2 = eps * eps;
    let neighbours = |i: usize| -> Vec<usize> {
        tree.within(distinct[i], eps2, &squared_euclidean)
            .map(|v| v.into_iter().map(|(_, &j)| j).collect())
            .unwrap_or_default()
    };
    let is_core = |n: &[usize]| n.iter().map(|&j| weight[j]).sum::<usize>() >= min_samples;

    let mut label = vec![NOISE; distinct.len()];
    let mut queued = vec![false; distinct.len()];
    let mut queue = VecDeque::new();
    let mut next = 0i64;
    for i in 0..distinct.len() {
        if label[i] != NOISE {
            continue;
        }
        let n = neighbours(i);
        if !is_core(&n) {
            continue;
        }
        label[i] = next;
        queued[i] = true;
        queue.extend(n.into_iter().filter(|&j| label[j] == NOISE && !queued[j]));
        queue.iter().for_each(|&j| queued[j] = true);
        // Every point reachable from a core point joins; a border point
        // stays with the first cluster that reached it.
        while let Some(j) = queue.pop_front() {
            label[j] = next;
            let n = neighbours(j);
            if is_core(&n) {
                for k in n {
                    if label[k] == NOISE && !queued[k] {
                        queued[k] = true;
                        queue.push_back(k);
                    }
                }
            }
        }
        next += 1;
    }
    Ok(of_row.into_iter().map(|d| label[d]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_count_toward_min_samples() {
        // Two identical rows form a cluster with min_samples 2; a lone row
        // far away is noise; with min_samples 3 the pair is noise too.
        let v = [1.0, 0.0, 1.0, 0.0, 0.0, 1.0];
        assert_eq!(dbscan(&v, 2, 0.01, 2).unwrap(), [0, 0, NOISE]);
        assert_eq!(dbscan(&v, 2, 0.01, 3).unwrap(), [NOISE; 3]);
    }

    #[test]
    fn chains_and_border_points_follow_scikit_learn() {
        // 0-1-2 chained at 0.5 apart with eps 0.6: one cluster; 3 is noise;
        // 4,5 a second cluster numbered after the first.
        let v = [0.0, 0.5, 1.0, 5.0, 9.0, 9.1];
        assert_eq!(dbscan(&v, 1, 0.6, 2).unwrap(), [0, 0, 0, NOISE, 1, 1]);
        // min_samples 3: 1 is core (0, 1, 2), 0 and 2 border points.
        assert_eq!(
            dbscan(&v, 1, 0.6, 3).unwrap(),
            [0, 0, 0, NOISE, NOISE, NOISE]
        );
        // eps is inclusive, as scikit-learn's radius query.
        assert_eq!(dbscan(&[0.0, 0.5], 1, 0.5, 2).unwrap(), [0, 0]);
    }

    #[test]
    fn normalizes_like_scikit_learn() {
        let mut v = [3.0, 4.0, 0.0, 0.0];
        l2_normalize(&mut v, 2);
        assert_eq!(v, [0.6, 0.8, 0.0, 0.0]);
    }

    #[test]
    fn bad_options_are_errors() {
        assert!(dbscan(&[1.0], 1, 0.0, 2).is_err());
        assert!(dbscan(&[1.0], 1, 0.1, 0).is_err());
        assert!(dbscan(&[f64::NAN], 1, 0.1, 2).is_err());
    }
}
