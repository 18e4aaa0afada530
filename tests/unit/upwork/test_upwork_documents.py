"""Drift cannot return: every GraphQL document in the code is valid against Upwork's schema, and every
variable set the client builds for it coerces (graphql-core); documents are found by scanning the source."""

from __future__ import annotations

import ast
import importlib
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest
from graphql import OperationDefinitionNode, get_variable_values, parse

from bidcraft.upwork import UpworkGraphQL, UpworkOAuth, make_client
from devserver.sandbox import UpworkSandbox
from devserver.sandbox.schema import schema, validated
from devserver.sandbox.transport import mock_transport

from .helpers import BASE_URL, CLIENT_ID, CLIENT_SECRET, Clock, sign_in

ROOT = Path(__file__).resolve().parents[3]
SOURCES = (ROOT / "layers" / "common" / "bidcraft", ROOT / "functions")
DOCUMENT = re.compile(r"^\s*(query|mutation|subscription)\b[\s\S]*\{", re.MULTILINE)


def _module_name(path: Path) -> str:
    relative = (
        path.relative_to(ROOT / "layers" / "common") if "layers" in path.parts else path.relative_to(ROOT)
    )
    return ".".join(relative.with_suffix("").parts)


def _documents() -> Iterator[tuple[str, str, str]]:
    """`(where, name, text)` of every GraphQL document literal in the deployed code.

    A document must be a module-level constant (so it is checked by value, f-strings included); a document
    literal anywhere else fails the scan.
    """
    for source in SOURCES:
        for path in sorted(source.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            top_level: dict[int, str] = {}
            for statement in tree.body:
                if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
                    target = statement.targets[0]
                    if isinstance(target, ast.Name):
                        top_level[id(statement.value)] = target.id
            parts = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
            for node in ast.walk(tree):
                if id(node) in parts:
                    continue  # a piece of an f-string: the whole f-string is checked
                text = _literal(node)
                if text is None or not DOCUMENT.search(text):
                    continue
                where = f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"
                name = top_level.get(id(node))
                assert name is not None, f"{where}: a GraphQL document must be a module-level constant"
                value = getattr(importlib.import_module(_module_name(path)), name)
                yield where, name, value


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        )
    return None


FOUND = list(_documents())


def test_the_scan_finds_the_documents_the_client_sends() -> None:
    names = {name for _, name, _ in FOUND}

    assert {"USER", "PROFILE", "PROPOSALS", "CONTRACTS", "ACCOUNTING_ENTITY", "TRANSACTIONS"} <= names
    assert {"FREELANCERS", "JOB_SEARCH", "JOB"} <= names


@pytest.mark.parametrize(("where", "name", "text"), FOUND, ids=[f[0] for f in FOUND])
def test_every_document_is_valid_against_upworks_schema(where: str, name: str, text: str) -> None:
    document, errors, code = validated(text)

    assert document is not None, f"{where} {name}: {code}: {[e.message for e in errors]}"


# --------------------------------------------------------------------------------------- variable coercion


class Recorder:
    """A transport that remembers every GraphQL request the client sends, then lets the sandbox answer."""

    def __init__(self, sandbox: UpworkSandbox) -> None:
        self.inner = mock_transport(sandbox)
        self.sent: list[dict[str, Any]] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path.endswith("/graphql"):
            self.sent.append(json.loads(request.read()))
        return self.inner.handle_request(request)


def _coerce(query: str, variables: dict[str, Any]) -> Any:
    operation = next(d for d in parse(query).definitions if isinstance(d, OperationDefinitionNode))
    coerced = get_variable_values(schema(), operation.variable_definitions or (), variables)
    assert not isinstance(coerced, list), [error.message for error in coerced]
    return coerced


