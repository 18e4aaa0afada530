"""Sync integration helpers: sign a sandbox account in through the real auth function, run the sync worker."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bidcraft import aws, config
from devserver.testing import LocalAws
from tests.integration import session
from tests.integration.session import SignedIn


def reply_json(raw: dict[str, Any]) -> Any:
    return json.loads(raw["body"]) if raw.get("body") else None


@pytest.fixture
def sign_in(local_aws: LocalAws, redirect_uri: str) -> Callable[..., SignedIn]:
    """`sign_in(sandbox_user=None, proposals=25, deny="")`: the whole Upwork sign-in, as a browser would do
    it (`deny`: GraphQL root fields the grant has no scope for)."""

    def _sign_in(sandbox_user: str | None = None, proposals: int = 25, deny: str = "") -> SignedIn:
        account = sandbox_user or session.new_account("sync")
        return session.sign_in(local_aws, redirect_uri, account=account, proposals=proposals, deny=deny)

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


@pytest.fixture
def sync_queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A sync queue of this test's own, so counting messages is exact."""
    url = aws.client("sqs").create_queue(QueueName=f"sync-{uuid.uuid4().hex[:12]}")["QueueUrl"]
    monkeypatch.setenv("SYNC_QUEUE_URL", url)
    config.reset()
    yield url
    config.reset()


__all__ = ["SignedIn", "reply_json"]
