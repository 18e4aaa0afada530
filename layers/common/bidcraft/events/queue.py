"""Sending event envelopes to the events queue (`EVENTS_QUEUE_URL`)."""

from __future__ import annotations

from bidcraft import aws, config
from bidcraft.events.models import Envelope


class EventsQueueSettings(config.BaseSettings):
    events_queue_url: str


def queue_url() -> str:
    return config.load(EventsQueueSettings).events_queue_url


def send(envelope: Envelope) -> str:
    """Queue one envelope; the SQS message id. AWS errors propagate (the caller decides what to answer)."""
    response = aws.client("sqs").send_message(
        QueueUrl=queue_url(),
        MessageBody=envelope.to_json(),
        MessageAttributes={"event_type": {"DataType": "String", "StringValue": envelope.event.type}},
    )
    return str(response["MessageId"])
