//! The WebAssembly facade over `huntkit-core`.
//!
//! It only converts: JS values in (options as plain objects, text as
//! strings, files as `Uint8Array`), core calls, JS values out. Errors become
//! a JS `Error` with a `kind` property in one place ([`errors`]). The
//! TypeScript shapes of options and results sit in [`types`] beside a test
//! that fails when they drift from what the core serializes.

#![deny(missing_docs)]

mod cluster;
mod decode;
mod entities;
mod entity_graph;
mod errors;
mod geo;
mod heap;
mod ioc;
mod lookup;
mod options;
mod panic;
mod proctree;
mod proctree_view;
mod queries;
mod rows_table;
mod sessions;
mod siem;
mod timeseries;
#[cfg(test)]
mod ts_drift;
mod types;
mod view;

use wasm_bindgen::prelude::*;

pub use cluster::cluster_events;
pub use decode::decode_text;
pub use entities::EntityGraph;
pub use entity_graph::{layout_graph, EntityGraphView, ForceLayoutRun};
pub use geo::GeoDatabase;
pub use ioc::{extract_ioc_table, ioc_types, IocScanner};
pub use lookup::{finish_lookups, lookup_providers, lookup_retry_delay, plan_lookups, LookupCache};
pub use panic::{debug_panic, install_panic_hook};
pub use proctree::{build_process_tree, process_tree_summary};
pub use proctree_view::ProcessTreeView;
pub use queries::{parse_time_expression, time_span, QueryLibrary};
pub use sessions::{score_sessions, SessionModel};
pub use siem::{siem_providers, SiemRun};
pub use timeseries::timeseries_anomalies;
pub use view::{table_columns, ChartView};

/// The huntkit version this module was built from.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}
