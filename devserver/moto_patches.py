"""Fixes to the in-process AWS emulator (moto) that the local stack and the tests need.

Only the emulator changes here; none of this is deployed. Each fix keeps moto's observable semantics and
removes a cost or a crash that real AWS does not have.
"""

from __future__ import annotations

import re
from typing import Any

# `SET #a = :x, … ADD #b :y, …` or `ADD …` alone: the counter updates of the analytics (analytics/store.py).
_COUNTER_UPDATE = re.compile(r"(?:SET (#\w+ = :\w+(?:, #\w+ = :\w+)*) )?ADD (#\w+ :\w+(?:, #\w+ :\w+)*)")
_SETTABLE = frozenset({"S", "N", "BOOL"})


def install_fast_moto_transactions() -> None:
    """Make moto's TransactWriteItems snapshot only the items it touches.

    moto 5.x deep-copies the *whole table once per transaction item* to be able to roll back, so a transaction
    costs O(items x table size): with a few thousand items in the table a 10-item transaction takes seconds,
    clients time out and retry, and the concurrent retry crashes moto ("dictionary changed size during
    iteration"). Real DynamoDB has no such cost. This replacement keeps moto's checks and semantics
    (conditions, one operation per item, all-or-nothing, cancellation reasons) but backs up only the touched
    items.
    """
    import copy

    from moto.dynamodb import models as dynamodb_models
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactionCanceledException,
        TransactWriteSingleOpException,
    )

    backend_class = dynamodb_models.DynamoDBBackend
    if getattr(backend_class, "_bidcraft_fast_transactions", False):
        return

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        backups: list[tuple[Any, Any, Any, Any]] = []
        seen: set[tuple[str, str]] = set()
        errors: list[tuple[Any, Any, Any]] = []

        def rollback() -> None:
            for table, hash_key, range_key, previous in reversed(backups):
                if previous is None:
                    table.delete_item(hash_key, range_key)
                elif range_key is not None:
                    table.items[hash_key][range_key] = previous
                else:
                    table.items[hash_key] = previous

        for entry in transact_items:
            if len(entry) > 1:
                raise TransactWriteSingleOpException
            original_item = None
            try:
                op_type, op = next(iter(entry.items()))
                if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                    raise ValueError("Unsupported transaction operation")
                table_name = op["TableName"]
                table = self.get_table(table_name)
                if op_type == "Put":
                    attrs = op["Item"]
                    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                    if table.range_key_attr is not None:
                        key[table.range_key_attr] = attrs[table.range_key_attr]
                else:
                    key = op["Key"]
                marker = (str(table_name), str(dict(sorted(key.items()))))
                if marker in seen:
                    raise MultipleTransactionsException()
                seen.add(marker)
                hash_key, range_key = self.get_keys_value(table, key)
                current = table.get_item(hash_key, range_key)
                backups.append((table, hash_key, range_key, copy.deepcopy(current)))
                names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
                condition = op.get("ConditionExpression")
                if condition is not None and not get_filter_expression(condition, names, values).expr(
                    current
                ):
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        original_item = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=original_item)
                if op_type == "Put":
                    self.put_item(
                        table_name,
                        op["Item"],
                        condition_expression=condition,
                        expression_attribute_names=names,
                        expression_attribute_values=values,
                    )
                elif op_type == "Delete":
                    self.delete_item(
                        table_name,
                        key,
                        condition_expression=condition,
                        expression_attribute_names=names,
                        expression_attribute_values=values,
                    )
                elif op_type == "Update" and not _counter_update(self, table, key, op):
                    self.update_item(
                        table_name,
                        key,
                        update_expression=op["UpdateExpression"],
                        condition_expression=condition,
                        expression_attribute_names=names,
                        expression_attribute_values=values,
                    )
                errors.append((None, None, None))
            except (MultipleTransactionsException, MockValidationException):
                rollback()
                raise
            except ConditionalCheckFailed as exc:
                errors.append(("ConditionalCheckFailed", str(exc.message), original_item))
            except Exception as exc:
                errors.append((type(exc).__name__, str(exc), original_item))
        if any(code is not None for code, _, _ in errors):
            rollback()
            raise TransactionCanceledException(errors)

    setattr(backend_class, "transact_write_items", transact_write_items)  # noqa: B010
    setattr(backend_class, "_bidcraft_fast_transactions", True)  # noqa: B010


