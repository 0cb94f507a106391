"""Build the view bundle (``application/vnd.huntkit.view+json``, version 1).

The bundle is plain JSON so that any notebook host can store it; the data
travels inside it as a base64 Arrow IPC stream, because Arrow is what the
renderer (Rust/WASM and JS) reads without parsing text. The schema is in the
repository README, section "Notebook views: the view bundle".

Conversions made so the renderer can read every column (see README):

- a pandas index with a name carries data, so it becomes a column; an
  unnamed index is dropped;
- object columns holding mixed types (``[1, "x"]``), bytes, lists or other
  Python objects become text; nulls stay null;
- timedeltas/durations become ``int64`` whole milliseconds (truncated);
- decimals become ``float64``; binary becomes UTF-8 text; nested values
  (lists, structs, maps) become JSON text;
- time zone-aware timestamps keep their zone; naive ones stay naive and
  the renderer reads them as UTC;
- a ``time_column``/``end_time_column`` holding ISO 8601 text is parsed
  into ``timestamp[us, UTC]`` (text without an offset is taken as UTC);
- categoricals stay dictionary-encoded.

An empty table is allowed: the bundle is produced (``rows`` 0) and the
renderer says there are no events. Its columns are still checked.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import math
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from . import contract
from .contract import KINDS, MIME_TYPE, VERSION

DEFAULT_TIME_COLUMN = "TimeGenerated"
# Python-only: a reference *event* (a row) whose time becomes ``ref_time``.
_PYTHON_OPTIONS = {"ref_event": "ref_time"}
# Columns of huntkit's / MSTICPy's STL output that are not the observed value.
_STL_COLUMNS = {"residual", "trend", "seasonal", "weights", "baseline", "score", "anomalies"}
_SET_KEYS = {"data", "time_column", "color"}


# --------------------------------------------------------------------------
# Any supported data -> pyarrow.Table
# --------------------------------------------------------------------------


def to_arrow(data: Any) -> pa.Table:
    """Return ``data`` as an Arrow table the renderer can read (see module
    doc). A Series (pandas, polars) or an Arrow array is a one-column
    table, named as the Series (``value`` when it has no name)."""
    data = _series_frame(data)
    if isinstance(data, pa.Table):
        table = data
    elif isinstance(data, pa.RecordBatch):
        table = pa.Table.from_batches([data])
    elif _is_pandas_frame(data):
        table = _from_pandas(data)
    elif _module_root(data) == "polars":
        if not hasattr(data, "to_arrow"):
            raise TypeError(
                f"a polars {type(data).__name__} cannot be shown: call .collect() first"
            )
        table = data.to_arrow()
    elif hasattr(data, "__arrow_c_stream__"):
        table = pa.table(data)
    else:
        raise TypeError(
            f"data must be a pandas or polars DataFrame or a pyarrow Table/RecordBatch, "
            f"not {type(data).__module__}.{type(data).__name__}"
        )
    names = table.column_names
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"duplicate column names: {', '.join(map(repr, dupes))}")
    columns = [_readable(col) for col in table.columns]
    return pa.Table.from_arrays(columns, names=names)  # drops schema metadata too


def _module_root(obj: Any) -> str:
    return type(obj).__module__.split(".", 1)[0]


def _is_pandas_frame(obj: Any) -> bool:
    """A pandas DataFrame or a subclass of one (a ``huntkit.ProcessTree``)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(obj, pd.DataFrame)


def _series_frame(data: Any) -> Any:
    """A one-column frame of a pandas or polars Series or an Arrow array;
    anything else as it is."""
    root = _module_root(data)
    if root == "pandas" and type(data).__name__ == "Series":
        return data.to_frame(name=data.name if data.name is not None else "value")
    if root == "polars" and type(data).__name__ == "Series":
        return data.to_frame(data.name or "value")
    if isinstance(data, (pa.Array, pa.ChunkedArray)):
        return pa.table({"value": data})
    return data


