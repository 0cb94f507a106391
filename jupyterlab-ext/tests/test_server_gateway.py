"""The server extension's provider gateway, through a real Jupyter server
(``jp_fetch``) against provider stand-ins on 127.0.0.1 that record what
they receive.

The providers here are test entries in the registry's own JSON form (the
shipped registry's header allow-lists and request schema, plus these), so
the gateway's checks run exactly as on the generated registry; the tests at
the end run over every provider the core ships.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jupyter_server.auth.authorizer import Authorizer
from tornado.httpclient import HTTPClientError

from jupyterlab_huntkit.server import registry as registry_module
from jupyterlab_huntkit.server.addresses import GuardedResolver, RefusedAddress, why_refused
from provider_fixture import FixtureServer

pytest_plugins = ["pytest_jupyter.jupyter_server"]

SHIPPED = json.loads(registry_module.SHIPPED.read_text())
HEADER_KEY = "hdr-key-7f3a9c1e55d2"
QUERY_KEY = "qry-key-0b8e4d2a77c1"
BASIC_USER = "basic-user-31c9"
BASIC_PASSWORD = "basic-pass-9d02e6aa"
ENV_VAR = "HUNTKIT_TEST_QUERY_KEY"
ALL_SECRETS = [HEADER_KEY, QUERY_KEY, BASIC_USER, BASIC_PASSWORD]

#: The paths every fixture provider may call, one operation each.
OPERATIONS = [
    {"name": "ip", "method": "GET", "pathPattern": r"^/api/ip/[0-9.]+$"},
    {"name": "echo", "method": "GET", "pathPattern": r"^/api/echo/[a-z0-9]+$"},
    {"name": "post", "method": "POST", "pathPattern": r"^/api/echo/post$"},
    {"name": "redirect", "method": "GET", "pathPattern": r"^/api/redirect/[a-z]+$"},
    {"name": "big", "method": "GET", "pathPattern": r"^/api/big/[0-9]+$"},
    {"name": "slow", "method": "GET", "pathPattern": r"^/api/slow/[0-9.]+$"},
    {"name": "file", "method": "GET", "pathPattern": r"^/api/echo/[^/]+$"},
]


def provider(name, config_name, base_url, auth, rate_limit=None):
    return {
        "name": name,
        "configName": config_name,
        "kind": "ti",
        "baseUrl": base_url,
        "auth": auth,
        "operations": OPERATIONS,
        "rateLimit": rate_limit,
    }


def fixed(url):
    return {"type": "fixed", "value": url}


def header_auth():
    return {"type": "header", "header": "x-apikey", "config_key": "AuthKey"}


@pytest.fixture
def fixture_server():
    server = FixtureServer().start()
    yield server
    server.stop()


@pytest.fixture
def other_server():
    """A second host, which no provider names: a redirect target."""
    server = FixtureServer().start()
    yield server
    server.stop()


@pytest.fixture
def providers_file(tmp_path, fixture_server):
    url = fixture_server.url
    doc = dict(SHIPPED)
    doc["providers"] = [
        provider("fxheader", "FixtureHeader", fixed(url), header_auth()),
        provider(
            "fxquery",
            "FixtureQuery",
            fixed(url),
            {"type": "query", "param": "access_key", "config_key": "AuthKey"},
        ),
        provider(
            "fxbasic",
            "FixtureBasic",
            fixed(url),
            {"type": "basic", "user_key": "ApiID", "password_key": "AuthKey"},
        ),
        provider(
            "fxlisted",
            "FixtureListed",
            {"type": "listed", "value": [url, "https://169.254.169.254"]},
            {"type": "none"},
        ),
        provider("fxconfig", "FixtureConfig", {"type": "from_config", "value": "Host"}, {"type": "none"}),
        provider("fxmissing", "FixtureMissing", fixed(url), header_auth()),
        provider("fxbearer", "FixtureBearer", fixed(url), {"type": "bearer", "scope": "https://x/.default"}),
        provider(
            "fxlocalname",
            "FixtureLocalName",
            fixed(f"https://localhost:{fixture_server.port}"),
            {"type": "none"},
        ),
        provider("fxplain", "FixturePlain", fixed("http://provider.example"), {"type": "none"}),
        provider("fxhttps", "FixtureHttps", fixed(f"https://127.0.0.1:{fixture_server.port}"), {"type": "none"}),
        provider(
            "fxlimited",
            "FixtureLimited",
            fixed(url),
            {"type": "none"},
            {"requests": 2, "perSeconds": 60},
        ),
    ]
    path = tmp_path / "providers.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.fixture
def msticpy_file(tmp_path, fixture_server, monkeypatch):
    monkeypatch.setenv(ENV_VAR, QUERY_KEY)
    monkeypatch.delenv("MSTICPYCONFIG", raising=False)
    path = tmp_path / "msticpyconfig.yaml"
    path.write_text(
        f"""
