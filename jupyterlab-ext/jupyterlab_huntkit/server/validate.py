"""``msticpyconfig.yaml`` checked for the page: the findings of the core's
``huntkit_core::config::validate`` (missing or invalid keys, unset
environment variables, non-GUID workspace and tenant ids), never a value.

The check is the core's, run through the ``huntkit`` command (``huntkit
config validate --format ndjson``) in the server's environment, so the
environment variables the file names resolve as they do for the calls;
the page gets the findings only.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from .msticpyconfig import MsticpyConfig
from .registry import GatewayError

#: The environment variable naming the ``huntkit`` command to run (tests).
CLI_ENV = "HUNTKIT_CLI"

#: Seconds the check may take.
TIMEOUT = 30.0


def cli_path() -> str | None:
    """``$HUNTKIT_CLI``, else ``huntkit`` on ``PATH``, else beside this
    Python (``bin/huntkit`` in the venv ``scripts/build.sh`` installs into)."""
    configured = os.environ.get(CLI_ENV, "")
    if configured:
        return configured
    found = shutil.which("huntkit")
    if found:
        return found
    beside = Path(sys.prefix) / "bin" / "huntkit"
    return str(beside) if beside.is_file() else None


async def validate(config_file: str) -> dict[str, Any]:
    """The findings for the configuration file the gateway reads."""
    config = MsticpyConfig.load(config_file)
    if config.path is None:
        return {"file": config.where, "found": False, "findings": [], "errors": 0, "warnings": 0}
    cli = cli_path()
    if cli is None:
        raise GatewayError(
            501,
            "checking msticpyconfig.yaml needs the huntkit command: install it "
            f"(cargo install, or bash scripts/build.sh) or set {CLI_ENV}",
        )
    try:
        proc = await asyncio.create_subprocess_exec(
            cli,
            "config",
            "validate",
            "--file",
            str(config.path),
            "--format",
            "ndjson",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), TIMEOUT)
    except asyncio.TimeoutError:
        proc.kill()
        raise GatewayError(504, "huntkit config validate took too long") from None
    except OSError as e:
        raise GatewayError(501, f"the huntkit command could not be run: {e.strerror}") from None
    findings = []
    for line in out.decode("utf-8", "replace").splitlines():
        if line.strip():
            row = json.loads(line)
            findings.append(
                {
                    "level": row["Level"],
                    "section": row["Section"],
                    "key": row["Key"],
                    "line": row["Line"],
                    "message": row["Message"],
                }
            )
    # Exit 1 with no findings is a failure to read the file; its message
    # names the file, never a value.
    if proc.returncode not in (0, 1) or (proc.returncode == 1 and not findings):
        message = err.decode("utf-8", "replace").strip().splitlines()
        raise GatewayError(500, message[-1] if message else "huntkit config validate failed")
    errors = sum(1 for f in findings if f["level"] == "error")
    return {
        "file": str(config.path),
        "found": True,
        "findings": findings,
        "errors": errors,
        "warnings": len(findings) - errors,
    }
