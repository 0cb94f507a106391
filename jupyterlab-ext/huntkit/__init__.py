"""huntkit for JupyterLab.

The package ships the prebuilt JupyterLab extension (``@huntkit/jupyterlab``),
whose analysis runs in the browser, in WebAssembly, with no kernel; and the
notebook side of huntkit's views: functions that turn a DataFrame or Arrow
table into the ``application/vnd.huntkit.view+json`` bundle that the
extension (and the VS Code renderer) draw::

    import huntkit
    huntkit.timeline(df, group_by="Computer")
    df.huntkit.matrix(x="Computer", y="Account")   # with pandas
    huntkit.queries.render("WindowsSecurity.list_host_logons", host_name="WEB-01")

pyarrow is the only dependency of the views; pandas and polars are used when
installed. ``huntkit.server`` is the Jupyter server extension that performs
provider calls (threat intelligence, context, SIEM) for the page, with the
hunter's keys from ``msticpyconfig.yaml`` (pyyaml reads it).
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
from . import queries

try:  # the df.huntkit accessor, only where pandas is installed
    from . import accessor as _accessor  # noqa: F401
except ImportError:
    pass

__all__ = [
    "MIME_TYPE",
    "VERSION",
    "__version__",
    "_jupyter_labextension_paths",
    "_jupyter_server_extension_points",
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


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where JupyterLab finds the prebuilt extension inside this package."""
    return [{"src": "labextension", "dest": "@huntkit/jupyterlab"}]


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """The server extension (provider calls for the page), enabled by
    ``jupyter-config/jupyter_server_config.d/huntkit.json``."""
    return [{"module": "huntkit.server"}]
