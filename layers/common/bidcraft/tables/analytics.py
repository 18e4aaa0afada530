"""PynamoDB models of AnalyticsTable (`ANALYTICS_TABLE`): single-table design, every item keyed by `pk`/`sk`,
with one index `gsi1` (`gsi1pk`/`gsi1sk`, all attributes projected) and the TTL attribute `expires_at`.

`AnalyticsItem` is what every item of the table shares; each kind of item is a subclass below, with the
attribute names and types the stores have always written (the wire format is unchanged by the models).
Attributes are nullable unless they are keys: items written before an attribute existed still load.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from bidcraft import config
from bidcraft.tables.base import table_meta


class AnalyticsTableSettings(config.BaseSettings):
    analytics_table: str


def analytics_table() -> str:
    return config.load(AnalyticsTableSettings).analytics_table


class ByGsi1(GlobalSecondaryIndex["AnalyticsItem"]):
    class Meta:
        index_name = "gsi1"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class AnalyticsItem(Model):
    """The keys, the index and the TTL every item of the table has (not registered itself: abstract)."""

    Meta = table_meta(analytics_table)  # the table name is read at first use
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi1 = ByGsi1()
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)


# --- the analytics domain's items (proposals, contracts, payments, aggregates, summary, events, sync) -------


# --- the AI domain's items (AI jobs, usage counters, market samples, drafts) -------------------------------
