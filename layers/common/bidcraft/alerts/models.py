"""Alerts: the API's shapes (API.md "Alerts"), used by the alerts function's routes.

A saved search's alerts settings (`AlertsSpec`, `QuietHours`) are in `bidcraft.alerts.spec`: the poller and
the delivery worker use them and none of these (their classes cost import time in the functions that do not).
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer, model_serializer

from bidcraft import clock
from bidcraft.security.cursor import Pagination

ChannelType = Literal["webhook", "slack", "telegram", "email"]
ChannelStatus = Literal["active", "disabled"]
DeliveryType = Literal["job.matched", "alert.test"]
DeliveryStatus = Literal["queued", "delivered", "retrying", "failed", "suppressed"]
CHANNEL_ID = re.compile(r"^ch_[0-9a-f]{24}$")


class _Out(BaseModel):
    """Response models: optional fields left unset are omitted, not sent as null."""

    # defer_build: each schema is built on first use, so a cold request builds its own route's models only
    model_config = ConfigDict(extra="forbid", defer_build=True)

    @model_serializer(mode="wrap")
    def _drop_none(self, handler: Any) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            return {name: value for name, value in data.items() if value is not None}
        return data


class ChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    type: ChannelType
    name: Annotated[str, Field(min_length=1, max_length=80)]
    target: Annotated[
        str,
        Field(
            min_length=1,
            max_length=2048,
            description="webhook: an https URL; slack: a Slack incoming-webhook URL; telegram: a chat id; "
            "email: an address",
        ),
    ]


class Channel(_Out):
    channel_id: str
    type: ChannelType
    name: str
    target: str = Field(description="Masked for URLs and e-mail addresses")
    status: ChannelStatus
    created_at: datetime = Field(description="ISO 8601 UTC")
    last_delivery_at: datetime | None = None
    consecutive_failures: int = 0

    @field_serializer("created_at", "last_delivery_at")
    def _iso(self, value: datetime | None) -> str | None:
        return clock.iso(value) if value is not None else None


class ChannelCreated(Channel):
    secret: str | None = Field(
        default=None, description="`whsec_…`: a webhook channel's signing secret, shown only in this response"
    )


class ChannelList(BaseModel):
    model_config = ConfigDict(defer_build=True)

    channels: list[Channel]


class TestAccepted(BaseModel):
    model_config = ConfigDict(defer_build=True)

    delivery_id: str


class Delivery(_Out):
    delivery_id: str
    channel_id: str
    job_id: str | None = None
    type: DeliveryType
    status: DeliveryStatus
    attempts: int
    last_status_code: int | None = None
    last_error: str | None = None
    created_at: datetime = Field(description="ISO 8601 UTC")
    delivered_at: datetime | None = None

    @field_serializer("created_at", "delivered_at")
    def _iso(self, value: datetime | None) -> str | None:
        return clock.iso(value) if value is not None else None


class DeliveryPage(BaseModel):
    model_config = ConfigDict(defer_build=True)

    deliveries: list[Delivery]
    pagination: Pagination
