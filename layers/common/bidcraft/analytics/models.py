"""The analytics domain's items of the Analytics table as pydantic models, with their key builders (the
sync's items are `bidcraft.sync.models`; what both share is `bidcraft.analytics.items`).

Owned by the events (write) side; the analytics and AI helpers import it read-only. Every model converts to
a plain item (`to_item()`: python values, `None`s dropped, times as ISO 8601 `Z` strings, money as `Decimal`)
and back (`from_item()`); the PynamoDB models of `bidcraft.tables.analytics.records` and `.parked` are the
wire format (`Record.of(item.to_item())`, `model_validate(record.plain())`), used by
`bidcraft.analytics.store` and `bidcraft.events.pending`.

Period aggregates keep their per-status and per-category counters as *flat* attributes (`status#hired`,
`cat_sent#Web Development`) because DynamoDB cannot `ADD` into a map path that does not exist yet, and an
aggregate must be created and incremented by the same single `UpdateItem` inside a transaction.
`PeriodAggregate.from_item` rebuilds the `by_status` / `by_category` maps; read aggregates through it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bidcraft import clock
from bidcraft.analytics.items import Item, plain, user_pk
from bidcraft.analytics.periods import Granularity

ProposalStatus = Literal["submitted", "viewed", "interviewing", "hired", "declined", "withdrawn", "archived"]
STATUSES: tuple[ProposalStatus, ...] = get_args(ProposalStatus)
# Milestones counted once per proposal; a later one implies the earlier ones (hired ⇒ viewed, interviewing).
MILESTONES: tuple[ProposalStatus, ...] = ("viewed", "interviewing", "hired")
MILESTONE_COUNTER: dict[str, str] = {
    "viewed": "proposals_viewed",
    "interviewing": "interviews",
    "hired": "proposals_won",
}

# Flat attribute prefixes of period aggregates (see the module docstring).
STATUS_PREFIX = "status#"
CATEGORY_SENT_PREFIX = "cat_sent#"
CATEGORY_WON_PREFIX = "cat_won#"
# Proposals by current status × category (`<status>#<category>` after the prefix): every filter of the
# proposal analytics is answered from aggregates, so no read grows with the history.
CROSS_SENT_PREFIX = "cross_sent#"
CROSS_WON_PREFIX = "cross_won#"
OTHER_CURRENCY_PREFIX = "earn#"

AGGREGATE_COUNTERS = (
    "proposals_sent",
    "proposals_viewed",
    "interviews",
    "proposals_won",
    "earnings",
    "payments_count",
    "contracts_started",
    "contracts_ended",
)
SUMMARY_COUNTERS = (
    "proposals_sent",
    "proposals_won",
    "earnings",
    "payments_count",
    "contracts_total",
    "active_contracts",
)

# ------------------------------------------------------------------------------------------------- keys

SUMMARY_SK = "SUMMARY"
# `user_pk(user_id)` (`USER#<id>`, every user's items) is `bidcraft.analytics.items.user_pk`.


def proposal_sk(proposal_id: str) -> str:
    return f"PROPOSAL#{proposal_id}"


def contract_sk(contract_id: str) -> str:
    return f"CONTRACT#{contract_id}"


def payment_sk(payment_id: str) -> str:
    return f"PAYMENT#{payment_id}"


def aggregate_sk(granularity: Granularity, key: str) -> str:
    return f"AGG#{granularity}#{key}"


def event_marker_sk(event_id: str) -> str:
    return f"EVENT#{event_id}"


def pending_pk(freelancer_id: str) -> str:
    return f"PENDING#{freelancer_id}"


def pending_sk(occurred_at: datetime, event_id: str) -> str:
    return f"{clock.iso(occurred_at)}#{event_id}"


def proposals_index_pk(user_id: str) -> str:
    """gsi1 partition of a user's proposals, sorted by `submitted_at` (placeholders are not indexed)."""
    return f"USER#{user_id}#PROPOSALS"


def contracts_index_pk(user_id: str) -> str:
    return f"USER#{user_id}#CONTRACTS"


def payments_index_pk(user_id: str) -> str:
    return f"USER#{user_id}#PAYMENTS"


