"""Our access tokens: short-lived JWTs (RFC 9068 style, `typ: at+jwt`), and their verification.

Issued: HS256 with `kid` in the header; claims `iss`, `aud`, `sub` (user id), `iat`, `exp` (15 min), `jti`,
`sid` (session id), `roles`, and `mfa: "pending"` on the step-up token the callback gives MFA users.

Verified (RFC 8725): at most 4 KiB; header `alg` exactly HS256 (allow-list, `none` and everything else
refused),
`typ` exactly `at+jwt` (a refresh token or other JWT kind cannot pass), `kid` a known key id, no `jku`/`jwk`/
`x5u`/`x5c` (never fetched, refused outright) and no `crit` extension; signature; required claims
`exp, iat, sub, jti, iss, aud` with leeway 0, issuer and audience checked; then **session liveness**: one
consistent `GetItem` of the session, which must be active and of the token's kind — so logout and family
revocation stop a live access token at once (ASVS 7.4.1). Every failure is the same
`Unauthorized(token_sent=True)`: the client learns nothing about which check failed; the log says why.

The JWS layer (base64url, HMAC-SHA256, constant-time compare) is `bidcraft.auth.jws`; the claim rules are
here, the same as PyJWT's `decode` with `require`, `leeway=0` and `strict_aud` (which this module used
before: PyJWT's import pulled `cryptography`'s asymmetric back-ends into every cold start), and stricter where
PyJWT converts: `exp`, `iat` and `nbf` must be JSON integers, not numeric strings or floats.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bidcraft import clock
from bidcraft.auth import jws, session_store, settings, signing
from bidcraft.caller import Principal
from bidcraft.errors import Unauthorized

logger = logging.getLogger(__name__)

ALGORITHM = jws.ALGORITHM
TOKEN_TYPE = "at+jwt"  # noqa: S105  # nosec B105
ACCESS_TOKEN_SECONDS = 15 * 60
MFA_PENDING = "pending"
MAX_TOKEN_CHARS = 4096
REQUIRED_CLAIMS = ["exp", "iat", "sub", "jti", "iss", "aud"]
# Keys by reference or value are never used (RFC 8725 §3.10); a critical extension (`crit`, e.g. RFC 7797's
# unencoded payload `b64`) is one we do not implement, so it is refused (RFC 7515 §4.1.11).
_FORBIDDEN_HEADERS = frozenset({"jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256", "crit", "b64"})
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
    token = jws.sign(claims, key.key, headers={"typ": TOKEN_TYPE, "kid": key.kid})
    return AccessToken(token=token, expires_in=ACCESS_TOKEN_SECONDS, jti=jti)


def _header(token: str) -> dict[str, Any]:
    try:
        header = jws.unverified_header(token)
    except jws.InvalidToken:
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
    try:
        claims = jws.verify(token, key.key)
    except jws.InvalidToken as exc:
        raise _Rejected(exc.reason) from None
    _check_registered_claims(claims, now=clock.now().timestamp())
    sub, sid, roles, mfa = claims.get("sub"), claims.get("sid"), claims.get("roles", []), claims.get("mfa")
    if not isinstance(sub, str) or not sub or not isinstance(sid, str) or not sid:
        raise _Rejected("claims")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise _Rejected("claims")
    if mfa not in (None, MFA_PENDING):
        raise _Rejected("claims")
    return claims


def _numeric_date(claims: dict[str, Any], name: str) -> int:
    value = claims[name]
    if not isinstance(value, int) or isinstance(value, bool):
        raise _Rejected(name)
    return value


def _check_registered_claims(claims: dict[str, Any], *, now: float) -> None:
    """RFC 7519 §4.1 with leeway 0: every required claim present (not null), not expired, not issued or
    valid only in the future, our issuer, exactly our audience (one string: a list is refused), `sub` and
    `jti` strings."""
    for name in REQUIRED_CLAIMS:
        if claims.get(name) is None:
            raise _Rejected(f"missing_{name}")
    if _numeric_date(claims, "exp") <= now:
        raise _Rejected("expired")
    if _numeric_date(claims, "iat") > now:
        raise _Rejected("iat")
    if "nbf" in claims and _numeric_date(claims, "nbf") > now:
        raise _Rejected("nbf")
    config = settings.tokens()
    if not isinstance(claims["iss"], str) or claims["iss"] != config.jwt_issuer:
        raise _Rejected("issuer")
    if not isinstance(claims["aud"], str) or claims["aud"] != config.jwt_audience:
        raise _Rejected("audience")
    if not isinstance(claims["sub"], str) or not isinstance(claims["jti"], str):
        raise _Rejected("claims")


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
