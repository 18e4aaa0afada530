"""Partial batch responses read exactly as Lambda's SQS event-source mapping reads them."""

from __future__ import annotations

from typing import Any

import pytest

from devserver.queues import failed_message_ids

IDS = ["m1", "m2", "m3"]


@pytest.mark.parametrize(
    "response",
    [None, {}, {"batchItemFailures": None}, {"batchItemFailures": []}, {"somethingElse": 1}],
)
def test_these_responses_mean_the_whole_batch_succeeded(response: Any) -> None:
    assert failed_message_ids(response, IDS, report_item_failures=True) == set()


def test_listed_items_failed() -> None:
    response = {"batchItemFailures": [{"itemIdentifier": "m2"}, {"itemIdentifier": "m3"}]}

    assert failed_message_ids(response, IDS, report_item_failures=True) == {"m2", "m3"}


@pytest.mark.parametrize(
    "response",
    [
        "ok",
        ["m1"],
        {"batchItemFailures": "m1"},
        {"batchItemFailures": [{"ItemIdentifier": "m1"}]},
        {"batchItemFailures": [{"itemIdentifier": ""}]},
        {"batchItemFailures": [{"itemIdentifier": None}]},
        {"batchItemFailures": [{"itemIdentifier": "not-in-batch"}]},
        {"batchItemFailures": ["m1"]},
    ],
)
def test_invalid_responses_fail_the_whole_batch(response: Any) -> None:
    assert failed_message_ids(response, IDS, report_item_failures=True) == set(IDS)


def test_without_report_batch_item_failures_any_return_value_is_success() -> None:
    response = {"batchItemFailures": [{"itemIdentifier": "m1"}]}

    assert failed_message_ids(response, IDS, report_item_failures=False) == set()
    assert failed_message_ids("garbage", IDS, report_item_failures=False) == set()
