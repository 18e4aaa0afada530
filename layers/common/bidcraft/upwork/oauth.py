"""Upwork OAuth 2.0: the authorize URL, code exchange (PKCE S256 + client secret), refresh and revoke.

The same code talks to www.upwork.com and to the local sandbox (`UPWORK_BASE_URL`). Tokens are `SecretStr`
from the moment they are parsed; nothing here logs them. Persisting rotated tokens is the caller's job.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx2
from pydantic import SecretStr

from bidcraft.clock import now as utc_now
from bidcraft.upwork.errors import UpworkAuthError, UpworkError, UpworkGrantError
from bidcraft.upwork.http import RetryPolicy, raise_for_throttling, send
from bidcraft.upwork.models import UpworkServiceToken, UpworkTokens

logger = logging.getLogger(__name__)

AUTHORIZE_PATH = "/ab/account-security/oauth2/authorize"
TOKEN_PATH = "/api/v3/oauth2/token"  # noqa: S105  # nosec B105 — a URL path, not a secret
REVOKE_PATH = "/api/v3/oauth2/token/revoke"

__all__ = ["UpworkOAuth", "UpworkTokens", "authorize_url"]


def authorize_url(
    base_url: str,
    client_id: str,
    redirect_uri: str,
    state: str,
    code_challenge: str,
    *,
    scope: str | None = None,
    extra: Mapping[str, str] | None = None,
) -> str:
    """Upwork's authorize URL: authorization-code grant with PKCE S256 (`extra`: e.g. sandbox options)."""
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "state": state,
        "code_challenge": code_challenge,
        "code_challenge_method": "S256",
    }
    if scope:
        params["scope"] = scope
    params.update(extra or {})
    return f"{base_url.rstrip('/')}{AUTHORIZE_PATH}?{urlencode(params)}"


def _reveal(secret: str | SecretStr) -> str:
    return secret.get_secret_value() if isinstance(secret, SecretStr) else secret


def _expires_in(value: Any) -> int | None:
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        return None
    return value


class UpworkOAuth:
    def __init__(
        self,
        base_url: str,
        client_id: str,
        client_secret: str | SecretStr,
        http: httpx2.Client,
        *,
        clock: Callable[[], datetime] = utc_now,
        sleep: Callable[[float], None] = time.sleep,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = SecretStr(_reveal(client_secret))
        self._http = http
        self._clock = clock
        self._sleep = sleep
        self._retry = retry or RetryPolicy()

    def __repr__(self) -> str:
        return f"UpworkOAuth(base_url={self._base!r}, client_id={self._client_id!r})"

    def exchange_code(self, code: str, code_verifier: str, redirect_uri: str) -> UpworkTokens:
        """Redeem an authorization code. A bad, expired or used code → `UpworkGrantError`."""
        form = {"grant_type": "authorization_code", "code": code, "code_verifier": code_verifier}
        return self._tokens(self._post(TOKEN_PATH, {**form, "redirect_uri": redirect_uri}, "token exchange"))

    def refresh(self, refresh_token: str | SecretStr) -> UpworkTokens:
        """A new token pair; Upwork rotates the refresh token (the old one dies 24 h later)."""
        presented = _reveal(refresh_token)
        payload = self._post(
            TOKEN_PATH, {"grant_type": "refresh_token", "refresh_token": presented}, "refresh"
        )
        return self._tokens(payload, fallback_refresh=presented)

    def client_credentials(self) -> UpworkServiceToken:
        """The service's own token (client-credentials grant), for public data such as job search."""
        payload = self._post(TOKEN_PATH, {"grant_type": "client_credentials"}, "client credentials")
        access, expires_in = payload.get("access_token"), _expires_in(payload.get("expires_in"))
        if not isinstance(access, str) or not access or expires_in is None:
            raise UpworkError("Upwork returned a client-credentials response without a usable token")
        return UpworkServiceToken(
            access_token=SecretStr(access), expires_at=self._clock() + timedelta(seconds=expires_in)
        )

    def revoke(self, token: str | SecretStr) -> None:
        """Revoke an access or refresh token (unknown tokens are fine: RFC 7009)."""
        self._post(REVOKE_PATH, {"token": _reveal(token)}, "revoke", expect_json=False)

    # ---------------------------------------------------------------------------------------------- wire

    def _post(
        self, path: str, form: dict[str, str], what: str, *, expect_json: bool = True
    ) -> dict[str, Any]:
        body = {**form, "client_id": self._client_id, "client_secret": self._client_secret.get_secret_value()}
        response = send(
            lambda: self._http.post(self._base + path, data=body, headers={"Accept": "application/json"}),
            policy=self._retry,
            sleep=self._sleep,
            what=what,
            retry_transport_errors=False,  # a code is single use: never resend blindly after a network error
        )
        raise_for_throttling(response, what)
        if response.status_code >= 400:
            self._raise_oauth_error(response, what)
        if not expect_json:
            return {}
        try:
            payload = response.json()
        except ValueError as exc:
            raise UpworkError(f"Upwork returned a non-JSON {what} response") from exc
        if not isinstance(payload, dict):
            raise UpworkError(f"Upwork returned an unexpected {what} response")
        return payload

    @staticmethod
    def _raise_oauth_error(response: httpx2.Response, what: str) -> None:
        try:
            payload = response.json()
        except ValueError:
            payload = {}
        error = payload.get("error") if isinstance(payload, dict) else None
        description = payload.get("error_description") if isinstance(payload, dict) else None
        detail = f"Upwork {what} failed: {error or f'HTTP {response.status_code}'}"
        if isinstance(description, str) and description:
            detail += f" ({description[:200]})"
        logger.warning("upwork %s rejected: status=%s error=%s", what, response.status_code, error)
        if error == "invalid_grant":
            raise UpworkGrantError(detail, code=error, upstream_status=response.status_code)
        if error == "invalid_client" or response.status_code in {401, 403}:
            raise UpworkAuthError(detail, code=error, upstream_status=response.status_code)
        raise UpworkError(
            detail, code=error if isinstance(error, str) else None, upstream_status=response.status_code
        )

    def _tokens(self, payload: dict[str, Any], fallback_refresh: str | None = None) -> UpworkTokens:
        access = payload.get("access_token")
        refresh = payload.get("refresh_token") or fallback_refresh
        expires_in = payload.get("expires_in")
        token_type = payload.get("token_type") or "Bearer"
        if not isinstance(access, str) or not access or not isinstance(refresh, str) or not refresh:
            raise UpworkError("Upwork returned a token response without tokens")
        expires_in = _expires_in(expires_in)
        if expires_in is None:
            raise UpworkError("Upwork returned a token response without a valid expires_in")
        if str(token_type).lower() != "bearer":
            raise UpworkError("Upwork returned a token type other than Bearer")
        return UpworkTokens(
            access_token=SecretStr(access),
            refresh_token=SecretStr(refresh),
            expires_at=self._clock() + timedelta(seconds=expires_in),
            token_type="Bearer",  # noqa: S106  # nosec B106 — a token type, not a secret
        )
