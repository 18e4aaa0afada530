"""Paths the rest of the suite does not reach, driven here so the IAM verdict observes them: a function that
calls Upwork with an access token about to expire refreshes it under the per-user lease (UsersTable update,
the Upwork client secret, KMS Decrypt of the old tokens and GenerateDataKey to seal the new ones).

AiFunction does it for market data (competition), SyncWorkerFunction for a sync. Both must succeed and leave
newer tokens behind — in AWS a missing permission on any of those steps is a 503 for the user.
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from bidcraft import aws, clock
from bidcraft.auth import upwork_token_store
from devserver.testing import LocalAws
from tests.integration import session

WEB = "531770282580668418"  # Upwork's "Web, Mobile & Software Dev" (tests/integration/ai)


def _body(raw: dict[str, Any]) -> Any:
    return json.loads(raw["body"]) if raw.get("body") else None


@pytest.fixture
def signed_in(local_aws: LocalAws, redirect_uri: str) -> tuple[str, str]:
    """(user_id, access_token) of a new user signed in with the Upwork sandbox."""
    signed = session.sign_in(local_aws, redirect_uri, account=session.new_account("iam"))
    return signed.user_id, signed.access_token


def _expire_upwork_access_token(user_id: str) -> int:
    """Make the stored Upwork access token due for refresh; the stored version before the refresh."""
    stored = upwork_token_store.get(user_id)
    assert stored is not None
    aws.client("dynamodb").update_item(
        TableName=os.environ["USERS_TABLE"],
        Key={"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "UPWORK_TOKENS"}},
        UpdateExpression="SET access_expires_at = :now",
        ExpressionAttributeValues={":now": {"N": str(clock.epoch(clock.now()))}},
    )
    return stored.version


def _assert_refreshed(user_id: str, version_before: int) -> None:
    stored = upwork_token_store.get(user_id)
    assert stored is not None
    assert stored.version > version_before
    assert stored.access_expires_at > clock.epoch(clock.now()) + 300
    assert stored.lease_owner is None


def test_competition_refreshes_an_expiring_upwork_token(
    local_aws: LocalAws, signed_in: tuple[str, str]
) -> None:
    user_id, token = signed_in
    version = _expire_upwork_access_token(user_id)
    aws.client("dynamodb").delete_item(  # no cached market data: the function must ask Upwork
        TableName=os.environ["ANALYTICS_TABLE"], Key={"pk": {"S": f"MARKET#{WEB}"}, "sk": {"S": "SNAPSHOT"}}
    )

    reply = local_aws.request(
        "POST",
        "/api/ai/analyze/competition",
        body={"category": WEB, "skills": ["Python"]},
        headers={"authorization": f"Bearer {token}"},
    )

    assert reply["statusCode"] == 200, reply["body"]
    assert _body(reply)["sample_size"] > 0
    _assert_refreshed(user_id, version)


def test_a_sync_refreshes_an_expiring_upwork_token(local_aws: LocalAws, signed_in: tuple[str, str]) -> None:
    user_id, _ = signed_in
    version = _expire_upwork_access_token(user_id)
    message = {"type": "sync.user", "user_id": user_id, "reason": "test"}

    result = local_aws.invoke("SyncWorkerFunction", local_aws.sqs_event(message, queue="SyncQueue"))

    assert result == {"batchItemFailures": []}
    _assert_refreshed(user_id, version)
