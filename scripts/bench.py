#!/usr/bin/env python3
"""IoC extraction benchmark: huntkit native, huntkit wasm in Node and in
headless Chromium, and MSTICPy when installed, on the same generated inputs,
in the same run, printed side by side as a markdown table.

    python3 scripts/bench.py [--sizes 1MB,10MB,100MB] [--repeat 3] [--skip-browser]

Inputs come from ../shared/bench/gen_data.py (seeded, with truth files);
precision and recall use that folder's scorer (run_msticpy.score_ioc), so
both implementations are scored by the same code. MSTICPy runs when a venv
with it exists ($MSTICPY_VENV, default /tmp/msticpy-venv; create it with
../shared/bench/run_all.sh). Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.environ.get("HUNTKIT_BENCH_DIR", os.path.join(os.path.dirname(ROOT), "shared", "bench"))
CACHE = os.environ.get("HUNTKIT_CACHE", os.path.expanduser("~/.cache/huntkit"))
HUNTKIT = os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(CACHE, "target")), "release", "huntkit")
MSTICPY_PY = os.path.join(os.environ.get("MSTICPY_VENV", "/tmp/msticpy-venv"), "bin", "python")


def run_timed(cmd: list[str], stdout=subprocess.DEVNULL) -> tuple[float, float]:
    """Runs cmd; returns (wall seconds, peak RSS MB of the child)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(cmd)} failed")
    return seconds, usage.ru_maxrss / 1024


