"""Audit-log paging over an in-memory fake of DynamoDB's Query (Limit before filter, ExclusiveStartKey), in
place of the botocore client under the audit model's PynamoDB connection."""

from __future__ import annotations

from typing import Any

import pytest

from bidcraft import config
from bidcraft.caller import Principal
from bidcraft.errors import Forbidden, Unprocessable
from bidcraft.security import audit_query
from bidcraft.security.cursor import CursorCodec
from bidcraft.tables.audit import AuditRecord


class FakeAuditTable:
    """One partition, newest first; `Limit` counts evaluated items, the filter (`action = :v`) applies
    after it."""

    _request_signer = None  # what PynamoDB's connection checks before reusing a client

    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = sorted(items, key=lambda item: item["sk"]["S"], reverse=True)
        self.calls: list[dict[str, Any]] = []

    def _make_api_call(self, operation: str, request: dict[str, Any]) -> dict[str, Any]:
        assert operation == "Query"
        return self.query(**request)

    @staticmethod
    def _wanted_action(request: dict[str, Any]) -> Any:
        if "FilterExpression" not in request:
            return None
        name, operator, value = request["FilterExpression"].split()
        assert (request["ExpressionAttributeNames"][name], operator) == ("action", "=")
        return request["ExpressionAttributeValues"][value]

    def query(self, **request: Any) -> dict[str, Any]:
        self.calls.append(request)
        assert request["ScanIndexForward"] is False
        start = request.get("ExclusiveStartKey")
        rows = [i for i in self.items if start is None or i["sk"]["S"] < start["sk"]["S"]]
        evaluated = rows[: request["Limit"]]
        wanted = self._wanted_action(request)
        matched = [i for i in evaluated if wanted is None or i["action"] == wanted]  # attribute values
        response: dict[str, Any] = {"Items": matched}
        if len(rows) > len(evaluated):
            response["LastEvaluatedKey"] = {"pk": evaluated[-1]["pk"], "sk": evaluated[-1]["sk"]}
        return response


def _record(index: int, action: str) -> dict[str, Any]:
    return {
        "pk": {"S": "USER#u1"},
        "sk": {"S": f"2025-01-01T00:00:00.{index:06d}Z#e{index}"},
        "id": {"S": f"e{index}"},
        "timestamp": {"S": "2025-01-01T00:00:00Z"},
        "action": {"S": action},
        "outcome": {"S": "success"},
        "severity": {"S": "low"},
    }


@pytest.fixture
def table(monkeypatch: pytest.MonkeyPatch) -> FakeAuditTable:
    fake = FakeAuditTable([])
    monkeypatch.setenv("AUDIT_TABLE", "audit")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-central-1")  # the connection comes with the shared client
    config.reset()
    monkeypatch.setattr(AuditRecord._get_connection().connection, "_client", fake)
    monkeypatch.setattr(audit_query.cursors, "codec", lambda label: CursorCodec([b"k" * 32], label))
    return fake


ME = Principal(user_id="u1")


def test_a_sparse_action_stops_at_the_read_budget_and_resumes(table: FakeAuditTable) -> None:
    # Given 1,100 other records newer than the one wanted
    budget = audit_query.MAX_ROUNDS * audit_query.FILTERED_PAGE
    rows = [_record(i, "authn_login_success") for i in range(1, budget + 101)] + [_record(0, "mfa_fail")]
    table.items = sorted(rows, key=lambda r: r["sk"]["S"], reverse=True)
    query = audit_query.AuditQuery(action="mfa_fail", limit=10)

    # When the first page is read
    first = audit_query.list_audit_logs(ME, query)

    # Then the budget stops it: nothing yet, but a cursor to go on
    assert first.logs == []
    assert first.pagination.has_more is True
    assert len(table.calls) == audit_query.MAX_ROUNDS

    # and the next page finds the record
    second = audit_query.list_audit_logs(
        ME, query.model_copy(update={"cursor": first.pagination.next_cursor})
    )
    assert [log.id for log in second.logs] == ["e0"]
    assert second.pagination.has_more is False


def test_unfiltered_pages_read_one_more_than_the_limit(table: FakeAuditTable) -> None:
    table.items = [_record(i, "x") for i in reversed(range(5))]
    page = audit_query.list_audit_logs(ME, audit_query.AuditQuery(limit=2))
    assert [log.id for log in page.logs] == ["e4", "e3"]
    assert table.calls[0]["Limit"] == 3
    assert "FilterExpression" not in table.calls[0]
    assert page.pagination.has_more is True


@pytest.mark.parametrize(
    ("principal", "user_id", "expected"),
    [
        (ME, None, ("USER#u1", None)),
        (ME, "me", ("USER#u1", None)),
        (ME, "u1", ("USER#u1", None)),
        (Principal(user_id="a", roles=("admin",)), "u2", ("USER#u2", None)),
        (Principal(user_id="a", roles=("admin",)), "anonymous", ("ANON", None)),
    ],
)
def test_subjects(principal: Principal, user_id: str | None, expected: tuple[str, str | None]) -> None:
    assert audit_query._subject(principal, audit_query.AuditQuery(user_id=user_id)) == expected


def test_every_user_needs_admin_and_an_action() -> None:
    admin = Principal(user_id="a", roles=("admin",))
    assert audit_query._subject(admin, audit_query.AuditQuery(user_id="*", action="x")) == (
        "ACTION#x",
        "gsi1",
    )
    with pytest.raises(Forbidden):
        audit_query._subject(ME, audit_query.AuditQuery(user_id="*", action="x"))
    with pytest.raises(Forbidden):
        audit_query._subject(ME, audit_query.AuditQuery(user_id="anonymous"))
    with pytest.raises(Unprocessable):
        audit_query._subject(admin, audit_query.AuditQuery(user_id="*"))