# ------------------------------------------------------------------------------------------------ entities


class ProposalItem(Item):
    """`USER#u / PROPOSAL#<id>`. A *placeholder* holds a status that arrived before `proposal.created`; it
    counts in no aggregate until the creation fills `submitted_at` (readers skip placeholders)."""

    user_id: str
    proposal_id: str
    job_title: str | None = None
    category: str | None = None
    budget: Decimal | None = None
    hourly_rate: Decimal | None = None
    submitted_at: AwareDatetime | None = None
    status: ProposalStatus
    status_at: AwareDatetime
    reached: frozenset[str] = frozenset()
    updated_event_at: AwareDatetime
    placeholder: bool = False
    version: int = 0

    @property
    def counted(self) -> bool:
        return not self.placeholder and self.submitted_at is not None

    def to_item(self) -> dict[str, Any]:
        item = plain(
            {
                "pk": user_pk(self.user_id),
                "sk": proposal_sk(self.proposal_id),
                "type": "proposal",
                **self.model_dump(exclude={"placeholder"}),
            }
        )
        if self.placeholder:
            item["placeholder"] = True
        elif self.submitted_at is not None:
            item["gsi1pk"] = proposals_index_pk(self.user_id)
            item["gsi1sk"] = f"{clock.iso(self.submitted_at)}#{self.proposal_id}"
        return item


class ContractItem(Item):
    """`USER#u / CONTRACT#<id>`; a placeholder knows only its end (`contract.ended` came first)."""

    user_id: str
    contract_id: str
    proposal_id: str | None = None
    hourly_rate: Decimal | None = None
    fixed_amount: Decimal | None = None
    started_at: AwareDatetime | None = None
    ended_at: AwareDatetime | None = None
    placeholder: bool = False
    version: int = 0

    @property
    def active(self) -> bool:
        return self.started_at is not None and self.ended_at is None

    def to_item(self) -> dict[str, Any]:
        item = plain(
            {
                "pk": user_pk(self.user_id),
                "sk": contract_sk(self.contract_id),
                "type": "contract",
                **self.model_dump(exclude={"placeholder"}),
            }
        )
        if self.placeholder:
            item["placeholder"] = True
        elif self.started_at is not None:
            item["gsi1pk"] = contracts_index_pk(self.user_id)
            item["gsi1sk"] = f"{clock.iso(self.started_at)}#{self.contract_id}"
        return item


class PaymentItem(Item):
    """`USER#u / PAYMENT#<id>`: the amount in its own currency; `amount_usd` when counted in USD earnings."""

    user_id: str
    payment_id: str
    contract_id: str | None = None
    amount: Decimal
    currency: str
    amount_usd: Decimal | None = None
    occurred_at: AwareDatetime
    version: int = 0

    def to_item(self) -> dict[str, Any]:
        return plain(
            {
                "pk": user_pk(self.user_id),
                "sk": payment_sk(self.payment_id),
                "type": "payment",
                "gsi1pk": payments_index_pk(self.user_id),
                "gsi1sk": f"{clock.iso(self.occurred_at)}#{self.payment_id}",
                **self.model_dump(),
            }
        )


Entity = ProposalItem | ContractItem | PaymentItem

# ----------------------------------------------------------------------------------------------- counters


