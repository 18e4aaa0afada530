"""Alerts queue worker: one delivery attempt per message, partial batch failures reported to SQS.

A record whose processing raises (storage, KMS or queue trouble; a malformed message) is listed in
`batchItemFailures` and retried by SQS, then dead-lettered after 5 receives; when every record fails,
Powertools raises `BatchProcessingError` so the whole batch is retried. Delivery failures of a channel are
not exceptions: they are recorded and re-queued with backoff by the worker itself (bidcraft.alerts.worker).
"""

from __future__ import annotations

from bidcraft import startup  # isort: skip  # first: the collector pauses while the function loads

from typing import Any

# First, before anything imports pydantic: Powertools' batch types import all of its parser models (SQS,
# Kinesis, Kafka, …: ~100 ms of schema building) when pydantic is already loaded.
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from bidcraft.alerts.worker import DeliveryWorker
from bidcraft.observability import function_logger

logger = function_logger()
processor = BatchProcessor(event_type=EventType.SQS)
worker = DeliveryWorker()


def record_handler(record: SQSRecord) -> str:
    outcome = worker.handle(record.body)
    logger.info("alert message processed", extra={"message_id": record.message_id, "outcome": outcome})
    return outcome


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)


startup.finished()