TIProviders:
  FixtureHeader:
    Args:
      AuthKey: {HEADER_KEY}
  FixtureQuery:
    Args:
      AuthKey:
        EnvironmentVar: {ENV_VAR}
  FixtureBasic:
    Args:
      ApiID: {BASIC_USER}
      AuthKey: {BASIC_PASSWORD}
OtherProviders:
  FixtureConfig:
    Args:
      Host: {fixture_server.url}
"""
    )
    return path


@pytest.fixture
def allow_loopback():
    """Loopback is reachable (the fixture servers) unless a test says not."""
    return True


@pytest.fixture
def gateway_options():
    return {}


@pytest.fixture
def server_options():
    return {}


@pytest.fixture
def jp_server_config(providers_file, msticpy_file, allow_loopback, gateway_options, server_options):
    return {
        "ServerApp": {"jpserver_extensions": {"jupyterlab_huntkit": True}, **server_options},
        "HuntkitGateway": {
            "providers_file": str(providers_file),
            "config_file": str(msticpy_file),
            "allow_loopback_for_tests": allow_loopback,
            **gateway_options,
        },
    }


async def call(jp_fetch, **request):
    """POSTs a request; returns (route status, parsed JSON body)."""
    try:
        r = await jp_fetch(
            "huntkit", "api", "providers", "call", method="POST", body=json.dumps(request)
        )
    except HTTPClientError as e:
        assert e.response is not None, e
        return e.code, json.loads(e.response.body)
    return r.code, json.loads(r.body)


def lookup(provider="fxheader", operation="ip", path="/api/ip/8.8.8.8", **more):
    return {"provider": provider, "operation": operation, "method": "GET", "path": path, **more}


def assert_no_secret(text: str):
    for secret in ALL_SECRETS:
        assert secret not in text


# -- authentication -------------------------------------------------------


@pytest.mark.parametrize(
    "method,route,body",
    [
        ("GET", "", None),
        ("POST", "/call", json.dumps(lookup())),
        ("POST", "/query", json.dumps(lookup())),
        ("PUT", "/sensitive", json.dumps({"on": False})),
    ],
)
async def test_unauthenticated_requests_are_refused(jp_fetch, fixture_server, method, route, body):
    parts = ["huntkit", "api", "providers"] + [p for p in route.split("/") if p]
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(*parts, method=method, body=body, headers={"Authorization": "token wrong"})
    assert e.value.code in (401, 403)
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(*parts, method=method, body=body, headers={"Authorization": ""})
    assert e.value.code in (401, 403)
    assert fixture_server.seen == []


async def test_cookie_sessions_need_the_xsrf_token(jp_fetch, jp_serverapp, fixture_server):
    """A browser session (login cookie, no token header) can call only with
    Jupyter's XSRF token: another site's form post cannot."""
    token = jp_serverapp.identity_provider.token
    r = await jp_fetch("huntkit", "api", "providers", params={"token": token})
    login = [c.split(";", 1)[0] for c in r.headers.get_list("Set-Cookie") if c.startswith("username-")]
    assert login, r.headers
    body = json.dumps(lookup())
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(
            "huntkit", "api", "providers", "call", method="POST", body=body,
            headers={"Authorization": "", "Cookie": login[0]},
        )
    assert e.value.code == 403
    assert fixture_server.seen == []
    xsrf = "0123456789abcdef0123456789abcdef"
    r = await jp_fetch(
        "huntkit", "api", "providers", "call", method="POST", body=body,
        headers={"Authorization": "", "Cookie": f"{login[0]}; _xsrf={xsrf}", "X-XSRFToken": xsrf},
    )
    assert r.code == 200
    assert len(fixture_server.seen) == 1


class ReadOnlyHuntkit(Authorizer):
    """An authorizer that lets users read the provider list and nothing else
    of huntkit (as a server sharing with read-only users would)."""

    def is_authorized(self, handler, user, action, resource):
        return resource != "huntkit" or action == "read"


@pytest.mark.parametrize("server_options", [{"authorizer_class": ReadOnlyHuntkit}])
async def test_the_servers_authorizer_decides_who_may_call(jp_fetch, fixture_server):
    r = await jp_fetch("huntkit", "api", "providers")
    assert r.code == 200
    status, answer = await call(jp_fetch, **lookup())
    assert status == 403
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("huntkit", "api", "providers", "sensitive", method="PUT", body='{"on": false}')
    assert e.value.code == 403
    assert fixture_server.seen == []


# -- the registry's checks --------------------------------------------------


async def test_a_lookup_reaches_the_registry_host_with_the_key_in_its_header(jp_fetch, fixture_server):
    status, answer = await call(jp_fetch, **lookup(headers=[["accept", "application/json"]]))
    assert status == 200, answer
    assert answer["status"] == 200
    assert json.loads(answer["body"]) == {"ip": "8.8.8.8", "verdict": "malicious"}
    # only the allow-listed response headers come back
    names = [name for name, _ in answer["headers"]]
    assert "content-type" in names and "x-ratelimit-remaining" in names
    assert "set-cookie" not in names and "x-fixture-banner" not in names and "server" not in names
    [seen] = fixture_server.seen
    assert seen.path == "/api/ip/8.8.8.8"
    assert seen.headers["x-apikey"] == HEADER_KEY
    assert seen.headers["accept"] == "application/json"
    assert "cookie" not in seen.headers and "authorization" not in seen.headers


async def test_the_key_is_never_echoed_back(jp_fetch, fixture_server, caplog):
    caplog.set_level("DEBUG")
    status, answer = await call(jp_fetch, **lookup(operation="echo", path="/api/echo/abc"))
    assert status == 200, answer
    echoed = json.loads(answer["body"])
    # the fixture did get the key, and its echo of it was scrubbed
    assert fixture_server.seen[0].headers["x-apikey"] == HEADER_KEY
    assert echoed["headers"]["x-apikey"] == "[secret removed]"
    assert_no_secret(json.dumps(answer))
    assert_no_secret(caplog.text)


async def test_query_key_comes_from_the_environment_variable(jp_fetch, fixture_server, caplog):
    caplog.set_level("DEBUG")
    status, answer = await call(
        jp_fetch, **lookup("fxquery", "echo", "/api/echo/abc", query=[["limit", "5"]])
    )
    assert status == 200, answer
    assert fixture_server.seen[0].query == [("limit", "5"), ("access_key", QUERY_KEY)]
    assert_no_secret(json.dumps(answer))
    assert_no_secret(caplog.text)


async def test_the_page_cannot_set_the_query_key_parameter(jp_fetch, fixture_server):
    status, answer = await call(
        jp_fetch, **lookup("fxquery", "echo", "/api/echo/abc", query=[["access_key", "mine"]])
    )
    assert status == 403
    assert "access_key" in answer["message"]
    assert fixture_server.seen == []


async def test_basic_auth_is_added(jp_fetch, fixture_server):
    import base64

    status, answer = await call(jp_fetch, **lookup("fxbasic", "echo", "/api/echo/abc"))
    assert status == 200, answer
    expected = base64.b64encode(f"{BASIC_USER}:{BASIC_PASSWORD}".encode()).decode()
    assert fixture_server.seen[0].headers["authorization"] == f"Basic {expected}"
    assert_no_secret(json.dumps(answer))


async def test_post_sends_the_body(jp_fetch, fixture_server):
    request = lookup("fxheader", "post", "/api/echo/post", body='{"q": 1}')
    request["method"] = "POST"
    request["headers"] = [["content-type", "application/json"]]
    status, answer = await call(jp_fetch, **request)
    assert status == 200, answer
    assert fixture_server.seen[0].method == "POST"
    assert fixture_server.seen[0].body == b'{"q": 1}'


@pytest.mark.parametrize(
    "request_,status,words",
    [
        (lookup(provider="nosuch"), 404, ["unknown provider", "nosuch"]),
        (lookup(operation="nosuch"), 404, ["fxheader", "no operation", "nosuch"]),
        (lookup(path="/api/ip/8.8.8.8/../../admin"), 400, ["path"]),
        (lookup(path="/api/ip/8.8.8.8x"), 403, ["path", "not allowed", "fxheader.ip"]),
        (lookup(path="/api/ip/1.2.3.4?admin=1"), 400, ["path"]),
        (lookup(path="/api/ip/1.2.3.4#x"), 400, ["path"]),
        (lookup(operation="file", path="/api/echo/%2e%2e"), 400, ["dot segment"]),
        (lookup(operation="file", path="/api/echo/a\\b"), 400, ["path"]),
        (lookup(path="http://169.254.169.254/api/ip/1.2.3.4"), 400, ["path"]),
        (lookup(path="//evil.example/api/ip/1.2.3.4"), 400, ["path"]),
        ({**lookup(), "method": "POST"}, 405, ["takes GET", "POST"]),
        ({**lookup(), "method": "DELETE"}, 400, ["unknown method"]),
        ({**lookup(), "url": "http://127.0.0.1/"}, 400, ["unknown request field", "url"]),
        ({k: v for k, v in lookup().items() if k != "path"}, 400, ["path"]),
        (lookup(headers=[["x-apikey", "mine"]]), 403, ["header", "x-apikey"]),
        (lookup(headers=[["host", "evil.example"]]), 403, ["header", "host"]),
        (lookup(headers=[["accept", "a\r\nx-apikey: b"]]), 400, ["line break"]),
        (lookup(query=[["a"]]), 400, ["query"]),
        (lookup(body="x"), 400, ["fxheader.ip", "takes no body"]),
        ([1, 2], 400, ["json object"]),
    ],
)
async def test_requests_outside_the_registry_are_refused(jp_fetch, fixture_server, request_, status, words):
    try:
        r = await jp_fetch(
            "huntkit", "api", "providers", "call", method="POST", body=json.dumps(request_)
        )
        got, answer = r.code, json.loads(r.body)
    except HTTPClientError as e:
        got, answer = e.code, json.loads(e.response.body)
    assert got == status, answer
    for word in words:
        assert word in answer["message"]
    assert fixture_server.seen == []


async def test_a_body_that_is_not_json_is_refused(jp_fetch):
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("huntkit", "api", "providers", "call", method="POST", body="{nope")
    assert e.value.code == 400
    assert json.loads(e.value.response.body)["message"] == "the request body is not json"


# -- hosts ------------------------------------------------------------------


async def test_base_url_of_another_host_is_refused(jp_fetch, fixture_server, other_server):
    for base_url in [other_server.url, "https://evil.example", "http://169.254.169.254"]:
        status, answer = await call(jp_fetch, **lookup(baseUrl=base_url))
        assert status == 403, answer
        assert "allow-list" in answer["message"] and "fxheader" in answer["message"]
    assert fixture_server.seen == [] and other_server.seen == []


async def test_base_url_the_registry_names_is_used(jp_fetch, fixture_server):
    status, answer = await call(jp_fetch, **lookup("fxlisted", baseUrl=fixture_server.url))
    assert status == 200, answer
    assert len(fixture_server.seen) == 1


async def test_listed_provider_needs_a_base_url(jp_fetch, fixture_server):
    status, answer = await call(jp_fetch, **lookup("fxlisted"))
    assert status == 400
    assert "fxlisted" in answer["message"] and "baseUrl" in answer["message"]


async def test_metadata_address_is_refused_even_when_listed(jp_fetch, fixture_server):
    status, answer = await call(jp_fetch, **lookup("fxlisted", baseUrl="https://169.254.169.254"))
    assert status == 403, answer
    assert "169.254.169.254" in answer["message"] and "link-local" in answer["message"]


async def test_configured_host_is_used(jp_fetch, fixture_server):
    status, answer = await call(jp_fetch, **lookup("fxconfig"))
    assert status == 200, answer
    assert len(fixture_server.seen) == 1
    status, answer = await call(jp_fetch, **lookup("fxconfig", baseUrl="https://evil.example"))
    assert status == 403


@pytest.mark.parametrize("allow_loopback", [False])
async def test_loopback_is_refused_when_not_allowed(jp_fetch, fixture_server):
    # the registry's own host is 127.0.0.1: plain http is refused first …
    status, answer = await call(jp_fetch, **lookup())
    assert status == 403 and "only https" in answer["message"]
    # … and over https the address itself is refused, literal or by name
    status, answer = await call(jp_fetch, **lookup("fxhttps"))
    assert status == 403, answer
    assert "127.0.0.1" in answer["message"] and "loopback" in answer["message"]
    status, answer = await call(jp_fetch, **lookup("fxlocalname"))
    assert status == 403, answer
    assert "localhost" in answer["message"] and "loopback" in answer["message"]
    assert fixture_server.seen == []


async def test_plain_http_reaches_loopback_fixtures_only(jp_fetch, fixture_server):
    status, answer = await call(jp_fetch, **lookup("fxplain"))
    assert status == 403 and "only https" in answer["message"]


async def test_a_redirect_is_returned_not_followed(jp_fetch, fixture_server, other_server):
    fixture_server.redirect_to = f"{other_server.url}/api/ip/1.1.1.1"
    status, answer = await call(jp_fetch, **lookup(operation="redirect", path="/api/redirect/go"))
    assert status == 200, answer
    assert answer["status"] == 302
    assert ["location", fixture_server.redirect_to] in answer["headers"]
    assert other_server.seen == []
    fixture_server.redirect_to = "http://169.254.169.254/latest/meta-data/"
    status, answer = await call(jp_fetch, **lookup(operation="redirect", path="/api/redirect/go"))
    assert answer["status"] == 302


# -- configuration ------------------------------------------------------------


async def test_missing_key_names_the_provider_and_the_config_key(jp_fetch, fixture_server):
    status, answer = await call(jp_fetch, **lookup("fxmissing"))
    assert status == 400
    assert "fxmissing" in answer["message"]
    assert "TIProviders.FixtureMissing.Args.AuthKey" in answer["message"]
    assert fixture_server.seen == []


async def test_unset_environment_variable_is_named(jp_fetch, fixture_server, monkeypatch):
    monkeypatch.delenv(ENV_VAR)
    status, answer = await call(jp_fetch, **lookup("fxquery", "echo", "/api/echo/abc"))
    assert status == 400
    assert ENV_VAR in answer["message"] and "TIProviders.FixtureQuery.Args.AuthKey" in answer["message"]


async def test_bearer_without_azure_credentials_is_refused(jp_fetch, fixture_server, monkeypatch):
    for name in ("AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "HUNTKIT_AZURE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    status, answer = await call(jp_fetch, **lookup("fxbearer"))
    assert status == 400
    assert "azure sign-in is not configured" in answer["message"]
    assert fixture_server.seen == []


async def test_provider_list_says_what_is_configured_and_no_key(jp_fetch, fixture_server):
    r = await jp_fetch("huntkit", "api", "providers")
    doc = json.loads(r.body)
    assert_no_secret(r.body.decode())
    by_name = {p["name"]: p for p in doc["providers"]}
    assert doc["sensitive"] is False
    assert by_name["fxheader"]["configured"] is True
    assert by_name["fxquery"]["configured"] is True
    assert by_name["fxmissing"]["configured"] is False
    assert by_name["fxmissing"]["missing"] == ["TIProviders.FixtureMissing.Args.AuthKey"]
    assert by_name["fxbearer"]["configured"] is False
    assert by_name["fxheader"]["operations"][0] == {"name": "ip", "method": "GET"}
    assert fixture_server.seen == []


# -- the sensitive switch, limits -------------------------------------------


async def test_sensitive_switch_blocks_every_call(jp_fetch, fixture_server):
    r = await jp_fetch("huntkit", "api", "providers", "sensitive", method="PUT", body='{"on": true}')
    assert json.loads(r.body) == {"on": True}
    status, answer = await call(jp_fetch, **lookup())
    assert status == 403 and "sensitive" in answer["message"]
    r = await jp_fetch("huntkit", "api", "providers")
    assert json.loads(r.body)["sensitive"] is True
    assert fixture_server.seen == []
    await jp_fetch("huntkit", "api", "providers", "sensitive", method="PUT", body='{"on": false}')
    status, answer = await call(jp_fetch, **lookup())
    assert status == 200
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch("huntkit", "api", "providers", "sensitive", method="PUT", body='{"on": "yes"}')
    assert e.value.code == 400


@pytest.mark.parametrize("gateway_options", [{"sensitive": True}])
async def test_sensitive_can_start_on(jp_fetch, fixture_server):
    status, answer = await call(jp_fetch, **lookup())
    assert status == 403 and "sensitive" in answer["message"]


async def test_rate_limit_refuses_before_the_provider_is_called(jp_fetch, fixture_server):
    for _ in range(2):
        status, answer = await call(jp_fetch, **lookup("fxlimited"))
        assert status == 200, answer
    with pytest.raises(HTTPClientError) as e:
        await jp_fetch(
            "huntkit", "api", "providers", "call", method="POST", body=json.dumps(lookup("fxlimited"))
        )
    assert e.value.code == 429
    assert int(e.value.response.headers["Retry-After"]) >= 1
    assert "fxlimited" in json.loads(e.value.response.body)["message"]
    assert len(fixture_server.seen) == 2


@pytest.mark.parametrize("gateway_options", [{"max_response_bytes": 1000}])
async def test_large_answers_are_cut(jp_fetch, fixture_server):
    status, answer = await call(jp_fetch, **lookup(operation="big", path="/api/big/900"))
    assert status == 200 and len(answer["body"]) == 900
    for size in (1001, 5000, 300_000):
        status, answer = await call(jp_fetch, **lookup(operation="big", path=f"/api/big/{size}"))
        assert status == 502, answer
        assert "larger than 1000 bytes" in answer["message"]


@pytest.mark.parametrize("gateway_options", [{"timeout": 0.5}])
async def test_slow_provider_times_out(jp_fetch, fixture_server):
    status, answer = await call(jp_fetch, **lookup(operation="slow", path="/api/slow/3"))
    assert status == 504, answer
    assert "fxheader" in answer["message"]


async def test_unreachable_provider_is_a_502(jp_fetch, fixture_server, msticpy_file):
    fixture_server.stop()
    status, answer = await call(jp_fetch, **lookup())
    assert status == 502, answer
    assert "could not be reached" in answer["message"]
    assert_no_secret(answer["message"])


# -- addresses, offline ---------------------------------------------------------


@pytest.mark.parametrize(
    "address,why",
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.1.1", "private"),
        ("172.16.0.1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:169.254.169.254", "link-local"),
        ("8.8.8.8", None),
        ("2606:4700::1111", None),
    ],
)
def test_address_classes(address, why):
    assert why_refused(address) == why
    if why != "loopback":
        assert why_refused(address, allow_loopback=True) == why


async def test_resolver_refuses_a_name_that_resolves_to_loopback():
    resolver = GuardedResolver(allow_loopback=False)
    with pytest.raises(RefusedAddress) as e:
        await resolver.resolve("localhost", 443)
    assert "localhost" in str(e.value)
    resolver.close()


def test_importing_and_loading_makes_no_network_call(tmp_path):
    """In a fresh interpreter whose sockets fail on connect and DNS."""
    code = """
