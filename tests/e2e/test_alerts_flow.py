"""Alerts over the local stack: channels, signed webhook deliveries to a loopback receiver, Telegram and
e-mail through the outbox, a failing receiver retried and logged, and another user locked out."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx2
from standardwebhooks.webhooks import Webhook

from tests.e2e.conftest import LocalStackProcess
from tests.e2e.session import sign_in
from tests.unit.outbound.receiver import Answer, loopback_receiver


def _eventually(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def _user(http: httpx2.Client, stack: LocalStackProcess) -> dict[str, str]:
    return sign_in(http, stack.redirect_uri, account=f"e2e-al-{uuid.uuid4().hex[:10]}").headers


def _channel(http: httpx2.Client, auth: dict[str, str], kind: str, target: str) -> dict[str, Any]:
    created = http.post(
        "/api/alerts/channels", json={"type": kind, "name": kind, "target": target}, headers=auth
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def _delivery(http: httpx2.Client, auth: dict[str, str], delivery_id: str) -> dict[str, Any] | None:
    listed = http.get("/api/alerts/deliveries", headers=auth).json()["deliveries"]
    return next((d for d in listed if d["delivery_id"] == delivery_id), None)


def test_a_test_alert_reaches_a_loopback_webhook_signed_exactly_once(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    auth = _user(http, local_stack)
    with loopback_receiver() as hook:
        channel = _channel(http, auth, "webhook", f"{hook.url}/bidcraft")
        started = time.monotonic()
        accepted = http.post(f"/api/alerts/channels/{channel['channel_id']}/test", headers=auth)
        assert accepted.status_code == 202, accepted.text
        assert _eventually(lambda: hook.requests), "the webhook receiver got nothing"
        latency = time.monotonic() - started
        delivered = _eventually(
            lambda: (
                (d := _delivery(http, auth, accepted.json()["delivery_id"])) and d["status"] == "delivered"
            )
        )
        time.sleep(1.5)  # a duplicate would arrive within a poll or two

    assert delivered
    (request,) = hook.requests
    event = Webhook(channel["secret"]).verify(request.body, request.headers)
    assert event["type"] == "alert.test"
    assert request.headers["webhook-id"] == accepted.json()["delivery_id"]
    assert latency < 10, f"test alert took {latency:.1f}s to reach the receiver"
    print(f"\ntest alert → webhook receiver: {latency * 1000:.0f} ms")


def test_telegram_and_email_test_alerts_are_listed_in_the_outbox(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    auth = _user(http, local_stack)
    chat = str(-1000000000000 - int(uuid.uuid4().int % 10**9))
    address = f"e2e-{uuid.uuid4().hex[:8]}@example.com"
    for kind, target in (("telegram", chat), ("email", address)):
        channel = _channel(http, auth, kind, target)
        assert (
            http.post(f"/api/alerts/channels/{channel['channel_id']}/test", headers=auth).status_code == 202
        )

    def sent() -> dict[str, dict[str, Any]]:
        outbox = http.get("/_sandbox/outbox")
        assert outbox.status_code == 200
        found = {e["channel_type"]: e for e in outbox.json() if e["target"] in (chat, address)}
        return found if len(found) == 2 else {}

    found = _eventually(sent)
    assert set(found) == {"telegram", "email"}, found
    assert "Sample job (test alert from Bidcraft)" in found["telegram"]["text"]
    assert found["email"]["subject"].startswith("[Test] New job match")
    assert "https://www.upwork.com/jobs/sample-test-alert" in found["email"]["text"]
    assert all(set(e) >= {"channel_type", "target", "text", "sent_at"} for e in found.values())


def test_a_failing_receiver_is_retried_and_every_attempt_logged(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    auth = _user(http, local_stack)
    with loopback_receiver(lambda _request: Answer(500, b"boom")) as hook:
        channel = _channel(http, auth, "webhook", f"{hook.url}/hook")
        delivery_id = http.post(f"/api/alerts/channels/{channel['channel_id']}/test", headers=auth).json()[
            "delivery_id"
        ]
        first = _eventually(
            lambda: (d := _delivery(http, auth, delivery_id)) and d["status"] == "retrying" and d
        )
        # the second attempt comes back through the queue after the first backoff (30 s ± 20 %)
        assert _eventually(lambda: len(hook.requests) >= 2, 60), "no second attempt within 60 s"
        second = _eventually(
            lambda: (
                (d := _delivery(http, auth, delivery_id))
                and d["attempts"] == 2
                and d["status"] == "retrying"
                and d
            )
        )

    assert first["last_status_code"] == 500
    assert (second["last_status_code"], second["last_error"]) == (500, "http_500")
    gap = hook.requests[1].at - hook.requests[0].at
    assert 23 <= gap <= 45, f"the retry came {gap:.1f}s after the first attempt"  # 30 s ± 20 %, plus polling
    assert hook.requests[0].headers["webhook-id"] == hook.requests[1].headers["webhook-id"] == delivery_id
    (listed,) = http.get("/api/alerts/channels", headers=auth).json()["channels"]
    assert listed["consecutive_failures"] >= 2
    assert listed["status"] == "active"


def test_another_user_can_neither_see_nor_test_nor_delete_a_channel(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    alice, bob = _user(http, local_stack), _user(http, local_stack)
    channel = _channel(http, alice, "email", f"alice-{uuid.uuid4().hex[:6]}@example.com")

    assert http.get("/api/alerts/channels", headers=bob).json() == {"channels": []}
    assert http.post(f"/api/alerts/channels/{channel['channel_id']}/test", headers=bob).status_code == 404
    assert http.delete(f"/api/alerts/channels/{channel['channel_id']}", headers=bob).status_code == 404
    bobs_view = http.get("/api/alerts/deliveries", params={"channel_id": channel["channel_id"]}, headers=bob)
    assert bobs_view.json()["deliveries"] == []
    assert http.get("/api/alerts/channels").status_code == 401
    (still,) = http.get("/api/alerts/channels", headers=alice).json()["channels"]
    assert still["channel_id"] == channel["channel_id"]


def test_a_published_matching_job_reaches_the_webhook_once_signed(
    http: httpx2.Client, local_stack: LocalStackProcess
) -> None:
    # Given a freelancer with a webhook channel and a saved search that alerts to it
    auth = _user(http, local_stack)
    skill = "Alertskill" + uuid.uuid4().hex[:8]
    with loopback_receiver() as hook:
        channel = _channel(http, auth, "webhook", f"{hook.url}/jobs")
        search = http.post(
            "/api/jobs/searches",
            json={
                "name": "alerts",
                "skills": [skill],
                "alerts": {"channel_ids": [channel["channel_id"]], "min_score": 0},
            },
            headers=auth,
        )
        assert search.status_code == 201, search.text
        # When a matching job is published in the sandbox and a polling round runs
        published_at = time.monotonic()
        job = http.post(
            "/_sandbox/upwork/_jobs",
            json={
                "title": f"Build a webhook relay in {skill}",
                "description": f"We need a {skill} developer for a small webhook relay.",
                "skills": [skill],
                "category": "Web, Mobile & Software Dev",
                "type": "fixed",
                "amount": 900,
                "client": {"payment_verified": True, "total_spent": 3000, "hires": 2},
            },
        )
        assert job.status_code == 201, job.text
        job_id = job.json()["job_id"]
        polled = http.post("/_local/schedule/JobsPollerFunction")
        assert polled.status_code == 200, polled.text
        # Then the receiver gets it, signed with the channel's secret
        assert _eventually(lambda: hook.requests, 15), "the matching job was not delivered"
        latency = time.monotonic() - published_at
        # and a second round does not send it again
        assert http.post("/_local/schedule/JobsPollerFunction").status_code == 200
        time.sleep(2)

    (request,) = hook.requests
    event = Webhook(channel["secret"]).verify(request.body, request.headers)
    assert event["type"] == "job.matched"
    assert event["data"]["search_id"] == search.json()["search_id"]
    assert event["data"]["job"]["job_id"] == job_id
    assert event["data"]["job"]["budget"]["amount"] == 900
    (delivery,) = [
        d for d in http.get("/api/alerts/deliveries", headers=auth).json()["deliveries"] if d.get("job_id")
    ]
    assert (delivery["job_id"], delivery["status"], delivery["attempts"]) == (job_id, "delivered", 1)
    assert latency < 10
    print(f"\npublish → poll → webhook delivery: {latency * 1000:.0f} ms")
