//! huntkit's core as a Python extension module, `huntkit._core`.
//!
//! It only converts, like the wasm facade: tables arrive through the Arrow
//! C stream interface (`__arrow_c_stream__`: pyarrow, polars, anything
//! that speaks it; no copy of the buffers), options as JSON text that the
//! core's own serde `Options` types read, and results leave as one
//! `pyarrow.RecordBatch` per call (the core's [`Frame`](huntkit_core::Frame)).
//! Nothing is converted row by row into Python objects. Work runs with the
//! GIL released, and every core error or panic becomes a
//! `huntkit.HuntkitError` with the CLI's message ([`errors`]).
//!
//! The friendly API (pandas in and out, MSTICPy's parameter names, the
//! `df.huntkit` accessor) is the Python package around it:
//! `jupyterlab-ext/helper/huntkit/analysis.py`.

#![deny(missing_docs)]

mod analyses;
mod arrow_io;
mod cluster;
mod entities;
mod errors;
mod jobs;
mod nested;
mod tree;
mod tree_rows;

use pyo3::prelude::*;

/// Rust's allocations in this module (result buffers, a build's scratch)
/// come from mimalloc, which keeps freed memory for the next call: with
/// glibc's malloc each call's tens of MB were mapped fresh and faulted in
/// page by page. pyarrow's and Python's own allocations are untouched.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The module `huntkit._core`.
#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("HuntkitError", m.py().get_type::<errors::HuntkitError>())?;
    m.add_function(wrap_pyfunction!(analyses::ioc_text, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::ioc_table, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::decode_text, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::decode_table, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::sessionize, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::score_sessions, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::timeseries, m)?)?;
    m.add_function(wrap_pyfunction!(analyses::anomaly_periods, m)?)?;
    m.add_function(wrap_pyfunction!(cluster::cluster_events, m)?)?;
    m.add_function(wrap_pyfunction!(tree::build_process_tree, m)?)?;
    m.add_class::<tree::ProcessTreeHandle>()?;
    m.add_function(wrap_pyfunction!(errors::panic_check, m)?)?;
    m.add_function(wrap_pyfunction!(entities::entity_graph_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(entities::entity_graph_from_table, m)?)?;
    m.add_class::<entities::EntityGraphHandle>()?;
    Ok(())
}
