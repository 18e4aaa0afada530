"""Attribute-value conversion for the AI storage adapters (floats ↔ Decimal, None dropped)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

from bidcraft import aws
from bidcraft.errors import ServiceUnavailable

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def client() -> Any:
    return aws.client("dynamodb")


def _to_wire(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, Mapping):
        return {str(k): _to_wire(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_to_wire(v) for v in value]
    return value


def _from_wire(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_wire(v) for v in value]
    if isinstance(value, set):
        return sorted(_from_wire(v) for v in value)
    return value


def attr(value: Any) -> dict[str, Any]:
    serialized: dict[str, Any] = dict(_serializer.serialize(_to_wire(value)))
    return serialized


def item(values: Mapping[str, Any]) -> dict[str, Any]:
    return {name: attr(value) for name, value in values.items() if value is not None}


def values(mapping: Mapping[str, Any]) -> dict[str, Any]:
    return {name: attr(value) for name, value in mapping.items()}


def key(pk: str, sk: str) -> dict[str, Any]:
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def plain(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not raw:
        return None
    return {name: _from_wire(_deserializer.deserialize(value)) for name, value in raw.items()}


def is_condition_failure(exc: Exception) -> bool:
    return aws.error_code(exc) == "ConditionalCheckFailedException"


def unavailable() -> ServiceUnavailable:
    return ServiceUnavailable("Storage is temporarily unavailable; retry shortly")
