//! The investigation graph: the entities analysts pivot on (hosts,
//! accounts, IPs, processes, files, URLs, alerts, incidents, notes) and
//! their links, built from Sentinel incident and alert JSON, Defender
//! alert evidence, or table rows with a column → entity mapping, then
//! edited (notes, links, removals) and written as the nodes and edges a
//! graph view draws.
//!
//! ```
//! use huntkit_core::entities::{graph_from_json, nodes_frame, EntityGraphOptions};
//!
//! let alert = br#"{"SystemAlertId": "a1", "AlertName": "Suspicious logon", "Entities": [
//!   {"$id": "2", "HostName": "dc1", "Type": "host"},
//!   {"$id": "3", "Name": "alice", "Host": {"$ref": "2"}, "Type": "account"}]}"#;
//! let graph = graph_from_json(alert, &EntityGraphOptions::default())?;
//! assert_eq!(graph.node_count(), 3); // the alert, the host, the account
//! assert_eq!(nodes_frame(&graph).rows(), 3);
//! # Ok::<(), huntkit_core::Error>(())
//! ```

mod entity;
mod frames;
mod graph;
mod kind;
mod rows;
mod sentinel;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use entity::Entity;
pub use frames::{
    edges_frame, graph_table, nodes_frame, EDGE_COLUMNS, NODE_COLUMNS, TABLE_COLUMNS,
};
pub use graph::{EntityGraph, GraphOptions, Link, Node, DEFAULT_MAX_NODES};
pub use kind::EntityKind;
pub use rows::{add_rows, ColumnMapping};
pub use sentinel::{add_json, add_json_bytes};

use crate::error::Result;
use crate::table::Table;

/// How hosts build a graph: its limit, and for a table the column
/// mapping and time column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EntityGraphOptions {
    /// The most nodes the graph may hold; larger input is refused with a
    /// message that says how many entities it has.
    pub max_nodes: usize,
    /// Tables only: `Column=Kind` or `Column=Kind.Property` per mapped
    /// column (`Computer=Host`, `Account=Account.Name`).
    pub mapping: Vec<String>,
    /// Tables only: the column that dates each row's entities.
    pub time_column: Option<String>,
}

impl Default for EntityGraphOptions {
    fn default() -> Self {
        EntityGraphOptions {
            max_nodes: DEFAULT_MAX_NODES,
            mapping: Vec::new(),
            time_column: None,
        }
    }
}

impl EntityGraphOptions {
    /// The graph limits.
    pub fn graph_options(&self) -> GraphOptions {
        GraphOptions {
            max_nodes: self.max_nodes,
        }
    }

    /// The mapping, read.
    pub fn column_mapping(&self) -> Result<Vec<ColumnMapping>> {
        self.mapping
            .iter()
            .map(|m| ColumnMapping::parse(m))
            .collect()
    }
}

/// A graph of what incident or alert JSON holds (see [`add_json`]).
pub fn graph_from_json(bytes: &[u8], options: &EntityGraphOptions) -> Result<EntityGraph> {
    let mut graph = EntityGraph::new(options.graph_options())?;
    add_json_bytes(&mut graph, bytes)?;
    Ok(graph)
}

/// A graph of a table's rows, through `options.mapping` (see [`add_rows`]).
pub fn graph_from_table(table: &Table, options: &EntityGraphOptions) -> Result<EntityGraph> {
    let mapping = options.column_mapping()?;
    let mut graph = EntityGraph::new(options.graph_options())?;
    add_rows(&mut graph, table, &mapping, options.time_column.as_deref())?;
    Ok(graph)
}
