"""The Analytics table adapter of the analytics domain: the one module that reads and writes its items,
through the PynamoDB models of `bidcraft.tables.analytics.records` (the wire format), and turns them into the
domain's pydantic models (`bidcraft.analytics.models`).

Write side (the events domain): `load_entities` (consistent batch read) and `commit` — one `TransactWrite`
that puts the changed entities (conditioned on their `version`, or on not existing), the processed-event
markers (`attribute_not_exists`) and the counter deltas (`ADD` on period aggregates and the summary). A
cancelled transaction becomes `CommitRejected`, saying which events were already applied (their marker
existed), which entities changed under us (stale `version`) and whether it was a plain conflict.

Read side (the screens, reports, the AI's track record): `get_counters` / `get_aggregates` (one
`BatchGetItem`), `get_summary`, `get_entity`, `aggregates_between` and `contracts_started_by` (one bounded
`Query` each). The screens' reads turn a storage failure into the 503 problem ("Analytics are temporarily
unavailable"); the write side lets it propagate (the queue retries the message).

The low-level call, where PynamoDB cannot express it: `batch_get` sends `BatchGetItem` through the models'
connection (`TableConnection.batch_get_item`) rather than `Model.batch_get`, because one request mixes item
kinds (the dashboard reads twelve aggregates and the summary in one call), each read into its model by sort
key, and because `Model.batch_get` retries unprocessed keys at once and without end, where this loop backs
off with jitter and gives up after `BATCH_ATTEMPTS` (503 with Retry-After).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NoReturn, cast

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path, Value

from bidcraft import aws
from bidcraft.analytics import models as m
from bidcraft.analytics.periods import Granularity
from bidcraft.errors import ServiceUnavailable
from bidcraft.tables import base
from bidcraft.tables.analytics.domain import AnalyticsRecord
from bidcraft.tables.analytics.records import (
    AggregateRecord,
    ContractRecord,
    EventMarker,
    PaymentRecord,
    ProposalRecord,
    SummaryRecord,
)

logger = logging.getLogger(__name__)

MAX_TRANSACTION_ITEMS = 100
BATCH_GET_KEYS = 100
BATCH_ATTEMPTS = 6
MAX_CONTRACT_PAGES = 2
CONTRACT_PAGE_SIZE = 1000
CONDITION_FAILED = "ConditionalCheckFailed"  # a cancelled transaction's per-item reason code

Number = int | Decimal
AggregateKey = tuple[Granularity, str]

# The model of each kind of item, by sort-key prefix (the partition is the user's).
_RECORDS: tuple[tuple[str, type[AnalyticsRecord]], ...] = (
    ("AGG#", AggregateRecord),
    (m.SUMMARY_SK, SummaryRecord),
    ("PROPOSAL#", ProposalRecord),
    ("CONTRACT#", ContractRecord),
    ("PAYMENT#", PaymentRecord),
    ("EVENT#", EventMarker),
)


def record_class(sk: str) -> type[AnalyticsRecord]:
    for prefix, record in _RECORDS:
        if sk.startswith(prefix):
            return record
    raise ValueError(f"not an analytics item this adapter reads: {sk}")


def entity_from_record(record: AnalyticsRecord) -> m.Entity:
    item = record.plain()
    if isinstance(record, ProposalRecord):
        return m.ProposalItem.model_validate(item)
    if isinstance(record, ContractRecord):
        return m.ContractItem.model_validate(item)
    if isinstance(record, PaymentRecord):
        return m.PaymentItem.model_validate(item)
    raise ValueError(f"not an entity: {record.sk}")


def _unavailable(exc: BaseException) -> NoReturn:
    logger.error("analytics read failed", extra={"error": aws.error_code(exc)})
    raise ServiceUnavailable("Analytics are temporarily unavailable") from exc


# ------------------------------------------------------------------------------------------------ writes


@dataclass(frozen=True)
class EntityWrite:
    entity: m.Entity
    expected_version: int | None  # None: the entity must not exist yet


@dataclass
class WriteBatch:
    """Everything one transaction writes for one user."""

    user_id: str
    entities: list[EntityWrite] = field(default_factory=list)
    markers: list[m.ProcessedEvent] = field(default_factory=list)
    aggregates: dict[AggregateKey, dict[str, Number]] = field(default_factory=dict)
    summary: dict[str, Number] = field(default_factory=dict)

    def item_count(self) -> int:
        return len(self.entities) + len(self.markers) + len(self.aggregates) + (1 if self.summary else 0)

    def is_empty(self) -> bool:
        return self.item_count() == 0


class CommitRejected(Exception):
    """The transaction was cancelled; nothing of it was written."""

    def __init__(self, duplicate_events: set[str], stale_entities: set[str], conflict: bool) -> None:
        super().__init__(
            f"transaction cancelled: {len(duplicate_events)} duplicate event(s), "
            f"{len(stale_entities)} stale entit(ies), conflict={conflict}"
        )
        self.duplicate_events = duplicate_events
        self.stale_entities = stale_entities
        self.conflict = conflict


def _counter_actions(counters: Mapping[str, Number], fixed: Mapping[str, str]) -> list[Any]:
    """`SET` the fixed attributes, `ADD` each counter. Counters are named by path: the flat ones
    (`status#hired`, `cat_sent#<category>`) have no attribute of their own in the model."""
    actions: list[Any] = [Path([name]).set(Value({"S": value})) for name, value in sorted(fixed.items())]
    actions += [Path([name]).add(Value({"N": str(amount)})) for name, amount in sorted(counters.items())]
    return actions


def _stage(transaction: Any, batch: WriteBatch) -> list[tuple[str, str]]:
    """Add `batch` to `transaction`; for each item, in the order DynamoDB reports cancellation reasons (puts,
    then updates), what it is: `("marker", event_id)`, `("entity", sk)` or `("counter", sk)`."""
    pk = m.user_pk(batch.user_id)
    roles: list[tuple[str, str]] = []
    for marker in batch.markers:
        transaction.save(EventMarker.of(marker.to_item()), condition=EventMarker.pk.does_not_exist())
        roles.append(("marker", marker.event_id))
    for write in batch.entities:
        item = write.entity.to_item()
        record = record_class(str(item["sk"])).of(item)
        condition: Condition
        if write.expected_version is None:
            condition = type(record).pk.does_not_exist()
        else:
            condition = Path(["version"]) == Value({"N": str(write.expected_version)})
        transaction.save(record, condition=condition)
        roles.append(("entity", str(item["sk"])))
    for (granularity, period), counters in sorted(batch.aggregates.items()):
        sk = m.aggregate_sk(granularity, period)
        fixed = {"user_id": batch.user_id, "granularity": granularity, "key": period, "type": "aggregate"}
        transaction.update(AggregateRecord(pk, sk), actions=_counter_actions(counters, fixed))
        roles.append(("counter", sk))
    if batch.summary:
        fixed = {"user_id": batch.user_id, "type": "summary"}
        transaction.update(SummaryRecord(pk, m.SUMMARY_SK), actions=_counter_actions(batch.summary, fixed))
        roles.append(("counter", m.SUMMARY_SK))
    return roles


def commit(batch: WriteBatch) -> None:
    """Write `batch` atomically, or raise CommitRejected (nothing written). Other storage errors propagate."""
    if batch.is_empty():
        return
    if batch.item_count() > MAX_TRANSACTION_ITEMS:
        raise ValueError(
            f"a transaction holds at most {MAX_TRANSACTION_ITEMS} items, not {batch.item_count()}"
        )
    roles: list[tuple[str, str]] = []
    try:
        with base.transact_write(AnalyticsRecord) as transaction:  # commits when the block ends
            roles = _stage(transaction, batch)
    except base.STORAGE_ERRORS as exc:
        codes = base.cancellation_codes(exc)
        if not codes and aws.error_code(exc) != "TransactionCanceledException":
            raise
        raise rejection(roles, codes) from exc


def rejection(roles: Sequence[tuple[str, str]], codes: Sequence[str]) -> CommitRejected:
    """What a cancelled transaction's reason codes say about its items (`roles`, in the same order)."""
    duplicates: set[str] = set()
    stale: set[str] = set()
    conflict = False
    for (role, ident), code in zip(roles, codes, strict=False):
        if code == CONDITION_FAILED and role == "marker":
            duplicates.add(ident)
        elif code == CONDITION_FAILED and role == "entity":
            stale.add(ident)
        elif code not in ("None", ""):
            conflict = True
    if not (duplicates or stale or conflict):
        conflict = True  # no reasons given: treat as a retryable conflict
    return CommitRejected(duplicates, stale, conflict)


