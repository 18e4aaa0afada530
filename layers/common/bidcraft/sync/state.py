"""The scheduled-sync set: which users are due for a background sync (analytics table, gsi1).

The users table belongs to the auth domain and has no "linked users" index, so the sync keeps its own:
`USER#u / SYNCSTATE` is written when a sync of the user succeeds, with `gsi1pk = SYNCSET#<shard>` (one of 8
shards, a stable hash of the user id) and `gsi1sk = <next_due_at>#<user_id>`. The schedule reads each shard
with a key-condition range (`gsi1sk <= now + slack`), so it touches only users that are due.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import cast

from pynamodb.exceptions import DoesNotExist

from bidcraft import clock
from bidcraft.analytics.items import user_pk
from bidcraft.sync import models as m
from bidcraft.tables.analytics.sync import SyncStateRecord

SYNC_INTERVAL = timedelta(hours=6)
DUE_SLACK = timedelta(minutes=30)  # the schedule runs every 6 h: include users due a little later


def shard_of(user_id: str) -> int:
    return int.from_bytes(hashlib.sha256(user_id.encode()).digest()[:4], "big") % m.SYNC_SHARDS


def get(user_id: str) -> m.SyncState | None:
    try:
        record = SyncStateRecord.get(user_pk(user_id), m.SYNC_STATE_SK, consistent_read=True)
    except DoesNotExist:
        return None
    return m.SyncState.model_validate(record.plain())


def mark_synced(user_id: str, freelancer_id: str | None, now: datetime) -> m.SyncState:
    state = m.SyncState(
        user_id=user_id,
        freelancer_id=freelancer_id,
        shard=shard_of(user_id),
        last_synced_at=now,
        next_due_at=now + SYNC_INTERVAL,
    )
    SyncStateRecord.of(state.to_item()).save()
    return state


def due_users(now: datetime, *, slack: timedelta = DUE_SLACK) -> Iterator[str]:
    """Ids of users whose next sync is due by `now + slack`, shard by shard (PynamoDB's query iterator pages
    through each shard), projected to `user_id`."""
    bound = clock.iso(now + slack) + "#\uffff"
    for shard in range(m.SYNC_SHARDS):
        due = SyncStateRecord.gsi1.query(
            m.sync_set_pk(shard), SyncStateRecord.gsi1sk <= bound, attributes_to_get=["user_id"]
        )
        for record in due:
            user_id = cast(SyncStateRecord, record).user_id  # the index is declared on the base model
            if user_id:
                yield user_id
