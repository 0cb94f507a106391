"""The ``process_tree`` bundle: the raw process-creation events, packed as
they are. The tree is built in the browser by huntkit's wasm core, so the
notebook sends events, not a precomputed tree, and big tables stay cheap to
ship (no per-node columns added in Python).
"""

from __future__ import annotations

from typing import Any

from . import contract
from .bundle import VERSION, _ipc_base64, _require, iso_utc, to_arrow


def process_tree_bundle(data: Any, /, *, label: str | None = None, **options: Any) -> dict:
    """The ``process_tree`` view bundle of a table of process-creation events.

    ``schema`` is one of :data:`huntkit.contract.PROC_SCHEMAS` or their aliases,
    in any case (default: inferred from the columns in the browser), or
    ``mapping`` names your own columns (``{"time_stamp": ..., "process_name":
    ..., "process_id": ..., "parent_id": ...}`` plus any other field of the
    core's mapping, :func:`huntkit.contract.mapping_schema`); ``legend_col`` colours rows by a
    column; ``time_range`` is ``(start, end)`` (either may be None) to open
    the view filtered. Raises ``ValueError``/``KeyError`` naming the problem.
    """
    from .bundle import _check_option_names

    _check_option_names("process_tree", options)
    opts = {k: v for k, v in options.items() if v is not None}
    table = to_arrow(data)
    if table.num_rows == 0:
        raise ValueError("the data has no rows: a process tree needs process-creation events")
    out: dict[str, Any] = {}
    if "schema" in opts and "mapping" in opts:
        raise ValueError("give either schema or mapping, not both")
    if "schema" in opts:
        schema = str(opts.pop("schema"))
        contract.validate("process_tree", {"schema": schema})
        known = contract.proc_schema(schema) or {}
        for column in (known[f] for f in contract.mapping_schema()["required"]):
            if column not in table.column_names:
                raise KeyError(
                    f"schema {schema!r} needs column {column!r}, which is not in the data; "
                    f"columns: {', '.join(table.column_names)}"
                )
        out["schema"] = schema
    if "mapping" in opts:
        out["mapping"] = _mapping(table, opts.pop("mapping"))
    if "legend_col" in opts:
        out["legend_col"] = _require(table, "legend_col", opts.pop("legend_col"), "the data")
    if "time_range" in opts:
        bounds = opts.pop("time_range")
        if not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
            raise ValueError(f"time_range must be (start, end), not {bounds!r}")
        out["time_range"] = [None if b is None else iso_utc(b, "time_range") for b in bounds]
    if "title" in opts:
        out["title"] = str(opts.pop("title"))
    for size in ("height", "width"):
        if size in opts:
            out[size] = opts.pop(size)
    assert not opts, opts  # every known option is handled above
    contract.validate("process_tree", out)  # types and bounds, as the core checks them
    entry = {"label": str(label) if label is not None else "events", "arrow": _ipc_base64(table),
             "rows": table.num_rows}
    return {"version": VERSION, "kind": "process_tree", "options": out, "data": [entry]}


def _mapping(table: Any, mapping: Any) -> dict[str, str]:
    """Checks a user-given mapping against the table: known fields, the
    four required ones, and every named column present."""
    if not isinstance(mapping, dict):
        raise ValueError(f"mapping must be a dict of field -> column name, not {type(mapping).__name__}")
    columns = contract.mapping_column_fields()
    # None means "not mapped"; a value field (event_id) may be given as a number.
    out = {f: (c if f in columns or not isinstance(c, (int, float)) else str(c))
           for f, c in mapping.items() if c is not None}
    problem = contract.check(out, contract.mapping_schema(), "mapping")
    if problem:
        raise ValueError(problem)
    for field, column in out.items():
        if field in columns:
            _require(table, f"mapping {field!r}", column, "the data")
    return out
