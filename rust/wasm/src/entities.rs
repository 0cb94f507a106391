//! The entity graph for JS: built once from incident/alert JSON or a
//! mapped table and kept in wasm, edited by the analyst (notes, links,
//! removals), read back as the nodes and edges tables (Arrow IPC) a graph
//! view draws. Every edit that names a missing node or link throws an
//! `Error` whose `kind` is `unknown_node` or `unknown_link`.

use huntkit_core::entities::{self as core_entities, EntityGraphOptions};
use huntkit_core::{self as core};
use wasm_bindgen::prelude::*;

use crate::errors;
use crate::options;

/// An investigation graph (`huntkit_core::entities::EntityGraph`).
#[wasm_bindgen]
pub struct EntityGraph {
    graph: core_entities::EntityGraph,
}

fn ipc(frame: core::Result<Vec<u8>>) -> Result<Vec<u8>, JsValue> {
    frame.map_err(|e| errors::to_js(&e))
}

#[wasm_bindgen]
impl EntityGraph {
    /// The graph of Sentinel incident/alert JSON (REST resources,
    /// SecurityAlert rows with `Entities`) or Defender alerts with
    /// `evidence`. Only `maxNodes` of the options applies; parts that
    /// could not be used are in [`warnings`](Self::warnings).
    #[wasm_bindgen(js_name = fromJson)]
    pub fn from_json(
        data: &[u8],
        #[wasm_bindgen(unchecked_param_type = "EntityGraphOptions | undefined")] options: JsValue,
    ) -> Result<EntityGraph, JsValue> {
        let o: EntityGraphOptions = options::parse(options)?;
        core_entities::graph_from_json(data, &o)
            .map(|graph| EntityGraph { graph })
            .map_err(|e| errors::to_js(&e))
    }

    /// The graph of a table's rows (`format`: `auto`, `csv`, `json`,
    /// `ndjson`, `arrow`) through `mapping` (`Column=Kind[.Property]`).
    #[wasm_bindgen(js_name = fromTable)]
    pub fn from_table(
        data: &[u8],
        format: &str,
        #[wasm_bindgen(unchecked_param_type = "EntityGraphOptions | undefined")] options: JsValue,
    ) -> Result<EntityGraph, JsValue> {
        let o: EntityGraphOptions = options::parse(options)?;
        let run = || core_entities::graph_from_table(&core::Table::read_named(data, format)?, &o);
        run()
            .map(|graph| EntityGraph { graph })
            .map_err(|e| errors::to_js(&e))
    }

    /// The nodes as Arrow IPC: `Id`, `Name`, `Type`, `Description`,
    /// `TimeGenerated`, `StartTime`, `EndTime` (timestamp ms UTC),
    /// `Properties` (JSON text).
    pub fn nodes(&self) -> Result<Vec<u8>, JsValue> {
        ipc(core_entities::nodes_frame(&self.graph).to_arrow_ipc())
    }

    /// The links as Arrow IPC: `Source`, `Target`, `Label`.
    pub fn edges(&self) -> Result<Vec<u8>, JsValue> {
        ipc(core_entities::edges_frame(&self.graph).to_arrow_ipc())
    }

    /// MSTICPy's `to_df()` as Arrow IPC: `Name`, `Description`, `Type`,
    /// `TimeGenerated`, `StartTime`, `EndTime`.
    pub fn table(&self) -> Result<Vec<u8>, JsValue> {
        ipc(core_entities::graph_table(&self.graph).to_arrow_ipc())
    }

    /// What the input held that could not be used (dangling `$ref`s,
    /// unrecognised objects).
    pub fn warnings(&self) -> Vec<String> {
        self.graph.warnings.clone()
    }

    /// Number of nodes.
    #[wasm_bindgen(getter, js_name = nodeCount)]
    pub fn node_count(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of links.
    #[wasm_bindgen(getter, js_name = linkCount)]
    pub fn link_count(&self) -> usize {
        self.graph.link_count()
    }

    /// Adds a note, linked to the node `attachedTo` if given; `time` is
    /// when it was written (ms). Returns the note's id.
    #[wasm_bindgen(js_name = addNote)]
    pub fn add_note(
        &mut self,
        name: &str,
        description: &str,
        #[wasm_bindgen(js_name = attachedTo)] attached_to: Option<String>,
        time: Option<f64>,
    ) -> Result<String, JsValue> {
        let time = time.filter(|t| t.is_finite()).map(|t| t as i64);
        self.graph
            .add_note(name, description, attached_to.as_deref(), time)
            .map_err(|e| errors::to_js(&e))
    }

    /// Links two nodes.
    #[wasm_bindgen(js_name = addLink)]
    pub fn add_link(
        &mut self,
        source: &str,
        target: &str,
        label: Option<String>,
    ) -> Result<(), JsValue> {
        self.graph
            .add_link(source, target, label.as_deref())
            .map_err(|e| errors::to_js(&e))
    }

    /// Removes the link between two nodes.
    #[wasm_bindgen(js_name = removeLink)]
    pub fn remove_link(&mut self, source: &str, target: &str) -> Result<(), JsValue> {
        self.graph
            .remove_link(source, target)
            .map_err(|e| errors::to_js(&e))
    }

    /// Removes a node and its links.
    #[wasm_bindgen(js_name = removeNode)]
    pub fn remove_node(&mut self, id: &str) -> Result<(), JsValue> {
        self.graph.remove_node(id).map_err(|e| errors::to_js(&e))
    }
}