def _from_pandas(df: Any) -> pa.Table:
    import pandas as pd

    names = [str(c) for c in df.columns]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"duplicate column names: {', '.join(map(repr, dupes))}")
    if isinstance(df.columns, pd.MultiIndex):
        raise ValueError("the DataFrame has MultiIndex columns: flatten them to strings first")
    if any(name is not None for name in df.index.names):
        clash = [n for n in df.index.names if n is not None and n in df.columns]
        if clash:
            raise ValueError(
                f"the index {clash[0]!r} is also a column name: rename one of them "
                f"(a named index is shipped as a column)"
            )
        df = df.reset_index()
    df = df.rename(columns=str) if not all(isinstance(c, str) for c in df.columns) else df
    fixed = {}
    # Object columns converted here are kept: from_pandas would convert each
    # again (with pandas 2's object strings, half of a 100k-row table's
    # conversion time).
    converted = {}
    for name in df.columns:
        col = df[name]
        if isinstance(col.dtype, (pd.PeriodDtype, pd.IntervalDtype)):
            fixed[name] = _as_text(col)
        elif col.dtype == object:
            try:
                arr = pa.array(col, from_pandas=True)
            except (pa.ArrowException, TypeError, ValueError, OverflowError):
                fixed[name] = _as_text(col)
            else:
                if _plain(arr.type):
                    converted[name] = arr
                else:
                    fixed[name] = _as_text(col)
    if fixed:
        df = df.assign(**fixed)
    if df.attrs:  # results' attrs (periods, kql) are not data; pyarrow would warn on them
        df = df.copy(deep=False)
        df.attrs = {}
    if not converted:
        return pa.Table.from_pandas(df, preserve_index=False)
    rest = pa.Table.from_pandas(df[[c for c in df.columns if c not in converted]], preserve_index=False)
    return pa.Table.from_arrays(
        [converted[c] if c in converted else rest.column(c) for c in df.columns], names=list(df.columns)
    )


def _as_text(col: Any) -> Any:
    """Values as ``str`` (bytes decoded as UTF-8), nulls kept, as an object Series."""
    import pandas as pd

    def one(v: Any) -> Any:
        if v is None or (not isinstance(v, (str, bytes)) and _is_scalar_na(v, pd)):
            return None
        if isinstance(v, (bytes, bytearray)):
            return bytes(v).decode("utf-8", "backslashreplace")
        return str(v)

    return col.astype(object).map(one)


def _is_scalar_na(v: Any, pd: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):  # list-likes
        return False


def _plain(t: pa.DataType) -> bool:
    """True for the types the renderer reads as they are."""
    return (
        pa.types.is_null(t)
        or pa.types.is_boolean(t)
        or pa.types.is_integer(t)
        or pa.types.is_float32(t)
        or pa.types.is_float64(t)
        or pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or pa.types.is_timestamp(t)
        or pa.types.is_date(t)
        or pa.types.is_time(t)
        or (pa.types.is_dictionary(t) and _plain(t.value_type) and not pa.types.is_dictionary(t.value_type))
    )


_MS_PER_UNIT = {"s": 1000, "ms": 1, "us": 1 / 1000, "ns": 1 / 1_000_000}


def _readable(col: pa.ChunkedArray) -> pa.ChunkedArray:
    """Convert one column to a type in :func:`_plain` (see module doc)."""
    t = col.type
    if _plain(t):
        return col
    if pa.types.is_dictionary(t):
        return _readable(col.cast(t.value_type))
    if pa.types.is_duration(t):
        ticks = col.cast(pa.int64())
        factor = _MS_PER_UNIT[t.unit]
        if factor >= 1:
            return pc.multiply(ticks, int(factor))
        return pc.divide(ticks, int(round(1 / factor)))  # integer division truncates
    if pa.types.is_decimal(t) or pa.types.is_float16(t):
        return col.cast(pa.float64())
    if _is_view(t, "string"):
        return col.cast(pa.large_string())
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t) or _is_view(t, "binary"):
        values = [None if v is None else v.decode("utf-8", "backslashreplace") for v in col.to_pylist()]
        return pa.chunked_array([pa.array(values, pa.large_string())])
    values = [None if v is None else json.dumps(v, default=str) for v in col.to_pylist()]
    return pa.chunked_array([pa.array(values, pa.large_string())])


