"""Proposal analytics over a date range (`GET /api/analytics/proposals/{user_id}`).

The range is `date_from..date_to` (UTC days, both inclusive; default the last 30 days ending today) and at
most `MAX_RANGE_DAYS` days long, so every read below is bounded by the range, never by the user's history.

- Unfiltered (`status=all`, no `category`): the day aggregates of the range — one range `Query` of at most
  366 small items. `by_status` is the *current* status of the proposals submitted in the range.
- Filtered (a `status`, or a `category`): the aggregates cannot cross status with category, so the proposals
  submitted in the range are read from the user's proposals index (`gsi1`, sorted by `submitted_at`),
  projected to four attributes. Cost: one read unit per ~4 KB of projected proposals in the range (about 40
  proposals per unit), i.e. proportional to the proposals *in the range*, not to the whole history.

Either way every figure describes the same set: proposals submitted in the range that match the filters
(`status` = their current status). `timeline` has one entry per day of the range: proposals submitted that
day (`sent`) and how many of them were won (`won` — reached `hired`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel

from bidcraft import clock
from bidcraft.analytics import metrics
from bidcraft.analytics.models import PeriodAggregate, proposals_index_pk
from bidcraft.errors import Unprocessable

StatusFilter = Literal[
    "all", "submitted", "viewed", "interviewing", "hired", "declined", "withdrawn", "archived"
]
MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30


class ProposalTimelinePoint(BaseModel):
    date: date
    sent: int
    won: int


class ProposalAnalytics(BaseModel):
    total_proposals: int
    by_status: dict[str, int]
    by_category: dict[str, int]
    timeline: list[ProposalTimelinePoint]


def resolve_range(date_from: date | None, date_to: date | None, today: date) -> tuple[date, date]:
    """The inclusive day range asked for, with defaults applied; 422 when reversed or too long."""
    last = date_to or (max(today, date_from) if date_from else today)
    first = date_from or last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    metrics.check_day(first, "date_from")
    metrics.check_day(last, "date_to")
    if first > last:
        raise Unprocessable(
            "date_from is after date_to",
            errors=[{"loc": ["query", "date_from"], "msg": "must not be after date_to"}],
        )
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise Unprocessable(
            f"The range may span at most {MAX_RANGE_DAYS} days",
            errors=[{"loc": ["query", "date_to"], "msg": f"at most {MAX_RANGE_DAYS} days after date_from"}],
        )
    return first, last


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def from_aggregates(first: date, last: date, days: dict[str, PeriodAggregate]) -> ProposalAnalytics:
    by_status: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    timeline: list[ProposalTimelinePoint] = []
    for day in _days(first, last):
        aggregate = days.get(day.isoformat())
        if aggregate is None:
            timeline.append(ProposalTimelinePoint(date=day, sent=0, won=0))
            continue
        by_status.update(aggregate.by_status)
        by_category.update({category: counts.sent for category, counts in aggregate.by_category.items()})
        timeline.append(
            ProposalTimelinePoint(date=day, sent=aggregate.proposals_sent, won=aggregate.proposals_won)
        )
    return ProposalAnalytics(
        total_proposals=sum(point.sent for point in timeline),
        by_status={status: n for status, n in sorted(by_status.items()) if n},
        by_category={category: n for category, n in sorted(by_category.items()) if n},
        timeline=timeline,
    )


def _won(proposal: dict[str, object]) -> bool:
    reached = proposal.get("reached") or set()
    return proposal.get("status") == "hired" or (isinstance(reached, set | frozenset) and "hired" in reached)


def _day_of(proposal: dict[str, object]) -> date | None:
    try:
        return datetime.fromisoformat(str(proposal.get("submitted_at"))).date()
    except ValueError:
        return None


def from_proposals(
    first: date,
    last: date,
    proposals: Iterable[dict[str, object]],
    status: StatusFilter,
    category: str | None,
) -> ProposalAnalytics:
    """Figures over proposal items (plain values: submitted_at, status, category, reached)."""
    sent: Counter[date] = Counter()
    won: Counter[date] = Counter()
    by_status: Counter[str] = Counter()
    by_category: Counter[str] = Counter()
    for proposal in proposals:
        day = _day_of(proposal)
        if day is None or not first <= day <= last:
            continue
        if status != "all" and proposal.get("status") != status:
            continue
        if category is not None and proposal.get("category") != category:
            continue
        sent[day] += 1
        won[day] += _won(proposal)
        by_status[str(proposal.get("status"))] += 1
        by_category[str(proposal.get("category") or "uncategorized")] += 1
    return ProposalAnalytics(
        total_proposals=sum(sent.values()),
        by_status=dict(sorted(by_status.items())),
        by_category=dict(sorted(by_category.items())),
        timeline=[
            ProposalTimelinePoint(date=day, sent=sent[day], won=won[day]) for day in _days(first, last)
        ],
    )


def proposals_submitted(user_id: str, first: date, last: date) -> Iterable[dict[str, object]]:
    """The user's proposals submitted in `first..last` (index `gsi1`, projected; placeholders not indexed)."""
    request = {
        "IndexName": "gsi1",
        "KeyConditionExpression": "gsi1pk = :pk AND gsi1sk BETWEEN :lo AND :hi",
        "ExpressionAttributeNames": {"#status": "status"},
        "ExpressionAttributeValues": {
            ":pk": {"S": proposals_index_pk(user_id)},
            ":lo": {"S": first.isoformat()},
            ":hi": {"S": last.isoformat() + "~"},
        },
        "ProjectionExpression": "submitted_at, #status, category, reached",
    }
    return metrics.query_pages(request)


def proposal_analytics(
    user_id: str,
    *,
    status: StatusFilter = "all",
    category: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    now: datetime | None = None,
) -> ProposalAnalytics:
    first, last = resolve_range(date_from, date_to, (now or clock.now()).date())
    if status == "all" and not category:
        return from_aggregates(first, last, metrics.daily_aggregates(user_id, first, last))
    return from_proposals(first, last, proposals_submitted(user_id, first, last), status, category or None)
