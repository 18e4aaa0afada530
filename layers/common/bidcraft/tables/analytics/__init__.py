"""PynamoDB models of AnalyticsTable (`ANALYTICS_TABLE`): single-table design, every item keyed by `pk`/`sk`,
with one index `gsi1` (`gsi1pk`/`gsi1sk`, all attributes projected) and the TTL attribute `expires_at`.

This module is the table: `AnalyticsItem` (keys, index, TTL), which every item's model subclasses, so every
model of the table shares one connection (`tables.base.TableItem`). The kinds of item live in sibling
modules, so that a function imports only the models of the items it reads or writes (each PynamoDB model
class costs at import, docs/capacity.md §5):

- `domain`  — `AnalyticsRecord`, what the analytics domain's items share (`type`, `user_id`, `of`/`plain`);
- `records` — the analytics records: `ProposalRecord`, `ContractRecord`, `PaymentRecord`, `AggregateRecord`
  (`AGG#<P>#<key>`, with flat counters), `SummaryRecord`, `EventMarker` (adapter: `analytics.store`);
- `parked`  — `PendingEventRecord`, events parked for a freelancer not signed up yet (`events.pending`);
- `sync`    — `SyncJobRecord`, `SyncMarker` (`SYNCJOB_ACTIVE`), `SyncStateRecord` (`sync.jobs`, `sync.state`);
- `reports` — `ReportRecord` (`analytics.reports.storage`);
- `ai`      — the AI domain's items: `AiJobItem`, `AiUsageItem`, `MarketSnapshotItem` (`bidcraft.ai.*`).

The keys of the analytics items are built by the domain (`bidcraft.analytics.models`, `bidcraft.sync.models`).
Attributes are nullable unless they are keys: items written before an attribute existed still load. The
attribute names and types are the ones the stores have always written (the wire format is pinned by
`tests/unit/storage/test_analytics_records.py`).
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from bidcraft import config
from bidcraft.tables.base import TableItem, gsi1_index, table_meta


class AnalyticsTableSettings(config.BaseSettings):
    analytics_table: str


def analytics_table() -> str:
    return config.load(AnalyticsTableSettings).analytics_table


class AnalyticsItem(TableItem):
    """The keys, the index and the TTL every item of the table has (not registered itself: abstract)."""

    Meta = table_meta(analytics_table)  # the table name is read at first use
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = gsi1_index()
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)
