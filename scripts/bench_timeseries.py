#!/usr/bin/env python3
"""Time-series anomaly benchmark: huntkit native (CLI) and wasm (Node) next
to MSTICPy's timeseries_anomalies_stl on the same generated series, in the
same run, with precision/recall against the planted anomalies.

    python3 scripts/bench_timeseries.py [--sizes 10000,100000,1000000] [--repeat 3]

Inputs come from ../shared/bench/gen_data.py (seeded, with truth files).
MSTICPy runs when its venv exists ($MSTICPY_VENV, default /tmp/msticpy-venv).
Standard library only.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import tempfile

from bench import BENCH, HUNTKIT, MSTICPY_PY, ROOT, bench_args, best, ensure_inputs, run_timed

WASM_SCRIPT = r"""
import fs from 'node:fs';
const pkg = process.argv[2] + '/rust/wasm/pkg/';
const file = process.argv[3];
const t0 = performance.now();
const { initSync, timeseriesAnomalies } = await import(pkg + 'huntkit_wasm.js');
initSync({ module: fs.readFileSync(pkg + 'huntkit_wasm_bg.wasm') });
const r = timeseriesAnomalies(fs.readFileSync(file), 'csv', { value_column: 'TotalEvents' });
console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000, periods: r.periods.length,
  peak_mb: process.memoryUsage().rss / 1e6 }));
"""


def score(flagged: set[str], truth_path: str) -> tuple[float, float]:
    with open(truth_path) as f:
        truth = {r["TimeGenerated"] for r in csv.DictReader(f)}
    tp = len(flagged & truth)
    return (tp / len(flagged) if flagged else 0.0, tp / len(truth) if truth else 0.0)


def huntkit_flags(path: str) -> set[str]:
    out = subprocess.run([HUNTKIT, "timeseries", path, "--value-column", "TotalEvents", "--format", "ndjson"],
                         check=True, capture_output=True, text=True).stdout
    return {r["TimeGenerated"] for r in map(json.loads, out.splitlines()) if r["anomalies"] != 0}


def msticpy(data: str, sizes: list[str], tmp: str) -> dict:
    if not os.path.exists(MSTICPY_PY):
        return {}
    out = os.path.join(tmp, "ts.jsonl")
    subprocess.run([MSTICPY_PY, os.path.join(BENCH, "run_msticpy.py"), data, "--ioc-sizes", "", "--b64-lines", "0",
                    "--sessions", "0", "--timeseries", ",".join(sizes), "--processes", "0",
                    "--ops", "timeseries_stl", "--out", out], check=True, stdout=subprocess.DEVNULL)
    res: dict = {}
    with open(out) as f:
        for r in map(json.loads, f):
            if r.get("kind") == "timing":
                res.setdefault(r["size"], {})["time"] = (r["seconds"], r["peak_rss_mb"])
            elif r.get("kind") == "quality" and r.get("metric") == "ts_anomaly_pr":
                res.setdefault(r["size"], {})["pr"] = (r["precision"], r["recall"])
    return res


def main() -> int:
    a = bench_args(__doc__, "10000,100000,1000000")
    sizes = a.sizes
    ensure_inputs(a.data, "timeseries", sizes, "timeseries_{}.csv")
    with tempfile.TemporaryDirectory() as tmp:
        ref = msticpy(a.data, sizes, tmp)
        script = os.path.join(tmp, "ts.mjs")
        with open(script, "w") as f:
            f.write(WASM_SCRIPT)
        print("| points | implementation | seconds | peak MB | precision / recall | vs MSTICPy |")
        print("|---:|---|---:|---:|---|---:|")
        for size in sizes:
            path = os.path.join(a.data, f"timeseries_{size}.csv")
            truth = os.path.join(a.data, f"timeseries_truth_{size}.csv")
            native = best([run_timed([HUNTKIT, "timeseries", path, "--value-column", "TotalEvents",
                                      "--format", "csv"]) for _ in range(a.repeat)])
            p, r = score(huntkit_flags(path), truth)
            runs = []
            for _ in range(a.repeat):
                res = subprocess.run(["node", script, ROOT, path], check=True, capture_output=True, text=True)
                w = json.loads(res.stdout.strip().splitlines()[-1])
                runs.append((w["seconds"], w["peak_mb"]))
            wasm = best(runs)
            m = ref.get(size, {})
            ratio = (lambda x: f"{m['time'][0] / x[0]:.0f}× faster") if "time" in m else (lambda x: "")
            print(f"| {size} | huntkit native (CLI, incl. CSV read) | {native[0]:.3f} | {native[1]:.0f} "
                  f"| {p:.3f} / {r:.3f} | {ratio(native)} |")
            print(f"| {size} | huntkit wasm, Node (incl. load) | {wasm[0]:.3f} | {wasm[1]:.0f} | | {ratio(wasm)} |")
            if "time" in m:
                pr = m.get("pr", (0, 0))
                print(f"| {size} | MSTICPy `timeseries_anomalies_stl` | {m['time'][0]:.3f} | {m['time'][1]:.0f} "
                      f"| {pr[0]:.3f} / {pr[1]:.3f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
