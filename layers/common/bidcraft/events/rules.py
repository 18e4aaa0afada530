"""How one event changes one entity and the counters: pure functions, no I/O.

Each entity (proposal, contract, payment) *contributes* to counters as a function of its state alone — a
counted proposal adds 1 to `proposals_sent`, 1 to `status#<its status>`, 1 per milestone it reached, all in
the periods of its `submitted_at`. Applying an event computes the entity's new state, and the counter deltas
are simply `contribution(new) - contribution(old)`. So counters always equal the sum over the stored entities,
whatever the order, and a by-status move is a decrement of the old status and an increment of the new one.

The state transitions are commutative and idempotent, which is what "any order, any number of times" needs:
- a proposal's status is the one with the latest `(occurred_at, rank)` among everything seen (creation
  counts as `submitted` at `submitted_at`); `reached` is the union of the milestones implied by every status;
- a `proposal.updated` before its `proposal.created` makes a *placeholder* (no period, counts nowhere) that
  the creation completes; likewise `contract.ended` before `contract.started`;
- a payment is written once (its id is the key); non-USD payments count in `earnings` only with `amount_usd`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from bidcraft.analytics import models as m
from bidcraft.analytics.periods import GRANULARITIES, Granularity, period_key
from bidcraft.events.models import (
    ContractEnded,
    ContractStarted,
    Event,
    PaymentReceived,
    ProposalCreated,
    ProposalUpdated,
)

Number = int | Decimal
AggregateKey = tuple[Granularity, str]

_RANK: dict[str, int] = {status: index for index, status in enumerate(m.STATUSES)}
_IMPLIED: dict[str, frozenset[str]] = {
    "viewed": frozenset({"viewed"}),
    "interviewing": frozenset({"viewed", "interviewing"}),
    "hired": frozenset({"viewed", "interviewing", "hired"}),
}


def implied_milestones(status: str) -> frozenset[str]:
    """The milestones a status proves: hired ⇒ interviewing ⇒ viewed."""
    return _IMPLIED.get(status, frozenset())


@dataclass
class Deltas:
    """Counter changes: per period aggregate (attribute → delta) and on the user's summary item."""

    aggregates: dict[AggregateKey, dict[str, Number]] = field(default_factory=lambda: defaultdict(dict))
    summary: dict[str, Number] = field(default_factory=dict)

    def add_periods(self, moment: datetime, attribute: str, amount: Number) -> None:
        for granularity in GRANULARITIES:
            counters = self.aggregates[(granularity, period_key(granularity, moment))]
            counters[attribute] = counters.get(attribute, 0) + amount

    def add_summary(self, attribute: str, amount: Number) -> None:
        self.summary[attribute] = self.summary.get(attribute, 0) + amount

    def merge(self, other: Deltas, sign: int = 1) -> None:
        for key, counters in other.aggregates.items():
            mine = self.aggregates[key]
            for attribute, amount in counters.items():
                mine[attribute] = mine.get(attribute, 0) + sign * amount
        for attribute, amount in other.summary.items():
            self.summary[attribute] = self.summary.get(attribute, 0) + sign * amount

    def pruned(self) -> Deltas:
        """Without zero entries (a status that moved back and forth, a +1 -1)."""
        result = Deltas()
        for key, counters in self.aggregates.items():
            kept = {attribute: amount for attribute, amount in counters.items() if amount != 0}
            if kept:
                result.aggregates[key] = kept
        result.summary = {attribute: amount for attribute, amount in self.summary.items() if amount != 0}
        return result

    def is_empty(self) -> bool:
        pruned = self.pruned()
        return not pruned.aggregates and not pruned.summary


# ------------------------------------------------------------------------------------------ contributions


