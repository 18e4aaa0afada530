"""Standard Webhooks signatures (https://www.standardwebhooks.com), verified over the raw body bytes.

`v1,<base64 HMAC-SHA256(secret, "{webhook-id}.{webhook-timestamp}.{body}")>`; the header may carry several
space-separated signatures (secret rotation, other versions), any `v1` match is enough. The timestamp must be
an integer within ±300 s of now, in both directions. Secrets are `whsec_<base64>`; the stored secret may hold
several, space-separated, to rotate without downtime.

Why not `standardwebhooks.Webhook.verify`: it decodes the body as UTF-8 first (a non-UTF-8 body raises
`UnicodeDecodeError`, not a verification error), a malformed signature entry (`v1` with no comma, bad base64)
raises `ValueError`/`binascii.Error` — a 500 instead of a 401 — and it reads the wall clock itself, so the
tolerance cannot be tested at its edges. This module keeps the same wire format (the library is the oracle in
the tests), compares with `hmac.compare_digest`, never raises anything but `VerificationError`, and bounds the
work an attacker can ask for (header sizes, number of signatures).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Sequence

TOLERANCE_SECONDS = 300
# The prefix of a secret, not a secret.
SECRET_PREFIX = "whsec_"  # noqa: S105  # nosec B105
MAX_SIGNATURES = 16
MAX_HEADER_CHARS = 4096
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
# Entries are space-separated; a proxy that joined repeated headers used ", " — base64 has no comma, so a
# comma followed by a version tag is an entry boundary too.
_ENTRY_SEPARATOR = re.compile(r"\s+|,(?=v[0-9]+,)")


class VerificationError(Exception):
    """The delivery is not authentic. `reason` is a stable code for logs; clients only ever see a 401."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def decode_secret(secret: str) -> bytes:
    """`whsec_<base64>` (or bare base64) → key bytes. ValueError for an empty or malformed secret."""
    text = secret.strip()
    if text.startswith(SECRET_PREFIX):
        text = text[len(SECRET_PREFIX) :]
    try:
        key = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("the webhook secret is not base64") from exc
    if len(key) < 16:
        raise ValueError("the webhook secret is too short")
    return key


def decode_secrets(value: str) -> list[bytes]:
    """All keys of a stored secret value: one or more space-separated `whsec_…` secrets."""
    keys = [decode_secret(part) for part in value.split() if part]
    if not keys:
        raise ValueError("no webhook secret configured")
    return keys


def signature(key: bytes, msg_id: str, timestamp: int | str, body: bytes) -> str:
    """The `v1,<base64>` signature of a delivery."""
    signed = msg_id.encode() + b"." + str(timestamp).encode() + b"." + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def _candidates(header: str) -> list[bytes]:
    """The `v1` signatures of a `webhook-signature` header; malformed entries are skipped, not fatal."""
    found: list[bytes] = []
    entries = [entry for entry in _ENTRY_SEPARATOR.split(header.strip()) if entry]
    for entry in entries[:MAX_SIGNATURES]:
        version, sep, value = entry.partition(",")
        if version != "v1" or not sep or not value:
            continue
        try:
            found.append(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            continue
    return found


def verify(
    keys: Sequence[bytes],
    *,
    msg_id: str | None,
    timestamp: str | None,
    signature_header: str | None,
    body: bytes,
    now: int,
    tolerance: int = TOLERANCE_SECONDS,
) -> int:
    """Check one delivery; returns its timestamp. Raises VerificationError (and only that) otherwise."""
    if not msg_id or not timestamp or not signature_header:
        raise VerificationError("missing_headers")
    if len(msg_id) > MAX_HEADER_CHARS or len(signature_header) > MAX_HEADER_CHARS:
        raise VerificationError("oversized_headers")
    if not _TIMESTAMP.match(timestamp.strip()):
        raise VerificationError("invalid_timestamp")
    sent_at = int(timestamp.strip())
    if sent_at < now - tolerance:
        raise VerificationError("timestamp_too_old")
    if sent_at > now + tolerance:
        raise VerificationError("timestamp_too_new")
    candidates = _candidates(signature_header)
    if not candidates:
        raise VerificationError("no_v1_signature")
    expected = [
        base64.b64decode(signature(key, msg_id, timestamp.strip(), body).partition(",")[2]) for key in keys
    ]
    matched = False
    for candidate in candidates:
        for digest in expected:
            # Evaluate every pair (no early exit) so timing does not reveal which entry matched.
            matched |= hmac.compare_digest(candidate, digest)
    if not matched:
        raise VerificationError("signature_mismatch")
    return sent_at