def _is_view(t: pa.DataType, what: str) -> bool:
    check = getattr(pa.types, f"is_{what}_view", None)  # pyarrow >= 16
    return bool(check and check(t))


# --------------------------------------------------------------------------
# Column checks
# --------------------------------------------------------------------------


def _require(table: pa.Table, option: str, column: Any, where: str) -> str:
    if not isinstance(column, str):
        raise ValueError(f"{option} must be a column name (str), not {column!r}")
    if column not in table.column_names:
        raise KeyError(
            f"{option} {column!r} is not a column of {where}; columns: {', '.join(table.column_names)}"
        )
    return column


def _time_column(table: pa.Table, option: str, column: str, where: str) -> pa.Table:
    """Check that ``column`` holds times; parse ISO 8601 text into timestamps."""
    _require(table, option, column, where)
    idx = table.column_names.index(column)
    col = table.column(idx)
    t = col.type
    if pa.types.is_dictionary(t):
        t = t.value_type
    if pa.types.is_timestamp(t) or pa.types.is_date(t):
        if pa.types.is_dictionary(col.type):  # times are read as plain arrays
            table = table.set_column(idx, column, col.cast(t))
        return table
    if pa.types.is_null(t):
        if table.num_rows and col.null_count == table.num_rows:
            raise ValueError(f"{option} {column!r} of {where} holds no times: every value is null")
        return table.set_column(idx, column, col.cast(pa.timestamp("us", tz="UTC")))
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return table.set_column(idx, column, _parse_times(col.cast(t), option, column, where))
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        raise ValueError(
            f"{option} {column!r} of {where} holds numbers ({t}), not times; convert it first, "
            f"e.g. pandas.to_datetime(df[{column!r}], unit='s', utc=True)"
        )
    raise ValueError(f"{option} {column!r} of {where} holds {t}, not times (datetimes or ISO 8601 text)")


_UTC_US = pa.timestamp("us", tz="UTC")


def _parse_times(col: pa.ChunkedArray, option: str, column: str, where: str) -> pa.ChunkedArray:
    """ISO 8601 text -> timestamp[us, UTC]; text without an offset is UTC."""
    for target in (_UTC_US, pa.timestamp("us")):
        try:
            return col.cast(target).cast(_UTC_US)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
    # Offsets mixed with naive text: parse value by value, naming the first bad one.
    out = []
    for v in col.to_pylist():
        if v is None:
            out.append(None)
            continue
        parsed = _parse_iso(v)
        if parsed is None:
            raise ValueError(
                f"{option} {column!r} of {where} is text that is not ISO 8601 time: {v!r}"
            )
        out.append(parsed)
    return pa.chunked_array([pa.array(out, _UTC_US)])


def _parse_iso(text: str) -> _dt.datetime | None:
    s = text.strip()
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    try:
        d = _dt.datetime.fromisoformat(s)
    except ValueError:
        return None
    return d.replace(tzinfo=_dt.timezone.utc) if d.tzinfo is None else d.astimezone(_dt.timezone.utc)


def _numeric(table: pa.Table, option: str, column: str, where: str) -> None:
    t = table.schema.field(column).type
    if not (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_null(t)):
        hint = " (or set dist_count=True to count distinct values)" if option == "value_col" else ""
        raise ValueError(f"{option} {column!r} of {where} must hold numbers, not {t}{hint}")


# --------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------


