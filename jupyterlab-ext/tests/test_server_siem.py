"""SIEM queries through a real Jupyter server (``jp_fetch``): the page posts
the request the core planned to ``huntkit/api/providers/query``; the server
signs in to Azure AD (client credentials, against a token endpoint on
127.0.0.1 standing in for the authority), adds the token or the Splunk
credentials, and hands back the provider's answer, never a secret.

The providers are the shipped registry's own entries, with only their hosts
pointed at the fixture server.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from tornado.httpclient import HTTPClientError

from jupyterlab_huntkit.server import registry as registry_module
from provider_fixture import FixtureServer

pytest_plugins = ["pytest_jupyter.jupyter_server"]

SHIPPED = json.loads(registry_module.SHIPPED.read_text())
FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "providers"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
WORKSPACE = "52b1ab41-869e-4138-9e40-2a4457f09bf0"
SECRET = "az-secret-5b1f0e9c"
SPLUNK_PASSWORD = "splunk-pw-77a1c0"
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.fixture-token.sig"
LA_PATH = f"/v1/workspaces/{WORKSPACE}/query"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def fixture_server():
    server = FixtureServer().start()
    yield server
    server.stop()


@pytest.fixture
def providers_file(tmp_path, fixture_server):
    doc = dict(SHIPPED)
    out = []
    for p in SHIPPED["providers"]:
        p = dict(p)
        if p["name"] in ("loganalytics", "m365d"):
            p["baseUrl"] = {"type": "fixed", "value": fixture_server.url}
        if p["name"] == "azuread":
            p["baseUrl"] = {"type": "listed", "value": [fixture_server.url]}
        out.append(p)
    doc["providers"] = out
    path = tmp_path / "providers.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def msticpy_file(tmp_path, fixture_server, monkeypatch):
    for name in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "HUNTKIT_AZURE_TOKEN", "MSTICPYCONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HK_TEST_AZ_SECRET", SECRET)
    path = tmp_path / "msticpyconfig.yaml"
    path.write_text(
        f"""
AzureSentinel:
  Workspaces:
    Default:
      WorkspaceId: {WORKSPACE}
      TenantId: {TENANT}
DataProviders:
  AzureCLI:
    Args:
      clientId: app-id
      clientSecret:
        EnvironmentVar: HK_TEST_AZ_SECRET
  Kusto:
    Args:
      Cluster: {fixture_server.url}
      TenantId: {TENANT}
  MicrosoftDefender:
    Args:
      TenantId: {TENANT}
  Splunk:
    Args:
      host: {fixture_server.url}
      username: hunter
      password: {SPLUNK_PASSWORD}
"""
    )
    return path


@pytest.fixture
def jp_server_config(providers_file, msticpy_file, fixture_server):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_huntkit": True}},
        "HuntkitGateway": {
            "providers_file": str(providers_file),
            "config_file": str(msticpy_file),
            "allow_loopback_for_tests": True,
            "azure_authority": fixture_server.url,
        },
    }


def la_request(workspace: str = WORKSPACE) -> dict:
    """What the core's loganalytics module plans for one query."""
    return {
        "provider": "loganalytics",
        "operation": "query",
        "method": "POST",
        "path": f"/v1/workspaces/{workspace}/query",
        "query": [],
        "headers": [["accept", "application/json"], ["content-type", "application/json"]],
        "body": json.dumps({"query": "DnsEvents | take 5", "timespan": "2024-05-01T00:00:00Z/2024-05-02T00:00:00Z"}),
    }


async def query(jp_fetch, request: dict, route: str = "query"):
    try:
        r = await jp_fetch("huntkit", "api", "providers", route, method="POST", body=json.dumps(request))
    except HTTPClientError as e:
        assert e.response is not None, e
        return e.code, json.loads(e.response.body)
    return r.code, json.loads(r.body)


def no_secret(text: str) -> None:
    for secret in (SECRET, TOKEN, SPLUNK_PASSWORD):
        assert secret not in text


