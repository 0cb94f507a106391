//! The entity graph for JS: a seeded ForceAtlas2 layout of any node/edge
//! list (`layoutGraph`, `ForceLayoutRun` for the benchmark), and the
//! entity graph view's state (`EntityGraphView`): its nodes and edges
//! tables read once, then shown nodes, positions, expand, notes, details
//! and the timeline table, all in the worker.

use huntkit_core::graph_layout::{layout_graph as core_layout, ForceLayout, LayoutOptions};
use huntkit_core::graph_view::{GraphModel, GraphView, DEFAULT_VISIBLE_NODES};
use huntkit_core::view::EntityGraphViewOptions;
use huntkit_core::{self as core};
use js_sys::{Float64Array, Uint32Array, Uint8Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::options;

fn js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(errors::output)
}

/// `s0, t0, s1, t1, …` as pairs, naming an odd count.
fn pairs(edges: &[u32]) -> Result<Vec<(u32, u32)>, JsValue> {
    if edges.len() % 2 != 0 {
        return Err(errors::to_js(&core::Error::new(
            core::ErrorKind::InvalidOption {
                name: "edges".into(),
                message: format!("{} numbers are not source, target pairs", edges.len()),
            },
        )));
    }
    Ok(edges.chunks_exact(2).map(|p| (p[0], p[1])).collect())
}

/// Lays out `nodeCount` nodes linked by `edges` (`s0, t0, s1, t1, …` node
/// indices) with seeded ForceAtlas2; `previous` holds `x, y` pairs of the
/// first nodes from an earlier layout (incremental: they move little).
/// Returns `x, y` per node. More nodes than `options.max_nodes` is an error.
#[wasm_bindgen(js_name = layoutGraph)]
pub fn layout_graph(
    node_count: usize,
    edges: &[u32],
    previous: &[f64],
    #[wasm_bindgen(unchecked_param_type = "LayoutOptions | undefined")] options: JsValue,
) -> Result<Float64Array, JsValue> {
    let o: LayoutOptions = options::parse(options)?;
    let xy =
        core_layout(node_count, &pairs(edges)?, previous, &o).map_err(|e| errors::to_js(&e))?;
    Ok(Float64Array::from(xy.as_slice()))
}

/// One ForceAtlas2 run stepped by the caller: the benchmark's ms per
/// iteration, on the same graph and settings graphology is given.
#[wasm_bindgen]
pub struct ForceLayoutRun {
    run: ForceLayout,
}

#[wasm_bindgen]
impl ForceLayoutRun {
    /// Seeded random starting positions, graphology's inferred settings.
    #[wasm_bindgen(constructor)]
    pub fn new(
        node_count: usize,
        edges: &[u32],
        #[wasm_bindgen(unchecked_param_type = "LayoutOptions | undefined")] options: JsValue,
    ) -> Result<ForceLayoutRun, JsValue> {
        let o: LayoutOptions = options::parse(options)?;
        let run =
            ForceLayout::new(node_count, &pairs(edges)?, &o).map_err(|e| errors::to_js(&e))?;
        Ok(ForceLayoutRun { run })
    }

    /// Starts from `x, y` pairs (graphology's starting positions).
    #[wasm_bindgen(js_name = fromPositions)]
    pub fn from_positions(
        positions: &[f64],
        edges: &[u32],
        #[wasm_bindgen(unchecked_param_type = "LayoutOptions | undefined")] options: JsValue,
    ) -> Result<ForceLayoutRun, JsValue> {
        let o: LayoutOptions = options::parse(options)?;
        let e = pairs(edges)?;
        let n = positions.len() / 2;
        if let Some(&(s, t)) = e.iter().find(|&&(s, t)| s as usize >= n || t as usize >= n) {
            return Err(errors::to_js(&core::Error::new(
                core::ErrorKind::InvalidOption {
                    name: "edges".into(),
                    message: format!("edge {s} → {t} names a node past the last one ({n} nodes)"),
                },
            )));
        }
        Ok(ForceLayoutRun {
            run: ForceLayout::from_positions(positions, &e, &o),
        })
    }

    /// Runs `iterations` steps.
    pub fn step(&mut self, iterations: usize) {
        self.run.step(iterations);
    }

