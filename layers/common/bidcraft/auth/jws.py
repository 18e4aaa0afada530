"""Compact JWS (RFC 7515 §7.1) signed with HMAC-SHA256 (RFC 7518 §3.2, "HS256") — nothing else.

This is the signature layer of our access tokens (`bidcraft.auth.tokens` owns the token rules: header
allow-list, key ids, claims, session). It replaces PyJWT because PyJWT imports `cryptography`'s x509, RSA,
EC and EdDSA back-ends when it is imported (~45 ms of every API function's cold start, issue 10) to offer
algorithms we refuse anyway; HS256 needs only `hmac` and `hashlib`.

What it guarantees:
- one algorithm: `sign` writes `"alg": "HS256"`, `verify` refuses any other `alg` (`none` included) before it
  looks at the signature;
- keys of at least 32 bytes (RFC 7518 §3.2: a key shorter than the hash output is refused, not warned about);
- the signature compared in constant time (`hmac.compare_digest`);
- strict base64url (RFC 7515 §2: no padding, no characters outside the URL-safe alphabet — Python's own
  decoder would silently skip them — and only the canonical spelling, so a token has exactly one string form)
  and strict JSON objects for the header and the payload (a repeated member
  name, `NaN`, an integer past the 4,300-digit limit or nesting too deep is a malformed token, never a 500).
Every failure is `InvalidToken` with a short reason for the log; the reasons never reach the client.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from typing import Any

from bidcraft import strict_json

ALGORITHM = "HS256"
MIN_KEY_BYTES = 32
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


class InvalidToken(Exception):
    """The token is not a well-formed HS256 JWS, or its signature does not match; `reason` is for logs."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def b64url_encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(segment: str) -> bytes:
    """Unpadded base64url (RFC 7515 §2) only; anything else is `InvalidToken("malformed")`."""
    if len(segment) % 4 == 1 or not _B64URL.fullmatch(segment):
        raise InvalidToken("malformed")
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise InvalidToken("malformed") from None
    if b64url_encode(raw) != segment:  # unused low bits set: another spelling of the same bytes
        raise InvalidToken("malformed")
    return raw


def _json_object(segment: str) -> dict[str, Any]:
    try:
        value = strict_json.loads(b64url_decode(segment))
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        raise InvalidToken("malformed") from None
    if not isinstance(value, dict):
        raise InvalidToken("malformed")
    return value


def _segments(token: str) -> tuple[str, str, str]:
    if not isinstance(token, str):
        raise InvalidToken("malformed")
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("malformed")
    return parts[0], parts[1], parts[2]


def _mac(key: bytes, signing_input: str) -> bytes:
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"an HS256 key must be at least {MIN_KEY_BYTES} bytes")
    return hmac.new(key, signing_input.encode("ascii"), hashlib.sha256).digest()


def _compact(value: dict[str, Any]) -> str:
    return b64url_encode(json.dumps(value, separators=(",", ":"), ensure_ascii=True).encode("ascii"))


def sign(claims: dict[str, Any], key: bytes, *, headers: dict[str, Any] | None = None) -> str:
    """`claims` as a compact HS256 JWS; `headers` are added to the protected header (`alg` is always ours)."""
    if headers and "alg" in headers:
        raise ValueError("the algorithm is always HS256")
    header = {"alg": ALGORITHM, **(headers or {})}
    signing_input = f"{_compact(header)}.{_compact(claims)}"
    return f"{signing_input}.{b64url_encode(_mac(key, signing_input))}"


def unverified_header(token: str) -> dict[str, Any]:
    """The protected header, parsed but NOT verified: only for choosing the key (`kid`) and refusing early."""
    header, _, _ = _segments(token)
    return _json_object(header)


def verify(token: str, key: bytes) -> dict[str, Any]:
    """The payload of `token` once its header says HS256 and its signature matches `key`; else `InvalidToken`.

    Claims are not looked at here (expiry, audience…): that is the caller's policy.
    """
    header_segment, payload_segment, signature_segment = _segments(token)
    if _json_object(header_segment).get("alg") != ALGORITHM:
        raise InvalidToken("algorithm")
    b64url_decode(payload_segment)  # well-formed before it is MACed; parsed only once the signature matches
    signature = b64url_decode(signature_segment)
    expected = _mac(key, f"{header_segment}.{payload_segment}")
    if not hmac.compare_digest(signature, expected):
        raise InvalidToken("signature")
    return _json_object(payload_segment)
