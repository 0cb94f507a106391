"""Provider settings from the hunter's ``msticpyconfig.yaml``.

Hunters already keep their keys there, under ``TIProviders.<Name>.Args``
(``AuthKey``, ``ApiID``); context providers such as IPStack sit under
``OtherProviders`` and query providers under ``DataProviders``, so a
provider's section is looked up in those three, in that order. A value is a
literal or ``{EnvironmentVar: NAME}``. Values are read at call time (so an
edited file applies at once) and never logged or returned: errors name the
section and key, never the value.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from .registry import GatewayError

#: The msticpyconfig sections a provider's ``Args`` may sit in, in order.
SECTIONS = ("TIProviders", "OtherProviders", "DataProviders")

#: The environment variable msticpy reads the file's path from.
ENV_VAR = "MSTICPYCONFIG"


class MsticpyConfig:
    """One read of the configuration file (or none, when there is none)."""

    def __init__(self, path: Path | None, doc: dict[str, Any]):
        self.path = path
        self.doc = doc

    @classmethod
    def load(cls, configured: str = "") -> "MsticpyConfig":
        """Reads the configured file, else ``$MSTICPYCONFIG``, else
        ``msticpyconfig.yaml`` in the working directory (msticpy's order).
        A missing file is an empty configuration: calls then fail with a
        message naming the key to set."""
        name = configured or os.environ.get(ENV_VAR, "") or "msticpyconfig.yaml"
        path = Path(name).expanduser()
        if not path.is_file():
            return cls(None, {})
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as e:
            # The YAML error names a line and column, not the values.
            raise GatewayError(500, f"{path} could not be read: {type(e).__name__}") from None
        if not isinstance(doc, dict):
            raise GatewayError(500, f"{path} is not a yaml mapping")
        return cls(path, doc)

    @property
    def where(self) -> str:
        return str(self.path) if self.path else "msticpyconfig.yaml (not found)"

    def args(self, config_name: str) -> tuple[str, dict[str, Any]]:
        """The ``Args`` of a provider's section and the section's dotted
        name (``TIProviders.VirusTotal``); empty when not configured."""
        for section in SECTIONS:
            entries = self.doc.get(section)
            if isinstance(entries, dict) and isinstance(entries.get(config_name), dict):
                args = entries[config_name].get("Args")
                return f"{section}.{config_name}", args if isinstance(args, dict) else {}
        return f"{SECTIONS[0]}.{config_name}", {}

    def value(self, provider: str, config_name: str, key: str) -> str:
        """The secret or setting ``key`` of a provider, resolved. Raises a
        ``GatewayError`` naming the provider and where to set it."""
        section, args = self.args(config_name)
        where = f"{section}.Args.{key}"
        raw = args.get(key)
        if isinstance(raw, dict):
            if "EnvironmentVar" in raw:
                var = str(raw["EnvironmentVar"])
                found = os.environ.get(var)
                if not found:
                    raise GatewayError(
                        400,
                        f"provider {provider!r} is not configured: environment variable "
                        f"{var} named by {where} is not set",
                    )
                return found
            kinds = ", ".join(sorted(str(k) for k in raw))
            raise GatewayError(
                501, f"provider {provider!r}: {where} uses {kinds}, which huntkit does not read yet"
            )
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise GatewayError(
                400, f"provider {provider!r} is not configured: set {where} in {self.where}"
            )
        return str(raw)

    def missing(self, provider: str, config_name: str, keys: list[str]) -> list[str]:
        """The keys among ``keys`` that do not resolve, as dotted names."""
        out = []
        for key in keys:
            try:
                self.value(provider, config_name, key)
            except GatewayError:
                out.append(f"{self.args(config_name)[0]}.Args.{key}")
        return out
