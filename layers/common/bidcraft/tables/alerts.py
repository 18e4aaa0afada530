"""PynamoDB models of AlertsTable (`ALERTS_TABLE`): one partition per user (`pk = USER#<user_id>`), items told
apart by `sk`, one index `gsi1` (`gsi1pk`/`gsi1sk`, all attributes) and the TTL attribute `expires_at`.

Models and their items (attribute names and types are the wire format `bidcraft.alerts.store` has always
written):
- `ChannelCounter`: `sk = CHANNELS` — `channel_count`, updated in the same transaction as each channel put or
  delete, so the per-user limit holds when two requests race.
- `ChannelItem`: `sk = CHANNEL#<channel_id>` — a channel: type, name, masked target, `sealed` (the KMS
  envelope of its target and secret), status, failure streak, test-alert window and count.
- `DedupMarker`: `sk = DEDUP#<channel_id>#<job_id>` — the at-most-once marker of a (channel, job) pair.
- `DeliveryItem`: `sk = DELIVERY#<delivery_id>` — one delivery and its attempts; the only items in the index
  `gsi1` (`gsi1pk = USER#<user_id>#CHANNEL#<channel_id>`, `gsi1sk = <delivery_id>`).
Deliveries and markers carry `expires_at` (epoch seconds); channels and the counter do not expire.

Every model of the table shares one PynamoDB connection (`tables.base.TableItem`), so a function
that reads a delivery and then its channel makes one botocore client, not one per model class. Attributes
are nullable unless they are keys: items written before an attribute existed still load.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import BinaryAttribute, NumberAttribute, UnicodeAttribute

from bidcraft import config, tables
from bidcraft.tables.base import TableItem, gsi1_index, table_meta

COUNTER_SK = "CHANNELS"
CHANNEL_PREFIX = "CHANNEL#"
DELIVERY_PREFIX = "DELIVERY#"
DEDUP_PREFIX = "DEDUP#"


class AlertsTableSettings(config.BaseSettings):
    alerts_table: str


def alerts_table() -> str:
    return config.load(AlertsTableSettings).alerts_table


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def channel_index_pk(user_id: str, channel_id: str) -> str:
    """`gsi1pk` of a delivery: the owner's id is part of it, so a channel's log is the owner's by
    construction."""
    return f"USER#{user_id}#CHANNEL#{channel_id}"


@tables.register
class _AlertsItem(TableItem):
    """What every item of the table has: the keys, the index attributes (set on deliveries only) and the TTL.
    Registered so `tables.reset()` drops the connection every model of the table shares."""

    Meta = table_meta(alerts_table)  # the table name is read at first use
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = gsi1_index()
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds): deliveries and markers


@tables.register
class ChannelCounter(_AlertsItem):
    channel_count = NumberAttribute(null=True)

    @classmethod
    def key(cls, user_id: str) -> tuple[str, str]:
        return user_pk(user_id), COUNTER_SK


@tables.register
class ChannelItem(_AlertsItem):
    channel_id = UnicodeAttribute(null=True)
    type = UnicodeAttribute(null=True)  # webhook | slack | telegram | email
    name = UnicodeAttribute(null=True)
    target_masked = UnicodeAttribute(null=True)
    sealed = BinaryAttribute(null=True, legacy_encoding=False)  # KMS envelope of {"target", "secret"}
    status = UnicodeAttribute(null=True)  # active | disabled
    created_at = UnicodeAttribute(null=True)  # ISO 8601 UTC
    consecutive_failures = NumberAttribute(null=True)
    last_delivery_at = UnicodeAttribute(null=True)
    disabled_at = UnicodeAttribute(null=True)
    test_window = NumberAttribute(null=True)  # start of the test-alert window (epoch seconds)
    test_count = NumberAttribute(null=True)  # test alerts counted in it

    @classmethod
    def key(cls, user_id: str, channel_id: str) -> tuple[str, str]:
        return user_pk(user_id), CHANNEL_PREFIX + channel_id


@tables.register
class DedupMarker(_AlertsItem):
    delivery_id = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, user_id: str, channel_id: str, job_id: str) -> tuple[str, str]:
        return user_pk(user_id), f"{DEDUP_PREFIX}{channel_id}#{job_id}"


@tables.register
class DeliveryItem(_AlertsItem):
    delivery_id = UnicodeAttribute(null=True)
    channel_id = UnicodeAttribute(null=True)
    channel_type = UnicodeAttribute(null=True)
    job_id = UnicodeAttribute(null=True)
    search_id = UnicodeAttribute(null=True)
    type = UnicodeAttribute(null=True)  # job.matched | alert.test
    status = UnicodeAttribute(null=True)  # queued | retrying | delivered | failed | suppressed
    attempts = NumberAttribute(null=True)  # attempts made, one in flight included
    claimed_at = NumberAttribute(null=True)  # epoch seconds the current attempt was claimed
    created_at = UnicodeAttribute(null=True)  # ISO 8601 UTC
    delivered_at = UnicodeAttribute(null=True)
    next_attempt_at = UnicodeAttribute(null=True)
    last_status_code = NumberAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    job_json = UnicodeAttribute(null=True)  # the API `Job` as JSON
    quiet_hours_json = UnicodeAttribute(null=True)
    job_expires_at = NumberAttribute(null=True)  # epoch seconds

    @classmethod
    def key(cls, user_id: str, delivery_id: str) -> tuple[str, str]:
        return user_pk(user_id), DELIVERY_PREFIX + delivery_id


def plain(item: Any) -> dict[str, Any]:
    """An item's attributes as plain values (`pk`/`sk` included), as the store's callers read them."""
    return dict(item.attribute_values)
