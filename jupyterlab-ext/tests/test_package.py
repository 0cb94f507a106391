"""The Python package `huntkit`: metadata, and the installed prebuilt extension.

Run after `npm run build:ts` and `pip install ./jupyterlab-ext` (scripts/build.sh).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import huntkit

HERE = Path(__file__).resolve().parent.parent
PACKAGE_JSON = json.loads((HERE / "package.json").read_text())


def test_labextension_paths():
    assert huntkit._jupyter_labextension_paths() == [
        {"src": "labextension", "dest": "@huntkit/jupyterlab"}
    ]


def test_version_matches_package_json():
    assert huntkit.__version__ == PACKAGE_JSON["version"]


def installed_extension_dir() -> Path:
    return Path(sys.prefix) / "share" / "jupyter" / "labextensions" / "@huntkit" / "jupyterlab"


def test_installed_extension_ships_worker_and_wasm():
    ext = installed_extension_dir()
    if not ext.is_dir():
        pytest.fail(f"{ext} is missing: run scripts/build.sh (npm run build:ts, then pip install)")
    meta = json.loads((ext / "package.json").read_text())
    assert meta["name"] == "@huntkit/jupyterlab"
    assert meta["jupyterlab"]["_build"]["load"].startswith("static/remoteEntry.")
    static = ext / "static"
    assert list(static.glob("*.wasm")), "the wasm module is not in the built extension"
    workers = list(static.glob("huntkit-engine.*.js"))
    assert workers, "the Web Worker chunk is not in the built extension"
    wasm_name = next(static.glob("*.wasm")).name
    assert wasm_name in workers[0].read_text(), "the worker does not load the shipped wasm"
    assert (ext / "install.json").is_file()
    schema = json.loads((ext / "schemas" / "@huntkit" / "jupyterlab" / "extract.json").read_text())
    for name, prop in schema["properties"].items():
        assert {"title", "description", "default"} <= prop.keys(), name


def test_jupyter_lists_the_extension_enabled():
    out = subprocess.run(
        [sys.executable, "-m", "jupyter", "labextension", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = out.stdout + out.stderr
    line = next((l for l in text.splitlines() if "@huntkit/jupyterlab" in l), "")
    assert "enabled" in line and "OK" in line, text


def test_jupyter_lists_the_server_extension_enabled():
    """The wheel's jupyter-config file enables the provider gateway."""
    out = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "extension", "list"],
        capture_output=True,
        text=True,
        check=True,
    )
    text = out.stdout + out.stderr
    enabled = [l for l in text.splitlines() if l.strip().startswith("huntkit ") and "enabled" in l]
    valid = [l for l in text.splitlines() if "huntkit" in l and "OK" in l]
    assert enabled and valid, text


def test_server_extension_points():
    assert huntkit._jupyter_server_extension_points() == [{"module": "huntkit.server"}]


def test_installed_package_requires_pyyaml():
    """The server extension reads msticpyconfig.yaml with pyyaml."""
    from importlib.metadata import requires

    assert any(r.lower().startswith("pyyaml") for r in requires("huntkit") or [])