    /// `x, y` per node.
    pub fn positions(&self) -> Float64Array {
        Float64Array::from(self.run.positions().as_slice())
    }
}

/// An open entity graph view (see `huntkit_core::graph_view::GraphView`).
#[wasm_bindgen]
pub struct EntityGraphView {
    view: GraphView,
}

#[wasm_bindgen]
impl EntityGraphView {
    /// Reads the `nodes` and `edges` tables (`format`: `auto`, `csv`,
    /// `json`, `ndjson`, `arrow`) and lays out the best linked nodes.
    /// A graph above `options.max_nodes` is refused with a message.
    #[wasm_bindgen(constructor)]
    pub fn new(
        nodes: &[u8],
        nodes_format: &str,
        edges: &[u8],
        edges_format: &str,
        #[wasm_bindgen(unchecked_param_type = "EntityGraphViewOptions | undefined")]
        options: JsValue,
    ) -> Result<EntityGraphView, JsValue> {
        let o: EntityGraphViewOptions = options::parse(options)?;
        let layout = o.layout();
        let run = || {
            let nodes = core::Table::read_named(nodes, nodes_format)?;
            layout.check_size(nodes.rows())?;
            let edges = core::Table::read_named(edges, edges_format)?;
            let model = GraphModel::from_tables(&nodes, &edges, layout.max_nodes)?;
            GraphView::new(
                model,
                o.visible_nodes.unwrap_or(DEFAULT_VISIBLE_NODES),
                layout,
            )
        };
        run()
            .map(|view| EntityGraphView { view })
            .map_err(|e| errors::to_js(&e))
    }

    /// Node, edge and timed-node counts, and edges left out.
    #[wasm_bindgen(unchecked_return_type = "GraphSummary")]
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        js(&self.view.summary())
    }

    /// The shown nodes, by slot.
    #[wasm_bindgen(unchecked_return_type = "GraphNodeInfo[]")]
    pub fn nodes(&self) -> Result<JsValue, JsValue> {
        js(&self.view.visible_nodes())
    }

    /// The shown edges as slot pairs.
    pub fn edges(&self) -> Uint32Array {
        Uint32Array::from(self.view.visible_edges().as_slice())
    }

    /// `x, y` per slot.
    pub fn positions(&self) -> Float64Array {
        Float64Array::from(self.view.positions())
    }

    /// Keeps a dragged node where it was dropped.
    #[wasm_bindgen(js_name = setPosition)]
    pub fn set_position(&mut self, slot: u32, x: f64, y: f64) -> Result<(), JsValue> {
        self.view
            .set_position(slot, x, y)
            .map_err(|e| errors::to_js(&e))
    }

    /// Shows a node's hidden neighbours and lays out again; returns how many.
    pub fn expand(&mut self, node: u32) -> Result<usize, JsValue> {
        self.view.expand(node).map_err(|e| errors::to_js(&e))
    }

    /// Adds a note linked to `node`; returns the note's node index.
    #[wasm_bindgen(js_name = addNote)]
    pub fn add_note(&mut self, node: u32, text: &str) -> Result<u32, JsValue> {
        self.view
            .add_note(node, text)
            .map_err(|e| errors::to_js(&e))
    }

    /// A node's details.
    #[wasm_bindgen(unchecked_return_type = "GraphNodeDetails")]
    pub fn details(&self, node: u32) -> Result<JsValue, JsValue> {
        js(&self.view.details(node).map_err(|e| errors::to_js(&e))?)
    }

    /// The node of each timeline row.
    #[wasm_bindgen(js_name = timelineNodes)]
    pub fn timeline_nodes(&self) -> Uint32Array {
        Uint32Array::from(self.view.timeline_nodes().as_slice())
    }

    /// The shown timed nodes as an Arrow IPC table (`TimeGenerated`,
    /// `Name`, `Type`, `Node`), for the timeline under the graph.
    #[wasm_bindgen(js_name = timelineArrow)]
    pub fn timeline_arrow(&self) -> Result<Uint8Array, JsValue> {
        let bytes = self
            .view
            .timeline_frame()
            .to_arrow_ipc()
            .map_err(|e| errors::to_js(&e))?;
        Ok(Uint8Array::from(bytes.as_slice()))
    }
}
