"""What the audit table holds for a user, read as the tests check it (oldest first), through its model."""

from __future__ import annotations

from typing import Any

from bidcraft.tables.audit import AuditRecord


def audit_records(user_id: str) -> list[dict[str, Any]]:
    records = AuditRecord.query(f"USER#{user_id}", scan_index_forward=True, consistent_read=True)
    return [_plain(record) for record in records]


def _plain(record: AuditRecord) -> dict[str, Any]:
    values = dict(record.attribute_values)
    if record.details is not None:
        values["details"] = record.details.as_dict()
    return values


def audit_actions(user_id: str) -> list[str]:
    return [str(record["action"]) for record in audit_records(user_id)]
