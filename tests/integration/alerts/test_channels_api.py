"""Alert channels through AlertsFunction: the contract's shapes, validation, limits, and owner-only access."""

from __future__ import annotations

import base64

import pytest

from bidcraft.alerts.enqueue import enqueue_job_alerts
from tests.integration.alerts.conftest import Call, User, alerts_item, job

WEBHOOK = {"type": "webhook", "name": "My relay", "target": "https://hooks.example.com/bidcraft?token=s3cr3t"}
CHANNEL_KEYS = {"channel_id", "type", "name", "target", "status", "created_at", "consecutive_failures"}


def test_a_webhook_channel_is_created_with_its_secret_shown_once(alerts: Call, user: User) -> None:
    created = alerts("POST", "/api/alerts/channels", WEBHOOK, token=user.token)

    assert created.status == 201, created.body
    assert set(created.json) == CHANNEL_KEYS | {"secret"}
    assert created.headers["location"] == f"/api/alerts/channels/{created.json['channel_id']}"
    assert created.headers["cache-control"] == "no-store"
    secret = created.json["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert created.json["target"] == "https://hooks.example.com/…"
    assert (created.json["status"], created.json["consecutive_failures"]) == ("active", 0)

    listed = alerts("GET", "/api/alerts/channels", token=user.token)
    assert listed.status == 200
    assert listed.headers["cache-control"] == "no-store"
    (channel,) = listed.json["channels"]
    assert set(channel) == CHANNEL_KEYS
    assert channel["channel_id"] == created.json["channel_id"]
    assert secret not in listed.body


def test_target_and_secret_are_stored_encrypted(alerts: Call, user: User) -> None:
    created = alerts("POST", "/api/alerts/channels", WEBHOOK, token=user.token).json

    item = alerts_item(f"USER#{user.user_id}", f"CHANNEL#{created['channel_id']}")

    assert item is not None
    raw = repr(item)
    assert "s3cr3t" not in raw
    assert created["secret"].removeprefix("whsec_") not in raw
    assert item["sealed"]["B"][:1] == b"\x01"  # envelope blob, version 1


@pytest.mark.parametrize(
    ("kind", "target", "masked"),
    [
        ("slack", "https://hooks.slack.com/services/T0001/B0002/abcdef123", "https://hooks.slack.com/…"),
        ("telegram", "-1001234567890", "-1001234567890"),
        ("email", "jane.doe@example.com", "j***@example.com"),
    ],
)
def test_other_channel_types_have_no_secret(
    alerts: Call, user: User, kind: str, target: str, masked: str
) -> None:
    created = alerts(
        "POST", "/api/alerts/channels", {"type": kind, "name": kind, "target": target}, token=user.token
    )

    assert created.status == 201, created.body
    assert "secret" not in created.json
    assert created.json["target"] == masked


@pytest.mark.parametrize(
    "body",
    [
        {"type": "webhook", "name": "x", "target": "http://hooks.example.com/x"},
        {"type": "webhook", "name": "x", "target": "https://169.254.169.254/latest/meta-data/"},
        {"type": "webhook", "name": "x", "target": "https://10.0.0.8/hook"},
        {"type": "slack", "name": "x", "target": "https://example.com/services/T/B/X"},
        {"type": "telegram", "name": "x", "target": "not-a-chat"},
        {"type": "email", "name": "x", "target": "nobody"},
    ],
)
def test_invalid_targets_are_422_on_the_target_field(alerts: Call, user: User, body: dict[str, str]) -> None:
    reply = alerts("POST", "/api/alerts/channels", body, token=user.token)

    assert reply.status == 422, reply.body
    assert reply.headers["content-type"] == "application/problem+json"
    assert reply.json["errors"][0]["loc"] == ["body", "target"]
    assert body["target"] not in reply.body


@pytest.mark.parametrize(
    "body",
    [
        {"type": "pager", "name": "x", "target": "x"},
        {"type": "webhook", "name": "", "target": "https://hooks.example.com/x"},
        {"type": "webhook", "target": "https://hooks.example.com/x"},
        {**WEBHOOK, "status": "active"},
    ],
)
def test_schema_violations_are_422(alerts: Call, user: User, body: dict[str, str]) -> None:
    reply = alerts("POST", "/api/alerts/channels", body, token=user.token)

    assert reply.status == 422, reply.body
    assert reply.json["errors"]


def test_an_eleventh_channel_is_a_conflict(alerts: Call, user: User) -> None:
    for number in range(10):
        body = {"type": "telegram", "name": f"chat {number}", "target": str(1000 + number)}
        assert alerts("POST", "/api/alerts/channels", body, token=user.token).status == 201

    reply = alerts("POST", "/api/alerts/channels", WEBHOOK, token=user.token)

    assert reply.status == 409
    assert len(alerts("GET", "/api/alerts/channels", token=user.token).json["channels"]) == 10


def test_delete_then_delete_again(alerts: Call, user: User) -> None:
    channel_id = alerts("POST", "/api/alerts/channels", WEBHOOK, token=user.token).json["channel_id"]

    assert alerts("DELETE", f"/api/alerts/channels/{channel_id}", token=user.token).status == 204
    assert alerts("DELETE", f"/api/alerts/channels/{channel_id}", token=user.token).status == 404
    assert alerts("GET", "/api/alerts/channels", token=user.token).json["channels"] == []
    # the freed slot counts again: ten new channels fit
    for number in range(10):
        body = {"type": "telegram", "name": "c", "target": str(number + 1)}
        assert alerts("POST", "/api/alerts/channels", body, token=user.token).status == 201


def test_another_user_can_neither_see_nor_use_nor_test_a_channel(
    alerts: Call, user: User, other_user: User
) -> None:
    # Given Alice's webhook channel
    channel_id = alerts("POST", "/api/alerts/channels", WEBHOOK, token=user.token).json["channel_id"]

    # Then Bob does not see it, cannot test or delete it, nor read its deliveries
    assert alerts("GET", "/api/alerts/channels", token=other_user.token).json == {"channels": []}
    assert alerts("POST", f"/api/alerts/channels/{channel_id}/test", token=other_user.token).status == 404
    assert alerts("DELETE", f"/api/alerts/channels/{channel_id}", token=other_user.token).status == 404
    deliveries = alerts(
        "GET", "/api/alerts/deliveries", token=other_user.token, query={"channel_id": channel_id}
    )
    assert deliveries.status == 200
    assert deliveries.json["deliveries"] == []
    # nor use it from one of his saved searches
    assert (
        enqueue_job_alerts(other_user.user_id, "s-bob", {"channel_ids": [channel_id], "min_score": 0}, job())
        == []
    )
    # and Alice's channel is untouched
    (mine,) = alerts("GET", "/api/alerts/channels", token=user.token).json["channels"]
    assert mine["channel_id"] == channel_id


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/alerts/channels"),
        ("POST", "/api/alerts/channels"),
        ("DELETE", "/api/alerts/channels/ch_000000000000000000000000"),
        ("POST", "/api/alerts/channels/ch_000000000000000000000000/test"),
        ("GET", "/api/alerts/deliveries"),
    ],
)
def test_every_route_needs_a_bearer_token(alerts: Call, method: str, path: str) -> None:
    reply = alerts(method, path, WEBHOOK if method == "POST" else None)

    assert reply.status == 401
    assert reply.headers["www-authenticate"] == "Bearer"


def test_test_alerts_are_limited_to_five_per_channel_per_hour(alerts: Call, user: User) -> None:
    body = {"type": "email", "name": "inbox", "target": "limited@example.com"}
    channel_id = alerts("POST", "/api/alerts/channels", body, token=user.token).json["channel_id"]
    path = f"/api/alerts/channels/{channel_id}/test"

    statuses = [alerts("POST", path, token=user.token).status for _ in range(5)]
    refused = alerts("POST", path, token=user.token)

    assert statuses == [202] * 5
    assert refused.status == 429
    assert 0 < int(refused.headers["retry-after"]) <= 3600
    assert refused.headers["ratelimit-limit"] == "5"
    other = alerts("POST", "/api/alerts/channels", {**body, "target": "other@example.com"}, token=user.token)
    other_path = f"/api/alerts/channels/{other.json['channel_id']}/test"
    assert alerts("POST", other_path, token=user.token).status == 202  # the limit is per channel
