"""huntkit's analyses in the kernel: the Rust core (``huntkit._core``) on
pandas or polars DataFrames, with MSTICPy's parameter names::

    import huntkit
    iocs = huntkit.ioc_extract(df, columns=["CommandLine"], ioc_types=["ipv4", "url"])
    payloads = huntkit.decode(df, column="CommandLine")          # MSTICPy's unpack_df
    sessions = huntkit.sessionize(events, user_identifier_cols=["UserId"],
                                  time_col="TimeGenerated", event_col="Operation")
    scored = huntkit.score_sessions(sessions, session_column="Operation_list", window_length=3)
    stl = huntkit.timeseries_anomalies_stl(counts, time_column="TimeGenerated", data_column="Total")
    clusters = huntkit.cluster_events(procs, max_cluster_distance=0.01)   # dbcluster_events
    odd = huntkit.outliers(procs, contamination=0.05)                     # identify_outliers
    tree = huntkit.build_process_tree(procs, schema="4688")
    tree.summary(); tree.roots(); tree.descendants(0); print(tree.to_text(0))

Tables go to Rust as Arrow (``__arrow_c_stream__``, no per-row Python
objects; pandas is converted once by pyarrow, polars and pyarrow tables are
shared as they are) and come back as one Arrow batch, turned into a pandas
DataFrame with the CLI's columns (integers as nullable ``Int64``). The work
runs with the GIL released. Bad input raises :class:`HuntkitError` (a
``ValueError``) with the CLI's message, e.g. ``column "Cmd" not in table
(columns: ...)``; a panic inside Rust is turned into one too, never a crash.

Conversions on the way in (as for the views, see :mod:`huntkit.bundle`):
categoricals stay dictionary-encoded (read as their text); time zone-aware
timestamps are instants, naive ones are taken as UTC; object columns of
mixed types become text; nested cells (lists, dicts) become JSON text,
except a session column of lists, which Arrow carries as lists.
"""

from __future__ import annotations

import json
import numbers
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa

from . import _core
from ._core import HuntkitError
from .bundle import to_arrow

try:
    import pandas as pd
except ImportError:  # the views work without pandas; the analyses return pandas
    pd = None

__all__ = [
    "HuntkitError",
    "HuntkitWarning",
    "ProcessTree",
    "anomaly_periods",
    "build_process_tree",
    "cluster_events",
    "decode",
    "ioc_extract",
    "outliers",
    "score_sessions",
    "sessionize",
    "timeseries_anomalies_stl",
]


class HuntkitWarning(UserWarning):
    """A limit was hit (decoded bytes, archive members, depth): the result is partial."""


# --------------------------------------------------------------------------
# Arrow in, pandas out
# --------------------------------------------------------------------------


def _error(message: str, kind: str) -> HuntkitError:
    """A ``HuntkitError`` raised here, with a ``kind`` as the core's have."""
    err = HuntkitError(message)
    err.kind = kind
    return err


def _need_pandas() -> Any:
    if pd is None:
        raise ImportError("huntkit's analyses return pandas DataFrames: pip install pandas")
    return pd


def _arrow(data: Any, join: bool = True) -> pa.Table:
    """``data`` as an Arrow table the core reads (see the module doc);
    ``join=False`` leaves its chunks to the core (which joins them while
    it works)."""
    if isinstance(data, (str, bytes)):
        raise TypeError("expected a table here, not text")
    table = to_arrow(data)
    if not join:
        return table
    try:
        # One chunk per column, so the C stream hands Rust one batch: pyarrow
        # copies only the columns in several chunks (pandas' string columns
        # often are), where joining batches in Rust would copy every column.
        return table.combine_chunks()
    except pa.ArrowInvalid:  # a string column over 2 GB in one chunk: Rust joins the batches
        return table


def _frame(batch: pa.RecordBatch | pa.Table) -> Any:
    """A result batch as a pandas DataFrame; integers and booleans as
    pandas' nullable types, so a column's dtype never depends on whether
    it happens to hold a null."""
    p = _need_pandas()
    mapping = {pa.int64(): p.Int64Dtype(), pa.bool_(): p.BooleanDtype()}
    return batch.to_pandas(types_mapper=mapping.get)


