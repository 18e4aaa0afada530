"""What we have stored about a freelancer, read for a draft in a fixed number of calls (never by history).

Two reads, whatever the user's history holds:
1. `USER#<id>` / `PROFILE` in the users table (GetItem): name, Upwork title, hourly rate, Job Success Score;
2. one Query of the user's proposals index (`gsi1`, `USER#<id>#PROPOSALS`, newest first) reading at most
   `RECENT_PROPOSALS` items and keeping those the client hired: the won jobs' titles, categories and the bid
   (fixed price or hourly rate). Contracts carry no title in our store; the won proposal holds it.

And, for pricing, the category's market median from the 24-hour market snapshot (`bidcraft.ai.market`, one
GetItem; absent or stale → none: drafting never calls Upwork).

A failed read is logged and leaves that part empty: a draft without past work claims none; it does not fail.

Storage: the proposals are read through the analytics domain's `ProposalRecord` model
(`bidcraft.tables.analytics`), never written here. The analytics store offers no "recent proposals" read, so
the Query is here; exactly one page is read (`page_iter`), since PynamoDB's item iterator would fetch further
pages to fill a limit once the status filter has dropped items.
"""

from __future__ import annotations

import logging
from typing import Any

from bidcraft import clock
from bidcraft.ai.drafting.models import FreelancerContext, PastWork
from bidcraft.errors import DomainError
from bidcraft.tables.analytics.records import ProposalRecord
from bidcraft.tables.base import STORAGE_ERRORS

logger = logging.getLogger(__name__)

RECENT_PROPOSALS = 200
MAX_PAST_WORK = 20


def _past_work(user_id: str) -> list[PastWork]:
    """The won jobs among the user's `RECENT_PROPOSALS` newest proposals: one Query, one page."""
    results = ProposalRecord.gsi1.query(
        f"USER#{user_id}#PROPOSALS",
        filter_condition=ProposalRecord.status == "hired",
        scan_index_forward=False,
        page_size=RECENT_PROPOSALS,
    )
    page: dict[str, Any] = next(results.page_iter, {})
    found: list[PastWork] = []
    for raw in page.get("Items", []):
        item = ProposalRecord.from_raw_data(raw)
        title = str(item.job_title or "").strip()
        if not title:
            continue
        hourly = item.hourly_rate
        fixed = item.budget
        amount = hourly or fixed
        found.append(
            PastWork(
                title=title,
                category=item.category,
                contract_type="hourly" if hourly else "fixed" if fixed else None,
                amount=float(amount) if amount else None,
                outcome="hired",
            )
        )
    return found[:MAX_PAST_WORK]


def load_freelancer_context(user_id: str) -> FreelancerContext:
    """The freelancer as our synced data knows them (profile + recent won work); empty parts on failure."""
    from bidcraft.users import store as users

    context: dict[str, Any] = {}
    try:
        record = users.get(user_id)
    except DomainError as exc:
        logger.warning("profile unavailable for drafting", extra={"user_id": user_id, "problem": exc.slug})
        record = None
    if record is not None:
        profile = record.upwork_profile
        context.update(
            name=record.name or None,
            title=profile.title,
            hourly_rate=float(profile.hourly_rate) if profile.hourly_rate else None,
            job_success_score=profile.job_success_score,
        )
    try:
        context["past_work"] = _past_work(user_id)
    except STORAGE_ERRORS as exc:
        logger.warning(
            "past work unavailable for drafting", extra={"user_id": user_id, "error_type": type(exc).__name__}
        )
    return FreelancerContext(**context)


def market_median(category: str | None) -> float | None:
    """The median hourly rate (USD) of the category's fresh market snapshot, if we hold one."""
    if not category:
        return None
    from bidcraft.ai import market

    if market.upwork_category(category) is None:
        return None
    try:
        snapshot = market.load(category)
    except DomainError as exc:
        logger.warning("market snapshot unavailable for drafting", extra={"problem": exc.slug})
        return None
    if snapshot is None or not snapshot.fresh(clock.now()):
        return None
    rates = [
        float(c.hourly_rate)
        for c in snapshot.competitors
        if c.hourly_rate and c.hourly_rate > 0 and getattr(c, "currency", "USD") == "USD"
    ]
    if not rates:
        return None
    import statistics  # only a draft whose category has a fresh snapshot with rates computes a median

    return round(float(statistics.median(rates)), 2)
