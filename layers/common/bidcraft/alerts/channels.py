"""Alert channels: create (validated, target sealed), list (masked), delete, send a test alert.

Owner-only by construction: every read and write is keyed by the caller's own partition, so another user's
channel id is simply not found (404) — it can be neither seen, nor tested, nor used by a saved search.

Targets (API.md): `webhook` — an https URL that passes the outbound guard's static checks (on the local stack
also http to loopback); `slack` — a Slack incoming-webhook URL (`https://hooks.slack.com/services/…`);
`telegram` — a chat id (`123456`, `-100123…`) or a public `@channel`; `email` — one address. The target, and
a webhook channel's signing secret (`whsec_` + 32 random bytes, shown once), are stored KMS-envelope
encrypted for this user (`alert_channel` purpose); responses show the target masked.

What only one route needs is imported there: the outbound guard and the envelope encryption by a create, the
sample job by a test; listing and deleting need neither.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from bidcraft import clock, config
from bidcraft.alerts import deliveries, store
from bidcraft.alerts.models import (
    CHANNEL_ID,
    Channel,
    ChannelCreated,
    ChannelIn,
    ChannelList,
    TestAccepted,
)
from bidcraft.errors import Conflict, NotFound, RateLimited, Unprocessable

if TYPE_CHECKING:
    from bidcraft.outbound.guard import Policy

SECRET_PREFIX = "whsec_"  # noqa: S105  # nosec B105
SECRET_BYTES = 32
SLACK_HOST = "hooks.slack.com"
TESTS_PER_HOUR = 5
_SLACK_PATH = re.compile(r"^/services/[A-Za-z0-9]{1,32}/[A-Za-z0-9]{1,32}/[A-Za-z0-9]{1,64}$")
_TELEGRAM_CHAT = re.compile(r"^(-?[0-9]{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$")
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})+$")


def _invalid(message: str) -> Unprocessable:
    return Unprocessable(
        "The channel's target is not valid", errors=[{"loc": ["body", "target"], "msg": message}]
    )


def policy() -> Policy:
    from bidcraft.outbound.guard import Policy

    return Policy.for_stack(local_stack=config.load(config.BaseSettings).local_stack)


def validate_target(channel_type: str, target: str, guard: Policy) -> str:
    """The target as stored (trimmed), or `Unprocessable` with a field error."""
    from bidcraft.outbound.guard import Refused, parse_url

    value = target.strip()
    if channel_type in ("webhook", "slack"):
        try:
            parsed = parse_url(value, guard)
        except Refused as refused:
            raise _invalid(refused.detail) from None
        if channel_type == "slack" and (
            parsed.scheme != "https" or parsed.host != SLACK_HOST or not _SLACK_PATH.match(parsed.target)
        ):
            raise _invalid("must be a Slack incoming-webhook URL, https://hooks.slack.com/services/…")
        return value
    if channel_type == "telegram":
        if not _TELEGRAM_CHAT.match(value):
            raise _invalid("must be a Telegram chat id (e.g. 123456789 or -1001234567890) or @channelname")
        return value
    if len(value) > 254 or not _EMAIL.match(value):
        raise _invalid("must be one e-mail address")
    return value


def mask(channel_type: str, target: str) -> str:
    """What responses show of a target: enough to recognise it, not enough to use it."""
    if channel_type in ("webhook", "slack"):
        from bidcraft.outbound.guard import Policy, parse_url

        parsed = parse_url(target, Policy(allow_loopback=True))
        return f"{parsed.scheme}://{parsed.host_header}/…"
    if channel_type == "email":
        local, _, domain = target.partition("@")
        return f"{local[:1]}***@{domain}"
    return target


def _to_api(item: Mapping[str, Any]) -> Channel:
    return Channel(
        channel_id=str(item["channel_id"]),
        type=item["type"],
        name=str(item["name"]),
        target=str(item["target_masked"]),
        status=item["status"],
        created_at=item["created_at"],
        last_delivery_at=item.get("last_delivery_at"),
        consecutive_failures=int(item.get("consecutive_failures", 0)),
    )


def create_channel(user_id: str, body: ChannelIn) -> ChannelCreated:
    from bidcraft.alerts.sealing import seal

    target = validate_target(body.type, body.target, policy())
    secret = None
    if body.type == "webhook":
        secret = SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")
    now = clock.now()
    item = {
        "channel_id": "ch_" + secrets.token_hex(12),
        "type": body.type,
        "name": body.name,
        "target_masked": mask(body.type, target),
        "sealed": seal(user_id, target, secret),
        "status": "active",
        "created_at": clock.iso(now),
        "consecutive_failures": 0,
    }
    store.put_channel(user_id, item)
    return ChannelCreated(**_to_api(item).model_dump(), secret=secret)


def list_channels(user_id: str) -> ChannelList:
    items = sorted(store.list_channels(user_id), key=lambda item: str(item.get("created_at", "")))
    return ChannelList(channels=[_to_api(item) for item in items])


def _own_channel(user_id: str, channel_id: str) -> dict[str, Any]:
    item = store.get_channel(user_id, channel_id) if CHANNEL_ID.match(channel_id) else None
    if item is None:
        raise NotFound("No such alert channel")
    return item


def delete_channel(user_id: str, channel_id: str) -> None:
    if not CHANNEL_ID.match(channel_id) or not store.delete_channel(user_id, channel_id):
        raise NotFound("No such alert channel")


def send_test(user_id: str, channel_id: str) -> TestAccepted:
    """Queue an `alert.test` delivery (a sample job) to one of the caller's active channels.

    At most `TESTS_PER_HOUR` per channel (429 beyond): a test reaches a third party — an inbox, a chat, a URL
    — and must not become a way to flood it from the service's address."""
    from bidcraft.alerts import messages

    channel = _own_channel(user_id, channel_id)
    if channel.get("status") != "active":
        raise Conflict("The channel is disabled after repeated failures; delete it and add it again")
    now = clock.now()
    window = clock.epoch(now) // 3600 * 3600
    if not store.count_test_alert(user_id, channel_id, window, TESTS_PER_HOUR):
        reset = window + 3600 - clock.epoch(now)
        raise RateLimited(
            f"At most {TESTS_PER_HOUR} test alerts per channel per hour",
            retry_after=reset,
            limit=TESTS_PER_HOUR,
            reset=reset,
        )
    delivery_id = deliveries.create_and_queue(
        user_id,
        channel,
        delivery_type="alert.test",
        job=messages.SAMPLE_JOB,
        search_id=None,
        quiet_hours=None,
        job_expires_at=None,
        not_before=None,
        now=now,
    )
    if delivery_id is None:  # a test delivery has no (channel, job) marker: this cannot happen
        raise Conflict("The test alert could not be created")
    return TestAccepted(delivery_id=delivery_id)
