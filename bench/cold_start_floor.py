"""The cold-start floor: what every function of this stack pays before any Bidcraft code runs.

`bench.bench_cold_start` imports this module in a fresh interpreter, exactly like a function module, and shows
each function's import time as a multiple of it (issue 10: every function ≤ 1.25× this floor).
"""

import boto3  # noqa: F401
import pydantic  # noqa: F401
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver  # noqa: F401
