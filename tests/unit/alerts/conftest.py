"""Alerts unit tests: loopback-only sockets (as for the outbound client), fresh settings per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bidcraft import config
from tests.unit.outbound.conftest import loopback_only  # noqa: F401 - an autouse fixture, shared


@pytest.fixture
def local_stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings as on the local stack: loopback targets allowed (LOCAL_STACK=true)."""
    monkeypatch.setenv("LOCAL_STACK", "true")
    monkeypatch.setenv("TELEGRAM_BOT_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:tg")
    monkeypatch.setenv("ALERTS_EMAIL_FROM", "alerts@alerts.bidcraft.test")
    config.reset()
    yield
    monkeypatch.undo()
    config.reset()
