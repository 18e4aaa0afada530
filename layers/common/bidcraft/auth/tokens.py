"""Our access tokens: short-lived JWTs (RFC 9068 style, `typ: at+jwt`), and their verification.

Issued: HS256 with `kid` in the header; claims `iss`, `aud`, `sub` (user id), `iat`, `exp` (15 min), `jti`,
`sid` (session id), `roles`, and `mfa: "pending"` on the step-up token the callback gives MFA users.

Verified (RFC 8725): at most 4 KiB; header `alg` exactly HS256 (allow-list, `none` and everything else
refused),
`typ` exactly `at+jwt` (a refresh token or other JWT kind cannot pass), `kid` a known key id, no `jku`/`jwk`/
`x5u`/`x5c` (never fetched, refused outright); signature; required claims
`exp, iat, sub, jti, iss, aud` with leeway 0, issuer and audience checked; then **session liveness**: one
consistent `GetItem` of the session, which must be active and of the token's kind — so logout and family
revocation stop a live access token at once (ASVS 7.4.1). Every failure is the same
`Unauthorized(token_sent=True)`: the client learns nothing about which check failed; the log says why.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import jwt

from bidcraft import clock
from bidcraft.auth import session_store, settings, signing
from bidcraft.caller import Principal
from bidcraft.errors import Unauthorized

logger = logging.getLogger(__name__)

ALGORITHM = "HS256"
TOKEN_TYPE = "at+jwt"  # noqa: S105  # nosec B105
ACCESS_TOKEN_SECONDS = 15 * 60
MFA_PENDING = "pending"
MAX_TOKEN_CHARS = 4096
REQUIRED_CLAIMS = ["exp", "iat", "sub", "jti", "iss", "aud"]
_FORBIDDEN_HEADERS = frozenset({"jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256"})
INVALID_TOKEN_DETAIL = "The access token is invalid, expired or revoked"  # noqa: S105  # nosec B105


@dataclass(frozen=True)
class AccessToken:
    token: str
    expires_in: int
    jti: str


class _Rejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def issue_access_token(
    *,
    user_id: str,
    session_id: str,
    roles: Sequence[str],
    mfa_pending: bool = False,
    now: int | None = None,
) -> AccessToken:
    issued_at = clock.epoch(clock.now()) if now is None else now
    config = settings.tokens()
    key = signing.keyring().active
    jti = str(uuid.uuid4())
    claims: dict[str, Any] = {
        "iss": config.jwt_issuer,
        "aud": config.jwt_audience,
        "sub": user_id,
        "iat": issued_at,
        "exp": issued_at + ACCESS_TOKEN_SECONDS,
        "jti": jti,
        "sid": session_id,
        "roles": list(roles),
    }
    if mfa_pending:
        claims["mfa"] = MFA_PENDING
    token = jwt.encode(claims, key.key, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": TOKEN_TYPE})
    return AccessToken(token=token, expires_in=ACCESS_TOKEN_SECONDS, jti=jti)


def _header(token: str) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError:
        raise _Rejected("malformed") from None
    if header.get("alg") != ALGORITHM:
        raise _Rejected("algorithm")
    if header.get("typ") != TOKEN_TYPE:
        raise _Rejected("type")
    if _FORBIDDEN_HEADERS & set(header):
        raise _Rejected("header")
    if not isinstance(header.get("kid"), str):
        raise _Rejected("kid")
    return header


def decode_access_token(token: str) -> dict[str, Any]:
    """The verified claims of `token` (signature, header and claims; no session check), else `_Rejected`."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_CHARS:
        raise _Rejected("size")
    header = _header(token)
    key = signing.keyring().by_kid.get(header["kid"])
    if key is None:
        raise _Rejected("kid")
    config = settings.tokens()
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=[ALGORITHM],
            audience=config.jwt_audience,
            issuer=config.jwt_issuer,
            leeway=0,
            options={"require": REQUIRED_CLAIMS, "verify_signature": True, "strict_aud": True},
        )
    except jwt.ExpiredSignatureError:
        raise _Rejected("expired") from None
    except jwt.PyJWTError as exc:
        raise _Rejected(type(exc).__name__) from None
    sub, sid, roles, mfa = claims.get("sub"), claims.get("sid"), claims.get("roles", []), claims.get("mfa")
    if not isinstance(sub, str) or not sub or not isinstance(sid, str) or not sid:
        raise _Rejected("claims")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise _Rejected("claims")
    if mfa not in (None, MFA_PENDING):
        raise _Rejected("claims")
    return claims


def verify_access_token(token: str) -> Principal:
    """The caller behind a bearer token, or `Unauthorized(token_sent=True)` (one answer for every failure)."""
    try:
        claims = decode_access_token(token)
        pending = claims.get("mfa") == MFA_PENDING
        session = session_store.get_session(claims["sub"], claims["sid"])
        if session is None or not session.active:
            raise _Rejected("session_revoked")
        if session.kind != ("mfa_pending" if pending else "full"):
            raise _Rejected("session_kind")
    except _Rejected as rejected:
        log = logger.info if rejected.reason == "expired" else logger.warning
        log("access token rejected", extra={"event": "authn_token_invalid", "reason": rejected.reason})
        raise Unauthorized(INVALID_TOKEN_DETAIL, token_sent=True) from None
    return Principal(
        user_id=claims["sub"],
        roles=tuple(claims.get("roles", [])),
        session_id=claims["sid"],
        mfa_pending=pending,
        token_id=claims["jti"],
    )
