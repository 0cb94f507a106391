"""Event clusters and outliers in the kernel (`huntkit.cluster_events`,
`huntkit.outliers`, the `cluster_scatter` view): the golden events of
`tests/golden/`, whose expected clusters are MSTICPy's own
(`cluster_msticpy.json`) and whose seeded outliers are the ones the CLI and
the wasm build flag (`cluster_seeded.json`), on pandas and polars.
"""

import json
from pathlib import Path

import pandas as pd
import polars as pl
import pytest

import huntkit
from huntkit import HuntkitError

GOLDEN = Path(__file__).resolve().parents[2] / "tests" / "golden"
EVENTS = pd.read_csv(GOLDEN / "cluster_events.csv", parse_dates=["TimeGenerated"])
REFERENCE = {c["name"]: c for c in json.loads((GOLDEN / "cluster_msticpy.json").read_text())["cases"]}
SEEDED = json.loads((GOLDEN / "cluster_seeded.json").read_text())


def data(kind):
    return {"pandas": EVENTS, "polars": pl.from_pandas(EVENTS)}[kind]


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_cluster_events_equals_msticpy(kind):
    case = REFERENCE["lengths_min3"]
    out = huntkit.cluster_events(data(kind), cluster_columns=case["features"],
                                 max_cluster_distance=case["max_cluster_distance"],
                                 min_cluster_samples=case["min_cluster_samples"])
    assert list(out.columns[:6]) == ["Clustered", "ClusterId", "ClusterSize", "FirstEventTime",
                                     "LastEventTime", "SourceIndex"]
    got = [(r.SourceIndex, r.ClusterId, r.ClusterSize) for r in out.itertuples()]
    want = [(r["SourceIndex"], r["ClusterId"], r["ClusterSize"]) for r in case["rows"]]
    assert got == want
    assert out.attrs["cluster_count"] == max(r["ClusterId"] for r in case["rows"]) + 1
    # The event's columns keep their types; the times are the input's.
    assert str(out["FirstEventTime"].dtype).startswith("datetime64")
    assert "commandlineLen" in out.columns and "NewProcessName" in out.columns


def test_cluster_events_defaults_and_the_accessor():
    out = EVENTS.huntkit.cluster_events()
    assert list(out.ClusterSize) == [len(EVENTS)]
    polars = pl.from_pandas(EVENTS).huntkit.cluster_events(max_cluster_distance=0.0001)
    assert len(polars) == len(REFERENCE["msticpy_notebook"]["rows"])


@pytest.mark.parametrize("kind", ["pandas", "polars"])
def test_seeded_outliers_are_the_clis_and_the_browsers(kind):
    out = huntkit.outliers(data(kind))
    assert sorted(out.SourceIndex) == SEEDED["flagged"]
    assert list(out.columns[:3]) == ["SourceIndex", "OutlierScore", "ClusterId"]
    assert list(out.OutlierScore) == sorted(out.OutlierScore, reverse=True)
    again = EVENTS.huntkit.outliers(seed=42)
    assert list(again.SourceIndex) == list(out.SourceIndex)
    other = huntkit.outliers(EVENTS, contamination=0.2, seed=7, max_samples=64, max_features=2)
    assert len(other) > len(out)


def test_bad_input_is_named():
    with pytest.raises(HuntkitError, match="Computer"):
        huntkit.cluster_events(EVENTS, cluster_columns=["Computer"])  # not numeric
    with pytest.raises(HuntkitError, match="Nope"):
        huntkit.cluster_events(EVENTS, cluster_columns="Nope")
    with pytest.raises(HuntkitError, match="at least 2 rows"):
        huntkit.cluster_events(EVENTS.head(1))
    with pytest.raises(HuntkitError, match="at least 2 rows"):
        huntkit.outliers(EVENTS.head(0))
    with pytest.raises(HuntkitError, match="When"):
        huntkit.cluster_events(EVENTS, time_column="When")
    with pytest.raises(TypeError, match="max_cluster_distance"):
        huntkit.cluster_events(EVENTS, max_cluster_distance="0.1")
    with pytest.raises(ValueError, match="min_cluster_samples"):
        huntkit.cluster_events(EVENTS, min_cluster_samples=1.5)
    with pytest.raises(ValueError, match="cluster_columns"):
        huntkit.cluster_events(EVENTS, cluster_columns=[])
    with pytest.raises(HuntkitError, match="contamination"):
        huntkit.outliers(EVENTS, contamination=0.9)


def test_the_scatter_bundle_from_a_result(monkeypatch):
    monkeypatch.setattr("IPython.get_ipython", lambda: None)  # another test may have started a shell
    clusters = huntkit.cluster_events(EVENTS, cluster_columns=["commandlineTokensFull", "pathScore"],
                                      max_cluster_distance=0.0001)
    bundle = huntkit.view_bundle("cluster_scatter", clusters, x="pathScore", y="commandlineTokensFull")
    assert bundle["kind"] == "cluster_scatter"
    assert bundle["options"] == {"x": "pathScore", "y": "commandlineTokensFull"}
    # Outside IPython the view helpers hand the bundle back.
    assert huntkit.cluster_scatter(clusters, x="pathScore", y="ClusterSize")["kind"] == "cluster_scatter"
    assert clusters.huntkit.cluster_scatter(x="pathScore", y="ClusterSize")["options"]["y"] == "ClusterSize"
    with pytest.raises(Exception, match="Nope"):
        huntkit.view_bundle("cluster_scatter", clusters, x="Nope", y="pathScore")
    with pytest.raises(Exception, match="y"):
        huntkit.view_bundle("cluster_scatter", clusters, x="pathScore")
