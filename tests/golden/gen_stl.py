"""Writes stl_statsmodels.json: statsmodels' STL components for seeded
series, the reference huntkit's `timeseries` must equal (to 1e-9).

Run once with statsmodels installed (PyPI) and commit the output:
    python tests/golden/gen_stl.py
"""

import json
import math
import random
from pathlib import Path

import numpy as np
from statsmodels.tsa.seasonal import STL

rng = random.Random(20240304)
cases = []
for name, n, period, robust in [
    ("hourly_default", 24 * 14, 24, False),
    ("hourly_robust", 24 * 14, 24, True),
    ("weekly_period7", 7 * 10, 7, False),
]:
    y = [
        50 + 0.05 * i + 20 * math.sin(2 * math.pi * i / period) + rng.gauss(0, 3)
        for i in range(n)
    ]
    y[n // 2] += 80  # one spike
    fit = STL(np.array(y), period=period, seasonal=7, robust=robust).fit()
    cases.append({
        "name": name, "period": period, "robust": robust, "values": y,
        "trend": list(fit.trend), "seasonal": list(fit.seasonal),
        "residual": list(fit.resid), "weights": list(fit.weights),
    })
out = Path(__file__).with_name("stl_statsmodels.json")
out.write_text(json.dumps(cases))
print(f"wrote {out}")

# MSTICPy's ts_anomalies_stl on the first series, for msticpy_compatible mode
# (skipped when msticpy is not installed).
try:
    import pandas as pd
    from msticpy.analysis.timeseries import ts_anomalies_stl
except ImportError:
    pass
else:
    case = cases[0]
    idx = pd.date_range("2024-03-04", periods=len(case["values"]), freq="h", name="TimeGenerated")
    # MSTICPy's input is event counts: integers.
    counts = [round(v) for v in case["values"]]
    df = pd.DataFrame({"Total": counts}, index=idx)
    res = ts_anomalies_stl(df, period=24, seasonal=7, score_threshold=2.5)
    ms = Path(__file__).with_name("stl_msticpy.json")
    ms.write_text(json.dumps({
        "values": counts, "score_threshold": 2.5,
        **{col: [float(x) for x in res[col]] for col in
           ["residual", "trend", "seasonal", "weights", "baseline", "score", "anomalies"]},
    }))
    print(f"wrote {ms}")
