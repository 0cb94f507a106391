"""``huntkit.lookup``: the ``lookup`` view bundle (issue #15), checked against
the core's schema, and what it displays."""

from __future__ import annotations

import pytest

import huntkit
from huntkit import contract
from huntkit.lookup import lookup_bundle


def test_the_bundle_holds_the_observables_once_and_no_data() -> None:
    b = lookup_bundle(["185.220.101[.]1", "", None, "evil[.]example", "185.220.101[.]1"],
                      providers=["virustotal"], title="From the hunt")
    assert b == {
        "version": contract.VERSION,
        "kind": "lookup",
        "options": {"iocs": ["185.220.101[.]1", "evil[.]example"], "providers": ["virustotal"],
                    "title": "From the hunt"},
        "data": [],
    }
    assert "lookup" in contract.KINDS
    assert lookup_bundle("8.8.8.8")["options"] == {"iocs": ["8.8.8.8"]}


def test_a_pandas_column_is_taken() -> None:
    pd = pytest.importorskip("pandas")
    iocs = pd.Series(["1.2.3.4", None, "1.2.3.4", "a.example"])
    assert lookup_bundle(iocs)["options"]["iocs"] == ["1.2.3.4", "a.example"]


def test_problems_are_named_by_the_core_schema() -> None:
    with pytest.raises(ValueError, match="at least one observable"):
        lookup_bundle(["", None])
    with pytest.raises(ValueError, match="'nope' is not one of virustotal"):
        lookup_bundle(["1.2.3.4"], providers=["nope"])
    with pytest.raises(ValueError, match="5000"):
        lookup_bundle([f"h{i}.example" for i in range(5001)])


def test_lookup_displays_the_bundle() -> None:
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    with capture_output() as cap:
        assert huntkit.lookup(["1.2.3.4", "a.example"]) is None
    (out,) = cap.outputs
    assert out.data["text/plain"] == "<huntkit lookup: 2 observables>"
    assert out.data[huntkit.MIME_TYPE]["kind"] == "lookup"


def test_outside_ipython_the_bundle_is_returned(monkeypatch) -> None:
    monkeypatch.setattr("IPython.get_ipython", lambda: None)
    assert huntkit.lookup(["1.2.3.4"])["options"] == {"iocs": ["1.2.3.4"]}


def test_the_vscode_fixture_is_what_the_helper_writes() -> None:
    """tests/vscode/fixtures/lookup.ipynb (written by hand) holds this helper's bundle."""
    import json
    from pathlib import Path

    nb = Path(__file__).resolve().parents[2] / "tests" / "vscode" / "fixtures" / "lookup.ipynb"
    output = json.loads(nb.read_text(encoding="utf-8"))["cells"][0]["outputs"][0]["data"]
    saved = output[huntkit.MIME_TYPE]
    options = saved["options"]
    assert {**saved, "data": []} == lookup_bundle(
        options["iocs"], providers=options["providers"], title=options["title"]
    )


def test_view_bundle_points_a_table_to_huntkit_lookup() -> None:
    pa = pytest.importorskip("pyarrow")
    assert contract.KINDS_WITHOUT_DATA == ("lookup",)
    with pytest.raises(ValueError, match=r"lookup takes no table: use huntkit\.lookup"):
        huntkit.view_bundle("lookup", pa.table({"Ioc": ["1.2.3.4"]}))
