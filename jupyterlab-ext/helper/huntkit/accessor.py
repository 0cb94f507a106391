"""``df.huntkit.*``: the views as DataFrame methods, like MSTICPy's ``df.mp_plot``.

Registered by ``import huntkit`` when pandas is installed; the accessor object
is created only when ``df.huntkit`` is first used.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from . import views
from .bundle import view_bundle


@pd.api.extensions.register_dataframe_accessor("huntkit")
class HuntkitAccessor:
    """The huntkit views of one DataFrame."""

    def __init__(self, df: pd.DataFrame) -> None:
        self._df = df

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

    def session_scores(self, **options: Any) -> dict | None:
        """See :func:`huntkit.session_scores`."""
        return views.session_scores(self._df, **options)
