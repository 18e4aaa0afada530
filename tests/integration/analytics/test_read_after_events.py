"""The read side over what the real write side stored: events through EventsWorkerFunction, then the API."""

from __future__ import annotations

import os
import uuid
from typing import Any

from bidcraft import aws
from devserver.testing import LocalAws
from tests.integration.analytics.conftest import Call, User


def _envelope(kind: str, timestamp: str, **data: Any) -> dict[str, Any]:
    return {
        "event_id": f"msg_{uuid.uuid4().hex}",
        "received_at": timestamp,
        "event": {"type": kind, "timestamp": timestamp, "data": data},
    }


def test_metrics_over_events_applied_by_the_worker(local_aws: LocalAws, call: Call, user: User) -> None:
    # Given the user's Upwork account is known and some events arrive, one out of order
    freelancer = f"fl-{uuid.uuid4().hex[:10]}"
    aws.client("dynamodb").put_item(
        TableName=os.environ["USERS_TABLE"],
        Item={"pk": {"S": f"UPWORK#{freelancer}"}, "sk": {"S": "USER"}, "user_id": {"S": user.user_id}},
    )
    f = {"freelancer_id": freelancer}
    bodies = [
        _envelope(
            "proposal.updated",
            "2025-01-12T09:00:00Z",
            proposal_id="e2",
            status="hired",
            occurred_at="2025-01-12T09:00:00Z",
            **f,
        ),
        _envelope(
            "proposal.created",
            "2025-01-03T10:00:00Z",
            proposal_id="e1",
            job_title="API",
            category="Web",
            submitted_at="2025-01-03T10:00:00Z",
            **f,
        ),
        _envelope(
            "proposal.created",
            "2025-01-05T10:00:00Z",
            proposal_id="e2",
            job_title="App",
            category="Mobile",
            submitted_at="2025-01-05T10:00:00Z",
            **f,
        ),
        _envelope(
            "proposal.updated",
            "2025-01-06T10:00:00Z",
            proposal_id="e1",
            status="viewed",
            occurred_at="2025-01-06T10:00:00Z",
            **f,
        ),
        _envelope(
            "contract.started",
            "2025-01-13T00:00:00Z",
            contract_id="k1",
            proposal_id="e2",
            hourly_rate="55",
            started_at="2025-01-13T00:00:00Z",
            **f,
        ),
        _envelope(
            "payment.received",
            "2025-01-20T00:00:00Z",
            payment_id="pm1",
            contract_id="k1",
            amount="440",
            currency="USD",
            occurred_at="2025-01-20T00:00:00Z",
            **f,
        ),
    ]

    # When the worker applies them
    result = local_aws.invoke("EventsWorkerFunction", local_aws.sqs_event(*bodies))
    assert not (result or {}).get("batchItemFailures"), result

    # Then the metrics, proposal analytics and report read them back
    reply = call("GET", "/api/analytics/metrics/user/me", user=user, query={"date": "2025-01-31"})
    assert reply.status == 200, reply.body
    m = reply.json["metrics"]
    assert (m["proposals_sent"], m["proposals_viewed"], m["interviews"], m["proposals_won"]) == (2, 2, 1, 1)
    assert (m["win_rate"], m["total_earnings"], m["average_rate"], m["active_contracts"]) == (
        0.5,
        440.0,
        55.0,
        1,
    )

    by_category = call(
        "GET",
        "/api/analytics/proposals/me",
        user=user,
        query={"date_from": "2025-01-01", "date_to": "2025-01-31"},
    )
    assert by_category.json["by_category"] == {"Mobile": 1, "Web": 1}
    assert by_category.json["by_status"] == {"hired": 1, "viewed": 1}
    hired = call(
        "GET",
        "/api/analytics/proposals/me",
        user=user,
        query={"status": "hired", "date_from": "2025-01-01", "date_to": "2025-01-31"},
    )
    assert hired.json["total_proposals"] == 1
    assert hired.json["by_category"] == {"Mobile": 1}
