"""Competition from Upwork market data (the sandbox's talent search, or a fake client returning the talent
search contract `UpworkFreelancerSearch`), cached at most 24 hours."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest

from bidcraft import aws, clock
from bidcraft.ai import market
from bidcraft.upwork import UpworkFreelancer, UpworkFreelancerSearch
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
    # `market_size` is there when the client passes Upwork's total on (the `upwork` branch's client does)
    assert set(body) - {"market_size"} == {
        "competitor_count",
        "currency",
        "skill_filter_applied",
        "average_rate",
        "median_rate",
        "rate_distribution",
        "top_competitors",
        "market_position",
        "sample_size",
        "data_as_of",
    }
    assert body["sample_size"] > 0
    assert (
        body.get("market_size", body["competitor_count"]) >= body["competitor_count"] >= body["sample_size"]
    )
    assert body["currency"] == "USD"
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


class FakeTalentSearch:
    """Upwork's talent search as the client contract has it: `UpworkFreelancerSearch(total_count, ...)`;
    only the first `enrich_top` freelancers carry a job success score, as Upwork's search records lack it."""

    def __init__(self, freelancers: Sequence[UpworkFreelancer], total: int | None) -> None:
        self.freelancers = freelancers
        self.total = total
        self.calls: list[dict[str, Any]] = []

    def search_freelancers(
        self, token: object, category: str | None, skills: Sequence[str] = (), **options: Any
    ) -> UpworkFreelancerSearch:
        self.calls.append({"category": category, "skills": tuple(skills), **options})
        enrich = options.get("enrich_top", 0)
        found = tuple(
            f if i < enrich else f.model_copy(update={"job_success_score": None})
            for i, f in enumerate(self.freelancers[: options.get("limit", 200)])
        )
        return UpworkFreelancerSearch(total_count=self.total, freelancers=found)


def freelancer(index: int, rate: float | None, *skills: str, currency: str = "USD") -> UpworkFreelancer:
    return UpworkFreelancer(
        profile_key=f"~01fake{index:04d}",
        name=f"Freelancer {index}",
        hourly_rate=rate,
        currency=currency,
        skills=skills,
        job_success_score=float(80 + index % 20),
    )


@pytest.fixture
def talent(monkeypatch: pytest.MonkeyPatch) -> FakeTalentSearch:
    """The Upwork client of the market source replaced by the fake; a unique category id per test, so no
    snapshot of another test is reused."""
    fake = FakeTalentSearch([], None)
    monkeypatch.setattr(market, "_graphql", lambda: fake)
    return fake


def unique_category() -> str:
    return str(900_000_000_000 + int.from_bytes(os.urandom(4), "big"))


def test_upworks_total_job_success_scores_and_currency_come_through(
    ai: Call, user: User, talent: FakeTalentSearch
) -> None:
    # Given 40 React freelancers (in EUR) and 20 Go ones; Upwork says the category has 6,000
    talent.freelancers = [freelancer(i, 30 + i, "React", currency="EUR") for i in range(40)] + [
        freelancer(100 + i, 50, "Go", currency="EUR") for i in range(20)
    ]
    talent.total = 6_000
    category = unique_category()

    # When
    reply = ai(
        "POST", "/api/ai/analyze/competition", {"category": category, "skills": ["react"]}, token=user.token
    )

    # Then
    assert reply.status == 200, reply.body
    body = reply.json
    assert talent.calls == [
        {"category": category, "skills": (), "limit": 200, "enrich_top": market.ENRICH_TOP}
    ]
    assert body["market_size"] == 6_000
    assert body["skill_filter_applied"] is True
    assert body["competitor_count"] == 4_000  # 40 of the 60 sampled match React
    assert (body["sample_size"], body["currency"]) == (40, "EUR")
    assert all(c["job_success_score"] is not None for c in body["top_competitors"])
    snapshot = analytics_item(f"MARKET#{category}", "SNAPSHOT")
    assert snapshot is not None
    assert snapshot["market_size"]["N"] == "6000"


def test_an_unmatched_skill_is_reported_not_silently_widened(
    ai: Call, user: User, talent: FakeTalentSearch
) -> None:
    talent.freelancers = [freelancer(i, 40 + i, "React") for i in range(30)]
    talent.total = 900

    reply = ai(
        "POST",
        "/api/ai/analyze/competition",
        {"category": unique_category(), "skills": ["COBOL"]},
        token=user.token,
    )

    assert reply.status == 200, reply.body
    assert reply.json["skill_filter_applied"] is False
    assert reply.json["competitor_count"] == 900  # the whole category, and the answer says so


def test_an_empty_sample_gives_no_label_and_a_reason(ai: Call, user: User, talent: FakeTalentSearch) -> None:
    talent.freelancers = [freelancer(i, None, "React") for i in range(3)]  # nobody lists a rate
    talent.total = None

    reply = ai(
        "POST",
        "/api/ai/analyze/competition",
        {"category": unique_category(), "skills": [], "budget_range": "20-40"},
        token=user.token,
    )

    assert reply.status == 200, reply.body
    body = reply.json
    assert "market_size" not in body  # Upwork gave no total
    assert body["sample_size"] == 0
    position = body["market_position"]
    assert position["label"] is None
    assert position["percentile"] is None
    assert position["reason"]