class CategoryCounts(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    sent: int = 0
    won: int = 0


class PeriodAggregate(Item):
    """`USER#u / AGG#<P>#<key>`: counters of one period. Proposals count in their `submitted_at` period
    (`by_status` is the *current* status of those proposals); payments in their `occurred_at` period."""

    user_id: str
    granularity: Granularity
    key: str
    proposals_sent: int = 0
    proposals_viewed: int = 0
    interviews: int = 0
    proposals_won: int = 0
    earnings: Decimal = Decimal(0)  # USD
    payments_count: int = 0  # payments counted in `earnings`
    contracts_started: int = 0
    contracts_ended: int = 0
    by_status: dict[str, int] = Field(default_factory=dict)
    by_category: dict[str, CategoryCounts] = Field(default_factory=dict)
    by_status_category: dict[str, dict[str, CategoryCounts]] = Field(default_factory=dict)
    earnings_other_currencies: dict[str, Decimal] = Field(default_factory=dict)

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> PeriodAggregate:
        by_status: dict[str, int] = {}
        sent: dict[str, int] = {}
        won: dict[str, int] = {}
        cross_sent: dict[tuple[str, str], int] = {}
        cross_won: dict[tuple[str, str], int] = {}
        other: dict[str, Decimal] = {}
        plain: dict[str, Any] = {}
        for name, value in item.items():
            if name.startswith(STATUS_PREFIX):
                by_status[name[len(STATUS_PREFIX) :]] = int(value)
            elif name.startswith(CATEGORY_SENT_PREFIX):
                sent[name[len(CATEGORY_SENT_PREFIX) :]] = int(value)
            elif name.startswith(CATEGORY_WON_PREFIX):
                won[name[len(CATEGORY_WON_PREFIX) :]] = int(value)
            elif name.startswith(CROSS_SENT_PREFIX):
                status, _, category = name[len(CROSS_SENT_PREFIX) :].partition("#")
                cross_sent[(status, category)] = int(value)
            elif name.startswith(CROSS_WON_PREFIX):
                status, _, category = name[len(CROSS_WON_PREFIX) :].partition("#")
                cross_won[(status, category)] = int(value)
            elif name.startswith(OTHER_CURRENCY_PREFIX):
                other[name[len(OTHER_CURRENCY_PREFIX) :]] = Decimal(value)
            else:
                plain[name] = value
        if "granularity" not in plain and isinstance(item.get("sk"), str):
            _, granularity, key = str(item["sk"]).split("#", 2)
            plain.setdefault("granularity", granularity)
            plain.setdefault("key", key)
        plain["by_status"] = {status: n for status, n in by_status.items() if n}
        plain["by_category"] = {
            category: CategoryCounts(sent=sent.get(category, 0), won=won.get(category, 0))
            for category in sorted(set(sent) | set(won))
        }
        by_status_category: dict[str, dict[str, CategoryCounts]] = {}
        for status, category in sorted(set(cross_sent) | set(cross_won)):
            counts = CategoryCounts(
                sent=cross_sent.get((status, category), 0), won=cross_won.get((status, category), 0)
            )
            if counts.sent or counts.won:
                by_status_category.setdefault(status, {})[category] = counts
        plain["by_status_category"] = by_status_category
        plain["earnings_other_currencies"] = other
        return cls.model_validate(plain)

    @classmethod
    def empty(cls, user_id: str, granularity: Granularity, key: str) -> PeriodAggregate:
        return cls(user_id=user_id, granularity=granularity, key=key)


class Summary(Item):
    """`USER#u / SUMMARY`: lifetime totals kept in the same transactions (the dashboard reads one item)."""

    user_id: str
    proposals_sent: int = 0
    proposals_won: int = 0
    earnings: Decimal = Decimal(0)
    payments_count: int = 0
    contracts_total: int = 0
    active_contracts: int = 0


# ------------------------------------------------------------------------------------------ bookkeeping


class ProcessedEvent(Item):
    """`USER#u / EVENT#<event_id>`: written in the same transaction as the event's effect (idempotency)."""

    user_id: str
    event_id: str
    event_type: str
    applied_at: AwareDatetime
    expires_at: int

    def to_item(self) -> dict[str, Any]:
        return plain(
            {
                "pk": user_pk(self.user_id),
                "sk": event_marker_sk(self.event_id),
                "type": "event",
                **self.model_dump(),
            }
        )


class PendingEvent(Item):
    """`PENDING#<freelancer_id> / <occurred_at>#<event_id>`: an event for a freelancer not signed up yet."""

    freelancer_id: str
    event_id: str
    occurred_at: AwareDatetime
    event: str  # the envelope JSON, as queued
    parked_at: AwareDatetime
    expires_at: int

    def to_item(self) -> dict[str, Any]:
        return plain(
            {
                "pk": pending_pk(self.freelancer_id),
                "sk": pending_sk(self.occurred_at, self.event_id),
                "type": "pending_event",
                **self.model_dump(),
            }
        )
