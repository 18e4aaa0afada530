"""Analytics integration helpers: tokens for fresh users, calls to AnalyticsFunction, DynamoDB call counts.

Tokens are real: `bidcraft.auth.sessions.start_full` creates a live session in the users table and issues the
access token the guard verifies (signature, claims and session liveness) — the same path a sign-in takes.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from bidcraft import clock
from bidcraft.auth import sessions
from devserver import calls as aws_calls
from devserver.testing import LocalAws, random_test_ip
from tests.integration.replies import Reply


@dataclass(frozen=True)
class User:
    user_id: str
    token: str


Call = Callable[..., Reply]


def new_user_id() -> str:
    return f"it-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def make_user() -> Callable[..., User]:
    """`make_user(roles=("user",))` → a new user id with a live session and its access token."""

    def _make(roles: tuple[str, ...] = ("user",), user_id: str | None = None) -> User:
        user_id = user_id or new_user_id()
        issued = sessions.start_full(user_id, list(roles), now=clock.epoch(clock.now()) - 5)
        return User(user_id=user_id, token=issued.access_token.token)

    return _make


@pytest.fixture
def user(make_user: Callable[..., User]) -> User:
    return make_user()


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(roles=("user", "admin"))


@pytest.fixture
def call(local_aws: LocalAws) -> Call:
    """`call(method, path, body=None, *, user=None, token=None, query=None, ip=None)` → Reply."""

    def _call(
        method: str,
        path: str,
        body: Any = None,
        *,
        user: User | None = None,
        token: str | None = None,
        query: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        ip: str | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        bearer = token or (user.token if user else None)
        if bearer is not None:
            sent["authorization"] = f"Bearer {bearer}"
        event = local_aws.apigw_event(
            method, path, body=body, headers=sent, query=query, source_ip=ip or random_test_ip()
        )
        return Reply.from_raw(local_aws.invoke("AnalyticsFunction", event))

    return _call


@pytest.fixture
def dynamodb_calls() -> Iterator[Counter[tuple[str, str]]]:
    """Counts DynamoDB calls of every client (PynamoDB's included) as (operation, table) pairs."""
    with aws_calls.dynamodb_calls() as calls:
        yield calls
