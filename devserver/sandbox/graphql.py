"""The sandbox's GraphQL API: Upwork's schema (`schema/upwork.graphql`) executed by graphql-core.

Every document is parsed and validated against the schema (once per distinct text) and its variables
coerced, as Upwork does; the root resolvers below render the generated data in Upwork's shapes
(`shapes.py`), and graphql-core returns exactly the fields selected. Errors follow Upwork: HTTP 200 with
`errors[]` (`message`, `locations`, `path`, `extensions.code`); an invalid document, bad variables or a
refused argument (page size, required filter) has `"data": null`; a field that fails alone (not found,
not allowed) is `null` beside the rest.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import functools
import json
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeGuard, TypeVar

from graphql import GraphQLError, GraphQLResolveInfo, GraphQLSchema
from graphql import execute as graphql_execute

from devserver.sandbox.catalog import CATEGORIES
from devserver.sandbox.data import Account, Contract, MarketFreelancer, Proposal
from devserver.sandbox.postings import JobQuery, Posting, query_words, skill_keys
from devserver.sandbox.responses import SandboxResponse, json_response
from devserver.sandbox.schema import schema, validated
from devserver.sandbox.shapes import (
    UPWORK_PROPOSAL_STATUS,
    render_account_profile,
    render_contract,
    render_market_profile,
    render_payment,
    render_posting,
    render_posting_search,
    render_proposal,
    render_search_record,
    render_user,
)
from devserver.sandbox.store import AccountStore

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100
MAX_JOB_PAGE_SIZE = 50
MAX_PROPOSAL_PAGE_SIZE = 40
MAX_CONTRACT_PAGE_SIZE = 100
MAX_TALENT_PAGE_SIZE = 50
T = TypeVar("T")


class FieldError(Exception):
    """A root field that failed. `fatal` errors (bad input) void the whole response."""

    def __init__(self, message: str, code: str, *, fatal: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fatal = fatal


def _bad_input(message: str) -> FieldError:
    return FieldError(message, "BAD_USER_INPUT")


@dataclass(frozen=True, slots=True)
class Context:
    account: Account | None  # None: the service's client-credentials token (public data only)
    store: AccountStore

    def user(self) -> Account:
        """The token's user; a service token asking for a user's data is refused like Upwork does."""
        if self.account is None:
            raise FieldError(
                "This field requires a user's access token, not a client-credentials token",
                "FORBIDDEN",
                fatal=False,
            )
        return self.account


# ----------------------------------------------------------------------------------------------- pagination


def _cursor(kind: str, position: int) -> str:
    return base64.urlsafe_b64encode(f"{kind}:{position}".encode()).decode().rstrip("=")


def _decode_cursor(kind: str, cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        prefix, _, number = raw.partition(":")
        if prefix != kind or not number.isdigit():
            raise ValueError
        return int(number)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise _bad_input(f"Invalid cursor for {kind}") from exc


def _page(
    kind: str, items: Sequence[T], pagination: Any, render: Callable[[T], dict[str, Any]]
) -> dict[str, Any]:
    """A Relay connection of `items[after+1 : after+1+first]`: O(page) for a sequence."""
    pagination = _object(pagination, "pagination")
    first = pagination.get("first", DEFAULT_PAGE_SIZE)
    if first is None:
        first = DEFAULT_PAGE_SIZE
    if not isinstance(first, int) or isinstance(first, bool) or not 1 <= first <= MAX_PAGE_SIZE:
        raise _bad_input(f"pagination.first must be an integer within 1..{MAX_PAGE_SIZE}")
    after = pagination.get("after")
    if after is not None and not isinstance(after, str):
        raise _bad_input("pagination.after must be a cursor string")
    start = _decode_cursor(kind, after) + 1 if after else 0
    chunk = items[start : start + first]
    edges = [{"cursor": _cursor(kind, start + i), "node": render(item)} for i, item in enumerate(chunk)]
    return {
        "totalCount": len(items),
        "edges": edges,
        "pageInfo": {
            "hasNextPage": start + len(chunk) < len(items),
            "hasPreviousPage": start > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def _object(value: Any, name: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _bad_input(f"{name} must be an input object")
    return value


def _strings(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return value
    raise _bad_input(f"{name} must be a string or a list of strings")


def _terms(value: Any, name: str) -> list[str]:
    """The words of a keyword: letters and digits (`&`, commas and lone characters are not words)."""
    words = (word for text in _strings(value, name) for word in text.replace(",", " ").casefold().split())
    return [word for word in words if len(word) > 1 and any(ch.isalnum() for ch in word)]


# ------------------------------------------------------------------------------------------------ resolvers


def resolve_user(context: Context, arguments: dict[str, Any]) -> Any:
    return render_user(context.user())


def resolve_profile(context: Context, arguments: dict[str, Any]) -> Any:
    key = arguments.get("profileKey")
    if not isinstance(key, str) or not key:
        raise _bad_input("profileKey is required")
    account = context.store.by_profile_key(key)
    if account is not None:
        return render_account_profile(account)
    freelancer = context.store.market().freelancers_by_key.get(key)
    if freelancer is not None:
        return render_market_profile(freelancer)
    raise FieldError(f"Profile {key!r} not found", "NOT_FOUND", fatal=False)


def resolve_proposals(context: Context, arguments: dict[str, Any]) -> Any:
    account = context.user()
    filters = _object(arguments.get("filter"), "filter")
    statuses = [s.casefold() for s in _strings(filters.get("status_eq"), "filter.status_eq")]
    first = _object(arguments.get("pagination"), "pagination").get("first")
    if isinstance(first, int) and first > MAX_PROPOSAL_PAGE_SIZE:
        raise _bad_input(f"pagination.first must not exceed {MAX_PROPOSAL_PAGE_SIZE}")
    sort = _object(arguments.get("sortAttribute"), "sortAttribute")
    field = str(sort.get("field") or "CREATEDDATETIME").upper()
    order = str(sort.get("sortOrder") or "DESC").upper()
    if field not in {"CREATEDDATETIME", "MODIFIEDDATETIME"} or order not in {"ASC", "DESC"}:
        raise _bad_input(
            "sortAttribute must be {field: CREATEDDATETIME|MODIFIEDDATETIME, sortOrder: ASC|DESC}"
        )
    wanted = frozenset(statuses)

    def build() -> Sequence[Proposal]:
        items: Sequence[Proposal] = account.proposals
        if wanted:
            items = [p for p in items if UPWORK_PROPOSAL_STATUS[p.status].casefold() in wanted]
        if field == "MODIFIEDDATETIME":
            items = sorted(items, key=lambda p: (p.updated_at, p.index))
        return items if order == "ASC" else items[::-1]

    view = context.store.view(("proposals", account.account_id, wanted, field, order), build)
    return _page("proposals", view, arguments.get("pagination"), lambda p: render_proposal(account, p))


def resolve_contracts(context: Context, arguments: dict[str, Any]) -> Any:
    """`ContractSearchResults`, newest first, paged by offset; only the token's own vendorId is readable."""
    account = context.user()
    filters = _object(arguments.get("filter"), "filter")
    if filters.get("vendorId") != account.account_id:
        raise FieldError("Not allowed to read contracts of another vendor", "FORBIDDEN", fatal=False)
    wanted = frozenset(filters.get("contractStatuses") or ())
    paging = _object(arguments.get("paging"), "paging")
    offset, limit = paging.get("offset") or 0, paging.get("limit") or DEFAULT_PAGE_SIZE
    if offset < 0 or not 1 <= limit <= MAX_CONTRACT_PAGE_SIZE:
        raise _bad_input(f"paging.limit must be within 1..{MAX_CONTRACT_PAGE_SIZE}, offset at least 0")

    def build() -> Sequence[Contract]:
        return [c for c in account.contracts if not wanted or c.status in wanted][::-1]

    view = context.store.view(("contracts", account.account_id, wanted), build)
    page = view[offset : offset + limit]
    return {
        "paging": {"offset": offset, "limit": limit},
        "contracts": [render_contract(account, c) for c in page],
    }


