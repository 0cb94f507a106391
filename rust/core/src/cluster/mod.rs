//! Event clustering and outliers, as MSTICPy's `eventcluster` and
//! `outliers`: from a day of process events, cluster the repetitive and
//! look at what stands alone.
//!
//! - [`features`](ProcessFeatures): MSTICPy's process features
//!   (`pathScore`, `commandlineTokensFull`, `commandlineTokensHash`, …),
//!   value for value.
//! - [`dbscan`]: scikit-learn's DBSCAN on row-normalised features, over
//!   distinct rows weighted by their counts.
//! - [`isolation_forest`]: seeded isolation forest outliers, the same bits
//!   on every host.
//! - [`cluster_table`] / [`ClusterOptions`]: all of it over a table, with
//!   `dbcluster_events`' output rows.

mod dbscan;
mod features;
mod outliers;
mod table;

pub use dbscan::{dbscan, l2_normalize, NOISE};
pub use features::{
    char_ord_score, crc32_hash, delim_count, delim_hash, token_count, FeatureColumns,
    FeatureMatrix, ProcessFeatures, DEFAULT_FEATURES, PROCESS_FEATURES,
};
pub use outliers::{isolation_forest, OutlierOptions, Outliers};
pub use table::{cluster_table, process_features_frame, ClusterOptions, ClusterResult};
