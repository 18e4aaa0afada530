"""Manual sync requests are deduplicated: one queued or running sync per user; a repeat returns that job, a
finished or stale one lets a new sync start (issue 10: 40 `POST /api/upwork/sync` ran 40 full syncs)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from bidcraft import aws, clock, config
from bidcraft.auth import sync_jobs
from bidcraft.errors import ServiceUnavailable
from bidcraft.sync import jobs
from devserver.testing import LocalAws
from tests.integration.events.helpers import new_id
from tests.integration.sync.conftest import SignedIn, reply_json


def queued_messages(url: str) -> list[dict[str, Any]]:
    """Every message in the queue (received and deleted), as JSON."""
    found: list[dict[str, Any]] = []
    sqs = aws.client("sqs")
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in messages:
            found.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def queued_job_ids(url: str) -> list[str]:
    """The job ids of the requested syncs in the queue (scheduled syncs carry none)."""
    return [body["job_id"] for body in queued_messages(url) if body.get("job_id")]


def test_repeated_sync_requests_return_the_queued_job_and_queue_it_once(
    local_aws: LocalAws, sign_in: Callable[..., SignedIn], sync_queue: str
) -> None:
    # Given a signed-in user
    account = sign_in(proposals=1)
    auth = {"authorization": f"Bearer {account.access_token}"}

    # When they ask for a sync 40 times
    replies = [local_aws.request("POST", "/api/upwork/sync", headers=auth) for _ in range(40)]

    # Then every answer is 202 with the same job, and one sync message was queued
    assert {reply["statusCode"] for reply in replies} == {202}
    job_ids = {reply_json(reply)["job_id"] for reply in replies}
    assert len(job_ids) == 1
    assert queued_job_ids(sync_queue) == list(job_ids)


def test_a_sync_requested_right_after_sign_in_returns_the_sign_ins_job(
    local_aws: LocalAws, sign_in: Callable[..., SignedIn], sync_queue: str
) -> None:
    # Given a user who just signed in (the sign-in requests their first sync)
    account = sign_in(proposals=1)

    # When they ask for a sync at once
    reply = local_aws.request(
        "POST", "/api/upwork/sync", headers={"authorization": f"Bearer {account.access_token}"}
    )

    # Then they get the sign-in's job, and one sync is queued in all: the sign-in's, under that job id
    assert reply["statusCode"] == 202
    messages = queued_messages(sync_queue)
    assert [(body["reason"], body.get("job_id")) for body in messages] == [
        ("sign_in", reply_json(reply)["job_id"])
    ]


def test_a_running_sync_is_returned_until_it_finishes_then_a_new_one_starts(
    sync_queue: str, run_sync: Callable[..., dict[str, Any]]
) -> None:
    user_id, now = new_id("user"), clock.now()
    first = jobs.request_sync(user_id, now=now)
    assert jobs.start(user_id, first.job_id, "manual", now + timedelta(seconds=5))

    # While it runs, a request gets the running job
    assert jobs.request_sync(user_id, now=now + timedelta(minutes=3)).job_id == first.job_id

    # Once it finished, a request starts a new one
    jobs.finish(user_id, first.job_id, "succeeded", now=now + timedelta(minutes=4))
    second = jobs.request_sync(user_id, now=now + timedelta(minutes=5))
    assert second.job_id != first.job_id
    assert second.status == "queued"
    assert queued_job_ids(sync_queue) == [first.job_id, second.job_id]


def test_a_failed_sync_allows_a_new_one(sync_queue: str) -> None:
    user_id, now = new_id("user"), clock.now()
    first = jobs.request_sync(user_id, now=now)
    jobs.finish(user_id, first.job_id, "failed", error="upstream", now=now)

    assert jobs.request_sync(user_id, now=now + timedelta(seconds=1)).job_id != first.job_id


@pytest.mark.parametrize("started", [False, True], ids=["never-started", "lease-expired"])
def test_a_stale_sync_allows_a_new_one(sync_queue: str, started: bool) -> None:
    user_id, now = new_id("user"), clock.now()
    first = jobs.request_sync(user_id, now=now)
    if started:
        assert jobs.start(user_id, first.job_id, "manual", now)  # then its worker died: the lease runs out
        later = now + jobs.LEASE + timedelta(seconds=1)
    else:  # its message never reached a worker
        later = now + jobs.QUEUED_STALE_AFTER + timedelta(seconds=1)
    assert jobs.request_sync(user_id, now=later - timedelta(seconds=2)).job_id == first.job_id

    assert jobs.request_sync(user_id, now=later).job_id != first.job_id


def test_two_requests_at_once_start_one_sync(sync_queue: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fixed interleaving: both requests read "no sync yet", the first writes, then the second writes."""
    user_id, now = new_id("user"), clock.now()
    before_any = jobs._current(user_id)  # what the second request read, before the first one wrote
    first = jobs.request_sync(user_id, now=now)
    real_current = jobs._current
    reads = iter([before_any])
    monkeypatch.setattr(jobs, "_current", lambda uid: next(reads, None) or real_current(uid))

    second = jobs.request_sync(user_id, now=now)  # its write fails: it reads again and finds the first

    assert before_any == (None, None)
    assert second.job_id == first.job_id
    assert queued_job_ids(sync_queue) == [first.job_id]


def _queue_gone(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("SYNC_QUEUE_URL", url + "-gone")
    config.reset()


def test_a_sync_that_cannot_be_queued_is_a_503_and_the_next_request_starts_a_new_one(
    sync_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a queue that refuses the message
    user_id, now = new_id("user"), clock.now()
    _queue_gone(monkeypatch, sync_queue)

    # When a sync is requested, it is a 503 and its job is marked failed (not left in progress)
    with pytest.raises(ServiceUnavailable):
        jobs.request_sync(user_id, now=now)
    failed_id, failed = jobs._current(user_id)
    assert failed is not None
    assert failed.status == "failed"

    # Then, the queue back, the next request starts a new sync
    monkeypatch.setenv("SYNC_QUEUE_URL", sync_queue)
    config.reset()
    again = jobs.request_sync(user_id, now=now + timedelta(seconds=1))
    assert again.job_id != failed_id
    assert queued_job_ids(sync_queue) == [again.job_id]


def test_sign_in_is_not_failed_by_a_sync_that_cannot_be_queued(
    sync_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _queue_gone(monkeypatch, sync_queue)

    assert sync_jobs.enqueue_user_sync(new_id("user"), reason="sign_in") is False
