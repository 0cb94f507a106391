"""Which addresses a provider call may connect to.

A registry host (or a configured one) is only a name; what it resolves to
decides where the request goes. The gateway's HTTP client resolves through
``GuardedResolver``, so the addresses checked are the very ones connected
to: a name that resolves to a private address (DNS rebinding) is refused at
connect time, not only at a check before it.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

from tornado.netutil import DefaultLoopResolver, Resolver


class RefusedAddress(Exception):
    """The host resolved to an address provider calls must not reach."""

    def __init__(self, host: str, address: str, why: str):
        super().__init__(f"host {host!r} resolves to {why} address {address}, which is refused")
        self.host = host


def why_refused(address: str, allow_loopback: bool = False) -> str | None:
    """Why an address may not be reached (``"private"``, ``"link-local"``,
    …), or ``None`` for a public unicast address. Loopback passes only when
    ``allow_loopback`` (the tests' fixture servers)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        # ::ffff:a.b.c.d and 6to4/teredo forms reach IPv4 hosts: judge those.
        ip = ip.ipv4_mapped or ip.sixtofour or ip
    if ip.is_loopback:
        return None if allow_loopback else "loopback"
    for why, test in (
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
    ):
        if test:
            return why
    if not ip.is_global:
        return "non-public"
    return None


class GuardedResolver(Resolver):
    """Tornado's resolver, refusing any answer that holds a non-public
    address (all addresses, so no retry can fall back to a refused one)."""

    def initialize(self, allow_loopback: bool = False, **kwargs: Any) -> None:  # noqa: D401
        self.allow_loopback = allow_loopback
        self.inner = DefaultLoopResolver()

    async def resolve(
        self, host: str, port: int, family: socket.AddressFamily = socket.AF_UNSPEC
    ) -> list[tuple[int, Any]]:
        answers = await self.inner.resolve(host, port, family)
        for _family, sockaddr in answers:
            why = why_refused(sockaddr[0], self.allow_loopback)
            if why:
                raise RefusedAddress(host, sockaddr[0], why)
        return answers

    def close(self) -> None:
        self.inner.close()
