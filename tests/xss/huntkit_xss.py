"""The XSS corpus (``payloads.json``) placed in every text field of every huntkit view.

Used two ways, so JupyterLab and VS Code show the same data:

- in a JupyterLab kernel (the Galata test ``hardening.spec.ts`` runs a cell that
  imports this file and calls :func:`display_all`): the views are displayed by
  the installed ``huntkit`` helper, as a user's cell would;
- as a script, ``python tests/xss/huntkit_xss.py OUT.ipynb``: writes a saved
  notebook with the same outputs (the VS Code end to end test opens it).

Every payload is a lane label and legend value (``Computer``), a matrix row
(``Account``), a command line and process name, a column name (one column per
payload, in every tooltip, the details pane and the copied rows), a data set's
label and colour (an overlay timeline), and part of the titles and reference
labels. Data only: nothing here trusts a payload.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
#: Column names of the structure; every other column is named by a payload.
FIXED = ["TimeGenerated", "Computer", "Account", "Cmd", "Value", "baseline", "anomalies"]


def payloads() -> list[str]:
    """The corpus: ``payloads`` as they are, then each ``long`` entry expanded."""
    doc = json.loads((HERE / "payloads.json").read_text(encoding="utf-8"))
    return doc["payloads"] + [entry["unit"] * entry["repeat"] for entry in doc["long"]]


def short_payloads() -> list[str]:
    """The payloads without the long ones (for titles and labels, which hold one string)."""
    return json.loads((HERE / "payloads.json").read_text(encoding="utf-8"))["payloads"]


def _names(items: list[str]) -> list[str]:
    """Payloads as column names: unique, none equal to a structural column."""
    return [p for p in dict.fromkeys(items) if p not in FIXED]


def events():
    """One event per payload, an hour apart: the chart views' table."""
    import pyarrow as pa

    items = payloads()
    start = datetime(2026, 11, 20, tzinfo=timezone.utc)
    n = len(items)
    columns = {
        "TimeGenerated": pa.array([start + timedelta(hours=i) for i in range(n)], pa.timestamp("ms", tz="UTC")),
        "Computer": pa.array(items, pa.string()),
        "Account": pa.array(items[1:] + items[:1], pa.string()),
        "Cmd": pa.array(items, pa.string()),
        "Value": pa.array([float(i % 7) for i in range(n)], pa.float64()),
        "baseline": pa.array([3.0] * n, pa.float64()),
        "anomalies": pa.array([1 if i % 9 == 0 else 0 for i in range(n)], pa.int64()),
    }
    # Column names from data: short values, so the table stays small.
    for j, name in enumerate(_names(items)):
        columns[name] = pa.array([f"v{j}"] * n, pa.string())
    return pa.table(columns)


def processes():
    """Windows 4688 events: one process per payload (its image and command line), under explorer."""
    import pyarrow as pa

    items = payloads()
    rows = [("2026-11-20T08:00:00Z", "C:\\Windows\\explorer.exe", "0x10", "0x4", "", "explorer.exe", "alice", "ws")]
    for i, p in enumerate(items):
        rows.append((f"2026-11-20T08:{i // 60:02d}:{i % 60:02d}Z", f"C:\\x\\{p}", f"0x{i + 32:x}", "0x10",
                     "C:\\Windows\\explorer.exe", p, p, "ws"))
    names = ["TimeGenerated", "NewProcessName", "NewProcessId", "ProcessId", "ParentProcessName", "CommandLine",
             "SubjectUserName", "Computer"]
    columns = {name: pa.array([r[k] for r in rows], pa.string()) for k, name in enumerate(names)}
    for j, name in enumerate(p for p in _names(items) if p not in names):
        columns[name] = pa.array([f"v{j}"] * len(rows), pa.string())
    return pa.table(columns)


def views() -> list[tuple[str, dict]]:
    """``(kind, bundle)`` for every view kind, each carrying the whole corpus."""
    from huntkit import view_bundle

    table = events()
    shorts = short_payloads()
    title = " ".join(shorts)
    every = [c for c in table.column_names if c not in ("TimeGenerated", "Value", "baseline", "anomalies")]
    timeish = dict(source_columns=every, title=title, ref_time="2026-11-21T00:00:00Z", ref_label=title)
    out = [
        ("timeline", view_bundle("timeline", table, label=shorts[0], group_by="Computer", **timeish)),
        ("timeline_values", view_bundle("timeline_values", table, label=shorts[1], y="Value", group_by="Computer",
                                        kind=["vbar", "circle"], **timeish)),
        ("timeline_duration", view_bundle("timeline_duration", table, label=shorts[2], group_by=["Computer"],
                                          title=title)),
        ("matrix", view_bundle("matrix", table, label=shorts[3], x="Computer", y="Account", title=title)),
        ("anomalies", view_bundle("anomalies", table, label=shorts[4], y="Value", **timeish)),
        ("session_scores", view_bundle("session_scores", table, label=shorts[5], y="Value", group_by="Computer",
                                       **timeish)),
        # One data set per payload: its label (legend) and its colour are data too.
        ("timeline", view_bundle("timeline", {p: {"data": table.select(["TimeGenerated", "Cmd"]).slice(i, 1), "color": shorts[-1 - i]}
                                              for i, p in enumerate(shorts)}, title=title)),
        ("process_tree", view_bundle("process_tree", processes(), label=shorts[6], schema="4688",
                                     legend_col="SubjectUserName", title=title)),
    ]
    return out


def display_all() -> None:
    """Displays every view in the running kernel, as ``huntkit.timeline(...)`` and friends do."""
    from IPython.display import display
    from huntkit import MIME_TYPE
    from huntkit.bundle import summary

    for _, bundle in views():
        display({MIME_TYPE: bundle, "text/plain": summary(bundle)}, raw=True)


def notebook() -> dict:
    """A saved notebook: one cell per view, its output as JupyterLab stores it."""
    from huntkit import MIME_TYPE
    from huntkit.bundle import summary

    cells = []
    for n, (kind, bundle) in enumerate(views(), start=1):
        cells.append({
            "cell_type": "code",
            "execution_count": n,
            "id": f"xss-{kind}",
            "metadata": {},
            "source": [f"huntkit.{kind}(corpus)"],
            "outputs": [{"output_type": "display_data", "data": {MIME_TYPE: bundle, "text/plain": [summary(bundle)]},
                         "metadata": {}}],
        })
    return {
        "cells": cells,
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
                     "language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


if __name__ == "__main__":
    # The installed helper (scripts/build.sh): since the core is compiled
    # into its wheel (huntkit._core), helper/ in the tree cannot be imported.
    target = Path(sys.argv[1])
    target.write_text(json.dumps(notebook(), ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {target} ({len(payloads())} payloads, {target.stat().st_size} bytes)")
