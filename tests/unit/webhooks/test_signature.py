"""Standard Webhooks verification: the published vector, tolerance both ways, rotation, malformed headers."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from standardwebhooks.webhooks import Webhook

from bidcraft.webhooks import signature

# W2: the Standard Webhooks specification's test vector (security-tests.md §10)
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MSG_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
TIMESTAMP = 1614265330
BODY = b'{"test": 2432232314}'
EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
KEYS = [signature.decode_secret(SECRET)]


def verify(
    *,
    msg_id: str | None = MSG_ID,
    timestamp: str | None = str(TIMESTAMP),
    header: str | None = EXPECTED,
    body: bytes = BODY,
    now: int = TIMESTAMP,
    keys: list[bytes] = KEYS,
) -> int:
    return signature.verify(
        keys, msg_id=msg_id, timestamp=timestamp, signature_header=header, body=body, now=now
    )


def test_standard_webhooks_vector_w2() -> None:
    assert signature.signature(KEYS[0], MSG_ID, TIMESTAMP, BODY) == EXPECTED
    assert verify() == TIMESTAMP


def test_agrees_with_the_reference_library() -> None:
    reference = Webhook(SECRET).sign(MSG_ID, datetime.fromtimestamp(TIMESTAMP, tz=UTC), BODY.decode())
    assert reference == EXPECTED


def test_reserialised_body_is_rejected_w4() -> None:
    reserialised = json.dumps(json.loads(BODY), separators=(",", ":")).encode()
    with pytest.raises(signature.VerificationError, match="signature_mismatch"):
        verify(body=reserialised)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"header": None}, "missing_headers"),
        ({"timestamp": None}, "missing_headers"),
        ({"msg_id": None}, "missing_headers"),
        ({"timestamp": "16142653a0"}, "invalid_timestamp"),
        ({"timestamp": "1.6e9"}, "invalid_timestamp"),
        ({"timestamp": "-1614265330"}, "invalid_timestamp"),
        ({"header": "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="}, "no_v1_signature"),
        ({"header": "v1"}, "no_v1_signature"),
        ({"header": "v1,"}, "no_v1_signature"),
        ({"header": "v1,not base64!!"}, "no_v1_signature"),
        ({"header": "v2," + EXPECTED[3:]}, "no_v1_signature"),
        ({"header": "v1," * 2000}, "oversized_headers"),
    ],
)
def test_missing_or_malformed_headers_are_rejected_w5(changes: dict[str, str | None], reason: str) -> None:
    with pytest.raises(signature.VerificationError) as caught:
        verify(**changes)  # type: ignore[arg-type]
    assert caught.value.reason == reason


@pytest.mark.parametrize("offset", [-301, 301, -10_000, 10_000])
def test_timestamp_outside_tolerance_both_directions_w6(offset: int) -> None:
    with pytest.raises(signature.VerificationError, match=r"timestamp_too_(old|new)"):
        verify(now=TIMESTAMP - offset)


@pytest.mark.parametrize("offset", [-300, 0, 300])
def test_timestamp_at_the_edges_of_tolerance_is_accepted(offset: int) -> None:
    assert verify(now=TIMESTAMP - offset) == TIMESTAMP


def test_one_bad_and_one_good_signature_is_accepted_w7() -> None:
    bad = "v1," + base64.b64encode(b"\x00" * 32).decode()
    assert verify(header=f"{bad} {EXPECTED}") == TIMESTAMP
    assert verify(header=f"v2,whatever  {EXPECTED}") == TIMESTAMP


def test_signature_headers_joined_by_a_proxy_still_verify() -> None:
    bad = "v1," + base64.b64encode(b"\x01" * 32).decode()
    assert verify(header=f"{bad},{EXPECTED}") == TIMESTAMP
    assert verify(header=f"{bad}, {EXPECTED}") == TIMESTAMP


def test_rotated_secrets_either_key_verifies() -> None:
    new_key = b"n" * 32
    assert verify(keys=[new_key, KEYS[0]]) == TIMESTAMP
    stored = signature.decode_secrets("whsec_" + base64.b64encode(new_key).decode() + " " + SECRET)
    assert stored == [new_key, KEYS[0]]


@pytest.mark.parametrize(
    "header",
    [
        EXPECTED[:-2] + "=",  # truncated
        EXPECTED + "AAAA",  # different length
        "v1," + base64.b64decode(EXPECTED[3:]).hex(),  # hex instead of base64
        "v1," + base64.b64decode(EXPECTED[3:]).hex().upper(),
        EXPECTED.upper(),
    ],
)
def test_altered_signatures_are_rejected_w8(header: str) -> None:
    with pytest.raises(signature.VerificationError):
        verify(header=header)


@pytest.mark.parametrize(
    "secret", ["", "whsec_", "whsec_!!!", "whsec_" + base64.b64encode(b"short").decode()]
)
def test_malformed_secrets_are_refused(secret: str) -> None:
    with pytest.raises(ValueError, match="secret"):
        signature.decode_secrets(secret)


def _mutate(data: bytes, index: int, value: int) -> bytes:
    position = index % len(data)
    replacement = value if value != data[position] else (value + 1) % 256
    return data[:position] + bytes([replacement]) + data[position + 1 :]


@settings(max_examples=300)
@given(
    target=st.sampled_from(["body", "msg_id", "timestamp"]),
    index=st.integers(0, 10_000),
    value=st.integers(0, 255),
)
def test_any_single_byte_mutation_is_rejected_w13(target: str, index: int, value: int) -> None:
    body, msg_id, timestamp = BODY, MSG_ID.encode(), str(TIMESTAMP).encode()
    if target == "body":
        body = _mutate(body, index, value)
    elif target == "msg_id":
        msg_id = _mutate(msg_id, index, value)
    else:
        timestamp = _mutate(timestamp, index, value)
    with pytest.raises(signature.VerificationError):
        verify(
            body=body,
            msg_id=msg_id.decode("latin-1"),
            timestamp=timestamp.decode("latin-1"),
            now=TIMESTAMP,
        )


@settings(max_examples=300)
@given(
    msg_id=st.one_of(st.none(), st.text(max_size=40)),
    timestamp=st.one_of(st.none(), st.text(max_size=20), st.integers().map(str)),
    header=st.one_of(st.none(), st.text(max_size=200)),
    body=st.binary(max_size=200),
)
def test_garbage_never_raises_anything_but_a_verification_error_w12(
    msg_id: str | None, timestamp: str | None, header: str | None, body: bytes
) -> None:
    with pytest.raises(signature.VerificationError):
        verify(msg_id=msg_id, timestamp=timestamp, header=header, body=body)
