"""What every table module shares: connection settings, lazy table names, error translation.

- Table names come from the function's settings at first use (`Meta.table_name` is a property of the Meta's
  metaclass), never at import. The endpoint is botocore's own `AWS_ENDPOINT_URL` handling (PynamoDB passes no
  `host`), so moto server mode and the local stack work as they do for `bidcraft.aws` clients.
- Timeouts and retries match `bidcraft.aws` (2 s connect, 5 s read, 3 attempts in botocore's standard mode).
- PynamoDB wraps botocore's errors in its own `PynamoDBException` subclasses (`PutError`, `UpdateError`,
  `TransactWriteError`, ...) whose `cause` is the botocore error; `bidcraft.aws.error_code` reads the AWS
  code through it, and `unavailable` is the one client-facing translation (fail closed, retry later).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.attributes import UnicodeAttribute
from pynamodb.connection import TableConnection
from pynamodb.exceptions import PynamoDBException, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from bidcraft import aws
from bidcraft.errors import ServiceUnavailable

CONDITION_FAILED = "ConditionalCheckFailedException"
STORAGE_ERRORS = (PynamoDBException, ClientError, BotoCoreError)
"""What a storage call can raise besides coding errors: catch these, never `Exception`."""


def table_meta(table_name: Callable[[], str]) -> Any:
    """A `Meta` class whose `table_name` is read from settings each time PynamoDB asks for it."""

    class LazyTable(type):
        @property
        def table_name(cls) -> str:
            return table_name()

    class Meta(metaclass=LazyTable):
        connect_timeout_seconds = 2
        read_timeout_seconds = 5
        max_retry_attempts = 2  # PynamoDB counts retries: 1 + 2 = 3 attempts, as bidcraft.aws

    return Meta


class TableItem(Model):
    """The base of every model: one PynamoDB connection per table, one DynamoDB client per container.

    PynamoDB gives each model class a connection of its own, each with a new botocore session and client
    (~100 ms of CPU on first use): a request touching a session, a rate window and a profile would pay three
    times. Here every model of a table uses the connection of the table's root model (the class that
    declares `Meta`, whose keys and indexes are the table's), and that connection uses
    `bidcraft.aws.client("dynamodb")`, the client the rest of the code shares. (PynamoDB makes its own
    client only if that one has no credentials.)"""

    @classmethod
    def _get_connection(cls) -> TableConnection:
        root = next(klass for klass in cls.__mro__ if "Meta" in vars(klass))
        table: TableConnection = Model._get_connection.__func__(root)  # type: ignore[attr-defined]
        if table.connection._client is None:
            table.connection._client = aws.client("dynamodb")
        return table


def gsi1_index() -> Any:
    """The `gsi1` index (`gsi1pk` hash, `gsi1sk` range, every attribute projected) that the audit, alerts and
    analytics tables declare. A new index class on every call: PynamoDB binds an index class to the one model
    that declares it (`Meta.model`), so one shared class cannot serve several tables."""

    class Gsi1(GlobalSecondaryIndex[Any]):
        class Meta:
            index_name = "gsi1"
            projection = AllProjection()

        gsi1pk = UnicodeAttribute(hash_key=True)
        gsi1sk = UnicodeAttribute(range_key=True)

    return Gsi1()


def is_condition_failure(exc: BaseException) -> bool:
    return aws.error_code(exc) == CONDITION_FAILED


def cancellation_codes(exc: BaseException) -> list[str]:
    """The per-item reason codes of a cancelled `TransactWrite` ('' for items that did not fail)."""
    if not isinstance(exc, TransactWriteError):
        return []
    return [str(reason.code or "") if reason else "" for reason in exc.cancellation_reasons]


def unavailable() -> ServiceUnavailable:
    """The client-facing error for a storage failure we cannot handle (fail closed, retry later)."""
    return ServiceUnavailable("Storage temporarily unavailable")


def transact_write(model: Any) -> Any:
    """A `TransactWrite` over the connection (and botocore client) `model` already holds: PynamoDB would
    otherwise make a new client for every transaction."""
    from pynamodb.transactions import TransactWrite

    return TransactWrite(connection=model._get_connection().connection)
