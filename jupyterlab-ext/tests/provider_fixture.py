"""A provider stand-in on 127.0.0.1: real HTTP over loopback, answering like
a provider API and recording every request it gets (method, path, query,
headers), so tests can check what the Jupyter server really sent.

Paths (after any prefix):
- ``/api/ip/<ip>``: a JSON hit, with headers the gateway must drop
  (``set-cookie``, ``server``) and one it keeps (``x-ratelimit-remaining``);
- ``/api/echo/<word>``: echoes the request (path, query, headers) as JSON,
  so a key the server added would show up in the body;
- ``/api/redirect/<word>``: a 302 to the URL in the server's ``redirect_to``;
- ``/api/big/<n>``: ``n`` bytes of body;
- ``/api/slow/<seconds>``: answers after a delay;
- any path set in ``canned``: that status and body (the provider answers
  in ``tests/fixtures/providers/``), and headers when a third item gives
  them (``Retry-After``).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Seen:
    """One request as the fixture received it."""

    method: str
    path: str
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes


class _Handler(BaseHTTPRequestHandler):
    server: "FixtureServer"

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        pass

    def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        seen = Seen(
            self.command,
            parts.path,
            parse_qsl(parts.query),
            {k.lower(): v for k, v in self.headers.items()},
            body,
        )
        self.server.seen.append(seen)
        if parts.path in self.server.canned:
            status, canned, *more = self.server.canned[parts.path]
            self._answer(status, canned, {"Content-Type": "application/json", **(more[0] if more else {})})
            return
        segments = parts.path.split("/")
        what, arg = (segments[-2], segments[-1]) if len(segments) >= 2 else ("", "")
        if what == "ip":
            doc = {"ip": arg, "verdict": "malicious"}
            self._answer(
                200,
                json.dumps(doc).encode(),
                {
                    "Content-Type": "application/json",
                    "X-RateLimit-Remaining": "3",
                    "Set-Cookie": "session=fixture",
                    "X-Fixture-Banner": "not for the page",
                },
            )
        elif what == "echo":
            doc = {
                "method": seen.method,
                "path": seen.path,
                "query": seen.query,
                "headers": seen.headers,
                "body": body.decode("utf-8", "replace"),
            }
            self._answer(200, json.dumps(doc).encode(), {"Content-Type": "application/json"})
        elif what == "redirect":
            self._answer(302, b"", {"Location": self.server.redirect_to})
        elif what == "big":
            self._answer(200, b"x" * int(arg), {"Content-Type": "text/plain"})
        elif what == "slow":
            time.sleep(float(arg))
            self._answer(200, b"{}", {"Content-Type": "application/json"})
        else:
            self._answer(404, b'{"error": "not found"}', {"Content-Type": "application/json"})

    do_GET = _handle
    do_POST = _handle


class FixtureServer(ThreadingHTTPServer):
    """The fixture, serving from a thread until ``stop()``."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.seen: list[Seen] = []
        self.redirect_to = ""
        self.canned: dict[str, tuple[int, bytes] | tuple[int, bytes, dict[str, str]]] = {}
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "FixtureServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
