"""AWS clients, created on first use and cached per container.

boto3 honours `AWS_ENDPOINT_URL` (and per-service variants), which is how the local stack and the
integration tests point every client at the emulator. Only storage adapters call this module; they catch
`AWS_ERRORS` (defined here, once) around their calls.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import Any

from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# What a failing AWS call raises: the service's refusal (`ClientError`, keyed on `error_code`) or the way
# there (`BotoCoreError`: endpoint unreachable, timeouts, credentials, parameter validation). Catch these
# around AWS calls, never `Exception`, so a coding error (TypeError, KeyError…) fails loudly instead of
# passing as "storage unavailable". botocore.config (above) imports botocore.exceptions already: no cost.
AWS_ERRORS: tuple[type[Exception], ...] = (ClientError, BotoCoreError)

# Parameters are built by our code (and PynamoDB's) and checked again by the service: botocore's client-side
# validation only doubles the work (a 100-item transaction: 10.5 ms of CPU with it, 2.1 ms without).
_CONFIG = Config(
    retries={"mode": "standard", "max_attempts": 3},
    connect_timeout=2,
    read_timeout=5,
    tcp_keepalive=True,
    parameter_validation=False,
)


# Creating clients from one session is not thread-safe (botocore); the sync's read-ahead runs threads.
_CREATING = threading.Lock()


@functools.cache
def _session() -> Any:
    """One boto3 session per container, so one botocore session: its loader parses the endpoint rules and
    each service's model once. A new session's first client costs ~100 ms of CPU, a further client of the
    same session ~5 ms: a request touching DynamoDB, SQS, KMS and Secrets Manager would pay four times."""
    import boto3  # boto3 session set-up is paid by the first caller, not at import

    return boto3.session.Session()


@functools.cache
def client(service: str) -> Any:
    """The container's client for `service`; the DynamoDB one also carries every PynamoDB model's calls
    (`bidcraft.tables.base.TableItem`)."""
    with _CREATING:
        return _session().client(service, config=_CONFIG)


@functools.cache
def s3_presigner() -> Any:
    """The S3 client that signs download links: Signature Version 4 (`s3v4`; S3 refuses SigV2 for buckets
    created since 2020) on the bucket's regional virtual-hosted host (`<bucket>.s3.<region>.amazonaws.com`,
    us-east-1 included; the global host redirects a new bucket to its region, which breaks the signature).
    Against an emulator (`AWS_ENDPOINT_URL[_S3]`, the local stack) links are path-style on that endpoint."""
    emulated = bool(os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL"))
    presigning = Config(
        signature_version="s3v4",
        s3={
            "addressing_style": "path" if emulated else "virtual",
            "us_east_1_regional_endpoint": "regional",
        },
    )
    with _CREATING:
        return _session().client("s3", config=_CONFIG.merge(presigning))


def error_code(exc: BaseException) -> str:
    """The AWS error code of a botocore ClientError, or of the one a PynamoDB error wraps (its `cause`) —
    never the message text; '' when there is none."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", ""))
    cause = getattr(exc, "cause", None)
    return error_code(cause) if isinstance(cause, BaseException) and cause is not exc else ""


def reset() -> None:
    """Drop cached clients, PynamoDB models' included (tests that move the endpoint)."""
    from bidcraft import tables

    client.cache_clear()
    s3_presigner.cache_clear()
    _session.cache_clear()
    tables.reset()