class _Candidates:
    """A table as moto's `Table.query` sees it, narrowed to the items a query can return: `all_items()` gives
    the candidates, everything else is the real table's."""

    def __init__(self, table: Any, items: list[Any]) -> None:
        self._table = table
        self._items = items

    def all_items(self) -> list[Any]:
        return self._items

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)


def install_fast_moto_queries() -> None:
    """Make moto's Query read only the queried partition, as DynamoDB does.

    moto 5.x answers every `Query` by sorting *the whole table* (`all_items()`), keeping the items of the
    partition, then walking all of them — `Item.size()` computed for each, matching the sort key condition or
    not. A query therefore costs O(table log table + partition × item size): with one 5,000-proposal user
    (~20,000 items) a one-page read of a few aggregates took 1–5 s of the emulator's CPU, in the process that
    also serves every other AWS call and the Upwork sandbox. Real DynamoDB reads only the partition's key
    range.

    This runs moto's own `Table.query` (key conditions, sort order, `Limit`, the 1 MB page, the
    `ExclusiveStartKey`, filters, projections: unchanged) on the candidates alone: for the table, the items of
    the partition whose sort key meets the key condition; for an index, the items whose hash key attributes
    match. The partition is copied in one C-level call, so a concurrent write no longer breaks the iteration
    ("dictionary changed size during iteration").
    """
    from moto.dynamodb.comparisons import get_comparison_func
    from moto.dynamodb.models.table import Table

    if getattr(Table, "_bidcraft_fast_queries", False):
        return
    original: Any = Table.query  # called with a `_Candidates` view in place of the table

    def query(
        self: Any, hash_key: Any, range_comparison: Any, range_objs: Any, *args: Any, **kwargs: Any
    ) -> Any:
        index_name = args[4] if len(args) > 4 else kwargs.get("index_name")
        range_conditions = kwargs.get("range_key_conditions") or []
        if index_name:
            candidates = _index_candidates(self, kwargs.get("hash_key_conditions"))
        elif self.range_key_attr and hash_key is not None and len(range_conditions) <= 1:
            partition = self.items.get(hash_key)
            candidates = list(partition.values()) if partition else []
            if range_comparison:  # `DynamoType.compare`, with the bounds cast once instead of per item
                matches = get_comparison_func(range_comparison)
                bounds = [bound.cast_value for bound in range_objs]
                candidates = [item for item in candidates if matches(item.range_key.cast_value, *bounds)]
            candidates.sort(key=lambda item: item.range_key)
        else:
            candidates = None
        table = self if candidates is None else _Candidates(self, candidates)
        return original(table, hash_key, range_comparison, range_objs, *args, **kwargs)

    setattr(Table, "query", query)  # noqa: B010
    setattr(Table, "_bidcraft_fast_queries", True)  # noqa: B010


def _index_candidates(table: Any, hash_conditions: Any) -> list[Any] | None:
    """The table's items whose index hash key attributes equal the query's (None: let moto look at all)."""
    if not hash_conditions:
        return None
    partitions = list(table.items.values())
    items = [
        item
        for partition in partitions
        for item in (list(partition.values()) if table.range_key_attr else [partition])
    ]
    return [
        item
        for item in items
        if all(
            item.attrs.get(name) is not None and item.attrs.get(name) == value
            for name, value in hash_conditions
        )
    ]


def install_serial_dynamodb() -> None:
    """Run the emulator's DynamoDB requests one at a time, as if each were atomic.

    moto serves each request in a thread of its own and its DynamoDB backend has no locks: a transaction
    running while another request reads or writes the same table can be seen half-applied, two concurrent
    `ADD`s can lose one, and a `Query` iterating a partition crashes when a write inserts into it ("dictionary
    changed size during iteration", an HTTP 500 the SDK retries). DynamoDB makes every request and every
    transaction atomic. One lock around moto's DynamoDB request handling gives the same guarantee; it costs
    no throughput worth measuring, since the emulator's Python work holds the GIL anyway.
    """
    import threading

    from moto.dynamodb.responses import DynamoHandler

    if getattr(DynamoHandler, "_bidcraft_serial", False):
        return
    lock = threading.RLock()
    original = DynamoHandler.call_action

    def call_action(self: Any) -> Any:
        with lock:
            return original(self)

    setattr(DynamoHandler, "call_action", call_action)  # noqa: B010
    setattr(DynamoHandler, "_bidcraft_serial", True)  # noqa: B010


