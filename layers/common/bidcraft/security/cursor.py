"""Opaque, tamper-evident pagination cursors.

A cursor carries DynamoDB's `LastEvaluatedKey` (string attributes only) to the client and back. It is
`v1.<payload>.<tag>`: the payload is the key as compact JSON (base64url), the tag an HMAC-SHA256 over the
payload *and* the query the cursor belongs to (its "scope": caller, subject, filters). A cursor that was
altered, or replayed with other filters or by another caller, fails verification: 400 `invalid-cursor`.

The MAC key is derived from the service signing key (`SIGNING_KEY_SECRET_ARN`, JSON `{"kid", "key"}` or,
during a rotation, `{"keys": [...]}` — parsed by `bidcraft.auth.signing`) with a domain-separation label, so a
cursor tag can never be confused with an access-token signature and each cursor family (`audit-logs`, ...)
has its own key. The active key signs; every listed key verifies, so cursors survive a rotation while the old
key is still listed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from bidcraft import config, secrets
from bidcraft.errors import BadRequest, ConfigurationError


class Pagination(BaseModel):
    """The `pagination` object of every listing (audit logs, the job feed, alert deliveries)."""

    # Imported with the jobs, alerts and audit-log modules, used by their listing routes only: the schema is
    # built by the first listing response (or the listing model that nests it), not at import.
    model_config = ConfigDict(defer_build=True)

    limit: int
    next_cursor: str | None = None  # a cursor of this module, for the next page
    has_more: bool


VERSION = "v1"
MIN_KEY_BYTES = 32
_DOMAIN = b"bidcraft/pagination-cursor/v1\x00"
_MAX_CURSOR_CHARS = 2048
_ALLOWED_KEY_NAMES = frozenset({"pk", "sk", "gsi1pk", "gsi1sk"})


class CursorSettings(config.BaseSettings):
    signing_key_secret_arn: str


def invalid() -> BadRequest:
    return BadRequest(
        "The pagination cursor is invalid or does not belong to this query", slug="invalid-cursor"
    )


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    padded = text + "=" * (-len(text) % 4)
    return base64.b64decode(padded.encode("ascii"), altchars=b"-_", validate=True)


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str).encode()


def derive_key(master_key: bytes, label: str) -> bytes:
    """The per-family MAC key: HMAC(master, domain || label) — never the master key itself."""
    return hmac.new(master_key, _DOMAIN + label.encode("utf-8"), hashlib.sha256).digest()


class CursorCodec:
    """Encodes and verifies the cursors of one cursor family (`label`): the first key signs, all verify."""

    def __init__(self, master_keys: Sequence[bytes], label: str) -> None:
        if not master_keys or any(len(key) < MIN_KEY_BYTES for key in master_keys):
            raise ConfigurationError("The signing key is too short for cursor MACs")
        self._keys = [derive_key(key, label) for key in master_keys]

    @staticmethod
    def _tag(key: bytes, payload: bytes, scope: Mapping[str, Any]) -> bytes:
        message = _canonical({"scope": scope}) + b"\x00" + payload
        return hmac.new(key, message, hashlib.sha256).digest()

    def encode(self, last_key: Mapping[str, Any], scope: Mapping[str, Any]) -> str:
        payload = _canonical(dict(last_key))
        return f"{VERSION}.{_b64encode(payload)}.{_b64encode(self._tag(self._keys[0], payload, scope))}"

    def decode(self, cursor: str, scope: Mapping[str, Any]) -> dict[str, Any]:
        """The `ExclusiveStartKey` a cursor carries, or `BadRequest` (invalid-cursor)."""
        if not cursor or len(cursor) > _MAX_CURSOR_CHARS:
            raise invalid()
        parts = cursor.split(".")
        if len(parts) != 3 or parts[0] != VERSION:
            raise invalid()
        try:
            payload = _b64decode(parts[1])
            tag = _b64decode(parts[2])
        except (binascii.Error, ValueError, UnicodeEncodeError):
            raise invalid() from None
        if not any(hmac.compare_digest(tag, self._tag(key, payload, scope)) for key in self._keys):
            raise invalid()
        try:
            key = json.loads(payload)
        except ValueError:
            raise invalid() from None
        if not _is_key(key):
            raise invalid()
        return dict(key)


def _is_key(value: Any) -> bool:
    """A DynamoDB key of string attributes (`{"pk": {"S": "..."}, ...}`) with only our key names."""
    if not isinstance(value, dict) or not value or not set(value) <= _ALLOWED_KEY_NAMES:
        return False
    return all(isinstance(a, dict) and list(a) == ["S"] and isinstance(a["S"], str) for a in value.values())


def codec(label: str) -> CursorCodec:
    """The codec of a cursor family, keyed from the signing-key secret (cached by `bidcraft.secrets`)."""
    from bidcraft.auth import signing  # one parser of the signing-key secret (single key or rotation list)

    ring = signing.parse(secrets.get_json(config.load(CursorSettings).signing_key_secret_arn))
    keys = [ring.active.key, *(key.key for key in ring.by_kid.values() if key.kid != ring.active.kid)]
    return CursorCodec(keys, label)
