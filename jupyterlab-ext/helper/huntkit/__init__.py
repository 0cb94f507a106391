"""huntkit's notebook helper.

Functions that turn a DataFrame or Arrow table into the
``application/vnd.huntkit.view+json`` bundle that the JupyterLab extension
(the ``jupyterlab_huntkit`` package) and the VS Code renderer draw::

    import huntkit
    huntkit.timeline(df, group_by="Computer")
    df.huntkit.matrix(x="Computer", y="Account")   # with pandas
    huntkit.queries.render("WindowsSecurity.list_host_logons", host_name="WEB-01")
    huntkit.lookup(["185.220.101[.]1", "evil[.]example"])   # the Lookup view; sent on Run only

pyarrow is the only dependency; pandas and polars are used when installed.
"""

from ._version import __version__
from .bundle import MIME_TYPE, VERSION, view_bundle
from .views import (
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
from . import queries

try:  # the df.huntkit accessor, only where pandas is installed
    from . import accessor as _accessor  # noqa: F401
except ImportError:
    pass

__all__ = [
    "MIME_TYPE",
    "VERSION",
    "__version__",
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

