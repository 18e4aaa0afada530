"""AI-jobs queue worker: runs queued proposal generations, reporting partial batch failures to SQS."""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from bidcraft.ai import worker
from bidcraft.observability import function_logger

logger = function_logger()
processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> str:
    attempt = int(record.attributes.approximate_receive_count or 1)
    outcome = worker.process(record.body, attempt=attempt)
    logger.info("ai job message processed", extra={"message_id": record.message_id, "outcome": outcome})
    return outcome


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)


startup.finished()
