"""Market data synced from Upwork, kept at most 24 hours (Upwork's API terms).

Item: AnalyticsTable `MARKET#<Upwork category id, or the normalised name>` / `SNAPSHOT` — category,
upwork_category, market_size (Upwork's `totalCount` for the category, when given), competitors [{name,
hourly_rate, currency, job_success_score, feedback_score, total_jobs, skills}], fetched_at, expires_at
(fetched_at + 24 h, the table's TTL attribute). Freshness is decided on `fetched_at`, never on TTL deletion
(which can lag by a day or two): a snapshot older than 24 hours is refreshed before use, and if the refresh
fails the stale data is NOT served (the Upwork error is).

Refresh: Upwork GraphQL `freelancerProfileSearchRecords` (`bidcraft.upwork.UpworkGraphQL.search_freelancers`)
with the CALLER's Upwork access token (`bidcraft.auth.upwork_tokens.get_valid_access_token`), the whole
category (not the caller's skills, so one snapshot serves every user of the category), at most
`SAMPLE_LIMIT` freelancers; the first `ENRICH_TOP` of Upwork's ranking get their job success score from their
full profile (the search records lack it; one query each). Category names, slugs and labels are resolved to
Upwork category ids (`CATEGORY_IDS`); numeric ids pass through; anything else is a 422 naming the known
categories.

Storage: the `MarketSnapshotItem` model (`bidcraft.tables.analytics`).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, NamedTuple, Protocol

from bidcraft import clock
from bidcraft.ai.competitors import MarketCompetitor
from bidcraft.ai.settings import settings
from bidcraft.errors import Unprocessable
from bidcraft.tables.analytics.ai import MarketSnapshotItem, without_nulls
from bidcraft.tables.base import STORAGE_ERRORS, unavailable

logger = logging.getLogger(__name__)

FRESH_FOR = timedelta(hours=24)
SAMPLE_LIMIT = 200
ENRICH_TOP = 10

# Upwork's top-level category ids, by the names clients are likely to send (normalised, see `category_key`).
_WEB = "531770282580668418"
_DATA = "531770282580668420"
_DESIGN = "531770282580668421"
_WRITING = "531770282580668423"
_MARKETING = "531770282580668422"
_ADMIN = "531770282580668416"
_IT = "531770282580668419"
_TRANSLATION = "531770282580668424"
_ACCOUNTING = "531770282580668426"
CATEGORY_IDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "web-mobile-software-dev",
            "web-mobile-and-software-dev",
            "web-development",
            "mobile-development",
            "software-development",
            "web-mobile-software-development",
        ),
        _WEB,
    ),
    **dict.fromkeys(("data-science-analytics", "data-science-and-analytics", "data-science"), _DATA),
    **dict.fromkeys(("design-creative", "design-and-creative", "design"), _DESIGN),
    **dict.fromkeys(("writing", "content-writing"), _WRITING),
    **dict.fromkeys(("sales-marketing", "sales-and-marketing", "marketing"), _MARKETING),
    **dict.fromkeys(("admin-support", "administrative-support"), _ADMIN),
    **dict.fromkeys(("it-networking", "it-and-networking"), _IT),
    **dict.fromkeys(("translation",), _TRANSLATION),
    **dict.fromkeys(("accounting-consulting", "accounting-and-consulting"), _ACCOUNTING),
}


def category_key(category: str) -> str:
    """`Web, Mobile & Software Dev` / `web_development` → `web-mobile-software-dev` / `web-development`."""
    return re.sub(r"[^a-z0-9]+", "-", category.casefold().replace("&", " and ")).strip("-")[:100] or "unknown"


def upwork_category(category: str) -> str | None:
    """The Upwork category id of a known name, slug or label (numeric ids pass through), else None."""
    key = category_key(category)
    if key.isdigit():
        return key
    return CATEGORY_IDS.get(key) or CATEGORY_IDS.get(key.replace("-and-", "-"))


def require_category(category: str) -> str:
    """`upwork_category`, or a 422 naming the categories we know."""
    found = upwork_category(category)
    if found is None:
        raise _unknown_category()
    return found


def _unknown_category() -> Unprocessable:
    known = ", ".join(sorted({k for k in CATEGORY_IDS if "-and-" not in k}))
    return Unprocessable(
        "Unknown category",
        errors=[
            {"loc": ["body", "category"], "msg": f"Unknown Upwork category; use an id or one of: {known}"}
        ],
    )


class Snapshot:
    def __init__(
        self,
        category: str,
        competitors: list[MarketCompetitor],
        fetched_at: datetime,
        market_size: int | None = None,
    ) -> None:
        self.category = category
        self.competitors = competitors
        self.fetched_at = fetched_at
        self.market_size = market_size

    def fresh(self, now: datetime) -> bool:
        return now - self.fetched_at < FRESH_FOR


class MarketSample(NamedTuple):
    """One talent search: the freelancers read and Upwork's own total for the filter (None: not given)."""

    competitors: list[MarketCompetitor]
    total: int | None = None


