"""The poller's entry point: queue one new matching job to a saved search's alert channels.

`enqueue_job_alerts(user_id, search_id, alerts, job)` — `alerts` is the search's `alerts` object
(`{"channel_ids", "min_score", "quiet_hours"?}`), `job` the API `Job` dict. For each of the listed channels
that is the user's own and active, it creates one delivery (at most one per (channel, job), however often it
is called) and queues it — held until the end of the quiet hours when the job arrives inside them.

Cost per call: one Query (the user's channels, at most 10) plus, per selected channel, one TransactWriteItems
and one SendMessage. A job below `min_score` or a search without channels costs nothing. Storage or queue
failures raise `ServiceUnavailable` after undoing the delivery they interrupted, so the caller may retry the
whole call: deliveries already queued are not repeated.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from bidcraft import clock
from bidcraft.alerts import deliveries, schedule, store
from bidcraft.alerts.spec import AlertsSpec

logger = logging.getLogger(__name__)

JOB_LIFETIME = timedelta(hours=24)  # a job is kept (and worth alerting about) at most 24 hours


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _overall(job: Mapping[str, Any]) -> float | None:
    value = (job.get("scores") or {}).get("overall")
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def enqueue_job_alerts(
    user_id: str,
    search_id: str,
    alerts: Mapping[str, Any],
    job: Mapping[str, Any],
    *,
    now: datetime | None = None,
) -> list[str]:
    """Create and queue the deliveries of one job for one search; the ids of the deliveries created."""
    try:
        spec = AlertsSpec.model_validate(dict(alerts))
    except ValidationError:
        logger.warning(
            "alerts object of a search is invalid; no alert queued", extra={"search_id": search_id}
        )
        return []
    overall = _overall(job)
    if not spec.channel_ids or not job.get("job_id") or overall is None or overall < spec.min_score:
        return []
    moment = now or clock.now()
    wanted = set(spec.channel_ids)
    channels = [
        channel
        for channel in store.list_channels(user_id)
        if channel.get("channel_id") in wanted and channel.get("status") == "active"
    ]
    if not channels:
        return []
    seen = _moment(job.get("seen_at")) or moment
    created = []
    for channel in channels:
        delivery_id = deliveries.create_and_queue(
            user_id,
            channel,
            delivery_type="job.matched",
            job=job,
            search_id=search_id,
            quiet_hours=spec.quiet_hours,
            job_expires_at=seen + JOB_LIFETIME,
            not_before=schedule.quiet_until(spec.quiet_hours, moment),
            now=moment,
        )
        if delivery_id is not None:
            created.append(delivery_id)
    logger.info(
        "job alerts queued",
        extra={"search_id": search_id, "job_id": job.get("job_id"), "deliveries": len(created)},
    )
    return created
