//! Tables across the boundary as Arrow: in through `__arrow_c_stream__`
//! (the buffers are shared, not copied; batches are joined only when there
//! are several), out as a `pyarrow.RecordBatch`.

use arrow_array::RecordBatch;
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use huntkit_core::{Frame, Table};
use pyo3::prelude::*;

use crate::errors;

/// The record batches of `data` (anything with `__arrow_c_stream__`, or a
/// pyarrow reader), one batch.
pub(crate) fn batch_in(data: &Bound<'_, PyAny>) -> PyResult<RecordBatch> {
    let (batches, schema) = arrow_pyarrow::Table::from_pyarrow_bound(data)?.into_inner();
    if batches.len() == 1 {
        return Ok(batches
            .into_iter()
            .next()
            .unwrap_or_else(|| RecordBatch::new_empty(schema)));
    }
    arrow_select::concat::concat_batches(&schema, &batches)
        .map_err(|e| errors::error(&format!("cannot join the table's batches: {e}"), "parse"))
}

/// The core's table over a batch (types kept: times, integers and
/// dictionaries are read from their buffers).
pub(crate) fn table(batch: &RecordBatch) -> Table {
    Table::from_record_batch(batch)
}

/// A result frame as a `pyarrow.RecordBatch`.
pub(crate) fn frame_out(py: Python<'_>, frame: RecordBatch) -> PyResult<Py<PyAny>> {
    Ok(frame.to_pyarrow(py)?.unbind())
}

/// A core frame as an Arrow batch (done with the GIL released).
pub(crate) fn frame_batch(frame: &Frame) -> PyResult<RecordBatch> {
    frame.to_record_batch().map_err(errors::core)
}
