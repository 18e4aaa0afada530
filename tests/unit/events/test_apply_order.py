"""Any order, any repetition: the same final state; counters equal the stored entities' contributions."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bidcraft.analytics.store import CommitRejected, WriteBatch
from bidcraft.events import rules
from bidcraft.events.apply import ApplyGaveUp, apply_events
from bidcraft.events.models import Envelope
from tests.unit.events.fakes import USER, FakeStore, created, ended, paid, started, updated

HISTORY: list[Envelope] = [
    created("p1", submitted="2025-03-05T10:00:00Z", category="Web"),
    updated("p1", "viewed", "2025-03-05T12:00:00Z"),
    updated("p1", "interviewing", "2025-03-06T12:00:00Z"),
    updated("p1", "declined", "2025-03-09T12:00:00Z"),
    created("p2", submitted="2025-03-31T23:30:00Z", category="Design"),
    updated("p2", "hired", "2025-04-02T08:00:00Z"),
    updated("p2", "viewed", "2025-04-01T08:00:00Z"),
    created("p3", submitted="2025-04-10T09:00:00Z"),
    updated("p3", "withdrawn", "2025-04-11T09:00:00Z"),
    started("c1", "2025-04-03T00:00:00Z", proposal_id="p2"),
    ended("c1", "2025-05-03T00:00:00Z"),
    paid("pay1", "500.00", "2025-04-20T00:00:00Z"),
    paid("pay2", "120.50", "2025-05-03T00:00:00Z"),
]


def snapshot(store: FakeStore) -> tuple[Any, Any, Any]:
    entities = {
        key: entity.model_dump(exclude={"updated_event_at", "version"})
        for key, entity in store.entities.items()
    }
    return entities, store.nonzero_aggregates(), {k: v for k, v in store.summary.get(USER, {}).items() if v}


def reference() -> tuple[Any, Any, Any]:
    store = FakeStore()
    for envelope in HISTORY:
        apply_events(USER, [envelope], store)
    return snapshot(store)


EXPECTED = reference()


@settings(max_examples=60, deadline=None)
@given(
    order=st.permutations(range(len(HISTORY))), repeats=st.lists(st.integers(0, len(HISTORY) - 1), max_size=6)
)
def test_any_order_and_repetition_gives_the_same_result(order: list[int], repeats: list[int]) -> None:
    store = FakeStore()
    for index in [*order, *repeats]:
        apply_events(USER, [HISTORY[index]], store)
    assert snapshot(store) == EXPECTED


@settings(max_examples=30, deadline=None)
@given(order=st.permutations(range(len(HISTORY))))
def test_one_batch_equals_one_by_one(order: list[int]) -> None:
    store = FakeStore()
    apply_events(USER, [HISTORY[index] for index in order], store)
    assert snapshot(store) == EXPECTED


def test_counters_equal_the_sum_of_the_entities_contributions() -> None:
    store = FakeStore()
    apply_events(USER, HISTORY, store)
    deltas = rules.Deltas()
    for entity in store.entities.values():
        deltas.merge(rules.contribution(entity))
    expected = {(USER, g, k): counters for (g, k), counters in deltas.pruned().aggregates.items()}
    assert store.nonzero_aggregates() == expected


def test_marker_conflict_counts_as_duplicate_and_the_rest_still_applies() -> None:
    # Given another worker applied p1's creation between our read and our commit (a fixed interleaving)
    store = FakeStore()
    first, second = created("p1"), created("p2")

    def concurrent_apply(batch: WriteBatch) -> None:
        apply_events(USER, [first], store)

    store.before_commit = concurrent_apply
    # When we commit both in one batch
    report = apply_events(USER, [first, second], store)
    # Then the batch was rejected once, p1 is a duplicate, p2 applied on the retry, p1 counted once
    assert report.retries == 1
    assert (report.applied, report.duplicates) == (1, 1)
    assert store.aggregate("Y", "2025").proposals_sent == 2


def test_lost_update_is_retried_on_a_fresh_read() -> None:
    # D10 as a fixed interleaving: both writers read version 1, the other commits first, ours is stale
    store = FakeStore()
    apply_events(USER, [created("p1", submitted="2025-03-05T10:00:00Z")], store)
    other = updated("p1", "viewed", "2025-03-06T00:00:00Z")
    ours = updated("p1", "declined", "2025-03-08T00:00:00Z")
    store.before_commit = lambda batch: apply_events(USER, [other], store)
    report = apply_events(USER, [ours], store)
    assert report.retries == 1
    assert report.applied == 1
    proposal = store.proposal("p1")
    assert proposal.status == "declined"
    assert "viewed" in proposal.reached
    assert proposal.version == 3
    month = store.aggregate("M", "2025-03")
    assert month.by_status == {"declined": 1}
    assert month.proposals_viewed == 1


def test_gives_up_after_max_attempts_so_the_queue_retries() -> None:
    class AlwaysConflicting(FakeStore):
        def commit(self, batch: WriteBatch) -> None:
            raise CommitRejected(set(), set(), conflict=True)

    store = AlwaysConflicting()
    with pytest.raises(ApplyGaveUp, match="not applied after 3 rounds"):
        apply_events(USER, [created("p1")], store, max_attempts=3, sleep=lambda _: None)


def test_big_batches_stay_within_the_transaction_limit() -> None:
    store = FakeStore()
    history = [
        created(f"q{n}", submitted=f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}T10:00:00Z") for n in range(600)
    ]
    history += [updated(f"q{n}", "viewed", "2025-12-31T00:00:00Z") for n in range(0, 600, 2)]
    report = apply_events(USER, history, store)
    assert report.applied == 900
    assert store.commits < 60  # folded into batched transactions, each asserted <= 100 items by the fake
    assert store.aggregate("Y", "2025").proposals_sent == 600
    assert store.aggregate("Y", "2025").proposals_viewed == 300