def contribution(entity: m.Entity | None) -> Deltas:
    """What `entity` adds to the counters, as a function of its state alone."""
    deltas = Deltas()
    if isinstance(entity, m.ProposalItem) and entity.counted and entity.submitted_at is not None:
        at, category = entity.submitted_at, entity.category or "Uncategorized"
        deltas.add_periods(at, "proposals_sent", 1)
        deltas.add_periods(at, m.CATEGORY_SENT_PREFIX + category, 1)
        deltas.add_periods(at, m.STATUS_PREFIX + entity.status, 1)
        cross = f"{entity.status}#{category}"
        deltas.add_periods(at, m.CROSS_SENT_PREFIX + cross, 1)
        deltas.add_summary("proposals_sent", 1)
        for milestone in m.MILESTONES:
            if milestone in entity.reached:
                deltas.add_periods(at, m.MILESTONE_COUNTER[milestone], 1)
        if "hired" in entity.reached:
            deltas.add_periods(at, m.CATEGORY_WON_PREFIX + category, 1)
            deltas.add_periods(at, m.CROSS_WON_PREFIX + cross, 1)
            deltas.add_summary("proposals_won", 1)
    elif isinstance(entity, m.ContractItem) and not entity.placeholder and entity.started_at is not None:
        deltas.add_periods(entity.started_at, "contracts_started", 1)
        deltas.add_summary("contracts_total", 1)
        if entity.ended_at is not None:
            deltas.add_periods(entity.ended_at, "contracts_ended", 1)
        else:
            deltas.add_summary("active_contracts", 1)
    elif isinstance(entity, m.PaymentItem):
        if entity.amount_usd is not None:
            deltas.add_periods(entity.occurred_at, "earnings", entity.amount_usd)
            deltas.add_periods(entity.occurred_at, "payments_count", 1)
            deltas.add_summary("earnings", entity.amount_usd)
            deltas.add_summary("payments_count", 1)
        else:
            deltas.add_periods(entity.occurred_at, m.OTHER_CURRENCY_PREFIX + entity.currency, entity.amount)
    return deltas


def change(old: m.Entity | None, new: m.Entity | None) -> Deltas:
    """Counter deltas of replacing `old` by `new`."""
    deltas = contribution(new)
    deltas.merge(contribution(old), sign=-1)
    return deltas.pruned()


# ------------------------------------------------------------------------------------------- transitions


def entity_sk(event: Event) -> str:
    """The sort key of the entity an event is about: events about one entity are applied together."""
    if isinstance(event, ProposalCreated | ProposalUpdated):
        return m.proposal_sk(event.data.proposal_id)
    if isinstance(event, ContractStarted | ContractEnded):
        return m.contract_sk(event.data.contract_id)
    if isinstance(event, PaymentReceived):
        return m.payment_sk(event.data.payment_id)
    raise TypeError(f"no entity for {type(event).__name__}")


def _newer(status: str, at: datetime, than_status: str, than_at: datetime) -> bool:
    return (at, _RANK[status]) > (than_at, _RANK[than_status])


def _next_version(old: m.Entity | None) -> int:
    return 1 if old is None else old.version + 1


def _proposal_created(
    user_id: str, old: m.Entity | None, event: ProposalCreated, now: datetime
) -> m.Entity | None:
    data = event.data
    details = {
        "job_title": data.job_title,
        "category": data.category,
        "budget": data.budget,
        "hourly_rate": data.hourly_rate,
        "submitted_at": data.submitted_at,
    }
    if old is None:
        return m.ProposalItem(
            user_id=user_id,
            proposal_id=data.proposal_id,
            status="submitted",
            status_at=data.submitted_at,
            updated_event_at=now,
            version=1,
            **details,
        )
    if not isinstance(old, m.ProposalItem):
        raise TypeError(f"a proposal event for a {type(old).__name__}")
    if not old.placeholder:
        return None  # created twice (another source, a replay): the first one stands
    status, status_at = old.status, old.status_at
    if _newer("submitted", data.submitted_at, status, status_at):
        status, status_at = "submitted", data.submitted_at
    return old.model_copy(
        update={
            **details,
            "status": status,
            "status_at": status_at,
            "placeholder": False,
            "updated_event_at": now,
            "version": _next_version(old),
        }
    )


def _proposal_updated(
    user_id: str, old: m.Entity | None, event: ProposalUpdated, now: datetime
) -> m.Entity | None:
    data = event.data
    if old is None:
        return m.ProposalItem(
            user_id=user_id,
            proposal_id=data.proposal_id,
            status=data.status,
            status_at=data.occurred_at,
            reached=implied_milestones(data.status),
            updated_event_at=now,
            placeholder=True,
            version=1,
        )
    if not isinstance(old, m.ProposalItem):
        raise TypeError(f"a proposal event for a {type(old).__name__}")
    reached = old.reached | implied_milestones(data.status)
    moves = _newer(data.status, data.occurred_at, old.status, old.status_at)
    if not moves and reached == old.reached:
        return None  # older or repeated news: nothing to change
    update: dict[str, object] = {"reached": reached, "updated_event_at": now, "version": _next_version(old)}
    if moves:
        update.update(status=data.status, status_at=data.occurred_at)
    return old.model_copy(update=update)


