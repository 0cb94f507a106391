"""Writes the saved notebooks the VS Code end-to-end test opens.

    $HOME/.cache/huntkit/venv/bin/python tests/vscode/make_fixtures.py

The bundles come from the project's own helper (``huntkit.view_bundle``, in
jupyterlab-ext/huntkit, imported from this clone), so the fixtures are what
``huntkit.timeline(...)`` displays in a notebook.

- fixtures/timeline.ipynb: one cell whose saved output is a real huntkit view
  bundle (a timeline of logons, one lane per computer), as a notebook run in
  JupyterLab would store it.
- fixtures/bad-version.ipynb: the same output with a bundle version no
  renderer knows, which must be reported, not drawn.
- fixtures/views.ipynb: one cell for each other view kind (timeline_values,
  timeline_duration, matrix, cluster_scatter).
- fixtures/graph.ipynb: an entity_graph output (an incident's host,
  account, IP, alert and file; the alert's name is markup that must stay
  text), laid out in the engine's Web Worker.
- fixtures/proctree.ipynb: a process_tree output (Windows 4688 events on two
  hosts), which the renderer builds in the engine's Web Worker.

fixtures/lookup.ipynb (a ``lookup`` output: observables only, no data set,
what ``huntkit.lookup`` displays) is written by hand;
jupyterlab-ext/tests/test_lookup_view.py checks it equals the helper's bundle.

The expectations the test checks (kind, lanes, title, rows) are written to
fixtures/expected.json, so the test and the data cannot drift apart.
Deterministic: the same pyarrow gives the same bytes.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
sys.path.insert(0, str(HERE.parent.parent / "jupyterlab-ext"))

from huntkit import MIME_TYPE, view_bundle  # noqa: E402  (this clone's helper)
from huntkit.bundle import summary  # noqa: E402

COMPUTERS = ["dc01.contoso.local", "ws-017.contoso.local", "web-03.contoso.local"]
TITLE = "Logons by computer"


def logons() -> pa.Table:
    """60 logon events over a day on three computers (a fixed pattern, no randomness)."""
    start = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
    times, computers, accounts, event_ids = [], [], [], []
    for i in range(60):
        times.append(start + timedelta(minutes=17 * i + (i % 7) * 3))
        computers.append(COMPUTERS[(i * 7) % 3 if i % 5 else 0])
        accounts.append(f"CONTOSO\\user{i % 9:02d}")
        event_ids.append(4624 if i % 6 else 4625)
    return pa.table(
        {
            "TimeGenerated": pa.array(times, pa.timestamp("ms", tz="UTC")),
            "Computer": pa.array(computers, pa.string()).dictionary_encode(),
            "Account": pa.array(accounts, pa.string()),
            "EventID": pa.array(event_ids, pa.int32()),
        }
    )


def hourly_failures() -> pa.Table:
    """Failed logons per hour, with a burst at 15:00."""
    start = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
    hours = [start + timedelta(hours=h) for h in range(18)]
    failures = [(h * 7) % 5 + (25 if h == 9 else 0) for h in range(18)]
    return pa.table(
        {"TimeGenerated": pa.array(hours, pa.timestamp("ms", tz="UTC")), "Failures": pa.array(failures, pa.int64())}
    )


def processes() -> pa.Table:
    """4688 events: explorer → cmd → whoami on one host, explorer → cmd on another."""
    rows = [
        ("2026-11-20T08:00:00Z", "C:\\Windows\\explorer.exe", "0x10", "0x4", "", "explorer.exe", "alice", "ws-017"),
        ("2026-11-20T08:01:00Z", "C:\\Windows\\System32\\cmd.exe", "0x20", "0x10",
         "C:\\Windows\\explorer.exe", "cmd /c <b>not markup</b>", "alice", "ws-017"),
        ("2026-11-20T08:02:00Z", "C:\\Windows\\System32\\whoami.exe", "0x30", "0x20",
         "C:\\Windows\\System32\\cmd.exe", "whoami /all", "alice", "ws-017"),
        ("2026-11-20T08:00:30Z", "C:\\Windows\\explorer.exe", "0x10", "0x4", "", "explorer.exe", "bob", "dc01"),
        ("2026-11-20T08:03:00Z", "C:\\Windows\\System32\\cmd.exe", "0x20", "0x10",
         "C:\\Windows\\explorer.exe", "cmd /c net user", "bob", "dc01"),
    ]
    names = ["TimeGenerated", "NewProcessName", "NewProcessId", "ProcessId", "ParentProcessName",
             "CommandLine", "SubjectUserName", "Computer"]
    return pa.table({name: pa.array([r[i] for r in rows], pa.string()) for i, name in enumerate(names)})


def clusters() -> pa.Table:
    """A cluster table as ``huntkit.cluster_events`` writes it: two noise rows and two clusters."""
    return pa.table(
        {
            "ClusterId": pa.array([-1, -1, 0, 1], pa.int64()),
            "ClusterSize": pa.array([1, 1, 57, 6], pa.int64()),
            "pathScore": pa.array([4210, 6020, 5234, 3300], pa.int64()),
            "commandlineTokensFull": pa.array([3, 41, 12, 7], pa.int64()),
            "NewProcessName": pa.array(["a.exe", "<b>b.exe</b>", "cmd.exe", "svchost.exe"], pa.string()),
        }
    )


PROCTREE_SOURCE = "huntkit.process_tree(events, schema='4688', legend_col='SubjectUserName', title='Processes')"


def bundle(table: pa.Table) -> dict:
    """What ``huntkit.timeline(logons, ...)`` displays."""
    return view_bundle(
        "timeline", table, label="logons", time_column="TimeGenerated", group_by="Computer", title=TITLE
    )


def cell(n: int, source: str, view: dict) -> dict:
    """A code cell as JupyterLab saves it after displaying ``view``."""
    return {
        "cell_type": "code",
        "execution_count": n,
        "id": f"cell-{n}",
        "metadata": {},
        "source": source.splitlines(keepends=True),
        "outputs": [
            {
                "output_type": "display_data",
                "data": {MIME_TYPE: view, "text/plain": [summary(view)]},
                "metadata": {},
            }
        ],
    }


def notebook(cells: list[dict]) -> dict:
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


TIMELINE_SOURCE = (
    "import huntkit\n"
    f"huntkit.timeline(logons, time_column='TimeGenerated', group_by='Computer', title={TITLE!r})"
)

OTHER_VIEWS = [
    # (source, kind, data, options)
    (
        "huntkit.timeline_values(hourly, y='Failures', kind=['vbar', 'circle'], title='Failed logons per hour')",
        "timeline_values",
        "hourly",
        {"y": "Failures", "kind": ["vbar", "circle"], "title": "Failed logons per hour"},
    ),
    (
        "huntkit.timeline_duration(logons, group_by=['Computer'], title='Activity per computer')",
        "timeline_duration",
        "logons",
        {"group_by": ["Computer"], "title": "Activity per computer"},
    ),
    (
        "huntkit.matrix(logons, x='Computer', y='Account', title='Logons by computer and account')",
        "matrix",
        "logons",
        {"x": "Computer", "y": "Account", "title": "Logons by computer and account"},
    ),
    (
        "clusters.huntkit.cluster_scatter(x='pathScore', y='commandlineTokensFull', title='Event clusters')",
        "cluster_scatter",
        "clusters",
        {"x": "pathScore", "y": "commandlineTokensFull", "title": "Event clusters"},
    ),
]


GRAPH_SOURCE = "huntkit.entity_graph(nodes, edges, title='Incident 42', seed=3)"


def entity_graph_tables() -> tuple[pa.Table, pa.Table]:
    """An incident's entities (the view's nodes and edges tables)."""
    t = datetime(2024, 1, 1, 10, tzinfo=timezone.utc)
    nodes = pa.table(
        {
            "Id": ["h1", "a1", "ip1", "al1", "f1"],
            "Name": ["web01", "alice", "10.0.0.5", "<img src=x onerror=window.__pwned=1>", "evil.exe"],
            "Type": ["Host", "Account", "IpAddress", "Alert", "File"],
            "TimeGenerated": pa.array(
                [t, None, None, t + timedelta(hours=1), t + timedelta(minutes=30)], pa.timestamp("ms", tz="UTC")
            ),
        }
    )
    edges = pa.table(
        {"Source": ["h1", "h1", "al1", "al1"], "Target": ["a1", "ip1", "h1", "f1"], "Label": ["logon", None, "on", "drops"]}
    )
    return nodes, edges


def write(name: str, content: dict) -> None:
    path = FIXTURES / name
    path.write_text(json.dumps(content, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {path.relative_to(HERE.parent.parent)}")


def main() -> None:
    FIXTURES.mkdir(exist_ok=True)
    tables = {"logons": logons(), "hourly": hourly_failures(), "clusters": clusters()}
    table = tables["logons"]
    good = bundle(table)
    write("timeline.ipynb", notebook([cell(1, TIMELINE_SOURCE, good)]))
    # A bundle from a future huntkit: version 99, which no renderer knows.
    write("bad-version.ipynb", notebook([cell(1, TIMELINE_SOURCE, {**good, "version": 99})]))
    others = [
        cell(n, source, view_bundle(kind, tables[data], **options))
        for n, (source, kind, data, options) in enumerate(OTHER_VIEWS, start=1)
    ]
    write("views.ipynb", notebook(others))
    tree = view_bundle(
        "process_tree", processes(), label="events", schema="4688", legend_col="SubjectUserName", title="Processes"
    )
    write("proctree.ipynb", notebook([cell(1, PROCTREE_SOURCE, tree)]))
    from huntkit.graph import entity_graph_bundle

    nodes, edges = entity_graph_tables()
    graph = entity_graph_bundle(nodes, edges, title="Incident 42", seed=3)
    write("graph.ipynb", notebook([cell(1, GRAPH_SOURCE, graph)]))
    lanes = sorted(set(table.column("Computer").to_pylist()))
    write(
        "expected.json",
        {
            "timeline.ipynb": {"kind": "timeline", "title": TITLE, "lanes": lanes, "rows": table.num_rows},
            "bad-version.ipynb": {"error_contains": "99"},
            "views.ipynb": [{"kind": kind, "title": options["title"]} for _, kind, _, options in OTHER_VIEWS],
            # 5 events and each host's inferred parent 0x4.
            "graph.ipynb": {"title": "Incident 42", "nodes": nodes.num_rows, "edges": edges.num_rows},
            "proctree.ipynb": {"title": "Processes", "processes": 7, "search": "whoami", "match": "whoami /all"},
        },
    )


if __name__ == "__main__":
    main()
