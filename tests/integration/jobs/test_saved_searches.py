"""Saved searches through JobsFunction: CRUD as API.md says, at most 10, validated, owner-only, and the
registry of distinct searches kept in step (so the poller never scans users)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from bidcraft import aws
from tests.integration.ai.conftest import User

from .conftest import Call

SEARCH = {"name": "Python APIs", "skills": ["Python", "FastAPI"], "min_budget": 500}


def registry_entries() -> dict[str, dict[str, Any]]:
    items = aws.client("dynamodb").query(
        TableName=os.environ["JOBS_TABLE"],
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "REGISTRY"}},
        ConsistentRead=True,
    )["Items"]
    return {item["sk"]["S"]: item for item in items}


def test_create_read_replace_delete(jobs: Call, user: User) -> None:
    # Given a new saved search
    created = jobs("POST", "/api/jobs/searches", SEARCH, token=user.token)
    assert created.status == 201, created.body
    search = created.json
    search_id = search["search_id"]
    # Then it is named by Location and carries the server's fields
    assert created.headers["location"] == f"/api/jobs/searches/{search_id}"
    assert search["name"] == "Python APIs"
    assert search["job_type"] == "any"
    assert search["verified_payment_only"] is False
    assert search["new_jobs_24h"] == 0
    assert search["created_at"].endswith("Z")
    assert "last_polled_at" not in search
    # When it is listed and read
    listed = jobs("GET", "/api/jobs/searches", token=user.token)
    assert [s["search_id"] for s in listed.json["searches"]] == [search_id]
    assert jobs("GET", f"/api/jobs/searches/{search_id}", token=user.token).json == search
    # When it is replaced
    replaced = jobs(
        "PUT",
        f"/api/jobs/searches/{search_id}",
        {"name": "Design", "category": "Design & Creative"},
        token=user.token,
    )
    assert replaced.status == 200, replaced.body
    assert replaced.json["category"] == "Design & Creative"
    assert "skills" not in replaced.json
    assert replaced.json["created_at"] == search["created_at"]
    # When it is deleted, it is gone
    assert jobs("DELETE", f"/api/jobs/searches/{search_id}", token=user.token).status == 204
    assert jobs("GET", f"/api/jobs/searches/{search_id}", token=user.token).status == 404
    assert jobs("DELETE", f"/api/jobs/searches/{search_id}", token=user.token).status == 404


def test_an_eleventh_search_is_a_conflict_and_a_deletion_frees_a_place(jobs: Call, user: User) -> None:
    ids = []
    for n in range(10):
        reply = jobs("POST", "/api/jobs/searches", {"name": f"s{n}", "query": f"word{n}"}, token=user.token)
        assert reply.status == 201, reply.body
        ids.append(reply.json["search_id"])
    eleventh = jobs("POST", "/api/jobs/searches", {"name": "one too many", "query": "x"}, token=user.token)
    assert eleventh.status == 409
    assert eleventh.headers["content-type"].startswith("application/problem+json")
    assert jobs("DELETE", f"/api/jobs/searches/{ids[0]}", token=user.token).status == 204
    assert (
        jobs("POST", "/api/jobs/searches", {"name": "now fits", "query": "x"}, token=user.token).status == 201
    )


def test_invalid_searches_are_422_with_field_errors(jobs: Call, user: User) -> None:
    for body in (
        {"name": "nothing to search"},
        {"name": "x", "query": "q", "job_type": "weekly"},
        {"name": "x", "query": "q", "min_budget": "100"},
        {"name": "x", "query": "q", "alerts": {"channel_ids": [], "min_score": 2}},
        {"name": "x", "query": "q", "user_id": "someone-else"},
    ):
        reply = jobs("POST", "/api/jobs/searches", body, token=user.token)
        assert reply.status == 422, (body, reply.body)
        assert reply.json["errors"]


def test_another_users_search_is_not_found_and_stays_unchanged(
    jobs: Call, sign_up: Callable[[], User]
) -> None:
    owner, other = sign_up(), sign_up()
    search_id = jobs("POST", "/api/jobs/searches", SEARCH, token=owner.token).json["search_id"]
    path = f"/api/jobs/searches/{search_id}"
    assert jobs("GET", path, token=other.token).status == 404
    assert jobs("PUT", path, {"name": "mine now", "query": "x"}, token=other.token).status == 404
    assert jobs("DELETE", path, token=other.token).status == 404
    assert jobs("GET", "/api/jobs/searches", token=other.token).json == {"searches": []}
    assert jobs("GET", path, token=owner.token).json["name"] == "Python APIs"


def test_every_route_needs_a_bearer_token(jobs: Call) -> None:
    for method, path in (
        ("GET", "/api/jobs/searches"),
        ("POST", "/api/jobs/searches"),
        ("GET", "/api/jobs/feed"),
        ("GET", "/api/jobs/12345"),
        ("POST", "/api/jobs/12345/draft"),
    ):
        reply = jobs(method, path, {} if method == "POST" else None)
        assert reply.status == 401, (method, path)
        assert reply.headers["www-authenticate"].startswith("Bearer")


def test_identical_searches_of_different_users_share_one_registry_entry(
    jobs: Call, sign_up: Callable[[], User]
) -> None:
    # Given two users saving the same filters under different names and spellings (service credentials)
    first, second = sign_up(), sign_up()
    unique = f"kotlin{os.urandom(4).hex()}"
    a = jobs("POST", "/api/jobs/searches", {"name": "A", "query": f"{unique} Android"}, token=first.token)
    b = jobs(
        "POST",
        "/api/jobs/searches",
        {"name": "B", "query": f" {unique.upper()}  android"},
        token=second.token,
    )
    assert a.status == b.status == 201
    # Then the registry holds one entry for both
    mine = [e for e in registry_entries().values() if unique in e["filters"]["S"]]
    assert len(mine) == 1
    assert mine[0]["subscribers"]["N"] == "2"
    assert mine[0]["cred_scope"]["S"] == "service"
    # When one of them changes theirs, the entry keeps one subscriber and a new one appears
    jobs(
        "PUT",
        f"/api/jobs/searches/{a.json['search_id']}",
        {"name": "A", "query": f"{unique} iOS"},
        token=first.token,
    )
    counts = sorted(e["subscribers"]["N"] for e in registry_entries().values() if unique in e["filters"]["S"])
    assert counts == ["1", "1"]


def test_with_owner_credentials_identical_searches_stay_apart(
    jobs: Call, sign_up: Callable[[], User], owner_mode: None
) -> None:
    first, second = sign_up(), sign_up()
    unique = f"elixir{os.urandom(4).hex()}"
    for user in (first, second):
        assert (
            jobs("POST", "/api/jobs/searches", {"name": "E", "query": unique}, token=user.token).status == 201
        )
    mine = [e for e in registry_entries().values() if unique in e["filters"]["S"]]
    assert sorted(e["cred_scope"]["S"] for e in mine) == sorted(
        [f"user:{first.user_id}", f"user:{second.user_id}"]
    )