def _restore(batch: pa.RecordBatch, types: Mapping[str, pa.DataType]) -> pa.RecordBatch:
    """Gives text columns of a result back the type their input had: the
    core writes times (RFC 3339 UTC), and a tree's input columns, as text.
    Times come back in the input's unit and zone (naive stays naive, read
    as UTC); numbers, booleans and categoricals as they were. A column
    whose text does not convert stays text."""
    columns = list(batch.columns)
    for i, name in enumerate(batch.schema.names):
        want = types.get(name)
        col = columns[i]
        if want is None or want == col.type or not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            continue
        try:
            if pa.types.is_timestamp(want):
                col = col.cast(pa.timestamp(want.unit, tz="UTC"))
                if want.tz is None:
                    col = col.cast(want)
                elif want.tz != "UTC":
                    col = col.cast(pa.timestamp(want.unit, tz=want.tz))
            elif pa.types.is_dictionary(want):  # a categorical, of text or of numbers
                if not (pa.types.is_string(want.value_type) or pa.types.is_large_string(want.value_type)):
                    col = col.cast(want.value_type)
                col = col.dictionary_encode()
            elif pa.types.is_date(want) or pa.types.is_integer(want) or pa.types.is_floating(want) \
                    or pa.types.is_boolean(want):
                col = col.cast(want)
            else:
                continue
        except (pa.ArrowException, ValueError):
            continue
        columns[i] = col
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _input_types(table: pa.Table) -> dict[str, pa.DataType]:
    return {f.name: f.type for f in table.schema}


def _time_type(table: pa.Table, column: str) -> pa.DataType:
    """The type a result's times take: the input's timestamp type, or UTC
    milliseconds when the input held text or numbers."""
    if column in table.column_names and pa.types.is_timestamp(table.schema.field(column).type):
        return table.schema.field(column).type
    return pa.timestamp("ms", tz="UTC")


def _text(data: Any) -> str | None:
    if isinstance(data, str):
        return data
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data).decode("utf-8", "replace")
    return None


