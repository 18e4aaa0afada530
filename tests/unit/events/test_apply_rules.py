"""The apply rules (brief "Rules"): one transaction per event, ordering, milestones, by-status, money."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bidcraft.analytics import models as m
from bidcraft.events.apply import apply_events
from tests.unit.events.fakes import USER, FakeStore, created, ended, paid, started, updated


@pytest.fixture
def store() -> FakeStore:
    return FakeStore()


def apply(store: FakeStore, *envelopes: object) -> object:
    return apply_events(USER, envelopes, store)  # type: ignore[arg-type]


def test_created_counts_in_every_period_of_submitted_at(store: FakeStore) -> None:
    # Given a proposal submitted on Monday 2024-12-30 (ISO week 2025-W01, but month 2024-12, year 2024)
    # When it is created
    report = apply(store, created("p1", submitted="2024-12-30T10:00:00Z", category="Web"))
    # Then one transaction counted it in D/W/M/Y of that moment, by category and by status
    assert report.applied == 1
    assert store.commits == 1
    for granularity, key in (("D", "2024-12-30"), ("W", "2025-W01"), ("M", "2024-12"), ("Y", "2024")):
        aggregate = store.aggregate(granularity, key)
        assert aggregate.proposals_sent == 1
        assert aggregate.by_status == {"submitted": 1}
        assert aggregate.by_category["Web"].sent == 1
    assert store.summary[USER]["proposals_sent"] == 1


def test_status_moves_between_by_status_buckets_in_the_submitted_period(store: FakeStore) -> None:
    apply(store, created("p1", submitted="2025-03-05T10:00:00Z"))
    apply(store, updated("p1", "viewed", "2025-04-02T00:00:00Z"))  # a later month: still counts in March
    march = store.aggregate("M", "2025-03")
    assert march.by_status == {"viewed": 1}
    assert march.proposals_viewed == 1
    assert store.aggregate("M", "2025-04").proposals_sent == 0


def test_hired_counts_every_earlier_milestone_once(store: FakeStore) -> None:
    apply(store, created("p1"))
    apply(store, updated("p1", "hired", "2025-03-07T00:00:00Z"))
    apply(store, updated("p1", "interviewing", "2025-03-06T00:00:00Z"))  # older: status stays hired
    apply(store, updated("p1", "viewed", "2025-03-05T12:00:00Z"))
    month = store.aggregate("M", "2025-03")
    assert (month.proposals_viewed, month.interviews, month.proposals_won) == (1, 1, 1)
    assert month.by_status == {"hired": 1}
    assert month.by_category["Web"].won == 1
    assert store.proposal("p1").status == "hired"


def test_an_older_update_never_overwrites_a_newer_status(store: FakeStore) -> None:
    apply(store, created("p1"))
    apply(store, updated("p1", "declined", "2025-03-09T00:00:00Z"))
    report = apply(store, updated("p1", "viewed", "2025-03-06T00:00:00Z"))
    proposal = store.proposal("p1")
    assert proposal.status == "declined"
    assert proposal.reached == frozenset({"viewed"})  # but the milestone it proves still counts
    assert report.applied == 1
    month = store.aggregate("M", "2025-03")
    assert month.by_status == {"declined": 1}
    assert month.proposals_viewed == 1


def test_update_before_create_is_kept_as_a_placeholder_then_counted(store: FakeStore) -> None:
    # Given an update that overtook its creation
    apply(store, updated("p1", "interviewing", "2025-03-08T00:00:00Z"))
    placeholder = store.proposal("p1")
    assert placeholder.placeholder
    assert placeholder.status == "interviewing"
    assert store.nonzero_aggregates() == {}  # no period known yet: counted nowhere
    # When the creation arrives
    apply(store, created("p1", submitted="2025-03-05T10:00:00Z"))
    # Then the proposal is complete and counted once, with the status it already had
    proposal = store.proposal("p1")
    assert not proposal.placeholder
    assert proposal.status == "interviewing"
    month = store.aggregate("M", "2025-03")
    assert (month.proposals_sent, month.proposals_viewed, month.interviews) == (1, 1, 1)
    assert month.by_status == {"interviewing": 1}


def test_repeated_event_is_applied_once(store: FakeStore) -> None:
    event = created("p1")
    first = apply(store, event)
    second = apply(store, event)
    assert first.applied == 1
    assert second.applied == 0
    assert store.aggregate("Y", "2025").proposals_sent == 1


def test_created_twice_from_two_sources_counts_once(store: FakeStore) -> None:
    apply(store, created("p1"))
    report = apply(store, created("p1"))  # another event id, same proposal
    assert report.unchanged == 1
    assert store.aggregate("Y", "2025").proposals_sent == 1


def test_payment_earns_in_its_own_period_once(store: FakeStore) -> None:
    apply(store, paid("pay1", "150.25", occurred="2025-02-28T23:59:59Z"))
    apply(store, paid("pay1", "150.25", occurred="2025-02-28T23:59:59Z"))  # the sync reports it again
    february = store.aggregate("M", "2025-02")
    assert february.earnings == Decimal("150.25")
    assert february.payments_count == 1
    assert store.summary[USER]["earnings"] == Decimal("150.25")


def test_non_usd_payment_is_kept_apart_unless_converted(store: FakeStore) -> None:
    apply(store, paid("eur1", "100", currency="eur"))
    apply(store, paid("gbp1", "50", currency="GBP", amount_usd=Decimal("63.10")))
    month = store.aggregate("M", "2025-03")
    assert month.earnings == Decimal("63.10")
    assert month.payments_count == 1
    assert month.earnings_other_currencies == {"EUR": Decimal("100")}
    stored = store.entities[(USER, m.payment_sk("eur1"))]
    assert isinstance(stored, m.PaymentItem)
    assert stored.currency == "EUR"
    assert stored.amount_usd is None


def test_contract_lifecycle_in_any_order(store: FakeStore) -> None:
    apply(store, ended("c1", "2025-04-06T00:00:00Z"))
    assert store.summary.get(USER, {}).get("active_contracts", 0) == 0
    apply(store, started("c1", "2025-03-06T00:00:00Z", hourly_rate="40"))
    apply(store, started("c2", "2025-03-07T00:00:00Z"))
    assert store.summary[USER]["active_contracts"] == 1
    assert store.summary[USER]["contracts_total"] == 2
    assert store.aggregate("M", "2025-03").contracts_started == 2
    assert store.aggregate("M", "2025-04").contracts_ended == 1


def test_one_event_is_one_read_and_one_transaction(store: FakeStore) -> None:
    apply(store, created("p1"))
    loads, commits = store.loads, store.commits
    apply(store, updated("p1", "viewed", "2025-03-06T00:00:00Z"))
    assert (store.loads - loads, store.commits - commits) == (1, 1)
