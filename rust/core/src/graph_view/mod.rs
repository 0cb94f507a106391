//! The entity graph view's state, held in the worker: the graph read from
//! its tables ([`GraphModel`]), which nodes are shown (the best linked
//! first, more on "expand"), their positions (seeded ForceAtlas2, laid out
//! again incrementally when nodes are added or a note is written), node
//! details, and the timed nodes as a table for the timeline under it.
//! The page only draws what this returns.

mod model;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::graph_layout::{layout_graph, LayoutOptions};
use crate::table::{format_time_ms, Frame, FrameColumn};

pub use model::{GraphEdge, GraphModel, GraphNode, EDGE_COLUMNS, NODE_COLUMNS};

/// Nodes shown at first when the view does not say (the best linked).
pub const DEFAULT_VISIBLE_NODES: usize = 500;

/// Most nodes one "expand" adds (the best linked first).
pub const EXPAND_LIMIT: usize = 200;

/// Longest note text kept.
pub const MAX_NOTE_CHARS: usize = 2000;

/// What the page shows of a node in the graph.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct GraphNodeInfo {
    /// Index in the graph (stable while the view is open).
    pub node: u32,
    /// Display name.
    pub name: String,
    /// Entity kind as given.
    pub kind: String,
    /// Links to nodes not shown yet.
    pub hidden: u32,
    /// Whether the node has a time (it is on the timeline).
    pub timed: bool,
}

/// A node's details, for the tooltip and the selection panel.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct GraphNodeDetails {
    /// Index in the graph.
    pub node: u32,
    /// Unique id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Entity kind.
    pub kind: String,
    /// Free text.
    pub description: String,
    /// When (RFC 3339 UTC).
    pub time: Option<String>,
    /// End of its span (RFC 3339 UTC).
    pub end_time: Option<String>,
    /// Properties as given (JSON text).
    pub properties: String,
    /// Links in the whole graph.
    pub degree: u32,
    /// Links to nodes not shown yet.
    pub hidden: u32,
    /// Labels of its links (`label → name`), at most 50.
    pub links: Vec<String>,
}

/// What opening the view tells the page.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct GraphSummary {
    /// Nodes in the graph.
    pub node_count: u32,
    /// Edges in the graph.
    pub edge_count: u32,
    /// Edges left out (an end is not a node id).
    pub skipped_edges: u32,
    /// The first edge left out, as `source → target`.
    pub first_skipped: Option<String>,
    /// Nodes with a time.
    pub timed: u32,
    /// The least distance between node centres at rest (layout units):
    /// the view draws nodes this wide.
    pub node_size: f64,
}

/// An open entity graph view.
#[derive(Debug, Clone)]
pub struct GraphView {
    model: GraphModel,
    adjacency: Vec<Vec<u32>>,
    /// Shown nodes in the order they were shown (their "slot").
    visible: Vec<u32>,
    /// Each node's slot, or `u32::MAX` when hidden.
    slot: Vec<u32>,
    /// `x, y` per slot.
    positions: Vec<f64>,
    layout: LayoutOptions,
    notes: usize,
}

