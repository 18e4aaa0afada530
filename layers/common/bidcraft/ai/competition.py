"""Competition figures from a market snapshot: pure arithmetic, no I/O.

- **Skill filter**: the snapshot's freelancers who list at least one of the requested skills
  (case-insensitive). It applies when at least `MIN_MATCHES` match; with fewer (or no skills given) the
  figures are the whole category's and `skill_filter_applied` is false — an unmatched skill never silently
  widens the search. The *pool* is the filtered (or whole) sample.
- **Currency**: rates are kept in their currency; the answer's `currency` is the pool's most common rate
  currency (USD on ties or with no rates), and only rates in it are sampled — rates are never mixed.
- **Sample**: the pool's freelancers with a positive hourly rate in that currency; `sample_size` is its size.
- `market_size`: Upwork's own total for the category (its `totalCount`), when it gives one.
  `competitor_count`: the freelancers competing for this filter in the whole market — `market_size` scaled by
  the pool's share of the snapshot (`round(market_size × pool / snapshot)`), i.e. Upwork's total itself
  without a skill filter; without a `market_size`, the pool's size.
- `average_rate` = arithmetic mean of the sample, `median_rate` = its median (mean of the middle two for an
  even size); both 0 for an empty sample. Rounded to cents.
- `rate_distribution`: fixed buckets `[min, max)` (`RATE_EDGES`, per hour); the last bucket is `[150, max]`
  with `max` = the highest rate seen (at least 200), so every sampled rate lands in exactly one bucket and the
  counts add up to `sample_size`.
- `market_position.percentile` = mid-rank percentile of `your_rate` among the sample:
  `100 x (rates below + ½ x rates equal) / sample_size`. `label`: below 25 → `below_market`, 25-75 →
  `competitive`, above 75 → `premium`. With an empty sample there is nothing to place you in: `percentile` and
  `label` are null and `reason` says why.
- `your_rate`: the user's Upwork profile rate; else the midpoint of `budget_range` when that range is a
  plausible hourly band (upper bound ≤ `MAX_HOURLY_RANGE`, a bigger range is a project budget, not a rate);
  else the market median (you are then placed at the 50th percentile, `competitive`); null when none exists.
- `top_competitors`: up to five, by skills matched, then job success score (fetched from the full profile for
  the top of Upwork's ranking, see `market.ENRICH_TOP`), feedback score, jobs done, name.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Literal

from bidcraft.ai.competitors import MarketCompetitor
from bidcraft.ai.models.budget_range import budget_bounds
from bidcraft.ai.models.competition import CompetitionAnalysis, MarketPosition, RateBucket, TopCompetitor

PositionLabel = Literal["below_market", "competitive", "premium"]
RATE_EDGES: tuple[float, ...] = (0, 15, 25, 35, 50, 75, 100, 150)
LAST_BUCKET_MIN_MAX = 200.0
MIN_MATCHES = 5
MAX_HOURLY_RANGE = 500.0
TOP_N = 5


def relevant(
    competitors: Sequence[MarketCompetitor], skills: Sequence[str]
) -> tuple[list[MarketCompetitor], bool]:
    """(the pool, whether the skill filter applied)."""
    wanted = {s.casefold() for s in skills}
    if not wanted:
        return list(competitors), False
    matching = [c for c in competitors if c.matches(wanted)]
    if len(matching) >= MIN_MATCHES:
        return matching, True
    return list(competitors), False


def main_currency(pool: Sequence[MarketCompetitor]) -> str:
    counts = Counter(c.currency for c in pool if c.hourly_rate is not None and c.hourly_rate > 0)
    if not counts:
        return "USD"
    top = max(counts.values())
    return "USD" if counts.get("USD") == top else min(cur for cur, n in counts.items() if n == top)


def distribution(rates: Sequence[float]) -> list[RateBucket]:
    top = max(LAST_BUCKET_MIN_MAX, math.ceil(max(rates))) if rates else LAST_BUCKET_MIN_MAX
    bounds = [*RATE_EDGES, top]
    buckets = []
    for index in range(len(RATE_EDGES)):
        low, high = bounds[index], bounds[index + 1]
        last = index == len(RATE_EDGES) - 1
        count = sum(1 for r in rates if low <= r and (r <= high if last else r < high))
        buckets.append(RateBucket(min=float(low), max=float(high), count=count))
    return buckets


def percentile(rate: float, rates: Sequence[float]) -> float:
    if not rates:
        return 50.0
    below = sum(1 for r in rates if r < rate)
    equal = sum(1 for r in rates if r == rate)
    return round(100 * (below + 0.5 * equal) / len(rates), 1)


def label(pct: float) -> PositionLabel:
    if pct < 25:
        return "below_market"
    if pct > 75:
        return "premium"
    return "competitive"


def choose_rate(profile_rate: float | None, budget_range: str | None, median: float | None) -> float | None:
    if profile_rate and profile_rate > 0:
        return float(profile_rate)
    if budget_range:
        low, high = budget_bounds(budget_range)
        if 0 < high <= MAX_HOURLY_RANGE:
            return round((low + high) / 2, 2)
    return median


def position(your_rate: float | None, rates: Sequence[float], *, skills_given: bool) -> MarketPosition:
    if not rates:
        where = "with these skills" if skills_given else "in this category"
        return MarketPosition(
            your_rate=your_rate,
            percentile=None,
            label=None,
            reason=f"No freelancer {where} in Upwork's sample lists an hourly rate: nothing to compare with.",
        )
    if your_rate is None:
        return MarketPosition(
            your_rate=None, percentile=None, label=None, reason="No rate of yours is known to compare."
        )
    pct = percentile(your_rate, rates)
    return MarketPosition(your_rate=your_rate, percentile=pct, label=label(pct))


def analyze(
    competitors: Sequence[MarketCompetitor],
    *,
    skills: Sequence[str],
    profile_rate: float | None,
    budget_range: str | None,
    data_as_of: str,
    market_size: int | None = None,
) -> CompetitionAnalysis:
    pool, filtered = relevant(competitors, skills)
    currency = main_currency(pool)
    rates = sorted(
        float(c.hourly_rate)
        for c in pool
        if c.hourly_rate is not None and c.hourly_rate > 0 and c.currency == currency
    )
    average = round(statistics.fmean(rates), 2) if rates else 0.0
    median = round(float(statistics.median(rates)), 2) if rates else 0.0
    your_rate = choose_rate(profile_rate, budget_range, median if rates else None)
    wanted = {s.casefold() for s in skills}
    ranked = sorted(
        pool,
        key=lambda c: (
            -c.matches(wanted),
            -(c.job_success_score or -1),
            -(c.feedback_score or -1),
            -(c.total_jobs or 0),
            c.name,
        ),
    )
    if market_size is not None and competitors:
        competitor_count = round(market_size * len(pool) / len(competitors))
    else:
        competitor_count = len(pool)
    return CompetitionAnalysis(
        competitor_count=competitor_count,
        market_size=market_size,
        average_rate=average,
        median_rate=median,
        currency=currency,
        rate_distribution=distribution(rates),
        top_competitors=[
            TopCompetitor(
                name=c.name,
                hourly_rate=c.hourly_rate,
                job_success_score=c.job_success_score,
                skills=list(c.skills),
            )
            for c in ranked[:TOP_N]
        ],
        market_position=position(your_rate, rates, skills_given=bool(wanted)),
        skill_filter_applied=filtered,
        sample_size=len(rates),
        data_as_of=data_as_of,
    )
