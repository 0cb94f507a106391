//! The graph as tables: the nodes and edges a graph view draws (stable
//! ids, typed times, properties as JSON) and MSTICPy's `to_df()` table.

use serde_json::{Map, Value};

use super::graph::EntityGraph;
use crate::table::{Frame, FrameColumn};

/// Columns of [`nodes_frame`], in order.
pub const NODE_COLUMNS: [&str; 8] = [
    "Id",
    "Name",
    "Type",
    "Description",
    "TimeGenerated",
    "StartTime",
    "EndTime",
    "Properties",
];

/// Columns of [`edges_frame`], in order.
pub const EDGE_COLUMNS: [&str; 3] = ["Source", "Target", "Label"];

/// Columns of [`graph_table`] (MSTICPy's `EntityGraph.to_df()`).
pub const TABLE_COLUMNS: [&str; 6] = [
    "Name",
    "Description",
    "Type",
    "TimeGenerated",
    "StartTime",
    "EndTime",
];

/// One row per node: `Id`, `Name`, `Type` (the kind's name),
/// `Description`, `TimeGenerated`, `StartTime`, `EndTime` (timestamps in
/// ms, UTC, nullable) and `Properties` (a JSON object; a generic node's
/// source type is under `SourceType`).
pub fn nodes_frame(graph: &EntityGraph) -> Frame {
    let n = graph.node_count();
    let mut cols: [Vec<Option<String>>; 5] = Default::default();
    let mut times: [Vec<Option<i64>>; 3] = Default::default();
    for c in cols.iter_mut() {
        c.reserve(n);
    }
    for node in graph.nodes() {
        let e = &node.entity;
        let mut props: Map<String, Value> = e.properties.clone();
        if let Some(t) = &e.source_type {
            props.insert("SourceType".into(), Value::String(t.clone()));
        }
        cols[0].push(Some(node.id.clone()));
        cols[1].push(Some(e.display_name()));
        cols[2].push(Some(e.kind.name().to_string()));
        cols[3].push(Some(e.display_description()));
        cols[4].push(Some(Value::Object(props).to_string()));
        times[0].push(e.time_generated);
        times[1].push(e.start_time);
        times[2].push(e.end_time);
    }
    let [id, name, kind, description, properties] = cols;
    let [generated, start, end] = times;
    Frame::new(vec![
        ("Id", FrameColumn::Utf8(id)),
        ("Name", FrameColumn::Utf8(name)),
        ("Type", FrameColumn::Utf8(kind)),
        ("Description", FrameColumn::Utf8(description)),
        ("TimeGenerated", FrameColumn::TimestampMs(generated)),
        ("StartTime", FrameColumn::TimestampMs(start)),
        ("EndTime", FrameColumn::TimestampMs(end)),
        ("Properties", FrameColumn::Utf8(properties)),
    ])
}

/// One row per link: `Source`, `Target` (node ids) and `Label` (nullable).
pub fn edges_frame(graph: &EntityGraph) -> Frame {
    let links = graph.links();
    let mut source = Vec::with_capacity(links.len());
    let mut target = Vec::with_capacity(links.len());
    let mut label = Vec::with_capacity(links.len());
    for l in links {
        source.push(Some(l.source));
        target.push(Some(l.target));
        label.push(l.label);
    }
    Frame::new(vec![
        ("Source", FrameColumn::Utf8(source)),
        ("Target", FrameColumn::Utf8(target)),
        ("Label", FrameColumn::Utf8(label)),
    ])
}

/// MSTICPy's `to_df()`: `Name, Description, Type, TimeGenerated,
/// StartTime, EndTime`, one row per node.
pub fn graph_table(graph: &EntityGraph) -> Frame {
    let nodes = nodes_frame(graph);
    let column = |name: &str| {
        let i = NODE_COLUMNS.iter().position(|c| *c == name).unwrap_or(0);
        nodes.columns()[i].clone()
    };
    Frame::new(TABLE_COLUMNS.iter().map(|c| (*c, column(c))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entities::entity::Entity;
    use crate::entities::graph::GraphOptions;
    use crate::entities::kind::EntityKind;

    #[test]
    fn frames_have_the_view_columns() {
        let mut g = EntityGraph::new(GraphOptions::default()).unwrap();
        let mut h = Entity::new(EntityKind::Host).with("HostName", "dc1");
        h.time_generated = Some(1_000);
        let h = g.add_entity(h).unwrap();
        let mut u = Entity::new(EntityKind::Unknown).with("MalwareName", "x<script>");
        u.source_type = Some("malware".into());
        let u = g.add_entity(u).unwrap();
        g.add_link(&h, &u, Some("found")).unwrap();

        let nodes = nodes_frame(&g);
        assert_eq!(nodes.names(), NODE_COLUMNS);
        assert_eq!(nodes.rows(), 2);
        assert_eq!(nodes.columns()[0].text(0), "Host-1");
        assert_eq!(nodes.columns()[2].text(1), "Unknown");
        let props: Value = serde_json::from_str(&nodes.columns()[7].text(1)).unwrap();
        assert_eq!(props["SourceType"], "malware");
        assert_eq!(props["MalwareName"], "x<script>");
        let batch = nodes.to_record_batch().unwrap();
        assert!(matches!(
            batch.schema().field(4).data_type(),
            arrow_schema::DataType::Timestamp(arrow_schema::TimeUnit::Millisecond, Some(tz)) if &**tz == "UTC"
        ));

        let edges = edges_frame(&g);
        assert_eq!(edges.names(), EDGE_COLUMNS);
        assert_eq!(edges.columns()[2].text(0), "found");

        let table = graph_table(&g);
        assert_eq!(table.names(), TABLE_COLUMNS);
        assert_eq!(table.columns()[0].text(0), "dc1");
        assert_eq!(table.columns()[3].text(0), "1970-01-01T00:00:01Z");
    }
}