class MarketSource(Protocol):
    def fetch(self, user_id: str, upwork_category_id: str) -> MarketSample: ...


@functools.cache
def _upwork_http() -> Any:
    from bidcraft.upwork import budget, make_client

    return make_client(before_request=budget.before_request)  # every Upwork call takes a budget slot


def _graphql() -> Any:
    from bidcraft.upwork import UpworkGraphQL

    return UpworkGraphQL(settings().upwork_api_url, _upwork_http())


class UpworkMarketSource:
    """Competitors from Upwork's talent search, with the caller's own Upwork token."""

    def fetch(self, user_id: str, upwork_category_id: str) -> MarketSample:
        from bidcraft.auth.upwork_tokens import get_valid_access_token

        token = get_valid_access_token(user_id)
        found = _graphql().search_freelancers(
            token, upwork_category_id, (), limit=SAMPLE_LIMIT, enrich_top=ENRICH_TOP
        )
        return MarketSample([_competitor(f) for f in found.freelancers], found.total_count)


def _competitor(found: Any) -> MarketCompetitor:
    return MarketCompetitor(
        name=str(getattr(found, "name", None) or "Upwork freelancer"),
        hourly_rate=getattr(found, "hourly_rate", None),
        job_success_score=getattr(found, "job_success_score", None),
        feedback_score=getattr(found, "feedback_score", None),
        total_jobs=getattr(found, "total_jobs", None),
        skills=tuple(str(s) for s in (getattr(found, "skills", None) or ())),
        currency=str(getattr(found, "currency", None) or "USD"),
    )


def snapshot_key(category: str) -> str:
    """One snapshot per Upwork category: names that resolve to the same category id share it."""
    return category_key(upwork_category(category) or category)


def _as_dicts(competitors: Iterable[MarketCompetitor]) -> list[dict[str, Any]]:
    return [
        {
            "name": c.name,
            "hourly_rate": c.hourly_rate,
            "job_success_score": c.job_success_score,
            "feedback_score": c.feedback_score,
            "total_jobs": c.total_jobs,
            "skills": list(c.skills),
            "currency": c.currency,
        }
        for c in competitors
    ]


def load(category: str) -> Snapshot | None:
    """The stored snapshot (eventually consistent read), fresh or not; None when there is none."""
    try:
        item = MarketSnapshotItem.get(*MarketSnapshotItem.key(snapshot_key(category)), consistent_read=False)
    except MarketSnapshotItem.DoesNotExist:
        return None
    except STORAGE_ERRORS as exc:
        raise unavailable() from exc
    if not item.fetched_at:
        return None
    competitors = [
        MarketCompetitor(
            name=str(c.name or "Upwork freelancer"),
            hourly_rate=c.hourly_rate,
            job_success_score=c.job_success_score,
            feedback_score=c.feedback_score,
            total_jobs=c.total_jobs,
            skills=tuple(c.skills or ()),
            currency=str(c.currency or "USD"),
        )
        for c in item.competitors or []
    ]
    fetched_at = datetime.fromisoformat(item.fetched_at.replace("Z", "+00:00"))
    size = item.market_size
    return Snapshot(
        str(item.category or category),
        competitors,
        fetched_at,
        int(size) if size is not None else None,
    )


def save(snapshot: Snapshot) -> None:
    item = MarketSnapshotItem(
        *MarketSnapshotItem.key(snapshot_key(snapshot.category)),
        entity="market_snapshot",
        category=snapshot.category,
        upwork_category=upwork_category(snapshot.category),
        competitors=without_nulls(_as_dicts(snapshot.competitors)),
        market_size=snapshot.market_size,
        fetched_at=clock.iso(snapshot.fetched_at),
        expires_at=clock.epoch(snapshot.fetched_at + FRESH_FOR),
    )
    try:
        item.save()
    except STORAGE_ERRORS as exc:
        # The answer can still be given from what was just fetched; the next call fetches again.
        logger.error(
            "market snapshot not saved",
            extra={"category": snapshot.category, "error_type": type(exc).__name__},
        )


def snapshot(
    user_id: str, category: str, *, source: MarketSource | None = None, now: datetime | None = None
) -> Snapshot:
    """The category's market data, fetched from Upwork when missing or older than 24 hours."""
    moment = now or clock.now()
    upwork_id = require_category(category)
    cached = load(category)
    if cached is not None and cached.fresh(moment):
        return cached
    from bidcraft.upwork.errors import UpworkError

    try:
        sample = (source or UpworkMarketSource()).fetch(user_id, upwork_id)
    except UpworkError as exc:
        if exc.code == "BAD_USER_INPUT" and category_key(category).isdigit():
            # A numeric id passed through and Upwork does not know it: the client's mistake, not Upwork's.
            raise _unknown_category() from exc
        raise
    fresh = Snapshot(category, sample.competitors, moment.replace(microsecond=0), sample.total)
    save(fresh)
    logger.info(
        "market snapshot refreshed",
        extra={"category": snapshot_key(category), "size": len(sample.competitors), "total": sample.total},
    )
    return fresh