def iso_utc(value: Any, option: str = "ref_time") -> str:
    """A time as ISO 8601 UTC with milliseconds (``2024-03-04T10:15:02.000Z``).

    Accepts datetime/pandas Timestamp/numpy datetime64, ISO 8601 text, or epoch
    milliseconds; naive values are UTC.
    """
    d: _dt.datetime | None
    if isinstance(value, bool) or value is None:
        d = None
    elif isinstance(value, (int, float)):
        d = None if not math.isfinite(value) else (
            _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc) + _dt.timedelta(milliseconds=value)
        )
    elif isinstance(value, str):
        d = _parse_iso(value)
    elif isinstance(value, _dt.datetime):
        d = value.replace(tzinfo=_dt.timezone.utc) if value.tzinfo is None else value.astimezone(_dt.timezone.utc)
    elif isinstance(value, _dt.date):
        d = _dt.datetime(value.year, value.month, value.day, tzinfo=_dt.timezone.utc)
    elif type(value).__name__ == "datetime64":  # numpy
        d = _parse_iso(str(value.astype("datetime64[us]")))
    else:
        d = None
    if d is None:
        raise ValueError(
            f"{option} must be a datetime, an ISO 8601 string or epoch milliseconds, not {value!r}"
        )
    return d.strftime("%Y-%m-%dT%H:%M:%S.") + f"{d.microsecond // 1000:03d}Z"


def _columns(value: Any, option: str, allow_empty: bool = False) -> list[str]:
    if isinstance(value, str):
        return [value]
    if (isinstance(value, Sequence) and (value or allow_empty)
            and all(isinstance(v, str) for v in value)):
        return list(value)
    what = "a list" if allow_empty else "a non-empty list"
    raise ValueError(f"{option} must be a column name or {what} of column names, not {value!r}")


def _sort(value: Any) -> Any:
    """Python spellings of a sort: False/None (first appearance), True (asc),
    any case; the words themselves are checked against the contract."""
    if value is None or value is False:
        return None
    if value is True:
        return "asc"
    return value.lower() if isinstance(value, str) else value


def _plot_kinds(value: Any) -> Any:
    """One style or several, as a list without repeats (checked by the contract)."""
    kinds = [value] if isinstance(value, str) else list(value) if isinstance(value, (list, tuple)) else value
    return list(dict.fromkeys(kinds)) if isinstance(kinds, list) else kinds


def _ref_from_event(event: Any, time_column: str) -> Any:
    """The time of a reference event: a pandas Series/row, a mapping, or a one-row DataFrame."""
    if _is_pandas_frame(event):
        if len(event) != 1:
            raise ValueError(f"ref_event must be one row, not a DataFrame of {len(event)} rows")
        event = event.iloc[0]
    try:
        return event[time_column]
    except (KeyError, IndexError, TypeError):
        raise KeyError(f"ref_event has no {time_column!r} (the time_column)") from None


# --------------------------------------------------------------------------
# The bundle
# --------------------------------------------------------------------------


