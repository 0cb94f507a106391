#!/usr/bin/env python3
"""Clustering benchmark: huntkit native (`huntkit cluster`), huntkit wasm in
Node (`clusterEvents`, the worker's call) and MSTICPy
(`add_process_features` + `dbcluster_events` + `identify_outliers`, i.e.
scikit-learn's DBSCAN and IsolationForest) on the same generated 4688
events, in the same run, as a markdown table with the ratio; DBSCAN labels
of both huntkit builds compared with scikit-learn's, event by event.

    python3 scripts/bench_cluster.py [--sizes 10000,100000] [--repeat 3]
        [--eps 0.0001] [--msticpy-sizes 10000,100000]

Features: MSTICPy's notebook (`commandlineTokensFull, pathScore,
isSystemSession`). `--eps` defaults to that notebook's 0.0001: at the
default 0.01 all generated events fall in one cluster, and scikit-learn
keeps every event's neighbourhood in memory (1.5 GB at 10k events, about
150 GB at 100k), which this machine cannot run. MSTICPy runs when its
venv exists ($MSTICPY_VENV, default /tmp/msticpy-venv, with msticpy[ml]).
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

from bench import CACHE, HUNTKIT, MSTICPY_PY, ROOT, best, ensure_inputs, run_timed


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--eps", type=float, default=0.0001)
    ap.add_argument("--data", default=os.path.join(CACHE, "bench-data"))
    ap.add_argument("--msticpy-sizes", default=None, help="default: --sizes")
    a = ap.parse_args()
    split = lambda s: [x.strip() for x in s.split(",") if x.strip() and x.strip() != "0"]  # noqa: E731
    a.sizes = split(a.sizes)
    a.msticpy_sizes = split(a.msticpy_sizes) if a.msticpy_sizes is not None else a.sizes
    return a


def read_labels(path: str) -> list[str]:
    with open(path) as f:
        return [x.strip() for x in f if x.strip()]


def agreement(a: list[str], b: list[str] | None) -> str:
    if not b:
        return ""
    same = sum(x == y for x, y in zip(a, b))
    return f"{same:,} / {len(b):,}"


def main() -> int:
    a = parse_args()
    ensure_inputs(a.data, "processes", sorted(set(a.sizes) | set(a.msticpy_sizes), key=int), "processes_{}.csv")
    print("| events | implementation | seconds | events/s | peak RSS MB | clusters / noise / outliers | "
          "labels equal to scikit-learn's | vs MSTICPy |")
    print("|---:|---|---:|---:|---:|---|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in a.sizes:
            n = int(size)
            path = os.path.join(a.data, f"processes_{size}.csv")
            ref, ref_labels = None, None
            if size in a.msticpy_sizes and os.path.exists(MSTICPY_PY):
                print(f"{size}: msticpy", file=sys.stderr)
                out = os.path.join(tmp, "msticpy.txt")
                res = subprocess.run([MSTICPY_PY, os.path.join(ROOT, "scripts", "bench_cluster_msticpy.py"), path,
                                      str(a.eps), str(a.repeat), out], capture_output=True, text=True)
                if res.returncode == 0:
                    ref = json.loads(res.stdout.strip().splitlines()[-1])
                    ref_labels = read_labels(out)
                else:
                    print(f"msticpy failed: {res.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            print(f"{size}: native", file=sys.stderr)
            cmd = [HUNTKIT, "cluster", path, "--max-cluster-distance", str(a.eps)]
            native = best([run_timed(cmd + ["--show", "summary"]) for _ in range(a.repeat)])
            summary = subprocess.run(cmd + ["--show", "summary"], check=True, capture_output=True, text=True).stdout
            labels_csv = subprocess.run(cmd + ["--show", "labels", "--format", "csv"], check=True,
                                        capture_output=True, text=True).stdout.splitlines()[1:]
            native_labels = [line.split(",")[1] for line in labels_csv]
            print(f"{size}: wasm in node", file=sys.stderr)
            wasm_labels_path = os.path.join(tmp, "wasm.txt")
            res = subprocess.run(["node", "--max-old-space-size=8192", os.path.join(ROOT, "scripts", "bench-wasm.mjs"),
                                  "cluster", path, str(a.repeat), json.dumps({"max_cluster_distance": a.eps}),
                                  wasm_labels_path], check=True, capture_output=True, text=True)
            w = json.loads(res.stdout.strip().splitlines()[-1])
            wasm_labels = read_labels(wasm_labels_path)
            ref_s = ref["seconds"] if ref else None

            def line(name, seconds, peak, counts, labels, ours=True):
                ratio = f"{ref_s / seconds:.1f}× faster" if ref_s and ours else ""
                mb = f"{peak:.0f}" if peak else ""
                print(f"| {n:,} | {name} | {seconds:.3f} | {n / seconds:,.0f} | {mb} | {counts} | "
                      f"{agreement(labels, ref_labels)} | {ratio} |")

            s = summary.split(":")[1].strip()
            line("huntkit native, CLI `cluster --show summary` (incl. process start, CSV read)", native[0], native[1],
                 s, native_labels)
            line("huntkit wasm, Node: `clusterEvents` (CSV bytes in, Arrow out)", w["seconds"], w["peak_mb"],
                 f"{w['clusters']} clusters, {w['noise']} noise events, {w['outliers']} outliers", wasm_labels)
            if native_labels != wasm_labels:
                print(f"| {n:,} | **native and wasm labels differ** | | | | | | |")
            if ref:
                line(f"MSTICPy (features {ref['features_s']:.2f} s + DBSCAN {ref['dbscan_s']:.2f} s + "
                     f"IsolationForest {ref['outliers_s']:.2f} s; parsed DataFrame in)", ref_s, ref["peak_rss_mb"],
                     f"{ref['clusters']} clusters, {ref['noise']} noise events, {ref['outliers']} outliers",
                     ref_labels, False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
