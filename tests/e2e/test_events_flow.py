"""Signed events over the local stack: accepted once, duplicates recognised, applied by the queue worker and
visible in the user's metrics; the user's own sync job can be requested and followed."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx2
from standardwebhooks.webhooks import Webhook

from tests.e2e.conftest import LocalStackProcess
from tests.e2e.session import sign_in

MONTH_DAY = "2024-01-15"  # long before the sandbox account's own history window: nothing else lands here


def _post_signed(http: httpx2.Client, secret: str, msg_id: str, event: dict[str, Any]) -> httpx2.Response:
    body = json.dumps(event)
    signature = Webhook(secret).sign(msg_id, datetime.now(UTC), body)
    headers = {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(time.time())),
        "webhook-signature": signature,
        "content-type": "application/json",
    }
    return http.post("/webhooks/upwork", content=body.encode(), headers=headers)


# A sync waits behind the sign-in syncs every other e2e test queued on the same local stack (each a few
# seconds under Upwork's rate limit): checks that wait for a sync allow for that backlog.
SYNC_BACKLOG_SECONDS = 60.0


def _eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def test_signed_events_are_queued_once_and_show_up_in_metrics(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    # Given a signed-in freelancer (an empty sandbox account)
    account = f"e2e-ev-{uuid.uuid4().hex[:10]}"
    auth = sign_in(http, local_stack.redirect_uri, account=account).headers
    created = {
        "type": "proposal.created",
        "timestamp": datetime.now(UTC).isoformat(),
        "data": {
            "proposal_id": f"p-{uuid.uuid4().hex[:8]}",
            "freelancer_id": account,
            "job_title": "Build a webhook receiver",
            "category": "Web Development",
            "hourly_rate": 55,
            "submitted_at": f"{MONTH_DAY}T10:00:00Z",
        },
    }
    msg_id = f"msg_{uuid.uuid4().hex}"

    # When the event is delivered, then delivered again
    first = _post_signed(http, local_stack.webhook_secret, msg_id, created)
    again = _post_signed(http, local_stack.webhook_secret, msg_id, created)

    # Then it is accepted once and recognised as a duplicate
    assert first.status_code == 202, first.text
    assert first.json() == {"status": "accepted", "event_id": msg_id}
    assert again.status_code == 200, again.text
    assert again.json() == {"status": "duplicate", "event_id": msg_id}

    # And the queue worker applies it (once) to the month of its submission
    def month_metrics() -> dict[str, Any] | None:
        reply = http.get(
            "/api/analytics/metrics/user/me", params={"period": "monthly", "date": MONTH_DAY}, headers=auth
        )
        assert reply.status_code == 200, reply.text
        metrics = reply.json()["metrics"]
        return metrics if metrics["proposals_sent"] >= 1 else None

    metrics = _eventually(month_metrics)
    assert metrics is not None, "the event never reached the metrics"
    assert metrics["proposals_sent"] == 1

    # When the client hires them (a newer status)
    hired = {
        "type": "proposal.updated",
        "timestamp": datetime.now(UTC).isoformat(),
        "data": {
            "proposal_id": created["data"]["proposal_id"],
            "freelancer_id": account,
            "status": "hired",
            "occurred_at": f"{MONTH_DAY}T18:00:00Z",
        },
    }
    assert _post_signed(http, local_stack.webhook_secret, f"msg_{uuid.uuid4().hex}", hired).status_code == 202

    # Then the win shows up in the same month
    won = _eventually(lambda: (m := month_metrics()) is not None and m["proposals_won"] == 1 and m)
    assert won, "the hire never reached the metrics"
    assert won["win_rate"] == 1


def test_bad_signatures_are_refused(http: httpx2.Client, local_stack: LocalStackProcess) -> None:
    body = json.dumps({"type": "proposal.created", "timestamp": "2025-01-01T00:00:00Z", "data": {}})
    reply = http.post(
        "/webhooks/upwork",
        content=body.encode(),
        headers={
            "webhook-id": "msg_forged",
            "webhook-timestamp": str(int(time.time())),
            "webhook-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "content-type": "application/json",
        },
    )
    assert reply.status_code == 401
    assert reply.headers["content-type"].startswith("application/problem+json")


def test_a_requested_sync_can_be_followed_to_its_end(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    auth = sign_in(http, local_stack.redirect_uri, account=f"e2e-sync-{uuid.uuid4().hex[:10]}").headers
    accepted = http.post("/api/upwork/sync", headers=auth)
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["job_id"]

    def finished() -> dict[str, Any] | None:
        reply = http.get(f"/api/upwork/sync/{job_id}", headers=auth)
        assert reply.status_code == 200, reply.text
        return reply.json() if reply.json()["status"] in ("succeeded", "failed") else None

    job = _eventually(finished, timeout=SYNC_BACKLOG_SECONDS)
    assert job is not None, "the sync never finished"
    assert job["status"] == "succeeded", job
