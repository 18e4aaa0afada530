"""The feed through JobsPollerFunction and JobsFunction: a round puts matching jobs in their searches' owners'
feeds (nobody else's), scored with reasons; pages are one Query in score order, filtered, signed."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable
from typing import Any

from bidcraft import aws, clock
from devserver.calls import dynamodb_calls
from tests.integration.ai.conftest import User
from tests.unit.jobs.fakes import FakeSearch, posting

from .conftest import Call


def unique() -> str:
    return "skill" + uuid.uuid4().hex[:10]


def test_a_matching_job_appears_in_its_owners_feed_only_with_scores_and_reasons(
    jobs: Call, sign_up: Callable[[], User], upwork_search: FakeSearch, poll: Callable[[], dict[str, Any]]
) -> None:
    # Given Alice saves a search for a skill, Bob one for another
    alice, bob = sign_up(), sign_up()
    mine, theirs = unique(), unique()
    search = jobs("POST", "/api/jobs/searches", {"name": "mine", "skills": [mine]}, token=alice.token).json
    jobs("POST", "/api/jobs/searches", {"name": "theirs", "skills": [theirs]}, token=bob.token)
    # And Upwork has a job for Alice's skill and an unrelated one
    now = clock.now()
    upwork_search.postings += [
        posting(f"match-{mine}", 3, now=now, skills=(mine, "Python"), client={"payment_verified": True}),
        posting(f"other-{mine}", 2, now=now, skills=("Cobol",), title="Mainframe job"),
    ]
    # When a polling round runs
    report = poll()
    assert report["failed"] == 0, report
    # Then Alice's feed holds the match, scored, with reasons and her search
    feed = jobs("GET", "/api/jobs/feed", token=alice.token)
    assert feed.status == 200, feed.body
    assert [j["job_id"] for j in feed.json["jobs"]] == [f"match-{mine}"]
    job = feed.json["jobs"][0]
    assert set(job["scores"]) == {"fit", "client_quality", "competition", "overall"}
    assert all(0 <= v <= 1 for v in job["scores"].values())
    assert 0 <= job["win_probability"] <= 1
    assert {r["score"] for r in job["reasons"]} >= {"fit", "client_quality", "competition"}
    assert job["matched_searches"] == [search["search_id"]]
    assert job["client"] == {"payment_verified": True}  # what Upwork did not give is absent
    assert feed.json["data_as_of"].endswith("Z")
    assert feed.headers["cache-control"] == "no-store"
    # And Bob's feed holds nothing of it
    assert jobs("GET", "/api/jobs/feed", token=bob.token).json["jobs"] == []
    # And Alice's search shows the round
    seen = jobs("GET", f"/api/jobs/searches/{search['search_id']}", token=alice.token).json
    assert seen["new_jobs_24h"] == 1
    assert seen["last_polled_at"].endswith("Z")


def test_pages_come_in_score_order_and_the_cursor_is_signed(
    jobs: Call, user: User, upwork_search: FakeSearch, poll: Callable[[], dict[str, Any]]
) -> None:
    skill = unique()
    jobs("POST", "/api/jobs/searches", {"name": "s", "skills": [skill]}, token=user.token)
    now = clock.now()
    for n in range(5):
        upwork_search.postings.append(
            posting(
                f"{skill}-{n}",
                10 - n,
                now=now,
                skills=(skill,),
                client={"payment_verified": n % 2 == 0, "total_spent": 10.0**n},
            )
        )
    poll()
    first = jobs("GET", "/api/jobs/feed", token=user.token, query={"limit": "2"})
    assert first.status == 200, first.body
    assert first.json["pagination"]["has_more"] is True
    cursor = first.json["pagination"]["next_cursor"]
    rest = jobs("GET", "/api/jobs/feed", token=user.token, query={"limit": "2", "cursor": cursor}).json
    last = jobs(
        "GET",
        "/api/jobs/feed",
        token=user.token,
        query={"limit": "2", "cursor": rest["pagination"]["next_cursor"]},
    ).json
    pages = first.json["jobs"] + rest["jobs"] + last["jobs"]
    assert len(pages) == 5
    assert rest["data_as_of"] == first.json["data_as_of"]
    keys = [(j["scores"]["overall"], j["posted_at"]) for j in pages]
    assert keys == sorted(keys, reverse=True)
    # An altered cursor, or one replayed with other filters, is a 400
    tampered = cursor[:-3] + ("AAA" if not cursor.endswith("AAA") else "BBB")
    assert (
        jobs("GET", "/api/jobs/feed", token=user.token, query={"limit": "2", "cursor": tampered}).status
        == 400
    )
    other = jobs("GET", "/api/jobs/feed", token=user.token, query={"limit": "3", "cursor": cursor})
    assert other.status == 400
    assert other.json["type"].endswith("/invalid-cursor")


def test_min_score_and_search_filters(
    jobs: Call, user: User, upwork_search: FakeSearch, poll: Callable[[], dict[str, Any]]
) -> None:
    a, b = unique(), unique()
    first = jobs("POST", "/api/jobs/searches", {"name": "a", "skills": [a]}, token=user.token).json
    jobs("POST", "/api/jobs/searches", {"name": "b", "skills": [b]}, token=user.token)
    now = clock.now()
    upwork_search.postings += [
        posting(f"{a}-1", 1, now=now, skills=(a,)),
        posting(f"{b}-1", 1, now=now, skills=(b,)),
    ]
    poll()
    only_a = jobs("GET", "/api/jobs/feed", token=user.token, query={"search_id": first["search_id"]}).json
    assert [j["job_id"] for j in only_a["jobs"]] == [f"{a}-1"]
    everything = jobs("GET", "/api/jobs/feed", token=user.token).json["jobs"]
    top = max(j["scores"]["overall"] for j in everything)
    above = jobs("GET", "/api/jobs/feed", token=user.token, query={"min_score": str(min(1.0, top + 0.0001))})
    assert above.json["jobs"] == []
    assert len(jobs("GET", "/api/jobs/feed", token=user.token, query={"min_score": "0"}).json["jobs"]) == 2
    bad = jobs("GET", "/api/jobs/feed", token=user.token, query={"min_score": "1.5", "limit": "51"})
    assert bad.status == 422


def test_an_expired_job_is_not_served_even_before_ttl_deletes_it(jobs: Call, user: User) -> None:
    # Given a feed item whose 24 hours are over but which TTL has not deleted yet
    table = os.environ["JOBS_TABLE"]
    doc = {
        "job_id": "expired-1",
        "title": "Old",
        "url": "https://www.upwork.com/jobs/~01",
        "posted_at": "2026-01-01T00:00:00Z",
        "type": "fixed",
        "budget": {"currency": "USD"},
        "skills": [],
        "client": {},
        "competition": {},
        "scores": {"fit": 0.5, "client_quality": 0.5, "competition": 0.5, "overall": 0.9},
        "win_probability": 0.5,
        "reasons": [],
        "seen_at": "2026-01-01T00:00:00Z",
    }
    aws.client("dynamodb").put_item(
        TableName=table,
        Item={
            "pk": {"S": f"FEED#{user.user_id}"},
            "sk": {"S": "F#09000#2026-01-01T00:00:00Z#expired-1"},
            "doc": {"S": json.dumps(doc)},
            "matched": {"SS": ["s1"]},
            "expires_at": {"N": str(clock.epoch(clock.now()) - 1)},
        },
    )
    # Then the feed leaves it out
    assert jobs("GET", "/api/jobs/feed", token=user.token).json["jobs"] == []


def test_a_feed_page_costs_three_dynamodb_calls_whatever_the_feed_size(
    jobs: Call, user: User, upwork_search: FakeSearch, poll: Callable[[], dict[str, Any]]
) -> None:
    skill = unique()
    jobs("POST", "/api/jobs/searches", {"name": "s", "skills": [skill]}, token=user.token)
    now = clock.now()
    upwork_search.postings += [posting(f"{skill}-{n}", n / 10, now=now, skills=(skill,)) for n in range(40)]
    poll()
    with dynamodb_calls() as calls:
        page = jobs("GET", "/api/jobs/feed", token=user.token, query={"limit": "20"})
        second = jobs(
            "GET",
            "/api/jobs/feed",
            token=user.token,
            query={"limit": "20", "cursor": page.json["pagination"]["next_cursor"]},
        )
    assert len(page.json["jobs"]) == 20
    assert len(second.json["jobs"]) == 20
    users, feed = os.environ["USERS_TABLE"], os.environ["JOBS_TABLE"]
    # per page: the session (users), the rate limit (users), the page (jobs)
    assert calls == {("GetItem", users): 2, ("UpdateItem", users): 2, ("Query", feed): 2}


def test_a_job_found_again_by_a_newer_search_of_the_same_user_is_one_item_with_both_searches(
    jobs: Call, user: User, upwork_search: FakeSearch, poll: Callable[[], dict[str, Any]]
) -> None:
    # Given a job already in the feed through a first search
    skill = unique()
    first = jobs("POST", "/api/jobs/searches", {"name": "first", "skills": [skill]}, token=user.token).json
    found = posting(f"{skill}-1", 5, now=clock.now(), skills=(skill,), title="Data work")
    upwork_search.postings.append(found)
    poll()
    # When the user saves a second, different search that also matches it, and the next round finds it again
    body = {"name": "second", "query": "data work"}
    second = jobs("POST", "/api/jobs/searches", body, token=user.token).json
    report = poll()
    assert report["failed"] == 0, report
    # Then the feed still holds one item, now matched by both searches, and each search's feed shows it
    feed = jobs("GET", "/api/jobs/feed", token=user.token).json["jobs"]
    mine = [job for job in feed if job["job_id"] == f"{skill}-1"]
    assert len(mine) == 1
    assert mine[0]["matched_searches"] == sorted([first["search_id"], second["search_id"]])
    for search in (first, second):
        page = jobs("GET", "/api/jobs/feed", token=user.token, query={"search_id": search["search_id"]}).json
        assert [job["job_id"] for job in page["jobs"]] == [f"{skill}-1"]
