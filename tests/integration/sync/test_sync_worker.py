"""The Upwork sync against the sandbox: a first sync fills proposals, contracts, payments and counters; a
re-sync changes nothing; parked events are applied; jobs are recorded; the schedule finds due users."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from bidcraft import aws, clock
from bidcraft.analytics import periods
from bidcraft.analytics import store as analytics_store
from bidcraft.auth import upwork_client
from bidcraft.auth.upwork_tokens import get_valid_access_token
from bidcraft.sync import jobs, runner, state
from devserver.testing import LocalAws
from tests.integration.events.helpers import (
    envelope,
    link_user,
    new_id,
    pending_items,
    proposal_created,
    proposal_updated,
)
from tests.integration.sync.conftest import SignedIn, reply_json


def upwork_truth(user_id: str) -> dict[str, Any]:
    """What the sandbox says, read independently through the Upwork client."""
    token = get_valid_access_token(user_id)
    client = upwork_client.graphql()
    proposals = list(client.iter_proposals(token))
    payments = list(client.iter_transactions(token, clock.now() - timedelta(days=3 * 365), clock.now()))
    return {
        "proposals": len(proposals),
        "won": sum(1 for p in proposals if p.status == "hired"),
        "years": {periods.period_key("Y", p.submitted_at) for p in proposals},
        "earnings": sum((Decimal(str(round(p.amount, 4))) for p in payments if p.amount > 0), Decimal(0)),
    }


def test_first_sync_fills_the_analytics_and_a_re_sync_changes_nothing(
    sign_in: Callable[..., SignedIn], run_sync: Callable[..., dict[str, Any]]
) -> None:
    # Given a freshly signed-in sandbox account with 60 past proposals
    account = sign_in(proposals=60)
    truth = upwork_truth(account.user_id)
    # When its sync runs
    job_id = jobs.new_job_id()
    assert run_sync(account.user_id, job_id) == {"batchItemFailures": []}
    # Then the job succeeded and the counters agree with Upwork
    job = jobs.get(account.user_id, job_id)
    assert job is not None
    assert job.status == "succeeded", job
    assert job.counts["proposals"] == truth["proposals"] == 60
    summary = analytics_store.get_summary(account.user_id)
    assert summary.proposals_sent == 60
    assert summary.proposals_won == truth["won"]
    assert summary.earnings == truth["earnings"]
    yearly = analytics_store.get_aggregates(account.user_id, "Y", truth["years"])
    assert sum(a.proposals_sent for a in yearly.values()) == 60
    assert sum(sum(a.by_status.values()) for a in yearly.values()) == 60
    # When it syncs again
    again = jobs.new_job_id()
    run_sync(account.user_id, again)
    # Then nothing new was applied
    second = jobs.get(account.user_id, again)
    assert second is not None
    assert second.status == "succeeded"
    assert second.counts["events_applied"] == 0
    assert analytics_store.get_summary(account.user_id) == summary


def test_a_part_upwork_refuses_is_recorded_and_the_rest_is_applied(
    sign_in: Callable[..., SignedIn], run_sync: Callable[..., dict[str, Any]]
) -> None:
    # Given an account whose grant lacks the scope for contracts (Upwork answers FORBIDDEN for that field)
    account = sign_in(proposals=80, deny="vendorContracts")
    truth = upwork_truth(account.user_id)
    # When its sync runs
    job_id = jobs.new_job_id()
    assert run_sync(account.user_id, job_id) == {"batchItemFailures": []}
    # Then the job says which part was not read and why, and proposals and earnings were still applied
    job = jobs.get(account.user_id, job_id)
    assert job is not None
    assert job.status == "succeeded"
    assert job.counts["parts_failed"] == 1
    assert job.error is not None
    assert job.error.startswith("contracts not read: ")
    assert "permissions/scopes" in job.error
    assert job.counts["proposals"] == 80
    assert "contracts" not in job.counts
    summary = analytics_store.get_summary(account.user_id)
    assert summary.proposals_sent == 80
    assert summary.earnings == truth["earnings"]


def test_events_parked_before_sign_up_are_applied_by_the_first_sync(
    local_aws: LocalAws, sign_in: Callable[..., SignedIn], run_sync: Callable[..., dict[str, Any]]
) -> None:
    # Given two webhook events for an Upwork account that has not signed up yet
    account_id = f"sync-{new_id('early')}"
    bodies = [
        envelope(proposal_created(account_id, "early-1", "2025-02-01T10:00:00Z")).to_json(),
        envelope(proposal_updated(account_id, "early-1", "viewed", "2025-02-02T10:00:00Z")).to_json(),
    ]
    local_aws.invoke("EventsWorkerFunction", local_aws.sqs_event(*bodies))
    assert len(pending_items(account_id)) == 2
    # When the account signs up and syncs
    account = sign_in(sandbox_user=account_id, proposals=3)
    job_id = jobs.new_job_id()
    run_sync(account.user_id, job_id)
    # Then the parked events were applied and removed
    job = jobs.get(account.user_id, job_id)
    assert job is not None
    assert job.counts["pending_applied"] == 2
    assert pending_items(account_id) == []
    february = analytics_store.get_aggregates(account.user_id, "M", ["2025-02"])["2025-02"]
    assert february.proposals_viewed >= 1


def test_sync_route_queues_a_job_the_owner_can_follow(
    local_aws: LocalAws, sign_in: Callable[..., SignedIn], run_sync: Callable[..., dict[str, Any]]
) -> None:
    account = sign_in(proposals=2)
    other = sign_in(proposals=1)
    auth = {"authorization": f"Bearer {account.access_token}"}
    # When the user asks for a sync
    accepted = local_aws.request("POST", "/api/upwork/sync", headers=auth)
    # Then a job is queued
    assert accepted["statusCode"] == 202, accepted["body"]
    job_id = reply_json(accepted)["job_id"]
    status = local_aws.request("GET", f"/api/upwork/sync/{job_id}", headers=auth)
    assert status["statusCode"] == 200
    assert reply_json(status)["status"] == "queued"
    # When the worker runs it
    run_sync(account.user_id, job_id, reason="manual")
    done = reply_json(local_aws.request("GET", f"/api/upwork/sync/{job_id}", headers=auth))
    assert done["status"] == "succeeded"
    assert done["counts"]["proposals"] == 2
    assert done["finished_at"].endswith("Z")
    # And nobody else can see it
    stranger = local_aws.request(
        "GET", f"/api/upwork/sync/{job_id}", headers={"authorization": f"Bearer {other.access_token}"}
    )
    assert stranger["statusCode"] == 404
    anonymous = local_aws.request("POST", "/api/upwork/sync")
    assert anonymous["statusCode"] == 401


def test_a_user_without_upwork_tokens_fails_the_job_without_retrying(
    run_sync: Callable[..., dict[str, Any]],
) -> None:
    user_id = link_user(new_id("fl"))
    job_id = jobs.new_job_id()
    assert run_sync(user_id, job_id) == {"batchItemFailures": []}
    job = jobs.get(user_id, job_id)
    assert job is not None
    assert job.status == "failed"
    assert job.error


def test_a_running_job_is_not_run_twice(sign_in: Callable[..., SignedIn]) -> None:
    account = sign_in(proposals=1)
    job_id = jobs.new_job_id()
    assert jobs.start(account.user_id, job_id, "test", clock.now())
    assert runner.sync_user(account.user_id, job_id=job_id) is None  # leased by the first start


def queued_users(url: str) -> set[str]:
    found: set[str] = set()
    while messages := aws.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in messages:
            found.add(json.loads(message["Body"])["user_id"])
            aws.client("sqs").delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def test_the_schedule_queues_only_users_who_are_due(local_aws: LocalAws, sync_queue: str) -> None:
    # Given two users, one synced just now and one synced 7 hours ago
    now = clock.now()
    fresh, stale = new_id("fresh"), new_id("stale")
    state.mark_synced(fresh, "fl-fresh", now)
    state.mark_synced(stale, "fl-stale", now - timedelta(hours=7))
    # When the schedule fires
    result = local_aws.invoke("SyncWorkerFunction", local_aws.schedule_event())
    # Then only the stale one was queued
    users = queued_users(sync_queue)
    assert stale in users
    assert fresh not in users
    assert result["queued"] == len(users)


def test_an_upwork_outage_fails_the_job_and_is_retried(sign_in: Callable[..., SignedIn]) -> None:
    # Given Upwork failing in the middle of the pull
    from bidcraft.upwork.errors import UpworkError

    class Down:
        def iter_proposals(self, token: str, page_size: int = 50) -> Any:
            raise UpworkError("Upwork answered HTTP 502 (graphql)", upstream_status=502)
            yield  # pragma: no cover

        iter_contracts = iter_proposals

        def iter_transactions(self, *args: Any) -> Any:
            return iter(())

    account = sign_in(proposals=1)
    job_id = jobs.new_job_id()
    # When the sync runs
    with pytest.raises(runner.SyncFailed):
        runner.sync_user(account.user_id, job_id=job_id, graphql=Down)
    # Then the job says so, in words a client may see, and a retry (SQS redelivery) may run it again
    job = jobs.get(account.user_id, job_id)
    assert job is not None
    assert job.status == "failed"
    assert job.error == "Upwork answered HTTP 502 (graphql)"
    assert runner.sync_user(account.user_id, job_id=job_id) is not None
    assert jobs.get(account.user_id, job_id).status == "succeeded"  # type: ignore[union-attr]


def test_a_sync_over_the_upwork_budget_waits_in_a_delayed_message_instead_of_failing(
    sign_in: Callable[..., SignedIn], sync_queue: str
) -> None:
    # Given the service-wide Upwork budget refusing the sync's first request for the next 120 s
    from bidcraft.upwork.errors import UpworkRateLimited

    class OverBudget:
        def iter_proposals(self, *args: Any, **kwargs: Any) -> Any:
            raise UpworkRateLimited(
                "The Upwork request budget is spent for now", retry_after=120, code="BUDGET"
            )
            yield  # pragma: no cover

        iter_contracts = iter_transactions = iter_proposals

    account = sign_in(proposals=1)
    queued_users(sync_queue)  # the sign-in's own sync message: not this test's
    job_id = jobs.new_job_id()

    # When the sync runs
    result = runner.sync_user(account.user_id, job_id=job_id, reason="manual", graphql=OverBudget)

    # Then it neither raises (no SQS redelivery towards the DLQ) nor fails: the job waits, queued, and the
    # same job comes back in a message delayed by the wait
    assert result is not None
    job = jobs.get(account.user_id, job_id)
    assert job is not None
    assert job.status == "queued"
    assert job.error is not None
    assert "budget" in job.error
    sqs = aws.client("sqs")
    assert sqs.receive_message(QueueUrl=sync_queue, WaitTimeSeconds=0).get("Messages") is None  # delayed
    attributes = sqs.get_queue_attributes(
        QueueUrl=sync_queue, AttributeNames=["ApproximateNumberOfMessagesDelayed"]
    )
    assert attributes["Attributes"]["ApproximateNumberOfMessagesDelayed"] == "1"
    # and once Upwork answers again, the same job runs to the end
    assert runner.sync_user(account.user_id, job_id=job_id) is not None
    assert jobs.get(account.user_id, job_id).status == "succeeded"  # type: ignore[union-attr]
