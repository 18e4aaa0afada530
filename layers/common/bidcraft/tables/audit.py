"""PynamoDB model of AuditTable (`AUDIT_TABLE`): the append-only audit trail (`bidcraft.security.audit`).

`AuditRecord`: `pk = USER#<id>` (or `ANON`), `sk = <ISO time, microseconds>Z#<event id>`; the index `gsi1`
(`by_action`, `gsi1`) keys the same records by `gsi1pk = ACTION#<action>`, `gsi1sk = <ISO time>Z#<event id>`.
Attributes are the API fields plus `request_id` and the TTL `expires_at` (epoch seconds); `details` is a map
of plain values. Only `PutItem` (`attribute_not_exists`) and `Query` are ever used on this table.
"""

from __future__ import annotations

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute

from bidcraft import config, tables
from bidcraft.tables.base import TableItem, gsi1_index, table_meta


class AuditTableSettings(config.BaseSettings):
    audit_table: str


def audit_table() -> str:
    return config.load(AuditTableSettings).audit_table


@tables.register
class AuditRecord(TableItem):
    Meta = table_meta(audit_table)
    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    by_action = gsi1_index()
    id = UnicodeAttribute(null=True)
    timestamp = UnicodeAttribute(null=True)  # ISO 8601 UTC, seconds
    user_id = UnicodeAttribute(null=True)
    action = UnicodeAttribute(null=True)
    outcome = UnicodeAttribute(null=True)
    severity = UnicodeAttribute(null=True)
    ip_address = UnicodeAttribute(null=True)
    user_agent = UnicodeAttribute(null=True)
    request_id = UnicodeAttribute(null=True)
    details = MapAttribute(null=True)  # type: ignore[var-annotated]
    expires_at = NumberAttribute(null=True)  # the table's TTL (epoch seconds)
