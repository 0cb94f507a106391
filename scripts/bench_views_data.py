"""Writes timeline view bundles of N generated events (seeded), as a notebook
output would carry them, for scripts/bench-views.mjs.

    python scripts/bench_views_data.py OUT_DIR 10000 100000 1000000
"""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import huntkit


def events(n: int, seed: int = 20240304) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-03-01T00:00:00Z").value
    week = 7 * 86_400 * 10**9
    hosts = np.array([f"host-{i:02d}" for i in range(20)])
    accounts = np.array([f"user{i:03d}" for i in range(200)])
    return pd.DataFrame(
        {
            "TimeGenerated": pd.to_datetime(np.sort(rng.integers(start, start + week, n)), utc=True),
            "Computer": pd.Categorical(hosts[rng.integers(0, len(hosts), n)]),
            "Account": pd.Categorical(accounts[rng.integers(0, len(accounts), n)]),
            "EventID": rng.choice([4624, 4625, 4688, 4672], n),
        }
    )


def main() -> None:
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for n in map(int, sys.argv[2:]):
        bundle = huntkit.view_bundle("timeline", events(n), group_by="Computer", title=f"{n} events")
        # What the notebook stores: the MIME bundle of one display_data output.
        output = {"output_type": "display_data", "metadata": {},
                  "data": {huntkit.MIME_TYPE: bundle, "text/plain": [f"huntkit timeline: {n} events"]}}
        (out / f"timeline_{n}.json").write_text(json.dumps(output))


if __name__ == "__main__":
    main()
