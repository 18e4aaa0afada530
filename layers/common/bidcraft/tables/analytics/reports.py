"""Generated reports' items of AnalyticsTable (adapter: `bidcraft.analytics.reports.storage`)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from bidcraft import tables
from bidcraft.tables.analytics.domain import AnalyticsRecord


@tables.register
class ReportRecord(AnalyticsRecord):
    """`USER#u / REPORT#<report_id>`: a generated report's object key (expires with the object)."""

    report_id = UnicodeAttribute(null=True)
    report_type = UnicodeAttribute(null=True)
    period = UnicodeAttribute(null=True)
    format = UnicodeAttribute(null=True)
    s3_key = UnicodeAttribute(null=True)
    size_bytes = NumberAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