def accounting_entity_id(account: Account) -> str:
    return f"8{account.rid}"


def resolve_accounting_entity(context: Context, arguments: dict[str, Any]) -> Any:
    return {"id": accounting_entity_id(context.user())}


def _moment(value: Any, name: str, *, end: bool) -> datetime:
    if not isinstance(value, str):
        raise _bad_input(f"{name} must be an ISO 8601 date or date-time")
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime.combine(day + timedelta(days=1) if end else day, time(), tzinfo=UTC)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _bad_input(f"{name} must be an ISO 8601 date or date-time") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def resolve_transactions(context: Context, arguments: dict[str, Any]) -> Any:
    filters = _object(arguments.get("transactionHistoryFilter"), "transactionHistoryFilter")
    account = context.user()
    aces = filters.get("aceIds_any")
    if not aces:
        raise _bad_input("transactionHistoryFilter.aceIds_any is required (accountingEntity { id })")
    if accounting_entity_id(account) not in aces:
        raise FieldError("Not allowed to read this accounting entity", "FORBIDDEN", fatal=False)
    window = filters.get("transactionDateTime_bt")
    if not isinstance(window, dict):
        raise _bad_input("transactionHistoryFilter.transactionDateTime_bt {rangeStart, rangeEnd} is required")
    start = _moment(window.get("rangeStart"), "rangeStart", end=False)
    end = _moment(window.get("rangeEnd"), "rangeEnd", end=True)
    if end < start:
        raise _bad_input("rangeEnd is before rangeStart")
    payments = account.payments
    times = context.store.view(
        ("payment-times", account.account_id), lambda: [p.occurred_at for p in payments]
    )
    date_only_end = (
        len(window["rangeEnd"]) == 10
    )  # a date ends at the next midnight; a date-time is inclusive
    low = bisect.bisect_left(times, start)
    high = bisect.bisect_left(times, end) if date_only_end else bisect.bisect_right(times, end)
    rows, balance = [], 0.0
    for number, payment in enumerate(payments[low:high], start=1):
        balance = round(balance + payment.amount, 2)
        rows.append(render_payment(number, payment, balance))
    return {"transactionDetail": {"transactionHistoryRow": rows}}


