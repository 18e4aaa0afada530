"""TOTP (RFC 6238) over HOTP (RFC 4226): SHA-1, 6 digits, 30-second steps, ±1 step accepted.

Pure functions, no state: the replay rule (accept a step only if it is newer than the last one used, written
with a conditional update) belongs to the storage layer, which calls `is_newer`.

Input rule for submitted codes: ASCII spaces at both ends are stripped (copy-paste from authenticator apps);
what remains must be exactly `digits` ASCII digits — inner spaces, tabs, signs, Unicode digits such as
'٢٨٧٠٨٢' or full-width digits, and wrong lengths are rejected (never passed to `int()`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from typing import Final
from urllib.parse import quote

STEP_SECONDS: Final = 30
DIGITS: Final = 6
SECRET_BYTES: Final = 20  # 160 bits: RFC 4226 R6 recommends it
_ASCII_DIGITS: Final = frozenset("0123456789")
_ALGORITHMS: Final = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def new_secret() -> str:
    """A fresh 160-bit seed from `secrets`, base32 (32 characters, no padding)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def _decode_secret(secret_b32: str) -> bytes:
    cleaned = secret_b32.strip().replace(" ", "").upper()
    cleaned += "=" * (-len(cleaned) % 8)
    return base64.b32decode(cleaned)


def hotp(key: bytes, counter: int, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 4226 §5.3 dynamic truncation of HMAC(key, counter as 8 bytes big-endian)."""
    if counter < 0:
        raise ValueError("counter must be non-negative")
    if not 6 <= digits <= 10:
        raise ValueError("digits must be 6..10")
    digest_mod = _ALGORITHMS.get(algorithm.lower())
    if digest_mod is None:
        raise ValueError(f"unsupported algorithm {algorithm!r}")
    mac = hmac.new(key, struct.pack(">Q", counter), digest_mod).digest()
    offset = mac[-1] & 0x0F
    binary = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(binary % 10**digits).zfill(digits)


def step_of(for_time: int) -> int:
    """The RFC 6238 time step T = floor((t - T0) / X) with T0 = 0, X = 30 (64-bit safe: no 2038 limit)."""
    return int(for_time) // STEP_SECONDS


def code_at(secret_b32: str, for_time: int, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """The TOTP code of `secret_b32` at Unix time `for_time`."""
    return hotp(_decode_secret(secret_b32), step_of(for_time), digits, algorithm)


def _clean_code(code: object, digits: int) -> str | None:
    if not isinstance(code, str):
        return None
    candidate = code.strip(" ")
    if len(candidate) != digits or not set(candidate) <= _ASCII_DIGITS:
        return None
    return candidate


def matching_step(secret_b32: str, code: str, now: int, window: int = 1) -> int | None:
    """The time step within ±`window` of `now` whose code equals `code`, or None.

    Every candidate is computed and compared with `hmac.compare_digest`; there is no early exit, so timing
    does not reveal which step matched. If two steps share a code (chance 1e-6), the newest one is returned.
    """
    if window < 0:
        raise ValueError("window must be >= 0")
    candidate = _clean_code(code, DIGITS)
    if candidate is None:
        return None
    key = _decode_secret(secret_b32)
    current = step_of(now)
    submitted = candidate.encode("ascii")
    matched: int | None = None
    for step in range(current - window, current + window + 1):
        if step < 0:
            continue
        if hmac.compare_digest(hotp(key, step).encode("ascii"), submitted):
            matched = step
    return matched


def is_newer(step: int, last_used_step: int | None) -> bool:
    """RFC 6238 §5.2 one-time use: a step is acceptable only if strictly after the last accepted one."""
    return last_used_step is None or step > last_used_step


def provisioning_uri(secret_b32: str, account_name: str, issuer: str = "Bidcraft") -> str:
    """The Key URI authenticator apps scan. Contains the secret: never log it."""
    label = f"{quote(issuer, safe='@')}:{quote(account_name, safe='@')}"
    return (
        f"otpauth://totp/{label}?secret={secret_b32}&issuer={quote(issuer, safe='')}"
        f"&algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}"
    )
