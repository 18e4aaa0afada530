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


def test_an_unmatched_skill_says_the_filter_did_not_apply() -> None:
    pool = market(10, 20, 30, 40, 50, 60, skills=("React",))
    matched = analyze(pool, skills=["React"], profile_rate=None, budget_range=None, data_as_of="x")
    unmatched = analyze(pool, skills=["COBOL"], profile_rate=None, budget_range=None, data_as_of="x")
    none_given = analyze(pool, skills=[], profile_rate=None, budget_range=None, data_as_of="x")
    assert matched.skill_filter_applied is True
    assert unmatched.skill_filter_applied is False
    assert none_given.skill_filter_applied is False


def test_competitor_count_scales_upworks_total_by_the_matching_share() -> None:
    pool = market(10, 20, 30, 40, 50, skills=("React",)) + market(60, 70, 80, 90, 100, skills=("Go",))
    whole = analyze(pool, skills=[], profile_rate=None, budget_range=None, data_as_of="x", market_size=4_000)
    react = analyze(
        pool, skills=["React"], profile_rate=None, budget_range=None, data_as_of="x", market_size=4_000
    )
    unknown = analyze(pool, skills=["React"], profile_rate=None, budget_range=None, data_as_of="x")
    assert (whole.market_size, whole.competitor_count) == (4_000, 4_000)
    assert (react.competitor_count, react.sample_size) == (2_000, 5)
    assert unknown.market_size is None
    assert unknown.competitor_count == 5  # no total from Upwork: the pool itself


def test_rates_keep_their_currency_and_are_never_mixed() -> None:
    pool = [
        MarketCompetitor("A", 40, currency="EUR"),
        MarketCompetitor("B", 50, currency="EUR"),
        MarketCompetitor("C", 1_000, currency="INR"),
    ]
    result = analyze(pool, skills=[], profile_rate=None, budget_range=None, data_as_of="x")
    assert result.currency == "EUR"
    assert (result.sample_size, result.median_rate) == (2, 45.0)
    assert (
        analyze(market(10, 20), skills=[], profile_rate=None, budget_range=None, data_as_of="x").currency
        == "USD"
    )


def test_an_empty_sample_has_no_label_and_says_why() -> None:
    result = analyze(market(None, 0), skills=[], profile_rate=30, budget_range=None, data_as_of="x")
    position = result.model_dump(mode="json")["market_position"]
    assert position["label"] is None
    assert position["percentile"] is None
    assert position["your_rate"] == 30
    assert "nothing to compare" in position["reason"]
    assert result.sample_size == 0
    assert sum(b.count for b in result.rate_distribution) == 0


def test_a_placed_rate_has_no_reason() -> None:
    position = analyze(market(10, 20, 30), skills=[], profile_rate=25, budget_range=None, data_as_of="x")
    assert "reason" not in position.model_dump(mode="json")["market_position"]


def test_job_success_scores_rank_the_top_competitors() -> None:
    pool = [
        MarketCompetitor("A", 50, job_success_score=None, skills=("React",)),
        MarketCompetitor("B", 40, job_success_score=97, skills=("React",)),
    ]
    result = analyze(pool, skills=[], profile_rate=None, budget_range=None, data_as_of="x")
    assert [(c.name, c.job_success_score) for c in result.top_competitors] == [("B", 97), ("A", None)]
