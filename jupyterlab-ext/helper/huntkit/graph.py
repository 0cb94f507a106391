"""The ``entity_graph`` bundle: an incident's entities (``nodes``) and their
links (``edges``) as two Arrow data sets, laid out in the browser by the
wasm core (ForceAtlas2) and drawn with the timed entities on a timeline.

The tables follow the contract between ``huntkit_core::entities`` and the
view: nodes ``Id`` (unique), ``Name``, ``Type``, ``Description``,
``TimeGenerated``, ``StartTime``, ``EndTime``, ``Properties`` (JSON text);
edges ``Source``, ``Target``, ``Label``. Only ``Id`` and ``Source``/``Target``
are required.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from . import contract
from .bundle import VERSION, _check_option_names, _ipc_base64, _time_column, to_arrow

#: The node columns kept (others are dropped: the view reads these only).
NODE_COLUMNS = ("Id", "Name", "Type", "Description", "TimeGenerated", "StartTime", "EndTime", "Properties")
#: The edge columns kept.
EDGE_COLUMNS = ("Source", "Target", "Label")
_TIME_COLUMNS = ("TimeGenerated", "StartTime", "EndTime")
_TEXT_NODE_COLUMNS = ("Id", "Name", "Type", "Description")


def _text(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """A column as utf8 (ids given as numbers become their text)."""
    if pa.types.is_dictionary(col.type):
        col = col.cast(col.type.value_type)
    if pa.types.is_string(col.type):
        return col
    if pa.types.is_large_string(col.type) or pa.types.is_integer(col.type) or pa.types.is_null(col.type):
        return col.cast(pa.string())
    return pa.chunked_array([pa.array([None if v is None else str(v) for v in col.to_pylist()],
                                      pa.string())])


def _json_text(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """``Properties`` as JSON text: dicts (struct or object cells) are dumped."""
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        return col.cast(pa.string())
    return pa.chunked_array([pa.array(
        [None if v is None else json.dumps(v, default=str, sort_keys=True) for v in col.to_pylist()],
        pa.string())])


def _dump(v: Any) -> Any:
    """A ``Properties`` cell as JSON text (text and nulls kept)."""
    if v is None or isinstance(v, str) or (isinstance(v, float) and v != v):
        return v
    return json.dumps(v, default=str, sort_keys=True)


def _nodes_table(data: Any) -> pa.Table:
    # pandas object cells (dicts) would become their repr: dump them first.
    if type(data).__module__.split(".")[0] == "pandas" and "Properties" in getattr(data, "columns", ()):
        data = data.assign(Properties=data["Properties"].map(_dump))
    table = to_arrow(data)
    if "Id" not in table.column_names:
        raise KeyError(f"the nodes table needs an 'Id' column; columns: {', '.join(table.column_names)}")
    keep = [c for c in NODE_COLUMNS if c in table.column_names]
    table = table.select(keep)
    for name in keep:
        idx = table.column_names.index(name)
        if name in _TEXT_NODE_COLUMNS:
            table = table.set_column(idx, name, _text(table.column(idx)))
        elif name == "Properties":
            table = table.set_column(idx, name, _json_text(table.column(idx)))
        elif name in _TIME_COLUMNS and table.column(idx).null_count < table.num_rows:
            table = _time_column(table, name, name, "the nodes table")
    ids = table.column("Id")
    if ids.null_count:
        raise ValueError("the nodes table has a null Id: every entity needs one")
    if len(ids.unique()) != table.num_rows:
        seen: set[str] = set()
        dup = next(v for v in ids.to_pylist() if v in seen or seen.add(v))
        raise ValueError(f"the nodes table repeats Id {dup!r}: ids must be unique")
    return table


def _edges_table(data: Any) -> pa.Table:
    if data is None:
        return pa.table({"Source": pa.array([], pa.string()), "Target": pa.array([], pa.string())})
    table = to_arrow(data)
    for name in ("Source", "Target"):
        if name not in table.column_names:
            raise KeyError(f"the edges table needs a {name!r} column; columns: {', '.join(table.column_names)}")
    keep = [c for c in EDGE_COLUMNS if c in table.column_names]
    table = table.select(keep)
    for name in keep:
        idx = table.column_names.index(name)
        table = table.set_column(idx, name, _text(table.column(idx)))
    return table


def _as_graph(data: Any, edges: Any, mapping: Any, time_column: Any) -> Any:
    """What ``huntkit.entity_graph`` was given, as something with nodes and edges.

    An incident or alert export (a dict, a list of them, or its JSON text) is
    read by the core (``EntityGraph.from_incident``); a table of events with a
    ``mapping`` (``{"Computer": "Host", "User": "Account.Name"}``) becomes
    the graph of its rows (``EntityGraph.from_df``); a nodes table (with
    ``edges``) or a graph object passes through.
    """
    from .entities import EntityGraph

    if mapping is not None:
        if edges is not None:
            raise ValueError("entity_graph: give either edges (a nodes table) or mapping (a table of events), not both")
        return EntityGraph.from_df(data, mapping, time_column=time_column)
    if time_column is not None:
        raise ValueError("entity_graph: time_column applies to a table of events with a mapping")
    if edges is None and isinstance(data, (dict, list, str, bytes)):
        return EntityGraph.from_incident(data)
    return data


def entity_graph_bundle(nodes: Any, edges: Any = None, /, **options: Any) -> dict:
    """The ``entity_graph`` view bundle.

    ``nodes`` is a DataFrame/Arrow table of entities, or an object with
    ``nodes_df()`` and ``edges_df()`` methods (huntkit's ``EntityGraph``),
    whose tables are used when ``edges`` is not given, or an incident/alert
    export (dict, list or JSON text: Sentinel, Defender), or a table of
    events with ``mapping=`` (column → entity kind, ``time_column=``). Options: ``title``,
    ``height``, ``width``, ``seed`` (same seed, same picture), ``timeline``
    (default True), ``max_nodes`` (larger graphs are refused with a message
    in the view), ``visible_nodes`` (shown at first, the best linked),
    ``colors`` (``{"Host": "#1f77b4"}``). Raises ``ValueError``/``KeyError``
    naming the problem.
    """
    mapping = options.pop("mapping", None)
    time_column = options.pop("time_column", None)
    _check_option_names("entity_graph", options)
    nodes = _as_graph(nodes, edges, mapping, time_column)
    if hasattr(nodes, "nodes_df") and hasattr(nodes, "edges_df"):
        graph = nodes
        nodes = graph.nodes_df()
        if edges is None:
            edges = graph.edges_df()
    out = {k: v for k, v in options.items() if v is not None}
    if "title" in out:
        out["title"] = str(out["title"])
    contract.validate("entity_graph", out)  # types and bounds, as the core checks them
    node_table = _nodes_table(nodes)
    edge_table = _edges_table(edges)
    data = [
        {"label": "nodes", "arrow": _ipc_base64(node_table), "rows": node_table.num_rows},
        {"label": "edges", "arrow": _ipc_base64(edge_table), "rows": edge_table.num_rows},
    ]
    return {"version": VERSION, "kind": "entity_graph", "options": out, "data": data}
