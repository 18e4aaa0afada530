"""The sample SQS events in events/ carry message bodies the workers actually accept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from bidcraft.ai.worker import JobMessage
from bidcraft.alerts.queue import DeliveryMessage
from bidcraft.events.models import parse_envelope
from bidcraft.sync.messages import SyncMessage

EVENTS = Path(__file__).resolve().parents[3] / "events"


def _bodies(name: str) -> list[str]:
    event: dict[str, Any] = json.loads((EVENTS / name).read_text(encoding="utf-8"))
    return [record["body"] for record in event["Records"]]


@pytest.mark.parametrize(
    ("sample", "model"),
    [
        ("sync_worker_user.json", SyncMessage),
        ("alerts_worker_delivery.json", DeliveryMessage),
    ],
)
def test_worker_samples_parse_as_their_messages(sample: str, model: type[BaseModel]) -> None:
    for body in _bodies(sample):
        model.model_validate_json(body)


def test_ai_worker_sample_parses_as_its_message() -> None:
    # The AI worker checks its own queue message by hand (no pydantic model at start-up): None is malformed.
    for body in _bodies("ai_worker_generate_proposal.json"):
        assert JobMessage.parse(body) is not None


def test_events_worker_sample_is_an_event_envelope() -> None:
    for body in _bodies("events_worker_proposal_created.json"):
        assert parse_envelope(body).event.type == "proposal.created"
