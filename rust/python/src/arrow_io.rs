//! Tables across the boundary as Arrow: in through `__arrow_c_stream__`
//! (the buffers are shared, not copied; batches are joined only when there
//! are several, column by column), out as a `pyarrow.RecordBatch`.

use std::sync::Arc;

use arrow_array::{new_empty_array, Array, ArrayRef, RecordBatch, RecordBatchOptions};
use arrow_pyarrow::{FromPyArrow, ToPyArrow};
use arrow_schema::SchemaRef;
use arrow_select::concat::concat;
use huntkit_core::{Frame, Table};
use pyo3::prelude::*;

use crate::errors;
use crate::jobs;

/// Rows from which chunks are joined on two threads (below this, starting
/// one costs more than it saves).
const PARALLEL_ROWS: usize = 20_000;

/// The record batches of `data` (anything with `__arrow_c_stream__`, or a
/// pyarrow reader), one batch.
pub(crate) fn batch_in(data: &Bound<'_, PyAny>) -> PyResult<RecordBatch> {
    let chunks = Chunks::new(data)?;
    chunks.batch(&(0..chunks.schema.fields().len()).collect::<Vec<_>>())
}

/// A table as it crossed the boundary: its record batches, not joined yet
/// (their buffers are shared with Python), so a caller joins only the
/// columns it needs whole.
pub(crate) struct Chunks {
    pub(crate) schema: SchemaRef,
    pub(crate) batches: Vec<RecordBatch>,
}

impl Chunks {
    pub(crate) fn new(data: &Bound<'_, PyAny>) -> PyResult<Chunks> {
        let (batches, schema) = arrow_pyarrow::Table::from_pyarrow_bound(data)?.into_inner();
        Ok(Chunks { schema, batches })
    }

    /// The column names, in order.
    pub(crate) fn names(&self) -> Vec<String> {
        self.schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect()
    }

    /// Columns `columns`, each joined into one array (on two threads
    /// for a large table: a DataFrame's text columns come in chunks).
    pub(crate) fn join(&self, columns: &[usize]) -> PyResult<Vec<ArrayRef>> {
        let rows: usize = self.batches.iter().map(RecordBatch::num_rows).sum();
        let join = |k: usize| {
            let j = columns[k];
            match self.batches.as_slice() {
                [] => Ok(new_empty_array(self.schema.field(j).data_type())),
                [one] => Ok(one.column(j).clone()),
                many => {
                    let parts: Vec<&dyn Array> =
                        many.iter().map(|b| b.column(j).as_ref()).collect();
                    concat(&parts).map_err(|e| {
                        let name = self.schema.field(j).name();
                        errors::error(
                            &format!("cannot join the chunks of column {name:?}: {e}"),
                            "parse",
                        )
                    })
                }
            }
        };
        let beside = self.batches.len() > 1 && rows >= PARALLEL_ROWS;
        jobs::run(columns.len(), beside, join).into_iter().collect()
    }

    /// Columns `columns` joined, as one batch.
    pub(crate) fn batch(&self, columns: &[usize]) -> PyResult<RecordBatch> {
        let schema = self
            .schema
            .project(columns)
            .map_err(|e| errors::error(&e.to_string(), "parse"))?;
        batch_of(Arc::new(schema), self.join(columns)?)
    }
}

/// A batch of `columns` (one per field of `schema`).
fn batch_of(schema: SchemaRef, columns: Vec<ArrayRef>) -> PyResult<RecordBatch> {
    let rows = columns.first().map_or(0, |c| c.len());
    RecordBatch::try_new_with_options(
        schema,
        columns,
        &RecordBatchOptions::new().with_row_count(Some(rows)),
    )
    .map_err(|e| errors::error(&format!("cannot assemble the table: {e}"), "parse"))
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

/// A core frame as an Arrow batch (done with the GIL released), its
/// buffers moved, not copied.
pub(crate) fn frame_batch(frame: Frame) -> PyResult<RecordBatch> {
    frame.into_record_batch().map_err(errors::core)
}
