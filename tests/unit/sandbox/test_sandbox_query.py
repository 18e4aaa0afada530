"""The sandbox's GraphQL parsing: root fields, aliases, arguments, variables and their defaults."""

from __future__ import annotations

import pytest

from devserver.sandbox.query import QueryError, parse_request


def test_root_fields_with_aliases_arguments_and_variables() -> None:
    query = """
    # a comment
    query Sync($first: Int = 50, $after: String, $key: String!) {
      me: user { id ...F }
      vendorProposals(filter: {status_eq: Hired}, pagination: {first: $first, after: $after}) {
        edges { node { id status @include(if: true) { status } } }
      }
      freelancerProfileByProfileKey(profileKey: $key) { ... on FreelancerProfile { title } }
    }
    fragment F on User { name }
    """

    operation = parse_request(query, {"key": "~01ab", "after": None}, None)

    assert operation.kind == "query"
    assert operation.name == "Sync"
    assert [(f.key, f.name) for f in operation.fields] == [
        ("me", "user"),
        ("vendorProposals", "vendorProposals"),
        ("freelancerProfileByProfileKey", "freelancerProfileByProfileKey"),
    ]
    assert operation.fields[1].arguments == {
        "filter": {"status_eq": "Hired"},
        "pagination": {"first": 50, "after": None},
    }
    assert operation.fields[2].arguments == {"profileKey": "~01ab"}


def test_literals() -> None:
    operation = parse_request(
        '{ f(a: 1, b: -2.5e1, c: "x\\"y", d: true, e: null, g: [1, [2]], h: """ block """) { x } }',
        None,
        None,
    )

    assert operation.fields[0].arguments == {
        "a": 1,
        "b": -25.0,
        "c": 'x"y',
        "d": True,
        "e": None,
        "g": [1, [2]],
        "h": "block",
    }


def test_operation_name_picks_one_of_several() -> None:
    operation = parse_request("query A { a } query B { b }", None, "B")

    assert [f.name for f in operation.fields] == ["b"]


@pytest.mark.parametrize(
    ("query", "variables", "name", "code"),
    [
        ("{ a ", None, None, "GRAPHQL_PARSE_FAILED"),
        ("{ }", None, None, "GRAPHQL_PARSE_FAILED"),
        ("", None, None, "GRAPHQL_PARSE_FAILED"),
        ("{ a(x: %) }", None, None, "GRAPHQL_PARSE_FAILED"),
        ("query A { a } query B { b }", None, None, "GRAPHQL_VALIDATION_FAILED"),
        ("query A { a }", None, "C", "GRAPHQL_VALIDATION_FAILED"),
        ("query($x: Int!) { a(x: $x) }", {}, None, "BAD_USER_INPUT"),
        ("query($x: Int!) { a(x: $x) }", {"x": None}, None, "BAD_USER_INPUT"),
        ("{ a(x: $undeclared) }", None, None, "GRAPHQL_VALIDATION_FAILED"),
        ("query($x: Int = $y) { a }", None, None, "GRAPHQL_PARSE_FAILED"),
        ("subscribe { a }", None, None, "GRAPHQL_PARSE_FAILED"),
    ],
)
def test_errors(query: str, variables, name, code: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse_request(query, variables, name)

    assert caught.value.code == code
