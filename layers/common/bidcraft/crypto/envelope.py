"""KMS envelope encryption of small secrets at rest (Upwork tokens, TOTP seeds, alert channel secrets).

Blob layout (version 1)::

    0x01 ‖ len(encrypted data key) as 2 bytes big-endian ‖ encrypted data key ‖ nonce ‖ ciphertext ‖ tag

The data key is an AES-256 key from KMS `GenerateDataKey`, wrapped under the customer-managed key with the
encryption context ``{"user_id": ..., "purpose": ...}``; the payload is AES-256-GCM under that data key
with an AAD binding the version byte, the user id and the purpose. A blob copied to another user's row or read
for another purpose fails at KMS (context mismatch) and, were a cached data key reused, at GCM (AAD mismatch).

Failures — all fail closed (nothing is ever returned or written in plaintext):
- `DecryptionFailed` (integrity, HTTP 500): the blob is malformed or tampered with, the context does not match
  (KMS `InvalidCiphertextException`), the blob names another KMS key (`IncorrectKeyException`), or the GCM tag
  does not verify (`InvalidTag`). Retrying will not help.
- `ServiceUnavailable` (infrastructure, HTTP 503 + Retry-After): every other KMS/botocore failure —
  throttling, network, `AccessDeniedException`, a disabled or pending-deletion key, an unexpected response.
- `ConfigurationError`: `KMS_KEY_ID` is not set.

Data keys are cached in memory (see `keycache`): 5 minutes, at most 100 seals per data key, one data key per
(user, purpose), 256 entries per map. Nothing here logs key material, plaintext or blobs — only error codes.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any, Final, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from bidcraft import aws, config
from bidcraft.crypto import aead
from bidcraft.crypto.aead import DecryptionFailed
from bidcraft.crypto.keycache import DataKeyCache
from bidcraft.errors import ServiceUnavailable

__all__ = [
    "PURPOSES",
    "PURPOSE_ALERT_CHANNEL",
    "PURPOSE_TOTP_SEED",
    "PURPOSE_UPWORK_TOKEN",
    "VERSION",
    "CryptoSettings",
    "DecryptionFailed",
    "decrypt",
    "encrypt",
    "reset_cache",
]

logger = logging.getLogger(__name__)

PURPOSE_UPWORK_TOKEN: Final = "upwork_token"  # noqa: S105 - a label, not a secret
PURPOSE_TOTP_SEED: Final = "totp_seed"
PURPOSE_ALERT_CHANNEL: Final = "alert_channel"  # an alert channel's target and webhook signing secret
PURPOSES: Final = frozenset({PURPOSE_UPWORK_TOKEN, PURPOSE_TOTP_SEED, PURPOSE_ALERT_CHANNEL})

VERSION: Final = 0x01
_HEADER = 3  # version byte + 2-byte length
_MIN_SEALED = aead.NONCE_BYTES + aead.TAG_BYTES
_INTEGRITY_CODES: Final = frozenset({"InvalidCiphertextException", "IncorrectKeyException"})

T = TypeVar("T")


class CryptoSettings(config.BaseSettings):
    kms_key_id: str


@functools.cache
def _cache() -> DataKeyCache:
    return DataKeyCache()


def reset_cache() -> None:
    """Drop every cached data key (tests; also what a cold start does)."""
    _cache().clear()


def _key_id(key_id: str | None) -> str:
    return key_id or config.load(CryptoSettings).kms_key_id


def _context(user_id: str, purpose: str) -> dict[str, str]:
    if not isinstance(user_id, str) or not user_id:
        raise ValueError("user_id must be a non-empty string")
    if purpose not in PURPOSES:
        raise ValueError(f"unknown encryption purpose {purpose!r}")
    return {"user_id": user_id, "purpose": purpose}


def _aad(user_id: str, purpose: str) -> bytes:
    """version ‖ len ‖ user_id ‖ len ‖ purpose — length-prefixed, so no two contexts encode alike."""
    parts = [bytes([VERSION])]
    for value in (user_id, purpose):
        raw = value.encode("utf-8")
        parts.append(len(raw).to_bytes(2, "big") + raw)
    return b"".join(parts)


def _kms(operation: str, call: Callable[[], T]) -> T:
    try:
        return call()
    except ClientError as exc:
        code = aws.error_code(exc)
        if code in _INTEGRITY_CODES:
            logger.warning("KMS %s rejected the data key (%s)", operation, code)
            raise DecryptionFailed() from None
        logger.error("KMS %s failed (%s)", operation, code or "unknown")
        raise ServiceUnavailable("Encryption service unavailable") from None
    except BotoCoreError as exc:
        logger.error("KMS %s failed (%s)", operation, type(exc).__name__)
        raise ServiceUnavailable("Encryption service unavailable") from None


def _data_key(response: Mapping[str, Any], field: str) -> bytes:
    value = response.get(field)
    if not isinstance(value, bytes | bytearray) or not value:
        raise ServiceUnavailable("Encryption service unavailable")
    return bytes(value)


def encrypt(plaintext: bytes, *, user_id: str, purpose: str, key_id: str | None = None) -> bytes:
    """Envelope-encrypt `plaintext` for one user and purpose; see the module docstring for the format."""
    context = _context(user_id, purpose)
    kms_key = _key_id(key_id)
    cache_key = (kms_key, user_id, purpose)
    entry = _cache().take_for_encryption(cache_key)
    if entry is None:
        response = _kms(
            "GenerateDataKey",
            lambda: aws.client("kms").generate_data_key(
                KeyId=kms_key, KeySpec="AES_256", EncryptionContext=context
            ),
        )
        data_key = _data_key(response, "Plaintext")
        wrapped = _data_key(response, "CiphertextBlob")
        if len(data_key) != aead.KEY_BYTES or len(wrapped) > 0xFFFF:
            raise ServiceUnavailable("Encryption service unavailable")
        entry = _cache().add_for_encryption(cache_key, data_key, wrapped)
    sealed = aead.seal(entry.plaintext, plaintext, _aad(user_id, purpose))
    return bytes([VERSION]) + len(entry.encrypted).to_bytes(2, "big") + entry.encrypted + sealed


def decrypt(blob: bytes, *, user_id: str, purpose: str, key_id: str | None = None) -> bytes:
    """The plaintext of an `encrypt` blob for the same user and purpose, or `DecryptionFailed`."""
    context = _context(user_id, purpose)
    if not isinstance(blob, bytes | bytearray) or len(blob) < _HEADER or blob[0] != VERSION:
        raise DecryptionFailed()
    blob = bytes(blob)
    wrapped_len = int.from_bytes(blob[1:_HEADER], "big")
    if wrapped_len == 0 or len(blob) < _HEADER + wrapped_len + _MIN_SEALED:
        raise DecryptionFailed()
    wrapped = blob[_HEADER : _HEADER + wrapped_len]
    sealed = blob[_HEADER + wrapped_len :]
    kms_key = _key_id(key_id)
    cache_key = (kms_key, user_id, purpose)
    data_key = _cache().get_for_decryption(wrapped, cache_key)
    if data_key is None:
        response = _kms(
            "Decrypt",
            lambda: aws.client("kms").decrypt(
                CiphertextBlob=wrapped, EncryptionContext=context, KeyId=kms_key
            ),
        )
        data_key = _data_key(response, "Plaintext")
        if len(data_key) != aead.KEY_BYTES:
            raise DecryptionFailed()
        _cache().add_for_decryption(wrapped, cache_key, data_key)
    return aead.open_(data_key, sealed, _aad(user_id, purpose))
