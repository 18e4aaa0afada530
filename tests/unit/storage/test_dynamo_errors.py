"""bidcraft.dynamo's shared calls catch what they mean (issue 10): AWS errors become the 503 problem (or, for
a failed condition, `False`); anything else — a coding error — propagates unchanged."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from bidcraft import aws, dynamo
from bidcraft.errors import ServiceUnavailable


class _Raising:
    def __init__(self, error: Exception) -> None:
        self.error = error

    def get_item(self, **_: Any) -> Any:
        raise self.error

    def update_item(self, **_: Any) -> Any:
        raise self.error


def _client_error(code: str) -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": "m"}}, "UpdateItem")


@pytest.fixture
def raising(monkeypatch: pytest.MonkeyPatch) -> Any:
    def _install(error: Exception) -> None:
        monkeypatch.setattr(aws, "client", lambda service: _Raising(error))

    return _install


def _update() -> bool:
    key = dynamo.key("p", "s")
    return dynamo.conditional_update("t", key, "SET a = :a", "attribute_exists(pk)", {":a": 1})


@pytest.mark.parametrize(
    "error",
    [
        _client_error("ProvisionedThroughputExceededException"),
        EndpointConnectionError(endpoint_url="http://x"),
    ],
)
def test_an_aws_error_is_storage_unavailable(raising: Any, error: Exception) -> None:
    raising(error)
    with pytest.raises(ServiceUnavailable) as got:
        dynamo.get_item("t", dynamo.key("p", "s"))
    assert got.value.__cause__ is error
    with pytest.raises(ServiceUnavailable):
        _update()


def test_a_failed_condition_is_false_not_an_error(raising: Any) -> None:
    raising(_client_error(dynamo.CONDITION_FAILED))
    assert _update() is False


@pytest.mark.parametrize("error", [TypeError("bad Key"), KeyError("Item"), AttributeError("x")])
def test_a_coding_error_propagates_as_itself(raising: Any, error: Exception) -> None:
    raising(error)
    with pytest.raises(type(error)):
        dynamo.get_item("t", dynamo.key("p", "s"))
    with pytest.raises(type(error)):
        _update()
