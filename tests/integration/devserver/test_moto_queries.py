"""The emulator's partition-only Query (`devserver.moto_patches.install_fast_moto_queries`) answers as
DynamoDB does: the expected pages are computed here from the items written, not from moto."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from devserver.testing import LocalAws


@pytest.fixture(scope="module")
def ddb(local_aws: LocalAws) -> Any:
    resources = local_aws.resources
    return boto3.session.Session(region_name=resources.region).client(
        "dynamodb", endpoint_url=resources.endpoint_url
    )


@pytest.fixture(scope="module")
def seeded(ddb: Any, local_aws: LocalAws) -> tuple[str, str, list[str]]:
    """Three partitions of 120 items; the middle one's items also in gsi1 under one key."""
    table = local_aws.resources.ref("AnalyticsTable")
    run = uuid.uuid4().hex[:8]
    keys = [f"QTEST#{run}#{n}" for n in range(3)]
    for pk in keys:
        for n in range(120):
            item = {"pk": {"S": pk}, "sk": {"S": f"{'AGG' if n % 2 else 'ITEM'}#{n:04d}"}, "n": {"N": str(n)}}
            if pk == keys[1]:
                item |= {"gsi1pk": {"S": f"{pk}#IDX"}, "gsi1sk": {"S": f"{(n * 7) % 120:04d}"}}
            ddb.put_item(TableName=table, Item=item)
    return table, run, keys


def pages(ddb: Any, request: dict[str, Any]) -> Iterator[list[dict[str, Any]]]:
    while True:
        page = ddb.query(**request)
        yield page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        request = {**request, "ExclusiveStartKey": page["LastEvaluatedKey"]}


def sort_keys(items: list[dict[str, Any]]) -> list[str]:
    return [item["sk"]["S"] for item in items]


def test_a_key_range_returns_only_that_partition_in_order(
    ddb: Any, seeded: tuple[str, str, list[str]]
) -> None:
    table, _, keys = seeded

    found = ddb.query(
        TableName=table,
        KeyConditionExpression="pk = :pk AND sk BETWEEN :lo AND :hi",
        ExpressionAttributeValues={":pk": {"S": keys[1]}, ":lo": {"S": "AGG#0010"}, ":hi": {"S": "AGG#0020"}},
    )

    assert sort_keys(found["Items"]) == [f"AGG#{n:04d}" for n in range(11, 20, 2)]
    assert found["Count"] == found["ScannedCount"] == 5


def test_begins_with_pages_backwards_with_limit(ddb: Any, seeded: tuple[str, str, list[str]]) -> None:
    table, _, keys = seeded
    request = {
        "TableName": table,
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :p)",
        "ExpressionAttributeValues": {":pk": {"S": keys[2]}, ":p": {"S": "ITEM#"}},
        "ScanIndexForward": False,
        "Limit": 25,
    }

    got = list(pages(ddb, request))

    assert [len(page) for page in got] == [25, 25, 10]
    assert [sk for page in got for sk in sort_keys(page)] == [f"ITEM#{n:04d}" for n in range(118, -1, -2)]


def test_whole_partition_with_filter_and_projection(ddb: Any, seeded: tuple[str, str, list[str]]) -> None:
    table, _, keys = seeded

    found = ddb.query(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        FilterExpression="n >= :min",
        ProjectionExpression="sk",
        ExpressionAttributeValues={":pk": {"S": keys[0]}, ":min": {"N": "100"}},
    )

    assert found["Items"] == [
        {"sk": {"S": sk}} for sk in sorted(f"{'AGG' if n % 2 else 'ITEM'}#{n:04d}" for n in range(100, 120))
    ]
    assert found["ScannedCount"] == 120


def test_an_absent_partition_is_empty(ddb: Any, seeded: tuple[str, str, list[str]]) -> None:
    table, run, _ = seeded

    found = ddb.query(
        TableName=table,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"QTEST#{run}#none"}},
    )

    assert found["Items"] == []
    assert found["Count"] == 0


def test_an_index_query_matches_only_its_key(ddb: Any, seeded: tuple[str, str, list[str]]) -> None:
    table, _, keys = seeded
    request = {
        "TableName": table,
        "IndexName": "gsi1",
        "KeyConditionExpression": "gsi1pk = :pk AND gsi1sk <= :hi",
        "ExpressionAttributeValues": {":pk": {"S": f"{keys[1]}#IDX"}, ":hi": {"S": "0049"}},
        "ScanIndexForward": False,
        "Limit": 20,
    }

    got = [item for page in pages(ddb, request) for item in page]

    assert [item["gsi1sk"]["S"] for item in got] == [f"{n:04d}" for n in range(49, -1, -1)]
    assert {item["pk"]["S"] for item in got} == {keys[1]}


