"""Azure bearer tokens for the SIEM query providers (Log Analytics /
Microsoft Sentinel, Defender, Azure Data Explorer), obtained by the Jupyter
server and never shown to the page.

Two ways, in this order: a token the hunter already has in the server's
``HUNTKIT_AZURE_TOKEN``; or the OAuth2 client-credentials flow (the
request the core's ``siem::azuread`` module builds for the CLI) with
``AZURE_TENANT_ID``/``AZURE_CLIENT_ID``/``AZURE_CLIENT_SECRET``, else the
provider's own ``Args`` (``TenantId``, ``ClientId``, ``ClientSecret``) or
``DataProviders.AzureCLI.Args`` (``tenantId``, ``clientId``,
``clientSecret``), with the workspace's ``TenantId`` as the last resort for
the tenant. Tokens are kept per tenant, client and scope until a minute
before they expire.
"""

from __future__ import annotations

import json
import os
import re
import time
from typing import Any, Awaitable, Callable
from urllib.parse import urlencode

from .msticpyconfig import MsticpyConfig
from .registry import GatewayError

#: The server's environment variable holding a pre-obtained token.
TOKEN_ENV = "HUNTKIT_AZURE_TOKEN"

_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,252}$")

#: MSTICPy's spellings of each credential, per section.
_KEYS = {
    "tenant": ("TenantId", "tenantId", "tenant_id"),
    "client": ("ClientId", "clientId", "client_id"),
    "secret": ("ClientSecret", "clientSecret", "client_secret"),
}

#: ``(method, url, headers, body) -> (status, body bytes)``: how the
#: gateway sends the token request (its guarded client).
Send = Callable[[str, str, dict[str, str], bytes], Awaitable[tuple[int, bytes]]]


class AzureTokens:
    """The server's token cache."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str, str, str], tuple[str, float]] = {}

    @staticmethod
    def credentials(
        config: MsticpyConfig, config_name: str, workspace_tenant: str | None
    ) -> tuple[dict[str, str], list[str]]:
        """The client credentials found, and the names of the ones missing."""
        found: dict[str, str] = {}
        env = {"tenant": "AZURE_TENANT_ID", "client": "AZURE_CLIENT_ID", "secret": "AZURE_CLIENT_SECRET"}
        for what, keys in _KEYS.items():
            value = os.environ.get(env[what], "").strip()
            if not value:
                for section in (config_name, "AzureCLI"):
                    for key in keys:
                        try:
                            value = config.value("azure", section, key).strip()
                        except GatewayError:
                            continue
                        if value:
                            break
                    if value:
                        break
            if not value and what == "tenant" and workspace_tenant:
                value = workspace_tenant
            if value:
                found[what] = value
        missing = [env[w] for w in _KEYS if w not in found]
        return found, missing

    def configured(self, config: MsticpyConfig, config_name: str, workspace_tenant: str | None) -> list[str]:
        """What is missing to get a token (empty when one can be had)."""
        if os.environ.get(TOKEN_ENV, "").strip():
            return []
        _, missing = self.credentials(config, config_name, workspace_tenant)
        return missing

    async def token(
        self,
        config: MsticpyConfig,
        config_name: str,
        scope: str,
        workspace_tenant: str | None,
        authority: Callable[[], str],
        send: Send,
    ) -> tuple[str, list[str]]:
        """A token for ``scope``, and the secrets to scrub from anything
        the page sees. Raises ``GatewayError`` naming what to configure, or
        Azure AD's own error code and description when sign-in fails."""
        given = os.environ.get(TOKEN_ENV, "").strip()
        if given:
            return given, [given]
        creds, missing = self.credentials(config, config_name, workspace_tenant)
        if missing:
            raise GatewayError(
                400,
                "azure sign-in is not configured on the jupyter server: set "
                f"{TOKEN_ENV}, or {', '.join(missing)} (or DataProviders.AzureCLI.Args)",
            )
        tenant = creds["tenant"]
        if not _TENANT.match(tenant):
            raise GatewayError(400, "the configured azure tenant id is not a GUID or domain")
        # Resolved only now: a server with no azure credentials says so first.
        authority = authority()
        key = (authority, tenant, creds["client"], scope)
        hit = self._cache.get(key)
        if hit and hit[1] > time.monotonic():
            return hit[0], [hit[0], creds["secret"]]
        body = urlencode(
            {
                "grant_type": "client_credentials",
                "client_id": creds["client"],
                "client_secret": creds["secret"],
                "scope": scope,
            }
        ).encode()
        status, answer = await send(
            "POST",
            f"{authority.rstrip('/')}/{tenant}/oauth2/v2.0/token",
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"},
            body,
        )
        try:
            doc: Any = json.loads(answer.decode("utf-8", errors="replace"))
        except ValueError:
            doc = {}
        if not isinstance(doc, dict):
            doc = {}
        if status != 200 or not isinstance(doc.get("access_token"), str):
            why = str(doc.get("error_description") or "").splitlines()[:1]
            code = str(doc.get("error") or "")
            text = " ".join(x for x in [f"http {status}", code, *why] if x)
            raise GatewayError(502, f"azure sign-in failed: {text}".replace(creds["secret"], "[secret removed]"))
        token = doc["access_token"]
        try:
            expires = float(doc.get("expires_in") or 0)
        except (TypeError, ValueError):
            expires = 0.0
        self._cache[key] = (token, time.monotonic() + max(0.0, expires - 60.0))
        return token, [token, creds["secret"]]
