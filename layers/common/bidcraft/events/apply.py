"""Apply events to a user's analytics: read the entities, fold the events, commit one transaction.

For one event (the queue worker) this is: 1 consistent read of the entity + 1 TransactWriteItems holding the
entity (conditioned on its `version`, or on not existing), the processed-event marker (`attribute_not_exists`)
and the counter `ADD`s of the 4 periods it touches plus the summary. The work per event never depends on how
much history the user has.

Many events (a sync, pending events) are grouped by entity, read with batched consistent reads and committed
in transactions of up to 100 items, the counter deltas of all their entities merged per aggregate item.

A cancelled transaction wrote nothing. Events whose marker already existed were applied before: they count as
duplicates and are dropped. Entities whose `version` moved are re-read and the events re-folded. After the
first failure the remaining groups are committed one entity at a time, so one hot entity cannot hold up the
rest. After `max_attempts` rounds the error propagates (the queue retries the message later).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bidcraft import clock
from bidcraft.analytics import models as m
from bidcraft.analytics import store as analytics_store
from bidcraft.analytics.store import CommitRejected, EntityWrite, WriteBatch
from bidcraft.events.models import Envelope, Event
from bidcraft.events.rules import Folded, entity_sk, fold

logger = logging.getLogger(__name__)

MARKER_TTL = timedelta(days=30)
MAX_EVENTS_PER_ENTITY_ROUND = 40
MAX_ATTEMPTS = 8
Outcome = Literal["applied", "duplicate", "unchanged"]


class EventStore(Protocol):
    """Where entities are read and batches committed (DynamoDB; an in-memory fake in unit tests)."""

    def load_entities(self, user_id: str, sks: Iterable[str]) -> dict[str, m.Entity]: ...

    def commit(self, batch: WriteBatch) -> None: ...


class DynamoEventStore:
    def load_entities(self, user_id: str, sks: Iterable[str]) -> dict[str, m.Entity]:
        return analytics_store.load_entities(user_id, sks)

    def commit(self, batch: WriteBatch) -> None:
        analytics_store.commit(batch)


class ApplyGaveUp(RuntimeError):
    """Events could not be committed after `max_attempts` rounds (persistent conflicts)."""


@dataclass
class ApplyReport:
    applied: int = 0
    duplicates: int = 0
    unchanged: int = 0
    transactions: int = 0
    retries: int = 0

    def add(self, other: ApplyReport) -> None:
        self.applied += other.applied
        self.duplicates += other.duplicates
        self.unchanged += other.unchanged
        self.transactions += other.transactions
        self.retries += other.retries

    def as_counts(self) -> dict[str, int]:
        return {
            "events_applied": self.applied,
            "events_duplicate": self.duplicates,
            "events_unchanged": self.unchanged,
        }

    @property
    def outcome(self) -> Outcome:
        """For a single event: what happened to it."""
        if self.applied:
            return "applied"
        if self.duplicates:
            return "duplicate"
        return "unchanged"


Pair = tuple[str, Event]


def _group(envelopes: Iterable[Envelope], outcomes: dict[str, Outcome]) -> tuple[dict[str, list[Pair]], int]:
    """Events per entity sort key, in arrival order, and how many repeated an event id seen before."""
    groups: dict[str, list[Pair]] = {}
    repeats = 0
    for envelope in envelopes:
        if envelope.event_id in outcomes:
            repeats += 1
            continue
        outcomes[envelope.event_id] = "unchanged"
        groups.setdefault(entity_sk(envelope.event), []).append((envelope.event_id, envelope.event))
    return groups, repeats


def _marker(user_id: str, event_id: str, event: Event, now: datetime) -> m.ProcessedEvent:
    return m.ProcessedEvent(
        user_id=user_id,
        event_id=event_id,
        event_type=event.type,
        applied_at=now,
        expires_at=clock.epoch(now + MARKER_TTL),
    )


def _group_items(batch: WriteBatch, folded: Folded) -> int:
    """Items `folded` adds to `batch` (aggregates already in the batch are shared)."""
    new_aggregates = sum(1 for key in folded.deltas.aggregates if key not in batch.aggregates)
    summary = 1 if folded.deltas.summary and not batch.summary else 0
    return 1 + len(folded.effective) + new_aggregates + summary


def _add(batch: WriteBatch, folded: Folded, events: dict[str, Event], now: datetime) -> None:
    if folded.new is None:
        raise ValueError("nothing to write for an unchanged entity")
    expected = None if folded.old is None else folded.old.version
    batch.entities.append(EntityWrite(folded.new, expected))
    batch.markers.extend(
        _marker(batch.user_id, event_id, events[event_id], now) for event_id in folded.effective
    )
    for key, counters in folded.deltas.aggregates.items():
        mine = batch.aggregates.setdefault(key, {})
        for attribute, amount in counters.items():
            mine[attribute] = mine.get(attribute, 0) + amount
    for attribute, amount in folded.deltas.summary.items():
        batch.summary[attribute] = batch.summary.get(attribute, 0) + amount


def _prune(batch: WriteBatch) -> WriteBatch:
    """Counters that cancelled out across entities of one batch are not written."""
    for key in list(batch.aggregates):
        kept = {name: amount for name, amount in batch.aggregates[key].items() if amount != 0}
        if kept:
            batch.aggregates[key] = kept
        else:
            del batch.aggregates[key]
    batch.summary = {name: amount for name, amount in batch.summary.items() if amount != 0}
    return batch


def _pack(
    user_id: str,
    plans: Sequence[tuple[str, Folded]],
    events: dict[str, Event],
    now: datetime,
    *,
    single: bool,
) -> list[tuple[WriteBatch, list[str]]]:
    batches: list[tuple[WriteBatch, list[str]]] = []
    current, members = WriteBatch(user_id), list[str]()
    for sk, folded in plans:
        if members and (single or current.item_count() + _group_items(current, folded) > 95):
            batches.append((_prune(current), members))
            current, members = WriteBatch(user_id), list[str]()
        _add(current, folded, events, now)
        members.append(sk)
    if members:
        batches.append((_prune(current), members))
    return batches


def _backoff(attempt: int, sleep: Callable[[float], None]) -> None:
    sleep(min(0.5, 0.01 * 2**attempt) * (0.5 + secrets.randbelow(1000) / 1000))


def _apply_round(
    user_id: str,
    groups: dict[str, list[Pair]],
    store: EventStore,
    outcomes: dict[str, Outcome],
    report: ApplyReport,
    *,
    now: datetime,
    max_attempts: int,
    sleep: Callable[[float], None],
) -> None:
    events = {event_id: event for pairs in groups.values() for event_id, event in pairs}
    todo = dict(groups)
    single = len(todo) == 1
    for attempt in range(max_attempts):
        states = store.load_entities(user_id, list(todo))
        plans: list[tuple[str, Folded]] = []
        for sk, pairs in todo.items():
            folded = fold(user_id, states.get(sk), pairs, now)
            for event_id in folded.unchanged:
                outcomes[event_id] = "unchanged"
            if folded.new is not None:
                plans.append((sk, folded))
        retry: dict[str, list[Pair]] = {}
        conflict = False
        for batch, members in _pack(user_id, plans, events, now, single=single):
            try:
                store.commit(batch)
            except CommitRejected as rejected:
                report.retries += 1
                conflict = conflict or rejected.conflict or bool(rejected.stale_entities)
                for event_id in rejected.duplicate_events:
                    outcomes[event_id] = "duplicate"
                for sk in members:
                    remaining = [pair for pair in todo[sk] if pair[0] not in rejected.duplicate_events]
                    if remaining:
                        retry[sk] = remaining
                continue
            report.transactions += 1
            for marker in batch.markers:
                outcomes[marker.event_id] = "applied"
        if not retry:
            return
        todo, single = retry, True
        if conflict:
            _backoff(attempt, sleep)
    raise ApplyGaveUp(
        f"{sum(len(p) for p in todo.values())} event(s) not applied after {max_attempts} rounds"
    )


def apply_events(
    user_id: str,
    envelopes: Iterable[Envelope],
    store: EventStore | None = None,
    *,
    now: datetime | None = None,
    max_attempts: int = MAX_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> ApplyReport:
    """Apply events (any order, any repetition) to `user_id`'s entities and counters."""
    store = store or DynamoEventStore()
    now = now or clock.now()
    outcomes: dict[str, Outcome] = {}
    report = ApplyReport()
    queue, repeats = _group(envelopes, outcomes)
    report.duplicates += repeats
    while queue:
        this_round = {sk: pairs[:MAX_EVENTS_PER_ENTITY_ROUND] for sk, pairs in queue.items()}
        queue = {
            sk: pairs[MAX_EVENTS_PER_ENTITY_ROUND:]
            for sk, pairs in queue.items()
            if len(pairs) > MAX_EVENTS_PER_ENTITY_ROUND
        }
        _apply_round(
            user_id, this_round, store, outcomes, report, now=now, max_attempts=max_attempts, sleep=sleep
        )
    for outcome in outcomes.values():
        if outcome == "applied":
            report.applied += 1
        elif outcome == "duplicate":
            report.duplicates += 1
        else:
            report.unchanged += 1
    return report


def apply_in_chunks(
    user_id: str,
    envelopes: Iterable[Envelope],
    store: EventStore | None = None,
    *,
    chunk: int = 1000,
    now: datetime | None = None,
) -> ApplyReport:
    """`apply_events` over a long stream, `chunk` events at a time (bounded memory)."""
    report = ApplyReport()
    buffer: list[Envelope] = []
    for envelope in envelopes:
        buffer.append(envelope)
        if len(buffer) >= chunk:
            report.add(apply_events(user_id, buffer, store, now=now))
            buffer = []
    if buffer:
        report.add(apply_events(user_id, buffer, store, now=now))
    return report
