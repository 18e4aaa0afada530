"""Sync worker: `sync.user` messages from SyncQueue, and the 6-hourly EventBridge schedule (fan-out).

A scheduled event queues one `sync.user` message per user due; each message runs one user's sync. A failed
sync raises, so its record is reported in `batchItemFailures` and retried (then dead-lettered).
"""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

import uuid
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from bidcraft.observability import function_logger
from bidcraft.sync import messages, runner

logger = function_logger()
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> dict[str, int] | None:
    message = messages.SyncMessage.model_validate_json(record.body)
    # Without a job id (sign-in, schedule) the job is named after the message: a redelivery is the same job.
    job_id = message.job_id or str(uuid.uuid5(uuid.NAMESPACE_URL, f"sqs:{record.message_id}"))
    return runner.sync_user(message.user_id, job_id=job_id, reason=message.reason)


def _is_schedule(event: dict[str, Any]) -> bool:
    return event.get("source") == "aws.events" or event.get("detail-type") == "Scheduled Event"


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if _is_schedule(event):
        return {"queued": runner.fan_out()}
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)


startup.finished()
