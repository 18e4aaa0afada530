"""Jobs on the local emulator and the Upwork sandbox (numbers, not assertions).

1. A feed page: DynamoDB calls and time per page with 10 and 1,000 jobs in the feed (session, rate limit, one
   Query — the same whatever the feed's size).
2. Upwork requests per polling round: 100 users with one identical search, then 10 distinct searches — read
   from the service-wide Upwork budget's own day counter, so every request the round sent is counted.
3. Publish-to-feed latency: a job published in the sandbox, one polling round, then the feed read.

Run: `.venv/bin/python bench/bench_jobs.py [--feed-sizes 10 1000] [--users 100] [--distinct 10]`.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "layers" / "common"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("WEBHOOK_SECRET", "whsec_YmVuY2gtd2ViaG9vay1zZWNyZXQtMDEyMzQ1Njc4OQ==")
os.environ.setdefault("RATE_LIMIT_API", "100000")
REDIRECT = "http://localhost:5173/callback"


@contextmanager
def counting_dynamodb_calls() -> Iterator[Counter[str]]:
    """DynamoDB calls by operation, whichever client makes them (PynamoDB models included)."""
    from devserver.calls import by_operation, dynamodb_calls

    counted: Counter[str] = Counter()
    with dynamodb_calls() as calls:
        yield counted
        counted.update(by_operation(calls))


def sign_in(stack: Any) -> tuple[str, str]:
    import httpx2

    init = stack.request("POST", "/auth/upwork/init", body={"redirect_uri": REDIRECT})
    url = json.loads(init["body"])["authorization_url"] + f"&sandbox_user=bench-{uuid.uuid4().hex[:8]}"
    location = httpx2.get(url, follow_redirects=False, timeout=10).headers["location"]
    params = dict(part.split("=", 1) for part in location.split("?", 1)[1].split("&"))
    callback = stack.request(
        "GET", "/auth/upwork/callback", query={"code": params["code"], "state": params["state"]}
    )
    body = json.loads(callback["body"])
    return body["user"]["user_id"], body["access_token"]


def fill_feed(user_id: str, size: int) -> None:
    """`size` current feed items for `user_id`, written as the poller writes them (25 per batch)."""
    from bidcraft import clock
    from bidcraft.jobs import store
    from bidcraft.tables.jobs import FeedItem

    now = clock.now()
    stamp = clock.epoch(now)
    items = []
    for n in range(size):
        overall = (n * 37 % 1000) / 1000
        posted = clock.iso(now.replace(microsecond=0)) if n % 2 else f"2026-01-01T00:{n % 60:02d}:00Z"
        job_id = f"bench-{n}"
        doc: dict[str, Any] = {
            "job_id": job_id,
            "title": f"Job {n}",
            "url": f"https://www.upwork.com/jobs/~bench{n}",
            "posted_at": posted,
            "type": "fixed",
            "budget": {"amount": 100 + n, "currency": "USD"},
            "skills": ["Python"],
            "client": {},
            "competition": {},
            "scores": {"fit": 0.5, "client_quality": 0.5, "competition": 0.5, "overall": overall},
            "win_probability": 0.5,
            "reasons": [],
            "seen_at": clock.iso(now),
        }
        entry = store.FeedEntry(user_id, ("s1",), doc, overall, posted, stamp + store.JOB_TTL_SECONDS)
        items.append(store._feed_item(store.feed_pk(user_id), store.feed_sk(overall, posted, job_id), entry))
    with FeedItem.batch_write() as batch:
        for item in items:
            batch.save(item)


def bench_feed(stack: Any, sizes: list[int], pages: int = 20) -> None:
    for size in sizes:
        user_id, token = sign_in(stack)
        fill_feed(user_id, size)
        headers = {"authorization": f"Bearer {token}"}
        timings: list[float] = []
        with counting_dynamodb_calls() as calls:
            for _ in range(pages):
                started = time.perf_counter()
                reply = stack.request("GET", "/api/jobs/feed", query={"limit": "20"}, headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
                assert reply["statusCode"] == 200, reply["body"]
        per_page = {name: count / pages for name, count in sorted(calls.items())}
        print(
            f"feed of {size:>5} jobs: DynamoDB calls per page {per_page} "
            f"(total {sum(calls.values()) / pages:.0f}); "
            f"median {statistics.median(timings):.1f} ms in-process"
        )


def budget_used_today() -> int:
    from bidcraft import clock
    from bidcraft.tables.users import UpworkBudgetCounter as Counter

    try:
        item = Counter.get(*Counter.key(f"D#{clock.now().date().isoformat()}"), consistent_read=True)
    except Counter.DoesNotExist:
        return 0
    return int(item.c or 0)


def poll(stack: Any) -> dict[str, Any]:
    result: dict[str, Any] = stack.invoke("JobsPollerFunction", stack.schedule_event("JobsPollerFunction"))
    return result


def bench_upwork_calls(stack: Any, users: int, distinct: int) -> None:
    from bidcraft.jobs import searches
    from bidcraft.jobs.models import SearchIn

    poll(stack)  # a round over whatever exists, and the service token fetched once
    tag = uuid.uuid4().hex[:8]
    for n in range(users):
        searches.create(f"bench-user-{tag}-{n}", SearchIn(name=f"user {n}", skills=[f"Same{tag}"]))
    before = budget_used_today()
    report = poll(stack)
    one = budget_used_today() - before
    print(
        f"{users} users saving one identical search: {report['distinct_searches']} distinct searches in the "
        f"registry (theirs + the latency bench's) → {one} Upwork request(s) in the round"
    )
    for n in range(distinct):
        searches.create(f"bench-distinct-{tag}-{n}", SearchIn(name=f"d{n}", skills=[f"Distinct{tag}{n}"]))
    before = budget_used_today()
    report = poll(stack)
    many = budget_used_today() - before
    print(
        f"+{distinct} distinct searches: {report['distinct_searches']} distinct in the registry → "
        f"{many} Upwork request(s) in the round"
    )


def bench_latency(stack: Any, rounds: int = 5) -> None:
    import httpx2

    _, token = sign_in(stack)
    headers = {"authorization": f"Bearer {token}"}
    skill = "Latency" + uuid.uuid4().hex[:8]
    stack.request("POST", "/api/jobs/searches", body={"name": "l", "skills": [skill]}, headers=headers)
    totals, round_times = [], []
    for n in range(rounds):
        started = time.perf_counter()
        posted = httpx2.post(
            f"{stack.sandbox_url}/_jobs",
            json={
                "title": f"{skill} {n}",
                "description": f"{skill} work",
                "skills": [skill],
                "type": "fixed",
                "amount": 99,
            },
            timeout=10,
        ).json()["job_id"]
        round_started = time.perf_counter()
        poll(stack)
        round_times.append(time.perf_counter() - round_started)
        feed = json.loads(stack.request("GET", "/api/jobs/feed", headers=headers)["body"])
        assert posted in [job["job_id"] for job in feed["jobs"]]
        totals.append(time.perf_counter() - started)
    print(
        f"publish → feed: median {statistics.median(totals):.2f} s, max {max(totals):.2f} s; "
        f"of which the polling round median {statistics.median(round_times):.2f} s "
        f"(budget: one round + 10 s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feed-sizes", type=int, nargs="*", default=[10, 1000])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--distinct", type=int, default=10)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from devserver.testing import LocalAws

    stack = LocalAws.start(
        ROOT / "template.yaml",
        environ={"WEBHOOK_SECRET": os.environ["WEBHOOK_SECRET"], "ALLOWED_REDIRECT_URIS": REDIRECT},
    )
    try:
        for module in ("bidcraft.aws", "bidcraft.config", "bidcraft.secrets"):
            __import__(module, fromlist=["reset"]).reset()
        bench_feed(stack, args.feed_sizes)
        bench_latency(stack)
        bench_upwork_calls(stack, args.users, args.distinct)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
