"""The HS256 keys that sign access tokens, from the Secrets Manager secret at `SIGNING_KEY_SECRET_ARN`.

The secret is JSON, either one key `{"kid": "...", "key": "..."}` or, during a rotation,
`{"keys": [{"kid": ..., "key": ...}, ...]}` where the first key signs and every listed key verifies. The key
is the UTF-8 bytes of `key` and must be at least 32 bytes (RFC 7518 §3.2, RFC 8725 §3.5). `kid` values are
short identifiers, looked up in a dict — never used as a path, URL or query (RFC 8725 §3.10).
Secrets are cached for 5 minutes by `bidcraft.secrets`, so a rotation reaches every container within that.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from bidcraft import secrets
from bidcraft.auth import settings
from bidcraft.errors import ConfigurationError

MIN_KEY_BYTES = 32
_KID = re.compile(r"[A-Za-z0-9._-]{1,64}")


@dataclass(frozen=True)
class SigningKey:
    kid: str
    key: bytes = field(repr=False)


@dataclass(frozen=True)
class KeyRing:
    active: SigningKey
    by_kid: dict[str, SigningKey]


def _parse_one(entry: Any) -> SigningKey:
    if not isinstance(entry, dict):
        raise ConfigurationError("The signing key secret is malformed")
    kid, key = entry.get("kid"), entry.get("key")
    if not isinstance(kid, str) or not _KID.fullmatch(kid) or not isinstance(key, str):
        raise ConfigurationError("The signing key secret is malformed")
    raw = key.encode("utf-8")
    if len(raw) < MIN_KEY_BYTES:
        raise ConfigurationError("The signing key is shorter than 32 bytes")
    return SigningKey(kid=kid, key=raw)


def parse(document: dict[str, Any]) -> KeyRing:
    entries = document.get("keys") if "keys" in document else [document]
    if not isinstance(entries, list) or not entries:
        raise ConfigurationError("The signing key secret is malformed")
    keys = [_parse_one(entry) for entry in entries]
    return KeyRing(active=keys[0], by_kid={k.kid: k for k in keys})


def keyring() -> KeyRing:
    return parse(secrets.get_json(settings.tokens().signing_key_secret_arn))