def test_every_variable_set_the_client_builds_coerces(clock: Clock) -> None:
    # Given the real client, recorded, against the sandbox
    sandbox = UpworkSandbox(CLIENT_ID, CLIENT_SECRET, clock)
    recorder = Recorder(sandbox)
    http = make_client(transport=httpx2.MockTransport(recorder.handle_request))
    oauth = UpworkOAuth(BASE_URL, CLIENT_ID, CLIENT_SECRET, http, clock=clock, sleep=clock.sleep)
    api = UpworkGraphQL(BASE_URL, http, sleep=clock.sleep, clock=clock)
    tokens = sign_in(oauth, http, sandbox_user="drift", sandbox_proposals="120")
    token = tokens.access_token

    # When every reader runs, with every option it has
    identity = api.fetch_identity(token)
    list(api.iter_proposals(token))
    list(api.iter_proposals(token, page_size=7, statuses=["Hired"]))
    list(api.iter_contracts(token, identity.upwork_user_id, page_size=3))
    list(api.iter_transactions(token, clock.now - timedelta(days=400), clock.now, window_days=30))
    api.search_freelancers(
        token, "Web, Mobile & Software Dev", ["Python"], limit=12, page_size=5, enrich_top=2
    )
    api.search_freelancers(token, None, limit=3)
    service = oauth.client_credentials().access_token
    jobs = list(
        api.search_jobs(
            service,
            query="python api",
            category="531770282580668418",
            skills=["Python", "Django"],
            job_type="hourly",
            min_budget=99.5,
            min_hourly_rate=20,
            verified_payment_only=True,
            posted_after=clock.now - timedelta(hours=1),
            limit=3,
            page_size=2,
        )
    )
    found = next(api.search_jobs(service, skills=["Python"], limit=1))
    api.get_job(service, found.job_id)
    assert jobs is not None

    # Then every request's variables coerce to the schema, and every document found was sent
    assert recorder.sent
    for request in recorder.sent:
        _coerce(request["query"], request.get("variables") or {})
    sent_documents = {request["query"] for request in recorder.sent}
    assert {text for _, _, text in FOUND} <= sent_documents


def test_a_variable_set_that_drifted_does_not_coerce() -> None:
    # The old proposals filter: no status_eq, a status_any Upwork does not have
    from bidcraft.upwork import queries

    variables = {
        "filter": {"status_any": ["Hired"]},
        "sortAttribute": {"field": "CREATEDDATETIME", "sortOrder": "DESC"},
        "pagination": {"first": 40},
    }
    operation = next(
        d for d in parse(queries.PROPOSALS).definitions if isinstance(d, OperationDefinitionNode)
    )

    errors = get_variable_values(schema(), operation.variable_definitions or (), variables)

    assert isinstance(errors, list)
    assert any("status_eq" in error.message for error in errors)


# ------------------------------------------------------------------------- documents Upwork would refuse

# The documents this service sent before they were checked against Upwork's reference (issue 6).
REFUSED = {
    "profile without a Money selection": """
        query BidcraftProfile($profileKey: String!) {
          freelancerProfileByProfileKey(profileKey: $profileKey) {
            aggregates { jobSuccessScore totalEarnings }
          }
        }""",
    "proposals with viewedByClient": """
        query BidcraftProposals($filter: VendorProposalFilter!, $sortAttribute: VendorProposalSortAttribute!,
                                $pagination: Pagination!) {
          vendorProposals(filter: $filter, sortAttribute: $sortAttribute, pagination: $pagination) {
            edges { node { id viewedByClient } }
          }
        }""",
    "contracts through a connection": """
        query BidcraftContracts($filter: VendorContractSearchFilter, $pagination: Pagination!) {
          vendorContracts(filter: $filter, pagination: $pagination) { totalCount edges { node { id } } }
        }""",
    "talent search without fragments": """
        query BidcraftFreelancers($searchFilter: FreelancerProfileSearchFilter!, $pagination: Pagination!) {
          freelancerProfileSearchRecords(searchFilter: $searchFilter, pagination: $pagination) {
            edges { node { id title } }
          }
        }""",
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_the_sandbox_refuses_what_upwork_would_refuse(name: str, clock: Clock) -> None:
    sandbox = UpworkSandbox(CLIENT_ID, CLIENT_SECRET, clock)
    http = make_client(transport=mock_transport(sandbox))
    oauth = UpworkOAuth(BASE_URL, CLIENT_ID, CLIENT_SECRET, http, clock=clock, sleep=clock.sleep)
    token = sign_in(oauth, http).access_token.get_secret_value()

    response = http.post(
        f"{BASE_URL}/graphql",
        json={"query": REFUSED[name], "variables": {}},
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert body["errors"]
    assert {error["extensions"]["code"] for error in body["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}
    assert all(error["locations"] for error in body["errors"])
