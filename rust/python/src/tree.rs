//! Process trees: built once in Rust and kept there, so the tree utilities
//! (roots, children, descendants, ancestors, text) answer from the built
//! links instead of re-deriving them from a DataFrame.

use huntkit_core::{build_tree_owned, tree_to_text, ProcTree, ProcTreeOptions, Table};
use pyo3::prelude::*;

use crate::analyses::options;
use crate::arrow_io::{batch_in, frame_batch, frame_out, table, Chunks};
use crate::errors::{self, detached};
use crate::tree_rows::typed_rows;

/// A built process tree. Nodes are numbered as the rows of
/// [`frame`](Self::frame): depth-first, roots by host then time.
#[pyclass(frozen, module = "huntkit._core")]
pub(crate) struct ProcessTreeHandle {
    /// Built over the columns the schema names, joined.
    tree: ProcTree<'static>,
    /// The input as it came (its buffers shared with Python): the other
    /// columns are taken from its chunks in tree order, never joined.
    input: Chunks,
}

/// Builds the process trees of a table of process-creation events
/// (options: the core's `ProcTreeOptions`, `schema` or `mapping`). Only
/// the columns the schema names are joined when the table is in chunks
/// (a DataFrame's text columns often are): joining a wide export's other
/// columns was a tenth of the call and half its new memory.
#[pyfunction]
pub(crate) fn build_process_tree(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    options_json: &str,
) -> PyResult<ProcessTreeHandle> {
    let opts: ProcTreeOptions = options(options_json)?;
    let input = Chunks::new(data)?;
    let tree = detached(py, || {
        let names = input.names();
        let (_, schema) = opts
            .resolve(&Table::from_names(&names))
            .map_err(errors::core)?;
        // Checked on every input column: the build sees only the schema's.
        schema.check_columns(&names).map_err(errors::core)?;
        let named = schema.columns();
        let columns: Vec<usize> = (0..input.schema.fields().len())
            .filter(|&j| named.contains(&input.schema.field(j).name().as_str()))
            .collect();
        build_tree_owned(table(&input.batch(&columns)?), &schema).map_err(errors::core)
    })?;
    Ok(ProcessTreeHandle { tree, input })
}

impl ProcessTreeHandle {
    fn check(&self, node: usize) -> PyResult<usize> {
        if node < self.tree.len() {
            Ok(node)
        } else {
            Err(errors::error(
                &format!("no process {node}: the tree has {} rows", self.tree.len()),
                "invalid_option",
            ))
        }
    }
}

#[pymethods]
impl ProcessTreeHandle {
    /// Number of processes, inferred ones included.
    fn __len__(&self) -> usize {
        self.tree.len()
    }

    /// The events plus the tree columns, one row per node (the CLI's
    /// `huntkit proctree` output), as a `pyarrow.RecordBatch`.
    fn frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let batch = detached(py, || {
            let all: Vec<usize> = (0..self.input.schema.fields().len()).collect();
            let whole = table(&self.input.batch(&all)?);
            let tree = self.tree.clone().with_table(whole).map_err(errors::core)?;
            frame_batch(tree.frame().map_err(errors::core)?)
        })?;
        frame_out(py, batch)
    }

    /// Only the tree columns, typed (no input column as text), as a
    /// `pyarrow.RecordBatch`: the caller takes its own input rows by
    /// `source_index`, which keeps their types and skips a text copy.
    fn tree_frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let batch = detached(py, || {
            frame_batch(self.tree.tree_frame().map_err(errors::core)?)
        })?;
        frame_out(py, batch)
    }

    /// The tree's rows, typed: the input columns in node order (their
    /// Arrow types kept), the inferred processes' cells from `fills` (a
    /// table of one row per inferred process, columns named as the input's
    /// and of their types: the caller converts
    /// [`inferred_frame`](Self::inferred_frame)), then the tree columns; as
    /// a `pyarrow.RecordBatch`.
    #[pyo3(signature = (fills=None))]
    fn typed_frame(&self, py: Python<'_>, fills: Option<&Bound<'_, PyAny>>) -> PyResult<Py<PyAny>> {
        let fills = fills.map(batch_in).transpose()?;
        let batch = detached(py, || typed_rows(&self.tree, &self.input, fills.as_ref()))?;
        frame_out(py, batch)
    }

    /// The inferred processes' rows (`node`) and schema cells as text,
    /// to fill the rows `source_index` leaves null.
    fn inferred_frame(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let batch = detached(py, || {
            frame_batch(self.tree.inferred_frame().map_err(errors::core)?)
        })?;
        frame_out(py, batch)
    }

    /// MSTICPy's `get_summary_info` counts, as JSON.
    fn summary(&self) -> PyResult<String> {
        serde_json::to_string(&self.tree.summary())
            .map_err(|e| errors::error(&e.to_string(), "output"))
    }

    /// What the build filtered, deduplicated, inferred or cut, as JSON.
    fn stats(&self) -> PyResult<String> {
        serde_json::to_string(self.tree.stats())
            .map_err(|e| errors::error(&e.to_string(), "output"))
    }

    /// Root nodes, by host then time.
    fn roots(&self) -> Vec<usize> {
        self.tree.roots().to_vec()
    }

    /// The parent of `node`.
    fn parent(&self, node: usize) -> PyResult<Option<usize>> {
        Ok(self.tree.parent(self.check(node)?))
    }

    /// Direct children of `node`, by time.
    fn children(&self, node: usize) -> PyResult<Vec<usize>> {
        Ok(self.tree.children(self.check(node)?).to_vec())
    }

    /// Nodes below `node`, depth-first, at most `max_levels` levels down.
    #[pyo3(signature = (node, max_levels=None))]
    fn descendants(&self, node: usize, max_levels: Option<usize>) -> PyResult<Vec<usize>> {
        Ok(self.tree.descendants(self.check(node)?, max_levels))
    }

    /// Nodes above `node`, root first.
    fn ancestors(&self, node: usize) -> PyResult<Vec<usize>> {
        Ok(self.tree.ancestors(self.check(node)?))
    }

    /// The other children of `node`'s parent (for a root: the other roots).
    fn siblings(&self, node: usize) -> PyResult<Vec<usize>> {
        Ok(self.tree.siblings(self.check(node)?))
    }

    /// `nodes` (default: all) as the CLI's `--format text` indented tree.
    #[pyo3(signature = (nodes=None))]
    fn to_text(&self, py: Python<'_>, nodes: Option<Vec<usize>>) -> PyResult<String> {
        if let Some(ns) = &nodes {
            for &n in ns {
                self.check(n)?;
            }
        }
        detached(py, || {
            Ok(match nodes {
                Some(ns) => tree_to_text(&self.tree, ns),
                None => tree_to_text(&self.tree, 0..self.tree.len()),
            })
        })
    }
}
