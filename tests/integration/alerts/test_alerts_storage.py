"""The AlertsTable adapter on PynamoDB against the emulator: the items keep the wire format the store wrote
before the models (attribute names and DynamoDB types), items written in that format load, and the
conditions hold (channel limit, at most one delivery per (channel, job), claims, failure streak)."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest

from bidcraft import aws
from bidcraft.alerts import deliveries, store
from bidcraft.errors import Conflict
from devserver import calls as aws_calls
from devserver.calls import by_operation
from devserver.testing import LocalAws


@pytest.fixture
def user_id(local_aws: LocalAws) -> str:
    return f"u-{uuid.uuid4().hex[:12]}"


def _raw(pk: str, sk: str) -> dict[str, Any]:
    item = aws.client("dynamodb").get_item(
        TableName=os.environ["ALERTS_TABLE"], Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    )["Item"]
    return dict(item)


def _types(item: dict[str, Any]) -> dict[str, str]:
    return {name: next(iter(value)) for name, value in item.items()}


def _channel(channel_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "channel_id": channel_id,
        "type": "webhook",
        "name": "w",
        "target_masked": "https://hooks.example.com/…",
        "sealed": b"\x01sealed\xff",
        "status": "active",
        "created_at": "2026-12-02T00:00:00Z",
        "consecutive_failures": 0,
        **fields,
    }


def _delivery(delivery_id: str, channel_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "delivery_id": delivery_id,
        "channel_id": channel_id,
        "channel_type": "webhook",
        "job_id": "~01job",
        "search_id": None,
        "type": "job.matched",
        "status": "queued",
        "attempts": 0,
        "created_at": "2026-12-02T00:00:00Z",
        "job_json": '{"job_id":"~01job"}',
        "quiet_hours_json": None,
        "job_expires_at": 1_800_000_000,
        "expires_at": 1_800_000_100,
        **fields,
    }


def test_a_channel_and_its_counter_keep_their_wire_format(user_id: str) -> None:
    # When a channel is stored
    store.put_channel(user_id, _channel("ch_1"))
    # Then the item and the counter have the attribute names and types the store has always written
    channel = _raw(f"USER#{user_id}", "CHANNEL#ch_1")
    assert _types(channel) == {
        "pk": "S",
        "sk": "S",
        "channel_id": "S",
        "type": "S",
        "name": "S",
        "target_masked": "S",
        "sealed": "B",
        "status": "S",
        "created_at": "S",
        "consecutive_failures": "N",
    }
    assert channel["sealed"]["B"] == b"\x01sealed\xff"
    assert _raw(f"USER#{user_id}", "CHANNELS")["channel_count"] == {"N": "1"}
    # And it reads back as plain values
    assert store.get_channel(user_id, "ch_1") == {
        "pk": f"USER#{user_id}",
        "sk": "CHANNEL#ch_1",
        **_channel("ch_1"),
    }


def test_a_delivery_and_its_marker_keep_their_wire_format(user_id: str) -> None:
    assert store.create_delivery(user_id, _delivery("dl_1", "ch_1"), job_id="~01job")
    delivery = _raw(f"USER#{user_id}", "DELIVERY#dl_1")
    assert delivery["gsi1pk"] == {"S": f"USER#{user_id}#CHANNEL#ch_1"}
    assert delivery["gsi1sk"] == {"S": "dl_1"}
    assert {name: kind for name, kind in _types(delivery).items() if kind != "S"} == {
        "attempts": "N",
        "job_expires_at": "N",
        "expires_at": "N",
    }
    assert "search_id" not in delivery  # None is left out
    assert "quiet_hours_json" not in delivery
    marker = _raw(f"USER#{user_id}", "DEDUP#ch_1#~01job")
    assert marker == {
        "pk": {"S": f"USER#{user_id}"},
        "sk": {"S": "DEDUP#ch_1#~01job"},
        "delivery_id": {"S": "dl_1"},
        "expires_at": {"N": "1800000100"},
    }


def test_an_item_written_by_the_low_level_store_loads(user_id: str) -> None:
    # Given a delivery as the pre-PynamoDB store wrote it (`last_error` set to NULL on delivery)
    aws.client("dynamodb").put_item(
        TableName=os.environ["ALERTS_TABLE"],
        Item={
            "pk": {"S": f"USER#{user_id}"},
            "sk": {"S": "DELIVERY#dl_old"},
            "delivery_id": {"S": "dl_old"},
            "channel_id": {"S": "ch_1"},
            "type": {"S": "alert.test"},
            "status": {"S": "delivered"},
            "attempts": {"N": "1"},
            "last_status_code": {"N": "200"},
            "last_error": {"NULL": True},
            "created_at": {"S": "2026-12-01T00:00:00Z"},
        },
    )
    # Then it loads, the NULL as None
    loaded = store.get_delivery(user_id, "dl_old")
    assert loaded is not None
    assert (loaded["attempts"], loaded["last_status_code"], loaded.get("last_error")) == (1, 200, None)


def test_a_job_gets_one_delivery_per_channel(user_id: str) -> None:
    assert store.create_delivery(user_id, _delivery("dl_a", "ch_1"), job_id="~01job")
    # A second offer of the same (channel, job), with another delivery id, is refused by the marker
    assert not store.create_delivery(user_id, _delivery("dl_b", "ch_1"), job_id="~01job")
    assert store.get_delivery(user_id, "dl_b") is None
    # Another channel is another pair
    assert store.create_delivery(user_id, _delivery("dl_c", "ch_2"), job_id="~01job")


def test_forgetting_a_delivery_removes_its_marker_so_the_job_can_be_offered_again(user_id: str) -> None:
    record = _delivery("dl_a", "ch_1")
    assert store.create_delivery(user_id, record, job_id="~01job")
    store.forget_delivery(user_id, record, job_id="~01job")
    assert store.get_delivery(user_id, "dl_a") is None
    assert store.create_delivery(user_id, _delivery("dl_b", "ch_1"), job_id="~01job")


def test_the_channel_limit_is_counted_with_each_put_and_delete(user_id: str) -> None:
    for n in range(store.MAX_CHANNELS):
        store.put_channel(user_id, _channel(f"ch_{n}"))
    with pytest.raises(Conflict):
        store.put_channel(user_id, _channel("ch_extra"))
    assert store.get_channel(user_id, "ch_extra") is None
    assert store.delete_channel(user_id, "ch_0")
    assert not store.delete_channel(user_id, "ch_0")  # already gone: not uncounted twice
    store.put_channel(user_id, _channel("ch_extra"))
    assert _raw(f"USER#{user_id}", "CHANNELS")["channel_count"] == {"N": str(store.MAX_CHANNELS)}


def test_an_attempt_is_claimed_once_and_its_outcome_recorded_by_its_claimer(user_id: str) -> None:
    store.create_delivery(user_id, _delivery("dl_1", "ch_1", job_id=None), job_id=None)
    assert store.claim_attempt(user_id, "dl_1", 1, now=1000, stale_before=800)
    assert not store.claim_attempt(user_id, "dl_1", 1, now=1001, stale_before=801)  # claimed, not stale
    assert store.claim_attempt(user_id, "dl_1", 1, now=1200, stale_before=1100)  # its worker died
    assert not store.record_outcome(user_id, "dl_1", 2, {"status": "delivered"})
    assert store.record_outcome(user_id, "dl_1", 1, {"status": "delivered", "last_error": None})
    assert not store.settle_waiting(user_id, "dl_1", {"status": "failed"})  # finished: not waiting
    assert _raw(f"USER#{user_id}", "DELIVERY#dl_1")["last_error"] == {"NULL": True}  # as before the models


def test_the_failure_streak_disables_a_channel_once(user_id: str) -> None:
    store.put_channel(user_id, _channel("ch_1"))
    assert [store.channel_failed(user_id, "ch_1") for _ in range(3)] == [1, 2, 3]
    assert not store.disable_channel(user_id, "ch_1", "2026-12-02T01:00:00Z", threshold=4)
    assert store.channel_failed(user_id, "ch_1") == 4
    assert store.disable_channel(user_id, "ch_1", "2026-12-02T01:00:00Z", threshold=4)
    assert not store.disable_channel(user_id, "ch_1", "2026-12-02T01:00:01Z", threshold=4)
    assert store.channel_failed(user_id, "ch_gone") is None
    store.channel_succeeded(user_id, "ch_1", "2026-12-02T02:00:00Z")
    channel = store.get_channel(user_id, "ch_1")
    assert channel is not None
    assert (channel["status"], channel["consecutive_failures"]) == ("disabled", 0)


def test_test_alerts_are_counted_per_window(user_id: str) -> None:
    store.put_channel(user_id, _channel("ch_1"))
    assert [store.count_test_alert(user_id, "ch_1", 3600, 2) for _ in range(3)] == [True, True, False]
    assert store.count_test_alert(user_id, "ch_1", 7200, 2)  # a new window starts the count again
    assert not store.count_test_alert(user_id, "ch_1", 3600, 2)  # an older window never comes back
    assert not store.count_test_alert(user_id, "ch_missing", 7200, 2)


def test_a_filtered_log_page_reads_at_most_the_budget_and_resumes_from_its_cursor(
    user_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given eight deliveries of one channel, newest first: six queued, then the two oldest delivered
    for n in range(8):
        status = "delivered" if n < 2 else "queued"
        store.create_delivery(user_id, _delivery(f"dl_{n:02d}", "ch_1", status=status), job_id=None)
    monkeypatch.setattr(deliveries, "FILTERED_PAGE", 1)  # pages of `limit + 1` items
    monkeypatch.setattr(deliveries, "MAX_ROUNDS", 3)
    for channel_id in (None, "ch_1"):  # the partition, and the channel's index
        # When the delivered ones are listed one per page
        with aws_calls.dynamodb_calls() as calls:
            first = deliveries.list_deliveries(user_id, channel_id=channel_id, status="delivered", limit=1)
        # Then the page stops at the read budget (3 Queries of 2: the six queued), short, with a cursor
        assert by_operation(calls) == {"Query": 3}
        assert first.deliveries == []
        assert first.pagination.has_more
        # And the cursor resumes where reading stopped, then after the last item shown, then ends
        pages, cursor = [], first.pagination.next_cursor
        while cursor:
            page = deliveries.list_deliveries(
                user_id, channel_id=channel_id, status="delivered", limit=1, cursor=cursor
            )
            pages.append([d.delivery_id for d in page.deliveries])
            cursor = page.pagination.next_cursor
        assert pages == [["dl_01"], ["dl_00"]]


def test_an_unfiltered_log_page_is_one_query_and_its_cursor_follows_the_last_item_shown(user_id: str) -> None:
    for n in range(5):
        store.create_delivery(user_id, _delivery(f"dl_{n:02d}", "ch_1"), job_id=None)
    with aws_calls.dynamodb_calls() as calls:
        first = deliveries.list_deliveries(user_id, channel_id="ch_1", limit=3)
    assert by_operation(calls) == {"Query": 1}
    assert [d.delivery_id for d in first.deliveries] == ["dl_04", "dl_03", "dl_02"]
    second = deliveries.list_deliveries(
        user_id, channel_id="ch_1", limit=3, cursor=first.pagination.next_cursor
    )
    assert [d.delivery_id for d in second.deliveries] == ["dl_01", "dl_00"]
    assert second.pagination.next_cursor is None
