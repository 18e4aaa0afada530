"""The sandbox's OAuth 2.0 server: authorize (auto-consent), token, revoke — PKCE S256 and client checks.

Behaviour follows what Upwork documents and RFC 6749 / 7636 / 7009 require:
- authorization codes are single use, bound to client, redirect URI, PKCE challenge and account; 10 minutes;
- access tokens live 24 hours, refresh tokens 14 days; a refresh rotates the refresh token, and the old one
  keeps working for 24 more hours (then it is dead), so a client that lost the response can retry;
- a reused code revokes every token issued from it (RFC 6749 §4.1.2);
- token errors are RFC 6749 §5.2 JSON documents.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, unquote_plus, urlencode, urlsplit, urlunsplit

from devserver.sandbox.data import DEFAULT_PROPOSALS, MAX_PROPOSALS
from devserver.sandbox.responses import (
    NO_STORE,
    SandboxResponse,
    html_response,
    json_response,
    oauth_error,
    redirect,
)
from devserver.sandbox.store import AccountStore

CODE_TTL = timedelta(minutes=10)
ACCESS_TTL = timedelta(hours=24)
REFRESH_TTL = timedelta(days=14)
ROTATION_GRACE = timedelta(hours=24)
DEFAULT_ACCOUNT = "demo"
SERVICE_PRINCIPAL = "#service"  # a client-credentials token's owner; `#` never occurs in an account id

_FIELDS = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*(,[_A-Za-z][_0-9A-Za-z]*)*$")
_PKCE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
_ACCOUNT_ID = re.compile(r"^[A-Za-z0-9._@+~-]{1,64}$")
_FORM = "application/x-www-form-urlencoded"


class _Duplicate(Exception):
    """A parameter sent more than once (RFC 6749 §3.1: parameters MUST NOT repeat)."""


def _single(params: dict[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise _Duplicate(name)
    return values[0]


def s256(verifier: str) -> str:
    """The RFC 7636 S256 code challenge of `verifier`."""
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode("ascii")).digest()).rstrip(b"=").decode()


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


@dataclass(slots=True)
class _Code:
    client_id: str
    redirect_uri: str
    challenge: str
    account_id: str
    expires_at: datetime
    grant_id: str
    used: bool = False


@dataclass(slots=True)
class _Token:
    kind: str  # access | refresh
    client_id: str
    account_id: str
    grant_id: str
    expires_at: datetime
    revoked: bool = False


class OAuthServer:
    def __init__(
        self, client_id: str, client_secret: str, clock: Callable[[], datetime], accounts: AccountStore
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._clock = clock
        self._accounts = accounts
        self._lock = threading.Lock()
        self._codes: dict[str, _Code] = {}
        self._tokens: dict[str, _Token] = {}

    # ------------------------------------------------------------------------------------------- authorize

    def authorize(self, query: dict[str, list[str]]) -> SandboxResponse:
        """Auto-consent: validate, create the account at its first sign-in, redirect with code and state."""
        try:
            client_id = _single(query, "client_id")
            redirect_uri = _single(query, "redirect_uri")
        except _Duplicate as exc:
            return html_response(400, "Invalid request", f"Parameter {exc} was sent more than once.")
        if not client_id or not _same(client_id, self._client_id):
            return html_response(400, "Unknown client", "client_id does not name a registered application.")
        if not redirect_uri or not _valid_redirect(redirect_uri):
            return html_response(400, "Invalid redirect URI", "redirect_uri must be an absolute http(s) URI.")

        try:
            state = _single(query, "state")
            problem = self._authorize_problem(query)
        except _Duplicate as exc:
            return redirect(
                _with_params(redirect_uri, error="invalid_request", state=None, detail=f"{exc} repeated")
            )
        if problem:
            error, detail = problem
            return redirect(_with_params(redirect_uri, error=error, state=state, detail=detail))

        account_id = _single(query, "sandbox_user") or DEFAULT_ACCOUNT
        proposals = int(_single(query, "sandbox_proposals") or DEFAULT_PROPOSALS)
        account, _ = self._accounts.get_or_create(account_id, proposals)
        denied = _single(query, "sandbox_deny") or ""
        self._accounts.deny(account.account_id, frozenset(f for f in denied.split(",") if f))
        code = secrets.token_urlsafe(32)
        with self._lock:
            self._prune()
            self._codes[code] = _Code(
                client_id=client_id,
                redirect_uri=redirect_uri,
                challenge=_single(query, "code_challenge") or "",
                account_id=account.account_id,
                expires_at=self._clock() + CODE_TTL,
                grant_id=secrets.token_hex(8),
            )
        return redirect(_with_params(redirect_uri, code=code, state=state))

    @staticmethod
    def _authorize_problem(query: dict[str, list[str]]) -> tuple[str, str] | None:
        if _single(query, "response_type") != "code":
            return "unsupported_response_type", "response_type must be code"
        if _single(query, "code_challenge_method") != "S256":
            return "invalid_request", "PKCE is required: code_challenge_method must be S256"
        if not _PKCE.match(_single(query, "code_challenge") or ""):
            return "invalid_request", "code_challenge must be 43-128 characters of the PKCE alphabet"
        account_id = _single(query, "sandbox_user")
        if account_id is not None and not _ACCOUNT_ID.match(account_id):
            return "invalid_request", "sandbox_user must be 1-64 characters of [A-Za-z0-9._@+~-]"
        proposals = _single(query, "sandbox_proposals")
        if proposals is not None and not (proposals.isdigit() and int(proposals) <= MAX_PROPOSALS):
            return "invalid_request", f"sandbox_proposals must be an integer within 0..{MAX_PROPOSALS}"
        denied = _single(query, "sandbox_deny")
        if denied is not None and not _FIELDS.match(denied):
            return "invalid_request", "sandbox_deny must be comma-separated GraphQL field names"
        return None

    # ----------------------------------------------------------------------------------------------- token

    def token(self, headers: dict[str, str], body: bytes) -> SandboxResponse:
        parsed = self._form(headers, body)
        if isinstance(parsed, SandboxResponse):
            return parsed
        form = parsed
        failure = self._authenticate(headers, form)
        if failure is not None:
            return failure
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            return self._redeem_code(form)
        if grant_type == "refresh_token":
            return self._refresh(form)
        if grant_type == "client_credentials":
            return self._client_credentials()
        if not grant_type:
            return oauth_error(400, "invalid_request", "grant_type is required")
        return oauth_error(400, "unsupported_grant_type", f"grant_type {grant_type!r} is not supported")

    def _redeem_code(self, form: dict[str, str]) -> SandboxResponse:
        code, redirect_uri, verifier = form.get("code"), form.get("redirect_uri"), form.get("code_verifier")
        if not code or not redirect_uri or not verifier:
            return oauth_error(400, "invalid_request", "code, redirect_uri and code_verifier are required")
        if not _PKCE.match(verifier):
            return oauth_error(400, "invalid_request", "code_verifier must be 43-128 characters (RFC 7636)")
        now = self._clock()
        with self._lock:
            record = self._codes.get(code)
            if record is None or record.expires_at <= now:
                return oauth_error(400, "invalid_grant", "authorization code is invalid or expired")
            if record.used:
                self._revoke_grant(record.grant_id)
                return oauth_error(400, "invalid_grant", "authorization code was already used")
            record.used = True
            if not _same(record.client_id, self._client_id):
                return oauth_error(400, "invalid_grant", "authorization code was issued to another client")
            if record.redirect_uri != redirect_uri:
                return oauth_error(
                    400, "invalid_grant", "redirect_uri does not match the authorization request"
                )
            if not _same(s256(verifier), record.challenge):
                return oauth_error(400, "invalid_grant", "code_verifier does not match the code_challenge")
            return self._issue(record.account_id, record.grant_id, now)

    def _refresh(self, form: dict[str, str]) -> SandboxResponse:
        presented = form.get("refresh_token")
        if not presented:
            return oauth_error(400, "invalid_request", "refresh_token is required")
        now = self._clock()
        with self._lock:
            record = self._tokens.get(presented)
            if record is None or record.kind != "refresh" or record.revoked or record.expires_at <= now:
                return oauth_error(400, "invalid_grant", "refresh token is invalid, expired or revoked")
            if not _same(record.client_id, self._client_id):
                return oauth_error(400, "invalid_grant", "refresh token was issued to another client")
            record.expires_at = min(
                record.expires_at, now + ROTATION_GRACE
            )  # the old one: 24 h more, at most
            return self._issue(record.account_id, record.grant_id, now)

    def _client_credentials(self) -> SandboxResponse:
        """The service's own access token: no user, no refresh token (RFC 6749 §4.4.3)."""
        now = self._clock()
        access = f"oauth2v2_{secrets.token_hex(16)}"
        with self._lock:
            self._tokens[access] = _Token(
                "access", self._client_id, SERVICE_PRINCIPAL, f"cc-{access}", now + ACCESS_TTL
            )
        payload = {
            "access_token": access,
            "token_type": "Bearer",  # a token type, not a secret  # nosec
            "expires_in": int(ACCESS_TTL.total_seconds()),
        }
        return json_response(200, payload, NO_STORE)

    def _issue(self, account_id: str, grant_id: str, now: datetime) -> SandboxResponse:
        access, refresh = f"oauth2v2_{secrets.token_hex(16)}", f"oauth2v2_{secrets.token_hex(16)}"
        self._tokens[access] = _Token("access", self._client_id, account_id, grant_id, now + ACCESS_TTL)
        self._tokens[refresh] = _Token("refresh", self._client_id, account_id, grant_id, now + REFRESH_TTL)
        payload = {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "Bearer",  # a token type, not a secret  # nosec
            "expires_in": int(ACCESS_TTL.total_seconds()),
        }
        return json_response(200, payload, NO_STORE)

    # ---------------------------------------------------------------------------------------------- revoke

    def revoke(self, headers: dict[str, str], body: bytes) -> SandboxResponse:
        """RFC 7009: 200 for any token (unknown ones too); a refresh token takes its whole grant with it."""
        parsed = self._form(headers, body)
        if isinstance(parsed, SandboxResponse):
            return parsed
        failure = self._authenticate(headers, parsed)
        if failure is not None:
            return failure
        token = parsed.get("token")
        if not token:
            return oauth_error(400, "invalid_request", "token is required")
        with self._lock:
            record = self._tokens.get(token)
            if record is not None:
                if record.kind == "refresh":
                    self._revoke_grant(record.grant_id)
                record.revoked = True
        return SandboxResponse(200, dict(NO_STORE), b"")

    # ---------------------------------------------------------------------------------------- bearer check

    def account_for(self, authorization: str | None) -> str | None:
        """The account id of a valid access token in an `Authorization: Bearer …` header, else None
        (`SERVICE_PRINCIPAL` for a client-credentials token)."""
        if not authorization:
            return None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        now = self._clock()
        with self._lock:
            record = self._tokens.get(token.strip())
            if record is None or record.kind != "access" or record.revoked or record.expires_at <= now:
                return None
            return record.account_id

    # -------------------------------------------------------------------------------------------- helpers

    @staticmethod
    def _form(headers: dict[str, str], body: bytes) -> dict[str, str] | SandboxResponse:
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type != _FORM:
            return oauth_error(400, "invalid_request", f"Content-Type must be {_FORM}")
        try:
            raw = parse_qs(body.decode("utf-8"), keep_blank_values=True)
        except UnicodeDecodeError:
            return oauth_error(400, "invalid_request", "body must be UTF-8")
        form: dict[str, str] = {}
        for name in raw:
            try:
                value = _single(raw, name)
            except _Duplicate:
                return oauth_error(400, "invalid_request", f"parameter {name} was sent more than once")
            form[name] = value or ""
        return form

    def _authenticate(self, headers: dict[str, str], form: dict[str, str]) -> SandboxResponse | None:
        """Client authentication: HTTP Basic or client_id/client_secret in the body (not both)."""
        authorization = headers.get("authorization", "")
        basic = authorization[:6].lower() == "basic "
        if basic and "client_secret" in form:
            return oauth_error(400, "invalid_request", "use one client authentication method")
        if basic:
            try:
                decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                decoded = ""
            raw_id, _, raw_secret = decoded.partition(":")
            client_id, client_secret = unquote_plus(raw_id), unquote_plus(raw_secret)
        else:
            client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        matches = _same(client_id, self._client_id) & _same(client_secret, self._client_secret)
        if not matches:
            extra = {"WWW-Authenticate": 'Basic realm="upwork-sandbox"'} if basic else None
            return oauth_error(401, "invalid_client", "client authentication failed", extra)
        return None

    def _revoke_grant(self, grant_id: str) -> None:
        for record in self._tokens.values():
            if record.grant_id == grant_id:
                record.revoked = True

    def _prune(self) -> None:
        """Forget expired codes and long-dead tokens (called under the lock)."""
        now = self._clock()
        if len(self._codes) > 1_000:
            self._codes = {k: v for k, v in self._codes.items() if v.expires_at > now}
        if len(self._tokens) > 10_000:
            self._tokens = {k: v for k, v in self._tokens.items() if v.expires_at > now - timedelta(days=1)}


def _valid_redirect(uri: str) -> bool:
    parts = urlsplit(uri)
    return parts.scheme in {"http", "https"} and bool(parts.hostname) and not parts.fragment


def _with_params(uri: str, *, state: str | None, detail: str | None = None, **params: str) -> str:
    parts = urlsplit(uri)
    extra = dict(params)
    if detail:
        extra["error_description"] = detail
    if state is not None:
        extra["state"] = state
    query = f"{parts.query}&{urlencode(extra)}" if parts.query else urlencode(extra)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
