"""Auth integration helpers: call the auth function in-process, sign in through the Upwork sandbox."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from bidcraft import aws, clock
from bidcraft.auth import totp
from bidcraft.crypto import envelope
from devserver.testing import LocalAws, random_test_ip
from tests.integration.replies import Reply

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


@dataclass
class Authorization:
    code: str
    state: str
    location: str


@pytest.fixture
def authorize(call: Call, redirect_uri: str) -> Callable[..., Authorization]:
    """Run init and the sandbox's authorize page: the code and state the browser would bring back."""

    def _authorize(sandbox_user: str, proposals: int = 2) -> Authorization:
        init = call("POST", "/auth/upwork/init", {"redirect_uri": redirect_uri})
        assert init.status == 200, init.body
        url = f"{init.json['authorization_url']}&sandbox_user={sandbox_user}&sandbox_proposals={proposals}"
        response = httpx2.get(url, follow_redirects=False, timeout=10)
        assert response.status_code == 302, response.text
        location = response.headers["location"]
        params = parse_qs(urlsplit(location).query)
        return Authorization(code=params["code"][0], state=params["state"][0], location=location)

    return _authorize


@pytest.fixture
def sign_in(call: Call, authorize: Callable[..., Authorization]) -> Callable[..., Reply]:
    """Complete a sign-in through the sandbox; returns the callback reply."""

    def _sign_in(sandbox_user: str | None = None, **kwargs: Any) -> Reply:
        found = authorize(sandbox_user or new_sandbox_user(), **kwargs)
        reply = call("GET", "/auth/upwork/callback", query={"code": found.code, "state": found.state})
        assert reply.status == 200, reply.body
        return reply

    return _sign_in


def new_sandbox_user() -> str:
    return f"it-{uuid.uuid4().hex[:12]}"


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


def audit_actions(user_id: str) -> list[str]:
    response = aws.client("dynamodb").query(
        TableName=audit_table(),
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
        ScanIndexForward=True,
    )
    return [item["action"]["S"] for item in response.get("Items", [])]


def audit_records(user_id: str) -> list[dict[str, Any]]:
    from bidcraft import dynamo

    response = aws.client("dynamodb").query(
        TableName=audit_table(),
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
    )
    return [dynamo.plain(item) or {} for item in response.get("Items", [])]


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
