"""Storage failures and coding errors are told apart (issue 10, CONVENTIONS "Catch what you mean").

An AWS error (botocore's `ClientError` or `BotoCoreError`) is the documented 503 problem; a coding error
inside the same storage call (here a `TypeError`) is not disguised as "storage unavailable": it reaches the
handler's last resort, a 500 problem, logged with its traceback.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from bidcraft.jobs import store
from tests.integration.ai.conftest import User

from .conftest import Call

SEARCH = {"name": "Python APIs", "skills": ["Python"]}


class _FailingClient:
    """The real DynamoDB client, except that `method` raises `error`."""

    def __init__(self, real: Any, method: str, error: Exception) -> None:
        self._real, self._method, self._error = real, method, error

    def __getattr__(self, name: str) -> Any:
        if name != self._method:
            return getattr(self._real, name)

        def _raise(**_: Any) -> Any:
            raise self._error

        return _raise


def _failing(monkeypatch: pytest.MonkeyPatch, method: str, error: Exception) -> None:
    real = store._client()
    monkeypatch.setattr(store, "_client", lambda: _FailingClient(real, method, error))


def _throttled(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, operation)


@pytest.mark.parametrize(
    "error",
    [_throttled("Query"), EndpointConnectionError(endpoint_url="http://127.0.0.1:9")],
    ids=["client-error", "botocore-error"],
)
def test_an_aws_error_listing_searches_is_the_503_problem(
    jobs: Call, user: User, monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    _failing(monkeypatch, "query", error)

    reply = jobs("GET", "/api/jobs/searches", token=user.token)

    assert reply.status == 503, reply.body
    assert reply.json["type"].endswith("/service-unavailable")


def test_a_coding_error_listing_searches_is_a_logged_500_not_a_503(
    jobs: Call, user: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _failing(monkeypatch, "query", TypeError("query() got an unexpected keyword argument 'Limt'"))

    with caplog.at_level(logging.ERROR):
        reply = jobs("GET", "/api/jobs/searches", token=user.token)

    assert reply.status == 500, reply.body
    assert reply.json["type"].endswith("/internal")
    assert "Limt" not in reply.body  # the detail stays in the logs
    (record,) = [r for r in caplog.records if r.getMessage() == "unhandled error"]
    assert record.exc_info is not None
    assert record.exc_info[0] is TypeError


def test_a_transaction_that_cannot_reach_dynamodb_is_the_503_problem(
    jobs: Call, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A BotoCoreError carries no error code: it used to escape the transaction helper raw (a 500).
    with monkeypatch.context() as patch:
        _failing(patch, "transact_write_items", EndpointConnectionError(endpoint_url="http://127.0.0.1:9"))
        reply = jobs("POST", "/api/jobs/searches", SEARCH, token=user.token)

    assert reply.status == 503, reply.body
    assert reply.json["type"].endswith("/service-unavailable")
    assert jobs("GET", "/api/jobs/searches", token=user.token).json["searches"] == []  # nothing half-written


def test_a_coding_error_in_a_transaction_is_a_500_not_a_503(
    jobs: Call, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing(monkeypatch, "transact_write_items", KeyError("TransactItems"))

    reply = jobs("POST", "/api/jobs/searches", SEARCH, token=user.token)

    assert reply.status == 500, reply.body
    assert reply.json["type"].endswith("/internal")
