"""Analytics read cost: DynamoDB calls and latency per request, small vs 5,000-proposal history.

Run: `.venv/bin/python bench/bench_analytics.py` (provisions template.yaml's resources in moto server mode, as
the integration tests do). Seeds two users — 50 and 5,000 proposals over two years, with contracts and
payments — then calls AnalyticsFunction in-process with real bearer tokens and counts every DynamoDB call by
operation and table. The point is the call counts: they must be the same for both users. Latencies are
loopback-to-moto, far below real DynamoDB (~3-10 ms per call), so compare them with each other only.
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # devserver and the test builders live in the repository, not in the layer

from bidcraft import aws, clock  # noqa: E402
from bidcraft.auth import sessions  # noqa: E402
from devserver.testing import LocalAws  # noqa: E402
from tests.integration.analytics.seed import History, contract, payment, proposal  # noqa: E402

RUNS = 30
STATUSES = ("submitted", "viewed", "interviewing", "hired", "declined", "withdrawn", "archived")
CATEGORIES = ("Web Development", "Mobile", "Design", "Data Science", "Writing")


def _history(user_id: str, proposals: int, start: datetime) -> History:
    history = History(user_id)
    span = timedelta(days=730)
    for index in range(proposals):
        moment = start + span * index / proposals
        stamp = moment.isoformat().replace("+00:00", "Z")
        history.add(
            proposal(user_id, f"p{index}", stamp, STATUSES[index % 7], CATEGORIES[index % 5]),
        )
        if index % 10 == 0:
            history.add(payment(user_id, f"pay{index}", stamp, f"{100 + index % 900}"))
        if index % 100 == 0:
            ended = (moment + timedelta(days=60)).isoformat().replace("+00:00", "Z")
            history.add(
                contract(user_id, f"c{index}", stamp, ended if index % 200 else None, f"{40 + index % 60}")
            )
    return history


def _measure(
    stack: LocalAws, token: str, path: str, query: dict[str, str] | None = None
) -> tuple[Counter[str], list[float], list[float]]:
    """(DynamoDB calls per request, total ms per request, ms per request spent outside DynamoDB calls)."""
    calls: Counter[str] = Counter()
    tables = {stack.resources.ref(name): name for name in ("AnalyticsTable", "UsersTable", "AuditTable")}
    in_aws = [0.0]
    call_started = [0.0]

    def count(model: Any, params: dict[str, Any], **_: Any) -> None:
        table = params.get("TableName") or next(iter(params.get("RequestItems", {})), "?")
        calls[f"{model.name}@{tables.get(table, table)}"] += 1
        call_started[0] = time.perf_counter()

    def done(**_: Any) -> None:
        in_aws[0] += time.perf_counter() - call_started[0]

    events = aws.client("dynamodb").meta.events
    events.register("before-parameter-build.dynamodb", count)
    events.register("after-call.dynamodb", done)
    timings: list[float] = []
    ours: list[float] = []
    try:
        for _ in range(RUNS):
            event = stack.apigw_event("GET", path, headers={"authorization": f"Bearer {token}"}, query=query)
            in_aws[0] = 0.0
            started = time.perf_counter()
            reply = stack.invoke("AnalyticsFunction", event)
            elapsed = time.perf_counter() - started
            timings.append(elapsed * 1000)
            ours.append((elapsed - in_aws[0]) * 1000)
            assert reply["statusCode"] == 200, reply["body"]
    finally:
        events.unregister("before-parameter-build.dynamodb", count)
        events.unregister("after-call.dynamodb", done)
    return Counter({name: count // RUNS for name, count in calls.items()}), timings, ours


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.disable(logging.INFO)
    stack = LocalAws.start(ROOT / "template.yaml")
    try:
        aws.reset()
        start = datetime(2024, 1, 1, tzinfo=UTC)
        users = {}
        for label, count in (("50 proposals", 50), ("5,000 proposals", 5000)):
            user_id = f"bench-{count}"
            seeded = time.perf_counter()
            _history(user_id, count, start).write()
            print(f"seeded {label:<16} in {time.perf_counter() - seeded:5.1f} s")
            users[label] = sessions.start_full(
                user_id, ["user"], now=clock.epoch(clock.now()) - 5
            ).access_token.token

        routes = [
            (
                "metrics monthly",
                "/api/analytics/metrics/user/me",
                {"period": "monthly", "date": "2025-06-15"},
            ),
            ("metrics yearly", "/api/analytics/metrics/user/me", {"period": "yearly", "date": "2025-06-15"}),
            ("dashboard", "/api/dashboard/main", None),
            (
                "proposals 366 days",
                "/api/analytics/proposals/me",
                {"date_from": "2024-06-01", "date_to": "2025-06-01"},
            ),
            ("proposals, whole history", "/api/analytics/proposals/me", None),
            (
                "proposals, 1 category",
                "/api/analytics/proposals/me",
                {"category": "Design", "date_from": "2025-05-01", "date_to": "2025-05-31"},
            ),
        ]
        header = f"{'route':<22} {'history':<16} {'p50 ms':>7} {'p95 ms':>7} {'ours p50':>9}"
        print(f"\n{header}   DynamoDB calls per request")
        for name, path, query in routes:
            for label, token in users.items():
                calls, timings, ours = _measure(stack, token, path, query)
                p95 = statistics.quantiles(timings, n=20)[-1]
                detail = ", ".join(f"{op} {n}" for op, n in sorted(calls.items()))
                print(
                    f"{name:<22} {label:<16} {statistics.median(timings):7.1f} {p95:7.1f} "
                    f"{statistics.median(ours):9.1f}   {detail}"
                )
        print(
            "\n'ours' = time outside DynamoDB calls (token check, validation, maths, JSON); the rest is moto,"
        )
        print("whose Query scans its in-memory table/partition — real DynamoDB reads only the matched items.")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
