"""One polling round: each distinct search fetched once, newest first, only what is new since its last round.

For every registry entry (one per distinct search, read from one partition — no Scan of users):
1. fetch Upwork's postings newer than the entry's high-water mark (one request: `posted_after` + one page of
   `PAGE_SIZE`), with the entry's credentials (`upwork_access.token_for`); postings older than 24 hours and
   those already seen at the mark are dropped;
2. store each posting for 24 hours, score it for every subscriber and put it in their feed (a job the
   subscriber applied to is left out), and queue alerts for matches at or above the search's `min_score`;
3. record `data_as_of` in the subscribers' feeds, then move the entry's mark — last, so a round that fails
   half-way is redone by the next one; every write above is idempotent.

The Upwork budget may refuse a request (`UpworkRateLimited`, code `BUDGET`): the rest of the round waits for
the next one. So does everything left when the function's remaining time runs short. Other failures of one
search (Upwork error, owner's Upwork not connected) are logged and that search retried next round.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from bidcraft import clock
from bidcraft.errors import DomainError
from bidcraft.jobs import filters, store
from bidcraft.jobs.context import Contexts
from bidcraft.jobs.present import feed_doc, to_api
from bidcraft.jobs.scoring import usual_applicants
from bidcraft.upwork.errors import UpworkError, UpworkRateLimited
from bidcraft.upwork.models import UpworkJob

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
MAX_AGE = timedelta(hours=24)
TIME_MARGIN_SECONDS = 20.0


class JobSearcher(Protocol):
    def search_jobs(self, access_token: Any, **kwargs: Any) -> Iterable[UpworkJob]: ...


AlertSink = Callable[[str, str, Mapping[str, Any], Mapping[str, Any]], None]


def _enqueue_alerts(user_id: str, search_id: str, alerts: Mapping[str, Any], job: Mapping[str, Any]) -> None:
    from bidcraft.alerts.enqueue import enqueue_job_alerts

    enqueue_job_alerts(user_id, search_id, alerts, job)


def _default_searcher() -> JobSearcher:
    from bidcraft.jobs import upwork_access

    client: Any = upwork_access.graphql("poll")
    return cast(JobSearcher, client)


def _default_token(scope: str) -> str:
    from bidcraft.jobs import upwork_access

    return upwork_access.token_for(scope)


@dataclass
class RoundReport:
    distinct_searches: int = 0
    polled: int = 0
    deferred: int = 0
    failed: int = 0
    new_jobs: int = 0
    feed_items: int = 0
    alerts: int = 0
    dropped_entries: int = 0
    upwork_requests: int = 0
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, int)}


def _parse(moment: str | None) -> datetime | None:
    return datetime.fromisoformat(moment.replace("Z", "+00:00")) if moment else None


def search_arguments(request_filters: Mapping[str, Any], since: datetime) -> dict[str, Any]:
    """`UpworkGraphQL.search_jobs` keyword arguments for a registry entry's filters."""
    return {
        "query": request_filters.get("query"),
        "category": request_filters.get("category"),
        "skills": tuple(request_filters.get("skills") or ()),
        "job_type": request_filters.get("job_type"),
        "min_budget": request_filters.get("min_budget"),
        "min_hourly_rate": request_filters.get("min_hourly_rate"),
        "verified_payment_only": bool(request_filters.get("verified_payment_only")),
        "posted_after": since,
        "limit": PAGE_SIZE,
        "page_size": PAGE_SIZE,
    }


def new_postings(
    found: Iterable[UpworkJob], entry: store.RegistryEntry, now: datetime
) -> tuple[list[UpworkJob], str | None, list[str]]:
    """The postings not seen before (newest first) and the entry's new high-water mark and ids."""
    mark = _parse(entry.high_water)
    seen_at_mark = set(entry.high_water_ids)
    fresh: list[UpworkJob] = []
    ids: set[str] = set()
    for job in found:
        if job.posted_at is None or job.posted_at < now - MAX_AGE or job.job_id in ids:
            continue
        if mark is not None and (
            job.posted_at < mark or (job.posted_at == mark and job.job_id in seen_at_mark)
        ):
            continue
        fresh.append(job)
        ids.add(job.job_id)
    if not fresh:
        return [], None, []
    newest = max(job.posted_at for job in fresh if job.posted_at is not None)
    at_newest = {job.job_id for job in fresh if job.posted_at == newest}
    if mark is not None and newest == mark:
        at_newest |= seen_at_mark
    fresh.sort(key=lambda job: (job.posted_at, job.job_id), reverse=True)
    return fresh, clock.iso(newest), sorted(at_newest)