def _names(value: Any, option: str) -> list[str] | None:
    """A column/type list: one name or a sequence of names."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError(f"{option} must be a name or a list of names, not {value!r}")


def _minutes_ms(value: Any, option: str) -> int:
    """Minutes (MSTICPy's ``*_mins``) or a ``timedelta`` as milliseconds."""
    if hasattr(value, "total_seconds"):
        ms = value.total_seconds() * 1000
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        ms = float(value) * 60_000
    else:
        raise TypeError(f"{option} must be minutes (a number) or a timedelta, not {value!r}")
    if not ms > 0:
        raise ValueError(f"{option} must be more than 0, not {value!r}")
    return int(round(ms))


def _to_ms(value: Any) -> Any:
    """Epoch milliseconds as pandas UTC timestamps."""
    return _need_pandas().to_datetime(value, unit="ms", utc=True)


# --------------------------------------------------------------------------
# IoC extraction
# --------------------------------------------------------------------------


def ioc_extract(data: Any, columns: str | Sequence[str] | None = None,
                ioc_types: str | Sequence[str] | None = None,
                include_paths: bool | None = None,
                ignore_tlds: Sequence[str] | bool | None = None,
                patterns: Mapping[str, str] | None = None) -> Any:
    """IoCs in text or in a table's columns (MSTICPy's ``IoCExtract.extract``
    and ``df.mp.ioc_extract``).

    ``data`` is text (``str``/``bytes``: distinct IoCs with ``IoCType,
    Observable, Refanged, Count, FirstOffset``) or a DataFrame/Arrow table
    (one row per row, column and IoC: ``IoCType, Observable, SourceIndex,
    Input, Refanged``; ``SourceIndex`` is the 0-based row position).
    ``columns``: the columns to scan (default: every text column).
    ``ioc_types``: the types to report (``ipv4, ipv6, dns, url, email,
    md5_hash, sha1_hash, sha256_hash, sha512_hash, windows_path,
    linux_path, ipv4_cidr, cve, mitre_attack`` or a ``patterns`` name).
    ``include_paths``: report paths (default: yes for text, no for tables).
    ``ignore_tlds``: public suffixes whose domains are not reported (in
    MSTICPy a flag that turns TLD checks off; huntkit always checks domains
    against the Public Suffix List). ``patterns``: extra ``{name: regex}``.
    """
    if isinstance(ignore_tlds, bool):
        if ignore_tlds:
            raise ValueError(
                "ignore_tlds=True (MSTICPy: skip the TLD check) is not supported: huntkit checks "
                "domains against the Public Suffix List; pass the suffixes to drop instead, "
                "e.g. ignore_tlds=['local']"
            )
        ignore_tlds = None
    if patterns is not None and not isinstance(patterns, Mapping):
        raise TypeError(f"patterns must be a dict of name -> regex, not {patterns!r}")
    options = {
        "types": _names(ioc_types, "ioc_types"),
        "include_paths": None if include_paths is None else bool(include_paths),
        "ignore_tlds": _names(ignore_tlds, "ignore_tlds") or [],
        "extra_patterns": [{"name": str(k), "pattern": str(v)} for k, v in (patterns or {}).items()],
    }
    text = _text(data)
    if text is not None:
        if columns is not None:
            raise ValueError("columns only applies to a table, not to text")
        return _frame(_core.ioc_text(text, json.dumps(options)))
    options["columns"] = _names(columns, "columns")
    return _frame(_core.ioc_table(_arrow(data), json.dumps(options)))


# --------------------------------------------------------------------------
# Decoding (base64, hex, PowerShell -enc, archives)
# --------------------------------------------------------------------------


def decode(data: Any, column: str | Sequence[str] | None = None, *, max_depth: int | None = None,
           max_bytes: int | None = None, max_archive_members: int | None = None,
           decode_hex: bool | None = None, trace: bool = False, utf16: bool = False) -> Any:
    """Encoded payloads in text or a table's column(s), unpacked
    (MSTICPy's ``unpack``/``unpack_df`` and ``df.mp.b64extract``).

    Rows have MSTICPy's columns (``reference, original_string, file_name,
    file_type, input_bytes, decoded_string, encoding_type, md5, sha1,
    sha256, printable_bytes``) plus ``depth``, ``parent`` and the span (and
    the source row and column for a table). For text, ``result.attrs
    ["annotated"]`` is the input with each decoded run replaced by its
    ``<decoded …>`` annotation. A limit that was hit (a zip bomb) gives a
    :class:`HuntkitWarning` and is listed in ``result.attrs["warnings"]``.

    MSTICPy's ``trace`` and ``utf16`` are taken so a call ports as it is:
    each row always has its ``depth`` and ``parent`` (what ``trace``
    printed), and UTF-16LE text (PowerShell's ``-enc``) is recognised
    without ``utf16=True``.
    """
    del trace, utf16  # accepted for MSTICPy's signature; see above
    options: dict[str, Any] = {}
    for key, option, value in (("max_depth", "max_depth", max_depth), ("max_total_bytes", "max_bytes", max_bytes),
                               ("max_archive_members", "max_archive_members", max_archive_members)):
        if value is not None:
            options[key] = _whole(value, option)  # its range is the core's
    if decode_hex is not None:
        options["decode_hex"] = bool(decode_hex)
    text = _text(data)
    if text is not None:
        if column is not None:
            raise ValueError("column only applies to a table, not to text")
        batch, annotated, warns = _core.decode_text(text, json.dumps(options))
        out = _frame(batch)
        out.attrs["annotated"] = annotated
    else:
        batch, warns = _core.decode_table(_arrow(data), _names(column, "column"), json.dumps(options))
        out = _frame(batch)
    out.attrs["warnings"] = list(warns)
    for w in warns:
        warnings.warn(w, HuntkitWarning, stacklevel=2)
    return out


# --------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------


def sessionize(data: Any, user_identifier_cols: str | Sequence[str], time_col: str, event_col: str,
               max_session_time_mins: float = 20, max_event_separation_mins: float = 2) -> Any:
    """Events cut into sessions (MSTICPy's ``sessionize_data``, same
    parameters; the ``*_mins`` may also be ``timedelta``\\ s).

    A new session starts when an identifier changes, when the gap to the
    previous event is over ``max_event_separation_mins``, or when the
    session would last over ``max_session_time_mins``. Columns: the
    identifiers, ``<time_col>_min``, ``<time_col>_max``,
    ``<event_col>_list`` (the commands, as JSON text), ``duration``,
    ``number_events``.
    """
    options = {
        "user_identifier_cols": _names(user_identifier_cols, "user_identifier_cols") or [],
        "time_col": str(time_col),
        "event_col": str(event_col),
        "max_session_time_ms": _minutes_ms(max_session_time_mins, "max_session_time_mins"),
        "max_event_separation_ms": _minutes_ms(max_event_separation_mins, "max_event_separation_mins"),
    }
    table = _arrow(data)
    when = _time_type(table, str(time_col))
    batch = _core.sessionize(table, json.dumps(options))
    types = {c: t for c, t in _input_types(table).items() if c in options["user_identifier_cols"]}
    types.update({f"{time_col}_min": when, f"{time_col}_max": when})
    return _frame(_restore(batch, types))


def _session_cells(data: Any, session_column: str) -> pa.Table:
    """The session column alone, as Arrow: lists of commands stay Arrow
    lists (pyarrow converts them in C++), JSON text stays text; only
    MSTICPy ``Cmd`` objects, which Arrow cannot carry, are written as JSON
    one session at a time."""
    if pd is not None and isinstance(data, pd.DataFrame):
        if session_column not in data.columns:
            raise _error(f'column "{session_column}" not in table (columns: '
                         f'{", ".join(map(str, data.columns))})', "missing_column")
        col = data[session_column]
        first = next((v for v in col if v is not None and not _is_na(v)), None)
        if _holds_cmds(first):
            col = col.map(_session_json)
        cells = col.astype(object) if isinstance(col.dtype, pd.CategoricalDtype) else col
        try:
            arr = _command_lists(cells, first)
            if arr is None:
                arr = pa.array(cells, from_pandas=True)
        except (pa.ArrowException, TypeError, ValueError) as e:
            raise _error(
                f'column "{session_column}": each cell must be a list of commands (strings, '
                f'{{"name", "params"}} dicts or MSTICPy Cmd objects) or its JSON text ({e})', "bad_value"
            ) from e
        return pa.table({session_column: arr})
    if hasattr(data, "select") and type(data).__module__.startswith("polars"):
        return data.select(session_column).to_arrow()
    table = data if isinstance(data, pa.Table) else pa.table(data)
    return table.select([session_column])


def _command_lists(cells: Any, first: Any) -> pa.Array | None:
    """Lists of command strings as an Arrow ``list<string>``, typed up front
    (pyarrow's type inference is a second pass over every string: about
    half the conversion's time); None when the first session is not one,
    or another cell does not fit (then pyarrow infers the type)."""
    if not (isinstance(first, (list, tuple)) and all(isinstance(c, str) for c in first)):
        return None
    try:
        return pa.array(cells, type=pa.list_(pa.string()), from_pandas=True)
    except (pa.ArrowException, TypeError, ValueError):
        return None


def _is_na(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _holds_cmds(session: Any) -> bool:
    return (isinstance(session, (list, tuple)) and bool(session)
            and hasattr(session[0], "name") and hasattr(session[0], "params"))


def _session_json(session: Any) -> Any:
    if session is None or (not isinstance(session, (list, tuple)) and _is_na(session)):
        return None
    cmds = []
    for c in session:
        if hasattr(c, "name") and hasattr(c, "params"):
            params = c.params
            params = sorted(params) if isinstance(params, (set, frozenset)) else params
            cmds.append({"name": c.name, "params": params})
        else:
            cmds.append(c)
    return json.dumps(cmds, default=str)


def score_sessions(data: Any, session_column: str, window_length: int = 3) -> Any:
    """Fit MSTICPy's anomalous-sequence model on the sessions and score
    each one (MSTICPy's ``score_sessions``, same parameters).

    Each cell of ``session_column`` is a session: a list of commands
    (strings), of ``{"name": cmd, "params": [names]}`` or ``{"name": cmd,
    "params": {name: value}}`` dicts, or of MSTICPy ``Cmd`` objects; or the
    same as JSON text (``sessionize``'s ``<event>_list``). The model type
    (commands, parameters, values) follows the data. Returns ``data`` (as
    pandas) with ``rarest_window<n>_likelihood``, ``rarest_window<n>``,
    ``likelihood`` and ``geomean_likelihood`` added.
    """
    window_length = _whole(window_length, "window_length", minimum=1)
    scores = _frame(_core.score_sessions(_session_cells(data, session_column), session_column,
                                         window_length))
    p = _need_pandas()
    base = data if isinstance(data, p.DataFrame) else _frame(_arrow(data))
    scores.index = base.index
    return p.concat([base.drop(columns=[c for c in scores.columns if c in base.columns]), scores], axis=1)


# --------------------------------------------------------------------------
# Time series
# --------------------------------------------------------------------------


def timeseries_anomalies_stl(data: Any, time_column: str = "TimeGenerated",
                             data_column: str | None = None, *, bin: str = "1h",  # noqa: A002
                             period: int = 24, seasonal: int = 7, robust: bool = False,
                             score_threshold: float = 3.0, msticpy_compatible: bool = False,
                             value_column: str | None = None) -> Any:
    """STL decomposition and residual z-score anomalies (MSTICPy's
    ``timeseries_anomalies_stl``; ``value_column`` is the CLI's name for
    ``data_column``).

    ``data`` is a series (``data_column`` summed per ``bin``) or events
    (no ``data_column``: rows counted per bin); gaps are filled with 0.
    Columns: ``<time>, <value>, residual, trend, seasonal, weights,
    baseline, score, anomalies`` (1 high, -1 low, 0). STL options are
    statsmodels' (``period``, ``seasonal``, ``robust``);
    ``msticpy_compatible`` reproduces MSTICPy's output exactly (integer
    components, only high anomalies). ``result.attrs["periods"]`` holds the
    anomaly periods (start, end) and ``result.attrs["kql"]`` their KQL
    filter (see :func:`anomaly_periods`).
    """
    if data_column is not None and value_column is not None and data_column != value_column:
        raise ValueError("give data_column or value_column (the same thing), not both")
    options = {
        "time_column": str(time_column),
        "value_column": data_column if data_column is not None else value_column,
        "bin": str(bin),
        "period": _whole(period, "period"),
        "seasonal": _whole(seasonal, "seasonal"),
        "robust": bool(robust),
        "score_threshold": _number(score_threshold, "score_threshold"),
        "msticpy_compatible": bool(msticpy_compatible),
    }
    table = _arrow(data)
    batch, periods, kql = _core.timeseries(table, json.dumps(options))
    out = _frame(_restore(batch, {str(time_column): _time_type(table, str(time_column))}))
    out.attrs["periods"] = [(_to_ms(s), _to_ms(e)) for s, e in periods]
    out.attrs["kql"] = kql
    return out


def anomaly_periods(data: Any, time_column: str = "TimeGenerated", period: str = "1h",
                    pos_only: bool = True, anomalies_column: str = "anomalies") -> Any:
    """Time windows around the flagged points of a scored series
    (MSTICPy's ``extract_anomaly_periods``/``find_anomaly_periods``): each
    flagged time widened by ``period`` on both sides, neighbours at most
    two periods apart merged; ``pos_only`` keeps high anomalies only.
    Returns a DataFrame ``start, end`` (UTC), with ``result.attrs["kql"]``
    the ``| where <time> between (…)`` filter (MSTICPy's
    ``create_time_period_kqlfilter``).
    """
    periods, kql = _core.anomaly_periods(_arrow(data), str(time_column), str(anomalies_column),
                                         str(period), bool(pos_only))
    p = _need_pandas()
    out = p.DataFrame({
        "start": _to_ms([s for s, _ in periods]) if periods else p.Series([], dtype="datetime64[ms, UTC]"),
        "end": _to_ms([e for _, e in periods]) if periods else p.Series([], dtype="datetime64[ms, UTC]"),
    })
    out.attrs["kql"] = kql
    return out


# --------------------------------------------------------------------------
# Event clusters and outliers
# --------------------------------------------------------------------------


def _number(value: Any, option: str, *, whole: bool = False) -> Any:
    """A number option (numpy's numbers too), named when it is not one
    (``"0.1"`` or ``True`` are refused)."""
    if value is None:
        return None
    if whole:
        return _whole(value, option)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{option} must be a number, not {value!r}")
    return float(value)


def _whole(value: Any, option: str, minimum: int = 0) -> int:
    """A whole-number option: an ``int``, a numpy integer or a whole float
    (``24.0``); named when it is not one."""
    if isinstance(value, (bool, str)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{option} must be a whole number, not {value!r}")
    if not float(value).is_integer() or value < minimum:
        raise ValueError(f"{option} must be a whole number ≥ {minimum}, not {value}")  # a number: as printed
    return int(value)


def _cluster_run(data: Any, cluster_columns: Any, options: dict[str, Any]) -> tuple:
    features = _names(cluster_columns, "cluster_columns")
    if features is not None:
        if not features:
            raise ValueError("cluster_columns must name at least one feature column")
        options["features"] = features
    table = _arrow(data)
    clusters, outlier_rows, labels, scores, count = _core.cluster_events(table, json.dumps(options))
    types = _input_types(table)
    time = options.get("time_column", "TimeGenerated")
    when = _time_type(table, time)
    types.update({"FirstEventTime": when, "LastEventTime": when})
    return _restore(clusters, types), _restore(outlier_rows, types), labels, scores, count


def _outlier_options(contamination: Any, max_samples: Any, max_features: Any,
                     n_estimators: Any, seed: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value, whole in (("contamination", contamination, False),
                              ("max_samples", max_samples, False),
                              ("max_features", max_features, False),
                              ("n_estimators", n_estimators, True),
                              ("seed", seed, True)):
        v = _number(value, key, whole=whole)
        if v is not None:
            out[key] = v
    return out


def cluster_events(data: Any, cluster_columns: str | Sequence[str] | None = None, *,
                   time_column: str = "TimeGenerated", max_cluster_distance: float = 0.01,
                   min_cluster_samples: int = 2, normalize: bool = True,
                   process_column: str | None = None, commandline_column: str | None = None,
                   logon_column: str | None = None) -> Any:
    """Cluster events with DBSCAN (MSTICPy's ``dbcluster_events``, same
    parameter names; ``eps`` is ``max_cluster_distance``, ``min_samples``
    ``min_cluster_samples``).

    ``cluster_columns``: numeric columns of ``data`` or computed process
    features (``pathScore``, ``commandlineTokensFull``, … as MSTICPy's
    ``add_process_features``; default ``commandlineTokensFull,
    pathScore, isSystemSession``), computed from ``process_column``
    (``NewProcessName``), ``commandline_column`` (``CommandLine``) and
    ``logon_column`` (``SubjectLogonId``). Rows are scaled to unit length
    first (``normalize``). Returns one row per cluster (its first event)
    and one per noise event: ``Clustered, ClusterId, ClusterSize,
    FirstEventTime, LastEventTime, SourceIndex`` (the event's 0-based row),
    the event's columns and the features; ``result.attrs["cluster_count"]``
    is the number of clusters. (Per-row arrays stay out of ``attrs``:
    pandas copies ``attrs`` with every derived frame.) Draw it with
    ``result.huntkit.cluster_scatter(x=…, y=…)``.
    """
    options: dict[str, Any] = {
        "time_column": str(time_column),
        "max_cluster_distance": _number(max_cluster_distance, "max_cluster_distance"),
        "min_cluster_samples": _number(min_cluster_samples, "min_cluster_samples", whole=True),
        "normalize": bool(normalize),
    }
    for key, value in (("process_column", process_column),
                       ("commandline_column", commandline_column),
                       ("logon_column", logon_column)):
        if value is not None:
            options[key] = str(value)
    clusters, _outliers, _labels, _scores, count = _cluster_run(data, cluster_columns, options)
    out = _frame(clusters)
    out.attrs["cluster_count"] = int(count)
    return out


def outliers(data: Any, cluster_columns: str | Sequence[str] | None = None, *,
             contamination: float = 0.05, max_samples: float | None = None,
             max_features: float | None = None, n_estimators: int = 100, seed: int = 42,
             time_column: str = "TimeGenerated") -> Any:
    """Isolation-forest outliers (MSTICPy's ``identify_outliers``: the same
    ``contamination``, ``max_samples``, ``max_features``), seeded so the
    same seed flags the same rows in the kernel, the CLI and the browser.

    Features as :func:`cluster_events` (``cluster_columns``). Returns the
    outlier rows, most isolated first: ``SourceIndex, OutlierScore,
    ClusterId``, the event's columns and the features (``SourceIndex`` is
    the event's 0-based row; a higher ``OutlierScore`` is more isolated).
    """
    options: dict[str, Any] = {
        "time_column": str(time_column),
        "outliers": _outlier_options(contamination, max_samples, max_features, n_estimators, seed),
    }
    _clusters, outlier_rows, _labels, _scores, _count = _cluster_run(data, cluster_columns, options)
    return _frame(outlier_rows)


# --------------------------------------------------------------------------
# Process trees
# --------------------------------------------------------------------------


def build_process_tree(data: Any, schema: str | None = None,
                       mapping: Mapping[str, Any] | None = None, show_summary: bool = False,
                       debug: bool = False) -> Any:
    """Link process-creation events into trees (MSTICPy's
    ``build_process_tree``), parents matched per host.

    ``schema``: ``4688, linux, sysmon, mde, mde_internal, osquery,
    fireeye_hx`` (or an alias; default: inferred from the columns), or
    ``mapping`` your own columns (``{"time_stamp": …, "process_name": …,
    "process_id": …, "parent_id": …}`` plus any optional field). Returns a
    :class:`ProcessTree`: a pandas DataFrame of the events plus the CLI's
    tree columns (``proc_key, parent_key, source_index, parent_index, path,
    depth, child_count, descendant_count, IsRoot, IsLeaf, IsBranch,
    IsInferred, EffectiveLogonId``), one row per process, depth-first, with
    the tree utilities as methods. ``show_summary`` prints
    :meth:`ProcessTree.summary` as MSTICPy does; ``debug`` is accepted for
    MSTICPy's signature (:meth:`ProcessTree.stats` says what the build
    filtered, deduplicated or inferred).
    """
    del debug  # see above
    if schema is not None and mapping is not None:
        raise ValueError("give either schema or mapping, not both")
    if mapping is not None and not isinstance(mapping, Mapping):
        raise TypeError(f"mapping must be a dict of field -> column name, not {mapping!r}")
    options: dict[str, Any] = {}
    if schema is not None:
        options["schema"] = str(schema)
    if mapping is not None:
        options["mapping"] = {k: (str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v)
                              for k, v in mapping.items() if v is not None}
    events = _arrow(data, join=False)
    handle = _core.build_process_tree(events, json.dumps(options))
    tree = ProcessTree(_frame(_tree_table(handle, events)))
    tree._handle = handle
    tree._events = events
    tree._tree_options = options
    stats = json.loads(handle.stats())
    if stats.get("unused_columns"):
        tree.attrs["unused_columns"] = stats["unused_columns"]
    if show_summary:
        print("\n".join(f"{k}: {v}" for k, v in tree.summary().items()))
    return tree


def _tree_table(handle: Any, events: pa.Table) -> pa.Table:
    """The tree's rows: the caller's own input columns taken by
    ``source_index`` in Rust (their types kept, no text round trip), the
    inferred processes' schema cells converted here to their input column's
    type and filled in by the same pass, then the tree columns."""
    fills = None
    inferred = handle.inferred_frame()
    if inferred.num_rows:
        inferred = _restore(inferred, _input_types(events))
        names, columns = [], []
        for name in inferred.schema.names[1:]:
            want = events.schema.field(name).type
            fill = inferred.column(name)
            try:
                if pa.types.is_dictionary(fill.type):
                    fill = fill.dictionary_decode()
                base = want.value_type if pa.types.is_dictionary(want) else want
                if fill.type != base:
                    fill = fill.cast(base)
                if pa.types.is_dictionary(want):
                    fill = fill.dictionary_encode().cast(want)
            except (pa.ArrowException, ValueError):
                continue  # the cell's text does not fit the input's type: left null
            names.append(name)
            columns.append(fill)
        fills = pa.table(columns, names=names)
    rows = pa.Table.from_batches([handle.typed_frame(fills)])
    for name in fills.column_names if fills is not None else []:
        i = rows.column_names.index(name)
        if pa.types.is_dictionary(rows.schema.field(i).type):  # the fill's own dictionary was appended: one again
            col = rows.column(i).combine_chunks()
            rows = rows.set_column(i, name, col.dictionary_decode().dictionary_encode().cast(col.type))
    return rows


if pd is not None:

    class ProcessTree(pd.DataFrame):
        """The result of :func:`build_process_tree`: a DataFrame (rows are
        processes, depth-first; ``parent_index`` and ``path`` are row
        positions) whose methods answer from the tree built in Rust.

        A *node* argument is a row position (``int``), a row of this frame
        (a ``Series``, as MSTICPy's ``source``), or a ``proc_key``. Each
        result is a DataFrame of rows of this frame. A filtered or sliced
        copy is a plain DataFrame (its rows no longer make a tree).
        """

        _metadata = ["_handle", "_events", "_tree_options"]

        @property
        def _constructor(self) -> Any:
            return pd.DataFrame

        def _tree(self) -> Any:
            """The tree in Rust; built again from the events after a pickle
            round trip (the Rust object is not pickled)."""
            handle = self.__dict__.get("_handle")
            if handle is None:
                handle = _core.build_process_tree(self._events, json.dumps(self._tree_options))
                object.__setattr__(self, "_handle", handle)
            return handle

        def __getstate__(self) -> dict:
            state = super().__getstate__()
            state.pop("_handle", None)
            return state

        def copy(self, deep: bool = True) -> Any:
            """A copy that is still a tree (the same rows, in the same order)."""
            out = ProcessTree(pd.DataFrame(self).copy(deep=deep))
            for name in self._metadata:
                object.__setattr__(out, name, self.__dict__.get(name))
            out.attrs = dict(self.attrs)
            return out

        def _node(self, node: Any) -> int:
            if isinstance(node, pd.Series):
                node = node.name
            if isinstance(node, str):
                hits = (self["proc_key"] == node).to_numpy().nonzero()[0]
                if len(hits) == 0:
                    raise _error(f"no process with proc_key {node!r}", "invalid_option")
                return int(hits[0])
            if isinstance(node, bool) or not hasattr(node, "__index__"):
                raise TypeError(f"a node is a row position, a row or a proc_key, not {node!r}")
            n = int(node)
            rows = len(self)
            if not -rows <= n < rows:
                raise _error(f"no process {n}: the tree has {rows} rows", "invalid_option")
            return n + rows if n < 0 else n  # from the end, as iloc counts

        def _rows(self, nodes: Sequence[int]) -> Any:
            return pd.DataFrame(self).iloc[list(nodes)]

        def summary(self) -> dict:
            """MSTICPy's ``get_summary_info``: ``Processes, RootProcesses,
            LeafProcesses, BranchProcesses, IsolatedProcesses,
            LargestTreeDepth``."""
            return json.loads(self._tree().summary())

        def stats(self) -> dict:
            """What the build filtered, deduplicated, inferred or cut."""
            return json.loads(self._tree().stats())

        def roots(self) -> Any:
            """Root processes, by host then time (MSTICPy's ``get_roots``)."""
            return self._rows(self._tree().roots())

        def parent(self, node: Any) -> Any:
            """The parent row of ``node`` (None for a root)."""
            p = self._tree().parent(self._node(node))
            return None if p is None else pd.DataFrame(self).iloc[p]

        def children(self, node: Any, include_source: bool = False) -> Any:
            """Direct children of ``node``, by time (MSTICPy's ``get_children``)."""
            n = self._node(node)
            return self._rows(([n] if include_source else []) + self._tree().children(n))

        def descendants(self, node: Any, include_source: bool = False,
                        max_depth: int | None = None) -> Any:
            """Processes below ``node``, depth-first, at most ``max_depth``
            levels down (MSTICPy's ``get_descendants``)."""
            n = self._node(node)
            levels = None if max_depth is None or max_depth < 0 else int(max_depth)
            return self._rows(([n] if include_source else []) + self._tree().descendants(n, levels))

        def ancestors(self, node: Any, include_source: bool = False) -> Any:
            """Processes above ``node``, root first (MSTICPy's ``get_ancestors``)."""
            n = self._node(node)
            return self._rows(self._tree().ancestors(n) + ([n] if include_source else []))

        def siblings(self, node: Any) -> Any:
            """The other children of ``node``'s parent (MSTICPy's ``get_siblings``)."""
            return self._rows(self._tree().siblings(self._node(node)))

        def to_text(self, node: Any = None) -> str:
            """The indented tree (the CLI's ``--format text``): all trees, or
            ``node`` and its descendants."""
            if node is None:
                return self._tree().to_text(None)
            n, tree = self._node(node), self._tree()
            return tree.to_text([n] + tree.descendants(n, None))

else:  # pragma: no cover - pandas missing

    class ProcessTree:  # type: ignore[no-redef]
        """Needs pandas."""

        def __init__(self, *_: Any, **__: Any) -> None:
            _need_pandas()


def tree_events(data: Any) -> tuple[Any, dict]:
    """For the process tree view: a :class:`ProcessTree`'s own events and
    schema options (the browser builds the tree again from the events), or
    ``data`` as it is."""
    if pd is not None and isinstance(data, ProcessTree) and getattr(data, "_events", None) is not None:
        return data._events, dict(data._tree_options)
    return data, {}
