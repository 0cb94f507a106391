//! Event clustering and outliers for JS: a table in; the cluster rows and
//! the outlier rows (Arrow IPC) and per-row labels, scores and flags out.

use huntkit_core::cluster::{cluster_table, ClusterOptions};
use huntkit_core::{self as core};
use js_sys::{Array, Float64Array, Int32Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::options;

fn set(target: &Object, key: &str, value: &JsValue) {
    // Setting a property on a plain new object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// Computes MSTICPy's process features of the table (`format`: `auto`,
/// `csv`, `json`, `ndjson`, `arrow`), clusters the events with DBSCAN on
/// the row-normalised `features` and scores them with a seeded isolation
/// forest (the same seed gives the same flags as `huntkit cluster`).
/// Returns `{clusters, outliers, labels, scores, isOutlier, clusterCount,
/// features, points}` (see `ClusterEventsResult`).
#[wasm_bindgen(js_name = clusterEvents, unchecked_return_type = "ClusterEventsResult")]
pub fn cluster_events(
    data: &[u8],
    format: &str,
    #[wasm_bindgen(unchecked_param_type = "ClusterOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsValue> {
    let options: ClusterOptions = options::parse(options)?;
    let run = || -> core::Result<(Vec<u8>, Vec<u8>, core::cluster::ClusterResult)> {
        let result = cluster_table(&core::Table::read_named(data, format)?, &options)?;
        Ok((
            result.clusters.to_arrow_ipc()?,
            result.outlier_frame.to_arrow_ipc()?,
            result,
        ))
    };
    let (clusters, outliers, result) = run().map_err(|e| errors::to_js(&e))?;
    let out = Object::new();
    set(
        &out,
        "clusters",
        &Uint8Array::from(clusters.as_slice()).into(),
    );
    set(
        &out,
        "outliers",
        &Uint8Array::from(outliers.as_slice()).into(),
    );
    // Labels fit i32: there are fewer clusters than rows.
    let labels: Vec<i32> = result.labels.iter().map(|&l| l as i32).collect();
    set(&out, "labels", &Int32Array::from(labels.as_slice()).into());
    let o = &result.outliers;
    set(
        &out,
        "scores",
        &Float64Array::from(o.scores.as_slice()).into(),
    );
    set(
        &out,
        "pathLengths",
        &Float64Array::from(o.path_lengths.as_slice()).into(),
    );
    let flags: Vec<u8> = o.is_outlier.iter().map(|&b| u8::from(b)).collect();
    set(
        &out,
        "isOutlier",
        &Uint8Array::from(flags.as_slice()).into(),
    );
    set(
        &out,
        "clusterCount",
        &JsValue::from(result.cluster_count as u32),
    );
    let names: Array = result
        .features
        .names
        .iter()
        .map(|n| JsValue::from_str(n))
        .collect();
    set(&out, "features", &names.into());
    set(
        &out,
        "points",
        &Float64Array::from(result.features.values.as_slice()).into(),
    );
    Ok(out.into())
}
