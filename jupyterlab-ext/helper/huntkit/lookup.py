"""Lookup views: observables shown in the Lookup view of JupyterLab or VS Code.

``huntkit.lookup(iocs)`` displays a ``lookup`` view bundle: the observables
and the providers to check first, no data. Nothing is sent when it is
shown: the analyst presses Run, and the host (the Jupyter server extension,
or VS Code's extension host) calls the providers with the keys it holds.
The options are checked against the core's schema (count, provider names).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from . import contract
from .contract import MIME_TYPE, VERSION

__all__ = ["lookup", "lookup_bundle"]


def lookup_bundle(iocs: Iterable[Any], *, providers: Iterable[str] | None = None,
                  title: str | None = None) -> dict:
    """The ``lookup`` bundle for ``iocs`` (any iterable of observables: a
    list, a pandas Series such as an IoC table's ``Ioc`` column). Empty
    values are dropped and repeats kept once, in order. Raises
    ``ValueError`` naming the problem."""
    if isinstance(iocs, (str, bytes)):
        iocs = [iocs]
    seen: dict[str, None] = {}
    for value in iocs:
        text = str(value).strip() if value is not None else ""
        if text and text.lower() != "nan":
            seen.setdefault(text, None)
    options: dict[str, Any] = {"iocs": list(seen)}
    if not options["iocs"]:
        raise ValueError("lookup: give at least one observable")
    if providers is not None:
        options["providers"] = [providers] if isinstance(providers, str) else list(providers)
    if title is not None:
        options["title"] = title
    contract.validate("lookup", options)
    return {"version": VERSION, "kind": "lookup", "options": options, "data": []}


def lookup(iocs: Iterable[Any], *, providers: Iterable[str] | None = None,
           title: str | None = None) -> dict | None:
    """Shows ``iocs`` in the Lookup view (returns the bundle outside IPython)."""
    bundle = lookup_bundle(iocs, providers=providers, title=title)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return bundle
    if get_ipython() is None:
        return bundle
    n = len(bundle["options"]["iocs"])
    text = f"<huntkit lookup: {n} observable{'' if n == 1 else 's'}>"
    display({MIME_TYPE: bundle, "text/plain": text}, raw=True)
    return None
