"""Outbound-client tests send traffic to loopback addresses and nowhere else — enforced here, not hoped for.

`socket.socket.connect` refuses any non-loopback address and `socket.getaddrinfo` any name that is not a
loopback literal, for every test of this package: a guard that let a request through would fail loudly
instead of reaching a real host. Receivers are `LoopbackReceiver`s (tests/unit/outbound/receiver.py).
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest

_real_connect = socket.socket.connect
_real_getaddrinfo = socket.getaddrinfo


class NonLoopbackTraffic(AssertionError):
    pass


def _is_loopback(host: Any) -> bool:
    try:
        return ipaddress.ip_address(str(host).split("%", 1)[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def connect(self: socket.socket, address: Any) -> Any:
        host = address[0] if isinstance(address, tuple) else address
        if not _is_loopback(host):
            raise NonLoopbackTraffic(f"a test tried to connect to {host!r}")
        return _real_connect(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _is_loopback(host):
            raise NonLoopbackTraffic(f"a test tried to resolve {host!r}")
        return _real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
