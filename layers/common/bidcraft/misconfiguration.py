"""A deployment fault is an alarm, not silence (issue 10 item 15).

An AWS call refused for a permission (`AccessDenied…`) or a resource that does not exist (`ResourceNotFound…`)
will fail the same way on every retry: the function's role or its settings are wrong. `report` turns such an
error into an error log line (the component and the AWS error code, never a message text or an ARN), one
`Misconfiguration` metric (CloudWatch embedded metric format, per `component` and in total; the alarm
`MisconfigurationAlarm` watches the total) and the `ConfigurationError` (500 `misconfigured`) the caller
raises.
Throttling and outages are not misconfigurations: each caller decides (503, or failing open where that is
documented, as the rate limiter does).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time

from bidcraft import aws
from bidcraft.errors import ConfigurationError

logger = logging.getLogger(__name__)

METRIC = "Misconfiguration"
DEFAULT_NAMESPACE = "Bidcraft"
# Error codes that no retry can cure (the caller's role or configuration is wrong).
_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnauthorizedOperation",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ResourceNotFoundException",
        "NoSuchBucket",
        "AWS.SimpleQueueService.NonExistentQueue",
        "QueueDoesNotExist",
        "KMSAccessDeniedException",
        "KMSInvalidStateException",
        "NotFoundException",
        "DisabledException",
    }
)


def is_misconfiguration(exc: Exception) -> bool:
    """Whether `exc` is an AWS error that means the function is deployed wrong (permissions, resources)."""
    return aws.error_code(exc) in _CODES


def meter(component: str, metric: str = METRIC) -> None:
    """Count one `metric` (default `Misconfiguration`) for `component`, as a CloudWatch embedded-metric-format
    document on stdout (Lambda turns it into the metric; namespace `POWERTOOLS_METRICS_NAMESPACE`). Published
    per component and without dimensions, so one alarm covers every component."""
    namespace = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or DEFAULT_NAMESPACE
    document = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": namespace,
                    "Dimensions": [["component"], []],
                    "Metrics": [{"Name": metric, "Unit": "Count"}],
                }
            ],
        },
        "component": component,
        metric: 1,
    }
    sys.stdout.write(json.dumps(document) + "\n")
    sys.stdout.flush()


def report(component: str, exc: Exception) -> ConfigurationError:
    """Log and meter a misconfiguration of `component`; the 500 problem to raise."""
    logger.error("misconfigured", extra={"component": component, "error": aws.error_code(exc)})
    meter(component)
    return ConfigurationError(f"The service cannot use its {component}: it is misconfigured")