async def test_log_analytics_query_with_a_server_side_token(jp_fetch, fixture_server):
    fixture_server.canned[f"/{TENANT}/oauth2/v2.0/token"] = (200, fixture("azuread/token_ok.json"))
    fixture_server.canned[LA_PATH] = (200, fixture("loganalytics/query_ok.json"))
    status, answer = await query(jp_fetch, la_request())
    assert status == 200, answer
    assert answer["status"] == 200
    assert json.loads(answer["body"]) == json.loads(fixture("loganalytics/query_ok.json"))
    no_secret(json.dumps(answer))
    token_call, la_call = fixture_server.seen
    form = parse_qs(token_call.body.decode())
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": ["app-id"],
        "client_secret": [SECRET],
        "scope": ["https://api.loganalytics.io/.default"],
    }
    assert la_call.headers["authorization"] == f"Bearer {TOKEN}"
    assert json.loads(la_call.body)["query"] == "DnsEvents | take 5"
    # The token is kept: a second query signs in no more.
    status, _ = await query(jp_fetch, la_request())
    assert status == 200
    assert [s.path for s in fixture_server.seen].count(f"/{TENANT}/oauth2/v2.0/token") == 1


async def test_failed_sign_in_and_unknown_workspaces_are_refused(jp_fetch, fixture_server):
    fixture_server.canned[f"/{TENANT}/oauth2/v2.0/token"] = (401, fixture("azuread/invalid_client.json"))
    status, answer = await query(jp_fetch, la_request())
    assert status == 502
    assert "azure sign-in failed: http 401 invalid_client AADSTS7000215" in answer["message"]
    no_secret(json.dumps(answer))
    assert all(s.path != LA_PATH for s in fixture_server.seen)
    before = len(fixture_server.seen)
    status, answer = await query(jp_fetch, la_request("11111111-2222-3333-4444-555555555555"))
    assert status == 403
    assert "AzureSentinel.Workspaces" in answer["message"]
    assert len(fixture_server.seen) == before


async def test_provider_errors_come_back_for_the_core_to_read(jp_fetch, fixture_server):
    fixture_server.canned[f"/{TENANT}/oauth2/v2.0/token"] = (200, fixture("azuread/token_ok.json"))
    fixture_server.canned[LA_PATH] = (403, fixture("loganalytics/forbidden.json"))
    status, answer = await query(jp_fetch, la_request())
    assert status == 200
    assert answer["status"] == 403
    assert "InsufficientAccessError" in answer["body"]


async def test_splunk_export_with_basic_auth(jp_fetch, fixture_server):
    fixture_server.canned["/services/search/jobs/export"] = (200, fixture("splunk/export_ok.json"))
    request = {
        "provider": "splunk",
        "operation": "query",
        "method": "POST",
        "path": "/services/search/jobs/export",
        "headers": [["content-type", "application/x-www-form-urlencoded"]],
        "body": "search=search%20index%3Dnetwork&output_mode=json",
    }
    status, answer = await query(jp_fetch, request)
    assert status == 200, answer
    assert answer["body"].count("\n") == 3
    seen = fixture_server.seen[-1]
    expected = base64.b64encode(f"hunter:{SPLUNK_PASSWORD}".encode()).decode()
    assert seen.headers["authorization"] == f"Basic {expected}"
    no_secret(json.dumps(answer))


