"""Envelope encryption logic over an in-memory KMS: format, binding, caching, error mapping.

The same properties against moto's KMS are in tests/integration/crypto.
"""

from __future__ import annotations

import pytest

from bidcraft import config
from bidcraft.crypto import envelope
from bidcraft.crypto.envelope import PURPOSE_TOTP_SEED, PURPOSE_UPWORK_TOKEN, DecryptionFailed
from bidcraft.errors import ConfigurationError, ServiceUnavailable

from .conftest import KEY_ID
from .fake_kms import FakeKms

SECRET = b"upwork-refresh-token-value-that-must-never-leak"


def test_round_trip_and_blob_layout(kms: FakeKms) -> None:
    blob = envelope.encrypt(SECRET, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)
    assert blob[0] == envelope.VERSION == 0x01
    wrapped_len = int.from_bytes(blob[1:3], "big")
    assert len(blob) == 3 + wrapped_len + 12 + len(SECRET) + 16
    assert SECRET not in blob
    assert envelope.decrypt(blob, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN) == SECRET


def test_one_kms_call_per_hundred_encryptions_per_context(kms: FakeKms) -> None:
    for i in range(250):
        envelope.encrypt(b"x%d" % i, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)
    assert kms.calls["GenerateDataKey"] == 3
    envelope.encrypt(b"x", user_id="u2", purpose=PURPOSE_UPWORK_TOKEN)
    envelope.encrypt(b"x", user_id="u1", purpose=PURPOSE_TOTP_SEED)
    assert kms.calls["GenerateDataKey"] == 5


def test_read_after_write_needs_no_decrypt_call(kms: FakeKms) -> None:
    blob = envelope.encrypt(SECRET, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)
    envelope.decrypt(blob, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)
    assert kms.calls["Decrypt"] == 0


def test_cold_reads_cost_one_decrypt_per_data_key(kms: FakeKms) -> None:
    blobs = [envelope.encrypt(b"%d" % i, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN) for i in range(10)]
    envelope.reset_cache()
    for _ in range(3):
        assert [envelope.decrypt(b, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN) for b in blobs] == [
            b"%d" % i for i in range(10)
        ]
    assert kms.calls["Decrypt"] == 1


def test_c4_swap_to_another_user_fails_cold_and_warm(kms: FakeKms) -> None:
    blob = envelope.encrypt(SECRET, user_id="alice", purpose=PURPOSE_UPWORK_TOKEN)
    with pytest.raises(DecryptionFailed):  # warm: the data key is cached, but only for alice's context
        envelope.decrypt(blob, user_id="bob", purpose=PURPOSE_UPWORK_TOKEN)
    envelope.reset_cache()
    with pytest.raises(DecryptionFailed):  # cold: KMS refuses the context
        envelope.decrypt(blob, user_id="bob", purpose=PURPOSE_UPWORK_TOKEN)


def test_c5_wrong_purpose_fails(kms: FakeKms) -> None:
    blob = envelope.encrypt(b"JBSWY3DPEHPK3PXP", user_id="alice", purpose=PURPOSE_TOTP_SEED)
    with pytest.raises(DecryptionFailed):
        envelope.decrypt(blob, user_id="alice", purpose=PURPOSE_UPWORK_TOKEN)


def test_aad_binding_holds_even_if_a_data_key_were_shared(kms: FakeKms) -> None:
    # Given a data key wrongly cached for bob too, When alice's blob is read as bob's, Then GCM still refuses.
    blob = envelope.encrypt(SECRET, user_id="alice", purpose=PURPOSE_UPWORK_TOKEN)
    wrapped = blob[3 : 3 + int.from_bytes(blob[1:3], "big")]
    key = envelope._cache().get_for_decryption(wrapped, (KEY_ID, "alice", PURPOSE_UPWORK_TOKEN))
    assert key is not None
    envelope._cache().add_for_decryption(wrapped, (KEY_ID, "bob", PURPOSE_UPWORK_TOKEN), key)
    with pytest.raises(DecryptionFailed):
        envelope.decrypt(blob, user_id="bob", purpose=PURPOSE_UPWORK_TOKEN)


def test_c3_bit_flips_anywhere_fail_generically(kms: FakeKms) -> None:
    blob = envelope.encrypt(SECRET, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)
    for index in range(len(blob)):
        envelope.reset_cache()
        tampered = bytearray(blob)
        tampered[index] ^= 0x10
        with pytest.raises(DecryptionFailed):
            envelope.decrypt(bytes(tampered), user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)


@pytest.mark.parametrize(
    "blob", [b"", b"\x01", b"\x02" + b"\x00" * 80, b"\x01\x00\x00" + b"\x00" * 80, b"\x01\xff\xff"]
)
def test_malformed_blobs_fail_before_kms(kms: FakeKms, blob: bytes) -> None:
    with pytest.raises(DecryptionFailed):
        envelope.decrypt(blob, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)
    assert kms.calls["Decrypt"] == 0


def test_blob_for_another_kms_key_fails_as_integrity(kms: FakeKms) -> None:
    blob = envelope.encrypt(SECRET, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN, key_id="other-key")
    envelope.reset_cache()
    with pytest.raises(DecryptionFailed):
        envelope.decrypt(blob, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)
    assert envelope.decrypt(blob, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN, key_id="other-key") == SECRET


@pytest.mark.parametrize(
    "code", ["AccessDeniedException", "ThrottlingException", "KMSInternalException", "DisabledException", ""]
)
def test_c8_kms_failures_fail_closed_as_service_unavailable(kms: FakeKms, code: str) -> None:
    kms.fail_with = code or "SomethingNew"
    with pytest.raises(ServiceUnavailable) as caught:
        envelope.encrypt(SECRET, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)
    assert caught.value.status == 503
    assert "Retry-After" in caught.value.headers
    kms.fail_with = None
    blob = envelope.encrypt(SECRET, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)
    envelope.reset_cache()
    kms.fail_with = code or "SomethingNew"
    with pytest.raises(ServiceUnavailable):
        envelope.decrypt(blob, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)


def test_unknown_purpose_and_empty_user_are_programming_errors(kms: FakeKms) -> None:
    with pytest.raises(ValueError, match="purpose"):
        envelope.encrypt(SECRET, user_id="u1", purpose="session")
    with pytest.raises(ValueError, match="user_id"):
        envelope.encrypt(SECRET, user_id="", purpose=PURPOSE_TOTP_SEED)
    assert kms.calls["GenerateDataKey"] == 0


def test_missing_key_id_is_a_configuration_error(kms: FakeKms, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KMS_KEY_ID")
    config.reset()
    with pytest.raises(ConfigurationError):
        envelope.encrypt(SECRET, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)


def test_nothing_secret_is_logged(kms: FakeKms, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    blob = envelope.encrypt(SECRET, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)
    envelope.reset_cache()
    kms.fail_with = "AccessDeniedException"
    with pytest.raises(ServiceUnavailable):
        envelope.decrypt(blob, user_id="u1", purpose=PURPOSE_UPWORK_TOKEN)
    assert "AccessDeniedException" in caplog.text
    assert SECRET.decode() not in caplog.text
    assert blob.hex()[:40] not in caplog.text
