"""Show huntkit views in a notebook: build the bundle, hand it to the host.

The host (JupyterLab, VS Code) draws ``application/vnd.huntkit.view+json``;
``text/plain`` is what hosts without the extension show instead. The
functions return None so a notebook cell does not echo the bundle.
"""

from __future__ import annotations

import inspect
from typing import Any

from .bundle import MIME_TYPE, summary, view_bundle


def show(bundle: dict) -> dict | None:
    """Display ``bundle``; return it instead when not running under IPython.

    Outside IPython ``display`` would only print the dict, so the caller gets
    the bundle to use as they see fit.
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return bundle
    if get_ipython() is None:
        return bundle
    display({MIME_TYPE: bundle, "text/plain": summary(bundle)}, raw=True)
    return None


def timeline(data: Any, **options: Any) -> dict | None:
    """Events on a time axis, one lane per ``group_by`` value (MSTICPy's ``display_timeline``).

    ``data`` may be a dict of data sets to overlay; see :func:`huntkit.view_bundle`.
    """
    return show(view_bundle("timeline", data, **options))


def timeline_values(data: Any, y: str, **options: Any) -> dict | None:
    """Values of column ``y`` over time, drawn as ``kind`` (circle, line, vbar)."""
    return show(view_bundle("timeline_values", data, y=y, **options))


def timeline_duration(data: Any, group_by: str | list[str], **options: Any) -> dict | None:
    """One bar per ``group_by`` group, from its first to its last event."""
    return show(view_bundle("timeline_duration", data, group_by=group_by, **options))


def process_tree(data: Any, schema: str | None = None, legend_col: str | None = None,
                 **options: Any) -> dict | None:
    """Process trees of process-creation events (MSTICPy's ``build_process_tree`` + ``plot_process_tree``).

    The raw events go to the browser, where the wasm core links parents per
    host; ``schema`` (``4688``, ``sysmon``, ``mde``…) is inferred when not
    given; ``legend_col`` colours rows by a column (e.g. the account).
    """
    from .analysis import tree_events

    # A built tree (huntkit.build_process_tree) sends its own events and schema.
    data, built = tree_events(data)
    if built and schema is None and "mapping" not in options:
        schema = built.get("schema")
        if "mapping" in built:
            options["mapping"] = built["mapping"]
    return show(view_bundle("process_tree", data, schema=schema, legend_col=legend_col, **options))


def entity_graph(nodes: Any, edges: Any = None, **options: Any) -> dict | None:
    """An incident's entities and their links as a graph, timed ones on a timeline
    under it (MSTICPy's ``EntityGraph.plot(timeline=True)``).

    ``nodes``: an incident or alert export (dict, list or JSON text), a table
    of events with ``mapping={"Computer": "Host", …}``, a nodes table (``Id``,
    ``Name``, ``Type``, …) with ``edges`` (``Source``, ``Target``, ``Label``),
    or an object with ``nodes_df()`` and ``edges_df()`` (huntkit's ``EntityGraph``). Laid out in the browser
    (seeded ForceAtlas2); see :func:`huntkit.graph.entity_graph_bundle` for options.
    """
    from .graph import entity_graph_bundle

    return show(entity_graph_bundle(nodes, edges, **options))


def matrix(data: Any, x: str, y: str, **options: Any) -> dict | None:
    """Circles at ``x``×``y``, sized by the row count or by ``value_col``."""
    return show(view_bundle("matrix", data, x=x, y=y, **options))


def timeseries_anomalies(data: Any, **options: Any) -> dict | None:
    """An STL anomaly table (:func:`huntkit.timeseries_anomalies_stl`,
    ``huntkit timeseries`` or MSTICPy's ``ts_anomalies_stl`` output): the
    observed value, its baseline and the flagged points. ``y`` (the value
    column) is found when not given.

    Given ``timeseries_anomalies_stl``'s options (``data_column``,
    ``period``, ``seasonal``, ``bin``, …), ``data`` is scored with them
    first, so ``huntkit.timeseries_anomalies(df, data_column="Total")``
    draws a raw series in one call."""
    from .analysis import timeseries_anomalies_stl

    # The analysis's own options (its signature, not a copy of the list);
    # the time column is the view's too.
    own = set(inspect.signature(timeseries_anomalies_stl).parameters) - {"data", "time_column"}
    stl = {k: options.pop(k) for k in list(options) if k in own}
    if stl:
        if "time_column" in options:
            stl["time_column"] = options["time_column"]
        data = timeseries_anomalies_stl(data, **stl)
    return show(view_bundle("anomalies", data, **options))


def session_scores(data: Any, **options: Any) -> dict | None:
    """Scored sessions (``huntkit sessions`` or MSTICPy's ``score_sessions``
    output): session start against rarest-window likelihood, with a slider
    to keep only the rarest. ``y`` and the start-time column are found when
    not given (``rarest_window<n>_likelihood``, ``<time>_min``)."""
    return show(view_bundle("session_scores", data, **options))


def cluster_scatter(data: Any, x: str, y: str, **options: Any) -> dict | None:
    """Event clusters (:func:`huntkit.cluster_events`, ``huntkit cluster`` or
    MSTICPy's ``dbcluster_events`` output) as a scatter of two numeric
    feature columns ``x`` and ``y``: one circle per row, sized by
    ``ClusterSize`` and coloured by ``ClusterId`` (noise grey); hover shows
    the row, a click selects it. ``cluster_column`` and ``size_column``
    name other columns."""
    return show(view_bundle("cluster_scatter", data, x=x, y=y, **options))
