"""Fixes to the in-process AWS emulator (moto) that the local stack and the tests need.

Only the emulator changes here; none of this is deployed. Each fix keeps moto's observable semantics and
removes a cost or a crash that real AWS does not have.
"""

from __future__ import annotations

from typing import Any


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
                elif op_type == "Update":
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
