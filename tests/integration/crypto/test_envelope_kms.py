"""Envelope encryption against KMS in moto server mode (security-tests §9: C3-C8, M12)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import pytest
from botocore.stub import Stubber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bidcraft import aws
from bidcraft.crypto import envelope
from bidcraft.crypto.envelope import PURPOSE_TOTP_SEED, PURPOSE_UPWORK_TOKEN, DecryptionFailed
from bidcraft.errors import ServiceUnavailable

TOKEN = b'{"access_token":"oauth2v2_abc123SECRET","refresh_token":"oauth2v2_rt_SECRET987"}'


def _wrapped_len(blob: bytes) -> int:
    return int.from_bytes(blob[1:3], "big")


def test_round_trip_through_kms(kms_calls: Counter[str]) -> None:
    blob = envelope.encrypt(TOKEN, user_id="user-rt", purpose=PURPOSE_UPWORK_TOKEN)
    envelope.reset_cache()
    assert envelope.decrypt(blob, user_id="user-rt", purpose=PURPOSE_UPWORK_TOKEN) == TOKEN
    assert kms_calls == Counter({"GenerateDataKey": 1, "Decrypt": 1})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plaintext=st.binary(max_size=64 * 1024))
def test_c2_round_trip_property(plaintext: bytes) -> None:
    blob = envelope.encrypt(plaintext, user_id="user-prop", purpose=PURPOSE_TOTP_SEED)
    assert envelope.decrypt(blob, user_id="user-prop", purpose=PURPOSE_TOTP_SEED) == plaintext


def test_c7_version_byte_and_no_plaintext_in_the_blob() -> None:
    blob = envelope.encrypt(TOKEN, user_id="user-c7", purpose=PURPOSE_UPWORK_TOKEN)
    assert blob[0] == 0x01
    assert 0 < _wrapped_len(blob) < len(blob)
    for start in range(len(TOKEN) - 8):
        assert TOKEN[start : start + 8] not in blob


def test_c4_swap_attack_fails_with_and_without_cached_keys() -> None:
    # Given alice's encrypted Upwork token, When it is copied into bob's row, Then bob's read fails.
    blob = envelope.encrypt(TOKEN, user_id="alice-c4", purpose=PURPOSE_UPWORK_TOKEN)
    with pytest.raises(DecryptionFailed):
        envelope.decrypt(blob, user_id="bob-c4", purpose=PURPOSE_UPWORK_TOKEN)
    envelope.reset_cache()
    with pytest.raises(DecryptionFailed):
        envelope.decrypt(blob, user_id="bob-c4", purpose=PURPOSE_UPWORK_TOKEN)
    assert envelope.decrypt(blob, user_id="alice-c4", purpose=PURPOSE_UPWORK_TOKEN) == TOKEN


def test_c5_m12_totp_seed_read_as_upwork_token_fails() -> None:
    blob = envelope.encrypt(b"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", user_id="carol", purpose=PURPOSE_TOTP_SEED)
    envelope.reset_cache()
    with pytest.raises(DecryptionFailed):
        envelope.decrypt(blob, user_id="carol", purpose=PURPOSE_UPWORK_TOKEN)


@pytest.mark.parametrize("part", ["version", "length", "data_key", "nonce", "ciphertext", "tag"])
def test_c3_bit_flips_fail_generically(part: str) -> None:
    blob = envelope.encrypt(TOKEN, user_id="user-c3", purpose=PURPOSE_UPWORK_TOKEN)
    wrapped = _wrapped_len(blob)
    payload = 3 + wrapped
    offsets = {
        "version": [0],
        "length": [1, 2],
        # past moto's 36-byte key reference: its IV, tag and wrapped key (see the next test for the reference)
        "data_key": [3 + 36, 3 + 48, 3 + 64, payload - 1],
        "nonce": [payload, payload + 11],
        "ciphertext": [payload + 12, len(blob) - 17],
        "tag": [len(blob) - 16, len(blob) - 1],
    }[part]
    for offset in offsets:
        for bit in (0x01, 0x80):
            envelope.reset_cache()
            tampered = bytearray(blob)
            tampered[offset] ^= bit
            with pytest.raises(DecryptionFailed) as caught:
                envelope.decrypt(bytes(tampered), user_id="user-c3", purpose=PURPOSE_UPWORK_TOKEN)
            assert caught.value.detail == "Internal error"


def test_c3_corrupted_key_reference_in_the_data_key_fails_closed() -> None:
    # moto answers AccessDenied for a ciphertext naming an unknown key (real KMS: InvalidCiphertext or
    # IncorrectKey); either way nothing decrypts and the error is generic.
    blob = envelope.encrypt(TOKEN, user_id="user-c3k", purpose=PURPOSE_UPWORK_TOKEN)
    for offset in (3, 3 + 20, 3 + 35):
        envelope.reset_cache()
        tampered = bytearray(blob)
        tampered[offset] ^= 0x01
        with pytest.raises((DecryptionFailed, ServiceUnavailable)):
            envelope.decrypt(bytes(tampered), user_id="user-c3k", purpose=PURPOSE_UPWORK_TOKEN)


def test_c6_each_context_gets_its_own_data_key() -> None:
    a = envelope.encrypt(b"a", user_id="user-c6a", purpose=PURPOSE_UPWORK_TOKEN)
    b = envelope.encrypt(b"b", user_id="user-c6b", purpose=PURPOSE_UPWORK_TOKEN)
    c = envelope.encrypt(b"c", user_id="user-c6a", purpose=PURPOSE_TOTP_SEED)
    wrapped = {blob[3 : 3 + _wrapped_len(blob)] for blob in (a, b, c)}
    assert len(wrapped) == 3


def test_kms_calls_per_thousand_operations(kms_calls: Counter[str]) -> None:
    # 1,000 writes for one user and purpose → 10 data keys; cold reads of them → 10 Decrypt calls.
    blobs = [
        envelope.encrypt(b"%d" % i, user_id="user-bulk", purpose=PURPOSE_UPWORK_TOKEN) for i in range(1000)
    ]
    assert kms_calls["GenerateDataKey"] == 10
    envelope.reset_cache()
    for blob in blobs:
        envelope.decrypt(blob, user_id="user-bulk", purpose=PURPOSE_UPWORK_TOKEN)
    assert kms_calls["Decrypt"] == 10


def test_blob_from_another_kms_key_is_an_integrity_failure() -> None:
    other = aws.client("kms").create_key(Description="other")["KeyMetadata"]["KeyId"]
    blob = envelope.encrypt(TOKEN, user_id="user-k", purpose=PURPOSE_UPWORK_TOKEN, key_id=other)
    envelope.reset_cache()
    assert envelope.decrypt(blob, user_id="user-k", purpose=PURPOSE_UPWORK_TOKEN, key_id=other) == TOKEN
    envelope.reset_cache()
    with pytest.raises((DecryptionFailed, ServiceUnavailable)):
        envelope.decrypt(blob, user_id="user-k", purpose=PURPOSE_UPWORK_TOKEN)


@pytest.fixture
def stubbed_kms() -> Iterator[Stubber]:
    with Stubber(aws.client("kms")) as stubber:
        yield stubber


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("AccessDeniedException", 400),
        ("DisabledException", 400),  # moto does not enforce a disabled key's state
        ("KMSInvalidStateException", 400),
        ("KMSInternalException", 500),
        ("ThrottlingException", 400),
    ],
)
def test_c8_kms_errors_on_encrypt_are_service_unavailable(
    stubbed_kms: Stubber, code: str, status: int
) -> None:
    for _ in range(3):  # enough for botocore's retries of retryable errors
        stubbed_kms.add_client_error("generate_data_key", service_error_code=code, http_status_code=status)
    with pytest.raises(ServiceUnavailable) as caught:
        envelope.encrypt(TOKEN, user_id="user-c8", purpose=PURPOSE_UPWORK_TOKEN)
    assert caught.value.status == 503
    assert caught.value.headers["Retry-After"]


def test_c8_invalid_ciphertext_from_kms_is_decryption_failed(stubbed_kms: Stubber) -> None:
    blob = b"\x01\x00\x04" + b"wrap" + bytes(40)
    stubbed_kms.add_client_error(
        "decrypt", service_error_code="InvalidCiphertextException", http_status_code=400
    )
    with pytest.raises(DecryptionFailed):
        envelope.decrypt(blob, user_id="user-c8", purpose=PURPOSE_UPWORK_TOKEN)


def test_c8_access_denied_on_decrypt_is_service_unavailable(stubbed_kms: Stubber) -> None:
    blob = b"\x01\x00\x04" + b"wrap" + bytes(40)
    stubbed_kms.add_client_error("decrypt", service_error_code="AccessDeniedException", http_status_code=400)
    with pytest.raises(ServiceUnavailable):
        envelope.decrypt(blob, user_id="user-c8", purpose=PURPOSE_UPWORK_TOKEN)


def test_c8_unreachable_kms_fails_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given KMS on a closed port, When encrypting, Then 503 and nothing comes back in plaintext.
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    aws.reset()
    try:
        with pytest.raises(ServiceUnavailable):
            envelope.encrypt(TOKEN, user_id="user-down", purpose=PURPOSE_UPWORK_TOKEN)
    finally:
        monkeypatch.undo()
        aws.reset()
