"""Events parked in AnalyticsTable for a freelancer not signed up yet (adapter: `bidcraft.events.pending`)."""

from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute

from bidcraft import tables
from bidcraft.tables.analytics.domain import AnalyticsRecord


@tables.register
class PendingEventRecord(AnalyticsRecord):
    """`PENDING#<freelancer_id> / <occurred_at>#<event_id>`: an event for a freelancer not signed up yet."""

    freelancer_id = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute(null=True)
    occurred_at = UnicodeAttribute(null=True)
    event = UnicodeAttribute(null=True)  # the envelope JSON, as queued
    parked_at = UnicodeAttribute(null=True)
