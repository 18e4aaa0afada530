"""What the audit table holds for a user, read as the tests check it (oldest first)."""

from __future__ import annotations

import os
from typing import Any

from bidcraft import aws, dynamo


def audit_records(user_id: str) -> list[dict[str, Any]]:
    response = aws.client("dynamodb").query(
        TableName=os.environ["AUDIT_TABLE"],
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": f"USER#{user_id}"}},
        ScanIndexForward=True,
    )
    return [dynamo.plain(item) or {} for item in response.get("Items", [])]


def audit_actions(user_id: str) -> list[str]:
    return [str(record["action"]) for record in audit_records(user_id)]
