"""Ask the sync worker to pull a user's Upwork data after sign-in (`SYNC_QUEUE_URL`).

The same request as `POST /api/upwork/sync` (`bidcraft.sync.jobs.request_sync`): one sync queued or running
per user, so a manual sync right after sign-in returns the sign-in's job instead of running a second one
(issue 10, item 6), and a sign-in during a running sync queues nothing.
"""

from __future__ import annotations

import logging

from bidcraft.errors import ServiceUnavailable

logger = logging.getLogger(__name__)


def enqueue_user_sync(user_id: str, *, reason: str) -> bool:
    """Request the user's sync (or find the one already queued or running); False when that failed.

    Sign-in does not fail when this fails: the user is signed in either way, the scheduled sync (every 6
    hours) and `POST /api/upwork/sync` catch up, and the failure is logged as an error for alarms.
    """
    from bidcraft.sync import jobs  # the sign-in path only: the auth function's other routes never sync

    try:
        jobs.request_sync(user_id, reason=reason)
    except ServiceUnavailable:
        logger.error("sync job not queued", extra={"user_id": user_id})
        return False
    return True
