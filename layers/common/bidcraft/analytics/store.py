"""The Analytics table adapter: the one module that turns analytics items into DynamoDB calls.

Write side (the events domain): `load_entities` (consistent batch read) and `commit` — one TransactWriteItems
that puts the changed entities (conditioned on their `version`, or on not existing), the processed-event
markers (`attribute_not_exists`) and the counter deltas (`ADD` on period aggregates and the summary). A
cancelled transaction becomes `CommitRejected`, saying which events were already applied (their marker
existed), which entities changed under us (stale `version`) and whether it was a plain conflict.

Read side helpers (any function): `get_aggregates`, `get_summary`, `get_entity`.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from bidcraft import aws, config
from bidcraft.analytics import models as m
from bidcraft.analytics.periods import Granularity

logger = logging.getLogger(__name__)

MAX_TRANSACTION_ITEMS = 100
_BATCH_GET_KEYS = 100
CONDITION_FAILED = "ConditionalCheckFailed"
TRANSACTION_CANCELED = "TransactionCanceledException"

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()

Number = int | Decimal
AggregateKey = tuple[Granularity, str]


class AnalyticsSettings(config.BaseSettings):
    analytics_table: str


def table_name() -> str:
    return config.load(AnalyticsSettings).analytics_table


def client() -> Any:
    return aws.client("dynamodb")  # cached per container by bidcraft.aws


# ------------------------------------------------------------------------------------------- wire format


def to_wire(item: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _serializer.serialize(value) for name, value in item.items() if value is not None}


def from_wire(raw: Mapping[str, Any]) -> dict[str, Any]:
    return {name: _deserializer.deserialize(value) for name, value in raw.items()}


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def entity_from_item(item: Mapping[str, Any]) -> m.Entity:
    sk = str(item["sk"])
    if sk.startswith("PROPOSAL#"):
        return m.ProposalItem.model_validate(dict(item))
    if sk.startswith("CONTRACT#"):
        return m.ContractItem.model_validate(dict(item))
    if sk.startswith("PAYMENT#"):
        return m.PaymentItem.model_validate(dict(item))
    raise ValueError(f"not an entity sort key: {sk}")


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


def _counter_update(
    table: str, pk: str, sk: str, counters: Mapping[str, Number], fixed: Mapping[str, Any]
) -> dict[str, Any]:
    names: dict[str, str] = {}
    values: dict[str, Any] = {}
    sets, adds = [], []
    for index, (name, value) in enumerate(sorted(fixed.items())):
        names[f"#f{index}"] = name
        values[f":f{index}"] = _serializer.serialize(value)
        sets.append(f"#f{index} = :f{index}")
    for index, (name, amount) in enumerate(sorted(counters.items())):
        names[f"#a{index}"] = name
        values[f":a{index}"] = _serializer.serialize(Decimal(amount) if isinstance(amount, int) else amount)
        adds.append(f"#a{index} :a{index}")
    expression = ("SET " + ", ".join(sets) + " " if sets else "") + "ADD " + ", ".join(adds)
    return {
        "Update": {
            "TableName": table,
            "Key": key(pk, sk),
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def transaction_items(batch: WriteBatch) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The TransactItems of `batch`, and for each one what it is (`("marker", event_id)`, `("entity", sk)`,
    `("counter", sk)`) so a cancellation reason can be traced back."""
    table = table_name()
    pk = m.user_pk(batch.user_id)
    items: list[dict[str, Any]] = []
    roles: list[tuple[str, str]] = []
    for marker in batch.markers:
        items.append(
            {
                "Put": {
                    "TableName": table,
                    "Item": to_wire(marker.to_item()),
                    "ConditionExpression": "attribute_not_exists(pk)",
                }
            }
        )
        roles.append(("marker", marker.event_id))
    for write in batch.entities:
        item = write.entity.to_item()
        put: dict[str, Any] = {"TableName": table, "Item": to_wire(item)}
        if write.expected_version is None:
            put["ConditionExpression"] = "attribute_not_exists(pk)"
        else:
            put["ConditionExpression"] = "#v = :v"
            put["ExpressionAttributeNames"] = {"#v": "version"}
            put["ExpressionAttributeValues"] = {":v": {"N": str(write.expected_version)}}
        items.append({"Put": put})
        roles.append(("entity", str(item["sk"])))
    for (granularity, period), counters in sorted(batch.aggregates.items()):
        sk = m.aggregate_sk(granularity, period)
        fixed = {"user_id": batch.user_id, "granularity": granularity, "key": period, "type": "aggregate"}
        items.append(_counter_update(table, pk, sk, counters, fixed))
        roles.append(("counter", sk))
    if batch.summary:
        fixed = {"user_id": batch.user_id, "type": "summary"}
        items.append(_counter_update(table, pk, m.SUMMARY_SK, batch.summary, fixed))
        roles.append(("counter", m.SUMMARY_SK))
    return items, roles