def view_bundle(kind: str, data: Any, /, *, label: str | None = None, color: str | None = None,
                **options: Any) -> dict:
    """Return the view bundle for ``data`` (the JSON value of the MIME type).

    ``data`` is a pandas/polars DataFrame or a pyarrow Table/RecordBatch; for a
    timeline also ``{label: frame}`` or ``{label: {"data": frame,
    "time_column": ..., "color": ...}}`` to overlay several data sets.
    ``label``/``color`` name and colour a single data set. ``options`` use
    MSTICPy's names (README table). Raises ``ValueError``/``KeyError`` naming
    the problem, so mistakes show in the notebook cell, not in the renderer.
    """
    if kind in contract.KINDS_WITHOUT_DATA:
        raise ValueError(f"{kind} takes no table: use huntkit.{kind}(…) (e.g. huntkit.lookup(iocs))")
    if kind == "entity_graph":  # two tables (nodes, edges): its own checks
        from .graph import entity_graph_bundle

        if label is not None or color is not None:
            raise ValueError("entity_graph's data sets are named nodes and edges; it takes no label or color")
        if isinstance(data, Mapping) and set(data) == {"nodes", "edges"}:
            return entity_graph_bundle(data["nodes"], data["edges"], **options)
        return entity_graph_bundle(data, **options)
    if kind == "process_tree":  # events, not chart data: its own checks
        from .proctree import process_tree_bundle

        return process_tree_bundle(data, label=label, **options)
    _check_option_names(kind, options)
    opts = {k: v for k, v in options.items() if v is not None}
    sets = _data_sets(kind, data, label, color)
    if kind in ("anomalies", "session_scores"):
        _guess_columns(kind, sets[0][1], opts)
    elif kind in ("timeline", "timeline_values", "timeline_duration") and not isinstance(data, Mapping):
        _guess_time_column(kind, sets[0][1], opts)
    time_kind = kind not in ("matrix", "cluster_scatter")
    out: dict[str, Any] = {}
    if time_kind:
        out["time_column"] = opts.pop("time_column", DEFAULT_TIME_COLUMN)

    # Options that name columns, and the columns each view needs.
    needed: list[str] = []
    if kind in ("timeline", "timeline_values", "session_scores") and "group_by" in opts:
        out["group_by"] = opts.pop("group_by")
        needed.append(out["group_by"])
    if kind == "timeline_duration" and "group_by" in opts:
        out["group_by"] = _columns(opts.pop("group_by"), "group_by")
        needed += out["group_by"]
        if "end_time_column" in opts:
            out["end_time_column"] = opts.pop("end_time_column")
    if kind in ("anomalies", "session_scores", "timeline_values") and "y" in opts:
        out["y"] = opts.pop("y")
        needed.append(out["y"])
    if kind == "anomalies":
        for key, default in (("baseline_col", "baseline"), ("anomalies_col", "anomalies")):
            out[key] = opts.pop(key, default)
            needed.append(out[key])
    if kind == "timeline_values":
        out["kind"] = _plot_kinds(opts.pop("kind", ["vbar"]))
    if kind == "matrix":
        for axis in ("x", "y"):
            if axis in opts:
                out[axis] = opts.pop(axis)
                needed.append(out[axis])
        if "value_col" in opts:
            out["value_col"] = opts.pop("value_col")
            needed.append(out["value_col"])
        for flag in ("dist_count", "log_size", "invert"):
            if flag in opts:
                out[flag] = opts.pop(flag)
        if out.get("dist_count") and "value_col" not in out:
            raise ValueError("dist_count counts distinct value_col values: give value_col too")
        for key in ("sort", "sort_x", "sort_y"):
            if key in options:  # None is meaningful ("first appearance")
                out[key] = _sort(opts.pop(key, None))
        if "max_label_len" in opts:
            out["max_label_len"] = opts.pop("max_label_len")
    if kind == "cluster_scatter":
        for key in ("x", "y", "cluster_column", "size_column"):
            if key in opts:
                out[key] = opts.pop(key)
                needed.append(out[key])
    source_columns = None
    if "source_columns" in opts:
        source_columns = _columns(opts.pop("source_columns"), "source_columns", allow_empty=True)
        out["source_columns"] = source_columns

    # Reference marker.
    if "ref_event" in opts:
        if "ref_time" in opts:
            raise ValueError("give ref_event or ref_time, not both")
        event = opts.pop("ref_event")
        out["ref_time"] = iso_utc(_ref_from_event(event, out["time_column"]), "ref_event's time")
        out["ref_label"] = str(opts.pop("ref_label", "reference event"))
    elif "ref_time" in opts:
        out["ref_time"] = iso_utc(opts.pop("ref_time"))
        if "ref_label" in opts:
            out["ref_label"] = str(opts.pop("ref_label"))
    elif "ref_label" in opts:
        raise ValueError("ref_label needs ref_time or ref_event")

    if "title" in opts:
        out["title"] = str(opts.pop("title"))
    for size in ("height", "width"):
        if size in opts:
            out[size] = opts.pop(size)
    assert not opts, opts  # every known option is handled above
    contract.validate(kind, out)  # types and bounds, as the core checks them

    entries = []
    for set_label, table, set_time, set_color in sets:
        where = f"data set {set_label!r}" if len(sets) > 1 else "the data"
        for option, col in (("group_by", out.get("group_by")), ("y", out.get("y")),
                            ("x", out.get("x")), ("value_col", out.get("value_col")),
                            ("cluster_column", out.get("cluster_column")),
                            ("size_column", out.get("size_column")),
                            ("baseline_col", out.get("baseline_col")),
                            ("anomalies_col", out.get("anomalies_col"))):
            if col is None:
                continue
            for c in col if isinstance(col, list) else [col]:
                _require(table, option, c, where)
        for c in source_columns or []:
            _require(table, "source_columns", c, where)
        time_cols: list[str] = []
        if time_kind:
            tc = set_time or out["time_column"]
            table = _time_column(table, "time_column", tc, where)
            time_cols.append(tc)
            if "end_time_column" in out:
                table = _time_column(table, "end_time_column", out["end_time_column"], where)
                time_cols.append(out["end_time_column"])
        if kind in ("timeline_values", "anomalies", "session_scores"):
            _numeric(table, "y", out["y"], where)
        if kind == "anomalies":
            _numeric(table, "baseline_col", out["baseline_col"], where)
            _numeric(table, "anomalies_col", out["anomalies_col"], where)
        if kind == "cluster_scatter":  # features are numbers; a text column is named here
            for key in ("x", "y", "cluster_column", "size_column"):
                if key in out and not pa.types.is_boolean(table.schema.field(out[key]).type):
                    _numeric(table, key, out[key], where)
        if kind == "matrix" and "value_col" in out and not out.get("dist_count"):
            _numeric(table, "value_col", out["value_col"], where)
        if source_columns is not None:
            keep = set(source_columns) | set(needed) | set(time_cols)
            table = table.select([c for c in table.column_names if c in keep])
        entry: dict[str, Any] = {"label": set_label, "arrow": _ipc_base64(table), "rows": table.num_rows}
        if set_time is not None:
            entry["time_column"] = set_time
        if set_color is not None:
            entry["color"] = set_color
        entries.append(entry)
    return {"version": VERSION, "kind": kind, "options": out, "data": entries}


