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
mod inferred;
mod intern;
mod keys;
mod pid;
mod schema;
mod text;
mod tree;
mod view;

use serde::{Deserialize, Serialize};

pub use build::{build_tree, build_tree_owned};
pub use frame::TREE_COLUMNS;
pub use schema::{schema_name_schema, ProcSchema, SCHEMA_ALIASES, SCHEMA_NAMES};
pub use text::tree_to_text;
pub use tree::{BuildStats, Origin, ProcNode, ProcTree, ProcTreeSummary};
pub use view::{DetailCell, DetailRow, LegendValue, TreeRow, TreeView, TreeViewOptions};

use crate::error::{Error, Result};
use crate::table::cells::{Cells, CsvCells};
use crate::table::{read_table_projected, Table, TableFormat};

/// How to read the events: a built-in schema by name, a column mapping,
/// or neither (inferred from the columns).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProcTreeOptions {
    /// A built-in schema: one of [`SCHEMA_NAMES`] or [`SCHEMA_ALIASES`].
    #[schemars(schema_with = "schema_name_schema")]
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

/// MSTICPy's summary counts of the trees of `bytes` (a table in `format`),
/// with the build's stats, reading only the columns linking needs: a
/// summary shows none of the others, and skipping a wide export's command
/// lines halves the read. A CSV's cells are read where they are in the
/// text, without copying, when it allows (see [`CsvCells::read`]).
pub fn summarize_process_tree(
    bytes: &[u8],
    format: TableFormat,
    options: &ProcTreeOptions,
) -> Result<(ProcTreeSummary, BuildStats)> {
    let keep = |names: &[String]| -> Result<Vec<bool>> {
        let (_, schema) = options.resolve(&Table::from_names(names))?;
        schema.check_columns(names)?;
        let used = schema.link_columns();
        Ok(names.iter().map(|n| used.contains(&n.as_str())).collect())
    };
    let links = |cells: &(dyn Cells + Sync)| {
        let (_, schema) = options.resolve(&Table::from_names(cells.names()))?;
        build::link(cells, &schema)
    };
    let csv = match format {
        TableFormat::Csv => CsvCells::read(bytes, Some(&keep))?,
        _ => None,
    };
    let links = match csv {
        Some(cells) => links(&cells)?,
        None => links(&read_table_projected(bytes, format, Some(&keep))?)?,
    };
    Ok((links.summary(), links.stats))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::read_table;

    /// The projected read gives the same counts as the whole table.
    #[test]
    fn summary_from_bytes_equals_full_build() {
        let csv = "TimeGenerated,Computer,NewProcessId,NewProcessName,ProcessId,ParentProcessName,CommandLine\n\
            2024-01-01T00:00:00Z,a,0x10,C:\\w\\cmd.exe,0x4,C:\\w\\x.exe,cmd /c\n\
            2024-01-01T00:00:01Z,a,0x20,C:\\w\\ping.exe,0x10,C:\\w\\cmd.exe,ping\n\
            2024-01-01T00:00:02Z,b,0x20,C:\\w\\ping.exe,0x10,C:\\w\\cmd.exe,ping\n";
        let options = ProcTreeOptions::default();
        let full = read_table(csv.as_bytes(), TableFormat::Csv).unwrap();
        let expected = build_process_tree(&full, &options).unwrap().summary();
        let (got, _) = summarize_process_tree(csv.as_bytes(), TableFormat::Csv, &options).unwrap();
        assert_eq!(got, expected);
        assert_eq!((got.processes, got.root_processes), (5, 2));
        // Also when the CSV goes through the table reader (an escaped cell
        // in a linking column).
        let escaped = csv.replace("C:\\w\\x.exe", "\"C:\\w\\x\"\".exe\"");
        assert_ne!(escaped, csv);
        let (got, _) =
            summarize_process_tree(escaped.as_bytes(), TableFormat::Csv, &options).unwrap();
        assert_eq!(got, expected);
        let bad = ProcTreeOptions {
            schema: Some("sysmon".into()),
            mapping: None,
        };
        assert!(summarize_process_tree(csv.as_bytes(), TableFormat::Csv, &bad).is_err());
    }
}