def install_cached_service_list() -> None:
    """List moto's service packages once instead of on every request.

    moto's server finds the backend of each request through `list_of_moto_modules()`, a directory listing
    plus one `isdir` per entry (~150 system calls) per request; the list cannot change while the process runs.
    """
    import functools

    from moto import backends

    if getattr(backends, "_bidcraft_cached", False):
        return
    original = backends.list_of_moto_modules
    listed = functools.cache(lambda: tuple(original()))
    setattr(backends, "list_of_moto_modules", listed)  # noqa: B010
    setattr(backends, "_bidcraft_cached", True)  # noqa: B010


def install_cached_update_parser() -> None:
    """Parse each distinct UpdateExpression once.

    moto parses the expression text of every update (in a transaction: of every item), ~10% of a
    transaction's emulator time; the counters of a sync repeat a few expression texts thousands of times. The
    parsed tree is never changed afterwards (moto's validator works on a deep copy of it), so sharing it is
    safe; invalid expressions raise as before and are not cached.
    """
    import functools

    from moto.dynamodb import models as dynamodb_models

    if getattr(dynamodb_models, "_bidcraft_cached_parser", False):
        return
    parser = dynamodb_models.UpdateExpressionParser

    class CachedUpdateExpressionParser:
        make = staticmethod(functools.lru_cache(maxsize=4096)(parser.make))

    setattr(dynamodb_models, "UpdateExpressionParser", CachedUpdateExpressionParser)  # noqa: B010
    setattr(dynamodb_models, "_bidcraft_cached_parser", True)  # noqa: B010


def _counter_update(backend: Any, table: Any, key: dict[str, Any], op: dict[str, Any]) -> bool:
    """Apply a transaction's counter update as moto's executors would, without moto's per-item parse and
    two validation passes (most of a transaction's emulator time); False when the update is not exactly
    `SET #name = :value, … ADD #name :number, …` on top-level, non-key attributes with no condition, in
    which case moto's general path runs (and raises whatever moto raises)."""
    from moto.dynamodb.exceptions import ItemSizeToUpdateTooLarge
    from moto.dynamodb.models.dynamo_type import DynamoType, ItemSizeTooLarge

    match = _COUNTER_UPDATE.fullmatch(op.get("UpdateExpression") or "")
    if match is None or op.get("ConditionExpression") or table.stream_shard is not None:
        return False
    names = op.get("ExpressionAttributeNames") or {}
    values = op.get("ExpressionAttributeValues") or {}
    sets = [tuple(pair.split(" = ")) for pair in match.group(1).split(", ")] if match.group(1) else []
    adds = [tuple(pair.split(" ")) for pair in match.group(2).split(", ")]
    used = sets + adds
    if {name for name, _ in used} != set(names) or {value for _, value in used} != set(values):
        return False  # unused or missing placeholders: moto's validation answers
    targets = [names[name] for name, _ in used]
    keys = {definition["AttributeName"] for definition in table.attr}
    if len(set(targets)) != len(targets) or keys & set(targets):
        return False
    if any(next(iter(values[value])) not in _SETTABLE for _, value in sets):
        return False
    if any(next(iter(values[value])) != "N" for _, value in adds):
        return False
    hash_value, range_value = backend.get_keys_value(table, key)
    item = table.get_item(hash_value, range_value)
    if item is not None and any(
        names[name] in item.attrs and item.attrs[names[name]].type != "N" for name, _ in adds
    ):
        return False
    if item is None:
        created = {table.hash_key_attr: key[table.hash_key_attr]}
        if table.range_key_attr is not None:
            created[table.range_key_attr] = key[table.range_key_attr]
        table.put_item(created)
        item = table.get_item(hash_value, range_value)
    try:
        for name, value in sets:
            item.attrs[names[name]] = DynamoType(values[value])
        for name, value in adds:
            current = item.attrs.get(names[name]) or DynamoType({"N": "0"})
            item.attrs[names[name]] = current + DynamoType(values[value])
    except ItemSizeTooLarge as exc:
        raise ItemSizeToUpdateTooLarge() from exc
    return True
