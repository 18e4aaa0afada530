"""Failing closed (audit trail, KMS) and keeping secrets out of the logs."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from bidcraft import config, secrets
from bidcraft.auth import session_store, signing, upwork_client, upwork_token_store, upwork_tokens
from bidcraft.crypto import envelope
from bidcraft.users import store as users
from tests.integration.auth.conftest import new_sandbox_user


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    yield monkeypatch
    monkeypatch.undo()
    config.reset()
    envelope.reset_cache()


def test_no_tokens_are_handed_out_when_the_audit_trail_is_down(authorize, call, environment) -> None:
    upwork_id = new_sandbox_user()
    found = authorize(upwork_id)
    environment.setenv("AUDIT_TABLE", "no-such-audit-table")
    config.reset()

    reply = call("GET", "/auth/upwork/callback", query={"code": found.code, "state": found.state})

    assert reply.status == 503
    assert "access_token" not in reply.body
    assert reply.headers["retry-after"]
    user_id = users.find_by_upwork_id(upwork_id)
    assert user_id is not None
    assert session_store.active_sessions(user_id) == []


def test_kms_failure_fails_closed_and_stores_nothing(authorize, call, environment) -> None:
    upwork_id = new_sandbox_user()
    found = authorize(upwork_id)
    environment.setenv(
        "KMS_KEY_ID", "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000"
    )
    config.reset()
    envelope.reset_cache()

    reply = call("GET", "/auth/upwork/callback", query={"code": found.code, "state": found.state})

    assert reply.status == 503
    assert "access_token" not in reply.body
    user_id = users.find_by_upwork_id(upwork_id)
    assert user_id is not None
    assert upwork_token_store.get(user_id) is None
    assert session_store.active_sessions(user_id) == []


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        self.lines.append(message + " " + json.dumps(record.__dict__, default=str))


@pytest.fixture
def captured_logs() -> Iterator[_Collect]:
    """Everything logged at the production level (INFO), and our own code (`bidcraft.*`) down to DEBUG."""
    handler = _Collect()
    levels = {logging.getLogger(): logging.INFO, logging.getLogger("bidcraft"): logging.DEBUG}
    saved = {lg: lg.level for lg in levels}
    for lg, level in levels.items():
        lg.addHandler(handler)
        lg.setLevel(level)
    yield handler
    for lg, level in saved.items():
        lg.removeHandler(handler)
        lg.setLevel(level)


def test_no_token_code_or_secret_reaches_the_logs(authorize, call, server_clock, captured_logs) -> None:
    found = authorize(new_sandbox_user())
    signed = call("GET", "/auth/upwork/callback", query={"code": found.code, "state": found.state}).json
    token = signed["access_token"]
    setup = call("POST", "/auth/mfa/setup", token=token).json
    code = server_clock.code(setup["totp_secret"])
    call("POST", "/auth/mfa/verify", {"totp_code": "000000" if code != "000000" else "111111"}, token=token)
    call("POST", "/auth/mfa/verify", {"totp_code": code}, token=token)
    call("POST", "/auth/mfa/verify", {"totp_code": code}, token=token)  # replay
    rotated = call("POST", "/auth/refresh", {"refresh_token": signed["refresh_token"]}).json
    call("POST", "/auth/refresh", {"refresh_token": signed["refresh_token"]})  # reuse
    call("POST", "/auth/logout", {}, token=rotated["access_token"])
    user_id = signed["user"]["user_id"]
    stored = upwork_token_store.get(user_id)
    assert stored is not None
    upwork = upwork_tokens.unseal(user_id, stored.blob)
    client_secret = upwork_client.credentials()[1]

    forbidden = {
        "access token": token,
        "refresh token": signed["refresh_token"],
        "rotated access token": rotated["access_token"],
        "rotated refresh token": rotated["refresh_token"],
        "authorization code": found.code,
        "totp seed": setup["totp_secret"],
        "totp code": code,
        "upwork access token": upwork.access_token,
        "upwork refresh token": upwork.refresh_token,
        "upwork client secret": client_secret,
        "signing key": signing.keyring().active.key.decode(),
        **{f"backup code {i}": c for i, c in enumerate(setup["backup_codes"])},
    }
    text = "\n".join(captured_logs.lines)
    assert captured_logs.lines, "nothing was captured: the test would prove nothing"
    leaked = [name for name, value in forbidden.items() if value and value in text]
    assert leaked == [], [line for line in captured_logs.lines if any(v in line for v in forbidden.values())][
        :3
    ]
    secrets.reset()
