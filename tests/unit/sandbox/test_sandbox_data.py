"""Deterministic fake Upwork data: stable per id, coherent (contracts from hires, payments from them)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from devserver.sandbox.data import MAX_PROPOSALS, OPEN_STATUSES, STALE_AFTER, build_account, build_market

from .helpers import budget

ANCHOR = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def test_same_id_same_account() -> None:
    first = build_account("determinism-1", 200, ANCHOR)
    second = build_account("determinism-1", 200, ANCHOR)

    assert first.proposals == second.proposals
    assert first.contracts == second.contracts
    assert first.payments == second.payments
    assert first.profile == second.profile


def test_other_id_other_account() -> None:
    first = build_account("determinism-2", 50, ANCHOR)
    second = build_account("determinism-3", 50, ANCHOR)

    assert [p.job_title for p in first.proposals] != [p.job_title for p in second.proposals]
    assert first.profile.key != second.profile.key
    assert {p.id for p in first.proposals}.isdisjoint(p.id for p in second.proposals)


def test_times_are_relative_to_the_anchor() -> None:
    early = build_account("anchor-1", 30, ANCHOR)
    late = build_account("anchor-1", 30, ANCHOR + timedelta(days=100))

    shifted = [p.submitted_at + timedelta(days=100) for p in early.proposals]
    assert [p.submitted_at for p in late.proposals] == shifted


def test_histories_are_ordered_and_in_the_past() -> None:
    account = build_account("history-1", 2000, ANCHOR)

    for proposal in account.proposals:
        moments = [change.at for change in proposal.history]
        assert proposal.history[0].status == "submitted"
        assert moments == sorted(moments)
        assert ANCHOR - timedelta(days=731) <= moments[0]
        assert moments[-1] <= ANCHOR
        if proposal.status in OPEN_STATUSES:
            assert proposal.updated_at + STALE_AFTER > ANCHOR  # stale open proposals get archived
    submitted = [p.submitted_at for p in account.proposals]
    assert submitted == sorted(submitted)


def test_contracts_and_payments_are_coherent() -> None:
    account = build_account("coherent-1", 1000, ANCHOR)

    hired = {p.id: p for p in account.proposals if p.status == "hired"}
    assert {c.proposal_id for c in account.contracts} == set(hired)
    contracts = {c.id: c for c in account.contracts}
    for payment in account.payments:
        contract = contracts[payment.contract_id]
        assert contract.started_at <= payment.occurred_at <= (contract.ended_at or ANCHOR)
        assert payment.amount > 0
    assert account.profile.total_earnings == pytest.approx(sum(p.amount for p in account.payments))
    assert account.profile.total_jobs == len(account.contracts)


def test_5000_proposals_build_fast() -> None:
    started = time.process_time()
    account = build_account("speed-1", 5000, ANCHOR)
    elapsed = time.process_time() - started

    assert len(account.proposals) == 5000
    assert elapsed < budget(1.0)  # ~0.15 s on one idle core; generous for a loaded CI runner


def test_proposal_count_bounds() -> None:
    assert build_account("empty-1", 0, ANCHOR).proposals == ()
    with pytest.raises(ValueError, match="proposal_count"):
        build_account("too-many", MAX_PROPOSALS + 1, ANCHOR)


def test_market_is_stable_and_complete() -> None:
    first = build_market(ANCHOR)
    second = build_market(ANCHOR)

    assert first == second
    for category_id, freelancers in first.freelancers.items():
        assert len(freelancers) == 150
        assert all(f.category.id == category_id and f.hourly_rate >= 5 for f in freelancers)
    assert len(first.freelancers_by_key) == sum(len(group) for group in first.freelancers.values())