def _contract_started(
    user_id: str, old: m.Entity | None, event: ContractStarted, now: datetime
) -> m.Entity | None:
    data = event.data
    details = {
        "proposal_id": data.proposal_id,
        "hourly_rate": data.hourly_rate,
        "fixed_amount": data.fixed_amount,
        "started_at": data.started_at,
    }
    if old is None:
        return m.ContractItem(user_id=user_id, contract_id=data.contract_id, version=1, **details)
    if not isinstance(old, m.ContractItem):
        raise TypeError(f"a contract event for a {type(old).__name__}")
    if old.started_at is not None:
        return None
    return old.model_copy(update={**details, "placeholder": False, "version": _next_version(old)})


def _contract_ended(
    user_id: str, old: m.Entity | None, event: ContractEnded, now: datetime
) -> m.Entity | None:
    data = event.data
    if old is None:
        return m.ContractItem(
            user_id=user_id, contract_id=data.contract_id, ended_at=data.ended_at, placeholder=True, version=1
        )
    if not isinstance(old, m.ContractItem):
        raise TypeError(f"a contract event for a {type(old).__name__}")
    if old.ended_at is not None and old.ended_at >= data.ended_at:
        return None
    return old.model_copy(update={"ended_at": data.ended_at, "version": _next_version(old)})


def _payment_received(
    user_id: str, old: m.Entity | None, event: PaymentReceived, now: datetime
) -> m.Entity | None:
    if old is not None:
        return None  # a payment id is paid once, whichever source reported it
    data = event.data
    amount_usd = data.amount if data.currency == "USD" else data.amount_usd
    return m.PaymentItem(
        user_id=user_id,
        payment_id=data.payment_id,
        contract_id=data.contract_id,
        amount=data.amount,
        currency=data.currency,
        amount_usd=amount_usd,
        occurred_at=data.occurred_at,
        version=1,
    )


def transition(user_id: str, old: m.Entity | None, event: Event, now: datetime) -> m.Entity | None:
    """The entity after `event`, or None when the event changes nothing (a no-op needs no write)."""
    if isinstance(event, ProposalCreated):
        return _proposal_created(user_id, old, event, now)
    if isinstance(event, ProposalUpdated):
        return _proposal_updated(user_id, old, event, now)
    if isinstance(event, ContractStarted):
        return _contract_started(user_id, old, event, now)
    if isinstance(event, ContractEnded):
        return _contract_ended(user_id, old, event, now)
    if isinstance(event, PaymentReceived):
        return _payment_received(user_id, old, event, now)
    raise TypeError(f"unknown event {type(event).__name__}")


@dataclass(frozen=True)
class Folded:
    """The result of applying a run of events to one entity."""

    old: m.Entity | None
    new: m.Entity | None  # None: unchanged
    effective: tuple[str, ...]  # ids of the events that changed something (they get markers)
    unchanged: tuple[str, ...]
    deltas: Deltas


def fold(user_id: str, old: m.Entity | None, events: Iterable[tuple[str, Event]], now: datetime) -> Folded:
    """Apply `(event_id, event)` pairs in order to one entity's state."""
    state = old
    effective: list[str] = []
    unchanged: list[str] = []
    for event_id, event in events:
        nxt = transition(user_id, state, event, now)
        if nxt is None:
            unchanged.append(event_id)
        else:
            state = nxt
            effective.append(event_id)
    if not effective:
        return Folded(old, None, (), tuple(unchanged), Deltas())
    if state is None:  # pragma: no cover — effective events always leave a state
        raise AssertionError("no state after effective events")
    expected = _next_version(old)
    final = state if state.version == expected else state.model_copy(update={"version": expected})
    return Folded(old, final, tuple(effective), tuple(unchanged), change(old, final))
