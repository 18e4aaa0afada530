"""Sign in with Upwork through the local stack's sandbox: the one helper every e2e suite uses."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2


@dataclass(frozen=True)
class SignedIn:
    account: str  # the sandbox account, also the Upwork user id (`freelancer_id` of its events)
    body: dict[str, Any]  # the callback's answer
    code: str  # the authorization code and state the callback redeemed (to test their replay)
    state: str

    @property
    def access_token(self) -> str:
        return str(self.body["access_token"])

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access_token}"}


def sign_in(
    http: httpx2.Client, redirect_uri: str, *, account: str | None = None, proposals: int = 0
) -> SignedIn:
    """A new session for `account` (a fresh one by default) whose sandbox history has `proposals`."""
    account = account or f"e2e-{uuid.uuid4().hex[:12]}"
    init = http.post("/auth/upwork/init", json={"redirect_uri": redirect_uri})
    assert init.status_code == 200, init.text
    url = f"{init.json()['authorization_url']}&sandbox_user={account}&sandbox_proposals={proposals}"
    authorize = http.get(url)
    assert authorize.status_code == 302, authorize.text
    location = authorize.headers["location"]
    assert location.startswith(redirect_uri), location
    params = {name: values[0] for name, values in parse_qs(urlsplit(location).query).items()}
    assert params["state"] == init.json()["state"]
    callback = http.get("/auth/upwork/callback", params={"code": params["code"], "state": params["state"]})
    assert callback.status_code == 200, callback.text
    assert callback.headers["cache-control"] == "no-store"  # it carries tokens (RFC 6749 §5.1)
    return SignedIn(account, callback.json(), params["code"], params["state"])