import socket
def refuse(*a, **k):
    raise AssertionError(f"network call: {a}")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.getaddrinfo = refuse
socket.create_connection = refuse
import huntkit
import jupyterlab_huntkit
import jupyterlab_huntkit.server
from jupyterlab_huntkit.server.gateway import HuntkitGateway
from jupyterlab_huntkit.server.handlers import setup_handlers
import tornado.web
app = tornado.web.Application(base_url="/")
gateway = HuntkitGateway()
setup_handlers(app, gateway)
gateway.providers()
print("ok", len(gateway.registry.providers))
"""
    env = {k: v for k, v in os.environ.items() if k != "MSTICPYCONFIG"}
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path,
        # The installed helper, not helper/ from the tree: its core
        # (huntkit._core) is compiled into the installed wheel only.
        env={**env, "PYTHONPATH": str(root)},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok ")


async def test_loading_the_extension_calls_no_provider(jp_fetch, fixture_server):
    await jp_fetch("huntkit", "api", "providers")
    await jp_fetch("huntkit", "api", "providers", "sensitive")
    assert fixture_server.seen == []


# -- the registry the core ships ----------------------------------------------

REAL = SHIPPED["providers"]


def test_shipped_registry_has_the_core_schema():
    assert set(SHIPPED["httpRequest"]["required"]) == {"provider", "operation", "method", "path"}
    assert "accept" in SHIPPED["requestHeaders"]
    assert "retry-after" in SHIPPED["responseHeaders"]
    registry_module.Registry(SHIPPED)


@pytest.mark.parametrize("entry", REAL, ids=[p["name"] for p in REAL])
def test_every_shipped_provider_is_usable(entry):
    p = registry_module.Provider.from_json(entry)  # every pattern compiles in Python
    for op in entry["operations"]:
        assert op["pathPattern"].startswith("^") and op["pathPattern"].endswith("$"), op
    base = entry["baseUrl"]
    urls = {"fixed": [base.get("value")], "listed": base.get("value")}.get(base["type"], [])
    for url in urls:
        origin = registry_module.Origin.parse(url, p.name)
        assert origin.scheme == "https", url
    assert entry["auth"]["type"] in {"none", "header", "query", "basic", "bearer", "basic_or_token"}


@pytest.mark.parametrize(
    "entry",
    [p for p in REAL if p["auth"]["type"] in {"header", "query", "basic"}],
    ids=lambda p: p["name"],
)
async def test_every_shipped_key_is_injected_as_the_registry_says(
    entry, tmp_path, fixture_server, monkeypatch
):
    """Each shipped provider, pointed at the fixture, with its key from
    msticpyconfig under its own section name."""
    from jupyterlab_huntkit.server.gateway import HuntkitGateway

    test_entry = dict(entry, baseUrl=fixed(fixture_server.url), rateLimit=None)
    test_entry["operations"] = [{"name": "echo", "method": "GET", "pathPattern": r"^/api/echo/x$"}]
    doc = dict(SHIPPED, providers=[test_entry])
    (tmp_path / "providers.json").write_text(json.dumps(doc))
    auth = entry["auth"]
    keys = {k: f"{k}-secret-{entry['name']}" for k in (auth.get("config_key"), auth.get("user_key"), auth.get("password_key")) if k}
    config = {"TIProviders": {entry["configName"]: {"Args": keys}}}
    (tmp_path / "msticpyconfig.yaml").write_text(json.dumps(config))
    gateway = HuntkitGateway(
        providers_file=str(tmp_path / "providers.json"),
        config_file=str(tmp_path / "msticpyconfig.yaml"),
        allow_loopback_for_tests=True,
    )
    answer = await gateway.call(lookup(entry["name"], "echo", "/api/echo/x"))
    assert answer["status"] == 200
    [seen] = fixture_server.seen
    if auth["type"] == "header":
        assert seen.headers[auth["header"].lower()] == keys[auth["config_key"]]
    elif auth["type"] == "query":
        assert (auth["param"], keys[auth["config_key"]]) in seen.query
    else:
        assert seen.headers["authorization"].startswith("Basic ")
    for secret in keys.values():
        assert secret not in json.dumps(answer)


@pytest.mark.parametrize("entry", REAL, ids=[p["name"] for p in REAL])
def test_every_shipped_provider_reaches_only_its_hosts(entry, tmp_path):
    """The registry's bases are accepted as ``baseUrl``, anything else is
    refused (no network: only the host choice is checked)."""
    from jupyterlab_huntkit.server.gateway import HuntkitGateway
    from jupyterlab_huntkit.server.msticpyconfig import MsticpyConfig

    gateway = HuntkitGateway(config_file=str(tmp_path / "none.yaml"))
    p = gateway.registry.providers[entry["name"]]
    op = next(iter(p.operations.values()))

    def origin(base_url):
        c = registry_module.Call(p, op["name"], op["method"], "/x", [], [], None, base_url)
        return gateway._origin(c, MsticpyConfig.load(str(tmp_path / "none.yaml")))

    base = entry["baseUrl"]
    if base["type"] == "from_config":
        with pytest.raises(registry_module.GatewayError) as e:
            origin(None)
        assert e.value.status == 400 and base["value"] in e.value.message
        return
    bases = [base["value"]] if base["type"] == "fixed" else base["value"]
    for url in bases:
        assert origin(url).url("/x").endswith(urlsplit(url).path.rstrip("/") + "/x")
        assert origin(url) == registry_module.Origin.parse(url, "test")
    if base["type"] == "fixed":
        assert origin(None) == registry_module.Origin.parse(bases[0], "test")
    for other in ["https://evil.example", "https://169.254.169.254", "http://127.0.0.1:8080"]:
        with pytest.raises(registry_module.GatewayError) as e:
            origin(other)
        assert e.value.status == 403 and entry["name"] in e.value.message


def test_rdap_reaches_the_bootstrap_servers_only(tmp_path):
    """RDAP's allow-list is the core's bundled IANA bootstrap: a registry
    IANA names is accepted, one it does not (DENIC: no RDAP in the
    bootstrap) or a plain-http one (.kg) is refused."""
    from jupyterlab_huntkit.server.gateway import HuntkitGateway
    from jupyterlab_huntkit.server.msticpyconfig import MsticpyConfig

    gateway = HuntkitGateway(config_file=str(tmp_path / "none.yaml"))
    p = gateway.registry.providers["rdap"]
    config = MsticpyConfig.load(str(tmp_path / "none.yaml"))

    def origin(base_url):
        c = registry_module.Call(p, "domain", "GET", "/domain/x.uk", [], [], None, base_url)
        return gateway._origin(c, config)

    assert len(p.base_url["value"]) > 500
    for url in ["https://rdap.nominet.uk/uk", "https://rdap.registro.br", "https://rdap.verisign.com/com/v1"]:
        assert origin(url) == registry_module.Origin.parse(url, "test")
    for url in ["https://rdap.denic.de", "http://rdap.cctld.kg", "https://rdap.nominet.uk.evil.example/uk"]:
        with pytest.raises(registry_module.GatewayError) as e:
            origin(url)
        assert e.value.status == 403 and "rdap" in e.value.message


# -- the core's own requests: the provider fixture cases ------------------------

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "providers"
CASES = [
    c
    for c in json.loads((FIXTURES / "cases.json").read_text())
    if c["expect"].get("path") and c.get("httpStatus")
]


@pytest.fixture
def real_providers_file(tmp_path, fixture_server):
    """The shipped registry with every base moved to the fixture server
    (keeping the base's path prefix), and a msticpyconfig with a distinct
    key for each key the registry names."""
    providers = []
    keys: dict[str, dict[str, str]] = {}
    for entry in REAL:
        base = entry["baseUrl"]
        first = base["value"] if base["type"] == "fixed" else base["value"][0]
        prefix = urlsplit(first).path.rstrip("/")
        providers.append(dict(entry, baseUrl=fixed(fixture_server.url + prefix)))
        auth = entry["auth"]
        for k in ("config_key", "user_key", "password_key"):
            if auth.get(k):
                keys.setdefault(entry["configName"], {})[auth[k]] = f"{entry['name']}-{auth[k]}-4e1f0c"
    (tmp_path / "real.json").write_text(json.dumps(dict(SHIPPED, providers=providers)))
    config = {"TIProviders": {name: {"Args": args} for name, args in keys.items()}}
    (tmp_path / "real.yaml").write_text(json.dumps(config))
    return tmp_path / "real.json", tmp_path / "real.yaml", keys


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{c['provider']}-{c['body']}" for c in CASES]
)
async def test_the_core_fixture_cases_pass_through_the_gateway(
    case, jp_serverapp, jp_fetch, fixture_server, real_providers_file
):
    """Each path the core builds for a fixture case (cases.json) passes the
    real registry's checks, reaches the provider under its base prefix with
    the key where the registry says, and comes back byte for byte."""
    providers_file, config_file, keys = real_providers_file
    gateway = jp_serverapp.web_app.settings["huntkit_gateway"]
    from jupyterlab_huntkit.server.registry import Registry

    gateway.registry = Registry.load(providers_file)
    gateway.config_file = str(config_file)
    entry = next(p for p in REAL if p["name"] == case["provider"])
    path = case["expect"]["path"]
    [operation] = [
        op for op in entry["operations"] if re.fullmatch(op["pathPattern"], path)
    ]
    body = (FIXTURES / case["body"]).read_bytes()
    base = entry["baseUrl"]
    first = base["value"] if base["type"] == "fixed" else base["value"][0]
    prefix = urlsplit(first).path.rstrip("/")
    fixture_server.canned[prefix + path] = (case["httpStatus"], body)

    status, answer = await call(
        jp_fetch, provider=entry["name"], operation=operation["name"], path=path, method=operation["method"]
    )
    assert status == 200, answer
    assert answer["status"] == case["httpStatus"]
    assert answer["body"] == body.decode("utf-8")
    [seen] = fixture_server.seen
    assert seen.path == prefix + path
    auth = entry["auth"]
    secrets = keys.get(entry["configName"], {})
    if auth["type"] == "header":
        assert seen.headers[auth["header"].lower()] == secrets[auth["config_key"]]
    elif auth["type"] == "query":
        assert (auth["param"], secrets[auth["config_key"]]) in seen.query
    elif auth["type"] == "basic":
        assert seen.headers["authorization"].startswith("Basic ")
    for secret in secrets.values():
        assert secret not in json.dumps(answer)
