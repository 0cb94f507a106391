"""The view contract, as the Rust core defines it.

``view_spec.schema.json`` is generated from the core's ``ViewSpec`` (``cargo
run -p huntkit-core --example gen_contract``; CI fails when it is stale): the
view kinds, each kind's options and their bounds, the process-tree schemas
and mapping fields, the IoC type names. Nothing here lists them again; the
helper reads them from the schema and validates options against it, so a
bundle this package writes is one the renderer takes.

The validator below covers the part of JSON Schema that schemars emits
(``type``, ``const``, ``enum``, ``pattern``, ``minimum``/``maximum``,
``items``, ``minItems``/``maxItems``, ``properties``, ``required``,
``additionalProperties``, ``anyOf``/``oneOf``, ``$ref``). It is here instead of
the ``jsonschema`` package so the helper keeps pyarrow as its one dependency,
and so its messages name the option the way the rest of the helper does; a
test checks that it agrees with ``jsonschema`` on every golden case.
"""

from __future__ import annotations

import json
import re
from importlib import resources
from typing import Any

SCHEMA: dict[str, Any] = json.loads(
    resources.files(__package__).joinpath("view_spec.schema.json").read_text(encoding="utf-8")
)
_X = SCHEMA["x-huntkit"]

MIME_TYPE: str = _X["mime_type"]
VERSION: int = _X["bundle_version"]
KINDS: tuple[str, ...] = tuple(_X["view_kinds"])
#: Kinds whose bundles carry no table (``lookup``: its observables are its options).
KINDS_WITHOUT_DATA: tuple[str, ...] = tuple(_X.get("view_kinds_without_data", ()))
#: Built-in process-tree schemas: name -> the core's column mapping.
PROC_SCHEMAS: dict[str, dict[str, Any]] = _X["proc_schemas"]
#: Other names the core takes for a schema: alias -> name.
PROC_SCHEMA_ALIASES: dict[str, str] = _X["proc_schema_aliases"]
IOC_TYPES: tuple[str, ...] = tuple(t["name"] for t in _X["ioc_types"])


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def options_schema(kind: str) -> dict[str, Any]:
    """The schema of ``kind``'s options (``kind`` must be one of :data:`KINDS`)."""
    for branch in SCHEMA["oneOf"]:
        if branch["properties"]["kind"].get("const") == kind:
            return _resolve(branch["properties"]["options"])
    raise ValueError(f"unknown view kind {kind!r}; expected one of {', '.join(KINDS)}")


def option_names(kind: str) -> list[str]:
    """Every option ``kind`` takes, in the core's order."""
    return list(options_schema(kind)["properties"])


def mapping_schema() -> dict[str, Any]:
    """The schema of a process-tree column mapping (the core's ``ProcSchema``)."""
    return _resolve({"$ref": "#/$defs/ProcSchema"})


def mapping_column_fields() -> list[str]:
    """Mapping fields that name a column (``event_id`` is a value)."""
    return [f for f, s in mapping_schema()["properties"].items() if s.get("x-column", True)]


def proc_schema(name: str) -> dict[str, Any] | None:
    """A built-in process-tree schema by any of the names the core takes (any case)."""
    name = name.lower()
    return PROC_SCHEMAS.get(PROC_SCHEMA_ALIASES.get(name, name))


def validate(kind: str, options: dict[str, Any]) -> None:
    """Raises ``ValueError`` naming the first option of ``kind`` the core would refuse."""
    error = check(options, options_schema(kind), "", kind)
    if error:
        raise ValueError(error)


_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, (list, tuple)),
    "object": lambda v: isinstance(v, dict),
}


def check(value: Any, schema: dict[str, Any], path: str, owner: str = "") -> str | None:
    """The first problem of ``value`` against ``schema`` (``path`` names it), or None."""
    schema = _resolve(schema)
    name = path or owner or "value"
    for key in ("anyOf", "oneOf"):
        if key in schema:
            problems = [check(value, s, path, owner) for s in schema[key]]
            passed = sum(p is None for p in problems)
            if passed == 1 or (key == "anyOf" and passed):
                break
            # The message of the branch of the right type says most.
            typed = [p for p, s in zip(problems, schema[key]) if p and _type_ok(value, _resolve(s))]
            return typed[0] if typed else f"{name} must be {_describe(schema)}, not {value!r}"
    if not _type_ok(value, schema):
        return f"{name} must be {_describe(schema)}, not {value!r}"
    if "const" in schema and value != schema["const"]:
        return f"{name}: {value!r} is not {schema['const']!r}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{name}: {value!r} is not one of {', '.join(map(str, schema['enum']))}"
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        words = ", ".join(repr(w) for w in schema.get("x-any-case", []))
        return f"{name}: {value!r} is not one of {words} (any case)" if words else (
            f"{name}: {value!r} does not match {schema['pattern']}")
    if _TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            return f"{name} must be at least {_num(schema['minimum'])}, not {value!r}"
        if "maximum" in schema and value > schema["maximum"]:
            return f"{name} must be at most {_num(schema['maximum'])}, not {value!r}"
    if _TYPES["array"](value):
        lo, hi = schema.get("minItems"), schema.get("maxItems")
        if (lo is not None and len(value) < lo) or (hi is not None and len(value) > hi):
            count = lo if lo == hi else f"{lo or 0}..{hi if hi is not None else ''}"
            return f"{name} must have {count} items, not {len(value)}"
        for i, item in enumerate(value):
            problem = check(item, schema.get("items", {}), f"{name}[{i}]")
            if problem:
                return problem
    if isinstance(value, dict):
        props = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            unknown = [k for k in value if k not in props]
            if unknown:
                s = "s" if len(unknown) > 1 else ""
                return (f"unknown {path + ' ' if path else ''}field{s} {', '.join(map(repr, unknown))}"
                        f"{' for ' + owner if owner and not path else ''}; known: {', '.join(props)}")
        missing = [k for k in schema.get("required", []) if k not in value]
        if missing:
            return f"{name} needs {', '.join(map(repr, missing))}"
        extra = schema.get("additionalProperties")
        for key, item in value.items():
            if key in props or isinstance(extra, dict):
                # A map's values (entity_graph's colors) follow additionalProperties.
                sub = props[key] if key in props else extra
                problem = check(item, sub, f"{path} {key!r}" if path else key)
                if problem:
                    return problem
    return None


def _type_ok(value: Any, schema: dict[str, Any]) -> bool:
    types = schema.get("type")
    if types is None:
        return True
    return any(_TYPES[t](value) for t in ([types] if isinstance(types, str) else types))


def _describe(schema: dict[str, Any]) -> str:
    schema = _resolve(schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return " or ".join(dict.fromkeys(_describe(s) for s in schema[key]))
    if "const" in schema:
        return repr(schema["const"])
    types = schema.get("type", "any value")
    names = {"string": "text", "integer": "a whole number", "number": "a number", "boolean": "True or False",
             "null": "None", "array": "a list", "object": "a dict"}
    return " or ".join(names.get(t, t) for t in ([types] if isinstance(types, str) else types))


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)
