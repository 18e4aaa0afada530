"""Builders shared by the events, webhooks and sync integration tests: users, envelopes, table reads."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bidcraft import aws
from bidcraft.analytics import models as m
from bidcraft.analytics import store
from bidcraft.events.models import EVENT_ADAPTER, Envelope


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def link_user(freelancer_id: str, user_id: str | None = None) -> str:
    """A Bidcraft user for `freelancer_id`, as sign-in stores it (mapping + minimal profile)."""
    user_id = user_id or new_id("user")
    table = os.environ["USERS_TABLE"]
    client = aws.client("dynamodb")
    client.put_item(
        TableName=table,
        Item={"pk": {"S": f"UPWORK#{freelancer_id}"}, "sk": {"S": "USER"}, "user_id": {"S": user_id}},
    )
    client.put_item(
        TableName=table,
        Item={
            "pk": {"S": f"USER#{user_id}"},
            "sk": {"S": "PROFILE"},
            "user_id": {"S": user_id},
            "name": {"S": "Test Freelancer"},
            "upwork_user_id": {"S": freelancer_id},
            "roles": {"L": [{"S": "user"}]},
            "upwork_profile": {"M": {"profile_id": {"S": "~01test"}}},
            "created_at": {"S": "2025-01-01T00:00:00Z"},
        },
    )
    return user_id


def event_body(kind: str, freelancer_id: str, **data: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "timestamp": "2025-03-01T10:00:00Z",
        "data": {"freelancer_id": freelancer_id, **data},
    }


def proposal_created(
    freelancer_id: str, proposal_id: str, submitted: str = "2025-03-05T10:00:00Z"
) -> dict[str, Any]:
    return event_body(
        "proposal.created",
        freelancer_id,
        proposal_id=proposal_id,
        job_title="Build a FastAPI backend",
        category="Web Development",
        hourly_rate=45,
        submitted_at=submitted,
    )


def proposal_updated(freelancer_id: str, proposal_id: str, status: str, occurred: str) -> dict[str, Any]:
    return event_body(
        "proposal.updated", freelancer_id, proposal_id=proposal_id, status=status, occurred_at=occurred
    )


def payment(
    freelancer_id: str, payment_id: str, amount: str, occurred: str = "2025-03-10T00:00:00Z"
) -> dict[str, Any]:
    return event_body(
        "payment.received",
        freelancer_id,
        payment_id=payment_id,
        amount=Decimal(amount),
        currency="USD",
        occurred_at=occurred,
    )


def envelope(body: dict[str, Any], event_id: str | None = None) -> Envelope:
    return Envelope(
        event_id=event_id or new_id("evt"),
        received_at=datetime.now(UTC),
        event=EVENT_ADAPTER.validate_python(body),
    )


def proposal(user_id: str, proposal_id: str) -> m.ProposalItem | None:
    found = store.get_entity(user_id, m.proposal_sk(proposal_id))
    assert found is None or isinstance(found, m.ProposalItem)
    return found


def aggregate(user_id: str, granularity: str, key: str) -> m.PeriodAggregate:
    return store.get_aggregates(user_id, granularity, [key])[key]  # type: ignore[arg-type]


def markers(user_id: str) -> list[str]:
    response = aws.client("dynamodb").query(
        TableName=os.environ["ANALYTICS_TABLE"],
        KeyConditionExpression="pk = :pk AND begins_with(sk, :p)",
        ExpressionAttributeValues={":pk": {"S": m.user_pk(user_id)}, ":p": {"S": "EVENT#"}},
        ConsistentRead=True,
    )
    return [item["sk"]["S"] for item in response.get("Items", [])]


def pending_items(freelancer_id: str) -> list[dict[str, Any]]:
    response = aws.client("dynamodb").query(
        TableName=os.environ["ANALYTICS_TABLE"],
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": m.pending_pk(freelancer_id)}},
        ConsistentRead=True,
    )
    return list(response.get("Items", []))
