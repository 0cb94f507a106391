#!/usr/bin/env python3
"""Process-tree benchmark: huntkit native (CLI summary), huntkit wasm in
Node (`processTreeSummary` and `buildProcessTree` with full Arrow output,
on the same file bytes) and MSTICPy's `build_process_tree` when installed,
on the same generated 4688 events, in the same run; parent links of both
huntkit outputs checked against the generator's truth file; then the first
paint of the process_tree view in headless Chromium.

    python3 scripts/bench_proctree.py [--sizes 10000,100000,1000000] [--repeat 3]
        [--msticpy-sizes 10000,100000] [--view-sizes 100000] [--no-view]

MSTICPy runs when its venv exists ($MSTICPY_VENV, default /tmp/msticpy-venv;
../shared/bench/run_all.sh makes it); by default on every size (1M takes it
about a minute and a few GB). Standard library only, except the Arrow
check of the wasm output and the view bundle, which use $HUNTKIT_VENV.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

from bench import BENCH, CACHE, HUNTKIT, MSTICPY_PY, ROOT, best, ensure_inputs, run_timed

VENV_PY = os.path.join(os.environ.get("HUNTKIT_VENV", os.path.join(CACHE, "venv")), "bin", "python")

# Prints source_index,parent_index of an Arrow stream (the wasm output) as CSV.
ARROW_LINKS = r"""
import sys, pyarrow as pa
t = pa.ipc.open_stream(open(sys.argv[1], 'rb')).read_all()
out = sys.stdout
out.write('source_index,parent_index\n')
for s, p in zip(t.column('source_index').to_pylist(), t.column('parent_index').to_pylist()):
    out.write(f"{'' if s is None else s},{'' if p is None else p}\n")
"""

# Writes a process_tree view bundle of the first N events, as a notebook
# output stores it, for scripts/bench-views.mjs.
# The CSV as the Arrow stream a notebook's process_tree bundle carries
# (pyarrow parses the times, as pandas would).
CSV_TO_ARROW = r"""
import sys, pyarrow.csv as pc, pyarrow as pa
t = pc.read_csv(sys.argv[1])
with pa.ipc.new_stream(sys.argv[2], t.schema) as w:
    w.write_table(t)
"""

VIEW_BUNDLE = r"""
import json, sys
import pandas as pd
import huntkit
src, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
df = pd.read_csv(src, dtype=str, keep_default_na=False, nrows=n)
bundle = huntkit.view_bundle("process_tree", df, schema="4688", title=f"{n} processes")
output = {"output_type": "display_data", "metadata": {},
          "data": {huntkit.MIME_TYPE: bundle, "text/plain": [f"huntkit process tree: {n} events"]}}
