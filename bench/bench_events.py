"""Events throughput on the local emulator (numbers, not assertions).

1. The events worker: events/second through `EventsWorkerFunction` in SQS batches of 10, and DynamoDB calls
   per event.
2. DynamoDB calls per event do not grow with history: one more event after 0, 1,000 and 5,000 proposals.
3. The first sync of a sandbox account (default 5,000 proposals): wall time, events, transactions.

Run: `.venv/bin/python bench/bench_events.py [--events 500] [--sync-proposals 5000] [--skip-sync]`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "layers" / "common"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
os.environ.setdefault("WEBHOOK_SECRET", "whsec_YmVuY2gtd2ViaG9vay1zZWNyZXQtMDEyMzQ1Njc4OQ==")


@contextmanager
def counting_dynamodb_calls() -> Iterator[Counter[str]]:
    """DynamoDB calls by operation, whichever client makes them (PynamoDB models included)."""
    from devserver.calls import by_operation, dynamodb_calls

    counted: Counter[str] = Counter()
    with dynamodb_calls() as calls:
        yield counted
        counted.update(by_operation(calls))


def created(freelancer: str, n: int, base: datetime) -> dict[str, Any]:
    return {
        "type": "proposal.created",
        "timestamp": base.isoformat(),
        "data": {
            "freelancer_id": freelancer,
            "proposal_id": f"p{n}",
            "job_title": f"Job {n}",
            "category": ("Web Development", "Design", "Data Science")[n % 3],
            "hourly_rate": 40 + n % 20,
            "submitted_at": (base - timedelta(hours=7 * n)).isoformat(),
        },
    }


def updated(freelancer: str, n: int, base: datetime) -> dict[str, Any]:
    status = ("viewed", "interviewing", "declined", "hired")[n % 4]
    return {
        "type": "proposal.updated",
        "timestamp": base.isoformat(),
        "data": {
            "freelancer_id": freelancer,
            "proposal_id": f"p{n}",
            "status": status,
            "occurred_at": (base - timedelta(hours=7 * n - 5)).isoformat(),
        },
    }


def envelope_json(body: dict[str, Any]) -> str:
    from bidcraft.events.models import EVENT_ADAPTER, Envelope

    return Envelope(
        event_id=f"bench-{uuid.uuid4().hex}",
        received_at=datetime.now(UTC),
        event=EVENT_ADAPTER.validate_python(body),
    ).to_json()


def link(freelancer: str) -> str:
    from bidcraft import aws

    user_id = f"bench-user-{uuid.uuid4().hex[:8]}"
    aws.client("dynamodb").put_item(
        TableName=os.environ["USERS_TABLE"],
        Item={"pk": {"S": f"UPWORK#{freelancer}"}, "sk": {"S": "USER"}, "user_id": {"S": user_id}},
    )
    return user_id


def bench_worker(stack: Any, total: int) -> None:
    freelancer = f"bench-fl-{uuid.uuid4().hex[:8]}"
    link(freelancer)
    base = datetime(2025, 6, 1, tzinfo=UTC)
    bodies = [envelope_json(created(freelancer, n, base)) for n in range(total // 2)]
    bodies += [envelope_json(updated(freelancer, n, base)) for n in range(total - total // 2)]
    with counting_dynamodb_calls() as calls:
        started = time.perf_counter()
        for start in range(0, len(bodies), 10):
            response = stack.invoke("EventsWorkerFunction", stack.sqs_event(*bodies[start : start + 10]))
            assert response == {"batchItemFailures": []}, response
        elapsed = time.perf_counter() - started
    per_event = {name: round(count / len(bodies), 2) for name, count in sorted(calls.items())}
    print(f"worker: {len(bodies)} events in {elapsed:.2f} s = {len(bodies) / elapsed:.0f} events/s")
    print(f"worker: DynamoDB calls per event {per_event}")


def bench_history(sizes: list[int]) -> None:
    from bidcraft.events.apply import apply_events
    from bidcraft.events.models import parse_envelope

    base = datetime(2025, 6, 1, tzinfo=UTC)
    for size in sizes:
        freelancer = f"bench-h-{uuid.uuid4().hex[:8]}"
        user_id = link(freelancer)
        if size:
            apply_events(
                user_id, [parse_envelope(envelope_json(created(freelancer, n, base))) for n in range(size)]
            )
        probe = parse_envelope(envelope_json(updated(freelancer, 0, base)))
        with counting_dynamodb_calls() as calls:
            started = time.perf_counter()
            apply_events(user_id, [probe])
            elapsed = time.perf_counter() - started
        print(
            f"history {size:>5} proposals: one more event = {sum(calls.values())} DynamoDB calls "
            f"{dict(sorted(calls.items()))}, {elapsed * 1000:.1f} ms"
        )


def bench_sync(stack: Any, proposals: int) -> None:
    import httpx2

    from bidcraft.sync import jobs

    redirect = "http://localhost:5173/callback"
    init = stack.request("POST", "/auth/upwork/init", body={"redirect_uri": redirect})
    import json
    from urllib.parse import parse_qs, urlsplit

    account = f"bench-sync-{uuid.uuid4().hex[:8]}"
    authorize = json.loads(init["body"])["authorization_url"]
    url = f"{authorize}&sandbox_user={account}&sandbox_proposals={proposals}"
    location = httpx2.get(url, follow_redirects=False, timeout=30).headers["location"]
    params = parse_qs(urlsplit(location).query)
    callback = stack.request(
        "GET", "/auth/upwork/callback", query={"code": params["code"][0], "state": params["state"][0]}
    )
    user_id = json.loads(callback["body"])["user"]["user_id"]
    job_id = jobs.new_job_id()
    message = {"type": "sync.user", "user_id": user_id, "reason": "sign_in", "job_id": job_id}
    with counting_dynamodb_calls() as calls:
        started = time.perf_counter()
        stack.invoke("SyncWorkerFunction", stack.sqs_event(message, queue="SyncQueue"))
        elapsed = time.perf_counter() - started
    job = jobs.get(user_id, job_id)
    assert job is not None
    print(f"sync of {proposals} proposals: {job.status} in {elapsed:.1f} s; counts {job.counts}")
    print(f"sync: DynamoDB calls {dict(sorted(calls.items()))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--history", type=int, nargs="*", default=[0, 1000, 5000])
    parser.add_argument("--sync-proposals", type=int, default=5000)
    parser.add_argument("--skip-sync", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from devserver.testing import LocalAws

    stack = LocalAws.start(
        ROOT / "template.yaml",
        environ={
            "WEBHOOK_SECRET": os.environ["WEBHOOK_SECRET"],
            "ALLOWED_REDIRECT_URIS": "http://localhost:5173/callback",
        },
    )
    try:
        for module in ("bidcraft.aws", "bidcraft.config", "bidcraft.secrets"):
            __import__(module, fromlist=["reset"]).reset()
        bench_worker(stack, args.events)
        bench_history(args.history)
        if not args.skip_sync:
            bench_sync(stack, args.sync_proposals)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
