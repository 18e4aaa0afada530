"""PKCE (RFC 7636, S256 only) and OAuth `state` values."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Final

_VERIFIER: Final = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def new_verifier() -> str:
    """43 characters of base64url (no padding) over 32 random bytes — 256 bits."""
    return secrets.token_urlsafe(32)


def challenge_s256(verifier: str) -> str:
    """BASE64URL(SHA256(ASCII(verifier))) without padding."""
    if not _VERIFIER.fullmatch(verifier):
        raise ValueError("code_verifier must be 43-128 characters of [A-Za-z0-9-._~]")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_state() -> str:
    """A one-time, unguessable `state` (256 bits, URL-safe)."""
    return secrets.token_urlsafe(32)
