"""Error mapping and bounded retries of the Upwork client, against scripted responses."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import httpx2
import pytest
from pydantic import SecretStr

from bidcraft.errors import UpstreamError, UpstreamThrottled
from bidcraft.upwork import (
    RetryPolicy,
    UpworkAuthError,
    UpworkError,
    UpworkGrantError,
    UpworkOAuth,
    UpworkPermissionError,
    UpworkRateLimited,
    make_client,
)
from bidcraft.upwork.mapping import moment

from .helpers import BASE_URL, CLIENT_ID, CLIENT_SECRET, Clock, graphql_client, scripted

TOKEN = "oauth2v2_secret-access-token-value"
OK = httpx2.Response(200, json={"data": {"user": {"id": "u1"}}})


def _throttled(retry_after: str | None = "1") -> httpx2.Response:
    headers = {"Retry-After": retry_after} if retry_after else {}
    return httpx2.Response(429, headers=headers, json={"errors": [{"message": "slow down"}]})


def test_a_429_is_retried_after_retry_after(clock: Clock) -> None:
    api = graphql_client(scripted([_throttled("1"), OK]), clock)

    assert api.execute(TOKEN, "{ user { id } }") == {"user": {"id": "u1"}}
    assert clock.sleeps == [1.0]


def test_429_three_times_is_rate_limited(clock: Clock) -> None:
    api = graphql_client(scripted([_throttled("2"), _throttled("2"), _throttled("3")]), clock)

    with pytest.raises(UpworkRateLimited) as caught:
        api.execute(TOKEN, "{ user { id } }")

    assert clock.sleeps == [2.0, 2.0]  # three tries at most
    assert caught.value.retry_after == 3
    assert caught.value.status == 503
    assert caught.value.headers["Retry-After"] == "3"
    assert isinstance(caught.value, UpstreamThrottled)
    assert isinstance(caught.value, UpworkError)


def test_a_retry_after_above_the_cap_is_not_waited_for(clock: Clock) -> None:
    api = graphql_client(scripted([_throttled("120")]), clock)

    with pytest.raises(UpworkRateLimited) as caught:
        api.execute(TOKEN, "{ user { id } }")

    assert clock.sleeps == []
    assert caught.value.retry_after == 120


def test_a_429_without_retry_after_backs_off(clock: Clock) -> None:
    api = graphql_client(scripted([_throttled(None), _throttled(None), OK]), clock)

    api.execute(TOKEN, "{ user { id } }")

    assert clock.sleeps == [0.5, 1.0]


def test_5xx_is_retried_then_reported_as_upstream_error(clock: Clock) -> None:
    api = graphql_client(scripted([httpx2.Response(503), httpx2.Response(502), httpx2.Response(500)]), clock)

    with pytest.raises(UpworkError) as caught:
        api.execute(TOKEN, "{ user { id } }")

    assert caught.value.status == 502
    assert caught.value.upstream_status == 500
    assert isinstance(caught.value, UpstreamError)
    assert clock.sleeps == [0.5, 1.0]


def test_network_errors_are_retried(clock: Clock) -> None:
    api = graphql_client(scripted([httpx2.ConnectError("refused"), OK]), clock)

    assert api.execute(TOKEN, "{ user { id } }") == {"user": {"id": "u1"}}


def test_network_errors_give_up_after_three_tries(clock: Clock) -> None:
    failures = [httpx2.ReadTimeout("slow"), httpx2.ConnectError("refused"), httpx2.ConnectError("refused")]
    api = graphql_client(scripted(failures), clock)

    with pytest.raises(UpworkError, match="unreachable"):
        api.execute(TOKEN, "{ user { id } }")


@pytest.mark.parametrize("status", [401, 403])
def test_http_401_403_are_auth_errors_without_retry(clock: Clock, status: int) -> None:
    body = {"errors": [{"message": "nope", "extensions": {"code": "UNAUTHENTICATED"}}]}
    api = graphql_client(scripted([httpx2.Response(status, json=body)]), clock)

    with pytest.raises(UpworkAuthError) as caught:
        api.execute(TOKEN, "{ user { id } }")

    assert caught.value.code == "UNAUTHENTICATED"
    assert clock.sleeps == []


@pytest.mark.parametrize(
    ("code", "error_type"),
    [
        ("UNAUTHENTICATED", UpworkAuthError),
        ("FORBIDDEN", UpworkPermissionError),
        ("PERMISSION_DENIED", UpworkPermissionError),
        ("TOO_MANY_REQUESTS", UpworkRateLimited),
        ("BAD_USER_INPUT", UpworkError),
        (None, UpworkError),
    ],
)
def test_graphql_errors_are_typed(clock: Clock, code: str | None, error_type: type[Exception]) -> None:
    error = {"message": "Something about the query", "extensions": {"code": code} if code else {}}
    api = graphql_client(scripted([httpx2.Response(200, json={"data": None, "errors": [error]})]), clock)

    with pytest.raises(error_type) as caught:
        api.execute(TOKEN, "{ user { id } }")

    assert type(caught.value) is error_type
    assert "Something about the query" in str(caught.value)


def test_a_partial_result_is_used_and_its_errors_logged(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    # Given Upwork answering a page with one node it could not fully give (data and errors together)
    nodes = [
        {
            "id": "p1",
            "marketplaceJobPosting": None,
            "status": {"status": "Hired"},
            "auditDetails": {"createdDateTime": {"rawValue": "1735689600000"}},
        },
        None,
    ]
    body = {
        "data": {
            "vendorProposals": {
                "edges": [{"cursor": "a", "node": nodes[0]}, {"cursor": "b", "node": nodes[1]}],
                "pageInfo": {"hasNextPage": False, "endCursor": "b"},
            }
        },
        "errors": [
            {
                "message": "not enough oauth2 permissions/scopes to access: MarketplaceJobPosting",
                "path": ["vendorProposals", "edges", 0, "node", "marketplaceJobPosting"],
                "extensions": {"code": "FORBIDDEN"},
            },
            {"message": "boom", "path": ["vendorProposals", "edges", 1, "node"], "extensions": {"code": "X"}},
        ],
    }
    api = graphql_client(scripted([httpx2.Response(200, json=body)]), clock)

    # When the client reads it
    with caplog.at_level(logging.WARNING, logger="bidcraft.upwork.graphql"):
        proposals = list(api.iter_proposals(TOKEN, statuses=["Hired"]))

    # Then what Upwork gave is used, what it did not stays absent, and the errors are logged by code and path
    found = [(p.proposal_id, p.status, p.job_id, p.category) for p in proposals]
    assert found == [("p1", "hired", None, None)]
    assert "partial result" in caplog.text
    assert "FORBIDDEN" in caplog.text
    assert "vendorProposals.edges.0.node.marketplaceJobPosting" in caplog.text


@pytest.mark.parametrize(
    "response",
    [
        httpx2.Response(200, text="<html>maintenance</html>"),
        httpx2.Response(200, json=["not", "an", "object"]),
        httpx2.Response(200, json={"data": None}),
        httpx2.Response(400, json={"errors": [{"message": "bad"}]}),
    ],
)
def test_unusable_responses_are_upworkerrors(clock: Clock, response: httpx2.Response) -> None:
    api = graphql_client(scripted([response]), clock)

    with pytest.raises(UpworkError):
        api.execute(TOKEN, "{ user { id } }")


def test_request_shape_and_no_token_in_logs_or_errors(clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    seen: list[httpx2.Request] = []
    api = graphql_client(scripted([_throttled(), httpx2.Response(500), httpx2.Response(500)], seen), clock)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(UpworkError) as caught:
        api.execute(SecretStr(TOKEN), "query Q { user { id } }", {"a": 1}, operation_name="Q")

    request = seen[0]
    assert str(request.url) == BASE_URL + "/graphql"
    assert request.headers["authorization"] == f"Bearer {TOKEN}"
    assert request.headers["content-type"] == "application/json"
    assert request.read() == b'{"query":"query Q { user { id } }","variables":{"a":1},"operationName":"Q"}'
    assert TOKEN not in caplog.text
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(api)


def test_page_size_is_validated(clock: Clock) -> None:
    api = graphql_client(scripted([]), clock)

    with pytest.raises(ValueError, match="page_size"):
        list(api.iter_proposals(TOKEN, page_size=41))  # Upwork refuses more than 40


def test_pagination_stops_on_a_repeated_cursor(clock: Clock) -> None:
    node = {
        "id": "p1",
        "status": {"status": "Hired"},
        "auditDetails": {"createdDateTime": {"rawValue": "1735689600000"}},
    }
    page = {
        "data": {
            "vendorProposals": {
                "edges": [{"cursor": "same", "node": node}],
                "pageInfo": {"hasNextPage": True, "endCursor": "same"},
            }
        }
    }
    api = graphql_client(scripted([httpx2.Response(200, json=page), httpx2.Response(200, json=page)]), clock)

    proposals = list(api.iter_proposals(TOKEN, statuses=["Hired"]))

    assert [p.proposal_id for p in proposals] == ["p1", "p1"]


def test_contracts_are_paged_by_offset_until_a_short_page(clock: Clock) -> None:
    def page(*ids: str) -> httpx2.Response:
        contracts = [{"id": i, "status": "ACTIVE", "startDate": "2025-01-01"} for i in ids]
        return httpx2.Response(200, json={"data": {"vendorContracts": {"contracts": contracts}}})

    seen: list[httpx2.Request] = []
    api = graphql_client(scripted([page("c1", "c2"), page("c3")], seen), clock)

    contracts = list(api.iter_contracts(TOKEN, "vendor-7", page_size=2))

    assert [c.contract_id for c in contracts] == ["c1", "c2", "c3"]
    sent = [json.loads(request.read())["variables"] for request in seen]
    assert sent == [
        {"filter": {"vendorId": "vendor-7"}, "paging": {"offset": 0, "limit": 2}},
        {"filter": {"vendorId": "vendor-7"}, "paging": {"offset": 2, "limit": 2}},
    ]


# ------------------------------------------------------------------------------------------------------ oauth


def _oauth(
    responses: list[httpx2.Response], clock: Clock, seen: list[httpx2.Request] | None = None
) -> UpworkOAuth:
    http = make_client(transport=scripted(responses, seen))
    return UpworkOAuth(BASE_URL, CLIENT_ID, CLIENT_SECRET, http, clock=clock, sleep=clock.sleep)


def test_token_request_is_form_encoded_with_client_credentials(clock: Clock) -> None:
    seen: list[httpx2.Request] = []
    body = {"access_token": "a", "refresh_token": "r", "token_type": "bearer", "expires_in": 3600}
    oauth = _oauth([httpx2.Response(200, json=body)], clock, seen)

    tokens = oauth.exchange_code("the-code", "v" * 43, "http://localhost/cb")

    form = dict(httpx2.QueryParams(seen[0].read().decode()))
    assert str(seen[0].url) == BASE_URL + "/api/v3/oauth2/token"
    assert seen[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert form == {
        "grant_type": "authorization_code",
        "code": "the-code",
        "code_verifier": "v" * 43,
        "redirect_uri": "http://localhost/cb",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    assert tokens.expires_at == datetime(2025, 6, 1, 13, 0, tzinfo=UTC)
    assert CLIENT_SECRET not in repr(oauth)


def test_refresh_without_a_new_refresh_token_keeps_the_old_one(clock: Clock) -> None:
    body = {"access_token": "a2", "token_type": "Bearer", "expires_in": 86400}
    oauth = _oauth([httpx2.Response(200, json=body)], clock)

    tokens = oauth.refresh(SecretStr("r1"))

    assert tokens.refresh_token.get_secret_value() == "r1"


@pytest.mark.parametrize(
    ("response", "error_type"),
    [
        (
            httpx2.Response(400, json={"error": "invalid_grant", "error_description": "expired"}),
            UpworkGrantError,
        ),
        (httpx2.Response(401, json={"error": "invalid_client"}), UpworkAuthError),
        (httpx2.Response(400, json={"error": "invalid_request"}), UpworkError),
        (httpx2.Response(200, json={"access_token": "a", "refresh_token": "r"}), UpworkError),
        (httpx2.Response(200, json={"access_token": "a", "expires_in": 10}), UpworkError),
        (
            httpx2.Response(
                200, json={"access_token": "a", "refresh_token": "r", "expires_in": 1, "token_type": "mac"}
            ),
            UpworkError,
        ),
        (httpx2.Response(200, text="not json"), UpworkError),
    ],
)
def test_token_endpoint_errors(clock: Clock, response: httpx2.Response, error_type: type[Exception]) -> None:
    oauth = _oauth([response], clock)

    with pytest.raises(error_type) as caught:
        oauth.exchange_code("c", "v" * 43, "http://localhost/cb")

    assert type(caught.value) is error_type


def test_token_endpoint_429_is_retried(clock: Clock) -> None:
    body = {"access_token": "a", "refresh_token": "r", "token_type": "Bearer", "expires_in": 60}
    oauth = _oauth([_throttled("1"), httpx2.Response(200, json=body)], clock)

    oauth.refresh("r0")

    assert clock.sleeps == [1.0]


def test_token_exchange_is_not_resent_after_a_network_error(clock: Clock) -> None:
    oauth = _oauth([httpx2.ConnectError("reset")], clock)  # type: ignore[list-item]

    with pytest.raises(UpworkError, match="unreachable"):
        oauth.exchange_code("c", "v" * 43, "http://localhost/cb")


def test_revoke(clock: Clock) -> None:
    seen: list[httpx2.Request] = []
    oauth = _oauth([httpx2.Response(200)], clock, seen)

    oauth.revoke(SecretStr("tok"))

    assert str(seen[0].url) == BASE_URL + "/api/v3/oauth2/token/revoke"
    assert dict(httpx2.QueryParams(seen[0].read().decode()))["token"] == "tok"


# ---------------------------------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"rawValue": "1735689600000"}, datetime(2025, 1, 1, tzinfo=UTC)),
        (1735689600000, datetime(2025, 1, 1, tzinfo=UTC)),
        (1735689600, datetime(2025, 1, 1, tzinfo=UTC)),
        ("2025-01-01T00:00:00.000Z", datetime(2025, 1, 1, tzinfo=UTC)),
        ("2025-01-01T02:00:00+02:00", datetime(2025, 1, 1, tzinfo=UTC)),
        ("2025-01-01", datetime(2025, 1, 1, tzinfo=UTC)),
        ("yesterday", None),
        (None, None),
    ],
)
def test_upwork_dates(value: object, expected: datetime | None) -> None:
    assert moment(value) == expected


def test_retry_policy_backoff_is_capped() -> None:
    policy = RetryPolicy(base_delay=1.0, max_delay=3.0)

    assert [policy.backoff(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 3.0, 3.0]
