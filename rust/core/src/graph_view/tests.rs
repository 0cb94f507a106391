use super::*;
use crate::table::Table;

fn table(csv: &str) -> Table {
    Table::read_named(csv.as_bytes(), "csv").unwrap()
}

fn nodes() -> Table {
    table(
        "Id,Name,Type,Description,TimeGenerated,StartTime,EndTime,Properties\n\
         h1,web01,Host,,2024-01-01T10:00:00Z,,,\"{\"\"os\"\":\"\"linux\"\"}\"\n\
         a1,alice,Account,admin,,2024-01-01T09:00:00Z,,{}\n\
         ip1,10.0.0.5,IpAddress,,,,,\n\
         al1,<b>Alert</b>,Alert,sus,2024-01-01T11:00:00Z,,,\n\
         f1,evil.exe,File,,,,,\n",
    )
}

fn edges() -> Table {
    table("Source,Target,Label\nh1,a1,logon\nh1,ip1,\nal1,h1,on\nal1,f1,drops\nf1,nowhere,x\n")
}

fn open(visible: usize) -> GraphView {
    let model = GraphModel::from_tables(&nodes(), &edges(), 1000).unwrap();
    GraphView::new(model, visible, LayoutOptions::default()).unwrap()
}

#[test]
fn the_tables_are_read_and_bad_edges_counted() {
    let model = GraphModel::from_tables(&nodes(), &edges(), 1000).unwrap();
    assert_eq!(model.nodes.len(), 5);
    assert_eq!(model.edges.len(), 4);
    assert_eq!(model.skipped_edges, 1);
    assert_eq!(model.first_skipped.as_deref(), Some("\"f1\" → \"nowhere\""));
    assert_eq!(
        model.nodes[1].time,
        Some(1_704_099_600_000),
        "StartTime when no TimeGenerated"
    );
    assert_eq!(model.nodes[0].properties, "{\"os\":\"linux\"}");
}

#[test]
fn bad_tables_are_named() {
    let e = GraphModel::from_tables(&table("Name\nx\n"), &edges(), 10).unwrap_err();
    assert!(e.to_string().contains("\"Id\""), "{e}");
    let e = GraphModel::from_tables(&table("Id\na\na\n"), &edges(), 10).unwrap_err();
    assert!(e.to_string().contains("repeats"), "{e}");
    let e = GraphModel::from_tables(&nodes(), &table("From,To\na,b\n"), 10).unwrap_err();
    assert!(e.to_string().contains("Source"), "{e}");
    let e = GraphModel::from_tables(&nodes(), &edges(), 3).unwrap_err();
    assert!(
        e.to_string().contains("5 nodes, more than max_nodes (3)"),
        "{e}"
    );
}

#[test]
fn the_best_linked_show_first_and_expand_adds_neighbours() {
    let mut view = open(2);
    let shown: Vec<u32> = view.visible_nodes().iter().map(|n| n.node).collect();
    assert_eq!(shown, vec![0, 3], "h1 (3 links) and al1 (2 links)");
    assert_eq!(view.visible_edges(), vec![1, 0]);
    assert_eq!(view.positions().len(), 4);
    let before = view.positions().to_vec();
    assert_eq!(view.expand(0).unwrap(), 2);
    assert_eq!(view.visible_nodes().len(), 4);
    assert_eq!(view.visible_nodes()[0].hidden, 0);
    // Old nodes stay near where they were.
    let moved = (before[0] - view.positions()[0]).hypot(before[1] - view.positions()[1]);
    assert!(moved < 20.0, "{moved}");
    assert_eq!(view.expand(0).unwrap(), 0);
    assert!(view.expand(99).is_err());
}

#[test]
fn a_note_is_a_linked_node_next_to_its_entity() {
    let mut view = open(5);
    let note = view
        .add_note(2, "  checked with the owner\nsecond line ")
        .unwrap();
    assert_eq!(note, 5);
    let d = view.details(note).unwrap();
    assert_eq!(d.kind, "Note");
    assert_eq!(d.name, "checked with the owner");
    assert_eq!(d.links, vec!["note → 10.0.0.5"]);
    assert_eq!(view.visible_nodes().len(), 6);
    assert!(view.add_note(2, "   ").is_err());
}

#[test]
fn details_and_the_timeline_table_come_from_the_nodes() {
    let view = open(5);
    let d = view.details(3).unwrap();
    assert_eq!(d.name, "<b>Alert</b>", "kept as text; the page escapes it");
    assert_eq!(d.links, vec!["on → web01", "drops → evil.exe"]);
    assert_eq!(d.time.as_deref(), Some("2024-01-01T11:00:00Z"));
    let frame = view.timeline_frame();
    assert_eq!(frame.rows(), 3);
    assert_eq!(frame.columns()[1].text(0), "alice");
    assert_eq!(frame.columns()[3].text(2), "3");
    assert_eq!(view.timeline_nodes(), vec![1, 0, 3]);
}

#[test]
fn a_dragged_node_stays_put_for_the_next_layout() {
    let mut view = open(2);
    view.set_position(0, 500.0, 500.0).unwrap();
    view.expand(0).unwrap();
    let p = view.positions();
    assert!(
        (p[0] - 500.0).abs() < 5.0 && (p[1] - 500.0).abs() < 5.0,
        "{p:?}"
    );
    assert!(view.set_position(9, 0.0, 0.0).is_err());
}
