"""MSTICPy's side of scripts/bench_cluster.py, run in the MSTICPy venv:
add_process_features + dbcluster_events + identify_outliers on a process
events CSV, best of REPEAT, each step timed. Prints one JSON line; writes
each event's DBSCAN label (one per line) to LABELS_OUT when given.

    python bench_cluster_msticpy.py FILE EPS REPEAT [LABELS_OUT]
"""

import json
import resource
import sys
import time
import warnings

warnings.simplefilter("ignore")
import pandas as pd  # noqa: E402
from msticpy.analysis.eventcluster import add_process_features, dbcluster_events  # noqa: E402
from msticpy.analysis.outliers import identify_outliers  # noqa: E402

FEATURES = ["commandlineTokensFull", "pathScore", "isSystemSession"]
path, eps, repeat = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
df = pd.read_csv(path, dtype=str, keep_default_na=False)
df["TimeGenerated"] = pd.to_datetime(df["TimeGenerated"], utc=True)
best = {"features_s": 1e9, "dbscan_s": 1e9, "outliers_s": 1e9, "seconds": 1e9}
for _ in range(repeat):
    t0 = time.perf_counter()
    feats = add_process_features(df)
    t1 = time.perf_counter()
    clusters, db, _ = dbcluster_events(feats, cluster_columns=FEATURES, time_column="TimeGenerated",
                                       max_cluster_distance=eps, min_cluster_samples=2)
    t2 = time.perf_counter()
    x = feats[FEATURES].astype(float).to_numpy()
    _, _, pred = identify_outliers(x, x, contamination=0.05)
    t3 = time.perf_counter()
    for k, v in (("features_s", t1 - t0), ("dbscan_s", t2 - t1), ("outliers_s", t3 - t2), ("seconds", t3 - t0)):
        best[k] = min(best[k], v)
if len(sys.argv) > 4:
    with open(sys.argv[4], "w") as f:
        f.write("\n".join(str(int(v)) for v in db.labels_) + "\n")
print(json.dumps({**best, "clusters": int(db.labels_.max()) + 1, "noise": int((db.labels_ < 0).sum()),
                  "outliers": int((pred == -1).sum()), "out_rows": len(clusters),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
