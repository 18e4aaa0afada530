"""Counting DynamoDB calls, whichever botocore client makes them (`bidcraft.aws`'s or a PynamoDB model's).

Used by the integration tests and the benchmarks (`bench/`): one counter, so neither can miss a client.

`dynamodb_calls()` patches `botocore.client.BaseClient._make_api_call` — the one method every client's API
call goes through — for the duration of the block, so a test that asserts "one page = N calls" cannot miss a
call made by a client it did not know about.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Iterator
from typing import Any

from botocore.client import BaseClient


@contextlib.contextmanager
def dynamodb_calls() -> Iterator[Counter[tuple[str, str]]]:
    """`Counter` of (operation, table) for every DynamoDB call made inside the block; a batch or transaction
    over several tables counts once under their names joined by ','."""
    calls: Counter[tuple[str, str]] = Counter()
    original = BaseClient._make_api_call  # type: ignore[attr-defined]

    def counting(client: Any, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name == "dynamodb":
            calls[(operation, _tables(params))] += 1
        return original(client, operation, params)

    BaseClient._make_api_call = counting  # type: ignore[attr-defined]
    try:
        yield calls
    finally:
        BaseClient._make_api_call = original  # type: ignore[attr-defined]


def by_operation(calls: Counter[tuple[str, str]]) -> Counter[str]:
    """The same calls counted by operation alone."""
    counted: Counter[str] = Counter()
    for (operation, _table), count in calls.items():
        counted[operation] += count
    return counted


def _tables(params: dict[str, Any]) -> str:
    if params.get("TableName"):
        return str(params["TableName"])
    names = set(params.get("RequestItems") or {})
    for item in params.get("TransactItems") or []:
        names.update(str(body.get("TableName", "")) for body in item.values())
    return ",".join(sorted(names)) or "?"
