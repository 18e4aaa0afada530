"""Sync integration helpers: sign a sandbox account in through the real auth function, run the sync worker."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from devserver.testing import LocalAws


@dataclass(frozen=True)
class SignedIn:
    user_id: str
    freelancer_id: str
    access_token: str


def reply_json(raw: dict[str, Any]) -> Any:
    return json.loads(raw["body"]) if raw.get("body") else None


@pytest.fixture
def sign_in(local_aws: LocalAws, redirect_uri: str) -> Callable[..., SignedIn]:
    """`sign_in(sandbox_user=None, proposals=25, deny="")`: the whole Upwork sign-in, as a browser would do
    it (`deny`: GraphQL root fields the grant has no scope for)."""

    def _sign_in(sandbox_user: str | None = None, proposals: int = 25, deny: str = "") -> SignedIn:
        account = sandbox_user or f"sync-{uuid.uuid4().hex[:10]}"
        init = local_aws.request("POST", "/auth/upwork/init", body={"redirect_uri": redirect_uri})
        assert init["statusCode"] == 200, init["body"]
        url = f"{reply_json(init)['authorization_url']}&sandbox_user={account}&sandbox_proposals={proposals}"
        if deny:
            url += f"&sandbox_deny={deny}"
        location = httpx2.get(url, follow_redirects=False, timeout=10).headers["location"]
        params = parse_qs(urlsplit(location).query)
        callback = local_aws.request(
            "GET", "/auth/upwork/callback", query={"code": params["code"][0], "state": params["state"][0]}
        )
        assert callback["statusCode"] == 200, callback["body"]
        body = reply_json(callback)
        return SignedIn(body["user"]["user_id"], body["user"]["upwork_user_id"], body["access_token"])

    return _sign_in


@pytest.fixture
def run_sync(local_aws: LocalAws) -> Callable[..., dict[str, Any]]:
    """`run_sync(user_id, job_id=None)`: one `sync.user` message through the sync worker's handler."""

    def _run(user_id: str, job_id: str | None = None, reason: str = "test") -> dict[str, Any]:
        message: dict[str, Any] = {"type": "sync.user", "user_id": user_id, "reason": reason}
        if job_id:
            message["job_id"] = job_id
        return dict(local_aws.invoke("SyncWorkerFunction", local_aws.sqs_event(message, queue="SyncQueue")))

    return _run
