"""The analytics domain's PynamoDB models (`bidcraft.tables.analytics.*`) keep the wire format the stores
wrote before them (issue 10: items already in tables and the integration tests depend on it), and the adapter
reads every kind back into its domain model."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from bidcraft.analytics import models as m
from bidcraft.analytics import store
from bidcraft.analytics.items import Item
from bidcraft.sync import models as sync_models
from bidcraft.tables.analytics import parked, records, sync

AT = datetime(2025, 3, 5, 10, tzinfo=UTC)
ISO = "2025-03-05T10:00:00Z"


def _proposal(**changes: Any) -> m.ProposalItem:
    values: dict[str, Any] = {
        "user_id": "u-1",
        "proposal_id": "p-1",
        "job_title": "Build a FastAPI backend",
        "category": "Web Development",
        "budget": Decimal("450.50"),
        "hourly_rate": Decimal("45"),
        "submitted_at": AT,
        "status": "viewed",
        "status_at": AT,
        "reached": frozenset({"viewed"}),
        "updated_event_at": AT,
        "version": 3,
    }
    return m.ProposalItem(**{**values, **changes})


def test_a_proposal_is_written_with_the_attribute_names_and_types_of_before() -> None:
    # Given a proposal of the domain
    proposal = _proposal()

    # When it is serialized through its model
    wire = records.ProposalRecord.of(proposal.to_item()).serialize()

    # Then the item is the one the low-level stores wrote (money exact, sets as SS, times as ISO strings)
    assert wire == {
        "pk": {"S": "USER#u-1"},
        "sk": {"S": "PROPOSAL#p-1"},
        "type": {"S": "proposal"},
        "gsi1pk": {"S": "USER#u-1#PROPOSALS"},
        "gsi1sk": {"S": f"{ISO}#p-1"},
        "user_id": {"S": "u-1"},
        "proposal_id": {"S": "p-1"},
        "job_title": {"S": "Build a FastAPI backend"},
        "category": {"S": "Web Development"},
        "budget": {"N": "450.50"},
        "hourly_rate": {"N": "45"},
        "submitted_at": {"S": ISO},
        "status": {"S": "viewed"},
        "status_at": {"S": ISO},
        "reached": {"SS": ["viewed"]},
        "updated_event_at": {"S": ISO},
        "version": {"N": "3"},
    }


def test_a_placeholder_has_the_flag_and_no_index_keys_and_a_plain_one_has_no_flag() -> None:
    placeholder = records.ProposalRecord.of(
        _proposal(submitted_at=None, placeholder=True, reached=frozenset()).to_item()
    ).serialize()
    assert placeholder["placeholder"] == {"BOOL": True}
    assert "gsi1pk" not in placeholder
    assert "reached" not in placeholder  # DynamoDB has no empty sets
    assert "placeholder" not in records.ProposalRecord.of(_proposal().to_item()).serialize()


def test_a_sync_jobs_counts_are_a_map_of_numbers_even_when_empty() -> None:
    job = sync_models.SyncJob(user_id="u-1", job_id="j-1", status="queued", created_at=AT, expires_at=5)
    assert sync.SyncJobRecord.of(job.to_item()).serialize()["counts"] == {"M": {}}
    counted = job.model_copy(update={"counts": {"proposals": 3}})
    assert sync.SyncJobRecord.of(counted.to_item()).serialize()["counts"] == {"M": {"proposals": {"N": "3"}}}


@pytest.mark.parametrize(
    ("item", "record"),
    [
        (_proposal(), records.ProposalRecord),
        (_proposal(submitted_at=None, placeholder=True, reached=frozenset()), records.ProposalRecord),
        (
            m.ContractItem(user_id="u-1", contract_id="c-1", hourly_rate=Decimal("50.25"), started_at=AT),
            records.ContractRecord,
        ),
        (
            m.ContractItem(user_id="u-1", contract_id="c-2", ended_at=AT, placeholder=True),
            records.ContractRecord,
        ),
        (
            m.PaymentItem(
                user_id="u-1",
                payment_id="y-1",
                amount=Decimal("100.10"),
                currency="EUR",
                amount_usd=Decimal("110.0"),
                occurred_at=AT,
            ),
            records.PaymentRecord,
        ),
        (
            m.ProcessedEvent(user_id="u-1", event_id="e-1", event_type="x", applied_at=AT, expires_at=9),
            records.EventMarker,
        ),
        (
            m.PendingEvent(
                freelancer_id="f-1", event_id="e-1", occurred_at=AT, event="{}", parked_at=AT, expires_at=9
            ),
            parked.PendingEventRecord,
        ),
        (
            sync_models.SyncJob(
                user_id="u-1",
                job_id="j-1",
                status="running",
                created_at=AT,
                lease_until=7,
                counts={"a": 1},
                expires_at=9,
            ),
            sync.SyncJobRecord,
        ),
        (
            sync_models.SyncState(
                user_id="u-1", freelancer_id="f-1", shard=3, last_synced_at=AT, next_due_at=AT
            ),
            sync.SyncStateRecord,
        ),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Item) else "",
)
def test_every_kind_reads_back_as_the_domain_model_it_was_written_from(item: Any, record: Any) -> None:
    wire = record.of(item.to_item()).serialize()
    assert type(item).model_validate(record.from_raw_data(wire).plain()) == item


def test_entities_are_read_into_their_model_by_sort_key() -> None:
    proposal = _proposal()
    wire = records.ProposalRecord.of(proposal.to_item()).serialize()
    record = store.record_class(wire["sk"]["S"]).from_raw_data(wire)
    assert store.entity_from_record(record) == proposal
    with pytest.raises(ValueError, match="not an analytics item"):
        store.record_class("REPORT#r-1")


def test_an_aggregates_flat_counters_are_kept_and_rebuilt_into_maps() -> None:
    # Given an aggregate item as the transactions' ADDs leave it
    raw = {
        "pk": {"S": "USER#u-1"},
        "sk": {"S": "AGG#M#2025-03"},
        "type": {"S": "aggregate"},
        "granularity": {"S": "M"},
        "key": {"S": "2025-03"},
        "proposals_sent": {"N": "4"},
        "earnings": {"N": "120.50"},
        "status#hired": {"N": "1"},
        "cat_sent#Web Development": {"N": "4"},
        "cat_won#Web Development": {"N": "1"},
        "cross_sent#hired#Web Development": {"N": "1"},
        "earn#EUR": {"N": "30.25"},
    }

    # When it is read through its model
    aggregate = store.aggregate_of(records.AggregateRecord.from_raw_data(raw), "u-1")

    # Then the declared and the flat counters are all there
    assert (aggregate.key, aggregate.proposals_sent, aggregate.earnings) == ("2025-03", 4, Decimal("120.50"))
    assert aggregate.by_status == {"hired": 1}
    assert aggregate.by_category == {"Web Development": m.CategoryCounts(sent=4, won=1)}
    assert aggregate.by_status_category == {"hired": {"Web Development": m.CategoryCounts(sent=1, won=0)}}
    assert aggregate.earnings_other_currencies == {"EUR": Decimal("30.25")}


def test_an_unknown_attribute_is_a_coding_error_not_a_silent_drop() -> None:
    with pytest.raises(KeyError):
        records.ProposalRecord.of({**_proposal().to_item(), "not_an_attribute": 1})


class _RecordingTransaction:
    def __init__(self) -> None:
        self.operations: list[str] = []

    def save(self, model: Any, condition: Any = None) -> None:
        self.operations.append("put")

    def update(self, model: Any, actions: Any, condition: Any = None) -> None:
        self.operations.append("update")


def test_staged_roles_follow_the_order_dynamodb_reports_cancellation_reasons_in() -> None:
    # Given a batch with a counter update, an entity and a marker (PynamoDB sends puts, then updates)
    batch = store.WriteBatch(
        user_id="u-1",
        entities=[store.EntityWrite(_proposal(), expected_version=2)],
        markers=[
            m.ProcessedEvent(user_id="u-1", event_id="e-1", event_type="x", applied_at=AT, expires_at=9)
        ],
        aggregates={("M", "2025-03"): {"proposals_sent": 1}},
        summary={"proposals_sent": 1},
    )
    transaction = _RecordingTransaction()

    roles = store._stage(transaction, batch)

    assert transaction.operations == ["put", "put", "update", "update"]
    assert roles == [
        ("marker", "e-1"),
        ("entity", "PROPOSAL#p-1"),
        ("counter", "AGG#M#2025-03"),
        ("counter", "SUMMARY"),
    ]


def test_a_cancellation_says_which_events_were_duplicates_and_which_entities_were_stale() -> None:
    roles = [("marker", "e-1"), ("marker", "e-2"), ("entity", "PROPOSAL#p-1"), ("counter", "SUMMARY")]

    rejected = store.rejection(roles, ["ConditionalCheckFailed", "None", "ConditionalCheckFailed", "None"])
    assert (rejected.duplicate_events, rejected.stale_entities, rejected.conflict) == (
        {"e-1"},
        {"PROPOSAL#p-1"},
        False,
    )

    assert store.rejection(roles, ["None", "TransactionConflict", "None", "None"]).conflict
    assert store.rejection(roles, []).conflict  # no reasons given: a retryable conflict
