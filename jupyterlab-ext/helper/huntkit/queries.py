"""Query templates for notebook users: render huntkit's (or your own
MSTICPy-style) YAML query templates, and run them over LocalData files::

    import huntkit
    q = huntkit.queries.render("WindowsSecurity.list_host_logons",
                               host_name="WEB-01", start="-1d@d", end="now")
    print(q)                      # the KQL, string values escaped
    huntkit.queries.list(environment="MSSentinel", entity="host")
    rows = huntkit.queries.run("WindowsSecurity.list_host_logon_failures",
                               manifest="localdata.yaml", host="web-01")

How this reaches the core, and why: every call runs the ``huntkit`` CLI
(``huntkit queries list|show|render|run``, JSON or CSV output), which
``scripts/build.sh`` installs next to this Python (the venv's ``bin``).
The alternative, reading the ``queries/`` YAML here, would mean a second
implementation of the loader, the validation, the time expressions and —
above all — the escaping of values for KQL and SPL, which is what keeps a
value taken from data from changing a query. One implementation (the Rust
core, also behind the browser panel) means the notebook, the CLI and the
panel render the same text. The template library itself ships inside this
package (``huntkit/query_library``, the repository's ``queries/``); pass
``dirs=[...]`` to add folders of your own.
"""

from __future__ import annotations

import builtins
import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence, Union

__all__ = ["QueryError", "RenderedQuery", "library_dirs", "list", "render", "run", "show"]

PathLike = Union[str, "os.PathLike[str]"]

_PACKAGED_LIBRARY = Path(__file__).resolve().parent / "query_library"
_REPO_LIBRARY = Path(__file__).resolve().parents[2] / "queries"


class QueryError(Exception):
    """A template could not be found, rendered or run; the message says why."""


class RenderedQuery(str):
    """A rendered query: the query text (a ``str``) with what rendering used.

    ``name`` and ``language`` (``kql`` or ``spl``) name the template,
    ``parameters`` holds every value as used (times as ISO-8601 UTC), and
    ``ignored`` the parameters passed that the template does not take.
    """

    name: str
    language: str
    parameters: dict
    ignored: builtins.list

    def __new__(cls, answer: dict) -> "RenderedQuery":
        self = super().__new__(cls, answer["query"])
        self.name = answer["name"]
        self.language = answer["language"]
        self.parameters = dict(answer.get("parameters") or {})
        self.ignored = builtins.list(answer.get("ignored") or [])
        return self

    @property
    def query(self) -> str:
        """The query text as a plain ``str``."""
        return str.__str__(self)

    def _repr_markdown_(self) -> str:
        fence = "```"
        while fence in self:
            fence += "`"
        return f"**{self.name}** ({self.language.upper()})\n\n{fence}{self.language}\n{self}\n{fence}\n"


def _cli() -> str:
    """The ``huntkit`` binary: ``$HUNTKIT_CLI``, the venv's, or on ``PATH``."""
    explicit = os.environ.get("HUNTKIT_CLI")
    if explicit:
        return explicit
    beside = Path(sys.executable).parent / ("huntkit.exe" if os.name == "nt" else "huntkit")
    if beside.is_file():
        return str(beside)
    found = shutil.which("huntkit")
    if found:
        return found
    raise QueryError(
        "the huntkit command-line tool was not found (it renders the templates): run "
        "`bash scripts/build.sh`, which installs it into this venv, or set HUNTKIT_CLI to its path"
    )


def library_dirs() -> builtins.list[Path]:
    """The folders of huntkit's own template library (packaged, else the repository's)."""
    for candidate in (_PACKAGED_LIBRARY, _REPO_LIBRARY):
        if candidate.is_dir():
            return [candidate]
    return []


def _dir_args(dirs: Optional[Iterable[PathLike]], include_library: bool) -> builtins.list[str]:
    folders: builtins.list[Path] = library_dirs() if include_library else []
    folders += [Path(d) for d in (dirs or [])]
    if not folders:
        raise QueryError(
            "no template folder: huntkit's library is not installed with this package; pass dirs=[...]"
        )
    args: builtins.list[str] = []
    for folder in folders:
        args += ["--dir", str(folder)]
    return args


def _param_args(params: dict) -> builtins.list[str]:
    args: builtins.list[str] = []
    for name, value in params.items():
        if value is None:
            continue
        args += ["-p", f"{name}={_param_text(name, value)}"]
    return args


