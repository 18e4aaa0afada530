"""The AI items keep the wire format the low-level stores wrote before the PynamoDB models (issue 10): the
same attribute names with the same DynamoDB types, no NULLs where a value was left out, and items written the
old way still load.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime
from typing import Any

from bidcraft import aws, clock
from bidcraft.ai import jobs, market, usage
from bidcraft.ai.competition import MarketCompetitor
from bidcraft.ai.models import TokenUsage
from tests.integration.ai.conftest import analytics_item

MOMENT = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


def _types(item: dict[str, Any] | None) -> dict[str, str]:
    assert item is not None
    return {name: next(iter(value)) for name, value in item.items()}


def test_an_ai_job_has_the_attributes_and_types_of_the_low_level_store() -> None:
    # Given a job created, claimed and finished, with None values inside its request and result
    user_id = f"wire-{uuid.uuid4().hex[:8]}"
    job_id = jobs.create(user_id, jobs.KIND_GENERATE_PROPOSAL, {"budget": 1500, "tone": None}, now=MOMENT)
    assert jobs.start(user_id, job_id, now=MOMENT) == "started"
    assert jobs.finish(user_id, job_id, {"proposal_text": "Hi", "score": 0.85, "engine": None}, now=MOMENT)

    # When the raw item is read
    raw = analytics_item(f"USER#{user_id}", f"AIJOB#{job_id}")

    # Then names and types are as before, and the Nones were left out (not stored as NULL)
    assert _types(raw) == {
        "pk": "S",
        "sk": "S",
        "entity": "S",
        "job_id": "S",
        "user_id": "S",
        "kind": "S",
        "status": "S",
        "request": "M",
        "result": "M",
        "attempts": "N",
        "created_at": "S",
        "updated_at": "S",
        "started_at": "S",
        "finished_at": "S",
        "expires_at": "N",
    }
    assert raw is not None
    assert raw["request"]["M"] == {"budget": {"N": "1500"}}
    assert raw["result"]["M"] == {"proposal_text": {"S": "Hi"}, "score": {"N": "0.85"}}
    assert raw["attempts"] == {"N": "1"}
    assert raw["expires_at"] == {"N": str(clock.epoch(MOMENT + jobs.RETENTION))}


def test_usage_counters_and_market_snapshots_have_the_old_attributes_and_types() -> None:
    user_id = f"wire-{uuid.uuid4().hex[:8]}"
    usage.record(
        user_id, TokenUsage(prompt_tokens=3, completion_tokens=4, total_tokens=7), engine="t", now=MOMENT
    )
    usage.record(
        user_id, TokenUsage(prompt_tokens=1, completion_tokens=1, total_tokens=2), engine="t", now=MOMENT
    )
    category = f"{9_000_000 + uuid.uuid4().int % 1_000_000}"
    competitors = [MarketCompetitor(name="A", hourly_rate=42.5, skills=("Go",)), MarketCompetitor(name="B")]
    market.save(market.Snapshot(category, competitors, MOMENT, market_size=1200))

    month = analytics_item(f"USER#{user_id}", "USAGE#2026-03")
    snapshot = analytics_item(f"MARKET#{category}", "SNAPSHOT")

    assert _types(month) == {
        "pk": "S",
        "sk": "S",
        "prompt_tokens": "N",
        "completion_tokens": "N",
        "total_tokens": "N",
        "requests": "N",
        "updated_at": "S",
        "expires_at": "N",
    }
    assert month is not None
    assert (month["total_tokens"], month["requests"]) == ({"N": "9"}, {"N": "2"})
    assert _types(snapshot) == {
        "pk": "S",
        "sk": "S",
        "entity": "S",
        "category": "S",
        "upwork_category": "S",
        "competitors": "L",
        "market_size": "N",
        "fetched_at": "S",
        "expires_at": "N",
    }
    assert snapshot is not None
    first, second = (c["M"] for c in snapshot["competitors"]["L"])
    assert _types(first) == {"name": "S", "hourly_rate": "N", "skills": "L", "currency": "S"}
    assert first["skills"] == {"L": [{"S": "Go"}]}
    assert _types(second) == {"name": "S", "skills": "L", "currency": "S"}  # unset rates are left out


def test_items_written_by_the_low_level_stores_still_load() -> None:
    # Given a job and a market snapshot written as the toolkit wrote them (ints, nested maps, no entity)
    user_id, job_id = f"wire-{uuid.uuid4().hex[:8]}", str(uuid.uuid4())
    table = os.environ["ANALYTICS_TABLE"]
    client = aws.client("dynamodb")
    client.put_item(
        TableName=table,
        Item={
            "pk": {"S": f"USER#{user_id}"},
            "sk": {"S": f"AIJOB#{job_id}"},
            "job_id": {"S": job_id},
            "status": {"S": "failed"},
            "error": {
                "M": {"type": {"S": "t"}, "title": {"S": "T"}, "status": {"N": "503"}, "detail": {"S": "d"}}
            },
            "attempts": {"N": "3"},
        },
    )
    category = f"{8_000_000 + uuid.uuid4().int % 1_000_000}"
    client.put_item(
        TableName=table,
        Item={
            "pk": {"S": f"MARKET#{category}"},
            "sk": {"S": "SNAPSHOT"},
            "category": {"S": category},
            "competitors": {"L": [{"M": {"name": {"S": "Old"}, "hourly_rate": {"N": "30"}}}]},
            "fetched_at": {"S": clock.iso(MOMENT)},
        },
    )

    job = jobs.get(user_id, job_id)
    snapshot = market.load(category)

    assert job is not None
    assert (job.status, job.attempts) == ("failed", 3)
    assert snapshot is not None
    assert [(c.name, c.hourly_rate, c.skills) for c in snapshot.competitors] == [("Old", 30, ())]
    assert snapshot.fetched_at == MOMENT