# ------------------------------------------------------------------------------------------------- reads


def batch_get(keys: Sequence[tuple[str, str]], *, consistent: bool = True) -> dict[tuple[str, str], Any]:
    """Records by (pk, sk), each read into its model (`record_class`); missing ones are absent.

    `BatchGetItem`s of up to 100 keys; unprocessed keys are retried with jittered back-off, at most
    `BATCH_ATTEMPTS` times, then 503 (throttled). Other storage errors propagate."""
    connection = AnalyticsRecord._get_connection()
    found: dict[tuple[str, str], Any] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), BATCH_GET_KEYS):
        pending = [{"pk": {"S": pk}, "sk": {"S": sk}} for pk, sk in unique[start : start + BATCH_GET_KEYS]]
        for attempt in range(BATCH_ATTEMPTS):
            # serialized keys, as `Model.batch_get` passes them (the stub's `Sequence[str]` is too narrow)
            response = connection.batch_get_item(pending, consistent_read=consistent)  # type: ignore[arg-type]
            for raw in response.get("Responses", {}).get(connection.table_name, []):
                sk = raw["sk"]["S"]
                found[(raw["pk"]["S"], sk)] = record_class(sk).from_raw_data(raw)
            pending = (response.get("UnprocessedKeys") or {}).get(connection.table_name, {}).get("Keys") or []
            if not pending:
                break
            time.sleep(min(1.0, 0.02 * 2**attempt) * (500 + secrets.randbelow(500)) / 1000)
        else:
            raise ServiceUnavailable("Analytics are temporarily unavailable (throttled)", retry_after=2)
    return found


