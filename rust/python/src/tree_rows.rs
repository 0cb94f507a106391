//! A process tree's rows as one typed Arrow batch: the caller's own input
//! columns taken in tree order (their Arrow types kept, no text round trip;
//! from the input's chunks as they came, so a column the tree did not join
//! is copied once, not twice) plus the tree columns.
//!
//! Why here and not in pyarrow: one pass per column that also fills the
//! inferred processes' cells (an `interleave` of the input column and the
//! few fill cells, instead of a `take` and then a copy per filled column),
//! with the GIL released, on two threads: the proc keys, the other tree
//! columns and each input column are separate jobs handed out in that
//! order (biggest first) to whichever thread is free, so neither waits
//! for the other's half (the keys alone were the longer half before).

use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::{new_null_array, Array, ArrayRef, RecordBatch, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use arrow_select::interleave::interleave;
use arrow_select::take::take;
use huntkit_core::{Origin, ProcTree};
use pyo3::PyResult;

use crate::arrow_io::{frame_batch, Chunks};
use crate::errors;
use crate::jobs;

/// One job's columns, named.
type Columns = Vec<(String, ArrayRef)>;

/// The tree's rows: every input column (except the names the tree columns
/// take) in node order, inferred nodes' cells from `fills` (one row per
/// inferred node, in node order, columns named as the input's and of the
/// input column's type; a column not there, or of another type, is null
/// for them), then the tree columns.
pub(crate) fn typed_rows(
    tree: &ProcTree<'_>,
    input: &Chunks,
    fills: Option<&RecordBatch>,
) -> PyResult<RecordBatch> {
    let take = Takes::new(tree, input, fills);
    let names = input.names();
    // Jobs: 0 the keys, 1 the other tree columns, 2.. input column j - 2.
    let jobs = 2 + names.len();
    let job = |i: usize| -> PyResult<Columns> {
        match i {
            0 => batch_columns(tree.key_frame()),
            1 => batch_columns(tree.link_frame()),
            _ => Ok(vec![(
                names[i - 2].clone(),
                take.column(tree, input, i - 2)?,
            )]),
        }
    };
    let mut by_job = jobs::run(jobs, true, job).into_iter();
    let mut tree_cols = by_job.next().unwrap_or(Ok(Vec::new()))?;
    tree_cols.extend(by_job.next().unwrap_or(Ok(Vec::new()))?);
    let mut fields: Vec<Arc<Field>> = Vec::new();
    let mut arrays: Vec<ArrayRef> = Vec::new();
    for cols in by_job {
        for (name, array) in cols? {
            if !tree_cols.iter().any(|(t, _)| *t == name) {
                fields.push(Arc::new(Field::new(name, array.data_type().clone(), true)));
                arrays.push(array);
            }
        }
    }
    for (name, array) in tree_cols {
        fields.push(Arc::new(Field::new(name, array.data_type().clone(), true)));
        arrays.push(array);
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays)
        .map_err(|e| errors::error(&format!("cannot assemble the tree's rows: {e}"), "output"))
}

/// A core frame's columns as Arrow arrays, named.
fn batch_columns(frame: huntkit_core::Result<huntkit_core::Frame>) -> PyResult<Columns> {
    let batch = frame_batch(frame.map_err(errors::core)?)?;
    Ok(batch
        .schema_ref()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .zip(batch.columns().iter().cloned())
        .collect())
}

/// How the input columns are taken in node order (see [`typed_rows`]).
struct Takes<'f> {
    /// Event rows for `take` (null for inferred nodes) ...
    rows: UInt64Array,
    /// ... or, for a column with fill cells, `interleave` sources: (0, row)
    /// from the input, (1, k) from the k-th fill row.
    sources: Vec<(usize, usize)>,
    /// For a column in several chunks: (chunk, row in it) per event, and
    /// (chunks, k) per inferred node: the k-th fill row, or with
    /// `null_fill`, (chunks, 0) of a one-null array.
    chunk_sources: Vec<(usize, usize)>,
    null_fill: Vec<(usize, usize)>,
    fill_of: HashMap<&'f str, &'f ArrayRef>,
}

