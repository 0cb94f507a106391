"""The demo notebook that `scripts/start.sh` opens runs top to bottom on a
real kernel, with the `huntkit` package (its compiled core) and CLI that
`scripts/build.sh` installs."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEMO = Path(__file__).resolve().parent.parent / "demo"


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> dict:
    if shutil.which("huntkit") is None:
        pytest.fail("the huntkit CLI is not on PATH: run scripts/build.sh first")
    work = tmp_path_factory.mktemp("demo")
    shutil.copytree(DEMO, work, dirs_exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
         "--inplace", "--ExecutePreprocessor.timeout=120", "demo.ipynb"],
        cwd=work, check=True, capture_output=True,
    )
    return json.loads((work / "demo.ipynb").read_text())


def outputs(nb: dict) -> list[str]:
    """The text each code cell printed, in order."""
    texts = []
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            texts.append("".join("".join(o.get("text", "")) for o in cell["outputs"]))
    return texts


def test_demo_cells_find_the_sample_iocs(executed):
    ioc_text, ioc_csv, decoded, ndjson = outputs(executed)[:4]
    assert "evil-c2.example.com" in ioc_text
    assert "203.0.113.7" in ioc_text
    assert "domain.like.iandom" not in ioc_text
    assert "update-check.example-cdn.com" in ioc_csv
    assert "update-check.example-cdn.com/stage2.ps1" in decoded  # the -EncodedCommand, unpacked
    rows = [json.loads(line) for line in ndjson.splitlines() if line.strip()]
    assert rows and {r["IoCType"] for r in rows} <= {"url", "dns"}
    assert {"IoCType", "Observable", "Refanged", "Count", "FirstOffset"} == set(rows[0])


def test_demo_has_no_errors(executed):
    for cell in executed["cells"]:
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", out
            assert out.get("name") != "stderr", out


MIME = "application/vnd.huntkit.view+json"


def test_demo_views_emit_bundles(executed):
    """Each view cell displays one huntkit bundle, of the kind it asked for."""
    kinds = []
    for cell in executed["cells"]:
        for out in cell.get("outputs", []):
            bundle = out.get("data", {}).get(MIME)
            if bundle is not None:
                assert bundle["version"] == 1
                assert bundle["data"] and bundle["data"][0]["arrow"]
                kinds.append(bundle["kind"])
    assert kinds == ["timeline", "timeline_values", "anomalies", "timeline_duration", "matrix", "timeline",
                     "process_tree", "session_scores"]


def test_demo_analyses_run_in_the_kernel(executed):
    """The analysis cells call the Python API, not the CLI: IoCs of the
    alerts' command lines by row, and the night of failed logons found by STL."""
    sources = ["".join(c["source"]) for c in executed["cells"] if c["cell_type"] == "code"]
    assert not any(line.lstrip().startswith("!huntkit") for s in sources for line in s.splitlines())
    texts = outputs(executed)
    alert_iocs = texts[1]
    assert "SourceIndex" in alert_iocs and "CommandLine" in alert_iocs
    periods = next(t for t in texts if "| where TimeGenerated between" in t)
    assert "2024-03-07" in periods  # the night make_logons.py planted


def test_demo_renders_and_runs_a_query_template(executed):
    """The query cells: a hostile host name rendered as one KQL string, and
    the LocalData run over logons.csv."""
    texts = outputs(executed)
    rendered = next(t for t in texts if t.startswith("SecurityEvent"))
    assert "'WEB-01\\' or 1==1'" in rendered
    ran = next(t for t in texts if "failed logons on WEB-01" in t)
    assert int(ran.split()[0]) > 100


def test_demo_finds_the_intruders_shell_and_session(executed):
    """The tree cell prints the shell svc_backup ran on WEB-01 with what it
    started; the session cell ranks that account's session the rarest."""
    texts = outputs(executed)
    tree = next(t for t in texts if "'LargestTreeDepth'" in t)
    assert "cmd.exe" in tree and "whoami.exe" in tree and "net1.exe" in tree and "rundll32.exe" in tree
    assert "chrome.exe" not in tree  # only the shell's own subtree
    assert "update-check.example-cdn.com/stage2.ps1" in tree  # its -EncodedCommand, decoded
    rarest = next(t for t in texts if "rarest_window3_likelihood" in t)
    first = rarest.splitlines()[1]
    assert "WEB-01" in first and "svc_backup" in first
