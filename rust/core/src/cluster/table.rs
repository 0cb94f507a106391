//! Clustering and outliers over a table, with one flat options object that
//! the CLI's flags and the wasm facade's JS object both map onto; results
//! as MSTICPy's `dbcluster_events` frames.

use serde::{Deserialize, Serialize};

use super::dbscan::{dbscan, l2_normalize, NOISE};
use super::features::{FeatureColumns, FeatureMatrix, ProcessFeatures, DEFAULT_FEATURES};
use super::outliers::{isolation_forest, OutlierOptions, Outliers};
use crate::error::{Error, ErrorKind, Result};
use crate::table::{format_time_ms, Frame, FrameColumn, Table};

/// Clustering options, named like MSTICPy's `dbcluster_events` and
/// `identify_outliers` parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterOptions {
    /// Features to cluster on: numeric columns of the table or computed
    /// process features (`PROCESS_FEATURES`).
    pub features: Vec<String>,
    /// DBSCAN `eps`: the largest distance between two neighbours, on
    /// row-normalised features.
    pub max_cluster_distance: f64,
    /// DBSCAN `min_samples`: rows (the row itself included) a core row
    /// needs within `max_cluster_distance`.
    pub min_cluster_samples: usize,
    /// Scale each row to unit length before clustering (MSTICPy does).
    pub normalize: bool,
    /// The time column: first and last event times per cluster.
    pub time_column: String,
    /// The process path column (`pathScore`, `pathHash`, `processName`).
    pub process_column: String,
    /// The command line column (`commandline*` features).
    pub commandline_column: String,
    /// The logon id column (`isSystemSession`).
    pub logon_column: String,
    /// Path separator; `None`: guessed from the first 10 paths.
    pub path_separator: Option<String>,
    /// Isolation forest outliers, on the same (unnormalised) features.
    pub outliers: OutlierOptions,
}

impl Default for ClusterOptions {
    fn default() -> Self {
        let cols = FeatureColumns::default();
        ClusterOptions {
            features: DEFAULT_FEATURES.iter().map(|s| s.to_string()).collect(),
            max_cluster_distance: 0.01,
            min_cluster_samples: 2,
            normalize: true,
            time_column: "TimeGenerated".to_string(),
            process_column: cols.process,
            commandline_column: cols.commandline,
            logon_column: cols.logon,
            path_separator: None,
            outliers: OutlierOptions::default(),
        }
    }
}

/// Clusters, outliers and the features they were computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct ClusterResult {
    /// One row per cluster (its first event) and one per noise event:
    /// `Clustered, ClusterId, ClusterSize, FirstEventTime, LastEventTime,
    /// SourceIndex`, the event's columns, then the process features.
    pub clusters: Frame,
    /// The cluster of every input row (`-1`: noise).
    pub labels: Vec<i64>,
    /// The feature matrix (unnormalised).
    pub features: FeatureMatrix,
    /// Isolation forest scores and flags, one per input row.
    pub outliers: Outliers,
    /// The outlier rows, highest score first: `SourceIndex, OutlierScore,
    /// ClusterId`, the event's columns, then the process features.
    pub outlier_frame: Frame,
    /// Number of clusters (noise excluded).
    pub cluster_count: usize,
}

/// The columns MSTICPy's `add_process_features` adds, after the table's
/// own: one frame column each, for the rows in `rows`.
fn feature_columns(f: &ProcessFeatures, rows: &[usize]) -> Vec<(&'static str, FrameColumn)> {
    let pick_u = |v: &[u64]| FrameColumn::Int64(rows.iter().map(|&r| Some(v[r] as i64)).collect());
    let pick_h =
        |v: &[u32]| FrameColumn::Int64(rows.iter().map(|&r| Some(i64::from(v[r]))).collect());
    let pick_f = |v: &[f64]| FrameColumn::Float64(rows.iter().map(|&r| Some(v[r])).collect());
    let mut out = vec![];
    if let Some(n) = &f.process_name {
        out.push((
            "processName",
            FrameColumn::Utf8(rows.iter().map(|&r| Some(n[r].clone())).collect()),
        ));
    }
    if let Some((score, log, hash)) = &f.path {
        out.push(("pathScore", pick_u(score)));
        out.push(("pathLogScore", pick_f(log)));
        out.push(("pathHash", pick_h(hash)));
    }
    if let Some((len, loglen, tokens, score, hash)) = &f.commandline {
        out.push(("commandlineLen", pick_u(len)));
        out.push(("commandlineLogLen", pick_f(loglen)));
        out.push(("commandlineTokensFull", pick_u(tokens)));
        out.push(("commandlineScore", pick_u(score)));
        out.push(("commandlineTokensHash", pick_h(hash)));
    }
    if let Some(s) = &f.system_session {
        out.push((
            "isSystemSession",
            FrameColumn::Bool(rows.iter().map(|&r| Some(s[r])).collect()),
        ));
    }
    out
}

