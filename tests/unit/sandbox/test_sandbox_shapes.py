"""Every shape the sandbox renders fits Upwork's schema: each root field, asked for every field the schema
offers (five levels deep), answers without errors — a rendered dict that lacks a non-null field or has the
wrong type fails here, not on a client that happens to select it."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLNonNull, GraphQLObjectType, GraphQLOutputType, GraphQLUnionType, get_named_type

from devserver.sandbox.schema import schema

from .helpers import Driver, FakeClock


def _selection(kind: GraphQLOutputType, depth: int) -> str | None:
    named = get_named_type(kind)
    if isinstance(named, GraphQLUnionType):
        members = [f"... on {m.name} {_selection(m, depth)}" for m in named.types]
        return "{ __typename " + " ".join(members) + " }"
    if not isinstance(named, GraphQLObjectType) or depth == 0:
        return None
    parts = []
    for name, field in named.fields.items():
        if any(isinstance(argument.type, GraphQLNonNull) for argument in field.args.values()):
            continue
        inner = get_named_type(field.type)
        if isinstance(inner, GraphQLObjectType | GraphQLUnionType):
            sub = _selection(inner, depth - 1)
            if sub:
                parts.append(f"{name} {sub}")
        else:
            parts.append(name)
    return "{ " + " ".join(parts) + " }" if parts else None


def _everything(root: str, arguments: str) -> str:
    field = schema().query_type.fields[root]  # type: ignore[union-attr]
    return f"{{ {root}{arguments} {_selection(field.type, 5) or ''} }}"


def _ask(driver: Driver, clock: FakeClock, token: str, query: str) -> dict[str, Any]:
    clock.advance(seconds=0.2)
    response = driver.graphql(token, query)
    assert response.status == 200, response.body
    body = response.json()
    assert "errors" not in body, body["errors"][:3]
    return body["data"]


def test_every_root_field_answers_every_field_it_offers(driver: Driver, clock: FakeClock) -> None:
    token = driver.sign_in("shapes", proposals=200)["access_token"]
    account = driver.sandbox.account("shapes")
    assert account is not None
    ace = _ask(driver, clock, token, "{ accountingEntity { id } }")["accountingEntity"]["id"]
    published = driver.publish({"title": "Shapes job", "amount": 100, "screening_questions": ["Why?"]})
    job_id = published.json()["job_id"]
    market_key = driver.sandbox.market().freelancers[account.profile.categories[0].id][0].key
    statuses = {"Pending", "Activated", "Hired", "Declined", "Withdrawn", "Archived"}
    roots = [
        ("user", ""),
        ("accountingEntity", ""),
        ("freelancerProfileByProfileKey", f'(profileKey: "{account.profile.key}")'),
        ("freelancerProfileByProfileKey", f'(profileKey: "{market_key}")'),
        *[
            (
                "vendorProposals",
                f"(filter: {{status_eq: {status}}}, "
                "sortAttribute: {field: CREATEDDATETIME, sortOrder: DESC}, pagination: {first: 40})",
            )
            for status in sorted(statuses)
        ],
        ("vendorContracts", '(filter: {vendorId: "shapes"}, paging: {limit: 100})'),
        (
            "transactionHistory",
            f'(transactionHistoryFilter: {{aceIds_any: ["{ace}"], '
            'transactionDateTime_bt: {rangeStart: "2020-01-01", rangeEnd: "2030-01-01"}})',
        ),
        ("marketplaceJobPostingsSearch", "(marketPlaceJobFilter: {pagination_eq: {first: 50}})"),
        ("marketplaceJobPosting", f'(id: "{job_id}")'),
        (
            "freelancerProfileSearchRecords",
            '(searchFilter: {userType: FREELANCER, keyword: "python"}, pagination: {first: 50})',
        ),
    ]

    answered = [_ask(driver, clock, token, _everything(root, arguments))[root] for root, arguments in roots]

    assert all(answer is not None for answer in answered)
    contracts = answered[
        roots.index(("vendorContracts", '(filter: {vendorId: "shapes"}, paging: {limit: 100})'))
    ]
    assert contracts["contracts"], "the account has contracts to check"


@pytest.mark.parametrize("depth", [3, 5])
def test_the_generated_selections_are_themselves_valid(depth: int) -> None:
    from devserver.sandbox.schema import validated

    for name, field in schema().query_type.fields.items():  # type: ignore[union-attr]
        required = [a for a, arg in field.args.items() if isinstance(arg.type, GraphQLNonNull)]
        if required:
            continue
        document, errors, _ = validated(f"{{ {name} {_selection(field.type, depth) or ''} }}")
        assert document is not None, [e.message for e in errors]
