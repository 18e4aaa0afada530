"""Fixtures for the Upwork sandbox tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest

from devserver.sandbox import UpworkSandbox

from .helpers import CLIENT_ID, CLIENT_SECRET, Driver, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sandbox(clock: FakeClock) -> UpworkSandbox:
    return UpworkSandbox(CLIENT_ID, CLIENT_SECRET, clock)


@pytest.fixture
def driver(sandbox: UpworkSandbox) -> Driver:
    return Driver(sandbox)


@pytest.fixture
def unique_user() -> Callable[[str], str]:
    return lambda prefix="user": f"{prefix}-{uuid.uuid4().hex[:10]}"