async def test_splunk_search_job_operations(jp_fetch, fixture_server):
    """The core's jobs mode: create, status, results pages; each request is
    a provider + operation the registry allows, never a URL."""
    jobs = "/services/search/jobs"
    sid = "1733450000.123"
    fixture_server.canned[jobs] = (201, fixture("splunk/job_created.json"))
    fixture_server.canned[f"{jobs}/{sid}"] = (200, fixture("splunk/job_done.json"))
    fixture_server.canned[f"{jobs}/{sid}/results"] = (200, fixture("splunk/job_results_all.json"))
    create = {
        "provider": "splunk",
        "operation": "job_create",
        "method": "POST",
        "path": jobs,
        "headers": [["content-type", "application/x-www-form-urlencoded"]],
        "body": "search=search%20index%3Dnetwork&output_mode=json&exec_mode=normal",
    }
    status, answer = await query(jp_fetch, create)
    assert status == 200, answer
    assert (answer["status"], json.loads(answer["body"])) == (201, {"sid": sid})
    status_req = {
        "provider": "splunk",
        "operation": "job_status",
        "method": "GET",
        "path": f"{jobs}/{sid}",
        "query": [["output_mode", "json"]],
    }
    status, answer = await query(jp_fetch, status_req)
    assert status == 200, answer
    assert json.loads(answer["body"])["entry"][0]["content"]["isDone"] is True
    results = {
        "provider": "splunk",
        "operation": "job_results",
        "method": "GET",
        "path": f"{jobs}/{sid}/results",
        "query": [["output_mode", "json"], ["count", "2"], ["offset", "2"]],
    }
    status, answer = await query(jp_fetch, results)
    assert status == 200, answer
    assert len(json.loads(answer["body"])["results"]) == 5
    seen = fixture_server.seen[-3:]
    assert [(s.method, s.path, s.query) for s in seen] == [
        ("POST", jobs, []),
        ("GET", f"{jobs}/{sid}", [("output_mode", "json")]),
        ("GET", f"{jobs}/{sid}/results", [("output_mode", "json"), ("count", "2"), ("offset", "2")]),
    ]
    expected = base64.b64encode(f"hunter:{SPLUNK_PASSWORD}".encode()).decode()
    assert all(s.headers["authorization"] == f"Basic {expected}" for s in seen)
    no_secret(json.dumps(answer))
    # A sid that is not one never leaves the server.
    before = len(fixture_server.seen)
    for bad in ("../../../services/admin", "1.2/results/../../x", "a..b", "1%2f2", "x?y=1", ""):
        status, answer = await query(jp_fetch, {**status_req, "path": f"{jobs}/{bad}"})
        assert status in (400, 403), (bad, answer)
        assert "path" in answer["message"], answer
    # And an operation's method is its own: no POST to a status path.
    status, answer = await query(jp_fetch, {**status_req, "method": "POST", "body": ""})
    assert status == 405, answer
    assert "splunk.job_status takes GET" in answer["message"], answer
    assert len(fixture_server.seen) == before


async def test_splunk_job_cancel_through_the_route(jp_fetch, fixture_server):
    """The cancel the core sends for a job it gave up on: a POST of
    ``action=cancel`` to the job's ``/control``; a sid that is not one, or
    a GET, never leaves the server."""
    jobs = "/services/search/jobs"
    sid = "1733450000.123"
    fixture_server.canned[f"{jobs}/{sid}/control"] = (
        200,
        b'{"messages":[{"type":"INFO","text":"Search job cancelled."}]}',
    )
    cancel = {
        "provider": "splunk",
        "operation": "job_control",
        "method": "POST",
        "path": f"{jobs}/{sid}/control",
        "headers": [["accept", "application/json"], ["content-type", "application/x-www-form-urlencoded"]],
        "body": "action=cancel",
    }
    status, answer = await query(jp_fetch, cancel)
    assert status == 200, answer
    assert answer["status"] == 200, answer
    seen = fixture_server.seen[-1]
    assert (seen.method, seen.path, seen.body) == ("POST", f"{jobs}/{sid}/control", b"action=cancel")
    expected = base64.b64encode(f"hunter:{SPLUNK_PASSWORD}".encode()).decode()
    assert seen.headers["authorization"] == f"Basic {expected}"
    no_secret(json.dumps(answer))
    before = len(fixture_server.seen)
    for bad in ("../../admin", "1.2/../../x", "a..b", "1%2f2", "x?y=1", "", f"{sid}/results"):
        status, answer = await query(jp_fetch, {**cancel, "path": f"{jobs}/{bad}/control"})
        assert status in (400, 403), (bad, answer)
        assert "path" in answer["message"], answer
    status, answer = await query(jp_fetch, {**cancel, "method": "GET", "body": None})
    assert status == 405, answer
    assert "splunk.job_control takes POST" in answer["message"], answer
    assert len(fixture_server.seen) == before


async def test_the_query_route_takes_query_providers_only(jp_fetch, fixture_server):
    token = {
        "provider": "azuread",
        "operation": "token",
        "method": "POST",
        "path": f"/{TENANT}/oauth2/v2.0/token",
        "body": "grant_type=client_credentials",
    }
    for route in ("query", "call"):
        status, answer = await query(jp_fetch, token, route)
        assert status == 403, answer
        assert "called by the server only" in answer["message"]
    tor = {"provider": "tor", "operation": "exit_list", "method": "GET", "path": "/exit-addresses"}
    status, answer = await query(jp_fetch, tor)
    assert status == 400
    assert "not a query provider" in answer["message"]
    assert fixture_server.seen == []


