"""Every JobsTable model shares one PynamoDB connection — one botocore client — and `tables.reset()` drops it
(PynamoDB would make a client per model class, each paying for DynamoDB's service model again)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bidcraft import config, tables
from bidcraft.tables import jobs


@pytest.fixture(autouse=True)
def _table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("JOBS_TABLE", "jobs-under-test")
    # a client is made, never used (without credentials PynamoDB would make a new one at each access)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    config.reset()
    tables.reset()
    yield
    tables.reset()
    config.reset()


MODELS = (
    jobs.SavedSearch,
    jobs.SearchCounter,
    jobs.RegistryItem,
    jobs.Subscription,
    jobs.Posting,
    jobs.FeedItem,
    jobs.FeedMarker,
)


def test_the_models_of_the_table_share_one_connection_and_botocore_client() -> None:
    connections = {id(model._get_connection()) for model in MODELS}
    assert len(connections) == 1
    assert {id(model._get_connection().connection.client) for model in MODELS} == {
        id(jobs.SavedSearch._get_connection().connection.client)
    }
    assert jobs.FeedItem._get_connection().table_name == "jobs-under-test"


def test_reset_drops_the_shared_connection() -> None:
    before = jobs.FeedItem._get_connection()
    tables.reset()
    after = jobs.SavedSearch._get_connection()
    assert after is not before
    assert jobs.FeedItem._get_connection() is after
