"""Competition figures: buckets that add up, percentiles, labels, the rate used for you."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bidcraft.ai.competition import MarketCompetitor, analyze, choose_rate, distribution, label, percentile


def market(*rates: float | None, skills: tuple[str, ...] = ("Python",)) -> list[MarketCompetitor]:
    return [MarketCompetitor(name=f"F{i}", hourly_rate=r, skills=skills) for i, r in enumerate(rates)]


def test_mean_median_and_sample_ignore_missing_rates() -> None:
    result = analyze(
        market(10, 20, 30, 40, None, 0),
        skills=[],
        profile_rate=25,
        budget_range=None,
        data_as_of="2025-01-01T00:00:00Z",
    )
    assert (result.competitor_count, result.sample_size) == (6, 4)
    assert (result.average_rate, result.median_rate) == (25.0, 25.0)
    assert result.market_position.model_dump() == {
        "your_rate": 25.0,
        "percentile": 50.0,
        "label": "competitive",
    }


@given(st.lists(st.floats(min_value=0.01, max_value=2_000, allow_nan=False), max_size=300))
def test_bucket_counts_add_up_to_the_sample(rates: list[float]) -> None:
    buckets = distribution(rates)
    assert sum(b.count for b in buckets) == len(rates)
    assert all(b.min < b.max for b in buckets)
    assert [b.min for b in buckets[1:]] == [b.max for b in buckets[:-1]]


@given(st.floats(min_value=0, max_value=500), st.lists(st.floats(min_value=1, max_value=500), min_size=1))
def test_percentile_is_within_0_and_100(rate: float, rates: list[float]) -> None:
    assert 0 <= percentile(rate, rates) <= 100


def test_percentile_is_mid_rank_and_labels_follow_it() -> None:
    rates = [10, 20, 30, 40]
    assert percentile(5, rates) == 0
    assert label(0) == "below_market"
    assert percentile(30, rates) == 62.5
    assert label(62.5) == "competitive"
    assert percentile(50, rates) == 100
    assert label(100) == "premium"
    assert percentile(30, []) == 50


def test_skills_narrow_the_competitors_only_when_enough_match() -> None:
    pool = market(10, 20, 30, 40, 50, skills=("React",)) + market(100, 200, skills=("Go",))
    narrowed = analyze(pool, skills=["react"], profile_rate=None, budget_range=None, data_as_of="x")
    assert narrowed.competitor_count == 5
    assert narrowed.median_rate == 30
    few = analyze(pool, skills=["Go"], profile_rate=None, budget_range=None, data_as_of="x")
    assert few.competitor_count == 7  # fewer than MIN_MATCHES: the whole category


def test_your_rate_comes_from_profile_then_an_hourly_range_then_the_median() -> None:
    assert choose_rate(60, "20-40", 35) == 60
    assert choose_rate(None, "20-40", 35) == 30
    assert choose_rate(None, "1000-5000", 35) == 35  # a project budget, not an hourly band
    assert choose_rate(None, None, 35) == 35


def test_top_competitors_prefer_skill_matches_then_scores() -> None:
    pool = [
        MarketCompetitor("A", 50, job_success_score=99, skills=("Go",)),
        MarketCompetitor("B", 40, job_success_score=80, skills=("React", "Node.js")),
        MarketCompetitor("C", 45, job_success_score=95, skills=("React",)),
    ]
    result = analyze(pool, skills=["React", "Node.js"], profile_rate=None, budget_range=None, data_as_of="x")
    assert [c.name for c in result.top_competitors] == ["B", "C", "A"]
