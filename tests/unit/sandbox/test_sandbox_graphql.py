"""The sandbox's GraphQL subset: auth, documented root fields, cursor pagination, determinism, errors."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

from devserver.sandbox import UpworkSandbox
from devserver.sandbox.graphql import UPWORK_PROPOSAL_STATUS

from .helpers import CLIENT_ID, CLIENT_SECRET, Driver, FakeClock, budget

PROPOSALS = """
query Proposals($pagination: Pagination!, $filter: VendorProposalFilter!) {
  vendorProposals(
    filter: $filter, sortAttribute: {field: CREATEDDATETIME, sortOrder: DESC}, pagination: $pagination
  ) {
    totalCount
    edges { cursor node { id status { status } auditDetails { createdDateTime { rawValue } } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def _data(response: Any) -> dict[str, Any]:
    assert response.status == 200, response.body
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def _errors(response: Any) -> list[dict[str, Any]]:
    assert response.status == 200, response.body
    body = response.json()
    assert body["data"] is None
    return body["errors"]


def _proposals_page(driver: Driver, token: str, first: int, after: str | None = None, **filters: Any):
    variables = {"pagination": {"first": first, "after": after}, "filter": filters}
    return driver.graphql(token, PROPOSALS, variables)


def _all_proposals(driver: Driver, clock: FakeClock, token: str, first: int = 100) -> list[dict[str, Any]]:
    nodes, after, pages = [], None, 0
    while True:
        clock.advance(seconds=0.11)  # stay under the 10 requests/second limit
        connection = _data(_proposals_page(driver, token, first, after))["vendorProposals"]
        nodes += [edge["node"] for edge in connection["edges"]]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes
        after = connection["pageInfo"]["endCursor"]


# ------------------------------------------------------------------------------------------------------ auth


@pytest.mark.parametrize("authorization", [None, "not-a-token", "expired-or-unknown"])
def test_graphql_requires_a_valid_bearer_token(driver: Driver, authorization: str | None) -> None:
    response = driver.graphql(authorization, "{ user { id } }")

    assert response.status == 401
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_graphql_refuses_basic_authorization(driver: Driver) -> None:
    response = driver.sandbox.handle(
        "POST",
        "/graphql",
        {},
        {"authorization": "Basic eDp5", "content-type": "application/json"},
        b"{}",
        "9.9.9.9",
    )

    assert response.status == 401


# ----------------------------------------------------------------------------------------------- root fields


def test_user_is_the_sandbox_account(driver: Driver, unique_user) -> None:
    user = unique_user("freelancer")
    token = driver.sign_in(user)["access_token"]

    data = _data(driver.graphql(token, "{ user { id nid rid name email ciphertext } }"))

    assert data["user"]["id"] == user
    assert data["user"]["name"]
    assert data["user"]["email"].endswith("@sandbox.example.com")
    assert data["user"]["ciphertext"].startswith("~01")


def test_profile_by_profile_key(driver: Driver, unique_user) -> None:
    token = driver.sign_in(unique_user())["access_token"]
    key = _data(driver.graphql(token, "{ user { ciphertext } }"))["user"]["ciphertext"]

    data = _data(
        driver.graphql(
            token,
            "query($k: String!) { freelancerProfileByProfileKey(profileKey: $k) { personalData { title } } }",
            {"k": key},
        )
    )

    profile = data["freelancerProfileByProfileKey"]
    assert profile["personalData"]["title"]
    assert float(profile["personalData"]["chargeRate"]["rawValue"]) > 0
    assert profile["aggregates"]["totalEarnings"] >= 0


def test_unknown_profile_key_is_a_field_error_with_a_path(driver: Driver) -> None:
    token = driver.sign_in()["access_token"]

    response = driver.graphql(
        token, '{ me: user { id } p: freelancerProfileByProfileKey(profileKey: "~none") { x } }'
    )

    body = response.json()
    assert response.status == 200
    assert body["data"]["me"]["id"] == "demo"
    assert body["data"]["p"] is None
    assert body["errors"] == [
        {"message": "Profile '~none' not found", "extensions": {"code": "NOT_FOUND"}, "path": ["p"]}
    ]


def test_contracts_come_from_hired_proposals_and_payments_from_contracts(
    driver: Driver, clock: FakeClock, unique_user
) -> None:
    user = unique_user("worker")
    token = driver.sign_in(user, proposals=300)["access_token"]
    account = driver.sandbox.account(user)
    assert account is not None

    contracts = _data(driver.graphql(token, "{ vendorContracts(pagination: {first: 100}) { totalCount } }"))
    rows = _data(
        driver.graphql(
            token,
            "{ transactionHistory(transactionHistoryFilter: {transactionDateTime_bt: "
            '{rangeStart: "2020-01-01", rangeEnd: "2030-12-31"}}) { transactionDetail { x } } }',
        )
    )["transactionHistory"]["transactionDetail"]["transactionHistoryRow"]

    hired = {p.id for p in account.proposals if p.status == "hired"}
    connection = contracts["vendorContracts"]
    assert connection["totalCount"] == len(hired) > 0
    assert {edge["node"]["vendorProposal"]["id"] for edge in connection["edges"]} == hired
    contract_ids = {edge["node"]["id"] for edge in connection["edges"]}
    assert rows
    assert {row["relatedAssignment"] for row in rows} <= contract_ids
    total = sum(float(row["amountCreditedToUser"]["rawValue"]) for row in rows)
    assert total == pytest.approx(account.profile.total_earnings)


def test_transaction_history_filters_by_date_range(driver: Driver, unique_user) -> None:
    user = unique_user()
    token = driver.sign_in(user, proposals=300)["access_token"]
    account = driver.sandbox.account(user)
    assert account is not None
    middle = account.payments[len(account.payments) // 2].occurred_at.date()

    query = (
        "query($f: TransactionHistoryFilter!) { transactionHistory(transactionHistoryFilter: $f) "
        "{ transactionDetail { transactionHistoryRow { recordId } } } }"
    )
    window = {"rangeStart": middle.isoformat(), "rangeEnd": middle.isoformat()}
    rows = _data(driver.graphql(token, query, {"f": {"transactionDateTime_bt": window}}))[
        "transactionHistory"
    ]["transactionDetail"]["transactionHistoryRow"]

    expected = [p.id for p in account.payments if p.occurred_at.date() == middle]
    assert [row["recordId"] for row in rows] == expected


def test_transaction_history_requires_a_range(driver: Driver) -> None:
    token = driver.sign_in()["access_token"]

    errors = _errors(driver.graphql(token, "{ transactionHistory { transactionDetail { x } } }"))

    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


# ----------------------------------------------------------------------------------------------- pagination


def test_paging_through_5000_proposals(driver: Driver, clock: FakeClock, unique_user) -> None:
    # Given an account with 5,000 past proposals
    user = unique_user("busy")
    started = time.perf_counter()
    token = driver.sign_in(user, proposals=5000)["access_token"]
    sign_in_seconds = time.perf_counter() - started

    # When a client follows the cursors 100 at a time
    started = time.perf_counter()
    nodes = _all_proposals(driver, clock, token)
    paging_seconds = time.perf_counter() - started

    # Then it sees every proposal exactly once, newest first, quickly
    ids = [node["id"] for node in nodes]
    assert len(ids) == 5000
    assert len(set(ids)) == 5000
    created = [int(node["auditDetails"]["createdDateTime"]["rawValue"]) for node in nodes]
    assert created == sorted(created, reverse=True)
    assert sign_in_seconds < budget(1.0)
    assert paging_seconds < budget(5.0)
    statuses = Counter(node["status"]["status"] for node in nodes)
    assert set(statuses) <= set(UPWORK_PROPOSAL_STATUS.values())
    assert statuses["Hired"] > 0


def test_page_info_and_cursors(driver: Driver, unique_user) -> None:
    token = driver.sign_in(unique_user(), proposals=5)["access_token"]

    first = _data(_proposals_page(driver, token, 2))["vendorProposals"]
    last = _data(_proposals_page(driver, token, 10, first["pageInfo"]["endCursor"]))["vendorProposals"]

    assert first["totalCount"] == 5
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["edges"][-1]["cursor"] == first["pageInfo"]["endCursor"]
    assert len(last["edges"]) == 3
    assert last["pageInfo"]["hasNextPage"] is False
    assert last["pageInfo"]["hasPreviousPage"] is True


def test_status_filter(driver: Driver, unique_user) -> None:
    user = unique_user()
    token = driver.sign_in(user, proposals=200)["access_token"]

    page = _data(_proposals_page(driver, token, 100, status_eq="Hired"))["vendorProposals"]

    account = driver.sandbox.account(user)
    assert account is not None
    assert page["totalCount"] == sum(1 for p in account.proposals if p.status == "hired")
    assert {edge["node"]["status"]["status"] for edge in page["edges"]} == {"Hired"}


@pytest.mark.parametrize("first", [0, 101, "50"])
def test_page_size_is_bounded(driver: Driver, first: Any) -> None:
    token = driver.sign_in()["access_token"]

    errors = _errors(_proposals_page(driver, token, first))

    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0]["path"] == ["vendorProposals"]


@pytest.mark.parametrize("cursor", ["!!!", "Y29udHJhY3RzOjE", ""])
def test_bad_cursor_is_bad_user_input(driver: Driver, cursor: str) -> None:
    token = driver.sign_in()["access_token"]

    response = _proposals_page(driver, token, 10, cursor or "x")

    assert _errors(response)[0]["extensions"]["code"] == "BAD_USER_INPUT"


# ---------------------------------------------------------------------------------------------- determinism


def test_accounts_are_deterministic_across_sandboxes(clock: FakeClock, unique_user) -> None:
    user = unique_user("same")
    pages = []
    for _ in range(2):
        driver = Driver(UpworkSandbox(CLIENT_ID, CLIENT_SECRET, clock))
        token = driver.sign_in(user, proposals=60)["access_token"]
        pages.append(driver.graphql(token, PROPOSALS, {"pagination": {"first": 60}, "filter": {}}).json())

    assert pages[0] == pages[1]


def test_market_data_is_the_same_for_every_account(driver: Driver, clock: FakeClock) -> None:
    query = (
        '{ freelancerProfileSearchRecords(searchFilter: {categoryIds_any: ["Web, Mobile & Software Dev"], '
        'skills_any: ["Python"]}, pagination: {first: 20}) { totalCount } }'
    )
    results = []
    for user in ("market-a", "market-b"):
        token = driver.sign_in(user)["access_token"]
        results.append(_data(driver.graphql(token, query))["freelancerProfileSearchRecords"])

    assert results[0] == results[1]
    assert results[0]["totalCount"] == 150
    top = results[0]["edges"][0]["node"]
    assert "Python" in [skill["preferredLabel"] for skill in top["skills"]]
    assert float(top["hourlyRate"]["rawValue"]) > 0


def test_market_freelancer_profiles_resolve(driver: Driver) -> None:
    token = driver.sign_in()["access_token"]
    search = '{ freelancerProfileSearchRecords(searchFilter: {categoryIds_any: ["writing"]}) { x } }'
    key = _data(driver.graphql(token, search))["freelancerProfileSearchRecords"]["edges"][0]["node"][
        "ciphertext"
    ]

    profile = _data(
        driver.graphql(
            token, "query($k: String!) { freelancerProfileByProfileKey(profileKey: $k) { x } }", {"k": key}
        )
    )["freelancerProfileByProfileKey"]

    assert profile["identity"]["ciphertext"] == key


# ---------------------------------------------------------------------------------------------- error shapes


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ whoAmI { id } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("{ user { id }", None, "GRAPHQL_PARSE_FAILED"),
        ("mutation { user { id } }", None, "GRAPHQL_VALIDATION_FAILED"),
        (
            "query($k: String!) { freelancerProfileByProfileKey(profileKey: $k) { x } }",
            None,
            "BAD_USER_INPUT",
        ),
        ("query { freelancerProfileByProfileKey(profileKey: $k) { x } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query A { user { id } } query B { user { id } }", None, "GRAPHQL_VALIDATION_FAILED"),
    ],
)
def test_errors_are_http_200_with_errors_array(driver: Driver, query: str, variables: Any, code: str) -> None:
    token = driver.sign_in()["access_token"]

    response = driver.graphql(token, query, variables)

    assert response.status == 200
    body = response.json()
    assert body["data"] is None
    assert isinstance(body["errors"][0]["message"], str)
    assert body["errors"][0]["extensions"]["code"] == code


def test_malformed_http_body_is_400(driver: Driver) -> None:
    token = driver.sign_in()["access_token"]
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}

    response = driver.sandbox.handle("POST", "/graphql", {}, headers, b"{not json", "10.9.9.9")

    assert response.status == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


def test_several_root_fields_and_aliases(driver: Driver) -> None:
    token = driver.sign_in()["access_token"]

    data = _data(
        driver.graphql(
            token,
            "query Both { me: user { id } user { name } __typename "
            "recent: vendorProposals(pagination: {first: 1}) { totalCount } }",
            None,
        )
    )

    assert data["me"]["id"] == "demo"
    assert data["user"]["id"] == "demo"
    assert data["__typename"] == "Query"
    assert len(data["recent"]["edges"]) == 1
