"""Each PynamoDB model (`bidcraft.tables`) matches its table in template.yaml (CONVENTIONS.md "Data"): the
table it names at run time is the one the functions' environment points at, its keys are the table's keys with
the declared types, and the table's TTL attribute is a number wherever a model carries it."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest

from bidcraft import config
from bidcraft import tables as table_models
from tests.unit.template.conftest import references


def _models() -> list[Any]:
    """Every model of every table module, the analytics table's package of modules included."""
    package = importlib.import_module("bidcraft.tables")
    for module in pkgutil.walk_packages(package.__path__, prefix="bidcraft.tables."):
        importlib.import_module(module.name)
    return list(table_models._MODELS)


def _table_variables(functions: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Environment variable → the table resource it references, over every function's environment."""
    found: dict[str, str] = {}
    for properties in functions.values():
        for name, value in (properties.get("Environment", {}).get("Variables") or {}).items():
            refs = references(value)
            if name.endswith("_TABLE") and len(refs) == 1:
                found[name] = next(iter(refs))
    return found


@pytest.fixture
def table_of(
    functions: dict[str, dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, str]]:
    """Every `*_TABLE` variable set to a marker; marker → table logical id."""
    variables = _table_variables(functions)
    for name in variables:
        monkeypatch.setenv(name, f"marker-{name}")
    config.reset()
    yield {f"marker-{name}": logical_id for name, logical_id in variables.items()}
    config.reset()


def test_there_are_models_and_each_names_a_table_of_the_template(
    table_of: dict[str, str], tables: dict[str, dict[str, Any]]
) -> None:
    models = _models()
    expected = {"UserProfile", "UpworkLink", "SessionItem", "RefreshToken", "AuditRecord"}
    expected |= {"ChannelCounter", "ChannelItem", "DedupMarker", "DeliveryItem", "WebhookReceipt"}
    expected |= {  # the analytics domain's items of AnalyticsTable
        "ProposalRecord",
        "ContractRecord",
        "PaymentRecord",
        "AggregateRecord",
        "SummaryRecord",
        "EventMarker",
        "PendingEventRecord",
        "SyncJobRecord",
        "SyncMarker",
        "SyncStateRecord",
        "ReportRecord",
    }
    expected |= {"UpworkBudgetCounter"}
    expected |= {"SavedSearch", "SearchCounter", "RegistryItem", "Subscription", "Posting", "FeedItem"}
    expected |= {"FeedMarker"}
    assert {model.__name__ for model in models} >= expected
    for model in models:
        assert table_of.get(model.Meta.table_name) in tables, (model.__name__, model.Meta.table_name)


def test_each_models_keys_are_its_tables_keys_with_the_declared_types(
    table_of: dict[str, str], tables: dict[str, dict[str, Any]]
) -> None:
    for model in _models():
        table = tables[table_of[model.Meta.table_name]]["Properties"]
        declared = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
        key_schema = {k["KeyType"]: k["AttributeName"] for k in table["KeySchema"]}
        schema = model._get_schema()
        assert {k["KeyType"]: k["AttributeName"] for k in schema["key_schema"]} == key_schema, model
        for definition in schema["attribute_definitions"]:
            name, kind = definition["AttributeName"], definition["AttributeType"]
            assert declared.get(name) == kind, (model.__name__, name)


def test_the_ttl_attribute_is_a_number_in_every_model_that_has_it(
    table_of: dict[str, str], tables: dict[str, dict[str, Any]]
) -> None:
    for model in _models():
        table = tables[table_of[model.Meta.table_name]]["Properties"]
        ttl = table.get("TimeToLiveSpecification", {}).get("AttributeName")
        attribute = model.get_attributes().get(ttl) if ttl else None
        if attribute is not None:
            assert attribute.attr_type == "N", (model.__name__, ttl)


def test_the_table_name_is_read_at_first_use_not_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    from bidcraft.tables.users import SessionItem

    monkeypatch.setenv("USERS_TABLE", "first")
    config.reset()
    assert SessionItem.Meta.table_name == "first"
    monkeypatch.setenv("USERS_TABLE", "second")
    config.reset()
    assert SessionItem.Meta.table_name == "second"


def test_each_models_indexes_are_indexes_of_its_table(
    table_of: dict[str, str], tables: dict[str, dict[str, Any]]
) -> None:
    seen = 0
    for model in _models():
        table = tables[table_of[model.Meta.table_name]]["Properties"]
        declared = {index["IndexName"]: index for index in table.get("GlobalSecondaryIndexes", [])}
        types = {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]}
        for index in model._get_schema()["global_secondary_indexes"]:
            seen += 1
            assert index["index_name"] in declared, (model.__name__, index["index_name"])
            expected = declared[index["index_name"]]
            assert {k["KeyType"]: k["AttributeName"] for k in index["key_schema"]} == {
                k["KeyType"]: k["AttributeName"] for k in expected["KeySchema"]
            }
            assert index["projection"]["ProjectionType"] == expected["Projection"]["ProjectionType"]
            for definition in index["attribute_definitions"]:
                assert types.get(definition["AttributeName"]) == definition["AttributeType"]
    assert seen, "no model declares an index (the audit table's gsi1 should be one)"


def test_the_ai_items_are_models_of_the_analytics_table_with_its_index_and_ttl(
    table_of: dict[str, str], tables: dict[str, dict[str, Any]]
) -> None:
    from bidcraft.tables.analytics import ai

    ai_models = [ai.AiJobItem, ai.AiUsageItem, ai.MarketSnapshotItem]
    registered = _models()
    for model in ai_models:
        assert model in registered, model.__name__
        assert table_of[model.Meta.table_name] == "AnalyticsTable", model.__name__
        assert [i["index_name"] for i in model._get_schema()["global_secondary_indexes"]] == ["gsi1"]
        assert model.get_attributes()["expires_at"].attr_type == "N"
    # (they share the table's one connection: tests/unit/storage/test_shared_clients.py)


def test_the_jobs_models_name_the_jobs_table_and_carry_its_ttl_where_items_expire(
    table_of: dict[str, str], tables: dict[str, dict[str, Any]]
) -> None:
    """Every JobsTable model (bidcraft.tables.jobs) is JobsTable at run time; the items that expire
    (postings, feed items and markers, docs/jobs.md) have the table's TTL attribute, the others do not."""
    from bidcraft.tables import jobs

    models = [m for m in _models() if m.__module__ == jobs.__name__]
    assert {table_of[m.Meta.table_name] for m in models} == {"JobsTable"}
    ttl = tables["JobsTable"]["Properties"]["TimeToLiveSpecification"]["AttributeName"]
    expiring = {m.__name__ for m in models if ttl in m.get_attributes()}
    assert expiring == {"Posting", "FeedItem", "FeedMarker"}
