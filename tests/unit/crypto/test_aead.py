"""AES-256-GCM wrapper: NIST known answer (C1), round trip (C2), tampering (C3), nonces (C6)."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bidcraft.crypto import aead
from bidcraft.crypto.aead import DecryptionFailed

K = bytes.fromhex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308")
IV = bytes.fromhex("cafebabefacedbaddecaf888")
P = bytes.fromhex(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"
)
AAD = bytes.fromhex("feedfacedeadbeeffeedfacedeadbeefabaddad2")
C = bytes.fromhex(
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
)
T = bytes.fromhex("76fc6ece0f4e1768cddf8853bb2d551b")


def test_c1_nist_gcm_test_case_16() -> None:
    assert aead.encrypt_with_nonce(K, IV, P, AAD) == C + T


def test_c1_opening_the_known_answer_and_rejecting_extra_aad() -> None:
    assert aead.open_(K, IV + C + T, AAD) == P
    with pytest.raises(DecryptionFailed):
        aead.open_(K, IV + C + T, AAD + b"x")


@settings(max_examples=40, deadline=None)
@given(plaintext=st.binary(min_size=0, max_size=64 * 1024), aad=st.binary(max_size=64))
def test_c2_round_trip(plaintext: bytes, aad: bytes) -> None:
    key = os.urandom(32)
    sealed = aead.seal(key, plaintext, aad)
    assert len(sealed) == aead.NONCE_BYTES + len(plaintext) + aead.TAG_BYTES
    assert aead.open_(key, sealed, aad) == plaintext


def test_c3_every_single_bit_flip_fails_generically() -> None:
    # Given a sealed message, When any bit of nonce, ciphertext or tag flips, Then the same error is raised.
    key = os.urandom(32)
    sealed = aead.seal(key, b"refresh-token-0123456789", b"ctx")
    for bit in range(len(sealed) * 8):
        tampered = bytearray(sealed)
        tampered[bit // 8] ^= 1 << (bit % 8)
        with pytest.raises(DecryptionFailed) as caught:
            aead.open_(key, bytes(tampered), b"ctx")
        assert str(caught.value) == "Internal error"
        assert caught.value.status == 500


@pytest.mark.parametrize("sealed_len", [0, 1, 27])
def test_truncated_input_fails_generically(sealed_len: int) -> None:
    with pytest.raises(DecryptionFailed):
        aead.open_(os.urandom(32), os.urandom(sealed_len), b"")


def test_wrong_key_fails() -> None:
    sealed = aead.seal(os.urandom(32), b"x", b"")
    with pytest.raises(DecryptionFailed):
        aead.open_(os.urandom(32), sealed, b"")


def test_key_and_nonce_sizes_are_enforced() -> None:
    with pytest.raises(ValueError, match="32-byte"):
        aead.seal(os.urandom(16), b"x", b"")
    with pytest.raises(ValueError, match="12 bytes"):
        aead.encrypt_with_nonce(K, IV[:8], b"x", b"")


def test_c6_nonces_unique_over_100k_seals_under_one_key() -> None:
    key = os.urandom(32)
    nonces = {aead.seal(key, b"", b"")[: aead.NONCE_BYTES] for _ in range(100_000)}
    assert len(nonces) == 100_000


def test_c6_nonce_comes_from_os_urandom(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aead.os, "urandom", lambda n: b"\x07" * n)
    assert aead.seal(K, b"", b"")[:12] == b"\x07" * 12
