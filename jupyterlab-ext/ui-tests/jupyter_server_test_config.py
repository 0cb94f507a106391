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
