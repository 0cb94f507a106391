"""The investigation graph (MSTICPy's ``EntityGraph``), built and kept in the
Rust core: entities from a Sentinel incident or alerts, Defender alert
evidence, or DataFrame rows with a column → entity mapping, merged by their
identifying properties, then edited (notes, links, removals)::

    graph = huntkit.EntityGraph.from_incident(incident_json)
    note = graph.add_note("triage", "owner confirmed the logon", attached_to="Host-2")
    graph.to_df()        # Name, Description, Type, TimeGenerated, StartTime, EndTime
    graph.nodes_df()     # Id, Name, Type, Description, times, Properties (JSON)
    graph.edges_df()     # Source, Target, Label
    graph.plot()         # the graph view, where huntkit.entity_graph exists

Node ids (``Host-2``) are stable for the same input. A graph larger than
``max_nodes`` (the core's default, 50 000) is refused with a message that
says how many entities the input has.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from typing import Any

from . import _core
from .analysis import _arrow, _frame


def _options(max_nodes: int | None, **more: Any) -> str:
    options: dict[str, Any] = {k: v for k, v in more.items() if v is not None}
    if max_nodes is not None:
        options["max_nodes"] = int(max_nodes)
    return json.dumps(options)


def _mapping_specs(mapping: Mapping[str, str] | Sequence[str]) -> list[str]:
    """``{"Computer": "Host", "User": "Account.Name"}`` (or already
    ``["Computer=Host"]``) as the core's ``Column=Kind[.Property]`` specs;
    the core checks the kinds and properties."""
    if isinstance(mapping, Mapping):
        return [f"{column}={target}" for column, target in mapping.items()]
    if isinstance(mapping, str):
        return [mapping]
    return [str(m) for m in mapping]


def _now_ms() -> int:
    return int(time.time() * 1000)


class EntityGraph:
    """Entities and their links; see the module doc."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle

    # ------------------------------------------------------------------
    # building
    # ------------------------------------------------------------------

    @classmethod
    def from_incident(cls, incident: Any, *, max_nodes: int | None = None) -> EntityGraph:
        """A graph of a Sentinel incident (REST resource, with ``alerts`` and
        ``entities`` if exported beside it), SecurityAlert rows (``Entities``
        with ``$id``/``$ref``), or Defender alerts with ``evidence``:
        a dict, a list, or JSON text."""
        if isinstance(incident, bytes):
            incident = incident.decode("utf-8")
        text = incident if isinstance(incident, str) else json.dumps(incident, default=str)
        return cls(_core.entity_graph_from_json(text, _options(max_nodes)))

    from_json = from_incident

    @classmethod
    def from_df(cls, data: Any, mapping: Mapping[str, str] | Sequence[str], *,
                time_column: str | None = None, max_nodes: int | None = None) -> EntityGraph:
        """A graph of a DataFrame's (or Arrow table's) rows: ``mapping`` maps
        columns to ``Kind`` or ``Kind.Property`` (``{"Computer": "Host",
        "User": "Account.Name", "Domain": "Account.NTDomain"}``); the
        entities of a row are linked to each other."""
        options = _options(max_nodes, mapping=_mapping_specs(mapping), time_column=time_column)
        return cls(_core.entity_graph_from_table(_arrow(data), options))

    # ------------------------------------------------------------------
    # editing (MSTICPy's names)
    # ------------------------------------------------------------------

    def add_entity(self, kind: str, properties: Mapping[str, Any] | None = None, *,
                   name: str | None = None, description: str | None = None,
                   time_generated: Any = None) -> str:
        """Adds an entity (``kind``: ``Host``, ``Account``, …; another name
        makes a generic node), merged with the node it duplicates; returns
        the node's id."""
        props = json.dumps(dict(properties or {}), default=str)
        return self._handle.add_entity(kind, props, name, description, _time_ms(time_generated))

    def add_incident(self, incident: Any) -> None:
        """Adds an incident (or alerts) as :meth:`from_incident` reads them."""
        text = incident if isinstance(incident, str) else json.dumps(incident, default=str)
        self._handle.add_json(text)

    add_alert = add_incident

    def add_note(self, name: str, description: str = "", attached_to: str | None = None) -> str:
        """Adds an analyst's note, linked to the node ``attached_to``;
        returns the note's id."""
        return self._handle.add_note(str(name), str(description), attached_to, _now_ms())

    def add_link(self, source: str, target: str, label: str | None = None) -> None:
        """Links two nodes (by id)."""
        self._handle.add_link(source, target, label)

    def remove_link(self, source: str, target: str) -> None:
        """Removes the link between two nodes."""
        self._handle.remove_link(source, target)

    def remove_node(self, node: str) -> None:
        """Removes a node and its links."""
        self._handle.remove_node(node)

    # ------------------------------------------------------------------
    # reading
    # ------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._handle)

    @property
    def warnings(self) -> list[str]:
        """What the input held that could not be used (dangling ``$ref``s, …)."""
        return self._handle.warnings()

    def to_df(self) -> Any:
        """MSTICPy's columns: Name, Description, Type, TimeGenerated,
        StartTime, EndTime."""
        return _frame(self._handle.table())

    def nodes_df(self) -> Any:
        """Id, Name, Type, Description, TimeGenerated, StartTime, EndTime,
        Properties (a JSON object per node)."""
        return _frame(self._handle.nodes())

    def edges_df(self) -> Any:
        """Source, Target (node ids), Label."""
        return _frame(self._handle.edges())

    def plot(self, **options: Any) -> Any:
        """The graph view beside its timeline (``huntkit.entity_graph``)."""
        try:
            from .views import entity_graph
        except ImportError:
            raise RuntimeError(
                "this huntkit has no entity graph view (huntkit.entity_graph); "
                "use to_df(), nodes_df() and edges_df()"
            ) from None
        return entity_graph(self.nodes_df(), self.edges_df(), **options)

    def __repr__(self) -> str:
        return f"EntityGraph({len(self)} nodes, {self._handle.link_count()} links)"


def _time_ms(value: Any) -> int | None:
    """A time as ms since the epoch (UTC): numbers are ms; datetimes and
    ISO text through pandas when it is there."""
    if value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    import pandas as pd

    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return int(ts.value // 1_000_000)
