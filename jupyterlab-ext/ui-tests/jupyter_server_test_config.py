"""Jupyter Server configuration for the Galata end-to-end tests.

Starts JupyterLab on 127.0.0.1 with galata's helper extension, no token,
a temporary root folder and no calls to the network.
"""

import os

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821 (provided by Jupyter's config loader)

configure_jupyter_server(c)

c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = int(os.environ.get("HUNTKIT_E2E_PORT", "8899"))
c.ServerApp.open_browser = False
# Errors only: galata probes for files that do not exist, which logs 404 warnings.
c.ServerApp.log_level = "ERROR"
c.LabApp.log_level = "ERROR"
# CI runs as root; a harmless no-op otherwise.
c.ServerApp.allow_root = True
# Offline: no update check, no news feed.
c.LabApp.check_for_updates_class = "jupyterlab.handlers.announcements.NeverCheckForUpdate"
c.LabApp.news_url = None

# The huntkit server extension, for the Lookup panel's test: VirusTotal's
# base moved to a fixture provider on 127.0.0.1 (started here, in the
# server's process) that answers the core's provider fixtures only when the
# key arrives in VirusTotal's header; the key is a fake one, read from an
# environment variable as msticpyconfig.yaml allows. The page must never see it.
import json  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer  # noqa: E402
from pathlib import Path  # noqa: E402

import jupyterlab_huntkit.server  # noqa: E402

#: Shared with lookup.spec.ts, which checks the browser never sees it.
E2E_KEY_VAR = "HUNTKIT_E2E_VIRUSTOTAL_KEY"
os.environ.setdefault(E2E_KEY_VAR, "e2e-fake-virustotal-key-5d7a0c")
FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "providers"
VT_PREFIX = "/api/v3"
CANNED = {
    f"{VT_PREFIX}/ip_addresses/185.220.101.1": "virustotal/ip_malicious.json",
    f"{VT_PREFIX}/files/275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f": "virustotal/file_suspicious.json",
}


class _Provider(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    def do_GET(self):
        if self.headers.get("x-apikey") != os.environ[E2E_KEY_VAR]:
            status, body = 401, (FIXTURES / "virustotal/unauthorized.json").read_bytes()
        elif self.path in CANNED:
            status, body = 200, (FIXTURES / CANNED[self.path]).read_bytes()
        else:
            status, body = 404, (FIXTURES / "virustotal/not_found.json").read_bytes()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


_provider = ThreadingHTTPServer(("127.0.0.1", 0), _Provider)
_provider.daemon_threads = True
threading.Thread(target=_provider.serve_forever, daemon=True).start()

_shipped = json.loads(
    (Path(jupyterlab_huntkit.server.__file__).with_name("providers.json")).read_text()
)
for _entry in _shipped["providers"]:
    if _entry["name"] == "virustotal":
        _entry["baseUrl"] = {
            "type": "fixed",
            "value": f"http://127.0.0.1:{_provider.server_address[1]}{VT_PREFIX}",
        }
        # One call per 2 s: the test's second call is refused by the server's
        # rate limit with a Retry-After the page must wait out.
        _entry["rateLimit"] = {"requests": 1, "perSeconds": 2}
_e2e_dir = Path(tempfile.mkdtemp(prefix="huntkit-e2e-"))
(_e2e_dir / "providers.json").write_text(json.dumps(_shipped))
(_e2e_dir / "msticpyconfig.yaml").write_text(
    json.dumps({"TIProviders": {"VirusTotal": {"Args": {"AuthKey": {"EnvironmentVar": E2E_KEY_VAR}}}}})
)
c.HuntkitGateway.providers_file = str(_e2e_dir / "providers.json")
c.HuntkitGateway.config_file = str(_e2e_dir / "msticpyconfig.yaml")
c.HuntkitGateway.allow_loopback_for_tests = True

# The Queries panel's live run: Log Analytics and the Azure AD token
# endpoint moved to one fixture on 127.0.0.1. The token is issued only for
# the client secret in the environment; the query answers only with that
# token, one row per day chunk, and refuses the second day (403), which the
# panel must list; the third day is throttled once (429, Retry-After: 1),
# which the panel must wait out and retry. Neither the secret nor the token
# may reach the page.
E2E_AZURE_SECRET_VAR = "HUNTKIT_E2E_AZURE_SECRET"
os.environ.setdefault(E2E_AZURE_SECRET_VAR, "e2e-fake-azure-secret-3c9e1b")
E2E_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
E2E_WORKSPACE = "52b1ab41-869e-4138-9e40-2a4457f09bf0"
E2E_TOKEN = "e2e-fake-bearer-token-8a2f"


_throttled_once: set[str] = set()


class _Siem(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        pass

    def _answer(self, status, body, headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        from urllib.parse import parse_qs

        data = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if self.path == f"/{E2E_TENANT}/oauth2/v2.0/token":
            form = parse_qs(data)
            if form.get("client_secret") == [os.environ[E2E_AZURE_SECRET_VAR]]:
                body = json.dumps({"token_type": "Bearer", "expires_in": 3599, "access_token": E2E_TOKEN})
                return self._answer(200, body.encode())
            return self._answer(401, (FIXTURES / "azuread/invalid_client.json").read_bytes())
        if self.path == f"/v1/workspaces/{E2E_WORKSPACE}/query":
            if self.headers.get("Authorization") != f"Bearer {E2E_TOKEN}":
                return self._answer(401, (FIXTURES / "loganalytics/unauthorized.json").read_bytes())
            start = json.loads(data).get("timespan", "").split("/")[0]
            if start.startswith("2024-05-02"):
                return self._answer(403, (FIXTURES / "loganalytics/forbidden.json").read_bytes())
            if start.startswith("2024-05-03") and start not in _throttled_once:
                _throttled_once.add(start)
                body = (FIXTURES / "loganalytics/throttled.json").read_bytes()
                return self._answer(429, body, [("Retry-After", "1")])
            doc = {
                "tables": [
                    {
                        "name": "PrimaryResult",
                        "columns": [
                            {"name": "TimeGenerated", "type": "datetime"},
                            {"name": "Computer", "type": "string"},
                            {"name": "Name", "type": "string"},
                        ],
                        "rows": [[start, "DNS-1", "c2.evil.example"]],
                    }
                ]
            }
            return self._answer(200, json.dumps(doc).encode())
        if self.path == "/services/search/jobs":
            if self.headers.get("Authorization") != _SPLUNK_BASIC:
                return self._answer(401, (FIXTURES / "splunk/unauthorized.json").read_bytes())
            return self._answer(201, (FIXTURES / "splunk/job_created.json").read_bytes())
        return self._answer(404, b"{}")

    def do_GET(self):
        """Splunk's search job: RUNNING at the first poll, then DONE; its
        five rows served two at a time by count/offset."""
        from urllib.parse import parse_qs, urlsplit

        url = urlsplit(self.path)
        q = parse_qs(url.query)
        if self.headers.get("Authorization") != _SPLUNK_BASIC:
            return self._answer(401, (FIXTURES / "splunk/unauthorized.json").read_bytes())
        if url.path == f"/services/search/jobs/{_SPLUNK_SID}":
            _splunk_polls.append(url.path)
            name = "job_running.json" if len(_splunk_polls) < 2 else "job_done.json"
            return self._answer(200, (FIXTURES / "splunk" / name).read_bytes())
        if url.path == f"/services/search/jobs/{_SPLUNK_SID}/results":
            doc = json.loads((FIXTURES / "splunk/job_results_all.json").read_text())
            at, n = int(q["offset"][0]), int(q["count"][0])
            doc["results"] = doc["results"][at : at + n]
            return self._answer(200, json.dumps(doc).encode())
        return self._answer(404, b"{}")


# Splunk search jobs for queries-live.spec.ts: fake credentials, one job.
_SPLUNK_PASSWORD = "e2e-fake-splunk-pw-41c7"
_SPLUNK_BASIC = "Basic " + __import__("base64").b64encode(f"hunter:{_SPLUNK_PASSWORD}".encode()).decode()
_SPLUNK_SID = "1733450000.123"
_splunk_polls: list[str] = []

_siem = ThreadingHTTPServer(("127.0.0.1", 0), _Siem)
_siem.daemon_threads = True
threading.Thread(target=_siem.serve_forever, daemon=True).start()
_siem_url = f"http://127.0.0.1:{_siem.server_address[1]}"
for _entry in _shipped["providers"]:
    if _entry["name"] == "loganalytics":
        _entry["baseUrl"] = {"type": "fixed", "value": _siem_url}
    if _entry["name"] == "azuread":
        _entry["baseUrl"] = {"type": "listed", "value": [_siem_url]}
(_e2e_dir / "providers.json").write_text(json.dumps(_shipped))
(_e2e_dir / "msticpyconfig.yaml").write_text(
    json.dumps(
        {
            "TIProviders": {"VirusTotal": {"Args": {"AuthKey": {"EnvironmentVar": E2E_KEY_VAR}}}},
            "AzureSentinel": {"Workspaces": {"E2E": {"WorkspaceId": E2E_WORKSPACE, "TenantId": E2E_TENANT}}},
            "DataProviders": {
                "Splunk": {"Args": {"host": _siem_url, "username": "hunter", "password": _SPLUNK_PASSWORD}},
                "AzureCLI": {
                    "Args": {"clientId": "0c1e2e5a-4a1d-4d6b-9c3e-2b7f5e8a1d90", "clientSecret": {"EnvironmentVar": E2E_AZURE_SECRET_VAR}}
                }
            },
        }
    )
)
c.HuntkitGateway.azure_authority = _siem_url
