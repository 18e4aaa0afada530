"""Alerts routes: the caller's alert channels (create, list, delete, test) and their delivery log.

Every route takes a bearer token, counts against the caller's `api` rate limit, validates its input (422
problem with field errors otherwise) and makes one domain call. Channels are the caller's own: another
user's channel id is 404 on every route (API.md "Alerts").
"""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from bidcraft import config
from bidcraft.alerts import channels, deliveries
from bidcraft.alerts.models import (
    ChannelCreated,
    ChannelIn,
    ChannelList,
    DeliveryPage,
    DeliveryStatus,
    TestAccepted,
)
from bidcraft.http import create_app, docs, lambda_handler_for
from bidcraft.http.guard import current_principal
from bidcraft.http.limits import by_user
from bidcraft.security import ratelimit

app = create_app("alerts")
API_LIMIT = [by_user(ratelimit.API)]
TAGS = ["alerts"]
ChannelId = Annotated[str, Path(min_length=1, max_length=64, description="A channel id of yours (`ch_…`)")]


class AlertsSettings(config.CoreSettings):
    """Everything this function needs, checked on the first request (no defaults for resource names)."""

    alerts_table: str
    alerts_queue_url: str
    kms_key_id: str


def _caller() -> str:
    config.load(AlertsSettings)  # a misconfigured deployment fails here, with a `misconfigured` problem
    return current_principal(app).user_id


@app.post(
    "/api/alerts/channels",
    summary="Add an alert channel (a webhook channel's signing secret is shown once, in this response)",
    tags=TAGS,
    middlewares=API_LIMIT,
    responses={
        201: docs.ok(ChannelCreated, "The channel (with `secret` for a webhook channel)"),
        409: docs.problem("You already have 10 channels"),
    },
)
def create_channel(body: ChannelIn) -> Response[ChannelCreated]:
    created = channels.create_channel(_caller(), body)
    return Response(
        status_code=201,
        content_type="application/json",
        body=created,
        headers={"Location": f"/api/alerts/channels/{created.channel_id}"},
    )


@app.get(
    "/api/alerts/channels",
    summary="Your alert channels (targets masked)",
    tags=TAGS,
    middlewares=API_LIMIT,
    responses={200: docs.ok(ChannelList, "Your channels, oldest first")},
)
def list_channels() -> ChannelList:
    return channels.list_channels(_caller())


@app.delete(
    "/api/alerts/channels/<channel_id>",
    summary="Delete one of your alert channels",
    tags=TAGS,
    middlewares=API_LIMIT,
    responses={204: {"description": "Deleted"}, 404: docs.problem("No such channel of yours")},
)
def delete_channel(channel_id: ChannelId) -> Response[None]:
    channels.delete_channel(_caller(), channel_id)
    return Response(status_code=204)


@app.post(
    "/api/alerts/channels/<channel_id>/test",
    summary="Send a test alert (an `alert.test` event with a sample job) to one of your channels",
    tags=TAGS,
    middlewares=API_LIMIT,
    responses={
        202: docs.ok(TestAccepted, "The test delivery is queued; follow it in /api/alerts/deliveries"),
        404: docs.problem("No such channel of yours"),
        409: docs.problem("The channel is disabled"),
        429: docs.problem("Five test alerts to this channel in the current hour already (Retry-After)"),
    },
)
def test_channel(channel_id: ChannelId) -> Response[TestAccepted]:
    accepted = channels.send_test(_caller(), channel_id)
    return Response(status_code=202, content_type="application/json", body=accepted)


@app.get(
    "/api/alerts/deliveries",
    summary="Your alert deliveries and their attempts, newest first",
    tags=TAGS,
    middlewares=API_LIMIT,
    responses={200: docs.ok(DeliveryPage, "A page of deliveries"), 400: docs.problem("Invalid cursor")},
)
def list_deliveries(
    channel_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    status: Annotated[DeliveryStatus | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=deliveries.MAX_LIMIT)] = deliveries.DEFAULT_LIMIT,
    cursor: Annotated[str | None, Query(min_length=1, max_length=2048)] = None,
) -> DeliveryPage:
    return deliveries.list_deliveries(
        _caller(), channel_id=channel_id, status=status, limit=limit, cursor=cursor
    )


lambda_handler = lambda_handler_for(app)
startup.finished()
