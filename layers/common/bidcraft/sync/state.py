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
from typing import Any

from bidcraft import clock
from bidcraft.analytics import models as m
from bidcraft.analytics import store as analytics_store

SYNC_INTERVAL = timedelta(hours=6)
DUE_SLACK = timedelta(minutes=30)  # the schedule runs every 6 h: include users due a little later


def shard_of(user_id: str) -> int:
    return int.from_bytes(hashlib.sha256(user_id.encode()).digest()[:4], "big") % m.SYNC_SHARDS


def get(user_id: str) -> m.SyncState | None:
    item = analytics_store.get_item(m.user_pk(user_id), m.SYNC_STATE_SK, consistent=True)
    return m.SyncState.model_validate(item) if item else None


def mark_synced(user_id: str, freelancer_id: str | None, now: datetime) -> m.SyncState:
    state = m.SyncState(
        user_id=user_id,
        freelancer_id=freelancer_id,
        shard=shard_of(user_id),
        last_synced_at=now,
        next_due_at=now + SYNC_INTERVAL,
    )
    analytics_store.client().put_item(
        TableName=analytics_store.table_name(), Item=analytics_store.to_wire(state.to_item())
    )
    return state


def due_users(now: datetime, *, slack: timedelta = DUE_SLACK) -> Iterator[str]:
    """Ids of users whose next sync is due by `now + slack`, shard by shard, page by page."""
    bound = clock.iso(now + slack) + "#\uffff"
    for shard in range(m.SYNC_SHARDS):
        start: dict[str, Any] | None = None
        while True:
            query: dict[str, Any] = {
                "TableName": analytics_store.table_name(),
                "IndexName": "gsi1",
                "KeyConditionExpression": "gsi1pk = :pk AND gsi1sk <= :due",
                "ExpressionAttributeValues": {":pk": {"S": m.sync_set_pk(shard)}, ":due": {"S": bound}},
                "ProjectionExpression": "user_id",
            }
            if start:
                query["ExclusiveStartKey"] = start
            page = analytics_store.client().query(**query)
            for item in page.get("Items") or []:
                if "user_id" in item:
                    yield str(item["user_id"]["S"])
            start = page.get("LastEvaluatedKey")
            if not start:
                break
