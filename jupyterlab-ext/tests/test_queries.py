"""huntkit.queries: templates rendered and run through the huntkit CLI
(which `scripts/build.sh` installs into the venv), with the library that
ships inside the package."""

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest

import huntkit
from huntkit import queries

DEMO = Path(__file__).resolve().parent.parent / "demo"
NOW = "2024-03-11T00:00:00Z"


def test_the_library_ships_with_the_package():
    (folder,) = queries.library_dirs()
    assert (folder / "mssentinel").is_dir() and (folder / "localdata" / "demo.yaml").is_file()
    assert huntkit.queries is queries


def test_list_filters_by_environment_entity_and_words():
    everything = queries.list()
    assert len(everything) >= 60
    local = queries.list(environment="LocalData")
    assert {t["name"] for t in local} >= {
        "WindowsSecurity.list_host_logons",
        "WindowsSecurity.list_host_logon_failures",
        "SecurityAlert.list_alerts",
    }
    assert all("LocalData" in t["environments"] for t in local)
    hosts = queries.list(environment="LogAnalytics", entity="host")  # an alias of MSSentinel
    assert hosts and all("host" in t["entities"] for t in hosts)
    assert queries.list("no such words anywhere xyzzy") == []


def test_render_returns_the_query_and_what_it_used():
    q = queries.render(
        "WindowsSecurity.list_host_logons", environment="MSSentinel", host_name="WEB-01",
        start="-1d@d", end="now", now="2024-03-11T10:30:00Z",
    )
    assert isinstance(q, str) and q.startswith("SecurityEvent")
    assert "'WEB-01'" in q
    assert q.language == "kql" and q.name == "WindowsSecurity.list_host_logons"
    assert q.parameters["start"] == "2024-03-10T00:00:00Z"
    assert q.parameters["end"] == "2024-03-11T10:30:00Z"
    assert "```kql" in q._repr_markdown_()


def test_a_hostile_value_stays_one_string():
    hostile = "x' or 1==1 | union *"
    q = queries.render("WindowsSecurity.list_host_logons", environment="MSSentinel",
                       host_name=hostile, now=NOW)
    assert hostile not in q
    assert "'x\\' or 1==1 | union *'" in q


def test_aliases_datetimes_lists_and_ignored_parameters():
    start = dt.datetime(2024, 3, 5, tzinfo=dt.timezone.utc)
    q = queries.render("WindowsSecurity.list_host_logons", environment="MSSentinel",
                       host="WKS-1", start=start, end=start + dt.timedelta(hours=1), colour="red")
    assert "datetime(2024-03-05T00:00:00Z)" in q and "datetime(2024-03-05T01:00:00Z)" in q
    assert q.ignored == ["colour"]
    listed = [t for t in queries.list(environment="MSSentinel") if any(p["type"] == "list" for p in t["parameters"])]
    assert listed, "a Sentinel template with a list parameter"
    template = listed[0]
    lp = next(p for p in template["parameters"] if p["type"] == "list")
    required = {p["name"]: "x" for p in template["parameters"] if p["required"] and p["type"] == "str"}
    required[lp["name"]] = ["a'b", "c"]
    q = queries.render(template["name"], environment="MSSentinel", now=NOW, params=required)
    assert "'a\\'b', 'c'" in q


def test_clear_errors():
    with pytest.raises(queries.QueryError, match="host_name"):
        queries.render("WindowsSecurity.list_host_logons", environment="MSSentinel")
    with pytest.raises(queries.QueryError, match="no query template named"):
        queries.render("Nope.nothing")
    with pytest.raises(queries.QueryError, match="(?i)time"):
        queries.render("WindowsSecurity.list_host_logons", environment="MSSentinel",
                       host_name="a", start="yesterday-ish")
    with pytest.raises(queries.QueryError, match="time zone"):
        queries.render("WindowsSecurity.list_host_logons", environment="MSSentinel",
                       host_name="a", start=dt.datetime(2024, 3, 5))


def test_missing_cli_is_named(monkeypatch):
    monkeypatch.setenv("HUNTKIT_CLI", "/nonexistent/huntkit")
    with pytest.raises(queries.QueryError, match="cannot run the huntkit command-line tool"):
        queries.list()


def test_user_folders_add_templates(tmp_path):
    (tmp_path / "mine.yaml").write_text(
        "metadata: {data_environments: [Splunk], data_families: [Mine]}\n"
        "sources:\n  q:\n    description: mine\n"
        "    args: {query: 'search index=main user=\"{user}\"'}\n"
        "    parameters: {user: {description: u, type: str}}\n"
    )
    q = queries.render("Mine.q", dirs=[tmp_path], user='bob" OR 1=1')
    assert q.language == "spl"
    assert 'user="bob\\" OR 1=1"' in q


def test_run_over_the_demo_localdata():
    table = queries.run(
        "WindowsSecurity.list_host_logon_failures", manifest=DEMO / "localdata.yaml",
        host="web-01", start="2024-03-07T02:00:00Z", end="2024-03-07T02:15:00Z",
    )
    assert isinstance(table, pa.Table)
    assert table.num_rows > 10
    assert table.column_names[:2] == ["TimeGenerated", "Computer"]
    assert set(table.column("EventID").to_pylist()) == {"4625"}
    assert {c.upper() for c in table.column("Computer").to_pylist()} == {"WEB-01"}
    # The default range (-7d from the manifest's now) covers the whole week.
    week = queries.run("WindowsSecurity.list_host_logon_failures", manifest=DEMO / "localdata.yaml",
                       host="web-01")
    assert week.num_rows > table.num_rows
    with pytest.raises(queries.QueryError, match="manifest|no such|No such|cannot"):
        queries.run("WindowsSecurity.list_host_logons", manifest=DEMO / "missing.yaml")