impl GraphView {
    /// Opens the view: the best linked `visible_nodes` nodes are shown and
    /// laid out (`layout.max_nodes` bounds the whole graph).
    pub fn new(
        model: GraphModel,
        visible_nodes: usize,
        layout: LayoutOptions,
    ) -> Result<GraphView> {
        layout.check()?;
        layout.check_size(model.nodes.len())?;
        if visible_nodes == 0 {
            return Err(Error::option("visible_nodes", "must be at least 1"));
        }
        let n = model.nodes.len();
        let mut adjacency = vec![Vec::new(); n];
        for e in &model.edges {
            if e.source != e.target {
                adjacency[e.source as usize].push(e.target);
                adjacency[e.target as usize].push(e.source);
            }
        }
        let mut order: Vec<u32> = (0..n as u32).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(adjacency[i as usize].len()));
        order.truncate(visible_nodes);
        order.sort_unstable();
        let mut view = GraphView {
            model,
            adjacency,
            visible: Vec::new(),
            slot: vec![u32::MAX; n],
            positions: Vec::new(),
            layout,
            notes: 0,
        };
        view.show(&order)?;
        Ok(view)
    }

    /// The summary the page shows first.
    pub fn summary(&self) -> GraphSummary {
        GraphSummary {
            node_count: self.model.nodes.len() as u32,
            edge_count: self.model.edges.len() as u32,
            skipped_edges: self.model.skipped_edges as u32,
            first_skipped: self.model.first_skipped.clone(),
            timed: self.model.nodes.iter().filter(|n| n.time.is_some()).count() as u32,
            node_size: self.layout.node_size,
        }
    }

    fn hidden_count(&self, node: u32) -> u32 {
        self.adjacency[node as usize]
            .iter()
            .filter(|&&m| self.slot[m as usize] == u32::MAX)
            .count() as u32
    }

    /// The shown nodes, by slot.
    pub fn visible_nodes(&self) -> Vec<GraphNodeInfo> {
        self.visible
            .iter()
            .map(|&i| {
                let n = &self.model.nodes[i as usize];
                GraphNodeInfo {
                    node: i,
                    name: n.name.clone(),
                    kind: n.kind.clone(),
                    hidden: self.hidden_count(i),
                    timed: n.time.is_some(),
                }
            })
            .collect()
    }

    /// The shown edges as slot pairs `s0, t0, s1, t1, …`.
    pub fn visible_edges(&self) -> Vec<u32> {
        let mut out = Vec::new();
        for e in &self.model.edges {
            let (s, t) = (self.slot[e.source as usize], self.slot[e.target as usize]);
            if s != u32::MAX && t != u32::MAX {
                out.extend([s, t]);
            }
        }
        out
    }

    /// `x, y` per slot.
    pub fn positions(&self) -> &[f64] {
        &self.positions
    }

    /// Keeps a node where the user dropped it (the next layout starts there).
    pub fn set_position(&mut self, slot: u32, x: f64, y: f64) -> Result<()> {
        let s = slot as usize;
        if s >= self.visible.len() || !x.is_finite() || !y.is_finite() {
            return Err(Error::option(
                "slot",
                format!("no shown node {slot} at a finite point"),
            ));
        }
        self.positions[s * 2] = x;
        self.positions[s * 2 + 1] = y;
        Ok(())
    }

    fn node_index(&self, node: u32) -> Result<usize> {
        let i = node as usize;
        if i >= self.model.nodes.len() {
            return Err(Error::option(
                "node",
                format!("no node {node} in the graph"),
            ));
        }
        Ok(i)
    }

    /// Shows `nodes` (hidden ones; others ignored) and lays out again,
    /// incrementally when something was shown before.
    fn show(&mut self, nodes: &[u32]) -> Result<usize> {
        let mut added = 0;
        for &i in nodes {
            if self.slot[i as usize] == u32::MAX {
                self.slot[i as usize] = self.visible.len() as u32;
                self.visible.push(i);
                added += 1;
            }
        }
        if added == 0 && !self.positions.is_empty() {
            return Ok(0);
        }
        let edges: Vec<(u32, u32)> = self
            .visible_edges()
            .chunks_exact(2)
            .map(|p| (p[0], p[1]))
            .collect();
        self.positions = layout_graph(self.visible.len(), &edges, &self.positions, &self.layout)?;
        Ok(added)
    }

    /// Shows a node's hidden neighbours (the best linked first, at most
    /// [`EXPAND_LIMIT`]); returns how many were added.
    pub fn expand(&mut self, node: u32) -> Result<usize> {
        let i = self.node_index(node)?;
        let mut hidden: Vec<u32> = self.adjacency[i]
            .iter()
            .copied()
            .filter(|&m| self.slot[m as usize] == u32::MAX)
            .collect();
        hidden.sort_unstable();
        hidden.dedup();
        hidden.sort_by_key(|&m| std::cmp::Reverse(self.adjacency[m as usize].len()));
        hidden.truncate(EXPAND_LIMIT);
        // The node itself too, if it was not shown.
        hidden.insert(0, node);
        self.show(&hidden)
    }

    /// Adds a `Note` node with `text`, linked to `node`, shown and laid
    /// out next to it; returns the note's node index.
    pub fn add_note(&mut self, node: u32, text: &str) -> Result<u32> {
        let i = self.node_index(node)?;
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::option("note", "the note is empty"));
        }
        self.layout.check_size(self.model.nodes.len() + 1)?;
        let text: String = text.chars().take(MAX_NOTE_CHARS).collect();
        self.notes += 1;
        let note = self.model.nodes.len() as u32;
        let name: String = text
            .lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(40)
            .collect();
        self.model.nodes.push(GraphNode {
            id: format!("note-{}-{}", self.model.nodes[i].id, self.notes),
            name,
            kind: "Note".to_string(),
            description: text,
            time: None,
            end_time: None,
            properties: String::new(),
        });
        self.model.edges.push(GraphEdge {
            source: node,
            target: note,
            label: Some("note".to_string()),
        });
        self.adjacency.push(vec![node]);
        self.adjacency[i].push(note);
        self.slot.push(u32::MAX);
        self.show(&[node, note])?;
        Ok(note)
    }

    /// A node's details.
    pub fn details(&self, node: u32) -> Result<GraphNodeDetails> {
        let i = self.node_index(node)?;
        let n = &self.model.nodes[i];
        let links = self
            .model
            .edges
            .iter()
            .filter(|e| e.source == node || e.target == node)
            .take(50)
            .map(|e| {
                let other = if e.source == node { e.target } else { e.source };
                let name = &self.model.nodes[other as usize].name;
                match &e.label {
                    Some(l) => format!("{l} → {name}"),
                    None => format!("→ {name}"),
                }
            })
            .collect();
        Ok(GraphNodeDetails {
            node,
            id: n.id.clone(),
            name: n.name.clone(),
            kind: n.kind.clone(),
            description: n.description.clone(),
            time: n.time.map(format_time_ms),
            end_time: n.end_time.map(format_time_ms),
            properties: n.properties.clone(),
            degree: self.adjacency[i].len() as u32,
            hidden: self.hidden_count(node),
            links,
        })
    }

    /// The shown timed nodes as `(time, node)`, by time then node.
    fn timeline_rows(&self) -> Vec<(i64, u32)> {
        let mut rows: Vec<(i64, u32)> = self
            .visible
            .iter()
            .filter_map(|&i| self.model.nodes[i as usize].time.map(|t| (t, i)))
            .collect();
        rows.sort_unstable();
        rows
    }

    /// The node of each row of [`timeline_frame`](Self::timeline_frame).
    pub fn timeline_nodes(&self) -> Vec<u32> {
        self.timeline_rows().into_iter().map(|(_, i)| i).collect()
    }

    /// The shown nodes with a time, as the timeline's table: `TimeGenerated`
    /// (RFC 3339), `Name`, `Type`, `Node` (the node index, so a timeline
    /// selection maps back to the graph), sorted by time.
    pub fn timeline_frame(&self) -> Frame {
        let rows = self.timeline_rows();
        let cell = |f: &dyn Fn(&GraphNode) -> String| {
            FrameColumn::Utf8(
                rows.iter()
                    .map(|&(_, i)| Some(f(&self.model.nodes[i as usize])))
                    .collect(),
            )
        };
        Frame::new(vec![
            (
                "TimeGenerated",
                FrameColumn::Utf8(rows.iter().map(|&(t, _)| Some(format_time_ms(t))).collect()),
            ),
            ("Name", cell(&|n| n.name.clone())),
            ("Type", cell(&|n| n.kind.clone())),
            (
                "Node",
                FrameColumn::Int64(rows.iter().map(|&(_, i)| Some(i64::from(i))).collect()),
            ),
        ])
    }
}

#[cfg(test)]
mod tests;
