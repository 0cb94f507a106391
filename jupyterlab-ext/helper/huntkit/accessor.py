"""``df.huntkit.*``: the views and the analyses as DataFrame methods, like
MSTICPy's ``df.mp_plot`` and ``df.mp``.

Registered by ``import huntkit`` when pandas is installed (and as a polars
DataFrame namespace when polars is); the accessor object is created only
when ``df.huntkit`` is first used. Views return None (they display);
analyses return DataFrames, which have ``.huntkit`` in turn::

    df.huntkit.ioc_extract(columns=["CommandLine"]).huntkit.matrix(x="IoCType", y="Observable")
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import analysis, views
from .bundle import view_bundle


class HuntkitAccessor:
    """The huntkit views and analyses of one DataFrame."""

    def __init__(self, df: Any) -> None:
        self._df = df

    # Analyses (the Rust core; see huntkit.analysis).

    def ioc_extract(self, columns: Any = None, **options: Any) -> Any:
        """See :func:`huntkit.ioc_extract` (MSTICPy's ``df.mp.ioc_extract``)."""
        return analysis.ioc_extract(self._df, columns, **options)

    def decode(self, column: Any = None, **options: Any) -> Any:
        """See :func:`huntkit.decode` (MSTICPy's ``df.mp.b64extract``)."""
        return analysis.decode(self._df, column, **options)

    b64extract = decode

    def sessionize(self, user_identifier_cols: Any, time_col: str, event_col: str,
                   **options: Any) -> Any:
        """See :func:`huntkit.sessionize`."""
        return analysis.sessionize(self._df, user_identifier_cols, time_col, event_col, **options)

    def score_sessions(self, session_column: str, window_length: int = 3) -> Any:
        """See :func:`huntkit.score_sessions`."""
        return analysis.score_sessions(self._df, session_column, window_length)

    def timeseries_anomalies_stl(self, **options: Any) -> Any:
        """See :func:`huntkit.timeseries_anomalies_stl`."""
        return analysis.timeseries_anomalies_stl(self._df, **options)

    def anomaly_periods(self, **options: Any) -> Any:
        """See :func:`huntkit.anomaly_periods`."""
        return analysis.anomaly_periods(self._df, **options)

    def build_process_tree(self, schema: str | None = None, **options: Any) -> Any:
        """See :func:`huntkit.build_process_tree` (MSTICPy's ``df.mp.build_process_tree``)."""
        return analysis.build_process_tree(self._df, schema, **options)

    def cluster_events(self, cluster_columns: Any = None, **options: Any) -> Any:
        """See :func:`huntkit.cluster_events` (MSTICPy's ``dbcluster_events``)."""
        return analysis.cluster_events(self._df, cluster_columns, **options)

    def outliers(self, cluster_columns: Any = None, **options: Any) -> Any:
        """See :func:`huntkit.outliers` (MSTICPy's ``identify_outliers``)."""
        return analysis.outliers(self._df, cluster_columns, **options)

    # Views.

    def view_bundle(self, kind: str, /, **options: Any) -> dict:
        """The bundle of view ``kind`` for this DataFrame (see :func:`huntkit.view_bundle`)."""
        return view_bundle(kind, self._df, **options)

    def timeline(self, **options: Any) -> dict | None:
        """See :func:`huntkit.timeline`."""
        return views.timeline(self._df, **options)

    def timeline_values(self, y: str, **options: Any) -> dict | None:
        """See :func:`huntkit.timeline_values`."""
        return views.timeline_values(self._df, y, **options)

    def timeline_duration(self, group_by: str | list[str], **options: Any) -> dict | None:
        """See :func:`huntkit.timeline_duration`."""
        return views.timeline_duration(self._df, group_by, **options)

    def process_tree(self, schema: str | None = None, legend_col: str | None = None,
                     **options: Any) -> dict | None:
        """See :func:`huntkit.process_tree`."""
        return views.process_tree(self._df, schema, legend_col, **options)

    def matrix(self, x: str, y: str, **options: Any) -> dict | None:
        """See :func:`huntkit.matrix`."""
        return views.matrix(self._df, x, y, **options)

    def timeseries_anomalies(self, **options: Any) -> dict | None:
        """See :func:`huntkit.timeseries_anomalies`."""
        return views.timeseries_anomalies(self._df, **options)

    def cluster_scatter(self, x: str, y: str, **options: Any) -> dict | None:
        """See :func:`huntkit.cluster_scatter`."""
        return views.cluster_scatter(self._df, x, y, **options)

    def session_scores(self, **options: Any) -> dict | None:
        """See :func:`huntkit.session_scores`."""
        return views.session_scores(self._df, **options)


pd.api.extensions.register_dataframe_accessor("huntkit")(HuntkitAccessor)

try:  # polars: the same methods as a DataFrame namespace (tables go over as Arrow)
    import polars as _pl
except ImportError:  # pragma: no cover - polars is optional
    pass
else:
    _pl.api.register_dataframe_namespace("huntkit")(HuntkitAccessor)
