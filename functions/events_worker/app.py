"""Events worker: applies queued Upwork events (EventsQueue, batches of 10, partial batch failures).

Each record is applied on its own (one transaction, idempotent on the event id); a record that raises is
reported in `batchItemFailures` and retried by SQS, then dead-lettered after 5 receives. When every record
fails, Powertools raises `BatchProcessingError` so the whole batch is retried.
"""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from bidcraft.events.worker import handle_message
from bidcraft.observability import function_logger

logger = function_logger()
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> str:
    return handle_message(record.body)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)


startup.finished()
