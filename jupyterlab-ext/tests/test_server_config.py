"""``GET huntkit/api/msticpyconfig/validate`` through a real Jupyter server: the
core's findings for the gateway's msticpyconfig.yaml (run through the built
``huntkit`` command), environment variables resolved in the server's
environment, and never a value from the file in the answer."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from tornado.httpclient import HTTPClientError

pytest_plugins = ["pytest_jupyter.jupyter_server"]

ROOT = Path(__file__).resolve().parents[2]
SECRET = "literal-vt-key-5be1c0"
NOT_A_GUID = "workspace-name-not-guid-77"


def huntkit_cli() -> str:
    """The huntkit command: ``$HUNTKIT_CLI``, else the one on ``PATH``
    (``scripts/build.sh`` installs it into the venv), else a debug build."""
    if os.environ.get("HUNTKIT_CLI"):
        return os.environ["HUNTKIT_CLI"]
    if shutil.which("huntkit"):
        return shutil.which("huntkit")
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(["cargo", "build", "-q", "-p", "huntkit"], cwd=ROOT, check=True)
    return str(target / "debug" / "huntkit")


@pytest.fixture(scope="module")
def cli():
    return huntkit_cli()


@pytest.fixture
def msticpy_file(tmp_path):
    path = tmp_path / "msticpyconfig.yaml"
    path.write_text(
        f"""\
TIProviders:
  VirusTotal:
    Args:
      AuthKey: {SECRET}
  OTX:
    Args:
      AuthKey:
        EnvironmentVar: HUNTKIT_TEST_OTX_KEY
AzureSentinel:
  Workspaces:
    Default:
      WorkspaceId: {NOT_A_GUID}
      TenantId: 72f988bf-86f1-41af-91ab-2d7cd011db47
"""
    )
    return path


@pytest.fixture
def config_file(msticpy_file):
    return str(msticpy_file)


@pytest.fixture
def jp_server_config(config_file):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_huntkit": True}},
        "HuntkitGateway": {"config_file": config_file},
    }


async def get(jp_fetch):
    try:
        r = await jp_fetch("huntkit", "api", "msticpyconfig", "validate", method="GET")
    except HTTPClientError as e:
        assert e.response is not None, e
        return e.code, json.loads(e.response.body)
    return r.code, json.loads(r.body)


async def test_findings_name_keys_never_values(jp_fetch, cli, monkeypatch, msticpy_file):
    monkeypatch.setenv("HUNTKIT_CLI", cli)
    monkeypatch.delenv("HUNTKIT_TEST_OTX_KEY", raising=False)
    code, body = await get(jp_fetch)
    assert code == 200, body
    assert body["file"] == str(msticpy_file)
    assert body["found"] is True
    assert [(f["level"], f["section"], f["key"], f["line"]) for f in body["findings"]] == [
        ("error", "TIProviders.OTX", "Args.AuthKey", 8),
        ("error", "AzureSentinel.Workspaces.Default", "WorkspaceId", 12),
    ]
    assert body["errors"] == 2
    text = json.dumps(body)
    assert SECRET not in text and NOT_A_GUID not in text

    # The variable set in the server's environment: that finding is gone.
    monkeypatch.setenv("HUNTKIT_TEST_OTX_KEY", "otx-value-1")
    code, body = await get(jp_fetch)
    assert code == 200
    assert [f["key"] for f in body["findings"]] == ["WorkspaceId"]
    assert "otx-value-1" not in json.dumps(body)


@pytest.mark.parametrize("config_file", ["/nonexistent/msticpyconfig.yaml"])
async def test_a_missing_file_is_said(jp_fetch, cli, monkeypatch):
    monkeypatch.setenv("HUNTKIT_CLI", cli)
    code, body = await get(jp_fetch)
    assert code == 200
    assert body["found"] is False and body["findings"] == []


async def test_without_the_command_the_answer_says_what_to_install(jp_fetch, monkeypatch, tmp_path):
    monkeypatch.setenv("HUNTKIT_CLI", str(tmp_path / "no-such-huntkit"))
    code, body = await get(jp_fetch)
    assert code == 501
    assert "huntkit command" in body["message"]


async def test_unauthenticated_is_refused(jp_fetch, cli, monkeypatch):
    monkeypatch.setenv("HUNTKIT_CLI", cli)
    for auth in ("token wrong", ""):
        with pytest.raises(HTTPClientError) as e:
            await jp_fetch(
                "huntkit", "api", "msticpyconfig", "validate", method="GET", headers={"Authorization": auth}
            )
        assert e.value.code in (401, 403)
