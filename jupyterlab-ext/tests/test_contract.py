"""The helper checks view options against the core's contract (issue #13):
the same golden cases as the core's own test, the bounds and lists read
from the generated schema, and a cross-check of the small validator against
the ``jsonschema`` reference implementation."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import huntkit
from huntkit import contract

GOLDEN = json.loads((Path(__file__).parents[2] / "tests/golden/view_options.json").read_text())["cases"]


def _accepts(kind: str, options: dict) -> bool:
    try:
        contract.validate(kind, options)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("case", GOLDEN, ids=lambda c: f"{c['kind']}-{c['why']}")
def test_golden_cases_agree_with_the_core(case: dict) -> None:
    # rust/core/src/view/spec.rs reads the same file with ViewSpec::parse.
    assert _accepts(case["kind"], case["options"]) is case["ok"]


@pytest.mark.parametrize("case", GOLDEN, ids=lambda c: f"{c['kind']}-{c['why']}")
def test_the_validator_agrees_with_jsonschema(case: dict) -> None:
    jsonschema = pytest.importorskip("jsonschema")  # JupyterLab brings it; the helper does not need it
    spec = {"kind": case["kind"], "options": case["options"]}
    reference = jsonschema.Draft202012Validator(contract.SCHEMA).is_valid(spec)
    assert _accepts(case["kind"], case["options"]) is reference


def test_the_three_disagreements_of_issue_13_are_gone() -> None:
    df = pd.DataFrame({"TimeGenerated": pd.to_datetime(["2024-01-01T00:00:00Z"]), "Computer": ["a"]})
    with pytest.raises(ValueError, match="height must be at least 50, not 10"):
        huntkit.view_bundle("timeline", df, height=10)
    assert huntkit.view_bundle("timeline", df, height=50)["options"]["height"] == 50
    with pytest.raises(ValueError, match="unknown option 'x' for timeline"):
        huntkit.view_bundle("timeline", df, x="Computer")
    assert not _accepts("timeline", {"x": "Computer"})  # and the core refuses it too (golden cases)
    assert _accepts("process_tree", {"schema": "windows"}) and _accepts("process_tree", {"schema": "Sysmon"})


def test_lists_come_from_the_core() -> None:
    assert huntkit.MIME_TYPE == contract.MIME_TYPE == "application/vnd.huntkit.view+json"
    assert contract.KINDS[-1] == "entity_graph" and "process_tree" in contract.KINDS and "matrix" in contract.KINDS
    assert contract.proc_schema("WINDOWS") == contract.PROC_SCHEMAS["4688"]
    assert contract.PROC_SCHEMAS["sysmon"]["time_stamp"] == "UtcTime"
    assert "event_id" not in contract.mapping_column_fields()
    assert {"time_stamp", "initiator_time"} <= set(contract.mapping_column_fields())
    assert "sha512_hash" in contract.IOC_TYPES


def test_the_schema_ships_in_the_package() -> None:
    pyproject = (Path(__file__).parents[1] / "helper" / "pyproject.toml").read_text()
    assert 'packages = ["huntkit"]' in pyproject  # the JSON file sits inside the package directory
    assert (Path(contract.__file__).parent / "view_spec.schema.json").is_file()