def commit(batch: WriteBatch) -> None:
    """Write `batch` atomically, or raise CommitRejected (nothing written). Other AWS errors propagate."""
    if batch.is_empty():
        return
    items, roles = transaction_items(batch)
    if len(items) > MAX_TRANSACTION_ITEMS:
        raise ValueError(f"a transaction holds at most {MAX_TRANSACTION_ITEMS} items, not {len(items)}")
    try:
        client().transact_write_items(TransactItems=items)
    except aws.AWS_ERRORS as exc:
        if aws.error_code(exc) != TRANSACTION_CANCELED:
            raise
        reasons = getattr(exc, "response", {}).get("CancellationReasons") or []
        duplicates: set[str] = set()
        stale: set[str] = set()
        conflict = False
        for (role, ident), reason in zip(roles, reasons, strict=False):
            code = str((reason or {}).get("Code") or "None")
            if code == CONDITION_FAILED and role == "marker":
                duplicates.add(ident)
            elif code == CONDITION_FAILED and role == "entity":
                stale.add(ident)
            elif code not in ("None", ""):
                conflict = True
        if not (duplicates or stale or conflict):
            conflict = True  # no reasons given: treat as a retryable conflict
        raise CommitRejected(duplicates, stale, conflict) from exc


# ------------------------------------------------------------------------------------------------- reads


def batch_get(
    keys: Sequence[tuple[str, str]], *, consistent: bool = True
) -> dict[tuple[str, str], dict[str, Any]]:
    """Items by (pk, sk); missing ones are absent. Retries unprocessed keys with jittered back-off."""
    table = table_name()
    found: dict[tuple[str, str], dict[str, Any]] = {}
    unique = list(dict.fromkeys(keys))
    for start in range(0, len(unique), _BATCH_GET_KEYS):
        request: dict[str, Any] = {
            table: {
                "Keys": [key(pk, sk) for pk, sk in unique[start : start + _BATCH_GET_KEYS]],
                "ConsistentRead": consistent,
            }
        }
        for attempt in range(8):
            response = client().batch_get_item(RequestItems=request)
            for raw in response.get("Responses", {}).get(table, []):
                item = from_wire(raw)
                found[(str(item["pk"]), str(item["sk"]))] = item
            request = response.get("UnprocessedKeys") or {}
            if not request:
                break
            time.sleep(min(1.0, 0.02 * 2**attempt) * secrets.randbelow(1000) / 1000)
        else:
            raise RuntimeError("DynamoDB kept keys unprocessed")
    return found


def load_entities(user_id: str, sks: Iterable[str]) -> dict[str, m.Entity]:
    """The current state of the user's entities with these sort keys: consistent `BatchGetItem`s of 100 keys
    (one call for the queue worker's single entity; the same IAM action for every caller)."""
    pk = m.user_pk(user_id)
    items = batch_get([(pk, sk) for sk in sks])
    return {sk: entity_from_item(item) for (_, sk), item in items.items()}


def get_item(pk: str, sk: str, *, consistent: bool = False) -> dict[str, Any] | None:
    raw = client().get_item(TableName=table_name(), Key=key(pk, sk), ConsistentRead=consistent).get("Item")
    return from_wire(raw) if raw else None


def get_entity(user_id: str, sk: str) -> m.Entity | None:
    item = get_item(m.user_pk(user_id), sk, consistent=True)
    return entity_from_item(item) if item else None


def get_aggregates(
    user_id: str, granularity: Granularity, keys: Iterable[str]
) -> dict[str, m.PeriodAggregate]:
    """Period aggregates by key; a period with no activity comes back as an empty aggregate."""
    wanted = list(dict.fromkeys(keys))
    pk = m.user_pk(user_id)
    items = batch_get([(pk, m.aggregate_sk(granularity, k)) for k in wanted], consistent=False)
    result: dict[str, m.PeriodAggregate] = {}
    for period in wanted:
        item = items.get((pk, m.aggregate_sk(granularity, period)))
        result[period] = (
            m.PeriodAggregate.from_item(item)
            if item
            else m.PeriodAggregate.empty(user_id, granularity, period)
        )
    return result


def get_summary(user_id: str) -> m.Summary:
    item = get_item(m.user_pk(user_id), m.SUMMARY_SK)
    return m.Summary.model_validate(item) if item else m.Summary(user_id=user_id)
