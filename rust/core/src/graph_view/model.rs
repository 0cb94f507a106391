//! The entity graph a view draws, read from its two tables (the contract
//! with `entities`): `nodes` (`Id`, `Name`, `Type`, `Description`,
//! `TimeGenerated`, `StartTime`, `EndTime`, `Properties`) and `edges`
//! (`Source`, `Target`, `Label`). Only `Id` and `Source`/`Target` are
//! required; other columns may be missing or null.

use std::collections::HashMap;

pub use crate::entities::{EDGE_COLUMNS, NODE_COLUMNS};
use crate::error::{Error, Result};
use crate::table::Table;

/// One node.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphNode {
    /// Unique id.
    pub id: String,
    /// Display name (the id when empty).
    pub name: String,
    /// Entity kind as given.
    pub kind: String,
    /// Free text.
    pub description: String,
    /// When it happened (`TimeGenerated`, else `StartTime`), epoch ms.
    pub time: Option<i64>,
    /// End of its span (`EndTime`), epoch ms.
    pub end_time: Option<i64>,
    /// A JSON object as text (kept as given; the page shows it as text).
    pub properties: String,
}

/// One edge between node indices.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphEdge {
    /// Source node index.
    pub source: u32,
    /// Target node index.
    pub target: u32,
    /// What the link means, if said.
    pub label: Option<String>,
}

/// The graph read from the tables, with what had to be left out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GraphModel {
    /// Nodes in table order.
    pub nodes: Vec<GraphNode>,
    /// Edges whose ends are both nodes.
    pub edges: Vec<GraphEdge>,
    /// Edges left out because an end is not a node `Id`; the first one named.
    pub skipped_edges: usize,
    /// The first skipped edge, as `source → target`.
    pub first_skipped: Option<String>,
}

fn optional(table: &Table, name: &str) -> Option<usize> {
    table.names().iter().position(|n| n == name)
}

fn text(table: &Table, col: Option<usize>, row: usize) -> String {
    col.and_then(|c| table.column(c).get(row))
        .unwrap_or_default()
        .to_string()
}

fn time(table: &Table, col: Option<usize>, row: usize) -> Option<i64> {
    col.and_then(|c| table.column(c).time_ms(row))
}

impl GraphModel {
    /// Reads the node and edge tables. A missing `Id`, `Source` or `Target`
    /// column, a null or repeated `Id`, or more than `max_nodes` nodes is an
    /// error naming it; an edge to an unknown `Id` is skipped and counted.
    pub fn from_tables(nodes: &Table, edges: &Table, max_nodes: usize) -> Result<GraphModel> {
        if nodes.rows() > max_nodes {
            return Err(Error::option(
                "max_nodes",
                format!(
                    "the graph has {} nodes, more than max_nodes ({max_nodes}): filter the entities first (or raise max_nodes if this machine can lay out that many)",
                    nodes.rows()
                ),
            ));
        }
        let id = nodes.column_index("Id")?;
        let [_, name, kind, description, generated, start, end, properties] =
            NODE_COLUMNS.map(|c| optional(nodes, c));
        let mut index: HashMap<String, u32> = HashMap::with_capacity(nodes.rows());
        let mut model = GraphModel::default();
        for row in 0..nodes.rows() {
            let Some(node_id) = nodes.column(id).get(row).filter(|s| !s.is_empty()) else {
                return Err(Error::bad_value("Id", row, "", "a node id"));
            };
            if index.insert(node_id.to_string(), row as u32).is_some() {
                return Err(Error::bad_value(
                    "Id",
                    row,
                    node_id,
                    "a unique node id (it repeats)",
                ));
            }
            let mut node_name = text(nodes, name, row);
            if node_name.is_empty() {
                node_name = node_id.to_string();
            }
            model.nodes.push(GraphNode {
                id: node_id.to_string(),
                name: node_name,
                kind: text(nodes, kind, row),
                description: text(nodes, description, row),
                time: time(nodes, generated, row).or_else(|| time(nodes, start, row)),
                end_time: time(nodes, end, row),
                properties: text(nodes, properties, row),
            });
        }
        let source = edges.column_index("Source")?;
        let target = edges.column_index("Target")?;
        let label = optional(edges, "Label");
        for row in 0..edges.rows() {
            let s = edges.column(source).get(row).unwrap_or_default();
            let t = edges.column(target).get(row).unwrap_or_default();
            match (index.get(s), index.get(t)) {
                (Some(&s), Some(&t)) => model.edges.push(GraphEdge {
                    source: s,
                    target: t,
                    label: label
                        .and_then(|c| edges.column(c).get(row))
                        .filter(|l| !l.is_empty())
                        .map(str::to_string),
                }),
                _ => {
                    model.skipped_edges += 1;
                    if model.first_skipped.is_none() {
                        model.first_skipped = Some(format!("{s:?} → {t:?}"));
                    }
                }
            }
        }
        Ok(model)
    }

    /// Each node's number of links.
    pub fn degrees(&self) -> Vec<u32> {
        let mut d = vec![0u32; self.nodes.len()];
        for e in &self.edges {
            d[e.source as usize] += 1;
            d[e.target as usize] += 1;
        }
        d
    }
}
