"""The two Python packages: `huntkit` (the notebook helper, pyarrow only) and
`jupyterlab_huntkit` (the prebuilt extension): metadata, and the installed
extension.

Run after `npm run build:ts` and `pip install ./jupyterlab-ext/helper ./jupyterlab-ext`
(scripts/build.sh).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

import huntkit
import jupyterlab_huntkit

HERE = Path(__file__).resolve().parent.parent
PACKAGE_JSON = json.loads((HERE / "package.json").read_text())


def test_labextension_paths():
    assert jupyterlab_huntkit._jupyter_labextension_paths() == [
        {"src": "labextension", "dest": "@huntkit/jupyterlab"}
    ]
    assert not hasattr(huntkit, "_jupyter_labextension_paths")  # the helper ships no extension


def test_versions_agree():
    assert huntkit.__version__ == jupyterlab_huntkit.__version__ == PACKAGE_JSON["version"]
    # the extension package pins the helper of its own version
    pyproject = (HERE / "pyproject.toml").read_text()
    assert f'dependencies = ["huntkit=={huntkit.__version__}", "pyyaml>=6"]' in pyproject


def test_the_helper_depends_on_pyarrow_only():
    from importlib.metadata import requires

    assert requires("huntkit") == ["pyarrow>=14"]
    # the extension adds pyyaml: its server extension reads msticpyconfig.yaml
    assert requires("jupyterlab_huntkit") == [f"huntkit=={huntkit.__version__}", "pyyaml>=6"]


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
    lines = [l.strip() for l in text.splitlines()]
    enabled = [l for l in lines if l.startswith("jupyterlab_huntkit ") and "enabled" in l]
    valid = [l for l in lines if l.startswith("jupyterlab_huntkit ") and "OK" in l]
    assert enabled and valid, text


def test_server_extension_points():
    assert jupyterlab_huntkit._jupyter_server_extension_points() == [
        {"module": "jupyterlab_huntkit.server"}
    ]
    assert not hasattr(huntkit, "_jupyter_server_extension_points")  # nor a server extension