def run_round(
    *,
    now: datetime | None = None,
    remaining_seconds: Callable[[], float] = lambda: 1e9,
    searcher: Callable[[], JobSearcher] | None = None,
    token_for: Callable[[str], str] | None = None,
    contexts: Contexts | None = None,
    alert: AlertSink | None = None,
) -> RoundReport:
    """Run one round (the collaborators default to Upwork, the owners' tokens, the AI models and the alerts
    queue, looked up when the round starts)."""
    now = now or clock.now()
    contexts = contexts or Contexts()
    searcher = searcher or _default_searcher
    token_for = token_for or _default_token
    alert = alert or _enqueue_alerts
    report = RoundReport()
    entries = list(store.registry())
    report.distinct_searches = sum(1 for e in entries if e.subscribers > 0)
    client: JobSearcher | None = None
    for index, entry in enumerate(entries):
        if entry.subscribers <= 0:
            report.dropped_entries += int(store.drop_if_unused(entry.fingerprint))
            continue
        if remaining_seconds() < TIME_MARGIN_SECONDS:
            report.deferred += sum(1 for e in entries[index:] if e.subscribers > 0)
            report.notes.append("out of time")
            break
        client = client or searcher()
        try:
            _poll_entry(entry, client, token_for, contexts, alert, now, report)
        except UpworkRateLimited as exc:
            report.deferred += sum(1 for e in entries[index:] if e.subscribers > 0)
            report.notes.append(f"upwork budget: {exc.code or 'throttled'}")
            logger.warning("polling round stopped by the Upwork budget", extra={"deferred": report.deferred})
            break
        except (UpworkError, DomainError, ValueError) as exc:  # ValueError: filters Upwork cannot take
            report.failed += 1
            logger.warning(
                "search not polled; retried next round",
                extra={"fingerprint": entry.fingerprint, "error": type(exc).__name__},
            )
    logger.info("polling round done", extra=report.as_dict())
    return report


def _poll_entry(
    entry: store.RegistryEntry,
    client: JobSearcher,
    token_for: Callable[[str], str],
    contexts: Contexts,
    alert: AlertSink,
    now: datetime,
    report: RoundReport,
) -> None:
    since = _parse(entry.high_water) or now - MAX_AGE
    token = token_for(entry.scope)
    report.upwork_requests += 1
    found = list(client.search_jobs(token, **search_arguments(entry.filters, since)))
    fresh, high_water, ids = new_postings(found, entry, now)
    subscribers = store.subscribers(entry.fingerprint)
    owner = filters.owner_of(entry.scope)
    medians = usual_applicants(found)
    stamp = clock.epoch(now)
    by_user: dict[str, list[store.Subscriber]] = {}
    for sub in subscribers:
        if owner is None or sub.user_id == owner:  # an owner-scoped entry's results go to its owner only
            by_user.setdefault(sub.user_id, []).append(sub)
    for job in fresh:
        store.put_job(job.job_id, job.model_dump(mode="json"), stamp)
        report.new_jobs += 1
        for user_id, subs in by_user.items():
            if job.applied and owner == user_id:
                continue  # Upwork says this user already applied: leave it out of their feed
            api_job = to_api(
                job,
                user_id=user_id,
                search_skills=list(entry.filters.get("skills") or ()),
                contexts=contexts,
                usual_applicants=medians.get(job.category or ""),
                seen_at=now,
                now=now,
            )
            doc = feed_doc(api_job)
            entry_ = store.FeedEntry(
                user_id=user_id,
                search_ids=tuple(s.search_id for s in subs),
                job=doc,
                overall=api_job.scores.overall,
                posted_at=api_job.posted_at,
                expires_at=stamp + store.JOB_TTL_SECONDS,
            )
            report.feed_items += int(store.add_to_feed(entry_))
            for sub in subs:
                if sub.alerts and api_job.scores.overall >= float(sub.alerts.get("min_score", 0.7)):
                    alert(user_id, sub.search_id, sub.alerts, {**doc, "matched_searches": [sub.search_id]})
                    report.alerts += 1
    partitions = [store.feed_pk(u) for u in by_user] + [
        store.feed_pk(s.user_id, s.search_id) for subs in by_user.values() for s in subs
    ]
    store.touch_feeds(partitions, clock.iso(now), stamp)
    store.mark_polled(entry.fingerprint, clock.iso(now), high_water, ids)
    report.polled += 1