/// `lead` columns, then the table's columns (as text) and the features
/// (those the table does not already have) for `rows`.
fn frame_of(
    table: &Table,
    f: &ProcessFeatures,
    rows: &[usize],
    lead: Vec<(&'static str, FrameColumn)>,
) -> Frame {
    let mut cols: Vec<(&str, FrameColumn)> = lead;
    for (i, name) in table.names().iter().enumerate() {
        if cols.iter().any(|(n, _)| *n == name.as_str()) {
            continue;
        }
        let c = table.column(i);
        let cells = rows.iter().map(|&r| c.get(r).map(str::to_string)).collect();
        cols.push((name.as_str(), FrameColumn::Utf8(cells)));
    }
    for (name, col) in feature_columns(f, rows) {
        if !cols.iter().any(|(n, _)| *n == name) {
            cols.push((name, col));
        }
    }
    Frame::new(cols)
}

/// Computes the features, clusters the rows (DBSCAN on row-normalised
/// features) and finds outliers (isolation forest on the features).
pub fn cluster_table(table: &Table, options: &ClusterOptions) -> Result<ClusterResult> {
    let n = table.rows();
    if n < 2 {
        return Err(Error::new(ErrorKind::NoRows(format!(
            "clustering needs at least 2 rows, the table has {n}"
        ))));
    }
    let time_col = table.column_index(&options.time_column)?;
    let cols = FeatureColumns {
        process: options.process_column.clone(),
        commandline: options.commandline_column.clone(),
        logon: options.logon_column.clone(),
        path_separator: options.path_separator.clone(),
    };
    let computed = ProcessFeatures::compute(table, &cols);
    let features = FeatureMatrix::build(table, &computed, &options.features)?;
    let dims = features.names.len();
    let mut x = features.values.clone();
    if options.normalize {
        l2_normalize(&mut x, dims);
    }
    let labels = dbscan(
        &x,
        dims,
        options.max_cluster_distance,
        options.min_cluster_samples,
    )?;
    let outliers = isolation_forest(&features.values, dims, &options.outliers)?;

    // Per cluster: size, first row, first and last time (ms).
    let cluster_count = labels.iter().copied().max().map_or(0, |m| (m + 1).max(0)) as usize;
    let mut size = vec![0i64; cluster_count];
    let mut first_row = vec![usize::MAX; cluster_count];
    let mut span: Vec<Option<(i64, i64)>> = vec![None; cluster_count];
    let time = table.column(time_col);
    for (r, &l) in labels.iter().enumerate() {
        if l == NOISE {
            continue;
        }
        let l = l as usize;
        size[l] += 1;
        first_row[l] = first_row[l].min(r);
        if let Some(t) = time.time_ms(r) {
            span[l] = Some(span[l].map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
        }
    }
    // MSTICPy's order: noise rows (label -1) first, then clusters by id.
    let noise: Vec<usize> = (0..n).filter(|&r| labels[r] == NOISE).collect();
    let mut rows = noise.clone();
    rows.extend(&first_row);
    let mut clustered = vec![false; noise.len()];
    clustered.extend(vec![true; cluster_count]);
    let mut ids = vec![NOISE; noise.len()];
    ids.extend(0..cluster_count as i64);
    let mut sizes = vec![1i64; noise.len()];
    sizes.extend(&size);
    // A noise row's times are its own (MSTICPy gives every noise row the
    // earliest and latest time of all noise rows, which says nothing).
    let mut spans: Vec<Option<(i64, i64)>> = noise
        .iter()
        .map(|&r| time.time_ms(r).map(|t| (t, t)))
        .collect();
    spans.extend(span);
    let fmt = |f: fn(&(i64, i64)) -> i64| {
        FrameColumn::Utf8(
            spans
                .iter()
                .map(|s| s.as_ref().map(|s| format_time_ms(f(s))))
                .collect(),
        )
    };
    let lead = vec![
        (
            "Clustered",
            FrameColumn::Bool(clustered.into_iter().map(Some).collect()),
        ),
        (
            "ClusterId",
            FrameColumn::Int64(ids.into_iter().map(Some).collect()),
        ),
        (
            "ClusterSize",
            FrameColumn::Int64(sizes.into_iter().map(Some).collect()),
        ),
        ("FirstEventTime", fmt(|s| s.0)),
        ("LastEventTime", fmt(|s| s.1)),
        (
            "SourceIndex",
            FrameColumn::Int64(rows.iter().map(|&r| Some(r as i64)).collect()),
        ),
    ];
    let clusters = frame_of(table, &computed, &rows, lead);

    let mut flagged: Vec<usize> = (0..n).filter(|&r| outliers.is_outlier[r]).collect();
    flagged.sort_by(|&a, &b| {
        outliers.path_lengths[a]
            .total_cmp(&outliers.path_lengths[b])
            .then(a.cmp(&b))
    });
    let lead = vec![
        (
            "SourceIndex",
            FrameColumn::Int64(flagged.iter().map(|&r| Some(r as i64)).collect()),
        ),
        (
            "OutlierScore",
            FrameColumn::Float64(flagged.iter().map(|&r| Some(outliers.scores[r])).collect()),
        ),
        (
            "ClusterId",
            FrameColumn::Int64(flagged.iter().map(|&r| Some(labels[r])).collect()),
        ),
    ];
    let outlier_frame = frame_of(table, &computed, &flagged, lead);
    Ok(ClusterResult {
        clusters,
        labels,
        features,
        outliers,
        outlier_frame,
        cluster_count,
    })
}

/// The table with MSTICPy's process features added (`add_process_features`):
/// `SourceIndex`, the table's columns, then the features.
pub fn process_features_frame(table: &Table, options: &ClusterOptions) -> Frame {
    let cols = FeatureColumns {
        process: options.process_column.clone(),
        commandline: options.commandline_column.clone(),
        logon: options.logon_column.clone(),
        path_separator: options.path_separator.clone(),
    };
    let computed = ProcessFeatures::compute(table, &cols);
    let rows: Vec<usize> = (0..table.rows()).collect();
    let lead = vec![(
        "SourceIndex",
        FrameColumn::Int64(rows.iter().map(|&r| Some(r as i64)).collect()),
    )];
    frame_of(table, &computed, &rows, lead)
}
