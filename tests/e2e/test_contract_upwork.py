"""API.md "Upwork data and events" and the sandbox over HTTP: the receiver's refusals, events for a freelancer
who has not signed up yet, out-of-order status updates, and the sandbox's 10 requests per second."""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx2
from standardwebhooks.webhooks import Webhook

from tests.e2e.conftest import LocalStackProcess
from tests.e2e.session import sign_in
from tests.e2e.test_events_flow import SYNC_BACKLOG_SECONDS, _eventually, _post_signed

MONTH_DAY = "2024-02-14"  # outside every sandbox account's history window


def _headers(secret: str, msg_id: str, body: str, at: datetime) -> dict[str, str]:
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body),
        "content-type": "application/json",
    }


def test_receiver_refusals(http: httpx2.Client, local_stack: LocalStackProcess) -> None:
    secret = local_stack.webhook_secret
    now = datetime.now(UTC)
    event = json.dumps({"type": "contract.ended", "timestamp": now.isoformat(), "data": {}})

    unsigned = http.post("/webhooks/upwork", content=event, headers={"content-type": "application/json"})
    stale_at = now - timedelta(minutes=6)
    stale = http.post("/webhooks/upwork", content=event, headers=_headers(secret, "msg_s", event, stale_at))
    not_json = http.post("/webhooks/upwork", content="{nope", headers=_headers(secret, "msg_j", "{nope", now))
    unknown = json.dumps({"type": "job.posted", "timestamp": now.isoformat(), "data": {}})
    unknown_type = http.post(
        "/webhooks/upwork", content=unknown, headers=_headers(secret, "msg_u", unknown, now)
    )

    assert [r.status_code for r in (unsigned, stale, not_json, unknown_type)] == [401, 401, 400, 400]
    for reply in (unsigned, stale, not_json, unknown_type):
        assert reply.headers["content-type"].startswith("application/problem+json")


def test_events_for_an_unknown_freelancer_are_applied_at_sign_up_newest_status_wins(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    account = f"e2e-late-{uuid.uuid4().hex[:10]}"
    proposal_id = f"p-{uuid.uuid4().hex[:8]}"

    def deliver(kind: str, data: dict) -> None:
        event = {
            "type": kind,
            "timestamp": datetime.now(UTC).isoformat(),
            "data": {"freelancer_id": account, **data},
        }
        reply = _post_signed(http, local_stack.webhook_secret, f"msg_{uuid.uuid4().hex}", event)
        assert reply.status_code == 202, reply.text

    # Given events for someone who has not signed up, the newer status delivered before the older one
    deliver(
        "proposal.updated",
        {"proposal_id": proposal_id, "status": "hired", "occurred_at": f"{MONTH_DAY}T18:00:00Z"},
    )
    deliver(
        "proposal.updated",
        {"proposal_id": proposal_id, "status": "viewed", "occurred_at": f"{MONTH_DAY}T12:00:00Z"},
    )
    deliver(
        "proposal.created",
        {
            "proposal_id": proposal_id,
            "job_title": "Late",
            "category": "Writing",
            "submitted_at": f"{MONTH_DAY}T09:00:00Z",
        },
    )

    # When they sign up
    auth = sign_in(http, local_stack.redirect_uri, account=account).headers

    # Then their parked events are applied, and the older update did not overwrite the hire
    def by_status() -> dict | None:
        reply = http.get(
            "/api/analytics/proposals/me", params={"date_from": MONTH_DAY, "date_to": MONTH_DAY}, headers=auth
        )
        assert reply.status_code == 200, reply.text
        statuses = reply.json()["by_status"]
        return statuses if statuses and "submitted" not in statuses else None

    # (the sign-in's sync drains them; on the suite's shared stack it queues behind other sign-ins' syncs)
    assert _eventually(by_status, timeout=SYNC_BACKLOG_SECONDS) == {"hired": 1}


def test_sandbox_answers_429_above_10_requests_per_second(base_url: str) -> None:
    """Back-to-back calls (well over 10 in a second locally) meet a 429 with `Retry-After`."""
    limited: httpx2.Response | None = None
    with httpx2.Client(base_url=f"{base_url}/_sandbox/upwork", timeout=10) as sandbox:
        for _ in range(40):
            reply = sandbox.post("/graphql", json={"query": "{ user { id } }"})
            if reply.status_code == 429:
                limited = reply
                break
    assert limited is not None, "no 429 after 40 back-to-back calls"
    assert limited.headers["retry-after"] == "1"
    assert limited.json()["errors"][0]["extensions"]["code"] == "TOO_MANY_REQUESTS"
    time.sleep(1.0)  # leave the sandbox's window empty for whoever calls it next