def _check_option_names(kind: str, options: Mapping[str, Any]) -> None:
    """Names an unknown kind or option before any data is converted."""
    if kind not in KINDS:
        raise ValueError(f"unknown view kind {kind!r}; expected one of {', '.join(KINDS)}")
    known = contract.option_names(kind)
    known += [py for py, core in _PYTHON_OPTIONS.items() if core in known]
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ValueError(
            f"unknown option{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} for {kind}; "
            f"known: {', '.join(sorted(known))}"
        )


def _guess_columns(kind: str, table: pa.Table, opts: dict[str, Any]) -> None:
    """Fills ``y`` (and a scored session table's start time) when they are not
    given, from the column names huntkit and MSTICPy write."""
    names = table.column_names
    if kind == "session_scores":
        if "y" not in opts:
            found = [c for c in names if c.startswith("rarest_window") and c.endswith("_likelihood")]
            if not found:
                raise ValueError("session_scores needs y, the likelihood column "
                                 "(no rarest_window<n>_likelihood column found)")
            opts["y"] = found[0]
        if "time_column" not in opts:
            starts = [c for c in names if c.endswith("_min") and pa.types.is_timestamp(table.schema.field(c).type)]
            if starts:
                opts["time_column"] = starts[0]
    elif "y" not in opts:
        time_column = opts.get("time_column", DEFAULT_TIME_COLUMN)
        values = [c for c in names if c not in _STL_COLUMNS and c != time_column
                  and (pa.types.is_integer(table.schema.field(c).type)
                       or pa.types.is_floating(table.schema.field(c).type))]
        if not values:
            raise ValueError("anomalies needs y, the observed value column")
        opts["y"] = values[0]