async def test_provider_list_has_workspaces_and_no_secret(jp_fetch, fixture_server):
    r = await jp_fetch("huntkit", "api", "providers")
    text = r.body.decode()
    no_secret(text)
    by_name = {p["name"]: p for p in json.loads(text)["providers"]}
    assert "azuread" not in by_name
    la = by_name["loganalytics"]
    assert la["configured"] is True, la
    assert la["workspaces"] == [{"name": "Default", "workspaceId": WORKSPACE}]
    assert by_name["splunk"]["configured"] is True, by_name["splunk"]
    assert by_name["kusto"]["configured"] is True, by_name["kusto"]
    assert by_name["virustotal"]["configured"] is False
    assert fixture_server.seen == []


def token_scopes(fixture_server) -> list[str]:
    """The scope of every token request the fixture saw."""
    return [
        parse_qs(s.body.decode())["scope"][0]
        for s in fixture_server.seen
        if s.path == f"/{TENANT}/oauth2/v2.0/token"
    ]


async def test_kusto_query_with_a_token_for_the_clusters_own_url(jp_fetch, fixture_server):
    fixture_server.canned[f"/{TENANT}/oauth2/v2.0/token"] = (200, fixture("azuread/token_ok.json"))
    fixture_server.canned["/v2/rest/query"] = (200, fixture("kusto/query_ok.json"))
    request = {
        "provider": "kusto",
        "operation": "query",
        "method": "POST",
        "path": "/v2/rest/query",
        "headers": [["accept", "application/json"], ["content-type", "application/json"]],
        "body": json.dumps({"db": "Samples", "csl": "StormEvents | take 5"}),
    }
    status, answer = await query(jp_fetch, request)
    assert status == 200, answer
    assert answer["status"] == 200
    assert json.loads(answer["body"]) == json.loads(fixture("kusto/query_ok.json"))
    no_secret(json.dumps(answer))
    # The tenant from the provider's own Args; the scope is the cluster's URL.
    assert token_scopes(fixture_server) == [f"{fixture_server.url}/.default"]
    call = fixture_server.seen[-1]
    assert call.path == "/v2/rest/query"
    assert call.headers["authorization"] == f"Bearer {TOKEN}"
    assert json.loads(call.body)["csl"] == "StormEvents | take 5"


def defender_request() -> dict:
    """What the core's defender module plans for one advanced hunting query."""
    return {
        "provider": "m365d",
        "operation": "query",
        "method": "POST",
        "path": "/api/advancedhunting/run",
        "headers": [["accept", "application/json"], ["content-type", "application/json"]],
        "body": json.dumps({"Query": "DeviceProcessEvents | take 5"}),
    }


async def test_defender_advanced_hunting_with_a_server_side_token(jp_fetch, fixture_server):
    fixture_server.canned[f"/{TENANT}/oauth2/v2.0/token"] = (200, fixture("azuread/token_ok.json"))
    fixture_server.canned["/api/advancedhunting/run"] = (200, fixture("m365d/query_ok.json"))
    status, answer = await query(jp_fetch, defender_request())
    assert status == 200, answer
    assert json.loads(answer["body"]) == json.loads(fixture("m365d/query_ok.json"))
    no_secret(json.dumps(answer))
    assert token_scopes(fixture_server) == ["https://api.security.microsoft.com/.default"]
    call = fixture_server.seen[-1]
    assert call.headers["authorization"] == f"Bearer {TOKEN}"
    assert json.loads(call.body) == {"Query": "DeviceProcessEvents | take 5"}


async def test_defender_429_comes_back_with_its_retry_after(jp_fetch, fixture_server):
    fixture_server.canned[f"/{TENANT}/oauth2/v2.0/token"] = (200, fixture("azuread/token_ok.json"))
    fixture_server.canned["/api/advancedhunting/run"] = (
        429,
        fixture("m365d/throttled.json"),
        {"Retry-After": "17", "X-Fixture-Banner": "dropped"},
    )
    status, answer = await query(jp_fetch, defender_request())
    assert status == 200, answer
    assert answer["status"] == 429
    headers = dict(answer["headers"])
    # The page waits for it (withRetryAfter); what is not allow-listed is dropped.
    assert headers["retry-after"] == "17"
    assert "x-fixture-banner" not in headers
