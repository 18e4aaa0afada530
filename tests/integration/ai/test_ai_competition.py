"""Competition from Upwork market data (the sandbox's talent search), cached at most 24 hours."""

from __future__ import annotations

import os
import re
from datetime import timedelta

from bidcraft import aws, clock
from tests.integration.ai.conftest import Call, User, analytics_item

ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
WEB = "531770282580668418"  # Upwork's "Web, Mobile & Software Dev"


def test_competition_answers_with_exactly_the_documented_keys(ai: Call, user: User) -> None:
    reply = ai(
        "POST",
        "/api/ai/analyze/competition",
        {"category": "web_development", "budget_range": "1000-5000", "skills": ["React", "Node.js"]},
        token=user.token,
    )

    assert reply.status == 200, reply.body
    body = reply.json
    assert set(body) == {
        "competitor_count",
        "average_rate",
        "median_rate",
        "rate_distribution",
        "top_competitors",
        "market_position",
        "sample_size",
        "data_as_of",
    }
    assert body["sample_size"] > 0
    assert body["competitor_count"] >= body["sample_size"]
    assert sum(bucket["count"] for bucket in body["rate_distribution"]) == body["sample_size"]
    assert all(set(bucket) == {"min", "max", "count"} for bucket in body["rate_distribution"])
    assert set(body["market_position"]) == {"your_rate", "percentile", "label"}
    assert 0 <= body["market_position"]["percentile"] <= 100
    assert body["market_position"]["label"] in {"below_market", "competitive", "premium"}
    if user.hourly_rate:
        assert body["market_position"]["your_rate"] == user.hourly_rate
    assert ISO_Z.match(body["data_as_of"])
    assert 1 <= len(body["top_competitors"]) <= 5
    assert all(c["name"] and "skills" in c for c in body["top_competitors"])


def test_market_data_is_cached_and_refreshed_after_24_hours(ai: Call, user: User) -> None:
    body = {"category": "Web, Mobile & Software Dev", "skills": ["Python"]}
    first = ai("POST", "/api/ai/analyze/competition", body, token=user.token).json
    snapshot = analytics_item(f"MARKET#{WEB}", "SNAPSHOT")
    assert snapshot is not None
    fetched = clock.epoch(clock.now()) - 5
    assert int(snapshot["expires_at"]["N"]) - 24 * 3600 >= fetched - 3600

    again = ai("POST", "/api/ai/analyze/competition", {**body, "category": WEB}, token=user.token).json
    assert again["data_as_of"] == first["data_as_of"]

    stale = clock.iso(clock.now() - timedelta(hours=25))
    aws.client("dynamodb").update_item(
        TableName=os.environ["ANALYTICS_TABLE"],
        Key={"pk": {"S": f"MARKET#{WEB}"}, "sk": {"S": "SNAPSHOT"}},
        UpdateExpression="SET fetched_at = :old",
        ExpressionAttributeValues={":old": {"S": stale}},
    )
    refreshed = ai("POST", "/api/ai/analyze/competition", body, token=user.token).json
    assert refreshed["data_as_of"] != stale
    assert (
        clock.epoch(clock.now())
        - clock.epoch(clock.now().fromisoformat(refreshed["data_as_of"].replace("Z", "+00:00")))
        < 120
    )
