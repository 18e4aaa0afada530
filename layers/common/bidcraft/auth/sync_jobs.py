"""Ask the sync worker to pull a user's Upwork data (`SYNC_QUEUE_URL`)."""

from __future__ import annotations

import json
import logging

from bidcraft import aws, clock
from bidcraft.auth import settings

logger = logging.getLogger(__name__)


def enqueue_user_sync(user_id: str, *, reason: str) -> bool:
    """Queue `{"type": "sync.user", "user_id", "reason", "requested_at"}`.

    Sign-in does not fail when this fails: the user is signed in either way, the scheduled sync (every 6
    hours)
    and `POST /api/upwork/sync` catch up, and the failure is logged as an error for alarms.
    """
    body = {"type": "sync.user", "user_id": user_id, "reason": reason, "requested_at": clock.iso(clock.now())}
    try:
        aws.client("sqs").send_message(QueueUrl=settings.auth().sync_queue_url, MessageBody=json.dumps(body))
    except aws.AWS_ERRORS as exc:
        logger.error("sync job not queued", extra={"user_id": user_id, "error": aws.error_code(exc)})
        return False
    return True
