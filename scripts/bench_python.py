#!/usr/bin/env python3
"""Python API benchmark: huntkit's analyses in a Python process (the
compiled core, `huntkit._core`, on pandas input) beside MSTICPy on the same
generated inputs, in one run, as ratios: 10 MB of text `ioc_extract`,
100k-row `build_process_tree`, 100k-session scoring (the three session
types).

    python3 scripts/bench_python.py [--ioc-size 10MB] [--processes 100000]
        [--sessions 100000] [--repeat 3] [--ops ioc,proctree,sessions]

Each measurement runs in a fresh child process, as the MSTICPy harness
does (../shared/bench/run_msticpy.py): imports and loading the input into
the Python objects the call takes (the text; a DataFrame with parsed
times; a DataFrame of sessions: lists of commands, or for the parameter
types the JSON text `huntkit.sessionize` gives; MSTICPy gets its `Cmd`
objects) are not timed, the call is, best of
--repeat (huntkit: in one process; MSTICPy: one process per run). The
huntkit side runs in $HUNTKIT_VENV (scripts/build.sh installs the wheel
there); MSTICPy when its venv exists ($MSTICPY_VENV, default
/tmp/msticpy-venv; ../shared/bench/run_all.sh makes it). Standard library
only in this process.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from bench import BENCH, CACHE, MSTICPY_PY, ensure_inputs

VENV_PY = os.path.join(os.environ.get("HUNTKIT_VENV", os.path.join(CACHE, "venv")), "bin", "python")

# One measurement in the huntkit venv: load (untimed), then the call, best of N.
HUNTKIT_CHILD = r"""
import json, resource, sys, time
op, path, repeat = sys.argv[1], sys.argv[2], int(sys.argv[3])
import pandas as pd
import huntkit
if op == "ioc":
    data = open(path, encoding="utf-8").read()
    call = lambda: huntkit.ioc_extract(data)
elif op == "proctree":
    data = pd.read_csv(path, parse_dates=["TimeGenerated"])
    call = lambda: huntkit.build_process_tree(data)
else:
    form = op.split("_", 1)[1]
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    # Commands as lists of strings (Arrow lists); commands with parameters as
    # the JSON text `huntkit.sessionize` returns (lists of dicts would be
    # converted by pyarrow first, slower than scoring them).
    if form == "cmds":
        sessions = [r["cmds"] for r in rows]
    elif form == "params":
        sessions = [json.dumps([{"name": c, "params": sorted(p)} for c, p in zip(r["cmds"], r["params"])])
                    for r in rows]
    else:
        sessions = [json.dumps([{"name": c, "params": v} for c, v in zip(r["cmds"], r["values"])]) for r in rows]
    data = pd.DataFrame({"session": sessions})
    call = lambda: huntkit.score_sessions(data, session_column="session", window_length=3)
runs = []
for _ in range(repeat):
    t0 = time.perf_counter()
    out = call()
    runs.append(time.perf_counter() - t0)
print(json.dumps({"seconds": min(runs), "rows": len(out),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

MSTICPY_OPS = {"ioc": "ioc_extract_text", "proctree": "process_tree", "sessions_cmds": "anom_seq_cmds",
               "sessions_params": "anom_seq_params", "sessions_values": "anom_seq_values"}
WHAT = {
    "ioc": ("text `ioc_extract` (distinct IoCs)", "`IoCExtract().extract(src=text)`"),
    "proctree": ("`build_process_tree` (DataFrame in, tree DataFrame out)", "`build_process_tree(df)`"),
    "sessions_cmds": ("`score_sessions`, commands", "`Model` train + likelihoods + rarest windows"),
    "sessions_params": ("`score_sessions`, commands + params", "`Model` train + likelihoods + rarest windows"),
    "sessions_values": ("`score_sessions`, commands + values", "`Model` train + likelihoods + rarest windows"),
}


def huntkit_run(op: str, path: str, repeat: int) -> dict:
    done = subprocess.run([VENV_PY, "-c", HUNTKIT_CHILD, op, path, str(repeat)], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def msticpy_run(op: str, data: str, size: str, repeat: int) -> dict | None:
    if not os.path.exists(MSTICPY_PY):
        return None
    flag = {"ioc_extract_text": "--ioc-sizes", "process_tree": "--processes"}.get(op, "--sessions")
    done = subprocess.run([MSTICPY_PY, os.path.join(BENCH, "run_msticpy.py"), data, "--ops", op, flag, size,
                           "--repeat", str(repeat)], capture_output=True, text=True)
    for line in done.stdout.splitlines():
        rec = json.loads(line)
        if rec.get("kind") == "timing" and rec.get("op") == op:
            return rec
    sys.stderr.write(f"bench: MSTICPy {op} gave no timing:\n{done.stdout[-2000:]}{done.stderr[-2000:]}\n")
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ioc-size", default="10MB")
    ap.add_argument("--processes", default="100000")
    ap.add_argument("--sessions", default="100000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--ops", default="ioc,proctree,sessions")
    ap.add_argument("--data", default=os.path.join(CACHE, "bench-data"))
    a = ap.parse_args()
    ops = [o.strip() for o in a.ops.split(",")]
    plan = []
    if "ioc" in ops:
        if not os.path.exists(os.path.join(a.data, f"ioc_text_{a.ioc_size}.txt")):
            subprocess.run([sys.executable, os.path.join(BENCH, "gen_data.py"), a.data, "--only", "ioc",
                            "--ioc-sizes", a.ioc_size], check=True, stdout=subprocess.DEVNULL)
        plan.append(("ioc", a.ioc_size, os.path.join(a.data, f"ioc_text_{a.ioc_size}.txt")))
    if "proctree" in ops:
        ensure_inputs(a.data, "processes", [a.processes], "processes_{}.csv")
        plan.append(("proctree", a.processes, os.path.join(a.data, f"processes_{a.processes}.csv")))
    if "sessions" in ops:
        ensure_inputs(a.data, "sessions", [a.sessions], "sessions_{}_sessions.jsonl")
        path = os.path.join(a.data, f"sessions_{a.sessions}_sessions.jsonl")
        plan += [(f"sessions_{f}", a.sessions, path) for f in ("cmds", "params", "values")]
    print("| input | huntkit Python API | seconds | peak MB | MSTICPy | seconds | peak MB | huntkit vs MSTICPy |")
    print("|---|---|---:|---:|---|---:|---:|---:|")
    for op, size, path in plan:
        h = huntkit_run(op, path, a.repeat)
        m = msticpy_run(MSTICPY_OPS[op], a.data, size, a.repeat)
        mine, theirs = WHAT[op]
        if m:
            ratio = m["seconds"] / h["seconds"]
            print(f"| {size} | {mine} | {h['seconds']:.3f} | {h['peak_rss_mb']:.0f} | {theirs} | "
                  f"{m['seconds']:.3f} | {m['peak_rss_mb']:.0f} | {ratio:.1f}× faster |", flush=True)
        else:
            print(f"| {size} | {mine} | {h['seconds']:.3f} | {h['peak_rss_mb']:.0f} | {theirs} | "
                  f"(no MSTICPy venv) | | |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