def _guess_time_column(kind: str, table: pa.Table, opts: dict[str, Any]) -> None:
    """Without ``time_column`` and a ``TimeGenerated`` column, the table's
    time: a session table's start (``<time>_min``, with ``<time>_max`` as a
    duration's end, as :func:`huntkit.sessionize` writes them), or its only
    timestamp column."""
    if "time_column" in opts or DEFAULT_TIME_COLUMN in table.column_names:
        return
    times = [f.name for f in table.schema if pa.types.is_timestamp(f.type)]
    starts = [c for c in times if c.endswith("_min") and f"{c[:-4]}_max" in times]
    if starts:
        opts["time_column"] = starts[0]
        if kind == "timeline_duration" and "end_time_column" not in opts:
            opts["end_time_column"] = f"{starts[0][:-4]}_max"
    elif len(times) == 1:
        opts["time_column"] = times[0]


def _data_sets(kind: str, data: Any, label: str | None, color: str | None
               ) -> list[tuple[str, pa.Table, str | None, str | None]]:
    """``(label, table, time_column or None, color or None)`` per data set."""
    if isinstance(data, Mapping):
        if kind != "timeline":
            raise ValueError(f"only a timeline overlays several data sets; {kind} takes one table")
        if not data:
            raise ValueError("the data sets dict is empty")
        if label is not None or color is not None:
            raise ValueError("with several data sets, give each its label (the dict key) and color in the dict")
        sets = []
        for set_label, spec in data.items():
            if isinstance(spec, Mapping):
                extra = sorted(set(spec) - _SET_KEYS)
                if extra or "data" not in spec:
                    raise ValueError(
                        f"data set {set_label!r} must be a frame or a dict with 'data' and optional "
                        f"'time_column', 'color'" + (f" (unknown: {', '.join(map(repr, extra))})" if extra else "")
                    )
                set_time, set_color = spec.get("time_column"), spec.get("color")
                if set_time is not None and not isinstance(set_time, str):
                    raise ValueError(f"time_column of data set {set_label!r} must be a column name (str)")
                if set_color is not None and not isinstance(set_color, str):
                    raise ValueError(f"color of data set {set_label!r} must be a CSS colour string")
                sets.append((str(set_label), to_arrow(spec["data"]), set_time, set_color))
            else:
                sets.append((str(set_label), to_arrow(spec), None, None))
        return sets
    if color is not None and not isinstance(color, str):
        raise ValueError(f"color must be a CSS colour string, not {color!r}")
    return [(str(label) if label is not None else "data", to_arrow(data), None, color)]


def _ipc_base64(table: pa.Table) -> str:
    """An Arrow IPC stream with LZ4-frame buffers, base64 (ASCII).

    Chunks are combined first: pandas can hand over hundreds of small chunks
    (e.g. after ``concat``), and one record batch per chunk would bloat the
    stream and compress poorly.
    """
    table = table.combine_chunks()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")) as w:
        w.write_table(table)
    return base64.b64encode(sink.getvalue().to_pybytes()).decode("ascii")


def summary(bundle: dict) -> str:
    """The ``text/plain`` stand-in shown where the view cannot be drawn."""
    rows = sum(int(d.get("rows", 0)) for d in bundle["data"])
    sets = len(bundle["data"])
    return (f"<huntkit {bundle['kind']}: {rows} event{'' if rows == 1 else 's'} "
            f"in {sets} data set{'' if sets == 1 else 's'}>")
