//! Event clustering and outliers over Arrow (MSTICPy's `dbcluster_events`
//! and `identify_outliers`): the core's `cluster_table` with its serde
//! `ClusterOptions`, run without the GIL.

use huntkit_core::cluster::{cluster_table, ClusterOptions};
use pyo3::prelude::*;

use crate::analyses::options;
use crate::arrow_io::{batch_in, frame_batch, frame_out, table};
use crate::errors::{self, detached};

/// What one clustering run returns to Python: the cluster rows, the
/// outlier rows, every input row's cluster id and isolation-forest score,
/// and the number of clusters.
type Clustered = (Py<PyAny>, Py<PyAny>, Vec<i64>, Vec<f64>, usize);

/// Clusters the events with DBSCAN and scores them with a seeded isolation
/// forest. The cluster frame is `Clustered, ClusterId, ClusterSize,
/// FirstEventTime, LastEventTime, SourceIndex`, the event's columns and the
/// process features; the outlier frame `SourceIndex, OutlierScore,
/// ClusterId`, the event's columns and the features, most isolated first.
#[pyfunction]
pub(crate) fn cluster_events(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    options_json: &str,
) -> PyResult<Clustered> {
    let opts: ClusterOptions = options(options_json)?;
    let input = batch_in(data)?;
    let (clusters, outliers, labels, scores, count) = detached(py, move || {
        let r = cluster_table(&table(&input), &opts).map_err(errors::core)?;
        Ok((
            frame_batch(r.clusters)?,
            frame_batch(r.outlier_frame)?,
            r.labels,
            r.outliers.scores,
            r.cluster_count,
        ))
    })?;
    Ok((
        frame_out(py, clusters)?,
        frame_out(py, outliers)?,
        labels,
        scores,
        count,
    ))
}