def load_entities(user_id: str, sks: Iterable[str]) -> dict[str, m.Entity]:
    """The current state of the user's entities with these sort keys: consistent `BatchGetItem`s of 100 keys
    (one call for the queue worker's single entity; the same IAM action for every caller)."""
    pk = m.user_pk(user_id)
    records = batch_get([(pk, sk) for sk in sks])
    return {sk: entity_from_record(record) for (_, sk), record in records.items()}


def get_entity(user_id: str, sk: str) -> m.Entity | None:
    model = record_class(sk)
    try:
        record = model.get(m.user_pk(user_id), sk, consistent_read=True)
    except DoesNotExist:
        return None
    return entity_from_record(record)


def aggregate_of(record: AggregateRecord, user_id: str) -> m.PeriodAggregate:
    return m.PeriodAggregate.from_item({**record.plain(), "user_id": user_id})


def summary_of(record: SummaryRecord | None, user_id: str) -> m.Summary:
    if record is None:
        return m.Summary(user_id=user_id)
    return m.Summary.model_validate({**record.plain(), "user_id": user_id})


@dataclass(frozen=True)
class Counters:
    aggregates: dict[str, m.PeriodAggregate]
    summary: m.Summary | None


def get_counters(
    user_id: str, granularity: Granularity, keys: Iterable[str], *, summary: bool = False
) -> Counters:
    """The aggregates of `keys` (a period with no activity is an empty aggregate) and, with `summary`, the
    summary: one eventually consistent `BatchGetItem` (≤ 100 keys)."""
    wanted = list(dict.fromkeys(keys))
    pk = m.user_pk(user_id)
    sks = {period: m.aggregate_sk(granularity, period) for period in wanted}
    try:
        records = batch_get(
            [(pk, sk) for sk in sks.values()] + ([(pk, m.SUMMARY_SK)] if summary else []), consistent=False
        )
    except base.STORAGE_ERRORS as exc:
        _unavailable(exc)
    aggregates = {
        period: aggregate_of(records[(pk, sk)], user_id)
        if (pk, sk) in records
        else m.PeriodAggregate.empty(user_id, granularity, period)
        for period, sk in sks.items()
    }
    return Counters(aggregates, summary_of(records.get((pk, m.SUMMARY_SK)), user_id) if summary else None)


