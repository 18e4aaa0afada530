"""One botocore session and one DynamoDB client per container (issue 10, cold starts): every boto3 client
comes from one session, and every PynamoDB model — whatever its table — calls DynamoDB through the same client
as the rest of the code. A new session costs ~100 ms of CPU on first use; PynamoDB alone would make one per
model class. Creating clients needs no network: nothing is called here."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

import pytest

from bidcraft import aws, tables
from bidcraft.tables.alerts import ChannelItem, DeliveryItem
from bidcraft.tables.analytics.ai import AiJobItem
from bidcraft.tables.analytics.records import ProposalRecord
from bidcraft.tables.audit import AuditRecord
from bidcraft.tables.idempotency import WebhookReceipt
from bidcraft.tables.jobs import FeedItem, SavedSearch
from bidcraft.tables.users import RateWindow, SessionItem, UserProfile


@pytest.fixture(autouse=True)
def _fresh_clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "USERS_TABLE": "users",
        "AUDIT_TABLE": "audit",
        "ANALYTICS_TABLE": "analytics",
        "ALERTS_TABLE": "alerts",
        "IDEMPOTENCY_TABLE": "idempotency",
        "JOBS_TABLE": "jobs",
    }.items():
        monkeypatch.setenv(name, value)
    from bidcraft import config

    config.reset()
    aws.reset()
    yield
    aws.reset()
    config.reset()


def test_every_model_of_every_table_calls_through_the_one_dynamodb_client() -> None:
    models = [
        UserProfile,
        SessionItem,
        RateWindow,
        AuditRecord,
        AiJobItem,
        ProposalRecord,
        ChannelItem,
        DeliveryItem,
        WebhookReceipt,
        SavedSearch,
        FeedItem,
    ]
    clients = {id(model._get_connection().connection.client) for model in models}
    assert clients == {id(aws.client("dynamodb"))}


def test_the_models_of_one_table_share_one_connection() -> None:
    assert UserProfile._get_connection() is SessionItem._get_connection() is RateWindow._get_connection()
    assert ChannelItem._get_connection() is DeliveryItem._get_connection()
    assert AiJobItem._get_connection() is ProposalRecord._get_connection()
    assert SavedSearch._get_connection() is FeedItem._get_connection()
    assert UserProfile._get_connection() is not AuditRecord._get_connection()
    assert AuditRecord._get_connection().table_name == "audit"


def test_every_service_client_comes_from_one_session() -> None:
    # a session's loader (the parsed endpoint rules and service models) is what a new session pays for again
    loaders = {id(aws.client(service)._loader) for service in ("dynamodb", "sqs", "kms", "secretsmanager")}
    assert loaders == {id(aws.s3_presigner()._loader)}


def test_reset_gives_the_models_a_new_client() -> None:
    before = UserProfile._get_connection().connection.client
    aws.reset()
    after = SessionItem._get_connection().connection.client
    assert after is not before
    assert after is aws.client("dynamodb")


def _table_items() -> list[type]:
    """Every PynamoDB model class of the table modules (the analytics table's package of modules included)."""
    import bidcraft.tables
    from bidcraft.tables.base import TableItem

    for module in pkgutil.walk_packages(bidcraft.tables.__path__, prefix="bidcraft.tables."):
        importlib.import_module(module.name)
    found: list[type] = []
    pending: list[type] = [TableItem]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.append(subclass)
            pending.append(subclass)
    return found


def test_reset_drops_the_connection_of_every_model_of_every_table_module() -> None:
    # Given every model of every table module, split as they are, each with its table's connection made
    models = _table_items()
    registered = {model.__name__ for model in tables._MODELS}
    assert {"ProposalRecord", "PendingEventRecord", "SyncMarker", "ReportRecord", "AiJobItem"} <= registered
    for model in models:
        model._get_connection()

    # When the connections are reset (as `aws.reset()` does when a test moves the endpoint)
    tables.reset()

    # Then no model class, abstract table roots included, holds a connection any more
    held = [klass.__name__ for klass in _table_items() if vars(klass).get("_connection") is not None]
    assert held == []
