"""PynamoDB model of IdempotencyTable (`IDEMPOTENCY_TABLE`): key `id`, TTL `expiration` (Powertools'
idempotency defaults, which the table was made for).

`WebhookReceipt`: `id = webhook#<webhook-id>` — one received Standard Webhooks delivery
(`bidcraft.webhooks.receipts`): `status` (`reserved` → `queued`), `body_sha256`, `received_at` (ISO 8601 UTC),
`message_id` (the SQS message it was queued as), `expiration` (epoch seconds). No code of this repository uses
Powertools' idempotency utility today; were it added, its records (keys `<function>#<hash>`) would share the
table without meeting these (`webhook#` prefix), and its persistence layer would keep its own wire format.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from bidcraft import config, tables
from bidcraft.tables.base import TableItem, table_meta

WEBHOOK_PREFIX = "webhook#"


class IdempotencyTableSettings(config.BaseSettings):
    idempotency_table: str


def idempotency_table() -> str:
    return config.load(IdempotencyTableSettings).idempotency_table


@tables.register
class WebhookReceipt(TableItem):
    Meta = table_meta(idempotency_table)  # the table name is read at first use
    id = UnicodeAttribute(hash_key=True)
    status = UnicodeAttribute(null=True)  # reserved | queued
    body_sha256 = UnicodeAttribute(null=True)
    received_at = UnicodeAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    expiration = NumberAttribute(null=True)  # the table's TTL (epoch seconds)

    @classmethod
    def key(cls, event_id: str) -> str:
        return WEBHOOK_PREFIX + event_id
