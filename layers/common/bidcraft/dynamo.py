"""The small DynamoDB toolkit of the storage adapters not (yet) on PynamoDB models (low-level client, typed
values). The users and audit tables are models in `bidcraft.tables`; the other tables still use this.

Only storage adapters import this. It turns Python values into attribute values and back (numbers come back as
`int` when integral, binaries as `bytes`), and turns AWS failures into domain errors keyed on the error code.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import Binary, TypeDeserializer, TypeSerializer

from bidcraft import aws
from bidcraft.errors import ServiceUnavailable

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELED = "TransactionCanceledException"

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def client() -> Any:
    return aws.client("dynamodb")


def _to_wire(value: Any) -> Any:
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Mapping):
        return {k: _to_wire(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_wire(v) for v in value]
    return value


def attr(value: Any) -> dict[str, Any]:
    """One attribute value (`{"S": ...}`, `{"N": ...}`, ...)."""
    return dict(_serializer.serialize(_to_wire(value)))


def item(values: Mapping[str, Any]) -> dict[str, Any]:
    """A whole item; `None` values are left out."""
    return {name: attr(value) for name, value in values.items() if value is not None}


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def expression_values(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: attr(value) for name, value in values.items()}


def _from_wire(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Binary):
        return bytes(value.value)  # type: ignore[attr-defined]
    if isinstance(value, dict):
        return {k: _from_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_wire(v) for v in value]
    if isinstance(value, set):
        return {_from_wire(v) for v in value}
    return value


def plain(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """An item as plain Python values, or None."""
    if not raw:
        return None
    return {name: _from_wire(_deserializer.deserialize(value)) for name, value in raw.items()}


def get_item(table: str, item_key: dict[str, Any], *, consistent: bool = True) -> dict[str, Any] | None:
    """One item as plain Python values, or None; a storage failure fails closed (503)."""
    try:
        response = client().get_item(TableName=table, Key=item_key, ConsistentRead=consistent)
    except aws.AWS_ERRORS as exc:
        raise unavailable() from exc
    return plain(response.get("Item"))


def is_condition_failure(exc: Exception) -> bool:
    return aws.error_code(exc) == CONDITION_FAILED


def conditional_update(
    table: str,
    item_key: dict[str, Any],
    expression: str,
    condition: str,
    values: Mapping[str, Any],
    *,
    names: Mapping[str, str] | None = None,
) -> bool:
    """One conditional `UpdateItem`: True when applied, False when the condition did not hold.

    `names` are expression attribute names (`{"#status": "status"}`) for reserved words."""
    extra = {"ExpressionAttributeNames": dict(names)} if names else {}
    try:
        client().update_item(
            TableName=table,
            Key=item_key,
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeValues=expression_values(values),
            **extra,
        )
    except aws.AWS_ERRORS as exc:
        if is_condition_failure(exc):
            return False
        raise unavailable() from exc
    return True


def cancellation_codes(exc: Exception) -> list[str]:
    """The per-item reason codes of a cancelled transaction (`None` entries become '')."""
    if aws.error_code(exc) != TRANSACTION_CANCELED:
        return []
    reasons = getattr(exc, "response", {}).get("CancellationReasons") or []
    return [str(reason.get("Code") or "") for reason in reasons]


def query_pages(request: Mapping[str, Any], *, max_pages: int | None = None) -> Iterator[dict[str, Any]]:
    """The items of a `Query` (`request` names its table), page after page (at most `max_pages`), as plain
    values. AWS errors propagate: the caller's adapter says what they mean to its clients."""
    request = dict(request)
    pages = 0
    while True:
        response = client().query(**request)
        pages += 1
        for raw in response.get("Items", []):
            yield plain(raw) or {}
        last = response.get("LastEvaluatedKey")
        if not last:
            return
        if max_pages is not None and pages >= max_pages:
            logging.getLogger(__name__).warning("query truncated", extra={"pages": pages})
            return
        request["ExclusiveStartKey"] = last


def unavailable() -> ServiceUnavailable:
    """The client-facing error for a storage failure we cannot handle (fail closed, retry later)."""
    return ServiceUnavailable("Storage temporarily unavailable")
