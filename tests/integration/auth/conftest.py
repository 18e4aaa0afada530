"""Auth integration helpers: call the auth function in-process, sign in through the Upwork sandbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import httpx2
import pytest

from bidcraft import aws, clock
from bidcraft.auth import totp
from bidcraft.crypto import envelope
from devserver.testing import LocalAws, random_test_ip
from tests.integration import session
from tests.integration.audit import audit_actions, audit_records
from tests.integration.replies import Reply
from tests.integration.session import Authorization

Call = Callable[..., Reply]


@pytest.fixture(autouse=True)
def _fresh_crypto_cache() -> Iterator[None]:
    envelope.reset_cache()
    yield
    envelope.reset_cache()


@pytest.fixture
def client_ip() -> str:
    """One client IP per test, so the per-IP AUTH limit of one test never throttles another."""
    return random_test_ip()


@pytest.fixture
def call(local_aws: LocalAws, client_ip: str) -> Call:
    """`call(method, path, body=None, token=None, query=None, headers=None)` → Reply from AuthFunction."""

    def _call(
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str | None = None,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        ip: str | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        if token is not None:
            sent["authorization"] = f"Bearer {token}"
        event = local_aws.apigw_event(
            method, path, body=body, headers=sent, query=query, source_ip=ip or client_ip
        )
        return Reply.from_raw(local_aws.invoke("AuthFunction", event))

    return _call


@pytest.fixture
def authorize(local_aws: LocalAws, redirect_uri: str, client_ip: str) -> Callable[..., Authorization]:
    """Run init and the sandbox's authorize page: the code and state the browser would bring back."""

    def _authorize(sandbox_user: str, proposals: int = 2) -> Authorization:
        return session.authorize(
            local_aws, redirect_uri, sandbox_user, proposals=proposals, source_ip=client_ip
        )

    return _authorize


@pytest.fixture
def sign_in(local_aws: LocalAws, redirect_uri: str, client_ip: str) -> Callable[..., Reply]:
    """Complete a sign-in through the sandbox; returns the callback reply."""

    def _sign_in(sandbox_user: str | None = None, proposals: int = 2) -> Reply:
        return session.sign_in(
            local_aws, redirect_uri, account=sandbox_user, proposals=proposals, source_ip=client_ip
        ).reply

    return _sign_in


new_sandbox_user = session.new_account


def users_table() -> str:
    import os

    return os.environ["USERS_TABLE"]


def audit_table() -> str:
    import os

    return os.environ["AUDIT_TABLE"]


def raw_item(pk: str, sk: str, table: str | None = None) -> dict[str, Any] | None:
    response = aws.client("dynamodb").get_item(
        TableName=table or users_table(), Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    )
    return response.get("Item")


# --- time the server sees -----------------------------------------------------------------------------------


@dataclass
class ServerClock:
    """What `bidcraft.clock.now()` returns while a test runs: starts 10 minutes in the past (so tokens issued
    "now" are never from the future for PyJWT's real-time `iat` check) at the start of a TOTP step."""

    epoch: float

    def now(self) -> Any:
        from datetime import UTC, datetime

        return datetime.fromtimestamp(self.epoch, UTC)

    def advance(self, seconds: float) -> None:
        self.epoch += seconds

    @property
    def step(self) -> int:
        return int(self.epoch) // totp.STEP_SECONDS

    def code(self, secret: str, steps: int = 0) -> str:
        return totp.code_at(secret, int(self.epoch) + steps * totp.STEP_SECONDS)


@pytest.fixture
def server_clock(monkeypatch: pytest.MonkeyPatch) -> ServerClock:
    import time

    start = (int(time.time()) - 600) // totp.STEP_SECONDS * totp.STEP_SECONDS + 1
    frozen = ServerClock(float(start))
    monkeypatch.setattr(clock, "now", frozen.now)
    return frozen


# --- what reaches Upwork ------------------------------------------------------------------------------------


class RecordingTransport(httpx2.BaseTransport):
    """Forwards to the real sandbox over HTTP and remembers every request (method, URL, form body)."""

    def __init__(self, respond: Callable[[httpx2.Request], httpx2.Response] | None = None) -> None:
        self._inner = httpx2.HTTPTransport()
        self._respond = respond
        self.requests: list[httpx2.Request] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        self.requests.append(request)
        if self._respond is not None:
            return self._respond(request)
        return self._inner.handle_request(request)

    def forms(self) -> list[dict[str, list[str]]]:
        return [parse_qs(r.content.decode()) for r in self.requests if r.method == "POST"]


@pytest.fixture
def upwork_traffic() -> Iterator[Callable[..., RecordingTransport]]:
    """`upwork_traffic(respond=None)` routes the auth domain's Upwork calls through a recording transport."""
    from bidcraft.auth import upwork_client
    from bidcraft.upwork.http import make_client

    clients: list[httpx2.Client] = []

    def _install(respond: Callable[[httpx2.Request], httpx2.Response] | None = None) -> RecordingTransport:
        transport = RecordingTransport(respond)
        client = make_client(transport=transport)
        clients.append(client)
        upwork_client.use_http_client(client)
        return transport

    yield _install
    upwork_client.use_http_client(None)
    for client in clients:
        client.close()


__all__ = ["Authorization", "audit_actions", "audit_records", "new_sandbox_user", "raw_item", "users_table"]