def get_aggregates(
    user_id: str, granularity: Granularity, keys: Iterable[str]
) -> dict[str, m.PeriodAggregate]:
    """Period aggregates by key (see `get_counters`)."""
    return get_counters(user_id, granularity, keys).aggregates


def get_summary(user_id: str) -> m.Summary:
    try:
        record = SummaryRecord.get(m.user_pk(user_id), m.SUMMARY_SK)
    except DoesNotExist:
        record = None
    except base.STORAGE_ERRORS as exc:
        _unavailable(exc)
    return summary_of(record, user_id)


def aggregates_between(
    user_id: str, granularity: Granularity, first_key: str, last_key: str
) -> dict[str, m.PeriodAggregate]:
    """The `granularity` aggregates that exist from `first_key` to `last_key` (inclusive), by key: one range
    `Query` (paged) over at most as many small items as there are periods in the range."""
    sk_range = AggregateRecord.sk.between(
        m.aggregate_sk(granularity, first_key), m.aggregate_sk(granularity, last_key)
    )
    found: dict[str, m.PeriodAggregate] = {}
    try:
        for record in AggregateRecord.query(m.user_pk(user_id), sk_range):
            aggregate = aggregate_of(record, user_id)
            found[aggregate.key] = aggregate
    except base.STORAGE_ERRORS as exc:
        _unavailable(exc)
    return found


def daily_aggregates(user_id: str, first: date, last: date) -> dict[str, m.PeriodAggregate]:
    """The day aggregates that exist in `first..last`, by day key."""
    return aggregates_between(user_id, "D", first.isoformat(), last.isoformat())


def contracts_started_by(user_id: str, last: date) -> list[m.ContractItem]:
    """The user's contracts started on or before `last`, newest first: one `Query` of the contracts index
    (`gsi1`), projected to five attributes, at most `MAX_CONTRACT_PAGES` pages of `CONTRACT_PAGE_SIZE`."""
    results = ContractRecord.gsi1.query(
        m.contracts_index_pk(user_id),
        ContractRecord.gsi1sk <= last.isoformat() + "~",
        scan_index_forward=False,
        page_size=CONTRACT_PAGE_SIZE,
        limit=CONTRACT_PAGE_SIZE * MAX_CONTRACT_PAGES,
        attributes_to_get=["contract_id", "hourly_rate", "fixed_amount", "started_at", "ended_at"],
    )
    contracts: list[m.ContractItem] = []
    try:
        for found in results:
            record = cast(ContractRecord, found)  # the index is declared on the base model
            try:
                contracts.append(m.ContractItem.model_validate({**record.plain(), "user_id": user_id}))
            except ValueError:
                logger.warning("unreadable contract skipped", extra={"contract_id": record.contract_id})
    except base.STORAGE_ERRORS as exc:
        _unavailable(exc)
    if len(contracts) >= CONTRACT_PAGE_SIZE * MAX_CONTRACT_PAGES and results.last_evaluated_key:
        logger.warning("contracts query truncated", extra={"pages": MAX_CONTRACT_PAGES})
    return contracts
