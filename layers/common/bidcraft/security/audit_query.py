"""Listing the audit trail (`GET /api/security/audit-logs`): newest first, filtered, cursor-paginated.

Reads only; the records are written by `bidcraft.security.audit` (`pk = USER#<id>` or `ANON`,
`sk = <ISO time, microseconds>#<event id>`, `gsi1pk = ACTION#<action>`, `gsi1sk = <ISO time>#<event id>`).

Access patterns (each one `Query`, newest first, never a `Scan`):
- one user's records: `pk = USER#<id>` with `sk` bounded by the date range; an `action` filter is a
  `FilterExpression` (DynamoDB reads — and bills — the records it filters out, so a sparse action costs up to
  `MAX_ROUNDS` pages of `FILTERED_PAGE` records before a short page is returned with a cursor);
- the records of callers who were not signed in (admins, `user_id=anonymous`): `pk = ANON`, as above;
- every user's records of one action (admins, `user_id=*`): index `gsi1`, `gsi1pk = ACTION#<action>`,
  bounded by the date range — no filter, reads exactly what it returns.

Pages hold up to `limit` records; `has_more` is exact unless the read budget ran out (then it is `true` with a
cursor that resumes where reading stopped). Cursors are tamper-evident (`bidcraft.security.cursor`), bound to
the caller and the query's filters.

The records are the `AuditRecord` model of `bidcraft.tables.audit` (its index `by_action` is `gsi1`). Each
round calls the model's PynamoDB connection (`query`) rather than `Model.query`, whose iterator hides the
per-round `Limit` and `LastEvaluatedKey` that the read budget and the cursors are built on. PynamoDB is
imported at the first listing.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from bidcraft.caller import Principal
from bidcraft.errors import Forbidden, ServiceUnavailable, Unprocessable
from bidcraft.security import cursor as cursors
from bidcraft.security.audit import ANONYMOUS_PK
from bidcraft.security.cursor import Pagination

ALL_USERS = "*"
ANONYMOUS = "anonymous"  # admins: the records of callers who were not signed in (`pk = ANON`)
CURSOR_LABEL = "audit-logs"
MAX_ROUNDS = 5
FILTERED_PAGE = 200
DEFAULT_LIMIT = 50
MAX_LIMIT = 100
_PROJECTION = (
    "pk", "sk", "gsi1pk", "gsi1sk", "id", "timestamp", "user_id", "action", "outcome", "severity",
    "ip_address", "user_agent", "details",
)  # fmt: skip


class AuditLog(BaseModel):
    id: str
    timestamp: str
    user_id: str | None = None
    action: str
    outcome: str
    severity: str
    ip_address: str | None = None
    user_agent: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class AuditLogPage(BaseModel):
    logs: list[AuditLog]
    pagination: Pagination


class AuditQuery(BaseModel):
    """The validated query of one request (the route has checked types and ranges)."""

    user_id: str | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    limit: int = Field(default=DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    cursor: str | None = None


def _subject(principal: Principal, query: AuditQuery) -> tuple[str, str | None]:
    """(partition to read, index name or None): the caller's own, another user's (admin) or an action's."""
    wanted = query.user_id or "me"
    if wanted == ALL_USERS:
        if not principal.is_admin:
            raise Forbidden("Only administrators may list every user's audit records")
        if not query.action:
            raise Unprocessable(
                "Listing every user's records needs an action filter",
                errors=[{"loc": ["query", "action"], "msg": "required when user_id is '*'"}],
            )
        return f"ACTION#{query.action}", "gsi1"
    if wanted in ("me", principal.user_id):
        return f"USER#{principal.user_id}", None
    if not principal.is_admin:
        raise Forbidden("You may only list your own audit records")
    if wanted == ANONYMOUS:
        return ANONYMOUS_PK, None
    return f"USER#{wanted}", None


