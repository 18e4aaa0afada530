"""Deliveries end to end in-process: enqueue → AlertsQueue → AlertsWorkerFunction → channel, and the log."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from standardwebhooks import Webhook

from bidcraft import aws, clock, config
from bidcraft.alerts.enqueue import enqueue_job_alerts
from bidcraft.errors import ServiceUnavailable
from devserver.testing import LocalAws
from tests.integration.alerts.conftest import AlertsQueue, Answer, Call, User, alerts_item, audit_actions, job


def _webhook(alerts: Call, user: User, url: str) -> dict[str, Any]:
    created = alerts(
        "POST", "/api/alerts/channels", {"type": "webhook", "name": "w", "target": url}, token=user.token
    )
    assert created.status == 201, created.body
    return dict(created.json)


def _deliveries(alerts: Call, user: User, **query: str) -> list[dict[str, Any]]:
    reply = alerts("GET", "/api/alerts/deliveries", token=user.token, query=query)
    assert reply.status == 200, reply.body
    return list(reply.json["deliveries"])


def test_a_test_alert_reaches_the_webhook_signed_with_the_channels_secret(
    alerts: Call, user: User, alerts_queue: AlertsQueue, receiver: Any
) -> None:
    with receiver() as hook:
        channel = _webhook(alerts, user, f"{hook.url}/hooks/bidcraft")

        accepted = alerts("POST", f"/api/alerts/channels/{channel['channel_id']}/test", token=user.token)
        assert accepted.status == 202, accepted.body
        assert set(accepted.json) == {"delivery_id"}
        alerts_queue.deliver(user.user_id)

    (request,) = hook.requests
    event = Webhook(channel["secret"]).verify(request.body, request.headers)
    assert event["type"] == "alert.test"
    assert request.headers["webhook-id"] == accepted.json["delivery_id"]
    (delivery,) = _deliveries(alerts, user)
    assert delivery["delivery_id"] == accepted.json["delivery_id"]
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == ("delivered", 1, 200)
    assert delivery["type"] == "alert.test"
    assert "delivered_at" in delivery
    (listed,) = alerts("GET", "/api/alerts/channels", token=user.token).json["channels"]
    assert "last_delivery_at" in listed


def test_a_matching_job_is_delivered_once_however_often_it_is_offered(
    alerts: Call, user: User, alerts_queue: AlertsQueue, receiver: Any
) -> None:
    with receiver() as hook:
        channel = _webhook(alerts, user, f"{hook.url}/hook")
        spec = {"channel_ids": [channel["channel_id"]], "min_score": 0.7}
        the_job = job()

        first = enqueue_job_alerts(user.user_id, "s-1", spec, the_job)
        again = enqueue_job_alerts(user.user_id, "s-1", spec, the_job)
        processed = alerts_queue.deliver(user.user_id)

    assert len(first) == 1
    assert again == []
    assert len(processed) == 1
    (request,) = hook.requests
    event = Webhook(channel["secret"]).verify(request.body, request.headers)
    assert event["type"] == "job.matched"
    assert event["data"] == {"search_id": "s-1", "job": the_job}
    (delivery,) = _deliveries(alerts, user)
    assert (delivery["job_id"], delivery["status"]) == (the_job["job_id"], "delivered")


def test_jobs_below_min_score_and_inactive_or_unknown_channels_get_nothing(
    alerts: Call, user: User, alerts_queue: AlertsQueue
) -> None:
    channel = _webhook(alerts, user, "http://127.0.0.1:9/hook")
    low = job(scores={"fit": 0.5, "client_quality": 0.5, "competition": 0.5, "overall": 0.5})

    assert (
        enqueue_job_alerts(user.user_id, "s", {"channel_ids": [channel["channel_id"]], "min_score": 0.7}, low)
        == []
    )
    assert (
        enqueue_job_alerts(user.user_id, "s", {"channel_ids": ["ch_" + "0" * 24], "min_score": 0}, job())
        == []
    )
    assert enqueue_job_alerts(user.user_id, "s", {"channel_ids": [], "min_score": 0}, job()) == []
    assert alerts_queue.receive(user.user_id) == []


def test_a_failing_receiver_is_retried_through_the_queue_with_backoff(
    alerts: Call, user: User, alerts_queue: AlertsQueue, receiver: Any
) -> None:
    with receiver(lambda _request: Answer(503, b"down")) as hook:
        channel = _webhook(alerts, user, f"{hook.url}/hook")
        delayed_before = alerts_queue.delayed()
        alerts("POST", f"/api/alerts/channels/{channel['channel_id']}/test", token=user.token)
        alerts_queue.deliver(user.user_id)

    assert len(hook.requests) == 1
    (delivery,) = _deliveries(alerts, user, status="retrying")
    assert (delivery["attempts"], delivery["last_status_code"], delivery["last_error"]) == (
        1,
        503,
        "http_503",
    )
    assert alerts_queue.delayed() == delayed_before + 1  # the second attempt waits in the queue (~30 s)
    (listed,) = alerts("GET", "/api/alerts/channels", token=user.token).json["channels"]
    assert listed["consecutive_failures"] == 1


def test_the_twentieth_consecutive_failure_disables_the_channel_and_is_audited(
    alerts: Call, user: User, alerts_queue: AlertsQueue, receiver: Any
) -> None:
    with receiver(lambda _request: Answer(500)) as hook:
        channel = _webhook(alerts, user, f"{hook.url}/hook")
        key = {"pk": {"S": f"USER#{user.user_id}"}, "sk": {"S": f"CHANNEL#{channel['channel_id']}"}}
        aws.client("dynamodb").update_item(  # nineteen failures already behind it
            TableName=os.environ["ALERTS_TABLE"],
            Key=key,
            UpdateExpression="SET consecutive_failures = :n",
            ExpressionAttributeValues={":n": {"N": "19"}},
        )
        alerts("POST", f"/api/alerts/channels/{channel['channel_id']}/test", token=user.token)
        alerts_queue.deliver(user.user_id)

    (listed,) = alerts("GET", "/api/alerts/channels", token=user.token).json["channels"]
    assert (listed["status"], listed["consecutive_failures"]) == ("disabled", 20)
    (delivery,) = _deliveries(alerts, user)
    assert delivery["status"] == "failed"
    assert delivery["last_error"] == "http_500; channel disabled"
    assert "alert_channel_disabled" in audit_actions(user.user_id)
    assert (
        alerts("POST", f"/api/alerts/channels/{channel['channel_id']}/test", token=user.token).status == 409
    )
    assert (
        enqueue_job_alerts(user.user_id, "s", {"channel_ids": [channel["channel_id"]], "min_score": 0}, job())
        == []
    )


def test_test_alerts_reach_the_outbox_for_slack_telegram_and_email(
    alerts: Call, user: User, alerts_queue: AlertsQueue, local_aws: LocalAws
) -> None:
    targets = {
        "slack": "https://hooks.slack.com/services/T0001/B0002/abc123",
        "telegram": "-1009876543210",
        "email": f"{user.user_id[:8]}@example.com",
    }
    for kind, target in targets.items():
        created = alerts(
            "POST", "/api/alerts/channels", {"type": kind, "name": kind, "target": target}, token=user.token
        )
        assert (
            alerts("POST", f"/api/alerts/channels/{created.json['channel_id']}/test", token=user.token).status
            == 202
        )

    alerts_queue.deliver(user.user_id)

    entries = local_aws.outbox.entries()
    mine = {e["channel_type"]: e for e in entries if e["target"] in (targets["telegram"], targets["email"])}
    mine["slack"] = next(e for e in entries if e["channel_type"] == "slack" and "T0001/B0002" in e["target"])
    assert set(mine) == {"slack", "telegram", "email"}
    for entry in mine.values():
        assert "Sample job (test alert from Bidcraft)" in entry["text"]
        if entry["channel_type"] != "telegram":  # Telegram shows the link as "Open on Upwork"
            assert "https://www.upwork.com/jobs/sample-test-alert" in entry["text"]
    assert mine["email"]["subject"].startswith("[Test] New job match")
    statuses = {d["status"] for d in _deliveries(alerts, user)}
    assert statuses == {"delivered"}


def test_quiet_hours_hold_a_delivery_in_the_queue(
    alerts: Call, user: User, alerts_queue: AlertsQueue
) -> None:
    channel = _webhook(alerts, user, "http://127.0.0.1:9/hook")
    now = clock.now()
    quiet = {
        "start": (now - timedelta(hours=1)).strftime("%H:%M"),
        "end": (now + timedelta(hours=2)).strftime("%H:%M"),
        "timezone": "UTC",
    }
    delayed_before = alerts_queue.delayed()

    (delivery_id,) = enqueue_job_alerts(
        user.user_id,
        "s",
        {"channel_ids": [channel["channel_id"]], "min_score": 0, "quiet_hours": quiet},
        job(),
    )

    assert alerts_queue.delayed() == delayed_before + 1
    assert alerts_queue.receive(user.user_id) == []
    (delivery,) = _deliveries(alerts, user, status="queued")
    assert (delivery["delivery_id"], delivery["attempts"]) == (delivery_id, 0)


def test_the_batch_response_names_exactly_the_failed_record(
    alerts: Call, user: User, alerts_queue: AlertsQueue, local_aws: LocalAws, receiver: Any
) -> None:
    with receiver() as hook:
        channel = _webhook(alerts, user, f"{hook.url}/hook")
        for _ in range(2):
            alerts("POST", f"/api/alerts/channels/{channel['channel_id']}/test", token=user.token)
        good = alerts_queue.receive(user.user_id)
        poison = {
            "MessageId": "poison-0001",
            "ReceiptHandle": "rh-poison",
            "Body": "not json",
            "Attributes": {"ApproximateReceiveCount": "1"},
        }

        response = alerts_queue.run([good[0], poison, good[1]])

    assert response == {"batchItemFailures": [{"itemIdentifier": "poison-0001"}]}
    assert len(hook.requests) == 2


def test_a_batch_where_every_record_fails_is_retried_whole(alerts_queue: AlertsQueue) -> None:
    poison = {"MessageId": "p-1", "ReceiptHandle": "rh", "Body": "{}", "Attributes": {}}

    with pytest.raises(BatchProcessingError):
        alerts_queue.run([poison])


def test_the_delivery_log_pages_with_a_tamper_evident_cursor(
    alerts: Call, user: User, other_user: User, alerts_queue: AlertsQueue
) -> None:
    channel = _webhook(alerts, user, "http://127.0.0.1:9/hook")
    ids = [
        alerts("POST", f"/api/alerts/channels/{channel['channel_id']}/test", token=user.token).json[
            "delivery_id"
        ]
        for _ in range(3)
    ]

    first = alerts("GET", "/api/alerts/deliveries", token=user.token, query={"limit": "2"})
    assert [d["delivery_id"] for d in first.json["deliveries"]] == ids[::-1][:2]  # newest first
    assert first.json["pagination"]["has_more"] is True
    cursor = first.json["pagination"]["next_cursor"]
    second = alerts("GET", "/api/alerts/deliveries", token=user.token, query={"limit": "2", "cursor": cursor})
    assert [d["delivery_id"] for d in second.json["deliveries"]] == ids[:1]
    assert second.json["pagination"] == {"limit": 2, "next_cursor": None, "has_more": False}

    by_channel = alerts(
        "GET",
        "/api/alerts/deliveries",
        token=user.token,
        query={"channel_id": channel["channel_id"], "limit": "5"},
    )
    assert [d["delivery_id"] for d in by_channel.json["deliveries"]] == ids[::-1]

    tampered = cursor[:-2] + ("A" if cursor[-2] != "A" else "B") + cursor[-1]
    bad = alerts("GET", "/api/alerts/deliveries", token=user.token, query={"cursor": tampered, "limit": "2"})
    assert bad.status == 400
    assert bad.json["type"].endswith("/invalid-cursor")
    stolen = alerts(
        "GET", "/api/alerts/deliveries", token=other_user.token, query={"cursor": cursor, "limit": "2"}
    )
    assert stolen.status == 400
    assert alerts("GET", "/api/alerts/deliveries", token=user.token, query={"limit": "0"}).status == 422
    assert alerts("GET", "/api/alerts/deliveries", token=user.token, query={"status": "lost"}).status == 422
    alerts_queue.receive(user.user_id)  # drop the queued test alerts (their receiver is not listening)


def test_a_delivery_item_keeps_the_job_snapshot_the_worker_sends(alerts: Call, user: User) -> None:
    channel = _webhook(alerts, user, "http://127.0.0.1:9/hook")
    the_job = job(title="Snapshot ✓ ünïcode")

    (delivery_id,) = enqueue_job_alerts(
        user.user_id, "s-9", {"channel_ids": [channel["channel_id"]]}, the_job
    )

    item = alerts_item(f"USER#{user.user_id}", f"DELIVERY#{delivery_id}")
    assert item is not None
    assert json.loads(item["job_json"]["S"]) == the_job
    assert item["gsi1pk"]["S"] == f"USER#{user.user_id}#CHANNEL#{channel['channel_id']}"
    assert int(item["expires_at"]["N"]) > clock.epoch(clock.now() + timedelta(days=29))


def test_a_delivery_whose_message_cannot_be_queued_is_undone_and_can_be_offered_again(
    alerts: Call, user: User, alerts_queue: AlertsQueue, monkeypatch: pytest.MonkeyPatch
) -> None:
    channel = _webhook(alerts, user, "http://127.0.0.1:9/hook")
    spec = {"channel_ids": [channel["channel_id"]], "min_score": 0}
    the_job = job()
    # Given a queue that refuses the message (SQS answers QueueDoesNotExist)
    monkeypatch.setenv("ALERTS_QUEUE_URL", alerts_queue.url + "-gone")
    config.reset()

    with pytest.raises(ServiceUnavailable):
        enqueue_job_alerts(user.user_id, "s-undo", spec, the_job)

    # Then neither the delivery nor its at-most-once marker is left behind
    assert _deliveries(alerts, user) == []
    assert alerts_item(f"USER#{user.user_id}", f"DEDUP#{channel['channel_id']}#{the_job['job_id']}") is None
    # And once the queue is back, the same offer creates and queues it (once)
    monkeypatch.undo()
    config.reset()
    (delivery_id,) = enqueue_job_alerts(user.user_id, "s-undo", spec, the_job)
    assert enqueue_job_alerts(user.user_id, "s-undo", spec, the_job) == []
    (queued,) = alerts_queue.receive(user.user_id)
    assert json.loads(queued["Body"])["delivery_id"] == delivery_id