def bench_args(doc: str, sizes: str) -> argparse.Namespace:
    """The flags every benchmark script takes."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    ap.add_argument("--sizes", default=sizes)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=os.path.join(CACHE, "bench-data"))
    a = ap.parse_args()
    a.sizes = [s.strip() for s in a.sizes.split(",") if s.strip()]
    return a


def ensure_inputs(data: str, kind: str, sizes: list[str], name: str) -> None:
    """Generates the `kind` inputs (gen_data.py --only KIND) whose file `name`
    (formatted with the size) is missing."""
    missing = [s for s in sizes if not os.path.exists(os.path.join(data, name.format(s)))]
    if missing:
        subprocess.run([sys.executable, os.path.join(BENCH, "gen_data.py"), data, "--only", kind,
                        f"--{kind}", ",".join(missing)], check=True, stdout=subprocess.DEVNULL)


def best(runs: list[tuple[float, float]]) -> tuple[float, float]:
    return min(r[0] for r in runs), max(r[1] for r in runs)


def scorer():
    sys.path.insert(0, BENCH)
    import run_msticpy  # noqa: E402  (stdlib only at import time)

    return run_msticpy.score_ioc


def quality(path: str, size: str, tmp: str) -> dict:
    """Per-line and whole-text precision/recall of the native CLI."""
    score = scorer()
    truth = os.path.join(DATA, f"ioc_truth_{size}.jsonl")
    out = {}
    per_line = os.path.join(tmp, "per_line.jsonl")
    with open(per_line, "w") as f:
        rows = subprocess.run([HUNTKIT, "ioc", path, "--per-line", "--format", "ndjson"],
                              check=True, capture_output=True, text=True).stdout
        for line in rows.splitlines():
            r = json.loads(line)
            f.write(json.dumps({"line": r["SourceIndex"], "type": r["IoCType"], "value": r["Refanged"]}) + "\n")
    whole = os.path.join(tmp, "whole.jsonl")
    with open(whole, "w") as f:
        rows = subprocess.run([HUNTKIT, "ioc", path, "--format", "ndjson"],
                              check=True, capture_output=True, text=True).stdout
        for line in rows.splitlines():
            r = json.loads(line)
            f.write(json.dumps({"type": r["IoCType"], "value": r["Refanged"]}) + "\n")
    for name, pred in (("per_line", per_line), ("distinct", whole)):
        all_row = next(q for q in score(pred, truth) if q.get("type") == "ALL")
        out[name] = (all_row["precision"], all_row["recall"])
    return out


def wasm(mode: str, path: str, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        res = subprocess.run(["node", os.path.join(ROOT, "scripts", "bench-wasm.mjs"), mode, path],
                             check=True, capture_output=True, text=True)
        r = json.loads(res.stdout.strip().splitlines()[-1])
        runs.append((r["seconds"], r["peak_mb"]))
    return best(runs)


def msticpy(sizes: list[str], tmp: str) -> dict:
    if not os.path.exists(MSTICPY_PY):
        return {}
    out_path = os.path.join(tmp, "msticpy.jsonl")
    small = [s for s in sizes if parse_size(s) <= 10_000_000]
    if not small:
        return {}
    subprocess.run([MSTICPY_PY, os.path.join(BENCH, "run_msticpy.py"), DATA, "--ioc-sizes", ",".join(small),
                    "--b64-lines", "0", "--sessions", "0", "--timeseries", "0", "--processes", "0",
                    "--ops", "ioc_extract_text,ioc_extract_df", "--out", out_path],
                   check=True, stdout=subprocess.DEVNULL)
    res: dict = {}
    with open(out_path) as f:
        for line in f:
            r = json.loads(line)
            if r.get("kind") == "timing":
                res.setdefault(r["size"], {})[r["op"]] = (r["seconds"], r["peak_rss_mb"])
            elif r.get("kind") == "quality" and r.get("type") == "ALL" and r["metric"].startswith("ioc_pr"):
                key = "per_line" if r["metric"] == "ioc_pr_per_line" else "distinct"
                res.setdefault(r["size"], {})["q_" + key] = (r["precision"], r["recall"])
    return res


def parse_size(s: str) -> int:
    units = {"KB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000}
    return int(float(s[:-2]) * units[s[-2:].upper()])


def main() -> int:
    global DATA
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1MB,10MB,100MB")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=os.path.join(CACHE, "bench-data"))
    ap.add_argument("--skip-browser", action="store_true")
    a = ap.parse_args()
    DATA = a.data
    sizes = [s.strip() for s in a.sizes.split(",") if s.strip()]
    missing = [s for s in sizes if not os.path.exists(os.path.join(DATA, f"ioc_text_{s}.txt"))]
    if missing:
        print(f"generating inputs {','.join(missing)} in {DATA}", file=sys.stderr)
        subprocess.run([sys.executable, os.path.join(BENCH, "gen_data.py"), DATA, "--ioc-sizes", ",".join(missing),
                        "--b64-lines", "0", "--sessions", "0", "--timeseries", "0", "--processes", "0"],
                       check=True, stdout=subprocess.DEVNULL)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ref = msticpy(sizes, tmp)
        for size in sizes:
            path = os.path.join(DATA, f"ioc_text_{size}.txt")
            mb = os.path.getsize(path) / 1e6
            print(f"{size}: native", file=sys.stderr)
            native = best([run_timed([HUNTKIT, "ioc", path, "--format", "ndjson"]) for _ in range(a.repeat)])
            native_lines = best([run_timed([HUNTKIT, "ioc", path, "--per-line", "--format", "ndjson"])
                                 for _ in range(a.repeat)])
            q = quality(path, size, tmp)
            print(f"{size}: wasm in node", file=sys.stderr)
            node = wasm("node", path, a.repeat)
            browser = None if a.skip_browser else wasm("browser", path, a.repeat)
            m = ref.get(size, {})
            rows.append((size, mb, native, native_lines, q, node, browser, m))

    print("| input | implementation | seconds | MB/s | peak MB | precision / recall | vs MSTICPy |")
    print("|---|---|---:|---:|---:|---|---:|")

    def line(size, name, res, mb, pr="", ratio=""):
        if res is None:
            return
        print(f"| {size} | {name} | {res[0]:.3f} | {mb / res[0]:.1f} | {res[1]:.0f} | {pr} | {ratio} |")

    for size, mb, native, native_lines, q, node, browser, m in rows:
        ref_text = m.get("ioc_extract_text")
        ref_df = m.get("ioc_extract_df")
        ratio = lambda r, ref: f"{ref[0] / r[0]:.0f}× faster" if ref and r else ""  # noqa: E731
        pr = lambda p: f"{p[0]:.4f} / {p[1]:.4f}" if p else ""  # noqa: E731
        line(size, "huntkit native, whole text (CLI)", native, mb, pr(q["distinct"]), ratio(native, ref_text))
        line(size, "huntkit native, per line (CLI --per-line)", native_lines, mb, pr(q["per_line"]),
             ratio(native_lines, ref_df))
        line(size, "huntkit wasm, Node", node, mb, "", ratio(node, ref_text))
        line(size, "huntkit wasm, headless Chromium", browser, mb, "", ratio(browser, ref_text))
        line(size, "MSTICPy `extract(text)`", ref_text, mb, pr(m.get("q_distinct")))
        line(size, "MSTICPy `extract_df` (per line)", ref_df, mb, pr(m.get("q_per_line")))
    return 0


DATA = ""
if __name__ == "__main__":
    sys.exit(main())