def _talent_ranked(freelancers: Iterable[MarketFreelancer], terms: list[str]) -> list[MarketFreelancer]:
    """Best keyword matches first (one point per word found in title, skills or category; stable for equal
    scores); without a keyword, everyone."""
    scored = []
    for position, freelancer in enumerate(freelancers):
        text = f"{freelancer.title} {' '.join(freelancer.skills)} {freelancer.category.label}".casefold()
        score = sum(1 for word in terms if word in text)
        if score or not terms:
            scored.append((-score, position, freelancer))
    scored.sort(key=lambda entry: (entry[0], entry[1]))
    return [freelancer for _, _, freelancer in scored]


def _range_start(value: Any, name: str) -> float | None:
    bounds = _object(value, name)
    start = bounds.get("rangeStart")
    if start is not None and (not isinstance(start, int | float) or isinstance(start, bool)):
        raise _bad_input(f"{name}.rangeStart must be a number")
    return start


def _job_query(filters: dict[str, Any]) -> JobQuery:
    ids = _strings(filters.get("categoryIds_any"), "categoryIds_any")
    if any(not ident.isdigit() for ident in ids):
        raise _bad_input("categoryIds_any takes numeric category ids")
    job_type = filters.get("jobType_eq")
    if job_type not in {None, "HOURLY", "FIXED_PRICE"}:
        raise _bad_input("jobType_eq must be HOURLY or FIXED_PRICE")
    return JobQuery(
        category_ids=frozenset(ids),
        words=query_words(filters.get("searchExpression_eq")),
        title_words=query_words(filters.get("titleExpression_eq")),
        skills=skill_keys(filters.get("skillExpression_eq")),
        job_type=None if job_type is None else "hourly" if job_type == "HOURLY" else "fixed",
        verified_only=filters.get("verifiedPaymentOnly_eq") is True,
        min_budget=_range_start(filters.get("budgetRange_eq"), "budgetRange_eq"),
        min_hourly_rate=_range_start(filters.get("hourlyRate_eq"), "hourlyRate_eq"),
    )