impl<'f> Takes<'f> {
    fn new(tree: &ProcTree<'_>, input: &Chunks, fills: Option<&'f RecordBatch>) -> Takes<'f> {
        let nodes = tree.nodes();
        let rows: UInt64Array = nodes
            .iter()
            .map(|n| match n.origin {
                Origin::Event(row) => Some(row as u64),
                _ => None,
            })
            .collect();
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
        let (chunk_sources, null_fill) = if input.batches.len() > 1 {
            let chunks = input.batches.len();
            // Row where each chunk starts, then the end.
            let starts: Vec<usize> = std::iter::once(0)
                .chain(input.batches.iter().scan(0, |end, b| {
                    *end += b.num_rows();
                    Some(*end)
                }))
                .collect();
            let chunk_of = |row: usize| {
                let c = starts.partition_point(|&s| s <= row) - 1;
                (c, row - starts[c])
            };
            let by_chunk: Vec<(usize, usize)> = sources
                .iter()
                .map(|&(from, i)| if from == 0 { chunk_of(i) } else { (chunks, i) })
                .collect();
            let null_fill = by_chunk
                .iter()
                .map(|&(c, i)| if c == chunks { (c, 0) } else { (c, i) })
                .collect();
            (by_chunk, null_fill)
        } else {
            (Vec::new(), Vec::new())
        };
        let fill_of = match fills {
            Some(f) if f.num_rows() == inferred => f
                .schema_ref()
                .fields()
                .iter()
                .map(|fd| fd.name().as_str())
                .zip(f.columns())
                .collect(),
            _ => HashMap::new(),
        };
        Takes {
            rows,
            sources,
            chunk_sources,
            null_fill,
            fill_of,
        }
    }

    /// Input column `j` in node order: from the tree's table when it
    /// joined the column, else from the input's chunks.
    fn column(&self, tree: &ProcTree<'_>, input: &Chunks, j: usize) -> PyResult<ArrayRef> {
        let field = input.schema.field(j);
        let name = field.name();
        let fill = self
            .fill_of
            .get(name.as_str())
            .filter(|f| f.data_type() == field.data_type());
        let table = tree.table();
        // Text is taken from the chunks as they are; other types are joined
        // first (dictionaries must end up with one dictionary, and are small).
        let text = matches!(field.data_type(), DataType::Utf8 | DataType::LargeUtf8);
        let own;
        // The table's column only when it is the input's as it came: the
        // core reads a dictionary of numbers decoded, and the rows keep the
        // caller's categorical.
        let built = table
            .column_index(name)
            .ok()
            .map(|k| table.column(k).array())
            .filter(|a| a.data_type() == field.data_type());
        let joined = match built {
            Some(array) => Some(array),
            None => match input.batches.as_slice() {
                [one] => Some(one.column(j)),
                _ if text => None,
                _ => {
                    own = input.join(&[j])?.remove(0);
                    Some(&own)
                }
            },
        };
        let taken = match (joined, fill) {
            (Some(array), Some(f)) => interleave(&[array.as_ref(), f.as_ref()], &self.sources),
            (Some(array), None) => take(array.as_ref(), &self.rows, None),
            (None, fill) => {
                let null = new_null_array(field.data_type(), 1);
                let mut parts: Vec<&dyn Array> =
                    input.batches.iter().map(|b| b.column(j).as_ref()).collect();
                parts.push(fill.map_or(null.as_ref(), |f| f.as_ref()));
                let sources = if fill.is_some() {
                    &self.chunk_sources
                } else {
                    &self.null_fill
                };
                interleave(&parts, sources)
            }
        };
        taken.map_err(|e| {
            errors::error(
                &format!("cannot take the rows of column {name:?}: {e}"),
                "output",
            )
        })
    }
}
