//! A process tree's rows as one typed Arrow batch: the caller's own input
//! columns taken in tree order (their Arrow types kept, no text round trip)
//! plus the tree columns.
//!
//! Why here and not in pyarrow: one pass per column that also fills the
//! inferred processes' cells (an `interleave` of the input column and the
//! few fill cells, instead of a `take` and then a copy per filled column),
//! with the GIL released, while a second thread writes the tree columns
//! (the proc keys are as much work as the take).

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, RecordBatch, UInt64Array};
use arrow_schema::{Field, Schema};
use arrow_select::interleave::interleave;
use arrow_select::take::take;
use huntkit_core::{Origin, ProcTree};
use pyo3::PyResult;

use crate::arrow_io::frame_batch;
use crate::errors;

/// The tree's rows: every input column (except the names the tree columns
/// take) in node order, inferred nodes' cells from `fills` (one row per
/// inferred node, in node order, columns named as the input's and of the
/// input column's type; a column not there, or of another type, is null
/// for them), then the tree columns.
pub(crate) fn typed_rows(
    tree: &ProcTree<'_>,
    fills: Option<&RecordBatch>,
) -> PyResult<RecordBatch> {
    let (tree_batch, body) = std::thread::scope(|s| {
        let tree_cols = s.spawn(|| frame_batch(&tree.tree_frame().map_err(errors::core)?));
        let body = input_columns(tree, fills);
        let tree_batch = tree_cols
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (tree_batch, body)
    });
    let (tree_batch, body) = (tree_batch?, body?);
    let tree_names: Vec<&str> = tree_batch
        .schema_ref()
        .fields()
        .iter()
        .map(|f| f.name().as_str())
        .collect();
    let mut fields: Vec<Arc<Field>> = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for (name, array) in body {
        if !tree_names.contains(&name.as_str()) {
            fields.push(Arc::new(Field::new(name, array.data_type().clone(), true)));
            arrays.push(array);
        }
    }
    fields.extend(tree_batch.schema_ref().fields().iter().cloned());
    arrays.extend(tree_batch.columns().iter().cloned());
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| errors::error(&format!("cannot assemble the tree's rows: {e}"), "output"))
}

/// The input columns in node order (see [`typed_rows`]).
fn input_columns(
    tree: &ProcTree<'_>,
    fills: Option<&RecordBatch>,
) -> PyResult<Vec<(String, ArrayRef)>> {
    let nodes = tree.nodes();
    let table = tree.table();
    // Event rows by `take` (null for inferred nodes) ...
    let rows: UInt64Array = nodes
        .iter()
        .map(|n| match n.origin {
            Origin::Event(row) => Some(row as u64),
            _ => None,
        })
        .collect();
    // ... or, for a column with fill cells, by `interleave`: (0, row) from
    // the input, (1, k) from the k-th fill row.
    let mut inferred = 0;
    let sources: Vec<(usize, usize)> = nodes
        .iter()
        .map(|n| match n.origin {
            Origin::Event(row) => (0, row),
            _ => {
                inferred += 1;
                (1, inferred - 1)
            }
        })
        .collect();
    let fill_of: HashMap<&str, &ArrayRef> = match fills {
        Some(f) if f.num_rows() == inferred => f
            .schema_ref()
            .fields()
            .iter()
            .map(|fd| fd.name().as_str())
            .zip(f.columns())
            .collect(),
        _ => HashMap::new(),
    };
    let mut out = Vec::with_capacity(table.names().len());
    for (j, name) in table.names().iter().enumerate() {
        let input = table.column(j).array();
        let fill = fill_of
            .get(name.as_str())
            .filter(|f| f.data_type() == input.data_type());
        let taken = match fill {
            Some(f) => interleave(&[input.as_ref(), f.as_ref()], &sources),
            None => take(input.as_ref(), &rows, None),
        }
        .map_err(|e| {
            errors::error(
                &format!("cannot take the rows of column {name:?}: {e}"),
                "output",
            )
        })?;
        out.push((name.clone(), taken));
    }
    Ok(out)
}
