"""huntkit.EntityGraph through the compiled core: the Sentinel and Defender
fixtures (tests/fixtures/entities/), a mapped DataFrame, the edits, the
tables' columns and types, and bad input."""

import json
from pathlib import Path

import pandas as pd
import pytest

import huntkit
from huntkit import EntityGraph, HuntkitError

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "entities"
NODE_COLUMNS = ["Id", "Name", "Type", "Description", "TimeGenerated", "StartTime", "EndTime", "Properties"]


def fixture(name):
    return json.loads((FIXTURES / name).read_text())


def test_incident_dict_gives_msticpy_table():
    g = EntityGraph.from_incident(fixture("sentinel_incident.json"))
    df = g.to_df()
    assert list(df.columns) == ["Name", "Description", "Type", "TimeGenerated", "StartTime", "EndTime"]
    assert len(df) == len(g) == 8
    first = df.iloc[0]
    assert first.Name == "Incident 3177: Multi-stage attack involving credential theft"
    assert first.Type == "Incident"
    assert first.StartTime == pd.Timestamp("2024-03-01T09:30:00Z")
    assert str(df.TimeGenerated.dtype) == "datetime64[ms, UTC]"
    assert sorted(df.Type.unique()) == sorted(
        ["Incident", "Alert", "Account", "Host", "IpAddress", "Process", "Unknown"])


def test_nodes_and_edges_for_the_view():
    g = EntityGraph.from_incident((FIXTURES / "security_alerts.json").read_text())
    nodes, edges = g.nodes_df(), g.edges_df()
    assert list(nodes.columns) == NODE_COLUMNS
    assert list(edges.columns) == ["Source", "Target", "Label"]
    assert nodes.Id.is_unique
    assert set(edges.Source) | set(edges.Target) <= set(nodes.Id)
    assert (len(nodes), len(edges)) == (12, 19)
    props = json.loads(nodes.set_index("Id").loc["Alert-1", "Properties"])
    assert props["SystemAlertId"] == "b2000000-0000-0000-0000-000000000001"
    assert g.warnings == []


def test_edits_and_their_errors():
    g = EntityGraph.from_incident(fixture("defender_alerts.json"))
    n = len(g)
    host = g.nodes_df().query("Type == 'Host'").Id.iloc[0]
    note = g.add_note("triage", "owner confirmed", attached_to=host)
    assert len(g) == n + 1
    notes = g.nodes_df().query("Type == 'Note'")
    assert notes.Name.tolist() == ["triage"] and notes.Description.tolist() == ["owner confirmed"]
    assert notes.TimeGenerated.notna().all()
    ip = g.add_entity("IpAddress", {"Address": "203.0.113.99"})
    assert g.add_entity("ipaddress", {"ipAddress": "203.0.113.99"}) == ip  # merged
    g.add_link(host, ip, "seen")
    assert ((g.edges_df().Label == "seen")).sum() == 1
    g.remove_link(ip, host)
    with pytest.raises(HuntkitError, match="no link between") as e:
        g.remove_link(ip, host)
    assert e.value.kind == "unknown_link"
    g.remove_node(note)
    with pytest.raises(HuntkitError, match='no node "Nope-1"') as e:
        g.add_note("x", "y", attached_to="Nope-1")
    assert e.value.kind == "unknown_node"
    generic = g.add_entity("Malware", {"Name": "x"})
    row = g.nodes_df().set_index("Id").loc[generic]
    assert row.Type == "Unknown"
    assert json.loads(row.Properties)["SourceType"] == "Malware"


def test_from_df_with_a_mapping():
    df = pd.DataFrame({
        "TimeGenerated": pd.to_datetime(["2024-01-01T00:00:00Z", "2024-01-01T02:00:00Z"]),
        "Computer": ["DC1", "dc1"],
        "User": ["alice", "bob"],
        "Domain": ["CONTOSO", "CONTOSO"],
    })
    g = EntityGraph.from_df(df, {"Computer": "Host", "User": "Account.Name", "Domain": "Account.NTDomain"},
                            time_column="TimeGenerated")
    nodes = g.nodes_df()
    assert nodes.Type.tolist() == ["Host", "Account", "Account"]
    assert nodes.Name.tolist() == ["DC1", "CONTOSO\\alice", "CONTOSO\\bob"]
    host = nodes.iloc[0]
    assert (host.StartTime, host.EndTime) == (pd.Timestamp("2024-01-01T00:00:00Z"),
                                              pd.Timestamp("2024-01-01T02:00:00Z"))
    assert len(g.edges_df()) == 2
    with pytest.raises(HuntkitError, match='unknown entity kind "Server"'):
        EntityGraph.from_df(df, {"Computer": "Server"})
    with pytest.raises(HuntkitError, match='column "Nope" not in table'):
        EntityGraph.from_df(df, ["Nope=Host"])


def test_bad_input_is_refused_clearly():
    with pytest.raises(HuntkitError, match="more than max_nodes \\(3\\); raise max_nodes") as e:
        EntityGraph.from_incident(fixture("security_alerts.json"), max_nodes=3)
    assert e.value.kind == "too_many_nodes"
    with pytest.raises(HuntkitError, match="entity json") as e:
        EntityGraph.from_incident("{not json")
    assert e.value.kind == "parse"
    g = EntityGraph.from_incident(fixture("broken_refs.json"))
    assert any('dangling reference "99"' in w for w in g.warnings)
    big = [{"$id": str(i), "Address": f"10.0.{i // 256}.{i % 256}", "Type": "ip"} for i in range(60_000)]
    with pytest.raises(HuntkitError, match="the input has 60000 entities, more than max_nodes \\(50000\\)"):
        EntityGraph.from_incident(big)


def test_plot_uses_the_view_or_says_why():
    g = EntityGraph.from_incident(fixture("sentinel_incident.json"))
    from huntkit import views
    if hasattr(views, "entity_graph"):
        g.plot()  # the real view (huntkit.entity_graph); must not raise
    else:
        with pytest.raises(RuntimeError, match="no entity graph view"):
            g.plot()
    assert repr(g) == "EntityGraph(8 nodes, 9 links)"
    assert huntkit.EntityGraph is EntityGraph