open(out, "w").write(json.dumps(output))
"""


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=os.path.join(CACHE, "bench-data"))
    ap.add_argument("--msticpy-sizes", default=None, help="default: --sizes")
    ap.add_argument("--view-sizes", default="100000")
    ap.add_argument("--no-view", action="store_true")
    a = ap.parse_args()
    split = lambda s: [x.strip() for x in s.split(",") if x.strip() and x.strip() != "0"]  # noqa: E731
    a.sizes = split(a.sizes)
    a.msticpy_sizes = split(a.msticpy_sizes) if a.msticpy_sizes is not None else a.sizes
    a.view_sizes = [] if a.no_view else split(a.view_sizes)
    return a


def link_accuracy(links_csv: io.TextIOBase, truth_path: str) -> tuple[int, int]:
    """(correct, total): events whose parent row in a tree output (columns
    source_index and parent_index, a node index) equals the truth file's
    parent_row (-1: the parent is not an event of the file)."""
    source: list[int] = []
    parent: list[int] = []
    for r in csv.DictReader(links_csv):
        source.append(int(r["source_index"]) if r["source_index"] else -1)
        parent.append(int(r["parent_index"]) if r["parent_index"] else -1)
    got = {}
    for s, p in zip(source, parent):
        if s >= 0:
            got[s] = source[p] if p >= 0 else -1
    correct = total = 0
    with open(truth_path, newline="") as f:
        for r in csv.DictReader(f):
            total += 1
            correct += got.get(int(r["row"]), -2) == int(r["parent_row"])
    return correct, total


def native_links(path: str, truth: str) -> tuple[int, int]:
    proc = subprocess.Popen([HUNTKIT, "proctree", path, "--format", "csv"], stdout=subprocess.PIPE)
    text = io.TextIOWrapper(proc.stdout, encoding="utf-8", newline="")
    try:
        return link_accuracy(text, truth)
    finally:
        proc.wait()


def wasm(path: str, repeat: int, arrow_out: str) -> dict:
    res = subprocess.run(["node", "--max-old-space-size=8192", os.path.join(ROOT, "scripts", "bench-wasm.mjs"),
                          "proctree", path, str(repeat), arrow_out], check=True, capture_output=True, text=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def wasm_links(arrow: str, truth: str) -> tuple[int, int] | None:
    if not os.path.exists(VENV_PY):
        return None
    out = subprocess.run([VENV_PY, "-c", ARROW_LINKS, arrow], check=True, capture_output=True, text=True).stdout
    return link_accuracy(io.StringIO(out), truth)


def msticpy(data: str, sizes: list[str], repeat: int, tmp: str) -> dict:
    if not os.path.exists(MSTICPY_PY) or not sizes:
        return {}
    out = os.path.join(tmp, "msticpy.jsonl")
    subprocess.run([MSTICPY_PY, os.path.join(BENCH, "run_msticpy.py"), data, "--ioc-sizes", "", "--b64-lines", "0",
                    "--sessions", "0", "--timeseries", "0", "--processes", ",".join(sizes),
                    "--ops", "process_tree", "--repeat", str(repeat), "--out", out],
                   check=True, stdout=subprocess.DEVNULL)
    res: dict = {}
    with open(out) as f:
        for r in map(json.loads, f):
            if r.get("kind") == "timing":
                res.setdefault(r["size"], {})["time"] = (r["seconds"], r["peak_rss_mb"])
            elif r.get("kind") == "quality":
                res.setdefault(r["size"], {})["links"] = (r["correct_parent"], r["events"])
    return res


def view_paint(data: str, sizes: list[str]) -> None:
    if not sizes:
        return
    if not os.path.exists(VENV_PY):
        print("view first paint: skipped ($HUNTKIT_VENV has no python)", file=sys.stderr)
        return
    ensure_inputs(data, "processes", sizes, "processes_{}.csv")
    views = os.path.join(CACHE, "bench-views")
    os.makedirs(views, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.path.join(ROOT, "jupyterlab-ext")}
    for n in sizes:
        subprocess.run([VENV_PY, "-c", VIEW_BUNDLE, os.path.join(data, f"processes_{n}.csv"),
                        os.path.join(views, f"proctree_{n}.json"), n], check=True, env=env)
    print()
    subprocess.run(["node", os.path.join(ROOT, "scripts", "bench-views.mjs"), "--proctree", views, *sizes], check=True)


def main() -> int:
    a = parse_args()
    ensure_inputs(a.data, "processes", sorted(set(a.sizes) | set(a.msticpy_sizes), key=int), "processes_{}.csv")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        print(f"msticpy: {','.join(a.msticpy_sizes) or 'skipped'}", file=sys.stderr)
        ref = msticpy(a.data, a.msticpy_sizes, a.repeat, tmp)
        for size in a.sizes:
            path = os.path.join(a.data, f"processes_{size}.csv")
            truth = os.path.join(a.data, f"processes_truth_{size}.csv")
            print(f"{size}: native", file=sys.stderr)
            native = best([run_timed([HUNTKIT, "proctree", path, "--format", "summary"]) for _ in range(a.repeat)])
            native_ok = native_links(path, truth)
            print(f"{size}: wasm in node", file=sys.stderr)
            arrow = os.path.join(tmp, "tree.arrow")
            w = wasm(path, a.repeat, arrow)
            wasm_ok = wasm_links(arrow, truth)
            os.remove(arrow)
            w_arrow = None
            if os.path.exists(VENV_PY):
                print(f"{size}: wasm in node, Arrow in", file=sys.stderr)
                stream = os.path.join(tmp, "events.arrows")
                subprocess.run([VENV_PY, "-c", CSV_TO_ARROW, path, stream], check=True)
                w_arrow = wasm(stream, a.repeat, arrow)
                os.remove(stream)
                os.remove(arrow)
            rows.append((size, native, native_ok, w, wasm_ok, w_arrow, ref.get(size, {})))

    print("| events | implementation | seconds | rows/s | peak RSS MB | parent links correct | vs MSTICPy |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for size, native, native_ok, w, wasm_ok, w_arrow, m in rows:
        n = int(size)
        ref_s = m.get("time", (None,))[0]

        def line(name, seconds, peak, links=None, ours=True):
            ratio = f"{ref_s / seconds:.1f}× faster" if ref_s and ours else ""
            ok = f"{links[0] / links[1]:.4f} ({links[1] - links[0]} wrong)" if links else ""
            mb = f"{peak:.0f}" if peak else ""
            print(f"| {n:,} | {name} | {seconds:.3f} | {n / seconds / 1e6:.3f}M | {mb} | {ok} | {ratio} |")

        line("huntkit native, CLI `--format summary` (incl. process start, CSV read)", native[0], native[1], native_ok)
        line("huntkit wasm, Node: `processTreeSummary` (CSV bytes in)", w["summary_s"], None)
        line(f"huntkit wasm, Node: `buildProcessTree` (CSV bytes in, Arrow out; wasm memory {w['wasm_mb']:.0f} MB)",
             w["build_s"], w["peak_mb"], wasm_ok)
        if w_arrow:
            line("huntkit wasm, Node: `processTreeSummary` (Arrow in, as from a notebook)", w_arrow["summary_s"], None)
            line("huntkit wasm, Node: `buildProcessTree` (Arrow in, Arrow out)", w_arrow["build_s"], w_arrow["peak_mb"])
        if "time" in m:
            line("MSTICPy `build_process_tree` (parsed DataFrame in)", ref_s, m["time"][1], m.get("links"), False)
    view_paint(a.data, a.view_sizes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
