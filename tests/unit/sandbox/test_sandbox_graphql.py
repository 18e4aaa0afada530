"""The sandbox's GraphQL API: auth, Upwork's root fields and shapes, pagination, determinism, errors."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

from devserver.sandbox import UpworkSandbox
from devserver.sandbox.shapes import UPWORK_PROPOSAL_STATUS

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
TRANSACTIONS = """
query Rows($f: TransactionHistoryFilter!) {
  transactionHistory(transactionHistoryFilter: $f) {
    transactionDetail {
      transactionHistoryRow { recordId relatedAssignment amountCreditedToUser { rawValue } }
    }
  }
}
"""
ACE = "query { accountingEntity { id } }"
STATUSES = ("Pending", "Activated", "Hired", "Declined", "Withdrawn", "Archived")


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


def _proposals_page(
    driver: Driver, token: str, first: Any, after: str | None = None, status: str = "Pending"
) -> Any:
    variables = {"pagination": {"first": first, "after": after}, "filter": {"status_eq": status}}
    return driver.graphql(token, PROPOSALS, variables)


def _all_proposals(
    driver: Driver, clock: FakeClock, token: str, status: str, first: int = 40
) -> list[dict[str, Any]]:
    nodes, after = [], None
    while True:
        clock.advance(seconds=0.11)  # stay under the 10 requests/second limit
        connection = _data(_proposals_page(driver, token, first, after, status))["vendorProposals"]
        nodes += [edge["node"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes
        after = connection["pageInfo"]["endCursor"]


def _ace(driver: Driver, token: str) -> str:
    return str(_data(driver.graphql(token, ACE))["accountingEntity"]["id"])


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


def test_profile_by_profile_key_answers_exactly_the_selection_with_money_objects(
    driver: Driver, unique_user
) -> None:
    user = unique_user()
    token = driver.sign_in(user)["access_token"]
    key = _data(driver.graphql(token, "{ user { ciphertext } }"))["user"]["ciphertext"]

    data = _data(
        driver.graphql(
            token,
            "query($k: String!) { freelancerProfileByProfileKey(profileKey: $k) { "
            "personalData { title chargeRate { rawValue currency } } "
            "aggregates { totalEarnings { rawValue currency } } } }",
            {"k": key},
        )
    )

    account = driver.sandbox.account(user)
    assert account is not None
    assert data["freelancerProfileByProfileKey"] == {
        "personalData": {
            "title": account.profile.title,
            "chargeRate": {"rawValue": f"{account.profile.hourly_rate:.2f}", "currency": "USD"},
        },
        "aggregates": {
            "totalEarnings": {"rawValue": f"{account.profile.total_earnings:.2f}", "currency": "USD"}
        },
    }


def test_unknown_profile_key_is_a_field_error_with_a_path(driver: Driver) -> None:
    token = driver.sign_in()["access_token"]

    response = driver.graphql(
        token,
        '{ me: user { id } p: freelancerProfileByProfileKey(profileKey: "~none") '
        "{ personalData { title } } }",
    )

    body = response.json()
    assert response.status == 200
    assert body["data"] == {"me": {"id": "demo"}, "p": None}
    [error] = body["errors"]
    assert error["message"] == "Profile '~none' not found"
    assert error["extensions"] == {"code": "NOT_FOUND"}
    assert error["path"] == ["p"]
    assert error["locations"] == [{"line": 1, "column": 19}]


def test_contracts_come_from_hired_proposals_and_payments_from_contracts(
    driver: Driver, clock: FakeClock, unique_user
) -> None:
    user = unique_user("worker")
    token = driver.sign_in(user, proposals=300)["access_token"]
    account = driver.sandbox.account(user)
    assert account is not None

    contracts = _data(
        driver.graphql(
            token,
            "query($v: ID!) { vendorContracts(filter: {vendorId: $v}, paging: {offset: 0, limit: 100}) "
            "{ paging { offset limit } contracts { id offer { vendorProposal { id } } "
            "terms { hourlyTerms { hourlyRate { rawValue } } "
            "fixedPriceTerms { fixedAmount { rawValue } } } } } }",
            {"v": user},
        )
    )["vendorContracts"]
    clock.advance(seconds=1)
    window = {"rangeStart": "2020-01-01", "rangeEnd": "2030-12-31"}
    rows = _data(
        driver.graphql(
            token,
            TRANSACTIONS,
            {"f": {"aceIds_any": [_ace(driver, token)], "transactionDateTime_bt": window}},
        )
    )["transactionHistory"]["transactionDetail"]["transactionHistoryRow"]

    hired = {p.id for p in account.proposals if p.status == "hired"}
    assert contracts["paging"] == {"offset": 0, "limit": 100}
    assert len(contracts["contracts"]) == len(hired) > 0
    assert {c["offer"]["vendorProposal"]["id"] for c in contracts["contracts"]} == hired
    for contract in contracts["contracts"]:
        terms = contract["terms"]
        assert isinstance(terms["hourlyTerms"], list)  # Upwork lists terms, one per change
        assert len(terms["hourlyTerms"]) + len(terms["fixedPriceTerms"]) == 1
    contract_ids = {c["id"] for c in contracts["contracts"]}
    assert rows
    assert all(isinstance(row["relatedAssignment"], int) for row in rows)  # a number, as Upwork has it
    assert {str(row["relatedAssignment"]) for row in rows} <= contract_ids
    total = sum(float(row["amountCreditedToUser"]["rawValue"]) for row in rows)
    assert total == pytest.approx(account.profile.total_earnings)


def test_contracts_of_another_vendor_are_refused(driver: Driver) -> None:
    token = driver.sign_in("someone")["access_token"]

    body = driver.graphql(
        token, '{ vendorContracts(filter: {vendorId: "other"}) { contracts { id } } }'
    ).json()

    assert body["data"] == {"vendorContracts": None}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_transaction_history_filters_by_date_range(driver: Driver, clock: FakeClock, unique_user) -> None:
    user = unique_user()
    token = driver.sign_in(user, proposals=300)["access_token"]
    account = driver.sandbox.account(user)
    assert account is not None
    middle = account.payments[len(account.payments) // 2].occurred_at.date()

    window = {"rangeStart": middle.isoformat(), "rangeEnd": middle.isoformat()}
    ace = _ace(driver, token)
    rows = _data(
        driver.graphql(token, TRANSACTIONS, {"f": {"aceIds_any": [ace], "transactionDateTime_bt": window}})
    )["transactionHistory"]["transactionDetail"]["transactionHistoryRow"]

    expected = [p.id for p in account.payments if p.occurred_at.date() == middle]
    assert [row["recordId"] for row in rows] == expected


def test_transaction_history_requires_the_accounting_entity_and_a_range(
    driver: Driver, clock: FakeClock
) -> None:
    token = driver.sign_in()["access_token"]
    window = {"rangeStart": "2024-01-01", "rangeEnd": "2024-12-31"}

    no_ace = _errors(driver.graphql(token, TRANSACTIONS, {"f": {"transactionDateTime_bt": window}}))
    no_range = _errors(driver.graphql(token, TRANSACTIONS, {"f": {"aceIds_any": [_ace(driver, token)]}}))
    clock.advance(seconds=1)
    other = driver.graphql(
        token, TRANSACTIONS, {"f": {"aceIds_any": ["123"], "transactionDateTime_bt": window}}
    )

    assert no_ace[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert no_range[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert other.json()["data"] == {"transactionHistory": None}
    assert other.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


# ----------------------------------------------------------------------------------------------- pagination


def test_paging_through_5000_proposals(driver: Driver, clock: FakeClock, unique_user) -> None:
    # Given an account with 5,000 past proposals
    user = unique_user("busy")
    started = time.process_time()
    token = driver.sign_in(user, proposals=5000)["access_token"]
    sign_in_seconds = time.process_time() - started

    # When a client follows the cursors 40 at a time, one status after another (Upwork's only way)
    started = time.process_time()
    by_status = {status: _all_proposals(driver, clock, token, status) for status in STATUSES}
    paging_seconds = time.process_time() - started

    # Then it sees every proposal exactly once, newest first within each status, quickly
    ids = [node["id"] for nodes in by_status.values() for node in nodes]
    assert len(ids) == 5000
    assert len(set(ids)) == 5000
    for status, nodes in by_status.items():
        created = [int(node["auditDetails"]["createdDateTime"]["rawValue"]) for node in nodes]
        assert created == sorted(created, reverse=True)
        assert {node["status"]["status"] for node in nodes} <= {status}
    assert sign_in_seconds < budget(1.0)
    assert paging_seconds < budget(8.0)
    statuses = Counter(node["status"]["status"] for nodes in by_status.values() for node in nodes)
    assert set(statuses) <= set(UPWORK_PROPOSAL_STATUS.values())
    assert statuses["Hired"] > 0


def test_page_info_and_cursors(driver: Driver, unique_user) -> None:
    user = unique_user()
    token = driver.sign_in(user, proposals=60)["access_token"]
    account = driver.sandbox.account(user)
    assert account is not None
    status, count = Counter(UPWORK_PROPOSAL_STATUS[p.status] for p in account.proposals).most_common(1)[0]
    assert count > 3

    first = _data(_proposals_page(driver, token, 2, status=status))["vendorProposals"]
    last = _data(_proposals_page(driver, token, 40, first["pageInfo"]["endCursor"], status))[
        "vendorProposals"
    ]

    assert first["totalCount"] == count
    assert first["pageInfo"] == {"hasNextPage": True, "endCursor": first["edges"][-1]["cursor"]}
    assert len(last["edges"]) == count - 2
    assert last["pageInfo"]["hasNextPage"] is False


def test_status_filter(driver: Driver, unique_user) -> None:
    user = unique_user()
    token = driver.sign_in(user, proposals=200)["access_token"]

    page = _data(_proposals_page(driver, token, 40, status="Hired"))["vendorProposals"]

    account = driver.sandbox.account(user)
    assert account is not None
    assert page["totalCount"] == sum(1 for p in account.proposals if p.status == "hired")
    assert {edge["node"]["status"]["status"] for edge in page["edges"]} == {"Hired"}


def test_upwork_refuses_proposals_without_a_status_and_pages_above_40(driver: Driver) -> None:
    token = driver.sign_in()["access_token"]
    query = PROPOSALS

    no_status = _errors(driver.graphql(token, query, {"pagination": {"first": 10}, "filter": {}}))
    any_status = _errors(
        driver.graphql(token, query, {"pagination": {"first": 10}, "filter": {"status_any": ["Hired"]}})
    )
    too_big = _errors(_proposals_page(driver, token, 41))

    assert no_status[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "status_eq" in no_status[0]["message"]
    assert any_status[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert too_big[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert too_big[0]["path"] == ["vendorProposals"]


@pytest.mark.parametrize(
    ("first", "path"), [(0, ["vendorProposals"]), (41, ["vendorProposals"]), ("5", None)]
)
def test_page_size_is_bounded(driver: Driver, first: Any, path: list[str] | None) -> None:
    token = driver.sign_in()["access_token"]

    errors = _errors(_proposals_page(driver, token, first))

    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert errors[0].get("path") == path


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
        pages.append(_proposals_page(driver, token, 40).json())

    assert pages[0] == pages[1]


TALENT = """
query Talent($f: FreelancerProfileSearchFilter!) {
  freelancerProfileSearchRecords(searchFilter: $f, pagination: {first: 20}) {
    totalCount
    edges { node { ... on FreelancerProfilesSearchRecord { ciphertext title skills { preferredLabel }
                                                          hourlyRate { rawValue currency } } } }
  }
}
"""


def test_market_data_is_the_same_for_every_account(driver: Driver, clock: FakeClock) -> None:
    search = {"f": {"userType": "FREELANCER", "keyword": "Python"}}
    results = []
    for user in ("market-a", "market-b"):
        token = driver.sign_in(user)["access_token"]
        results.append(_data(driver.graphql(token, TALENT, search))["freelancerProfileSearchRecords"])

    assert results[0] == results[1]
    assert 0 < results[0]["totalCount"] < 9 * 150
    top = results[0]["edges"][0]["node"]
    assert "Python" in [skill["preferredLabel"] for skill in top["skills"]]
    assert float(top["hourlyRate"]["rawValue"]) > 0


def test_talent_search_needs_user_type_and_fragments_on_the_union(driver: Driver) -> None:
    token = driver.sign_in()["access_token"]
    plain = (
        '{ freelancerProfileSearchRecords(searchFilter: {keyword: "x"}, pagination: {first: 5}) '
        "{ totalCount } }"
    )
    no_fragment = (
        "{ freelancerProfileSearchRecords(searchFilter: {userType: FREELANCER}, pagination: {first: 5}) "
        "{ edges { node { title } } } }"
    )

    assert _errors(driver.graphql(token, plain))[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert _errors(driver.graphql(token, no_fragment))[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_market_freelancer_profiles_resolve(driver: Driver) -> None:
    token = driver.sign_in()["access_token"]
    node = _data(driver.graphql(token, TALENT, {"f": {"userType": "FREELANCER", "keyword": "writing"}}))[
        "freelancerProfileSearchRecords"
    ]["edges"][0]["node"]

    profile = _data(
        driver.graphql(
            token,
            "query($k: String!) { freelancerProfileByProfileKey(profileKey: $k) { personalData { title } } }",
            {"k": node["ciphertext"]},
        )
    )["freelancerProfileByProfileKey"]

    assert profile == {"personalData": {"title": node["title"]}}


# ---------------------------------------------------------------------------------------------- error shapes


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        ("{ whoAmI { id } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("{ user { id }", None, "GRAPHQL_PARSE_FAILED"),
        ("mutation { user { id } }", None, "GRAPHQL_VALIDATION_FAILED"),
        (
            "query($k: String!) { freelancerProfileByProfileKey(profileKey: $k) { personalData { title } } }",
            None,
            "BAD_USER_INPUT",
        ),
        (
            "query { freelancerProfileByProfileKey(profileKey: $k) { personalData { title } } }",
            None,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        ("{ freelancerProfileByProfileKey(profileKey: 1) { id } }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("{ user { id viewedByClient } }", None, "GRAPHQL_VALIDATION_FAILED"),
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
            "recent: vendorProposals(filter: {status_eq: Pending}, "
            "sortAttribute: {field: CREATEDDATETIME, sortOrder: DESC}, pagination: {first: 1}) "
            "{ totalCount edges { node { id } } } }",
            None,
        )
    )

    assert data["me"] == {"id": "demo"}
    assert set(data["user"]) == {"name"}
    assert data["__typename"] == "Query"
    assert len(data["recent"]["edges"]) == min(1, data["recent"]["totalCount"])
