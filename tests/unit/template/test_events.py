"""events/*.json: one sample event (at least) per function, in the shape its trigger delivers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks import Webhook

from tests.unit.template.conftest import ROOT

EVENTS = ROOT / "events"
# The Standard Webhooks specification's example secret signs the sample webhook.
SAMPLE_WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def _load(path: Path) -> dict[str, Any]:
    loaded = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


FUNCTION_DIRS = sorted(p.name for p in (ROOT / "functions").iterdir() if p.is_dir())


def _samples_for(directory: str) -> list[Path]:
    """`events/<dir>_<what>.json`; `ai_worker_x.json` belongs to ai_worker, not to ai."""

    def owner(path: Path) -> str | None:
        owners = [d for d in FUNCTION_DIRS if path.stem.startswith(f"{d}_")]
        return max(owners, key=len, default=None)

    return [p for p in sorted(EVENTS.glob("*.json")) if owner(p) == directory]


def test_every_sample_event_belongs_to_a_function() -> None:
    for path in EVENTS.glob("*.json"):
        assert any(path in _samples_for(d) for d in FUNCTION_DIRS), path.name


def _function_dirs(functions: dict[str, Any]) -> dict[str, str]:
    return {name: props["CodeUri"].rstrip("/").rpartition("/")[2] for name, props in functions.items()}


def test_every_function_has_a_sample_event(functions: dict[str, Any]) -> None:
    for name, directory in _function_dirs(functions).items():
        assert _samples_for(directory), f"{name}: no events/{directory}_*.json"


def test_http_samples_are_payload_v2_events_for_a_route_of_their_function(functions: dict[str, Any]) -> None:
    for name, directory in _function_dirs(functions).items():
        routes = {
            "$default"
            if "Path" not in e["Properties"]
            else f"{e['Properties']['Method']} {e['Properties']['Path']}"
            for e in functions[name].get("Events", {}).values()
            if e["Type"] == "HttpApi"
        }
        if not routes:
            continue
        for path in _samples_for(directory):
            event = _load(path)
            assert event["version"] == "2.0", path.name
            assert event["routeKey"] in routes, path.name
            assert event["requestContext"]["routeKey"] == event["routeKey"]
            assert event["rawPath"] == event["requestContext"]["http"]["path"]
            if "body" in event:
                json.loads(event["body"])
                assert event["headers"]["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("directory", "queue"),
    [
        ("events_worker", "EventsQueue"),
        ("ai_worker", "AiJobsQueue"),
        ("sync_worker", "SyncQueue"),
        ("alerts_worker", "AlertsQueue"),
    ],
)
def test_worker_samples_are_sqs_batches_from_their_queue(directory: str, queue: str) -> None:
    sqs_samples = [p for p in _samples_for(directory) if "Records" in _load(p)]
    assert sqs_samples
    for path in sqs_samples:
        for record in _load(path)["Records"]:
            assert record["eventSource"] == "aws:sqs"
            assert f"-{queue}-" in record["eventSourceARN"]
            json.loads(record["body"])


def test_sync_worker_has_a_scheduled_event_sample() -> None:
    (schedule,) = [e for e in map(_load, _samples_for("sync_worker")) if e.get("source") == "aws.events"]
    assert schedule["detail-type"] == "Scheduled Event"


def test_webhook_sample_is_a_function_url_event_signed_per_standard_webhooks() -> None:
    (path,) = _samples_for("webhooks")
    event = _load(path)
    assert event["routeKey"] == "$default"
    assert ".lambda-url." in event["requestContext"]["domainName"]
    headers = event["headers"]
    sent_at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), tz=UTC)
    expected = Webhook(SAMPLE_WEBHOOK_SECRET).sign(headers["webhook-id"], sent_at, event["body"])
    assert headers["webhook-signature"] == expected


def test_events_worker_sample_carries_the_webhook_event_in_an_envelope() -> None:
    webhook = _load(EVENTS / "webhooks_proposal_created.json")
    (record,) = _load(EVENTS / "events_worker_proposal_created.json")["Records"]
    envelope = json.loads(record["body"])
    assert envelope["event_id"] == webhook["headers"]["webhook-id"]
    assert envelope["event"] == json.loads(webhook["body"])
