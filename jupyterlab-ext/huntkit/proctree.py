"""The ``process_tree`` bundle: the raw process-creation events, packed as
they are. The tree is built in the browser by huntkit's wasm core, so the
notebook sends events, not a precomputed tree, and big tables stay cheap to
ship (no per-node columns added in Python).
"""

from __future__ import annotations

from typing import Any

from .bundle import VERSION, _ipc_base64, _positive_int, _require, iso_utc, to_arrow

# The four columns each built-in schema needs (README "Process trees");
# checked here so a wrong schema is named in the cell, not the renderer.
SCHEMA_REQUIRED: dict[str, tuple[str, str, str, str]] = {
    "4688": ("TimeGenerated", "NewProcessName", "NewProcessId", "ProcessId"),
    "linux": ("TimeGenerated", "exe", "pid", "ppid"),
    "sysmon": ("UtcTime", "Image", "ProcessId", "ParentProcessId"),
    "mde": ("Timestamp", "FileName", "ProcessId", "InitiatingProcessId"),
    "mde_internal": ("CreatedProcessCreationTime", "CreatedProcessName", "CreatedProcessId",
                     "CreatedProcessParentId"),
    "osquery": ("calendarTime", "name", "pid", "parent"),
    "fireeye_hx": ("starttime", "process", "pid", "parentpid"),
}
OPTIONS = {"schema", "mapping", "legend_col", "title", "height", "width", "time_range"}

# A user-given mapping (README "Process trees", ``--mapping``): field -> column.
MAPPING_REQUIRED = ("time_stamp", "process_name", "process_id", "parent_id")
MAPPING_COLUMNS = MAPPING_REQUIRED + (
    "parent_name", "cmd_line", "logon_id", "target_logon_id", "user_name", "user_id", "host_name",
    "event_id_column", "parent_time", "grandparent_id", "grandparent_name", "grandparent_time",
    "initiator_id", "initiator_time",
)
# Not a column: the value ``event_id_column`` must hold for a row to count.
MAPPING_VALUES = ("event_id",)


def process_tree_bundle(data: Any, /, *, label: str | None = None, **options: Any) -> dict:
    """The ``process_tree`` view bundle of a table of process-creation events.

    ``schema`` is one of :data:`SCHEMA_REQUIRED`'s names (default: inferred
    from the columns in the browser), or ``mapping`` names your own columns
    (``{"time_stamp": ..., "process_name": ..., "process_id": ...,
    "parent_id": ...}`` plus any of :data:`MAPPING_COLUMNS`); ``legend_col`` colours rows by a
    column; ``time_range`` is ``(start, end)`` (either may be None) to open
    the view filtered. Raises ``ValueError``/``KeyError`` naming the problem.
    """
    unknown = sorted(set(options) - OPTIONS)
    if unknown:
        raise ValueError(
            f"unknown option{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
            f"for process_tree; known: {', '.join(sorted(OPTIONS))}"
        )
    opts = {k: v for k, v in options.items() if v is not None}
    table = to_arrow(data)
    if table.num_rows == 0:
        raise ValueError("the data has no rows: a process tree needs process-creation events")
    out: dict[str, Any] = {}
    if "schema" in opts and "mapping" in opts:
        raise ValueError("give either schema or mapping, not both")
    if "schema" in opts:
        schema = str(opts.pop("schema"))
        if schema not in SCHEMA_REQUIRED:
            raise ValueError(f"unknown schema {schema!r}; expected one of {', '.join(SCHEMA_REQUIRED)}")
        for column in SCHEMA_REQUIRED[schema]:
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
            out[size] = _positive_int(opts.pop(size), size)
    assert not opts, opts  # every known option is handled above
    entry = {"label": str(label) if label is not None else "events", "arrow": _ipc_base64(table),
             "rows": table.num_rows}
    return {"version": VERSION, "kind": "process_tree", "options": out, "data": [entry]}


def _mapping(table: Any, mapping: Any) -> dict[str, str]:
    """Checks a user-given mapping against the table: known fields, the
    four required ones, and every named column present."""
    if not isinstance(mapping, dict):
        raise ValueError(f"mapping must be a dict of field -> column name, not {type(mapping).__name__}")
    unknown = sorted(set(mapping) - set(MAPPING_COLUMNS) - set(MAPPING_VALUES))
    if unknown:
        raise ValueError(
            f"unknown mapping field{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(MAPPING_COLUMNS + MAPPING_VALUES)}"
        )
    missing = [f for f in MAPPING_REQUIRED if mapping.get(f) is None]
    if missing:
        raise ValueError(f"mapping needs {', '.join(map(repr, missing))} (the column of each)")
    out: dict[str, str] = {}
    for field, column in mapping.items():
        if column is None:
            continue
        if field in MAPPING_VALUES:
            out[field] = str(column)
            continue
        if not isinstance(column, str):
            raise ValueError(f"mapping field {field!r} must name a column, not {column!r}")
        out[field] = _require(table, f"mapping {field!r}", column, "the data")
    return out
