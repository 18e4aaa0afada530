"""Fixtures: the real Upwork client wired to an in-process sandbox through `httpx2.MockTransport`."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import httpx2
import pytest

from bidcraft.upwork import UpworkGraphQL, UpworkOAuth, make_client
from devserver.sandbox import UpworkSandbox
from devserver.sandbox.transport import mock_transport

from .helpers import BASE_URL, CLIENT_ID, CLIENT_SECRET, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock: Clock) -> UpworkSandbox:
    return UpworkSandbox(CLIENT_ID, CLIENT_SECRET, clock)


@pytest.fixture
def http(sandbox: UpworkSandbox) -> Iterator[httpx2.Client]:
    with make_client(transport=mock_transport(sandbox)) as client:
        yield client


@pytest.fixture
def oauth(http: httpx2.Client, clock: Clock) -> UpworkOAuth:
    return UpworkOAuth(BASE_URL, CLIENT_ID, CLIENT_SECRET, http, clock=clock, sleep=clock.sleep)


@pytest.fixture
def api(http: httpx2.Client, clock: Clock) -> UpworkGraphQL:
    return UpworkGraphQL(BASE_URL, http, sleep=clock.sleep, clock=clock)


@pytest.fixture
def unique_user() -> Callable[[str], str]:
    return lambda prefix="user": f"{prefix}-{uuid.uuid4().hex[:10]}"
