"""The routes under ``<base_url>/huntkit/api/``, every verb authenticated
(and, for cookie sessions, XSRF-checked) by Jupyter's ``APIHandler``, and
authorized on the resource ``huntkit`` (reading the list is ``read``; a call
or the switch is ``write``), so a server that grants users less than full
access (a custom ``Authorizer``, JupyterHub sharing) decides who may spend
the owner's provider keys."""

from __future__ import annotations

import json
from typing import Any

import tornado.web
from jupyter_server.auth.decorator import authorized
from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join

from .gateway import HuntkitGateway
from .registry import GatewayError
from .validate import validate

#: Where the gateway sits in the tornado application's settings.
SETTINGS_KEY = "huntkit_gateway"


class _Base(APIHandler):
    auth_resource = "huntkit"

    @property
    def gateway(self) -> HuntkitGateway:
        return self.settings[SETTINGS_KEY]

    def refuse(self, error: GatewayError) -> None:
        self.set_status(error.status)
        for name, value in error.headers.items():
            self.set_header(name, value)
        self.finish(json.dumps({"message": error.message}))

    def json_body(self) -> Any:
        try:
            return json.loads(self.request.body or b"null")
        except ValueError:
            raise GatewayError(400, "the request body is not json") from None


class ProvidersHandler(_Base):
    """``GET``: the providers, their operations and whether each is
    configured; never a key."""

    @tornado.web.authenticated
    @authorized
    def get(self) -> None:
        try:
            self.finish(json.dumps(self.gateway.providers()))
        except GatewayError as e:
            self.refuse(e)


class CallHandler(_Base):
    """``POST`` an ``HttpRequest``: the provider's answer as an
    ``HttpResponse``, or a refusal ``{message}`` with a 4xx/5xx status."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        try:
            result = await self.gateway.call(self.json_body())
        except GatewayError as e:
            self.refuse(e)
            return
        self.finish(json.dumps(result))


class QueryHandler(_Base):
    """``POST`` an ``HttpRequest`` the core planned for a SIEM query
    provider (``siem`` kind only): the answer as an ``HttpResponse``. The
    server signs in to Azure (or adds the Splunk credentials) itself and
    allows the longer query timeout and answer size."""

    @tornado.web.authenticated
    @authorized
    async def post(self) -> None:
        try:
            result = await self.gateway.call(self.json_body(), siem_only=True)
        except GatewayError as e:
            self.refuse(e)
            return
        self.finish(json.dumps(result))


class SensitiveHandler(_Base):
    """``GET``/``PUT {on: bool}``: the session's sensitive switch; while on,
    every call is refused."""

    @tornado.web.authenticated
    @authorized
    def get(self) -> None:
        self.finish(json.dumps({"on": self.gateway.sensitive}))

    @tornado.web.authenticated
    @authorized
    def put(self) -> None:
        try:
            body = self.json_body()
            if not isinstance(body, dict) or not isinstance(body.get("on"), bool):
                raise GatewayError(400, "send {\"on\": true} or {\"on\": false}")
        except GatewayError as e:
            self.refuse(e)
            return
        self.gateway.sensitive = body["on"]
        self.log.info("huntkit: sensitive switch %s", "on" if body["on"] else "off")
        self.finish(json.dumps({"on": self.gateway.sensitive}))


class ConfigValidateHandler(_Base):
    """``GET``: the findings of ``huntkit config validate`` for the
    configuration file the gateway reads (section, key, line, message);
    never a value from it."""

    @tornado.web.authenticated
    @authorized
    async def get(self) -> None:
        try:
            result = await validate(self.gateway.config_file)
        except GatewayError as e:
            self.refuse(e)
            return
        self.finish(json.dumps(result))


def setup_handlers(web_app: tornado.web.Application, gateway: HuntkitGateway) -> None:
    """Adds the routes to Jupyter's application."""
    web_app.settings[SETTINGS_KEY] = gateway
    base = url_path_join(web_app.settings["base_url"], "huntkit", "api", "providers")
    web_app.add_handlers(
        ".*$",
        [
            (base, ProvidersHandler),
            (url_path_join(base, "call"), CallHandler),
            (url_path_join(base, "query"), QueryHandler),
            (url_path_join(base, "sensitive"), SensitiveHandler),
            # Not under api/config/: that is Jupyter's own config API, which
            # tools (Galata among them) intercept by path.
            (
                url_path_join(web_app.settings["base_url"], "huntkit", "api", "msticpyconfig", "validate"),
                ConfigValidateHandler,
            ),
        ],
    )
