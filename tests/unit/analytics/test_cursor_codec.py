"""AuditPagination cursors: opaque round trip, and every alteration or replay elsewhere refused with 400."""

from __future__ import annotations

import base64
import json

import pytest

from bidcraft.errors import BadRequest, ConfigurationError
from bidcraft.security.cursor import CursorCodec

KEY = b"k" * 32
OTHER_KEY = b"o" * 32
LAST_KEY = {"pk": {"S": "USER#u1"}, "sk": {"S": "2025-01-02T03:04:05.000006Z#e1"}}
SCOPE = {"caller": "u1", "partition": "USER#u1", "action": None, "date_from": None, "date_to": None}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_round_trip() -> None:
    codec = CursorCodec([KEY], "audit-logs")
    cursor = codec.encode(LAST_KEY, SCOPE)
    assert cursor.startswith("v1.")
    assert codec.decode(cursor, SCOPE) == LAST_KEY


def test_a_changed_payload_is_refused() -> None:
    # Given a valid cursor whose payload is swapped for another user's key
    codec = CursorCodec([KEY], "audit-logs")
    version, _, tag = codec.encode(LAST_KEY, SCOPE).split(".")
    forged = {"pk": {"S": "USER#victim"}, "sk": {"S": "2025-01-02T03:04:05.000006Z#e1"}}
    payload = _b64(json.dumps(forged, sort_keys=True, separators=(",", ":")).encode())

    # When / Then
    with pytest.raises(BadRequest) as caught:
        codec.decode(f"{version}.{payload}.{tag}", SCOPE)
    assert caught.value.slug == "invalid-cursor"


def test_every_single_character_change_is_refused() -> None:
    codec = CursorCodec([KEY], "audit-logs")
    cursor = codec.encode(LAST_KEY, SCOPE)
    for index in range(len(cursor)):
        replacement = "A" if cursor[index] != "A" else "B"
        altered = cursor[:index] + replacement + cursor[index + 1 :]
        with pytest.raises(BadRequest):
            codec.decode(altered, SCOPE)


@pytest.mark.parametrize(
    "change",
    [
        {"action": "authn_login_fail"},
        {"date_from": "2025-01-01"},
        {"caller": "u2"},
        {"partition": "USER#u2"},
    ],
)
def test_a_cursor_is_bound_to_its_query_and_caller(change: dict[str, str]) -> None:
    codec = CursorCodec([KEY], "audit-logs")
    cursor = codec.encode(LAST_KEY, SCOPE)
    with pytest.raises(BadRequest):
        codec.decode(cursor, {**SCOPE, **change})


def test_cursor_families_and_keys_do_not_mix() -> None:
    cursor = CursorCodec([KEY], "audit-logs").encode(LAST_KEY, SCOPE)
    with pytest.raises(BadRequest):
        CursorCodec([KEY], "other-family").decode(cursor, SCOPE)
    with pytest.raises(BadRequest):
        CursorCodec([OTHER_KEY], "audit-logs").decode(cursor, SCOPE)


def test_cursors_survive_a_key_rotation_while_the_old_key_is_listed() -> None:
    old = CursorCodec([KEY], "audit-logs").encode(LAST_KEY, SCOPE)
    rotated = CursorCodec([OTHER_KEY, KEY], "audit-logs")
    assert rotated.decode(old, SCOPE) == LAST_KEY


@pytest.mark.parametrize(
    "cursor",
    ["", "v1", "v1..", "v2.e30.AAAA", "v1.!!!.???", "v1.e30.e30.e30", "x" * 5000, "v1.\u00e9.AA", "null"],
)
def test_garbage_is_refused(cursor: str) -> None:
    with pytest.raises(BadRequest):
        CursorCodec([KEY], "audit-logs").decode(cursor, SCOPE)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"pk": "USER#u1"},
        {"pk": {"N": "1"}},
        {"evil": {"S": "x"}},
        {"pk": {"S": 1}},
        {"pk": {"S": "a", "N": "1"}},
    ],
)
def test_a_well_signed_payload_that_is_not_a_key_is_refused(payload: object) -> None:
    codec = CursorCodec([KEY], "audit-logs")
    cursor = codec.encode(payload, SCOPE)  # type: ignore[arg-type]
    with pytest.raises(BadRequest):
        codec.decode(cursor, SCOPE)


def test_short_keys_are_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError):
        CursorCodec([b"short"], "audit-logs")
