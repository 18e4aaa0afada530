"""Unit fixtures for the auth domain: settings from a fake environment, an in-memory signing key ring and
session table, so token rules are tested without AWS."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bidcraft import config
from bidcraft.auth import session_store, signing

SIGNING_KEY = b"unit-test-signing-key-0123456789abcdef"
OLD_KEY = b"previous-signing-key-abcdefghijklmnopqr"


class FakeSessions:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], session_store.Session] = {}

    def add(self, user_id: str, session_id: str, *, kind: str = "full", status: str = "active") -> None:
        self.items[(user_id, session_id)] = session_store.Session(
            user_id=user_id, session_id=session_id, kind=kind, status=status, created_at=0, last_used_at=0
        )

    def get(self, user_id: str, session_id: str) -> session_store.Session | None:
        return self.items.get((user_id, session_id))


@pytest.fixture
def token_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSessions]:
    monkeypatch.setenv("USERS_TABLE", "users")
    monkeypatch.setenv("SIGNING_KEY_SECRET_ARN", "arn:aws:secretsmanager:eu-central-1:1:secret:signing")
    monkeypatch.setenv("JWT_ISSUER", "bidcraft")
    monkeypatch.setenv("JWT_AUDIENCE", "bidcraft-api")
    config.reset()
    ring = signing.parse(
        {"keys": [{"kid": "k2", "key": SIGNING_KEY.decode()}, {"kid": "k1", "key": OLD_KEY.decode()}]}
    )
    monkeypatch.setattr(signing, "keyring", lambda: ring)
    fake = FakeSessions()
    monkeypatch.setattr(session_store, "get_session", fake.get)
    yield fake
    config.reset()
