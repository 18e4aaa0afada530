"""Token usage per user per month, and the monthly token budget (security-tests R12, ASVS 2.4.1).

Item: AnalyticsTable `USER#<id>` / `USAGE#<YYYY-MM>` with ADD counters `prompt_tokens`, `completion_tokens`,
`total_tokens`, `requests`, plus `updated_at` and `expires_at` (kept ~13 months).
One `UpdateItem` per AI call: no read-modify-write.

The budget guard reads the month's `total_tokens` BEFORE calling a paid engine and refuses with 429 when it
has reached `AI_MONTHLY_TOKEN_BUDGET`. The check and the later ADD are not one atomic step: concurrent calls
of one user can overshoot the budget by at most their own usage (each call's output is capped by
`OPENAI_MAX_OUTPUT_TOKENS`), which a cost guard tolerates. The offline engine costs nothing and is never
refused by the budget; its calls are counted in `requests` with zero tokens.

Storage: the `AiUsageItem` model (`bidcraft.tables.analytics`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from bidcraft import aws, clock
from bidcraft.ai.models.generation import TokenUsage
from bidcraft.ai.settings import settings
from bidcraft.errors import RateLimited
from bidcraft.observability import count
from bidcraft.tables.analytics.ai import AiUsageItem
from bidcraft.tables.base import STORAGE_ERRORS, unavailable

logger = logging.getLogger(__name__)

RETENTION = timedelta(days=400)


def month_key(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def _next_month(moment: datetime) -> datetime:
    moment = moment.astimezone(UTC)
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return datetime(year, month, 1, tzinfo=UTC)


def record(user_id: str, usage: TokenUsage, *, engine: str, now: datetime | None = None) -> None:
    """Add one call's usage to the user's month. Best effort: a storage failure loses the counter, not the
    answer (logged as an error). A coding error is not caught: the budget depends on these counters."""
    count("AiCall", engine=engine)
    moment = now or clock.now()
    item = AiUsageItem(*AiUsageItem.key(user_id, month_key(moment)))
    try:
        item.update(
            actions=[
                AiUsageItem.prompt_tokens.add(usage.prompt_tokens),
                AiUsageItem.completion_tokens.add(usage.completion_tokens),
                AiUsageItem.total_tokens.add(usage.total_tokens),
                AiUsageItem.requests.add(1),
                AiUsageItem.expires_at.set(AiUsageItem.expires_at | clock.epoch(moment + RETENTION)),
                AiUsageItem.updated_at.set(clock.iso(moment)),
            ]
        )
    except STORAGE_ERRORS as exc:
        logger.error(
            "ai usage not recorded",
            extra={
                "user_id": user_id,
                "engine": engine,
                "total_tokens": usage.total_tokens,
                "error": aws.error_code(exc) or type(exc).__name__,
            },
        )


def month_usage(user_id: str, *, now: datetime | None = None) -> TokenUsage:
    moment = now or clock.now()
    try:
        item = AiUsageItem.get(*AiUsageItem.key(user_id, month_key(moment)), consistent_read=True)
    except AiUsageItem.DoesNotExist:
        return TokenUsage()
    except STORAGE_ERRORS as exc:
        raise unavailable() from exc
    return TokenUsage(
        prompt_tokens=int(item.prompt_tokens or 0),
        completion_tokens=int(item.completion_tokens or 0),
        total_tokens=int(item.total_tokens or 0),
    )


def ensure_budget(user_id: str, *, now: datetime | None = None) -> None:
    """429 when the user's month has used up `AI_MONTHLY_TOKEN_BUDGET` tokens (reset at the next month)."""
    moment = now or clock.now()
    budget = settings().ai_monthly_token_budget
    used = month_usage(user_id, now=moment).total_tokens
    if used < budget:
        return
    reset = max(1, int((_next_month(moment) - moment).total_seconds()))
    logger.warning("ai token budget exhausted", extra={"user_id": user_id, "used": used, "budget": budget})
    raise RateLimited(
        f"The monthly AI token budget of {budget} tokens is used up; it renews at the start of next month",
        slug="ai-token-budget-exhausted",
        title="AI token budget exhausted",
        retry_after=reset,
        limit=budget,
        reset=reset,
    )
