"""The AI usage counter tells a storage failure from a coding error (issue 10, "Catch what you mean").

Recording a call's tokens is best effort against DynamoDB: a throttled write loses the counter (logged as an
error with the AWS code), never the answer. A coding error in the same write is not swallowed: the monthly
token budget depends on these counters, so a bug must fail loudly (a 500), not disable the budget silently.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest
from botocore.exceptions import ClientError

from bidcraft.tables.analytics.ai import AiUsageItem
from tests.integration.ai.conftest import Call, User, analytics_item

PROPOSAL = {
    "proposal_text": "Professional web developer with 5 years experience",
    "category": "web_development",
    "budget_range": "1000-5000",
}


def _failing_usage_writes(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """DynamoDB's UpdateItem raises `error` for the usage item only (rate limits etc. still work): the
    botocore client the AI models share answers it, as a throttled or broken call would."""
    client = AiUsageItem._get_connection().connection.client
    real = client._make_api_call

    def make_api_call(operation: str, params: dict[str, Any]) -> Any:
        key = str(params.get("Key", {}).get("sk", {}).get("S", ""))
        if operation == "UpdateItem" and key.startswith("USAGE#"):
            raise error
        return real(operation, params)

    monkeypatch.setattr(client, "_make_api_call", make_api_call)


def test_a_throttled_usage_write_loses_the_counter_not_the_answer(
    ai: Call, user: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    throttled = ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow"}}, "UpdateItem")
    _failing_usage_writes(monkeypatch, throttled)

    with caplog.at_level(logging.ERROR):
        reply = ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token)

    assert reply.status == 200, reply.body
    (record,) = [r for r in caplog.records if r.getMessage() == "ai usage not recorded"]
    assert record.error == "ThrottlingException"  # type: ignore[attr-defined]
    month = time.strftime("%Y-%m", time.gmtime())
    assert analytics_item(f"USER#{user.user_id}", f"USAGE#{month}") is None


def test_a_coding_error_in_the_usage_write_is_a_500(
    ai: Call, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing_usage_writes(monkeypatch, TypeError("unsupported operand type(s) for +: 'int' and 'str'"))

    reply = ai("POST", "/api/ai/analyze/proposal", PROPOSAL, token=user.token)

    assert reply.status == 500, reply.body
    assert reply.json["type"].endswith("/internal")