def _key_condition(index: str | None, query: AuditQuery) -> Any:
    """The sort-key bound of the date range (None: the whole partition)."""
    from bidcraft.tables.audit import AuditRecord

    sort_key = AuditRecord.gsi1sk if index else AuditRecord.sk
    # Sort keys start with an ISO timestamp: "YYYY-MM-DD" sorts before any time of that day, and
    # "YYYY-MM-DD~" after every one of them ("~" > "T"), so whole days bound the range exactly.
    low = query.date_from.isoformat() if query.date_from else None
    high = query.date_to.isoformat() + "~" if query.date_to else None
    if low and high:
        return sort_key.between(low, high)
    if low:
        return sort_key >= low
    if high:
        return sort_key <= high
    return None


def _item_key(item: dict[str, Any], index: str | None) -> dict[str, Any]:
    names = ("pk", "sk", "gsi1pk", "gsi1sk") if index else ("pk", "sk")
    return {name: {"S": item[name]["S"]} for name in names}


def _plain(raw: dict[str, Any]) -> AuditLog:
    from pynamodb.attributes import MapAttribute

    from bidcraft.tables.audit import AuditRecord

    record = AuditRecord.from_raw_data(raw)
    details = record.details.as_dict() if isinstance(record.details, MapAttribute) else {}
    return AuditLog(
        id=str(record.id or ""),
        timestamp=str(record.timestamp or ""),
        user_id=record.user_id,
        action=str(record.action or ""),
        outcome=str(record.outcome or ""),
        severity=str(record.severity or ""),
        ip_address=record.ip_address,
        user_agent=record.user_agent,
        details=details,
    )


def scope_of(principal: Principal, partition: str, query: AuditQuery) -> dict[str, Any]:
    """What a cursor is bound to: the caller and every filter except the page size."""
    return {
        "caller": principal.user_id,
        "partition": partition,
        "action": query.action,
        "date_from": query.date_from.isoformat() if query.date_from else None,
        "date_to": query.date_to.isoformat() if query.date_to else None,
    }


def list_audit_logs(principal: Principal, query: AuditQuery) -> AuditLogPage:
    if query.date_from and query.date_to and query.date_from > query.date_to:
        raise Unprocessable(
            "date_from is after date_to",
            errors=[{"loc": ["query", "date_from"], "msg": "must not be after date_to"}],
        )
    partition, index = _subject(principal, query)
    scope = scope_of(principal, partition, query)
    codec = cursors.codec(CURSOR_LABEL)
    start_key = codec.decode(query.cursor, scope) if query.cursor else None
    if start_key is not None and start_key.get("gsi1pk" if index else "pk") != {"S": partition}:
        raise cursors.invalid()

    from bidcraft.tables.audit import AuditRecord
    from bidcraft.tables.base import STORAGE_ERRORS

    action_filter = AuditRecord.action == query.action if query.action and not index else None
    wanted = query.limit + 1  # one extra record tells whether another page exists
    found: list[dict[str, Any]] = []
    last_evaluated: dict[str, Any] | None = start_key
    for _ in range(MAX_ROUNDS):
        remaining = wanted - len(found)
        try:
            response = AuditRecord._get_connection().query(
                partition,
                range_key_condition=_key_condition(index, query),
                filter_condition=action_filter,
                attributes_to_get=list(_PROJECTION),
                exclusive_start_key=last_evaluated,
                index_name=index,
                # A filter discards records after `Limit` is applied: read wider pages to fill one in fewer
                # rounds.
                limit=max(remaining, FILTERED_PAGE) if action_filter is not None else remaining,
                scan_index_forward=False,
            )
        except STORAGE_ERRORS as exc:
            raise ServiceUnavailable("The audit trail cannot be read right now") from exc
        found.extend(response.get("Items", []))
        last_evaluated = response.get("LastEvaluatedKey")
        if len(found) >= wanted or last_evaluated is None:
            break

    page, extra = found[: query.limit], found[query.limit :]
    if extra:
        next_key: dict[str, Any] | None = _item_key(page[-1], index)
    else:
        next_key = last_evaluated  # the read budget ran out before the page filled (or None: the end)
    return AuditLogPage(
        logs=[_plain(item) for item in page],
        pagination=Pagination(
            limit=query.limit,
            next_cursor=codec.encode(next_key, scope) if next_key else None,
            has_more=next_key is not None,
        ),
    )