def _param_text(name: str, value: Any) -> str:
    """A value as the CLI's ``-p NAME=VALUE`` reads it (text, or JSON for lists)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    if hasattr(value, "isoformat"):  # datetime, pandas.Timestamp
        if getattr(value, "tzinfo", None) is None:
            raise QueryError(
                f"parameter {name!r}: a datetime without a time zone is ambiguous; "
                "give it a tzinfo (e.g. datetime.timezone.utc) or pass an ISO string with Z"
            )
        return value.isoformat()
    if isinstance(value, (builtins.list, tuple, set, frozenset)):
        return json.dumps([_json_item(name, v) for v in value])
    raise QueryError(f"parameter {name!r}: cannot pass a {type(value).__name__}")


def _json_item(name: str, value: Any) -> Any:
    if isinstance(value, (str, int, float)):
        return value
    raise QueryError(f"parameter {name!r}: list items must be text or numbers, not {type(value).__name__}")


def _call(args: Sequence[str]) -> str:
    try:
        done = subprocess.run(
            [_cli(), "queries", *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
        )
    except OSError as error:
        raise QueryError(f"cannot run the huntkit command-line tool: {error}") from error
    if done.returncode != 0:
        lines = [line.removeprefix("huntkit: ") for line in done.stderr.splitlines() if line.strip()]
        raise QueryError("; ".join(lines) or f"huntkit queries exited with status {done.returncode}")
    return done.stdout


def render(
    name: str,
    *,
    environment: Optional[str] = None,
    now: Optional[str] = None,
    dirs: Optional[Iterable[PathLike]] = None,
    params: Optional[dict] = None,
    **kwargs: Any,
) -> RenderedQuery:
    """Renders template ``name`` (``family.source``, an alias, or a unique bare name).

    Parameters go by name or alias as keywords (or in ``params=`` for names
    that clash with these arguments): text, numbers, lists, time expressions
    (``"-1d@d"``, ``"now"``, ISO) or timezone-aware datetimes. String values
    are escaped for the template's language. ``environment`` picks among
    templates of the same name (``MSSentinel``, ``MDE``, ``Splunk``,
    ``LocalData``…); ``now`` fixes the time relative times count from.
    Raises :class:`QueryError` naming what is missing or wrong.
    """
    merged = {**(params or {}), **kwargs}
    args = ["render", name, *_dir_args(dirs, True), "--format", "json", *_param_args(merged)]
    if environment:
        args += ["--env", environment]
    if now:
        args += ["--now", str(now)]
    return RenderedQuery(json.loads(_call(args)))


def list(  # noqa: A001 - the name the API promises (huntkit.queries.list)
    search: Optional[str] = None,
    *,
    environment: Optional[str] = None,
    family: Optional[str] = None,
    entity: Optional[str] = None,
    parameter: Optional[str] = None,
    dirs: Optional[Iterable[PathLike]] = None,
) -> builtins.list[dict]:
    """The templates matching every filter given, as dicts (``name``,
    ``environments``, ``family``, ``description``, ``parameters``, ``query``, …),
    sorted by environment then name."""
    args = ["list", *_dir_args(dirs, True), "--format", "json"]
    for flag, value in (
        ("--search", search),
        ("--env", environment),
        ("--family", family),
        ("--entity", entity),
        ("--parameter", parameter),
    ):
        if value:
            args += [flag, value]
    return json.loads(_call(args))


def show(
    name: str, *, environment: Optional[str] = None, dirs: Optional[Iterable[PathLike]] = None
) -> dict:
    """One template as a dict (its parameters, query text, file and line)."""
    args = ["show", name, *_dir_args(dirs, True), "--format", "json"]
    if environment:
        args += ["--env", environment]
    return json.loads(_call(args))


def run(
    name: str,
    *,
    manifest: PathLike,
    now: Optional[str] = None,
    dirs: Optional[Iterable[PathLike]] = None,
    params: Optional[dict] = None,
    **kwargs: Any,
):
    """Runs template ``name`` over LocalData: ``manifest`` is the YAML file
    that maps templates to local files (CSV, JSON, NDJSON, Arrow). Returns
    the rows kept as a ``pyarrow.Table`` (every column text; call
    ``.to_pandas()`` for a DataFrame, or pass it to ``huntkit.timeline``).
    Relative times count from the manifest's ``now`` when it has one."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    merged = {**(params or {}), **kwargs}
    args = ["run", name, *_dir_args(dirs, True), "--manifest", str(manifest), "--format", "csv"]
    args += _param_args(merged)
    if now:
        args += ["--now", str(now)]
    text = _call(args)
    if not text.strip():
        return pa.table({})
    names = next(csv.reader(io.StringIO(text)))
    # Every column as text, as LocalData answers (no guessing of types).
    return pacsv.read_csv(
        io.BytesIO(text.encode("utf-8")),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names}),
    )
