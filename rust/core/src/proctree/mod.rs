//! Process trees from process-creation events (MSTICPy's
//! `build_process_tree`), built per host.
//!
//! A [`ProcSchema`] says which columns hold the time, image, PID and parent
//! PID (seven built-in ones, inferred from the columns or named, or a
//! user's mapping). Each process's parent is the latest process on the
//! **same host** with the parent's PID — and, when the schema has a parent
//! image column, the same image — created at or before it. PIDs compare as
//! numbers whether written in hex or decimal, so PID reuse gives a new
//! process; parents not in the data are added as inferred nodes. The
//! result, a [`ProcTree`], answers MSTICPy's tree utilities by index and
//! renders as a [`Frame`](crate::Frame) or as text ([`tree_to_text`]).

mod build;
mod frame;
mod intern;
mod pid;
mod schema;
mod text;
mod tree;
mod view;

use serde::{Deserialize, Serialize};

pub use build::{build_tree, build_tree_owned};
pub use frame::TREE_COLUMNS;
pub use schema::{ProcSchema, SCHEMA_NAMES};
pub use text::tree_to_text;
pub use tree::{BuildStats, Origin, ProcNode, ProcTree, ProcTreeSummary};
pub use view::{DetailCell, DetailRow, LegendValue, TreeRow, TreeView, TreeViewOptions};

use crate::error::{Error, Result};
use crate::table::Table;

/// How to read the events: a built-in schema by name, a column mapping,
/// or neither (inferred from the columns).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProcTreeOptions {
    /// A built-in schema: one of [`SCHEMA_NAMES`].
    pub schema: Option<String>,
    /// The user's own column mapping.
    pub mapping: Option<ProcSchema>,
}

impl ProcTreeOptions {
    /// The schema these options pick for `table`, with its name (`custom`
    /// for a mapping).
    pub fn resolve(&self, table: &Table) -> Result<(String, ProcSchema)> {
        match (&self.schema, &self.mapping) {
            (Some(_), Some(_)) => Err(Error::option(
                "schema",
                "give a schema name or a mapping, not both",
            )),
            (Some(name), None) => Ok((name.clone(), ProcSchema::by_name(name)?)),
            (None, Some(mapping)) => Ok(("custom".to_string(), mapping.clone())),
            (None, None) => {
                let (name, schema) = ProcSchema::infer(table)?;
                Ok((name.to_string(), schema))
            }
        }
    }
}

/// Builds the process trees of `table` as `options` say (see [`build_tree`]).
pub fn build_process_tree<'t>(table: &'t Table, options: &ProcTreeOptions) -> Result<ProcTree<'t>> {
    let (_, schema) = options.resolve(table)?;
    build_tree(table, &schema)
}
