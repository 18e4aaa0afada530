"""Upwork's GraphQL API: `execute()` with error mapping and bounded retries, plus typed, paginated readers.

Error mapping: HTTP 401/403 or an `UNAUTHENTICATED` error → `UpworkAuthError`; `FORBIDDEN`/`PERMISSION_DENIED`
(a read the key's scopes do not cover) → `UpworkPermissionError`; 429 (after retries) →
`UpworkRateLimited(retry_after)`; 5xx, transport failures and any other `errors[]` → `UpworkError`. A partial
result (`data` with a root value beside `errors[]`) is returned as it is, the errors logged by code and path.
Retries: at most `RetryPolicy.max_tries` attempts on 429/5xx/network errors (queries are idempotent),
waiting `Retry-After` when Upwork sends one that is not above the cap.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx2
from pydantic import SecretStr

from bidcraft.clock import now as utc_now
from bidcraft.upwork import mapping, queries
from bidcraft.upwork.categories import LABELS, category_id
from bidcraft.upwork.errors import (
    UpworkAuthError,
    UpworkError,
    UpworkNotFound,
    UpworkPermissionError,
    UpworkRateLimited,
)
from bidcraft.upwork.http import RetryPolicy, raise_for_throttling, send
from bidcraft.upwork.models import (
    ContractType,
    UpworkContract,
    UpworkFreelancer,
    UpworkFreelancerSearch,
    UpworkIdentity,
    UpworkJob,
    UpworkPayment,
    UpworkProposal,
)

logger = logging.getLogger(__name__)

MAX_PROPOSAL_PAGE_SIZE = 40  # Upwork refuses `first` above 40 on vendorProposals
MAX_CONTRACT_PAGE_SIZE = 100
MAX_TALENT_PAGE_SIZE = 50
MAX_JOB_PAGE_SIZE = 50  # marketplaceJobPostingsSearch `pagination_eq.first` (docs/upwork.md: to verify live)
UPWORK_CONTRACT_TYPE: dict[ContractType, str] = {"hourly": "HOURLY", "fixed": "FIXED_PRICE"}
MAX_PAGES = 1_000  # a guard against a server that never stops saying hasNextPage
_AUTH_CODES = {"UNAUTHENTICATED", "UNAUTHORIZED", "INVALID_TOKEN"}  # the token itself is refused
_PERMISSION_CODES = {"FORBIDDEN", "PERMISSION_DENIED", "ACCESS_DENIED"}  # this read is refused (scope)
_THROTTLE_CODES = {"TOO_MANY_REQUESTS", "RATE_LIMITED", "THROTTLED"}

Token = str | SecretStr


def _reveal(token: Token) -> str:
    return token.get_secret_value() if isinstance(token, SecretStr) else token


def _page_size(value: int, maximum: int) -> int:
    if not 1 <= value <= maximum:
        raise ValueError(f"page_size must be within 1..{maximum}")
    return value


class UpworkGraphQL:
    def __init__(
        self,
        api_url: str,
        http: httpx2.Client,
        *,
        sleep: Callable[[float], None] = time.sleep,
        retry: RetryPolicy | None = None,
        clock: Callable[[], datetime] = utc_now,
        tenant_id: str | None = None,
    ) -> None:
        base = api_url.rstrip("/")
        self._url = base if base.endswith("/graphql") else f"{base}/graphql"
        self._http = http
        self._sleep = sleep
        self._retry = retry or RetryPolicy()
        self._clock = clock
        self._tenant_id = tenant_id

    def __repr__(self) -> str:
        return f"UpworkGraphQL(url={self._url!r})"

    # ------------------------------------------------------------------------------------------- execute

    def execute(
        self,
        access_token: Token,
        query: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation_name: str | None = None,
    ) -> dict[str, Any]:
        """The `data` of one query; raises a typed `UpworkError` for everything else."""
        headers = {"Authorization": f"Bearer {_reveal(access_token)}", "Accept": "application/json"}
        if self._tenant_id:
            headers["X-Upwork-API-TenantId"] = self._tenant_id
        payload: dict[str, Any] = {"query": query, "variables": dict(variables or {})}
        if operation_name:
            payload["operationName"] = operation_name
        what = operation_name or "graphql"
        response = send(
            lambda: self._http.post(self._url, json=payload, headers=headers),
            policy=self._retry,
            sleep=self._sleep,
            what=what,
            retry_transport_errors=True,
        )
        if response.status_code in {401, 403}:
            raise UpworkAuthError(
                f"Upwork rejected the access token (HTTP {response.status_code})",
                code=self._first_code(response),
                upstream_status=response.status_code,
            )
        raise_for_throttling(response, what)
        if response.status_code != 200:
            raise UpworkError(
                f"Upwork answered HTTP {response.status_code} ({what})",
                code=self._first_code(response),
                upstream_status=response.status_code,
            )
        try:
            body = response.json()
        except ValueError as exc:
            raise UpworkError(f"Upwork returned a non-JSON response ({what})", upstream_status=200) from exc
        if not isinstance(body, dict):
            raise UpworkError(f"Upwork returned an unexpected response ({what})", upstream_status=200)
        errors = body.get("errors")
        data = body.get("data")
        if errors:
            if isinstance(data, dict) and any(value is not None for value in data.values()):
                self._log_partial(errors, what)  # a partial result: use what Upwork gave
                return data
            self._raise_graphql_errors(errors, what)
        if not isinstance(data, dict):
            raise UpworkError(f"Upwork returned no data ({what})", upstream_status=200)
        return data

    @staticmethod
    def _first_code(response: httpx2.Response) -> str | None:
        try:
            errors = response.json().get("errors") or []
        except (ValueError, AttributeError):
            return None
        code = mapping.dig(errors[0], "extensions", "code") if errors else None
        return code if isinstance(code, str) else None

    @staticmethod
    def _log_partial(errors: Any, what: str) -> None:
        found = errors if isinstance(errors, list) else []
        codes = sorted({str(mapping.dig(e, "extensions", "code")) for e in found})
        paths = [".".join(map(str, e.get("path") or [])) for e in found if isinstance(e, dict)][:5]
        logger.warning("upwork %s: partial result, codes=%s paths=%s", what, codes, paths)

    @staticmethod
    def _raise_graphql_errors(errors: Any, what: str) -> None:
        first = errors[0] if isinstance(errors, list) and errors else {}
        code = mapping.dig(first, "extensions", "code")
        code = code if isinstance(code, str) else None
        message = mapping.dig(first, "message")
        detail = f"Upwork GraphQL error ({what}): {str(message)[:300] if message else 'unknown error'}"
        logger.warning("upwork %s returned errors: code=%s count=%d", what, code, len(errors))
        if code in _AUTH_CODES:
            raise UpworkAuthError(detail, code=code, upstream_status=200)
        if code in _PERMISSION_CODES:
            raise UpworkPermissionError(detail, code=code, upstream_status=200)
        if code in _THROTTLE_CODES:
            raise UpworkRateLimited(detail, retry_after=1, code=code, upstream_status=200)
        raise UpworkError(detail, code=code, upstream_status=200)

    def _connection(
        self,
        access_token: Token,
        query: str,
        root: str,
        variables: Callable[[str | None], dict[str, Any]],
        *,
        limit: int | None = None,
        total: list[int | None] | None = None,
    ) -> Iterator[dict[str, Any]]:
        """The nodes of a Relay connection, page after page, following `pageInfo.endCursor`
        (`total[0]` receives the connection's `totalCount`)."""
        after: str | None = None
        count = 0
        for _ in range(MAX_PAGES):
            connection = self.execute(access_token, query, variables(after), operation_name=None).get(root)
            if not isinstance(connection, dict):
                raise UpworkError(f"Upwork returned no {root}")
            edges = connection.get("edges") or []
            if total is not None and isinstance(connection.get("totalCount"), int):
                total[0] = connection["totalCount"]
            for edge in edges:
                node = mapping.dig(edge, "node")
                if isinstance(node, dict):
                    yield node
                    count += 1
                    if limit is not None and count >= limit:
                        return
            info = connection.get("pageInfo") or {}
            cursor = info.get("endCursor")
            if not info.get("hasNextPage") or not edges or not cursor or cursor == after:
                return
            after = cursor
        logger.warning("upwork %s: stopped after %d pages", root, MAX_PAGES)

    # -------------------------------------------------------------------------------------- typed readers

    def fetch_identity(self, access_token: Token) -> UpworkIdentity:
        """The signed-in user and their freelancer profile (two queries: the profile needs the user's key)."""
        user = self.execute(access_token, queries.USER).get("user")
        key = mapping.dig(user, "ciphertext")
        profile = None
        if isinstance(key, str) and key:
            profile = self.execute(access_token, queries.PROFILE, {"profileKey": key}).get(
                "freelancerProfileByProfileKey"
            )
        return mapping.identity(user, profile)

    def iter_proposals(
        self, access_token: Token, page_size: int = MAX_PROPOSAL_PAGE_SIZE, *, statuses: Sequence[str] = ()
    ) -> Iterator[UpworkProposal]:
        """Every proposal, one Upwork status after another (Upwork requires `status_eq`), newest first
        within each. `statuses`: Upwork values to read (default: every key of `mapping.PROPOSAL_STATUS`)."""
        size = _page_size(page_size, MAX_PROPOSAL_PAGE_SIZE)
        for status in statuses or mapping.UPWORK_PROPOSAL_STATUSES:

            def variables(after: str | None, status: str = status) -> dict[str, Any]:
                pagination: dict[str, Any] = {"first": size}
                if after:
                    pagination["after"] = after
                return {
                    "filter": {"status_eq": status},
                    "sortAttribute": {"field": "CREATEDDATETIME", "sortOrder": "DESC"},
                    "pagination": pagination,
                }

            for node in self._connection(access_token, queries.PROPOSALS, "vendorProposals", variables):
                yield mapping.proposal(node)

    def iter_contracts(
        self, access_token: Token, vendor_id: str, page_size: int = MAX_CONTRACT_PAGE_SIZE
    ) -> Iterator[UpworkContract]:
        """Every contract of the freelancer `vendor_id` (Upwork's user id), paged by offset."""
        size = _page_size(page_size, MAX_CONTRACT_PAGE_SIZE)
        for page in range(MAX_PAGES):
            data = self.execute(
                access_token,
                queries.CONTRACTS,
                {"filter": {"vendorId": vendor_id}, "paging": {"offset": page * size, "limit": size}},
            )
            contracts = mapping.dig(data, "vendorContracts", "contracts") or []
            for node in contracts:
                if isinstance(node, dict):
                    yield mapping.contract(node)
            if len(contracts) < size:
                return

    def accounting_entity_id(self, access_token: Token) -> str:
        """The user's accounting entity id (what `transactionHistory` needs in `aceIds_any`)."""
        ident = mapping.dig(self.execute(access_token, queries.ACCOUNTING_ENTITY), "accountingEntity", "id")
        if not isinstance(ident, str | int) or not str(ident):
            raise UpworkError("Upwork returned no accounting entity")
        return str(ident)

    def iter_transactions(
        self,
        access_token: Token,
        since: datetime | date,
        until: datetime | date | None = None,
        *,
        window_days: int = 92,
    ) -> Iterator[UpworkPayment]:
        """Payments received from `since` to `until` (whole UTC days, both included), oldest first.

        Upwork's `transactionHistory` is not paginated but takes a date range and the accounting entity
        (`accountingEntity { id }`, read once), so this walks windows of `window_days` days.
        """
        first_day = since.astimezone(UTC).date() if isinstance(since, datetime) else since
        end = until or self._clock()
        last_day = end.astimezone(UTC).date() if isinstance(end, datetime) else end
        if window_days < 1:
            raise ValueError("window_days must be positive")
        ace = self.accounting_entity_id(access_token)
        seen: set[str] = set()
        start = first_day
        while start <= last_day:
            stop = min(last_day, start + timedelta(days=window_days - 1))
            window = {"rangeStart": start.isoformat(), "rangeEnd": stop.isoformat()}
            data = self.execute(
                access_token,
                queries.TRANSACTIONS,
                {"filter": {"aceIds_any": [ace], "transactionDateTime_bt": window}},
            )
            rows = mapping.dig(data, "transactionHistory", "transactionDetail", "transactionHistoryRow") or []
            for row in rows:
                if isinstance(row, dict):
                    item = mapping.payment(row)
                    if item.payment_id not in seen:
                        seen.add(item.payment_id)
                        yield item
            start = stop + timedelta(days=1)

    def search_freelancers(
        self,
        access_token: Token,
        category: str | None,
        skills: Sequence[str] = (),
        *,
        limit: int = 200,
        page_size: int = MAX_TALENT_PAGE_SIZE,
        enrich_top: int = 0,
    ) -> UpworkFreelancerSearch:
        """Freelancers for `category` (a top-level Upwork category, by id or label) and `skills`: Upwork's
        total for the filter (the market's size) and a sample of up to `limit`; the first `enrich_top` get
        their job success score from the full profile (one extra query each). Upwork's talent search filters
        by keyword, not category, so the category's label is the keyword; an unknown category is
        `UpworkError` with code `BAD_USER_INPUT`, before any request."""
        size = _page_size(page_size, MAX_TALENT_PAGE_SIZE)
        label = None
        if category:
            ident = category_id(category)
            label = LABELS.get(ident or "")
            if label is None:  # no category filter exists to pass an unknown id on: refused as bad input
                raise UpworkError(f"Unknown Upwork category {category!r}", code="BAD_USER_INPUT")
        words = [label] if label else []
        words += [s for s in skills if s]
        search: dict[str, Any] = {"userType": "FREELANCER"}
        if words:
            search["keyword"] = " ".join(words)
        total: list[int | None] = [None]

        def variables(after: str | None) -> dict[str, Any]:
            pagination: dict[str, Any] = {"first": size}
            if after:
                pagination["after"] = after
            return {"searchFilter": search, "pagination": pagination}

        nodes = self._connection(
            access_token,
            queries.FREELANCERS,
            "freelancerProfileSearchRecords",
            variables,
            limit=limit,
            total=total,
        )
        found: list[UpworkFreelancer] = []
        for index, node in enumerate(nodes):
            freelancer = mapping.freelancer(node)
            if index < enrich_top:
                profile = self.execute(access_token, queries.PROFILE, {"profileKey": freelancer.profile_key})
                score = mapping.money(
                    mapping.dig(profile, "freelancerProfileByProfileKey", "aggregates", "jobSuccessScore")
                )
                freelancer = freelancer.model_copy(update={"job_success_score": score})
            found.append(freelancer)
        return UpworkFreelancerSearch(total_count=total[0], freelancers=tuple(found))

    def search_jobs(
        self,
        access_token: Token,
        *,
        query: str | None = None,
        category: str | None = None,
        skills: Sequence[str] = (),
        job_type: ContractType | None = None,
        min_budget: float | None = None,
        min_hourly_rate: float | None = None,
        verified_payment_only: bool = False,
        posted_after: datetime | None = None,
        limit: int = 100,
        page_size: int = MAX_JOB_PAGE_SIZE,
    ) -> Iterator[UpworkJob]:
        """Open marketplace jobs for a saved search, newest first, stopping at `posted_after`.

        Works with a user's token or the service's client-credentials token. `category` is Upwork's id or
        label; `skills` are ORed (Upwork's `skillExpression_eq`). Budget filters follow Upwork: a minimum
        budget does not exclude hourly jobs, a minimum hourly rate does not exclude fixed-price ones.
        """
        size = _page_size(page_size, MAX_JOB_PAGE_SIZE)
        search = job_search_filter(
            query=query,
            category=category,
            skills=skills,
            job_type=job_type,
            min_budget=min_budget,
            min_hourly_rate=min_hourly_rate,
            verified_payment_only=verified_payment_only,
        )

        def variables(after: str | None) -> dict[str, Any]:
            pagination: dict[str, Any] = {"first": size}
            if after:
                pagination["after"] = after
            return {
                "filter": {**search, "pagination_eq": pagination},
                "sortAttributes": [{"field": "RECENCY"}],
            }

        nodes = self._connection(access_token, queries.JOB_SEARCH, "marketplaceJobPostingsSearch", variables)
        count = 0
        for node in nodes:
            found = mapping.job(node)
            if posted_after is not None and found.posted_at is not None and found.posted_at < posted_after:
                return  # newest first: everything after this is older still
            if job_type is not None and found.contract_type not in {None, job_type}:
                continue
            yield found
            count += 1
            if count >= limit:
                return

    def get_job(self, access_token: Token, job_id: str) -> UpworkJob:
        """One job posting with its description and screening questions (`UpworkNotFound` when gone)."""
        try:
            data = self.execute(access_token, queries.JOB, {"id": job_id}, operation_name="BidcraftJob")
        except UpworkError as exc:
            if exc.code == "NOT_FOUND" and not isinstance(exc, UpworkAuthError):
                raise UpworkNotFound(f"Upwork has no job posting {job_id}", code=exc.code) from exc
            raise
        node = data.get("marketplaceJobPosting")
        if not isinstance(node, dict):
            raise UpworkNotFound(f"Upwork has no job posting {job_id}")
        return mapping.job_posting(node)


def job_search_filter(
    *,
    query: str | None = None,
    category: str | None = None,
    skills: Sequence[str] = (),
    job_type: ContractType | None = None,
    min_budget: float | None = None,
    min_hourly_rate: float | None = None,
    verified_payment_only: bool = False,
) -> dict[str, Any]:
    """A `MarketplaceJobPostingsSearchFilter` (without `pagination_eq`) for a saved search."""
    search: dict[str, Any] = {}
    if query and query.strip():
        search["searchExpression_eq"] = query.strip()
    if category:
        ident = category_id(category)
        if ident is None:
            raise ValueError(f"unknown Upwork category {category!r}")
        search["categoryIds_any"] = [ident]
    wanted = [s.strip() for s in skills if s and s.strip()]
    if wanted:
        search["skillExpression_eq"] = ",".join(wanted)
    if job_type is not None:
        search["jobType_eq"] = UPWORK_CONTRACT_TYPE[job_type]
    if min_budget is not None:
        search["budgetRange_eq"] = {"rangeStart": math.ceil(min_budget)}
    if min_hourly_rate is not None:
        search["hourlyRate_eq"] = {"rangeStart": math.ceil(min_hourly_rate)}
    if verified_payment_only:
        search["verifiedPaymentOnly_eq"] = True
    return search