def _job_cursor(posting: Posting) -> str:
    return _cursor("jobs", int(posting.created_at.timestamp() * 1000)) + "." + posting.id


def resolve_jobs(context: Context, arguments: dict[str, Any]) -> Any:
    """Newest first, keyset-paged (new postings arriving between pages do not shift the pages)."""
    filters = _object(arguments.get("marketPlaceJobFilter"), "marketPlaceJobFilter")
    search = _job_query(filters)
    pagination = _object(filters.get("pagination_eq"), "pagination_eq")
    first = pagination.get("first", DEFAULT_PAGE_SIZE)
    if not isinstance(first, int) or isinstance(first, bool) or not 1 <= first <= MAX_JOB_PAGE_SIZE:
        raise _bad_input(f"pagination_eq.first must be an integer within 1..{MAX_JOB_PAGE_SIZE}")
    found = [p for p in context.store.postings.open_postings() if search.matches(p)]
    after = pagination.get("after")
    start = 0
    if after:
        if not isinstance(after, str):
            raise _bad_input("pagination_eq.after must be a cursor string")
        position, _, ident = after.partition(".")
        millis = _decode_cursor("jobs", position)
        key = (millis, ident)
        start = next(
            (i for i, p in enumerate(found) if (int(p.created_at.timestamp() * 1000), p.id) < key), len(found)
        )
    now = context.store.now()
    chunk = found[start : start + first]
    applied = None if context.account is None else False  # sandbox users never applied to a posting
    edges = [{"cursor": _job_cursor(p), "node": render_posting_search(p, now, applied)} for p in chunk]
    return {
        "totalCount": len(found),
        "edges": edges,
        "pageInfo": {
            "hasNextPage": start + len(chunk) < len(found),
            "hasPreviousPage": start > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


def resolve_job(context: Context, arguments: dict[str, Any]) -> Any:
    ident = arguments.get("id")
    if not isinstance(ident, str) or not ident:
        raise _bad_input("id is required")
    posting = context.store.postings.get(ident)
    if posting is None:
        raise FieldError(f"Job posting {ident!r} not found", "NOT_FOUND", fatal=False)
    return render_posting(posting, context.store.now())


def resolve_freelancers(context: Context, arguments: dict[str, Any]) -> Any:
    """Talent search by `keyword` (words of titles, skills and category labels), best matches first."""
    filters = _object(arguments.get("searchFilter"), "searchFilter")
    first = _object(arguments.get("pagination"), "pagination").get("first")
    if isinstance(first, int) and first > MAX_TALENT_PAGE_SIZE:
        raise _bad_input(f"pagination.first must not exceed {MAX_TALENT_PAGE_SIZE}")
    terms = _terms(filters.get("keyword"), "keyword")
    country = _object(filters.get("location"), "location").get("country")
    market = context.store.market()
    key = ("freelancers", tuple(terms), country)

    def build() -> list[MarketFreelancer]:
        everyone = (f for c in CATEGORIES for f in market.freelancers[c.id])
        return [f for f in _talent_ranked(everyone, terms) if country is None or f.country == country]

    view = context.store.view(key, build)
    return _page("freelancers", view, arguments.get("pagination"), render_search_record)


RESOLVERS: dict[str, Callable[[Context, dict[str, Any]], Any]] = {
    "user": resolve_user,
    "freelancerProfileByProfileKey": resolve_profile,
    "vendorProposals": resolve_proposals,
    "vendorContracts": resolve_contracts,
    "transactionHistory": resolve_transactions,
    "accountingEntity": resolve_accounting_entity,
    "marketplaceJobPostingsSearch": resolve_jobs,
    "marketplaceJobPosting": resolve_job,
    "freelancerProfileSearchRecords": resolve_freelancers,
}


# ----------------------------------------------------------------------------------------------- execution


def _error(message: str, code: str, path: list[str] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"message": message, "extensions": {"code": code}}
    if path:
        error["path"] = path
    return error


def _failed(errors: list[dict[str, Any]], status: int = 200) -> SandboxResponse:
    return json_response(status, {"data": None, "errors": errors})


@functools.cache
def executable_schema() -> GraphQLSchema:
    """Upwork's schema with the sandbox's root resolvers attached (nested fields read the rendered dicts)."""
    built = schema()
    query_type = built.query_type
    if query_type is None:  # pragma: no cover - the SDL declares one
        raise RuntimeError("upwork.graphql has no Query type")
    for name, resolver in RESOLVERS.items():
        query_type.fields[name].resolve = _root_resolver(resolver)
    return built


def _root_resolver(resolver: Callable[[Context, dict[str, Any]], Any]) -> Callable[..., Any]:
    def resolve(_root: Any, info: GraphQLResolveInfo, **arguments: Any) -> Any:
        context: Context = info.context
        account = context.account
        if account is not None and info.field_name in context.store.denied(account.account_id):
            raise FieldError(
                "The client or authentication token doesn't have enough oauth2 permissions/scopes to access: "
                f"{info.field_name}",
                "FORBIDDEN",
                fatal=False,
            )
        return resolver(context, arguments)

    return resolve


def _never_awaitable(_value: Any) -> TypeGuard[Awaitable[Any]]:
    return False


def _formatted(error: GraphQLError, code: str) -> dict[str, Any]:
    shaped = error.formatted
    return {**shaped, "extensions": {**(shaped.get("extensions") or {}), "code": code}}


def execute(store: AccountStore, account: Account | None, body: bytes, content_type: str) -> SandboxResponse:
    """Run one GraphQL-over-HTTP POST: parse and validate against Upwork's schema (once per distinct
    document), coerce the variables, resolve only what was selected. Invalid: HTTP 200, `data: null`,
    `errors[]`."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        return _failed([_error("Content-Type must be application/json", "BAD_REQUEST")], 400)
    try:
        request = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return _failed([_error("Body is not valid JSON", "BAD_REQUEST")], 400)
    if not isinstance(request, dict) or not isinstance(request.get("query"), str):
        return _failed([_error("Body must be a JSON object with a query string", "BAD_REQUEST")], 400)
    variables = request.get("variables")
    operation_name = request.get("operationName")
    if variables is not None and not isinstance(variables, dict):
        return _failed([_error("variables must be a JSON object", "BAD_REQUEST")], 400)
    if operation_name is not None and not isinstance(operation_name, str):
        return _failed([_error("operationName must be a string", "BAD_REQUEST")], 400)
    document, problems, code = validated(request["query"])
    if document is None:
        return _failed([_formatted(error, code) for error in problems])
    result = graphql_execute(
        executable_schema(),
        document,
        variable_values=variables,
        operation_name=operation_name,
        context_value=Context(account, store),
        is_awaitable=_never_awaitable,  # every resolver is synchronous: skip graphql-core's check per field
    )
    if isinstance(result, Awaitable):  # pragma: no cover - no resolver is async
        raise TypeError("the sandbox resolves synchronously")
    if not result.errors:
        return json_response(200, {"data": result.data})
    errors, fatal = [], False
    for error in result.errors:
        original = error.original_error
        if isinstance(original, FieldError):
            fatal = fatal or original.fatal
            errors.append(_formatted(error, original.code))
        elif error.path is None:  # the request itself (variables, operation name): nothing ran
            fatal = True
            variables_wrong = error.message.startswith("Variable ")
            errors.append(
                _formatted(error, "BAD_USER_INPUT" if variables_wrong else "GRAPHQL_VALIDATION_FAILED")
            )
        else:  # a sandbox bug (data that does not fit the schema): the app turns it into a 500
            raise original or error
    return json_response(200, {"data": None if fatal else result.data, "errors": errors})
