"""``huntkit.entity_graph``: the ``entity_graph`` bundle (issue #17) — two
Arrow data sets, ``nodes`` and ``edges``, with the contract's columns, and
options checked against the core's schema."""

from __future__ import annotations

import base64
import json

import pyarrow as pa
import pytest

import huntkit
from huntkit import contract
from huntkit.graph import entity_graph_bundle


def _read(entry: dict) -> pa.Table:
    return pa.ipc.open_stream(base64.b64decode(entry["arrow"])).read_all()


NODES = pa.table({
    "Id": ["h1", "a1", "al1"],
    "Name": ["web01", "alice", "<img src=x onerror=alert(1)>"],
    "Type": ["Host", "Account", "Alert"],
    "TimeGenerated": ["2024-01-01T10:00:00Z", None, "2024-01-01T11:00:00Z"],
    "Extra": [1, 2, 3],
})
EDGES = pa.table({"Source": ["h1", "al1"], "Target": ["a1", "h1"], "Label": ["logon", None]})


def test_the_bundle_carries_nodes_and_edges_with_the_contract_columns() -> None:
    b = entity_graph_bundle(NODES, EDGES, title="Incident 42", seed=7, max_nodes=1000)
    assert b["version"] == contract.VERSION and b["kind"] == "entity_graph"
    assert b["options"] == {"title": "Incident 42", "seed": 7, "max_nodes": 1000}
    assert [d["label"] for d in b["data"]] == ["nodes", "edges"]
    nodes, edges = (_read(d) for d in b["data"])
    assert nodes.column_names == ["Id", "Name", "Type", "TimeGenerated"], "Extra is not the view's"
    assert pa.types.is_timestamp(nodes.schema.field("TimeGenerated").type)
    assert nodes.column("Name").to_pylist()[2] == "<img src=x onerror=alert(1)>", "kept as text"
    assert edges.column_names == ["Source", "Target", "Label"]
    assert b["data"][0]["rows"] == 3 and b["data"][1]["rows"] == 2
    assert "entity_graph" in contract.KINDS


def test_an_object_with_nodes_df_and_edges_df_is_taken() -> None:
    class Graph:
        def nodes_df(self) -> pa.Table:
            return NODES

        def edges_df(self) -> pa.Table:
            return EDGES

    b = entity_graph_bundle(Graph())
    assert _read(b["data"][1]).num_rows == 2
    assert huntkit.view_bundle("entity_graph", {"nodes": NODES, "edges": EDGES})["kind"] == "entity_graph"


def test_properties_become_json_text_and_ids_text() -> None:
    pd = pytest.importorskip("pandas")
    nodes = pd.DataFrame({"Id": [1, 2], "Type": ["Host", "Url"],
                          "Properties": [{"os": "linux"}, {"url": "http://x"}]})
    edges = pd.DataFrame({"Source": [1], "Target": [2]})
    b = entity_graph_bundle(nodes, edges)
    n = _read(b["data"][0])
    assert n.column("Id").to_pylist() == ["1", "2"]
    assert json.loads(n.column("Properties")[0].as_py()) == {"os": "linux"}
    assert _read(b["data"][1]).column("Source").to_pylist() == ["1"]


def test_without_edges_the_graph_has_none() -> None:
    b = entity_graph_bundle(NODES)
    assert _read(b["data"][1]).num_rows == 0


def test_problems_are_named() -> None:
    with pytest.raises(KeyError, match="'Id' column"):
        entity_graph_bundle(pa.table({"Name": ["x"]}), EDGES)
    with pytest.raises(ValueError, match="repeats Id 'a'"):
        entity_graph_bundle(pa.table({"Id": ["a", "a"]}), EDGES)
    with pytest.raises(KeyError, match="'Target' column"):
        entity_graph_bundle(NODES, pa.table({"Source": ["h1"]}))
    with pytest.raises(ValueError, match="max_nodes"):
        entity_graph_bundle(NODES, EDGES, max_nodes=0)
    with pytest.raises(ValueError, match="colors"):
        entity_graph_bundle(NODES, EDGES, colors={"Host": "red;background:url(x)"})
    with pytest.raises(ValueError, match="unknown option 'layout'"):
        entity_graph_bundle(NODES, EDGES, layout="circle")
    with pytest.raises(ValueError, match="not times"):
        entity_graph_bundle(pa.table({"Id": ["a"], "StartTime": [5]}), EDGES)


def test_entity_graph_displays_the_bundle() -> None:
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as cap:
        assert huntkit.entity_graph(NODES, EDGES) is None
    (out,) = cap.outputs
    assert out.data[huntkit.MIME_TYPE]["kind"] == "entity_graph"


def test_an_incident_export_or_a_mapped_table_is_read_by_the_core() -> None:
    from pathlib import Path

    fixture = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "entities" / "sentinel_incident.json"
    text = fixture.read_text()
    # `huntkit graph` reads 8 nodes and 9 links from this incident.
    for given in (json.loads(text), text):
        b = entity_graph_bundle(given, title="Incident")
        assert [d["rows"] for d in b["data"]] == [8, 9]
        assert b["options"] == {"title": "Incident"}
    events = pa.table({"Computer": ["web01", "WEB01", "db01"], "User": ["alice", "alice", "bob"]})
    b = entity_graph_bundle(events, mapping={"Computer": "Host", "User": "Account.Name"})
    nodes = _read(b["data"][0])
    assert sorted(nodes.column("Type").to_pylist()) == ["Account", "Account", "Host", "Host"], "web01 merged"
    assert b["data"][1]["rows"] == 2
    with pytest.raises(ValueError, match="not both"):
        entity_graph_bundle(NODES, EDGES, mapping={"Computer": "Host"})
    with pytest.raises(ValueError, match="time_column"):
        entity_graph_bundle(NODES, EDGES, time_column="TimeGenerated")