def test_a_transaction_is_never_seen_half_applied(ddb: Any, local_aws: LocalAws) -> None:
    # Given 25 counters that one transaction after another increments together
    table = local_aws.resources.ref("AnalyticsTable")
    pk = f"QTEST#{uuid.uuid4().hex[:8]}#tx"
    keys = [{"pk": {"S": pk}, "sk": {"S": f"C#{n:02d}"}} for n in range(25)]
    done = threading.Event()

    def write() -> None:
        try:
            for _ in range(40):
                ddb.transact_write_items(
                    TransactItems=[
                        {
                            "Update": {
                                "TableName": table,
                                "Key": key,
                                "UpdateExpression": "ADD c :one",
                                "ExpressionAttributeValues": {":one": {"N": "1"}},
                            }
                        }
                        for key in keys
                    ]
                )
        finally:
            done.set()

    # When they are read while the transactions run
    writer = threading.Thread(target=write)
    writer.start()
    seen: list[set[str]] = []
    while not done.is_set():
        found = ddb.batch_get_item(RequestItems={table: {"Keys": keys, "ConsistentRead": True}})
        seen.append({item.get("c", {}).get("N", "0") for item in found["Responses"][table]})
    writer.join()

    # Then every read sees all counters equal (before or after a transaction, never inside one)
    assert len(seen) > 5
    assert [values for values in seen if len(values) > 1] == []
    final = ddb.batch_get_item(RequestItems={table: {"Keys": keys, "ConsistentRead": True}})
    assert [item["c"]["N"] for item in final["Responses"][table]] == ["40"] * 25


def test_a_repeated_update_expression_uses_each_call_s_values(ddb: Any, local_aws: LocalAws) -> None:
    table = local_aws.resources.ref("AnalyticsTable")
    key = {"pk": {"S": f"QTEST#{uuid.uuid4().hex[:8]}#upd"}, "sk": {"S": "X"}}
    for value in ("first", "second", "third"):
        ddb.update_item(
            TableName=table,
            Key=key,
            UpdateExpression="SET v = :v ADD n :one",
            ExpressionAttributeValues={":v": {"S": value}, ":one": {"N": "1"}},
        )

    item = ddb.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]

    assert (item["v"]["S"], item["n"]["N"]) == ("third", "3")
    for _ in range(2):  # an invalid expression is refused every time (errors are not cached)
        with pytest.raises(ddb.exceptions.ClientError, match="ValidationException"):
            ddb.update_item(
                TableName=table,
                Key=key,
                UpdateExpression="SET = :v",
                ExpressionAttributeValues={":v": {"S": "x"}},
            )


def counter_update(
    table: str, key: dict[str, Any], expression: str, names: dict[str, str], values: dict[str, Any]
) -> dict[str, Any]:
    return {
        "Update": {
            "TableName": table,
            "Key": key,
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def test_counter_updates_in_a_transaction_set_and_add_as_dynamodb_does(ddb: Any, local_aws: LocalAws) -> None:
    table = local_aws.resources.ref("AnalyticsTable")
    key = {"pk": {"S": f"QTEST#{uuid.uuid4().hex[:8]}#ctr"}, "sk": {"S": "AGG#D#2025-01-01"}}
    expression = "SET #f0 = :f0, #f1 = :f1 ADD #a0 :a0, #a1 :a1"
    names = {"#f0": "type", "#f1": "key", "#a0": "earnings", "#a1": "status#hired"}

    for amount in ("10.25", "4.75", "1"):
        ddb.transact_write_items(
            TransactItems=[
                counter_update(
                    table,
                    key,
                    expression,
                    names,
                    {
                        ":f0": {"S": "aggregate"},
                        ":f1": {"S": "2025-01-01"},
                        ":a0": {"N": amount},
                        ":a1": {"N": "1"},
                    },
                )
            ]
        )
    item = ddb.get_item(TableName=table, Key=key, ConsistentRead=True)["Item"]

    assert item["type"] == {"S": "aggregate"}
    assert item["key"] == {"S": "2025-01-01"}
    assert item["status#hired"] == {"N": "3"}
    assert float(item["earnings"]["N"]) == 16.0


def test_a_counter_update_that_does_not_fit_refuses_the_whole_transaction(
    ddb: Any, local_aws: LocalAws
) -> None:
    # Given an item whose `label` is a string
    table = local_aws.resources.ref("AnalyticsTable")
    pk = f"QTEST#{uuid.uuid4().hex[:8]}#bad"
    ddb.put_item(TableName=table, Item={"pk": {"S": pk}, "sk": {"S": "A"}, "label": {"S": "text"}})
    good = counter_update(
        table, {"pk": {"S": pk}, "sk": {"S": "B"}}, "ADD #a0 :a0", {"#a0": "n"}, {":a0": {"N": "1"}}
    )
    adds_to_text = counter_update(
        table, {"pk": {"S": pk}, "sk": {"S": "A"}}, "ADD #a0 :a0", {"#a0": "label"}, {":a0": {"N": "1"}}
    )

    # When a transaction adds a number to it beside a valid update
    with pytest.raises(ddb.exceptions.ClientError, match=r"TransactionCanceled|ValidationException"):
        ddb.transact_write_items(TransactItems=[good, adds_to_text])

    # Then nothing was written
    assert "Item" not in ddb.get_item(
        TableName=table, Key={"pk": {"S": pk}, "sk": {"S": "B"}}, ConsistentRead=True
    )
    assert ddb.get_item(TableName=table, Key={"pk": {"S": pk}, "sk": {"S": "A"}})["Item"]["label"] == {
        "S": "text"
    }
