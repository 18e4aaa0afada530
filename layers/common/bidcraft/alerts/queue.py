"""Messages on the alerts queue (`ALERTS_QUEUE_URL`): one per delivery attempt (or waiting hop)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bidcraft import aws, config
from bidcraft.alerts.settings import AlertsQueueSettings
from bidcraft.errors import ServiceUnavailable

DELIVERY_ID = re.compile(r"^dl_[0-9a-f]{24}$")  # `deliveries.new_delivery_id`


class DeliveryMessage(BaseModel):
    """`attempt`: the attempt this message is for; `not_before`: epoch seconds before which it only waits.

    Built on first use (`defer_build`): the alerts function needs it for test alerts only. The worker, which
    parses one per record, builds it at import (`bidcraft.alerts.worker`)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    v: Literal[1] = 1
    user_id: str = Field(min_length=1, max_length=128)
    delivery_id: str = Field(pattern=DELIVERY_ID.pattern)
    attempt: int = Field(ge=1, le=1000)
    not_before: int | None = None


def send(message: DeliveryMessage, *, delay_seconds: int = 0) -> None:
    """Queue one message (SQS allows at most 900 s of delay); `ServiceUnavailable` when SQS fails."""
    try:
        aws.client("sqs").send_message(
            QueueUrl=config.load(AlertsQueueSettings).alerts_queue_url,
            MessageBody=message.model_dump_json(exclude_none=True),
            DelaySeconds=max(0, min(int(delay_seconds), 900)),
        )
    except aws.AWS_ERRORS as exc:
        raise ServiceUnavailable("The alert could not be queued; retry later") from exc
