"""AES-256-GCM with a random 96-bit nonce per message (NIST SP 800-38D, ASVS 11.3.4).

Sealed format: nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes) — what `cryptography`'s AESGCM returns, with
the nonce in front. Random nonces are safe for far more messages than one data key ever seals here (the
envelope layer rotates data keys every 100 messages); the birthday bound for 96-bit nonces is 2**32.

`cryptography` is imported by the first seal or open, not at import: the functions that hold this module
(auth, alerts) encrypt or decrypt on a few routes only, and the import costs ~10-40 ms of cold start.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from bidcraft.errors import DomainError

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def _cipher(key: bytes) -> AESGCM:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


class DecryptionFailed(DomainError):
    """Ciphertext, tag, nonce, data key or context did not verify.

    Deliberately generic: it never says which part failed and never carries partial plaintext. To a client it
    is a plain 500 — stored data that does not decrypt is our problem, not theirs.
    """

    status, slug, title = 500, "internal", "Internal error"


def _check_key(key: bytes) -> None:
    if len(key) != KEY_BYTES:
        raise ValueError("AES-256-GCM needs a 32-byte key")


def encrypt_with_nonce(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Ciphertext ‖ tag for an explicit nonce. Only for known-answer tests: real callers use `seal`."""
    _check_key(key)
    if len(nonce) != NONCE_BYTES:
        raise ValueError("AES-GCM nonces here are 12 bytes")
    return _cipher(key).encrypt(nonce, plaintext, aad)


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """nonce ‖ ciphertext ‖ tag, with a fresh nonce from `os.urandom`."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + encrypt_with_nonce(key, nonce, plaintext, aad)


def open_(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    """The plaintext of `seal(key, plaintext, aad)`; `DecryptionFailed` on any tampering or wrong key/AAD."""
    _check_key(key)
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionFailed()
    from cryptography.exceptions import InvalidTag

    try:
        return _cipher(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag:
        raise DecryptionFailed() from None
