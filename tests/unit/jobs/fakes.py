"""In-memory stand-ins for the jobs feature's collaborators: the jobs table, Upwork's job search, the AI
models. The fake store keeps the real module's keys and records (`bidcraft.jobs.store`), so what the poller
writes is read back the way the real table would serve it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from bidcraft.jobs import store
from bidcraft.jobs.context import Contexts, WinModel
from bidcraft.jobs.scoring import Profile
from bidcraft.upwork.errors import UpworkRateLimited
from bidcraft.upwork.models import UpworkJob, UpworkJobActivity, UpworkJobClient

NOW = datetime(2026, 12, 1, 21, 0, tzinfo=UTC)


def posting(job_id: str, minutes_ago: float, *, now: datetime = NOW, **fields: Any) -> UpworkJob:
    """A posting as Upwork's search returns it; unspecified statistics are simply not given."""
    client = fields.pop("client", {})
    activity = fields.pop("activity", {})
    values: dict[str, Any] = {
        "job_id": job_id,
        "title": f"Job {job_id}",
        "posted_at": now - timedelta(minutes=minutes_ago),
        "skills": ("Python",),
        "contract_type": "fixed",
        "budget": 500.0,
        **fields,
    }
    return UpworkJob(client=UpworkJobClient(**client), activity=UpworkJobActivity(**activity), **values)


@dataclass
class FakeStore:
    """The parts of `bidcraft.jobs.store` the poller uses, in memory."""

    entries: dict[str, store.RegistryEntry] = field(default_factory=dict)
    subs: dict[str, list[store.Subscriber]] = field(default_factory=dict)
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    feeds: dict[str, dict[str, store.FeedEntry]] = field(default_factory=dict)  # user → job id → entry
    touched: list[str] = field(default_factory=list)

    # the real module's pure parts
    FeedEntry = store.FeedEntry
    RegistryEntry = store.RegistryEntry
    Subscriber = store.Subscriber
    JOB_TTL_SECONDS = store.JOB_TTL_SECONDS
    feed_pk = staticmethod(store.feed_pk)

    def subscribe(
        self, fingerprint: str, filters: dict[str, Any], scope: str, *subs: store.Subscriber
    ) -> None:
        self.entries[fingerprint] = store.RegistryEntry(
            fingerprint, filters, scope, len(subs), None, None, ()
        )
        self.subs[fingerprint] = list(subs)

    def registry(self) -> Iterable[store.RegistryEntry]:
        return list(self.entries.values())

    def subscribers(self, fingerprint: str) -> list[store.Subscriber]:
        return list(self.subs.get(fingerprint, []))

    def put_job(self, job_id: str, doc: dict[str, Any], stored_at: int) -> None:
        self.jobs[job_id] = doc

    def add_to_feed(self, entry: store.FeedEntry) -> bool:
        mine = self.feeds.setdefault(entry.user_id, {})
        job_id = entry.job["job_id"]
        if job_id in mine:
            old = mine[job_id]
            mine[job_id] = store.FeedEntry(
                old.user_id,
                tuple(sorted(set(old.search_ids) | set(entry.search_ids))),
                old.job,
                old.overall,
                old.posted_at,
                old.expires_at,
            )
            return False
        mine[job_id] = entry
        return True

    def touch_feeds(self, partitions: Sequence[str], as_of: str, now: int) -> None:
        self.touched.extend(partitions)

    def mark_polled(
        self, fingerprint: str, polled_at: str, high_water: str | None, ids: Sequence[str]
    ) -> None:
        old = self.entries[fingerprint]
        self.entries[fingerprint] = store.RegistryEntry(
            fingerprint,
            old.filters,
            old.scope,
            old.subscribers,
            polled_at,
            high_water or old.high_water,
            tuple(ids) if high_water else old.high_water_ids,
        )

    def drop_if_unused(self, fingerprint: str) -> bool:
        return self.entries.pop(fingerprint, None) is not None


def matches(job: UpworkJob, search: dict[str, Any]) -> bool:
    """The sandbox's rule (API.md): any of the search's skills, or its query words, or its category."""
    skills = {s.casefold() for s in search.get("skills") or ()}
    words = set((search.get("query") or "").casefold().split())
    text = f"{job.title} {job.description or ''}".casefold()
    category = (search.get("category") or "").casefold()
    if not (skills or words or category):
        return True
    return bool(
        skills & {s.casefold() for s in job.skills}
        or (words and all(w in text for w in words))
        or (category and (job.category or "").casefold() == category)
    )


@dataclass
class FakeSearch:
    """Upwork's job search: what it knows, newest first, honouring `posted_after`; counts requests."""

    postings: list[UpworkJob] = field(default_factory=list)
    calls: list[dict[str, Any]] = field(default_factory=list)
    tokens: list[str] = field(default_factory=list)
    refuse_after: int | None = None  # the budget refuses the request after this many

    def search_jobs(self, access_token: Any, **kwargs: Any) -> Iterable[UpworkJob]:
        if self.refuse_after is not None and len(self.calls) >= self.refuse_after:
            raise UpworkRateLimited("budget spent", retry_after=60, code="BUDGET")
        self.calls.append(kwargs)
        self.tokens.append(str(access_token))
        since = kwargs.get("posted_after")
        found = [
            p
            for p in self.postings
            if (since is None or (p.posted_at and p.posted_at >= since)) and matches(p, kwargs)
        ]
        found.sort(key=lambda p: p.posted_at or NOW, reverse=True)
        return found[: kwargs.get("limit", 100)]


def fixed_model(probability: float = 0.6) -> WinModel:
    return lambda job: (probability, f"Win probability {probability:.0%} (test model)")


def contexts(profile: Profile | None = None, probability: float = 0.6) -> Contexts:
    return Contexts(
        profile_loader=lambda user_id: profile or Profile(title="Python developer", skills=("Python",)),
        model_loader=lambda user_id: fixed_model(probability),
    )
