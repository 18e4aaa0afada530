"""Jobs poller: the EventBridge schedule (`JOBS_POLL_MINUTES`) runs one polling round (bidcraft.jobs.poller).

A round stops early — leaving the rest for the next one — when the Upwork budget refuses a request or the
function's remaining time runs short, so it never fails for being over budget; a failing search is retried
next round. The round's figures are returned (and logged) for `make invoke` and the local schedule.
"""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

from typing import Any

from bidcraft import config
from bidcraft.jobs import poller
from bidcraft.jobs.settings import JobsSettings
from bidcraft.observability import function_logger

logger = function_logger()


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    config.load(JobsSettings)
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    report = poller.run_round(
        remaining_seconds=(lambda: remaining() / 1000) if callable(remaining) else (lambda: 1e9)
    )
    return report.as_dict()


startup.finished()
