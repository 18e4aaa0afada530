"""Logs and business metrics, configured once per function.

Domain modules log to `logging.getLogger(__name__)`, all under `bidcraft`. Powertools' `Logger(service=…)`
puts a `SuppressFilter` on the root logger's handlers that drops every record whose logger name *contains* the
service name, so `bidcraft.auth.signin` vanished in the `auth` function and the other domain lines reached the
runtime's plain-text handler instead of JSON. `function_logger()` hands the `bidcraft` logger the function's
own JSON handler (the same formatter: the same correlation id and keys) and stops it propagating to the root.

`count()` emits one business metric (CloudWatch embedded metric format on stdout, namespace
`POWERTOOLS_METRICS_NAMESPACE`): sign-ins, syncs, webhooks accepted or duplicate, AI calls by engine, alert
deliveries. Where no namespace is configured (unit tests) nothing is emitted.
"""

from __future__ import annotations

import logging
import os
from functools import cache

from aws_lambda_powertools import Logger

DOMAIN_LOGGER = "bidcraft"
# Libraries that log whole requests at DEBUG (PynamoDB and botocore: tokens, codes, the PKCE verifier): never
# below INFO, whatever level the function runs at.
REQUEST_LOGGERS = ("botocore", "pynamodb", "httpx2", "httpcore2", "openai")


@cache
def function_logger() -> Logger:
    """This function's Logger (service: `POWERTOOLS_SERVICE_NAME`), the domain loggers routed through it."""
    logger = Logger(use_rfc3339=True)
    domain = logging.getLogger(DOMAIN_LOGGER)
    domain.handlers = [logger.registered_handler]
    domain.setLevel(logger.log_level)
    domain.propagate = False
    for name in REQUEST_LOGGERS:
        library = logging.getLogger(name)
        if library.getEffectiveLevel() < logging.INFO:
            library.setLevel(logging.INFO)
    return logger


def count(name: str, **dimensions: str) -> None:
    """One occurrence of a business event, with `dimensions` (e.g. `engine="openai"`)."""
    namespace = os.environ.get("POWERTOOLS_METRICS_NAMESPACE")
    if not namespace:
        return
    from aws_lambda_powertools.metrics import MetricUnit, single_metric

    with single_metric(name=name, unit=MetricUnit.Count, value=1, namespace=namespace) as metric:
        for key, value in dimensions.items():
            metric.add_dimension(name=key, value=value)
