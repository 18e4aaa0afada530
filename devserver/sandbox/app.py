"""`UpworkSandbox`: the dispatcher the devserver mounts at `/_sandbox/upwork`.

Framework-free: the devserver turns each HTTP request into one `handle()` call. Thread-safe — every piece of
mutable state (codes, tokens, accounts, rate-limit windows, cached views) sits behind its own lock, and the
generated account data is immutable once built.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from devserver.sandbox import graphql
from devserver.sandbox.data import DEFAULT_PROPOSALS, DEFAULT_SEED, Account, Market
from devserver.sandbox.oauth import SERVICE_PRINCIPAL, OAuthServer
from devserver.sandbox.postings import PublishError
from devserver.sandbox.ratelimit import SlidingWindowLimiter
from devserver.sandbox.responses import SandboxResponse, html_response, json_response, too_many_requests
from devserver.sandbox.store import AccountStore

logger = logging.getLogger(__name__)

AUTHORIZE_PATH = "/ab/account-security/oauth2/authorize"
TOKEN_PATH = "/api/v3/oauth2/token"  # noqa: S105  # a URL path, not a secret  # nosec B105
REVOKE_PATH = "/api/v3/oauth2/token/revoke"
GRAPHQL_PATH = "/graphql"
JOBS_PATH = "/_jobs"  # sandbox-only: publish a job posting now
_ALLOWED = {
    AUTHORIZE_PATH: "GET",
    TOKEN_PATH: "POST",
    REVOKE_PATH: "POST",
    GRAPHQL_PATH: "POST",
    JOBS_PATH: "POST",
    "/": "GET",
}

_INDEX = (
    "A local test double of Upwork's documented OAuth 2.0 and GraphQL API (not affiliated with Upwork). "
    f"Endpoints: GET {AUTHORIZE_PATH} (auto-consent; sandbox_user, sandbox_proposals), POST {TOKEN_PATH}, "
    f"POST {REVOKE_PATH}, POST {GRAPHQL_PATH}, POST {JOBS_PATH} (publish a job). See docs/sandbox.md."
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class UpworkSandbox:
    """Upwork's authorize page, token and revoke endpoints and a GraphQL subset, in memory."""

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        clock: Callable[[], datetime] = _utc_now,
        *,
        seed: str = DEFAULT_SEED,
        rate_limit: int = 10,
    ) -> None:
        self._clock = clock
        self.accounts = AccountStore(clock, seed)
        self.oauth = OAuthServer(client_id, client_secret, clock, self.accounts)
        self._limiter = SlidingWindowLimiter(limit=rate_limit, window=1.0)

    # ------------------------------------------------------------------------------------ helpers for tests

    def ensure_account(self, account_id: str, proposals: int = DEFAULT_PROPOSALS) -> Account:
        """The account as a first sign-in would create it (for tests and seeding the local stack)."""
        return self.accounts.get_or_create(account_id, proposals)[0]

    def account(self, account_id: str) -> Account | None:
        return self.accounts.get(account_id)

    def market(self) -> Market:
        return self.accounts.market()

    # ------------------------------------------------------------------------------------------- dispatch

    def handle(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        source_ip: str,
    ) -> SandboxResponse:
        """One HTTP request; `path` is relative to the mount point, `headers` have lower-case names."""
        route = "/" + path.strip("/") if path.strip("/") else "/"
        expected = _ALLOWED.get(route)
        if expected is None:
            return json_response(
                404, {"error": "not_found", "error_description": f"No sandbox endpoint {route}"}
            )
        if method.upper() != expected:
            return json_response(
                405,
                {"error": "method_not_allowed", "error_description": f"Use {expected}"},
                {"Allow": expected},
            )
        if route in {TOKEN_PATH, REVOKE_PATH, GRAPHQL_PATH} and not self._limiter.allow(
            source_ip, self._clock().timestamp()
        ):
            return too_many_requests()
        try:
            return self._route(route, query, headers, body)
        except Exception:  # a bug in the test double must not take the devserver down
            logger.exception("upwork sandbox failed on %s %s", method, route)
            return json_response(500, {"errors": [{"message": "Sandbox internal error"}]})

    def _route(
        self, route: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> SandboxResponse:
        if route == AUTHORIZE_PATH:
            return self.oauth.authorize(query)
        if route == TOKEN_PATH:
            return self.oauth.token(headers, body)
        if route == REVOKE_PATH:
            return self.oauth.revoke(headers, body)
        if route == GRAPHQL_PATH:
            return self._graphql(headers, body)
        if route == JOBS_PATH:
            return self._publish(body)
        return html_response(200, "Upwork sandbox", _INDEX)

    def _publish(self, body: bytes) -> SandboxResponse:
        """`POST /_jobs`: a job posting (API.md's `Job` field names) that appears in searches at once."""
        try:
            payload = json.loads(body or b"null")
        except (ValueError, UnicodeDecodeError):
            return json_response(400, {"error": "invalid_request", "error_description": "Body is not JSON"})
        if not isinstance(payload, dict):
            return json_response(
                400, {"error": "invalid_request", "error_description": "Body must be an object"}
            )
        try:
            posting = self.accounts.postings.publish(payload)
        except PublishError as exc:
            return json_response(422, {"error": "invalid_request", "error_description": str(exc)})
        return json_response(201, {"job_id": posting.id})

    def _graphql(self, headers: dict[str, str], body: bytes) -> SandboxResponse:
        authorization = headers.get("authorization")
        account_id = self.oauth.account_for(authorization)
        if account_id == SERVICE_PRINCIPAL:
            return graphql.execute(self.accounts, None, body, headers.get("content-type", ""))
        account = self.accounts.get(account_id) if account_id else None
        if account is None:
            challenge = 'Bearer error="invalid_token"' if authorization else 'Bearer realm="upwork-sandbox"'
            return json_response(
                401,
                {
                    "data": None,
                    "errors": [
                        {
                            "message": "Unauthorized: a valid access token is required",
                            "extensions": {"code": "UNAUTHENTICATED"},
                        }
                    ],
                },
                {"WWW-Authenticate": challenge},
            )
        return graphql.execute(self.accounts, account, body, headers.get("content-type", ""))
