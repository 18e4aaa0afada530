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

from bidcraft.tables.jobs import SavedSearch
from tests.integration.ai.conftest import User

from .conftest import Call

SEARCH = {"name": "Python APIs", "skills": ["Python"]}


class _FailingClient:
    """The real botocore DynamoDB client, except that the API operation `operation` raises `error`."""

    def __init__(self, real: Any, operation: str, error: Exception) -> None:
        self._real, self._operation, self._error = real, operation, error

    def _make_api_call(self, operation: str, kwargs: Any) -> Any:
        if operation == self._operation:
            raise self._error
        return self._real._make_api_call(operation, kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


def _failing(monkeypatch: pytest.MonkeyPatch, operation: str, error: Exception) -> None:
    """The jobs store's searches and transactions (PynamoDB, through `SavedSearch`'s connection) fail."""
    connection = SavedSearch._get_connection().connection
    monkeypatch.setattr(connection, "_client", _FailingClient(connection.client, operation, error))


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
    _failing(monkeypatch, "Query", error)

    reply = jobs("GET", "/api/jobs/searches", token=user.token)

    assert reply.status == 503, reply.body
    assert reply.json["type"].endswith("/service-unavailable")


def test_a_coding_error_listing_searches_is_a_logged_500_not_a_503(
    jobs: Call, user: User, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _failing(monkeypatch, "Query", TypeError("query() got an unexpected keyword argument 'Limt'"))

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
        _failing(patch, "TransactWriteItems", EndpointConnectionError(endpoint_url="http://127.0.0.1:9"))
        reply = jobs("POST", "/api/jobs/searches", SEARCH, token=user.token)

    assert reply.status == 503, reply.body
    assert reply.json["type"].endswith("/service-unavailable")
    assert jobs("GET", "/api/jobs/searches", token=user.token).json["searches"] == []  # nothing half-written


def test_a_coding_error_in_a_transaction_is_a_500_not_a_503(
    jobs: Call, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    _failing(monkeypatch, "TransactWriteItems", KeyError("TransactItems"))

    reply = jobs("POST", "/api/jobs/searches", SEARCH, token=user.token)

    assert reply.status == 500, reply.body
    assert reply.json["type"].endswith("/internal")
