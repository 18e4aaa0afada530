"""A user's decided proposals — won vs. decided, in all and per category — from the analytics aggregates.

One `BatchGetItem` of the yearly aggregates (`USER#<id>` / `AGG#Y#<year>`) of the last `YEARS` calendar
years, whatever the length of the history: the estimate learns from the recent record, and the cost stays
one call. Per year the aggregate keeps `proposals_won` (reached `hired`), the proposals' current statuses
(`status#declined`, `status#archived`: lost) and, per category, `cat_sent#…` / `cat_won#…`; it does not cross
status with category, so a category's losses are estimated as the year's losses shared out in proportion to
the category's proposals not won: `lost_c = lost × (sent_c − won_c) / (sent − won)`. Open proposals
(`submitted`, `viewed`, `interviewing`) and withdrawn ones (the freelancer's decision, not the client's) are
not decided. Categories are matched by Upwork category id when the name resolves to one
(`market.snapshot_key`), so `Web, Mobile & Software Dev` and `web_development` are one category.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from bidcraft import clock
from bidcraft.ai.market import snapshot_key
from bidcraft.analytics import models as m

YEARS = 3
LOST_STATUSES = ("declined", "archived")


@dataclass(frozen=True)
class Record:
    won: float = 0.0
    decided: float = 0.0


@dataclass(frozen=True)
class TrackRecord:
    """The user's decided proposals: in all, and by category key (`snapshot_key`)."""

    total: Record = Record()
    by_category: dict[str, Record] = field(default_factory=dict)

    def category(self, name: str | None) -> Record:
        return self.by_category.get(snapshot_key(name), Record()) if name else Record()


def from_aggregates(aggregates: Iterable[m.PeriodAggregate]) -> TrackRecord:
    won_total = decided_total = 0.0
    won: dict[str, float] = defaultdict(float)
    decided: dict[str, float] = defaultdict(float)
    for agg in aggregates:
        lost = float(sum(agg.by_status.get(s, 0) for s in LOST_STATUSES))
        not_won = agg.proposals_sent - agg.proposals_won
        won_total += agg.proposals_won
        decided_total += agg.proposals_won + lost
        for name, counts in agg.by_category.items():
            key = snapshot_key(name)
            share = (counts.sent - counts.won) / not_won if not_won > 0 else 0.0
            won[key] += counts.won
            decided[key] += counts.won + lost * share
    return TrackRecord(
        total=Record(won_total, decided_total),
        by_category={key: Record(won[key], decided[key]) for key in decided},
    )


def years(now: datetime) -> list[str]:
    return [f"{now.year - back:04d}" for back in range(YEARS)]


def track_record(user_id: str, *, now: datetime | None = None) -> TrackRecord:
    """One BatchGetItem (eventually consistent) of the user's last `YEARS` yearly aggregates."""
    from bidcraft.analytics import store

    aggregates = store.get_aggregates(user_id, "Y", years(now or clock.now()))
    return from_aggregates(aggregates.values())
