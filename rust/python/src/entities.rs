//! Entity graphs: built and edited in Rust, read back as Arrow batches
//! (nodes, edges, MSTICPy's `to_df()` table), so the Python `EntityGraph`
//! only keeps this handle.

use huntkit_core::entities::{
    self as core_entities, add_json_bytes, Entity, EntityGraph, EntityGraphOptions, EntityKind,
};
use huntkit_core::{Error, ErrorKind, Frame};
use pyo3::prelude::*;
use serde_json::{Map, Value};

use crate::analyses::options;
use crate::arrow_io::{batch_in, frame_batch, frame_out, table};
use crate::errors::{self, detached};

/// A built entity graph.
#[pyclass(module = "huntkit._core")]
pub(crate) struct EntityGraphHandle {
    graph: EntityGraph,
}

/// The graph of Sentinel incident/alert or Defender alert JSON text
/// (options: the core's `EntityGraphOptions`; only `max_nodes` applies).
#[pyfunction]
pub(crate) fn entity_graph_from_json(
    py: Python<'_>,
    text: String,
    options_json: &str,
) -> PyResult<EntityGraphHandle> {
    let opts: EntityGraphOptions = options(options_json)?;
    let graph = detached(py, move || {
        core_entities::graph_from_json(text.as_bytes(), &opts).map_err(errors::core)
    })?;
    Ok(EntityGraphHandle { graph })
}

/// The graph of a table's rows through `mapping` (`Column=Kind[.Property]`).
#[pyfunction]
pub(crate) fn entity_graph_from_table(
    py: Python<'_>,
    data: &Bound<'_, PyAny>,
    options_json: &str,
) -> PyResult<EntityGraphHandle> {
    let opts: EntityGraphOptions = options(options_json)?;
    let input = batch_in(data)?;
    let graph = detached(py, move || {
        core_entities::graph_from_table(&table(&input), &opts).map_err(errors::core)
    })?;
    Ok(EntityGraphHandle { graph })
}

fn out(py: Python<'_>, frame: Frame) -> PyResult<Py<PyAny>> {
    let batch = frame_batch(frame)?;
    frame_out(py, batch)
}

#[pymethods]
impl EntityGraphHandle {
    /// Number of nodes.
    fn __len__(&self) -> usize {
        self.graph.node_count()
    }

    /// Number of links.
    fn link_count(&self) -> usize {
        self.graph.link_count()
    }

    /// What the input held that could not be used.
    fn warnings(&self) -> Vec<String> {
        self.graph.warnings.clone()
    }

    /// Nodes: `Id, Name, Type, Description, TimeGenerated, StartTime,
    /// EndTime, Properties`, as a `pyarrow.RecordBatch`.
    fn nodes(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        out(py, core_entities::nodes_frame(&self.graph))
    }

    /// Links: `Source, Target, Label`, as a `pyarrow.RecordBatch`.
    fn edges(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        out(py, core_entities::edges_frame(&self.graph))
    }

    /// MSTICPy's `to_df()` columns, as a `pyarrow.RecordBatch`.
    fn table(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        out(py, core_entities::graph_table(&self.graph))
    }

    /// Adds more incident/alert JSON to the graph.
    fn add_json(&mut self, py: Python<'_>, text: String) -> PyResult<()> {
        let graph = &mut self.graph;
        detached(py, move || {
            add_json_bytes(graph, text.as_bytes()).map_err(errors::core)
        })
    }

    /// Adds an entity of `kind` (a kind name; any other name makes a
    /// generic node) with `properties` (a JSON object), merged with the
    /// node it duplicates; returns the node's id.
    #[pyo3(signature = (kind, properties_json, name=None, description=None, time_generated=None))]
    fn add_entity(
        &mut self,
        kind: &str,
        properties_json: &str,
        name: Option<String>,
        description: Option<String>,
        time_generated: Option<i64>,
    ) -> PyResult<String> {
        let props: Map<String, Value> = serde_json::from_str(properties_json).map_err(|e| {
            errors::core(Error::new(ErrorKind::InvalidOption {
                name: "properties".into(),
                message: format!("expected a JSON object: {e}"),
            }))
        })?;
        let known = EntityKind::by_name(kind);
        let mut e = Entity::new(known.unwrap_or(EntityKind::Unknown));
        if known.is_none() {
            e.source_type = Some(kind.to_string());
        }
        for (k, v) in props {
            e.set(&k, v);
        }
        e.name = name;
        e.description = description;
        e.time_generated = time_generated;
        self.graph.add_entity(e).map_err(errors::core)
    }

    /// Adds a note, linked to `attached_to` if given; returns its id.
    #[pyo3(signature = (name, description, attached_to=None, time=None))]
    fn add_note(
        &mut self,
        name: &str,
        description: &str,
        attached_to: Option<&str>,
        time: Option<i64>,
    ) -> PyResult<String> {
        self.graph
            .add_note(name, description, attached_to, time)
            .map_err(errors::core)
    }

    /// Links two nodes.
    #[pyo3(signature = (source, target, label=None))]
    fn add_link(&mut self, source: &str, target: &str, label: Option<&str>) -> PyResult<()> {
        self.graph
            .add_link(source, target, label)
            .map_err(errors::core)
    }

    /// Removes the link between two nodes.
    fn remove_link(&mut self, source: &str, target: &str) -> PyResult<()> {
        self.graph.remove_link(source, target).map_err(errors::core)
    }

    /// Removes a node and its links.
    fn remove_node(&mut self, id: &str) -> PyResult<()> {
        self.graph.remove_node(id).map_err(errors::core)
    }
}
