"""huntkit's notebook helper.

Functions that turn a DataFrame or Arrow table into the
``application/vnd.huntkit.view+json`` bundle that the JupyterLab extension
(the ``jupyterlab_huntkit`` package) and the VS Code renderer draw::

    import huntkit
    huntkit.timeline(df, group_by="Computer")
    df.huntkit.matrix(x="Computer", y="Account")   # with pandas
    huntkit.queries.render("WindowsSecurity.list_host_logons", host_name="WEB-01")
    huntkit.lookup(["185.220.101[.]1", "evil[.]example"])   # the Lookup view; sent on Run only

And the analyses, the Rust core compiled into this package
(``huntkit._core``) with MSTICPy's parameter names; results are pandas
DataFrames with the CLI's columns::

    iocs = huntkit.ioc_extract(df, columns=["CommandLine"])
    tree = huntkit.build_process_tree(procs)            # tree.roots(), tree.to_text()
    graph = huntkit.EntityGraph.from_incident(incident) # graph.to_df(), graph.nodes_df()
    df.huntkit.score_sessions(session_column="Operation_list")

pyarrow is the only dependency; pandas and polars are used when installed.
"""

from ._version import __version__
from .bundle import MIME_TYPE, VERSION, view_bundle
from .views import (
    cluster_scatter,
    entity_graph,
    matrix,
    session_scores,
    show,
    timeline,
    timeline_duration,
    timeline_values,
    timeseries_anomalies,
)

from .views import process_tree
from .lookup import lookup
from .entities import EntityGraph
from . import queries
from .analysis import (
    HuntkitError,
    HuntkitWarning,
    ProcessTree,
    anomaly_periods,
    build_process_tree,
    cluster_events,
    decode,
    ioc_extract,
    outliers,
    score_sessions,
    sessionize,
    timeseries_anomalies_stl,
)

# MSTICPy's own names, so a notebook ports by changing the import.
sessionize_data = sessionize
unpack_df = decode

try:  # the df.huntkit accessor, where pandas (and polars) are installed
    from . import accessor as _accessor  # noqa: F401
except ImportError:
    pass

__all__ = [
    "EntityGraph",
    "HuntkitError",
    "HuntkitWarning",
    "ProcessTree",
    "anomaly_periods",
    "build_process_tree",
    "cluster_events",
    "cluster_scatter",
    "decode",
    "ioc_extract",
    "outliers",
    "score_sessions",
    "sessionize",
    "sessionize_data",
    "timeseries_anomalies_stl",
    "unpack_df",
    "MIME_TYPE",
    "VERSION",
    "__version__",
    "entity_graph",
    "lookup",
    "matrix",
    "process_tree",
    "queries",
    "session_scores",
    "show",
    "timeline",
    "timeline_duration",
    "timeline_values",
    "timeseries_anomalies",
    "view_bundle",
]

